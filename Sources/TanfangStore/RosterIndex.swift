import Foundation
import GRDB
import GRDBSQLite
import TanfangCore

/// The roster index of one `Ledger`: kept between calls and brought up to date when `rosterVersion`
/// (bumped by triggers on `elder` and `place`, in any process) no longer matches, from the log of
/// changed elders when it can (`RosterIndex.refresh`), else rebuilt.
final class RosterCache: @unchecked Sendable {
    private let lock = NSCondition()
    private var index: RosterIndex?
    /// A warm-up is building the index: a query that needs it waits for that one instead of
    /// building a second one beside it (on two cores, both would take twice as long).
    private var warming = false
    /// Sort orders are being prepared off the caller's thread.
    private var ordering = false
    /// How many times the index was built and refreshed (tests check which path was taken).
    private(set) var builds = 0
    private(set) var refreshes = 0
    /// Whether a warm-up can read while a query does (a pool's readers): only then does a query
    /// wait for the warm-up's index.
    private let concurrentReads: Bool

    init(concurrentReads: Bool) {
        self.concurrentReads = concurrentReads
    }

    /// The page for `q` from the index, or nil when the SQL query should answer (the index cannot
    /// answer it exactly, or it is not built yet and the query is one SQL answers quickly through
    /// `elder_roster_due`: then `warm` is set, and the caller should have `warm(_:)` build the
    /// index off its thread). Runs inside the caller's read transaction, so the version, the
    /// index and the rows share one snapshot.
    func page(_ db: Database, _ q: RosterQuery, warm: inout Bool) throws -> RosterPage? {
        let version = try RosterCache.version(db)
        lock.lock()
        defer { lock.unlock() }
        if index?.version != version, try refresh(db, to: version) {
            // Up to date again.
        } else if index?.version != version {
            // The first screen (by due date, no search) needs no index: opening stays fast.
            if q.search.isEmpty && q.sort == .nextDue && !q.descending {
                if !warming {
                    warming = true
                    warm = true
                }
                return nil
            }
            try rebuild(db, to: version)
        }
        guard let selected = index?.select(q) else { return nil }
        var page = RosterPage(rows: try RosterIndex.rows(db, ids: selected.ids, detail: q.detail), total: selected.total)
        if q.countsDueStates, let counts = index?.dueCounts(q) {
            (page.overdue, page.dueSoon) = counts
        }
        return page
    }

    /// Under the lock: after a warm-up in progress (which may bring the index to `version`), the
    /// index refreshed or else built for `version` (left nil when it cannot hold this ledger).
    private func rebuild(_ db: Database, to version: Int64) throws {
        let deadline = Date(timeIntervalSinceNow: 10)
        while concurrentReads, warming, (index?.version ?? Int64.min) < version, lock.wait(until: deadline) {}
        if index?.version != version, try !refresh(db, to: version) {
            index = nil
            index = try RosterIndex.build(db, version: version)
            builds += 1
            if index == nil { unbuildable = version }
            prepareOrdersLater()
        }
    }

    /// The version whose index could not be built: the follow-up search does not try again.
    private var unbuildable: Int64?

    /// The index at the snapshot of `db` with its elders' ids numbered (`idTable`), for the
    /// follow-up search; built here if need be (unless `building` is false: a warm-up must not
    /// hold the lock for a build, which the roster's own warm-up does without it). Nil when the
    /// index cannot hold this ledger. The copy shares the cache's arrays; the caller reads it
    /// without the lock.
    func searchableIndex(_ db: Database, building: Bool = true) throws -> RosterIndex? {
        let version = try RosterCache.version(db)
        lock.lock()
        defer { lock.unlock() }
        if index?.version != version, try !refresh(db, to: version) {
            guard building, unbuildable != version else { return nil }
            try rebuild(db, to: version)
        }
        if index != nil, index!.idTable == nil { index!.buildIDTable() }
        return index
    }

    /// Builds the index for the current version without holding the lock, then installs it and
    /// prepares its sort orders.
    func warm(_ db: Database) throws {
        defer {
            locked { warming = false }
            lock.broadcast()
        }
        let version = try RosterCache.version(db)
        if try locked({ try index?.version == version || refresh(db, to: version) }) { return }
        guard let built = try RosterIndex.build(db, version: version) else { return }
        let claimed = locked { () -> RosterIndex? in
            builds += 1
            // The version only grows: never replace a newer index with this one.
            if (index?.version ?? Int64.min) < built.version { index = built }
            // Waiting queries go on; the sort orders follow.
            warming = false
            return claimOrdering()
        }
        lock.broadcast()
        if let claimed { finishOrdering(claimed) }
    }

    /// Called once a warm-up's read is over, whether or not `warm(_:)` could run.
    func warmEnded() {
        locked { warming = false }
        lock.broadcast()
    }

    /// Sorts the index for every sort order it lacks, on a copy without holding the lock, and
    /// gives it the orders if it has not changed meanwhile. A sort change then answers at once.
    func prepareOrders() {
        if let claimed = locked({ claimOrdering() }) { finishOrdering(claimed) }
    }

    /// Under the lock: the index to prepare orders for, the work marked as taken; nil when there
    /// is none to do or another thread does it.
    private func claimOrdering() -> RosterIndex? {
        guard !ordering, let index, !index.hasEveryOrder else { return nil }
        ordering = true
        return index
    }

