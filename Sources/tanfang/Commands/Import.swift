import ArgumentParser
import Foundation
import TanfangCore
import TanfangIO
import TanfangStore

struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Bring office spreadsheets into the ledger.",
        subcommands: [Roster.self]
    )

    struct Roster: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import a roster (CSV in UTF-8/GBK, or .xlsx) in one transaction.",
            discussion: """
            Every row is checked before anything is written. Without --skip-invalid a file with any \
            error changes nothing (exit status 1); with it the valid rows go in and the others are listed. \
            A person already on the ledger (same ID number) is merged: categories and sources combined, \
            differing values reported as conflicts and never overwritten. The village comes from the \
            file's 村(社区) column, else from --village.
            """
        )

        @OptionGroup var options: LedgerOptions

        @Argument(help: "The roster file (.csv, .txt or .xlsx).")
        var file: String

        @Option(name: .long, help: "Village for rows without a 村(社区) column or value.")
        var village: String?

        @Option(name: .long, help: "The list this file comes from (卫健, 残联…); default: the file name.")
        var source: String?

        @Option(name: .long, help: "Worksheet name in an .xlsx (default: the first).")
        var sheet: String?

        @Option(name: .long, help: "JSON file mapping the file's own headers to the roster's, {\"户籍地\": \"住址\", \"生日\": \"出生日期\"} (the standard header or its code: address, birthDate…).")
        var mapping: String?

        @Flag(name: .long, help: "Check and count, but write nothing.")
        var dryRun = false

        @Flag(name: .long, help: "Import the valid rows and list the rejected ones.")
        var skipInvalid = false

        @Flag(name: .long, help: "Print JSON.")
        var json = false

        struct Problem: Encodable {
            let line: Int
            let column: String
            let value: String
            let message: String
            let error: Bool
        }

        struct Output: Encodable {
            let file: String
            let rows: Int
            let rejectedLines: [Int]
            let problems: [Problem]
            let written: Bool
            let dryRun: Bool
            let outcome: ImportOutcome?
        }

        func run() throws {
            let ctx = try Context(language: options.language)
            let s = ctx.strings
            let ledger = try ctx.openLedger(path: options.databasePath())
            let map = try CLIError.reading(mapping ?? "", strings: s) {
                try mapping.map { try RosterImportParser.loadMapping(url: URL(fileURLWithPath: $0)) } ?? [:]
            }
            let job = try RosterImportJob.prepare(path: file, sheet: sheet, mapping: map, village: village, source: source,
                                                  ledger: ledger, strings: s, today: ctx.today)
            let name = job.name
            let errors = job.errors
            let rejected = job.rejected
            let problems = job.issues.map {
                Problem(line: $0.line, column: $0.column, value: $0.value, message: s.format($0.messageKey, $0.args),
                        error: $0.isError)
            }

            let refused = job.refused(skipInvalid: skipInvalid)
            let writeStart = DispatchTime.now().uptimeNanoseconds
            // This process holds the ledger alone: a large file may go in through the bulk journal.
            let outcome = try job.run(skipInvalid: skipInvalid, dryRun: dryRun, source: source, ledger: ledger, by: nil,
                                      today: ctx.today, bulkLoad: true)
            // For measuring imports (docs/PERFORMANCE.md), not a user feature.
            if ProcessInfo.processInfo.environment["TANFANG_IMPORT_TIMING"] != nil {
                let write = Double(DispatchTime.now().uptimeNanoseconds - writeStart) / 1e9
                StandardError.write(String(
                    format: "timing: read+decode %.3f s, parse+validate %.3f s, villages %.3f s, write %.3f s\n",
                    job.readSeconds, job.parseSeconds, job.resolveSeconds, write))
            }
            if json {
                try JSONOutput.print(Output(file: name, rows: job.rowCount,
                                            rejectedLines: rejected, problems: problems,
                                            written: outcome != nil && !dryRun, dryRun: dryRun, outcome: outcome))
            } else {
                for p in problems {
                    print(RosterVillages.line(file: name, p.line, p.column, p.value, p.message,
                                              note: !p.error, strings: s))
                }
                if let outcome {
                    if !rejected.isEmpty {
                        print(s.format("data.import.skipped", String(rejected.count),
                                       rejected.map(String.init).joined(separator: ", ")))
                    }
                    for c in outcome.conflicts {
                        print(job.conflictText(c, strings: s))
                    }
                    print(s.format(dryRun ? "data.import.dryRunDone" : "data.import.done", name,
                                   String(outcome.added), String(outcome.merged), String(outcome.unchanged),
                                   String(outcome.conflicts.count)))
                    if let note = job.sourcesOnlyText(outcome, source: source, strings: s) { print(note) }
                }
            }
            if refused {
                if !json {
                    // --skip-invalid cannot help a file whose header is wrong: not offered then.
                    let key = job.wholeFileRefused ? "data.import.refusedFile" : "data.import.refused"
                    StandardError.write(s.format(key, name, String(errors.count)) + "\n")
                }
                throw ExitCode.failure
            }
        }
    }
}

