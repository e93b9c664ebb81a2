import ArgumentParser
import Foundation
import TanfangCore
import TanfangIO
import TanfangStore

struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Give the ledger back as office files.",
        subcommands: [Roster.self]
    )

    struct Roster: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The roster (台账) as CSV or .xlsx, with the headers the import understands.",
            discussion: """
            ID numbers and phones are masked. --unmasked needs --user and --pin of a user whose role \
            sees full numbers (clerk, grid worker, admin); it exports only that user's villages and is \
            recorded in the audit trail. For unmasked ID numbers prefer xlsx: Excel turns long digit \
            strings in CSV into numbers.
            """
        )

        @OptionGroup var options: LedgerOptions

        @Option(name: .long, help: "csv (default) or xlsx.")
        var format: Format = .csv

        @Option(name: .long, help: "Write to FILE (xlsx default: roster-YYYYMMDD.xlsx; csv default: standard output).")
        var out: String?

        @Flag(name: .long, help: "Replace a file already at --out (without it such a file is kept and nothing written).")
        var force = false

        @Option(name: .long, help: "CSV encoding: utf8 (with BOM, default) or gbk.")
        var encoding: FileEncoding = .utf8

        @Flag(name: .long, help: "Full ID numbers and phones (needs --user and --pin with a role that allows it).")
        var unmasked = false

        @Option(name: .long, help: "User name, to check the role for --unmasked.")
        var user: String?

        @Option(name: .long, help: "That user's PIN.")
        var pin: String?

        enum Format: String, ExpressibleByArgument, CaseIterable { case csv, xlsx }

        func run() throws {
            let ctx = try Context(language: options.language)
            let s = ctx.strings
            let ledger = try ctx.openCurrentLedger(path: options.databasePath(), reading: true)
            var scope = AccessScope.everything
            var actor: User?
            if let user {
                guard let pin, let found = try ledger.verifyPIN(userName: user, pin: pin) else {
                    throw Setup.badLogin(user, ledger: ledger, strings: s)
                }
                actor = found
                scope = try ledger.scope(for: found)
            }
            if unmasked {
                guard let actor else { throw CLIError(s["data.error.unmaskedNeedsUser"]) }
                guard actor.role.seesUnmasked else {
                    throw CLIError(s.format("data.error.unmaskedRefused", actor.name, s["role.\(actor.role.rawValue)"]))
                }
            }
            let rows = try ledger.roster(RosterQuery(scope: scope, status: nil, sort: .village, limit: Int.max,
                                                     today: ctx.today)).rows
            let visitorNames = Dictionary(try ledger.visitors().map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
            let placeNames = Dictionary(try ledger.places().map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
            // The office roster's words (女, 独居, 与子女同住, 在册) whatever the language of the messages: the
            // headers are the import's, and an English export read back found every category unknown.
            let table = RosterTable.make(rows, strings: try Strings.load(.zhHans, resources: ctx.resources), unmasked: unmasked,
                                         today: ctx.today, visitorNames: visitorNames, placeNames: placeNames)
            switch format {
            case .csv:
                let text = table.rows.map { $0.map(RosterTable.text) }
                try OutputFile.write(CSVWriter.write(header: table.header, rows: text, encoding: encoding.csv),
                                     to: out, replace: force, strings: s)
            case .xlsx:
                let name = out ?? "roster-\(ctx.today.description.replacingOccurrences(of: "-", with: "")).xlsx"
                try OutputFile.write(try XLSXWriter.write(sheets: [XLSXSheet(name: s["data.sheet.roster"],
                                                                             header: table.header, rows: table.rows)]),
                                     to: name, replace: force, strings: s)
            }
            if unmasked, let actor {
                try ledger.recordExport(kind: "roster", file: out ?? "-", rows: rows.count, unmasked: true, by: actor.id)
            }
        }
    }
}

