import Foundation
import GRDB
import Testing
import TanfangCore
@testable import TanfangStore

/// The roster import's hand-written paths (row building, JSON columns, C-bound inserts, the
/// prepared rows built beside the writes) against the generic encoders they replaced.
@Suite("Roster import equivalence")
struct ImportEquivalenceTests {
    static let today = LocalDate(year: 2026, month: 11, day: 23)!

    /// A ledger holding the demo's places and visitors, and the demo's elders that pass the
    /// import's checks with an ID number, once each, as roster rows (the planted invalid, missing
    /// and duplicate ID numbers left out).
    static func demo() throws -> (ledger: Ledger, data: DemoData, rows: [RosterImportRow]) {
        let data = DemoGenerator(seed: 11).generate(today: today)
        let ledger = try Ledger.inMemory(rules: Fixture.rules)
        for p in data.places.sorted(by: { $0.level < $1.level }) { try ledger.savePlace(p) }
        for v in data.visitors { try ledger.saveVisitor(v) }
        var seen: Set<String> = []
        let rows = data.elders.enumerated().compactMap { i, e -> RosterImportRow? in
            guard let number = (try? Ledger.checked(e, today: today))?.idNumber, seen.insert(number).inserted else { return nil }
            return RosterImportRow(line: i + 2, elder: e)
        }
        return (ledger, data, rows)
    }

