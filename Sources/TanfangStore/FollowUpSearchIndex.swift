import Foundation
import GRDB
import GRDBSQLite
import TanfangCore

/// The follow-up queue's `/` search without SQL per keystroke: the SQL search
/// (`Ledger.followUpSearch`) matched every elder's name and pinyin in `elder_roster` and joined
/// each open follow-up to its elder, ~170-250 ms a keystroke at county scale. Here the names are
/// matched on the roster index's arrays (~0.3 ms), the open queue is read once from its covering
/// index and kept until the ledger changes (`FollowUpQueueCache`), and each row's elder is found
/// by id in memory. Same rows, order and counts as the SQL (FollowUpSearchIndexTests).

/// A search text as `Ledger.followUpSearch` reads it.
struct FollowUpNeedle {
    /// Trimmed and lowercased, as bound to the SQL.
    let text: String
    let bytes: [UInt8]
    /// All ASCII letters: the pinyin columns are searched too.
    let pinyin: Bool
    /// No ASCII letter: lower() of the text searched cannot change whether it matches.
    let caseless: Bool
    /// A Chinese search without a name's dots passes over them in names (`Search.nameDots`).
    let skipsNameDots: Bool

    /// Nil for an empty search, and for one with a NUL (how SQLite binds and compares that is
    /// not worth copying: the SQL answers it).
    init?(_ search: String) {
        let needle = search.trimmingCharacters(in: .whitespaces).lowercased()
        guard !needle.isEmpty, !needle.utf8.contains(0) else { return nil }
        text = needle
        bytes = Array(needle.utf8)
        pinyin = needle.allSatisfy { $0.isASCII && $0.isLetter }
        caseless = !bytes.contains { $0 >= 0x61 && $0 <= 0x7A }
        skipsNameDots = !needle.contains { Search.nameDots.contains($0) } && !needle.allSatisfy(\.isASCII)
    }

    /// instr(lower(hay), needle) > 0: SQLite's lower() folds ASCII only, and the needle holds no
    /// upper-case ASCII.
    static func contains(_ hay: UnsafeRawBufferPointer, _ needle: UnsafeBufferPointer<UInt8>, caseless: Bool) -> Bool {
        let n = hay.count, m = needle.count
        guard m > 0, n >= m else { return false }
        let first = needle[0]
        // memchr to each place the first byte (either case of a letter) is, then the rest compared.
        if contains(hay, needle, first: first, caseless: caseless) { return true }
        return !caseless && first >= 0x61 && first <= 0x7A && contains(hay, needle, first: first - 0x20, caseless: false)
    }

    private static func contains(_ hay: UnsafeRawBufferPointer, _ needle: UnsafeBufferPointer<UInt8>, first: UInt8,
                                 caseless: Bool) -> Bool {
        let n = hay.count, m = needle.count
        let base = hay.baseAddress!
        var p = 0
        while p <= n - m, let hit = memchr(base + p, Int32(first), n - m + 1 - p) {
            p = base.distance(to: UnsafeRawPointer(hit))
            if caseless {
                if m == 1 || memcmp(base + p + 1, needle.baseAddress! + 1, m - 1) == 0 { return true }
            } else {
                var k = 1
                while k < m && fold(hay[p + k]) == needle[k] { k += 1 }
                if k == m { return true }
            }
            p += 1
        }
        return false
    }

    @inline(__always) static func fold(_ b: UInt8) -> UInt8 { b &- 0x41 < 26 ? b | 0x20 : b }
}

extension RosterIndex {
    /// Numbers the elders' ids (entry i's id finds i).
    mutating func buildIDTable() {
        idTable = IDTable(ids)
    }

