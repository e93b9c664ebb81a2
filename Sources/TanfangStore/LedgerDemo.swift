import Foundation
import GRDB
import GRDBSQLite
import TanfangCore

/// What a demo import wrote.
public struct DemoCounts: Hashable, Sendable {
    public var elders = 0
    public var visits = 0
    public var followUps = 0

    public init(elders: Int = 0, visits: Int = 0, followUps: Int = 0) {
        self.elders = elders
        self.visits = visits
        self.followUps = followUps
    }
}

extension Ledger {
    /// Fills an empty ledger with demo data in one transaction.
    ///
    /// Visits are replayed in order through the real follow-up rules (owner = the elder's
    /// responsible visitor), then `closures` are applied in `closedAt` order, and each elder's
    /// summary is computed once at the end, in memory, before anything is written. The data is
    /// stored as generated: the demo's planted faults (wrong check characters, visits after
    /// death) are what the red-flag list is meant to find, so neither the ID-number check of
    /// `saveElder` nor the form validation of `saveVisit` runs here, and no audit rows are written.
    ///
    /// Throws `LedgerError.invalidField(field: "closures", …)` when a closure names a follow-up
    /// that the rules did not open, rather than dropping it.
    public func importDemo(_ data: DemoData, today: LocalDate) throws {
        let rows = try DemoLoader.rows(elders: data.elders, visits: data.visits, closures: data.closures,
                                       rules: rules, periods: data.specialPeriods.filter { $0.to >= today },
                                       today: today, stamp: timestamp())
        try write { db in
            let loader = try DemoLoader(db)
            try loader.insertStructure(places: data.places, visitors: data.visitors, users: data.users,
                                       periods: data.specialPeriods, stamp: rows.stamp)
            try loader.insert(rows)
            try MonthTally.rebuild(db)
        }
    }

    /// Builds a new ledger file at `path` from a demo stream, batch by batch, so that memory
    /// stays bounded by a few batches whatever the size (100,000 elders × 60 months is about
    /// 7 million visits).
    ///
    /// The result is what `importDemo(stream.generate…)` gives (same rows, same summaries), built
    /// the fast way a brand-new file allows: no rollback journal and no fsync while loading,
    /// secondary indexes of `visit` and `followUp` created after their rows, batches derived on
    /// `workers` threads while this one inserts. The file ends in WAL mode with the migrations'
    /// schema. On any error the half-built file is removed. `progress` is called on this thread
    /// after each batch with the counts so far.
    ///
    /// - Parameter path: must not exist yet.
    @discardableResult
    public static func buildDemo(path: String, rules: RuleBook, stream: DemoStream, batchSize: Int = 128,
                                 workers: Int = 2, progress: ((DemoCounts) -> Void)? = nil) throws -> DemoCounts {
        guard !FileManager.default.fileExists(atPath: path) else {
            throw LedgerError.cannotOpen(path: path, detail: "file exists")
        }
        do {
            return try buildDemoFile(path: path, rules: rules, stream: stream, batchSize: max(batchSize, 1),
                                     workers: max(workers, 1), progress: progress)
        } catch {
            for suffix in ["", "-wal", "-shm", "-journal"] { try? FileManager.default.removeItem(atPath: path + suffix) }
            throw LedgerError.wrap(error)
        }
    }

