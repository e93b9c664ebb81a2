import Foundation
import GRDB
import TanfangCore

/// Keeping the roster index up to date without a rebuild (~0.35 s at county scale): the
/// triggers of migration "v3-roster-log" record in `rosterLog` which elder each roster-column
/// update touched, and in `rosterVersion.resetAt` the last version that added or removed an
/// elder or changed a place (the index must then be rebuilt). A saved visit (new due date, risk,
/// last visit) or an edited elder then costs re-reading that elder's roster columns.
extension RosterIndex {
    /// At most this many changed elders are applied one by one; beyond that a rebuild is cheaper.
    static let refreshLimit = 2_000
    /// Cached sort orders are patched in place for up to this many changed elders, else dropped
    /// (and sorted again when asked for).
    static let orderPatchLimit = 64

    /// Brings the index to `target` from the changes logged since its version. False when it
    /// cannot (an elder added or removed, a place changed, the log pruned, a changed name or a
    /// value the index cannot hold…): the index is then unchanged and the caller rebuilds it.
    mutating func refresh(_ db: Database, to target: Int64) throws -> Bool {
        guard target > version else { return target == version }
        guard target - version <= Int64(RosterIndex.refreshLimit),
              let resetAt = try Int64.fetchOne(db, sql: "SELECT resetAt FROM rosterVersion WHERE id = 1"),
              resetAt <= version else { return false }
        let logged = try Row.fetchAll(db.cachedStatement(sql: """
            SELECT elderId FROM rosterLog WHERE version > ? AND version <= ?
            """), arguments: [version, target])
        // One row per version in between: none pruned, none from another kind of change.
        guard logged.count == Int(target - version) else { return false }
        var ids: [String] = []
        var seen = Set<String>()
        for row in logged {
            guard let id: String = row[0] else { return false }
            if seen.insert(id).inserted { ids.append(id) }
        }
        let entries = entryIndexes(of: ids)
        guard entries.count == ids.count else { return false }

        // Read and check everything before changing anything.
        var changes: [(entry: Int, values: Values)] = []
        for (id, entry) in zip(ids, entries) {
            guard let row = try Row.fetchOne(db.cachedStatement(sql: """
                    SELECT name, pinyinFull, pinyinInitials, status, villageId, visitorId, categoryMask, birthDate,
                           riskLevel, riskScore, dueDate, lastVisitAt, idTail, phoneDigits, idNumber,
                           typeof(categoryMask) = 'integer' AND typeof(riskScore) = 'integer'
                           AND typeof(birthDate) IN ('text', 'null') AND typeof(dueDate) IN ('text', 'null')
                           AND typeof(lastVisitAt) IN ('text', 'null')
                    FROM elder WHERE id = ?
                    """), arguments: [id]),
                  let values = Values(row),
                  // The entry keeps its place in tie order only if its name and pinyin are the same.
                  text(name, entry) == values.name, fullPinyinHash[entry] == RosterIndex.hash(values.pinyinFull),
                  let village = villageCodes.existingCode(values.villageID) else { return false }
            changes.append((entry, values.with(village: village)))
        }

        for (entry, v) in changes {
            status[entry] = RosterIndex.code(v.status, in: &statusCodes)
            village[entry] = v.village
            var visitorCode: Int32 = -1
            if var id = v.visitorID {
                visitorCode = id.withUTF8 { visitorCodes.code(UnsafeRawBufferPointer($0)).code }
            }
            visitor[entry] = visitorCode
            categoryMask[entry] = v.categoryMask
            birthDate[entry] = v.birthDate
            riskLevel[entry] = RosterIndex.code(v.riskLevel, in: &riskLevelCodes)
            riskRank[entry] = v.riskLevel == Key16("high")! ? 2 : v.riskLevel == Key16("medium")! ? 1 : 0
            riskScore[entry] = v.riskScore
            dueDate[entry] = v.dueDate
            lastVisitAt[entry] = v.lastVisitAt
            initials.replace(entry, with: v.initials)
            letters[entry] = letters[entry] & 0xFFFF_FFFF | Search.letterBits(v.initials) << 32
            idTail.replace(entry, with: v.idTail)
            phoneDigits.replace(entry, with: v.phoneDigits)
            idNumber.replace(entry, with: v.idNumber)
        }
        patchOrders(Set(changes.map(\.entry)))
        lastMatch = nil
        version = target
        return true
    }

