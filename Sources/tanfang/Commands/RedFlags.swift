import ArgumentParser
import Foundation
import TanfangCore
import TanfangStore

extension RedFlagKind: ExpressibleByArgument {}

struct RedFlags: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "redflags",
        abstract: "The supervisor's red-flag list (预警), grouped by kind, each with its reason."
    )

    @OptionGroup var options: LedgerOptions

    @Option(name: .long, help: "Only this township or village (name or division code), as its supervisor sees it.")
    var area: String?

    @Option(name: .long, help: "Only this kind: \(RedFlagKind.allCases.map(\.rawValue).joined(separator: ", ")).")
    var kind: RedFlagKind?

    @Flag(name: .long, help: "Print JSON.")
    var json = false

    typealias Line = RedFlagLine

    func run() throws {
        let ctx = try Context(language: options.language)
        let ledger = try ctx.openCurrentLedger(path: options.databasePath(), reading: true)
        let scope = try area.map { try ByName.area($0, in: ledger.places(), strings: ctx.strings) } ?? .everything
        let lines = try ReportFiles.redFlagLines(ledger: ledger, strings: ctx.strings, today: ctx.today, now: ctx.now,
                                                 scope: scope).filter { kind == nil || $0.kind == kind }
        if json { try JSONOutput.print(lines); return }
        let s = ctx.strings
        let whoWidth = lines.map { TextTable.width(Self.who($0)) }.max() ?? 0
        for k in RedFlagKind.allCases {
            let group = lines.filter { $0.kind == k }
            guard !group.isEmpty else { continue }
            print("■ " + s["redflag.kind.\(k.rawValue)"] + "  (\(group.count))")
            for l in group {
                print("  " + TextTable.pad(Self.who(l), whoWidth) + "  " + l.reason)
            }
        }
        print(s.format("cli.redflags.total", String(lines.count)))
        // Why some visits are overdue sooner than usual.
        for line in try Period.inForceLines(ledger: ledger, today: ctx.today, scope: scope, strings: s) { print(line) }
    }

    static func who(_ line: Line) -> String {
        [line.elder, line.village].compactMap { $0 }.joined(separator: " · ")
    }

    static func lines(ledger: Ledger, ctx: Context) throws -> [Line] {
        try ReportFiles.redFlagLines(ledger: ledger, strings: ctx.strings, today: ctx.today, now: ctx.now)
    }
}