    private static func buildDemoFile(path: String, rules: RuleBook, stream: DemoStream, batchSize: Int, workers: Int,
                                      progress: ((DemoCounts) -> Void)?) throws -> DemoCounts {
        try createPrivateFileIfMissing(path)
        let queue = try DatabaseQueue(path: path, configuration: configuration(busyTimeout: 5))
        try LedgerMigrations.migrator.migrate(queue)
        let today = stream.today
        let stamp = StoreCoding.timestamp(Date())
        let periods = stream.specialPeriods.filter { $0.to >= today }

        // Derive batches on worker threads, insert them here in order.
        let total = stream.elderCount
        let batchCount = (total + batchSize - 1) / batchSize
        let pipeline = DemoPipeline(count: batchCount, ahead: workers + 1)
        for _ in 0..<min(workers, max(batchCount, 1)) {
            Thread.detachNewThread {
                while let b = pipeline.take() {
                    let lo = b * batchSize
                    let batch = stream.batch(lo..<min(lo + batchSize, total))
                    pipeline.put(b, Result {
                        try DemoLoader.rows(elders: batch.elders, visits: batch.visits, closures: batch.closures,
                                            rules: rules, periods: periods, today: today, stamp: stamp)
                    })
                }
            }
        }
        defer { pipeline.cancel() }

        var counts = DemoCounts()
        try queue.writeWithoutTransaction { db in
            // A new file that is deleted on failure needs neither a rollback journal nor fsync.
            try db.execute(sql: "PRAGMA journal_mode = OFF")
            try db.execute(sql: "PRAGMA synchronous = OFF")
            try db.execute(sql: "PRAGMA cache_size = -262144")
            // The indexes built after the load sort millions of keys; the derive threads are done by then.
            try db.execute(sql: "PRAGMA threads = 2")
            // Rows come from the generator, whose references hold by construction; checking
            // each visit's and follow-up's foreign keys would double the index lookups.
            try db.execute(sql: "PRAGMA foreign_keys = OFF")
            // Indexes built once after the load, a sort each, rather than updated at random places row
            // by row; but those leading with the elder stay: demo elder identifiers ascend in insert
            // order (DemoIDs.elder), so each batch only adds at their end, which costs less than
            // a rebuild's scan of millions of visit rows. The attempts' partial index stays too: it
            // holds only home visits that did not find the elder, and building it would read every visit.
            let deferred = try Row.fetchAll(db, sql: """
                SELECT name, sql FROM sqlite_master
                WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ('visit', 'followUp')
                  AND name NOT IN ('visit_on_elderId_at', 'followUp_on_elderId', 'visit_attempt')
                """).map { (name: $0["name"] as String, sql: $0["sql"] as String) }
            try db.inTransaction {
                for index in deferred { try db.execute(sql: "DROP INDEX \(index.name.quotedDatabaseIdentifier)") }
                let loader = try DemoLoader(db)
                try loader.insertStructure(places: stream.places, visitors: stream.visitors, users: stream.users,
                                           periods: stream.specialPeriods, stamp: stamp)
                // The elders' flag rows are filled in one pass after the load, not a trigger run per elder.
                let elderFlags = try ElderFlagTable.suspendInserts(db)
                let dupKeys = try SharedDupKeyTable.suspend(db)
                // Each row would mark the monthly tally stale, a statement run per visit (~1 µs, five
                // million times at county scale): the tally is built after the load anyway.
                let tallyTriggers = try SuspendedTriggers.suspend(db, ["tally_visit_insert", "tally_elder_insert"])
                var clock = DemoClock()
                for b in 0..<batchCount {
                    let rows = try pipeline.next(b).get()
                    clock.lap(\.waiting)
                    try loader.insert(rows)
                    counts.elders += rows.elders.count
                    counts.visits += rows.visits.count
                    counts.followUps += rows.followUps.count
                    // Freeing a batch's millions of strings is work too: leave it to a worker.
                    pipeline.discard(rows)
                    clock.lap(\.inserting)
                    progress?(counts)
                }
                if let elderFlags { try ElderFlagTable.resume(db, elderFlags) }
                if let dupKeys { try SharedDupKeyTable.resume(db, dupKeys) }
                clock.lap(\.flags)
                for index in deferred { try db.execute(sql: index.sql) }
                clock.lap(\.indexing)
                try tallyTriggers.restore(db)
                try MonthTally.rebuild(db)
                clock.lap(\.tally)
                clock.report()
                return .commit
            }
            try db.execute(sql: "PRAGMA foreign_keys = ON")
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            try db.execute(sql: "PRAGMA journal_mode = WAL")
        }
        try queue.close()
        return counts
    }
}

