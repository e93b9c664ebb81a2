import Foundation
import GRDB
import TanfangCore

// MARK: - Roster

extension Ledger {
    /// A page of the roster (台账): filters, search, sort and the count run on the in-memory
    /// roster index (RosterIndex), then only the page's rows are read; the SQL query answers
    /// what the index cannot answer exactly.
    public func roster(_ q: RosterQuery) throws -> RosterPage {
        var warm = false
        let page = try read { db in
            if let page = try rosterCache.page(db, q, warm: &warm) { return page }
            return try rosterSQL(db, q)
        }
        if warm {
            // Build the index off this thread once the first screen's requests are answered.
            DispatchQueue.global(qos: .userInitiated).asyncAfter(deadline: .now() + .milliseconds(100)) { [self] in
                try? read { db in try rosterCache.warm(db) }
                rosterCache.warmEnded()
            }
        }
        return page
    }

    /// The roster by one SQL query over `elder`: the reference for RosterIndex.
    func rosterSQL(_ q: RosterQuery) throws -> RosterPage {
        try read { db in try rosterSQL(db, q) }
    }

    func rosterSQL(_ db: Database, _ q: RosterQuery) throws -> RosterPage {
        var filter = SQLFilter()
        filter.scope(try Ledger.simplified(q.scope, db), elder: "e")
        if let village = q.villageID { filter.add("e.villageId = ?", village.uuidString) }
        if let category = q.category { filter.add("(e.categoryMask & ?) != 0", category.bit) }
        if q.advancedAgeOnly {
            // Age >= 80 on `today` ⇔ born on or before the same day 80 years earlier.
            let cutoff = String(format: "%04d-%02d-%02d", q.today.year - advancedAgeThreshold,
                                q.today.month, q.today.day)
            filter.add("e.birthDate <= ?", cutoff)
        }
        if let risk = q.risk { filter.add("e.riskLevel = ?", risk.rawValue) }
        if let status = q.status { filter.add("e.status = ?", status.rawValue) }
        if let due = q.due { filter.due(due, today: q.today) }
        filter.search(q.search)

        let total = try Int.fetchOne(db, sql: "SELECT count(*) FROM elder e \(filter.whereClause)",
                                     arguments: filter.arguments) ?? 0
        let sql = """
            SELECT \(RosterRows.columns(q.detail)) FROM elder e JOIN place p ON p.id = e.villageId
            \(filter.whereClause)
            ORDER BY \(Ledger.orderBy(q.sort, descending: q.descending))
            LIMIT ? OFFSET ?
            """
        var arguments = filter.arguments
        arguments += [max(q.limit, 0), max(q.offset, 0)]
        // A cursor's rows look columns up through the statement's table (see RosterIndex.rows).
        var rows: [RosterRow] = []
        let cursor = try Row.fetchCursor(db, sql: sql, arguments: arguments)
        while let row = try cursor.next() { rows.append(try RosterRows.row(row, q.detail)) }
        var page = RosterPage(rows: rows, total: total)
        if q.countsDueStates {
            for state in [DueState.overdue, .dueSoon] {
                var counting = filter
                counting.due(state, today: q.today)
                let n = try Int.fetchOne(db, sql: "SELECT count(*) FROM elder e \(counting.whereClause)",
                                         arguments: counting.arguments) ?? 0
                if state == .overdue { page.overdue = n } else { page.dueSoon = n }
            }
        }
        return page
    }

    /// `scope` without its village list when that list holds every village of the ledger (a county
    /// supervisor or admin): the same elders, but SQL can then count through an index instead of
    /// checking the village of every row (0.66 s against 0.03 s at 100,000 elders).
    static func simplified(_ scope: AccessScope, _ db: Database) throws -> AccessScope {
        guard let villages = scope.villageIDs, !villages.isEmpty else { return scope }
        let all = try String.fetchAll(db, sql: "SELECT id FROM place WHERE level = 'village'")
        guard all.count <= villages.count,
              all.allSatisfy({ UUID(uuidString: $0).map(villages.contains) ?? false }) else { return scope }
        var wider = scope
        wider.villageIDs = nil
        return wider
    }

    static func orderBy(_ sort: RosterSort, descending: Bool) -> String {
        let dir = descending ? "DESC" : "ASC"
        let tie = "e.pinyinFull, e.name, e.id"
        switch sort {
        case .name: return "e.pinyinFull \(dir), e.name \(dir), e.id"
        case .village: return "p.name \(dir), \(tie)"
        // Older first means an earlier birth date; unknown ages go last either way.
        case .age: return "e.birthDate IS NULL, e.birthDate \(descending ? "ASC" : "DESC"), \(tie)"
        case .risk:
            return "CASE e.riskLevel WHEN 'high' THEN 2 WHEN 'medium' THEN 1 ELSE 0 END \(dir), e.riskScore \(dir), \(tie)"
        // Never visited sorts as the oldest visit.
        case .lastVisit: return "e.lastVisitAt \(dir) NULLS \(descending ? "LAST" : "FIRST"), \(tie)"
        // Inactive elders (no due date) go last either way.
        case .nextDue: return "e.dueDate IS NULL, e.dueDate \(dir), \(tie)"
        }
    }
}

