import Foundation
import GRDB
import TanfangCore

// The monthly report's counts kept at write time (migration "v4-supervision"), so that the report
// and the red-flag list's village rates read ~1,000 short rows instead of counting 100,000 elders
// and a month of visits:
// - `monthTally`: per month and village, what `MonthlyStatistics.compute` counts: denominator and
//   visited, per category (and 高龄), visits and elders per method.
// - `monthMissed`: the elders in a month's denominator who were not visited (the report lists them).
// - `tallyState`: the months covered (`fromMonth`…`toMonth`) and `stale`. Triggers on `visit` and
//   on the elder columns the count reads set `stale`; the write paths that keep the tally (saveVisit,
//   saveElder, changeStatus, through `Ledger.keepingTally`) put it back, and a bulk load calls
//   `MonthTally.rebuild` once. A stale tally or a month outside the range is never read: the
//   report is then counted from the facts (`monthCounts`), so a write path that forgets the
//   tally costs time, never a wrong answer.
// The current village, categories and birth date count for every month, as in the reference.
enum MonthTally {
    /// Category codes in `MonthCounts.categories` order: `Category.allCases`, then 高龄.
    static let categoryCodes = Category.allCases.map(\.rawValue) + [CategoryRate.advancedAge]
    static let methodCodes = VisitMethod.allCases.map(\.rawValue)
    /// The counted columns, in the order of `Counts` values.
    static let columns: [String] = ["d", "v"] + categoryCodes.flatMap { ["c_\($0)_d", "c_\($0)_v"] }
        + methodCodes.flatMap { ["m_\($0)_visits", "m_\($0)_elders"] }
    static let width = columns.count
    static func categorySlot(_ c: Int) -> Int { 2 + 2 * c }
    static func methodSlot(_ m: Int) -> Int { 2 + 2 * categoryCodes.count + 2 * m }

    // MARK: - Schema

    static func migrate(_ db: Database) throws {
        let counted = columns.map { "\($0) INTEGER NOT NULL DEFAULT 0" }.joined(separator: ", ")
        let stale = "UPDATE tallyState SET stale = 1 WHERE stale = 0;"
        let elderColumns = ["id", "villageId", "categoryMask", "birthDate", "activeFrom", "activeTo", "activeSpans",
                            "activeSpanList"]
        let elderChanged = elderColumns.map { "OLD.\($0) IS NOT NEW.\($0)" }.joined(separator: " OR ")
        try db.execute(sql: """
            CREATE TABLE monthTally (month TEXT NOT NULL, villageId TEXT NOT NULL, \(counted),
              PRIMARY KEY (month, villageId)) WITHOUT ROWID;
            CREATE TABLE monthMissed (month TEXT NOT NULL, elderOrder INTEGER NOT NULL, elderId TEXT NOT NULL,
              villageId TEXT NOT NULL, PRIMARY KEY (month, elderOrder)) WITHOUT ROWID;
            CREATE TABLE tallyState (id INTEGER PRIMARY KEY CHECK (id = 1), fromMonth TEXT, toMonth TEXT,
              stale INTEGER NOT NULL);
            INSERT INTO tallyState (id, fromMonth, toMonth, stale) VALUES (1, NULL, NULL, 1);
            CREATE TRIGGER tally_visit_insert AFTER INSERT ON visit BEGIN \(stale) END;
            CREATE TRIGGER tally_visit_delete AFTER DELETE ON visit BEGIN \(stale) END;
            CREATE TRIGGER tally_visit_update AFTER UPDATE OF elderId, date, method ON visit
              WHEN OLD.elderId IS NOT NEW.elderId OR OLD.date IS NOT NEW.date OR OLD.method IS NOT NEW.method
              BEGIN \(stale) END;
            CREATE TRIGGER tally_elder_insert AFTER INSERT ON elder BEGIN \(stale) END;
            CREATE TRIGGER tally_elder_delete AFTER DELETE ON elder BEGIN \(stale) END;
            CREATE TRIGGER tally_elder_update AFTER UPDATE OF \(elderColumns.joined(separator: ", ")) ON elder
              WHEN \(elderChanged) BEGIN \(stale) END;
            """)
        // The report's closed follow-ups opened or closed in the month, read from short index
        // entries in order instead of ~15,000 follow-up rows scattered over the table (county scale).
        let closed = "status NOT IN ('open', 'inProgress')"
        try db.execute(sql: """
            CREATE INDEX followUp_closed_opened ON followUp(openedAt, closingAt, due, closingAction, closingBy, elderId,
              status) WHERE \(closed);
            CREATE INDEX followUp_closed_closing ON followUp(closingAt, openedAt, due, closingAction, closingBy, elderId,
              status) WHERE \(closed);
            """)
        try rebuild(db)
    }