/// Hands batch numbers to worker threads and their results back in order, with at most `ahead`
/// batches derived but not yet inserted, so that memory stays bounded.
private final class DemoPipeline: @unchecked Sendable {
    private let condition = NSCondition()
    private let count: Int
    private let ahead: Int
    private var nextToTake = 0
    private var nextToInsert = 0
    private var results: [Int: Result<DemoRows, Error>] = [:]
    private var cancelled = false
    private var trash: [DemoRows] = []

    init(count: Int, ahead: Int) {
        self.count = count
        self.ahead = ahead
    }

    /// The next batch to derive, or nil when all are taken or the build stopped.
    func take() -> Int? {
        var garbage: [DemoRows] = []
        defer { garbage.removeAll() }  // after unlocking
        condition.lock()
        defer { condition.unlock() }
        while !cancelled && nextToTake < count && nextToTake >= nextToInsert + ahead { condition.wait() }
        swap(&garbage, &trash)
        guard !cancelled, nextToTake < count else { return nil }
        nextToTake += 1
        return nextToTake - 1
    }

    /// Rows already inserted, to be freed by the next worker that takes a batch.
    func discard(_ rows: DemoRows) {
        condition.lock()
        trash.append(rows)
        condition.unlock()
    }

    func put(_ batch: Int, _ result: Result<DemoRows, Error>) {
        condition.lock()
        results[batch] = result
        condition.broadcast()
        condition.unlock()
    }

    /// Waits for batch `batch` (called with 0, 1, 2… in order).
    func next(_ batch: Int) -> Result<DemoRows, Error> {
        condition.lock()
        defer { condition.unlock() }
        while results[batch] == nil { condition.wait() }
        nextToInsert = batch + 1
        condition.broadcast()
        return results.removeValue(forKey: batch)!
    }

    func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        condition.unlock()
    }
}

/// The rows of a batch of demo elders, derived and encoded, ready to insert.
struct DemoRows: Sendable {
    var stamp: String
    var elders: [ElderRecord]
    var visits: [VisitRecord]
    var followUps: [FollowUpRecord]
}

/// Derives demo rows (follow-ups replayed through the rules, closures applied, summaries) and
/// inserts them with prepared statements.
struct DemoLoader {
    let db: Database
    let visitStatement: Statement
    let followUpStatement: Statement

    static let visitColumns = ["id", "elderId", "at", "date", "visitorIds", "method", "seenInPerson", "answers",
                               "copiedSections", "createdAt", "updatedAt", "createdBy", "updatedBy"]
    static let followUpColumns = ["id", "elderId", "visitId", "type", "ownerId", "openedAt", "due", "status", "detail",
                                  "closingAction", "closingAt", "closingBy", "createdAt", "updatedAt", "createdBy",
                                  "updatedBy"]

    init(_ db: Database) throws {
        self.db = db
        func insertSQL(_ table: String, _ columns: [String]) -> String {
            "INSERT INTO \(table.quotedDatabaseIdentifier) (\(columns.map(\.quotedDatabaseIdentifier).joined(separator: ", ")))"
                + " VALUES (\(columns.map { _ in "?" }.joined(separator: ", ")))"
        }
        visitStatement = try db.makeStatement(sql: insertSQL("visit", Self.visitColumns))
        followUpStatement = try db.makeStatement(sql: insertSQL("followUp", Self.followUpColumns))
    }

