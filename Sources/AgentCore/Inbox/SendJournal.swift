import Foundation
import Glibc
import Synchronization

/// This replica's record of the Chatwoot calls whose request actually left: one line (`<event id> <step>
/// <mark>`, the mark naming one `sending` record) appended by the HTTP client's pre-request callback, right
/// before the bytes go out; a request whose line cannot be written is not sent.
///
/// The outbox marks a step `sending` before a call and `sent` after it. A crash in between leaves the step
/// ambiguous; the journal settles it: a line means the request left (Chatwoot may have it: not sent again),
/// no line means it never left (sent now). The journal can only speak for the steps it could have seen: those
/// marked by this journal (its id, kept beside it, survives restarts with the data directory) in a generation
/// it still holds. Any other ambiguous step (another replica's, or older than the journal) is taken as
/// delivered, so a reply is never sent twice.
///
/// The append is one `write(2)` to a file opened `O_APPEND`: no wait, safe on the HTTP client's thread, and
/// kept by the kernel when the process is killed. The journal is cut into generations of
/// ``generationBytes``; the current and the previous one are kept.
public final class SendJournal: Sendable {
    /// What the journal says about an ambiguous step.
    public enum Verdict: Sendable, Equatable {
        /// The request left: Chatwoot may have it.
        case left
        /// The request never left: it can be made again.
        case neverLeft
        /// The journal cannot tell (another writer, or a generation it no longer has).
        case unknown
    }

    struct State {
        var descriptor: Int32
        var generation: Int
        var bytes: Int
        var current: Set<String>
        var previous: Set<String>
    }

    let path: String
    /// This journal's identity (a random id made when it was first created).
    public let id: String
    let generationBytes: Int
    private let state: Mutex<State>

    public init(path: String, generationBytes: Int = 8 << 20) throws(WebhookInboxError) {
        self.path = path
        self.generationBytes = generationBytes
        let directory = (path as NSString).deletingLastPathComponent
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let idPath = path + ".id"
        if let existing = try? String(contentsOfFile: idPath, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines), !existing.isEmpty {
            id = existing
        } else {
            let fresh = UUID().uuidString.lowercased()
            guard (try? fresh.write(toFile: idPath, atomically: true, encoding: .utf8)) != nil else {
                throw WebhookInboxError("cannot create the send journal's id file \(idPath)")
            }
            id = fresh
        }
        let (currentGeneration, current) = Self.read(path)
        let (previousGeneration, previous) = Self.read(path + ".1")
        // A crash in the middle of a rotation leaves no current file: the next generation follows the previous.
        let generation = currentGeneration ?? previousGeneration.map { $0 + 1 } ?? 1
        let descriptor = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw WebhookInboxError("cannot open the send journal \(path): \(String(cString: strerror(errno)))") }
        let size = Int((try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0)
        if currentGeneration == nil { Self.append("# generation \(generation)\n", to: descriptor) }
        state = Mutex(State(descriptor: descriptor, generation: generation, bytes: size, current: current, previous: previous))
    }

    deinit {
        state.withLock { _ = close($0.descriptor) }
    }

    /// The generation line and the entries of one journal file.
    static func read(_ path: String) -> (Int?, Set<String>) {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return (nil, []) }
        var generation: Int?
        var entries: Set<String> = []
        for line in text.split(separator: "\n") {
            if line.hasPrefix("# generation ") {
                generation = Int(line.dropFirst(13))
            } else if !line.isEmpty {
                entries.insert(String(line))
            }
        }
        return (generation, entries)
    }

    @discardableResult
    static func append(_ line: String, to descriptor: Int32) -> Bool {
        var bytes = Array(line.utf8)
        return bytes.withUnsafeMutableBytes { buffer in write(descriptor, buffer.baseAddress, buffer.count) == buffer.count }
    }

    static func entry(_ eventID: String, _ step: String, _ mark: Substring) -> String { "\(eventID) \(step) \(mark)" }

    /// A new writer token for a `sending` record: this journal, its current generation and a fresh mark
    /// (`<journal id>/<generation>/<mark>`), so each attempt at a step is told apart from the others.
    public func newWriterToken() -> String {
        let mark = UUID().uuidString.prefix(8).lowercased()
        return state.withLock { "\(id)/\($0.generation)/\(mark)" }
    }

    /// The parts of a writer token.
    static func parse(_ writer: String?) -> (journal: Substring, generation: Int, mark: Substring)? {
        guard let parts = writer?.split(separator: "/"), parts.count == 3, let generation = Int(parts[1]) else { return nil }
        return (parts[0], generation, parts[2])
    }

    /// Notes that the request of the step marked `writer` is leaving (called by the HTTP client's pre-request
    /// callback); false when the line could not be written (the request must then not be sent).
    public func recordLeaving(eventID: String, step: String, writer: String) -> Bool {
        guard let token = Self.parse(writer) else { return false }
        let entry = Self.entry(eventID, step, token.mark)
        return state.withLock { state in
            guard !state.current.contains(entry) else { return true }
            if state.bytes >= generationBytes { rotate(&state) }
            guard Self.append(entry + "\n", to: state.descriptor) else { return false }
            state.bytes += entry.utf8.count + 1
            state.current.insert(entry)
            return true
        }
    }

    /// Starts a new generation; the current one becomes the previous (the older is dropped).
    private func rotate(_ state: inout State) {
        close(state.descriptor)
        _ = rename(path, path + ".1")
        state.generation += 1
        state.previous = state.current
        state.current = []
        state.descriptor = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        let header = "# generation \(state.generation)\n"
        Self.append(header, to: state.descriptor)
        state.bytes = header.utf8.count
    }

    /// Whether the request of a step left `sending` with `writer` (its ``newWriterToken()``) ever left.
    public func verdict(eventID: String, step: String, writer: String?) -> Verdict {
        guard let token = Self.parse(writer) else { return .unknown }
        let entry = Self.entry(eventID, step, token.mark)
        return state.withLock { state in
            if state.current.contains(entry) || state.previous.contains(entry) { return .left }
            guard token.journal == id, token.generation >= state.generation - 1 else { return .unknown }
            return .neverLeft
        }
    }
}
