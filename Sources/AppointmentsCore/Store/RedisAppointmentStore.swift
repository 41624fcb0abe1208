import Foundation
import RedisClient
import TenantStorage
import Wire

/// The shared appointment store: Redis keys under each company's `redis_prefix`.
///
/// - `<prefix>appointment:<id>`: hash of the appointment (times as Unix seconds, the patient as JSON);
/// - `<prefix>appointments:by_start`: sorted set of every appointment id by start (listing);
/// - `<prefix>appointments:room:<n>`: sorted set of the booked ids holding room `n`, by start (the check);
/// - `<prefix>appointments:key:<idempotency key>`: the id a key booked.
///
/// Booking, rescheduling and cancelling are one Lua script each, so the room check and the write are atomic
/// against every other client of the same Redis (other gateway or agent replicas included). Treatments
/// last at most a day, so the appointments that can overlap an interval start at most a day plus the
/// buffer before it.
public final class RedisAppointmentStore: AppointmentStore {
    private let redis: RedisClient

    public init(redis: RedisClient) { self.redis = redis }

    /// Finds the first room free for `[s, e + b)` (ignoring `exclude`): returns its number or -1.
    static let freeRoomLua = """
        local function free_room(p, s, e, b, rooms, exclude)
          for r = 0, rooms - 1 do
            local ids = redis.call('ZRANGEBYSCORE', p .. 'appointments:room:' .. r, s - 86400 - b, '(' .. (e + b))
            local free = true
            for _, other in ipairs(ids) do
              if other ~= exclude then
                local other_end = tonumber(redis.call('HGET', p .. 'appointment:' .. other, 'end'))
                if other_end and other_end + b > s then free = false break end
              end
            end
            if free then return r end
          end
          return -1
        end
        """

    static let bookScript = RedisScript(freeRoomLua + """

        local p, id, s, e, b, rooms, key = ARGV[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6]), ARGV[7]
        if key ~= '' then
          local existing = redis.call('GET', p .. 'appointments:key:' .. key)
          if existing then return {'replayed', existing} end
        end
        local room = free_room(p, s, e, b, rooms, '')
        if room < 0 then return {'taken', ''} end
        redis.call('HSET', p .. 'appointment:' .. id, 'treatment', ARGV[8], 'start', ARGV[3], 'end', ARGV[4], 'room', room, 'status', 'booked',
          'patient', ARGV[9], 'search', ARGV[10], 'code', ARGV[11], 'key', key, 'notes', ARGV[12], 'created', ARGV[13], 'updated', ARGV[13],
          'cancelled', '', 'late', '0')
        redis.call('ZADD', p .. 'appointments:room:' .. room, s, id)
        redis.call('ZADD', p .. 'appointments:by_start', s, id)
        if key ~= '' then redis.call('SET', p .. 'appointments:key:' .. key, id) end
        return {'booked', tostring(room)}
        """)

    static let rescheduleScript = RedisScript(freeRoomLua + """

        local p, id, s, e, b, rooms, now = ARGV[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6]), ARGV[7]
        local current = redis.call('HMGET', p .. 'appointment:' .. id, 'status', 'room')
        if current[1] ~= 'booked' then return {'not_found', ''} end
        local room = free_room(p, s, e, b, rooms, id)
        if room < 0 then return {'taken', ''} end
        redis.call('ZREM', p .. 'appointments:room:' .. current[2], id)
        redis.call('HSET', p .. 'appointment:' .. id, 'start', ARGV[3], 'end', ARGV[4], 'room', room, 'updated', now)
        redis.call('ZADD', p .. 'appointments:room:' .. room, s, id)
        redis.call('ZADD', p .. 'appointments:by_start', s, id)
        return {'booked', tostring(room)}
        """)

