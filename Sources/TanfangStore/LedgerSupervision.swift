import Foundation
import GRDB
#if canImport(GRDBSQLite)
import GRDBSQLite
#else
import SQLite3
#endif
import TanfangCore

// The red-flag list and the monthly report at county scale (100,000 elders). Both read only
// what they need, through indexes and tables kept at write time, and decode columns by index
// straight from SQLite. Most flags are open follow-ups past due: those come from the `redFlag`
// table (one short row per open follow-up of a living elder); visit, risk and deceased flags come
// from `elderFlag` (ElderFlagTable.swift); both are kept by triggers, so the flags raised today
// are a comparison with today or now, not a recompute. The Core rules stay the reference:
// `RedFlagEngine.evaluate` runs over the few elders those rows cannot speak for (ID, duplicates,
// a change ahead); the report counts with the same rules as `MonthlyStatistics.compute`.
// `SupervisionEquivalenceTests` compare both with the reference path (`redFlagsReference`,
// `monthlyReportReference`).

extension Ledger {
    /// `redFlags(today:now:scope:)` with the names of the elders the flags concern (what the
    /// red-flag screen shows), read in the same pass instead of looked up again.
    public func redFlagList(today: LocalDate, now: LocalDateTime, scope: AccessScope = .everything) throws
        -> (flags: [RedFlag], elderNames: [UUID: String]) {
        try fastRedFlagList(today: today, now: now, scope: scope)
    }

    func fastRedFlags(today: LocalDate, now: LocalDateTime, scope: AccessScope) throws -> [RedFlag] {
        try fastRedFlagList(today: today, now: now, scope: scope).flags
    }

    func fastRedFlagList(today: LocalDate, now: LocalDateTime, scope: AccessScope) throws
        -> (flags: [RedFlag], elderNames: [UUID: String]) {
        try read { db in
            let live = try liveElders(db, today: today)
            // The target is judged on the last complete month: the current one is still under way.
            let rates = try villageRates(db, month: today.yearMonth.adding(months: -1))
            // The engine evaluates the live elders in full. Follow-up flags are not asked of it (it
            // gets no follow-ups), nor deceasedStillActive, which `elderFlag` keeps for every elder.
            var engine = RedFlagEngine(rules: rules.redFlags)
            engine.villageNames = try Ledger.villageNames(db)
            let engineFlags = Ledger.cut(engine.evaluate(
                elders: live.elders, summaries: live.summaries, openFollowUps: [], villageRates: rates,
                today: today, now: now, validIDs: live.validIDs), to: scope, elders: live.elders)
            var names: [UUID: String] = [:]
            // A county's flags concern some 50,000 elders: room for them at once, not by doubling.
            names.reserveCapacity(1 << 16)
            // Visit and risk flags of elders whose stored state holds today come from `elderFlag`;
            // the engine's count only for the others (a status change or ID birth date ahead).
            var unsettled = [[(flag: RedFlag, order: Int)]](repeating: [], count: RedFlagKind.allCases.count)
            var others = [[RedFlag]](repeating: [], count: RedFlagKind.allCases.count)
            for flag in engineFlags {
                let k = RedFlagEngine.kindOrder[flag.kind]!
                if let id = flag.elderID, ElderFlagTable.kinds.contains(flag.kind) {
                    // deceasedStillActive does not depend on the day: always the stored one.
                    guard flag.kind != .deceasedStillActive, let order = live.unsettled[id] else { continue }
                    unsettled[k].append((flag, order))
                } else {
                    others[k].append(flag)
                }
                if let id = flag.elderID, names[id] == nil { names[id] = live.names[id] }
            }
            // Each kind appended in turn, in the list's order, so no flag is copied twice.
            var flags: [RedFlag] = []
            flags.reserveCapacity(1 << 16)
            for (k, kind) in RedFlagKind.allCases.enumerated() {
                switch kind {
                case _ where ElderFlagTable.kinds.contains(kind):
                    try storedElderFlags(db, kind: kind, today: today, scope: scope, unsettled: unsettled[k],
                                         names: &names, into: &flags)
                case .followUpOverdue:
                    // Both follow-up kinds, which come next to each other in the list's order.
                    try followUpFlags(db, now: now, scope: scope, names: &names, into: &flags)
                case .emergencyNotClosed:
                    break
                default:
                    flags += others[k]
                }
            }
            return (flags, names)
        }
    }

