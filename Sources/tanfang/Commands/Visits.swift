import ArgumentParser
import Foundation
import TanfangCore
import TanfangStore

struct Visits: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "An elder's visit history with the answers, and their follow-ups."
    )

    @OptionGroup var options: LedgerOptions

    @Option(name: .long, help: "The elder: a name, pinyin initials, the last digits of an ID number or phone, or the elder's id (as --json prints it; tells apart one person entered twice).")
    var elder: String

    @Option(name: .long, help: "How many visits, newest first.")
    var last = 5

    @Flag(name: .long, help: "Print JSON.")
    var json = false

    struct Output: Encodable {
        let elderID: UUID
        let name: String
        let village: String
        let visits: [Visit]
        let followUps: [FollowUp]
    }

    func run() throws {
        let ctx = try Context(language: options.language)
        // --last 0 printed "no visits yet" for an elder with many.
        guard last >= 1 else { throw CLIError(ctx.strings["cli.visits.lastAtLeastOne"]) }
        let ledger = try ctx.openLedgerToRead(path: options.databasePath())
        let id: UUID
        if let given = UUID(uuidString: elder) {
            id = given
        } else {
            let page = try ledger.roster(RosterQuery(status: nil, search: elder, limit: 5, today: ctx.today))
            guard let row = page.rows.first else { throw CLIError(ctx.strings.format("cli.visits.noElder", elder)) }
            guard page.total == 1 else {
                // The candidates, so that the next try can name one by its id.
                let who = page.rows.map { r in
                    "  " + r.elder.name + "  " + r.villageName + "  " + r.elder.id.uuidString
                }.joined(separator: "\n")
                throw CLIError(ctx.strings.format("cli.visits.ambiguous", elder, String(page.total)) + "\n" + who)
            }
            id = row.elder.id
        }
        guard let file = try ledger.elderFile(id: id) else { throw CLIError(ctx.strings.format("cli.visits.noElder", elder)) }
        let visits = Array(file.visits.prefix(last))
        if json {
            try JSONOutput.print(Output(elderID: file.elder.id, name: file.elder.name, village: file.village.name,
                                       visits: visits, followUps: file.followUps))
            return
        }
        let s = ctx.strings, form = ctx.rules.form, lang = ctx.strings.language
        let stored = StoredText(strings: s, form: form)
        let separator = s["files.listSeparator"]
        // Labels padded to the longest shown (English labels run to 60 columns), at least two spaces.
        let labelWidth = min(40, form.fields.map { TextTable.width($0.label(lang)) }.max() ?? 24)
        print(file.elder.name + "  " + file.village.name)
        if visits.isEmpty { print(s["cli.visits.none"]) }
        for v in visits {
            let who = v.visitorIDs.compactMap { file.visitorNames[$0] }.joined(separator: separator)
            // Seen or not is a question only at the door.
            let seen = v.method.seesTheElder ? "  " + s[v.seenInPerson ? "cli.visits.seen" : "cli.visits.notSeen"] : ""
            print("\n" + v.at.description + "  " + s["method.\(v.method.rawValue)"] + "  " + who + seen)
            for field in form.fields {
                guard let answer = v.answers[field.code] else { continue }
                print("  " + TextTable.pad(field.label(lang), labelWidth) + "  "
                      + AnswerText.text(answer, field: field, language: lang, strings: s))
            }
        }
        if !file.followUps.isEmpty {
            print("\n" + s["cli.visits.followUps"])
            let typeWidth = FollowUpType.allCases.map { TextTable.width(s["followup.type.\($0.rawValue)"]) }.max() ?? 14
            for f in file.followUps {
                print("  " + TextTable.pad(s["followup.type.\(f.type.rawValue)"], typeWidth) + "  "
                      + s.format("cli.visits.due", f.due.description) + "  "
                      + s["files.followUpStatus.\(f.status.rawValue)"] + "  " + stored(f.detail))
                // What was done, when and by whom (事后做好处置情况记录), under the follow-up.
                if let closing = f.closing {
                    print("    " + s["followUps.label.closing"] + s["cli.colon"] + stored(closing.action)
                          + s.format("cli.visits.closedBy", s.format("followUps.label.closedBy", closing.at.description, closing.by)))
                }
            }
        }
    }
}

/// An answer as a person reads it: option labels, 是/否, dates, text.
enum AnswerText {
    static func text(_ answer: Answer, field: FormField, language: Language, strings: Strings) -> String {
        switch answer {
        case .choice(let c): return field.option(c)?.label(language) ?? String(c)
        case .choices(let cs):
            return cs.map { field.option($0)?.label(language) ?? String($0) }.joined(separator: strings["files.listSeparator"])
        case .yesNo(let b): return strings[b ? "cli.yes" : "cli.no"]
        case .date(let d): return d.description
        case .number(let n): return String(n)
        case .text(let t): return t
        }
    }
}
