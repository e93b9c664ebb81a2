// The database questions of issue 6 answered by hand in the `sqlite3` shell, to compare with the
// ledger's answers (ratio ours / sqlite3 ≤ 1.5). Each statement answers the SAME question — it
// returns the flagged elders, the report's figures, the queue's rows — from the same tables,
// not merely reads the inputs. Where the app's rule needs the status history (JSON), the
// statement reads it with json_each as the app decodes it.
//
// Simplifications, all of which make sqlite3's work smaller or equal, never larger:
// - ID numbers: length, digits and check character (the app also checks region and birth date);
// - the monthly denominator counts an elder active on some day of the month who was active at
//   its end or visited in it (the app also requires the visit to fall on an active day).

import Foundation
import TanfangCore

struct SQLQuestions {
    let today: LocalDate
    let now: LocalDateTime
    let month: YearMonth
    let rules: RedFlagRules

    private func quoted(_ s: CustomStringConvertible) -> String { "'\(s.description)'" }

    /// Due list: the roster's first page for everyone active, next due first, with its count.
    var dueList: String {
        """
        SELECT count(*) FROM elder e WHERE e.status = 'active';
        SELECT e.*, p.name FROM elder e JOIN place p ON p.id = e.villageId
        WHERE e.status = 'active'
        ORDER BY e.dueDate IS NULL, e.dueDate, e.pinyinFull, e.name, e.id
        LIMIT 200;
        """
    }

    /// Open follow-ups with elder, village and owner names, overdue first then by due date.
    var followUps: String {
        """
        SELECT f.*, e.name AS elderName, p.name AS villageName, v.name AS ownerName
        FROM followUp f
        JOIN elder e ON e.id = f.elderId
        JOIN place p ON p.id = e.villageId
        LEFT JOIN visitor v ON v.id = f.ownerId
        WHERE f.status IN ('open', 'inProgress')
        ORDER BY f.due < \(quoted(now)) DESC, f.due ASC, e.name;
        """
    }

    /// Elders counted in `month`'s visit rate, and whether each was visited (see the note above).
    private func countedCTE(_ m: YearMonth) -> String {
        let (first, last) = (quoted(m.firstDay), quoted(m.lastDay))
        return """
            history AS (
              SELECT e.id, j.value ->> 'date' AS day, j.value ->> 'status' AS status, j.key AS seq
              FROM elder e, json_each(e.statusHistory) j
            ),
            statusAtStart AS (
              SELECT id, status FROM (
                SELECT id, status, row_number() OVER (PARTITION BY id ORDER BY day DESC, seq DESC) AS n
                FROM history WHERE day <= \(first)) WHERE n = 1
            ),
            statusAtEnd AS (
              SELECT id, status FROM (
                SELECT id, status, row_number() OVER (PARTITION BY id ORDER BY day DESC, seq DESC) AS n
                FROM history WHERE day <= \(last)) WHERE n = 1
            ),
            activeInMonth AS (
              SELECT id FROM statusAtStart WHERE status = 'active'
              UNION
              SELECT id FROM history WHERE day > \(first) AND day <= \(last) AND status = 'active'
            ),
            visitedInMonth AS (
              SELECT DISTINCT elderId FROM visit WHERE date BETWEEN \(first) AND \(last)
            ),
            counted AS MATERIALIZED (
              SELECT e.id, e.villageId, e.categoryMask, e.birthDate, (v.elderId IS NOT NULL) AS visited
              FROM elder e
              JOIN activeInMonth a ON a.id = e.id
              LEFT JOIN statusAtEnd s ON s.id = e.id
              LEFT JOIN visitedInMonth v ON v.elderId = e.id
              WHERE v.elderId IS NOT NULL OR s.status = 'active'
            )
            """
    }

    /// The monthly report: rates by village, by category (高龄 from the birth date), visits by
    /// method, who was not visited, and the follow-up figures.
    var monthlyReport: String {
        let (first, last) = (quoted(month.firstDay), quoted(month.lastDay))
        let next = quoted(month.adding(months: 1).firstDay)
        let monthEnd = quoted(LocalDateTime(date: month.lastDay, hour: 23, minute: 59)!)
        let born80 = quoted(LocalDate(year: month.lastDay.year - advancedAgeThreshold, month: month.lastDay.month,
                                      day: month.lastDay.day) ?? month.lastDay)
        let bits = Category.allCases.map { "('\($0.rawValue)', \($0.bit))" }.joined(separator: ", ")
        return """
            WITH \(countedCTE(month)),
            category(code, bit) AS (VALUES \(bits))
            SELECT 'total', NULL, count(*), sum(visited) FROM counted
            UNION ALL
            SELECT 'village', villageId, count(*), sum(visited) FROM counted GROUP BY villageId
            UNION ALL
            SELECT 'category', c.code, count(*), sum(visited) FROM counted JOIN category c ON counted.categoryMask & c.bit
            GROUP BY c.code
            UNION ALL
            SELECT 'category', 'advancedAge', count(*), sum(visited) FROM counted WHERE birthDate <= \(born80)
            UNION ALL
            SELECT 'notVisited', id, NULL, NULL FROM counted WHERE NOT visited;

            SELECT method, count(*), count(DISTINCT elderId) FROM visit
            WHERE date BETWEEN \(first) AND \(last) GROUP BY method;

            WITH f AS (
              SELECT openedAt, due, status,
                     CASE WHEN status NOT IN ('open', 'inProgress') THEN closingAt END AS closedAt
              FROM followUp
              WHERE (openedAt >= \(first) AND openedAt < \(next)) OR (closingAt >= \(first) AND closingAt < \(next))
                 OR status IN ('open', 'inProgress') OR (openedAt < \(first) AND closingAt >= \(next))
            ),
            closed AS (
              SELECT (julianday(closedAt) - julianday(openedAt)) * 24 AS hours, closedAt > due AS late
              FROM f WHERE closedAt >= \(first) AND closedAt < \(next) AND status <> 'cancelled'
            )
            SELECT
              (SELECT count(*) FROM f WHERE openedAt >= \(first) AND openedAt < \(next)) AS opened,
              (SELECT count(*) FROM closed) AS closed,
              (SELECT count(*) FROM f WHERE closedAt >= \(first) AND closedAt < \(next) AND status = 'cancelled') AS cancelled,
              coalesce((SELECT sum(late) FROM closed), 0)
                + (SELECT count(*) FROM f WHERE coalesce(closedAt >= \(first) AND closedAt < \(next), 0) = 0
                     AND openedAt <= \(monthEnd) AND (closedAt IS NULL OR closedAt > \(monthEnd))
                     AND substr(due, 1, 10) <= \(last)) AS openPastDue,
              (SELECT avg(hours) FROM (SELECT hours FROM closed ORDER BY hours
                 LIMIT 2 - (SELECT count(*) FROM closed) % 2
                 OFFSET ((SELECT count(*) FROM closed) - 1) / 2)) AS medianHoursToClose;
            """
    }