    /// Per entry, the name part of `Ledger.followUpSearch`: `instr(lower(name), needle) > 0`, or
    /// for ASCII letters the initials or the full pinyin without spaces containing it.
    func followUpNameMatches(_ needle: FollowUpNeedle) -> [Bool] {
        var hits = [Bool](repeating: false, count: count)
        // An entry's text is read only when its bits hold every byte or letter of the needle
        // (`Search.byteBits` puts A and a on one bit, so lower() changes nothing there).
        let nameNeed = Search.byteBits(needle.bytes)
        let fullNeed = needle.pinyin ? Search.letterBits(needle.bytes) : 0
        let initialsNeed = fullNeed << 32
        let oneLetter = needle.bytes.count == 1
        hits.withUnsafeMutableBufferPointer { hits in
            withSearchColumns(tailIsIDNumber: false) { c in
                needle.bytes.withUnsafeBufferPointer { n in
                    for i in 0..<hits.count {
                        var hit = c.nameBytes[i] & nameNeed == nameNeed
                            && (c.name.containsFolding(i, n, caseless: needle.caseless)
                                || (needle.skipsNameDots && c.name.containsSkippingDots(i, n)))
                        if !hit, needle.pinyin {
                            let l = c.letters[i]
                            hit = (l & fullNeed == fullNeed && (oneLetter || c.fullPinyin.contains(i, n)))
                                || (l & initialsNeed == initialsNeed && (oneLetter || c.initials.contains(i, n)))
                        }
                        hits[i] = hit
                    }
                }
            }
        }
        return hits
    }
}

extension TextView {
    /// instr(lower(text), needle) > 0 (see `FollowUpNeedle.contains`).
    func containsFolding(_ i: Int, _ needle: UnsafeBufferPointer<UInt8>, caseless: Bool) -> Bool {
        if isNull[i] { return false }
        let start = Int(starts[i]), end = Int(starts[i + 1])
        return FollowUpNeedle.contains(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(bytes)[start..<end]),
                                       needle, caseless: caseless)
    }
}

extension Ledger {
    /// The open queue's search (`FollowUpQuery` without closed rows or an elder) answered with the
    /// roster index: how many rows match, how many are overdue, and the rowids of `q`'s window in
    /// the queue's order. Nil when it is not such a query or the index cannot hold this ledger:
    /// the SQL answers then.
    func followUpSearchPass(_ db: Database, _ q: FollowUpQuery, now: LocalDateTime) throws
        -> (rowids: [Int64], total: Int, overdue: Int)? {
        guard Self.openOnly(q), let needle = FollowUpNeedle(q.search),
              let index = try rosterCache.searchableIndex(db), let ids = index.idTable, ids.isComplete else { return nil }
        let none: ([Int64], Int, Int) = ([], 0, 0)

        // The elder's filters: the scope's villages and visitor, the village filter.
        let scope = try Ledger.simplified(q.scope, db)
        var villages: [Bool]?
        if let scoped = scope.villageIDs {
            var allowed = [Bool](repeating: false, count: Int(index.villageCodes.count))
            for id in scoped { if let code = index.villageCodes.existingCode(id.uuidString) { allowed[Int(code)] = true } }
            villages = allowed
        }
        if let id = q.villageID {
            var allowed = [Bool](repeating: false, count: Int(index.villageCodes.count))
            if let code = index.villageCodes.existingCode(id.uuidString) { allowed[Int(code)] = villages?[Int(code)] ?? true }
            villages = allowed
        }
        if let villages, !villages.contains(true) { return none }
        var visitorCode: Int32?
        if let id = scope.visitorID {
            guard let code = index.visitorCodes.existingCode(id.uuidString) else { return none }
            visitorCode = code
        }

        // Per elder: 0 out of the filters, 1 in, 2 in and matched by its name or its village.
        let nameHits = index.followUpNameMatches(needle)
        var villageHits = [Bool](repeating: false, count: Int(index.villageCodes.count))
        for id in try String.fetchAll(db, sql: "SELECT id FROM place WHERE instr(lower(name), ?) > 0",
                                      arguments: [needle.text]) {
            if let code = index.villageCodes.existingCode(id) { villageHits[Int(code)] = true }
        }
        var elders = [UInt8](repeating: 0, count: index.count)
        for e in 0..<index.count {
            let village = Int(index.village[e])
            let allowed = (villages?[village] ?? true) && (visitorCode.map { index.visitor[e] == $0 } ?? true)
            elders[e] = allowed ? (nameHits[e] || villageHits[village] ? 2 : 1) : 0
        }
        guard let queue = try followUpQueueCache.queue(db) else { return nil }
        // Owners are few: those the search matches, by their code in the queue.
        var ownerHits = [Bool](repeating: false, count: Int(queue.owners.count))
        for id in try String.fetchAll(db, sql: "SELECT id FROM visitor WHERE instr(lower(name), ?) > 0",
                                      arguments: [needle.text]) {
            if let code = queue.owners.existingCode(id) { ownerHits[Int(code)] = true }
        }
        var ownerFilter: Int32?
        if let owner = q.ownerID {
            guard let code = queue.owners.existingCode(owner.uuidString) else { return none }
            ownerFilter = code
        }
        var typeFilter: Int32?
        if let type = q.type {
            guard let code = queue.types.existingCode(type.rawValue) else { return none }
            typeFilter = code
        }

        // The elders looked up in a loop of their own: the look-ups miss the CPU's caches, and
        // without other work between them they overlap.
        var entries = [Int32](repeating: -1, count: queue.count)
        for i in 0..<queue.count where queue.canonical[i] {
            entries[i] = ids.entry(hi: queue.hi[i], lo: queue.lo[i]).map(Int32.init) ?? -1
        }

        var nowText = now.description
        let window = q.offset..<(q.offset + (q.limit ?? Int.max - q.offset))
        var rowids: [Int64] = [], total = 0, overdue = 0
        var run: [Int] = []
        func flush(_ names: TextView) {
            if run.count > 1 { queue.sortTies(&run, entries: entries, names: names) }
            for i in run {
                if window.contains(total) { rowids.append(queue.rowid[i]) }
                total += 1
            }
            run.removeAll(keepingCapacity: true)
        }
        nowText.withUTF8 { now in
            index.name.withView { names in
                queue.bytes.withUnsafeBytes { bytes in
                    needle.bytes.withUnsafeBufferPointer { n in
                        for i in 0..<queue.count {
                            // A follow-up whose elder is missing drops out of the SQL's inner join too.
                            let entry = entries[i]
                            guard entry >= 0 else { continue }
                            let state = elders[Int(entry)]
                            guard state != 0 else { continue }
                            if let typeFilter, queue.type[i] != typeFilter { continue }
                            let owner = queue.owner[i]
                            if let ownerFilter, owner != ownerFilter { continue }
                            if state == 1 && !(owner >= 0 && ownerHits[Int(owner)]) {
                                let d = queue.detail[i]
                                guard d.start >= 0, FollowUpNeedle.contains(
                                    UnsafeRawBufferPointer(rebasing: bytes[Int(d.start)..<Int(d.end)]), n,
                                    caseless: needle.caseless) else { continue }
                            }
                            // f.due < now, as text.
                            let due = queue.due[i]
                            if FollowUpQueue.compare(UnsafeRawBufferPointer(rebasing: bytes[Int(due.start)..<Int(due.end)]),
                                                     UnsafeRawBufferPointer(now)) < 0 { overdue += 1 }
                            // Rows of one due date are consecutive: a run of them goes in the SQL's tie order.
                            if let last = run.last, !queue.sameDue(last, i) { flush(names) }
                            run.append(i)
                        }
                        flush(names)
                    }
                }
            }
        }
        return (rowids, total, overdue)
    }
}

