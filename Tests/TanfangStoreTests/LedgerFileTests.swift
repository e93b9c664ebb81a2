import Foundation
import Testing
import GRDB
import TanfangCore
@testable import TanfangStore

@Suite("Ledger file")
struct LedgerFileTests {
    static func tempDir() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tanfang-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    /// A new ledger file in `dir` holding one place (天山区).
    static func ledgerWithOnePlace(in dir: URL) throws -> (path: String, ledger: Ledger) {
        let path = dir.appendingPathComponent("ledger.sqlite").path
        let ledger = try Ledger(path: path, rules: Fixture.rules)
        try ledger.savePlace(Place(code: "650102", name: "天山区", level: .county, parentID: nil))
        return (path, ledger)
    }

    @Test("A new ledger file is readable by its owner only, and reopens with its data")
    func newFileIsPrivate() throws {
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        // When a ledger is created
        let path = try Self.ledgerWithOnePlace(in: dir).path
        // Then the file has mode 0600
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        // And reopening finds the data
        let reopened = try Ledger(path: path, rules: Fixture.rules)
        #expect(try reopened.places().map(\.name) == ["天山区"])
    }

    @Test("A ledger this process may not write is read from a copy in memory, the file left byte for byte")
    func readOnlyLedgerIsReadFromACopy() throws {
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        // Given a ledger file, closed (as a copy on a read-only share is)
        let path = try { () throws -> String in try Self.ledgerWithOnePlace(in: dir).path }()
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(!FileManager.default.fileExists(atPath: path + "-wal"))
        // When it is read through a copy
        let copy = try Ledger.readOnlyCopy(path: path, rules: Fixture.rules)
        // Then the copy holds its data, and may even be changed (summaries brought to today)
        #expect(try copy.places().map(\.name) == ["天山区"])
        try copy.savePlace(Place(code: "650103", name: "沙依巴克区", level: .county, parentID: nil))
        #expect(try copy.places().count == 2)
        // But the file is exactly as it was, with no WAL files made beside it
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
        #expect(!FileManager.default.fileExists(atPath: path + "-wal"))
        #expect(!FileManager.default.fileExists(atPath: path + "-shm"))
        #expect(try Ledger(path: path, rules: Fixture.rules).places().map(\.name) == ["天山区"])
        // And another program's file is refused as it is on the writable path
        let other = dir.appendingPathComponent("customers.sqlite").path
        try DatabaseQueue(path: other).write { db in try db.execute(sql: "CREATE TABLE customer (name TEXT)") }
        #expect(throws: LedgerError.damagedFile) { _ = try Ledger.readOnlyCopy(path: other, rules: Fixture.rules) }
    }

    @Test("A ledger upgraded by a newer tanfang is refused, untouched")
    func newerLedgerIsRefused() throws {
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        // Given a ledger a newer version has upgraded (a migration this one does not know)
        let (path, ledger) = try Self.ledgerWithOnePlace(in: dir)
        try ledger.write { db in try db.execute(sql: "INSERT INTO grdb_migrations VALUES ('v99-from-the-future')") }
        // When this version opens it / Then it refuses with a message saying what to do
        #expect(throws: LedgerError.newerLedger) { _ = try Ledger(path: path, rules: Fixture.rules) }
        #expect(LedgerError.newerLedger.description.contains("newer version"))
        // And the file is as it was: the same migrations, the data still there
        let queue = try DatabaseQueue(path: path)
        #expect(try queue.read { db in try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations") }
            .contains("v99-from-the-future"))
        #expect(try queue.read { db in try String.fetchAll(db, sql: "SELECT name FROM place") } == ["天山区"])
    }

    @Test("Another program's SQLite file is refused and left exactly as it was")
    func foreignDatabaseIsRefused() throws {
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        // Given a database of another program
        let path = dir.appendingPathComponent("customers.sqlite").path
        let other = try DatabaseQueue(path: path)
        try other.write { db in try db.execute(sql: "CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO customers (name) VALUES ('x')") }
        try other.close()
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        // When it is opened as a ledger / Then it is refused as not a ledger
        #expect(throws: LedgerError.damagedFile) { _ = try Ledger(path: path, rules: Fixture.rules) }
        // And not a byte changed: no ledger tables, same journal mode
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
        let again = try DatabaseQueue(path: path)
        #expect(try again.read { db in try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'") } == ["customers"])
        // While an empty file still becomes a new ledger
        let empty = dir.appendingPathComponent("new.sqlite").path
        #expect(FileManager.default.createFile(atPath: empty, contents: Data()))
        #expect(try Ledger(path: empty, rules: Fixture.rules).places().isEmpty)
    }

    @Test("A missing folder gives a clear cannot-open error")
    func cannotOpen() throws {
        let path = "/nonexistent-\(UUID().uuidString)/ledger.sqlite"
        #expect {
            _ = try Ledger(path: path, rules: Fixture.rules)
        } throws: { error in
            guard case LedgerError.cannotOpen = error else { return false }
            return (error as? LedgerError)?.description.contains(path) ?? false
        }
    }

    @Test("A second writer finds the ledger busy and gets a clear message")
    func busy() throws {
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("ledger.sqlite").path
        // Given two ledgers on the same file, the first holding a write transaction
        let first = try Ledger(path: path, rules: Fixture.rules)
        let second = try Ledger(path: path, rules: Fixture.rules, busyTimeout: 0.2)
        var caught: (any Error)?
        try first.holdingWriteLock {
            // When the second tries to write
            do {
                try second.savePlace(Place(code: "650102", name: "天山区", level: .county, parentID: nil))
            } catch {
                caught = error
            }
        }
        // Then it fails with LedgerError.busy, whose message says what happened and what to do
        let error = try #require(caught as? LedgerError)
        #expect(error == .busy)
        #expect(error.messageKey == "store.error.busy")
        #expect(error.description.contains("busy"))
        #expect(error.description.contains("try again"))
        // And nothing was written
        #expect(try second.places().isEmpty)
    }

    @Test("Disk-full and locked SQLite errors map to ledger errors")
    func errorMapping() {
        // SQLITE_FULL, SQLITE_LOCKED, SQLITE_BUSY_SNAPSHOT (extended)
        #expect(LedgerError.from(primaryCode: 13, extendedCode: 13, message: "database or disk is full") == .diskFull)
        #expect(LedgerError.from(primaryCode: 6, extendedCode: 6, message: nil) == .busy)
        #expect(LedgerError.from(primaryCode: 5, extendedCode: 517, message: nil) == .busy)
        #expect(LedgerError.diskFull.description.contains("disk is full"))
    }
}
