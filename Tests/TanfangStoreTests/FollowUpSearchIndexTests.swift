import Foundation
import GRDB
import Testing
import TanfangCore
@testable import TanfangStore

/// The open queue's `/` search on the roster index and the kept queue (FollowUpSearchIndex.swift)
/// answers what the SQL search answers: the same windows, totals and overdue counts, in every
/// scope and filter, and again after the ledger changes.
@Suite("Follow-up search on the roster index")
struct FollowUpSearchIndexTests {
    static let today = SupervisionEquivalenceTests.today

    /// Open-queue queries (the ones the index answers) in every scope and filter, and two the
    /// SQL keeps (closed rows, one elder).
    static func queries(_ ledger: Ledger) throws -> [FollowUpQuery] {
        var queries: [FollowUpQuery] = []
        for scope in try SupervisionEquivalenceTests.scopes(ledger) {
            queries.append(FollowUpQuery(scope: scope))
        }
        queries += FollowUpType.allCases.map { FollowUpQuery(type: $0) }
        for owner in try ledger.visitors().prefix(2) { queries.append(FollowUpQuery(ownerID: owner.id)) }
        for village in try ledger.places().filter({ $0.level == .village }).prefix(2) {
            queries.append(FollowUpQuery(villageID: village.id))
        }
        queries.append(FollowUpQuery(includeClosed: true))
        if let elder = try ledger.followUpsReference(FollowUpQuery(), now: now).first?.followUp.elderID {
            queries.append(FollowUpQuery(elderID: elder))
        }
        return queries
    }

    static let now = LocalDateTime(date: today, hour: 12, minute: 0)!

    /// Searches drawn from the queue: FollowUpPageTests' ones, an owner's name, letters of mixed case.
    static func searches(_ ledger: Ledger) throws -> [String] {
        let rows = try ledger.followUpsReference(FollowUpQuery(), now: now)
        var texts = try FollowUpPageTests.searches(rows)
        if let owner = rows.compactMap(\.ownerName).first { texts.append(owner) }
        texts += ["w", "WX", "zh", "a", " ", "复查"]
        // Names with a dot, searched without it (努尔卡 → 努尔·卡德尔)
        for name in Set(rows.map(\.elderName)).filter({ $0.contains("·") }).sorted().prefix(5) {
            let plain = name.replacingOccurrences(of: "·", with: "")
            texts += [plain, String(plain.prefix(3))]
        }
        return texts
    }

    /// Every window of 7 and the whole queue, on the index and in SQL.
    static func expectSame(_ ledger: Ledger, _ q: FollowUpQuery, sourceLocation: SourceLocation = #_sourceLocation) throws {
        var windowed = q
        windowed.limit = 7
        var offset = 0
        while true {
            let fast = try ledger.followUpPage(windowed.from(offset), now: now, onIndex: true)
            let sql = try ledger.followUpPage(windowed.from(offset), now: now, onIndex: false)
            #expect(fast == sql, "window \(offset) of \(q)", sourceLocation: sourceLocation)
            if sql.rows.isEmpty || offset > 70 { break }
            offset += sql.rows.count
        }
        var whole = q
        whole.limit = nil
        let sqlWhole = try ledger.followUpPage(whole, now: now, onIndex: false)
        #expect(try ledger.followUps(q, now: now) == sqlWhole.rows, "whole \(q)", sourceLocation: sourceLocation)
    }

    @Test(arguments: [(UInt64(4), 300, 14), (19, 180, 30)])
    func indexAnswersAsSQL(seed: UInt64, elders: Int, months: Int) throws {
        // Given demo ledgers
        let (ledger, _) = try SupervisionEquivalenceTests.demoLedger(seed: seed, elders: elders, months: months)
        var searched = 0
        for q in try Self.queries(ledger) {
            for text in try Self.searches(ledger) {
                var s = q
                s.search = text
                // Then the index's pages equal the SQL's
                try Self.expectSame(ledger, s)
                searched += try ledger.followUpPage(s, now: Self.now, onIndex: false).total ?? 0
            }
        }
        // And the index answered (it is built), and found something
        #expect(ledger.rosterCache.current?.idTable?.isComplete == true)
        #expect(searched > 0)
    }

    @Test("The kept queue sees changes: a closed, an edited and a new follow-up, and a renamed elder")
    func changesAreSeen() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tanfang-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("ledger.sqlite").path
        // Given a ledger file (a pool: reads and writes on different connections), searched once
        let data = DemoGenerator(seed: 7).generate(elders: 120, months: 12, today: Self.today)
        try Ledger(path: path, rules: Fixture.rules).importDemo(data, today: Self.today)
        let ledger = try Ledger(path: path, rules: Fixture.rules)
        let open = try ledger.followUpsReference(FollowUpQuery(), now: Self.now)
        let first = try #require(open.first)
        let second = try #require(open.dropFirst().first)
        let search = "独特的字样"
        try Self.expectSame(ledger, FollowUpQuery(search: search))
        try Self.expectSame(ledger, FollowUpQuery(search: first.elderName))
        let reads = ledger.followUpQueueCache.reads
        try Self.expectSame(ledger, FollowUpQuery(search: first.elderName))
        #expect(ledger.followUpQueueCache.reads == reads, "an unchanged ledger is not read again")

