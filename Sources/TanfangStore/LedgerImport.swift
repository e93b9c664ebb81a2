import Foundation
import GRDB
import GRDBSQLite
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
    /// The two values differ only where masking hides them (139****5678 both): said in words.
    public var differsWhereMasked: Bool { stored == incoming }

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
    /// Of `merged`, those that only gained a source (the list a re-import of the same people was
    /// read from): said apart, as nothing else of them changed.
    public var sourcesOnly: Int = 0
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
    ///
    /// With `bulkLoad` (a process that holds the ledger alone, as `tanfang import roster` does), a
    /// large import is written through a rollback journal instead of the WAL (`enterBulkJournal`).
    ///
    /// With a `scope` of some villages (a village clerk's import), a row matching an elder of
    /// another village changes nothing of that elder: it is reported as a village conflict.
    @discardableResult
    public func importRoster(_ rows: [RosterImportRow], source: String?, file: String, by user: UUID?,
                             today: LocalDate, dryRun: Bool = false, bulkLoad: Bool = false,
                             scope: AccessScope = .everything) throws -> ImportOutcome {
        try importRoster(rows, source: source, file: file, by: user, today: today, dryRun: dryRun,
                         rebuildIndexesFrom: IndexRebuild.minimumRows, bulkLoad: bulkLoad, scope: scope)
    }

    /// `importRoster`, rebuilding a table's indexes after the load when at least
    /// `rebuildIndexesFrom` new rows go into it (tests lower it); the bulk journal is used from
    /// that many rows too.
    func importRoster(_ rows: [RosterImportRow], source: String?, file: String, by user: UUID?,
                      today: LocalDate, dryRun: Bool, rebuildIndexesFrom minimum: Int,
                      bulkLoad: Bool = false, scanKeys: Bool? = nil, scope: AccessScope = .everything) throws -> ImportOutcome {
        struct DryRun: Error { let outcome: ImportOutcome }
        var clock = ImportClock()
        let checked = try Ledger.checkedRows(rows, source: source, today: today)
        clock.lap("check")
        // One ICU call for every character of the file instead of one per new character, on another
        // thread while this one sets the write up; rows are built and written once it is done.
        let pinyin = DispatchGroup()
        pinyin.enter()
        Thread.detachNewThread { [checked] in
            Pinyin.prefetch(checked.lazy.map(\.elder.name))
            pinyin.leave()
        }
        // Index pages of a large ledger are touched at random (UUID keys): a bigger page cache for
        // the import's transaction saves most re-reads. Put back afterwards for the screens.
        let cacheSize = try read { db in try Int.fetchOne(db, sql: "PRAGMA cache_size") } ?? -2000
        defer { _ = try? write { db in try db.execute(sql: "PRAGMA cache_size = \(cacheSize)") } }
        let bulk = bulkLoad && !dryRun && checked.count >= minimum && enterBulkJournal()
        defer { if bulk { leaveBulkJournal() } }
        do {
            let outcome = try write { db in
                // Through the rollback journal, dirty pages beyond the cache go to the file once
                // (new pages need no journal), so a smaller cache costs no extra writes.
                try db.execute(sql: "PRAGMA cache_size = \(bulk ? -65536 : -262144)")
                // The index builds read the new rows back: mapped, pages beyond the cache are read in place
                // instead of copied by pread (0.2 s at 100,000 rows).
                if bulk { try db.execute(sql: "PRAGMA mmap_size = 4294967296") }
                defer { if bulk { try? db.execute(sql: "PRAGMA mmap_size = 0") } }
                let now = timestamp()
                var outcome = ImportOutcome()
                var state = try ImportState(db, rows: checked, today: today, ledger: self, scanKeys: scanKeys)
                // New elders' rows are built on another thread while this one writes the rows before them.
                let prepared = prepareNewElders(checked, state: state, by: user, today: today, now: now, after: pinyin)
                defer { prepared.cancel() }
                // A load larger than the table: its indexes are built once afterwards (a sort each)
                // rather than updated at random places row by row. ID numbers were all looked up
                // above (ImportState); a row without one is matched by village, which keeps its index.
                let byVillage = checked.contains { $0.elder.idNumber == nil }
                let rebuilds = [
                    try IndexRebuild.drop(db, table: "elder", adding: prepared.count, minimum: minimum,
                                          keeping: byVillage ? ["elder_on_villageId"] : []),
                    try IndexRebuild.drop(db, table: "audit", adding: prepared.count, minimum: minimum, keeping: []),
                ]
                if rebuilds[0] != nil { state.rosterBumps = try RosterInsertBumps.suspend(db) }
                let elderFlags = rebuilds[0] != nil ? try ElderFlagTable.suspendInserts(db) : nil
                let dupKeys = rebuilds[0] != nil ? try SharedDupKeyTable.suspend(db) : nil
                // Marks the monthly tally stale once (below) instead of once per new elder.
                let tallyTrigger = rebuilds[0] != nil ? try SuspendedTriggers.suspend(db, ["tally_elder_insert"]) : nil
                clock.lap("setup")
                pinyin.wait()
                clock.lap("pinyin")
                for (i, row) in checked.enumerated() {
                    try importOne(db, row: row, prepared: prepared.row(i), state: &state, outcome: &outcome, by: user,
                                  today: today, now: now, scope: scope)
                }
                clock.lap("rows")
                clock.note("waiting for rows", Double(prepared.waitedNanoseconds) / 1e9)
                // Every row is written: their copies are freed on the other core (idle by now)
                // while this one rebuilds the indexes and commits.
                prepared.releaseRows()
                state.releaseLookups()
                try state.rosterBumps?.restore(db)
                if let elderFlags { try ElderFlagTable.resume(db, elderFlags) }
                clock.lap("flags")
                // The rows are built by now: the indexes' sorts may use the second core.
                try db.execute(sql: "PRAGMA threads = 2")
                defer { try? db.execute(sql: "PRAGMA threads = 0") }
                for rebuild in rebuilds { try rebuild?.restore(db) }
                clock.lap("indexes")
                if let dupKeys { try SharedDupKeyTable.resume(db, dupKeys) }
                if let tallyTrigger {
                    try tallyTrigger.restore(db)
                    if outcome.added > 0 { try db.execute(sql: "UPDATE tallyState SET stale = 1 WHERE stale = 0") }
                }
                try MonthTally.rebuildIfStale(db)
                clock.lap("tallies")
                let summary = ImportAuditSummary(file: file, source: source, rows: rows.count, added: outcome.added,
                                                 merged: outcome.merged, unchanged: outcome.unchanged,
                                                 conflicts: outcome.conflicts.count)
                try audit(db, table: "import", id: RecordID.make(), action: .insert, before: ImportAuditSummary?.none,
                          after: summary, by: user, at: now)
                if dryRun { throw DryRun(outcome: outcome) }
                return outcome
            }
            clock.lap("commit")
            clock.report()
            return outcome
        } catch let rollback as DryRun {
            return rollback.outcome
        }
    }

    /// `Ledger.checked` of every row (and the source added), on both cores; the first row in file
    /// order that fails throws, as a plain loop would.
    static func checkedRows(_ rows: [RosterImportRow], source: String?, today: LocalDate) throws -> [RosterImportRow] {
        let chunk = 4_096
        let chunks = (rows.count + chunk - 1) / chunk
        let results = Mutex([Result<[RosterImportRow], Error>?](repeating: nil, count: chunks))
        DispatchQueue.concurrentPerform(iterations: chunks) { c in
            let result = Result {
                try rows[c * chunk..<min((c + 1) * chunk, rows.count)].map { row -> RosterImportRow in
                    var r = row
                    r.elder = try Ledger.checked(row.elder, today: today)
                    if let source, !source.isEmpty { r.elder.sources.insert(source) }
                    return r
                }
            }
            results.withLock { $0[c] = result }
        }
        var out: [RosterImportRow] = []
        out.reserveCapacity(rows.count)
        for result in results.withLock({ $0 }) { out += try result!.get() }
        return out
    }

    /// What the import reads once instead of once per row: places, the elders the file's ID
    /// numbers name, which of the rows' elder IDs are taken, and the active special periods.
    struct ImportState {
        var places: [String: PlaceRecord]
        /// The first elder (by `createdAt`, `id`) with each ID number on the ledger, kept current
        /// as rows merge into them.
        var byIDNumber: [String: ElderRecord]
        /// The elders this import added, by ID number: only their ids (a later row with the same
        /// number reads the row back), since copying every new record into a lookup cost ~15% of a
        /// 100,000-row load.
        var addedByIDNumber: [String: String] = [:]
        /// ID numbers two or more elders on the ledger hold (a person entered twice, a red flag), with
        /// how many: a row with one cannot say which of them it is, so it changes none.
        var sharedIDNumbers: [String: Int] = [:]
        var elders = RowWriter<ElderRecord>()
        /// The fast insert of elder rows; nil until the first insert, and unused when the record's
        /// columns are not the ones it binds.
        private var elderInsert: ElderInsert??
        private var auditInsert: Statement?
        /// The columns of `AuditRecord`, bound by hand: its Codable encoding cost more than the insert.
        static let auditColumns = ["id", "at", "userId", "tableName", "recordId", "action", "before", "after",
                                   "createdAt", "updatedAt", "createdBy", "updatedBy"]
        /// Elder IDs in use, among those the rows carry (and those inserted since, but for rows built
        /// ahead, whose ids no other row has).
        var takenIDs: Set<String>
        /// Set during a bulk load: the roster version bumped once per run of inserts.
        var rosterBumps: RosterInsertBumps?
        /// Elders on the ledger without an ID number, by name and village: a later list giving the
        /// number is theirs (it added each a second time). Read once: during a bulk load the
        /// indexes a query would use are gone.
        var withoutIDNumber: [String: [(id: String, birthDate: String?, phoneDigits: String)]] = [:]
        let periods: [SpecialPeriod]

        /// `scanKeys`: match by reading the ledger's keys (true) or by looking the file's up (false);
        /// nil decides by the sizes.
        init(_ db: Database, rows: [RosterImportRow], today: LocalDate, ledger: Ledger, scanKeys: Bool? = nil) throws {
            places = Dictionary(try PlaceRecord.fetchAll(db).map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
            // An empty ledger (a county's first import) has none of the file's keys: nothing to look up.
            let elders = try Int.fetchOne(db, sql: "SELECT max(rowid) FROM elder") ?? 0
            var idNumbers = elders == 0 ? [] : Set(rows.compactMap(\.elder.idNumber))
            // A file about as large as the ledger (or larger: a county's first import) is matched by
            // reading the ledger's keys once from their covering indexes; looking each of the
            // file's 100,000 keys up through json_each cost ~0.3 s per column even on an empty ledger.
            let scan = scanKeys ?? (elders <= 4 * rows.count)
            if scan, !idNumbers.isEmpty {
                var onLedger = Set<String>()
                let numbers = try String.fetchCursor(db, sql: "SELECT idNumber FROM elder INDEXED BY elder_on_idNumber WHERE idNumber IS NOT NULL")
                while let number = try numbers.next() { if idNumbers.contains(number) { onLedger.insert(number) } }
                idNumbers = onLedger
            }
            byIDNumber = [:]
            byIDNumber.reserveCapacity(idNumbers.count)
            if !idNumbers.isEmpty {
                // One query for the whole file (json_each: SQLite has no array parameters here).
                let request = ElderRecord.filter(sql: "idNumber IN (SELECT value FROM json_each(?))",
                                                 arguments: [StoreCoding.json(strings: Array(idNumbers))])
                    .order(Column("createdAt"), Column("id"))
                for record in try request.fetchAll(db) {
                    if byIDNumber[record.idNumber!] == nil {
                        byIDNumber[record.idNumber!] = record
                    } else {
                        sharedIDNumbers[record.idNumber!, default: 1] += 1
                    }
                }
            }
            let ids = elders == 0 ? [] : rows.map { DemoUUIDText.text($0.elder.id) }
            if elders == 0 {
                takenIDs = []
            } else if scan {
                let wanted = Set(ids)
                takenIDs = []
                let taken = try String.fetchCursor(db, sql: "SELECT id FROM elder")
                while let id = try taken.next() { if wanted.contains(id) { takenIDs.insert(id) } }
            } else {
                takenIDs = try Set(String.fetchAll(db, sql: "SELECT id FROM elder WHERE id IN (SELECT value FROM json_each(?))",
                                                   arguments: [StoreCoding.json(strings: ids)]))
            }
            addedByIDNumber.reserveCapacity(rows.count)
            if elders > 0, rows.contains(where: { $0.elder.idNumber != nil }) {
                let unnumbered = try Row.fetchCursor(db, sql: "SELECT id, name, villageId, birthDate, phone FROM elder WHERE idNumber IS NULL")
                while let r = try unnumbered.next() {
                    let key = (r["name"] as String) + "|" + (r["villageId"] as String)
                    withoutIDNumber[key, default: []].append((r["id"], r["birthDate"], ((r["phone"] as String?) ?? "").filter(\.isNumber)))
                }
            }
            periods = try ledger.activePeriods(db, today: today)
        }

        /// Inserts a new elder's row.
        mutating func insert(_ db: Database, _ record: ElderRecord) throws {
            if elderInsert == nil { elderInsert = .some(try ElderInsert(db, sample: record)) }
            if let fast = elderInsert! {
                try fast.insert(record, db: db)
            } else {
                try elders.insert(db, record)
            }
            rosterBumps?.inserted()
        }

        /// An elder's audit row, as `Ledger.audit` writes it.
        mutating func audit(_ db: Database, id: UUID, action: AuditAction, before: Elder?, after: Elder, by user: UUID?,
                            at now: String) throws {
            try audit(db, id: id, action: action, beforeJSON: before.map(ElderJSON.encode),
                      afterJSON: ElderJSON.encode(after), by: user, at: now)
        }

        mutating func audit(_ db: Database, id: UUID, action: AuditAction, beforeJSON: String?, afterJSON: String,
                            by user: UUID?, at now: String, auditID: String? = nil) throws {
            var record = AuditRecord(id: auditID ?? DemoUUIDText.text(RecordID.make()), at: now,
                                     userId: DemoUUIDText.text(user), tableName: "elder",
                                     recordId: DemoUUIDText.text(id), action: action.rawValue,
                                     before: beforeJSON, after: afterJSON)
            record.stamp(at: now, by: user, old: nil)
            if auditInsert == nil {
                let marks = Array(repeating: "?", count: Self.auditColumns.count).joined(separator: ", ")
                auditInsert = try db.makeStatement(
                    sql: "INSERT INTO audit (\(Self.auditColumns.joined(separator: ", "))) VALUES (\(marks))")
            }
            // Bound through the C API: StatementArguments cost more than the insert itself.
            let a = auditInsert!.sqliteStatement
            SQLiteBind.text(a, 1, record.id); SQLiteBind.text(a, 2, record.at); SQLiteBind.text(a, 3, record.userId)
            SQLiteBind.text(a, 4, record.tableName); SQLiteBind.text(a, 5, record.recordId)
            SQLiteBind.text(a, 6, record.action); SQLiteBind.text(a, 7, record.before); SQLiteBind.text(a, 8, record.after)
            SQLiteBind.text(a, 9, record.createdAt); SQLiteBind.text(a, 10, record.updatedAt)
            SQLiteBind.text(a, 11, record.createdBy); SQLiteBind.text(a, 12, record.updatedBy)
            try SQLiteBind.step(a, db: db)
        }

        /// Frees the lookups of the rows (no row may be imported after): see `releaseInBackground`.
        mutating func releaseLookups() {
            let numbers = ReleaseBox([String: ElderRecord]())
            swap(&numbers.value, &byIDNumber)
            numbers.releaseInBackground()
            let ids = ReleaseBox(Set<String>())
            swap(&ids.value, &takenIDs)
            ids.releaseInBackground()
            let added = ReleaseBox([String: String]())
            swap(&added.value, &addedByIDNumber)
            added.releaseInBackground()
        }

        /// Keeps `byIDNumber` pointing at the current row of an elder just written.
        mutating func written(_ record: ElderRecord) {
            guard let number = record.idNumber else { return }
            if let first = byIDNumber[number] {
                if first.id == record.id { byIDNumber[number] = record }
            } else if addedByIDNumber[number] == nil {
                addedByIDNumber[number] = record.id
            }
        }
    }

    /// A new elder's row and audit text, built ahead of the write.
    struct PreparedElder: Sendable {
        let elder: Elder
        let record: ElderRecord
        let auditJSON: String
        let auditID: String
    }

    /// New elders' rows built on a background thread, chunk by chunk in file order, while the
    /// database thread writes: with two cores, building and writing overlap.
    /// (Unchecked: its state is behind a mutex, an atomic and semaphores, which are thread-safe.)
    final class PreparedRows: @unchecked Sendable {
        static let chunk = 1_000
        private let results: Mutex<[[PreparedElder?]?]>
        private let ready: [DispatchSemaphore]
        /// How many rows will be built (the elders certainly new).
        let count: Int
        private let cancelled = Atomic<Bool>(false)
        /// The chunk the reader has waited for (only the database thread reads it).
        private let waited = Mutex(-1)
        /// How long the reader waited for chunks, for `ImportClock`.
        private(set) var waitedNanoseconds: UInt64 = 0

        init(rows: Int, count: Int) {
            self.count = count
            let chunks = (rows + Self.chunk - 1) / Self.chunk
            results = Mutex(Array(repeating: nil, count: chunks))
            ready = (0..<chunks).map { _ in DispatchSemaphore(value: 0) }
        }

        /// Builds every chunk with `build`, in order, on one background thread, once `group` is done.
        func start(rows: Int, after group: DispatchGroup, _ build: @escaping @Sendable (Range<Int>) -> [PreparedElder?]) {
            Thread.detachNewThread { [self] in
                group.wait()
                for c in ready.indices {
                    let range = c * Self.chunk..<min((c + 1) * Self.chunk, rows)
                    let built = cancelled.load(ordering: .relaxed) ? Array(repeating: nil, count: range.count) : build(range)
                    results.withLock { $0[c] = built }
                    ready[c].signal()
                }
            }
        }

        /// Row `i`'s prepared elder (nil when it was not a candidate), waiting until its chunk is built.
        func row(_ i: Int) -> PreparedElder? {
            let c = i / Self.chunk
            waited.withLock { w in
                guard w < c else { return }
                let start = DispatchTime.now().uptimeNanoseconds
                while w < c { w += 1; ready[w].wait() }
                waitedNanoseconds += DispatchTime.now().uptimeNanoseconds - start
            }
            return results.withLock { $0[c]![i - c * Self.chunk] }
        }

        /// Stops building the chunks not started yet (the import failed or ended).
        func cancel() { cancelled.store(true, ordering: .relaxed) }

        /// Frees the built rows (once all are written): see `releaseInBackground`.
        func releaseRows() {
            let rows = ReleaseBox([[PreparedElder?]?]())
            results.withLock { swap(&rows.value, &$0) }
            rows.releaseInBackground()
        }
    }

    /// Starts building the rows of the elders that will certainly be new: an ID number no elder
    /// on the ledger or earlier row has, and an elder ID not taken. Building a row (JSON columns,
    /// pinyin, summary, red-flag columns, audit text) needs no database.
    func prepareNewElders(_ rows: [RosterImportRow], state: ImportState, by user: UUID?, today: LocalDate,
                          now: String, after pinyin: DispatchGroup) -> PreparedRows {
        var seenNumbers: Set<String> = []
        var idCounts: [UUID: Int] = [:]
        idCounts.reserveCapacity(rows.count)
        for row in rows { idCounts[row.elder.id, default: 0] += 1 }
        let candidates = rows.map { row -> Bool in
            guard let number = row.elder.idNumber, state.byIDNumber[number] == nil,
                  seenNumbers.insert(number).inserted else { return false }
            return idCounts[row.elder.id] == 1 && !state.takenIDs.contains(DemoUUIDText.text(row.elder.id))
        }
        let derivation = rules.derivation
        let flagRules = rules.redFlags
        let periods = state.periods
        let prepared = PreparedRows(rows: rows.count, count: candidates.count(where: { $0 }))
        prepared.start(rows: rows.count, after: pinyin) { range in
            range.map { i -> PreparedElder? in
                guard candidates[i] else { return nil }
                let elder = Ledger.newElder(rows[i].elder, today: today)
                let summary = derivation.summarize(elder: elder, visits: [], followUps: [],
                                                   periods: periods.filter { $0.covers(elder) }, today: today)
                var record = ElderRecord(elder, summary: summary, flagRules: flagRules)
                record.stamp(at: now, by: user, old: nil)
                return PreparedElder(elder: elder, record: record, auditJSON: ElderJSON.encode(elder),
                                     auditID: DemoUUIDText.text(RecordID.make()))
            }
        }
        return prepared
    }

    /// The elder a row adds: active from today unless the row says otherwise.
    static func newElder(_ incoming: Elder, today: LocalDate) -> Elder {
        var elder = incoming
        if elder.statusHistory.isEmpty { elder.statusHistory = [StatusChange(date: today, status: .active)] }
        return elder
    }

    private func importOne(_ db: Database, row: RosterImportRow, prepared: PreparedElder?, state: inout ImportState,
                           outcome: inout ImportOutcome, by user: UUID?, today: LocalDate, now: String,
                           scope: AccessScope) throws {
        let incoming = row.elder
        guard let place = state.places[DemoUUIDText.text(incoming.villageID)],
              place.level == PlaceLevel.village.rawValue else {
            throw LedgerError.notFound(table: "place", id: incoming.villageID)
        }
        if let number = incoming.idNumber, let count = state.sharedIDNumbers[number] {
            outcome.conflicts.append(ImportConflict(line: row.line, elderID: incoming.id, name: incoming.name,
                                                    field: "sharedIDNumber", stored: String(count),
                                                    incoming: Masking.idNumber(number)))
            outcome.unchanged += 1
            return
        }
        if let old = try matching(db, incoming, state: &state) {
            let stored = try old.elder()
            if let allowed = scope.villageIDs, !allowed.contains(stored.villageID) {
                // Registered in a village outside the importer's area: reported, never changed.
                let storedVillage = state.places[DemoUUIDText.text(stored.villageID)]?.name ?? "?"
                outcome.conflicts.append(ImportConflict(line: row.line, elderID: stored.id, name: stored.name,
                                                        field: "villageID", stored: storedVillage, incoming: place.name))
                outcome.unchanged += 1
                return
            }
            let (merged, differences) = ElderFold.fold(incoming, into: stored)
            for difference in differences {
                let shown = try Ledger.shown(db, difference, stored: stored, incoming: incoming, places: state.places)
                outcome.conflicts.append(ImportConflict(line: row.line, elderID: stored.id, name: stored.name,
                                                        field: difference.field, stored: shown.stored,
                                                        incoming: shown.incoming))
            }
            guard merged != stored else {
                outcome.unchanged += 1
                return
            }
            var record = ElderRecord(merged, summary: try old.summary(), flagRules: rules.redFlags)
            record.stamp(at: now, by: user, old: old)
            // The update's trigger logs the elder under the version the inserts before it reached.
            try state.rosterBumps?.flush(db)
            try state.elders.update(db, record)
            // The summary reads only these of the fields a merge can change; when they stay and the
            // summary is today's, recomputing it (which loads the whole visit history) gives it again.
            if merged.categories != stored.categories || merged.birthDate != stored.birthDate
                || merged.disabilityDegree != stored.disabilityDegree || merged.livingArrangement != stored.livingArrangement
                || merged.remote != stored.remote
                || old.computedOn != StoreCoding.text(today) {
                try refreshSummary(db, record: &record, elder: merged, today: today, periods: state.periods)
            }
            state.written(record)
            try state.audit(db, id: stored.id, action: .update, before: stored, after: merged, by: user, at: now)
            outcome.merged += 1
            var others = merged
            others.sources = stored.sources
            if others == stored { outcome.sourcesOnly += 1 }
            outcome.touched.append(stored.id)
        } else if let prepared {
            // Its id is in no other row of the file and not on the ledger (`prepareNewElders`), and
            // an id made here is new: `takenIDs`, which keeps the other rows' ids apart, needs no entry.
            try state.insert(db, prepared.record)
            state.written(prepared.record)
            try state.audit(db, id: prepared.elder.id, action: .insert, beforeJSON: nil, afterJSON: prepared.auditJSON,
                            by: user, at: now, auditID: prepared.auditID)
            outcome.added += 1
            outcome.touched.append(prepared.elder.id)
        } else {
            var elder = Ledger.newElder(incoming, today: today)
            if state.takenIDs.contains(DemoUUIDText.text(elder.id)) { elder.id = RecordID.make() }
            // A new elder has no visits or follow-ups yet: the summary needs no query, and the
            // row is written once, summary included.
            let covering = state.periods.filter { $0.covers(elder) }
            let summary = rules.derivation.summarize(elder: elder, visits: [], followUps: [], periods: covering,
                                                     today: today)
            var record = ElderRecord(elder, summary: summary, flagRules: rules.redFlags)
            record.stamp(at: now, by: user, old: nil)
            try state.insert(db, record)
            state.takenIDs.insert(record.id)
            state.written(record)
            try state.audit(db, id: elder.id, action: .insert, before: nil, after: elder, by: user, at: now)
            outcome.added += 1
            outcome.touched.append(elder.id)
        }
    }

    /// A supporter or contact as conflict lines show them: 姓名（关系） and the phone masked.
    static func personText(_ name: String, _ relation: String, _ phone: String?) -> String {
        name + (relation.isEmpty ? "" : "（\(relation)）") + (phone.map { " " + Masking.phone($0) } ?? "")
    }

    /// A difference `ElderFold` found, as a person reads both values: ID numbers and phones
    /// masked, villages, grids and visitors by name, people as 姓名（关系） phone.
    static func shown(_ db: Database, _ difference: ElderFold.Difference, stored: Elder, incoming: Elder,
                      places: [String: PlaceRecord]? = nil) throws -> (stored: String, incoming: String) {
        let person = Ledger.personText
        func place(_ id: UUID?) throws -> String {
            guard let id else { return "" }
            if let known = places?[DemoUUIDText.text(id)] { return known.name }
            return try String.fetchOne(db, sql: "SELECT name FROM place WHERE id = ?", arguments: [DemoUUIDText.text(id)])
                ?? id.uuidString
        }
        func visitor(_ id: UUID?) throws -> String {
            guard let id else { return "" }
            return try String.fetchOne(db, sql: "SELECT name FROM visitor WHERE id = ?", arguments: [DemoUUIDText.text(id)])
                ?? id.uuidString
        }
        func value(_ e: Elder, _ field: String) throws -> String {
            switch field {
            case "name": e.name
            case "villageID": try place(e.villageID)
            case "idNumber": e.idNumber.map(Masking.idNumber) ?? ""
            case "gender": e.gender?.rawValue ?? ""
            case "birthDate": e.birthDate?.description ?? ""
            case "ethnicity": e.ethnicity ?? ""
            case "phone": e.phone.map(Masking.phone) ?? ""
            case "address": e.address ?? ""
            case "disabilityDegree": e.disabilityDegree?.rawValue ?? ""
            case "livingArrangement": e.livingArrangement?.rawValue ?? ""
            case "visitorID": try visitor(e.visitorID)
            case "remarks": e.remarks ?? ""
            case "wishes": e.wishes ?? ""
            case "gridID":
                // Each village has its 2组: the grid with its village.
                try e.gridID.map { grid in
                    let parent = try String.fetchOne(db, sql: "SELECT p.name FROM place g JOIN place p ON p.id = g.parentId WHERE g.id = ?",
                                                     arguments: [DemoUUIDText.text(grid)])
                    return (parent.map { $0 + "·" } ?? "") + (try place(grid))
                } ?? ""
            case "status": e.status.rawValue
            default: ""
            }
        }
        switch difference {
        case .field(let f): return (try value(stored, f), try value(incoming, f))
        case .supporter(let a, let b): return (person(a.name, a.relation, a.phone), person(b.name, b.relation, b.phone))
        case .contact(let a, let b): return (person(a.name, a.relation, a.phone), person(b.name, b.relation, b.phone))
        }
    }

    /// The elder a row describes: same ID number, else (no ID number) same name, village and birth
    /// date; a row with no birth date either, same name, village and phone (a list without ID
    /// numbers made everyone on the ledger a second time).
    private func matching(_ db: Database, _ e: Elder, state: inout ImportState) throws -> ElderRecord? {
        if let id = e.idNumber {
            if let record = state.byIDNumber[id] { return record }
            if let added = state.addedByIDNumber[id] { return try ElderRecord.fetchOne(db, key: added) }
            // Entered before without a number: the same name and village, and the same birth date
            // (or, without one, the same phone). Taken once: a second row with that number finds
            // the record under it (`written`).
            let key = e.name + "|" + DemoUUIDText.text(e.villageID)
            guard let candidates = state.withoutIDNumber[key] else { return nil }
            let birth = e.birthDate.map { StoreCoding.text($0) }
            let phone = (e.phone ?? "").filter(\.isNumber)
            guard let i = candidates.firstIndex(where: { c in
                c.birthDate.map { $0 == birth } ?? (!phone.isEmpty && c.phoneDigits == phone)
            }) else { return nil }
            state.withoutIDNumber[key]?.remove(at: i)
            return try ElderRecord.fetchOne(db, key: candidates[i].id)
        }
        let sameNameAndVillage = ElderRecord.filter(Column("name") == e.name && Column("villageId") == e.villageID.uuidString)
            .order(Column("createdAt"), Column("id"))
        if let record = try sameNameAndVillage.filter(Column("birthDate") == StoreCoding.text(e.birthDate)).fetchOne(db) {
            return record
        }
        guard e.birthDate == nil, let phone = e.phone else { return nil }
        return try sameNameAndVillage.filter(Column("phone") == phone).fetchOne(db)
    }
}

