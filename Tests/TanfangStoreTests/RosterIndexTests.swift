import Foundation
import Testing
import TanfangCore
@testable import TanfangStore

@Suite("Roster index")
struct RosterIndexTests {
    static let today = LocalDate(year: 2026, month: 11, day: 23)!

    /// A demo ledger (with its planted faults: missing ID numbers, duplicates, odd phones).
    static func demo(elders: Int = 300) throws -> (Ledger, DemoData) {
        let data = DemoGenerator(seed: 11).generate(elders: elders, months: 4, today: today)
        let ledger = try Ledger.inMemory(rules: Fixture.rules)
        try ledger.importDemo(data, today: today)
        return (ledger, data)
    }

    /// Search texts of every kind, taken from the demo's own elders.
    static func searches(_ data: DemoData) -> [String] {
        var texts = ["", " ", "w", "wx", "wxy", "WXY", "王", "秀英", "1234", "0", "X", "x", "zzzz", "wang xiu",
                     "王 秀", "李", "zh", "138", "９９", "12345678901234567890"]
        for elder in data.elders.prefix(25) {
            let name = Array(elder.name)
            texts.append(String(name.prefix(1)))
            texts.append(String(name.suffix(2)))
            texts.append(Pinyin.initials(elder.name))
            texts.append(String(Pinyin.initials(elder.name).prefix(2)))
            texts.append(String(Pinyin.full(elder.name).replacingOccurrences(of: " ", with: "").prefix(5)))
            texts.append(Pinyin.full(elder.name))
            if let id = elder.idNumber {
                texts += [String(id.suffix(4)), String(id.suffix(6)), String(id.suffix(7)), id, String(id.suffix(1))]
            }
            if let phone = elder.phone {
                let digits = phone.filter(\.isNumber)
                texts += [String(digits.suffix(4)), String(digits.suffix(8))]
            }
        }
        // Names with a dot between their parts, searched without it (as an input method types them)
        for elder in data.elders.filter({ $0.name.contains("·") }).prefix(10) {
            let plain = elder.name.replacingOccurrences(of: "·", with: "")
            texts += [plain, String(plain.prefix(4)), String(plain.dropFirst(1).prefix(3))]
        }
        texts += ["·", "尔·", "尔·卡", "•"]
        return texts
    }