    // MARK: - State

    struct State {
        var from: YearMonth?
        var to: YearMonth?
        var stale: Bool

        func covers(_ month: YearMonth) -> Bool {
            guard !stale, let from, let to else { return false }
            return from <= month && month <= to
        }

        var months: [YearMonth] {
            guard let from, let to else { return [] }
            var out: [YearMonth] = []
            var m = from
            while m <= to { out.append(m); m = m.adding(months: 1) }
            return out
        }
    }

    static func state(_ db: Database) throws -> State {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT fromMonth, toMonth, stale FROM tallyState WHERE id = 1"))
        else { return State(from: nil, to: nil, stale: true) }
        let from: String? = row[0], to: String? = row[1]
        return State(from: from.flatMap(YearMonth.init), to: to.flatMap(YearMonth.init), stale: (row[2] as Int) != 0)
    }

    static func setState(_ db: Database, _ s: State) throws {
        try db.execute(sql: "UPDATE tallyState SET fromMonth = ?, toMonth = ?, stale = ? WHERE id = 1",
                       arguments: [s.from.map(text), s.to.map(text), s.stale ? 1 : 0])
    }

    /// `YYYY-MM` without Foundation formatting.
    static func text(_ m: YearMonth) -> String {
        let y = m.year, mo = m.month
        let digits: [Character] = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"]
        return String([digits[(y / 1000) % 10], digits[(y / 100) % 10], digits[(y / 10) % 10], digits[y % 10], "-",
                       digits[mo / 10], digits[mo % 10]])
    }

    // MARK: - Counting one elder

    /// What the count reads of an elder.
    struct ElderFacts {
        var rowid: Int64
        var id: String
        var village: String
        var mask: Int
        var birthDate: String?
        var spans: [(from: LocalDate, to: LocalDate?)]
    }

    /// An elder's part of one month: the counted columns, and whether they are in `monthMissed`.
    struct Part: Equatable {
        var counts: [Int]
        var missed: Bool
    }

    /// 高龄 on the month's last day, compared as text as `monthCounts` does in SQL.
    static func cutoff(_ month: YearMonth) -> String {
        let last = month.lastDay
        return String(format: "%04d-%02d-%02d", last.year - advancedAgeThreshold, last.month, last.day)
    }

    /// Active days of the month as bits (bit 0 = the 1st).
    static func activeBits(_ spans: [(from: LocalDate, to: LocalDate?)], _ month: YearMonth) -> UInt32 {
        let first = month.firstDay, last = month.lastDay, firstDay = first.dayNumber
        var active: UInt32 = 0
        for span in spans where span.from <= last {
            if let to = span.to, to < first { continue }
            let a = max(span.from.dayNumber - firstDay, 0)
            let b = min((span.to ?? last).dayNumber - firstDay, month.dayCount - 1)
            guard a <= b else { continue }
            active |= UInt32(truncatingIfNeeded: ((UInt64(1) << UInt64(b - a + 1)) - 1) << UInt64(a))
        }
        return active
    }