    /// The stored flags of one visit or risk `kind` (`elderFlag`) raised on `today` of elders in
    /// `scope` whose stored state holds today, merged with the engine's `unsettled` ones: worst
    /// first, then in table order. Fills `names` with the elders' names.
    private func storedElderFlags(_ db: Database, kind: RedFlagKind, today: LocalDate, scope: AccessScope,
                                  unsettled: [(flag: RedFlag, order: Int)], names: inout [UUID: String],
                                  into flags: inout [RedFlag]) throws {
        let todayText = StoreCoding.text(today)
        let day = today.dayNumber
        let r = rules.redFlags
        // Kinds whose rank is always 0 ask for rank = 0, so that the primary key's range covers the
        // anchor too: `rank <= 0` leaves SQLite a range on rank only, and it read every overdue-visit
        // row (~74,000 at 100k) to find the ~3,000 raised today.
        let rankTest = ElderFlagTable.rankedKinds.contains(kind) ? "rank <= ?3" : "rank = ?3"
        let statement = try db.cachedStatement(sql: """
            SELECT rank, anchor, elderOrder, elderId, villageId, visitorId, elderName, detail
            FROM elderFlag WHERE kind = ?1 AND \(rankTest) AND anchor < ?2 AND (until IS NULL OR until <= ?4)
            """)
        let none = RedFlagEngine.none
        // anchor < bound selects the raised ones: '' (never) sorts before every date, and '~'
        // after every date.
        let bound: String, maxRank: Int
        switch kind {
        case .overdueVisit: bound = todayText; maxRank = 0
        case .highRiskNoHomeVisit: bound = StoreCoding.text(today.adding(days: -r.highRiskNoHomeVisitDays)); maxRank = 0
        case .disabledRemoteOnly: bound = StoreCoding.text(today.adding(days: -r.remoteOnlyDays)); maxRank = 0
        case .copiedAnswers: bound = "~"; maxRank = -r.copiedStreak
        default: bound = "~"; maxRank = 0
        }
        statement.arguments = [kind.rawValue, bound, maxRank, todayText]
        let reasonKey = RedFlagEngine.reasonKeys[kind]!
        let s = RawColumns(statement)
        var merged: [(flag: RedFlag, order: Int)] = []
        let rows = try Row.fetchCursor(statement)
        while try rows.next() != nil {
            guard let village = try s.village(4, visitor: 5, in: scope, table: "elderFlag") else { continue }
            let elderID = try s.uuid(3, "elderFlag.elderId")
            let anchorText = s.string(1)!
            let anchor = anchorText.isEmpty ? nil : try s.date(1, "elderFlag.anchor")
            let detail = s.string(7)
            let args: [String], severity: Int
            switch kind {
            case .overdueVisit:
                let late = day - anchor!.dayNumber
                args = [anchorText, String(late)]; severity = late
            case .highRiskNoHomeVisit:
                // Never visited at home (detail 'never'): the anchor is the registration day.
                let gap = anchor.map { day - $0.dayNumber }
                args = [anchor == nil ? none : anchorText, gap.map(String.init) ?? none]
                severity = gap ?? RedFlagEngine.neverSeverity
            case .disabledRemoteOnly:
                // detail: 'n' when never visited at home (the anchor is then the registration day), then the last visit's day.
                let gap = anchor.map { day - $0.dayNumber }
                let last = detail.map { $0.hasPrefix("n") ? String($0.dropFirst()) : $0 }
                args = [anchor == nil ? none : anchorText, last ?? none]
                severity = gap ?? RedFlagEngine.neverSeverity
            case .copiedAnswers:
                let streak = -s.int(0)
                args = [String(streak)]; severity = streak
            case .deceasedStillActive:
                // detail: the death's date, then the last visit's when it came after.
                severity = -s.int(0)
                let text = detail ?? ""
                let death = String(text.prefix(10)), after = String(text.dropFirst(10))
                args = [death, after.isEmpty ? none : after, String(severity - (after.isEmpty ? 0 : 1))]
            default:
                args = [detail ?? none]; severity = 1
            }
            if names[elderID] == nil { names[elderID] = s.string(6)! }
            let never = kind == .highRiskNoHomeVisit && detail != nil
            let home = kind == .overdueVisit && detail != nil
            let remoteNever = kind == .disabledRemoteOnly && detail?.hasPrefix("n") == true
            var key = never ? RedFlagEngine.neverHomeVisitedKey
                : home ? RedFlagEngine.overdueHomeVisitKey
                : remoteNever ? RedFlagEngine.disabledNeverHomeVisitedKey : reasonKey
            if kind == .deceasedStillActive {
                key = RedFlagEngine.deceasedReasonKey(visitAfter: args[1] != none, openFollowUps: Int(args[2]) ?? 0)
            }
            let flag = RedFlag(kind: kind, elderID: elderID, villageID: village,
                               reasonKey: key,
                               reasonArgs: args, severity: severity)
            if unsettled.isEmpty { flags.append(flag) } else { merged.append((flag, s.int(2))) }
        }
        guard !unsettled.isEmpty else { return }
        // Worst first, then table order: the engine's order.
        merged += unsettled
        merged.sort { a, b in a.flag.severity != b.flag.severity ? a.flag.severity > b.flag.severity : a.order < b.order }
        for m in merged { flags.append(m.flag) }
    }

    /// The elders the list evaluates in full (`RedFlagEngine`), with what the engine reads of them.
    struct LiveElders {
        /// In table order (the reference's input order).
        var elders: [Elder]
        var summaries: [UUID: ElderSummary]
        /// Those whose ID number is known valid today.
        var validIDs: Set<UUID>
        /// Those whose stored state may not hold today (flagUntil after today), with their table order:
        /// their visit and risk flags are the engine's, not `elderFlag`'s.
        var unsettled: [UUID: Int]
        var names: [UUID: String]
    }