    @Test("The index answers exactly what the SQL query answers: totals, rows and their order")
    func equivalence() throws {
        let (ledger, data) = try Self.demo()
        // The index is built from this ledger (no value falls back to SQL)
        let built = try ledger.read { db in try RosterIndex.build(db, version: 0) }
        var index = try #require(built)
        #expect(index.count == data.elders.count)

        let places = try ledger.places()
        let villages = places.filter { $0.level == .village }
        let visitors = try ledger.visitors()
        var rng = SplitMix64(seed: 42)
        var queries: [RosterQuery] = []
        // Every sort both ways, over every status and over active elders only
        for sort in RosterSort.allCases {
            for descending in [false, true] {
                for status in [nil, ElderStatus.active] {
                    queries.append(RosterQuery(status: status, sort: sort, descending: descending, limit: 1000, today: Self.today))
                }
            }
        }
        // Every search text, with random sorts and pages
        for text in Self.searches(data) {
            queries.append(RosterQuery(status: nil, search: text, sort: RosterSort.allCases[rng.next(6)],
                                       descending: rng.next(2) == 1, limit: 40, offset: rng.next(3) * 7, today: Self.today))
        }
        // Random combinations of filters, search, sort and page
        let texts = Self.searches(data)
        for _ in 0..<200 {
            var q = RosterQuery(today: Self.today)
            if rng.next(4) == 0 {
                let some = Set(villages.filter { _ in rng.next(2) == 0 }.map(\.id))
                q.scope = AccessScope(villageIDs: some, visitorID: rng.next(3) == 0 ? visitors.randomElement(using: &rng)?.id : nil)
            } else if rng.next(6) == 0 {
                q.scope = AccessScope(visitorID: visitors.randomElement(using: &rng)?.id)
            }
            if rng.next(4) == 0 { q.villageID = villages.randomElement(using: &rng)?.id }
            if rng.next(3) == 0 { q.category = TanfangCore.Category.allCases.randomElement(using: &rng) }
            q.advancedAgeOnly = rng.next(4) == 0
            if rng.next(4) == 0 { q.risk = RiskLevel.allCases.randomElement(using: &rng) }
            if rng.next(3) == 0 { q.due = DueState.allCases.randomElement(using: &rng) }
            q.status = rng.next(3) == 0 ? nil : ElderStatus.allCases.randomElement(using: &rng)
            if rng.next(2) == 0 { q.status = .active }
            if rng.next(2) == 0 { q.search = texts.randomElement(using: &rng)! }
            q.sort = RosterSort.allCases.randomElement(using: &rng)!
            q.descending = rng.next(2) == 1
            q.limit = [0, 1, 5, 20, 50, 1000][rng.next(6)]
            q.offset = [0, 0, 3, 50][rng.next(4)]
            if rng.next(10) == 0 { q.today = Self.today.adding(days: rng.next(400) - 200) }
            // The screens' form: listing rows with the due counts
            if rng.next(2) == 0 { q.detail = .listing }
            q.countsDueStates = rng.next(2) == 0
            queries.append(q)
        }

        var nonEmpty = 0
        for q in queries {
            let expected = try ledger.rosterSQL(q)
            if expected.total > 0 { nonEmpty += 1 }
            // The index alone answers (it never falls back for these queries)
            let answer = index.select(q)
            let selected = try #require(answer, "index declined \(q)")
            let rows = try ledger.read { db in try RosterIndex.rows(db, ids: selected.ids) }
            #expect(selected.total == expected.total, "total of \(q)")
            #expect(rows.map(\.elder.id) == expected.rows.map(\.elder.id), "order of \(q)")
            // And the public call gives the same page, row for row
            #expect(try ledger.roster(q) == expected, "page of \(q)")
            if q.detail == .listing {
                // Listing rows are the full rows cut down to what a list line shows
                var full = q
                full.detail = .full
                #expect(expected.rows == (try ledger.rosterSQL(full)).rows.map(RosterRows.listing(of:)), "listing of \(q)")
            }
            if q.countsDueStates {
                // The counts are those of the same query filtered to each due state (as the screen
                // asked before, with two more queries)
                for state in [DueState.overdue, .dueSoon] {
                    var counting = q
                    counting.due = state
                    counting.limit = 0
                    counting.countsDueStates = false
                    let n = q.due == nil || q.due == state ? try ledger.rosterSQL(counting).total : 0
                    #expect((state == .overdue ? expected.overdue : expected.dueSoon) == n, "\(state) count of \(q)")
                }
            } else {
                #expect(expected.overdue == nil && expected.dueSoon == nil)
            }
        }
        // The queries were not all empty
        #expect(nonEmpty > queries.count / 2)
    }

