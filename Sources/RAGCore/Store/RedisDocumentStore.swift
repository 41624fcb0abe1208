import Foundation
import RedisClient
import TenantStorage
import Wire

/// The shared document store: Redis keys under each company's own namespaces, as the original had them.
///
/// - `<redis_prefix>document:<id>`: hash of the document (title, content, metadata, category,
///   content_hash, created_at, updated_at, chunk_count);
/// - `<redis_prefix>documents` and `<redis_prefix>documents:category:<category>`: sorted sets of ids by
///   creation time (listing, newest first);
/// - `<vectorstore_index>:<id>:<chunk>`: hash of a chunk (document_id, chunk_index, heading, content,
///   embedder, vector as little-endian float32);
/// - `<redis_prefix>rag:version`: the tenant's data version, incremented by every change;
/// - `<redis_prefix>rag:job:<id>`: an embedding job's record (JSON, expiring after a week);
/// - `rag:tenants`: the set of company ids with documents (the only key outside a tenant's namespaces:
///   it holds no tenant data).
///
/// A write or delete of one document is one Lua script, so it is atomic against other replicas; keys are
/// built from the scope inside the script (a standalone Redis; not cluster-slot aware).
public final class RedisDocumentStore: DocumentStore {
    private let redis: RedisClient

    public init(redis: RedisClient) { self.redis = redis }

    static let putScript = RedisScript("""
        local p, vi, id, company = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
        local key = p .. 'document:' .. id
        local old = redis.call('HMGET', key, 'chunk_count', 'category', 'created_at')
        if old[1] then
          for i = 0, tonumber(old[1]) - 1 do redis.call('UNLINK', vi .. ':' .. id .. ':' .. i) end
          if old[2] and old[2] ~= '' then redis.call('ZREM', p .. 'documents:category:' .. old[2], id) end
        end
        local created = old[3] or ARGV[10]
        redis.call('HSET', key, 'title', ARGV[5], 'content', ARGV[6], 'metadata', ARGV[7], 'category', ARGV[8],
          'content_hash', ARGV[9], 'created_at', created, 'updated_at', ARGV[11], 'chunk_count', ARGV[12])
        redis.call('ZADD', p .. 'documents', created, id)
        if ARGV[8] ~= '' then redis.call('ZADD', p .. 'documents:category:' .. ARGV[8], created, id) end
        local n = tonumber(ARGV[12])
        for i = 0, n - 1 do
          local base = 13 + i * 4
          redis.call('HSET', vi .. ':' .. id .. ':' .. i, 'document_id', id, 'chunk_index', i, 'heading', ARGV[base],
            'content', ARGV[base + 1], 'embedder', ARGV[base + 2], 'vector', ARGV[base + 3])
        end
        redis.call('SADD', 'rag:tenants', company)
        local version = redis.call('INCR', p .. 'rag:version')
        redis.call('ZADD', p .. 'rag:changes', version, id)
        if old[1] then return 1 else return 0 end
        """)

    static let deleteScript = RedisScript("""
        local p, vi, id = ARGV[1], ARGV[2], ARGV[3]
        local key = p .. 'document:' .. id
        local old = redis.call('HMGET', key, 'chunk_count', 'category')
        if not old[1] then return -1 end
        for i = 0, tonumber(old[1]) - 1 do redis.call('UNLINK', vi .. ':' .. id .. ':' .. i) end
        if old[2] and old[2] ~= '' then redis.call('ZREM', p .. 'documents:category:' .. old[2], id) end
        redis.call('UNLINK', key)
        redis.call('ZREM', p .. 'documents', id)
        local version = redis.call('INCR', p .. 'rag:version')
        redis.call('ZADD', p .. 'rag:changes', version, id)
        return tonumber(old[1])
        """)

    static let changeScript = RedisScript("""
        local p, id = ARGV[1], ARGV[2]
        local version = redis.call('INCR', p .. 'rag:version')
        if id == '*' then redis.call('DEL', p .. 'rag:changes') end
        redis.call('ZADD', p .. 'rag:changes', version, id)
        return version
        """)

