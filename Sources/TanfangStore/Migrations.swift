import Foundation
import GRDB
import TanfangCore

/// The ledger schema. A migration that has shipped is never edited: add a new one instead.
/// Migrations use string table and column names, never record types, so that later changes
/// to the records cannot change what an old migration does.
enum LedgerMigrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try createV1(db)
        }
        migrator.registerMigration("v2-flags") { db in
            try FlagMigration.migrate(db)
        }
        migrator.registerMigration("v2-roster") { db in
            try createV2Roster(db)
        }
        migrator.registerMigration("v3-roster-log") { db in
            try createV3RosterLog(db)
        }
        migrator.registerMigration("v3-tally") { db in
            try createV3Tally(db)
        }
        migrator.registerMigration("v3-redflags") { db in
            try RedFlagTable.migrate(db)
        }
        migrator.registerMigration("v4-supervision") { db in
            try MonthTally.migrate(db)
        }
        migrator.registerMigration("v4-followup-search") { db in
            try createV4FollowUpSearch(db)
        }
        migrator.registerMigration("v5-elder-flags") { db in
            try ElderFlagTable.migrate(db)
        }
        migrator.registerMigration("v5-unused-indexes") { db in
            // No query reads the elders by `flagFrom` any more (the red flags read `elderFlag`; the
            // column is still written), and `visit_on_date_elderId_method` begins with the date and
            // serves every date range: these two only cost each saved visit and each load an update
            // (a county demo build ~3 s of sorting for the second).
            try db.execute(sql: "DROP INDEX IF EXISTS elder_on_flagFrom; DROP INDEX IF EXISTS visit_on_date")
        }
        migrator.registerMigration("v6-shared-dup-keys") { db in
            try SharedDupKeyTable.migrate(db)
        }
        // Immediate checks: this touches no foreign key, and the deferred check reads every visit's
        // elder (18 s on a county ledger).
        migrator.registerMigration("v7-high-risk-registered", foreignKeyChecks: .immediate) { db in
            try ElderFlagTable.migrateRegistration(db)
        }
        migrator.registerMigration("v8-pinyin-readings", foreignKeyChecks: .immediate) { db in
            try respellNames(db)
        }
        migrator.registerMigration("v9-elder-remarks", foreignKeyChecks: .immediate) { db in
            try db.execute(sql: "ALTER TABLE elder ADD COLUMN remarks TEXT")
        }
        // A home visit that did not find the elder is no visit-and-care (`Visit.isAttempt`). Its
        // partial index lets the counts leave such visits out; the summaries of the elders who
        // have some are made again by `Ledger.redoPendingSummaries` (the rules live there), which
        // also counts the month tally again.
        migrator.registerMigration("v10-visit-attempts", foreignKeyChecks: .immediate) { db in
            try db.execute(sql: """
                CREATE INDEX visit_attempt ON visit(elderId, date) WHERE method = 'home' AND seenInPerson = 0;
                CREATE TABLE pendingSummary (elderId TEXT PRIMARY KEY NOT NULL);
                INSERT OR IGNORE INTO pendingSummary
                  SELECT elderId FROM visit INDEXED BY visit_attempt WHERE method = 'home' AND seenInPerson = 0;
                DROP TRIGGER IF EXISTS tally_visit_update;
                CREATE TRIGGER tally_visit_update AFTER UPDATE OF elderId, date, method, seenInPerson ON visit
                  WHEN OLD.elderId IS NOT NEW.elderId OR OLD.date IS NOT NEW.date OR OLD.method IS NOT NEW.method
                    OR OLD.seenInPerson IS NOT NEW.seenInPerson
                  BEGIN UPDATE tallyState SET stale = 1 WHERE stale = 0; END;
                """)
        }
        // Visit drafts were one per user under "visit"; now one per elder ("visit.<elder id>").
        migrator.registerMigration("v11-draft-per-elder", foreignKeyChecks: .immediate) { db in
            try db.execute(sql: """
                UPDATE OR IGNORE draft SET key = 'visit.' || upper(json_extract(json, '$.elderID'))
                WHERE key = 'visit' AND json_valid(json) AND json_extract(json, '$.elderID') IS NOT NULL
                """)
        }
        // No query filters or sorts by the next visit alone (lists use dueDate, which includes the
        // home visit owed): the index only cost every elder write and each bulk load a pass.
        migrator.registerMigration("v12-no-nextDue-index", foreignKeyChecks: .immediate) { db in
            try db.execute(sql: "DROP INDEX IF EXISTS elder_on_nextDue")
        }
        // An open emergency now counts for the risk (RiskFactor.emergency) though the visit that
        // found it did not see the elder: the summaries of elders with one are made again.
        migrator.registerMigration("v13-open-emergency-risk", foreignKeyChecks: .immediate) { db in
            try db.execute(sql: """
                INSERT OR IGNORE INTO pendingSummary
                  SELECT DISTINCT elderId FROM followUp WHERE type = 'emergency' AND status IN ('open', 'inProgress')
                """)
        }
        // Wrong PINs in a row per login (Ledger.verifyPIN pauses it after five). Not merged: each
        // ledger counts its own.
        migrator.registerMigration("v14-pin-failures", foreignKeyChecks: .immediate) { db in
            try db.execute(sql: """
                CREATE TABLE pinFailure (userId TEXT PRIMARY KEY NOT NULL, failures INTEGER NOT NULL, lastAt REAL NOT NULL)
                """)
        }
        // Records folded into another record of the same person (`combineElders`): a merge maps a
        // village's rows for a folded record onto the one kept instead of bringing it back.
        migrator.registerMigration("v15-elder-alias", foreignKeyChecks: .immediate) { db in
            try db.execute(sql: """
                CREATE TABLE elderAlias (id TEXT PRIMARY KEY NOT NULL, intoId TEXT NOT NULL, at TEXT NOT NULL, userId TEXT)
                """)
        }
        // The records of the deceased now have a duplicate key too (a county list's living record
        // beside the village's record of the death is one person twice): theirs are filled in, and
        // the shared keys' trigger adds the pairs.
        migrator.registerMigration("v16-deceased-dup-keys", foreignKeyChecks: .immediate) { db in
            for record in try ElderRecord.fetchAll(db, sql: "SELECT * FROM elder WHERE status = 'deceased'") {
                guard let key = RedFlagEngine.duplicateKey(try record.elder()) else { continue }
                try db.execute(sql: "UPDATE elder SET dupKey = ? WHERE id = ?", arguments: [key, record.id])
            }
        }
        // A death cancels the elder's open follow-ups (changeStatus); those of the deaths recorded
        // before it did stayed in the queue, overdue, and counted as not done on time every month.
        migrator.registerMigration("v17-deceased-follow-ups", foreignKeyChecks: .immediate) { db in
            try cancelFollowUpsOfDeceased(db, at: StoreCoding.timestamp(Date()))
        }
        // A follow-up's red flag names its owner (a follow-up handed over was flagged with the elder's visitor).
        migrator.registerMigration("v18-red-flag-owner", foreignKeyChecks: .immediate) { db in
            try RedFlagTable.addOwner(db)
        }
        return migrator
    }

    /// Migration v17: what a death recorded now would have done, as of each elder's death.
    static func cancelFollowUpsOfDeceased(_ db: Database, at now: String) throws {
        let records = try ElderRecord.fetchAll(db, sql: """
            SELECT * FROM elder WHERE status = 'deceased'
              AND id IN (SELECT elderId FROM followUp WHERE status IN ('open', 'inProgress'))
            """)
        for record in records {
            let elder = try record.elder()
            guard let death = elder.statusHistory.last(where: { $0.status == .deceased })?.date else { continue }
            try Ledger.cancelOpenFollowUps(db, elderID: record.id, death: death, by: "", user: nil, at: now)
            try db.execute(sql: "INSERT OR IGNORE INTO pendingSummary VALUES (?)", arguments: [record.id])
        }
    }

    /// Migration v8: the search spellings of the names with a character read otherwise in names
    /// (`Pinyin.nameReadings`) or searched by another reading too (`Pinyin.otherReadings`).
    static func respellNames(_ db: Database) throws {
        var characters = Set(Pinyin.nameReadings.keys)
        for readings in Pinyin.otherReadings.values { characters.formUnion(readings.keys) }
        let test = characters.sorted().map { _ in "instr(name, ?) > 0" }.joined(separator: " OR ")
        let rows = try Row.fetchAll(db, sql: "SELECT id, name FROM elder WHERE \(test)",
                                    arguments: StatementArguments(characters.sorted().map(String.init)))
        for row in rows {
            let keys = Pinyin.searchKeys(row["name"])
            try db.execute(sql: "UPDATE elder SET pinyinInitials = ?, pinyinFull = ? WHERE id = ?",
                           arguments: [keys.initials, keys.full, row["id"] as String])
        }
    }

    /// The roster index (RosterIndex): a covering index it reads in tie order, and a version that
    /// triggers bump whenever something it holds changes, in this process or another. Until the
    /// index is built, the first screen (active elders by due date) reads `elder_roster_due` in order.
    private static func createV2Roster(_ db: Database) throws {
        let columns = ["id", "name", "pinyinFull", "pinyinInitials", "status", "villageId", "visitorId", "categoryMask",
                       "birthDate", "riskLevel", "riskScore", "dueDate", "lastVisitAt", "idTail", "phoneDigits", "idNumber"]
        let changed = columns.map { "OLD.\($0) IS NOT NEW.\($0)" }.joined(separator: " OR ")
        let bump = "UPDATE rosterVersion SET version = version + 1;"
        try db.execute(sql: """
            CREATE INDEX elder_roster ON elder(pinyinFull, name, id, status, villageId, visitorId, categoryMask,
                birthDate, riskLevel, riskScore, dueDate, lastVisitAt, pinyinInitials, idTail, phoneDigits, idNumber);
            CREATE INDEX elder_roster_due ON elder(status, dueDate IS NULL, dueDate, pinyinFull, name, id);
            CREATE TABLE rosterVersion(id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL);
            INSERT INTO rosterVersion(id, version) VALUES (1, 0);
            CREATE TRIGGER elder_roster_insert AFTER INSERT ON elder BEGIN \(bump) END;
            CREATE TRIGGER elder_roster_delete AFTER DELETE ON elder BEGIN \(bump) END;
            CREATE TRIGGER elder_roster_update AFTER UPDATE OF \(columns.joined(separator: ", ")) ON elder
                WHEN \(changed) BEGIN \(bump) END;
            CREATE TRIGGER place_roster_insert AFTER INSERT ON place BEGIN \(bump) END;
            CREATE TRIGGER place_roster_delete AFTER DELETE ON place BEGIN \(bump) END;
            CREATE TRIGGER place_roster_update AFTER UPDATE OF id, name ON place
                WHEN OLD.id IS NOT NEW.id OR OLD.name IS NOT NEW.name BEGIN \(bump) END;
            """)
    }

    /// What lets the roster index follow changes instead of rebuilding (RosterIndexRefresh.swift):
    /// an update of an elder's roster columns logs the elder under the new version in `rosterLog`
    /// (the last 1,024 to 2,047 versions are kept); adding or removing an elder or changing a
    /// place sets `rosterVersion.resetAt` to the new version (the index must be rebuilt).
    private static func createV3RosterLog(_ db: Database) throws {
        let columns = ["id", "name", "pinyinFull", "pinyinInitials", "status", "villageId", "visitorId", "categoryMask",
                       "birthDate", "riskLevel", "riskScore", "dueDate", "lastVisitAt", "idTail", "phoneDigits", "idNumber"]
        let changed = columns.map { "OLD.\($0) IS NOT NEW.\($0)" }.joined(separator: " OR ")
        let reset = "UPDATE rosterVersion SET version = version + 1, resetAt = version + 1;"
        // An elder whose id changed is a removal and an addition.
        let logged = """
            UPDATE rosterVersion SET version = version + 1, resetAt = CASE WHEN OLD.id IS NEW.id THEN resetAt ELSE version + 1 END;
            INSERT INTO rosterLog(version, elderId) SELECT version, NEW.id FROM rosterVersion WHERE id = 1;
            """
        try db.execute(sql: """
            ALTER TABLE rosterVersion ADD COLUMN resetAt INTEGER NOT NULL DEFAULT 0;
            UPDATE rosterVersion SET resetAt = version;
            CREATE TABLE rosterLog(version INTEGER PRIMARY KEY, elderId TEXT NOT NULL);
            CREATE TRIGGER rosterLog_prune AFTER INSERT ON rosterLog WHEN NEW.version % 1024 = 0
                BEGIN DELETE FROM rosterLog WHERE version <= NEW.version - 1024; END;
            DROP TRIGGER elder_roster_insert;
            DROP TRIGGER elder_roster_delete;
            DROP TRIGGER elder_roster_update;
            DROP TRIGGER place_roster_insert;
            DROP TRIGGER place_roster_delete;
            DROP TRIGGER place_roster_update;
            CREATE TRIGGER elder_roster_insert AFTER INSERT ON elder BEGIN \(reset) END;
            CREATE TRIGGER elder_roster_delete AFTER DELETE ON elder BEGIN \(reset) END;
            CREATE TRIGGER elder_roster_update AFTER UPDATE OF \(columns.joined(separator: ", ")) ON elder
                WHEN \(changed) BEGIN \(logged) END;
            CREATE TRIGGER place_roster_insert AFTER INSERT ON place BEGIN \(reset) END;
            CREATE TRIGGER place_roster_delete AFTER DELETE ON place BEGIN \(reset) END;
            CREATE TRIGGER place_roster_update AFTER UPDATE OF id, name ON place
                WHEN OLD.id IS NOT NEW.id OR OLD.name IS NOT NEW.name BEGIN \(reset) END;
            """)
    }

    /// Covering indexes for the county-wide questions, so that they read short index entries rather
    /// than the wide rows (an elder row is ~1.2 KB with its JSON, a follow-up row sits among 875,000
    /// at county scale). SQLite keeps them on every write: nothing to derive, and an existing ledger
    /// is upgraded by building them.
    /// - `elder_month`: what the monthly report and the red flags' village rates count per elder.
    /// - `followUp_open`: the open follow-ups only (partial: ~5% of the table), with what the report counts.
    /// - `elder_name`: an elder's name and village by id, for lists of follow-ups.
    private static func createV3Tally(_ db: Database) throws {
        try db.execute(sql: """
            CREATE INDEX elder_month ON elder(villageId, categoryMask, birthDate, activeFrom, activeTo, activeSpans,
                activeSpanList, id);
            CREATE INDEX followUp_open ON followUp(due, openedAt, elderId, status) WHERE status IN ('open', 'inProgress');
            CREATE INDEX elder_name ON elder(id, name, villageId);
            """)
    }

    /// The open follow-ups with every column the queue filters, searches and orders on, so the
    /// follow-up screen's window and counts (and its `/` search over 41,000 open follow-ups at county
    /// scale) are read from one compact index: SQLite seeks a table row only for the rows a window
    /// returns. (`followUp_open` stays for the monthly report and the red flags.)
    private static func createV4FollowUpSearch(_ db: Database) throws {
        try db.execute(sql: """
            CREATE INDEX followUp_open_queue ON followUp(due, closingAt, id, elderId, ownerId, type, status, detail)
                WHERE status IN ('open', 'inProgress');
            """)
    }

    /// Every row carries who created and last changed it, and when.
    private static func stamps(_ t: TableDefinition) {
        t.column("createdAt", .text).notNull()
        t.column("updatedAt", .text).notNull()
        t.column("createdBy", .text)
        t.column("updatedBy", .text)
    }

    private static func createV1(_ db: Database) throws {
        try db.create(table: "place") { t in
            t.primaryKey("id", .text)
            t.column("code", .text).notNull()
            t.column("name", .text).notNull()
            t.column("level", .text).notNull()
                .check(sql: "level IN ('county', 'township', 'village', 'grid')")
            t.column("parentId", .text).references("place", onDelete: .restrict)
            stamps(t)
        }

        try db.create(table: "visitor") { t in
            t.primaryKey("id", .text)
            t.column("name", .text).notNull()
            t.column("role", .text).notNull()
            t.column("phone", .text)
            t.column("placeId", .text).references("place", onDelete: .setNull)
            stamps(t)
        }

        try db.create(table: "user") { t in
            t.primaryKey("id", .text)
            t.column("name", .text).notNull().unique()
            t.column("role", .text).notNull()
            t.column("areaId", .text).notNull().references("place", onDelete: .restrict)
            t.column("visitorId", .text).references("visitor", onDelete: .setNull)
            t.column("pinHash", .text).notNull()
            stamps(t)
        }

        try db.create(table: "elder") { t in
            t.primaryKey("id", .text)
            t.column("name", .text).notNull()
            t.column("gender", .text)
            t.column("idNumber", .text)
            t.column("birthDate", .text)
            t.column("ethnicity", .text)
            t.column("phone", .text)
            t.column("address", .text)
            t.column("villageId", .text).notNull().references("place", onDelete: .restrict)
            t.column("gridId", .text).references("place", onDelete: .setNull)
            t.column("categoryMask", .integer).notNull().defaults(to: 0)
            t.column("disabilityDegree", .text)
            t.column("livingArrangement", .text)
            t.column("supporters", .jsonText).notNull()
            t.column("emergencyContacts", .jsonText).notNull()
            t.column("visitorId", .text).references("visitor", onDelete: .setNull)
            t.column("wishes", .text)
            t.column("remote", .boolean).notNull().defaults(to: false)
            t.column("riskOverrideLevel", .text)
            t.column("riskOverrideReason", .text)
            t.column("statusHistory", .jsonText).notNull()
            t.column("status", .text).notNull()
            t.column("sources", .jsonText).notNull()
            // ElderSummary, kept up to date at write time.
            t.column("lastVisitAt", .text)
            t.column("lastVisitMethod", .text)
            t.column("lastHomeVisit", .text)
            t.column("visitCount", .integer).notNull().defaults(to: 0)
            t.column("nextDue", .text)
            t.column("homeVisitDue", .text)
            // The earlier of nextDue and homeVisitDue: what the due filter and sort read.
            t.column("dueDate", .text)
            t.column("riskLevel", .text).notNull()
            t.column("riskScore", .integer).notNull().defaults(to: 0)
            t.column("riskReasons", .jsonText).notNull()
            t.column("riskOverridden", .boolean).notNull().defaults(to: false)
            t.column("openFollowUps", .integer).notNull().defaults(to: 0)
            t.column("openHazards", .integer).notNull().defaults(to: 0)
            t.column("earliestFollowUpDue", .text)
            t.column("identicalStreak", .integer).notNull().defaults(to: 0)
            t.column("lastVisitAllClear", .boolean).notNull().defaults(to: false)
            t.column("computedOn", .text).notNull()
            // Search columns.
            t.column("pinyinInitials", .text).notNull()
            t.column("pinyinFull", .text).notNull()
            t.column("idTail", .text)
            t.column("phoneDigits", .text)
            stamps(t)
        }
        try db.create(index: "elder_on_villageId", on: "elder", columns: ["villageId"])
        try db.create(index: "elder_on_visitorId", on: "elder", columns: ["visitorId"])
        try db.create(index: "elder_on_nextDue", on: "elder", columns: ["nextDue"])
        try db.create(index: "elder_on_dueDate", on: "elder", columns: ["dueDate"])
        try db.create(index: "elder_on_idNumber", on: "elder", columns: ["idNumber"])

        try db.create(table: "visit") { t in
            t.primaryKey("id", .text)
            t.column("elderId", .text).notNull().references("elder", onDelete: .restrict)
            t.column("at", .text).notNull()
            t.column("date", .text).notNull()
            t.column("visitorIds", .jsonText).notNull()
            t.column("method", .text).notNull()
            t.column("seenInPerson", .boolean).notNull()
            t.column("answers", .jsonText).notNull()
            t.column("copiedSections", .jsonText).notNull()
            stamps(t)
        }
        try db.create(index: "visit_on_elderId_at", on: "visit", columns: ["elderId", "at"])
        try db.create(index: "visit_on_date", on: "visit", columns: ["date"])

        try db.create(table: "followUp") { t in
            t.primaryKey("id", .text)
            t.column("elderId", .text).notNull().references("elder", onDelete: .restrict)
            t.column("visitId", .text).references("visit", onDelete: .setNull)
            t.column("type", .text).notNull()
            t.column("ownerId", .text).references("visitor", onDelete: .setNull)
            t.column("openedAt", .text).notNull()
            t.column("due", .text).notNull()
            t.column("status", .text).notNull()
            t.column("detail", .text).notNull().defaults(to: "")
            t.column("closingAction", .text)
            t.column("closingAt", .text)
            t.column("closingBy", .text)
            stamps(t)
        }
        try db.create(index: "followUp_on_elderId", on: "followUp", columns: ["elderId"])
        try db.create(index: "followUp_on_status_due", on: "followUp", columns: ["status", "due"])

        try db.create(table: "specialPeriod") { t in
            t.primaryKey("id", .text)
            t.column("name", .text).notNull()
            t.column("kind", .text).notNull()
            t.column("startDate", .text).notNull()
            t.column("endDate", .text).notNull()
            t.column("intervalDays", .integer).notNull().check { $0 >= 1 }
            t.column("categoryMask", .integer).notNull().defaults(to: 0)
            t.column("villageIds", .jsonText).notNull()
            stamps(t)
        }

        try db.create(table: "audit") { t in
            t.primaryKey("id", .text)
            t.column("at", .text).notNull()
            t.column("userId", .text)
            t.column("tableName", .text).notNull()
            t.column("recordId", .text).notNull()
            t.column("action", .text).notNull()
            t.column("before", .jsonText)
            t.column("after", .jsonText)
            stamps(t)
        }
        try db.create(index: "audit_on_recordId", on: "audit", columns: ["recordId"])

        try db.create(table: "draft") { t in
            t.primaryKey("id", .text)
            t.column("userId", .text).notNull().references("user", onDelete: .cascade)
            t.column("key", .text).notNull()
            t.column("json", .text).notNull()
            stamps(t)
            t.uniqueKey(["userId", "key"])
        }
    }
}
