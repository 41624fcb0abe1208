import CryptoPrimitives
import Foundation
import HTTPServerCore
import Wire

/// Verifies HS256 JSON Web Tokens (RFC 7519) and turns their claims into a ``Principal``.
///
/// Only `alg: HS256` is accepted (so `none` and algorithm-confusion tokens fail), the signature is
/// compared in constant time, and `exp`/`nbf` are enforced with a small clock leeway. Claims: `role`
/// (`admin` or `tenant`), `company_id` (a string or a list), optional `sub`.
public struct JWTVerifier: Sendable {
    private let secret: [UInt8]
    /// Allowed clock skew for `exp` and `nbf`.
    public var leeway: TimeInterval = 30

    public init(secret: [UInt8]) { self.secret = secret }

    /// Why a token was refused.
    public enum Failure: Error, Equatable, Sendable {
        case malformed, unsupportedAlgorithm, badSignature, expired, notYetValid, invalidClaims(String)

        public var message: String {
            switch self {
            case .malformed: return "The bearer token is malformed."
            case .unsupportedAlgorithm: return "The bearer token must be signed with HS256."
            case .badSignature: return "The bearer token signature is invalid."
            case .expired: return "The bearer token has expired."
            case .notYetValid: return "The bearer token is not valid yet."
            case .invalidClaims(let detail): return "The bearer token claims are invalid: \(detail)."
            }
        }
    }

    /// Verifies `token` at time `now`.
    public func verify(_ token: String, now: Date = Date()) throws(Failure) -> Principal {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let headerBytes = Base64URL.decode(parts[0]), let payloadBytes = Base64URL.decode(parts[1]),
              let signature = Base64URL.decode(parts[2]) else { throw .malformed }
        guard case .object(let header)? = try? JSONDecoder().decode(JSONValue.self, from: Data(headerBytes)) else {
            throw .malformed
        }
        guard header["alg"]?.stringValue == "HS256" else { throw .unsupportedAlgorithm }
        let signingInput = Array("\(parts[0]).\(parts[1])".utf8)
        guard Digest.constantTimeEqual(Digest.hmacSHA256(key: secret, message: signingInput), signature) else {
            throw .badSignature
        }
        guard case .object(let claims)? = try? JSONDecoder().decode(JSONValue.self, from: Data(payloadBytes)) else {
            throw .malformed
        }
        let time = now.timeIntervalSince1970
        if let exp = claims["exp"] {
            guard case .number(let value) = exp else { throw .invalidClaims("exp must be a number") }
            if time > value + leeway { throw .expired }
        } else {
            throw .invalidClaims("exp is required")
        }
        if let nbf = claims["nbf"] {
            guard case .number(let value) = nbf else { throw .invalidClaims("nbf must be a number") }
            if time + leeway < value { throw .notYetValid }
        }
        let subject = claims["sub"]?.stringValue
        switch claims["role"]?.stringValue {
        case "admin":
            return .admin(name: "jwt:\(subject ?? "admin")")
        case "tenant":
            var companies: [CompanyID] = []
            switch claims["company_id"] {
            case .string(let text)?:
                guard let id = CompanyID(text) else { throw .invalidClaims("company_id is not a valid company id") }
                companies = [id]
            case .array(let values)?:
                for value in values {
                    guard let text = value.stringValue, let id = CompanyID(text) else {
                        throw .invalidClaims("company_id contains an invalid company id")
                    }
                    companies.append(id)
                }
            default:
                throw .invalidClaims("company_id is required for role tenant")
            }
            guard !companies.isEmpty else { throw .invalidClaims("company_id is empty") }
            return .tenantToken(companies: companies, subject: subject)
        default:
            throw .invalidClaims("role must be 'admin' or 'tenant'")
        }
    }

    /// Signs claims (for tests, tooling and the admin panel's session tokens).
    public func sign(_ claims: [String: JSONValue]) -> String {
        let header = Base64URL.encode(JSONValue.object(["alg": .string("HS256"), "typ": .string("JWT")]).serialized())
        let payload = Base64URL.encode(JSONValue.object(claims).serialized())
        let signature = Digest.hmacSHA256(key: secret, message: Array("\(header).\(payload)".utf8))
        return "\(header).\(payload).\(Base64URL.encode(signature))"
    }
}
