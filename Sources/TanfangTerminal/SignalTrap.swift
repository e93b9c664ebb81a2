import Dispatch
import Glibc
import Synchronization
import CNcursesw

/// The last termination signal caught, 0 for none. Set from a dispatch queue, read by the loop.
private let caughtSignal = Atomic<Int32>(0)

/// Turns SIGINT, SIGTERM, SIGHUP and SIGQUIT into a flag the run loop checks after each
/// 100 ms read timeout, so the loop ends normally and `endwin()` runs (TECH-NOTES §3: with
/// ncurses' own handlers, SIGHUP leaves the terminal in the alternate screen without echo).
///
/// Create it before starting ncurses and keep it alive for the whole session.
public final class SignalTrap {
    public static let defaultSignals: [Int32] = [SIGINT, SIGTERM, SIGHUP, SIGQUIT]
    private let signals: [Int32]
    private var sources: [any DispatchSourceSignal] = []

    public init(_ signals: [Int32] = SignalTrap.defaultSignals) {
        self.signals = signals
        caughtSignal.store(0, ordering: .relaxed)
        let queue = DispatchQueue(label: "tanfang.signals")
        for number in signals {
            signal(number, SIG_IGN)  // the dispatch source still sees it
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { caughtSignal.store(number, ordering: .relaxed) }
            source.resume()
            sources.append(source)
        }
    }

    /// The signal caught since the trap was set, if any.
    public var caught: Int32? {
        let number = caughtSignal.load(ordering: .relaxed)
        return number == 0 ? nil : number
    }

    /// Stops trapping and restores the default actions.
    public func release() {
        for source in sources { source.cancel() }
        sources = []
        for number in signals { signal(number, SIG_DFL) }
    }

    deinit { release() }
}

// MARK: - Crash restore

/// Handlers that were in place before ours (the Swift backtracer's, usually).
/// Indexed by signal number; fixed size so the handler reads it without allocating.
nonisolated(unsafe) private var previousCrashActions: [sigaction?] = Array(repeating: nil, count: 64)
private let crashSignals: [Int32] = [SIGILL, SIGTRAP, SIGABRT, SIGSEGV, SIGBUS, SIGFPE]

/// On a crash (a Swift trap is SIGILL/SIGTRAP), leaves curses mode before the process dies, so
/// the user's shell is usable and the backtrace is readable. The previous handler is put back
/// and the fault re-raised, so the crash itself is reported as usual.
enum CrashRestore {
    static func install() {
        for number in crashSignals {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { number in
                _ = endwin()
                if var previous = previousCrashActions[Int(number)] {
                    sigaction(number, &previous, nil)
                } else {
                    signal(number, SIG_DFL)
                }
                raise(number)
            }
            sigemptyset(&action.sa_mask)
            action.sa_flags = 0
            var old = sigaction()
            if sigaction(number, &action, &old) == 0 { previousCrashActions[Int(number)] = old }
        }
    }

    static func uninstall() {
        for number in crashSignals {
            if var previous = previousCrashActions[Int(number)] { sigaction(number, &previous, nil) }
            previousCrashActions[Int(number)] = nil
        }
    }
}
