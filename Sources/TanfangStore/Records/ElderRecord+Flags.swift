import Foundation
import GRDB
import TanfangCore

/// Columns derived at write time so that the red-flag list and the monthly report read only
/// the elders they need (migration "v2-flags"):
/// - `flagFrom` / `flagUntil`: the list looks at the elder on days on or after `flagFrom` and
///   on days before `flagUntil` (`RedFlagEngine.watch`); `flagFrom` = `0001-01-01` means always.
///   They depend on the red-flag rules, recorded in the `redFlagBasis` table.
/// - `idValidFrom`: the ID number passes the check on this day and later (nil: never).
/// - `dupKey`: `RedFlagEngine.duplicateKey`.
/// - `statusFrom`: the date of the last status change (the current status holds from then).
/// - `activeFrom`, `activeTo`, `activeSpans`: the elder's active spans from the status history:
///   the first span's start, the last span's last day (nil while still active) and how many;
///   with more than one, `activeSpanList` lists them all as `from:to,from:to,from:` (no end: still active).
extension ElderRecord {
    static let flagColumns = [
        "flagFrom", "flagUntil", "idValidFrom", "dupKey", "statusFrom", "activeFrom", "activeTo", "activeSpans",
        "activeSpanList",
    ]

    mutating func applyFlags(_ e: Elder, _ s: ElderSummary, rules: RedFlagRules) {
        let watch = RedFlagEngine(rules: rules).watch(e, s)
        flagFrom = StoreCoding.text(watch.from)
        flagUntil = StoreCoding.text(watch.until)
        idValidFrom = StoreCoding.text(RedFlagEngine.idValidFrom(e))
        dupKey = RedFlagEngine.duplicateKey(e)
        statusFrom = StoreCoding.text(e.statusHistory.last?.date)
        let spans = ElderRecord.activeSpans(e.statusHistory)
        activeFrom = StoreCoding.text(spans.first?.from)
        activeTo = StoreCoding.text(spans.last?.to)
        activeSpans = spans.count
        activeSpanList = spans.count > 1
            ? spans.map { StoreCoding.text($0.from) + ":" + (StoreCoding.text($0.to) ?? "") }.joined(separator: ",")
            : nil
    }

    /// Reads `activeSpanList` back.
    static func activeSpans(list: String) throws -> [(from: LocalDate, to: LocalDate?)] {
        try list.split(separator: ",").map { span in
            let parts = span.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 2 else {
                throw LedgerError.wrap(DatabaseError(message: "elder.activeSpanList: bad span \(span)"))
            }
            return (try StoreCoding.date(String(parts[0]), column: "elder.activeSpanList"),
                    try StoreCoding.date(parts[1].isEmpty ? nil : String(parts[1]), column: "elder.activeSpanList"))
        }
    }

    /// The active spans of a status history, oldest first: first active day, and last active day
    /// (nil while still active).
    static func activeSpans(_ history: [StatusChange]) -> [(from: LocalDate, to: LocalDate?)] {
        var spans: [(from: LocalDate, to: LocalDate?)] = []
        var start: LocalDate?
        // Several changes on one day: the last one holds (as `Elder.status(on:)`).
        var i = 0
        while i < history.count {
            var j = i
            while j + 1 < history.count, history[j + 1].date == history[i].date { j += 1 }
            let day = history[i].date
            if history[j].status == .active {
                if start == nil { start = day }
            } else if let s = start {
                spans.append((s, day.adding(days: -1)))
                start = nil
            }
            i = j + 1
        }
        if let s = start { spans.append((s, nil)) }
        return spans
    }

    mutating func decodeFlags(_ row: Row) throws {
        flagFrom = row["flagFrom"]
        flagUntil = row["flagUntil"]
        idValidFrom = row["idValidFrom"]
        dupKey = row["dupKey"]
        statusFrom = row["statusFrom"]
        activeFrom = row["activeFrom"]
        activeTo = row["activeTo"]
        activeSpans = row["activeSpans"] ?? 0
        activeSpanList = row["activeSpanList"]
    }