/// A value swapped in by its owner and then freed on a new thread: releasing a bulk load's
/// hundreds of thousands of strings and records took ~0.8 s of the writing thread. Only for
/// values that hold no SQLite statement (a connection's statements are finalized on its thread).
/// (Unchecked: the value is touched by one thread after the other, never at once.)
private final class ReleaseBox<T>: @unchecked Sendable {
    var value: T
    private let empty: T

    init(_ empty: T) {
        value = empty
        self.empty = empty
    }

    func releaseInBackground() {
        Thread.detachNewThread { self.value = self.empty }
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
        o.key("emergencyContacts"); o.contacts(e.emergencyContacts)
        o.key("ethnicity"); o.optional(e.ethnicity)
        o.key("gender"); o.optional(e.gender?.rawValue)
        o.key("gridID"); o.optional(DemoUUIDText.text(e.gridID))
        o.key("id"); o.string(DemoUUIDText.text(e.id))
        o.key("idNumber"); o.optional(e.idNumber)
        o.key("livingArrangement"); o.optional(e.livingArrangement?.rawValue)
        o.key("name"); o.string(e.name)
        o.key("phone"); o.optional(e.phone)
        o.key("remarks"); o.optional(e.remarks)
        o.key("remote"); o.raw(e.remote ? "true" : "false")
        if let r = e.riskOverride {
            o.key("riskOverride"); o.open("{"); o.key("level"); o.string(r.level.rawValue)
            o.key("reason"); o.string(r.reason); o.close("}")
        }
        o.key("sources"); o.array(Array(e.sources))
        o.key("statusHistory"); o.statusHistory(e.statusHistory)
        o.key("supporters"); o.supporters(e.supporters)
        o.key("villageID"); o.string(DemoUUIDText.text(e.villageID))
        o.key("visitorID"); o.optional(DemoUUIDText.text(e.visitorID))
        o.key("wishes"); o.optional(e.wishes)
        o.close("}")
        return String(decoding: o.bytes, as: UTF8.self)
    }

