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
///   sorts first and is the worst); raised when anchor < today − the rule's days.
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
    static let columns = "kind, rank, anchor, elderOrder, elderId, villageId, visitorId, elderName, until, detail"
    /// The elder columns the rows are made from.
    static let elderColumns = [
        "id", "status", "villageId", "visitorId", "name", "nextDue", "homeVisitDue", "riskLevel", "lastHomeVisit",
        "categoryMask", "disabilityDegree", "lastVisitMethod", "lastVisitAt", "identicalStreak", "lastVisitAllClear",
        "visitCount", "flagUntil", "statusFrom", "openFollowUps",
    ]

    /// The rows of elder `e` (NEW in a trigger, or an alias over `from`).
    static func rows(_ e: String, from: String = "", also: String = "1") -> String {
        let disabled = Category.disabled.bit
        let anyDisabled = Category.disabled.bit | Category.severelyDisabled.bit
        func row(_ kind: RedFlagKind, rank: String = "0", anchor: String = "''", detail: String = "NULL",
                 until: String = "\(e).flagUntil", status: String = "active", when condition: String) -> String {
            """
            SELECT '\(kind.rawValue)', \(rank), \(anchor), \(e).rowid, \(e).id, \(e).villageId, \(e).visitorId,
              \(e).name, \(until), \(detail) \(from) WHERE \(e).status = '\(status)' AND \(condition) AND \(also)
            """
        }
        let lastVisitDay = "substr(\(e).lastVisitAt, 1, 10)"
        let visitAfterDeath = "coalesce(\(lastVisitDay) > \(e).statusFrom, 0)"
        return [
            row(.overdueVisit,
                anchor: "min(coalesce(\(e).nextDue, '9999-12-31'), coalesce(\(e).homeVisitDue, '9999-12-31'))",
                when: "(\(e).nextDue IS NOT NULL OR \(e).homeVisitDue IS NOT NULL)"),
            row(.highRiskNoHomeVisit, anchor: "coalesce(\(e).lastHomeVisit, '')", when: "\(e).riskLevel = 'high'"),
            row(.disabledRemoteOnly, anchor: "coalesce(\(e).lastHomeVisit, '')", detail: lastVisitDay,
                when: "(\(e).categoryMask & \(disabled)) <> 0 AND \(e).lastVisitAt IS NOT NULL "
                    + "AND \(e).lastVisitMethod IS NOT NULL AND \(e).lastVisitMethod <> '\(VisitMethod.home.rawValue)'"),
            row(.copiedAnswers, rank: "-\(e).identicalStreak", when: "\(e).identicalStreak > 0"),
            row(.implausibleNoProblems, detail: lastVisitDay,
                when: "\(e).lastVisitAllClear AND \(e).visitCount > 0 "
                    + "AND ((\(e).categoryMask & \(anyDisabled)) <> 0 OR \(e).disabilityDegree IS NOT NULL)"),
            // The death is the last status change; detail: its date, then the last visit's date
            // when that came after it. Severity: open follow-ups, plus one for a visit after death.
            row(.deceasedStillActive, rank: "-(\(e).openFollowUps + \(visitAfterDeath))",
                detail: "\(e).statusFrom || CASE WHEN \(visitAfterDeath) THEN \(lastVisitDay) ELSE '' END",
                until: "NULL", status: ElderStatus.deceased.rawValue,
                when: "\(e).statusFrom IS NOT NULL AND (\(e).openFollowUps > 0 OR \(visitAfterDeath))"),
        ].joined(separator: "\nUNION ALL\n")
    }

    static func migrate(_ db: Database) throws {
        let changed = elderColumns.map { "OLD.\($0) IS NOT NEW.\($0)" }.joined(separator: " OR ")
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
        // The elders the list evaluates in full, besides those with a status change or ID birth
        // date ahead (flagUntil) and duplicates: those without a valid ID number.
        try db.execute(sql: "CREATE INDEX elder_on_idValidFrom ON elder(idValidFrom)")
        try refill(db)
    }

    /// Fills the table from scratch in one set-based statement: the backfill of an existing ledger.
    static func refill(_ db: Database) throws {
        try db.execute(sql: """
            DELETE FROM elderFlag;
            INSERT INTO elderFlag (\(columns)) \(rows("e", from: "FROM elder e"));
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
        try db.execute(sql: "INSERT INTO elderFlag (\(columns)) \(rows("e", from: "FROM elder e", also: "e.rowid > ?1"))",
                       arguments: [suspended.lastRowid])
        try db.execute(sql: suspended.sql)
    }
}
