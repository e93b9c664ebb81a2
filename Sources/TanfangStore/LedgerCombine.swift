import Foundation
import GRDB
import TanfangCore

/// What folding one record of a person into another did (or, for a dry run, would do).
public struct CombineOutcome: Hashable, Sendable {
    /// The record kept, as it is after the fold.
    public var kept: Elder
    /// The record folded in and removed (its row is in the audit trail, action `delete`).
    public var folded: Elder
    /// Values the folded record gave differently: the kept record's were kept.
    public var differences: [ElderFold.Difference]
    /// The same, as a person reads them (masked, places and visitors by name): field, kept, folded.
    public var shownDifferences: [(field: String, kept: String, folded: String)]
    public var visits: Int
    public var followUps: Int
    /// Categories the kept record has now that it did not have.
    public var categoriesAdded: Set<TanfangCore.Category> = []

    public static func == (a: CombineOutcome, b: CombineOutcome) -> Bool {
        a.kept == b.kept && a.folded == b.folded && a.differences == b.differences && a.visits == b.visits
            && a.followUps == b.followUps
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(kept.id)
        hasher.combine(folded.id)
    }
}

/// A group of records holding one ID number, and the record `combineAll` keeps of them.
public struct CombineGroup: Hashable, Sendable {
    public var keep: UUID
    public var fold: [UUID]
}

extension Ledger {
    /// Folds elder `foldID` into elder `keepID`, two records of one person (a county list imported
    /// and the village's ledger merged; one person entered twice): in one transaction, the folded
    /// record's visits, follow-ups and drafts move to the kept one, `ElderFold` adds what it knew
    /// (categories, sources, empty fields, people), its row is removed with its whole content in an
    /// audit row, and `elderAlias` remembers where it went, so that a later merge of a ledger that
    /// still has it maps its rows onto the kept record. Two records with different ID numbers are
    /// two people: refused. With `dryRun` nothing is written.
    /// `scope`: a user's area; both records must be in it.
    public func combineElders(keep keepID: UUID, fold foldID: UUID, by user: UUID?, today: LocalDate,
                              scope: AccessScope = .everything, dryRun: Bool = false) throws -> CombineOutcome {
        struct DryRun: Error { let outcome: CombineOutcome }
        do {
            return try write { db in
                let outcome = try combine(db, keep: keepID, fold: foldID, by: user, today: today, at: timestamp(),
                                          scope: scope)
                try MonthTally.rebuildIfStale(db)
                if dryRun { throw DryRun(outcome: outcome) }
                return outcome
            }
        } catch let rollback as DryRun {
            return rollback.outcome
        }
    }

    /// Every group of records sharing an ID number (the red flag 疑似重复登记), each folded into one
    /// of them in one transaction: the record with the most visits, then the most follow-ups, then
    /// the first entered. A record of the deceased is one of them: which status holds is listed
    /// as a difference when the two disagree.
    /// `villages`: only groups all of whose records are in these villages.
    public func combineAll(villages: Set<UUID>? = nil, by user: UUID?, today: LocalDate,
                           dryRun: Bool = false) throws -> [CombineOutcome] {
        struct DryRun: Error { let outcomes: [CombineOutcome] }
        do {
            return try write { db in
                var outcomes: [CombineOutcome] = []
                for group in try Ledger.sharedIDNumberGroups(db, villages: villages) {
                    // A sheet put aside by one person for each record: left for them (combineLeftovers).
                    for fold in group.fold where try Ledger.draftsInTheWay(db, keep: group.keep, fold: fold) == nil {
                        outcomes.append(try combine(db, keep: group.keep, fold: fold, by: user, today: today, at: timestamp()))
                    }
                }
                try MonthTally.rebuildIfStale(db)
                if dryRun { throw DryRun(outcomes: outcomes) }
                return outcomes
            }
        } catch let rollback as DryRun {
            return rollback.outcomes
        }
    }