    static let cancelScript = RedisScript("""
        local p, id, now, late = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
        local current = redis.call('HMGET', p .. 'appointment:' .. id, 'status', 'room')
        if current[1] ~= 'booked' then return 0 end
        redis.call('HSET', p .. 'appointment:' .. id, 'status', 'cancelled', 'cancelled', now, 'updated', now, 'late', late)
        redis.call('ZREM', p .. 'appointments:room:' .. current[2], id)
        return 1
        """)

    /// Erases one appointment: its hash, its places in the listing and its room, its idempotency key.
    static let eraseScript = RedisScript("""
        local p, id = ARGV[1], ARGV[2]
        local current = redis.call('HMGET', p .. 'appointment:' .. id, 'room', 'key')
        if redis.call('DEL', p .. 'appointment:' .. id) == 0 then return 0 end
        redis.call('ZREM', p .. 'appointments:by_start', id)
        if current[1] then redis.call('ZREM', p .. 'appointments:room:' .. current[1], id) end
        if current[2] and current[2] ~= '' and redis.call('GET', p .. 'appointments:key:' .. current[2]) == id then
            redis.call('DEL', p .. 'appointments:key:' .. current[2])
        end
        return 1
        """)

    private func failure(_ error: RedisError) -> AppointmentStoreError { AppointmentStoreError("appointment store (Redis): \(error)") }

    static func seconds(_ date: Date) -> RedisArgument { RedisArgument(String(format: "%.3f", date.timeIntervalSince1970)) }

    public func book(_ appointment: Appointment, rule: OccupancyRule, in scope: TenantScope) async throws(AppointmentStoreError) -> BookingOutcome {
        let patient = try SQLiteAppointmentStore.encode(appointment.patient)
        let arguments: [RedisArgument] = [
            RedisArgument(scope.redisPrefix), RedisArgument(appointment.id), Self.seconds(appointment.start), Self.seconds(appointment.end),
            RedisArgument(rule.bufferSeconds), RedisArgument(rule.rooms), RedisArgument(appointment.idempotencyKey ?? ""),
            RedisArgument(appointment.treatment), RedisArgument(patient), RedisArgument(SQLiteAppointmentStore.searchText(appointment.patient)),
            RedisArgument(appointment.confirmationCode), RedisArgument(appointment.notes ?? ""), Self.seconds(appointment.createdAt),
        ]
        let reply: RedisValue
        do throws(RedisError) {
            reply = try await redis.evaluate(Self.bookScript, keys: [], arguments: arguments)
        } catch {
            throw failure(error)
        }
        let parts = reply.array?.compactMap(\.string) ?? []
        switch parts.first {
        case "booked"?:
            var booked = appointment
            booked.room = parts.count > 1 ? Int(parts[1]) ?? 0 : 0
            return .booked(booked)
        case "replayed"?:
            guard parts.count > 1, let existing = try await self.appointment(parts[1], in: scope) else { return .taken }
            return .replayed(existing)
        default:
            return .taken
        }
    }

    public func reschedule(_ id: String, start: Date, end: Date, rule: OccupancyRule, at now: Date,
                           in scope: TenantScope) async throws(AppointmentStoreError) -> BookingOutcome {
        let reply: RedisValue
        do throws(RedisError) {
            reply = try await redis.evaluate(Self.rescheduleScript, keys: [], arguments: [
                RedisArgument(scope.redisPrefix), RedisArgument(id), Self.seconds(start), Self.seconds(end), RedisArgument(rule.bufferSeconds),
                RedisArgument(rule.rooms), Self.seconds(now),
            ])
        } catch {
            throw failure(error)
        }
        switch reply.array?.first?.string {
        case "booked"?:
            guard let moved = try await appointment(id, in: scope) else { return .notFound }
            return .booked(moved)
        case "taken"?:
            return .taken
        default:
            return .notFound
        }
    }

