import ArgumentParser
import Foundation
import TanfangCore
import TanfangIO
import TanfangStore

/// `--encoding` for CSV files.
enum FileEncoding: String, ExpressibleByArgument, CaseIterable {
    case utf8, gbk

    var csv: CSVWriter.Encoding { self == .gbk ? .gb18030 : .utf8BOM }
}

/// Writes a produced file to `--out`, or to standard output when there is none.
enum OutputFile {
    /// Standard output without a path. A file already at `path` is kept unless `replace`
    /// (`--force`): a report someone has since annotated must not vanish under a rerun.
    static func write(_ data: Data, to path: String?, replace: Bool, strings: Strings) throws {
        guard let path else {
            FileHandle.standardOutput.write(data)
            return
        }
        if !replace, let existing = ReportFiles.existingFile(path) {
            throw CLIError(strings.format("data.error.outExists", existing))
        }
        try ReportFiles.save(data, to: path, strings: strings)
        print(strings.format("data.out.written", path))
    }
}

/// The monthly report as files: a workbook with a sheet per part, or the per-village table as CSV.
enum MonthlyFiles {
    /// The per-village table (month, township, village, visited, due, rate), one row per village,
    /// then the total. The month is on every row, so that a file renamed or pasted into another
    /// still says which month it counts.
    static func villageTable(_ r: MonthlyReport, places: [UUID: Place], strings s: Strings) -> (header: [String], rows: [[XLSXCell]]) {
        let header = ["cli.report.month", "cli.report.township", "cli.report.village", "cli.report.visited",
                      "cli.report.denominator", "cli.report.rate"].map { s[$0] }
        let month = XLSXCell.string(r.month.description)
        var rows = r.villages.map { v -> [XLSXCell] in
            let village = places[v.villageID]
            let township = village?.parentID.flatMap { places[$0]?.name } ?? ""
            return [month, .string(township), .string(village?.name ?? "?"), .number(Double(v.visited)),
                    .number(Double(v.denominator)), rateCell(v)]
        }
        rows.append([month, .string(s["cli.report.allVillages"]), .empty, .number(Double(r.total.visited)),
                     .number(Double(r.total.denominator)), rateCell(r.total)])
        return (header, rows)
    }

    /// A rate cell; "—" when nobody was owed a visit (`shownRate`).
    static func rateCell(_ figures: some RateFigures) -> XLSXCell {
        figures.shownRate.map { .percent(Percent.shown($0)) } ?? .string("—")
    }

    static func csv(_ r: MonthlyReport, ledger: Ledger, strings s: Strings, encoding: FileEncoding) throws -> Data {
        let places = Dictionary(try ledger.places().map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let table = villageTable(r, places: places, strings: s)
        let rows = table.rows.map { row in
            row.map { cell -> String in
                switch cell {
                case .string(let t): t
                case .number(let n): String(Int(n))
                case .percent(let p): MonthlyText.percent(p)
                case .date(let d): d.description
                case .empty: ""
                }
            }
        }
        return CSVWriter.write(header: table.header, rows: rows, encoding: encoding.csv)
    }

    static let notVisitedHeader = ["data.col.name", "data.col.village", "data.col.visitor", "data.col.lastVisit"]

    /// The elders of `r` not visited in its month, by village and name (the list DOMAIN §8 asks for).
    static func notVisited(_ r: MonthlyReport, ledger: Ledger, today: LocalDate) throws
        -> [(name: String, village: String, visitor: String, lastVisit: LocalDate?)] {
        guard !r.notVisited.isEmpty else { return [] }
        let all = try ledger.roster(RosterQuery(status: nil, sort: .village, limit: Int.max, today: today)).rows
        let byID = Dictionary(all.map { ($0.elder.id, $0) }, uniquingKeysWith: { a, _ in a })
        let visitors = Dictionary(try ledger.visitors().map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        // A month that has ended gives the last visit by its end: later ones were not known then.
        let ended = r.month.lastDay < today
        let asOfEnd = ended ? try ledger.lastVisitDates(of: r.notVisited, onOrBefore: r.month.lastDay) : [:]
        return r.notVisited.compactMap { byID[$0] }
            .sorted { ($0.villageName, $0.elder.name) < ($1.villageName, $1.elder.name) }
            .map { row in (row.elder.name, row.villageName, row.elder.visitorID.flatMap { visitors[$0] } ?? "",
                           ended ? asOfEnd[row.elder.id] : row.summary.lastVisit?.date) }
    }

    static func sheets(_ r: MonthlyReport, ledger: Ledger, strings s: Strings, today: LocalDate) throws -> [XLSXSheet] {
        let places = Dictionary(try ledger.places().map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var village = villageTable(r, places: places, strings: s)
        // The month still running says so under its figures, as the table and F5 do (44.5% read as final).
        if r.month == today.yearMonth {
            village.rows.append([.string(s.format("cli.report.inProgress", today.description))])
        }
        var sheets = [XLSXSheet(name: s["data.sheet.byVillage"], header: village.header, rows: village.rows)]
        sheets.append(XLSXSheet(
            name: s["data.sheet.byCategory"],
            header: ["cli.report.category", "cli.report.visited", "cli.report.denominator", "cli.report.rate"].map { s[$0] },
            rows: r.byCategory.map { [.string(s["category.\($0.category)"]), .number(Double($0.visited)),
                                      .number(Double($0.denominator)), rateCell($0)] }))
        sheets.append(XLSXSheet(
            name: s["data.sheet.byMethod"],
            header: ["cli.report.method", "cli.report.visits", "cli.report.elders"].map { s[$0] },
            rows: r.byMethod.map { [.string(s["method.\($0.method.rawValue)"]), .number(Double($0.visits)),
                                    .number(Double($0.elders))] }))

        sheets.append(XLSXSheet(
            name: s["data.sheet.notVisited"],
            header: notVisitedHeader.map { s[$0] },
            rows: try notVisited(r, ledger: ledger, today: today).map { row in
                [.string(row.name), .string(row.village), .string(row.visitor), row.lastVisit.map { .date($0) } ?? .empty]
            }))
        let f = r.followUps
        sheets.append(XLSXSheet(
            name: s["data.sheet.followUps"],
            header: [s["data.col.item"], s["data.col.count"]],
            rows: [
                [.string(s["data.followUps.opened"]), .number(Double(f.opened))],
                [.string(s["data.followUps.closed"]), .number(Double(f.closed))],
                [.string(s["data.followUps.cancelled"]), .number(Double(f.cancelled))],
                [.string(s["data.followUps.openPastDue"]), .number(Double(f.openPastDue))],
                [.string(s["data.followUps.medianHours"]), f.medianHoursToClose.map { .number(($0 * 10).rounded() / 10) } ?? .empty],
            ]))
        return sheets
    }
}