    /// `StoreCoding.json(list)` of the elder's JSON columns, for `ElderRecord`.
    static func supporters(_ list: [Supporter]) -> String { text { $0.supporters(list) } }
    static func contacts(_ list: [Contact]) -> String { text { $0.contacts(list) } }
    static func statusHistory(_ list: [StatusChange]) -> String { text { $0.statusHistory(list) } }

    private static func text(_ body: (inout Writer) -> Void) -> String {
        var o = Writer(capacity: 128)
        body(&o)
        return String(decoding: o.bytes, as: UTF8.self)
    }

    /// Appends JSON, leaving out a key whose value is nil (as `encodeIfPresent` does).
    struct Writer {
        var bytes: [UInt8] = []
        /// Whether the current object or array has a member yet.
        private var hasMember: [Bool] = []
        private var pendingKey: String?

        init(capacity: Int = 512) { bytes.reserveCapacity(capacity) }

        mutating func supporters(_ list: [Supporter]) {
            self.list(list) { o, s in
                o.open("{"); o.key("name"); o.string(s.name); o.key("phone"); o.optional(s.phone)
                o.key("relation"); o.string(s.relation); o.key("residence"); o.optional(s.residence); o.close("}")
            }
        }

        mutating func contacts(_ list: [Contact]) {
            self.list(list) { o, c in
                o.open("{"); o.key("name"); o.string(c.name); o.key("phone"); o.string(c.phone)
                o.key("relation"); o.string(c.relation); o.close("}")
            }
        }

