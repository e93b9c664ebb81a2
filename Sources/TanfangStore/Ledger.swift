import Foundation
import GRDB
import TanfangCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The ledger (台账): elders, visits, follow-ups and who changed what, in one SQLite file.
///
/// Each write method is one invariant-preserving transaction: it writes the record, what the
/// rules derive from it (follow-ups, the elder's `ElderSummary`) and audit rows, or nothing.
/// Lists read the derived columns, so no list scans visit history.
public final class Ledger: Sendable {
    /// The rules the ledger applies at write time.
    public let rules: RuleBook
    private let writer: any DatabaseWriter
    /// Wall-clock time for `createdAt`/`updatedAt` and audit rows (never for rules).
    let clock: @Sendable () -> Date
    /// The roster's in-memory index, rebuilt when the elders change.
    let rosterCache: RosterCache
    let summaryCounts = SummaryCounts()
    /// The open follow-up queue for its `/` search (FollowUpSearchIndex.swift).
    let followUpQueueCache = FollowUpQueueCache()

    init(writer: any DatabaseWriter, rules: RuleBook, clock: @escaping @Sendable () -> Date,
         onUpgrade: (([String]) -> Void)? = nil) throws {
        self.writer = writer
        // A queue runs one read at a time: a query there must not wait for a warm-up's read.
        rosterCache = RosterCache(concurrentReads: writer is DatabasePool)
        self.rules = rules
        self.clock = clock
        do {
            let migrator = LedgerMigrations.migrator
            let (superseded, applied, foreign) = try writer.read { db in
                (try migrator.hasBeenSuperseded(db), try migrator.appliedIdentifiers(db), try Ledger.isForeign(db))
            }
            // A newer tanfang's tables are kept by its code as well as its triggers (a bulk import
            // suspends and refills them): this version must not write such a file.
            if superseded { throw LedgerError.newerLedger }
            if foreign { throw LedgerError.damagedFile }
            // A ledger written by an older version is upgraded in place; at county scale that builds
            // indexes over gigabytes (about a minute), so the caller may say so first.
            if let onUpgrade {
                let pending = migrator.migrations.filter { !applied.contains($0) }
                if !applied.isEmpty && !pending.isEmpty { onUpgrade(pending) }
            }
            try migrator.migrate(writer)
            try FlagMigration.ensureBasis(writer, rules: rules.redFlags)
            try redoPendingSummaries()
        } catch {
            throw LedgerError.wrap(error)
        }
    }

    /// Opens (or creates) the ledger file at `path` in WAL mode.
    ///
    /// A new file is created with permissions 0600 before SQLite opens it, since it holds ID
    /// numbers and phones. Writers wait up to `busyTimeout` seconds for another process's write
    /// to finish, then fail with `LedgerError.busy`.
    /// `onUpgrade` is called with the pending migrations before an existing ledger is upgraded.
    public convenience init(path: String, rules: RuleBook, busyTimeout: TimeInterval = 5,
                            clock: @escaping @Sendable () -> Date = { Date() },
                            onUpgrade: (([String]) -> Void)? = nil) throws {
        try Ledger.createPrivateFileIfMissing(path)
        try Ledger.refuseForeignFile(path)
        let pool: DatabasePool
        do {
            pool = try DatabasePool(path: path, configuration: Ledger.configuration(busyTimeout: busyTimeout))
        } catch let error as DatabaseError where error.resultCode == .SQLITE_CANTOPEN {
            throw LedgerError.cannotOpen(path: path, detail: error.message ?? "cannot open")
        } catch {
            throw LedgerError.wrap(error)
        }
        try self.init(writer: pool, rules: rules, clock: clock, onUpgrade: onUpgrade)
    }

    /// Whether this process may write the ledger at `path`: the file, and the folder where SQLite
    /// keeps its `-wal` and `-shm` files beside it (unless both are there already and writable).
    /// False for a copy on a read-only share, a read-only mount, or a file of another user.
    public static func isWritable(path: String) -> Bool {
        guard FileManager.default.fileExists(atPath: path) else { return true }
        guard access(path, W_OK) == 0 else { return false }
        let dir = (path as NSString).deletingLastPathComponent
        if access(dir.isEmpty ? "." : dir, W_OK) == 0 { return true }
        return access(path + "-wal", W_OK) == 0 && access(path + "-shm", W_OK) == 0
    }