    @Test("Imported demo elders' rows hold what the generic encoders write, and their audit text decodes to them")
    func importedRowsMatchGenericEncoding() throws {
        // Given the demo's elders (supporters, contacts, status histories, grids, visitors), some of them twice
        let (ledger, _, rows) = try Self.demo()
        let twice = rows + rows.prefix(20).map { RosterImportRow(line: $0.line + 10_000, elder: $0.elder) }
        // When they are imported (more rows than one prepared chunk)
        let outcome = try ledger.importRoster(twice, source: "卫健", file: "demo.csv", by: nil, today: Self.today)
        #expect(outcome.added == rows.count && outcome.unchanged == 20)
        let records = try ledger.read { db in try ElderRecord.fetchAll(db) }
        #expect(records.count == rows.count)
        let inputs = Dictionary(uniqueKeysWithValues: rows.map { ($0.elder.id, $0.elder) })
        for r in records {
            let e = try r.elder()
            // Then the elder reads back as given (checked, active from today when it had no history, source added)
            var expected = try Ledger.checked(try #require(inputs[e.id]), today: Self.today)
            expected.sources.insert("卫健")
            expected = Ledger.newElder(expected, today: Self.today)
            #expect(e == expected)
            // And each hand-written column is what the generic encoding writes
            #expect(r.id == e.id.uuidString && r.villageId == e.villageID.uuidString)
            #expect(r.gridId == e.gridID?.uuidString && r.visitorId == e.visitorID?.uuidString)
            #expect(r.supporters == StoreCoding.json(e.supporters))
            #expect(r.emergencyContacts == StoreCoding.json(e.emergencyContacts))
            #expect(r.statusHistory == StoreCoding.json(e.statusHistory))
            #expect(r.pinyinFull == Pinyin.searchKeys(e.name).full && r.pinyinInitials == Pinyin.searchKeys(e.name).initials)
            // And the red-flag columns are derived with the ledger's rules
            var flags = r
            flags.applyFlags(e, try r.summary(), rules: Fixture.rules.redFlags)
            #expect(flags == r)
        }
        // And every audit row's text decodes to the stored elder
        let audits = try ledger.read { db in
            try Row.fetchAll(db, sql: "SELECT recordId, after FROM audit WHERE tableName = 'elder'")
        }
        #expect(audits.count == rows.count)
        let byID = Dictionary(uniqueKeysWithValues: try records.map { ($0.id, try $0.elder()) })
        for a in audits {
            let elder = try #require(byID[a["recordId"] as String])
            #expect(try JSONDecoder().decode(Elder.self, from: Data((a["after"] as String).utf8)) == elder)
        }
        // And the summaries are what a full recomputation gives
        func summaries() throws -> [Row] {
            try ledger.read { db in
                try Row.fetchAll(db, sql: "SELECT id, \(ElderRecord.summaryColumns.joined(separator: ", ")) FROM elder ORDER BY id")
            }
        }
        let imported = try summaries()
        try ledger.refreshSummaries(today: Self.today)
        #expect(try summaries() == imported)
    }

    @Test("A bulk load that rebuilds the indexes afterwards leaves the ledger an indexed load leaves")
    func indexRebuild() throws {
        // Given the demo's elders imported once with the indexes in place and once rebuilding them
        let (indexed, _, rows) = try Self.demo()
        let (rebuilt, _, _) = try Self.demo()
        _ = try indexed.importRoster(rows, source: "卫健", file: "demo.csv", by: nil, today: Self.today, dryRun: false,
                                 rebuildIndexesFrom: .max)
        _ = try rebuilt.importRoster(rows, source: "卫健", file: "demo.csv", by: nil, today: Self.today, dryRun: false,
                                 rebuildIndexesFrom: 0)
        // Then both hold the same elders and the same schema, and the rebuilt indexes are sound
        func elders(_ l: Ledger) throws -> [[DatabaseValue]] {
            try l.read { db in try Row.fetchAll(db, sql: "SELECT * FROM elder ORDER BY id") }
                .map { row in row.filter { !["createdAt", "updatedAt"].contains($0.0) }.map { $0.1 } }
        }
        #expect(try elders(indexed) == elders(rebuilt))
        let schema = "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name"
        let a = try indexed.read { try Row.fetchAll($0, sql: schema) }
        let b = try rebuilt.read { try Row.fetchAll($0, sql: schema) }
        #expect(a == b && a.count > 20)
        #expect(try rebuilt.read { try String.fetchAll($0, sql: "PRAGMA integrity_check") } == ["ok"])
        // And the elder flags, filled in one pass after the load, are what the trigger writes row by row
        let flags = "SELECT * FROM elderFlag ORDER BY elderId, kind"
        let rowByRow = try indexed.read { try Row.fetchAll($0, sql: flags) }
        #expect(rowByRow.count > rows.count / 2)
        #expect(try rebuilt.read { try Row.fetchAll($0, sql: flags) } == rowByRow)
        // And so are the shared duplicate keys, refilled after the load
        let shared = "SELECT dupKey FROM sharedDupKey ORDER BY dupKey"
        #expect(try rebuilt.read { try String.fetchAll($0, sql: shared) } == indexed.read { try String.fetchAll($0, sql: shared) })
        // And the monthly tally is marked stale once (no trigger per elder) and made whole again,
        // as row by row
        let tally = "SELECT * FROM tallyState"
        #expect(try rebuilt.read { try Row.fetchAll($0, sql: tally) } == indexed.read { try Row.fetchAll($0, sql: tally) })
        // And reading through the indexes finds every elder (by ID number and by roster order)
        let number = try #require(try Ledger.checked(rows[0].elder, today: Self.today).idNumber)
        #expect(try rebuilt.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM elder INDEXED BY elder_on_idNumber WHERE idNumber = ?",
                                                    arguments: [number]) } == 1)
        #expect(try rebuilt.roster(RosterQuery(status: nil, limit: 10_000, today: Self.today)).total == rows.count)
    }

    @Test("Matching a file by reading the ledger's keys finds what looking each row up finds")
    func keyScanMatchesLookups() throws {
        // Given a ledger holding half the demo's elders, and a file of all of them (half already
        // there, some changed, and one row whose elder id is taken)
        let (scanned, _, rows) = try Self.demo()
        let (looked, _, _) = try Self.demo()
        let half = Array(rows.prefix(rows.count / 2))
        for l in [scanned, looked] {
            _ = try l.importRoster(half, source: "卫健", file: "half.csv", by: nil, today: Self.today, dryRun: false,
                                   rebuildIndexesFrom: .max, scanKeys: false)
        }
        var file = rows
        file[0].elder.phone = "13900000000"
        file[1].elder.wishes = "想要助餐服务"
        var stranger = rows[rows.count - 1]
        stranger.elder.id = half[2].elder.id
        stranger.elder.idNumber = nil
        stranger.elder.name = "同号新人"
        file.append(stranger)
        // When it is imported once by each way of matching
        let a = try scanned.importRoster(file, source: "民政", file: "all.csv", by: nil, today: Self.today, dryRun: false,
                                         rebuildIndexesFrom: .max, scanKeys: true)
        let b = try looked.importRoster(file, source: "民政", file: "all.csv", by: nil, today: Self.today, dryRun: false,
                                        rebuildIndexesFrom: .max, scanKeys: false)
        // Then both merge, add and report the same, and hold the same elders
        #expect(a.merged == b.merged && a.added == b.added && a.unchanged == b.unchanged)
        #expect(a.merged + a.unchanged == half.count && a.added == rows.count - half.count + 1)
        #expect(a.conflicts.count == b.conflicts.count)
        func elders(_ l: Ledger) throws -> [[DatabaseValue]] {
            // The newcomer whose id was taken gets a new random one: compared apart.
            try l.read { db in try Row.fetchAll(db, sql: "SELECT * FROM elder WHERE name <> '同号新人' ORDER BY id") }
                .map { row in row.filter { !["createdAt", "updatedAt"].contains($0.0) }.map { $0.1 } }
        }
        #expect(try elders(scanned) == elders(looked))
        #expect(try scanned.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM elder WHERE name = '同号新人'") } == 1)
    }

    @Test("ElderInsert writes the row GRDB's insert writes, column for column")
    func boundInsertMatchesGRDB() throws {
        // Given demo elders' records with every kind of value (nil and set, JSON, flags, stamps)
        let (_, data, _) = try Self.demo()
        var config = Configuration()
        config.foreignKeysEnabled = false
        let fast = try DatabaseQueue(configuration: config)
        let generic = try DatabaseQueue(configuration: config)
        for q in [fast, generic] { try LedgerMigrations.migrator.migrate(q) }
        let records = data.elders.prefix(200).map { e -> ElderRecord in
            let summary = Fixture.rules.derivation.summarize(elder: e, visits: [], followUps: [], periods: [], today: Self.today)
            var r = ElderRecord(e, summary: summary, flagRules: Fixture.rules.redFlags)
            r.stamp(at: "2026-11-23T09:00:00.000Z", by: e.visitorID, old: nil)
            return r
        }
        // When they are inserted through ElderInsert and through GRDB
        try fast.write { db in
            let insert = try #require(try ElderInsert(db, sample: records[0]))
            for r in records { try insert.insert(r, db: db) }
        }
        try generic.write { db in for r in records { try r.insert(db) } }
        // Then both tables hold the same rows
        let sql = "SELECT * FROM elder ORDER BY rowid"
        let fastRows = try fast.read { try Row.fetchAll($0, sql: sql) }
        let genericRows = try generic.read { try Row.fetchAll($0, sql: sql) }
        #expect(fastRows.count == records.count && fastRows == genericRows)
        #expect(try fast.read { try ElderRecord.fetchAll($0) } == records)
    }

    @Test("The hand-written JSON columns are what JSONEncoder writes")
    func jsonColumns() {
        let odd = ["", "王\"秀/英\n", "back\\slash", "\u{0}\u{1}\u{8}\u{c}\u{1f}\t\r", "😀\u{2028}\u{2029}é", "</script>"]
        for s in odd {
            let supporters = [Supporter(name: s, relation: s, phone: nil, residence: s),
                              Supporter(name: "李四", relation: "子", phone: s, residence: nil)]
            let contacts = [Contact(name: s, relation: "邻居", phone: s)]
            let history = [StatusChange(date: Self.today, status: .active, note: s),
                           StatusChange(date: Self.today.adding(days: 1), status: .deceased, note: nil)]
            #expect(ElderJSON.supporters(supporters) == StoreCoding.json(supporters))
            #expect(ElderJSON.contacts(contacts) == StoreCoding.json(contacts))
            #expect(ElderJSON.statusHistory(history) == StoreCoding.json(history))
        }
        #expect(ElderJSON.supporters([]) == StoreCoding.json([Supporter]()))
        #expect(ElderJSON.statusHistory([]) == StoreCoding.json([StatusChange]()))
    }

    @Test("Rows checked on both cores fail on the first bad row in file order")
    func checkedRowsFirstError() throws {
        // Given many valid rows with two invalid ID numbers, the earlier one far down the file
        let village = UUID()
        var rows = (0..<9_000).map { i in
            RosterImportRow(line: i + 2, elder: Elder(name: " 王\(i) ", idNumber: Fixture.idNumber(born: "19440512"),
                                                      villageID: village, statusHistory: []))
        }
        rows[8_500].elder.idNumber = "123"
        rows[6_000].elder.idNumber = "110105194912310029"
        // Then the error is the earlier row's, as a plain loop would throw
        #expect(throws: LedgerError.invalidField(field: "idNumber", messageKey: "id.error.checkCharacter", args: [])) {
            try Ledger.checkedRows(rows, source: nil, today: Self.today)
        }
        // And valid rows come back checked, in order, with the source added
        let ok = try Ledger.checkedRows(Array(rows.prefix(5_000)), source: "卫健", today: Self.today)
        #expect(ok.map(\.line) == rows.prefix(5_000).map(\.line))
        #expect(ok.allSatisfy { $0.elder.name.hasPrefix("王") && $0.elder.sources == ["卫健"] && $0.elder.gender == .male })
    }
}