        mutating func statusHistory(_ list: [StatusChange]) {
            self.list(list) { o, s in
                o.open("{"); o.key("date"); o.string(StoreCoding.text(s.date)); o.key("note"); o.optional(s.note)
                o.key("status"); o.string(s.status.rawValue); o.close("}")
            }
        }

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
            JSONBytes.appendString(s, to: &bytes)
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
                JSONBytes.appendString(k, to: &bytes)
                bytes.append(UInt8(ascii: ":"))
                pendingKey = nil
            }
        }
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

/// Where an import's write goes, printed to stderr when `TANFANG_IMPORT_TIMING` is set.
private struct ImportClock {
    private var parts: [(String, Double)] = []
    private var last = Date()

    mutating func lap(_ part: String) {
        let now = Date()
        parts.append((part, now.timeIntervalSince(last)))
        last = now
    }

    /// A part inside the last lap, shown after it.
    mutating func note(_ part: String, _ seconds: Double) {
        parts.append(("(\(part)", seconds))
    }

    func report() {
        guard ProcessInfo.processInfo.environment["TANFANG_IMPORT_TIMING"] != nil else { return }
        let text = "import write: " + parts.map { String(format: $0.0.hasPrefix("(") ? "%@ %.3f s)" : "%@ %.3f s", $0.0, $0.1) }.joined(separator: ", ") + "\n"
        FileHandle.standardError.write(Data(text.utf8))
    }
}

