import Glibc

/// Phase timings for profiling the start and the key → frame path, written to the file named by
/// `TANFANG_TRACE` (one line per mark: milliseconds since the first mark, then the label).
/// Without the variable every call returns at once, so it stays in release builds.
public enum FrameTrace {
    nonisolated(unsafe) private static let file: UnsafeMutablePointer<FILE>? = {
        guard let path = getenv("TANFANG_TRACE"), path[0] != 0 else { return nil }
        return fopen(path, "a")
    }()
    nonisolated(unsafe) private static var origin: Double = -1

    /// Whether marks are written.
    public static var isOn: Bool { file != nil }

    /// Milliseconds on the monotonic clock.
    public static func now() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return Double(t.tv_sec) * 1000 + Double(t.tv_nsec) / 1_000_000
    }

    /// Writes `label` with the time since the first mark (only from the UI thread).
    public static func mark(_ label: @autoclosure () -> String) {
        guard let file else { return }
        let t = now()
        if origin < 0 { origin = t }
        fputs("\(Double(Int((t - origin) * 1000)) / 1000) \(label())\n", file)
        fflush(file)
    }
}
