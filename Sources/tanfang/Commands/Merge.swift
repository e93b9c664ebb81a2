import ArgumentParser
import Foundation
import TanfangCore
import TanfangStore

struct Merge: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Gather village ledgers into this one (offline path up to the township).",
        discussion: """
        Rows are matched by their UUIDs; missing rows (audit trail included) are copied, one \
        transaction per file. A row on both sides with different content is reported as a conflict \
        and ours is kept. Merging the same file twice changes nothing.
        """
    )

    @OptionGroup var options: LedgerOptions

    @Argument(help: "Ledger files to gather.")
    var files: [String]

    @Flag(name: .long, help: "Print JSON.")
    var json = false

    func run() throws {
        let ctx = try Context(language: options.language)
        let s = ctx.strings
        let ledger = try ctx.openLedger(path: options.databasePath())
        var outcomes: [MergeOutcome] = []
        for file in files {
            guard FileManager.default.fileExists(atPath: file) else { throw CLIError(s.format("data.error.noFile", file)) }
            let outcome: MergeOutcome
            do {
                outcome = try ledger.merge(from: file, by: nil, today: ctx.today)
            } catch LedgerError.damagedFile {
                throw CLIError(s.format("data.merge.damaged", file))
            }
            outcomes.append(outcome)
            if json { continue }
            let detail = outcome.inserted.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            print(s.format("data.merge.done", outcome.file, String(outcome.insertedTotal),
                           detail.isEmpty ? "—" : detail, String(outcome.same.values.reduce(0, +)),
                           String(outcome.conflicts.count)))
            for c in outcome.conflicts {
                print(s.format("data.merge.conflict", c.table, c.id, c.columns.joined(separator: ", "),
                               c.ourUpdatedAt ?? "—", c.theirUpdatedAt ?? "—"))
            }
        }
        if json { try JSONOutput.print(outcomes) }
    }
}