    /// What `combineAll` leaves: groups sharing an ID number with records both inside and outside
    /// `villages`, and groups without ID numbers (same name and birth date) with a record inside,
    /// which are combined one by one in the elder file.
    /// `outsideArea` and `heldByDrafts` name one person of each group; `heldByDrafts` are groups
    /// `combineAll` left because one person has a sheet put aside for two of its records.
    public func combineLeftovers(villages: Set<UUID>?) throws
        -> (outsideArea: [String], withoutIDNumber: Int, heldByDrafts: [String]) {
        try read { db in
            var outside: [String] = [], unnumbered = 0, held: [String] = []
            let rows = try Row.fetchAll(db, sql: """
                SELECT k.dupKey, e.id, e.name, e.villageId, (SELECT name FROM place WHERE id = e.villageId) AS village
                FROM sharedDupKey k JOIN elder e INDEXED BY elder_on_dupKey ON e.dupKey = k.dupKey
                ORDER BY k.dupKey, e.rowid
                """)
            var groups: [String: [(id: String, label: String, inside: Bool)]] = [:]
            var order: [String] = []
            for row in rows {
                let inside = villages.map { v in UUID(uuidString: row["villageId"]).map(v.contains) ?? false } ?? true
                let key: String = row["dupKey"]
                if groups[key] == nil { order.append(key) }
                groups[key, default: []].append((row["id"], "\(row["name"] as String)（\((row["village"] as String?) ?? "")）", inside))
            }
            for key in order {
                let members = groups[key]!
                guard members.contains(where: \.inside) else { continue }
                if key.hasPrefix("n:") {
                    unnumbered += 1
                } else if members.contains(where: { !$0.inside }) {
                    outside.append(members[0].label)
                } else if let keep = UUID(uuidString: members[0].id),
                          try members.dropFirst().contains(where: { m in
                              try UUID(uuidString: m.id).map { try Ledger.draftsInTheWay(db, keep: keep, fold: $0) != nil } ?? false
                          }) {
                    held.append(members[0].label)
                }
            }
            return (outside, unnumbered, held)
        }
    }

    /// A user with a sheet put aside (a draft) for each of the two records: the name of one such
    /// user. Folding would keep one sheet and lose the other.
    static func draftsInTheWay(_ db: Database, keep: UUID, fold: UUID) throws -> String? {
        try String.fetchOne(db, sql: """
            SELECT u.name FROM draft a JOIN draft b ON b.userId = a.userId JOIN user u ON u.id = a.userId
            WHERE a.key LIKE '%.' || ?1 AND b.key LIKE '%.' || ?2 AND substr(a.key, 1, length(a.key) - 36) = substr(b.key, 1, length(b.key) - 36)
            LIMIT 1
            """, arguments: [keep.uuidString, fold.uuidString])
    }

    /// The groups `combineAll` folds, in ID-number order.
    static func sharedIDNumberGroups(_ db: Database, villages: Set<UUID>?) throws -> [CombineGroup] {
        let rows = try Row.fetchAll(db, sql: """
            SELECT e.id, e.villageId, e.dupKey,
                   (SELECT count(*) FROM visit v WHERE v.elderId = e.id) AS visits,
                   (SELECT count(*) FROM followUp f WHERE f.elderId = e.id) AS followUps
            FROM sharedDupKey k JOIN elder e INDEXED BY elder_on_dupKey ON e.dupKey = k.dupKey
            WHERE k.dupKey LIKE 'i:%'
            ORDER BY e.dupKey, visits DESC, followUps DESC, e.createdAt, e.rowid
            """)
        var groups: [CombineGroup] = []
        var current: (key: String, ids: [UUID], inScope: Bool)?
        func close() {
            guard let c = current, c.inScope, c.ids.count > 1 else { return }
            groups.append(CombineGroup(keep: c.ids[0], fold: Array(c.ids.dropFirst())))
        }
        for row in rows {
            let key: String = row["dupKey"]
            guard let id = UUID(uuidString: row["id"]), let village = UUID(uuidString: row["villageId"]) else { continue }
            let inScope = villages.map { $0.contains(village) } ?? true
            if current?.key == key {
                current!.ids.append(id)
                current!.inScope = current!.inScope && inScope
            } else {
                close()
                current = (key, [id], inScope)
            }
        }
        close()
        return groups
    }