    /// The elders that can have an ID or duplicate flag today, and those with a status change or
    /// ID birth date ahead (whose visit and risk flags the engine decides). Visit, risk and
    /// deceased flags of the others are read from `elderFlag`.
    private func liveElders(_ db: Database, today: LocalDate) throws -> LiveElders {
        let todayText = StoreCoding.text(today)
        let columns = """
            id, name, idNumber, birthDate, villageId, visitorId, categoryMask, disabilityDegree,
            status, statusFrom, idValidFrom, nextDue, homeVisitDue, lastHomeVisit, lastVisitAt,
            lastVisitMethod, riskLevel, identicalStreak, lastVisitAllClear, visitCount, openFollowUps,
            statusFrom > ?1, rowid, flagUntil > ?1
            """
        // Each part on its own index; the status history is read only when it changes after today.
        let live = try db.makeStatement(sql: """
            SELECT \(columns) FROM elder WHERE rowid IN (
              SELECT rowid FROM elder INDEXED BY elder_on_idValidFrom WHERE idValidFrom IS NULL
              UNION SELECT rowid FROM elder INDEXED BY elder_on_idValidFrom WHERE idValidFrom > ?1
              UNION SELECT rowid FROM elder INDEXED BY elder_on_flagUntil WHERE flagUntil > ?1
              UNION SELECT rowid FROM elder INDEXED BY elder_on_dupKey WHERE dupKey IN (SELECT dupKey FROM sharedDupKey))
            """)
        live.arguments = [todayText]
        var unsettled: [UUID: Int] = [:]
        var names: [UUID: String] = [:]
        let historyStatement = try db.cachedStatement(sql: "SELECT statusHistory FROM elder WHERE rowid = ?")
        var ordered: [(rowid: Int, elder: Elder)] = []
        ordered.reserveCapacity(1 << 13)
        var summaries: [UUID: ElderSummary] = [:]
        summaries.reserveCapacity(1 << 13)
        var validIDs = Set<UUID>()
        do {
        let rows = try Row.fetchCursor(live)
        let s = RawColumns(live)
        while try rows.next() != nil {
            let id = try s.uuid(0, "elder.id")
            let rowid = s.int(22)
            let status = try StoreCoding.enumValue(ElderStatus.self, s.string(8)!, column: "elder.status")
            let history: [StatusChange]
            if s.int(21) != 0,
               let json = try String.fetchOne(historyStatement, arguments: [rowid]) {
                history = try ElderRecord.statusHistory(json)
            } else if let from = try s.date(9, "elder.statusFrom") {
                // The last change is on or before today: it alone decides the status on today.
                history = [StatusChange(date: from, status: status)]
            } else {
                history = []
            }
            let elder = Elder(
                id: id, name: s.string(1)!, idNumber: s.string(2), birthDate: try s.date(3, "elder.birthDate"),
                villageID: try s.uuid(4, "elder.villageId"), categories: Category.from(mask: s.int(6)),
                disabilityDegree: try s.string(7).map {
                    try StoreCoding.enumValue(DisabilityDegree.self, $0, column: "elder.disabilityDegree")
                },
                visitorID: try s.isNull(5) ? nil : s.uuid(5, "elder.visitorId"),
                statusHistory: history)
            ordered.append((rowid, elder))
            names[id] = elder.name
            if s.int(23) != 0 { unsettled[id] = rowid }
            if let valid = s.string(10), valid <= todayText { validIDs.insert(id) }
            summaries[id] = ElderSummary(
                elderID: id, lastVisit: try s.dateTime(14, "elder.lastVisitAt"),
                lastVisitMethod: try s.string(15).map {
                    try StoreCoding.enumValue(VisitMethod.self, $0, column: "elder.lastVisitMethod")
                },
                lastHomeVisit: try s.date(13, "elder.lastHomeVisit"), visitCount: s.int(19),
                nextDue: try s.date(11, "elder.nextDue"), homeVisitDue: try s.date(12, "elder.homeVisitDue"),
                risk: RiskAssessment(level: try StoreCoding.enumValue(RiskLevel.self, s.string(16)!,
                                                                     column: "elder.riskLevel"),
                                     score: 0, reasons: []),
                openFollowUps: s.int(20), identicalStreak: s.int(17), lastVisitAllClear: s.int(18) != 0,
                computedOn: today)
        }
        }
        // The reference's input order: table order.
        ordered.sort { $0.rowid < $1.rowid }
        let elders = ordered.map(\.elder)

        return LiveElders(elders: elders, summaries: summaries, validIDs: validIDs, unsettled: unsettled, names: names)
    }

