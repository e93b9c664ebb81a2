import GRDB

// MARK: - Migration v6-shared-dup-keys

/// The `sharedDupKey` table: every `elder.dupKey` that two or more elders share, so the red-flag
/// list finds the possible duplicates (one person twice) by a few index lookups instead of grouping
/// the whole `elder_on_dupKey` index on every read (~20 ms for a county's 100,000 elders).
///
/// Triggers on `elder` keep it on every insert, key change and delete; a bulk load suspends them
/// (the key index is rebuilt after the load) and refills the table once.
enum SharedDupKeyTable {
    static let triggers = ["sharedDupKey_elder_insert", "sharedDupKey_elder_update", "sharedDupKey_elder_delete"]

    /// A key is shared while another elder than the one written has it.
    private static func sharedElsewhere(_ key: String, _ rowid: String) -> String {
        "EXISTS (SELECT 1 FROM elder WHERE dupKey = \(key) AND rowid <> \(rowid))"
    }

    /// Removes `key` once fewer than two elders have it (the written row already changed or gone).
    private static func dropIfSingle(_ key: String) -> String {
        "DELETE FROM sharedDupKey WHERE dupKey = \(key) AND (SELECT count(*) FROM (SELECT 1 FROM elder WHERE dupKey = \(key) LIMIT 2)) < 2;"
    }

    static func migrate(_ db: Database) throws {
        try db.execute(sql: "CREATE TABLE sharedDupKey (dupKey TEXT PRIMARY KEY NOT NULL) WITHOUT ROWID")
        try createTriggers(db)
        try refill(db)
    }

    static func createTriggers(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TRIGGER sharedDupKey_elder_insert AFTER INSERT ON elder WHEN NEW.dupKey IS NOT NULL BEGIN
              INSERT OR IGNORE INTO sharedDupKey (dupKey) SELECT NEW.dupKey WHERE \(sharedElsewhere("NEW.dupKey", "NEW.rowid"));
            END;
            CREATE TRIGGER sharedDupKey_elder_update AFTER UPDATE OF dupKey ON elder
              WHEN OLD.dupKey IS NOT NEW.dupKey BEGIN
              \(dropIfSingle("OLD.dupKey"))
              INSERT OR IGNORE INTO sharedDupKey (dupKey) SELECT NEW.dupKey
                WHERE NEW.dupKey IS NOT NULL AND \(sharedElsewhere("NEW.dupKey", "NEW.rowid"));
            END;
            CREATE TRIGGER sharedDupKey_elder_delete AFTER DELETE ON elder WHEN OLD.dupKey IS NOT NULL BEGIN
              \(dropIfSingle("OLD.dupKey"))
            END;
            """)
    }

    /// Fills the table from scratch: the backfill of an existing ledger, and after a bulk load.
    static func refill(_ db: Database) throws {
        try db.execute(sql: """
            DELETE FROM sharedDupKey;
            INSERT INTO sharedDupKey (dupKey)
              SELECT dupKey FROM elder WHERE dupKey IS NOT NULL GROUP BY dupKey HAVING count(*) > 1;
            """)
    }

    /// For a bulk load: drops the triggers (each would probe the key index, which the load may
    /// have dropped, per row) and returns their text for `resume`; nil when there are none.
    static func suspend(_ db: Database) throws -> [String]? {
        let sql = try String.fetchAll(db, sql: """
            SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name IN (\(triggers.map { "'\($0)'" }.joined(separator: ", ")))
            ORDER BY name
            """)
        guard !sql.isEmpty else { return nil }
        for name in triggers { try db.execute(sql: "DROP TRIGGER IF EXISTS \(name)") }
        return sql
    }

    /// Creates the suspended triggers again and refills the table (after the key index is back).
    static func resume(_ db: Database, _ suspended: [String]) throws {
        for statement in suspended { try db.execute(sql: statement) }
        try refill(db)
    }
}
