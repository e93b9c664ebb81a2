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
    /// `perform` runs on a worker thread while the UI thread waits (one effect at a time); when
    /// the effects take longer than 50 ms the screen shows the frame rendered before them (a
    /// "正在读取…") until they are done. Return nil for an effect without a result. Throws ``TerminalError`` when
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
        FrameTrace.mark("ncurses started")
        defer { backend.shutdown() }
        return run(program, on: backend, stopSignal: { trap.caught }, perform: perform)
    }

    /// The loop itself, on any backend (tests use ``RecordingBackend``).
    ///
    /// Sends `.resize` with the backend's size first, then keys as they come, and `.tick` about
    /// every `tickInterval`. Stops when the program wants to quit, when `stopSignal` returns a
    /// signal, or — for a test backend — when `stopWhenIdle` is set and a read times out. The frame
    /// from before a key's effects is drawn only when they outlast `pendingFrameDelay`; ticks go
    /// only to a program that `wantsTicks`.
    public static func run<P: Program>(
        _ program: P,
        on backend: some TerminalBackend,
        tickInterval: Duration = .seconds(1),
        pendingFrameDelay: DispatchTimeInterval = .milliseconds(50),
        typeaheadLimit: Duration = .seconds(2),
        stopWhenIdle: Bool = false,
        stopSignal: () -> Int32? = { nil },
        perform: (P.Effect) -> P.EffectResult?
    ) -> (program: P, outcome: Outcome) {
        let clock = ContinuousClock()
        var driver = ProgramDriver(program, width: backend.size.width, height: backend.size.height)

        let worker = EffectWorker()

        func step(_ event: ProgramEvent) {
            let t0 = FrameTrace.isOn ? FrameTrace.now() : 0
            var t1 = t0
            let effects = driver.deliver(event)
            if !effects.isEmpty {
                let started = clock.now
                // Keys typed while the screen stood still for seconds (the ledger busy with another
                // program's write) would land in whatever field is current by then — a visit sheet
                // filled with shifted answers: dropped instead.
                defer { if clock.now - started >= typeaheadLimit { backend.discardTypeahead() } }
                // The frame before the effects (a screen's "正在读取…") is drawn only when they
                // are slow: most answers come in a few milliseconds, and drawing it anyway cost a
                // second render and write for every search keystroke.
                var pending: ProgramDriver<P>? = driver
                let deadline = DispatchTime.now() + pendingFrameDelay
                driver.run(effects) { effect in
                    worker.perform(effect, with: perform, deadline: deadline) {
                        guard var frame = pending else { return }
                        pending = nil
                        frame.render()
                        backend.draw(frame.grid, cursor: frame.cursor)
                    }
                }
                t1 = FrameTrace.isOn ? FrameTrace.now() : 0
            }
            driver.render()
            let t2 = FrameTrace.isOn ? FrameTrace.now() : 0
            backend.draw(driver.grid, cursor: driver.cursor)
            if FrameTrace.isOn {
                let t3 = FrameTrace.now()
                func f(_ d: Double) -> String { String(Double(Int(d * 1000)) / 1000) }
                FrameTrace.mark("step \(event) effects \(f(t1 - t0)) render \(f(t2 - t1)) draw \(f(t3 - t2)) total \(f(t3 - t0))")
            }
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
            if driver.program.wantsTicks, clock.now >= nextTick {
                nextTick = clock.now.advanced(by: tickInterval)
                step(.tick)
            }
        }
        return (driver.program, .finished)
    }
}

/// Performs effects on a thread of its own, so the UI thread can draw the pending frame when one
/// takes longer than a deadline. Only one effect runs at a time and the UI thread waits for it,
/// so the program and the `perform` closure are never used from two threads at once.
final class EffectWorker: @unchecked Sendable {
    private let queue = DispatchQueue(label: "tanfang.effects", qos: .userInteractive)

    /// Box for one effect: what to run and its result, handed between the two threads.
    private final class Job<E, R>: @unchecked Sendable {
        let effect: E
        /// Dropped by the worker before it signals: the closure must not outlive `perform`, and the
        /// dispatched block may still hold the job for a moment.
        var body: ((E) -> R?)?
        var result: R?
        /// When the worker began and finished the effect (FrameTrace's clock, when it is on).
        var started = 0.0
        var finished = 0.0
        let done = DispatchSemaphore(value: 0)
        init(_ effect: E, _ body: @escaping (E) -> R?) {
            self.effect = effect
            self.body = body
        }
    }

    /// Runs `perform(effect)` on the worker and returns its result; calls `onSlow` (on this
    /// thread) once `deadline` has passed with the effect still running.
    func perform<E, R>(_ effect: E, with perform: (E) -> R?, deadline: DispatchTime, onSlow: () -> Void) -> R? {
        withoutActuallyEscaping(perform) { body in
            let job = Job(effect, body)
            let tracing = FrameTrace.isOn
            let sent = tracing ? FrameTrace.now() : 0
            queue.async {
                if tracing { job.started = FrameTrace.now() }
                job.result = job.body?(job.effect)
                job.body = nil
                if tracing { job.finished = FrameTrace.now() }
                job.done.signal()
            }
            if job.done.wait(timeout: deadline) == .timedOut {
                onSlow()
                job.done.wait()
            }
            if tracing {
                // The thread hops (to the worker and back) apart from the work itself.
                let back = FrameTrace.now()
                func f(_ d: Double) -> String { String(Double(Int(d * 1000)) / 1000) }
                FrameTrace.mark("effect hop \(f(job.started - sent)) work \(f(job.finished - job.started)) back \(f(back - job.finished))")
            }
            return job.result
        }
    }
}
