/// Ordered key/value pairs carried in a frame header: request id, tenant, caller and friends.
///
/// Keys are lower-case ASCII (`[0-9a-z_.-]`); a key may repeat. Values are UTF-8 strings.
public struct Metadata: Sendable, Equatable, Sequence, ExpressibleByDictionaryLiteral, Codable {
    /// One key/value pair.
    public struct Entry: Sendable, Equatable, Codable {
        public var key: String
        public var value: String
        public init(key: String, value: String) {
            self.key = key
            self.value = value
        }
    }

    /// The well-known key for the request id used to trace one request across services.
    public static let requestIDKey = "request-id"
    /// The well-known key for the tenant (company id) a call acts for.
    public static let tenantKey = "tenant"
    /// The well-known key naming the calling component.
    public static let callerKey = "caller"

    public private(set) var entries: [Entry]

    /// Creates empty metadata.
    public init() { entries = [] }

    public init(dictionaryLiteral elements: (String, String)...) {
        entries = elements.map { Entry(key: $0.0, value: $0.1) }
    }

    /// The first value stored under `key`, or nil. Setting replaces every value under `key`.
    public subscript(key: String) -> String? {
        get { entries.first { $0.key == key }?.value }
        set {
            entries.removeAll { $0.key == key }
            if let newValue { entries.append(Entry(key: key, value: newValue)) }
        }
    }

    /// Appends a pair, keeping earlier values under the same key.
    public mutating func add(_ key: String, _ value: String) { entries.append(Entry(key: key, value: value)) }

    public var isEmpty: Bool { entries.isEmpty }
    public var count: Int { entries.count }

    public func makeIterator() -> IndexingIterator<[Entry]> { entries.makeIterator() }

    /// The request id, if set.
    public var requestID: String? {
        get { self[Self.requestIDKey] }
        set { self[Self.requestIDKey] = newValue }
    }

    /// The tenant, if set.
    public var tenant: String? {
        get { self[Self.tenantKey] }
        set { self[Self.tenantKey] = newValue }
    }

    /// The caller, if set.
    public var caller: String? {
        get { self[Self.callerKey] }
        set { self[Self.callerKey] = newValue }
    }

    /// Whether `key` is a valid metadata key.
    public static func isValidKey(_ key: String) -> Bool {
        !key.isEmpty && key.utf8.count <= 128
            && key.utf8.allSatisfy { c in
                (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x7A) || c == 0x2D || c == 0x5F || c == 0x2E
            }
    }
}
