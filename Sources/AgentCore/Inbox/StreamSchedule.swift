import Foundation
import Wire

/// The Redis inbox's local view of the stream entries this replica holds, grouped by conversation queue, so
/// a claim tries each conversation's first entry once instead of walking the whole backlog.
///
/// A conversation is *ready* (worth a claim attempt), *in flight* (one of its events is leased here, until
/// the lease's end), or *waiting* until a time (its head is waiting for a retry, leased by another replica,
/// or behind an event this replica does not hold; looked at again then). The Redis script remains the judge
/// of every claim; this only decides what to ask it.
struct StreamSchedule: Sendable {
    /// An entry this replica holds: delivered to it, not yet acknowledged.
    struct Candidate: Sendable, Equatable {
        var entry: String
        var prefix: String
        var company: CompanyID
        var event: String
        var queue: String
    }

    /// What the claim script said about a conversation's first entry.
    enum Answer {
        /// The event is finished or gone: its entry is dropped.
        case gone
        /// Not claimable now: look again at that time.
        case notBefore(Date)
        /// Leased here until that time.
        case claimed(until: Date)
    }

    private var queues: [String: [Candidate]] = [:]
    private var entries: Set<String> = []
    /// The queue of each held event.
    private var queueOfEvent: [String: String] = [:]
    private var ready: [String] = []
    private var readySet: Set<String> = []
    private var waiting: [String: Date] = [:]
    private var inFlight: [String: Date] = [:]

    /// Entries held.
    var count: Int { entries.count }

    /// Adds entries (each once), in stream order.
    mutating func hold(_ candidates: [Candidate]) {
        for candidate in candidates where entries.insert(candidate.entry).inserted {
            queues[candidate.queue, default: []].append(candidate)
            queueOfEvent[candidate.event] = candidate.queue
            if waiting[candidate.queue] == nil && inFlight[candidate.queue] == nil { markReady(candidate.queue) }
        }
    }

    private mutating func markReady(_ queue: String) {
        if readySet.insert(queue).inserted { ready.append(queue) }
    }

    /// The first entry of up to `limit` conversations worth asking about at `time` (they leave the ready
    /// list: each answer puts its conversation where it belongs).
    mutating func next(limit: Int, at time: Date) -> [Candidate] {
        for (queue, until) in waiting where until <= time {
            waiting[queue] = nil
            markReady(queue)
        }
        for (queue, until) in inFlight where until <= time {
            // Its lease ran out (the worker is stuck or gone): it may be claimed again.
            inFlight[queue] = nil
            markReady(queue)
        }
        var picked: [Candidate] = []
        while picked.count < limit && !ready.isEmpty {
            let queue = ready.removeFirst()
            readySet.remove(queue)
            guard let first = queues[queue]?.first else {
                queues[queue] = nil
                continue
            }
            picked.append(first)
        }
        return picked
    }

    /// Records the claim script's answer about `candidate` (one that ``next(limit:at:)`` gave).
    mutating func answer(_ answer: Answer, for candidate: Candidate) {
        switch answer {
        case .gone:
            remove(entry: candidate.entry, queue: candidate.queue)
            if queues[candidate.queue] != nil { markReady(candidate.queue) }
        case .notBefore(let time):
            waiting[candidate.queue] = time
            // The local order is only a hint (Redis decides which event is the conversation's head: a retried
            // dead letter goes back to the front there): the next look tries the next entry.
            if var held = queues[candidate.queue], held.count > 1, held.first == candidate {
                held.append(held.removeFirst())
                queues[candidate.queue] = held
            }
        case .claimed(let until):
            inFlight[candidate.queue] = until
        }
    }

    /// Candidates that ``next(limit:at:)`` gave but nobody asked about: ready again, as they were.
    mutating func putBack(_ candidates: [Candidate]) {
        for candidate in candidates { markReady(candidate.queue) }
    }

    /// The event is done or dead: its entry goes, and its conversation's next entry is ready.
    mutating func finished(event: String) {
        guard let candidate = candidate(forEvent: event) else { return }
        inFlight[candidate.queue] = nil
        remove(entry: candidate.entry, queue: candidate.queue)
        if queues[candidate.queue] != nil { markReady(candidate.queue) }
    }

    /// The event failed and is due again at `time`: its conversation waits until then.
    mutating func retry(event: String, at time: Date) {
        guard let candidate = candidate(forEvent: event) else { return }
        inFlight[candidate.queue] = nil
        waiting[candidate.queue] = time
    }

    func candidate(forEvent event: String) -> Candidate? {
        guard let queue = queueOfEvent[event] else { return nil }
        return queues[queue]?.first { $0.event == event }
    }

    private mutating func remove(entry: String, queue: String) {
        entries.remove(entry)
        if let index = queues[queue]?.firstIndex(where: { $0.entry == entry }), let removed = queues[queue]?.remove(at: index),
           queueOfEvent[removed.event] == queue, !(queues[queue]?.contains { $0.event == removed.event } ?? false) {
            queueOfEvent[removed.event] = nil
        }
        if queues[queue]?.isEmpty == true {
            queues[queue] = nil
            waiting[queue] = nil
        }
    }
}
