import CryptoPrimitives
import HTTPClient
import ServiceRuntime
import Synchronization
import Wire

/// A company's language model as its configuration sets it up.
public struct ConfiguredLanguageModel: Sendable {
    public var model: any LanguageModel
    /// The temperature of answers (classification always uses 0).
    public var temperature: Double
    /// Whether the router asks the model too.
    public var routing: Bool
    public init(model: any LanguageModel, temperature: Double = 0.3, routing: Bool = false) {
        self.model = model
        self.temperature = temperature
        self.routing = routing
    }
}

/// Finds the language model of a company, if it has one.
public protocol LanguageModelResolver: Sendable {
    /// The company's model, or nil when it uses the built-in responder only.
    func languageModel(for company: Company) async -> ConfiguredLanguageModel?
}

/// The language model of each company from its configuration's `providers.llm`: none (the built-in
/// grounded responder) unless it names an `openai` provider with a base URL and a model, then an
/// ``OpenAIChatModel`` with the company's API key (read from the config service, which lets the agent
/// service see that secret), its temperature and time limit.
///
/// One client per distinct setting is kept (its fingerprint includes a digest of the key, never the key);
/// when the config service cannot be asked for the key, the company keeps the client it used last, and a
/// company never seen with a key gets no model (the built-in responder answers).
public final class CompanyLanguageModels: LanguageModelResolver {
    private let companies: CompanyWatcher
    private let client: HTTPClient
    private let cache = Mutex<(models: [String: OpenAIChatModel], lastUsed: [CompanyID: String])>(([:], [:]))

    public init(companies: CompanyWatcher, client: HTTPClient) {
        self.companies = companies
        self.client = client
    }

    public func languageModel(for company: Company) async -> ConfiguredLanguageModel? {
        guard let settings = company.providers?.llm, settings.provider == "openai", let baseURL = settings.baseURL, let name = settings.model else {
            return nil
        }
        let temperature = settings.temperature ?? 0.3, routing = settings.routing ?? false
        var apiKey: String?
        if settings.apiKey != nil {
            do {
                apiKey = try await companies.secrets(of: company.id).providerAPIKeys["llm"]
            } catch {
                let last = cache.withLock { cache in cache.lastUsed[company.id].flatMap { cache.models[$0] } }
                return last.map { ConfiguredLanguageModel(model: $0, temperature: temperature, routing: routing) }
            }
        }
        let timeout = Duration.milliseconds(Int(((settings.timeoutSeconds ?? 10) * 1_000).rounded()))
        let fingerprint = [baseURL, name, "\(timeout)", apiKey.map { Digest.hex(Digest.sha256(Array($0.utf8))) } ?? ""].joined(separator: "\u{1F}")
        let model = cache.withLock { cache in
            cache.lastUsed[company.id] = fingerprint
            if let existing = cache.models[fingerprint] { return existing }
            let made = OpenAIChatModel(settings: .init(baseURL: baseURL, model: name, apiKey: apiKey, timeout: timeout), client: client)
            cache.models[fingerprint] = made
            return made
        }
        return ConfiguredLanguageModel(model: model, temperature: temperature, routing: routing)
    }
}
