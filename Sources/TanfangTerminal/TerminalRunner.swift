import Foundation
import TanfangUI

/// Runs a ``Program`` full screen: read a key → `update` → perform effects (results go back
/// through `receive`) → render → draw only what changed.
///
/// The terminal is restored on every way out: the program quitting, a thrown error (`defer`),
/// Ctrl-C, SIGTERM, SIGHUP, SIGQUIT (a ``SignalTrap`` flag checked every 100 ms), and a crash
/// (best effort).
///
/// ```swift
/// let (program, outcome) = try TerminalRunner.run(HomeScreen(strings: strings)) { effect in
///     runtime.perform(effect)          // runs the database work, returns an EffectResult
/// }
/// if case .interrupted(let signal) = outcome { Glibc.exit(128 + signal) }
/// ```
public enum TerminalRunner {
    /// How a run ended.
    public enum Outcome: Hashable, Sendable {
        /// The program set `wantsQuit`.
        case finished
        /// A signal (Ctrl-C is SIGINT) stopped it; exit with status 128 + signal.
        case interrupted(signal: Int32)
    }

    /// Runs `program` on the real terminal until it quits or a signal arrives, and returns the
    /// final program state with the outcome.
    ///
    /// `perform` runs on the UI thread; the screen shows the frame rendered before the effects
    /// while they run. Return nil for an effect without a result. Throws ``TerminalError`` when
    /// the terminal cannot be used (nothing was changed then).
    public static func run<P: Program>(
        _ program: P,
        colorMode: NcursesBackend.ColorMode = .auto,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        perform: (P.Effect) -> P.EffectResult?
    ) throws -> (program: P, outcome: Outcome) {
        let trap = SignalTrap()
        defer { trap.release() }
        let backend = try NcursesBackend(colorMode: colorMode, environment: environment)
        defer { backend.shutdown() }
        return run(program, on: backend, stopSignal: { trap.caught }, perform: perform)
    }

    /// The loop itself, on any backend (tests use ``RecordingBackend``).
    ///
    /// Sends `.resize` with the backend's size first, then keys as they come, and `.tick` about
    /// every `tickInterval`. Stops when the program wants to quit, when `stopSignal` returns a
    /// signal, or — for a test backend — when `stopWhenIdle` is set and a read times out.
    public static func run<P: Program>(
        _ program: P,
        on backend: some TerminalBackend,
        tickInterval: Duration = .seconds(1),
        stopWhenIdle: Bool = false,
        stopSignal: () -> Int32? = { nil },
        perform: (P.Effect) -> P.EffectResult?
    ) -> (program: P, outcome: Outcome) {
        let clock = ContinuousClock()
        var driver = ProgramDriver(program, width: backend.size.width, height: backend.size.height)

        func step(_ event: ProgramEvent) {
            let effects = driver.deliver(event)
            if !effects.isEmpty {
                driver.render()
                backend.draw(driver.grid, cursor: driver.cursor)
                driver.run(effects, perform: perform)
            }
            driver.render()
            backend.draw(driver.grid, cursor: driver.cursor)
        }

        step(.resize(width: backend.size.width, height: backend.size.height))
        var nextTick = clock.now.advanced(by: tickInterval)
        while !driver.isFinished {
            if let signal = stopSignal() { return (driver.program, .interrupted(signal: signal)) }
            if let key = backend.readKey() {
                if case .resize(let width, let height) = key {
                    step(.resize(width: width, height: height))
                } else {
                    step(.key(key))
                }
            } else if stopWhenIdle {
                break
            }
            if clock.now >= nextTick {
                nextTick = clock.now.advanced(by: tickInterval)
                step(.tick)
            }
        }
        return (driver.program, .finished)
    }
}