    /// The red-flag list: one row per flag (kind, elder or village), every kind of the engine.
    var redFlags: String {
        let t = quoted(today)
        let highRiskSince = quoted(today.adding(days: -rules.highRiskNoHomeVisitDays))
        let remoteSince = quoted(today.adding(days: -rules.remoteOnlyDays))
        let n = quoted(now)
        let emergencySince = quoted(LocalDateTime(date: now.date.adding(days: -(rules.emergencyHours / 24)),
                                                  hour: now.hour, minute: now.minute)!)
        let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
        let checksum = weights.enumerated().map { "\($1) * substr(id, \($0 + 1), 1)" }.joined(separator: " + ")
        let disabled = Category.disabled.bit, severely = Category.severelyDisabled.bit
        return """
            WITH \(countedCTE(today.yearMonth.adding(months: -1))),
            openFollowUp AS (
              SELECT f.elderId, f.type, f.openedAt, f.due, e.status AS elderStatus
              FROM followUp f JOIN elder e ON e.id = f.elderId
              WHERE f.status IN ('open', 'inProgress')
            ),
            death AS (
              SELECT e.id, max(j.value ->> 'date') AS day
              FROM elder e, json_each(e.statusHistory) j
              WHERE e.status = 'deceased' AND j.value ->> 'status' = 'deceased'
              GROUP BY e.id
            ),
            ids AS (
              SELECT id, upper(trim(idNumber)) AS id18 FROM elder WHERE trim(coalesce(idNumber, '')) <> ''
            )
            SELECT 'overdueVisit', id FROM elder
            WHERE status = 'active' AND min(coalesce(nextDue, '9999'), coalesce(homeVisitDue, '9999')) < \(t)
            UNION ALL
            SELECT 'highRiskNoHomeVisit', id FROM elder
            WHERE status = 'active' AND riskLevel = 'high'
              AND coalesce(lastHomeVisit, activeFrom, '') < \(highRiskSince)
            UNION ALL
            SELECT 'disabledRemoteOnly', id FROM elder
            WHERE status = 'active' AND categoryMask & \(disabled) AND lastVisitAt IS NOT NULL
              AND lastVisitMethod <> 'home' AND coalesce(lastHomeVisit, activeFrom, '') < \(remoteSince)
            UNION ALL
            SELECT 'copiedAnswers', id FROM elder WHERE status = 'active' AND identicalStreak >= \(rules.copiedStreak)
            UNION ALL
            SELECT 'implausibleNoProblems', id FROM elder
            WHERE status = 'active' AND lastVisitAllClear AND visitCount > 0
              AND (categoryMask & \(disabled + severely) OR disabilityDegree IS NOT NULL)
            UNION ALL
            SELECT 'emergencyNotClosed', elderId FROM openFollowUp
            WHERE elderStatus <> 'deceased' AND type = 'emergency' AND openedAt < \(emergencySince)
            UNION ALL
            SELECT 'followUpOverdue', elderId FROM openFollowUp
            WHERE elderStatus <> 'deceased' AND type <> 'emergency' AND due < \(n)
            UNION ALL
            SELECT 'deceasedStillActive', e.id FROM elder e JOIN death d ON d.id = e.id
            WHERE substr(e.lastVisitAt, 1, 10) > d.day OR e.openFollowUps > 0
               OR EXISTS (SELECT 1 FROM openFollowUp f WHERE f.elderId = e.id)
            UNION ALL
            SELECT 'missingIDNumber', id FROM elder WHERE trim(coalesce(idNumber, '')) = ''
            UNION ALL
            SELECT 'invalidIDNumber', ids.id FROM ids
            WHERE length(id18) <> 18 OR substr(id18, 1, 17) GLOB '*[^0-9]*'
               OR substr('10X98765432', (\(checksum.replacingOccurrences(of: "substr(id,", with: "substr(id18,"))) % 11 + 1, 1)
                  <> substr(id18, 18, 1)
            UNION ALL
            SELECT 'duplicatePerson', ids.id FROM ids JOIN elder e ON e.id = ids.id
            WHERE e.status <> 'deceased' AND ids.id18 IN (
              SELECT i.id18 FROM ids i JOIN elder x ON x.id = i.id WHERE x.status <> 'deceased'
              GROUP BY i.id18 HAVING count(*) > 1)
            UNION ALL
            SELECT 'villageLowVisitRate', villageId FROM counted
            GROUP BY villageId HAVING sum(visited) < \(rules.villageRateTarget) * count(*);
            """
    }
}
