import ArgumentParser
import Foundation
import TanfangCore
import TanfangStore

struct Merge: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Gather village ledgers into this one (offline path up to the township).",
        discussion: """
        Rows are matched by their UUIDs; missing rows (audit trail included) are copied, one \
        transaction per file. A row on both sides with different content is taken from the file when \
        the file has every change of ours and more (by the audit trail); when both sides changed it, \
        it is reported as a conflict and ours is kept. Merging the same file twice changes nothing. \
        A demo ledger is refused unless this one is a demo too.
        """
    )

    @OptionGroup var options: LedgerOptions

    /// 2026-12-07T09:31:04.284Z as 2026-12-07 09:31.
    static func shortTime(_ stamp: String) -> String {
        String(stamp.prefix(16)).replacingOccurrences(of: "T", with: " ")
    }

    @Argument(help: "Ledger files to gather.")
    var files: [String]

    @Flag(name: .long, help: "Print JSON.")
    var json = false

    func run() throws {
        let ctx = try Context(language: options.language)
        let s = ctx.strings
        let path = options.databasePath()
        // Every file before any is merged (one transaction per file), and before the ledger is opened
        // (which would make a new one): a missing file or a demo among them writes nothing. A file
        // found damaged on the way is named and left out; the others are merged.
        for file in files {
            try CLIError.requireFile(file, strings: s)
            // The ledger into itself: every row "the same", said as merged.
            if Ledger.isSameFile(file, path) { throw CLIError(s.format("data.merge.itself", file)) }
        }
        if let demo = files.first(where: { Ledger.isDemoFile(path: $0) == true }), Ledger.isDemoFile(path: path) != true {
            throw CLIError(s.format("data.merge.demo", demo, path))
        }
        let ledger = try ctx.openLedger(path: path)
        var outcomes: [MergeOutcome] = []
        var failed = 0
        for file in files {
            let outcome: MergeOutcome
            do {
                outcome = try ledger.merge(from: file, by: nil, today: ctx.today)
            } catch let error as LedgerError {
                // Nothing of this file was written (one transaction); the others are still merged.
                failed += 1
                let text = switch error {
                case .damagedFile: s.format("data.merge.damaged", file)
                case .demoIntoReal: s.format("data.merge.demo", file, path)
                default: s.format("data.merge.failed", file, s.format(error.messageKey, error.args))
                }
                StandardError.write(text + "\n")
                continue
            }
            outcomes.append(outcome)
            if json { continue }
            func detail(_ counts: [String: Int]) -> String {
                let text = counts.sorted { $0.key < $1.key }
                    .map { "\(s["data.merge.table.\($0.key)"]) \($0.value)" }.joined(separator: s["data.merge.comma"])
                return text.isEmpty ? "—" : text
            }
            print(s.format("data.merge.done", outcome.file, String(outcome.insertedTotal), detail(outcome.inserted),
                           String(outcome.updatedTotal), detail(outcome.updated), String(outcome.same.values.reduce(0, +)),
                           String(outcome.newerHere.values.reduce(0, +)), String(outcome.conflicts.count),
                           String(outcome.sharedIDNumbers.count)))
            let fieldMerged = outcome.fieldMerged.values.reduce(0, +)
            if fieldMerged > 0 { print(s.format("data.merge.fieldMerged", String(fieldMerged))) }
            if outcome.combined > 0 {
                print(s.format("data.merge.combined", String(outcome.combined), outcome.combinedNames.joined(separator: s["data.merge.comma"])))
            }
            if !outcome.adminsLeftOut.isEmpty {
                print(s.format("data.merge.adminsLeftOut", outcome.adminsLeftOut.joined(separator: s["data.merge.comma"])))
            }
            if outcome.combinedHere > 0 {
                print(s.format("data.merge.combinedHere", String(outcome.combinedHere),
                               outcome.combinedHereNames.joined(separator: s["data.merge.comma"])))
            }
            for pair in outcome.sharedIDNumbers {
                print(s.format("data.merge.sharedIDNumber", pair.name, pair.village ?? "—", pair.otherName,
                               pair.otherVillage ?? "—"))
            }
            for c in outcome.conflicts {
                // A login's label is "name role@area": the role in words.
                func words(_ label: String) -> String {
                    guard c.table == "user", let at = label.lastIndex(of: "@"), let space = label[..<at].lastIndex(of: " ") else {
                        return label
                    }
                    let role = String(label[label.index(after: space)..<at])
                    return "\(label[..<space])（\(s["role.\(role)"])，\(label[label.index(after: at)...])）"
                }
                var what = s["data.merge.table.\(c.table)"] + " " + (c.label.map { "“\(words($0))”" } ?? c.id)
                if let theirs = c.theirLabel { what += s.format("data.merge.theirs", words(theirs)) }
                // A record folded here that they changed since: said so, as the record kept holds it now.
                if c.columns == ["combined"] { what += s["data.merge.combinedNote"] }
                if c.nameTaken {
                    print(s.format("data.merge.nameTaken", what))
                } else if c.columns == ["combined"], c.values.isEmpty {
                    print(s.format("data.merge.combinedChanged", what))
                } else if !c.values.isEmpty {
                    // Both changed these fields of the elder: each with both values.
                    for v in c.values {
                        print(s.format("data.merge.conflictValue", what, s["data.field.\(v.field)"],
                                       s.elderFieldValue(v.field, v.ours), s.elderFieldValue(v.field, v.theirs)))
                    }
                } else {
                    let columns = c.columns.map { column in
                        let key = "data.merge.column.\(column)"
                        return s[key] == key ? column : s[key]
                    }
                    print(s.format("data.merge.conflict", what, columns.joined(separator: s["data.merge.comma"]),
                                   c.ourUpdatedAt.map(Merge.shortTime) ?? "—", c.theirUpdatedAt.map(Merge.shortTime) ?? "—"))
                }
            }
        }
        if json { try JSONOutput.print(outcomes) }
        if failed > 0 { throw ExitCode.failure }
    }
}