    /// The ledger at `path`, which this process may not write (`isWritable`), copied into memory
    /// to be read: upgraded and brought to today there, while the file is left as it is. What is
    /// changed in the copy is lost with it, so only reading commands use it.
    public static func readOnlyCopy(path: String, rules: RuleBook,
                                    clock: @escaping @Sendable () -> Date = { Date() }) throws -> Ledger {
        let memory = try DatabaseQueue(configuration: configuration(busyTimeout: 5))
        do {
            try readOnlyQueue(path).backup(to: memory)
        } catch {
            throw LedgerError.wrap(error)
        }
        return try Ledger(writer: memory, rules: rules, clock: clock)
    }

    /// The database at `path` opened only to be read (a village's ledger on a USB stick, a backup,
    /// a copy on a read-only share). With no -wal beside it the file is the whole database: it is
    /// read as it stands (`immutable`), making no -wal or -shm file beside it (they were left on
    /// the stick, and a read-only folder cannot take them). With one, another program may be
    /// writing: it is read through its WAL (which needs the -shm file).
    static func readOnlyQueue(_ path: String) throws -> DatabaseQueue {
        var config = Configuration()
        config.readonly = true
        if FileManager.default.fileExists(atPath: path + "-wal") {
            return try DatabaseQueue(path: path, configuration: config)
        }
        let escaped = path.replacingOccurrences(of: "%", with: "%25")
            .replacingOccurrences(of: "?", with: "%3f").replacingOccurrences(of: "#", with: "%23")
        return try DatabaseQueue(path: "file:\(escaped)?immutable=1", configuration: config)
    }

    /// Another program's database: tables, but none applied by our migrations. It must be left
    /// untouched, rather than given a ledger's tables (which a restore would then take for a ledger).
    static func isForeign(_ db: Database) throws -> Bool {
        guard try !db.tableExists("grdb_migrations") else { return false }
        return try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'") ?? 0 > 0
    }

    /// `isForeign` checked read-only before the file is opened for writing (which would already
    /// switch its journal to WAL).
    static func refuseForeignFile(_ path: String) throws {
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        guard size > 0 else { return }
        var config = Configuration()
        config.readonly = true
        let foreign: Bool
        do {
            let queue = try DatabaseQueue(path: path, configuration: config)
            foreign = try queue.read { try isForeign($0) }
            try queue.close()
        } catch {
            // Not readable as SQLite at all: the pool's own open reports it (damaged, locked…).
            return
        }
        if foreign { throw LedgerError.damagedFile }
    }

    /// An in-memory ledger with the same configuration, for tests and previews.
    public static func inMemory(rules: RuleBook, clock: @escaping @Sendable () -> Date = { Date() }) throws -> Ledger {
        let queue = try DatabaseQueue(configuration: configuration(busyTimeout: 5))
        return try Ledger(writer: queue, rules: rules, clock: clock)
    }

    static func configuration(busyTimeout: TimeInterval) -> Configuration {
        var config = Configuration()
        config.foreignKeysEnabled = true
        config.busyMode = .timeout(busyTimeout)
        config.label = "tanfang.ledger"
        return config
    }

    /// Creates an empty file readable only by its owner; an existing file is left as it is.
    static func createPrivateFileIfMissing(_ path: String) throws {
        guard !FileManager.default.fileExists(atPath: path) else { return }
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        if fd < 0 {
            let code = errno
            if code == EEXIST { return }
            throw LedgerError.cannotOpen(path: path, detail: String(cString: strerror(code)))
        }
        // umask can only remove bits, but make the mode explicit anyway.
        _ = fchmod(fd, 0o600)
        close(fd)
    }

    // MARK: - Transactions

    /// One write transaction; SQLite errors become `LedgerError`s.
    func write<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try writer.write(body)
        } catch {
            throw LedgerError.wrap(error)
        }
    }

    func read<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try writer.read(body)
        } catch {
            throw LedgerError.wrap(error)
        }
    }

    /// The file ledger's connection pool (nil in memory), for switching its journal (LedgerBulkLoad.swift).
    var filePool: DatabasePool? { writer as? DatabasePool }

    /// The current wall-clock timestamp for stamps and audit rows.
    func timestamp() -> String { StoreCoding.timestamp(clock()) }

    /// Runs `body` inside a write transaction that holds the database's write lock.
    /// Only for tests that need another connection to find the ledger busy.
    func holdingWriteLock(_ body: () throws -> Void) throws {
        // GRDB opens write transactions with BEGIN IMMEDIATE, which takes the lock at once.
        try write { _ in try body() }
    }
}