    /// followUpOverdue and emergencyNotClosed, as `RedFlagEngine` words them, from the `redFlag`
    /// rows (open follow-ups of elders not deceased) of elders in `scope`: kind order, worst
    /// first, then the engine's input order (elders in table order, their follow-ups in table
    /// order). Fills `names` with the elders' names.
    private func followUpFlags(_ db: Database, now: LocalDateTime, scope: AccessScope,
                               names: inout [UUID: String], into flags: inout [RedFlag]) throws {
        let emergencyMinutes = rules.redFlags.emergencyHours * 60
        let typeIndex = "CASE type " + FollowUpType.allCases.enumerated()
            .map { "WHEN '\($1.rawValue)' THEN \($0)" }.joined(separator: " ") + " ELSE -1 END"
        // Emergencies are few: each is checked in full below. An overdue one is due before now.
        let statement = try db.makeStatement(sql: """
            SELECT kind = 'emergencyNotClosed', elderId, villageId, visitorId, elderName, elderOrder, followUpOrder,
              \(typeIndex), since, type, ownerId
            FROM redFlag WHERE kind = 'emergencyNotClosed' OR (kind = 'followUpOverdue' AND since < ?)
            """)
        statement.arguments = [StoreCoding.text(now)]
        // Sorted on two integer keys: kind rank and severity (worst first), then elder and
        // follow-up order (rowids, below 2^32); unique, so any sort gives the one order. Only the
        // keys and each entry's index are sorted (24 bytes moved, not the whole entry); the
        // flags are built after.
        struct Entry {
            var elderID: UUID
            var villageID: UUID
            var since: LocalDateTime
            /// The follow-up type's index in `typeKeys`; -1 for an emergency.
            var type: Int
            var owner: UUID?
        }
        var entries: [Entry] = []
        entries.reserveCapacity(1 << 15)
        var order: [(first: UInt64, second: UInt64, index: Int)] = []
        order.reserveCapacity(1 << 15)
        // The type as its index in `FollowUpType.allCases` (-1 for a value not among them), so no
        // row's text is made into a String.
        let typeKeys = FollowUpType.allCases.map { "followup.type.\($0.rawValue)" }
        // Each elder's name is kept once; elders already seen are marked by rowid, not hashed.
        var seen = [Bool](repeating: false, count: (try Int.fetchOne(db, sql: "SELECT max(rowid) FROM elder") ?? 0) + 1)
        let nowDay = now.date.dayNumber
        let s = RawColumns(statement)
        let rows = try Row.fetchCursor(statement)
        while try rows.next() != nil {
            guard let village = try s.village(2, visitor: 3, in: scope, table: "redFlag") else { continue }
            let since = try s.dateTime(8, "redFlag.since")!
            let elderID = try s.uuid(1, "redFlag.elderId")
            let rank: UInt64, severity: Int, type: Int
            if s.int(0) != 0 {
                let minutes = MonthlyStatistics.minutes(from: since, to: now)
                guard minutes > emergencyMinutes else { continue }
                rank = 1; severity = minutes / 60; type = -1
            } else {
                guard since < now else { continue }
                if s.int(7) >= 0 {
                    type = s.int(7)
                } else {
                    // Not a known type: the stored text, which names the bad value when it throws.
                    let value = try StoreCoding.enumValue(FollowUpType.self, s.string(9) ?? "", column: "redFlag.type")
                    type = FollowUpType.allCases.firstIndex(of: value)!
                }
                rank = 0; severity = nowDay - since.date.dayNumber
            }
            let elderOrder = s.int(5)
            if elderOrder >= 0, elderOrder < seen.count {
                if !seen[elderOrder] {
                    seen[elderOrder] = true
                    names[elderID] = s.string(4)!
                }
            } else if names[elderID] == nil {
                names[elderID] = s.string(4)!
            }
            // Severity is positive here (late days, or hours over the limit) and below 2^31.
            order.append((rank << 32 | UInt64(truncatingIfNeeded: Int(Int32.max) - severity),
                          UInt64(truncatingIfNeeded: elderOrder) << 32 | UInt64(truncatingIfNeeded: s.int(6)),
                          entries.count))
            entries.append(Entry(elderID: elderID, villageID: village, since: since, type: type,
                                 owner: s.isNull(10) ? nil : try s.uuid(10, "redFlag.ownerId")))
        }
        order.sort { a, b in a.first != b.first ? a.first < b.first : a.second < b.second }
        let overdueKey = RedFlagKind.followUpOverdue.reasonKey, emergencyKey = RedFlagKind.emergencyNotClosed.reasonKey
        for o in order {
            let e = entries[o.index]
            let severity = Int(Int32.max) - Int(o.first & 0xFFFF_FFFF)
            if e.type < 0 {
                flags.append(RedFlag(kind: .emergencyNotClosed, elderID: e.elderID, villageID: e.villageID,
                                     reasonKey: emergencyKey, reasonArgs: [StoreCoding.text(e.since), String(severity)],
                                     severity: severity, ownerID: e.owner))
            } else {
                flags.append(RedFlag(kind: .followUpOverdue, elderID: e.elderID, villageID: e.villageID,
                                     reasonKey: overdueKey,
                                     reasonArgs: [typeKeys[e.type], String(severity), StoreCoding.text(e.since.date)],
                                     severity: severity, ownerID: e.owner))
            }
        }
    }

    /// Flags evaluated over the whole ledger, kept when their elder or village is in scope.
    static func cut(_ flags: [RedFlag], to scope: AccessScope, elders: [Elder]) -> [RedFlag] {
        guard scope != .everything else { return flags }
        let byID = Dictionary(elders.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        return flags.filter { flag in
            if let id = flag.elderID { return byID[id].map(scope.allows) ?? false }
            guard let village = flag.villageID, scope.visitorID == nil else { return false }
            return scope.villageIDs?.contains(village) ?? true
        }
    }

    /// The villages' names by id (a duplicate's reason names the other record's village).
    static func villageNames(_ db: Database) throws -> [UUID: String] {
        var names: [UUID: String] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT id, name FROM place WHERE level = 'village'") {
            if let id = UUID(uuidString: row["id"]) { names[id] = row["name"] }
        }
        return names
    }

    // MARK: - Monthly report

    /// Villages in the order of their division codes (a township's together), which imports,
    /// merges and combining records do not change.
    static func inCodeOrder(_ villages: [VillageRate], _ db: Database) throws -> [VillageRate] {
        let code = try db.cachedStatement(sql: "SELECT code FROM place WHERE id = ?")
        let keyed = try villages.map { v in
            (key: (try String.fetchOne(code, arguments: [v.villageID.uuidString]) ?? "", v.villageID.uuidString), v)
        }
        return keyed.sorted { $0.key < $1.key }.map(\.1)
    }

