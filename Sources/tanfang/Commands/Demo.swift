import ArgumentParser
import Foundation
import TanfangCore
import TanfangStore

struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create a realistic demo ledger: one county, Han, Uyghur, Kazakh and Hui elders, a year of visits."
    )

    @OptionGroup var options: LedgerOptions

    @Option(name: .long, help: "Number of elders.")
    var elders = 300

    @Option(name: .long, help: "Months of visit history, ending today.")
    var months = 12

    @Option(name: .long, help: "Random seed; the same seed gives the same ledger.")
    var seed: UInt64 = 2026

    @Flag(name: .long, help: "Replace an existing ledger file.")
    var force = false

    func validate() throws {
        guard elders > 0 else { throw ValidationError("--elders must be at least 1") }
        guard (1...120).contains(months) else { throw ValidationError("--months must be 1 to 120") }
    }

    func run() throws {
        let ctx = try Context(language: options.language)
        let path = options.databasePath()
        if FileManager.default.fileExists(atPath: path) {
            guard force else { throw CLIError(ctx.strings.format("cli.demo.exists", path)) }
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        }
        let dir = (path as NSString).deletingLastPathComponent
        if !dir.isEmpty { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
        let started = Date()
        let stream = DemoGenerator(seed: seed).stream(elders: elders, months: months, today: ctx.today)
        // Big ledgers take a while: say how far it got, every few seconds, on stderr.
        var lastReport = started
        // A small demo goes in one batch, so its rows are stored in exactly the order they always were.
        let batchSize = elders <= 2000 ? elders : 128
        let counts = try Ledger.buildDemo(path: path, rules: ctx.rules, stream: stream, batchSize: batchSize) { counts in
            let now = Date()
            guard elders >= 10_000, now.timeIntervalSince(lastReport) >= 3 else { return }
            lastReport = now
            let line = ctx.strings.format("cli.demo.progress", String(counts.elders), String(elders), String(counts.visits),
                                          String(format: "%.0f", now.timeIntervalSince(started)))
            StandardError.write(line + "\n")
        }
        let seconds = String(format: "%.1f", Date().timeIntervalSince(started))
        print(ctx.strings.format("cli.demo.done", path, String(counts.elders), String(counts.visits), seconds))
        print(ctx.strings["cli.demo.users"])
        print(TextTable.render(header: ["", "", ""], rows: stream.users.map {
            ["  " + $0.user.name, ctx.strings["role.\($0.user.role.rawValue)"], "PIN " + $0.pin]
        }).split(separator: "\n", omittingEmptySubsequences: false).dropFirst().joined(separator: "\n"))
    }
}
