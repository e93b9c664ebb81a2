import ArgumentParser
import Foundation
import TanfangCore
import TanfangStore

struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Reports for the township and county.",
        subcommands: [Monthly.self]
    )

    struct Monthly: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Monthly visit rate by village, category and method; follow-ups; elders not visited."
        )

        @OptionGroup var options: LedgerOptions

        @Option(name: .long, help: "Only this township or village (name or division code), as its supervisor sees it.")
        var area: String?

        @Option(name: .long, help: "The month, YYYY-MM (default: this month).")
        var month: String?

        @Option(name: .long, help: "table (default), csv, xlsx or json.")
        var format: Format = .table

        @Option(name: .long, help: "Write to FILE (xlsx default: monthly-YYYY-MM.xlsx; the others default to standard output).")
        var out: String?

        @Flag(name: .long, help: "Replace a file already at --out (without it such a file is kept and nothing written).")
        var force = false

        @Option(name: .long, help: "CSV encoding: utf8 (with BOM, default) or gbk (GB18030, for old software).")
        var encoding: FileEncoding = .utf8

        enum Format: String, ExpressibleByArgument, CaseIterable { case table, csv, xlsx, json }

        /// "--month must be YYYY-MM" in the user's language.
        static func badMonth(_ month: String, _ language: Language) -> String {
            let strings = try? Strings.load(language, resources: ResourceLocator.directory())
            return strings?.format("cli.error.month", month) ?? "--month must be YYYY-MM, e.g. 2026-11 (got \(month))"
        }

        func validate() throws {
            if let month, YearMonth(month) == nil { throw ValidationError(Self.badMonth(month, options.language)) }
        }

        func run() throws {
            let ctx = try Context(language: options.language)
            let ledger = try ctx.openCurrentLedger(path: options.databasePath(), reading: true)
            let ym = month.flatMap(YearMonth.init) ?? ctx.today.yearMonth
            // A month not yet begun would read as 0% visited; the monthly screen stops at this month too.
            guard ym <= ctx.today.yearMonth else {
                throw CLIError(ctx.strings.format("cli.report.futureMonth", ym.description,
                                                  ctx.today.yearMonth.description))
            }
            let scope = try area.map { try ByName.area($0, in: ledger.places(), strings: ctx.strings) } ?? .everything
            let report = try ledger.monthlyReport(month: ym, scope: scope, now: ctx.now)
            switch format {
            case .json:
                let json = try MonthlyJSON(report, ledger: ledger, today: ctx.today)
                try OutputFile.write(JSONOutput.data(json), to: out, replace: force, strings: ctx.strings)
            case .table:
                let text = try MonthlyText.render(report, ledger: ledger, strings: ctx.strings, today: ctx.today) + "\n"
                try OutputFile.write(Data(text.utf8), to: out, replace: force, strings: ctx.strings)
            case .csv:
                let data = try ReportFiles.monthly(report, format: .csv, ledger: ledger, strings: ctx.strings,
                                                   today: ctx.today, encoding: encoding)
                try OutputFile.write(data, to: out, replace: force, strings: ctx.strings)
            case .xlsx:
                let data = try ReportFiles.monthly(report, format: .xlsx, ledger: ledger, strings: ctx.strings,
                                                   today: ctx.today)
                try OutputFile.write(data, to: out ?? "monthly-\(ym).xlsx", replace: force, strings: ctx.strings)
            }
        }
    }
}

/// The monthly report as text tables.
enum MonthlyText {
    static func percent(_ rate: Double) -> String { Percent.text(rate) }

    /// The rate, or "—" when nobody was owed a visit (`shownRate`).
    static func percent(_ figures: some RateFigures) -> String { figures.shownRate.map(percent) ?? "—" }

