import Foundation
import GRDB
import Synchronization
import TanfangCore

/// One roster row ready for the ledger: the elder (village resolved) and the file line it came from.
public struct RosterImportRow: Hashable, Sendable {
    /// The row number a person sees in the spreadsheet.
    public var line: Int
    /// The elder as the file gives it; `id` is used only when the person is new, and an empty
    /// status history starts as active on `today`.
    public var elder: Elder

    public init(line: Int, elder: Elder) {
        self.line = line
        self.elder = elder
    }
}

/// A value in the file that differs from what the ledger holds: reported, never overwritten.
public struct ImportConflict: Hashable, Sendable, Codable {
    public var line: Int
    public var elderID: UUID
    public var name: String
    /// The `Elder` property name, e.g. `phone`.
    public var field: String
    /// The stored and incoming values, with ID numbers and phones masked.
    public var stored: String
    public var incoming: String

    public init(line: Int, elderID: UUID, name: String, field: String, stored: String, incoming: String) {
        self.line = line
        self.elderID = elderID
        self.name = name
        self.field = field
        self.stored = stored
        self.incoming = incoming
    }
}

/// What an import did (or, for a dry run, would do).
public struct ImportOutcome: Hashable, Sendable, Codable {
    /// New elders.
    public var added: Int = 0
    /// Elders already on the ledger that gained categories, a source or an empty field.
    public var merged: Int = 0
    /// Rows whose person was already on the ledger with nothing new.
    public var unchanged: Int = 0
    public var conflicts: [ImportConflict] = []
    /// The elders added or merged, in file order.
    public var touched: [UUID] = []

    public init() {}
}

extension Ledger {
    /// Imports roster rows in ONE transaction; with `dryRun` the transaction is rolled back.
    ///
    /// A row matches an elder already on the ledger by ID number (or, when the row has none, by
    /// name, village and birth date). A match is merged: categories and sources combined, empty
    /// fields filled; a differing value is reported in `conflicts` and the stored value kept. So
    /// importing the same rows twice changes nothing. One audit row (table `import`) records the
    /// file, source and counts, besides each elder's own insert/update row.
    @discardableResult
    public func importRoster(_ rows: [RosterImportRow], source: String?, file: String, by user: UUID?,
                             today: LocalDate, dryRun: Bool = false) throws -> ImportOutcome {
        struct DryRun: Error { let outcome: ImportOutcome }
        let checked = try rows.map { row -> RosterImportRow in
            var r = row
            r.elder = try Ledger.checked(row.elder, today: today)
            if let source, !source.isEmpty { r.elder.sources.insert(source) }
            return r
        }
        // Index pages of a large ledger are touched at random (UUID keys): a bigger page cache for
        // the import's transaction saves most re-reads. Put back afterwards for the screens.
        let cacheSize = try read { db in try Int.fetchOne(db, sql: "PRAGMA cache_size") } ?? -2000
        defer { _ = try? write { db in try db.execute(sql: "PRAGMA cache_size = \(cacheSize)") } }
        do {
            return try write { db in
                try db.execute(sql: "PRAGMA cache_size = -65536")
                let now = timestamp()
                var outcome = ImportOutcome()
                var state = try ImportState(db, rows: checked, today: today, ledger: self)
                let prepared = prepareNewElders(checked, state: state, by: user, today: today, now: now)
                for (i, row) in checked.enumerated() {
                    try importOne(db, row: row, prepared: prepared[i], state: &state, outcome: &outcome, by: user,
                                  today: today, now: now)
                }
                let summary = ImportAuditSummary(file: file, source: source, rows: rows.count, added: outcome.added,
                                                 merged: outcome.merged, unchanged: outcome.unchanged,
                                                 conflicts: outcome.conflicts.count)
                try audit(db, table: "import", id: UUID(), action: .insert, before: ImportAuditSummary?.none,
                          after: summary, by: user, at: now)
                if dryRun { throw DryRun(outcome: outcome) }
                return outcome
            }
        } catch let rollback as DryRun {
            return rollback.outcome
        }
    }