/// A table's secondary indexes dropped for a bulk load and created again after it, in the same
/// transaction, from their own `CREATE INDEX` text (so indexes added by later migrations are
/// handled alike). Unique indexes stay: they check the rows as they go in.
struct IndexRebuild {
    /// Fewer new rows than this are inserted with the indexes in place.
    static let minimumRows = 10_000

    let sql: [String]

    /// Drops the indexes of `table` but `keeping` when `adding` rows is at least `minimum` and more
    /// than the table holds (its largest rowid, which costs no scan); nil when they stay.
    static func drop(_ db: Database, table: String, adding: Int, minimum: Int, keeping: Set<String>) throws -> IndexRebuild? {
        guard adding >= minimum, adding > 0 else { return nil }
        let size = try Int.fetchOne(db, sql: "SELECT max(rowid) FROM \(table.quotedDatabaseIdentifier)") ?? 0
        guard adding > size else { return nil }
        let indexes = try Row.fetchAll(db, sql: """
            SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL ORDER BY rowid
            """, arguments: [table]).map { (name: $0["name"] as String, sql: $0["sql"] as String) }
            .filter { !keeping.contains($0.name) && !$0.sql.uppercased().hasPrefix("CREATE UNIQUE") }
        guard !indexes.isEmpty else { return nil }
        for index in indexes { try db.execute(sql: "DROP INDEX \(index.name.quotedDatabaseIdentifier)") }
        return IndexRebuild(sql: indexes.map(\.sql))
    }