    func fastMonthlyReport(month: YearMonth, scope: AccessScope, now: LocalDateTime? = nil) throws -> MonthlyReport {
        try read { db in
            let counts = try monthCounts(db, month: month, scope: scope, details: true)
            let stats = try followUpStats(db, month: month, scope: scope, now: now)
            return MonthlyReport(
                month: month, total: VisitRate(denominator: counts.total.0, visited: counts.total.1),
                villages: try Ledger.inCodeOrder(counts.villages, db),
                byCategory: (Category.allCases.map(\.rawValue) + [CategoryRate.advancedAge]).enumerated().map { i, code in
                    CategoryRate(category: code, denominator: counts.categories[i].0, visited: counts.categories[i].1)
                },
                byMethod: VisitMethod.allCases.enumerated().map { i, m in
                    MethodCount(method: m, visits: counts.methods[i].0, elders: counts.methods[i].1)
                },
                notVisited: counts.notVisited,
                followUps: stats)
        }
    }

    /// `MonthlyStatistics.followUpStats` over the follow-ups the reference reads (opened or closed
    /// in the month, or still open) of elders in scope. The open ones are only counted, in SQL on
    /// the covering index `followUp_open`; the closed ones opened or closed in the month (a few
    /// thousand) are read once, for the counts and the median time to close.
    func followUpStats(_ db: Database, month: YearMonth, scope: AccessScope,
                       now: LocalDateTime? = nil) throws -> FollowUpStats {
        let first = StoreCoding.text(month.firstDay), next = StoreCoding.text(month.adding(months: 1).firstDay)
        let monthEnd = LocalDateTime(date: month.lastDay, hour: 23, minute: 59)!
        // The current month is judged at `now`: due later this month is not late yet.
        let endTime = now.map { min($0, monthEnd) } ?? monthEnd
        let current = endTime < monthEnd
        let end = StoreCoding.text(endTime)
        // Open ones past due: due before `now` in the current month, due in or before the month otherwise.
        let dueBefore = current ? end : next
        var filter = SQLFilter()
        filter.scope(try Ledger.simplified(scope, db), elder: "e")
        let scoped = filter.clauses.isEmpty ? ""
            : "AND EXISTS (SELECT 1 FROM elder e INDEXED BY elder_name WHERE e.id = f.elderId AND \(filter.clauses.joined(separator: " AND ")))"
        // Open: never closed, so past due at the month's end when opened by then with a due day in
        // or before the month. ?1 and ?2 are the month's bounds; the scope's `?` come after.
        var arguments: StatementArguments = [first, next, end, dueBefore]
        arguments += filter.arguments
        let open = try Row.fetchOne(db, sql: """
            SELECT count(CASE WHEN openedAt >= ?1 AND openedAt < ?2 THEN 1 END),
                   count(CASE WHEN openedAt <= ?3 AND due < ?4 THEN 1 END)
            FROM followUp f INDEXED BY followUp_open
            WHERE f.status IN ('open', 'inProgress') \(scoped)
            """, arguments: arguments)!
        var opened: Int = open[0], pastDue: Int = open[1]

        // Closed (done or cancelled) and opened or closed in the month. closedAt: the closing time
        // when the closing record is whole (as `FollowUpRecord.followUp()` reads it), else NULL.
        // Two ranges of the covering partial indexes (v4-supervision): opened in the month, then
        // closed in the month and opened in another.
        let closedAt = "CASE WHEN f.closingAction IS NOT NULL AND f.closingBy IS NOT NULL THEN f.closingAt END"
        // Third: open through the whole month, due by its end, and closed after it (a past month's
        // overdue count must not fall when they are closed later). From whichever index holds the
        // shorter range: the closings after the month for a recent month, the openings before it
        // for an old one.
        let bounds = try Row.fetchOne(db, sql: """
            SELECT (SELECT min(openedAt) FROM followUp INDEXED BY followUp_closed_opened WHERE status NOT IN ('open', 'inProgress')),
                   (SELECT max(closingAt) FROM followUp INDEXED BY followUp_closed_closing WHERE status NOT IN ('open', 'inProgress'))
            """)
        func day(_ text: String?) -> Int? { text.flatMap { LocalDate(String($0.prefix(10)))?.dayNumber } }
        let earliest = day(bounds?[0]) ?? month.firstDay.dayNumber, latest = day(bounds?[1]) ?? month.lastDay.dayNumber
        let byClosing = latest - month.lastDay.dayNumber <= month.firstDay.dayNumber - earliest
        let through = byClosing
            ? "FROM followUp f INDEXED BY followUp_closed_closing WHERE f.status NOT IN ('open', 'inProgress') AND f.closingAt >= ?2 AND f.openedAt < ?1"
            : "FROM followUp f INDEXED BY followUp_closed_opened WHERE f.status NOT IN ('open', 'inProgress') AND f.openedAt < ?1 AND f.closingAt >= ?2"
        let closed = try db.makeStatement(sql: """
            SELECT f.openedAt, f.due, \(closedAt), f.status
            FROM followUp f INDEXED BY followUp_closed_opened
            WHERE f.status NOT IN ('open', 'inProgress') AND f.openedAt >= ?1 AND f.openedAt < ?2 \(scoped)
            UNION ALL
            SELECT f.openedAt, f.due, \(closedAt), f.status
            FROM followUp f INDEXED BY followUp_closed_closing
            WHERE f.status NOT IN ('open', 'inProgress') AND f.closingAt >= ?1 AND f.closingAt < ?2
              AND NOT (f.openedAt >= ?1 AND f.openedAt < ?2) \(scoped)
            UNION ALL
            SELECT f.openedAt, f.due, \(closedAt), f.status \(through) AND f.due < ?2 \(scoped)
            """)
        // The scope's `?` come after ?1 and ?2 in each part.
        var closedArguments: StatementArguments = [first, next]
        closedArguments += filter.arguments
        closedArguments += filter.arguments
        closedArguments += filter.arguments
        closed.arguments = closedArguments
        let c = RawColumns(closed)
        let firstDay = month.firstDay, lastDay = month.lastDay
        var hours: [Double] = []
        var cancelled = 0
        let cursor = try Row.fetchCursor(closed)
        while let row = try cursor.next() {
            let openedAt = try c.dateTime(0, "followUp.openedAt")!, due = try c.dateTime(1, "followUp.due")!
            let closedAt = try c.dateTime(2, "followUp.closingAt")
            if openedAt.date >= firstDay && openedAt.date <= lastDay { opened += 1 }
            if let closedAt, closedAt.date >= firstDay && closedAt.date <= lastDay {
                if row[3] as String == FollowUpStatus.cancelled.rawValue {
                    cancelled += 1
                    continue
                }
                hours.append(Double(MonthlyStatistics.minutes(from: openedAt, to: closedAt)) / 60)
                if closedAt > due { pastDue += 1 }
                continue
            }
            let openAtEnd = openedAt <= endTime && (closedAt.map { $0 > endTime } ?? true)
            if openAtEnd && (current ? due < endTime : due.date <= lastDay) { pastDue += 1 }
        }
        return FollowUpStats(opened: opened, closed: hours.count, cancelled: cancelled, openPastDue: pastDue,
                             medianHoursToClose: MonthlyStatistics.median(hours))
    }

