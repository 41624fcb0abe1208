import CCurl
import CCurlShims
import Foundation
import Synchronization

/// One thread driving a libcurl multi handle: every transfer of an ``HTTPClient`` runs here, so blocking
/// network calls never touch an event loop or the cooperative pool, and connections are reused.
final class CurlMultiLoop: @unchecked Sendable {
    private struct Commands {
        var adds: [CurlTransfer] = []
        var removes: [CurlTransfer] = []
        var stopping = false
    }

    // `multi` and `active` are used only on the loop's own thread; `commands` is shared under its lock.
    private let multi: UnsafeMutableRawPointer
    private var active: [UnsafeMutableRawPointer: CurlTransfer] = [:]
    private let commands = Mutex(Commands())
    private let stopped = DispatchSemaphore(value: 0)

    init(name: String, maximumConnections: Int) throws(HTTPClientError) {
        _ = CurlGlobal.initialized
        guard let multi = curl_multi_init() else { throw HTTPClientError(.client, "cannot create a curl multi handle") }
        self.multi = multi
        _ = CCurl_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, max(1, maximumConnections))
        let thread = Thread { [self] in run() }
        thread.name = name
        thread.stackSize = 1 << 20
        thread.start()
    }

    /// Starts `transfer`; false when the loop is shutting down.
    func add(_ transfer: CurlTransfer) -> Bool {
        let accepted = commands.withLock { commands -> Bool in
            guard !commands.stopping else { return false }
            commands.adds.append(transfer)
            return true
        }
        if accepted { curl_multi_wakeup(multi) }
        return accepted
    }

    /// Stops `transfer` (its caller gets `.cancelled`).
    func cancel(_ transfer: CurlTransfer) {
        guard transfer.markCancelled() else { return }
        commands.withLock { $0.removes.append(transfer) }
        curl_multi_wakeup(multi)
    }

    /// Fails every transfer in progress and stops the thread.
    func shutdown() {
        let first = commands.withLock { commands -> Bool in
            defer { commands.stopping = true }
            return !commands.stopping
        }
        guard first else { return }
        curl_multi_wakeup(multi)
        stopped.wait()
    }

    private func run() {
        while true {
            let (adds, removes, stopping) = commands.withLock { commands in
                defer {
                    commands.adds.removeAll()
                    commands.removes.removeAll()
                }
                return (commands.adds, commands.removes, commands.stopping)
            }
            for transfer in adds {
                if transfer.isCancelled || stopping {
                    transfer.finish(.failure(stopping ? HTTPClientError(.client, "the HTTP client is shut down")
                                                      : HTTPClientError(.cancelled, "the request was cancelled")))
                } else if curl_multi_add_handle(multi, transfer.easy) == CURLM_OK {
                    active[transfer.easy] = transfer
                } else {
                    transfer.finish(.failure(HTTPClientError(.client, "cannot start the transfer", requestSent: false)))
                }
            }
            for transfer in removes where active.removeValue(forKey: transfer.easy) != nil {
                curl_multi_remove_handle(multi, transfer.easy)
                transfer.finish(.failure(HTTPClientError(.cancelled, "the request was cancelled")))
            }
            if stopping {
                for transfer in active.values {
                    curl_multi_remove_handle(multi, transfer.easy)
                    transfer.finish(.failure(HTTPClientError(.client, "the HTTP client is shut down")))
                }
                active.removeAll()
                curl_multi_cleanup(multi)
                stopped.signal()
                return
            }
            var running: Int32 = 0
            _ = curl_multi_perform(multi, &running)
            var easy: UnsafeMutableRawPointer?
            var code = CURLE_OK
            while CCurl_multi_next_done(multi, &easy, &code) == 1 {
                guard let handle = easy, let transfer = active.removeValue(forKey: handle) else { continue }
                curl_multi_remove_handle(multi, handle)
                transfer.complete(code)
            }
            _ = curl_multi_poll(multi, nil, 0, active.isEmpty ? 10_000 : 1_000, nil)
        }
    }
}

/// `curl_global_init`, run once before the first handle is made.
enum CurlGlobal {
    static let initialized: Bool = curl_global_init(Int(CURL_GLOBAL_ALL)) == CURLE_OK
}
