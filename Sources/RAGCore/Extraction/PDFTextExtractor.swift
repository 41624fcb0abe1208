import Foundation
import Synchronization

/// The text of a PDF, from poppler's `pdftotext` (installed by the project's scripts), run as a child
/// process on the calling (blocking-pool) thread with a time limit and a cap on what it may print.
public struct PDFTextExtractor: Sendable {
    /// Why a PDF could not be read.
    public enum Failure: Error, Sendable, Equatable {
        /// `pdftotext` is not installed.
        case toolMissing
        /// The file is not a PDF poppler can read (or it is encrypted).
        case unreadable(String)
        case timedOut
        case tooMuchText
    }

    public var executable: String
    public var timeout: Duration
    public var maximumOutputBytes: Int

    public init(executable: String? = nil, timeout: Duration = .seconds(30), maximumOutputBytes: Int = 4_000_000) {
        self.executable = executable ?? Self.locate() ?? "/usr/bin/pdftotext"
        self.timeout = timeout
        self.maximumOutputBytes = maximumOutputBytes
    }

    /// `pdftotext` on the PATH, if there is one.
    static func locate() -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/pdftotext" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// The PDF's text (UTF-8, pages separated by form feeds turned into blank lines). Blocks the calling thread.
    public func text(of pdf: [UInt8]) throws(Failure) -> String {
        guard FileManager.default.isExecutableFile(atPath: executable) else { throw .toolMissing }
        let directory = NSTemporaryDirectory() + "pdf-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let input = directory + "/input.pdf"
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try Data(pdf).write(to: URL(fileURLWithPath: input))
        } catch {
            throw .unreadable("cannot stage the file: \(error.localizedDescription)")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["-q", "-enc", "UTF-8", "-eol", "unix", input, "-"]
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw .toolMissing
        }
        // A watchdog ends a child that runs too long (the read below then sees the end of its output).
        let expired = LockedFlag()
        let watchdog = DispatchWorkItem { [process] in
            if process.isRunning {
                expired.set()
                process.terminate()
            }
        }
        DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(Int(timeout.components.seconds * 1_000
            + timeout.components.attoseconds / 1_000_000_000_000_000)), execute: watchdog)
        defer { watchdog.cancel() }
        // Read the output as it comes (so a large one cannot block the child), up to the cap.
        var collected = Data()
        let handle = output.fileHandleForReading
        while true {
            let chunk = handle.availableData
            if chunk.isEmpty { break }
            collected.append(chunk)
            if collected.count > maximumOutputBytes {
                process.terminate()
                process.waitUntilExit()
                throw .tooMuchText
            }
        }
        process.waitUntilExit()
        if expired.isSet { throw .timedOut }
        guard process.terminationStatus == 0 else {
            let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile().prefix(300), as: UTF8.self)
            throw .unreadable(message.isEmpty ? "pdftotext exited with status \(process.terminationStatus)" : message)
        }
        return String(decoding: collected, as: UTF8.self).replacingOccurrences(of: "\u{0C}", with: "\n\n")
    }
}

/// A flag set from another thread.
final class LockedFlag: Sendable {
    private let value = Atomic<Bool>(false)
    func set() { value.store(true, ordering: .relaxed) }
    var isSet: Bool { value.load(ordering: .relaxed) }
}
