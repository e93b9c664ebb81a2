import GRDB

extension Ledger {
    /// Switches a file ledger from WAL to a rollback journal for one large write, when no other
    /// connection (another process, or a reader of this pool in use) has the file open; false,
    /// changing nothing, otherwise.
    ///
    /// In WAL mode every page a load writes is written twice (into the WAL, then by the checkpoint
    /// into the file). With a rollback journal the new pages go once into the file, and the journal
    /// holds only the few pages that existed before: the load stays atomic and durable, and a load
    /// that fails or is killed leaves the ledger as it was (the journal is rolled back).
    /// `leaveBulkJournal` returns to WAL; a ledger left in the other mode (a crash between the two)
    /// is put back into WAL by the next `Ledger(path:)`.
    func enterBulkJournal() -> Bool {
        guard let pool = filePool else { return false }
        // Idle readers of this pool hold the file open; they reopen when next needed.
        pool.releaseMemory()
        do {
            return try pool.writeWithoutTransaction { db in
                // Another process holding the file makes the switch fail at once instead of after the busy timeout.
                let timeout = try Int.fetchOne(db, sql: "PRAGMA busy_timeout") ?? 0
                try db.execute(sql: "PRAGMA busy_timeout = 0")
                defer { try? db.execute(sql: "PRAGMA busy_timeout = \(timeout)") }
                let mode = try String.fetchOne(db, sql: "PRAGMA journal_mode = DELETE")
                return mode?.lowercased() == "delete"
            }
        } catch {
            return false
        }
    }

    /// Back to WAL after `enterBulkJournal`.
    func leaveBulkJournal() {
        _ = try? filePool?.writeWithoutTransaction { db in
            try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL")
        }
    }
}

/// Triggers dropped for a bulk load that does their work once at its end instead of once per row,
/// created again from their own text afterwards, in the same transaction.
struct SuspendedTriggers {
    private let sql: [String]

    /// Drops those of `names` that exist.
    static func suspend(_ db: Database, _ names: [String]) throws -> SuspendedTriggers {
        var sql: [String] = []
        for name in names {
            guard let text = try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?",
                                                 arguments: [name]) else { continue }
            try db.execute(sql: "DROP TRIGGER \(name.quotedDatabaseIdentifier)")
            sql.append(text)
        }
        return SuspendedTriggers(sql: sql)
    }

    func restore(_ db: Database) throws {
        for statement in sql { try db.execute(sql: statement) }
    }
}