        // When a follow-up's detail is edited / Then the search finds it by the new text
        var edited = second.followUp
        edited.detail = "回访：" + search
        try ledger.updateFollowUp(edited, by: nil, today: Self.today)
        #expect(try ledger.followUpPage(FollowUpQuery(search: search, limit: 5), now: Self.now).rows.map(\.followUp.id)
                == [edited.id])
        try Self.expectSame(ledger, FollowUpQuery(search: search))

        // When one is closed / Then it leaves the searched queue
        try ledger.closeFollowUp(id: first.followUp.id, closing: ClosingRecord(action: "已处理", at: Self.now, by: "测试"),
                                 by: nil, today: Self.today)
        try Self.expectSame(ledger, FollowUpQuery(search: first.elderName))
        #expect(try !ledger.followUps(FollowUpQuery(search: first.elderName), now: Self.now)
                    .contains { $0.followUp.id == first.followUp.id })

        // When one is added by hand / Then it is found
        var added = edited
        added.id = UUID()
        added.detail = "新加的 " + search
        added.due = LocalDateTime(date: Self.today.adding(days: 3), hour: 9, minute: 0)!
        try ledger.updateFollowUp(added, by: nil, today: Self.today)
        try Self.expectSame(ledger, FollowUpQuery(search: search))
        #expect(try ledger.followUps(FollowUpQuery(search: search), now: Self.now).map(\.followUp.id).sorted {
            $0.uuidString < $1.uuidString } == [edited.id, added.id].sorted { $0.uuidString < $1.uuidString })

        // When an elder is renamed (the roster index is rebuilt) / Then the new name finds the elder's queue
        try ledger.write { db in
            try db.execute(sql: "UPDATE elder SET name = ? WHERE id = ?",
                           arguments: ["新名字甲乙", second.followUp.elderID.uuidString])
        }
        try Self.expectSame(ledger, FollowUpQuery(search: "新名字甲乙"))
        #expect(try !ledger.followUps(FollowUpQuery(search: "新名字甲乙"), now: Self.now).isEmpty)
        #expect(ledger.followUpQueueCache.reads > reads)
    }

    @Test("The queue shown without a search has the search's copy read before the first key")
    func warms() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tanfang-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("ledger.sqlite").path
        let data = DemoGenerator(seed: 9).generate(elders: 80, months: 6, today: Self.today)
        try Ledger(path: path, rules: Fixture.rules).importDemo(data, today: Self.today)
        let ledger = try Ledger(path: path, rules: Fixture.rules)
        // When the screen shows the queue
        #expect(ledger.followUpQueueCache.reads == 0)
        _ = try ledger.followUpPage(FollowUpQuery(limit: 10), now: Self.now)
        // Then the queue is read off the caller's thread
        let deadline = Date(timeIntervalSinceNow: 10)
        // (until the warm-up has let its connection go: a read meanwhile would take another one)
        while (ledger.followUpQueueCache.reads == 0 || ledger.followUpQueueCache.isWarming) && Date() < deadline {
            usleep(10_000)
        }
        #expect(ledger.followUpQueueCache.reads == 1)
        // And a search uses that copy, answering as the SQL does
        let name = try #require(try ledger.followUpsReference(FollowUpQuery(), now: Self.now).first?.elderName)
        let page = try ledger.followUpPage(FollowUpQuery(search: name, limit: 10), now: Self.now)
        #expect(page == (try ledger.followUpPage(FollowUpQuery(search: name, limit: 10), now: Self.now, onIndex: false)))
        #expect(!page.rows.isEmpty)
        #expect(ledger.followUpQueueCache.reads == 1)
    }

    @Test("A ledger the roster index cannot hold is searched in SQL, without a build per key")
    func fallsBackToSQL() throws {
        // Given a ledger with a value the index declines (a category mask stored as text)
        let (ledger, _) = try SupervisionEquivalenceTests.demoLedger(seed: 5, elders: 60, months: 6)
        try ledger.write { db in
            try db.execute(sql: "UPDATE elder SET categoryMask = 'x' WHERE rowid = (SELECT min(rowid) FROM elder)")
        }
        let name = try #require(try ledger.followUpsReference(FollowUpQuery(), now: Self.now).first?.elderName)
        // When it is searched key after key / Then the answers are the SQL's, and the index is tried once
        try Self.expectSame(ledger, FollowUpQuery(search: name))
        #expect(ledger.rosterCache.current == nil)
        let builds = ledger.rosterCache.counts.builds
        try Self.expectSame(ledger, FollowUpQuery(search: "w"))
        try Self.expectSame(ledger, FollowUpQuery(search: "wx"))
        #expect(ledger.rosterCache.counts.builds == builds)
    }

    @Test("The name and detail comparison is SQLite's instr(lower(text), needle) > 0")
    func containsAsSQLite() throws {
        let ledger = try Ledger.inMemory(rules: Fixture.rules)
        let texts = ["王小明", "Wang Xiaoming", "WANG", "wAnG", "ÄBC äbc", "复查血压", "", "abc\u{0}def", "İstanbul", "x"]
        let needles = ["王", "wang", "w", "ang x", "äb", "ä", "复查", "bc", "c\u{0}d", "i̇s", "xiaoming", "x", "血压 "]
        for text in texts {
            for raw in needles {
                guard let needle = FollowUpNeedle(raw) else { continue }
                let sql = try ledger.read { db in
                    try Bool.fetchOne(db, sql: "SELECT instr(lower(?), ?) > 0", arguments: [text, needle.text])
                }
                var t = text
                let fast = t.withUTF8 { hay in
                    needle.bytes.withUnsafeBufferPointer {
                        FollowUpNeedle.contains(UnsafeRawBufferPointer(hay), $0, caseless: needle.caseless)
                    }
                }
                #expect(fast == sql, "\(text) ∋ \(needle.text)")
            }
        }
        // A search with a NUL is left to SQL.
        #expect(FollowUpNeedle("c\u{0}d") == nil)
    }
}