    /// The entries of `wanted` (fewer when some is not in the index), in the same order.
    private func entryIndexes(of wanted: [String]) -> [Int] {
        // Compare the first 8 bytes of each entry's id, then the whole id.
        var byPrefix: [UInt64: [Int]] = [:]
        var targets: [[UInt8]] = []
        for (k, id) in wanted.enumerated() {
            let bytes = Array(id.utf8)
            guard bytes.count >= 8 else { return [] }
            byPrefix[bytes.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }, default: []].append(k)
            targets.append(bytes)
        }
        let single = wanted.count == 1 ? byPrefix.keys.first : nil
        var found = [Int?](repeating: nil, count: wanted.count)
        var remaining = wanted.count
        let starts = ids.starts
        ids.bytes.withUnsafeBytes { bytes in
            for i in 0..<count where remaining > 0 {
                let start = Int(starts[i]), end = Int(starts[i + 1])
                guard end - start >= 8 else { continue }
                let prefix = bytes.loadUnaligned(fromByteOffset: start, as: UInt64.self)
                if let single, prefix != single { continue }
                guard let candidates = byPrefix[prefix] else { continue }
                for k in candidates where found[k] == nil && targets[k].count == end - start
                    && memcmp(bytes.baseAddress! + start, targets[k], end - start) == 0 {
                    found[k] = i
                    remaining -= 1
                }
            }
        }
        return found.compactMap { $0 }
    }

    private func text(_ column: TextColumn, _ i: Int) -> [UInt8] {
        Array(column.bytes[Int(column.starts[i])..<Int(column.starts[i + 1])])
    }

    /// Moves the changed entries to their new places in the cached sort orders.
    private mutating func patchOrders(_ changed: Set<Int>) {
        guard changed.count <= RosterIndex.orderPatchLimit else {
            orders = [:]
            return
        }
        // Every order is patched (twelve with the prepared ones): removing by a flag per entry
        // keeps that to one quick pass each.
        var isChanged = [Bool](repeating: false, count: count)
        for entry in changed { isChanged[entry] = true }
        for key in Array(orders.keys) {
            var order = orders.removeValue(forKey: key)!
            order.removeAll { isChanged[Int($0)] }
            for entry in changed {
                let k = sortKey(entry, key.sort, descending: key.descending)
                var low = 0, high = order.count
                while low < high {
                    let mid = (low + high) / 2
                    if sortKey(Int(order[mid]), key.sort, descending: key.descending) < k { low = mid + 1 } else { high = mid }
                }
                order.insert(Int32(entry), at: low)
            }
            orders[key] = order
        }
    }

    /// FNV-1a of the text: the index keeps pinyinFull only without spaces, and a change of
    /// spaces alone would still move the entry in tie order.
    static func hash(_ bytes: some Sequence<UInt8>) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return h
    }

    /// One elder's roster columns as the index holds them; nil when some value has no exact
    /// in-memory form (as `build` declines).
    struct Values {
        var name: [UInt8]
        var pinyinFull: [UInt8]
        var initials: [UInt8]
        var status: Key16
        var villageID: String
        var village: Int32 = -1
        var visitorID: String?
        var categoryMask: Int64
        var birthDate: Key16?
        var riskLevel: Key16
        var riskScore: Int64
        var dueDate: Key16?
        var lastVisitAt: Key16?
        var idTail: [UInt8]?
        var phoneDigits: [UInt8]?
        var idNumber: [UInt8]?

        init?(_ row: Row) {
            func bytes(_ i: Int) -> [UInt8]? {
                let value: String? = row[i]
                return value.map { Array($0.utf8) }
            }
            func key(_ i: Int) -> Key16?? {
                guard let text: String = row[i] else { return .some(nil) }
                return Key16(text).map { .some($0) }
            }
            guard (row[15] as Int64?) == 1,
                  let status = Key16((row[3] as String?) ?? ""), let risk = Key16((row[8] as String?) ?? ""),
                  let birth = key(7), let due = key(10), let lastVisit = key(11) else { return nil }
            name = bytes(0) ?? []
            pinyinFull = bytes(1) ?? []
            initials = bytes(2) ?? []
            self.status = status
            villageID = row[4] ?? ""
            visitorID = row[5]
            categoryMask = row[6] ?? 0
            birthDate = birth
            riskLevel = risk
            riskScore = row[9] ?? 0
            dueDate = due
            lastVisitAt = lastVisit
            idTail = bytes(12)
            phoneDigits = bytes(13)
            idNumber = bytes(14)
        }

        func with(village: Int32) -> Values {
            var v = self
            v.village = village
            return v
        }
    }
}

extension TextColumn {
    /// Replaces entry i's text (nil: NULL), moving the later entries when its length changes.
    mutating func replace(_ i: Int, with text: [UInt8]?) {
        let start = Int(starts[i]), end = Int(starts[i + 1])
        let new = text ?? []
        isNull[i] = text == nil
        if new.count == end - start {
            if !new.isEmpty { bytes.replaceSubrange(start..<end, with: new) }
            return
        }
        bytes.replaceSubrange(start..<end, with: new)
        let delta = Int32(new.count - (end - start))
        for k in (i + 1)..<starts.count { starts[k] += delta }
    }
}