    func encodeFlags(to container: inout PersistenceContainer) {
        container["flagFrom"] = flagFrom
        container["flagUntil"] = flagUntil
        container["idValidFrom"] = idValidFrom
        container["dupKey"] = dupKey
        container["statusFrom"] = statusFrom
        container["activeFrom"] = activeFrom
        container["activeTo"] = activeTo
        container["activeSpans"] = activeSpans
        container["activeSpanList"] = activeSpanList
    }
}

// MARK: - Migration v2-flags

enum FlagMigration {
    /// Adds the derived columns and their indexes and fills them for every elder, with the
    /// standard red-flag rules (a ledger opened with other rules recomputes `flagFrom`, see
    /// `Ledger.ensureRedFlagBasis`).
    static func migrate(_ db: Database) throws {
        try db.alter(table: "elder") { t in
            t.add(column: "flagFrom", .text)
            t.add(column: "flagUntil", .text)
            t.add(column: "idValidFrom", .text)
            t.add(column: "dupKey", .text)
            t.add(column: "statusFrom", .text)
            t.add(column: "activeFrom", .text)
            t.add(column: "activeTo", .text)
            t.add(column: "activeSpans", .integer).notNull().defaults(to: 0)
            t.add(column: "activeSpanList", .text)
        }
        try db.create(table: "redFlagBasis") { t in
            t.primaryKey("id", .integer).check { $0 == 1 }
            t.column("rules", .text).notNull()
        }
        try db.execute(sql: "INSERT INTO redFlagBasis (id, rules) VALUES (1, ?)",
                       arguments: [StoreCoding.json(RedFlagRules.standard)])
        try refill(db, rules: .standard)
        try db.create(index: "elder_on_flagFrom", on: "elder", columns: ["flagFrom"])
        try db.create(index: "elder_on_flagUntil", on: "elder", columns: ["flagUntil"])
        try db.create(index: "elder_on_dupKey", on: "elder", columns: ["dupKey"])
        // summariesComputedOn() reads min(computedOn) at every start.
        try db.create(index: "elder_on_computedOn", on: "elder", columns: ["computedOn"])
        // The day of the last refreshSummaries (elders it did not need to recompute keep theirs).
        try db.create(table: "summaryDay") { t in
            t.primaryKey("id", .integer).check { $0 == 1 }
            t.column("day", .text).notNull()
        }
        // The monthly report's follow-ups opened and closed in the month.
        try db.create(index: "followUp_on_openedAt", on: "followUp", columns: ["openedAt"])
        try db.create(index: "followUp_on_closingAt", on: "followUp", columns: ["closingAt"])
        // The month's visits by date, with what the report counts, without touching the table.
        try db.create(index: "visit_on_date_elderId_method", on: "visit", columns: ["date", "elderId", "method"])
    }

    /// `flagFrom` depends on the red-flag rules: when the ledger was last filled with other
    /// rules (a changed `rules/redflags.json`), fills it again with these.
    static func ensureBasis(_ writer: any DatabaseWriter, rules: RedFlagRules) throws {
        let stored = try writer.read { db in try String.fetchOne(db, sql: "SELECT rules FROM redFlagBasis WHERE id = 1") }
        if let stored, (try? StoreCoding.decode(RedFlagRules.self, stored, column: "redFlagBasis.rules")) == rules { return }
        try writer.write { db in
            try refill(db, rules: rules)
            try db.execute(sql: "INSERT OR REPLACE INTO redFlagBasis (id, rules) VALUES (1, ?)",
                           arguments: [StoreCoding.json(rules)])
        }
    }

    /// Recomputes the derived columns of every elder.
    static func refill(_ db: Database, rules: RedFlagRules) throws {
        let update = try db.makeStatement(sql: """
            UPDATE elder SET flagFrom = ?, flagUntil = ?, idValidFrom = ?, dupKey = ?, statusFrom = ?,
              activeFrom = ?, activeTo = ?, activeSpans = ?, activeSpanList = ? WHERE id = ?
            """)
        // In chunks by rowid, never updating the table under an open cursor.
        var last: Int64 = .min
        while true {
            let rows = try Row.fetchAll(db, sql: "SELECT rowid AS r, * FROM elder WHERE rowid > ? ORDER BY rowid LIMIT 2000",
                                        arguments: [last])
            guard let tail = rows.last else { break }
            last = tail["r"]
            for row in rows {
                var r = try ElderRecord(row: row)
                try r.applyFlags(r.elder(), r.summary(), rules: rules)
                try update.execute(arguments: [r.flagFrom, r.flagUntil, r.idValidFrom, r.dupKey, r.statusFrom,
                                               r.activeFrom, r.activeTo, r.activeSpans, r.activeSpanList, r.id])
            }
        }
    }
}