    /// Sets chunk vectors only while the document still has the content they were computed from.
    static let vectorsScript = RedisScript("""
        local p, vi, id, hash, embedder = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
        if redis.call('HGET', p .. 'document:' .. id, 'content_hash') ~= hash then return 0 end
        for i = 6, #ARGV, 2 do
          local key = vi .. ':' .. id .. ':' .. ARGV[i]
          if redis.call('EXISTS', key) == 1 then redis.call('HSET', key, 'embedder', embedder, 'vector', ARGV[i + 1]) end
        end
        local version = redis.call('INCR', p .. 'rag:version')
        redis.call('ZADD', p .. 'rag:changes', version, id)
        return 1
        """)

    private func failure(_ error: RedisError) -> DocumentStoreError { DocumentStoreError("document store (Redis): \(error)") }

    private func documentKey(_ id: String, _ scope: TenantScope) -> String { scope.redisKey("document", id) }
    private func jobKey(_ id: String, _ scope: TenantScope) -> String { scope.redisKey("rag", "job", id) }
    private func chunkKey(_ id: String, _ index: Int, _ scope: TenantScope) -> String { scope.vectorKey(id, String(index)) }

    public func put(_ documents: [StoredDocumentWithChunks], in scope: TenantScope) async throws(DocumentStoreError) -> [Bool] {
        var replaced: [Bool] = []
        for item in documents {
            let document = item.document
            var arguments: [RedisArgument] = [
                RedisArgument(scope.redisPrefix), RedisArgument(scope.vectorIndex), RedisArgument(document.id),
                RedisArgument(scope.companyID.rawValue), RedisArgument(document.title), RedisArgument(document.content),
                RedisArgument(document.metadataJSON), RedisArgument(document.category ?? ""), RedisArgument(document.contentHash),
                RedisArgument(Self.time(document.createdAt)), RedisArgument(Self.time(document.updatedAt)), RedisArgument(item.chunks.count),
            ]
            for chunk in item.chunks {
                arguments += [RedisArgument(chunk.heading), RedisArgument(chunk.content), RedisArgument(chunk.embedder ?? ""),
                              RedisArgument(chunk.vector.map(VectorBlob.encode) ?? [])]
            }
            do throws(RedisError) {
                replaced.append(try await redis.evaluate(Self.putScript, keys: [], arguments: arguments).integer == 1)
            } catch {
                throw failure(error)
            }
        }
        return replaced
    }

    public func putVectors(documentID: String, contentHash: String, embedder: String, vectors: [Int: [Float]],
                           in scope: TenantScope) async throws(DocumentStoreError) -> Bool {
        var arguments: [RedisArgument] = [RedisArgument(scope.redisPrefix), RedisArgument(scope.vectorIndex), RedisArgument(documentID),
                                          RedisArgument(contentHash), RedisArgument(embedder)]
        for (index, vector) in vectors.sorted(by: { $0.key < $1.key }) {
            arguments += [RedisArgument(index), RedisArgument(VectorBlob.encode(vector))]
        }
        do throws(RedisError) {
            return try await redis.evaluate(Self.vectorsScript, keys: [], arguments: arguments).integer == 1
        } catch {
            throw failure(error)
        }
    }

    public func putJob(_ job: EmbeddingJobRecord, in scope: TenantScope) async throws(DocumentStoreError) {
        guard let json = try? JSONEncoder().encode(job) else { throw DocumentStoreError("cannot encode the job \(job.id)") }
        do throws(RedisError) {
            _ = try await redis.command(["SET", RedisArgument(jobKey(job.id, scope)), RedisArgument(Array(json)), "EX",
                                         RedisArgument(Int(EmbeddingJobRecord.retention))])
        } catch {
            throw failure(error)
        }
    }

    public func job(_ id: String, in scope: TenantScope) async throws(DocumentStoreError) -> EmbeddingJobRecord? {
        do throws(RedisError) {
            guard let text = try await redis.command(["GET", RedisArgument(jobKey(id, scope))]).string else { return nil }
            return try? JSONDecoder().decode(EmbeddingJobRecord.self, from: Data(text.utf8))
        } catch {
            throw failure(error)
        }
    }