/// A roster's village cell read as a name, a division code (654021100201), or a township and
/// village name together (吉里于孜镇团结村, 吉里于孜镇 团结村): two townships may each have a 团结村.
struct VillageLookup {
    private var byName: [String: [Place]] = [:]
    private var byCode: [String: Place] = [:]
    private var byTownshipAndName: [String: [Place]] = [:]

    init(_ places: [Place]) {
        let byID = Dictionary(places.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        for village in places where village.level == .village {
            byName[village.name, default: []].append(village)
            byCode[village.code] = village
            if let township = village.parentID.flatMap({ byID[$0] }) {
                byTownshipAndName[township.name + village.name, default: []].append(village)
            }
        }
    }

    func matches(_ text: String) -> [Place] {
        if let found = byName[text] { return found }
        if let code = PlaceCode(text), code.level == .village { return byCode[code.digits].map { [$0] } ?? [] }
        let joined = text.filter { !$0.isWhitespace && !"/·-—、".contains($0) }
        return byTownshipAndName[joined] ?? []
    }
}

/// Turns parsed rows into ledger rows: each row's village resolved by name, problems for the others.
enum RosterVillages {
    struct Resolved {
        var rows: [RosterImportRow]
        var issues: [ImportIssue]
    }

    /// With a `scope` of some villages (a village clerk's), rows of other villages are problems.
    /// A row's 状态 other than 在册 is the elder's first status, from its 状态日期 (else `today`); 在册
    /// starts today, as without the column, so that no past month gains an elder it never owed a visit.
    static func resolve(_ parsed: RosterImportResult, flag: String?, places: [Place], visitors: [Visitor] = [],
                        source: String, today: LocalDate, scope: AccessScope = .everything) throws -> Resolved {
        let lookup = VillageLookup(places)
        let placeByID = Dictionary(places.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let visitorsByName = Dictionary(grouping: visitors, by: \.name)
        let gridsByVillage = Dictionary(grouping: places.filter { $0.level == .grid }, by: \.parentID)
        func header(_ field: RosterField) -> String {
            parsed.headerMapping.first { $0.field == field }?.header ?? field.standardHeader
        }
        let column = parsed.headerMapping.first { $0.field == .village }?.header ?? "--village"
        // With a 来源 column (our export) an empty cell means no list, not this file.
        let hasSources = parsed.headerMapping.contains { $0.field == .sources }
        var rows: [RosterImportRow] = []
        var issues: [ImportIssue] = []
        let flag = flag?.trimmingCharacters(in: .whitespacesAndNewlines)
        for r in parsed.rows {
            let raw = r.villageName.map(trimmed)
            guard let name = (raw?.isEmpty == false ? raw : flag),
                  !name.isEmpty else {
                issues.append(ImportIssue(line: r.line, column: column, value: "", messageKey: "data.error.villageMissing"))
                continue
            }
            let matches = lookup.matches(name)
            guard matches.count == 1, let place = matches.first else {
                issues.append(ImportIssue(line: r.line, column: raw?.isEmpty == false ? column : "--village", value: name,
                                          messageKey: matches.isEmpty ? "data.error.villageUnknown" : "data.error.villageAmbiguous",
                                          args: [name]))
                continue
            }
            if let allowed = scope.villageIDs, !allowed.contains(place.id) {
                issues.append(ImportIssue(line: r.line, column: raw?.isEmpty == false ? column : "--village", value: name,
                                          messageKey: "data.error.villageOutOfScope", args: [name]))
                continue
            }
            var supporters: [Supporter] = []
            if let s = r.supporterName, !s.isEmpty {
                supporters.append(Supporter(name: s, relation: r.supporterRelation ?? "", phone: r.supporterPhone,
                                            residence: r.supporterResidence))
            }
            supporters += r.otherSupporters.map { Supporter(name: $0.name, relation: $0.relation, phone: $0.phone, residence: $0.residence) }
            var contacts: [Contact] = []
            if let name = r.contactName, let phone = r.contactPhone {
                contacts.append(Contact(name: name, relation: r.contactRelation ?? "", phone: phone))
            }
            contacts += r.otherContacts.compactMap { p in p.phone.map { Contact(name: p.name, relation: p.relation, phone: $0) } }
            // The 网格 by name among the village's grids; otherwise left for the elder file, and said.
            var gridID: UUID?
            if let name = r.gridName {
                let grids = (gridsByVillage[place.id] ?? []).filter { $0.name == name }
                if grids.count == 1 {
                    gridID = grids[0].id
                } else {
                    issues.append(ImportIssue(line: r.line, column: header(.grid), value: name, messageKey: "import.note.gridUnknown",
                                              args: [name, place.name]))
                }
            }
            // The 结对责任人 by name among those who may serve the village; otherwise left for the
            // elder file, and said, so that nothing typed goes unmentioned.
            var visitorID: UUID?
            if let name = r.visitorName {
                let found = (visitorsByName[name] ?? []).filter { $0.mayServe(place) { placeByID[$0] } }
                if found.count == 1 {
                    visitorID = found[0].id
                } else {
                    issues.append(ImportIssue(line: r.line, column: header(.visitor), value: name,
                                              messageKey: found.isEmpty ? "import.note.visitorUnknown" : "import.note.visitorAmbiguous",
                                              args: [name, place.name]))
                }
            }
            let elder = Elder(name: r.name, gender: r.gender, idNumber: r.idNumber, birthDate: r.birthDate,
                              ethnicity: r.ethnicity, phone: r.phone, address: r.address, villageID: place.id,
                              gridID: gridID, categories: r.categories, disabilityDegree: r.disabilityDegree,
                              livingArrangement: r.livingArrangement, supporters: supporters,
                              emergencyContacts: contacts, visitorID: visitorID, wishes: r.wishes, remarks: r.note,
                              remote: r.remote ?? false,
                              statusHistory: r.status.map { status in
                                  [StatusChange(date: status == .active ? today : r.statusDate ?? today, status: status)]
                              } ?? [], sources: hasSources ? Set(r.sources) : [source])
            rows.append(RosterImportRow(line: r.line, elder: elder))
        }
        // The rows rejected for another problem: a village that would be refused too is said now,
        // not in the next run after the first problems are fixed.
        for (line, raw) in parsed.invalidVillages.sorted(by: { $0.key < $1.key }) {
            let name = trimmed(raw)
            let matches = lookup.matches(name)
            var key: String?
            if matches.count != 1 {
                key = matches.isEmpty ? "data.error.villageUnknown" : "data.error.villageAmbiguous"
            } else if let allowed = scope.villageIDs, !allowed.contains(matches[0].id) {
                key = "data.error.villageOutOfScope"
            }
            if let key { issues.append(ImportIssue(line: line, column: column, value: name, messageKey: key, args: [name])) }
        }
        // 在册 since an earlier day: said once, with why the ledger counts from today.
        let earlier = parsed.rows.filter { $0.status == .active && ($0.statusDate.map { $0 < today } ?? false) }
        if !earlier.isEmpty {
            issues.insert(ImportIssue(line: 0, column: header(.statusDate), value: "", messageKey: "import.note.activeFromToday",
                                      args: [String(earlier.count), today.description]), at: 0)
        }
        return Resolved(rows: rows, issues: issues)
    }

    /// Trimmed of whitespace and newlines; Foundation's trimming (slow per row) runs only when an end
    /// is not a character that is certainly no space (the parser's values are trimmed already).
    static func trimmed(_ text: String) -> String {
        func plain(_ s: Unicode.Scalar?) -> Bool {
            guard let v = s?.value else { return false }
            return (0x21...0x7E).contains(v) || (0x4E00...0x9FFF).contains(v)
        }
        let scalars = text.unicodeScalars
        if plain(scalars.first), plain(scalars.last) { return text }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// "文件:行 列 值 — 原因"; a file-level problem has no line, column or value.
    static func line(file: String, _ line: Int, _ column: String, _ value: String, _ message: String, note: Bool,
                     strings: Strings) -> String {
        var head = line > 0 ? "\(file):\(line)" : file
        if !column.isEmpty { head += " \(column)" }
        if !value.isEmpty { head += " \(value)" }
        return (note ? strings["data.import.notePrefix"] : "") + head + " — " + message
    }
}