    /// `combineElders` inside a transaction.
    func combine(_ db: Database, keep keepID: UUID, fold foldID: UUID, by user: UUID?, today: LocalDate,
                 at now: String, scope: AccessScope = .everything) throws -> CombineOutcome {
        guard keepID != foldID else {
            throw LedgerError.invalidField(field: "elder", messageKey: "store.error.combineSame", args: [])
        }
        guard let keepRecord = try ElderRecord.fetchOne(db, key: keepID.uuidString) else {
            throw LedgerError.notFound(table: "elder", id: keepID)
        }
        guard let foldRecord = try ElderRecord.fetchOne(db, key: foldID.uuidString) else {
            throw LedgerError.notFound(table: "elder", id: foldID)
        }
        let kept = try keepRecord.elder()
        let folded = try foldRecord.elder()
        for elder in [kept, folded] where !scope.allows(elder) {
            let village = try String.fetchOne(db, sql: "SELECT name FROM place WHERE id = ?",
                                              arguments: [DemoUUIDText.text(elder.villageID)]) ?? ""
            throw LedgerError.invalidField(field: "elder", messageKey: "store.error.combineOutOfScope",
                                           args: [elder.name, village])
        }
        if let a = kept.idNumber, let b = folded.idNumber, IDNumber.normalize(a) != IDNumber.normalize(b) {
            throw LedgerError.invalidField(field: "idNumber", messageKey: "store.error.combineOtherPerson",
                                           args: [kept.name, folded.name])
        }
        if let user = try Ledger.draftsInTheWay(db, keep: keepID, fold: foldID) {
            throw LedgerError.invalidField(field: "draft", messageKey: "store.error.combineDrafts", args: [user, kept.name])
        }
        var (merged, differences) = ElderFold.fold(folded, into: kept)
        // One person registered twice was on the ledger from the earlier registration, with every
        // change either record knows: a county list's record starts on its import day, the
        // village's a year before with a hospital stay, and the visits of that year count.
        merged.statusHistory = ElderFold.history(kept: kept.statusHistory, folded: folded.statusHistory)
        let shown = try differences.map { d -> (field: String, kept: String, folded: String) in
            let pair = try Ledger.shown(db, d, stored: kept, incoming: folded)
            return (d.field, pair.stored, pair.incoming)
        }
        let tally = try MonthTally.begin(db, elderIDs: [keepRecord.id, foldRecord.id], months: nil)

        // Visits and follow-ups move, each with its audit row: a merge reads a row's audit trail
        // to tell which copy is newer, and the village's copy still names the folded record.
        func move<T: Encodable>(_ table: String, _ rows: [T], id: (T) -> UUID, retarget: (inout T) -> Void) throws {
            for before in rows {
                var after = before
                retarget(&after)
                try db.execute(sql: "UPDATE \(table) SET elderId = ?, updatedAt = ?, updatedBy = ? WHERE id = ?",
                               arguments: [keepRecord.id, now, user?.uuidString, id(before).uuidString])
                try audit(db, table: table, id: id(before), action: .update, before: before, after: after, by: user, at: now)
            }
        }
        let visits = try VisitRecord.fetchAll(db, sql: "SELECT * FROM visit WHERE elderId = ?", arguments: [foldRecord.id])
            .map { try $0.visit() }
        try move("visit", visits, id: \.id) { $0.elderID = keepID }
        let followUps = try FollowUpRecord.fetchAll(db, sql: "SELECT * FROM followUp WHERE elderId = ?",
                                                    arguments: [foldRecord.id]).map { try $0.followUp() }
        try move("followUp", followUps, id: \.id) { $0.elderID = keepID }
        // A draft kept under the folded record's id (a sheet put aside) follows it (one person with a
        // draft for each record was refused above).
        try db.execute(sql: """
            UPDATE OR IGNORE draft SET key = substr(key, 1, length(key) - length(?1)) || ?2, json = replace(json, ?1, ?2)
            WHERE key LIKE '%.' || ?1
            """, arguments: [foldID.uuidString, keepID.uuidString])
        try db.execute(sql: "DELETE FROM draft WHERE key LIKE '%.' || ?", arguments: [foldID.uuidString])

        try audit(db, table: "elder", id: foldID, action: .delete, before: folded, after: Elder?.none, by: user, at: now)
        try closeDoubledFollowUps(db, elderID: keepRecord.id, by: user, at: now, today: today)
        try db.execute(sql: "DELETE FROM pendingSummary WHERE elderId = ?", arguments: [foldRecord.id])
        try db.execute(sql: "DELETE FROM elder WHERE id = ?", arguments: [foldRecord.id])
        try db.execute(sql: "INSERT OR REPLACE INTO elderAlias (id, intoId, at, userId) VALUES (?, ?, ?, ?)",
                       arguments: [foldRecord.id, keepRecord.id, now, user?.uuidString])
        // Records folded into the one folded now go where it went.
        try db.execute(sql: "UPDATE elderAlias SET intoId = ? WHERE intoId = ?", arguments: [keepRecord.id, foldRecord.id])

        // Audited even when a merge does it for another ledger's combination: a later merge reads
        // the change as ours (and merges field by field should that ledger change the record too).
        var record = try updateElder(db, keepRecord, to: merged, by: user, at: now) ?? keepRecord
        // The history changed: every visit is read again.
        try refreshSummary(db, record: &record, elder: merged, today: today)
        try MonthTally.finish(db, tally, elderIDs: [keepRecord.id, foldRecord.id])
        var outcome = CombineOutcome(kept: merged, folded: folded, differences: differences, shownDifferences: shown,
                                     visits: visits.count, followUps: followUps.count)
        outcome.categoriesAdded = merged.categories.subtracting(kept.categories)
        return outcome
    }