    public func document(_ id: String, in scope: TenantScope) async throws(DocumentStoreError) -> StoredDocumentWithChunks? {
        do throws(RedisError) {
            let fields = Self.fields(try await redis.command(["HGETALL", RedisArgument(documentKey(id, scope))]))
            guard !fields.isEmpty else { return nil }
            let document = Self.document(id: id, fields)
            let replies = try await redis.pipeline((0..<document.chunkCount).map { ["HGETALL", RedisArgument(chunkKey(id, $0, scope))] })
            return StoredDocumentWithChunks(document: document, chunks: replies.map { Self.chunk(Self.fields($0)) })
        } catch {
            throw failure(error)
        }
    }

    public func delete(_ id: String, in scope: TenantScope) async throws(DocumentStoreError) -> Int? {
        do throws(RedisError) {
            let reply = try await redis.evaluate(Self.deleteScript, keys: [], arguments: [
                RedisArgument(scope.redisPrefix), RedisArgument(scope.vectorIndex), RedisArgument(id),
            ])
            guard let count = reply.integer, count >= 0 else { return nil }
            return Int(count)
        } catch {
            throw failure(error)
        }
    }

    public func list(in scope: TenantScope, offset: Int, limit: Int, category: String?) async throws(DocumentStoreError)
        -> (total: Int, documents: [StoredDocument]) {
        let set = category.map { scope.redisKey("documents", "category", $0) } ?? scope.redisKey("documents")
        do throws(RedisError) {
            let replies = try await redis.pipeline([
                ["ZCARD", RedisArgument(set)],
                ["ZREVRANGE", RedisArgument(set), RedisArgument(offset), RedisArgument(offset + max(1, limit) - 1)],
            ])
            let ids = replies[1].array?.compactMap(\.string) ?? []
            let rows = try await redis.pipeline(ids.map { ["HGETALL", RedisArgument(documentKey($0, scope))] })
            let documents = zip(ids, rows).compactMap { id, row -> StoredDocument? in
                let fields = Self.fields(row)
                return fields.isEmpty ? nil : Self.document(id: id, fields)
            }
            return (Int(replies[0].integer ?? 0), documents)
        } catch {
            throw failure(error)
        }
    }

    public func all(in scope: TenantScope) async throws(DocumentStoreError) -> [StoredDocumentWithChunks] {
        do throws(RedisError) {
            let ids = try await redis.command(["ZRANGE", RedisArgument(scope.redisKey("documents")), "0", "-1"]).array?.compactMap(\.string) ?? []
            var result: [StoredDocumentWithChunks] = []
            result.reserveCapacity(ids.count)
            var start = 0
            while start < ids.count {
                let batch = Array(ids[start..<min(ids.count, start + 200)])
                start += batch.count
                // The text is not needed to build an index: only the header fields.
                let headers = try await redis.pipeline(batch.map {
                    ["HMGET", RedisArgument(documentKey($0, scope)), "title", "metadata", "category", "content_hash", "created_at",
                     "updated_at", "chunk_count"]
                })
                var documents: [StoredDocument] = []
                var chunkCommands: [[RedisArgument]] = []
                for (id, header) in zip(batch, headers) {
                    let values = header.array ?? []
                    guard values.count == 7, let count = values[6].string.flatMap(Int.init) else { continue }
                    documents.append(StoredDocument(
                        id: id, title: values[0].string ?? "", content: "", metadataJSON: values[1].string ?? "{}",
                        category: values[2].string.flatMap { $0.isEmpty ? nil : $0 }, contentHash: values[3].string ?? "",
                        createdAt: Self.date(values[4].string), updatedAt: Self.date(values[5].string), chunkCount: count))
                    chunkCommands += (0..<count).map { ["HGETALL", RedisArgument(chunkKey(id, $0, scope))] }
                }
                let chunks = try await redis.pipeline(chunkCommands)
                var position = 0
                for document in documents {
                    let rows = chunks[position..<min(chunks.count, position + document.chunkCount)]
                    position += document.chunkCount
                    result.append(StoredDocumentWithChunks(document: document, chunks: rows.map { Self.chunk(Self.fields($0)) }))
                }
            }
            return result
        } catch {
            throw failure(error)
        }
    }

