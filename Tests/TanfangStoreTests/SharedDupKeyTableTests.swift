import Foundation
import Testing
import GRDB
import TanfangCore
@testable import TanfangStore

/// The `sharedDupKey` table (migration "v6-shared-dup-keys") holds the duplicate keys two or more
/// elders share, kept by triggers on `elder`. Whatever writes an elder, it must hold what grouping
/// the elders from scratch gives, and the red-flag list must find its duplicates through it.
@Suite("The sharedDupKey table follows every write")
struct SharedDupKeyTableTests {
    static let today = SupervisionEquivalenceTests.today

    static func keys(_ ledger: Ledger) throws -> [String] {
        try ledger.read { db in try String.fetchAll(db, sql: "SELECT dupKey FROM sharedDupKey ORDER BY dupKey") }
    }

    static func grouped(_ ledger: Ledger) throws -> [String] {
        try ledger.read { db in
            try String.fetchAll(db, sql: """
                SELECT dupKey FROM elder WHERE dupKey IS NOT NULL GROUP BY dupKey HAVING count(*) > 1 ORDER BY dupKey
                """)
        }
    }

    /// Sets an elder's ID number and duplicate key in one UPDATE, as merging another ledger's row does.
    static func give(_ number: String?, to id: UUID, _ ledger: Ledger) throws {
        let number = try #require(number)
        try ledger.write { db in
            try db.execute(sql: "UPDATE elder SET idNumber = ?, dupKey = ? WHERE id = ?",
                           arguments: [number, "i:" + IDNumber.normalize(number), id.uuidString])
        }
    }

