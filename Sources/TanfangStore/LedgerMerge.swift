import Foundation
import GRDB
import TanfangCore

/// A row present in both ledgers with different content. Ours is kept; nobody chose silently.
public struct MergeConflict: Hashable, Sendable, Codable {
    public var table: String
    public var id: String
    /// The columns whose values differ (values are not reported: they may hold ID numbers).
    public var columns: [String]
    public var ourUpdatedAt: String?
    public var theirUpdatedAt: String?
    /// What a person recognises the row by: a place's code and name, a person's name, an elder's
    /// name, a visit's elder and time (never an ID number).
    public var label: String?
    /// The other ledger's label, when it differs (a place renamed there).
    public var theirLabel: String?
    /// A login not copied because this ledger has one of the same name (a different person, or
    /// the same person set up in both ledgers); `columns` is ["name"].
    public var nameTaken = false
    /// For an elder both ledgers changed: the fields both changed differently, with both values
    /// (the fields only one side changed are not a conflict: see `MergeOutcome.fieldMerged`).
    public var values: [MergeConflictValue] = []

    public init(table: String, id: String, columns: [String], ourUpdatedAt: String?, theirUpdatedAt: String?,
                label: String? = nil, theirLabel: String? = nil, nameTaken: Bool = false) {
        self.table = table
        self.id = id
        self.columns = columns
        self.ourUpdatedAt = ourUpdatedAt
        self.theirUpdatedAt = theirUpdatedAt
        self.label = label
        self.theirLabel = theirLabel == label ? nil : theirLabel
        self.nameTaken = nameTaken
    }
}

/// An elder the merge brought (or changed) whose ID number another elder of this ledger holds:
/// perhaps one person entered in two villages. Both records stay, to be reconciled by hand.
public struct MergeSharedIDNumber: Hashable, Sendable, Codable {
    /// The elder the merge brought or changed, and their village's name.
    public var id: String
    public var name: String
    public var village: String?
    /// The elder already on this ledger with that number (never the number itself).
    public var otherID: String
    public var otherName: String
    public var otherVillage: String?

    public init(id: String, name: String, village: String?, otherID: String, otherName: String, otherVillage: String?) {
        self.id = id
        self.name = name
        self.village = village
        self.otherID = otherID
        self.otherName = otherName
        self.otherVillage = otherVillage
    }
}

/// What merging one ledger file did.
public struct MergeOutcome: Hashable, Sendable, Codable {
    public var file: String
    /// Rows copied, by table.
    public var inserted: [String: Int] = [:]
    /// Rows taken from the other ledger because it had every change of ours and more (a later
    /// copy of the same record), by table.
    public var updated: [String: Int] = [:]
    /// Rows already present with the same content, by table.
    public var same: [String: Int] = [:]
    /// Rows where this ledger has every change of the other's and more: ours kept, no conflict.
    public var newerHere: [String: Int] = [:]
    /// Rows both ledgers changed in different fields: each side's changes kept, by table.
    public var fieldMerged: [String: Int] = [:]
    public var conflicts: [MergeConflict] = []
    /// Elders copied or taken whose ID number another elder here holds (reported, not refused).
    public var sharedIDNumbers: [MergeSharedIDNumber] = []
    /// Elders whose summary was recomputed (new or taken, or with new or taken visits or follow-ups).
    public var touchedElders: Int = 0
    /// Records of one person combined (`combineElders`) in the other ledger and folded here too.
    public var combined: Int = 0
    public var combinedNames: [String] = []
    /// Records folded into another here that they changed since: their changes went to the
    /// record kept (the kept records' names in `combinedHereNames`).
    public var combinedHere: Int = 0
    public var combinedHereNames: [String] = []
    /// Their administrators' logins, not brought in: an admin runs their own ledger, and a village's
    /// (set up over the township) would have become an admin of the township's.
    public var adminsLeftOut: [String] = []

    public init(file: String) { self.file = file }

    public var insertedTotal: Int { inserted.values.reduce(0, +) }
    public var updatedTotal: Int { updated.values.reduce(0, +) }
}

extension Ledger {
    /// The tables a merge copies, parents before children. Drafts are personal and stay behind.
    static let mergeTables = ["place", "visitor", "user", "elder", "visit", "followUp", "specialPeriod", "audit"]