    /// Prepares the orders of `claimed` (a copy) without the lock, then gives them to the index.
    private func finishOrdering(_ claimed: RosterIndex) {
        var copy = claimed
        copy.prepareOrders()
        locked {
            ordering = false
            guard index?.version == copy.version else { return }
            for (key, order) in copy.orders where index!.orders[key] == nil { index!.orders[key] = order }
        }
        lock.broadcast()
    }

    /// `prepareOrders()` on another thread (under the lock: after a rebuild or a refresh that
    /// dropped the orders).
    private func prepareOrdersLater() {
        guard !ordering, index?.hasEveryOrder == false else { return }
        DispatchQueue.global(qos: .utility).async { [self] in prepareOrders() }
    }

    /// For tests: waits (up to 10 s) until no warm-up and no preparation of orders is running.
    func waitUntilIdle() {
        lock.lock()
        defer { lock.unlock() }
        let deadline = Date(timeIntervalSinceNow: 10)
        while warming || ordering, lock.wait(until: deadline) {}
    }

    /// Applies the logged changes to the index (under the lock); false when there is no index or
    /// it must be rebuilt.
    private func refresh(_ db: Database, to version: Int64) throws -> Bool {
        guard index != nil, index!.version < version, try index!.refresh(db, to: version) else { return false }
        refreshes += 1
        prepareOrdersLater()
        return true
    }

    /// For tests: the counts, and the index as it stands.
    var counts: (builds: Int, refreshes: Int) { locked { (builds, refreshes) } }
    var current: RosterIndex? { locked { index } }

    private func locked<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    private static func version(_ db: Database) throws -> Int64 {
        try Int64.fetchOne(db, sql: "SELECT version FROM rosterVersion WHERE id = 1") ?? -1
    }
}

/// Up to 16 bytes of text packed big-endian, so that comparing keys compares the text as SQLite's
/// BINARY collation does (text with a NUL byte or longer than 16 bytes has no key).
struct Key16: Comparable, Hashable {
    var hi: UInt64
    var lo: UInt64

    static let zero = Key16(hi: 0, lo: 0)

    init(hi: UInt64, lo: UInt64) {
        self.hi = hi
        self.lo = lo
    }

    init?(_ bytes: UnsafeRawBufferPointer) {
        let n = bytes.count
        guard n <= 16 else { return nil }
        var words: (UInt64, UInt64) = (0, 0)
        if n > 0 {
            guard memchr(bytes.baseAddress!, 0, n) == nil else { return nil }
            withUnsafeMutableBytes(of: &words) { $0.copyMemory(from: bytes) }
        }
        self.init(hi: UInt64(bigEndian: words.0), lo: UInt64(bigEndian: words.1))
    }

    init?(_ text: String) {
        var text = text
        guard let key = text.withUTF8({ Key16(UnsafeRawBufferPointer($0)) }) else { return nil }
        self = key
    }

    static func < (a: Key16, b: Key16) -> Bool { a.hi != b.hi ? a.hi < b.hi : a.lo < b.lo }

    var inverted: Key16 { Key16(hi: ~hi, lo: ~lo) }
}

/// Texts of one column for every entry, back to back.
struct TextColumn {
    var bytes: [UInt8] = []
    /// Entry i is bytes[starts[i]..<starts[i + 1]].
    var starts: [Int32] = [0]
    var isNull: [Bool] = []

    mutating func append(_ text: UnsafeRawBufferPointer?, droppingSpaces: Bool = false) {
        if let text {
            if droppingSpaces {
                for b in text where b != 0x20 { bytes.append(b) }
            } else {
                bytes.append(contentsOf: text)
            }
        }
        isNull.append(text == nil)
        starts.append(Int32(bytes.count))
    }
}

/// Small codes for the few distinct ids of a column (villages, visitors), without a String per row.
struct Interner {
    /// Hash → the first code with it; `more` holds the rare others.
    private var first: [UInt64: Int32] = [:]
    private var more: [UInt64: [Int32]] = [:]
    /// Text of code c is store[starts[c]..<starts[c + 1]].
    private var store: [UInt8] = []
    private var starts: [Int] = [0]

    var count: Int32 { Int32(starts.count - 1) }

    /// The code of `text`, and whether it was new.
    mutating func code(_ text: UnsafeRawBufferPointer) -> (code: Int32, isNew: Bool) {
        let h = Interner.hash(text)
        if let c = find(text, hash: h) { return (c, false) }
        let c = count
        store.append(contentsOf: text)
        starts.append(store.count)
        if first[h] == nil { first[h] = c } else { more[h, default: []].append(c) }
        return (c, true)
    }

    func existingCode(_ text: String) -> Int32? {
        var text = text
        return text.withUTF8 { buffer in
            let raw = UnsafeRawBufferPointer(buffer)
            return find(raw, hash: Interner.hash(raw))
        }
    }

    private func find(_ text: UnsafeRawBufferPointer, hash h: UInt64) -> Int32? {
        guard let c = first[h] else { return nil }
        if equal(c, text) { return c }
        return more[h]?.first { equal($0, text) }
    }