    /// The month's village visit rates over the whole ledger (for the red-flag list), in the
    /// reference's order; from the tally only villages with elders counted (no rate, no flag).
    func villageRates(_ db: Database, month: YearMonth) throws -> [VillageRate] {
        try Ledger.inCodeOrder(monthCounts(db, month: month, scope: .everything, details: false).villages, db)
    }

    struct MonthCounts {
        var total = (0, 0)
        var villages: [VillageRate] = []
        /// `Category.allCases` then advanced age: (denominator, visited).
        var categories = Array(repeating: (0, 0), count: Category.allCases.count + 1)
        /// `VisitMethod.allCases`: (visits, elders).
        var methods = Array(repeating: (0, 0), count: VisitMethod.allCases.count)
        var notVisited: [UUID] = []
    }

    /// Denominators and visited counts of `MonthlyStatistics.compute`, from one pass over the
    /// elders in scope (the covering index `elder_month`, not the wide rows) and one over the
    /// month's visits (through `visit_on_date_elderId_method`). The reference's orders (villages by
    /// first appearance, not-visited elders) are table order, restored from the rowids.
    func monthCounts(_ db: Database, month: YearMonth, scope: AccessScope, details: Bool) throws -> MonthCounts {
        if let counts = try tallyCounts(db, month: month, scope: scope, details: details) { return counts }
        return try monthCountsFromFacts(db, month: month, scope: scope, details: details)
    }