    /// The same rules as `monthCounts` (and `MonthlyStatistics.compute`) for one elder and month.
    /// `methodVisits`: the month's visits per method; `visitedDays`: the days with a visit.
    static func part(mask: Int, advanced: Bool, active: UInt32, lastBit: UInt32, visitedDays: UInt32,
                     methodVisits: [Int]) -> Part {
        var counts = Array(repeating: 0, count: width)
        for (m, n) in methodVisits.enumerated() where n > 0 {
            counts[methodSlot(m)] = n
            counts[methodSlot(m) + 1] = 1
        }
        guard active != 0 else { return Part(counts: counts, missed: false) }
        let visited = visitedDays & active != 0
        guard visited || active & lastBit != 0 else { return Part(counts: counts, missed: false) }
        let hit = visited ? 1 : 0
        counts[0] = 1
        counts[1] = hit
        for (c, category) in Category.allCases.enumerated() where mask & category.bit != 0 {
            counts[categorySlot(c)] = 1
            counts[categorySlot(c) + 1] = hit
        }
        if advanced {
            counts[categorySlot(Category.allCases.count)] = 1
            counts[categorySlot(Category.allCases.count) + 1] = hit
        }
        return Part(counts: counts, missed: !visited)
    }

    static func facts(_ db: Database, elderID: String) throws -> ElderFacts? {
        let statement = try db.cachedStatement(sql: """
            SELECT rowid, id, villageId, categoryMask, birthDate, activeFrom, activeTo, activeSpans, activeSpanList
            FROM elder WHERE id = ?
            """)
        statement.arguments = [elderID]
        let s = RawColumns(statement)
        let rows = try Row.fetchCursor(statement)
        guard try rows.next() != nil else { return nil }
        return ElderFacts(rowid: Int64(s.int(0)), id: s.string(1)!, village: s.string(2)!, mask: s.int(3),
                          birthDate: s.string(4), spans: try spans(s, from: 5))
    }

    /// The active spans from the columns `activeFrom, activeTo, activeSpans, activeSpanList` at `i`.
    static func spans(_ s: RawColumns, from i: Int32) throws -> [(from: LocalDate, to: LocalDate?)] {
        if s.int(i + 2) == 1, let from = try s.date(i, "elder.activeFrom") {
            return [(from, try s.date(i + 1, "elder.activeTo"))]
        }
        if !s.isNull(i + 3) { return try s.spans(i + 3, "elder.activeSpanList") }
        return []
    }

    /// The elder's parts of `months` (all of them in the tally's range) from the stored facts.
    static func parts(_ db: Database, elderID: String, months: [YearMonth]) throws -> (ElderFacts, [YearMonth: Part])? {
        guard let e = try facts(db, elderID: elderID) else { return nil }
        guard let lo = months.min(), let hi = months.max() else { return (e, [:]) }
        var days: [YearMonth: UInt32] = [:]
        var methods: [YearMonth: [Int]] = [:]
        let statement = try db.cachedStatement(sql: """
            SELECT date, method FROM visit WHERE elderId = ? AND at >= ? AND at < ? AND \(Visit.countedSQL)
            """)
        statement.arguments = [elderID, StoreCoding.text(lo.firstDay), StoreCoding.text(hi.adding(months: 1).firstDay)]
        let v = RawColumns(statement)
        let rows = try Row.fetchCursor(statement)
        while try rows.next() != nil {
            guard let date = try v.date(0, "visit.date") else { continue }
            let month = date.yearMonth
            let text = v.string(1)!
            guard let m = methodCodes.firstIndex(of: text) else {
                _ = try StoreCoding.enumValue(VisitMethod.self, text, column: "visit.method")
                continue
            }
            days[month, default: 0] |= 1 << UInt32(date.day - 1)
            methods[month, default: Array(repeating: 0, count: methodCodes.count)][m] += 1
        }
        var out: [YearMonth: Part] = [:]
        for month in months {
            let advanced = e.birthDate.map { $0 <= cutoff(month) } ?? false
            out[month] = part(mask: e.mask, advanced: advanced, active: activeBits(e.spans, month),
                              lastBit: 1 << UInt32(month.dayCount - 1), visitedDays: days[month] ?? 0,
                              methodVisits: methods[month] ?? Array(repeating: 0, count: methodCodes.count))
        }
        return (e, out)
    }

    // MARK: - Keeping it

    /// The tally before a write to `elderIDs`' visits or facts in `months` (nil: every month in
    /// range); `finish` after the write adds the difference and clears the flag the write's
    /// triggers set, unless the tally was already stale.
    struct Pending {
        var state: State
        var months: [YearMonth]
        var before: [String: (ElderFacts, [YearMonth: Part])]
    }

