import Foundation
import Testing
import GRDB
import TanfangCore
@testable import TanfangStore

@Suite("Demo import")
struct DemoImportTests {
    static let today = LocalDate(year: 2026, month: 11, day: 23)!

    @Test("The demo imports whole: follow-ups replayed, closures applied, summaries as a full recompute gives")
    func importDemo() throws {
        // Given the default demo (300 elders, 12 months)
        let data = DemoGenerator(seed: 7).generate(today: Self.today)
        let ledger = try Ledger.inMemory(rules: Fixture.rules)
        // When it is imported
        try ledger.importDemo(data, today: Self.today)

        // Then every elder and visit is there
        let roster = try ledger.roster(RosterQuery(status: nil, limit: 10_000, today: Self.today))
        #expect(roster.total == data.elders.count)
        let visitCount = roster.rows.reduce(0) { $0 + $1.summary.visitCount }
        #expect(visitCount == data.visits.count)
        // And the closures closed follow-ups, leaving some open (the planted overdue ones)
        let all = try ledger.followUps(FollowUpQuery(includeClosed: true), now: LocalDateTime(date: Self.today, hour: 12, minute: 0)!)
        let closed = all.filter { !$0.followUp.status.isOpen }
        // (closures of a referral that joined the elder's open one went with it)
        let kept = Set(all.compactMap { r in r.followUp.visitID.map { "\($0) \(r.followUp.type)" } })
        #expect(closed.count == data.closures.filter { kept.contains("\($0.visitID) \($0.type)") }.count)
        #expect(closed.count > data.closures.count * 9 / 10)
        // And, as the screens keep it, no elder has two open referrals (or benefit applications, notices)
        let onePerElder: Set<FollowUpType> = [.referral, .benefitApplication, .notifySupporters]
        let open = all.filter { $0.followUp.status.isOpen && onePerElder.contains($0.followUp.type) }
        #expect(Set(open.map { "\($0.followUp.elderID) \($0.followUp.type)" }).count == open.count)
        #expect(closed.allSatisfy { $0.followUp.closing != nil })
        #expect(all.count > closed.count)
        // And what an elder who died left open was cancelled that day, as recording the death does
        let deaths = Dictionary(uniqueKeysWithValues: data.elders.compactMap { e in
            e.statusHistory.last.flatMap { $0.status == .deceased ? (e.id, $0.date) : nil }
        })
        #expect(!deaths.isEmpty)
        #expect(all.allSatisfy { r in
            deaths[r.followUp.elderID].map { !(r.followUp.status.isOpen && r.followUp.openedAt.date <= $0) } ?? true
        })
        #expect(all.contains { deaths[$0.followUp.elderID] != nil && $0.followUp.closing?.action == Ledger.deathCancelAction })

        // And the summaries computed once at the end equal a per-elder recompute
        let before = Dictionary(uniqueKeysWithValues: roster.rows.map { ($0.elder.id, $0.summary) })
        try ledger.refreshSummaries(today: Self.today)
        let after = try ledger.roster(RosterQuery(status: nil, limit: 10_000, today: Self.today)).rows
        for row in after { #expect(row.summary == before[row.elder.id], "summary of \(row.elder.name)") }

        // And the demo log-ins work with their PINs
        let admin = try #require(data.users.first { $0.user.role == .admin })
        #expect(try ledger.verifyPIN(userName: admin.user.name, pin: admin.pin)?.id == admin.user.id)

        // And the planted faults are stored as generated, for the red-flag list to find
        let flags = try ledger.redFlags(today: Self.today, now: LocalDateTime(date: Self.today, hour: 12, minute: 0)!)
        let kinds = Set(flags.map(\.kind))
        #expect(kinds.contains(.invalidIDNumber))
        #expect(kinds.contains(.missingIDNumber))
        #expect(kinds.contains(.followUpOverdue))
    }

    @Test("A closure that matches no follow-up is refused and nothing is written")
    func unmatchedClosure() throws {
        var data = DemoGenerator(seed: 7).generate(elders: 20, months: 2, today: Self.today)
        data.closures.append(DemoClosure(visitID: UUID(), type: .referral,
                                         closedAt: LocalDateTime(date: Self.today, hour: 9, minute: 0)!,
                                         action: "已转介", by: "张伟", cancelled: false))
        let ledger = try Ledger.inMemory(rules: Fixture.rules)
        #expect {
            try ledger.importDemo(data, today: Self.today)
        } throws: { ($0 as? LedgerError)?.field == "closures" }
        #expect(try ledger.places().isEmpty)
    }

    @Test("A demo ledger built from a stream in batches holds what importDemo stores, with the migrations' schema")
    func buildDemoMatchesImportDemo() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tanfang-demo-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        // Given the same demo imported whole and built from a stream in small batches on 3 threads
        let generator = DemoGenerator(seed: 11)
        let data = generator.generate(elders: 150, months: 6, today: Self.today)
        let imported = try Ledger.inMemory(rules: Fixture.rules)
        try imported.importDemo(data, today: Self.today)
        let path = dir.appendingPathComponent("demo.sqlite").path
        var reports: [DemoCounts] = []
        let counts = try Ledger.buildDemo(path: path, rules: Fixture.rules,
                                          stream: generator.stream(elders: 150, months: 6, today: Self.today),
                                          batchSize: 17, workers: 3) { reports.append($0) }
        #expect(counts.elders == 150 && counts.visits == data.visits.count)
        #expect(reports.count == 9 && reports.last == counts)
        let built = try Ledger(path: path, rules: Fixture.rules)

        // Then every table holds the same rows (stamps, PIN hashes and follow-up IDs are made anew)
        let keys = ["place": "id", "visitor": "id", "user": "id", "specialPeriod": "id", "elder": "id", "visit": "id",
                    "followUp": "visitId, type", "elderFlag": "elderId, kind",
                    "sharedDupKey": "dupKey",
                    // the monthly tally, built once after the load (no trigger marks it per row)
                    "monthTally": "month, villageId", "monthMissed": "month, elderOrder", "tallyState": "id"]
        for (table, order) in keys {
            let a = try Self.rows(imported, table: table, order: order)
            let b = try Self.rows(built, table: table, order: order)
            #expect(a.count == b.count, "\(table)")
            #expect(a == b, "\(table)")
        }
        #expect(try Self.rows(built, table: "followUp", order: "visitId, type").count == counts.followUps)
        // And the follow-ups are those the rules open on each visit (the replay skips pruning when it can)
        let expected = Set(data.visits.flatMap { v in
            Fixture.rules.followUps.followUps(for: v, ownerID: nil).map { "\(v.id.uuidString) \($0.type.rawValue)" }
        })
        let stored = try built.read { try String.fetchAll($0, sql: "SELECT visitId || ' ' || type FROM followUp") }
        #expect(stored.count == Set(stored).count && Set(stored).isSubset(of: expected))
        // (those left out joined the elder's open one of their kind)
        let joinable = Set([FollowUpType.referral, .benefitApplication, .notifySupporters].map(\.rawValue))
        #expect(expected.subtracting(stored).allSatisfy { joinable.contains(String($0.split(separator: " ")[1])) })

        // And the schema is the migrations' schema, in WAL mode
        let fresh = try Ledger(path: dir.appendingPathComponent("fresh.sqlite").path, rules: Fixture.rules)
        #expect(try Self.schema(built) == Self.schema(fresh))
        #expect(try built.read { try String.fetchOne($0, sql: "PRAGMA journal_mode") } == "wal")
        #expect(try built.read { try Row.fetchAll($0, sql: "PRAGMA foreign_key_check") }.isEmpty)
    }

    @Test("buildDemo refuses an existing file and leaves it alone")
    func buildDemoRefusesExistingFile() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tanfang-demo-\(UUID().uuidString)").path
        _ = FileManager.default.createFile(atPath: path, contents: Data("keep".utf8))
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(throws: LedgerError.self) {
            try Ledger.buildDemo(path: path, rules: Fixture.rules,
                                 stream: DemoGenerator(seed: 1).stream(elders: 5, months: 1, today: Self.today))
        }
        #expect(FileManager.default.contents(atPath: path) == Data("keep".utf8))
    }

    @Test("The demo's answer encoder writes exactly what AnswerCoding writes")
    func answerEncoderMatchesAnswerCoding() {
        var encoder = DemoAnswerEncoder(form: Fixture.rules.form)
        let data = DemoGenerator(seed: 2026).generate(today: Self.today)
        for visit in data.visits { #expect(encoder.encode(visit.answers) == AnswerCoding.encode(visit.answers)) }
        let odd: [[String: Answer]] = [
            [:],
            [FieldCode.mobility: .choice(12), FieldCode.illness: .choices([]), FieldCode.needs: .choices([-3, 10, 2])],
            [FieldCode.hazardDetail: .text("电线\"老化\"\\ 需更换\n\t\u{1}👍"), FieldCode.emergency: .yesNo(true)],
            ["health.note": .number(-12.75), FieldCode.nextVisit: .date(LocalDate(year: 2026, month: 1, day: 5)!)],
            ["not.a.field": .choice(1), FieldCode.mobility: .choice(2)],
        ]
        for answers in odd { #expect(encoder.encode(answers) == AnswerCoding.encode(answers)) }
    }

    @Test("Demo identifiers are written as uuidString writes them")
    func uuidText() {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<1000 {
            let id = UUID(uuid: (UInt8.random(in: 0...255, using: &rng), 0, 0xFF, 0x0A, 0x9B, 0, 0, 0, 0, 0, 0, 0, 0, 0xF0, 0x0F,
                                 UInt8.random(in: 0...255, using: &rng)))
            #expect(DemoUUIDText.text(id) == id.uuidString)
            let random = UUID()
            #expect(DemoUUIDText.text(random) == random.uuidString)
        }
    }

    static let unstable: Set<String> = ["createdAt", "updatedAt", "createdBy", "updatedBy", "pinHash"]

    /// The rows of `table` ordered by `order`, without the columns that differ from build to build.
    static func rows(_ ledger: Ledger, table: String, order: String) throws -> [[String]] {
        try ledger.read { db in
            let columns = try db.columns(in: table).map(\.name)
                .filter { !unstable.contains($0) && !(table == "followUp" && $0 == "id") }
            let list = columns.map { $0.quotedDatabaseIdentifier }.joined(separator: ", ")
            return try Row.fetchAll(db, sql: "SELECT \(list) FROM \(table.quotedDatabaseIdentifier) ORDER BY \(order)")
                .map { row in columns.map { "\($0)=\(row[$0] as DatabaseValue)" } }
        }
    }

    static func schema(_ ledger: Ledger) throws -> [String] {
        try ledger.read { db in
            try String.fetchAll(db, sql: """
                SELECT type || ' ' || name || ' ' || tbl_name || ' ' || ifnull(sql, '') FROM sqlite_master ORDER BY name
                """)
        }
    }
}