    /// What the import reads once instead of once per row: places, the elders the file's ID
    /// numbers name, which of the rows' elder IDs are taken, and the active special periods.
    struct ImportState {
        var places: [String: PlaceRecord]
        /// The first elder (by `createdAt`, `id`) with each ID number, kept current as rows are written.
        var byIDNumber: [String: ElderRecord]
        var elders = RowWriter<ElderRecord>()
        private var auditInsert: Statement?
        /// The columns of `AuditRecord`, bound by hand: its Codable encoding cost more than the insert.
        static let auditColumns = ["id", "at", "userId", "tableName", "recordId", "action", "before", "after",
                                   "createdAt", "updatedAt", "createdBy", "updatedBy"]
        /// Elder IDs in use, among those the rows carry (and those inserted since).
        var takenIDs: Set<String>
        let periods: [SpecialPeriod]

        init(_ db: Database, rows: [RosterImportRow], today: LocalDate, ledger: Ledger) throws {
            places = Dictionary(try PlaceRecord.fetchAll(db).map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
            let idNumbers = Set(rows.compactMap(\.elder.idNumber))
            byIDNumber = [:]
            byIDNumber.reserveCapacity(idNumbers.count)
            if !idNumbers.isEmpty {
                // One query for the whole file (json_each: SQLite has no array parameters here).
                let request = ElderRecord.filter(sql: "idNumber IN (SELECT value FROM json_each(?))",
                                                 arguments: [StoreCoding.json(strings: Array(idNumbers))])
                    .order(Column("createdAt"), Column("id"))
                for record in try request.fetchAll(db) where byIDNumber[record.idNumber!] == nil {
                    byIDNumber[record.idNumber!] = record
                }
            }
            let ids = rows.map(\.elder.id.uuidString)
            takenIDs = try Set(String.fetchAll(db, sql: "SELECT id FROM elder WHERE id IN (SELECT value FROM json_each(?))",
                                               arguments: [StoreCoding.json(strings: ids)]))
            periods = try ledger.activePeriods(db, today: today)
        }

        /// An elder's audit row, as `Ledger.audit` writes it.
        mutating func audit(_ db: Database, id: UUID, action: AuditAction, before: Elder?, after: Elder, by user: UUID?,
                            at now: String) throws {
            try audit(db, id: id, action: action, beforeJSON: before.map(ElderJSON.encode),
                      afterJSON: ElderJSON.encode(after), by: user, at: now)
        }

        mutating func audit(_ db: Database, id: UUID, action: AuditAction, beforeJSON: String?, afterJSON: String,
                            by user: UUID?, at now: String) throws {
            var record = AuditRecord(id: UUID().uuidString, at: now, userId: user?.uuidString, tableName: "elder",
                                     recordId: id.uuidString, action: action.rawValue,
                                     before: beforeJSON, after: afterJSON)
            record.stamp(at: now, by: user, old: nil)
            if auditInsert == nil {
                let marks = Array(repeating: "?", count: Self.auditColumns.count).joined(separator: ", ")
                auditInsert = try db.makeStatement(
                    sql: "INSERT INTO audit (\(Self.auditColumns.joined(separator: ", "))) VALUES (\(marks))")
            }
            auditInsert!.setUncheckedArguments([
                record.id, record.at, record.userId, record.tableName, record.recordId, record.action, record.before,
                record.after, record.createdAt, record.updatedAt, record.createdBy, record.updatedBy,
            ])
            try auditInsert!.execute()
        }

        /// Keeps `byIDNumber` pointing at the current row of an elder just written.
        mutating func written(_ record: ElderRecord) {
            guard let number = record.idNumber else { return }
            if let first = byIDNumber[number] {
                if first.id == record.id { byIDNumber[number] = record }
            } else {
                byIDNumber[number] = record
            }
        }
    }

    /// A new elder's row and audit text, built ahead of the write.
    struct PreparedElder: Sendable {
        let elder: Elder
        let record: ElderRecord
        let auditJSON: String
    }