    /// `monthCounts` counted from the elders and visits, without the tally.
    func monthCountsFromFacts(_ db: Database, month: YearMonth, scope: AccessScope, details: Bool) throws -> MonthCounts {
        let first = month.firstDay, last = month.lastDay
        let firstDay = first.dayNumber
        let firstText = StoreCoding.text(first), lastText = StoreCoding.text(last)
        // 高龄 on the month's last day: born on or before the same day 80 years earlier.
        let cutoff = String(format: "%04d-%02d-%02d", last.year - advancedAgeThreshold, last.month, last.day)

        var filter = SQLFilter()
        filter.scope(try Ledger.simplified(scope, db), elder: "e")
        // A grid worker's scope filters on visitorId, which the index does not hold: let SQLite
        // pick elder_on_visitorId for those few elders.
        let indexed = scope.visitorID == nil ? "INDEXED BY elder_month" : ""
        let statement = try db.makeStatement(sql: """
            SELECT e.id, e.villageId, e.categoryMask, e.birthDate <= ?, e.activeFrom, e.activeTo, e.activeSpans,
                   e.activeSpanList, e.rowid
            FROM elder e \(indexed) \(filter.whereClause)
            """)
        var arguments: StatementArguments = [cutoff]
        arguments += filter.arguments
        statement.arguments = arguments

        // Per elder in index order: what the count needs.
        struct Entry {
            var key: UUIDKey
            var rowid: Int64
            var village: Int
            var mask: Int
            var advanced: Bool
            /// Active days of the month as bits (bit 0 = the 1st); the last day's bit = active at the end.
            var active: UInt32
        }
        func bits(_ from: LocalDate, _ to: LocalDate) -> UInt32 {
            let a = max(from.dayNumber - firstDay, 0), b = min(to.dayNumber - firstDay, month.dayCount - 1)
            guard a <= b else { return 0 }
            return UInt32(truncatingIfNeeded: ((UInt64(1) << UInt64(b - a + 1)) - 1) << UInt64(a))
        }
        let expected = try Int.fetchOne(db, sql: "SELECT count(*) FROM elder") ?? 0
        var entries: [Entry] = []
        entries.reserveCapacity(expected)
        var index: [UUIDKey: Int] = [:]
        index.reserveCapacity(expected)
        var villageIndex: [UUIDKey: Int] = [:]
        var villageIDs: [UUID] = []
        var villageFirst: [Int64] = []
        var lastVillage: (key: UUIDKey, index: Int)?
        let s = RawColumns(statement)
        let rows = try Row.fetchCursor(statement)
        while try rows.next() != nil {
            let key = try s.key(0, "elder.id")
            let rowid = Int64(s.int(8))
            let villageKey = try s.key(1, "elder.villageId")
            let village: Int
            if let l = lastVillage, l.key == villageKey {
                // The index groups elders by village: most rows repeat the previous one.
                village = l.index
            } else if let v = villageIndex[villageKey] {
                village = v
            } else {
                village = villageIDs.count
                villageIndex[villageKey] = village
                villageIDs.append(villageKey.uuid)
                villageFirst.append(rowid)
            }
            lastVillage = (villageKey, village)
            villageFirst[village] = min(villageFirst[village], rowid)
            var active: UInt32 = 0
            if s.int(6) == 1, let from = try s.date(4, "elder.activeFrom") {
                if from <= last {
                    let to = try s.date(5, "elder.activeTo")
                    if to.map({ $0 >= first }) ?? true { active = bits(from, to ?? last) }
                }
            } else if !s.isNull(7) {
                // Days are days: the union of the spans is the union of `Elder.activeRanges`.
                for span in try s.spans(7, "elder.activeSpanList") where span.from <= last {
                    if let to = span.to, to < first { continue }
                    active |= bits(span.from, span.to ?? last)
                }
            }
            index[key] = entries.count
            entries.append(Entry(key: key, rowid: rowid, village: village, mask: s.int(2), advanced: s.int(3) != 0,
                                 active: active))
        }

        // The month's visits of elders in scope: days visited, and methods.
        var visitedDays = Array(repeating: UInt32(0), count: entries.count)
        var methodsUsed = Array(repeating: UInt8(0), count: details ? entries.count : 0)
        var counts = MonthCounts()
        let visits = try db.makeStatement(sql: """
            SELECT elderId, date, method FROM visit INDEXED BY visit_on_date_elderId_method
            WHERE date >= ? AND date <= ?
            """)
        visits.arguments = [firstText, lastText]
        var attempts = try AttemptSkips(db, from: firstText, to: lastText)
        let v = RawColumns(visits)
        let methods = VisitMethod.allCases.map(\.rawValue)
        let visitRows = try Row.fetchCursor(visits)
        while try visitRows.next() != nil {
            let key = try v.key(0, "visit.elderId")
            guard let i = index[key] else { continue }
            let day = try v.date(1, "visit.date")!.dayNumber - firstDay
            guard day >= 0, day < 32 else { continue }
            if !attempts.isEmpty, attempts.skips(key, day: day + firstDay, method: v.string(2)) { continue }
            visitedDays[i] |= 1 << UInt32(day)
            if details {
                let text = v.string(2)!
                guard let m = methods.firstIndex(of: text) else {
                    _ = try StoreCoding.enumValue(VisitMethod.self, text, column: "visit.method")
                    continue
                }
                counts.methods[m].0 += 1
                methodsUsed[i] |= 1 << UInt8(m)
            }
        }

        var villageCounts = Array(repeating: (0, 0), count: villageIDs.count)
        var notVisited: [(Int64, UUIDKey)] = []
        let lastBit: UInt32 = 1 << UInt32(month.dayCount - 1)
        let categoryBits = Category.allCases.map(\.bit)
        for (i, e) in entries.enumerated() {
            if details {
                for m in 0..<methods.count where methodsUsed[i] & (1 << UInt8(m)) != 0 { counts.methods[m].1 += 1 }
            }
            guard e.active != 0 else { continue }
            let visited = visitedDays[i] & e.active != 0
            guard visited || e.active & lastBit != 0 else { continue }
            let hit = visited ? 1 : 0
            counts.total.0 += 1
            counts.total.1 += hit
            villageCounts[e.village].0 += 1
            villageCounts[e.village].1 += hit
            guard details else { continue }
            for (c, bit) in categoryBits.enumerated() where e.mask & bit != 0 {
                counts.categories[c].0 += 1
                counts.categories[c].1 += hit
            }
            if e.advanced {
                counts.categories[categoryBits.count].0 += 1
                counts.categories[categoryBits.count].1 += hit
            }
            if !visited { notVisited.append((e.rowid, e.key)) }
        }
        notVisited.sort { $0.0 < $1.0 }
        counts.notVisited = notVisited.map(\.1.uuid)
        // Villages in the order of their first elder in the table.
        counts.villages = villageIDs.indices.sorted { villageFirst[$0] < villageFirst[$1] }.map { i in
            VillageRate(villageID: villageIDs[i], denominator: villageCounts[i].0, visited: villageCounts[i].1)
        }
        return counts
    }
}

extension ElderRecord {
    /// Decodes a `statusHistory` column (the same reading as `elder()`).
    static func statusHistory(_ json: String) throws -> [StatusChange] {
        let column = "elder.statusHistory"
        return try StoreCoding.objects(fromJSON: json, column: column).map { o in
            StatusChange(date: try StoreCoding.date(StoreCoding.requiredString(o, "date", column: column), column: column),
                         status: try StoreCoding.enumValue(ElderStatus.self, StoreCoding.requiredString(o, "status", column: column),
                                                           column: column),
                         note: try StoreCoding.string(o, "note", column: column))
        }
    }
}

