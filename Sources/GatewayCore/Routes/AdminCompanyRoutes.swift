import CompanyModel
import Foundation
import HTTPServerCore
import ServiceLogging
import Wire

/// The admin API for companies, API keys and the audit log. Bodies use the companies file's format
/// (snake_case). Secrets are write-only: answers show `***`, and `***` sent back keeps the stored value.
enum AdminCompanyRoutes {
    static func register(on router: inout Router<GatewayRoute>, companies: CompanyCache, upstream: UpstreamCaller) {
        @Sendable func companyID(_ context: GatewayContext) throws(HTTPError) -> CompanyID {
            guard let text = context.parameters["id"], let id = CompanyID(text) else {
                throw HTTPError(status: 400, code: "invalid_company_id", message: "The company id is not valid.")
            }
            return id
        }
        @Sendable func answer(_ company: Company, status: Int = 200) -> HTTPResponse {
            var response = CompanyJSON.success(["company": CompanyJSON.full(company), "company_id": .string(company.id.rawValue)],
                                               status: status)
            response.headers["ETag"] = "\"\(company.revision ?? 1)\""
            return response
        }
        @Sendable func changed(_ company: Company) async -> HTTPResponse {
            _ = try? await companies.refresh()
            return answer(company)
        }

        router.add("GET", "/api/admin/companies/{id}", GatewayRoute(access: .admin) { _, context in
            let id = try companyID(context)
            return answer(try await upstream.call(.config, ConfigAPI.getCompany, GetCompanyRequest(companyID: id), context: context))
        })

        router.add("POST", "/api/admin/companies", GatewayRoute(access: .admin) { request, context in
            let body = try JSONBody.decode(NewCompanyBody.self, from: request)
            guard let id = CompanyID(body.companyID) else {
                throw HTTPError(status: 422, code: "validation_failed", message: "The request body has invalid fields.",
                                details: ["fields": .object(["company_id": .string("must match ^[a-z0-9][a-z0-9_-]{1,49}$")])])
            }
            let company = try decodeCompany(try bodyObject(request), id: id)
            let created = try await upstream.call(.config, ConfigAPI.createCompany,
                                                  CompanyChangeRequest(company: company, actor: context.principal.label),
                                                  context: context)
            _ = try? await companies.refresh()
            return answer(created, status: 201)
        })

        router.add("PUT", "/api/admin/companies/{id}", GatewayRoute(access: .admin) { request, context in
            let id = try companyID(context)
            let company = try decodeCompany(try bodyObject(request), id: id)
            let updated = try await upstream.call(
                .config, ConfigAPI.updateCompany,
                CompanyChangeRequest(company: company, expectedRevision: try ifMatch(request),
                                     actor: context.principal.label), context: context)
            return await changed(updated)
        })

        router.add("PATCH", "/api/admin/companies/{id}", GatewayRoute(access: .admin) { request, context in
            let id = try companyID(context)
            guard JSONBody.isJSON(request) else {
                throw HTTPError(status: 415, code: "unsupported_media_type", message: "The patch must be JSON (merge patch).")
            }
            guard case .object(let patch)? = JSONBody.value(of: request) else {
                throw HTTPError(status: 400, code: "invalid_json", message: "The patch must be a JSON object.")
            }
            let current = try await upstream.call(.config, ConfigAPI.getCompany, GetCompanyRequest(companyID: id), context: context)
            let company = try decodeCompany(mergePatch(CompanyJSON.full(current), .object(patch)), id: id)
            let expected = try ifMatch(request) ?? current.revision
            let updated = try await upstream.call(
                .config, ConfigAPI.updateCompany,
                CompanyChangeRequest(company: company, expectedRevision: expected, actor: context.principal.label),
                context: context)
            return await changed(updated)
        })

        router.add("DELETE", "/api/admin/companies/{id}", GatewayRoute(access: .admin, timeout: .seconds(30)) { request, context in
            let id = try companyID(context)
            guard request.queryValues("purge").first == "true" else {
                let company = try await upstream.call(.config, ConfigAPI.deactivateCompany,
                                                      CompanyActionRequest(companyID: id, actor: context.principal.label),
                                                      context: context)
                return await changed(company)
            }
            // Purge: every service erases its data first; the company itself goes last, so a failure
            // leaves it in place (and the purge can be retried).
            _ = try await upstream.call(.config, ConfigAPI.getCompany, GetCompanyRequest(companyID: id), context: context)
            var removed: [String: JSONValue] = [:]
            for service in [ServiceName.agent, .rag, .media, .config] {
                let answer = try await upstream.call(service, StandardMethods.purgeTenant,
                                                     PurgeTenantRequest(companyID: id, actor: context.principal.label),
                                                     context: context)
                removed[service.rawValue] = .number(Double(answer.itemsRemoved))
            }
            companies.forgetKeys()
            _ = try? await companies.refresh()
            return CompanyJSON.success(["company_id": .string(id.rawValue), "purged": .bool(true), "items_removed": .object(removed)])
        })

        router.add("POST", "/api/admin/companies/reload-config", GatewayRoute(access: .admin) { _, context in
            let result = try await upstream.call(.config, ConfigAPI.reloadConfig, Empty(), context: context)
            _ = try? await companies.refresh()
            return CompanyJSON.success(["version": .number(Double(result.version)), "companies": .number(Double(result.companies))])
        })

        router.add("POST", "/api/admin/companies/{id}/clear-cache", GatewayRoute(access: .admin) { _, context in
            let id = try companyID(context)
            _ = try await upstream.run(.config, context: context) { try await companies.refresh(metadata: context.wireMetadata) }
            return CompanyJSON.success(["company_id": .string(id.rawValue), "message": .string("Cached configuration refreshed.")])
        })

        router.add("POST", "/api/admin/companies/{id}/api-keys", GatewayRoute(access: .admin) { request, context in
            let id = try companyID(context)
            let body = try JSONBody.decode(NewKeyBody.self, from: request)
            let created = try await upstream.call(
                .config, ConfigAPI.createAPIKey, CompanyActionRequest(companyID: id, actor: context.principal.label, argument: body.name),
                context: context)
            return CompanyJSON.success(["key_id": .string(created.info.keyID), "api_key": .string(created.apiKey),
                                        "name": .string(created.info.name), "fingerprint": .string(created.info.fingerprint),
                                        "company_id": .string(id.rawValue)], status: 201)
        })

        router.add("GET", "/api/admin/companies/{id}/api-keys", GatewayRoute(access: .admin) { _, context in
            let id = try companyID(context)
            let list = try await upstream.call(.config, ConfigAPI.listAPIKeys,
                                               CompanyActionRequest(companyID: id, actor: context.principal.label), context: context)
            return CompanyJSON.success(["company_id": .string(id.rawValue), "api_keys": .array(list.keys.map { key in
                .object(["key_id": .string(key.keyID), "name": .string(key.name), "fingerprint": .string(key.fingerprint),
                         "created_at": key.createdAt.map(JSONValue.string) ?? .null])
            })])
        })

        router.add("DELETE", "/api/admin/companies/{id}/api-keys/{key}", GatewayRoute(access: .admin) { _, context in
            let id = try companyID(context)
            _ = try await upstream.call(.config, ConfigAPI.deleteAPIKey,
                                        CompanyActionRequest(companyID: id, actor: context.principal.label,
                                                             argument: context.parameters["key"]), context: context)
            companies.forgetKeys()
            return CompanyJSON.success(["company_id": .string(id.rawValue), "deleted": .string(context.parameters["key"] ?? "")])
        })

        router.add("GET", "/api/admin/audit", GatewayRoute(access: .admin) { request, context in
            var filter: CompanyID?
            if let text = request.queryValues("company_id").first {
                guard let id = CompanyID(text) else {
                    throw HTTPError(status: 400, code: "invalid_company_id", message: "The company id is not valid.")
                }
                filter = id
            }
            let limit = request.queryValues("limit").first.flatMap(Int.init) ?? 100
            let list = try await upstream.call(.config, ConfigAPI.listAudit, ListAuditRequest(companyID: filter, limit: limit),
                                               context: context)
            return CompanyJSON.success(["entries": .array(list.entries.map { entry in
                .object(["at": .string(Timestamp.iso8601(entry.at)), "actor": .string(entry.actor),
                         "company_id": .string(entry.companyID.rawValue), "action": .string(entry.action),
                         "fields": .array(entry.fields.map(JSONValue.string))])
            })])
        })
    }