    /// Places (parents first, so that foreign keys hold row by row), visitors, users and periods.
    func insertStructure(places: [Place], visitors: [Visitor], users: [DemoUser], periods: [SpecialPeriod],
                         stamp: String) throws {
        for place in places.sorted(by: { $0.level < $1.level }) {
            var r = PlaceRecord(place)
            r.stamp(at: stamp, by: nil, old: nil)
            try r.insert(db)
        }
        for visitor in visitors {
            var r = VisitorRecord(visitor)
            r.stamp(at: stamp, by: nil, old: nil)
            try r.insert(db)
        }
        for demo in users {
            var user = demo.user
            user.pinHash = PINHash.make(demo.pin)
            var r = UserRecord(user)
            r.stamp(at: stamp, by: nil, old: nil)
            try r.insert(db)
        }
        for period in periods {
            var r = SpecialPeriodRecord(period)
            r.stamp(at: stamp, by: nil, old: nil)
            try r.insert(db)
        }
        // Marks the file as a demo, so that `setup` does not turn it into a real ledger.
        var marker = AuditRecord(id: RecordID.make().uuidString, at: stamp, userId: nil, tableName: "demo",
                                 recordId: Ledger.demoMarkerID, action: AuditAction.insert.rawValue, before: nil,
                                 after: "{}")
        marker.stamp(at: stamp, by: nil, old: nil)
        try marker.insert(db)
    }

    /// Elders (through `ElderRecord`, so that every column of the record is filled), then visits
    /// and follow-ups in their order.
    func insert(_ rows: DemoRows) throws {
        // Bound by hand as the roster import does (GRDB's record insert cost ~50 µs an elder).
        if let first = rows.elders.first, let fast = try ElderInsert(db, sample: first) {
            for r in rows.elders { try fast.insert(r, db: db) }
        } else {
            for r in rows.elders { try r.insert(db) }
        }
        // Bound through the C API: building `StatementArguments` for millions of rows cost more
        // than SQLite's own work.
        let v = visitStatement.sqliteStatement
        for r in rows.visits {
            Self.bind(v, 1, r.id); Self.bind(v, 2, r.elderId); Self.bind(v, 3, r.at); Self.bind(v, 4, r.date)
            Self.bind(v, 5, r.visitorIds); Self.bind(v, 6, r.method); sqlite3_bind_int(v, 7, r.seenInPerson ? 1 : 0)
            Self.bind(v, 8, r.answers); Self.bind(v, 9, r.copiedSections); Self.bind(v, 10, r.createdAt)
            Self.bind(v, 11, r.updatedAt); Self.bind(v, 12, r.createdBy); Self.bind(v, 13, r.updatedBy)
            try step(v)
        }
        let f = followUpStatement.sqliteStatement
        for r in rows.followUps {
            Self.bind(f, 1, r.id); Self.bind(f, 2, r.elderId); Self.bind(f, 3, r.visitId); Self.bind(f, 4, r.type)
            Self.bind(f, 5, r.ownerId); Self.bind(f, 6, r.openedAt); Self.bind(f, 7, r.due); Self.bind(f, 8, r.status)
            Self.bind(f, 9, r.detail); Self.bind(f, 10, r.closingAction); Self.bind(f, 11, r.closingAt)
            Self.bind(f, 12, r.closingBy); Self.bind(f, 13, r.createdAt); Self.bind(f, 14, r.updatedAt)
            Self.bind(f, 15, r.createdBy); Self.bind(f, 16, r.updatedBy)
            try step(f)
        }
    }

    private static func bind(_ statement: SQLiteStatement, _ index: Int32, _ text: String?) {
        SQLiteBind.text(statement, index, text)
    }