    /// Builds, on both cores, the rows of the elders that will certainly be new: an ID number no
    /// elder on the ledger or earlier row has, and an elder ID not taken. Building a row (JSON
    /// columns, pinyin, summary, audit text) costs more than writing it and needs no database.
    func prepareNewElders(_ rows: [RosterImportRow], state: ImportState, by user: UUID?, today: LocalDate,
                          now: String) -> [PreparedElder?] {
        var seenNumbers: Set<String> = []
        var idCounts: [UUID: Int] = [:]
        for row in rows { idCounts[row.elder.id, default: 0] += 1 }
        let candidates = rows.map { row -> Bool in
            guard let number = row.elder.idNumber, state.byIDNumber[number] == nil,
                  seenNumbers.insert(number).inserted else { return false }
            return idCounts[row.elder.id] == 1 && !state.takenIDs.contains(row.elder.id.uuidString)
        }
        let derivation = rules.derivation
        let periods = state.periods
        let chunk = 2_000
        let chunks = (rows.count + chunk - 1) / chunk
        let results = Mutex([[PreparedElder?]](repeating: [], count: chunks))
        DispatchQueue.concurrentPerform(iterations: chunks) { c in
            let range = c * chunk..<min((c + 1) * chunk, rows.count)
            let built = range.map { i -> PreparedElder? in
                guard candidates[i] else { return nil }
                let elder = Ledger.newElder(rows[i].elder, today: today)
                let summary = derivation.summarize(elder: elder, visits: [], followUps: [],
                                                   periods: periods.filter { $0.covers(elder) }, today: today)
                var record = ElderRecord(elder, summary: summary)
                record.stamp(at: now, by: user, old: nil)
                return PreparedElder(elder: elder, record: record, auditJSON: ElderJSON.encode(elder))
            }
            results.withLock { $0[c] = built }
        }
        return results.withLock { $0.flatMap { $0 } }
    }

    /// The elder a row adds: active from today unless the row says otherwise.
    static func newElder(_ incoming: Elder, today: LocalDate) -> Elder {
        var elder = incoming
        if elder.statusHistory.isEmpty { elder.statusHistory = [StatusChange(date: today, status: .active)] }
        return elder
    }

    private func importOne(_ db: Database, row: RosterImportRow, prepared: PreparedElder?, state: inout ImportState,
                           outcome: inout ImportOutcome, by user: UUID?, today: LocalDate, now: String) throws {
        let incoming = row.elder
        guard let place = state.places[incoming.villageID.uuidString],
              place.level == PlaceLevel.village.rawValue else {
            throw LedgerError.notFound(table: "place", id: incoming.villageID)
        }
        if let old = try matching(db, incoming, state: state) {
            let stored = try old.elder()
            var merged = stored
            merged.categories.formUnion(incoming.categories)
            merged.sources.formUnion(incoming.sources)
            func take<T: Equatable>(_ path: WritableKeyPath<Elder, T?>, _ field: String, _ show: (T) -> String) {
                guard let new = incoming[keyPath: path] else { return }
                if let have = stored[keyPath: path] {
                    if have != new {
                        outcome.conflicts.append(ImportConflict(line: row.line, elderID: stored.id, name: stored.name,
                                                                field: field, stored: show(have), incoming: show(new)))
                    }
                } else {
                    merged[keyPath: path] = new
                }
            }
            if incoming.name != stored.name {
                outcome.conflicts.append(ImportConflict(line: row.line, elderID: stored.id, name: stored.name,
                                                        field: "name", stored: stored.name, incoming: incoming.name))
            }
            if incoming.villageID != stored.villageID {
                let storedVillage = state.places[stored.villageID.uuidString]?.name ?? "?"
                outcome.conflicts.append(ImportConflict(line: row.line, elderID: stored.id, name: stored.name,
                                                        field: "villageID", stored: storedVillage, incoming: place.name))
            }
            take(\.idNumber, "idNumber", Masking.idNumber)
            take(\.gender, "gender") { $0.rawValue }
            take(\.birthDate, "birthDate") { $0.description }
            take(\.ethnicity, "ethnicity") { $0 }
            take(\.phone, "phone", Masking.phone)
            take(\.address, "address") { $0 }
            take(\.disabilityDegree, "disabilityDegree") { $0.rawValue }
            for s in incoming.supporters where !merged.supporters.contains(where: { $0.name == s.name }) {
                merged.supporters.append(s)
            }
            guard merged != stored else {
                outcome.unchanged += 1
                return
            }
            var record = ElderRecord(merged, summary: try old.summary())
            record.stamp(at: now, by: user, old: old)
            try state.elders.update(db, record)
            // The summary reads only these of the fields a merge can change; when they stay and the
            // summary is today's, recomputing it (which loads the whole visit history) gives it again.
            if merged.categories != stored.categories || merged.birthDate != stored.birthDate
                || merged.disabilityDegree != stored.disabilityDegree || old.computedOn != StoreCoding.text(today) {
                try refreshSummary(db, record: &record, elder: merged, today: today, periods: state.periods)
            }
            state.written(record)
            try state.audit(db, id: stored.id, action: .update, before: stored, after: merged, by: user, at: now)
            outcome.merged += 1
            outcome.touched.append(stored.id)
        } else if let prepared, !state.takenIDs.contains(prepared.record.id) {
            try state.elders.insert(db, prepared.record)
            state.takenIDs.insert(prepared.record.id)
            state.written(prepared.record)
            try state.audit(db, id: prepared.elder.id, action: .insert, beforeJSON: nil, afterJSON: prepared.auditJSON,
                            by: user, at: now)
            outcome.added += 1
            outcome.touched.append(prepared.elder.id)
        } else {
            var elder = Ledger.newElder(incoming, today: today)
            if state.takenIDs.contains(elder.id.uuidString) { elder.id = UUID() }
            // A new elder has no visits or follow-ups yet: the summary needs no query, and the
            // row is written once, summary included.
            let covering = state.periods.filter { $0.covers(elder) }
            let summary = rules.derivation.summarize(elder: elder, visits: [], followUps: [], periods: covering,
                                                     today: today)
            var record = ElderRecord(elder, summary: summary)
            record.stamp(at: now, by: user, old: nil)
            try state.elders.insert(db, record)
            state.takenIDs.insert(record.id)
            state.written(record)
            try state.audit(db, id: elder.id, action: .insert, before: nil, after: elder, by: user, at: now)
            outcome.added += 1
            outcome.touched.append(elder.id)
        }
    }