    func restore(_ db: Database) throws {
        for statement in sql { try db.execute(sql: statement) }
    }
}

/// What trigger `elder_roster_insert` (migration v3-roster-log) does for each new elder, done once
/// for a run of inserts during a bulk load: the version goes up by the number of elders added and
/// `resetAt` follows it, exactly as row by row (flushed before any other write that reads the
/// version, so merges log the versions they would have). Only when the trigger is the one that
/// migration made: a changed trigger keeps running row by row.
struct RosterInsertBumps {
    static let trigger = "elder_roster_insert"
    static let expectedSQL = "CREATE TRIGGER elder_roster_insert AFTER INSERT ON elder BEGIN "
        + "UPDATE rosterVersion SET version = version + 1, resetAt = version + 1; END"
    private let sql: String
    private var pending = 0

    /// Drops the trigger for the load; nil (trigger kept) when it is not the known one.
    static func suspend(_ db: Database) throws -> RosterInsertBumps? {
        guard let sql = try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?",
                                            arguments: [trigger]),
              sql == expectedSQL else { return nil }
        try db.execute(sql: "DROP TRIGGER \(trigger)")
        return RosterInsertBumps(sql: sql)
    }

    mutating func inserted() { pending += 1 }

    /// Applies the bumps of the inserts so far.
    mutating func flush(_ db: Database) throws {
        guard pending > 0 else { return }
        try db.execute(sql: "UPDATE rosterVersion SET version = version + ?, resetAt = version + ?",
                       arguments: [pending, pending])
        pending = 0
    }

    /// Flushes and creates the trigger again.
    mutating func restore(_ db: Database) throws {
        try flush(db)
        try db.execute(sql: sql)
    }
}