    @Test func writesKeepTheTableAsGroupingGives() throws {
        // Given a demo ledger with its planted duplicates
        let (ledger, data) = try SupervisionEquivalenceTests.demoLedger(seed: 31, elders: 300, months: 4)
        let today = Self.today
        let planted = try Self.keys(ledger)
        #expect(!planted.isEmpty)
        #expect(planted == (try Self.grouped(ledger)))
        let active = data.elders.filter { $0.status == .active && $0.idNumber != nil }
        // When one of a duplicated pair gets another ID number (the pair is no longer one person twice)
        let pairKey = try #require(planted.first { $0.hasPrefix("i:") })
        let pair = try ledger.read { db in
            try String.fetchAll(db, sql: "SELECT id FROM elder WHERE dupKey = ? ORDER BY rowid", arguments: [pairKey])
        }
        let firstID = try #require(UUID(uuidString: pair[0]))
        let first = try #require(try ledger.elderFile(id: firstID)).elder
        let other = try #require(active.first { e in e.idNumber != nil && !pair.contains(e.id.uuidString) })
        // (saveElder refuses a number another elder holds: written as a merge would bring it)
        try Self.give(other.idNumber, to: first.id, ledger)
        // Then it is a duplicate of that other elder instead: the table is what grouping gives
        let newKey = "i:" + IDNumber.normalize(try #require(other.idNumber))
        #expect(try Self.keys(ledger) == (try Self.grouped(ledger)))
        #expect(try Self.keys(ledger).contains(newKey))
        #expect(try Self.keys(ledger) != planted)
        // When that other elder dies, the key stays shared (a record of a death beside a living
        // record of the same number is still one person twice)
        try ledger.changeStatus(elderID: other.id, to: .deceased, on: today.adding(days: -1), note: nil, by: nil,
                                today: today)
        #expect(try Self.keys(ledger).contains(newKey))
        // When the first gets its own number back, the key is no longer shared
        try Self.give(first.idNumber, to: first.id, ledger)
        #expect(!(try Self.keys(ledger)).contains(newKey))
        #expect(try Self.keys(ledger) == (try Self.grouped(ledger)))
        // When a third elder is given the same ID number, it is shared again
        let thirdID = try #require(active.last { !pair.contains($0.id.uuidString) && $0.id != other.id }).id
        let third = try #require(try ledger.elderFile(id: thirdID)).elder
        try Self.give(other.idNumber, to: third.id, ledger)
        #expect(try Self.keys(ledger).contains(newKey))
        // And deleting that elder (whatever path deletes) drops it
        try ledger.write { db in
            for table in ["followUp", "visit"] {
                try db.execute(sql: "DELETE FROM \(table) WHERE elderId = ?", arguments: [third.id.uuidString])
            }
            try db.execute(sql: "DELETE FROM elder WHERE id = ?", arguments: [third.id.uuidString])
        }
        #expect(!(try Self.keys(ledger)).contains(newKey))
        #expect(try Self.keys(ledger) == (try Self.grouped(ledger)))
    }

    @Test func theListFindsDuplicatesThroughTheTable() throws {
        // Given a demo ledger whose list has duplicate flags
        let (ledger, _) = try SupervisionEquivalenceTests.demoLedger(seed: 8, elders: 250, months: 3)
        let now = LocalDateTime(date: Self.today, hour: 10, minute: 0)!
        let duplicates = try ledger.redFlags(today: Self.today, now: now).filter { $0.kind == .duplicatePerson }
        #expect(!duplicates.isEmpty)
        // When the table is emptied behind the triggers' back
        try ledger.write { db in try db.execute(sql: "DELETE FROM sharedDupKey") }
        // Then the list no longer finds them, while the reference still does
        #expect(try ledger.redFlags(today: Self.today, now: now).filter { $0.kind == .duplicatePerson }.isEmpty)
        #expect(try ledger.redFlagsReference(today: Self.today, now: now).filter { $0.kind == .duplicatePerson } == duplicates)
    }

    @Test func theMigrationFillsAnExistingLedger() throws {
        // Given a ledger file written before migration v6-shared-dup-keys / When it is opened
        let upgraded = try UpgradedLedger(seed: 19, today: Self.today, undo: """
            DROP TRIGGER sharedDupKey_elder_insert; DROP TRIGGER sharedDupKey_elder_update;
            DROP TRIGGER sharedDupKey_elder_delete; DROP TABLE sharedDupKey;
            DELETE FROM grdb_migrations WHERE identifier = 'v6-shared-dup-keys';
            """, read: { ledger in try Self.keys(ledger).map { Row(["dupKey": $0]) } })
        defer { upgraded.remove() }
        // Then the table holds what the writes left, and the list equals the reference
        #expect(!upgraded.before.isEmpty)
        #expect(try Self.keys(upgraded.ledger).map { Row(["dupKey": $0]) } == upgraded.before)
        let now = LocalDateTime(date: Self.today, hour: 9, minute: 30)!
        #expect(try upgraded.ledger.redFlags(today: Self.today, now: now)
                == upgraded.ledger.redFlagsReference(today: Self.today, now: now))
    }

    @Test func theMigrationGivesTheRecordsOfTheDeceasedTheirKeys() throws {
        // Given a ledger written before the deceased had duplicate keys
        let read: (Ledger) throws -> [Row] = { ledger in
            try ledger.read { db in try Row.fetchAll(db, sql: "SELECT id, dupKey FROM elder WHERE status = 'deceased' ORDER BY id") }
        }
        let upgraded = try UpgradedLedger(seed: 31, today: Self.today, undo: """
            UPDATE elder SET dupKey = NULL WHERE status = 'deceased';
            DELETE FROM grdb_migrations WHERE identifier = 'v16-deceased-dup-keys';
            """, read: read)
        defer { upgraded.remove() }
        // When it is opened / Then their keys are what writing them now gives, and the shared keys follow
        let after = try read(upgraded.ledger)
        #expect(!after.isEmpty && after.allSatisfy { ($0["dupKey"] as String?) != nil })
        #expect(after == upgraded.before)
        #expect(try Self.keys(upgraded.ledger) == (try Self.grouped(upgraded.ledger)))
    }
}