    static func begin(_ db: Database, elderIDs: [String], months wanted: [YearMonth]?) throws -> Pending? {
        var state = try self.state(db)
        guard !state.stale, let from = state.from, let to = state.to else { return nil }
        // A write in a month after the range (a new month has begun) extends it first.
        if let latest = wanted?.max(), latest > to, latest <= to.adding(months: 12) {
            try fill(db, from: to.adding(months: 1), to: latest)
            state.to = latest
            try setState(db, state)
        }
        let months = wanted.map { $0.filter { from <= $0 && $0 <= state.to! } } ?? state.months
        var before: [String: (ElderFacts, [YearMonth: Part])] = [:]
        for id in Set(elderIDs) {
            if let p = try parts(db, elderID: id, months: Array(Set(months))) { before[id] = p }
        }
        return Pending(state: state, months: Array(Set(months)), before: before)
    }

    static func finish(_ db: Database, _ pending: Pending?, elderIDs: [String]) throws {
        guard let pending else { return }
        var deltas: [String: [Int]] = [:]  // "month|village"
        var missedOut: [(String, Int64)] = []
        var missedIn: [(String, Int64, String, String)] = []
        func add(_ facts: ElderFacts, _ parts: [YearMonth: Part], sign: Int) {
            for (month, p) in parts {
                let key = text(month) + "|" + facts.village
                var d = deltas[key] ?? Array(repeating: 0, count: width)
                for i in 0..<width { d[i] += sign * p.counts[i] }
                deltas[key] = d
                if p.missed {
                    if sign < 0 { missedOut.append((text(month), facts.rowid)) } else {
                        missedIn.append((text(month), facts.rowid, facts.id, facts.village))
                    }
                }
            }
        }
        for (_, old) in pending.before { add(old.0, old.1, sign: -1) }
        for id in Set(elderIDs) {
            if let new = try parts(db, elderID: id, months: pending.months) { add(new.0, new.1, sign: 1) }
        }
        let sets = columns.map { "\($0) = \($0) + excluded.\($0)" }.joined(separator: ", ")
        let upsert = try db.cachedStatement(sql: """
            INSERT INTO monthTally (month, villageId, \(columns.joined(separator: ", ")))
            VALUES (?, ?, \(Array(repeating: "?", count: width).joined(separator: ", ")))
            ON CONFLICT (month, villageId) DO UPDATE SET \(sets)
            """)
        for (key, d) in deltas where d.contains(where: { $0 != 0 }) {
            let parts = key.split(separator: "|", maxSplits: 1).map(String.init)
            var arguments: StatementArguments = [parts[0], parts[1]]
            arguments += StatementArguments(d)
            try upsert.execute(arguments: arguments)
        }
        let delete = try db.cachedStatement(sql: "DELETE FROM monthMissed WHERE month = ? AND elderOrder = ?")
        for (month, rowid) in missedOut { try delete.execute(arguments: [month, rowid]) }
        let insert = try db.cachedStatement(sql: """
            INSERT OR REPLACE INTO monthMissed (month, elderOrder, elderId, villageId) VALUES (?, ?, ?, ?)
            """)
        for (month, rowid, id, village) in missedIn { try insert.execute(arguments: [month, rowid, id, village]) }
        // The write's triggers marked the tally stale; it is whole again.
        try setState(db, pending.state)
    }

    // MARK: - Filling in bulk

    /// Counts the tally again from the facts: every month from the first visit's to the last
    /// visit's. What a bulk load (demo build, import, merge) calls once at its end, in its
    /// transaction, instead of keeping the tally row by row.
    static func rebuild(_ db: Database) throws {
        try db.execute(sql: "DELETE FROM monthTally; DELETE FROM monthMissed;")
        let first = try String.fetchOne(db, sql: "SELECT min(date) FROM visit")
        let last = try String.fetchOne(db, sql: "SELECT max(date) FROM visit")
        guard let first, let last,
              let from = try StoreCoding.date(first, column: "visit.date")?.yearMonth,
              let to = try StoreCoding.date(last, column: "visit.date")?.yearMonth else {
            try setState(db, State(from: nil, to: nil, stale: false))
            return
        }
        try fill(db, from: from, to: to)
        try setState(db, State(from: from, to: to, stale: false))
    }

