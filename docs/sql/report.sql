-- The monthly report (every village) as one hand-written statement (ledger after migration v2-flags).
-- Written for month 2026-10 (first 2026-10-01, last 2026-10-31, next 2026-11-01, 高龄 cutoff 1946-10-31).
WITH mv AS (SELECT elderId, date, method FROM visit WHERE date >= '2026-10-01' AND date <= '2026-10-31'),
e AS (SELECT rowid AS r, id, villageId, categoryMask, birthDate <= '1946-10-31' AS adv,
        max(activeFrom, '2026-10-01') AS a, min(coalesce(activeTo, '2026-10-31'), '2026-10-31') AS b,
        (activeTo IS NULL OR activeTo >= '2026-10-31') AS atEnd
      FROM elder WHERE activeSpans > 0 AND activeFrom <= '2026-10-31' AND (activeTo IS NULL OR activeTo >= '2026-10-01')),
ev AS (SELECT e.*, EXISTS (SELECT 1 FROM mv WHERE mv.elderId = e.id AND mv.date BETWEEN e.a AND e.b) AS visited FROM e),
counted AS (SELECT * FROM ev WHERE visited OR atEnd),
cat(bit) AS (VALUES (1), (2), (4), (8), (16), (32), (64)),
f AS (SELECT * FROM followUp WHERE (openedAt >= '2026-10-01' AND openedAt < '2026-11-01')
        OR (closingAt >= '2026-10-01' AND closingAt < '2026-11-01') OR status IN ('open', 'inProgress')),
closed AS (SELECT (julianday(closingAt) - julianday(openedAt)) * 24 AS h, closingAt > due AS late FROM f
        WHERE status NOT IN ('open', 'inProgress') AND closingAt >= '2026-10-01' AND closingAt < '2026-11-01')
SELECT 'village', villageId, count(*), sum(visited), min(r) FROM counted GROUP BY villageId
UNION ALL SELECT 'category', bit, count(*), sum(visited), NULL FROM counted JOIN cat ON categoryMask & bit GROUP BY bit
UNION ALL SELECT 'advancedAge', NULL, count(*), sum(visited), NULL FROM counted WHERE adv
UNION ALL SELECT 'method', method, count(*), count(DISTINCT elderId), NULL FROM mv GROUP BY method
UNION ALL SELECT 'notVisited', id, NULL, NULL, r FROM counted WHERE NOT visited
UNION ALL SELECT 'opened', NULL, count(*), NULL, NULL FROM f WHERE openedAt >= '2026-10-01' AND openedAt < '2026-11-01'
UNION ALL SELECT 'closed', NULL, count(*), sum(late), NULL FROM closed
UNION ALL SELECT 'openPastDue', NULL, count(*), NULL, NULL FROM f WHERE openedAt <= '2026-10-31 23:59'
  AND (status IN ('open', 'inProgress') OR closingAt > '2026-10-31 23:59') AND due < '2026-11-01'
UNION ALL SELECT 'medianHours', NULL, (SELECT avg(h) FROM (SELECT h FROM closed ORDER BY h
  LIMIT 2 - (SELECT count(*) FROM closed) % 2 OFFSET ((SELECT count(*) FROM closed) - 1) / 2)), NULL, NULL;