// MARK: - Migration v3-redflags

/// The `redFlag` table: one short row per open follow-up of an elder who is not deceased, with
/// what its flag shows (elder, village, name) and `since`, the time its flag counts from (the due
/// time; for an emergency the opening time). followUpOverdue and emergencyNotClosed, most of the
/// county's list, are then a comparison of `since` with now instead of a recompute over elders
/// and follow-ups. Triggers keep it: every write of a follow-up or of the elder columns it copies
/// (status, village, visitor, name), whichever path writes them (visits, edits, status changes,
/// import, merge, the demo load). `elderOrder` / `followUpOrder` are the rowids: the order in
/// which the reference meets elders and their follow-ups, for ties.
enum RedFlagTable {
    /// Since v18 the row also holds the follow-up's owner (`ownerId`): an overdue follow-up handed
    /// over is flagged with whom it was handed to, read without a lookup per flag (37,000 of them
    /// at county scale: a subquery each added 100 ms to F4).
    static let columns = "followUpId, kind, elderId, villageId, visitorId, elderName, elderOrder, followUpOrder, type, since, ownerId"

    /// The row of follow-up `f` (an alias or NEW) of elder `e`.
    static func values(_ f: String, _ e: String) -> String {
        """
        \(f).id, CASE WHEN \(f).type = 'emergency' THEN 'emergencyNotClosed' ELSE 'followUpOverdue' END,
        \(f).elderId, \(e).villageId, \(e).visitorId, \(e).name, \(e).rowid, \(f).rowid, \(f).type,
        CASE WHEN \(f).type = 'emergency' THEN \(f).openedAt ELSE \(f).due END, \(f).ownerId
        """
    }

    static let open = "status IN ('open', 'inProgress')"

    /// The triggers over `columns`/`values`, as of v18.
    static func triggers() -> String {
        let followUpChanged = ["id", "elderId", "type", "openedAt", "due", "status", "ownerId"]
            .map { "OLD.\($0) IS NOT NEW.\($0)" }.joined(separator: " OR ")
        let elderColumns = ["id", "status", "villageId", "visitorId", "name"]
        let elderChanged = elderColumns.map { "OLD.\($0) IS NOT NEW.\($0)" }.joined(separator: " OR ")
        return """
            CREATE TRIGGER redFlag_followUp_insert AFTER INSERT ON followUp WHEN NEW.\(open) BEGIN
              INSERT OR REPLACE INTO redFlag (\(columns)) SELECT \(values("NEW", "e"))
              FROM elder e WHERE e.id = NEW.elderId AND e.status <> 'deceased';
            END;
            CREATE TRIGGER redFlag_followUp_update AFTER UPDATE ON followUp WHEN \(followUpChanged) BEGIN
              DELETE FROM redFlag WHERE followUpId = OLD.id;
              INSERT OR REPLACE INTO redFlag (\(columns)) SELECT \(values("NEW", "e"))
              FROM elder e WHERE e.id = NEW.elderId AND e.status <> 'deceased' AND NEW.\(open);
            END;
            CREATE TRIGGER redFlag_elder_update AFTER UPDATE OF \(elderColumns.joined(separator: ", ")) ON elder
              WHEN \(elderChanged) BEGIN
              DELETE FROM redFlag WHERE elderId = OLD.id;
              INSERT OR REPLACE INTO redFlag (\(columns)) SELECT \(values("f", "NEW"))
              FROM followUp f WHERE f.elderId = NEW.id AND f.\(open) AND NEW.status <> 'deceased';
            END;
            """
    }

