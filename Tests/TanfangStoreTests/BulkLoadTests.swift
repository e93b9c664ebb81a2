import Foundation
import GRDB
import Testing
import TanfangCore
@testable import TanfangStore

/// A large import's bulk paths (the roster version bumped once per run of inserts, the rollback
/// journal instead of the WAL) against the row-by-row import they replace.
@Suite("Bulk load")
struct BulkLoadTests {
    static let today = ImportEquivalenceTests.today

    /// The demo's rows: the first `first` as a first import, then the others (new elders)
    /// interleaved with every first-import row again with a category added (merges).
    static func imports(_ rows: [RosterImportRow], first: Int) -> (first: [RosterImportRow], second: [RosterImportRow]) {
        let head = Array(rows.prefix(first))
        var second: [RosterImportRow] = []
        for (i, row) in rows.dropFirst(first).enumerated() {
            second.append(row)
            if i < head.count {
                var merged = head[i]
                merged.line += 100_000
                merged.elder.categories.insert(merged.elder.categories.contains(.destitute) ? .leftBehind : .destitute)
                second.append(merged)
            }
        }
        return (head, second)
    }

    @Test("The roster version and log after a bulk import are what the per-row triggers leave")
    func rosterBumps() throws {
        // Given two ledgers that import the same first rows, then new elders mixed with merges
        let (rowByRow, _, rows) = try ImportEquivalenceTests.demo()
        let (bulk, _, _) = try ImportEquivalenceTests.demo()
        let (first, second) = Self.imports(rows, first: 10)
        for (ledger, minimum) in [(rowByRow, Int.max), (bulk, 0)] {
            _ = try ledger.importRoster(first, source: "卫健", file: "a.csv", by: nil, today: Self.today, dryRun: false,
                                        rebuildIndexesFrom: .max)
            let outcome = try ledger.importRoster(second, source: "民政", file: "b.csv", by: nil, today: Self.today,
                                                  dryRun: false, rebuildIndexesFrom: minimum)
            #expect(outcome.added == rows.count - 10 && outcome.merged == 10)
        }
        // Then both hold the same version, reset point, log and elders, and the trigger is back
        func state(_ l: Ledger) throws -> [[Row]] {
            try l.read { db in
                [try Row.fetchAll(db, sql: "SELECT * FROM rosterVersion"),
                 try Row.fetchAll(db, sql: "SELECT * FROM rosterLog ORDER BY version"),
                 try Row.fetchAll(db, sql: "SELECT id, categoryMask, sources FROM elder ORDER BY id"),
                 try Row.fetchAll(db, sql: "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name")]
            }
        }
        let expected = try state(rowByRow)
        #expect(try state(bulk) == expected)
        #expect(expected[1].count >= 10 && expected[3].contains { ($0["name"] as String?) == RosterInsertBumps.trigger })
    }

    /// A file ledger with the demo's places and visitors.
    static func fileLedger(in dir: URL) throws -> (ledger: Ledger, path: String, rows: [RosterImportRow]) {
        let (_, data, rows) = try ImportEquivalenceTests.demo()
        let path = dir.appendingPathComponent("ledger.sqlite").path
        let ledger = try Ledger(path: path, rules: Fixture.rules)
        for p in data.places.sorted(by: { $0.level < $1.level }) { try ledger.savePlace(p) }
        for v in data.visitors { try ledger.saveVisitor(v) }
        return (ledger, path, rows)
    }

    static func journalMode(_ ledger: Ledger) throws -> String? {
        try ledger.read { try String.fetchOne($0, sql: "PRAGMA journal_mode") }
    }

    @Test("A bulk import through the rollback journal ends in WAL with the rows a WAL import writes")
    func bulkJournal() throws {
        let dir = try LedgerFileTests.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        // Given a file ledger held by this process alone
        let (ledger, _, rows) = try Self.fileLedger(in: dir)
        let (reference, _, _) = try ImportEquivalenceTests.demo()
        #expect(ledger.enterBulkJournal())
        #expect(try Self.journalMode(ledger) == "delete")
        ledger.leaveBulkJournal()
        // When a large import goes in as a bulk load
        let outcome = try ledger.importRoster(rows, source: "卫健", file: "a.csv", by: nil, today: Self.today,
                                              dryRun: false, rebuildIndexesFrom: 0, bulkLoad: true)
        _ = try reference.importRoster(rows, source: "卫健", file: "a.csv", by: nil, today: Self.today, dryRun: false,
                                       rebuildIndexesFrom: .max)
        // Then it is back in WAL mode, sound, and holds what the in-memory row-by-row import holds
        #expect(outcome.added == rows.count)
        #expect(try Self.journalMode(ledger) == "wal")
        #expect(try ledger.read { try String.fetchAll($0, sql: "PRAGMA integrity_check") } == ["ok"])
        let sql = "SELECT id, name, idNumber, categoryMask, riskLevel, dueDate, pinyinFull FROM elder ORDER BY id"
        #expect(try ledger.read { try Row.fetchAll($0, sql: sql) } == reference.read { try Row.fetchAll($0, sql: sql) })
        #expect(try ledger.read { try Row.fetchAll($0, sql: "SELECT * FROM rosterVersion") }
            == reference.read { try Row.fetchAll($0, sql: "SELECT * FROM rosterVersion") })
    }

    @Test("A bulk import that fails half-way leaves the ledger as it was, in WAL mode")
    func failedBulkImport() throws {
        let dir = try LedgerFileTests.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        // Given a file ledger with some elders, and a file whose last row names no village of the ledger
        let (ledger, _, rows) = try Self.fileLedger(in: dir)
        _ = try ledger.importRoster(Array(rows.prefix(5)), source: "卫健", file: "a.csv", by: nil, today: Self.today)
        func snapshot() throws -> [[Row]] {
            try ledger.read { db in
                try ["elder", "audit", "rosterVersion", "rosterLog", "sqlite_master"].map {
                    try Row.fetchAll(db, sql: "SELECT * FROM \($0) ORDER BY rowid")
                }
            }
        }
        let before = try snapshot()
        var bad = rows[rows.count - 1]
        bad.elder.villageID = UUID()
        // When the bulk import of the other rows and that one fails
        #expect(throws: LedgerError.self) {
            try ledger.importRoster(Array(rows.dropFirst(5).dropLast()) + [bad], source: "民政", file: "b.csv", by: nil,
                                    today: Self.today, dryRun: false, rebuildIndexesFrom: 0, bulkLoad: true)
        }
        // Then nothing changed (rows, indexes, triggers), and the ledger is in WAL mode
        #expect(try snapshot() == before)
        #expect(try Self.journalMode(ledger) == "wal")
    }

    @Test("With another connection on the file, a bulk import stays in WAL mode and still goes in")
    func sharedFileKeepsWAL() throws {
        let dir = try LedgerFileTests.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        // Given a file ledger that another connection (another process, say) has open
        let (ledger, path, rows) = try Self.fileLedger(in: dir)
        let other = try DatabaseQueue(path: path)
        _ = try other.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM elder") }
        // Then the switch is refused at once, and the import goes in through the WAL
        #expect(ledger.enterBulkJournal() == false)
        let outcome = try ledger.importRoster(rows, source: "卫健", file: "a.csv", by: nil, today: Self.today,
                                              dryRun: false, rebuildIndexesFrom: 0, bulkLoad: true)
        #expect(outcome.added == rows.count)
        #expect(try Self.journalMode(ledger) == "wal")
        #expect(try other.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM elder") } == rows.count)
        try other.close()
    }
}