/// The open queue kept between keystrokes, as of one connection's snapshot: `PRAGMA
/// data_version` changes when another connection (the pool's writer, another process) commits,
/// and the connection's own changes count in `totalChangesCount`; either change reads it again.
final class FollowUpQueueCache: @unchecked Sendable {
    private let lock = NSLock()
    private weak var connection: Database?
    private var version: (data: Int64, changes: Int) = (-1, -1)
    private var cached: FollowUpQueue?
    /// How many times the queue was read (tests check a change is seen).
    private(set) var reads = 0
    private var warming = false

    /// Whether a warm-up may start (none is under way); then `warmEnded()` must follow.
    func startWarming() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        if warming { return false }
        warming = true
        return true
    }

    func warmEnded() {
        lock.lock()
        warming = false
        lock.unlock()
    }

    /// Whether a warm-up holds a connection now (tests wait for it to end).
    var isWarming: Bool {
        lock.lock()
        defer { lock.unlock() }
        return warming
    }

    /// The queue at `db`'s snapshot; nil when it holds a value the copy cannot compare as SQL does.
    /// A warm-up (`warming`) leaves a copy read on another connection alone: it cannot tell
    /// whether that one is current, and replacing it would make the next key read it again.
    func queue(_ db: Database, warming: Bool = false) throws -> FollowUpQueue? {
        let data = try Int64.fetchOne(db, sql: "PRAGMA data_version") ?? -1
        let changes = db.totalChangesCount
        lock.lock()
        defer { lock.unlock() }
        if let cached, connection === db, version == (data, changes) { return cached }
        if warming, cached != nil, connection !== db { return nil }
        cached = nil
        let queue = try FollowUpQueue(db)
        reads += 1
        guard let queue else { return nil }
        (cached, connection, version) = (queue, db, (data, changes))
        return queue
    }
}