    public func categories(in scope: TenantScope) async throws(DocumentStoreError) -> [String: Int] {
        let prefix = scope.redisKey("documents", "category", "")
        do throws(RedisError) {
            let keys = try await redis.keys(withPrefix: prefix)
            let counts = try await redis.pipeline(keys.map { ["ZCARD", RedisArgument($0)] })
            var result: [String: Int] = [:]
            for (key, count) in zip(keys, counts) where (count.integer ?? 0) > 0 {
                result[String(key.dropFirst(prefix.count))] = Int(count.integer ?? 0)
            }
            let total = try await redis.command(["ZCARD", RedisArgument(scope.redisKey("documents"))]).integer ?? 0
            let uncategorised = Int(total) - result.values.reduce(0, +)
            if uncategorised > 0 { result[""] = uncategorised }
            return result
        } catch {
            throw failure(error)
        }
    }

    public func purge(_ scope: TenantScope) async throws(DocumentStoreError) -> Int {
        do throws(RedisError) {
            let documents = Int(try await redis.command(["ZCARD", RedisArgument(scope.redisKey("documents"))]).integer ?? 0)
            _ = try await redis.deleteKeys(withPrefix: scope.redisKey("document", ""))
            _ = try await redis.deleteKeys(withPrefix: scope.redisKey("documents"))
            _ = try await redis.deleteKeys(withPrefix: scope.vectorKey(""))
            _ = try await redis.deleteKeys(withPrefix: scope.redisKey("rag", "job", ""))
            _ = try await redis.command(["SREM", "rag:tenants", RedisArgument(scope.companyID.rawValue)])
            _ = try await redis.evaluate(Self.changeScript, keys: [], arguments: [RedisArgument(scope.redisPrefix), "*"])
            return documents
        } catch {
            throw failure(error)
        }
    }

    public func version(in scope: TenantScope) async throws(DocumentStoreError) -> UInt64 {
        do throws(RedisError) {
            return UInt64(try await redis.command(["GET", RedisArgument(scope.redisKey("rag", "version"))]).string.flatMap(UInt64.init) ?? 0)
        } catch {
            throw failure(error)
        }
    }

    public func changes(in scope: TenantScope, after version: UInt64) async throws(DocumentStoreError) -> StoreChanges {
        do throws(RedisError) {
            let replies = try await redis.transaction([
                ["GET", RedisArgument(scope.redisKey("rag", "version"))],
                ["ZRANGEBYSCORE", RedisArgument(scope.redisKey("rag", "changes")), RedisArgument("(\(version)"), "+inf"],
            ])
            let current = replies[0].string.flatMap(UInt64.init) ?? 0
            let documents = Set((replies[1].array ?? []).compactMap { (value: RedisValue) -> String? in value.string })
            return StoreChanges(version: current, documents: documents.subtracting(["*"]), reset: documents.contains("*") || version > current)
        } catch {
            throw failure(error)
        }
    }

