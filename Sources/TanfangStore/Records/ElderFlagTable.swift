import Foundation
import GRDB
import TanfangCore

// MARK: - Migration v5-elder-flags

/// The `elderFlag` table: for each active elder, one short row per visit or risk flag the elder
/// can raise (overdueVisit, highRiskNoHomeVisit, disabledRemoteOnly, copiedAnswers,
/// implausibleNoProblems), with what the flag shows and `anchor`, the date its severity counts
/// from. Whether the flag is raised on a day is then a comparison of `anchor` with that day and
/// the rules' thresholds, so the list reads a range of a narrow table instead of decoding every
/// elder the flags may concern (most of a county's elder flags are these kinds).
///
/// The rows are clustered by (kind, rank, anchor, elderOrder): within a kind, the flags raised on
/// a day are a prefix of the rows in severity order (worst first), ties in table order.
/// - overdueVisit: anchor = the earlier due date; raised when anchor < today; severity today − anchor.
/// - highRiskNoHomeVisit / disabledRemoteOnly: anchor = the last home visit ('' for never, which
///   sorts first and is the worst); raised when anchor < today − the rule's days.
/// - copiedAnswers: rank = −identicalStreak (one row while the streak is above 0); raised when the
///   streak reaches the rule's count.
/// - implausibleNoProblems: always raised.
/// `detail` is the last visit's date where the reason shows it; `until` copies `elder.flagUntil`:
/// before that day the elder's status or ID validity may differ from what is stored, and the list
/// evaluates the elder in full instead (see `Ledger.fastRedFlagList`).
///
/// Nothing here depends on the red-flag rules, so a changed `rules/redflags.json` needs no refill.
/// Triggers keep the rows on every insert, update and delete of an elder, whichever path writes.
enum ElderFlagTable {
    static let kinds: [RedFlagKind] = [.overdueVisit, .highRiskNoHomeVisit, .disabledRemoteOnly, .copiedAnswers,
                                       .implausibleNoProblems]
    static let columns = "kind, rank, anchor, elderOrder, elderId, villageId, visitorId, elderName, until, detail"
    /// The elder columns the rows are made from.
    static let elderColumns = [
        "id", "status", "villageId", "visitorId", "name", "nextDue", "homeVisitDue", "riskLevel", "lastHomeVisit",
        "categoryMask", "disabilityDegree", "lastVisitMethod", "lastVisitAt", "identicalStreak", "lastVisitAllClear",
        "visitCount", "flagUntil",
    ]

    /// The rows of elder `e` (NEW in a trigger, or an alias over `from`).
    static func rows(_ e: String, from: String = "") -> String {
        let disabled = Category.disabled.bit
        let anyDisabled = Category.disabled.bit | Category.severelyDisabled.bit
        func row(_ kind: RedFlagKind, rank: String = "0", anchor: String = "''", detail: String = "NULL",
                 when condition: String) -> String {
            """
            SELECT '\(kind.rawValue)', \(rank), \(anchor), \(e).rowid, \(e).id, \(e).villageId, \(e).visitorId,
              \(e).name, \(e).flagUntil, \(detail) \(from) WHERE \(e).status = 'active' AND \(condition)
            """
        }
        let lastVisitDay = "substr(\(e).lastVisitAt, 1, 10)"
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
        // date ahead (flagUntil): no valid ID number, or deceased with open follow-ups or a later visit.
        try db.execute(sql: """
            CREATE INDEX elder_on_idValidFrom ON elder(idValidFrom);
            CREATE INDEX elder_deceased_active ON elder(statusFrom) WHERE \(deceasedActive);
            """)
        try refill(db)
    }

    /// What `elder_deceased_active` holds: a superset of the deceased who can raise deceasedStillActive.
    static let deceasedActive = "status = 'deceased' AND (openFollowUps > 0 OR lastVisitAt > statusFrom)"

    /// Fills the table from scratch in one set-based statement: the backfill of an existing ledger.
    static func refill(_ db: Database) throws {
        try db.execute(sql: """
            DELETE FROM elderFlag;
            INSERT INTO elderFlag (\(columns)) \(rows("e", from: "FROM elder e"));
            """)
    }
}