/// The roster as a table whose headers and words `RosterImportParser` recognises, so an export can be
/// re-imported: `strings` should be the Chinese catalog.
enum RosterTable {
    /// Every field the import reads, in this order; then the ledger's own derived columns.
    static let fields: [RosterField] = [
        .name, .gender, .idNumber, .birthDate, .ethnicity, .phone, .address, .village, .grid, .categories,
        .disabilityDegree, .livingArrangement, .supporterName, .supporterRelation, .supporterPhone, .supporterResidence,
        .otherSupporters, .contactName, .contactRelation, .contactPhone, .otherContacts, .visitor, .remote, .wishes,
        .note, .status, .statusDate, .sources,
    ]

    static func make(_ rows: [RosterRow], strings s: Strings, unmasked: Bool, today: LocalDate,
                     visitorNames: [UUID: String] = [:], placeNames: [UUID: String] = [:]) -> (header: [String], rows: [[XLSXCell]]) {
        let header = fields.map(\.standardHeader) + ["data.col.risk", "data.col.nextDue"].map { s[$0] }
        func masked(_ phone: String?) -> String? { phone.map { unmasked ? $0 : Masking.phone($0) } }
        let body = rows.map { row -> [XLSXCell] in
            let e = row.elder
            let supporter = e.supporters.first
            let contact = e.emergencyContacts.first
            let degree: String? = switch e.disabilityDegree {
            case .mild: "轻度"
            case .moderate: "中度"
            case .severe: "重度"
            case nil: nil
            }
            var text: [RosterField: String?] = [
                .name: e.name, .gender: e.gender.map { s["gender.\($0.rawValue)"] },
                .idNumber: e.idNumber.map { unmasked ? $0 : Masking.idNumber($0) }, .ethnicity: e.ethnicity,
                .phone: masked(e.phone), .address: e.address, .village: row.villageName,
                .grid: e.gridID.flatMap { placeNames[$0] },
                .categories: e.categories.sorted().map { s["category.\($0.rawValue)"] }.joined(separator: "、"),
                .disabilityDegree: degree, .livingArrangement: e.livingArrangement.map { s["files.living.\($0.rawValue)"] },
                .supporterName: supporter?.name, .supporterRelation: supporter?.relation,
                .supporterPhone: masked(supporter?.phone), .supporterResidence: supporter?.residence,
                .contactName: contact?.name, .contactRelation: contact?.relation, .contactPhone: masked(contact?.phone),
                .visitor: e.visitorID.flatMap { visitorNames[$0] }, .remote: e.remote ? s["files.yes"] : nil,
                .wishes: e.wishes, .note: e.remarks, .status: s["status.\(e.status.rawValue)"],
                .sources: e.sources.isEmpty ? nil : e.sources.sorted().joined(separator: "、"),
            ]
            text[.otherSupporters] = RosterPerson.cell(e.supporters.dropFirst().map {
                RosterPerson(name: $0.name, relation: $0.relation, phone: masked($0.phone), residence: $0.residence)
            })
            text[.otherContacts] = RosterPerson.cell(e.emergencyContacts.dropFirst().map {
                RosterPerson(name: $0.name, relation: $0.relation, phone: masked($0.phone))
            })
            var out = fields.map { field -> XLSXCell in
                guard let value = text[field] ?? nil, !value.isEmpty else { return .empty }
                return .string(value)
            }
            out[fields.firstIndex(of: .birthDate)!] = e.birthDate.map(XLSXCell.date) ?? .empty
            // The day the current status began (registration, for an elder always 在册).
            out[fields.firstIndex(of: .statusDate)!] = e.statusHistory.last.map { XLSXCell.date($0.date) } ?? .empty
            out.append(.string(s["risk.level.\(row.summary.risk.level.rawValue)"]))
            // The earlier of the visit and the home visit owed, as the roster, F4 and `due` give it.
            out.append([row.summary.nextDue, row.summary.homeVisitDue].compactMap { $0 }.min().map(XLSXCell.date) ?? .empty)
            return out
        }
        return (header, body)
    }

    static func text(_ cell: XLSXCell) -> String {
        switch cell {
        case .string(let t): t
        case .number(let n): n == n.rounded() ? String(Int(n)) : String(n)
        case .percent(let p): MonthlyText.percent(p)
        case .date(let d): d.description
        case .empty: ""
        }
    }
}