/// Values bound through SQLite's C API, for the statements an import runs once per row.
enum SQLiteBind {
    /// SQLITE_TRANSIENT: SQLite copies the text before `bind` returns.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    static func text(_ statement: SQLiteStatement, _ index: Int32, _ text: String?) {
        guard var text else {
            sqlite3_bind_null(statement, index)
            return
        }
        text.withUTF8 { bytes in
            if let base = bytes.baseAddress, !bytes.isEmpty {
                _ = base.withMemoryRebound(to: CChar.self, capacity: bytes.count) {
                    sqlite3_bind_text(statement, index, $0, Int32(bytes.count), transient)
                }
            } else {
                _ = sqlite3_bind_text(statement, index, "", 0, transient)
            }
        }
    }

    static func int(_ statement: SQLiteStatement, _ index: Int32, _ value: Int) {
        sqlite3_bind_int64(statement, index, Int64(value))
    }

    /// As GRDB stores a Bool: the integer 1 or 0.
    static func bool(_ statement: SQLiteStatement, _ index: Int32, _ value: Bool) {
        sqlite3_bind_int64(statement, index, value ? 1 : 0)
    }

    /// Runs the statement once and resets it; an error is thrown as GRDB throws it.
    static func step(_ statement: SQLiteStatement, db: Database) throws {
        let code = sqlite3_step(statement)
        sqlite3_reset(statement)
        guard code == SQLITE_DONE else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code),
                                message: db.sqliteConnection.map { String(cString: sqlite3_errmsg($0)) })
        }
    }
}

