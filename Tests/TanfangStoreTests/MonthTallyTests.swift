import Foundation
import Testing
import GRDB
import TanfangCore
@testable import TanfangStore

/// The monthly tally (migration v4-supervision) is kept by the write paths: after any of them it
/// holds what counting again from the facts gives, it is not left stale, and the report read
/// from it equals the reference (`MonthlyStatistics.compute` over every elder).
@Suite("Monthly tally kept at write time")
struct MonthTallyTests {
    static let today = SupervisionEquivalenceTests.today

    static func elder(_ ledger: Ledger, _ id: UUID) throws -> Elder? {
        try ledger.read { db in try ElderRecord.fetchOne(db, key: id.uuidString)?.elder() }
    }

    /// The tally's non-zero rows and the not-visited rows, in key order.
    static func snapshot(_ ledger: Ledger) throws -> [[String]] {
        try ledger.read { db in
            let sums = MonthTally.columns.joined(separator: " + ")
            let tally = try Row.fetchAll(db, sql: """
                SELECT * FROM monthTally WHERE \(sums) != 0 ORDER BY month, villageId
                """).map { row in Array(row.databaseValues.map(\.description)) }
            let missed = try Row.fetchAll(db, sql: "SELECT * FROM monthMissed ORDER BY month, elderOrder")
                .map { row in Array(row.databaseValues.map(\.description)) }
            return tally + [["--"]] + missed
        }
    }

    /// The tally is whole (not stale), equals a rebuild from the facts, and every covered month's
    /// report equals the reference in every scope.
    static func expectKept(_ ledger: Ledger, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let state = try ledger.read { db in try MonthTally.state(db) }
        #expect(!state.stale, "tally left stale", sourceLocation: sourceLocation)
        let kept = try snapshot(ledger)
        try ledger.write { db in try MonthTally.rebuild(db) }
        let rebuilt = try snapshot(ledger)
        #expect(kept == rebuilt, "tally differs from a rebuild", sourceLocation: sourceLocation)
        let scopes = try SupervisionEquivalenceTests.scopes(ledger)
        for month in state.months.suffix(4) + [state.months.first].compactMap({ $0 }) {
            for scope in scopes {
                let fast = try ledger.monthlyReport(month: month, scope: scope)
                let reference = try ledger.monthlyReportReference(month: month, scope: scope)
                #expect(fast == reference, "report \(month)", sourceLocation: sourceLocation)
            }
        }
    }

    @Test(arguments: [(UInt64(4), 200, 5), (19, 300, 13)])
    func aDemoLoadFillsTheTally(seed: UInt64, elders: Int, months: Int) throws {
        let (ledger, _) = try SupervisionEquivalenceTests.demoLedger(seed: seed, elders: elders, months: months)
        let state = try ledger.read { db in try MonthTally.state(db) }
        #expect(state.to == Self.today.yearMonth)
        #expect(state.months.count >= months)
        try Self.expectKept(ledger)
    }

