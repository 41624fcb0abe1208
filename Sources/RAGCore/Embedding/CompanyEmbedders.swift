import CryptoPrimitives
import HTTPClient
import ServiceRuntime
import Synchronization
import Wire

/// The embedder of each company from its configuration's `providers.embeddings`: the built-in one unless
/// it names an `openai` provider with a base URL and a model, then an ``OpenAICompatibleEmbedder`` with
/// the company's API key (read from the config service, which lets the RAG service see that secret).
///
/// One client object per distinct setting (base URL, model, convention, dimensions, key) is kept, so
/// the dimension it learnt and its connection pool are reused; a rotated key makes a new client but the
/// same ``Embedder/identifier`` (the key does not change the vectors, so nothing is re-indexed).
public final class CompanyEmbedders: EmbedderResolver {
    private let companies: CompanyWatcher
    private let client: HTTPClient
    private let builtIn: BuiltInEmbedder
    private let timeout: Duration
    /// Setting fingerprint → client; company → the fingerprint it used last (when the config service
    /// cannot be asked for the key, the company keeps its last client).
    private let cache = Mutex<(clients: [String: OpenAICompatibleEmbedder], lastUsed: [CompanyID: String])>(([:], [:]))

    public init(companies: CompanyWatcher, client: HTTPClient, builtIn: BuiltInEmbedder = BuiltInEmbedder(), timeout: Duration = .seconds(30)) {
        self.companies = companies
        self.client = client
        self.builtIn = builtIn
        self.timeout = timeout
    }

    public func embedder(for company: CompanyID) async -> any Embedder {
        guard let settings = companies.company(company)?.providers?.embeddings, settings.provider == "openai",
              let baseURL = settings.baseURL, let model = settings.model else { return builtIn }
        var apiKey: String?
        if settings.apiKey != nil {
            do {
                apiKey = try await companies.secrets(of: company).providerAPIKeys["embeddings"]
            } catch {
                if let last = cache.withLock({ cache in cache.lastUsed[company].flatMap { cache.clients[$0] } }) { return last }
            }
        }
        let convention = settings.inputConvention.flatMap(OpenAICompatibleEmbedder.InputConvention.init(rawValue:))
            ?? (model.lowercased().contains("e5") ? .e5Prefixes : .none)
        let fingerprint = [baseURL, model, convention.rawValue, settings.dimensions.map(String.init) ?? "",
                           apiKey.map { Digest.hex(Digest.sha256(Array($0.utf8))) } ?? ""].joined(separator: "\u{1F}")
        return cache.withLock { cache in
            cache.lastUsed[company] = fingerprint
            if let existing = cache.clients[fingerprint] { return existing }
            let made = OpenAICompatibleEmbedder(
                settings: .init(baseURL: baseURL, model: model, apiKey: apiKey, dimensions: settings.dimensions, convention: convention,
                                timeout: timeout),
                client: client)
            cache.clients[fingerprint] = made
            return made
        }
    }
}