    private func equal(_ c: Int32, _ text: UnsafeRawBufferPointer) -> Bool {
        let a = starts[Int(c)], b = starts[Int(c) + 1]
        guard b - a == text.count else { return false }
        guard !text.isEmpty else { return true }
        return store.withUnsafeBytes { memcmp($0.baseAddress! + a, text.baseAddress!, text.count) == 0 }
    }

    /// The ids are random UUIDs: their first 8 bytes and their length spread them well enough.
    private static func hash(_ text: UnsafeRawBufferPointer) -> UInt64 {
        var h = UInt64(text.count) << 56
        if text.count >= 8 {
            h ^= text.loadUnaligned(as: UInt64.self)
        } else {
            for b in text { h = h &* 31 &+ UInt64(b) }
        }
        return h
    }
}

/// What the roster filters, searches and sorts on, for every elder, in memory: a keystroke or a
/// filter change then costs a pass over short arrays instead of a scan of the fat `elder` rows,
/// and only the page's rows are read from the database. Answers exactly what the SQL query in
/// `Ledger.rosterSQL` answers (RosterIndexTests checks it on demo data).
struct RosterIndex {
    var version: Int64
    /// Entries are in the order `pinyinFull, name, id` (the sorts' tie-break): entry i has rank i.
    var ids = TextColumn()
    var status: [Int32] = []
    var statusCodes: [Key16: Int32] = [:]
    var village: [Int32] = []
    var villageCodes = Interner()
    /// Rank of each village code's place name (equal names share a rank).
    var villageRank: [Int32] = []
    var visitor: [Int32] = []
    var visitorCodes = Interner()
    var categoryMask: [Int64] = []
    var birthDate: [Key16?] = []
    var riskLevel: [Int32] = []
    var riskLevelCodes: [Key16: Int32] = [:]
    /// The roster's risk order: high 2, medium 1, anything else 0.
    var riskRank: [UInt8] = []
    var riskScore: [Int64] = []
    var dueDate: [Key16?] = []
    var lastVisitAt: [Key16?] = []
    /// Entries with the same pinyinFull and name share a group (the name sort's key).
    var nameGroup: [Int32] = []
    var name = TextColumn()
    var initials = TextColumn()
    /// pinyinFull without spaces.
    var fullPinyin = TextColumn()
    /// `RosterIndex.hash` of pinyinFull with its spaces (RosterIndexRefresh.swift).
    var fullPinyinHash: [UInt64] = []
    var idTail = TextColumn()
    var phoneDigits = TextColumn()
    var idNumber = TextColumn()
    /// Per entry, the letters a–z of its full pinyin (bit k for the k-th letter) and of its
    /// initials (bit 32 + k): a pinyin search passes over an entry that lacks one of its letters
    /// without reading its text.
    var letters: [UInt64] = []
    /// Per entry, the bytes of its name as `Search.byteBits`: likewise for a name search.
    var nameBytes: [UInt64] = []
    /// Entry indexes in each sort's order, computed when first asked for.
    var orders: [OrderKey: [Int32]] = [:]
    /// Elder ids to entries, for finding a follow-up's elder (`buildIDTable`, when first asked
    /// for; ids, like names, never change in a refresh).
    var idTable: IDTable?
    /// The last match without the due filter, with its query (due, sort and page cleared).
    var lastMatch: (key: RosterQuery, flags: [Bool], count: Int)?

    struct OrderKey: Hashable {
        var sort: RosterSort
        var descending: Bool
    }

    var count: Int { status.count }

    init(version: Int64) {
        self.version = version
    }

    func id(_ i: Int) -> String {
        ids.bytes.withUnsafeBufferPointer { b in
            String(decoding: UnsafeBufferPointer(rebasing: b[Int(ids.starts[i])..<Int(ids.starts[i + 1])]), as: UTF8.self)
        }
    }

    // MARK: - Building

    private mutating func reserve(_ n: Int) {
        for column in [\RosterIndex.status, \.village, \.visitor, \.riskLevel, \.nameGroup] { self[keyPath: column].reserveCapacity(n) }
        for column in [\RosterIndex.birthDate, \.dueDate, \.lastVisitAt] { self[keyPath: column].reserveCapacity(n) }
        categoryMask.reserveCapacity(n)
        fullPinyinHash.reserveCapacity(n)
        riskScore.reserveCapacity(n)
        riskRank.reserveCapacity(n)
        letters.reserveCapacity(n)
        nameBytes.reserveCapacity(n)
        for column in [\RosterIndex.ids, \.name, \.initials, \.fullPinyin, \.idTail, \.phoneDigits, \.idNumber] {
            self[keyPath: column].starts.reserveCapacity(n + 1)
            self[keyPath: column].isNull.reserveCapacity(n)
        }
        ids.bytes.reserveCapacity(n * 36)
        name.bytes.reserveCapacity(n * 9)
        fullPinyin.bytes.reserveCapacity(n * 12)
        idNumber.bytes.reserveCapacity(n * 18)
    }

