import Foundation
import ServiceLogging
import Synchronization
import Wire

/// One child service process, restarted with backoff when it exits unexpectedly, for as long as the
/// launcher runs: a restart that fails (the executable is being rebuilt, the system is out of processes)
/// is retried with the same growing backoff, never given up.
final class SupervisedProcess: Sendable {
    private struct State {
        var process: Process?
        var restarts = 0
        var startedAt = Date.distantPast
        var nextDelay: TimeInterval = 0.5
        var stopping = false
    }

    let service: ServiceName
    private let executable: URL
    private let environment: [String: String]
    private let logger: Logger
    private let state = Mutex(State())

    init(service: ServiceName, executable: URL, environment: [String: String], logger: Logger) {
        self.service = service
        self.executable = executable
        self.environment = environment
        self.logger = logger
    }

    /// The current child's pid, if running.
    var processID: Int32? { state.withLock { $0.process.map(\.processIdentifier) } }

    /// How many times the process was restarted.
    var restarts: Int { state.withLock { $0.restarts } }

    /// Starts the process (and keeps it running until `stop`).
    func start() throws {
        let process = Process()
        process.executableURL = executable
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        process.terminationHandler = { [weak self] finished in self?.exited(finished) }
        try process.run()
        state.withLock {
            $0.process = process
            $0.startedAt = Date()
        }
        logger.info("started \(service.executableName) (pid \(process.processIdentifier))")
    }

    private func exited(_ process: Process) {
        let (stopping, delay) = state.withLock { state -> (Bool, TimeInterval) in
            guard state.process === process else { return (true, 0) }
            state.process = nil
            if state.stopping { return (true, 0) }
            // A process that ran for a while gets a fresh, short backoff.
            if Date().timeIntervalSince(state.startedAt) > 30 { state.nextDelay = 0.5 }
            let delay = state.nextDelay
            state.nextDelay = min(state.nextDelay * 2, 30)
            state.restarts += 1
            return (false, delay)
        }
        guard !stopping else { return }
        let reason = process.terminationReason == .uncaughtSignal
            ? "signal \(process.terminationStatus)" : "status \(process.terminationStatus)"
        logger.warning("\(service.executableName) exited (\(reason)); restarting in \(delay)s")
        scheduleRestart(after: delay)
    }

    /// Starts the process again after `delay`; a failed start schedules the next try.
    private func scheduleRestart(after delay: TimeInterval) {
        DispatchQueue.global().asyncAfter(deadline: .now() + delay) { [self] in
            guard !state.withLock({ $0.stopping }) else { return }
            do {
                try start()
            } catch {
                let next = state.withLock { state -> TimeInterval in
                    let next = state.nextDelay
                    state.nextDelay = min(state.nextDelay * 2, 30)
                    state.restarts += 1
                    return next
                }
                logger.error("cannot restart \(service.executableName): \(error); trying again in \(next)s")
                scheduleRestart(after: next)
            }
        }
    }

    /// Sends SIGTERM and stops supervising.
    func terminate() {
        let process = state.withLock { state -> Process? in
            state.stopping = true
            return state.process
        }
        if let process, process.isRunning { kill(process.processIdentifier, SIGTERM) }
    }

    /// Waits up to `timeout` for the process to exit, then kills it.
    func waitForExit(timeout: TimeInterval) {
        guard let process = state.withLock({ $0.process }) else { return }
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning {
            logger.warning("\(service.executableName) did not stop in \(Int(timeout))s; killing it")
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }
}
