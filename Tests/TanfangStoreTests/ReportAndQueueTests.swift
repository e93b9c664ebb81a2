import Foundation
import Testing
import GRDB
import TanfangCore
@testable import TanfangStore

/// The monthly report (covering index `elder_month`, open follow-ups counted on `followUp_open`)
/// and the follow-up queue (columns read by index) give what their reference paths give, and
/// migration "v3-tally" upgrades a ledger written before it.
@Suite("Monthly report and follow-up queue equal their reference paths")
struct ReportAndQueueTests {
    static let today = SupervisionEquivalenceTests.today

    static func queries(_ ledger: Ledger) throws -> [FollowUpQuery] {
        let scopes = try SupervisionEquivalenceTests.scopes(ledger)
        var queries: [FollowUpQuery] = []
        for scope in scopes {
            queries.append(FollowUpQuery(scope: scope))
            queries.append(FollowUpQuery(scope: scope, includeClosed: true))
        }
        let village = try ledger.places().first { $0.level == .village }
        let owner = try ledger.visitors().first
        queries += FollowUpType.allCases.map { FollowUpQuery(type: $0, includeClosed: true) }
        queries.append(FollowUpQuery(ownerID: owner?.id))
        queries.append(FollowUpQuery(villageID: village?.id, includeClosed: true))
        return queries
    }

    static func expectSame(_ ledger: Ledger, months: [YearMonth], sourceLocation: SourceLocation = #_sourceLocation) throws {
        for month in months {
            for scope in try SupervisionEquivalenceTests.scopes(ledger) {
                // Also judged at a moment of today (the current month's overdue follow-ups then differ)
                for now in [nil, LocalDateTime(date: today, hour: 12, minute: 30)] {
                    let fast = try ledger.monthlyReport(month: month, scope: scope, now: now)
                    let reference = try ledger.monthlyReportReference(month: month, scope: scope, now: now)
                    #expect(fast == reference, "report \(month) \(String(describing: now))", sourceLocation: sourceLocation)
                }
            }
        }
        for hour in [0, 12] {
            let now = LocalDateTime(date: today, hour: hour, minute: 30)!
            for q in try queries(ledger) {
                #expect(try ledger.followUps(q, now: now) == ledger.followUpsReference(q, now: now),
                        "queue \(q)", sourceLocation: sourceLocation)
            }
        }
    }

    static var months: [YearMonth] {
        [-30, -11, -3, -1, 0, 2].map { today.yearMonth.adding(months: $0) }
    }

    @Test(arguments: [(UInt64(4), 300, 14), (19, 180, 30)])
    func demoLedgers(seed: UInt64, elders: Int, months: Int) throws {
        // Given demo ledgers (status changes, visits while in hospital, open and closed follow-ups)
        let (ledger, _) = try SupervisionEquivalenceTests.demoLedger(seed: seed, elders: elders, months: months)
        let report = try ledger.monthlyReport(month: Self.today.yearMonth.adding(months: -1))
        #expect(report.total.denominator > 0 && !report.notVisited.isEmpty && report.followUps.closed > 0)
        #expect(try ledger.followUps(FollowUpQuery(includeClosed: true), now: LocalDateTime(date: Self.today, hour: 9, minute: 0)!)
            .contains { $0.followUp.closing != nil })
        // Then over months, scopes and queue filters both paths agree
        try Self.expectSame(ledger, months: Self.months)
    }

    @Test func afterWritesInPastMonths() throws {
        // Given a demo ledger
        let (ledger, data) = try SupervisionEquivalenceTests.demoLedger(seed: 23, elders: 160, months: 8)
        let month = Self.today.yearMonth.adding(months: -2)
        let active = data.elders.filter { $0.status == .active }
        // When a paper sheet of two months ago is typed late, an elder moves village, another leaves
        // mid-month, and follow-ups are closed or cancelled
        var visit = try #require(data.visits.last { $0.elderID == active[0].id })
        visit.id = UUID()
        visit.at = LocalDateTime(date: month.firstDay.adding(days: 12), hour: 10, minute: 0)!
        _ = try ledger.saveVisit(visit, by: nil, today: Self.today)
        var moved = active[1]
        moved.villageID = try #require(try ledger.places().last { $0.level == .village }).id
        try ledger.saveElder(moved, by: nil, today: Self.today)
        try ledger.changeStatus(elderID: active[2].id, to: .movedAway, on: month.firstDay.adding(days: 9), note: nil,
                                by: nil, today: Self.today)
        let open = try ledger.followUps(FollowUpQuery(), now: LocalDateTime(date: Self.today, hour: 12, minute: 0)!)
        for (i, row) in open.prefix(6).enumerated() {
            try ledger.closeFollowUp(id: row.followUp.id,
                                     closing: ClosingRecord(action: "已处理", at: LocalDateTime(date: month.lastDay, hour: 20, minute: 0)!
                                                            .max(row.followUp.openedAt), by: "测试"),
                                     status: i % 2 == 0 ? .done : .cancelled, by: nil, today: Self.today)
        }
        // Then both paths still agree
        try Self.expectSame(ledger, months: [month, month.adding(months: 1), Self.today.yearMonth])
    }

    @Test("Migration v3-tally upgrades a ledger written before it")
    func upgradesV2() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tanfang-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("ledger.sqlite").path
        // Given a ledger without the v3 indexes
        let data = DemoGenerator(seed: 8).generate(elders: 60, months: 3, today: Self.today)
        var told: [[String]] = []
        let old = try Ledger(path: path, rules: Fixture.rules, onUpgrade: { told.append($0) })
        #expect(told.isEmpty)  // a new file is created, not upgraded
        try old.importDemo(data, today: Self.today)
        try old.write { db in
            try db.execute(sql: """
                DROP INDEX elder_month; DROP INDEX followUp_open; DROP INDEX elder_name;
                DELETE FROM grdb_migrations WHERE identifier = 'v3-tally';
                """)
        }
        // When it is opened again / Then the caller is told before the upgrade runs
        let upgraded = try Ledger(path: path, rules: Fixture.rules, onUpgrade: { told.append($0) })
        #expect(told == [["v3-tally"]])
        _ = try Ledger(path: path, rules: Fixture.rules, onUpgrade: { told.append($0) })
        #expect(told.count == 1)  // and not again
        // Then the indexes are back and the report and queue read through them as the reference does
        let names = try upgraded.read { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' ORDER BY name")
        }
        #expect(Set(["elder_month", "followUp_open", "elder_name"]).isSubset(of: Set(names)))
        try Self.expectSame(upgraded, months: [Self.today.yearMonth.adding(months: -1)])
    }
}

private extension LocalDateTime {
    func max(_ other: LocalDateTime) -> LocalDateTime { self < other ? other : self }
}
