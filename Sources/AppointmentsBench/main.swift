import AppointmentsCore
import Foundation
import TenantStorage
import Wire

// appointments-bench: the calendar engine's numbers for docs/PERFORMANCE.md (not a test).
//   appointments-bench [--appointments 2000] [--days 60] [--runs 300]
// 1. books N appointments at random starts of a four-room clinic on SQLite (bookings per second, through
//    the store's atomic check, one at a time and 8 at a time);
// 2. computes the availability of a 45-minute treatment over the whole horizon against those N bookings
//    (p50/p99 of the engine alone, and with reading the bookings from SQLite).
let arguments = Array(CommandLine.arguments.dropFirst())
func option(_ name: String, _ fallback: Int) -> Int {
    guard let position = arguments.firstIndex(of: "--" + name), position + 1 < arguments.count, let value = Int(arguments[position + 1]) else { return fallback }
    return value
}
let count = option("appointments", 2_000), days = option("days", 60), runs = option("runs", 300)

func percentile(_ values: [Double], _ p: Double) -> Double {
    let sorted = values.sorted()
    return sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count - 1) * p))]
}
func milliseconds(_ duration: Duration) -> Double { Double(duration.components.seconds) * 1e3 + Double(duration.components.attoseconds) / 1e15 }

let hours = ["monday": ["09:00-14:00", "15:00-21:00"], "tuesday": ["09:00-14:00", "15:00-21:00"], "wednesday": ["09:00-14:00", "15:00-21:00"],
             "thursday": ["09:00-14:00", "15:00-21:00"], "friday": ["09:00-14:00", "15:00-21:00"], "saturday": ["10:00-14:00"]]
let settings = BookingSettings(bufferMinutes: 10, capacity: 4, slotMinutes: 15, minimumNoticeMinutes: 0, horizonDays: days)
let rules = try BookingRules(timeZone: "Europe/Madrid", businessHours: hours, treatments: ["botox": 30, "relleno": 45, "limpieza": 60],
                             settings: settings)
let availability = Availability(rules: rules)
let scope = try TenantScope(company: Company(id: CompanyID("bench")!, companyName: "Bench", redisPrefix: "bench:", vectorstoreIndex: "bench_documents"))
let directory = NSTemporaryDirectory() + "appointments-bench-\(UUID().uuidString.prefix(8))"
defer { try? FileManager.default.removeItem(atPath: directory) }
let store = try await SQLiteAppointmentStore(path: directory + "/appointments.sqlite3")
let now = Date()
let horizon = now.addingTimeInterval(Double(days) * 86_400)
let rule = OccupancyRule(rooms: settings.capacity, bufferSeconds: settings.bufferMinutes * 60)

// Candidate starts: every 30-minute start of the horizon once per room, shuffled; each booking takes the next one.
let grid = availability.freeStarts(minutes: 30, from: now, through: horizon, booked: [], now: now, limit: 100_000)
var candidates = Array(repeating: grid, count: settings.capacity).flatMap { $0 }.shuffled()
func appointment(_ index: Int, at start: Date) -> Appointment {
    Appointment(id: "b\(index)", treatment: "botox", start: start, end: start.addingTimeInterval(30 * 60),
                patient: PatientDetails(fullName: "Paciente \(index)", idNumber: "\(10_000_000 + index)", phone: "+34 600 \(100_000 + index)"),
                confirmationCode: "B\(index)", createdAt: now, updatedAt: now)
}
var booked = 0, refused = 0
let sequentialStart = ContinuousClock.now
while booked < count / 2, let start = candidates.popLast() {
    if case .booked = try await store.book(appointment(booked + refused, at: start), rule: rule, in: scope) { booked += 1 } else { refused += 1 }
}
let sequential = ContinuousClock.now - sequentialStart
let attempts = count - booked
let batch = Array(candidates.suffix(attempts))
candidates.removeLast(min(candidates.count, attempts))
let concurrentStart = ContinuousClock.now
let concurrentBooked = await withTaskGroup(of: Int.self) { group in
    for lane in 0..<8 {
        group.addTask {
            var made = 0
            for index in stride(from: lane, to: batch.count, by: 8) {
                if case .booked? = try? await store.book(appointment(100_000 + index, at: batch[index]), rule: rule, in: scope) { made += 1 }
            }
            return made
        }
    }
    var total = 0
    for await made in group { total += made }
    return total
}
let concurrent = ContinuousClock.now - concurrentStart
// Topped up to exactly N bookings for the availability measure.
var topUp = 0
while booked + concurrentBooked + topUp < count, let start = candidates.popLast() {
    if case .booked = try await store.book(appointment(200_000 + topUp + refused, at: start), rule: rule, in: scope) { topUp += 1 } else { refused += 1 }
}
print("appointments-bench: \(days)-day horizon, 4 rooms, 15-minute grid, 10-minute buffer, SQLite")
print(String(format: "  bookings, one at a time: %d in %.2f s = %.0f/s (%d refused)", booked, milliseconds(sequential) / 1e3,
             Double(booked + refused) / (milliseconds(sequential) / 1e3), refused))
print(String(format: "  bookings, 8 at a time: %d of %d in %.2f s = %.0f/s", concurrentBooked, batch.count, milliseconds(concurrent) / 1e3,
             Double(batch.count) / (milliseconds(concurrent) / 1e3)))

let intervals = try await store.booked(from: now, to: horizon, in: scope)
var engine: [Double] = [], withStore: [Double] = []
var slots = 0
for _ in 0..<runs {
    let start = ContinuousClock.now
    slots = availability.freeStarts(minutes: 45, from: now, through: horizon, booked: intervals, now: now, limit: 100_000).count
    engine.append(milliseconds(ContinuousClock.now - start))
}
for _ in 0..<max(1, runs / 3) {
    let start = ContinuousClock.now
    let read = try await store.booked(from: now, to: horizon, in: scope)
    _ = availability.freeStarts(minutes: 45, from: now, through: horizon, booked: read, now: now, limit: 100_000)
    withStore.append(milliseconds(ContinuousClock.now - start))
}
var firstTen: [Double] = []
for _ in 0..<runs {
    let start = ContinuousClock.now
    _ = availability.freeStarts(minutes: 45, from: now, through: horizon, booked: intervals, now: now, limit: 10)
    firstTen.append(milliseconds(ContinuousClock.now - start))
}
print("  availability of a 45-minute treatment against \(intervals.count) bookings (\(slots) free starts in the horizon):")
print(String(format: "    whole horizon, engine:        p50 %.3f ms  p99 %.3f ms", percentile(engine, 0.5), percentile(engine, 0.99)))
print(String(format: "    whole horizon, + SQLite read: p50 %.3f ms  p99 %.3f ms", percentile(withStore, 0.5), percentile(withStore, 0.99)))
print(String(format: "    earliest 10, engine:          p50 %.3f ms  p99 %.3f ms", percentile(firstTen, 0.5), percentile(firstTen, 0.99)))
store.close()