    public func audit(in scope: TenantScope) async throws(DocumentStoreError) -> StoreAudit {
        do throws(RedisError) {
            let ids = try await redis.command(["ZRANGE", RedisArgument(scope.redisKey("documents")), "0", "-1"]).array?.compactMap(\.string) ?? []
            var documents: [String: StoredDocumentAudit] = [:]
            var start = 0
            while start < ids.count {
                let batch = Array(ids[start..<min(ids.count, start + 200)])
                start += batch.count
                let headers = try await redis.pipeline(batch.map { ["HMGET", RedisArgument(documentKey($0, scope)), "content_hash", "chunk_count"] })
                var probes: [[RedisArgument]] = []
                var owners: [String] = []
                for (id, header) in zip(batch, headers) {
                    let values = header.array ?? []
                    guard values.count == 2, let declared = values[1].string.flatMap(Int.init) else { continue }
                    documents[id] = StoredDocumentAudit(contentHash: values[0].string ?? "", declaredChunks: declared, presentChunks: 0,
                                                        chunksWithoutVector: 0)
                    for index in 0..<declared {
                        probes.append(["EXISTS", RedisArgument(chunkKey(id, index, scope))])
                        probes.append(["HSTRLEN", RedisArgument(chunkKey(id, index, scope)), "vector"])
                        owners.append(id)
                    }
                }
                let replies = try await redis.pipeline(probes)
                for (position, id) in owners.enumerated() where (replies[position * 2].integer ?? 0) > 0 {
                    documents[id]?.presentChunks += 1
                    let length = replies[position * 2 + 1].integer ?? 0
                    if length == 0 || length % 4 != 0 { documents[id]?.chunksWithoutVector += 1 }
                }
            }
            return StoreAudit(documents: documents, orphanChunks: try await orphanChunkKeys(scope, documents: documents).count)
        } catch {
            throw failure(error)
        }
    }

    /// Chunk keys under the tenant's vector index that belong to no document or lie beyond its chunk count.
    private func orphanChunkKeys(_ scope: TenantScope, documents: [String: StoredDocumentAudit]) async throws(RedisError) -> [String] {
        let prefix = scope.vectorKey("")
        return try await redis.keys(withPrefix: prefix).filter { key in
            let rest = key.dropFirst(prefix.count)
            guard let colon = rest.lastIndex(of: ":"), let index = Int(rest[rest.index(after: colon)...]) else { return true }
            guard let document = documents[String(rest[..<colon])] else { return true }
            return index >= document.declaredChunks
        }
    }

    public func removeOrphanChunks(in scope: TenantScope) async throws(DocumentStoreError) -> Int {
        let audit = try await self.audit(in: scope)
        do throws(RedisError) {
            let keys = try await orphanChunkKeys(scope, documents: audit.documents)
            return keys.isEmpty ? 0 : try await redis.delete(keys)
        } catch {
            throw failure(error)
        }
    }

    public func tenants() async throws(DocumentStoreError) -> [CompanyID] {
        do throws(RedisError) {
            return try await redis.command(["SMEMBERS", "rag:tenants"]).array?.compactMap { $0.string.flatMap(CompanyID.init) } ?? []
        } catch {
            throw failure(error)
        }
    }

    // MARK: Values

    static func time(_ date: Date) -> String { String(format: "%.6f", date.timeIntervalSince1970) }
    static func date(_ text: String?) -> Date { Date(timeIntervalSince1970: text.flatMap(Double.init) ?? 0) }

    /// An `HGETALL` reply as field → raw value.
    static func fields(_ reply: RedisValue) -> [String: RedisValue] { reply.fieldValues }

    static func document(id: String, _ fields: [String: RedisValue]) -> StoredDocument {
        StoredDocument(id: id, title: fields["title"]?.string ?? "", content: fields["content"]?.string ?? "",
                       metadataJSON: fields["metadata"]?.string ?? "{}",
                       category: fields["category"]?.string.flatMap { $0.isEmpty ? nil : $0 },
                       contentHash: fields["content_hash"]?.string ?? "", createdAt: date(fields["created_at"]?.string),
                       updatedAt: date(fields["updated_at"]?.string), chunkCount: fields["chunk_count"]?.string.flatMap(Int.init) ?? 0)
    }

    static func chunk(_ fields: [String: RedisValue]) -> StoredChunk {
        let vector = fields["vector"]?.bytes.flatMap { $0.isEmpty ? nil : VectorBlob.decode($0) }
        let embedder = fields["embedder"]?.string.flatMap { $0.isEmpty ? nil : $0 }
        return StoredChunk(index: fields["chunk_index"]?.string.flatMap(Int.init) ?? 0, heading: fields["heading"]?.string ?? "",
                           content: fields["content"]?.string ?? "", embedder: embedder, vector: vector)
    }
}