/// WHERE clauses with their arguments, built from a query's filters.
struct SQLFilter {
    var clauses: [String] = []
    var arguments = StatementArguments()

    mutating func add(_ clause: String, _ values: (any DatabaseValueConvertible)?...) {
        clauses.append(clause)
        arguments += StatementArguments(values)
    }

    var whereClause: String { clauses.isEmpty ? "" : "WHERE " + clauses.map { "(\($0))" }.joined(separator: " AND ") }

    mutating func scope(_ scope: AccessScope, elder e: String) {
        if let villages = scope.villageIDs {
            if villages.isEmpty {
                clauses.append("0")
            } else {
                let marks = Array(repeating: "?", count: villages.count).joined(separator: ", ")
                clauses.append("\(e).villageId IN (\(marks))")
                arguments += StatementArguments(villages.map(\.uuidString).sorted())
            }
        }
        if let visitor = scope.visitorID { add("\(e).visitorId = ?", visitor.uuidString) }
    }

    /// The due state of `ElderSummary.dueState(today:)`, as comparisons on the stored due date.
    mutating func due(_ state: DueState, today: LocalDate) {
        let soon = today.adding(days: ElderSummary.dueSoonDays).description
        switch state {
        case .inactive: add("e.dueDate IS NULL")
        case .overdue: add("e.dueDate < ?", today.description)
        case .dueSoon: add("e.dueDate >= ? AND e.dueDate < ?", today.description, soon)
        case .ok: add("e.dueDate >= ?", soon)
        }
    }

    /// Name substring, pinyin initials or full pinyin, or the trailing digits of an ID number
    /// or phone.
    mutating func search(_ text: String) {
        let query = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !query.isEmpty else { return }
        var parts = ["instr(e.name, ?) > 0"]
        var values: [(any DatabaseValueConvertible)?] = [query]
        // 努尔卡 finds 努尔·卡德尔: a Chinese search without the dots of a name skips them (Search.nameDots).
        if !query.contains(where: { Search.nameDots.contains($0) }) && !query.allSatisfy(\.isASCII) {
            parts.append("instr(replace(replace(replace(e.name, '\u{00B7}', ''), '\u{2022}', ''), '\u{30FB}', ''), ?) > 0")
            values.append(query)
        }
        let compact = String(query.lowercased().filter { !$0.isWhitespace })
        if compact.allSatisfy({ $0.isASCII && $0.isLetter }) {
            parts.append("instr(e.pinyinInitials, ?) > 0")
            parts.append("instr(replace(e.pinyinFull, ' ', ''), ?) > 0")
            values += [compact, compact]
        }
        let tail = IDNumber.normalize(query)
        if tail.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "X") }) {
            // The stored tail holds 6 characters; a longer query compares with the whole number.
            parts.append(tail.count <= 6 ? "substr(e.idTail, -?) = ?" : "substr(e.idNumber, -?) = ?")
            values += [tail.count, tail]
            if tail.allSatisfy(\.isNumber) {
                parts.append("substr(e.phoneDigits, -?) = ?")
                values += [tail.count, tail]
            }
        }
        clauses.append(parts.joined(separator: " OR "))
        arguments += StatementArguments(values)
    }
}

// MARK: - Elder file, follow-ups

