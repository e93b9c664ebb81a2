import Foundation
import GRDB
import TanfangCore

// MARK: - Migration v5-elder-flags

/// The `elderFlag` table: one short row per flag an elder's stored state can raise, of the kinds
/// most of a county's elder flags are (overdueVisit, highRiskNoHomeVisit, disabledRemoteOnly,
/// copiedAnswers, implausibleNoProblems for active elders; deceasedStillActive), with what the
/// flag shows and `anchor`, the date its severity counts from. Whether the flag is raised on a day
/// is then a comparison of `anchor` with that day and the rules' thresholds, so the list reads a
/// range of a narrow table instead of decoding every elder the flags may concern.
///
/// The rows are clustered by (kind, rank, anchor, elderOrder): within a kind, the flags raised on
/// a day are a prefix of the rows in severity order (worst first), ties in table order.
/// - overdueVisit: anchor = the earlier due date; raised when anchor < today; severity today − anchor.
/// - highRiskNoHomeVisit / disabledRemoteOnly: anchor = the last home visit ('' for never, which
///   sorts first and is the worst); raised when anchor < today − the rule's days. For a high-risk
///   elder never visited at home the anchor is the registration day (detail 'never').
/// - copiedAnswers: rank = −identicalStreak (one row while the streak is above 0); raised when the
///   streak reaches the rule's count.
/// - implausibleNoProblems: always raised.
/// - deceasedStillActive: rank = −severity (open follow-ups, plus one for a visit after death);
///   always raised, whatever the day.
/// `detail` is what else the reason shows (the last visit's date; for the deceased the death's
/// date and a later visit's); `until` copies `elder.flagUntil`: before that day the elder's status
/// or ID validity may differ from what is stored, and the list evaluates the elder in full instead
/// (see `Ledger.fastRedFlagList`).
///
/// Nothing here depends on the red-flag rules, so a changed `rules/redflags.json` needs no refill.
/// Triggers keep the rows on every insert, update and delete of an elder, whichever path writes;
/// an elder's open follow-ups are counted in its summary, which every follow-up write recomputes.
enum ElderFlagTable {
    static let kinds: [RedFlagKind] = [.overdueVisit, .highRiskNoHomeVisit, .disabledRemoteOnly, .copiedAnswers,
                                       .implausibleNoProblems, .deceasedStillActive]
    /// The kinds whose rows have a rank other than 0 (the others' rank is always 0).
    static let rankedKinds = Set(specs("e").filter { $0.rank != "0" }.map(\.kind))
    static let columns = "kind, rank, anchor, elderOrder, elderId, villageId, visitorId, elderName, until, detail"
    /// The elder columns the rows are made from.
    static let elderColumns = [
        "id", "status", "villageId", "visitorId", "name", "nextDue", "homeVisitDue", "riskLevel", "lastHomeVisit",
        "categoryMask", "disabilityDegree", "lastVisitMethod", "lastVisitAt", "identicalStreak", "lastVisitAllClear",
        "visitCount", "flagUntil", "statusFrom", "openFollowUps", "activeFrom",
    ]

    /// How one kind's row is made from elder `e`: SQL expressions over its columns.
    struct Spec {
        var kind: RedFlagKind
        var rank = "0"
        var anchor = "''"
        var detail = "NULL"
        var until: String
        var status = ElderStatus.active.rawValue
        var condition: String
    }