    /// `rebuild` when a write the tally does not follow (a bulk load) has marked it stale.
    static func rebuildIfStale(_ db: Database) throws {
        if try state(db).stale { try rebuild(db) }
    }

    /// Counts months `from`…`to` from the facts in one pass over the elders (the covering index
    /// `elder_month`) and one over the months' visits (`visit_on_date_elderId_method`).
    static func fill(_ db: Database, from: YearMonth, to: YearMonth) throws {
        var months: [YearMonth] = []
        var m = from
        while m <= to { months.append(m); m = m.adding(months: 1) }
        guard !months.isEmpty else { return }
        let monthCount = months.count
        let base = from.year * 12 + from.month - 1
        try db.execute(sql: "DELETE FROM monthTally WHERE month >= ? AND month <= ?", arguments: [text(from), text(to)])
        try db.execute(sql: "DELETE FROM monthMissed WHERE month >= ? AND month <= ?", arguments: [text(from), text(to)])

        var elders: [ElderFacts] = []
        var index: [UUIDKey: Int] = [:]
        var villageIndex: [String: Int] = [:]
        var villages: [String] = []
        var villageOf: [Int] = []
        let statement = try db.makeStatement(sql: """
            SELECT rowid, id, villageId, categoryMask, birthDate, activeFrom, activeTo, activeSpans, activeSpanList
            FROM elder INDEXED BY elder_month
            """)
        let s = RawColumns(statement)
        let rows = try Row.fetchCursor(statement)
        while try rows.next() != nil {
            let village = s.string(2)!
            let v: Int
            if let known = villageIndex[village] { v = known } else {
                v = villages.count
                villageIndex[village] = v
                villages.append(village)
            }
            index[try s.key(1, "elder.id")] = elders.count
            villageOf.append(v)
            elders.append(ElderFacts(rowid: Int64(s.int(0)), id: s.string(1)!, village: village, mask: s.int(3),
                                     birthDate: s.string(4), spans: try spans(s, from: 5)))
        }

        let methodCount = methodCodes.count
        var visitedDays = Array(repeating: UInt32(0), count: elders.count * monthCount)
        var methodVisits = Array(repeating: UInt16(0), count: elders.count * monthCount * methodCount)
        let visits = try db.makeStatement(sql: """
            SELECT elderId, date, method FROM visit INDEXED BY visit_on_date_elderId_method
            WHERE date >= ? AND date <= ?
            """)
        visits.arguments = [StoreCoding.text(from.firstDay), StoreCoding.text(to.lastDay)]
        var attempts = try AttemptSkips(db, from: StoreCoding.text(from.firstDay), to: StoreCoding.text(to.lastDay))
        let v = RawColumns(visits)
        let visitRows = try Row.fetchCursor(visits)
        while try visitRows.next() != nil {
            let key = try v.key(0, "visit.elderId")
            guard let i = index[key], let date = try v.date(1, "visit.date") else { continue }
            if !attempts.isEmpty, attempts.skips(key, day: date.dayNumber, method: v.string(2)) { continue }
            let mi = date.year * 12 + date.month - 1 - base
            guard mi >= 0, mi < monthCount else { continue }
            let text = v.string(2)!
            guard let method = methodCodes.firstIndex(of: text) else {
                _ = try StoreCoding.enumValue(VisitMethod.self, text, column: "visit.method")
                continue
            }
            visitedDays[i * monthCount + mi] |= 1 << UInt32(date.day - 1)
            methodVisits[(i * monthCount + mi) * methodCount + method] &+= 1
        }

        var tally = Array(repeating: 0, count: monthCount * villages.count * width)
        let insertMissed = try db.makeStatement(sql: """
            INSERT INTO monthMissed (month, elderOrder, elderId, villageId) VALUES (?, ?, ?, ?)
            """)
        let monthTexts = months.map(text)
        let cutoffs = months.map(cutoff)
        // The same count as `part`, without building a part per elder and month (6 million at
        // 100,000 elders × 60 months): days as day numbers, straight into the tally.
        let firstDays = months.map(\.firstDay.dayNumber)
        let dayCounts = months.map(\.dayCount)
        let categoryBits = Category.allCases.map(\.bit)
        let advancedSlot = categorySlot(Category.allCases.count)
        let methodSlots = (0..<methodCount).map(methodSlot)
        for (i, e) in elders.enumerated() {
            let spans = e.spans.map { (from: $0.from.dayNumber, to: $0.to?.dayNumber ?? Int.max) }
            for mi in 0..<monthCount {
                let t = (mi * villages.count + villageOf[i]) * width
                let at = (i * monthCount + mi) * methodCount
                for m in 0..<methodCount where methodVisits[at + m] != 0 {
                    tally[t + methodSlots[m]] += Int(methodVisits[at + m])
                    tally[t + methodSlots[m] + 1] += 1
                }
                let first = firstDays[mi], count = dayCounts[mi], last = first + count - 1
                var active: UInt32 = 0
                for span in spans where span.from <= last && span.to >= first {
                    let lo = max(span.from - first, 0), hi = min(span.to, last) - first
                    active |= UInt32(truncatingIfNeeded: ((UInt64(1) << UInt64(hi - lo + 1)) - 1) << UInt64(lo))
                }
                guard active != 0 else { continue }
                let visited = visitedDays[i * monthCount + mi] & active != 0
                guard visited || active & (1 << UInt32(count - 1)) != 0 else { continue }
                let hit = visited ? 1 : 0
                tally[t] += 1
                tally[t + 1] += hit
                for (c, bit) in categoryBits.enumerated() where e.mask & bit != 0 {
                    tally[t + categorySlot(c)] += 1
                    tally[t + categorySlot(c) + 1] += hit
                }
                if let birth = e.birthDate, birth <= cutoffs[mi] {
                    tally[t + advancedSlot] += 1
                    tally[t + advancedSlot + 1] += hit
                }
                if !visited { try insertMissed.execute(arguments: [monthTexts[mi], e.rowid, e.id, e.village]) }
            }
        }
        let insert = try db.makeStatement(sql: """
            INSERT INTO monthTally (month, villageId, \(columns.joined(separator: ", ")))
            VALUES (?, ?, \(Array(repeating: "?", count: width).joined(separator: ", ")))
            """)
        for mi in 0..<monthCount {
            for (vi, village) in villages.enumerated() {
                let t = (mi * villages.count + vi) * width
                var arguments: StatementArguments = [monthTexts[mi], village]
                arguments += StatementArguments(Array(tally[t..<(t + width)]))
                try insert.execute(arguments: arguments)
            }
        }
    }
}