    /// Reads the narrow roster columns (through the covering index `elder_roster`, in tie order).
    /// Nil when some value has no exact in-memory form; the roster then stays on SQL.
    static func build(_ db: Database, version: Int64) throws -> RosterIndex? {
        var index = RosterIndex(version: version)
        var placeNames: [String: String] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT id, name FROM place") {
            placeNames[try row.decode(String.self, atIndex: 0)] = try row.decode(String.self, atIndex: 1)
        }
        var villageNames: [String] = []
        var previousFull: [UInt8] = []
        var previousName: [UInt8] = []
        var group: Int32 = -1
        let statement = try db.makeStatement(sql: """
            SELECT id, name, pinyinFull, pinyinInitials, status, villageId, visitorId, categoryMask, birthDate,
                   riskLevel, riskScore, dueDate, lastVisitAt, idTail, phoneDigits, idNumber,
                   typeof(categoryMask) = 'integer' AND typeof(riskScore) = 'integer'
                   AND typeof(birthDate) IN ('text', 'null') AND typeof(dueDate) IN ('text', 'null')
                   AND typeof(lastVisitAt) IN ('text', 'null')
            FROM elder ORDER BY pinyinFull, name, id
            """)
        // The columns are read straight from the SQLite statement the cursor steps: going through
        // Row values would allocate a String or Data per column, 1.6 million times at county scale.
        let s = statement.sqliteStatement
        func text(_ column: Int32) -> UnsafeRawBufferPointer? {
            guard sqlite3_column_type(s, column) != SQLITE_NULL else { return nil }
            let p = sqlite3_column_text(s, column)  // before _bytes, as SQLite asks
            return UnsafeRawBufferPointer(start: UnsafeRawPointer(p), count: Int(sqlite3_column_bytes(s, column)))
        }
        let empty = UnsafeRawBufferPointer(start: nil, count: 0)
        let high = Key16("high")!, medium = Key16("medium")!
        index.reserve(try Int.fetchOne(db, sql: "SELECT count(*) FROM elder") ?? 0)
        let cursor = try Row.fetchCursor(statement)
        while try cursor.next() != nil {
            // Numbers stored as text or dates as numbers sort differently in SQL: leave those to SQL.
            guard sqlite3_column_int64(s, 16) == 1 else { return nil }
            index.ids.append(text(0))
            let name = text(1) ?? empty
            let full = text(2) ?? empty
            if group < 0 || !name.elementsEqual(previousName) || !full.elementsEqual(previousFull) {
                group += 1
                previousName.removeAll(keepingCapacity: true)
                previousName.append(contentsOf: name)
                previousFull.removeAll(keepingCapacity: true)
                previousFull.append(contentsOf: full)
            }
            index.nameGroup.append(group)
            index.name.append(name)
            index.fullPinyin.append(full, droppingSpaces: true)
            index.fullPinyinHash.append(hash(full))
            index.initials.append(text(3) ?? empty)
            index.letters.append(Search.letterBits(full) | Search.letterBits(text(3) ?? empty) << 32)
            index.nameBytes.append(Search.byteBits(name))
            guard let status = Key16(text(4) ?? empty), let risk = Key16(text(9) ?? empty) else { return nil }
            index.status.append(code(status, in: &index.statusCodes))
            let (village, isNew) = index.villageCodes.code(text(5) ?? empty)
            if isNew {
                // An elder without its place row would drop out of the SQL join: leave that to SQL.
                let villageID = String(decoding: text(5) ?? empty, as: UTF8.self)
                guard let villageName = placeNames[villageID] else { return nil }
                villageNames.append(villageName)
            }
            index.village.append(village)
            let visitor = text(6).map { index.visitorCodes.code($0).code } ?? -1
            index.visitor.append(visitor)
            index.categoryMask.append(sqlite3_column_int64(s, 7))
            guard let birth = key(text(8)), let due = key(text(11)), let lastVisit = key(text(12)) else { return nil }
            index.birthDate.append(birth)
            index.dueDate.append(due)
            index.lastVisitAt.append(lastVisit)
            index.riskLevel.append(code(risk, in: &index.riskLevelCodes))
            index.riskRank.append(risk == high ? 2 : risk == medium ? 1 : 0)
            index.riskScore.append(sqlite3_column_int64(s, 10))
            index.idTail.append(text(13))
            index.phoneDigits.append(text(14))
            index.idNumber.append(text(15))
        }
        // Village names in BINARY order; equal names share a rank.
        let byName = villageNames.indices.sorted { villageNames[$0].utf8.lexicographicallyPrecedes(villageNames[$1].utf8) }
        index.villageRank = Array(repeating: 0, count: villageNames.count)
        var rank: Int32 = -1
        var previous: String?
        for i in byName {
            if previous == nil || !villageNames[i].utf8.elementsEqual(previous!.utf8) { rank += 1 }
            previous = villageNames[i]
            index.villageRank[i] = rank
        }
        return index
    }

    static func code(_ key: Key16, in codes: inout [Key16: Int32]) -> Int32 {
        if let c = codes[key] { return c }
        let c = Int32(codes.count)
        codes[key] = c
        return c
    }

    /// The key of a nullable text column: .some(nil) for NULL, nil when the value has no key.
    private static func key(_ text: UnsafeRawBufferPointer?) -> Key16?? {
        guard let text else { return .some(nil) }
        return Key16(text).map { .some($0) }
    }

    // MARK: - Querying

    /// Of the rows `q` matches, how many are overdue and due soon (`SQLFilter.due`'s comparisons).
    mutating func dueCounts(_ q: RosterQuery) -> (overdue: Int, dueSoon: Int)? {
        guard let matches = match(q),
              let today = Key16(q.today.description),
              let soon = Key16(q.today.adding(days: ElderSummary.dueSoonDays).description) else { return nil }
        var overdue = 0, dueSoon = 0
        for i in 0..<count where matches.flags[i] {
            guard let d = dueDate[i] else { continue }
            if d < today { overdue += 1 } else if d < soon { dueSoon += 1 }
        }
        return (overdue, dueSoon)
    }

    /// The ids of the page's rows, in order, and how many rows match; nil when the query is one
    /// the index does not answer exactly.
    mutating func select(_ q: RosterQuery) -> (ids: [String], total: Int)? {
        guard let matches = match(q) else { return nil }
        let total = matches.count
        let offset = max(q.offset, 0)
        let limit = max(q.limit, 0)
        guard limit > 0, offset < total else { return ([], total) }
        let order = self.order(q.sort, descending: q.descending)
        var ids: [String] = []
        var seen = 0
        for i in order where matches.flags[Int(i)] {
            if seen >= offset {
                ids.append(id(Int(i)))
                if ids.count == limit { break }
            }
            seen += 1
        }
        return (ids, total)
    }

    /// Which entries pass the query's filters and search. The match without the due filter is
    /// kept: the roster screen asks for its page and the overdue and due-soon counts together.
    mutating func match(_ q: RosterQuery) -> (flags: [Bool], count: Int)? {
        var key = q
        key.due = nil
        key.sort = .nextDue
        key.descending = false
        key.limit = 0
        key.offset = 0
        key.detail = .full
        key.countsDueStates = false
        if let last = lastMatch, last.key != key, let narrower = Search.narrowing(from: last.key, to: key) {
            // A keystroke that extends the search: only the last match's entries can still match.
            var flags = last.flags
            let total = narrower.filter(&flags, in: self)
            lastMatch = (key, flags, total)
        } else if lastMatch?.key != key {
            lastMatch = nil
            guard let base = baseMatch(key) else { return nil }
            lastMatch = (key, base.flags, base.count)
        }
        guard let due = q.due else { return (lastMatch!.flags, lastMatch!.count) }
        guard let today = Key16(q.today.description),
              let soon = Key16(q.today.adding(days: ElderSummary.dueSoonDays).description) else { return nil }
        var flags = lastMatch!.flags
        var total = 0
        for i in 0..<count where flags[i] {
            let keep: Bool
            switch due {
            case .inactive: keep = dueDate[i] == nil
            case .overdue: keep = dueDate[i].map { $0 < today } ?? false
            case .dueSoon: keep = dueDate[i].map { $0 >= today && $0 < soon } ?? false
            case .ok: keep = dueDate[i].map { $0 >= soon } ?? false
            }
            flags[i] = keep
            if keep { total += 1 }
        }
        return (flags, total)
    }

    /// The match of every filter but the due state.
    private func baseMatch(_ q: RosterQuery) -> (flags: [Bool], count: Int)? {
        let n = count
        let none = (flags: [Bool](repeating: false, count: n), count: 0)
        var villages: [Bool]?
        if let scoped = q.scope.villageIDs {
            var allowed = [Bool](repeating: false, count: Int(villageCodes.count))
            for id in scoped { if let code = villageCodes.existingCode(id.uuidString) { allowed[Int(code)] = true } }
            villages = allowed
        }
        if let id = q.villageID {
            var allowed = [Bool](repeating: false, count: Int(villageCodes.count))
            if let code = villageCodes.existingCode(id.uuidString) { allowed[Int(code)] = villages?[Int(code)] ?? true }
            villages = allowed
        }
        if let villages, !villages.contains(true) { return none }
        var visitorCode: Int32?
        if let id = q.scope.visitorID {
            guard let code = visitorCodes.existingCode(id.uuidString) else { return none }
            visitorCode = code
        }
        let bit = q.category.map { Int64($0.bit) }
        var ageCutoff: Key16?
        if q.advancedAgeOnly {
            // Same text as the SQL filter's cutoff.
            guard let cutoff = Key16(String(format: "%04d-%02d-%02d", q.today.year - advancedAgeThreshold,
                                            q.today.month, q.today.day)) else { return nil }
            ageCutoff = cutoff
        }
        var riskCode: Int32?
        if let risk = q.risk {
            guard let code = Key16(risk.rawValue).flatMap({ riskLevelCodes[$0] }) else { return none }
            riskCode = code
        }
        var statusCode: Int32?
        if let status = q.status {
            guard let code = Key16(status.rawValue).flatMap({ statusCodes[$0] }) else { return none }
            statusCode = code
        }
        guard let search = Search(q.search) else { return nil }

        // One tight pass per filter in use (a keystroke's whole budget is a few milliseconds).
        var flags = [Bool](repeating: true, count: n)
        var total = 0
        flags.withUnsafeMutableBufferPointer { flags in
            if let statusCode { RosterIndex.keep(flags, status) { $0 == statusCode } }
            if let villages { RosterIndex.keep(flags, village) { villages[Int($0)] } }
            if let visitorCode { RosterIndex.keep(flags, visitor) { $0 == visitorCode } }
            if let bit { RosterIndex.keep(flags, categoryMask) { $0 & bit != 0 } }
            if let ageCutoff { RosterIndex.keep(flags, birthDate) { $0.map { $0 <= ageCutoff } ?? false } }
            if let riskCode { RosterIndex.keep(flags, riskLevel) { $0 == riskCode } }
            flags.withMemoryRebound(to: UInt8.self) { for f in $0 { total &+= Int(f) } }
        }
        if !search.isEmpty { total = search.filter(&flags, in: self) }
        return (flags, total)
    }

    /// Clears the flags of the entries whose value in `column` fails `test`.
    private static func keep<T>(_ flags: UnsafeMutableBufferPointer<Bool>, _ column: [T], _ test: (T) -> Bool) {
        // Without a branch per entry: which entries pass follows no pattern a CPU could predict.
        column.withUnsafeBufferPointer { values in
            flags.withMemoryRebound(to: UInt8.self) { flags in
                for i in 0..<flags.count { flags[i] &= test(values[i]) ? 1 : 0 }
            }
        }
    }

    /// Entry indexes in the order of `Ledger.orderBy(sort, descending:)`.
    mutating func order(_ sort: RosterSort, descending: Bool) -> [Int32] {
        let key = OrderKey(sort: sort, descending: descending)
        if let order = orders[key] { return order }
        let order: [Int32]
        switch sort {
        case .name:
            order = RosterIndex.countingOrder(nameGroup, descending: descending)
        case .village:
            order = RosterIndex.countingOrder(village.map { villageRank[Int($0)] }, descending: descending)
        default:
            order = sortedByKeys(sort, descending: descending)
        }
        orders[key] = order
        return order
    }

    /// Entry indexes sorted by `sortKey` (what every order must equal).
    func sortedByKeys(_ sort: RosterSort, descending: Bool) -> [Int32] {
        var keys: [SortKey] = []
        keys.reserveCapacity(count)
        for i in 0..<count { keys.append(sortKey(i, sort, descending: descending)) }
        keys.sort()
        return keys.map(\.tie)
    }

    /// Whether every sort's order is cached both ways.
    var hasEveryOrder: Bool { orders.count == RosterSort.allCases.count * 2 }

    /// Every sort's order both ways. The cache prepares them off the UI thread: sorting 100,000
    /// entries takes 10-15 ms, most of a sort key's time budget.
    mutating func prepareOrders() {
        for sort in RosterSort.allCases {
            for descending in [false, true] { _ = order(sort, descending: descending) }
        }
    }

    /// The order of entries by `keys` (small non-negative ranks), ties in entry order: the sort
    /// keys of the name and village sorts, without comparing.
    static func countingOrder(_ keys: [Int32], descending: Bool) -> [Int32] {
        guard let top = keys.max() else { return [] }
        var starts = [Int](repeating: 0, count: Int(top) + 2)
        func slot(_ k: Int32) -> Int { descending ? Int(top - k) : Int(k) }
        for k in keys { starts[slot(k) + 1] += 1 }
        for r in 1..<starts.count { starts[r] += starts[r - 1] }
        var order = [Int32](repeating: 0, count: keys.count)
        for (i, k) in keys.enumerated() {
            let r = slot(k)
            order[starts[r]] = Int32(i)
            starts[r] += 1
        }
        return order
    }

    struct SortKey: Comparable {
        var a: UInt64
        var b: Key16
        var tie: Int32
        static func < (x: SortKey, y: SortKey) -> Bool {
            x.a != y.a ? x.a < y.a : x.b != y.b ? x.b < y.b : x.tie < y.tie
        }
    }

    /// Entry i's key in the order of `Ledger.orderBy(sort, descending:)`.
    func sortKey(_ i: Int, _ sort: RosterSort, descending: Bool) -> SortKey {
        func flip(_ k: Key16) -> Key16 { descending ? k.inverted : k }
        func flip(_ v: UInt64) -> UInt64 { descending ? ~v : v }
        let tie = Int32(i)
        switch sort {
        case .name:
            return SortKey(a: flip(UInt64(nameGroup[i])), b: .zero, tie: tie)
        case .village:
            return SortKey(a: flip(UInt64(villageRank[Int(village[i])])), b: .zero, tie: tie)
        case .age:
            // Older first (earlier birth date) when ascending; no birth date last either way.
            let b = birthDate[i]
            return SortKey(a: b == nil ? 1 : 0, b: b.map { descending ? $0 : $0.inverted } ?? .zero, tie: tie)
        case .risk:
            let score = UInt64(bitPattern: riskScore[i]) ^ (1 << 63)
            return SortKey(a: flip(UInt64(riskRank[i])), b: Key16(hi: flip(score), lo: 0), tie: tie)
        case .lastVisit:
            // Never visited first when ascending, last when descending.
            let v = lastVisitAt[i]
            let nullFirst: UInt64 = descending ? (v == nil ? 1 : 0) : (v == nil ? 0 : 1)
            return SortKey(a: nullFirst, b: v.map(flip) ?? .zero, tie: tie)
        case .nextDue:
            let d = dueDate[i]
            return SortKey(a: d == nil ? 1 : 0, b: d.map(flip) ?? .zero, tie: tie)
        }
    }

    // MARK: - Rows

    /// The rows of `ids`, in that order, at `detail`.
    static func rows(_ db: Database, ids: [String], detail: RosterRowDetail = .full) throws -> [RosterRow] {
        guard !ids.isEmpty else { return [] }
        var byID: [UUID: RosterRow] = [:]
        byID.reserveCapacity(ids.count)
        var start = 0
        while start < ids.count {
            let chunk = ids[start..<min(start + 500, ids.count)]
            start += chunk.count
            let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
            // A cursor's rows look columns up through the statement's table; rows copied by
            // fetchAll compare lowercased names one by one, which dominated the decoding.
            let cursor = try Row.fetchCursor(db, sql: """
                SELECT \(RosterRows.columns(detail)) FROM elder e JOIN place p ON p.id = e.villageId
                WHERE e.id IN (\(marks))
                """, arguments: StatementArguments(Array(chunk)))
            while let row = try cursor.next() {
                let rosterRow = try RosterRows.row(row, detail)
                byID[rosterRow.elder.id] = rosterRow
            }
        }
        return ids.compactMap { id in (StoreCoding.canonicalUUID(id) ?? UUID(uuidString: id)).flatMap { byID[$0] } }
    }
}