    /// The elder a row describes: same ID number, else (no ID number) same name, village and birth date.
    private func matching(_ db: Database, _ e: Elder, state: ImportState) throws -> ElderRecord? {
        if let id = e.idNumber {
            return state.byIDNumber[id]
        }
        return try ElderRecord.filter(Column("name") == e.name && Column("villageId") == e.villageID.uuidString
                                      && Column("birthDate") == StoreCoding.text(e.birthDate))
            .order(Column("createdAt"), Column("id")).fetchOne(db)
    }
}

/// The `after` JSON of an import's audit row.
struct ImportAuditSummary: Codable {
    var file: String
    var source: String?
    var rows: Int
    var added: Int
    var merged: Int
    var unchanged: Int
    var conflicts: Int
}

/// `StoreCoding.json(elder)` written by hand for the import's audit rows: JSONEncoder took
/// ~30 µs an elder, most of a 100,000-row import. Same text: keys sorted, nil members left out,
/// `/` not escaped, sets in their iteration order (a test compares both on demo elders; a new
/// `Elder` property must be added here too).
enum ElderJSON {
    static func encode(_ e: Elder) -> String {
        var o = Writer()
        o.open("{")
        o.key("address"); o.optional(e.address)
        o.key("birthDate"); o.optional(e.birthDate.map { StoreCoding.text($0) })
        o.key("categories"); o.array(e.categories.map(\.rawValue))
        o.key("disabilityDegree"); o.optional(e.disabilityDegree?.rawValue)
        o.key("emergencyContacts"); o.list(e.emergencyContacts) { o, c in
            o.open("{"); o.key("name"); o.string(c.name); o.key("phone"); o.string(c.phone)
            o.key("relation"); o.string(c.relation); o.close("}")
        }
        o.key("ethnicity"); o.optional(e.ethnicity)
        o.key("gender"); o.optional(e.gender?.rawValue)
        o.key("gridID"); o.optional(e.gridID?.uuidString)
        o.key("id"); o.string(e.id.uuidString)
        o.key("idNumber"); o.optional(e.idNumber)
        o.key("livingArrangement"); o.optional(e.livingArrangement?.rawValue)
        o.key("name"); o.string(e.name)
        o.key("phone"); o.optional(e.phone)
        o.key("remote"); o.raw(e.remote ? "true" : "false")
        if let r = e.riskOverride {
            o.key("riskOverride"); o.open("{"); o.key("level"); o.string(r.level.rawValue)
            o.key("reason"); o.string(r.reason); o.close("}")
        }
        o.key("sources"); o.array(Array(e.sources))
        o.key("statusHistory"); o.list(e.statusHistory) { o, s in
            o.open("{"); o.key("date"); o.string(StoreCoding.text(s.date)); o.key("note"); o.optional(s.note)
            o.key("status"); o.string(s.status.rawValue); o.close("}")
        }
        o.key("supporters"); o.list(e.supporters) { o, s in
            o.open("{"); o.key("name"); o.string(s.name); o.key("phone"); o.optional(s.phone)
            o.key("relation"); o.string(s.relation); o.key("residence"); o.optional(s.residence); o.close("}")
        }
        o.key("villageID"); o.string(e.villageID.uuidString)
        o.key("visitorID"); o.optional(e.visitorID?.uuidString)
        o.key("wishes"); o.optional(e.wishes)
        o.close("}")
        return String(decoding: o.bytes, as: UTF8.self)
    }