extension Ledger {
    /// Runs `body` (a write to the visits or facts of `elderIDs` in `months`, nil: any month) and
    /// keeps the tally: what those elders counted before is replaced by what they count after.
    func keepingTally<T>(_ db: Database, elderIDs: [UUID], months: [YearMonth]?, _ body: () throws -> T) throws -> T {
        let ids = elderIDs.map(\.uuidString)
        let pending = try MonthTally.begin(db, elderIDs: ids, months: months)
        let result = try body()
        try MonthTally.finish(db, pending, elderIDs: ids)
        return result
    }

    /// `monthCounts` from the tally, or nil when the tally cannot answer (stale, a month outside
    /// its range, or a grid worker's scope, which the tally does not split by).
    func tallyCounts(_ db: Database, month: YearMonth, scope: AccessScope, details: Bool) throws -> MonthCounts? {
        guard scope.visitorID == nil, try MonthTally.state(db).covers(month) else { return nil }
        let villagesInScope = scope.villageIDs.map { Set($0.map(\.uuidString)) }
        let monthText = MonthTally.text(month)
        let width = MonthTally.width
        let statement = try db.makeStatement(sql: """
            SELECT villageId, \(MonthTally.columns.joined(separator: ", ")) FROM monthTally WHERE month = ?
            """)
        statement.arguments = [monthText]
        let s = RawColumns(statement)
        var byVillage: [String: [Int]] = [:]
        let rows = try Row.fetchCursor(statement)
        while try rows.next() != nil {
            let village = s.string(0)!
            if let villagesInScope, !villagesInScope.contains(village) { continue }
            byVillage[village] = (0..<width).map { s.int(Int32($0 + 1)) }
        }

        // Villages as the reference lists them: every village with an elder in scope, in the
        // order of its first elder in the table.
        // Without details (the red flags' rates) only villages with elders counted matter: looking
        // up the first elder of each of a county's 3,000 places cost more than the rest.
        let candidates = details
            ? try villagesInScope.map(Array.init) ?? String.fetchAll(db, sql: "SELECT id FROM place")
            : byVillage.filter { $0.value[0] > 0 }.map(\.key)
        let first = try db.cachedStatement(sql: """
            SELECT rowid FROM elder INDEXED BY elder_on_villageId WHERE villageId = ? ORDER BY rowid LIMIT 1
            """)
        var ordered: [(Int64, String)] = []
        for village in candidates {
            if let rowid = try Int64.fetchOne(first, arguments: [village]) { ordered.append((rowid, village)) }
        }
        ordered.sort { $0.0 < $1.0 }

        var counts = MonthCounts()
        var sums = Array(repeating: 0, count: width)
        for (_, village) in ordered {
            let c = byVillage[village] ?? Array(repeating: 0, count: width)
            for i in 0..<width { sums[i] += c[i] }
            counts.villages.append(VillageRate(villageID: try StoreCoding.uuid(village, column: "monthTally.villageId"),
                                               denominator: c[0], visited: c[1]))
        }
        counts.total = (sums[0], sums[1])
        for c in counts.categories.indices {
            counts.categories[c] = (sums[MonthTally.categorySlot(c)], sums[MonthTally.categorySlot(c) + 1])
        }
        for m in counts.methods.indices {
            counts.methods[m] = (sums[MonthTally.methodSlot(m)], sums[MonthTally.methodSlot(m) + 1])
        }
        if details {
            let missed = try db.makeStatement(sql: """
                SELECT elderId, villageId FROM monthMissed WHERE month = ? ORDER BY elderOrder
                """)
            missed.arguments = [monthText]
            let r = RawColumns(missed)
            let cursor = try Row.fetchCursor(missed)
            while try cursor.next() != nil {
                if let villagesInScope, !villagesInScope.contains(r.string(1)!) { continue }
                counts.notVisited.append(try r.uuid(0, "monthMissed.elderId"))
            }
        }
        return counts
    }
}

