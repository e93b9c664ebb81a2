import ArgumentParser
import Foundation
import TanfangCore
import TanfangStore

struct Due: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Elders whose visit is due soon or overdue, by the frequency rules and special periods."
    )

    @OptionGroup var options: LedgerOptions

    @Option(name: .long, help: "Only elders of this responsible visitor (name).")
    var visitor: String?

    @Option(name: .long, help: "Only elders of this village (name).")
    var village: String?

    @Flag(name: .long, help: "Only overdue visits.")
    var overdue = false

    @Flag(name: .long, help: "Print JSON.")
    var json = false

    struct Line: Encodable {
        let elderID: UUID
        let name: String
        let village: String
        let visitor: String?
        let state: DueState
        let due: LocalDate
        let daysLate: Int
        let homeVisitRequired: Bool
        let lastVisit: String?
    }

    func run() throws {
        let ctx = try Context(language: options.language)
        let ledger = try ctx.openCurrentLedger(path: options.databasePath(), reading: true)
        let lines = try DueList.compute(ledger: ledger, today: ctx.today, visitorName: visitor,
                                        villageName: village, strings: ctx.strings)
            .filter { !overdue || $0.state == .overdue }
        if json { try JSONOutput.print(lines); return }
        let s = ctx.strings
        let rows = lines.map { l -> [String] in
            [l.name, l.village, l.visitor ?? "—",
             s[l.state == .dueSoon && l.due == ctx.today ? "due.state.dueToday" : "due.state.\(l.state.rawValue)"],
             l.due.description,
             l.daysLate > 0 ? String(l.daysLate) : "", l.homeVisitRequired ? s["cli.due.homeRequired"] : "",
             l.lastVisit ?? "—"]
        }
        print(TextTable.render(header: ["cli.due.name", "cli.due.village", "cli.due.visitor", "cli.due.state",
                                        "cli.due.dueDate", "cli.due.daysLate", "cli.due.home", "cli.due.lastVisit"].map { s[$0] },
                               rows: rows))
        print(s.format("cli.due.count", String(lines.count), String(lines.filter { $0.state == .overdue }.count)))
        // Why some dates come early: the special periods in force today.
        // (Those of the village asked for, when one was.)
        let scope = try village.map { AccessScope(villageIDs: [try ByName.village($0, in: ledger.places(), strings: s).id]) }
        for line in try Period.inForceLines(ledger: ledger, today: ctx.today, scope: scope ?? .everything, strings: s) {
            print(line)
        }
    }
}

/// The due list the CLI prints and the screens show: active elders due soon or overdue, earliest first.
enum DueList {
    static func compute(ledger: Ledger, today: LocalDate, visitorName: String?, villageName: String?,
                        strings: Strings) throws -> [Due.Line] {
        let places = try ledger.places()
        let visitors = try ledger.visitors()
        var query = RosterQuery(status: .active, sort: .nextDue, limit: Int.max, today: today)
        if let villageName {
            query.villageID = try ByName.village(villageName, in: places, strings: strings).id
        }
        if let visitorName {
            query.scope = AccessScope(visitorID: try ByName.visitor(visitorName, in: visitors, strings: strings).id)
        }
        let names = Dictionary(visitors.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        return try ledger.roster(query).rows.compactMap { row in
            let state = row.summary.dueState(today: today)
            guard state == .dueSoon || state == .overdue,
                  let due = [row.summary.nextDue, row.summary.homeVisitDue].compactMap({ $0 }).min() else { return nil }
            let homeRequired = row.summary.homeVisitDue.map { $0 <= (row.summary.nextDue ?? $0) } ?? false
            return Due.Line(elderID: row.elder.id, name: row.elder.name, village: row.villageName,
                            visitor: row.elder.visitorID.flatMap { names[$0] }, state: state, due: due,
                            daysLate: max(0, due.days(to: today)), homeVisitRequired: homeRequired,
                            lastVisit: row.summary.lastVisit?.date.description)
        }.sorted { ($0.due, $0.name) < ($1.due, $1.name) }
    }
}