    public func cancel(_ id: String, at now: Date, late: Bool, in scope: TenantScope) async throws(AppointmentStoreError) -> Appointment? {
        let changed: Bool
        do throws(RedisError) {
            changed = try await redis.evaluate(Self.cancelScript, keys: [], arguments: [
                RedisArgument(scope.redisPrefix), RedisArgument(id), Self.seconds(now), RedisArgument(late ? "1" : "0"),
            ]).integer == 1
        } catch {
            throw failure(error)
        }
        return changed ? try await appointment(id, in: scope) : nil
    }

    public func appointment(_ id: String, in scope: TenantScope) async throws(AppointmentStoreError) -> Appointment? {
        do throws(RedisError) {
            return Self.appointment(id: id, Self.fields(try await redis.command(["HGETALL", RedisArgument(scope.redisKey("appointment", id))])))
        } catch {
            throw failure(error)
        }
    }

    public func appointment(forKey key: String, in scope: TenantScope) async throws(AppointmentStoreError) -> Appointment? {
        let id: String?
        do throws(RedisError) {
            id = try await redis.command(["GET", RedisArgument(scope.redisKey("appointments", "key", key))]).string
        } catch {
            throw failure(error)
        }
        guard let id else { return nil }
        return try await appointment(id, in: scope)
    }

    public func list(from: Date, to: Date, patient: String?, includeCancelled: Bool, limit: Int,
                     in scope: TenantScope) async throws(AppointmentStoreError) -> [Appointment] {
        let wanted = patient.map { SQLiteAppointmentStore.separator + PatientDetails.searchKey(of: $0) + SQLiteAppointmentStore.separator }
        do throws(RedisError) {
            let ids = try await redis.command(["ZRANGEBYSCORE", RedisArgument(scope.redisKey("appointments", "by_start")), Self.seconds(from),
                                               RedisArgument("(" + String(format: "%.3f", to.timeIntervalSince1970))]).array?.compactMap(\.string) ?? []
            var found: [Appointment] = []
            for batch in stride(from: 0, to: ids.count, by: 200) {
                let slice = Array(ids[batch..<min(ids.count, batch + 200)])
                let replies = try await redis.pipeline(slice.map { ["HGETALL", RedisArgument(scope.redisKey("appointment", $0))] })
                for (id, reply) in zip(slice, replies) {
                    let fields = Self.fields(reply)
                    if let wanted, !(fields["search"] ?? "").contains(wanted) { continue }
                    guard let appointment = Self.appointment(id: id, fields), includeCancelled || appointment.status == .booked else { continue }
                    found.append(appointment)
                    if found.count >= limit { return found }
                }
            }
            return found.sorted { ($0.start, $0.id) < ($1.start, $1.id) }
        } catch {
            throw failure(error)
        }
    }

    public func booked(from: Date, to: Date, in scope: TenantScope) async throws(AppointmentStoreError) -> [BookedInterval] {
        do throws(RedisError) {
            let ids = try await redis.command(["ZRANGEBYSCORE", RedisArgument(scope.redisKey("appointments", "by_start")),
                                               Self.seconds(from.addingTimeInterval(-86_400)),
                                               RedisArgument("(" + String(format: "%.3f", to.timeIntervalSince1970))]).array?.compactMap(\.string) ?? []
            var intervals: [BookedInterval] = []
            for batch in stride(from: 0, to: ids.count, by: 500) {
                let slice = Array(ids[batch..<min(ids.count, batch + 500)])
                let replies = try await redis.pipeline(slice.map {
                    ["HMGET", RedisArgument(scope.redisKey("appointment", $0)), "start", "end", "room", "status"]
                })
                for reply in replies {
                    let values = reply.array?.map(\.string) ?? []
                    guard values.count == 4, values[3] == "booked", let start = values[0].flatMap(Double.init), let end = values[1].flatMap(Double.init),
                          end > from.timeIntervalSince1970 else { continue }
                    intervals.append(BookedInterval(start: Date(timeIntervalSince1970: start), end: Date(timeIntervalSince1970: end),
                                                    room: values[2].flatMap { Int($0) } ?? 0))
                }
            }
            return intervals
        } catch {
            throw failure(error)
        }
    }