    /// Gathers another ledger file into this one (a township collecting village ledgers), in one
    /// transaction: every row whose UUID is missing here is copied, audit rows included. A row on
    /// both sides with different content is settled by its audit rows (`mergeLineage`): when the
    /// other ledger knows every change of ours and has more (the village changed it since the
    /// last merge), theirs is taken; when we know every change of theirs and more, ours stays;
    /// when both changed it since they parted, it is reported as a conflict and ours is kept (the
    /// newer `updatedAt` is not chosen silently). Merging the same file again changes nothing. The
    /// summaries of elders that gained or changed rows are recomputed, and one audit row (table
    /// `merge`) records the file and counts when anything was copied or taken. A demo ledger is
    /// refused (`demoIntoReal`) unless this one is a demo too.
    public func merge(from path: String, by user: UUID?, today: LocalDate) throws -> MergeOutcome {
        let problems = try Ledger.integrityProblems(path: path)
        guard problems.isEmpty else { throw LedgerError.damagedFile }
        let theirs: [String: [Row]]
        var theirsIsDemo = false
        var theirAliases: [String: String] = [:]
        do {
            let source = try Ledger.readOnlyQueue(path)
            theirs = try source.read { db in
                theirsIsDemo = try Ledger.isDemo(db)
                var out: [String: [Row]] = [:]
                for table in Ledger.mergeTables where try db.tableExists(table) {
                    let order = table == "place"
                        ? " ORDER BY CASE level WHEN 'county' THEN 0 WHEN 'township' THEN 1 WHEN 'village' THEN 2 ELSE 3 END"
                        : table == "audit" ? " ORDER BY at, rowid" : " ORDER BY rowid"
                    out[table] = try Row.fetchAll(db, sql: "SELECT * FROM \(table)\(order)")
                }
                theirAliases = try Ledger.elderAliases(db)
                return out
            }
            try source.close()
        } catch {
            throw LedgerError.wrap(error)
        }
        let file = (path as NSString).lastPathComponent
        return try write { db in
            // Its places would come a second time beside ours, with made-up people under them.
            if theirsIsDemo, try !Ledger.isDemo(db) { throw LedgerError.demoIntoReal(file: file) }
            var outcome = MergeOutcome(file: file)
            var touched = Set<String>()
            // Records folded into another (here or there): their rows go to the record kept.
            let ourAliases = try Ledger.elderAliases(db)
            // Theirs are added where they do not undo ours: the same two records combined the
            // other way round there (ours kept A, theirs kept B) follow ours.
            var aliases = ourAliases
            func kept(_ id: String) -> String {
                var id = id
                var seen = Set<String>()
                while let next = aliases[id], seen.insert(id).inserted { id = next }
                return id
            }
            for (id, into) in theirAliases.sorted(by: { $0.key < $1.key }) where aliases[id] == nil && kept(into) != id {
                aliases[id] = into
            }
            // Records left in conflict ("table|id"): their audit rows stay behind, so that an audit
            // row here always means its change is in our row (what `mergeLineage` relies on), and
            // the conflict is reported again next time rather than read as ours being newer.
            var inConflict = Set<String>()
            // Their audit rows by record ("table|recordId"), gathered when first asked.
            var theirAudit: [String: [Row]]?
            func theirChangeIDs(_ table: String, _ id: String) -> Set<String> {
                if theirAudit == nil {
                    var byRecord: [String: [Row]] = [:]
                    for a in theirs["audit"] ?? [] {
                        guard let t: String = a["tableName"], let r: String = a["recordId"] else { continue }
                        byRecord["\(t)|\(r)", default: []].append(a)
                    }
                    theirAudit = byRecord
                }
                return Set((theirAudit?["\(table)|\(id)"] ?? []).compactMap { a -> String? in
                    Ledger.changesOnlySources(table: table, action: a["action"], before: a["before"], after: a["after"])
                        ? nil : a["id"]
                })
            }
            /// The `before` of their first change of the record that we lack: the version they
            /// changed, which is ours too when neither had changed it since they parted.
            func theirFirstBefore(_ table: String, _ id: String) throws -> String? {
                _ = theirChangeIDs(table, id)
                for a in theirAudit?["\(table)|\(id)"] ?? [] {
                    guard let auditID: String = a["id"], let before: String = a["before"] else { continue }
                    if try !Row.exists(db, table: "audit", id: auditID) { return before }
                }
                return nil
            }
            func who(_ r: Row) throws -> String {
                let area = try String.fetchOne(db, sql: "SELECT name FROM place WHERE id = ?",
                                               arguments: [r["areaId"] as String?]) ?? "?"
                return "\(r["role"] as String? ?? "?")@\(area)"
            }
            /// Their changes to a record folded here, onto the record kept: taken, or reported with
            /// both values (their audit rows then stay behind, so that it is reported again until the
            /// kept record holds their values).
            func foldTheirChanges(_ db: Database, id: String, into keptID: String, row: Row) throws {
                let theirIDs = theirChangeIDs("elder", id)
                let ourIDs = Set(try String.fetchAll(db, sql: "SELECT id FROM audit WHERE recordId = ? AND tableName = 'elder'",
                                                     arguments: [id]))
                guard !theirIDs.isSubset(of: ourIDs), let keptRecord = try ElderRecord.fetchOne(db, key: keptID) else { return }
                switch try mergeIntoKept(db, foldedID: id, kept: keptRecord, theirs: row, theirAuditIDs: theirIDs,
                                         theirFirstBefore: theirFirstBefore("elder", id)) {
                case .merged(let elder):
                    if try updateElder(db, keptRecord, to: elder, by: user, at: timestamp()) != nil {
                        touched.insert(keptID)
                        outcome.combinedHere += 1
                        outcome.combinedHereNames.append(elder.name)
                    }
                case .conflict(let values):
                    inConflict.insert("elder|\(id)")
                    var conflict = MergeConflict(table: "elder", id: id, columns: ["combined"], ourUpdatedAt: keptRecord.updatedAt,
                                                 theirUpdatedAt: row["updatedAt"], label: row["name"])
                    conflict.values = values
                    outcome.conflicts.append(conflict)
                case nil:
                    inConflict.insert("elder|\(id)")
                    outcome.conflicts.append(MergeConflict(table: "elder", id: id, columns: ["combined"],
                                                           ourUpdatedAt: keptRecord.updatedAt,
                                                           theirUpdatedAt: row["updatedAt"], label: row["name"]))
                }
            }
            for table in Ledger.mergeTables {
                guard let rows = theirs[table] else { continue }
                let ours = Set(try db.columns(in: table).map(\.name))
                let ignored = Ledger.mergeIgnoredColumns(table)
                for var row in rows {
                    guard let id: String = row["id"] else { continue }
                    if table == "elder", aliases[id] != nil {
                        // Folded into another record (its row is gone here, or goes below). What they
                        // changed in it since is brought onto the record kept, field by field.
                        if ourAliases[id] != nil, try !Row.exists(db, table: "elder", id: id) {
                            try foldTheirChanges(db, id: id, into: kept(id), row: row)
                        }
                        continue
                    }
                    if table == "user", row["role"] == UserRole.admin.rawValue, try !Row.exists(db, table: "user", id: id) {
                        outcome.adminsLeftOut.append(row["name"] ?? "")
                        continue
                    }
                    if table == "visit" || table == "followUp", let elder: String = row["elderId"], kept(elder) != elder {
                        var values = Dictionary(uniqueKeysWithValues: row.map { ($0, $1) })
                        values["elderId"] = kept(elder).databaseValue
                        row = Row(values)
                    }
                    if table == "audit", let t: String = row["tableName"], let r: String = row["recordId"],
                       inConflict.contains("\(t)|\(r)") { continue }
                    // Their removal of a record kept here (the two combined the other way round there)
                    // is no change of ours: an audit row here means its change is in our row.
                    if table == "audit", row["tableName"] == "elder", row["action"] == AuditAction.delete.rawValue,
                       let r: String = row["recordId"], aliases[r] == nil, try Row.exists(db, table: "elder", id: r) { continue }
                    let columns = row.columnNames.filter { ours.contains($0) }
                    if let mine = try Row.fetchOne(db, sql: "SELECT * FROM \(table) WHERE id = ?", arguments: [id]) {
                        var differing = Array(columns.filter { !ignored.contains($0) && mine[$0] as DatabaseValue != row[$0] as DatabaseValue })
                        // An elder's sources (where the record came from) are a set: both sides' are
                        // kept, whoever's other columns win (joined below).
                        var sourcesDiffer = table == "elder" && differing.contains("sources")
                        differing.removeAll { sourcesDiffer && $0 == "sources" }
                        if differing.isEmpty {
                            outcome.same[table, default: 0] += 1
                        } else {
                            let lineage = try mergeLineage(db, table: table, id: id, theirs: theirChangeIDs(table, id))
                            if lineage == .theirsNewer, table == "user", let name: String = row["name"], name != mine["name"],
                               let namesake = try Row.fetchOne(db, sql: "SELECT role, areaId FROM user WHERE name = ?",
                                                               arguments: [name]) {
                                // Renamed there to a name another login has here: one login per name.
                                inConflict.insert("\(table)|\(id)")
                                outcome.conflicts.append(MergeConflict(table: table, id: id, columns: ["name"],
                                                                       ourUpdatedAt: nil, theirUpdatedAt: row["updatedAt"],
                                                                       label: "\(name) \(try who(namesake))",
                                                                       theirLabel: "\(name) \(try who(row))", nameTaken: true))
                            } else if lineage == .theirsNewer {
                                // Their columns as they are (stamps included: the change is theirs, and
                                // their audit rows, merged after, record it); their sources too when
                                // they hold all of ours, else the two are joined below.
                                var set = Array(columns.filter { $0 != "id" })
                                if sourcesDiffer, try Ledger.sources(row).isSuperset(of: Ledger.sources(mine)) {
                                    sourcesDiffer = false
                                } else {
                                    set.removeAll { $0 == "sources" }
                                }
                                try db.execute(sql: "UPDATE \(table) SET \(set.map { "\"\($0)\" = ?" }.joined(separator: ", ")) WHERE id = ?",
                                               arguments: StatementArguments(set.map { row[$0] as DatabaseValue } + [id.databaseValue]))
                                outcome.updated[table, default: 0] += 1
                                switch table {
                                case "elder":
                                    touched.insert(id)
                                    if mine["idNumber"] as String? != row["idNumber"] {
                                        outcome.sharedIDNumbers += try Ledger.sharedIDNumbers(db, elderID: id)
                                    }
                                case "visit", "followUp": if let elder: String = row["elderId"] { touched.insert(elder) }
                                default: break
                                }
                            } else if lineage == .oursNewer {
                                outcome.newerHere[table, default: 0] += 1
                            } else {
                                // Both changed it: field by field, each side's change is kept where
                                // the other left that field alone; only fields both changed conflict.
                                let fields = table == "elder"
                                    ? try mergeElderFields(db, id: id, mine: mine, theirs: row, theirAuditIDs: theirChangeIDs(table, id),
                                                           theirFirstBefore: theirFirstBefore(table, id))
                                    : nil
                                if case .merged(let elder) = fields {
                                    sourcesDiffer = false
                                    if try updateElder(db, ElderRecord(row: mine), to: elder, by: user, at: timestamp()) != nil {
                                        touched.insert(id)
                                        outcome.fieldMerged[table, default: 0] += 1
                                    } else {
                                        // Their changes are all in ours already: ours is the later copy.
                                        outcome.newerHere[table, default: 0] += 1
                                    }
                                } else {
                                    inConflict.insert("\(table)|\(id)")
                                    var conflict = MergeConflict(table: table, id: id, columns: differing.sorted(),
                                                                 ourUpdatedAt: mine["updatedAt"],
                                                                 theirUpdatedAt: row["updatedAt"],
                                                                 label: try Ledger.mergeLabel(db, table: table, row: mine),
                                                                 theirLabel: try Ledger.mergeLabel(db, table: table, row: row))
                                    if case .conflict(let values) = fields { conflict.values = values }
                                    outcome.conflicts.append(conflict)
                                }
                            }
                        }
                        if sourcesDiffer { try mergeSources(db, id: id, theirs: row["sources"], by: user) }
                        continue
                    }
                    if table == "user", let name: String = row["name"],
                       let namesake = try Row.fetchOne(db, sql: "SELECT role, areaId FROM user WHERE name = ?", arguments: [name]) {
                        // One login per name. The same role over the same area is the same person (a
                        // village's admin set up in both ledgers): nothing to report, merge after merge.
                        if namesake["role"] as String? == row["role"], namesake["areaId"] as String? == row["areaId"] {
                            outcome.same[table, default: 0] += 1
                        } else {
                            outcome.conflicts.append(MergeConflict(table: table, id: id, columns: ["name"],
                                                                   ourUpdatedAt: nil, theirUpdatedAt: row["updatedAt"],
                                                                   label: "\(name) \(try who(namesake))",
                                                                   theirLabel: "\(name) \(try who(row))", nameTaken: true))
                        }
                        continue
                    }
                    let names = columns.map { "\"\($0)\"" }.joined(separator: ", ")
                    let marks = Array(repeating: "?", count: columns.count).joined(separator: ", ")
                    let values = columns.map { row[$0] as DatabaseValue }
                    try db.execute(sql: "INSERT INTO \(table) (\(names)) VALUES (\(marks))",
                                   arguments: StatementArguments(values))
                    outcome.inserted[table, default: 0] += 1
                    switch table {
                    case "elder":
                        touched.insert(id)
                        outcome.sharedIDNumbers += try Ledger.sharedIDNumbers(db, elderID: id)
                    case "visit", "followUp": if let elder: String = row["elderId"] { touched.insert(elder) }
                    default: break
                    }
                }
            }
            // Their combinations, done here too: the record they folded goes into the one they kept.
            for id in theirAliases.keys.sorted() where ourAliases[id] == nil && aliases[id] != nil {
                let target = kept(id)
                if try Row.exists(db, table: "elder", id: id), target != id, try Row.exists(db, table: "elder", id: target),
                   let foldID = UUID(uuidString: id), let keepID = UUID(uuidString: target) {
                    let done = try combine(db, keep: keepID, fold: foldID, by: user, today: today, at: timestamp())
                    touched.remove(id)
                    touched.insert(target)
                    outcome.combined += 1
                    outcome.combinedNames.append(done.kept.name)
                } else {
                    try db.execute(sql: "INSERT OR IGNORE INTO elderAlias (id, intoId, at, userId) VALUES (?, ?, ?, ?)",
                                   arguments: [id, target, timestamp(), user?.uuidString])
                }
            }
            for id in touched.sorted() {
                guard var record = try ElderRecord.fetchOne(db, key: id) else { continue }
                try refreshSummary(db, record: &record, elder: try record.elder(), today: today)
            }
            try MonthTally.rebuildIfStale(db)
            // Pairs their combinations folded on the way are one record now: nothing to report.
            outcome.sharedIDNumbers = try outcome.sharedIDNumbers.filter { pair in
                try Row.exists(db, table: "elder", id: pair.id) && Row.exists(db, table: "elder", id: pair.otherID)
            }
            outcome.touchedElders = touched.count
            if outcome.insertedTotal + outcome.updatedTotal + outcome.combined > 0 {
                struct MergeAudit: Codable {
                    var file: String; var inserted: [String: Int]; var updated: [String: Int]; var conflicts: Int
                }
                try audit(db, table: "merge", id: RecordID.make(), action: .insert, before: MergeAudit?.none,
                          after: MergeAudit(file: file, inserted: outcome.inserted, updated: outcome.updated,
                                            conflicts: outcome.conflicts.count),
                          by: user, at: timestamp())
            }
            return outcome
        }
    }

    /// How the two copies of a record that differ descend from each other, read from the audit
    /// rows of the record (ids, as the audit table is merged by id).
    enum MergeLineage: Equatable {
        /// Their changes include all of ours and more: theirs is a later copy of ours.
        case theirsNewer
        /// Ours include all of theirs and more.
        case oursNewer
        /// Each has a change the other lacks (or neither has one to tell them apart): a conflict.
        case diverged
    }

    /// `MergeLineage` of record `id` of `table`, given the ids of their audit rows for it (less
    /// those that changed only an elder's sources). Audit rows that change only an elder's sources
    /// are left out on both sides: a merge writes them here by itself (`mergeSources`) and the
    /// other ledger never sees them, so counting them would make every later merge of the record
    /// a conflict. Leaving them out loses nothing, since sources are joined whichever side wins.
    func mergeLineage(_ db: Database, table: String, id: String, theirs: Set<String>) throws -> MergeLineage {
        var ours = Set<String>()
        for a in try Row.fetchAll(db, sql: "SELECT id, action, before, after FROM audit WHERE recordId = ? AND tableName = ?",
                                  arguments: [id, table])
        where !Ledger.changesOnlySources(table: table, action: a["action"], before: a["before"], after: a["after"]) {
            ours.insert(a["id"])
        }
        if ours.isSubset(of: theirs), ours != theirs { return .theirsNewer }
        if theirs.isSubset(of: ours), ours != theirs { return .oursNewer }
        return .diverged
    }

    /// Whether an audit row changed nothing of an elder but their sources (a merge joining them,
    /// or an import of the same person from another list). A row that cannot be read is a change.
    static func changesOnlySources(table: String, action: String?, before: String?, after: String?) -> Bool {
        guard table == "elder", action == AuditAction.update.rawValue, let before, let after,
              var old = try? StoreCoding.decode(Elder.self, before, column: "audit.before"),
              let new = try? StoreCoding.decode(Elder.self, after, column: "audit.after") else { return false }
        old.sources = new.sources
        return old == new
    }

    /// The other elders holding elder `id`'s ID number: one person perhaps entered in two
    /// villages (the red flags' 疑似重复登记), which a merge says rather than leaves to be found.
    static func sharedIDNumbers(_ db: Database, elderID id: String) throws -> [MergeSharedIDNumber] {
        let sql = "SELECT e.id, e.name, e.idNumber, p.name AS village FROM elder e LEFT JOIN place p ON p.id = e.villageId"
        guard let me = try Row.fetchOne(db, sql: sql + " WHERE e.id = ?", arguments: [id]),
              let number: String = me["idNumber"] else { return [] }
        return try Row.fetchAll(db, sql: sql + " WHERE e.idNumber = ? AND e.id <> ? ORDER BY e.rowid", arguments: [number, id])
            .map { other in
                MergeSharedIDNumber(id: id, name: me["name"], village: me["village"], otherID: other["id"],
                                    otherName: other["name"], otherVillage: other["village"])
            }
    }

    /// An elder row's sources.
    static func sources(_ row: Row) throws -> Set<String> {
        Set(try StoreCoding.strings(fromJSON: row["sources"] ?? "[]", column: "elder.sources"))
    }

    /// Adds the other ledger's sources of elder `id` to ours (their union), with an audit row.
    private func mergeSources(_ db: Database, id: String, theirs: String?, by user: UUID?) throws {
        guard var record = try ElderRecord.fetchOne(db, key: id) else { return }
        let before = try record.elder()
        let incoming = Set(try StoreCoding.strings(fromJSON: theirs ?? "[]", column: "elder.sources"))
        guard !incoming.isSubset(of: before.sources) else { return }
        var after = before
        after.sources.formUnion(incoming)
        let old = record
        record.sources = StoreCoding.json(strings: after.sources.sorted())
        let now = timestamp()
        record.stamp(at: now, by: user, old: old)
        try record.update(db, columns: ["sources", "updatedAt", "updatedBy"])
        try audit(db, table: "elder", id: before.id, action: .update, before: before, after: after, by: user, at: now)
    }

    /// `MergeConflict.label` of a row of `table`.
    static func mergeLabel(_ db: Database, table: String, row: Row) throws -> String? {
        func elderName(_ id: String?) throws -> String? {
            guard let id else { return nil }
            return try String.fetchOne(db, sql: "SELECT name FROM elder WHERE id = ?", arguments: [id])
        }
        switch table {
        case "place": return [row["code"] as String?, row["name"] as String?].compactMap { $0 }.joined(separator: " ")
        case "user", "visitor", "elder", "specialPeriod": return row["name"]
        case "visit": return [try elderName(row["elderId"]), row["at"] as String?].compactMap { $0 }.joined(separator: " ")
        case "followUp": return [try elderName(row["elderId"]), row["due"] as String?].compactMap { $0 }.joined(separator: " ")
        default: return row["at"]
        }
    }

    /// Columns that do not make two copies of a row different: stamps, and for elders what is
    /// derived (summary, search columns), which each ledger computes on its own day.
    static func mergeIgnoredColumns(_ table: String) -> Set<String> {
        var out: Set<String> = ["createdAt", "updatedAt", "createdBy", "updatedBy"]
        if table == "elder" {
            out.formUnion(ElderRecord.summaryColumns)
            out.formUnion(ElderRecord.flagColumns)
            out.formUnion(["pinyinInitials", "pinyinFull", "idTail", "phoneDigits"])
        }
        return out
    }
}

extension Row {
    /// Whether `table` has a row with this `id`.
    static func exists(_ db: Database, table: String, id: String) throws -> Bool {
        try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM \(table) WHERE id = ?)", arguments: [id]) ?? false
    }
}
