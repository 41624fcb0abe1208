import Foundation

/// Tesseract parallelises parts of recognition with OpenMP (libgomp), which reads its settings once, when the
/// library loads, and by default starts a team of threads per image that spin while they wait. A service that
/// already reads several images at once (one per OCR pool thread) does better with one OpenMP thread each and
/// no spinning: it uses the cores for images, not for spinning, and leaves CPU to the event loops. Because
/// libgomp reads `OMP_THREAD_LIMIT` and `OMP_WAIT_POLICY` before `main` runs, the media service sets them and
/// starts itself again (`exec`, same pid, same arguments) when they are not set yet.
public enum OpenMPSettings {
    public static let values = ["OMP_THREAD_LIMIT": "1", "OMP_WAIT_POLICY": "PASSIVE"]

    /// True when the process already runs with the settings (or the operator chose others).
    public static var areSet: Bool { ProcessInfo.processInfo.environment["OMP_THREAD_LIMIT"] != nil }

    /// Sets the variables and replaces the process with a fresh copy of itself; returns only if `exec` fails
    /// (the service then runs with libgomp's defaults, which is slower but correct).
    public static func applyByRestarting() {
        guard !areSet else { return }
        for (name, value) in values { setenv(name, value, 1) }
        execv("/proc/self/exe", CommandLine.unsafeArgv)
    }
}
