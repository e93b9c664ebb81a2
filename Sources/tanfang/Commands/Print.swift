import ArgumentParser
import Foundation
import TanfangCore
import TanfangStore

struct PrintCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "print",
        abstract: "Printable files for visitors who work on paper.",
        subcommands: [Sheets.self]
    )

    struct Sheets: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The month's due elders of one visitor, each with the visit record form ready to fill (UTF-8 text).",
            discussion: "An elder is due in the month when their next visit (or required home visit) falls on or before its last day; overdue ones are included. Pages are separated by form feeds."
        )

        @OptionGroup var options: LedgerOptions

        @Option(name: .long, help: "The responsible visitor (name).")
        var visitor: String

        @Option(name: .long, help: "The month, YYYY-MM.")
        var month: String

        @Option(name: .long, help: "Write to FILE (default: standard output).")
        var out: String?

        @Flag(name: .long, help: "Replace a file already at --out (without it such a file is kept and nothing written).")
        var force = false

        func validate() throws {
            if YearMonth(month) == nil { throw ValidationError(Report.Monthly.badMonth(month, options.language)) }
        }

        func run() throws {
            let ctx = try Context(language: options.language)
            let s = ctx.strings
            let ledger = try ctx.openCurrentLedger(path: options.databasePath(), reading: true)
            let ym = YearMonth(month)!
            let person = try ByName.visitor(visitor, in: ledger.visitors(), strings: s)
            let form = try FormDefinition.load(resources: ctx.resources)
            let rows = try ledger.roster(RosterQuery(scope: AccessScope(visitorID: person.id), status: .active,
                                                     sort: .nextDue, limit: Int.max, today: ctx.today)).rows
                .filter { row in
                    guard let due = [row.summary.nextDue, row.summary.homeVisitDue].compactMap({ $0 }).min() else { return false }
                    return due <= ym.lastDay
                }
            let text = PaperSheets.render(rows: rows, form: form, visitor: person.name, month: ym, strings: s)
            try OutputFile.write(Data(text.utf8), to: out, replace: force, strings: s)
            if out != nil { print(s.format("data.print.count", String(rows.count))) }
        }
    }
}

/// The paper visit record: a header per elder and every section of the form with its options as boxes.
enum PaperSheets {
    static func render(rows: [RosterRow], form: FormDefinition, visitor: String, month: YearMonth,
                       strings s: Strings) -> String {
        let lang = s.language
        guard !rows.isEmpty else { return s.format("data.print.none", visitor, month.description) + "\n" }
        var pages: [String] = []
        for row in rows {
            let e = row.elder
            var out: [String] = []
            out.append(form.title(lang))
            out.append(s.format("data.print.visitorMonth", visitor, month.description))
            out.append(String(repeating: "=", count: 60))
            out.append(s.format("data.print.name", e.name) + "    " + s.format("data.print.village", row.villageName))
            out.append(s.format("data.print.address", e.address ?? ""))
            out.append(s.format("data.print.id", e.idNumber.map(Masking.idNumber) ?? "—") + "    "
                       + s.format("data.print.phone", e.phone ?? "—"))
            let due = [row.summary.nextDue, row.summary.homeVisitDue].compactMap { $0 }.min()
            out.append(s.format("data.print.due", due?.description ?? "—")
                       + (row.summary.homeVisitDue.map { $0 <= month.lastDay } == true ? "  " + s["cli.due.homeRequired"] : ""))
            out.append(s["data.print.dateLine"] + "  " + s["data.print.methodLine"] + " "
                       + VisitMethod.allCases.map { "□" + s["method.\($0.rawValue)"] }.joined(separator: " "))
            out.append(String(repeating: "-", count: 60))
            for section in form.sections {
                out.append("\(section.number)、\(section.label(lang))")
                for field in section.fields {
                    let label = "  \(field.number). \(field.label(lang))："
                    switch field.kind {
                    case .single, .multi:
                        let boxes = field.options.map { "□\($0.code) \($0.label(lang))" }.joined(separator: " ")
                        out.append(label + boxes + (field.kind == .multi ? " " + s["data.print.multi"] : ""))
                    case .yesNo:
                        out.append(label + "□1 " + s["data.print.yes"] + " □2 " + s["data.print.no"])
                    case .date:
                        out.append(label + s["data.print.dateBlank"])
                    case .number:
                        out.append(label + "________")
                    case .text:
                        out.append(label)
                        out.append("    " + String(repeating: "_", count: 50))
                        out.append("    " + String(repeating: "_", count: 50))
                    }
                }
                out.append("")
            }
            out.append(s["data.print.signature"])
            pages.append(out.joined(separator: "\n"))
        }
        return pages.joined(separator: "\n\u{0C}\n") + "\n"
    }
}