/// The roster search of `SQLFilter.search`, over the index's text columns.
struct Search {
    var isEmpty = true
    var name: [UInt8] = []
    /// Lowercased, without spaces, when it is all ASCII letters.
    var pinyin: [UInt8]?
    /// Normalized ID or phone tail, when it is all digits or X.
    var tail: [UInt8]?
    var tailIsIDNumber = false
    var tailIsDigits = false
    /// Whether the name part may skip the dots between the parts of a name (努尔卡 finds
    /// 努尔·卡德尔): when the search itself has none.
    var skipsNameDots = false

    /// The dots written between the parts of Uyghur and Kazakh names (·, •, ・).
    static let nameDots: [Character] = ["\u{00B7}", "\u{2022}", "\u{30FB}"]

    /// Nil for the odd queries whose SQL meaning (an empty pattern) is not worth copying.
    init?(_ text: String) {
        let query = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !query.isEmpty else { return }
        isEmpty = false
        name = Array(query.utf8)
        skipsNameDots = !query.contains { Search.nameDots.contains($0) } && !query.allSatisfy(\.isASCII)
        let compact = String(query.lowercased().filter { !$0.isWhitespace })
        if compact.allSatisfy({ $0.isASCII && $0.isLetter }) {
            guard !compact.isEmpty else { return nil }
            pinyin = Array(compact.utf8)
        }
        let tail = IDNumber.normalize(query)
        if tail.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "X") }) {
            guard !tail.isEmpty else { return nil }
            self.tail = Array(tail.utf8)
            tailIsIDNumber = tail.count > 6
            tailIsDigits = tail.allSatisfy(\.isNumber)
        }
    }

    /// The search of `new` when its matches are a subset of `old`'s, which differs only in a search
    /// that `new` contains (typing on): a part of the name or of its pinyin that contains the old
    /// part is found only where the old one was. ID and phone tails match at the end, so a search
    /// read as a tail (digits, X) on either side is not narrowed.
    static func narrowing(from old: RosterQuery, to new: RosterQuery) -> Search? {
        var same = old
        same.search = new.search
        guard same == new, let before = Search(old.search), let after = Search(new.search),
              !before.isEmpty, !after.isEmpty, before.tail == nil, after.tail == nil,
              bytes(after.name, contain: before.name) else { return nil }
        return after
    }

    static func bytes(_ hay: [UInt8], contain needle: [UInt8]) -> Bool {
        guard needle.count <= hay.count else { return false }
        for start in 0...(hay.count - needle.count) where hay[start..<(start + needle.count)].elementsEqual(needle) {
            return true
        }
        return false
    }

    /// Clears the flags of entries that do not match; returns how many still do.
    func filter(_ flags: inout [Bool], in index: RosterIndex) -> Int {
        var total = 0
        // An entry's text is read only when its bits hold every byte or letter of the search; a
        // single letter is in the pinyin exactly when its bit is set.
        let nameNeed = Search.byteBits(name)
        let fullNeed = pinyin.map { Search.letterBits($0) } ?? 0
        let initialsNeed = fullNeed << 32
        let oneLetter = pinyin?.count == 1
        let pinyinNeedle = pinyin ?? []
        let tailNeedle = tail ?? []
        flags.withUnsafeMutableBufferPointer { flags in
            index.withSearchColumns(tailIsIDNumber: tailIsIDNumber) { c in
                name.withUnsafeBufferPointer { name in
                    pinyinNeedle.withUnsafeBufferPointer { pinyin in
                        tailNeedle.withUnsafeBufferPointer { tail in
                            for i in 0..<flags.count where flags[i] {
                                var hit = c.nameBytes[i] & nameNeed == nameNeed
                                    && (c.name.contains(i, name) || (skipsNameDots && c.name.containsSkippingDots(i, name)))
                                if !hit, !pinyin.isEmpty {
                                    let l = c.letters[i]
                                    hit = (l & fullNeed == fullNeed && (oneLetter || c.fullPinyin.contains(i, pinyin)))
                                        || (l & initialsNeed == initialsNeed && (oneLetter || c.initials.contains(i, pinyin)))
                                }
                                if !hit, !tail.isEmpty {
                                    hit = c.tail.hasSuffix(i, tail) || (tailIsDigits && c.phoneDigits.hasSuffix(i, tail))
                                }
                                flags[i] = hit
                                if hit { total += 1 }
                            }
                        }
                    }
                }
            }
        }
        return total
    }

    /// The letters a–z among `bytes`, bit k for the k-th (other bytes are left out).
    static func letterBits(_ bytes: some Sequence<UInt8>) -> UInt64 {
        var bits: UInt64 = 0
        for b in bytes where b >= 0x61 && b <= 0x7A { bits |= 1 << UInt64(b - 0x61) }
        return bits
    }

    /// A 64-bit set of the bytes of `bytes`: text that contains a needle has every bit of the
    /// needle's set. ASCII bytes have bits 0–15 and the others 16–63, so that an ASCII search
    /// passes over Chinese names at once.
    static func byteBits(_ bytes: some Sequence<UInt8>) -> UInt64 {
        var bits: UInt64 = 0
        for b in bytes { bits |= 1 << (b < 0x80 ? UInt64(b & 15) : 16 + UInt64(b) * 37 % 48) }
        return bits
    }
}