extension Ledger {
    /// Everything the elder file shows, or nil when there is no such elder.
    /// A record combined into another (`combineElders`) gives the file of the record kept.
    public func elderFile(id: UUID) throws -> ElderFile? {
        try read { db in
            var found = try ElderRecord.fetchOne(db, key: id.uuidString)
            if found == nil, let kept = try Ledger.keptElderID(db, id) { found = try ElderRecord.fetchOne(db, key: kept.uuidString) }
            guard let record = found else { return nil }
            let elder = try record.elder()
            guard let village = try PlaceRecord.fetchOne(db, key: record.villageId)?.place() else {
                throw LedgerError.notFound(table: "place", id: elder.villageID)
            }
            let visits = try VisitRecord.filter(Column("elderId") == record.id)
                .order(Column("at").desc, Column("createdAt").desc).fetchAll(db).map { try $0.visit() }
            let followUps = try FollowUpRecord
                .filter(sql: "elderId = ?", arguments: [record.id])
                .order(sql: "status IN ('open', 'inProgress') DESC, due ASC, openedAt DESC")
                .fetchAll(db).map { try $0.followUp() }
            var ids = Set(visits.flatMap(\.visitorIDs))
            ids.formUnion(followUps.compactMap(\.ownerID))
            if let v = elder.visitorID { ids.insert(v) }
            let visitors = try VisitorRecord.fetchAll(db, keys: ids.map(\.uuidString)).map { try $0.visitor() }
            let names = Dictionary(visitors.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
            let summary = try record.summary()
            let periods = try activePeriods(db, today: summary.computedOn).filter { $0.covers(elder) }
                .sorted { $0.from < $1.from }
            return ElderFile(elder: elder, summary: summary, village: village,
                             visitor: visitors.first { $0.id == elder.visitorID },
                             visits: visits, followUps: followUps, visitorNames: names, periods: periods,
                             duplicates: try possibleDuplicates(db, record, elder))
        }
    }

    /// The other records that may be `elder`'s person: the same duplicate key (`dupKey`: ID
    /// number, or name and birth date without one), or, between a record with an ID number and one
    /// without, the same name and birth date.
    func possibleDuplicates(_ db: Database, _ record: ElderRecord, _ elder: Elder) throws -> [PossibleDuplicate] {
        var records: [ElderRecord] = []
        if let key = record.dupKey {
            records += try ElderRecord.fetchAll(db, sql: "SELECT * FROM elder WHERE dupKey = ? AND id <> ?",
                                                arguments: [key, record.id])
        }
        if let birth = elder.birthDate {
            // Same name and birth date, one with an ID number and one without.
            let other = elder.idNumber == nil ? "idNumber IS NOT NULL" : "idNumber IS NULL"
            records += try ElderRecord.fetchAll(db, sql: """
                SELECT * FROM elder INDEXED BY elder_roster WHERE pinyinFull = ? AND name = ? AND birthDate = ?
                  AND id <> ? AND \(other)
                """, arguments: [record.pinyinFull, record.name, StoreCoding.text(birth), record.id])
        }
        return try records.map { r in
            PossibleDuplicate(elder: try r.elder(),
                              villageName: try String.fetchOne(db, sql: "SELECT name FROM place WHERE id = ?",
                                                               arguments: [r.villageId]) ?? "",
                              visitCount: try Int.fetchOne(db, sql: "SELECT count(*) FROM visit WHERE elderId = ?",
                                                           arguments: [r.id]) ?? 0,
                              followUpCount: try Int.fetchOne(db, sql: "SELECT count(*) FROM followUp WHERE elderId = ?",
                                                              arguments: [r.id]) ?? 0)
        }
    }

    /// The follow-up queue (待办): open ones first, overdue before due, earliest due first;
    /// closed ones (when asked for) after, most recently closed first. `q.offset` and `q.limit`
    /// give a window of it.
    /// Reads the named columns by index (no GRDB row dictionaries); names and villages come from
    /// the covering index `elder_name` (CROSS JOIN keeps follow-ups as the outer loop, which
    /// SQLite would otherwise swap for the places under a village scope). `followUpsReference` is the plain query tests compare with.
    public func followUps(_ q: FollowUpQuery, now: LocalDateTime) throws -> [FollowUpRow] {
        try read { db in
            if let pass = try followUpSearchPass(db, q, now: now) {
                return try followUpRows(db, q, now: now, rowids: pass.rowids)
            }
            return try followUpRows(db, q, now: now, rowids: nil)
        }
    }

    /// A window of the follow-up queue; the first window also counts the whole queue (rows and
    /// overdue), so a screen shows 41,000 open follow-ups without reading them. A search of the
    /// open queue runs on the roster index (`followUpSearchPass`); `onIndex: false` keeps it in
    /// SQL (the reference tests compare with).
    public func followUpPage(_ q: FollowUpQuery, now: LocalDateTime) throws -> FollowUpPage {
        let page = try followUpPage(q, now: now, onIndex: true)
        // The queue on screen without a search: its kept copy is read before the first `/` key.
        if Self.openOnly(q), q.offset == 0, FollowUpNeedle(q.search) == nil { warmFollowUpSearch() }
        return page
    }

    /// Reads the open queue for the search (and numbers the roster index's ids, when the index is
    /// current) off the caller's thread, unless that is under way; a no-op when both are up to date.
    func warmFollowUpSearch() {
        guard followUpQueueCache.startWarming() else { return }
        DispatchQueue.global(qos: .utility).asyncAfter(deadline: .now() + .milliseconds(100)) { [self] in
            _ = try? read { db in
                _ = try rosterCache.searchableIndex(db, building: false)
                _ = try followUpQueueCache.queue(db, warming: true)
            }
            followUpQueueCache.warmEnded()
        }
    }

    func followUpPage(_ q: FollowUpQuery, now: LocalDateTime, onIndex: Bool) throws -> FollowUpPage {
        try read { db in
            if onIndex, let pass = try followUpSearchPass(db, q, now: now) {
                let rows = try followUpRows(db, q, now: now, rowids: pass.rowids)
                let first = q.offset == 0
                return FollowUpPage(query: q, rows: rows, total: first ? pass.total : nil, overdue: first ? pass.overdue : nil)
            }
            guard q.offset == 0, let limit = q.limit else {
                let rows = try followUpRows(db, q, now: now, rowids: nil)
                return FollowUpPage(query: q, rows: rows, total: q.offset == 0 ? rows.count : nil,
                                    overdue: q.offset == 0 ? rows.count(where: { $0.followUp.isOverdue(now: now) }) : nil)
            }
            let (filter, _, joins) = try followUpFilter(db, q, now: now)
            if filter.clauses.contains("0") { return FollowUpPage(query: q, rows: [], total: 0, overdue: 0) }
            // A search has to test every row anyway: one pass over the index counts every row and
            // keeps the window's rowids (the elders' names are matched once, not once per query),
            // then only the window's rows are read.
            if joins.searching {
                let pass = try followUpWindow(db, q, now: now)
                let rows = try followUpRows(db, q, now: now, rowids: pass.rowids)
                return FollowUpPage(query: q, rows: rows, total: pass.total, overdue: pass.overdue)
            }
            let rows = try followUpRows(db, q, now: now, rowids: nil)
            if rows.count < limit {
                return FollowUpPage(query: q, rows: rows, total: rows.count,
                                    overdue: rows.count(where: { $0.followUp.isOverdue(now: now) }))
            }
            // Only the joins the filter needs: the county's open queue is counted on the partial
            // index alone (every follow-up has an elder and a village, so inner joins add nothing).
            var arguments: StatementArguments = [now.description]
            arguments += filter.arguments
            let row = try Row.fetchOne(db, sql: """
                SELECT count(*), total(f.status IN ('open', 'inProgress') AND f.due < ?)
                FROM followUp f \(Self.openOnly(q) ? "INDEXED BY followUp_open_queue" : "")
                \(joins.elder ? "CROSS JOIN elder e INDEXED BY elder_name ON e.id = f.elderId" : "")
                \(filter.whereClause)
                """, arguments: arguments)!
            return FollowUpPage(query: q, rows: rows, total: row[0], overdue: Int(row[1] as Double))
        }
    }

    /// Open ones only (the queue as it opens): every row is open and an earlier due is overdue
    /// first, so the order is the due date's, which the partial index gives without sorting the
    /// county's open follow-ups; a window then reads only its rows. (One elder's queue is read on
    /// its own index.)
    static func openOnly(_ q: FollowUpQuery) -> Bool { !q.includeClosed && q.elderID == nil }

    /// The queue's order: open-only queues by due date (see `openOnly`); `?` is now.
    private static func followUpOrder(_ q: FollowUpQuery, _ order: String) -> String {
        openOnly(q) ? "f.due, f.closingAt DESC, e.name, f.id" : order
    }

    /// Every row of the queue in order on the index alone (`followUp_open_queue` holds every column
    /// the filter and the search test): how many, how many overdue, and the rowids of `q`'s window.
    private func followUpWindow(_ db: Database, _ q: FollowUpQuery, now: LocalDateTime) throws
        -> (rowids: [Int64], total: Int, overdue: Int) {
        let (filter, order, _) = try followUpFilter(db, q, now: now)
        if filter.clauses.contains("0") { return ([], 0, 0) }
        let openOnly = Self.openOnly(q)
        let statement = try db.makeStatement(sql: """
            SELECT f.rowid, f.status IN ('open', 'inProgress') AND f.due < ?
            FROM followUp f \(openOnly ? "INDEXED BY followUp_open_queue" : "")
            CROSS JOIN elder e INDEXED BY elder_name ON e.id = f.elderId
            \(filter.whereClause)
            ORDER BY \(Self.followUpOrder(q, order))
            """)
        var arguments: StatementArguments = [now.description]
        arguments += filter.arguments
        if !openOnly { arguments += [now.description] }
        statement.arguments = arguments
        let window = q.offset..<(q.offset + (q.limit ?? Int.max - q.offset))
        let c = RawColumns(statement)
        var rowids: [Int64] = [], total = 0, overdue = 0
        let cursor = try Row.fetchCursor(statement)
        while try cursor.next() != nil {
            if window.contains(total) { rowids.append(Int64(c.int(0))) }
            if c.int(1) != 0 { overdue += 1 }
            total += 1
        }
        return (rowids, total, overdue)
    }

    /// The queue's rows in `q`'s window, or the rows with `rowids` in that order.
    private func followUpRows(_ db: Database, _ q: FollowUpQuery, now: LocalDateTime, rowids: [Int64]?) throws
        -> [FollowUpRow] {
        let (filter, order, _) = try followUpFilter(db, q, now: now)
        // A scope of no villages has no rows (and SQLite finds no plan for "0" on a forced index).
        if filter.clauses.contains("0") { return [] }
        if let rowids, rowids.isEmpty { return [] }
        let openOnly = Self.openOnly(q)
        let statement: Statement
        if let rowids {
            statement = try db.makeStatement(sql: """
                SELECT f.id, f.elderId, f.visitId, f.type, f.ownerId, f.openedAt, f.due, f.status, f.detail,
                       f.closingAction, f.closingAt, f.closingBy, e.name, p.name, v.name, f.rowid
                FROM followUp f
                CROSS JOIN elder e INDEXED BY elder_name ON e.id = f.elderId
                CROSS JOIN place p ON p.id = e.villageId
                LEFT JOIN visitor v ON v.id = f.ownerId
                WHERE f.rowid IN (\(rowids.map(String.init).joined(separator: ",")))
                """)
        } else {
            statement = try db.makeStatement(sql: """
                SELECT f.id, f.elderId, f.visitId, f.type, f.ownerId, f.openedAt, f.due, f.status, f.detail,
                       f.closingAction, f.closingAt, f.closingBy, e.name, p.name, v.name, f.rowid
                FROM followUp f \(openOnly ? "INDEXED BY followUp_open_queue" : "")
                CROSS JOIN elder e INDEXED BY elder_name ON e.id = f.elderId
                CROSS JOIN place p ON p.id = e.villageId
                LEFT JOIN visitor v ON v.id = f.ownerId
                \(filter.whereClause)
                ORDER BY \(Self.followUpOrder(q, order))
                \(q.limit == nil ? "" : "LIMIT ? OFFSET ?")
                """)
            var arguments = filter.arguments
            if !openOnly { arguments += [now.description] }
            if let limit = q.limit { arguments += [limit, q.offset] }
            statement.arguments = arguments
        }
        let c = RawColumns(statement)
        // Types and statuses are a handful of codes: decode each text once.
        var types: [String: FollowUpType] = [:], statuses: [String: FollowUpStatus] = [:]
        var rows: [FollowUpRow] = []
        var rowidsRead: [Int64] = []
        let cursor = try Row.fetchCursor(statement)
        while try cursor.next() != nil {
            let statusText = c.string(7)!
            let typeText = c.string(3)!
            let type: FollowUpType, status: FollowUpStatus
            if let t = types[typeText] {
                type = t
            } else {
                type = try StoreCoding.enumValue(FollowUpType.self, typeText, column: "followUp.type")
                types[typeText] = type
            }
            if let t = statuses[statusText] {
                status = t
            } else {
                status = try StoreCoding.enumValue(FollowUpStatus.self, statusText, column: "followUp.status")
                statuses[statusText] = status
            }
            var closing: ClosingRecord?
            if let action = c.string(9), let by = c.string(11), !c.isNull(10) {
                closing = ClosingRecord(action: action, at: try c.dateTime(10, "followUp.closingAt")!, by: by)
            }
            let followUp = FollowUp(
                id: try c.uuid(0, "followUp.id"), elderID: try c.uuid(1, "followUp.elderId"),
                visitID: try c.isNull(2) ? nil : c.uuid(2, "followUp.visitId"), type: type,
                ownerID: try c.isNull(4) ? nil : c.uuid(4, "followUp.ownerId"),
                openedAt: try c.dateTime(5, "followUp.openedAt")!, due: try c.dateTime(6, "followUp.due")!,
                status: status, detail: c.string(8)!, closing: closing)
            rows.append(FollowUpRow(followUp: followUp, elderName: c.string(12)!, villageName: c.string(13)!,
                                    ownerName: c.string(14)))
            rowidsRead.append(Int64(c.int(15)))
        }
        guard let rowids else { return rows }
        // Back into the queue's order, which the first pass found.
        var rank: [Int64: Int] = [:]
        for (i, rowid) in rowids.enumerated() { rank[rowid] = i }
        let ranked: [(Int, FollowUpRow)] = zip(rowidsRead, rows).map { (rank[$0.0] ?? Int.max, $0.1) }
        return ranked.sorted { $0.0 < $1.0 }.map(\.1)
    }

    /// The queue's filter and order (the `?` of the order comes after the filter's), and which
    /// joins the filter refers to.
    private func followUpFilter(_ db: Database, _ q: FollowUpQuery, now: LocalDateTime) throws
        -> (SQLFilter, String, joins: (elder: Bool, searching: Bool)) {
        var filter = SQLFilter()
        let scope = try Ledger.simplified(q.scope, db)
        filter.scope(scope, elder: "e")
        if let owner = q.ownerID { filter.add("f.ownerId = ?", owner.uuidString) }
        if let type = q.type { filter.add("f.type = ?", type.rawValue) }
        if let village = q.villageID { filter.add("e.villageId = ?", village.uuidString) }
        if let elder = q.elderID { filter.add("f.elderId = ?", elder.uuidString) }
        if !q.includeClosed { filter.add("f.status IN ('open', 'inProgress')") }
        let searching = Self.followUpSearch(q.search, into: &filter)
        let elder = scope.villageIDs != nil || scope.visitorID != nil || q.villageID != nil || searching
        return (filter, """
            f.status IN ('open', 'inProgress') DESC, f.due < ? DESC, f.due ASC, f.closingAt DESC, e.name, f.id
            """, (elder, searching))
    }

    /// The `/` search of the queue in SQL (it was a filter over every loaded row in the screen):
    /// a part of the name, village, detail or owner; ASCII letters also match the name's pinyin,
    /// initials or whole syllables run together. The names and pinyin come from `elder_roster`,
    /// a covering index, once per search rather than per follow-up. SQLite's lower() folds ASCII
    /// only, which is all that has case in these columns (names and villages are Chinese).
    @discardableResult
    static func followUpSearch(_ text: String, into filter: inout SQLFilter) -> Bool {
        let needle = text.trimmingCharacters(in: .whitespaces).lowercased()
        guard !needle.isEmpty else { return false }
        var names = ["instr(lower(name), ?) > 0"]
        // 努尔卡 finds 努尔·卡德尔, as on the roster.
        if !needle.contains(where: { Search.nameDots.contains($0) }) && !needle.allSatisfy(\.isASCII) {
            names.append("instr(replace(replace(replace(name, '\u{00B7}', ''), '\u{2022}', ''), '\u{30FB}', ''), ?) > 0")
        }
        if needle.allSatisfy({ $0.isASCII && $0.isLetter }) {
            names += ["instr(pinyinInitials, ?) > 0", "instr(replace(pinyinFull, ' ', ''), ?) > 0"]
        }
        // Villages and visitors are few: their matches are found once, then tested per row as set
        // membership on columns at hand rather than by joining each follow-up's place and owner.
        let clause = """
            f.elderId IN (SELECT id FROM elder INDEXED BY elder_roster WHERE \(names.joined(separator: " OR ")))
            OR e.villageId IN (SELECT id FROM place WHERE instr(lower(name), ?) > 0)
            OR instr(lower(f.detail), ?) > 0
            OR f.ownerId IN (SELECT id FROM visitor WHERE instr(lower(name), ?) > 0)
            """
        filter.clauses.append(clause)
        filter.arguments += StatementArguments(Array(repeating: needle, count: names.count + 3))
        return true
    }

    /// The follow-up queue decoded through `FollowUpRecord`: the reference for `followUps`.
    func followUpsReference(_ q: FollowUpQuery, now: LocalDateTime) throws -> [FollowUpRow] {
        try read { db in
            let (filter, order, _) = try followUpFilter(db, q, now: now)
            let sql = """
                SELECT f.*, e.name AS elderName, p.name AS villageName, v.name AS ownerName
                FROM followUp f
                JOIN elder e ON e.id = f.elderId
                JOIN place p ON p.id = e.villageId
                LEFT JOIN visitor v ON v.id = f.ownerId
                \(filter.whereClause)
                ORDER BY \(order)
                """
            var arguments = filter.arguments
            arguments += [now.description]
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
                FollowUpRow(followUp: try FollowUpRecord(row: row).followUp(), elderName: row["elderName"],
                            villageName: row["villageName"], ownerName: row["ownerName"])
            }
        }
    }
}