/// The open queue in due order from its covering index, one pass (no join): what the search
/// needs of each row, ~5 MB at county scale. An elder's id is kept as its 128 bits (`IDTable`).
final class FollowUpQueue: Sendable {
    typealias Span = (start: Int32, end: Int32)
    let rowid: [Int64]
    let hi: [UInt64]
    let lo: [UInt64]
    /// Whether the elder id was canonical (else hi and lo are 0 and it matches no elder).
    let canonical: [Bool]
    /// Codes of ownerId (-1 for NULL) and type.
    let owner: [Int32]
    let owners: Interner
    let type: [Int32]
    let types: Interner
    /// Whether the due equals the previous row's.
    let dueAsBefore: [Bool]
    /// Texts in `bytes`; start -1 for NULL.
    let due: [Span]
    let closing: [Span]
    let id: [Span]
    let detail: [Span]
    let bytes: [UInt8]

    var count: Int { rowid.count }

    /// Nil when a due is not text (SQL would compare it with now by type, not bytes).
    init?(_ db: Database) throws {
        var rowid: [Int64] = [], hi: [UInt64] = [], lo: [UInt64] = [], canonical: [Bool] = []
        var owner: [Int32] = [], owners = Interner(), type: [Int32] = [], types = Interner()
        var dueAsBefore: [Bool] = [], due: [Span] = [], closing: [Span] = [], id: [Span] = [], detail: [Span] = []
        var bytes: [UInt8] = []
        // ORDER BY the due alone: the index's order, no sorting.
        let statement = try db.makeStatement(sql: """
            SELECT f.rowid, f.elderId, f.ownerId, f.type, f.detail, f.due, f.closingAt, f.id, typeof(f.due) = 'text'
            FROM followUp f INDEXED BY followUp_open_queue
            WHERE f.status IN ('open', 'inProgress')
            ORDER BY f.due
            """)
        let s = statement.sqliteStatement
        func text(_ column: Int32) -> UnsafeRawBufferPointer? {
            guard sqlite3_column_type(s, column) != SQLITE_NULL else { return nil }
            let p = sqlite3_column_text(s, column)  // before _bytes, as SQLite asks
            return UnsafeRawBufferPointer(start: UnsafeRawPointer(p), count: Int(sqlite3_column_bytes(s, column)))
        }
        func keep(_ t: UnsafeRawBufferPointer?) -> Span {
            guard let t else { return (-1, -1) }
            let start = Int32(bytes.count)
            bytes.append(contentsOf: t)
            return (start, Int32(bytes.count))
        }
        let cursor = try Row.fetchCursor(statement)
        while try cursor.next() != nil {
            guard sqlite3_column_int64(s, 8) == 1 else { return nil }
            rowid.append(sqlite3_column_int64(s, 0))
            let bits = text(1).flatMap(IDTable.bits)
            hi.append(bits?.0 ?? 0)
            lo.append(bits?.1 ?? 0)
            canonical.append(bits != nil)
            owner.append(text(2).map { owners.code($0).code } ?? -1)
            type.append(text(3).map { types.code($0).code } ?? -1)
            detail.append(keep(text(4)))
            let d = keep(text(5))
            if let p = due.last {
                dueAsBefore.append(p.end - p.start == d.end - d.start && bytes.withUnsafeBytes {
                    FollowUpQueue.compare(UnsafeRawBufferPointer(rebasing: $0[Int(p.start)..<Int(p.end)]),
                                          UnsafeRawBufferPointer(rebasing: $0[Int(d.start)..<Int(d.end)])) == 0
                })
            } else {
                dueAsBefore.append(false)
            }
            due.append(d)
            closing.append(keep(text(6)))
            id.append(keep(text(7)))
        }
        (self.rowid, self.hi, self.lo, self.canonical) = (rowid, hi, lo, canonical)
        (self.owner, self.owners, self.type, self.types) = (owner, owners, type, types)
        (self.dueAsBefore, self.due, self.closing, self.id, self.detail, self.bytes) = (dueAsBefore, due, closing, id, detail, bytes)
    }

    /// Whether rows a < b (in scan order) have the same due: every row between them has.
    func sameDue(_ a: Int, _ b: Int) -> Bool {
        for k in (a + 1)...b where !dueAsBefore[k] { return false }
        return true
    }

