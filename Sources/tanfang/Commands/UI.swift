import ArgumentParser
import Foundation
import TanfangCore
import TanfangStore
import TanfangTerminal
import TanfangUI
#if canImport(Glibc)
import Glibc
#endif

struct UI: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ui",
        abstract: "Open the terminal workstation (the default when no subcommand is given)."
    )

    @OptionGroup var options: LedgerOptions

    @Flag(name: .long, help: "No colours (also when NO_COLOR is set).")
    var noColor = false

    func run() throws {
        FrameTrace.mark("ui.run")
        Self.useOneMallocArena()
        let ctx = try Context(language: options.language)
        FrameTrace.mark("context")
        let path = options.databasePath()
        // A mistyped path must not become a new empty ledger (it would have no users to log in).
        let ledger = try ctx.openLedger(path: path)
        FrameTrace.mark("ledger open")
        // Age and due states change with the date: refresh what was derived on an earlier day.
        // Also a day ahead of today: the clock was set ahead once and put right since.
        if let computed = try ledger.summariesComputedOn(), computed != ctx.today {
            // Seconds at county scale the day after a special period ends: said before the screens start.
            StandardError.write(ctx.strings["cli.ui.refreshing"] + "\n")
            try ledger.refreshSummaries(today: ctx.today)
        }
        // A rotating daily backup next to the ledger (TANFANG_BACKUPS, default 7 kept). It copies
        // the whole file (gigabytes for a county), so it runs beside the screens rather than
        // before them: WAL lets it read a snapshot while the clerk writes. A failed backup must
        // not keep the clerk out of the ledger: it is reported once the terminal is restored.
        // A backup opened here is not backed up beside itself (backups/ in the backups folder).
        let takenAt = try ledger.backupTakenAt()
        let backup = takenAt == nil ? BackgroundBackup(ledger: ledger, path: path) : nil
        var env = AppEnvironment(strings: ctx.strings, form: ctx.rules.form, today: ctx.today, now: ctx.now,
                                 places: try ledger.places(), visitors: try ledger.visitors())
        env.backupTakenAt = takenAt.map(WallClock.minuteText)
        FrameTrace.mark("places and visitors")
        let runtime = LedgerRuntime(ledger: ledger, strings: ctx.strings, now: { WallClock.now() })
        let app = AppModel(env: env, first: .login, clock: { WallClock.now() },
                           makeScreen: { ScreenFactory.make($0, env: $1) })
        let result = try TerminalRunner.run(app, colorMode: noColor ? .monochrome : .auto) { request in
            runtime.perform(request)
        }
        // A draft the ledger was too busy for while typing: written now, waiting as a save does.
        runtime.writePendingDrafts(wait: nil)
        if !runtime.pendingDrafts.isEmpty {
            StandardError.write(ctx.strings["cli.ui.draftNotSaved"] + "\n")
        }
        if let error = backup?.finish(onWait: {
            StandardError.write(ctx.strings["cli.ui.backupFinishing"] + "\n")
        }) {
            let reason = (error as? LedgerError).map { ctx.strings.format($0.messageKey, $0.args) } ?? "\(error)"
            StandardError.write(ctx.strings["cli.ui.backupFailed"] + " " + reason + "\n")
        }
        if case .interrupted(let signal) = result.outcome {
            Glibc.exit(128 + signal)
        }
    }
}

extension UI {
    /// The screens' effects run on a worker thread, and glibc gives each thread a malloc arena of
    /// its own: the county-wide lists built there (red flags, the follow-up queue) kept several
    /// MiB resident after they were freed. One arena for the process (a handful of threads).
    static func useOneMallocArena() {
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        guard let symbol = dlsym(nil, "mallopt") else { return }
        _ = unsafeBitCast(symbol, to: Mallopt.self)(-8, 1)  // M_ARENA_MAX (malloc.h), 1
    }
}

/// Today's rotating backup on its own thread. `finish()` waits for it, so that the process never
/// exits with a half-copied file (the copy is written to `.partial` and renamed, so even a kill
/// leaves no backup that looks complete).
final class BackgroundBackup: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var error: (any Error)?

    init(ledger: Ledger, path: String) {
        let thread = Thread { [self] in
            do {
                _ = try ledger.autoBackup(ledgerPath: path, keep: Ledger.backupKeepCount())
            } catch {
                self.error = error
            }
            done.signal()
        }
        thread.qualityOfService = .background
        thread.start()
    }

    /// Waits for the backup, calling `onWait` first when it is still running; returns why it
    /// failed, or nil.
    func finish(onWait: () -> Void) -> (any Error)? {
        if done.wait(timeout: .now()) == .timedOut {
            onWait()
            done.wait()
        }
        return error
    }
}
