import Foundation
import Testing
import GRDB
import TanfangCore
@testable import TanfangStore

/// The `redFlag` table (migration "v3-redflags") holds one row per open follow-up of an elder who
/// is not deceased, kept by triggers. These tests check that whatever writes it goes through, it
/// holds what a refill from scratch gives, and that the list read from it equals the reference.
@Suite("The redFlag table follows every write")
struct RedFlagTableTests {
    static let today = SupervisionEquivalenceTests.today

    static func rows(_ ledger: Ledger) throws -> [Row] {
        try ledger.read { db in try Row.fetchAll(db, sql: "SELECT * FROM redFlag ORDER BY followUpId") }
    }

    /// The rows the triggers left, then the rows a refill gives.
    static func keptAndRefilled(_ ledger: Ledger) throws -> ([Row], [Row]) {
        let kept = try rows(ledger)
        try ledger.write { db in try RedFlagTable.refill(db) }
        return (kept, try rows(ledger))
    }

    @Test func writesKeepTheTableAsARefillFillsIt() throws {
        // Given a demo ledger
        let (ledger, data) = try SupervisionEquivalenceTests.demoLedger(seed: 21, elders: 250, months: 6)
        let today = Self.today
        let now = LocalDateTime(date: today, hour: 12, minute: 0)!
        #expect(try Self.rows(ledger).count > 10)
        let open = try ledger.followUps(FollowUpQuery(), now: now).map(\.followUp)
        var elders = data.elders.filter { e in e.status == .active && open.contains { $0.elderID == e.id } }
        let villages = Set(data.elders.map(\.villageID)).sorted { $0.uuidString < $1.uuidString }
        // When an elder with open follow-ups dies, another dies and is corrected back to active
        // (the one edited must pass saveElder's ID check: demo data plants bad numbers)
        let c = try #require(elders.first { e in
            guard let raw = e.idNumber else { return true }
            if case .success = IDNumber.parse(raw, today: today) { return true }
            return false
        })
        elders.removeAll { $0.id == c.id }
        let a = elders.removeFirst(), b = elders.removeFirst()
        try ledger.changeStatus(elderID: a.id, to: .deceased, on: today.adding(days: -1), note: nil, by: nil, today: today)
        try ledger.changeStatus(elderID: b.id, to: .deceased, on: today.adding(days: -3), note: nil, by: nil, today: today)
        try ledger.changeStatus(elderID: b.id, to: .active, on: today.adding(days: -2), note: nil, by: nil, today: today)
        // And one is renamed, moved to another village and given no visitor
        var moved = try #require(try ledger.elderFile(id: c.id)).elder
        moved.name = "改名测试"
        let from = moved.villageID
        moved.villageID = try #require(villages.first { $0 != from })
        moved.visitorID = nil
        _ = try ledger.saveElder(moved, by: nil, today: today)
        // And follow-ups are closed, put back a month, or turned into an emergency
        for f in open.filter({ ![a.id, b.id, c.id].contains($0.elderID) }).prefix(3) {
            try ledger.closeFollowUp(id: f.id, closing: ClosingRecord(action: "已处理", at: now, by: "测试"),
                                     by: nil, today: today)
        }
        for (i, f) in open.filter({ ![a.id, b.id, c.id].contains($0.elderID) }).dropFirst(3).prefix(4).enumerated() {
            var changed = f
            if i % 2 == 0 {
                changed.due = LocalDateTime(date: f.due.date.adding(days: -30), hour: f.due.hour, minute: f.due.minute)!
            } else {
                changed.type = .emergency
            }
            // (handed over, or left without an owner: the row's owner follows)
            if i % 3 == 0 { changed.ownerID = nil }
            try ledger.updateFollowUp(changed, by: nil, today: today)
        }
        // Then the triggers left what a refill gives
        let (kept, refilled) = try Self.keptAndRefilled(ledger)
        #expect(kept == refilled)
        #expect(!kept.contains { ($0["elderId"] as String) == a.id.uuidString })
        #expect(kept.contains { ($0["elderId"] as String) == b.id.uuidString })
        #expect(kept.contains { ($0["elderName"] as String) == "改名测试" })
        // And the list equals the reference on several days, hours and scopes
        try SupervisionEquivalenceTests.expectSame(ledger, days: [today, today.adding(days: 10)], months: [])
    }

    @Test func theMigrationBackfillsAnExistingLedger() throws {
        // Given a ledger file written before migration v3-redflags / When it is opened
        let triggers = ["redFlag_followUp_insert", "redFlag_followUp_update", "redFlag_followUp_delete",
                        "redFlag_elder_update", "redFlag_elder_delete"]
        let upgraded = try UpgradedLedger(seed: 8, today: Self.today, undo: triggers.map { "DROP TRIGGER \($0);" }.joined()
            + "DROP TABLE redFlag; DELETE FROM grdb_migrations WHERE identifier IN ('v3-redflags', 'v18-red-flag-owner');",
            read: Self.rows)
        defer { upgraded.remove() }
        let (expected, ledger) = (upgraded.before, upgraded.ledger)
        #expect(!expected.isEmpty)
        // Then the table is filled as the writes filled it, and the list equals the reference
        #expect(try Self.rows(ledger) == expected)
        let now = LocalDateTime(date: Self.today, hour: 9, minute: 30)!
        #expect(try ledger.redFlags(today: Self.today, now: now) == ledger.redFlagsReference(today: Self.today, now: now))
    }

    @Test func theOwnerMigrationFillsTheOwners() throws {
        // Given a ledger file written before migration v18-red-flag-owner / When it is opened
        let upgraded = try UpgradedLedger(seed: 8, today: Self.today, undo: """
            DROP TRIGGER redFlag_followUp_insert; DROP TRIGGER redFlag_followUp_update; DROP TRIGGER redFlag_elder_update;
            ALTER TABLE redFlag DROP COLUMN ownerId;
            DELETE FROM grdb_migrations WHERE identifier = 'v18-red-flag-owner';
            """, read: Self.rows)
        defer { upgraded.remove() }
        // Then every row has its follow-up's owner again, and the list equals the reference
        #expect(upgraded.before.contains { ($0["ownerId"] as String?) != nil })
        #expect(try Self.rows(upgraded.ledger) == upgraded.before)
        let now = LocalDateTime(date: Self.today, hour: 9, minute: 30)!
        #expect(try upgraded.ledger.redFlags(today: Self.today, now: now)
                == upgraded.ledger.redFlagsReference(today: Self.today, now: now))
    }

    @Test func theListComesWithTheNamesOfItsElders() throws {
        // Given a demo ledger
        let (ledger, _) = try SupervisionEquivalenceTests.demoLedger(seed: 4, elders: 200, months: 4)
        let now = LocalDateTime(date: Self.today, hour: 12, minute: 0)!
        for scope in try SupervisionEquivalenceTests.scopes(ledger) {
            // When the list is read with its names
            let list = try ledger.redFlagList(today: Self.today, now: now, scope: scope)
            // Then the flags are the list, and every flagged elder's name is the stored one
            #expect(list.flags == (try ledger.redFlags(today: Self.today, now: now, scope: scope)))
            let ids = Set(list.flags.compactMap(\.elderID))
            let stored = try ledger.elderNames(ids).mapValues(\.name)
            #expect(list.elderNames.filter { ids.contains($0.key) } == stored)
        }
    }
}
