import Wire

/// Who is making a request, once authenticated.
public enum Principal: Sendable, Equatable {
    /// An operator with an admin API key (or an admin JWT): every tenant, every admin route.
    case admin(name: String)
    /// A tenant API key: exactly one company.
    case tenantKey(company: CompanyID, keyID: String)
    /// A bearer token with `role: tenant`: the companies listed in its claims.
    case tenantToken(companies: [CompanyID], subject: String?)
    /// Nobody (public routes), or everybody when `AUTH_MODE=off`.
    case anonymous

    /// Whether this principal may act for `company`.
    public func mayAccess(_ company: CompanyID, authenticationEnabled: Bool) -> Bool {
        switch self {
        case .admin: return true
        case .tenantKey(let own, _): return own == company
        case .tenantToken(let companies, _): return companies.contains(company)
        case .anonymous: return !authenticationEnabled
        }
    }

    /// The one company the credentials are bound to, if exactly one.
    public var boundCompany: CompanyID? {
        switch self {
        case .tenantKey(let company, _): return company
        case .tenantToken(let companies, _): return companies.count == 1 ? companies[0] : nil
        case .admin, .anonymous: return nil
        }
    }

    /// Whether this is an admin.
    public var isAdmin: Bool {
        if case .admin = self { return true }
        return false
    }

    /// A label for logs and rate limiting.
    public var label: String {
        switch self {
        case .admin(let name): return "admin:\(name)"
        case .tenantKey(let company, let keyID): return "key:\(company):\(keyID)"
        case .tenantToken(let companies, let subject): return "jwt:\(subject ?? companies.map(\.rawValue).joined(separator: ","))"
        case .anonymous: return "anonymous"
        }
    }
}