    /// Appends JSON, leaving out a key whose value is nil (as `encodeIfPresent` does).
    struct Writer {
        var bytes: [UInt8] = []
        /// Whether the current object or array has a member yet.
        private var hasMember: [Bool] = []
        private var pendingKey: String?

        init() { bytes.reserveCapacity(512) }

        mutating func open(_ bracket: Unicode.Scalar) {
            beginValue()
            bytes.append(UInt8(bracket.value))
            hasMember.append(false)
        }

        mutating func close(_ bracket: Unicode.Scalar) {
            pendingKey = nil
            hasMember.removeLast()
            bytes.append(UInt8(bracket.value))
        }

        mutating func key(_ k: String) { pendingKey = k }

        mutating func optional(_ s: String?) {
            if let s { string(s) } else { pendingKey = nil }
        }

        mutating func string(_ s: String) {
            beginValue()
            ElderJSON.appendString(s, to: &bytes)
        }

        mutating func raw(_ s: String) {
            beginValue()
            bytes.append(contentsOf: s.utf8)
        }

        mutating func array(_ items: [String]) {
            open("[")
            for s in items { string(s) }
            close("]")
        }

        mutating func list<T>(_ items: [T], _ body: (inout Writer, T) -> Void) {
            open("[")
            for item in items { body(&self, item) }
            close("]")
        }

        private mutating func beginValue() {
            if let last = hasMember.last {
                if last { bytes.append(UInt8(ascii: ",")) }
                hasMember[hasMember.count - 1] = true
            }
            if let k = pendingKey {
                ElderJSON.appendString(k, to: &bytes)
                bytes.append(UInt8(ascii: ":"))
                pendingKey = nil
            }
        }
    }

    /// A JSON string as JSONEncoder writes it: `"` `\` and control characters escaped, the rest as is.
    static func appendString(_ s: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in s.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x08: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "b")])
            case 0x0C: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "f")])
            case 0x0A: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0D: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x09: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out.append(contentsOf: Array("\\u00".utf8))
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0xF)])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}

/// Inserts or updates rows of one record type with statements prepared once.
///
/// GRDB's `insert`/`update` rebuild the SQL text and look it up in the statement cache on every
/// call (~50 µs a row, a third of a 100,000-row import). The columns come from the record's own
/// `encode(to:)`, so columns added to the record later are written too.
struct RowWriter<Record: EncodableRecord & TableRecord> {
    private var columns: [String] = []
    private var insert: Statement?
    private var update: Statement?

    mutating func insert(_ db: Database, _ record: Record) throws {
        let values = try record.databaseDictionary
        if insert == nil {
            columns = values.keys.sorted()
            let names = columns.map { $0.quotedDatabaseIdentifier }.joined(separator: ", ")
            let marks = Array(repeating: "?", count: columns.count).joined(separator: ", ")
            insert = try db.makeStatement(sql: "INSERT INTO \(Record.databaseTableName.quotedDatabaseIdentifier) (\(names)) VALUES (\(marks))")
        }
        try run(insert!, values, key: nil)
    }

    /// Updates every column of the row whose `id` is the record's.
    mutating func update(_ db: Database, _ record: Record) throws {
        let values = try record.databaseDictionary
        if update == nil {
            columns = values.keys.sorted()
            let sets = columns.filter { $0 != "id" }.map { "\($0.quotedDatabaseIdentifier) = ?" }.joined(separator: ", ")
            update = try db.makeStatement(sql: "UPDATE \(Record.databaseTableName.quotedDatabaseIdentifier) SET \(sets) WHERE id = ?")
        }
        try run(update!, values, key: "id")
    }

    private func run(_ statement: Statement, _ values: [String: DatabaseValue], key: String?) throws {
        guard values.count == columns.count else { throw LedgerError.corrupt(column: Record.databaseTableName) }
        var arguments: [DatabaseValue] = []
        arguments.reserveCapacity(columns.count + 1)
        for c in columns where c != key {
            guard let v = values[c] else { throw LedgerError.corrupt(column: "\(Record.databaseTableName).\(c)") }
            arguments.append(v)
        }
        if let key { arguments.append(values[key] ?? .null) }
        statement.setUncheckedArguments(StatementArguments(arguments))
        try statement.execute()
    }
}