    @Test(arguments: [UInt64(8), 23])
    func randomWritesKeepTheTally(seed: UInt64) throws {
        // Given a demo ledger
        let (ledger, data) = try SupervisionEquivalenceTests.demoLedger(seed: seed, elders: 160, months: 6)
        let today = Self.today
        var random = SplitMix64(seed: seed)
        func pick<T>(_ items: [T]) -> T { items[Int(random.next() % UInt64(items.count))] }
        let villages = Array(Set(data.elders.map(\.villageID)))
        // When clerks save late visits in past months, edit visits into other months and methods,
        // change statuses, move elders between villages, change categories and birth dates, and
        // add elders
        var written = 0
        func attempt(_ body: () throws -> Void) { if (try? body()) != nil { written += 1 } }
        for step in 0..<40 {
            switch step % 5 {
            case 0:
                let elder = pick(data.elders)
                var visit = pick(data.visits)
                visit.id = UUID()
                visit.elderID = elder.id
                let back = Int(random.next() % 150)
                visit.at = LocalDateTime(date: today.adding(days: -back), hour: 9, minute: 30)!
                visit.method = pick(VisitMethod.allCases)
                // Some home visits find nobody: kept, but counted nowhere.
                visit.seenInPerson = visit.method == .home && random.next() % 2 == 0
                attempt { _ = try ledger.saveVisit(visit, by: nil, today: today) }
            case 1:
                var visit = pick(data.visits)
                let back = Int(random.next() % 120)
                visit.at = LocalDateTime(date: today.adding(days: -back), hour: 23, minute: 30)!
                visit.method = pick(VisitMethod.allCases)
                attempt { _ = try ledger.saveVisit(visit, by: nil, today: today) }
            case 2:
                let elder = pick(data.elders)
                let last = try Self.elder(ledger, elder.id)?.statusHistory.last?.date ?? today
                let day = min(today, max(last, today.adding(days: -Int(random.next() % 90))))
                attempt {
                    _ = try ledger.changeStatus(elderID: elder.id, to: pick([.hospitalized, .active, .movedAway, .active]),
                                                on: day, note: nil, by: nil, today: today)
                }
            case 3:
                guard var elder = try Self.elder(ledger, pick(data.elders).id) else { continue }
                elder.villageID = pick(villages)
                elder.categories = Set(Category.allCases.filter { _ in random.next() % 3 == 0 })
                if random.next() % 2 == 0 { elder.birthDate = LocalDate(year: 1946, month: 10, day: 31) }
                attempt { _ = try ledger.saveElder(elder, by: nil, today: today) }
            default:
                var elder = pick(data.elders)
                elder.id = UUID()
                elder.name = "新增\(step)"
                elder.idNumber = nil
                elder.statusHistory = [StatusChange(date: today.adding(days: -Int(random.next() % 200)), status: .active)]
                attempt { _ = try ledger.saveElder(elder, by: nil, today: today) }
            }
        }
        #expect(written >= 20)
        // Then the tally equals one counted again from the facts, and the reports the reference
        try Self.expectKept(ledger)
    }

    @Test func aBulkImportOfNewEldersLeavesTheTallyKept() throws {
        // Given a demo ledger with months of visits, and a roster of more new elders than it holds
        let (ledger, _) = try SupervisionEquivalenceTests.demoLedger(seed: 4, elders: 60, months: 5)
        let villages = try ledger.places().filter { $0.level == .village }
        var seen = Set(try ledger.read { try String.fetchAll($0, sql: "SELECT idNumber FROM elder WHERE idNumber IS NOT NULL") })
        let newcomers = DemoGenerator(seed: 77).generate(elders: 150, months: 1, today: Self.today).elders
        let rows = newcomers.enumerated().compactMap { i, e -> RosterImportRow? in
            var e = e
            e.villageID = villages[i % villages.count].id
            e.gridID = nil
            e.visitorID = nil
            guard let number = (try? Ledger.checked(e, today: Self.today))?.idNumber, seen.insert(number).inserted else { return nil }
            return RosterImportRow(line: i + 2, elder: e)
        }
        #expect(rows.count > 60)
        // When they go in the bulk way (triggers suspended, indexes built afterwards)
        let outcome = try ledger.importRoster(rows, source: "卫健", file: "new.csv", by: nil, today: Self.today,
                                              dryRun: false, rebuildIndexesFrom: 0)
        #expect(outcome.added == rows.count)
        // Then the tally counts them as counting again from the facts does
        try Self.expectKept(ledger)
    }

    @Test func aWriteTheTallyDoesNotFollowMakesReportsCountFromTheFacts() throws {
        // Given a demo ledger with its tally
        let (ledger, data) = try SupervisionEquivalenceTests.demoLedger(seed: 31, elders: 120, months: 4)
        let month = Self.today.yearMonth.adding(months: -1)
        // When a visit is removed behind the ledger's back (as a bulk path might)
        let visit = try #require(data.visits.last { month.contains($0.date) })
        try ledger.write { db in
            try db.execute(sql: "DELETE FROM followUp WHERE visitId = ?", arguments: [visit.id.uuidString])
            try db.execute(sql: "DELETE FROM visit WHERE id = ?", arguments: [visit.id.uuidString])
        }
        // Then the tally is stale and not read: the report still equals the reference
        #expect(try ledger.read { db in try MonthTally.state(db) }.stale)
        #expect(try ledger.monthlyReport(month: month) == ledger.monthlyReportReference(month: month))
        // And a rebuild makes it whole again
        try ledger.write { db in try MonthTally.rebuildIfStale(db) }
        try Self.expectKept(ledger)
    }

