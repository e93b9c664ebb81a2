import Foundation
import TanfangCore
import TanfangIO
import TanfangStore
import TanfangUI

/// A roster file read, parsed and checked against the ledger's villages: what the CLI's
/// `import roster` and the import screen both do before anything is written.
struct RosterImportJob {
    let name: String
    let parsed: RosterImportResult
    let resolved: RosterVillages.Resolved
    /// Parser and village problems, by line, errors before notes.
    let issues: [ImportIssue]
    /// Seconds spent reading and decoding the file, and parsing, checking and resolving villages.
    var readSeconds = 0.0, parseSeconds = 0.0, resolveSeconds = 0.0

    var errors: [ImportIssue] { issues.filter(\.isError) }
    /// Lines with at least one error.
    var rejected: [Int] { Set(errors.map(\.line)).sorted() }
    /// Data rows in the file (the valid ones plus the rejected ones).
    var rowCount: Int { resolved.rows.count + rejected.filter { $0 > 0 }.count }

    /// Nothing may be written: a file-level error, or row errors without skip-invalid.
    func refused(skipInvalid: Bool) -> Bool {
        !errors.isEmpty && (!skipInvalid || wholeFileRefused)
    }

    /// An error no row can be skipped past: no header, or no 姓名 column (every row fails; with
    /// --skip-invalid the file was "imported" as 0 people, exit 0).
    var wholeFileRefused: Bool {
        errors.contains { $0.line == 0 || $0.messageKey == "import.error.nameColumnMissing" }
    }

    static func prepare(path: String, sheet: String? = nil, mapping: [String: RosterField] = [:], village: String?,
                        source: String?, ledger: Ledger, strings s: Strings, today: LocalDate,
                        scope: AccessScope = .everything) throws -> RosterImportJob {
        let url = URL(fileURLWithPath: path)
        let name = url.lastPathComponent
        let start = DispatchTime.now().uptimeNanoseconds
        var readDone = start
        let parsed = try CLIError.reading(path, strings: s) {
            let table = try TableReader.read(url: url, sheet: sheet)
            readDone = DispatchTime.now().uptimeNanoseconds
            return RosterImportParser(mapping: mapping, today: today).parse(table, file: name)
        }
        let parseDone = DispatchTime.now().uptimeNanoseconds
        let resolved = try RosterVillages.resolve(parsed, flag: village, places: ledger.places(),
                                                  visitors: ledger.visitors(), source: source ?? name, today: today,
                                                  scope: scope)
        var issues = (parsed.issues + resolved.issues).sorted { ($0.line, $0.isError ? 0 : 1) < ($1.line, $1.isError ? 0 : 1) }
        // A masked export read back: every row fails; one note first says why and what to do.
        if issues.contains(where: { $0.messageKey == "import.error.idNumberMasked" }) {
            issues.insert(ImportIssue(line: 0, column: "", value: "", messageKey: "import.note.maskedFile"), at: 0)
        }
        var job = RosterImportJob(name: name, parsed: parsed, resolved: resolved, issues: issues)
        job.readSeconds = Double(readDone - start) / 1e9
        job.parseSeconds = Double(parseDone - readDone) / 1e9
        job.resolveSeconds = Double(DispatchTime.now().uptimeNanoseconds - parseDone) / 1e9
        return job
    }

    /// Runs the import (or its dry run) unless refused; nil when refused. `bulkLoad`: the caller
    /// holds the ledger alone (the CLI command), see `Ledger.importRoster`.
    func run(skipInvalid: Bool, dryRun: Bool, source: String?, ledger: Ledger, by user: UUID?,
             today: LocalDate, bulkLoad: Bool = false, scope: AccessScope = .everything) throws -> ImportOutcome? {
        guard !refused(skipInvalid: skipInvalid) else { return nil }
        // A file with a 来源 column (our export) names each row's lists: the file's name is added only
        // to rows without one (done by `RosterVillages.resolve`), so an unchanged export read back changes nothing.
        let hasSources = parsed.headerMapping.contains { $0.field == .sources }
        return try ledger.importRoster(resolved.rows, source: source ?? (hasSources ? nil : name), file: name, by: user, today: today,
                                       dryRun: dryRun, bulkLoad: bulkLoad, scope: scope)
    }

    /// The sentence for one conflict.
    func conflictText(_ c: ImportConflict, strings s: Strings) -> String {
        if c.field == "sharedIDNumber" {
            return s.format("data.import.sharedIDNumber", name, String(c.line), c.name, c.incoming, c.stored)
        }
        func shown(_ value: String) -> String { s.elderFieldValue(c.field, value) }
        return s.format("data.import.conflict", name, String(c.line), c.name, s["data.field.\(c.field)"], shown(c.stored),
                        shown(c.incoming))
            + (c.differsWhereMasked ? s["data.import.conflictMasked"] : "")
    }

    /// The job as the import screen shows it, values of ID and phone columns masked.
    func report(outcome: ImportOutcome?, refused: Bool, written: Bool, strings s: Strings) -> ImportReport {
        let fields = Dictionary(parsed.headerMapping.map { ($0.header, $0.field) }, uniquingKeysWith: { a, _ in a })
        let problems = issues.map { issue -> ImportReport.Problem in
            var value = issue.value
            switch fields[issue.column] {
            case .idNumber?: value = Masking.idNumber(value)
            case .phone?, .supporterPhone?, .contactPhone?: value = Masking.invalidPhone(value)
            default: break
            }
            return ImportReport.Problem(line: issue.line, column: issue.column, value: value,
                                        message: s.format(issue.messageKey, issue.args), isError: issue.isError)
        }
        var report = ImportReport(
            file: name, rows: rowCount,
            columns: parsed.headerMapping.map { ImportReport.Column(header: $0.header, field: $0.field.rawValue) },
            problems: problems, rejectedLines: rejected, refused: refused,
            added: outcome?.added ?? 0, merged: outcome?.merged ?? 0, unchanged: outcome?.unchanged ?? 0,
            conflicts: outcome?.conflicts.map { conflictText($0, strings: s) } ?? [], written: written)
        report.sourcesOnly = outcome.flatMap { sourcesOnlyText($0, source: nil, strings: s) }
        return report
    }

    /// "Of those merged, N only had this list added to their sources", when any; `source` as given
    /// (--source), else the file's name.
    func sourcesOnlyText(_ outcome: ImportOutcome, source: String?, strings s: Strings) -> String? {
        guard outcome.sourcesOnly > 0 else { return nil }
        return s.format("data.import.sourcesOnly", String(outcome.sourcesOnly), source ?? name)
    }
}