    static func specs(_ e: String) -> [Spec] {
        let disabled = Category.disabled.bit
        let anyDisabled = Category.disabled.bit | Category.severelyDisabled.bit
        let until = "\(e).flagUntil"
        let lastVisitDay = "substr(\(e).lastVisitAt, 1, 10)"
        let visitAfterDeath = "coalesce(\(lastVisitDay) > \(e).statusFrom, 0)"
        return [
            // detail 'home': the earlier due date is the home visit's.
            Spec(kind: .overdueVisit,
                 anchor: "min(coalesce(\(e).nextDue, '9999-12-31'), coalesce(\(e).homeVisitDue, '9999-12-31'))",
                 detail: "CASE WHEN \(e).homeVisitDue IS NOT NULL AND \(e).homeVisitDue <= coalesce(\(e).nextDue, \(e).homeVisitDue) THEN 'home' END",
                 until: until, condition: "(\(e).nextDue IS NOT NULL OR \(e).homeVisitDue IS NOT NULL)"),
            // Never visited at home: the gap counts from registration (the first active day), and
            // detail says 'never' for the reason's words.
            Spec(kind: .highRiskNoHomeVisit, anchor: "coalesce(\(e).lastHomeVisit, \(e).activeFrom, '')",
                 detail: "CASE WHEN \(e).lastHomeVisit IS NULL THEN 'never' END", until: until,
                 condition: "\(e).riskLevel = 'high'"),
            // Never visited at home: from registration as above; detail: 'n' for never, then the last visit's day.
            Spec(kind: .disabledRemoteOnly, anchor: "coalesce(\(e).lastHomeVisit, \(e).activeFrom, '')",
                 detail: "CASE WHEN \(e).lastHomeVisit IS NULL THEN 'n' ELSE '' END || \(lastVisitDay)", until: until,
                 condition: "(\(e).categoryMask & \(disabled)) <> 0 AND \(e).lastVisitAt IS NOT NULL "
                    + "AND \(e).lastVisitMethod IS NOT NULL AND \(e).lastVisitMethod <> '\(VisitMethod.home.rawValue)'"),
            Spec(kind: .copiedAnswers, rank: "-\(e).identicalStreak", until: until, condition: "\(e).identicalStreak > 0"),
            Spec(kind: .implausibleNoProblems, detail: lastVisitDay, until: until,
                 condition: "\(e).lastVisitAllClear AND \(e).visitCount > 0 "
                    + "AND ((\(e).categoryMask & \(anyDisabled)) <> 0 OR \(e).disabilityDegree IS NOT NULL)"),
            // The death is the last status change; detail: its date, then the last visit's date
            // when that came after it. Severity: open follow-ups, plus one for a visit after death.
            Spec(kind: .deceasedStillActive, rank: "-(\(e).openFollowUps + \(visitAfterDeath))",
                 detail: "\(e).statusFrom || CASE WHEN \(visitAfterDeath) THEN \(lastVisitDay) ELSE '' END",
                 until: "NULL", status: ElderStatus.deceased.rawValue,
                 condition: "\(e).statusFrom IS NOT NULL AND (\(e).openFollowUps > 0 OR \(visitAfterDeath))"),
        ]
    }

    /// The rows of elder `e` (NEW in a trigger, or an alias over `from`), kind by kind.
    static func rows(_ e: String, from: String = "") -> String {
        specs(e).map { k in
            """
            SELECT '\(k.kind.rawValue)', \(k.rank), \(k.anchor), \(e).rowid, \(e).id, \(e).villageId, \(e).visitorId,
              \(e).name, \(k.until), \(k.detail) \(from) WHERE \(e).status = '\(k.status)' AND \(k.condition)
            """
        }.joined(separator: "\nUNION ALL\n")
    }

    /// The rows of every elder passing `filter`, in one pass over the table (each kind a CASE
    /// over one scan, rather than a scan per kind: a county's elder rows are ~1.2 KB).
    static func rowsInOnePass(filter: String, kinds: Set<RedFlagKind>? = nil) -> String {
        let specs = specs("e").filter { kinds?.contains($0.kind) ?? true }
        func pick(_ value: (Spec) -> String) -> String {
            "CASE k.kind " + specs.map { "WHEN '\($0.kind.rawValue)' THEN \(value($0))" }.joined(separator: " ") + " END"
        }
        let kinds = specs.map { "SELECT '\($0.kind.rawValue)' AS kind" }.joined(separator: " UNION ALL ")
        let condition = specs.map { "(k.kind = '\($0.kind.rawValue)' AND e.status = '\($0.status)' AND \($0.condition))" }
            .joined(separator: " OR ")
        return """
            SELECT k.kind, \(pick(\.rank)), \(pick(\.anchor)), e.rowid, e.id, e.villageId, e.visitorId, e.name,
              \(pick(\.until)), \(pick(\.detail))
            FROM elder e CROSS JOIN (\(kinds)) k
            WHERE (\(filter)) AND (\(condition))
            """
    }