/// A UUID as two integers, read from its 36-character text without building a String.
struct UUIDKey: Hashable {
    var high: UInt64
    var low: UInt64

    // Random UUIDs: one word is hash enough, and cheaper to feed than two.
    func hash(into hasher: inout Hasher) { hasher.combine(high ^ low) }

    var uuid: UUID {
        var bytes = (high.bigEndian, low.bigEndian)
        return withUnsafeBytes(of: &bytes) { raw in
            UUID(uuid: raw.load(as: uuid_t.self))
        }
    }
}

/// Columns of the current row of a stepped statement, read from SQLite by index.
struct RawColumns {
    let statement: SQLiteStatement

    init(_ statement: Statement) { self.statement = statement.sqliteStatement }

    func isNull(_ i: Int32) -> Bool { sqlite3_column_type(statement, i) == SQLITE_NULL }

    func int(_ i: Int32) -> Int { Int(sqlite3_column_int64(statement, i)) }

    func string(_ i: Int32) -> String? {
        guard let text = sqlite3_column_text(statement, i) else { return nil }
        return String(cString: text)
    }

    private func bytes(_ i: Int32) -> UnsafeBufferPointer<UInt8>? {
        guard let text = sqlite3_column_text(statement, i) else { return nil }
        return UnsafeBufferPointer(start: text, count: Int(sqlite3_column_bytes(statement, i)))
    }


    func key(_ i: Int32, _ column: String) throws -> UUIDKey {
        if let b = bytes(i), let bits = StoreCoding.uuidBits(UnsafeRawBufferPointer(b)) {
            return UUIDKey(high: bits.high, low: bits.low)
        }
        // Not the usual form: the reference reading, which names the column when it fails.
        let id = try StoreCoding.uuid(string(i) ?? "", column: column)
        return withUnsafeBytes(of: id.uuid) { raw in
            UUIDKey(high: UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self)),
                    low: UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)))
        }
    }

    func uuid(_ i: Int32, _ column: String) throws -> UUID { try key(i, column).uuid }

    /// The row's village (column `i`) when the row's village and visitor (column `visitor`) are
    /// in `scope`; nil when the scope leaves the row out.
    func village(_ i: Int32, visitor: Int32, in scope: AccessScope, table: String) throws -> UUID? {
        let village = try uuid(i, table + ".villageId")
        if let villages = scope.villageIDs, !villages.contains(village) { return nil }
        if let id = scope.visitorID {
            guard !isNull(visitor), try uuid(visitor, table + ".visitorId") == id else { return nil }
        }
        return village
    }

    /// `YYYY-MM-DD` read from the bytes; other forms go through `StoreCoding`.
    func date(_ i: Int32, _ column: String) throws -> LocalDate? {
        guard let b = bytes(i) else { return nil }
        if b.count == 10, let d = RawColumns.date(b, 0) { return d }
        return try StoreCoding.date(string(i), column: column)
    }

    /// An `activeSpanList` (`from:to,from:to,from:`) read from the bytes; other forms go
    /// through `ElderRecord.activeSpans(list:)`.
    func spans(_ i: Int32, _ column: String) throws -> [(from: LocalDate, to: LocalDate?)] {
        guard let b = bytes(i) else { return [] }
        var out: [(from: LocalDate, to: LocalDate?)] = []
        var at = 0
        while at + 11 <= b.count, let from = RawColumns.date(b, at), b[at + 10] == 58 {
            at += 11
            var to: LocalDate?
            if at + 10 <= b.count, b[at] != 44 {
                guard let d = RawColumns.date(b, at) else { break }
                to = d
                at += 10
            }
            out.append((from, to))
            if at == b.count { return out }
            guard b[at] == 44 else { break }
            at += 1
        }
        return try ElderRecord.activeSpans(list: string(i) ?? "")
    }

    /// `YYYY-MM-DD HH:MM` read from the bytes; other forms go through `StoreCoding`.
    func dateTime(_ i: Int32, _ column: String) throws -> LocalDateTime? {
        guard let b = bytes(i) else { return nil }
        if b.count == 16, b[10] == 32 || b[10] == 84, b[13] == 58, let d = RawColumns.date(b, 0),
           let h = RawColumns.number(b, 11, 2), let m = RawColumns.number(b, 14, 2),
           let t = LocalDateTime(date: d, hour: h, minute: m) {
            return t
        }
        return try StoreCoding.dateTime(string(i), column: column)
    }

    private static func number(_ b: UnsafeBufferPointer<UInt8>, _ at: Int, _ count: Int) -> Int? {
        var v = 0
        for j in at..<(at + count) {
            let c = b[j]
            guard c >= 48, c <= 57 else { return nil }
            v = v * 10 + Int(c - 48)
        }
        return v
    }

    private static func date(_ b: UnsafeBufferPointer<UInt8>, _ at: Int) -> LocalDate? {
        guard b[at + 4] == 45, b[at + 7] == 45, let y = number(b, at, 4), let m = number(b, at + 5, 2),
              let d = number(b, at + 8, 2) else { return nil }
        return LocalDate(year: y, month: m, day: d)
    }
}