/// The home visits that did not find the elder (`Visit.isAttempt`) dated `from`…`to`, read from
/// their small partial index. The covering index the bulk counts read
/// (`visit_on_date_elderId_method`) does not hold `seenInPerson`: each attempt found here skips
/// one home row of its elder and day there.
struct AttemptSkips {
    private struct Key: Hashable {
        var elder: UUIDKey
        var day: Int
    }

    private var left: [Key: Int] = [:]

    init(_ db: Database, from: String, to: String) throws {
        // Before migration v10 (an older ledger's tally filled by v4) there is no such index, and
        // no attempt is left out yet: v10 counts the tally again when there are any.
        guard try db.indexes(on: "visit").contains(where: { $0.name == "visit_attempt" }) else { return }
        let statement = try db.makeStatement(sql: """
            SELECT elderId, date FROM visit INDEXED BY visit_attempt
            WHERE method = 'home' AND seenInPerson = 0 AND date >= ? AND date <= ?
            """)
        statement.arguments = [from, to]
        let v = RawColumns(statement)
        let rows = try Row.fetchCursor(statement)
        while try rows.next() != nil {
            guard let day = try v.date(1, "visit.date")?.dayNumber else { continue }
            left[Key(elder: try v.key(0, "visit.elderId"), day: day), default: 0] += 1
        }
    }

    /// No attempt in the range: the caller need not read the method.
    var isEmpty: Bool { left.isEmpty }

    /// Whether the row (elder, day, method) is one of the attempts; each is counted off once.
    mutating func skips(_ elder: UUIDKey, day: Int, method: String?) -> Bool {
        guard method == VisitMethod.home.rawValue else { return false }
        let key = Key(elder: elder, day: day)
        guard let n = left[key] else { return false }
        left[key] = n == 1 ? nil : n - 1
        return true
    }
}
