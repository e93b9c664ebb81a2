import Foundation
import Testing
import GRDB
import TanfangCore
@testable import TanfangStore

/// The `elderFlag` table (migration "v5-elder-flags") holds the visit and risk flags each active
/// elder can raise, kept by triggers on `elder`. These tests check that whatever writes an elder,
/// the table holds what a refill from scratch gives, and that the list really reads it.
@Suite("The elderFlag table follows every write")
struct ElderFlagTableTests {
    static let today = SupervisionEquivalenceTests.today

    static func rows(_ ledger: Ledger) throws -> [Row] {
        try ledger.read { db in try Row.fetchAll(db, sql: "SELECT * FROM elderFlag ORDER BY elderId, kind") }
    }

    @Test func writesKeepTheTableAsARefillFillsIt() throws {
        // Given a demo ledger
        let (ledger, data) = try SupervisionEquivalenceTests.demoLedger(seed: 23, elders: 250, months: 6)
        let today = Self.today
        let kinds = Set(try Self.rows(ledger).map { $0["kind"] as String })
        #expect(kinds == Set(ElderFlagTable.kinds.map(\.rawValue)))
        var elders = data.elders.filter { e in
            guard e.status == .active, let raw = e.idNumber else { return false }
            if case .success = IDNumber.parse(raw, today: today) { return true }
            return false
        }
        // When one dies, one goes to hospital and comes back, one is hospitalized from a day ahead
        let a = elders.removeFirst(), b = elders.removeFirst(), c = elders.removeFirst()
        try ledger.changeStatus(elderID: a.id, to: .deceased, on: today.adding(days: -1), note: nil, by: nil, today: today)
        try ledger.changeStatus(elderID: b.id, to: .hospitalized, on: today.adding(days: -9), note: nil, by: nil, today: today)
        try ledger.changeStatus(elderID: b.id, to: .active, on: today.adding(days: -2), note: nil, by: nil, today: today)
        try ledger.changeStatus(elderID: c.id, to: .hospitalized, on: today.adding(days: 4), note: nil, by: nil, today: today)
        // And one is renamed, recorded as disabled and moved to another village
        var edited = try #require(try ledger.elderFile(id: elders.removeFirst().id)).elder
        edited.name = "改名测试"
        edited.categories.insert(.disabled)
        let villages = Set(data.elders.map(\.villageID)).sorted { $0.uuidString < $1.uuidString }
        edited.villageID = try #require(villages.first { $0 != edited.villageID })
        _ = try ledger.saveElder(edited, by: nil, today: today)
        // And the summaries are refreshed on later days
        try ledger.refreshSummaries(today: today.adding(days: 3))
        // Then the triggers left what a refill gives
        let kept = try Self.rows(ledger)
        try ledger.write { db in try ElderFlagTable.refill(db) }
        #expect(kept == (try Self.rows(ledger)))
        #expect(!kept.contains { ($0["elderId"] as String) == a.id.uuidString })
        #expect(kept.contains { ($0["elderName"] as String) == "改名测试" })
        // And the list equals the reference on several days, hours and scopes
        try SupervisionEquivalenceTests.expectSame(ledger, days: [today.adding(days: 3), today.adding(days: 5),
                                                                  today.adding(days: 60)], months: [])
    }

    @Test func theListReadsItsVisitFlagsFromTheTable() throws {
        // Given a demo ledger with overdue visits
        let (ledger, _) = try SupervisionEquivalenceTests.demoLedger(seed: 6, elders: 200, months: 4)
        let now = LocalDateTime(date: Self.today, hour: 12, minute: 0)!
        let overdue = try ledger.redFlags(today: Self.today, now: now).filter { $0.kind == .overdueVisit }
        #expect(overdue.count > 5)
        // When the table's overdue-visit rows are removed behind the triggers' back
        try ledger.write { db in try db.execute(sql: "DELETE FROM elderFlag WHERE kind = 'overdueVisit'") }
        // Then the list no longer has them (it does not recompute them), while the reference does
        let after = try ledger.redFlags(today: Self.today, now: now)
        #expect(after.filter { $0.kind == .overdueVisit }.isEmpty)
        #expect(try ledger.redFlagsReference(today: Self.today, now: now).filter { $0.kind == .overdueVisit } == overdue)
    }

    @Test func theMigrationBackfillsAnExistingLedger() throws {
        // Given a ledger file written before migration v5-elder-flags / When it is opened
        let upgraded = try UpgradedLedger(seed: 12, today: Self.today, undo: """
            DROP TRIGGER elderFlag_elder_insert; DROP TRIGGER elderFlag_elder_update; DROP TRIGGER elderFlag_elder_delete;
            DROP TABLE elderFlag; DROP INDEX elder_on_idValidFrom;
            DELETE FROM grdb_migrations WHERE identifier = 'v5-elder-flags';
            """, read: Self.rows)
        defer { upgraded.remove() }
        let (expected, ledger) = (upgraded.before, upgraded.ledger)
        #expect(!expected.isEmpty)
        // Then the table is filled as the writes filled it, and the list equals the reference
        #expect(try Self.rows(ledger) == expected)
        let now = LocalDateTime(date: Self.today, hour: 9, minute: 30)!
        #expect(try ledger.redFlags(today: Self.today, now: now) == ledger.redFlagsReference(today: Self.today, now: now))
    }
}