    @Test("Typing a search key by key (each narrowing the last match) answers what SQL answers")
    func typedSearches() throws {
        let (ledger, data) = try Self.demo()
        let name = try #require(data.elders.first { $0.idNumber != nil })
        let id = try #require(name.idNumber)
        // Sequences as typed: each text extends the one before, then a deletion, then a new word
        let sequences: [[String]] = [
            ["w", "wx", "wxy", "wx", "w", ""],
            [String(name.name.prefix(1)), String(name.name.prefix(2)), name.name, name.name + "1"],
            Array(Pinyin.initials(name.name)).indices.map { String(Array(Pinyin.initials(name.name)).prefix($0 + 1)) },
            ["1", "12", "123", "1234"],
            (1...8).map { String(id.suffix($0)) },
            ["z", "zh", "zha", "zhan", "zhang"],
            ["X", "x", "xi", "王", "王x", "王xy"],
        ]
        // A dotted name typed without its dot, key by key
        let dotted = try #require(data.elders.first { $0.name.contains("·") })
        let plain = Array(dotted.name.replacingOccurrences(of: "·", with: ""))
        let typedWithoutDots = plain.indices.map { String(plain.prefix($0 + 1)) }
        #expect(try ledger.roster(RosterQuery(status: nil, search: String(plain), limit: 48, today: Self.today))
            .rows.contains { $0.elder.id == dotted.id })
        for status in [ElderStatus.active, nil] {
            for sequence in sequences + [typedWithoutDots] {
                for text in sequence {
                    let q = RosterQuery(status: status, search: text, limit: 48, today: Self.today,
                                        detail: .listing, countsDueStates: true)
                    #expect(try ledger.roster(q) == ledger.rosterSQL(q), "\(sequence) at \(text)")
                }
            }
        }
    }

    @Test("The warm-up installs the index with every sort order, each the order of the sort keys")
    func preparedOrders() throws {
        // Given a demo ledger
        let (ledger, _) = try Self.demo()
        // When the index is warmed up
        try ledger.read { db in try ledger.rosterCache.warm(db) }
        // Then it was built once and holds all twelve orders, each what sorting the entries' keys gives
        #expect(ledger.rosterCache.counts.builds == 1)
        let index = try #require(ledger.rosterCache.current)
        #expect(index.hasEveryOrder)
        for sort in RosterSort.allCases {
            for descending in [false, true] {
                #expect(index.orders[RosterIndex.OrderKey(sort: sort, descending: descending)]
                        == index.sortedByKeys(sort, descending: descending), "\(sort) \(descending)")
            }
        }
    }

    @Test("A search typed while the index warms up gets the same answer, and the index once built has every sort order")
    func searchDuringWarmUp() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tanfang-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        // Given a file ledger whose first screen was answered by SQL (which starts the warm-up)
        let ledger = try Ledger(path: dir.appendingPathComponent("ledger.sqlite").path, rules: Fixture.rules)
        try ledger.importDemo(DemoGenerator(seed: 7).generate(elders: 200, months: 2, today: Self.today), today: Self.today)
        let first = RosterQuery(limit: 48, today: Self.today, detail: .listing, countsDueStates: true)
        #expect(try ledger.roster(first) == ledger.rosterSQL(first))
        #expect(ledger.rosterCache.counts.builds == 0)
        // When a search comes at once
        let search = RosterQuery(search: "w", limit: 48, today: Self.today, detail: .listing, countsDueStates: true)
        let page = try ledger.roster(search)
        // Then it is answered from the warm-up's index, the only one built, which gets every sort order
        #expect(page == (try ledger.rosterSQL(search)))
        ledger.rosterCache.waitUntilIdle()
        #expect(ledger.rosterCache.counts.builds == 1)
        #expect(ledger.rosterCache.current?.hasEveryOrder == true)
    }

    @Test("Initials changed in place are found by their new letters (the refreshed letter bits)")
    func refreshedInitials() throws {
        // Given an index built for a search
        let (ledger, data) = try Self.demo(elders: 60)
        let elder = data.elders[0]
        let q = RosterQuery(status: nil, search: "qjz", limit: 100, today: Self.today)
        #expect(try ledger.roster(q) == ledger.rosterSQL(q))
        // When an elder's initials change and nothing else
        try ledger.write { db in
            try db.execute(sql: "UPDATE elder SET pinyinInitials = 'qjzx' WHERE id = ?", arguments: [elder.id.uuidString])
        }
        // Then the refreshed index finds the elder by them, as SQL does
        let page = try ledger.roster(q)
        #expect(page == (try ledger.rosterSQL(q)))
        #expect(page.rows.contains { $0.elder.id == elder.id })
        #expect(ledger.rosterCache.counts.refreshes == 1)
        for text in ["x", "jzx", "qjzx"] {
            let other = RosterQuery(status: nil, search: text, limit: 100, today: Self.today)
            #expect(try ledger.roster(other) == ledger.rosterSQL(other), "\(text)")
        }
    }

    @Test("Writes in this ledger show in the next roster call")
    func invalidatedByWrites() throws {
        let f = try Fixture()
        // Given a roster read once (the index is built)
        #expect(try f.ledger.roster(RosterQuery(today: f.today)).total == 0)
        // When an elder is added, renamed and moved out
        var elder = try f.ledger.saveElder(f.elder("王秀英", phone: "13900001234"), by: nil, today: f.today)
        #expect(try f.ledger.roster(RosterQuery(search: "wxy", today: f.today)).rows.map(\.elder.id) == [elder.id])
        elder.name = "李桂兰"
        elder = try f.ledger.saveElder(elder, by: nil, today: f.today)
        #expect(try f.ledger.roster(RosterQuery(search: "wxy", today: f.today)).total == 0)
        #expect(try f.ledger.roster(RosterQuery(search: "lgl", today: f.today)).rows.map(\.elder.name) == ["李桂兰"])
        _ = try f.ledger.changeStatus(elderID: elder.id, to: .movedAway, on: f.today, note: nil, by: nil, today: f.today)
        // Then each answer is the new one
        #expect(try f.ledger.roster(RosterQuery(today: f.today)).total == 0)
        #expect(try f.ledger.roster(RosterQuery(status: .movedAway, today: f.today)).total == 1)
        // And renaming the village re-sorts by village
        var village = f.village1
        village.name = "新村"
        try f.ledger.savePlace(village)
        #expect(try f.ledger.roster(RosterQuery(status: nil, sort: .village, today: f.today)).rows.map(\.villageName) == ["新村"])
    }

    @Test("Another process's write to the same file shows in the next roster call")
    func invalidatedByOtherConnection() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tanfang-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("ledger.sqlite").path
        let data = DemoGenerator(seed: 3).generate(elders: 30, months: 2, today: Self.today)
        let first = try Ledger(path: path, rules: Fixture.rules)
        try first.importDemo(data, today: Self.today)
        let before = try first.roster(RosterQuery(status: nil, today: Self.today)).total
        // When a second ledger on the file adds an elder
        let second = try Ledger(path: path, rules: Fixture.rules)
        let village = try #require(try second.places().first { $0.level == .village })
        let added = try second.saveElder(
            Elder(name: "欧阳秀英", villageID: village.id,
                  statusHistory: [StatusChange(date: Self.today, status: .active)]), by: nil, today: Self.today)
        // Then the first ledger's roster has it
        #expect(try first.roster(RosterQuery(status: nil, today: Self.today)).total == before + 1)
        #expect(try first.roster(RosterQuery(search: "oyxy", today: Self.today)).rows.map(\.elder.id) == [added.id])
    }

    @Test("A name with another common reading is found by it, in a new row and after the migration of an old one")
    func otherReadings() throws {
        let (ledger, data) = try Self.demo(elders: 40)
        let village = try #require(data.places.first { $0.level == .village })
        let wan = try ledger.saveElder(Elder(name: "万长林", villageID: village.id, statusHistory: []), by: nil, today: Self.today)
        func found(_ text: String) throws -> Bool {
            let q = RosterQuery(status: nil, search: text, limit: 48, today: Self.today)
            let page = try ledger.roster(q)
            #expect(page == (try ledger.rosterSQL(q)), "\(text)")
            return page.rows.contains { $0.elder.id == wan.id }
        }
        #expect(try found("wcl") && found("wzl") && found("wanchang") && found("wanzhanglin"))
        // A row spelled by the version before (one reading) is spelled again by migration v8
        try ledger.write { db in
            try db.execute(sql: "UPDATE elder SET pinyinInitials = 'wzl', pinyinFull = 'wan zhang lin' WHERE id = ?",
                           arguments: [wan.id.uuidString])
        }
        #expect(try !found("wcl"))
        try ledger.write { db in try LedgerMigrations.respellNames(db) }
        #expect(try found("wcl"))
    }

    @Test("The migration upgrades a ledger that has only v1")
    func upgradesV1() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tanfang-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("ledger.sqlite").path
        // Given a v1 ledger with elders
        let data = DemoGenerator(seed: 5).generate(elders: 40, months: 2, today: Self.today)
        let v1 = try Ledger(path: path, rules: Fixture.rules)
        try v1.importDemo(data, today: Self.today)
        try v1.write { db in
            try db.execute(sql: """
                DROP TRIGGER elder_roster_insert; DROP TRIGGER elder_roster_delete; DROP TRIGGER elder_roster_update;
                DROP TRIGGER place_roster_insert; DROP TRIGGER place_roster_delete; DROP TRIGGER place_roster_update;
                DROP INDEX elder_roster; DROP INDEX elder_roster_due; DROP TABLE rosterVersion;
                DELETE FROM grdb_migrations WHERE identifier = 'v2-roster';
                """)
        }
        // When it is opened again
        let upgraded = try Ledger(path: path, rules: Fixture.rules)
        // Then the roster index answers as SQL does
        for sort in RosterSort.allCases {
            let q = RosterQuery(status: nil, sort: sort, limit: 1000, today: Self.today)
            #expect(try upgraded.roster(q) == upgraded.rosterSQL(q))
        }
        #expect(try upgraded.roster(RosterQuery(status: nil, today: Self.today)).total == 40)
    }
}

