-- The red-flag list as one hand-written statement (ledger after migration v2-flags), for the benchmark's
-- ours/sqlite3 ratio. Written for today 2026-11-23, now 2026-11-23 12:00, last month 2026-10:
-- substitute today, now, today-30/-45 days, and the month's first/last day.
WITH c AS (
  SELECT * FROM elder WHERE rowid IN (
    SELECT rowid FROM elder WHERE flagFrom <= '2026-11-23'
    UNION SELECT rowid FROM elder WHERE flagUntil > '2026-11-23'
    UNION SELECT rowid FROM elder WHERE dupKey IN
      (SELECT dupKey FROM elder WHERE dupKey IS NOT NULL GROUP BY dupKey HAVING count(*) > 1)
    UNION SELECT e.rowid FROM followUp f JOIN elder e ON e.id = f.elderId
      WHERE f.status IN ('open', 'inProgress') AND (f.due < '2026-11-23 12:00' OR f.type = 'emergency'))),
a AS (SELECT * FROM c WHERE status = 'active' AND statusFrom <= '2026-11-23'),
fu AS (SELECT f.elderId, f.type, f.due, f.openedAt, e.villageId, e.status AS elderStatus
       FROM followUp f JOIN elder e ON e.id = f.elderId
       WHERE f.status IN ('open', 'inProgress') AND (f.due < '2026-11-23 12:00' OR f.type = 'emergency')),
mv AS (SELECT DISTINCT elderId FROM visit WHERE date >= '2026-10-01' AND date <= '2026-10-31'),
vr AS (SELECT e.villageId, count(*) AS d, count(mv.elderId) AS v FROM elder e LEFT JOIN mv ON mv.elderId = e.id
       WHERE e.activeSpans > 0 AND e.activeFrom <= '2026-10-31' AND (e.activeTo IS NULL OR e.activeTo >= '2026-10-01')
         AND (mv.elderId IS NOT NULL OR e.activeTo IS NULL OR e.activeTo >= '2026-10-31')
       GROUP BY e.villageId)
SELECT 1 AS k, id, villageId, name, dueDate, julianday('2026-11-23') - julianday(dueDate) AS sev FROM a
  WHERE dueDate < '2026-11-23'
UNION ALL SELECT 2, id, villageId, name, lastHomeVisit, coalesce(julianday('2026-11-23') - julianday(lastHomeVisit), 36500) FROM a
  WHERE riskLevel = 'high' AND (lastHomeVisit IS NULL OR lastHomeVisit < date('2026-11-23', '-30 days'))
UNION ALL SELECT 3, id, villageId, name, lastHomeVisit, coalesce(julianday('2026-11-23') - julianday(lastHomeVisit), 36500) FROM a
  WHERE categoryMask & 8 AND lastVisitMethod <> 'home' AND (lastHomeVisit IS NULL OR lastHomeVisit < date('2026-11-23', '-45 days'))
UNION ALL SELECT 4, id, villageId, name, NULL, identicalStreak FROM a WHERE identicalStreak >= 2
UNION ALL SELECT 5, id, villageId, name, lastVisitAt, 1 FROM a
  WHERE lastVisitAllClear AND visitCount > 0 AND (categoryMask & 24 OR disabilityDegree IS NOT NULL)
UNION ALL SELECT 6, elderId, villageId, type, due, julianday('2026-11-23') - julianday(substr(due, 1, 10)) FROM fu
  WHERE type <> 'emergency' AND due < '2026-11-23 12:00' AND elderStatus <> 'deceased'
UNION ALL SELECT 7, elderId, villageId, type, openedAt, (julianday('2026-11-23 12:00') - julianday(openedAt)) * 24 FROM fu
  WHERE type = 'emergency' AND openedAt < datetime('2026-11-23 12:00', '-24 hours') AND elderStatus <> 'deceased'
UNION ALL SELECT 8, id, villageId, name, statusFrom, openFollowUps FROM c
  WHERE status = 'deceased' AND (openFollowUps > 0 OR substr(lastVisitAt, 1, 10) > statusFrom)
UNION ALL SELECT 9, id, villageId, name, NULL, 1 FROM c WHERE idNumber IS NULL OR trim(idNumber) = ''
UNION ALL SELECT 10, id, villageId, name, NULL, 1 FROM c
  WHERE trim(idNumber) <> '' AND (idValidFrom IS NULL OR idValidFrom > '2026-11-23')
UNION ALL SELECT 11, c.id, c.villageId,
    (SELECT group_concat(x.name, '、') FROM elder x WHERE x.dupKey = c.dupKey AND x.id <> c.id), NULL, g.n - 1
  FROM c JOIN (SELECT dupKey, count(*) AS n FROM elder WHERE dupKey IS NOT NULL GROUP BY dupKey HAVING n > 1) g
    ON g.dupKey = c.dupKey
UNION ALL SELECT 12, NULL, villageId, NULL, NULL, d - v FROM vr WHERE v < d
ORDER BY k, sev DESC;