// MARK: - Supervision and reports

extension Ledger {
    /// The red flags a user with `scope` may see. They are evaluated over the whole ledger (a
    /// duplicate across villages is still a duplicate), then kept when their elder or village is in scope.
    /// Reads only the elders that can have a flag (derived columns, see ElderRecord+Flags.swift).
    public func redFlags(today: LocalDate, now: LocalDateTime, scope: AccessScope = .everything) throws -> [RedFlag] {
        try fastRedFlags(today: today, now: now, scope: scope)
    }

    /// The red-flag list the reference way: every elder, their summaries and open follow-ups, and
    /// last month's village visit rates, run through the Core engine. Tests compare with it.
    func redFlagsReference(today: LocalDate, now: LocalDateTime, scope: AccessScope = .everything) throws -> [RedFlag] {
        let (elders, summaries, open) = try read { db in
            var elders: [Elder] = []
            var summaries: [UUID: ElderSummary] = [:]
            for r in try ElderRecord.fetchAll(db) {
                let e = try r.elder()
                elders.append(e)
                summaries[e.id] = try r.summary()
            }
            let open = try FollowUpRecord.filter(sql: "status IN ('open', 'inProgress')").fetchAll(db)
                .map { try $0.followUp() }
            return (elders, summaries, open)
        }
        // The target is judged on the last complete month: the current one is still under way.
        let report = try monthlyReportReference(month: today.yearMonth.adding(months: -1), elders: elders, now: nil)
        var engine = RedFlagEngine(rules: rules.redFlags)
        engine.villageNames = try read { db in try Ledger.villageNames(db) }
        let flags = engine.evaluate(
            elders: elders, summaries: summaries, openFollowUps: open, villageRates: report.villages,
            today: today, now: now)
        guard scope != .everything else { return flags }
        let byID = Dictionary(elders.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        return flags.filter { flag in
            if let id = flag.elderID { return byID[id].map(scope.allows) ?? false }
            guard let village = flag.villageID, scope.visitorID == nil else { return false }
            return scope.villageIDs?.contains(village) ?? true
        }
    }

    /// The monthly report: visit rates by village, category and method, follow-ups opened and
    /// closed, and who was not visited, over the elders `scope` allows (a clerk's village, a
    /// township…). Counts in one pass over the elders and one over that month's visits.
    /// With `now` in the month, its overdue follow-ups are those past due at `now`.
    public func monthlyReport(month: YearMonth, scope: AccessScope = .everything,
                              now: LocalDateTime? = nil) throws -> MonthlyReport {
        try fastMonthlyReport(month: month, scope: scope, now: now)
    }

    /// The monthly report the reference way (`MonthlyStatistics.compute` over every elder in
    /// scope). Tests compare with it.
    func monthlyReportReference(month: YearMonth, scope: AccessScope = .everything,
                                now: LocalDateTime? = nil) throws -> MonthlyReport {
        guard scope != .everything else { return try monthlyReportReference(month: month, elders: nil, now: now) }
        let elders = try read { db in try ElderRecord.fetchAll(db).map { try $0.elder() } }.filter(scope.allows)
        return try monthlyReportReference(month: month, elders: elders, now: now)
    }

    private func monthlyReportReference(month: YearMonth, elders known: [Elder]?, now: LocalDateTime?) throws -> MonthlyReport {
        let (elders, facts, followUps) = try read { db in
            let elders = try known ?? ElderRecord.fetchAll(db).map { try $0.elder() }
            let facts = try visitFacts(db, month: month)
            // Follow-ups opened or closed in the month, still open, or open through the month and
            // closed after it.
            let first = month.firstDay.description, next = month.adding(months: 1).firstDay.description
            let followUps = try FollowUpRecord.filter(sql: """
                (openedAt >= ? AND openedAt < ?) OR (closingAt >= ? AND closingAt < ?)
                OR status IN ('open', 'inProgress') OR (openedAt < ? AND closingAt >= ?)
                """, arguments: [first, next, first, next, first, next])
                .fetchAll(db).map { try $0.followUp() }
            return (elders, facts, followUps)
        }
        var report = MonthlyStatistics.compute(month: month, elders: elders, visits: facts, followUps: followUps, now: now)
        report.villages = try read { db in try Ledger.inCodeOrder(report.villages, db) }
        return report
    }

    /// Each elder's last counted visit on or before `day` (none: not in the result), on the
    /// elder's visit index: a past month's list of who was not visited gives the last visit then.
    public func lastVisitDates(of elderIDs: [UUID], onOrBefore day: LocalDate) throws -> [UUID: LocalDate] {
        try read { db in
            // Backwards on the elder's visit index from the day's end: the first counted visit met is
            // the answer (max(date) read every visit of the elder up to the day: 10 s at county scale).
            let statement = try db.makeStatement(sql: """
                SELECT date FROM visit INDEXED BY visit_on_elderId_at WHERE elderId = ? AND at < ? AND \(Visit.countedSQL)
                ORDER BY at DESC LIMIT 1
                """)
            let end = day.adding(days: 1).description
            var result: [UUID: LocalDate] = [:]
            for id in elderIDs {
                if let text = try String.fetchOne(statement, arguments: [id.uuidString, end]) {
                    result[id] = try StoreCoding.date(text, column: "visit.date") as LocalDate
                }
            }
            return result
        }
    }

    /// Who was visited on which day and how, for `month` (attempts, `Visit.isAttempt`, left out).
    public func visitFacts(month: YearMonth) throws -> [VisitFact] {
        try read { db in try visitFacts(db, month: month) }
    }

    func visitFacts(_ db: Database, month: YearMonth) throws -> [VisitFact] {
        try Row.fetchAll(db, sql: """
            SELECT elderId, date, method FROM visit WHERE date >= ? AND date <= ? AND \(Visit.countedSQL) ORDER BY date
            """, arguments: [month.firstDay.description, month.lastDay.description]).map { row in
            VisitFact(elderID: try StoreCoding.uuid(row["elderId"] as String, column: "visit.elderId"),
                      date: try StoreCoding.date(row["date"] as String, column: "visit.date"),
                      method: try StoreCoding.enumValue(VisitMethod.self, row["method"] as String, column: "visit.method"))
        }
    }
}

// MARK: - Places, people, scope, audit

extension Ledger {
    /// Every place, ordered by level then code.
    // Places and visitors are read before the first frame (thousands of each in a county):
    // named columns by position, not records through Decodable (~11 µs a row, 90 ms at 100k).