    /// The elder's open follow-ups of a one-per-elder type (`FollowUpRule.onePerElder`) beyond the
    /// first opened, which two combined records each had: the first takes their details, the others
    /// are closed into it.
    func closeDoubledFollowUps(_ db: Database, elderID: String, by user: UUID?, at now: String, today: LocalDate) throws {
        // The closing time is the workstation's local time on `today`.
        var seconds = time(nil)
        var local = tm()
        let clock = localtime_r(&seconds, &local) != nil ? (Int(local.tm_hour), Int(local.tm_min)) : (0, 0)
        let when = LocalDateTime(date: today, hour: clock.0, minute: clock.1)!
        for rule in rules.followUps.rules where rule.onePerElder == true {
            let open = try FollowUpRecord.fetchAll(db, sql: """
                SELECT * FROM followUp WHERE elderId = ? AND type = ? AND status IN ('open', 'inProgress') ORDER BY openedAt, rowid
                """, arguments: [elderID, rule.type.rawValue]).map { ($0, try $0.followUp()) }
            guard let (firstRecord, first) = open.first, open.count > 1 else { continue }
            var joined = first
            for (_, other) in open.dropFirst() where !other.detail.isEmpty && !joined.detail.contains(other.detail) {
                joined.detail += (joined.detail.isEmpty ? "" : "；") + other.detail
            }
            if joined != first {
                var record = FollowUpRecord(joined)
                record.stamp(at: now, by: user, old: firstRecord)
                try record.update(db)
                try audit(db, table: "followUp", id: first.id, action: .update, before: first, after: joined, by: user, at: now)
            }
            for (otherRecord, other) in open.dropFirst() {
                var closed = other
                closed.status = .cancelled
                closed.closing = ClosingRecord(action: rule.mergedAction ?? "", at: when, by: "")
                var record = FollowUpRecord(closed)
                record.stamp(at: now, by: user, old: otherRecord)
                try record.update(db)
                try audit(db, table: "followUp", id: other.id, action: .close, before: other, after: closed, by: user, at: now)
            }
        }
    }

    /// `record` rewritten as `elder` (its summary kept, stamps renewed) with an audit row; nil,
    /// and nothing written, when it holds `elder` already.
    func updateElder(_ db: Database, _ record: ElderRecord, to elder: Elder, by user: UUID?, at now: String) throws -> ElderRecord? {
        let before = try record.elder()
        guard elder != before else { return nil }
        var updated = ElderRecord(elder, summary: try record.summary())
        updated.stamp(at: now, by: user, old: record)
        try updated.update(db)
        try audit(db, table: "elder", id: elder.id, action: .update, before: before, after: elder, by: user, at: now)
        return updated
    }

    /// The record `id` was folded into, when it was (`elderAlias`, kept current along chains).
    static func keptElderID(_ db: Database, _ id: UUID) throws -> UUID? {
        guard try db.tableExists("elderAlias") else { return nil }
        return try String.fetchOne(db, sql: "SELECT intoId FROM elderAlias WHERE id = ?", arguments: [id.uuidString])
            .flatMap(UUID.init(uuidString:))
    }

    /// Where each folded record went (`elderAlias`), chains followed.
    static func elderAliases(_ db: Database) throws -> [String: String] {
        guard try db.tableExists("elderAlias") else { return [:] }
        return Dictionary(try Row.fetchAll(db, sql: "SELECT id, intoId FROM elderAlias").map { ($0["id"], $0["intoId"]) },
                          uniquingKeysWith: { a, _ in a })
    }
}