    static func render(_ r: MonthlyReport, ledger: Ledger, strings s: Strings, today: LocalDate) throws -> String {
        let places = Dictionary(try ledger.places().map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var out: [String] = []
        out.append(s.format("cli.report.title", r.month.description))
        out.append(s.format("cli.report.total", String(r.total.visited), String(r.total.denominator), percent(r.total)))
        if r.month == today.yearMonth { out.append(s.format("cli.report.inProgress", today.description)) }
        out.append("")
        out.append(s["cli.report.byVillage"])
        let villageRows = r.villages.map { v -> [String] in
            let village = places[v.villageID]
            let township = village?.parentID.flatMap { places[$0]?.name } ?? ""
            return [township, village?.name ?? "?", String(v.visited), String(v.denominator), percent(v), bar(v)]
        }
        out.append(TextTable.render(header: ["cli.report.township", "cli.report.village", "cli.report.visited",
                                             "cli.report.denominator", "cli.report.rate", ""].map { $0.isEmpty ? "" : s[$0] },
                                    rows: villageRows))
        out.append("")
        out.append(s["cli.report.byCategory"])
        out.append(TextTable.render(
            header: ["cli.report.category", "cli.report.visited", "cli.report.denominator", "cli.report.rate"].map { s[$0] },
            rows: r.byCategory.map { [s["category.\($0.category)"], String($0.visited), String($0.denominator), percent($0)] }))
        out.append("")
        out.append(s["cli.report.byMethod"])
        out.append(TextTable.render(
            header: ["cli.report.method", "cli.report.visits", "cli.report.elders"].map { s[$0] },
            rows: r.byMethod.map { [s["method.\($0.method.rawValue)"], String($0.visits), String($0.elders)] }))
        out.append("")
        let f = r.followUps
        out.append(s.format("cli.report.followUps", String(f.opened), String(f.closed), String(f.openPastDue),
                            f.medianHoursToClose.map { s.duration(hours: $0) } ?? "—",
                            String(f.cancelled)))
        out.append(s.format("cli.report.notVisited", String(r.notVisited.count)))
        // Who they are, for the visits still to make (the count alone sent supervisors to the workbook).
        let missing = try MonthlyFiles.notVisited(r, ledger: ledger, today: today)
        if !missing.isEmpty {
            let rows: [[String]] = missing.map { m in [m.name, m.village, m.visitor, m.lastVisit?.description ?? "—"] }
            out.append(TextTable.render(header: MonthlyFiles.notVisitedHeader.map { s[$0] }, rows: rows))
        }
        return out.joined(separator: "\n")
    }

    /// Rounded down as the percentages are: full only at 100% (98.6% filled it), empty for 0 of 0.
    static func bar(_ figures: some RateFigures) -> String {
        let n = figures.shownRate.map { min(20, max(0, Int($0 * 20))) } ?? 0
        return String(repeating: "█", count: n) + String(repeating: "░", count: 20 - n)
    }
}

/// The monthly report as JSON, each village and elder named as well as identified: ids alone
/// cannot be read without the ledger.
struct MonthlyJSON: Encodable {
    /// A rate; none when nobody was owed a visit (0 of 0), as the screens and files show "—".
    struct Rate: Encodable {
        let visited: Int
        let denominator: Int
        let rate: Double?
        init(_ figures: some RateFigures) {
            visited = figures.visited
            denominator = figures.denominator
            rate = figures.shownRate
        }
    }

    struct Village: Encodable {
        let villageID: UUID
        let village: String
        let township: String
        let visited: Int
        let denominator: Int
        let rate: Double?
    }

    struct CategoryRow: Encodable {
        let category: String
        let visited: Int
        let denominator: Int
        let rate: Double?
    }

    struct Elder: Encodable {
        let elderID: UUID
        let name: String
        let village: String
    }

    let month: YearMonth
    /// Whether the month was still running on the day of the report.
    let inProgress: Bool
    let total: Rate
    let villages: [Village]
    let byCategory: [CategoryRow]
    let byMethod: [MethodCount]
    let notVisited: [Elder]
    let followUps: FollowUpStats

    init(_ r: MonthlyReport, ledger: Ledger, today: LocalDate) throws {
        let places = Dictionary(try ledger.places().map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        month = r.month
        inProgress = r.month == today.yearMonth
        total = Rate(r.total)
        villages = r.villages.map { v in
            let place = places[v.villageID]
            return Village(villageID: v.villageID, village: place?.name ?? "", township: place?.parentID.flatMap { places[$0]?.name } ?? "",
                           visited: v.visited, denominator: v.denominator, rate: v.shownRate)
        }
        byCategory = r.byCategory.map {
            CategoryRow(category: $0.category, visited: $0.visited, denominator: $0.denominator,
                        rate: $0.shownRate)
        }
        byMethod = r.byMethod
        let missing = Set(r.notVisited)
        let rows = try ledger.roster(RosterQuery(status: nil, limit: Int.max, today: today)).rows.filter { missing.contains($0.elder.id) }
        let byID = Dictionary(rows.map { ($0.elder.id, $0) }, uniquingKeysWith: { a, _ in a })
        notVisited = r.notVisited.map { id in
            Elder(elderID: id, name: byID[id]?.elder.name ?? "", village: byID[id]?.villageName ?? "")
        }
        followUps = r.followUps
    }
}