    public func places() throws -> [Place] {
        try read { db in
            let rows = try Row.fetchCursor(db, sql: """
                SELECT id, code, name, level, parentId FROM place ORDER BY CASE level WHEN 'county' THEN 0
                WHEN 'township' THEN 1 WHEN 'village' THEN 2 ELSE 3 END, code, name
                """)
            var places: [Place] = []
            while let row = try rows.next() {
                places.append(Place(id: try StoreCoding.uuid(row[0] as String, column: "place.id"), code: row[1], name: row[2],
                                    level: try StoreCoding.enumValue(PlaceLevel.self, row[3] as String, column: "place.level"),
                                    parentID: try StoreCoding.uuid(row[4] as String?, column: "place.parentId")))
            }
            return places
        }
    }

    public func visitors() throws -> [Visitor] {
        try read { db in
            let rows = try Row.fetchCursor(db, sql: "SELECT id, name, role, phone, placeId FROM visitor ORDER BY name")
            var visitors: [Visitor] = []
            while let row = try rows.next() {
                visitors.append(Visitor(id: try StoreCoding.uuid(row[0] as String, column: "visitor.id"), name: row[1],
                                        role: try StoreCoding.enumValue(VisitorRole.self, row[2] as String, column: "visitor.role"),
                                        phone: row[3], placeID: try StoreCoding.uuid(row[4] as String?, column: "visitor.placeId")))
            }
            return visitors
        }
    }