    struct NewCompanyBody: Decodable {
        var companyID: String
        enum CodingKeys: String, CodingKey { case companyID = "company_id" }
    }

    struct NewKeyBody: Decodable { var name: String }

    /// The JSON object in the body (415/400 otherwise).
    static func bodyObject(_ request: HTTPRequest) throws(HTTPError) -> JSONValue {
        guard JSONBody.isJSON(request) else {
            throw HTTPError(status: 415, code: "unsupported_media_type",
                            message: "The request body must be JSON (Content-Type: application/json).")
        }
        guard let value = JSONBody.value(of: request), case .object = value else {
            throw HTTPError(status: 400, code: "invalid_json", message: "The request body must be a JSON object.")
        }
        return value
    }

    /// Decodes a company in the companies-file format for `id`, ignoring the fields the server manages
    /// (`company_id`, `created_at`, `updated_at`, `revision`, `api_keys`).
    static func decodeCompany(_ value: JSONValue, id: CompanyID) throws(HTTPError) -> Company {
        guard case .object(var fields) = value else {
            throw HTTPError(status: 400, code: "invalid_json", message: "The request body must be a JSON object.")
        }
        for managed in ["created_at", "updated_at", "revision", "api_keys"] { fields[managed] = nil }
        fields["company_id"] = .string(id.rawValue)
        do {
            return try CompanyJSONCoding.decoder().decode(Company.self, from: Data(JSONValue.object(fields).serialized()))
        } catch let error as DecodingError {
            throw JSONBody.validationError(error)
        } catch {
            throw HTTPError(status: 400, code: "invalid_json", message: "The request body is not a valid company.")
        }
    }

    /// The revision named by `If-Match` (`"3"`, `W/"3"`), nil when absent, 412 when unusable.
    static func ifMatch(_ request: HTTPRequest) throws(HTTPError) -> Int? {
        guard let header = request.headers["If-Match"] else { return nil }
        let trimmed = header.replacingOccurrences(of: "W/", with: "").trimmingCharacters(in: CharacterSet(charactersIn: "\" "))
        guard let revision = Int(trimmed) else {
            throw HTTPError(status: 412, code: "precondition_failed", message: "If-Match must be an ETag of this company.")
        }
        return revision
    }

    /// RFC 7396 JSON merge patch.
    static func mergePatch(_ target: JSONValue, _ patch: JSONValue) -> JSONValue {
        guard case .object(let changes) = patch else { return patch }
        var result: [String: JSONValue] = [:]
        if case .object(let existing) = target { result = existing }
        for (key, value) in changes {
            if case .null = value {
                result[key] = nil
            } else {
                result[key] = mergePatch(result[key] ?? .null, value)
            }
        }
        return .object(result)
    }
}