    public func purge(_ scope: TenantScope) async throws(AppointmentStoreError) -> Int {
        do throws(RedisError) {
            let count = Int(try await redis.command(["ZCARD", RedisArgument(scope.redisKey("appointments", "by_start"))]).integer ?? 0)
            _ = try await redis.deleteKeys(withPrefix: scope.redisKey("appointment"))
            return count
        } catch {
            throw failure(error)
        }
    }

    /// Walks the company's own listing (`appointments:by_start`, with `ZSCAN`) reading each appointment's
    /// key, so the cost is the company's appointments, not the server's keyspace.
    public func appointments(withKeyPrefix prefix: String, limit: Int, in scope: TenantScope) async throws(AppointmentStoreError) -> [Appointment] {
        let listing = scope.redisKey("appointments", "by_start")
        let bound = max(1, min(limit, 10_000))
        var matching = Set<String>()
        var cursor = "0"
        do throws(RedisError) {
            repeat {
                let (ids, next) = try await redis.scanSortedSet(listing, cursor: cursor)
                let keys = try await redis.pipeline(ids.map { [RedisArgument("HGET"), RedisArgument(scope.redisKey("appointment", $0)), "key"] })
                for (id, key) in zip(ids, keys) where key.string?.hasPrefix(prefix) == true { matching.insert(id) }
                cursor = next
            } while cursor != "0" && matching.count < bound
            var found: [Appointment] = []
            for id in matching.prefix(bound) {
                if let appointment = Self.appointment(id: id, Self.fields(try await redis.command(["HGETALL", RedisArgument(scope.redisKey("appointment", id))]))) {
                    found.append(appointment)
                }
            }
            return found.sorted { ($0.start, $0.id) < ($1.start, $1.id) }
        } catch {
            throw failure(error)
        }
    }

    public func erase(_ ids: [String], in scope: TenantScope) async throws(AppointmentStoreError) -> Int {
        var removed = 0
        do throws(RedisError) {
            for id in ids {
                removed += Int(try await redis.evaluate(Self.eraseScript, keys: [], arguments: [RedisArgument(scope.redisPrefix), RedisArgument(id)]).integer ?? 0)
            }
        } catch {
            throw failure(error)
        }
        return removed
    }

    // MARK: Decoding

    static func fields(_ reply: RedisValue) -> [String: String] { reply.fieldValues.compactMapValues(\.string) }

    static func appointment(id: String, _ fields: [String: String]) -> Appointment? {
        guard let treatment = fields["treatment"], let start = fields["start"].flatMap(Double.init), let end = fields["end"].flatMap(Double.init),
              let patient = fields["patient"].flatMap({ try? JSONDecoder().decode(PatientDetails.self, from: Data($0.utf8)) }),
              let code = fields["code"] else { return nil }
        func optional(_ name: String) -> String? { fields[name].flatMap { $0.isEmpty ? nil : $0 } }
        return Appointment(id: id, treatment: treatment, start: Date(timeIntervalSince1970: start), end: Date(timeIntervalSince1970: end),
                           room: fields["room"].flatMap { Int($0) } ?? 0, status: AppointmentStatus(rawValue: fields["status"] ?? "") ?? .unknown,
                           patient: patient, confirmationCode: code, idempotencyKey: optional("key"), notes: optional("notes"),
                           createdAt: Date(timeIntervalSince1970: fields["created"].flatMap(Double.init) ?? 0),
                           updatedAt: Date(timeIntervalSince1970: fields["updated"].flatMap(Double.init) ?? 0),
                           cancelledAt: optional("cancelled").flatMap(Double.init).map(Date.init(timeIntervalSince1970:)),
                           lateCancellation: fields["late"] == "1")
    }
}