    /// Rows of one due date in the queue's order after the due: `f.closingAt DESC, e.name, f.id`.
    func sortTies(_ rows: inout [Int], entries: [Int32], names: TextView) {
        bytes.withUnsafeBytes { bytes in
            func slice(_ r: Span) -> UnsafeRawBufferPointer {
                UnsafeRawBufferPointer(rebasing: bytes[Int(r.start)..<Int(r.end)])
            }
            let nameBytes = UnsafeRawBufferPointer(names.bytes)
            func name(_ e: Int32) -> UnsafeRawBufferPointer {
                UnsafeRawBufferPointer(rebasing: nameBytes[Int(names.starts[Int(e)])..<Int(names.starts[Int(e) + 1])])
            }
            rows.sort { a, b in
                // closingAt DESC: NULL last.
                let ca = closing[a], cb = closing[b]
                if (ca.start < 0) != (cb.start < 0) { return cb.start < 0 }
                if ca.start >= 0 {
                    let c = FollowUpQueue.compare(slice(ca), slice(cb))
                    if c != 0 { return c > 0 }
                }
                let c = FollowUpQueue.compare(name(entries[a]), name(entries[b]))
                if c != 0 { return c < 0 }
                return FollowUpQueue.compare(slice(id[a]), slice(id[b])) < 0
            }
        }
    }

    /// SQLite's BINARY collation: bytes, then length.
    static func compare(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Int {
        let n = min(a.count, b.count)
        if n > 0 {
            let c = memcmp(a.baseAddress!, b.baseAddress!, n)
            if c != 0 { return c < 0 ? -1 : 1 }
        }
        return a.count == b.count ? 0 : a.count < b.count ? -1 : 1
    }
}

/// Elder ids to entries: an open-addressing table keyed by the 128 bits of the canonical id text
/// (36 bytes, upper-case hex, as `UUID.uuidString` writes), one probe for most look-ups. The
/// follow-up search looks up every open follow-up's elder, 41,000 a keystroke at county scale;
/// a dictionary of the id texts cost 60 % of the pass.
struct IDTable {
    private struct Slot {
        var hi: UInt64
        var lo: UInt64
        var entry: Int32
    }
    private var slots: [Slot]
    private let mask: Int
    /// Every entry's id is canonical and distinct: then an id text that is not canonical equals
    /// none of them, and a canonical one equals the entry with its bits.
    let isComplete: Bool

    init(_ ids: TextColumn) {
        let n = ids.starts.count - 1
        var capacity = 1024
        while capacity < 2 * n { capacity *= 2 }
        var slots = Array(repeating: Slot(hi: 0, lo: 0, entry: -1), count: capacity)
        let mask = capacity - 1
        var complete = true
        ids.bytes.withUnsafeBytes { bytes in
            for i in 0..<n {
                let text = UnsafeRawBufferPointer(rebasing: bytes[Int(ids.starts[i])..<Int(ids.starts[i + 1])])
                guard let (hi, lo) = IDTable.bits(text) else { complete = false; continue }
                var k = IDTable.slot(hi, lo) & mask
                while slots[k].entry >= 0 {
                    if slots[k].hi == hi && slots[k].lo == lo { complete = false }
                    k = (k + 1) & mask
                }
                slots[k] = Slot(hi: hi, lo: lo, entry: Int32(i))
            }
        }
        self.slots = slots
        self.mask = mask
        isComplete = complete
    }

    /// The entry whose id has the bits `hi`, `lo` (of `bits`).
    func entry(hi: UInt64, lo: UInt64) -> Int? {
        slots.withUnsafeBufferPointer { slots in
            var k = IDTable.slot(hi, lo) & mask
            while slots[k].entry >= 0 {
                if slots[k].hi == hi && slots[k].lo == lo { return Int(slots[k].entry) }
                k = (k + 1) & mask
            }
            return nil
        }
    }

    @inline(__always) private static func slot(_ hi: UInt64, _ lo: UInt64) -> Int {
        Int(truncatingIfNeeded: ((hi ^ lo) &* 0x9E37_79B9_7F4A_7C15) >> 20)
    }

    /// The 128 bits of a canonical (upper-case) id text; nil for any other text.
    static func bits(_ b: UnsafeRawBufferPointer) -> (UInt64, UInt64)? {
        StoreCoding.uuidBits(b, upperCaseOnly: true).map { ($0.high, $0.low) }
    }
}