/// The columns a search reads, through pointers (see `RosterIndex.withSearchColumns`).
struct SearchColumns {
    let name: TextView
    let fullPinyin: TextView
    let initials: TextView
    /// ID number or ID tail, as the search asks.
    let tail: TextView
    let phoneDigits: TextView
    let nameBytes: UnsafeBufferPointer<UInt64>
    let letters: UnsafeBufferPointer<UInt64>
}

extension RosterIndex {
    /// Calls `body` with the columns a search reads, valid for its length.
    func withSearchColumns<R>(tailIsIDNumber: Bool, _ body: (SearchColumns) -> R) -> R {
        name.withView { name in
            fullPinyin.withView { fullPinyin in
                initials.withView { initials in
                    (tailIsIDNumber ? idNumber : idTail).withView { tail in
                        phoneDigits.withView { phoneDigits in
                            nameBytes.withUnsafeBufferPointer { nameBytes in
                                letters.withUnsafeBufferPointer { letters in
                                    body(SearchColumns(name: name, fullPinyin: fullPinyin, initials: initials, tail: tail,
                                                       phoneDigits: phoneDigits, nameBytes: nameBytes, letters: letters))
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// A `TextColumn` seen through pointers, for the loops over every entry.
struct TextView {
    let bytes: UnsafeBufferPointer<UInt8>
    let starts: UnsafeBufferPointer<Int32>
    let isNull: UnsafeBufferPointer<Bool>

    /// instr(text, needle) > 0 on UTF-8 (a match of valid UTF-8 falls on character boundaries).
    func contains(_ i: Int, _ needle: UnsafeBufferPointer<UInt8>) -> Bool {
        if isNull[i] { return false }
        let start = Int(starts[i]), end = Int(starts[i + 1])
        let m = needle.count
        guard end - start >= m else { return false }
        let first = needle[0]
        var p = start
        while p <= end - m {
            if bytes[p] == first {
                var k = 1
                while k < m && bytes[p + k] == needle[k] { k += 1 }
                if k == m { return true }
            }
            p += 1
        }
        return false
    }

    /// `contains`, passing over the dots of a name in the text (·, •, ・) as if they were not there.
    func containsSkippingDots(_ i: Int, _ needle: UnsafeBufferPointer<UInt8>) -> Bool {
        if isNull[i] { return false }
        let start = Int(starts[i]), end = Int(starts[i + 1])
        /// The length of a dot at `p`, or 0.
        func dot(_ p: Int) -> Int {
            if p + 1 < end, bytes[p] == 0xC2, bytes[p + 1] == 0xB7 { return 2 }
            if p + 2 < end, bytes[p] == 0xE2, bytes[p + 1] == 0x80, bytes[p + 2] == 0xA2 { return 3 }
            if p + 2 < end, bytes[p] == 0xE3, bytes[p + 1] == 0x83, bytes[p + 2] == 0xBB { return 3 }
            return 0
        }
        var p = start
        while p < end {
            if bytes[p] == needle[0] {
                var q = p, k = 0
                while k < needle.count && q < end {
                    let skip = k > 0 ? dot(q) : 0
                    if skip > 0 { q += skip; continue }
                    guard bytes[q] == needle[k] else { break }
                    q += 1
                    k += 1
                }
                if k == needle.count { return true }
            }
            p += 1
        }
        return false
    }

    /// substr(text, -n) = needle, for an ASCII needle of n characters.
    func hasSuffix(_ i: Int, _ needle: UnsafeBufferPointer<UInt8>) -> Bool {
        if isNull[i] { return false }
        let end = Int(starts[i + 1])
        let m = needle.count
        guard end - Int(starts[i]) >= m else { return false }
        for k in 0..<m where bytes[end - m + k] != needle[k] { return false }
        return true
    }
}

extension TextColumn {
    /// Calls `body` with the column's pointers, valid for its length.
    func withView<R>(_ body: (TextView) -> R) -> R {
        bytes.withUnsafeBufferPointer { bytes in
            starts.withUnsafeBufferPointer { starts in
                isNull.withUnsafeBufferPointer { isNull in body(TextView(bytes: bytes, starts: starts, isNull: isNull)) }
            }
        }
    }
}
