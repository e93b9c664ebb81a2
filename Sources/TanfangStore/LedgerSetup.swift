import Foundation
import GRDB
import TanfangCore

/// Setting up a real ledger: its places from statistical codes, its visitors and its logins.
extension Ledger {
    /// The `recordId` of the audit row a demo build writes.
    static let demoMarkerID = "00000000-0000-0000-0000-00000000DE40"

    /// Whether the ledger was made by `tanfang demo` (or has a demo merged into it).
    public func isDemo() throws -> Bool {
        try read { db in try Ledger.isDemo(db) }
    }

    static func isDemo(_ db: Database) throws -> Bool {
        try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM audit WHERE recordId = ? AND tableName = 'demo')",
                          arguments: [Ledger.demoMarkerID]) ?? false
    }

    /// Whether the ledger file at `path` was made by `tanfang demo`, read without opening it as
    /// the ledger (no migration); nil when it holds no ledger (a new or empty file) or cannot be read.
    public static func isDemoFile(path: String) -> Bool? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let queue = try? Ledger.readOnlyQueue(path) else { return nil }
        defer { try? queue.close() }
        return try? queue.read { db in try db.tableExists("audit") ? try Ledger.isDemo(db) : nil }
    }

    /// What `setupPlaces` did.
    public struct PlaceSetupOutcome: Equatable, Sendable {
        public var added: [Place] = []
        public var renamed: [(old: String, place: Place)] = []
        public var unchanged = 0
        /// Lines of province and prefecture rows, which are above what a ledger holds.
        public var skippedAbove: [Int] = []

        public static func == (a: Self, b: Self) -> Bool {
            a.added == b.added && a.unchanged == b.unchanged
                && a.renamed.map(\.old) == b.renamed.map(\.old) && a.renamed.map(\.place) == b.renamed.map(\.place)
                && a.skippedAbove == b.skippedAbove
        }
    }

    /// Adds places by code and name, parents before children, in one transaction: a place whose
    /// code the ledger has is renamed if the name differs. A code whose parent is neither on the
    /// ledger nor in `entries` is refused, and nothing is written.
    /// `entries`: (line, code text, name); an error's first argument is the row's line.
    /// Several rows of a places file refused at once (each a `LedgerError` whose first argument is its line).
    public struct PlaceSetupProblems: Error, Sendable {
        public var problems: [LedgerError]
    }

    public func setupPlaces(_ entries: [(line: Int, code: String, name: String)], by user: UUID?) throws -> PlaceSetupOutcome {
        var parsed: [(line: Int, code: PlaceCode, name: String)] = []
        var skipped: [Int] = []
        var lineOfCode: [String: Int] = [:]
        // Every row's problem, not only the first: a file mended one error per run took as many runs.
        var problems: [LedgerError] = []
        for e in entries {
            if PlaceCode.isAboveCounty(e.code) { skipped.append(e.line); continue }
            guard let code = PlaceCode(e.code) else {
                // 6.54021E+11: Excel read the code as a number.
                let key = e.code.uppercased().contains("E+") ? "store.error.placeCodeAsNumber" : "store.error.placeCode"
                problems.append(.invalidField(field: "code", messageKey: key, args: [String(e.line), e.code]))
                continue
            }
            if let first = lineOfCode[code.digits] {
                problems.append(.invalidField(field: "code", messageKey: "store.error.placeCodeTwice",
                                              args: [String(e.line), code.digits, String(first)]))
                continue
            }
            lineOfCode[code.digits] = e.line
            let name = e.name.trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty else {
                problems.append(.invalidField(field: "name", messageKey: "store.error.placeName", args: [String(e.line), e.code]))
                continue
            }
            parsed.append((e.line, code, name))
        }
        // Parents first, keeping the file's order among places of one level.
        parsed = parsed.enumerated().sorted { a, b in
            (a.element.code.level.depth, a.offset) < (b.element.code.level.depth, b.offset)
        }.map(\.element)
        return try write { db in
            let now = timestamp()
            var byCode: [String: PlaceRecord] = [:]
            for record in try PlaceRecord.fetchAll(db) { byCode[record.code] = byCode[record.code] ?? record }
            // A parent neither on the ledger nor in the file, said with the rest.
            let known = Set(byCode.keys).union(parsed.map(\.code.digits))
            for entry in parsed {
                if let parent = entry.code.parent, !known.contains(parent.digits) {
                    problems.append(.invalidField(field: "code", messageKey: "store.error.placeParentMissing",
                                                  args: [String(entry.line), entry.code.digits, parent.digits]))
                }
            }
            if problems.count == 1 { throw problems[0] }
            if !problems.isEmpty {
                throw PlaceSetupProblems(problems: problems.sorted { (Int($0.args.first ?? "") ?? 0) < (Int($1.args.first ?? "") ?? 0) })
            }
            var outcome = PlaceSetupOutcome()
            outcome.skippedAbove = skipped
            for entry in parsed {
                let code = entry.code.digits
                if let old = byCode[code] {
                    guard old.name != entry.name else { outcome.unchanged += 1; continue }
                    var record = old
                    record.name = entry.name
                    record.stamp(at: now, by: user, old: old)
                    try record.update(db)
                    let place = try record.place()
                    try audit(db, table: "place", id: place.id, action: .update, before: try old.place(), after: place,
                              by: user, at: now)
                    byCode[code] = record
                    outcome.renamed.append((old.name, place))
                    continue
                }
                var parentID: UUID?
                if let parent = entry.code.parent {
                    guard let parentRecord = byCode[parent.digits] else {
                        throw LedgerError.invalidField(field: "code", messageKey: "store.error.placeParentMissing",
                                                       args: [String(entry.line), code, parent.digits])
                    }
                    parentID = try parentRecord.place().id
                }
                let place = Place(id: entry.code.placeID, code: code, name: entry.name, level: entry.code.level,
                                  parentID: parentID)
                var record = PlaceRecord(place)
                record.stamp(at: now, by: user, old: nil)
                try record.insert(db)
                try audit(db, table: "place", id: place.id, action: .insert, before: Place?.none, after: place,
                          by: user, at: now)
                byCode[code] = record
                outcome.added.append(place)
            }
            return outcome
        }
    }

    /// Adds a login, or changes an existing one of that name (role, area, and the PIN when one
    /// is given). A grid worker sees the elders assigned to their visitor record: theirs, else
    /// one of their name in their area, else a new one; it follows them to their area and takes
    /// `phone` when given.
    @discardableResult
    public func setupUser(name: String, role: UserRole, areaID: UUID, pin: String?, phone: String?,
                          by actor: UUID?) throws -> User {
        let name = name.trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty else {
            throw LedgerError.invalidField(field: "name", messageKey: "store.error.required", args: [])
        }
        guard let area = try places().first(where: { $0.id == areaID }) else {
            throw LedgerError.notFound(table: "place", id: areaID)
        }
        let existing = try self.user(named: name)
        // Checked before the visitor is made, so that a refused PIN leaves nothing behind.
        if let pin, !Ledger.isAcceptablePIN(pin) {
            throw LedgerError.invalidField(field: "pin", messageKey: "store.error.pinTooShort",
                                           args: [String(Ledger.minimumPINLength)])
        }
        if existing == nil && pin == nil {
            throw LedgerError.invalidField(field: "pin", messageKey: "store.error.required", args: [])
        }
        // The last admin over an area stays one: without them nobody could set up that area again.
        if let existing, existing.role == .admin, role != .admin || areaID != existing.areaID {
            let all = try places()
            let others = try users().filter { $0.role == .admin && $0.id != existing.id }
            guard others.contains(where: { Ledger.place(existing.areaID, isWithin: $0.areaID, places: all) }) else {
                throw LedgerError.invalidField(field: "role", messageKey: "store.error.lastAdmin", args: [name])
            }
        }
        var user = existing ?? User(name: name, role: role, areaID: areaID, pinHash: "")
        user.role = role
        user.areaID = areaID
        if role == .gridWorker {
            let all = try visitors()
            if var visitor = all.first(where: { $0.id == user.visitorID })
                ?? all.first(where: { $0.name == name && $0.placeID == area.id }) {
                // A grid worker moved to another area takes their visitor record along; a phone
                // given now replaces the old one.
                let before = visitor
                visitor.placeID = area.id
                if let phone { visitor.phone = phone }
                if visitor != before { try saveVisitor(visitor, by: actor) }
                user.visitorID = visitor.id
            } else {
                let visitor = Visitor(name: name, role: .gridWorker, phone: phone, placeID: area.id)
                try saveVisitor(visitor, by: actor)
                user.visitorID = visitor.id
            }
        }
        return try saveUser(user, pin: pin, by: actor)
    }

    /// Whether place `id` is `area` or lies under it.
    public static func place(_ id: UUID, isWithin area: UUID, places: [Place]) -> Bool {
        let byID = Dictionary(places.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var current: UUID? = id
        var steps = 0
        while let p = current, steps <= places.count {
            if p == area { return true }
            current = byID[p]?.parentID
            steps += 1
        }
        return false
    }
}
