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
        let ctx = try Context(language: options.language)
        let path = options.databasePath()
        let ledger = try ctx.openLedger(path: path, create: true)
        // Age and due states change with the date: refresh what was derived on an earlier day.
        if let computed = try ledger.summariesComputedOn(), computed < ctx.today {
            try ledger.refreshSummaries(today: ctx.today)
        }
        // A rotating daily backup next to the ledger (TANFANG_BACKUPS, default 7 kept). A failed
        // backup must not keep the clerk out of the ledger: say so and go on.
        do {
            _ = try ledger.autoBackup(ledgerPath: path, keep: Ledger.backupKeepCount())
        } catch {
            FileHandle.standardError.write(Data((ctx.strings["cli.ui.backupFailed"] + " \(error)\n").utf8))
        }
        let env = AppEnvironment(strings: ctx.strings, form: ctx.rules.form, today: ctx.today, now: ctx.now,
                                 places: try ledger.places(), visitors: try ledger.visitors())
        let runtime = LedgerRuntime(ledger: ledger, strings: ctx.strings, now: { WallClock.now() })
        let app = AppModel(env: env, first: .login, makeScreen: { ScreenFactory.make($0, env: $1) })
        let result = try TerminalRunner.run(app, colorMode: noColor ? .monochrome : .auto) { request in
            runtime.perform(request)
        }
        if case .interrupted(let signal) = result.outcome {
            Glibc.exit(128 + signal)
        }
    }
}
