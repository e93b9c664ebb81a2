import Foundation
import Testing
import TanfangCore
@testable import TanfangStore

/// The follow-up screen reads the queue a window at a time, searched in SQL: the windows put
/// together are the whole queue, the counts are the whole queue's, and the search lets through
/// exactly the rows the screen's old in-memory search did.
@Suite("Follow-up queue in windows, searched in SQL")
struct FollowUpPageTests {
    static let today = SupervisionEquivalenceTests.today

    /// The screen's search before it moved to SQL: a part of the name, village, detail or owner;
    /// ASCII letters also match the name's pinyin initials or syllables run together.
    static func matches(_ text: String, _ row: FollowUpRow) -> Bool {
        let needle = text.trimmingCharacters(in: .whitespaces).lowercased()
        guard !needle.isEmpty else { return true }
        let texts = [row.elderName, row.villageName, row.followUp.detail, row.ownerName ?? ""]
        if texts.contains(where: { $0.lowercased().contains(needle) }) { return true }
        guard needle.allSatisfy({ $0.isASCII && $0.isLetter }) else { return false }
        return Pinyin.initials(row.elderName).contains(needle)
            || Pinyin.syllables(row.elderName).joined().contains(needle)
    }

    /// Searches drawn from the ledger itself: a surname, initials, a syllable run, a village, a word
    /// of a detail, upper-case pinyin, and one that matches nothing.
    static func searches(_ rows: [FollowUpRow]) throws -> [String] {
        let first = try #require(rows.first)
        let name = first.elderName
        let syllables = Pinyin.syllables(name)
        return [String(name.prefix(1)), Pinyin.initials(name), syllables.prefix(2).joined(), "W",
                String(first.villageName.suffix(2)), String(first.followUp.detail.prefix(2)), " \(name) ", "无此人zz"]
    }

    @Test(arguments: [(UInt64(4), 300, 14), (19, 180, 30)])
    func windowsAndSearch(seed: UInt64, elders: Int, months: Int) throws {
        // Given demo ledgers
        let (ledger, _) = try SupervisionEquivalenceTests.demoLedger(seed: seed, elders: elders, months: months)
        let now = LocalDateTime(date: Self.today, hour: 12, minute: 0)!
        var queries: [FollowUpQuery] = []
        for q in try ReportAndQueueTests.queries(ledger) {
            for text in try Self.searches(try ledger.followUpsReference(FollowUpQuery(includeClosed: true), now: now)) + [""] {
                var searched = q
                searched.search = text
                queries.append(searched)
            }
        }
        var matched = 0
        for q in queries {
            var plain = q
            plain.search = ""
            // Then the SQL search keeps the rows the in-memory search kept, in the queue's order
            let expected = try ledger.followUpsReference(plain, now: now).filter { Self.matches(q.search, $0) }
            let whole = try ledger.followUps(q, now: now)
            #expect(whole == expected, "search \(q.search) in \(q)")
            matched += whole.count
            // And windows of 7 put together are the whole queue; the first carries its counts
            var windowed = q
            windowed.limit = 7
            let first = try ledger.followUpPage(windowed, now: now)
            #expect(first.total == expected.count)
            #expect(first.overdue == expected.count(where: { $0.followUp.isOverdue(now: now) }))
            var rows = first.rows
            while rows.count < expected.count {
                let next = try ledger.followUpPage(windowed.from(rows.count), now: now)
                #expect(next.total == nil && next.query.offset == rows.count)
                if next.rows.isEmpty { break }
                rows += next.rows
            }
            #expect(rows == expected, "windows of \(q)")
        }
        // (The searches found something: the test is not vacuous.)
        #expect(matched > 0)
    }

    @Test("Migration v4-followup-search upgrades a ledger written before it")
    func upgrades() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tanfang-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("ledger.sqlite").path
        // Given a ledger without the queue's index
        let data = DemoGenerator(seed: 8).generate(elders: 60, months: 3, today: Self.today)
        try Ledger(path: path, rules: Fixture.rules).importDemo(data, today: Self.today)
        try Ledger(path: path, rules: Fixture.rules).write { db in
            try db.execute(sql: """
                DROP INDEX followUp_open_queue;
                DELETE FROM grdb_migrations WHERE identifier = 'v4-followup-search';
                """)
        }
        // When it is opened again / Then the index is back and the queue reads through it
        var told: [[String]] = []
        let upgraded = try Ledger(path: path, rules: Fixture.rules, onUpgrade: { told.append($0) })
        #expect(told == [["v4-followup-search"]])
        let indexes = try upgraded.read { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index'")
        }
        #expect(indexes.contains("followUp_open_queue"))
        let now = LocalDateTime(date: Self.today, hour: 12, minute: 0)!
        let all = try upgraded.followUpsReference(FollowUpQuery(), now: now)
        #expect(!all.isEmpty)
        #expect(try upgraded.followUpPage(FollowUpQuery(limit: 5), now: now).rows == Array(all.prefix(5)))
        let name = try #require(all.last?.elderName)
        #expect(try upgraded.followUpPage(FollowUpQuery(search: name, limit: 5), now: now).rows
                == Array(all.filter { Self.matches(name, $0) }.prefix(5)))
    }
}