    @Test func aHomeVisitThatFoundNobodyIsKeptButCountsNowhereAndOpensARevisit() throws {
        let today = Self.today
        var elderID: UUID?
        // Given a ledger where a home visit this month did not find an elder not visited otherwise
        let upgraded = try UpgradedLedger(seed: 6, today: today, undo: """
            DROP INDEX visit_attempt;
            DROP TABLE pendingSummary;
            DELETE FROM grdb_migrations WHERE identifier = 'v10-visit-attempts';
            UPDATE elder SET visitCount = visitCount + 1,
              lastVisitAt = (SELECT at FROM visit WHERE method = 'home' AND seenInPerson = 0)
              WHERE id = (SELECT elderId FROM visit WHERE method = 'home' AND seenInPerson = 0);
            DELETE FROM monthMissed WHERE elderId = (SELECT elderId FROM visit WHERE method = 'home' AND seenInPerson = 0);
            """) { ledger in
            let id = try #require(try ledger.monthlyReport(month: today.yearMonth).notVisited.first)
            elderID = id
            let before = try #require(try ledger.elderFile(id: id))
            let visit = Visit(elderID: id, at: LocalDateTime(date: today, hour: 9, minute: 0)!,
                              visitorIDs: [before.elder.visitorID ?? UUID()], method: .home, seenInPerson: false)
            let created = try ledger.saveVisit(visit, by: nil, today: today)
            // Then it is in the history, but the summary and the month's report are as before
            let after = try #require(try ledger.elderFile(id: id))
            #expect(after.visits.first?.id == visit.id)
            #expect(after.summary.lastVisit == before.summary.lastVisit && after.summary.nextDue == before.summary.nextDue)
            #expect(after.summary.visitCount == before.summary.visitCount)
            #expect(try ledger.monthlyReport(month: today.yearMonth).notVisited.contains(id))
            try Self.expectKept(ledger)
            // And a revisit is opened for the responsible visitor
            #expect(created.map(\.type) == [.revisit])
            #expect(created.first?.detail.hasPrefix("上门未见到本人") == true)
            return []
        }
        defer { upgraded.remove() }
        // When the ledger written by a version that counted it is opened (migration v10)
        let id = try #require(elderID)
        let ledger = upgraded.ledger
        // Then the elder's summary is the one the history gives without the attempt, and the month counts them missed
        let stored = try IncrementalSummaryTests.row(ledger, id)
        try ledger.write { db in
            var record = try #require(try ElderRecord.fetchOne(db, key: id.uuidString))
            let day = try StoreCoding.date(record.computedOn as String, column: "elder.computedOn")
            try ledger.refreshSummary(db, record: &record, elder: try record.elder(), today: day)
        }
        #expect(stored == (try IncrementalSummaryTests.row(ledger, id)))
        #expect(try ledger.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM pendingSummary") } == 0)
        #expect(try ledger.monthlyReport(month: today.yearMonth).notVisited.contains(id))
        try Self.expectKept(ledger)
    }

    @Test func theMigrationBackfillsAnExistingLedger() throws {
        // Given a ledger file at schema v3 holding visits
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tally-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
                let (source, _) = try SupervisionEquivalenceTests.demoLedger(seed: 13, elders: 100, months: 3)
        let expected = try Self.snapshot(source)
        let copy = dir.appendingPathComponent("copy.sqlite").path
        let old = try DatabaseQueue(path: copy)
        try LedgerMigrations.migrator.migrate(old, upTo: "v3-redflags")
        try source.read { db in
            for table in ["place", "visitor", "elder", "visit", "followUp"] {
                let rows = try Row.fetchAll(db, sql: "SELECT * FROM \(table) ORDER BY rowid")
                try old.write { o in
                    try o.execute(sql: "PRAGMA foreign_keys = OFF")
                    // Only the columns the old schema has (later migrations added some).
                    let known = Set(try o.columns(in: table).map(\.name))
                    for row in rows {
                        let kept = zip(row.columnNames, row.databaseValues).filter { known.contains($0.0) }
                        let names = kept.map { "\"\($0.0)\"" }.joined(separator: ", ")
                        let marks = Array(repeating: "?", count: kept.count).joined(separator: ", ")
                        try o.execute(sql: "INSERT INTO \(table) (\(names)) VALUES (\(marks))",
                                      arguments: StatementArguments(kept.map(\.1)))
                    }
                }
            }
        }
        try old.close()
        // When it is opened (migration v4-supervision runs)
        let upgraded = try Ledger(path: copy, rules: Fixture.rules)
        // Then its tally is the one the demo load filled
        #expect(try Self.snapshot(upgraded) == expected)
        try Self.expectKept(upgraded)
    }
}