/// Inserts `ElderRecord`s with every column bound by hand: GRDB's insert encodes a record into a
/// dictionary of 58 columns (hashing each name) and then into `StatementArguments`, several times
/// what SQLite takes to store the row. It serves only when the record encodes exactly `columns`
/// (checked on the first record), so a column added to `ElderRecord` later falls back to
/// `RowWriter` until it is added here too.
struct ElderInsert {
    static let columns = [
        "id", "name", "gender", "idNumber", "birthDate", "ethnicity", "phone", "address", "villageId", "gridId",
        "categoryMask", "disabilityDegree", "livingArrangement", "supporters", "emergencyContacts", "visitorId",
        "wishes", "remote", "riskOverrideLevel", "riskOverrideReason", "statusHistory", "status", "sources",
        "lastVisitAt", "lastVisitMethod", "lastHomeVisit", "visitCount", "nextDue", "homeVisitDue", "dueDate",
        "riskLevel", "riskScore", "riskReasons", "riskOverridden", "openFollowUps", "openHazards",
        "earliestFollowUpDue", "identicalStreak", "lastVisitAllClear", "computedOn", "pinyinInitials", "pinyinFull",
        "idTail", "phoneDigits", "flagFrom", "flagUntil", "idValidFrom", "dupKey", "statusFrom", "activeFrom",
        "activeTo", "activeSpans", "activeSpanList", "createdAt", "updatedAt", "createdBy", "updatedBy", "remarks",
    ]

    private let statement: Statement

    /// Nil when `sample` does not encode exactly `columns`.
    init?(_ db: Database, sample: ElderRecord) throws {
        guard Set(try sample.databaseDictionary.keys) == Set(Self.columns) else { return nil }
        let names = Self.columns.map(\.quotedDatabaseIdentifier).joined(separator: ", ")
        let marks = Array(repeating: "?", count: Self.columns.count).joined(separator: ", ")
        statement = try db.makeStatement(sql: "INSERT INTO elder (\(names)) VALUES (\(marks))")
    }

    func insert(_ r: ElderRecord, db: Database) throws {
        let s = statement.sqliteStatement
        typealias B = SQLiteBind
        B.text(s, 1, r.id); B.text(s, 2, r.name); B.text(s, 3, r.gender); B.text(s, 4, r.idNumber)
        B.text(s, 5, r.birthDate); B.text(s, 6, r.ethnicity); B.text(s, 7, r.phone); B.text(s, 8, r.address)
        B.text(s, 9, r.villageId); B.text(s, 10, r.gridId); B.int(s, 11, r.categoryMask)
        B.text(s, 12, r.disabilityDegree); B.text(s, 13, r.livingArrangement); B.text(s, 14, r.supporters)
        B.text(s, 15, r.emergencyContacts); B.text(s, 16, r.visitorId); B.text(s, 17, r.wishes); B.bool(s, 18, r.remote)
        B.text(s, 19, r.riskOverrideLevel); B.text(s, 20, r.riskOverrideReason); B.text(s, 21, r.statusHistory)
        B.text(s, 22, r.status); B.text(s, 23, r.sources); B.text(s, 24, r.lastVisitAt); B.text(s, 25, r.lastVisitMethod)
        B.text(s, 26, r.lastHomeVisit); B.int(s, 27, r.visitCount); B.text(s, 28, r.nextDue); B.text(s, 29, r.homeVisitDue)
        B.text(s, 30, r.dueDate); B.text(s, 31, r.riskLevel); B.int(s, 32, r.riskScore); B.text(s, 33, r.riskReasons)
        B.bool(s, 34, r.riskOverridden); B.int(s, 35, r.openFollowUps); B.int(s, 36, r.openHazards)
        B.text(s, 37, r.earliestFollowUpDue); B.int(s, 38, r.identicalStreak); B.bool(s, 39, r.lastVisitAllClear)
        B.text(s, 40, r.computedOn); B.text(s, 41, r.pinyinInitials); B.text(s, 42, r.pinyinFull); B.text(s, 43, r.idTail)
        B.text(s, 44, r.phoneDigits); B.text(s, 45, r.flagFrom); B.text(s, 46, r.flagUntil); B.text(s, 47, r.idValidFrom)
        B.text(s, 48, r.dupKey); B.text(s, 49, r.statusFrom); B.text(s, 50, r.activeFrom); B.text(s, 51, r.activeTo)
        B.int(s, 52, r.activeSpans); B.text(s, 53, r.activeSpanList); B.text(s, 54, r.createdAt)
        B.text(s, 55, r.updatedAt); B.text(s, 56, r.createdBy); B.text(s, 57, r.updatedBy); B.text(s, 58, r.remarks)
        try B.step(s, db: db)
    }
}