    static func migrate(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE elderFlag (
              kind TEXT NOT NULL,
              rank INTEGER NOT NULL,
              anchor TEXT NOT NULL,
              elderOrder INTEGER NOT NULL,
              elderId TEXT NOT NULL,
              villageId TEXT NOT NULL,
              visitorId TEXT,
              elderName TEXT NOT NULL,
              until TEXT,
              detail TEXT,
              PRIMARY KEY (kind, rank, anchor, elderOrder)) WITHOUT ROWID;
            CREATE INDEX elderFlag_on_elderId ON elderFlag(elderId);
            """)
        try createTriggers(db)
        // The elders the list evaluates in full, besides those with a status change or ID birth
        // date ahead (flagUntil) and duplicates: those without a valid ID number.
        try db.execute(sql: "CREATE INDEX elder_on_idValidFrom ON elder(idValidFrom)")
        try refill(db)
    }

    static func createTriggers(_ db: Database) throws {
        let changed = elderColumns.map { "OLD.\($0) IS NOT NEW.\($0)" }.joined(separator: " OR ")
        try db.execute(sql: """
            CREATE TRIGGER elderFlag_elder_insert AFTER INSERT ON elder BEGIN
              INSERT INTO elderFlag (\(columns)) \(rows("NEW"));
            END;
            CREATE TRIGGER elderFlag_elder_update AFTER UPDATE OF \(elderColumns.joined(separator: ", ")) ON elder
              WHEN \(changed) BEGIN
              DELETE FROM elderFlag WHERE elderId = OLD.id;
              INSERT INTO elderFlag (\(columns)) \(rows("NEW"));
            END;
            CREATE TRIGGER elderFlag_elder_delete AFTER DELETE ON elder BEGIN
              DELETE FROM elderFlag WHERE elderId = OLD.id;
            END;
            """)
    }

    /// Migration v7-high-risk-registered: the triggers of the current specs (the high-risk flag of
    /// an elder never visited at home counts from registration, kept when `activeFrom` changes; an
    /// overdue visit says when a home visit is owed) and those kinds' rows made again.
    static func migrateRegistration(_ db: Database) throws {
        try db.execute(sql: """
            DROP TRIGGER IF EXISTS elderFlag_elder_insert;
            DROP TRIGGER IF EXISTS elderFlag_elder_update;
            DROP TRIGGER IF EXISTS elderFlag_elder_delete;
            """)
        try createTriggers(db)
        let kinds: Set<RedFlagKind> = [.highRiskNoHomeVisit, .overdueVisit, .disabledRemoteOnly]
        try db.execute(sql: "DELETE FROM elderFlag WHERE kind IN (?, ?, ?)",
                       arguments: [RedFlagKind.highRiskNoHomeVisit.rawValue, RedFlagKind.overdueVisit.rawValue,
                                   RedFlagKind.disabledRemoteOnly.rawValue])
        try db.execute(sql: "INSERT INTO elderFlag (\(columns)) \(rowsInOnePass(filter: "1", kinds: kinds))")
    }

    /// Fills the table from scratch in one set-based statement: the backfill of an existing ledger.
    static func refill(_ db: Database) throws {
        try db.execute(sql: """
            DELETE FROM elderFlag;
            INSERT INTO elderFlag (\(columns)) \(rowsInOnePass(filter: "1"));
            """)
    }

    static let insertTrigger = "elderFlag_elder_insert"

    /// For a bulk load of new elders: drops the insert trigger and returns what `resume` needs to
    /// fill the new elders' rows in one statement afterwards and create the trigger again (one
    /// set-based pass instead of a trigger run per row); nil when there is no such trigger.
    static func suspendInserts(_ db: Database) throws -> (sql: String, lastRowid: Int64)? {
        guard let sql = try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?",
                                            arguments: [insertTrigger]) else { return nil }
        let last = try Int64.fetchOne(db, sql: "SELECT max(rowid) FROM elder") ?? 0
        try db.execute(sql: "DROP TRIGGER \(insertTrigger)")
        return (sql, last)
    }

    static func resume(_ db: Database, _ suspended: (sql: String, lastRowid: Int64)) throws {
        // An elder added by the load and then updated by it already has rows (the update trigger).
        try db.execute(sql: "DELETE FROM elderFlag WHERE elderOrder > ?", arguments: [suspended.lastRowid])
        try db.execute(sql: "INSERT INTO elderFlag (\(columns)) \(rowsInOnePass(filter: "e.rowid > ?1"))",
                       arguments: [suspended.lastRowid])
        try db.execute(sql: suspended.sql)
    }
}