    public func users() throws -> [User] {
        try read { db in try UserRecord.order(Column("name")).fetchAll(db).map { try $0.user() } }
    }

    public func user(named name: String) throws -> User? {
        try read { db in try UserRecord.filter(Column("name") == name).fetchOne(db)?.user() }
    }

    public func specialPeriods() throws -> [SpecialPeriod] {
        try read { db in try SpecialPeriodRecord.order(Column("startDate")).fetchAll(db).map { try $0.period() } }
    }

    /// What `user` may see: a grid worker the elders assigned to their visitor record, a clerk
    /// their village, a supervisor or admin every village under their area.
    public func scope(for user: User) throws -> AccessScope {
        let villages = Ledger.villages(under: user.areaID, in: try places())
        switch user.role {
        case .gridWorker:
            // Without a visitor record a grid worker sees nobody, rather than everybody.
            guard let visitor = user.visitorID else { return AccessScope(villageIDs: [], visitorID: nil) }
            return AccessScope(villageIDs: villages, visitorID: visitor)
        case .clerk, .supervisor, .admin:
            return AccessScope(villageIDs: villages, visitorID: nil)
        }
    }

    /// The villages at or below `areaID`; for a grid, its village.
    public static func villages(under areaID: UUID, in places: [Place]) -> Set<UUID> {
        let byID = Dictionary(places.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        guard let area = byID[areaID] else { return [] }
        if area.level == .grid { return area.parentID.map { [$0] } ?? [] }
        var children: [UUID: [Place]] = [:]
        for p in places { if let parent = p.parentID { children[parent, default: []].append(p) } }
        var result = Set<UUID>()
        var stack = [area]
        var seen = Set<UUID>()
        while let p = stack.popLast() {
            guard seen.insert(p.id).inserted else { continue }
            if p.level == .village { result.insert(p.id) }
            stack += children[p.id] ?? []
        }
        return result
    }

    /// Every audit row for a record, oldest first.
    public func auditTrail(recordID: UUID) throws -> [AuditEntry] {
        try read { db in
            try AuditRecord.filter(Column("recordId") == recordID.uuidString)
                .order(Column("at"), Column("rowid")).fetchAll(db).map { try $0.entry() }
        }
    }
}

extension Ledger {
    /// Names and villages of the given elders, for lists that show who a row is about
    /// (red flags, follow-ups) without loading each elder's file.
    public func elderNames(_ ids: Set<UUID>) throws -> [UUID: (name: String, villageID: UUID, visitorID: UUID?)] {
        guard !ids.isEmpty else { return [:] }
        return try read { db in
            var result: [UUID: (name: String, villageID: UUID, visitorID: UUID?)] = [:]
            // By primary key, a chunk at a time (SQLite's variable limit).
            let all = ids.map(\.uuidString)
            for start in stride(from: 0, to: all.count, by: 500) {
                let chunk = Array(all[start..<min(start + 500, all.count)])
                let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
                for row in try Row.fetchAll(db, sql: "SELECT id, name, villageId, visitorId FROM elder WHERE id IN (\(marks))",
                                            arguments: StatementArguments(chunk)) {
                    guard let id = UUID(uuidString: row[0]), let village = UUID(uuidString: row[2]) else { continue }
                    result[id] = (row[1], village, (row[3] as String?).flatMap(UUID.init(uuidString:)))
                }
            }
            return result
        }
    }
}