    private func step(_ statement: SQLiteStatement) throws {
        let code = sqlite3_step(statement)
        sqlite3_reset(statement)
        guard code == SQLITE_DONE else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code),
                                message: db.sqliteConnection.map { String(cString: sqlite3_errmsg($0)) })
        }
    }

    private struct FollowUpKey: Hashable {
        var visit: UUID
        var type: FollowUpType
    }

    /// As `saveVisit` does: a one-per-elder follow-up (a referral) that a visit opens while the
    /// elder's earlier one is still open at that time joins it, its finding added to the earlier
    /// one's detail. `followUps` are in visit order, each elder's chronological.
    static func joinOnePerElder(_ followUps: [FollowUp], rules: RuleBook) -> [FollowUp] {
        let onePerElder = Set(rules.followUps.rules.filter { $0.onePerElder == true }.map(\.type))
        guard !onePerElder.isEmpty else { return followUps }
        struct Key: Hashable { var elder: UUID; var type: FollowUpType }
        var out = followUps
        var holder: [Key: Int] = [:]
        var joined = Set<Int>()
        for (i, f) in followUps.enumerated() where onePerElder.contains(f.type) {
            let key = Key(elder: f.elderID, type: f.type)
            if let j = holder[key], out[j].openedAt <= f.openedAt,
               out[j].status.isOpen || (out[j].closing.map { $0.at > f.openedAt } ?? true) {
                if !out[j].detail.components(separatedBy: "；").contains(where: { $0.hasPrefix(f.detail) }) {
                    out[j].detail = out[j].detail.isEmpty ? f.detail : out[j].detail + "；" + f.detail
                }
                joined.insert(i)
            } else {
                holder[key] = i
            }
        }
        guard !joined.isEmpty else { return followUps }
        return out.enumerated().filter { !joined.contains($0.offset) }.map(\.element)
    }

    /// Rows for `elders` and their `visits` (in insertion order; chronological for the demo).
    /// Follow-ups of visits of elders not in `elders` are still opened, without an owner.
    static func rows(elders: [Elder], visits: [Visit], closures: [DemoClosure], rules: RuleBook,
                     periods: [SpecialPeriod], today: LocalDate, stamp: String) throws -> DemoRows {
        // Follow-ups opened by the visits, in visit order.
        var elderIndex: [UUID: Int] = [:]
        elderIndex.reserveCapacity(elders.count)
        for (i, e) in elders.enumerated() where elderIndex[e.id] == nil { elderIndex[e.id] = i }
        var followUps: [FollowUp] = []
        var followUpIndex: [FollowUpKey: Int] = [:]
        let conditions = rules.form.sections.flatMap(\.fields).compactMap { f in f.when.map { (f.code, $0) } }
        for visit in visits {
            let owner = elderIndex[visit.elderID].flatMap { elders[$0].visitorID }
            for var f in DemoLoader.followUps(for: visit, ownerID: owner, rules: rules, conditions: conditions) {
                // Ascending with the visit's identifier, so that inserts append to the primary-key index.
                f.id = DemoIDs.followUp(visit: visit.id, type: f.type)
                followUpIndex[FollowUpKey(visit: visit.id, type: f.type)] = followUps.count
                followUps.append(f)
            }
        }
        var unmatched = 0
        for closure in closures.sorted(by: { $0.closedAt < $1.closedAt }) {
            guard let i = followUpIndex[FollowUpKey(visit: closure.visitID, type: closure.type)] else {
                unmatched += 1
                continue
            }
            followUps[i].status = closure.cancelled ? .cancelled : .done
            followUps[i].closing = ClosingRecord(action: closure.action, at: closure.closedAt, by: closure.by)
        }
        guard unmatched == 0 else {
            throw LedgerError.invalidField(field: "closures", messageKey: "store.error.demoClosureUnmatched",
                                           args: [String(unmatched)])
        }
        followUps = Self.joinOnePerElder(followUps, rules: rules)

        // Summaries, once per elder.
        // Positions, not copies: copying millions of visits (each with its answers) cost more than the lookups.
        var visitsByElder = [[Int]](repeating: [], count: elders.count)
        for (k, v) in visits.enumerated() { if let i = elderIndex[v.elderID] { visitsByElder[i].append(k) } }
        var followUpsByElder = [[FollowUp]](repeating: [], count: elders.count)
        for f in followUps { if let i = elderIndex[f.elderID] { followUpsByElder[i].append(f) } }
        var elderRecords: [ElderRecord] = []
        elderRecords.reserveCapacity(elders.count)
        for elder in elders {
            let i = elderIndex[elder.id]!
            let summary = summarize(elder: elder, visits: visits, positions: visitsByElder[i], followUps: followUpsByElder[i],
                                    periods: periods.filter { $0.covers(elder) }, today: today, rules: rules)
            var r = ElderRecord(elder, summary: summary, flagRules: rules.redFlags)
            r.stamp(at: stamp, by: nil, old: nil)
            elderRecords.append(r)
        }
        var visitRecords: [VisitRecord] = []
        visitRecords.reserveCapacity(visits.count)
        var encoder = DemoAnswerEncoder(form: rules.form)
        for v in visits { visitRecords.append(VisitRecord(v, answers: encoder.encode(v.answers), stamp: stamp)) }
        var followUpRecords: [FollowUpRecord] = []
        followUpRecords.reserveCapacity(followUps.count)
        for f in followUps { followUpRecords.append(FollowUpRecord(demo: f, stamp: stamp)) }
        return DemoRows(stamp: stamp, elders: elderRecords, visits: visitRecords, followUps: followUpRecords)
    }

    /// `rules.followUps.followUps(for:ownerID:)`, skipping its pruned copy of the answers for the
    /// nine visits in ten that open nothing: when every answer applies, pruning keeps them all,
    /// so a rule that does not hold on the answers does not hold on the pruned ones either.
    /// `conditions`: the `when` of every form field that has one (the others always apply).
    static func followUps(for visit: Visit, ownerID: UUID?, rules: RuleBook,
                          conditions: [(code: String, when: Condition)]) -> [FollowUp] {
        let answers = visit.answers
        let allApply = conditions.allSatisfy { c in
            answers[c.code] == nil || c.when.holds(method: visit.method, answers: answers)
        }
        if allApply && !rules.followUps.rules.contains(where: { $0.when.holds(method: visit.method, answers: answers) }) {
            return []
        }
        return rules.followUps.followUps(for: visit, ownerID: ownerID)
    }

    /// `rules.derivation.summarize`, handed only the visits it looks at when an elder has many:
    /// it reads the latest visit, the latest home visit, the count, and the run of identical
    /// answers at the end, whose comparison filters the answers of every visit it is given.
    static func summarize(elder: Elder, visits all: [Visit], positions: [Int], followUps: [FollowUp],
                          periods: [SpecialPeriod], today: LocalDate, rules: RuleBook) -> ElderSummary {
        let n = positions.count
        func summary(_ visits: [Visit]) -> ElderSummary {
            rules.derivation.summarize(elder: elder, visits: visits, followUps: followUps, periods: periods, today: today)
        }
        // Visits out of time order (not the demo's) take the plain way.
        for j in positions.indices.dropFirst() where !(all[positions[j - 1]].at < all[positions[j]].at) {
            return summary(Ledger.chronological(positions.map { all[$0] }))
        }
        guard n > 8 else { return summary(positions.map { all[$0] }) }
        // The run of identical answers at the end, found from a growing tail.
        var k = 4
        var streak = 0
        while true {
            streak = rules.derivation.identicalStreak(positions[(n - k)...].map { all[$0] })
            if streak < k - 1 { break }
            if k * 2 >= n { return summary(positions.map { all[$0] }) }
            k *= 2
        }
        // Keep the visit before the run, so that the run ends where it does on all visits.
        var start = n - 2 - streak
        if let home = positions.lastIndex(where: { all[$0].method == .home }) { start = min(start, home) }
        var result = summary(positions[start...].map { all[$0] })
        result.visitCount = n
        return result
    }

}

/// Where the writer thread's time goes, printed to stderr when `TANFANG_DEMO_TIMING` is set.
private struct DemoClock {
    var waiting = 0.0
    var inserting = 0.0
    var flags = 0.0
    var indexing = 0.0
    var tally = 0.0
    private var last = Date()

    mutating func lap(_ part: WritableKeyPath<DemoClock, Double>) {
        let now = Date()
        self[keyPath: part] += now.timeIntervalSince(last)
        last = now
    }

    func report() {
        guard ProcessInfo.processInfo.environment["TANFANG_DEMO_TIMING"] != nil else { return }
        let text = String(format: "demo writer: waiting %.1f s, inserting %.1f s, flags %.1f s, indexing %.1f s, tally %.1f s\n",
                          waiting, inserting, flags, indexing, tally)
        FileHandle.standardError.write(Data(text.utf8))
    }
}