    /// Migration v3: the table and its triggers as they were then (kept as shipped; v18 adds the owner).
    static func migrate(_ db: Database) throws {
        let columnsV3 = "followUpId, kind, elderId, villageId, visitorId, elderName, elderOrder, followUpOrder, type, since"
        func valuesV3(_ f: String, _ e: String) -> String {
            """
            \(f).id, CASE WHEN \(f).type = 'emergency' THEN 'emergencyNotClosed' ELSE 'followUpOverdue' END,
            \(f).elderId, \(e).villageId, \(e).visitorId, \(e).name, \(e).rowid, \(f).rowid, \(f).type,
            CASE WHEN \(f).type = 'emergency' THEN \(f).openedAt ELSE \(f).due END
            """
        }
        let followUpChanged = ["id", "elderId", "type", "openedAt", "due", "status"]
            .map { "OLD.\($0) IS NOT NEW.\($0)" }.joined(separator: " OR ")
        let elderColumns = ["id", "status", "villageId", "visitorId", "name"]
        let elderChanged = elderColumns.map { "OLD.\($0) IS NOT NEW.\($0)" }.joined(separator: " OR ")
        try db.execute(sql: """
            CREATE TABLE redFlag (
              followUpId TEXT PRIMARY KEY NOT NULL,
              kind TEXT NOT NULL,
              elderId TEXT NOT NULL,
              villageId TEXT NOT NULL,
              visitorId TEXT,
              elderName TEXT NOT NULL,
              elderOrder INTEGER NOT NULL,
              followUpOrder INTEGER NOT NULL,
              type TEXT NOT NULL,
              since TEXT NOT NULL);
            CREATE INDEX redFlag_on_elderId ON redFlag(elderId);
            CREATE TRIGGER redFlag_followUp_insert AFTER INSERT ON followUp WHEN NEW.\(open) BEGIN
              INSERT OR REPLACE INTO redFlag (\(columnsV3)) SELECT \(valuesV3("NEW", "e"))
              FROM elder e WHERE e.id = NEW.elderId AND e.status <> 'deceased';
            END;
            CREATE TRIGGER redFlag_followUp_update AFTER UPDATE ON followUp WHEN \(followUpChanged) BEGIN
              DELETE FROM redFlag WHERE followUpId = OLD.id;
              INSERT OR REPLACE INTO redFlag (\(columnsV3)) SELECT \(valuesV3("NEW", "e"))
              FROM elder e WHERE e.id = NEW.elderId AND e.status <> 'deceased' AND NEW.\(open);
            END;
            CREATE TRIGGER redFlag_followUp_delete AFTER DELETE ON followUp BEGIN
              DELETE FROM redFlag WHERE followUpId = OLD.id;
            END;
            CREATE TRIGGER redFlag_elder_update AFTER UPDATE OF \(elderColumns.joined(separator: ", ")) ON elder
              WHEN \(elderChanged) BEGIN
              DELETE FROM redFlag WHERE elderId = OLD.id;
              INSERT OR REPLACE INTO redFlag (\(columnsV3)) SELECT \(valuesV3("f", "NEW"))
              FROM followUp f WHERE f.elderId = NEW.id AND f.\(open) AND NEW.status <> 'deceased';
            END;
            CREATE TRIGGER redFlag_elder_delete AFTER DELETE ON elder BEGIN
              DELETE FROM redFlag WHERE elderId = OLD.id;
            END;
            DELETE FROM redFlag;
            INSERT INTO redFlag (\(columnsV3)) SELECT \(valuesV3("f", "e"))
            FROM followUp f JOIN elder e ON e.id = f.elderId
            WHERE f.\(open) AND e.status <> 'deceased'
            ORDER BY f.rowid;
            """)
    }

    /// Migration v18: the owner column, its triggers, and the rows filled again.
    static func addOwner(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE redFlag ADD COLUMN ownerId TEXT;
            DROP TRIGGER IF EXISTS redFlag_followUp_insert; DROP TRIGGER IF EXISTS redFlag_followUp_update;
            DROP TRIGGER IF EXISTS redFlag_elder_update;
            """)
        try db.execute(sql: triggers())
        try refill(db)
    }

    /// Fills the table from scratch in one set-based statement: the backfill of an existing
    /// ledger, and for a bulk load that ran without the triggers.
    static func refill(_ db: Database) throws {
        try db.execute(sql: """
            DELETE FROM redFlag;
            INSERT INTO redFlag (\(columns)) SELECT \(values("f", "e"))
            FROM followUp f JOIN elder e ON e.id = f.elderId
            WHERE f.\(open) AND e.status <> 'deceased'
            ORDER BY f.rowid;
            """)
    }
}
