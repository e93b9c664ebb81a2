import Foundation
import GRDB
import Testing
import TanfangCore
@testable import TanfangStore

/// A ledger file with one township and two villages, for import, backup and merge tests.
struct FileLedger {
    let dir: URL
    let path: String
    let ledger: Ledger
    let today = LocalDate(year: 2026, month: 11, day: 23)!
    static let county = Place(code: "650102", name: "天山区", level: .county, parentID: nil)
    static let township = Place(code: "650102001", name: "燕儿窝街道", level: .township, parentID: county.id)
    static let east = Place(code: "650102001001", name: "东村", level: .village, parentID: township.id)
    static let west = Place(code: "650102001002", name: "西村", level: .village, parentID: township.id)

    init(name: String = "ledger.sqlite", in dir: URL? = nil) throws {
        self.dir = dir ?? FileManager.default.temporaryDirectory.appendingPathComponent("tanfang-data-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: self.dir, withIntermediateDirectories: true)
        path = self.dir.appendingPathComponent(name).path
        ledger = try Ledger(path: path, rules: Fixture.rules)
        for p in [Self.county, Self.township, Self.east, Self.west] { try ledger.savePlace(p) }
    }

    func row(_ line: Int, _ name: String, id: String?, phone: String? = nil, categories: Set<TanfangCore.Category> = [],
             village: Place = FileLedger.east) -> RosterImportRow {
        RosterImportRow(line: line, elder: Elder(name: name, idNumber: id, phone: phone, villageID: village.id,
                                                 categories: categories, statusHistory: []))
    }

    func count(_ table: String) throws -> Int {
        try ledger.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table)") ?? 0 }
    }
}

@Suite("Data in and out: import, backup, merge")
struct DataTransferTests {
    let idA = Fixture.idNumber(born: "19440512", sequence: "122")
    let idB = Fixture.idNumber(born: "19500306", sequence: "159")

    @Test("Importing the same rows twice adds nobody the second time")
    func importIsIdempotent() throws {
        // Given an empty ledger and two rows
        let f = try FileLedger()
        let rows = [f.row(3, "王秀英", id: idA, categories: [.livingAlone]), f.row(4, "李建国", id: idB)]
        // When they are imported twice
        let first = try f.ledger.importRoster(rows, source: "卫健", file: "a.csv", by: nil, today: f.today)
        let second = try f.ledger.importRoster(rows, source: "卫健", file: "a.csv", by: nil, today: f.today)
        // Then the first adds two active elders with computed summaries, the second changes nothing
        #expect(first.added == 2 && first.merged == 0)
        #expect(second.added == 0 && second.merged == 0 && second.unchanged == 2)
        #expect(try f.count("elder") == 2)
        let page = try f.ledger.roster(RosterQuery(status: nil, limit: 10, today: f.today))
        #expect(page.rows.allSatisfy { $0.elder.status == .active && $0.summary.computedOn == f.today && $0.summary.nextDue != nil })
        #expect(page.rows.allSatisfy { $0.elder.sources == ["卫健"] })
        // And each import left an audit row with its file name and counts
        let audits = try f.ledger.read { db in
            try String.fetchAll(db, sql: "SELECT after FROM audit WHERE tableName = 'import' ORDER BY rowid")
        }
        #expect(audits.count == 2)
        #expect(audits[0].contains("\"file\":\"a.csv\"") && audits[0].contains("\"added\":2"))
        #expect(audits[1].contains("\"unchanged\":2"))
    }

    @Test("The same ID number from another list is merged: categories and sources combined, conflicts kept")
    func mergeByIDNumber() throws {
        // Given an elder imported from one list with a phone
        let f = try FileLedger()
        try f.ledger.importRoster([f.row(2, "王秀英", id: idA, phone: "13912345678", categories: [.livingAlone])],
                                  source: "卫健", file: "a.csv", by: nil, today: f.today)
        // When another list gives the same ID number with another phone and category
        let outcome = try f.ledger.importRoster(
            [f.row(5, "王秀英", id: idA, phone: "13800001111", categories: [.emptyNest])],
            source: "残联", file: "b.csv", by: nil, today: f.today)
        // Then one elder remains, with both categories and sources, and the stored phone kept
        #expect(outcome.added == 0 && outcome.merged == 1)
        #expect(try f.count("elder") == 1)
        let elder = try #require(try f.ledger.roster(RosterQuery(status: nil, limit: 10, today: f.today)).rows.first?.elder)
        #expect(elder.categories == [.livingAlone, .emptyNest])
        #expect(elder.sources == ["卫健", "残联"])
        #expect(elder.phone == "13912345678")
        // And the differing phone is a conflict with masked values and the file line
        #expect(outcome.conflicts == [ImportConflict(line: 5, elderID: elder.id, name: "王秀英", field: "phone",
                                                     stored: "139****5678", incoming: "138****1111")])
    }

    @Test("A list giving ID numbers to elders entered without them fills them in, rather than adding them again")
    func idNumbersAddedByALaterList() throws {
        // Given 王秀英 entered without an ID number but with her birth date, and 李建国 with only a phone
        let f = try FileLedger()
        var wang = f.row(2, "王秀英", id: nil)
        wang.elder.birthDate = LocalDate(year: 1940, month: 3, day: 5)
        try f.ledger.importRoster([wang, f.row(3, "李建国", id: nil, phone: "13912345678")],
                                  source: "村委会", file: "a.csv", by: nil, today: f.today)
        // When the corrected list gives their numbers (her birth date is the number's)
        let wangID = Fixture.idNumber(born: "19400305")
        let liID = Fixture.idNumber(born: "19450101", sequence: "131")
        let outcome = try f.ledger.importRoster([f.row(2, "王秀英", id: wangID), f.row(3, "李建国", id: liID, phone: "139 1234 5678")],
                                                source: "村委会", file: "b.csv", by: nil, today: f.today)
        // Then both are merged, their numbers filled in, nobody added
        #expect(outcome.added == 0 && outcome.merged == 2, "\(outcome)")
        #expect(try f.count("elder") == 2)
        let rows = try f.ledger.roster(RosterQuery(status: nil, limit: 10, today: f.today)).rows
        #expect(Set(rows.compactMap(\.elder.idNumber)) == [wangID, liID])
        // And the same list again changes nothing
        let again = try f.ledger.importRoster([f.row(2, "王秀英", id: wangID), f.row(3, "李建国", id: liID, phone: "13912345678")],
                                              source: "村委会", file: "b.csv", by: nil, today: f.today)
        #expect(try again.added == 0 && f.count("elder") == 2)
        // While a number for a name with another birth date is another person
        let other = try f.ledger.importRoster([f.row(4, "王秀英", id: Fixture.idNumber(born: "19410101"))],
                                              source: "村委会", file: "c.csv", by: nil, today: f.today)
        #expect(other.added == 1)
    }

    @Test("A row with neither ID number nor birth date is the elder of its village with that name and phone")
    func matchByNameAndPhoneWithoutIDOrBirth() throws {
        // Given 王秀英 on the ledger with her ID number (so a birth date) and phone
        let f = try FileLedger()
        try f.ledger.importRoster([f.row(2, "王秀英", id: idA, phone: "13912345678", categories: [.livingAlone])],
                                  source: "卫健", file: "a.csv", by: nil, today: f.today)
        // When a list without ID numbers or birth dates names her with that phone, and 李建国 once
        let outcome = try f.ledger.importRoster(
            [f.row(2, "王秀英", id: nil, phone: "13912345678", categories: [.emptyNest]),
             f.row(3, "王秀英", id: nil, phone: "13800001111"),
             f.row(4, "李建国", id: nil, phone: "13912345678")],
            source: "村委会", file: "no-id.csv", by: nil, today: f.today)
        // Then she is merged (she was added a second time), while another phone or name is another elder
        #expect(outcome.merged == 1 && outcome.added == 2)
        let rows = try f.ledger.roster(RosterQuery(status: nil, limit: 10, today: f.today)).rows
        let wang = try #require(rows.first { $0.elder.idNumber == idA }?.elder)
        #expect(wang.categories == [.livingAlone, .emptyNest] && wang.sources == ["卫健", "村委会"])
    }

    @Test("A supporter or contact of the same name with another phone or relation is a conflict; an empty one is filled")
    func peopleAreMergedByName() throws {
        // Given an elder with a supporter (no phone yet) and an emergency contact
        let f = try FileLedger()
        var first = f.row(2, "王秀英", id: idA)
        first.elder.supporters = [Supporter(name: "王二", relation: "女儿")]
        first.elder.emergencyContacts = [Contact(name: "赵四", relation: "邻居", phone: "13700003333")]
        try f.ledger.importRoster([first], source: "卫健", file: "a.csv", by: nil, today: f.today)
        // When a list gives the supporter's phone, the contact with another phone, and a new supporter
        var second = f.row(3, "王秀英", id: idA)
        second.elder.supporters = [Supporter(name: "王二", relation: "女儿", phone: "13900000000"),
                                   Supporter(name: "王三", relation: "儿子")]
        second.elder.emergencyContacts = [Contact(name: "赵四", relation: "邻居", phone: "13700004444")]
        let outcome = try f.ledger.importRoster([second], source: "卫健", file: "a.csv", by: nil, today: f.today)
        // Then the phone is filled, the new supporter added, and the contact's other phone reported, not taken
        let elder = try #require(try f.ledger.roster(RosterQuery(status: nil, limit: 10, today: f.today)).rows.first?.elder)
        #expect(elder.supporters == [Supporter(name: "王二", relation: "女儿", phone: "13900000000"),
                                     Supporter(name: "王三", relation: "儿子")])
        #expect(elder.emergencyContacts == [Contact(name: "赵四", relation: "邻居", phone: "13700003333")])
        #expect(outcome.conflicts == [ImportConflict(line: 3, elderID: elder.id, name: "王秀英", field: "emergencyContacts",
                                                     stored: "赵四（邻居） 137****3333", incoming: "赵四（邻居） 137****4444")])
        // And a supporter whose relation differs is reported too
        var third = f.row(4, "王秀英", id: idA)
        third.elder.supporters = [Supporter(name: "王三", relation: "女婿")]
        let again = try f.ledger.importRoster([third], source: "卫健", file: "a.csv", by: nil, today: f.today)
        #expect(again.conflicts.map(\.field) == ["supporters"] && again.unchanged == 1)
    }

    @Test("A landline written with and without its hyphen is one number, not a conflict")
    func landlineDigitsAreCompared() throws {
        let f = try FileLedger()
        try f.ledger.importRoster([f.row(2, "王秀英", id: idA, phone: "0999-4877824")],
                                  source: "卫健", file: "a.csv", by: nil, today: f.today)
        let same = try f.ledger.importRoster([f.row(3, "王秀英", id: idA, phone: "09994877824")],
                                             source: "卫健", file: "a.csv", by: nil, today: f.today)
        #expect(same.conflicts.isEmpty && same.unchanged == 1)
        // A different number still is one
        let other = try f.ledger.importRoster([f.row(4, "王秀英", id: idA, phone: "0999-4877825")],
                                              source: "卫健", file: "a.csv", by: nil, today: f.today)
        #expect(other.conflicts.map(\.field) == ["phone"])
        #expect(other.conflicts.first?.differsWhereMasked == false)
        // Numbers that differ only in the masked middle look alike once masked: the conflict says so
        let hidden = try f.ledger.importRoster([f.row(5, "王秀英", id: idA, phone: "0999-9997824")],
                                               source: "卫健", file: "a.csv", by: nil, today: f.today)
        #expect(hidden.conflicts.first?.stored == hidden.conflicts.first?.incoming)
        #expect(hidden.conflicts.first?.differsWhereMasked == true)
    }

    @Test("An import that fails on one row writes nothing")
    func importIsOneTransaction() throws {
        // Given rows where the last one names a village that is not on the ledger
        let f = try FileLedger()
        var bad = f.row(4, "张兰", id: nil)
        bad.elder.villageID = UUID()
        // When importing them
        #expect(throws: LedgerError.self) {
            try f.ledger.importRoster([f.row(3, "王秀英", id: idA), bad], source: nil, file: "c.csv", by: nil, today: f.today)
        }
        // Then not even the good row or an audit row was written
        #expect(try f.count("elder") == 0)
        #expect(try f.count("audit") == 4)  // the four places only
    }

    @Test("A dry run counts but writes nothing")
    func dryRun() throws {
        let f = try FileLedger()
        let outcome = try f.ledger.importRoster([f.row(3, "王秀英", id: idA)], source: nil, file: "d.csv", by: nil,
                                                today: f.today, dryRun: true)
        #expect(outcome.added == 1)
        #expect(try f.count("elder") == 0)
    }

    @Test("A backup taken while another connection writes restores to a consistent ledger")
    func backupDuringWrites() throws {
        // Given a ledger file and a second connection to it that keeps saving elders
        let f = try FileLedger()
        let writer = try Ledger(path: f.path, rules: Fixture.rules)
        let today = f.today
        let done = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            for i in 0..<150 {
                _ = try? writer.saveElder(Elder(name: "老人\(i)", villageID: FileLedger.east.id, statusHistory: []),
                                          by: nil, today: today)
            }
            done.signal()
        }
        // When backups are taken during those writes (one paced as the daily backup is, in steps
        // of two pages with pauses, so writes land between its steps)
        var backups: [String] = []
        for i in 0..<3 {
            let dest = f.dir.appendingPathComponent("backups/b\(i).sqlite").path
            try f.ledger.backup(to: dest, pace: i == 1 ? Ledger.BackupPace(pagesPerStep: 2, restRatio: 1) : .full)
            backups.append(dest)
        }
        done.wait()
        // Then each backup passes the integrity check and every elder in it has its audit row
        for path in backups {
            #expect(try Ledger.integrityProblems(path: path).isEmpty)
            #expect(!FileManager.default.fileExists(atPath: path + "-wal"))
            let copy = try Ledger(path: path, rules: Fixture.rules)
            let (elders, audits) = try copy.read { db in
                (try Int.fetchOne(db, sql: "SELECT count(*) FROM elder") ?? -1,
                 try Int.fetchOne(db, sql: "SELECT count(*) FROM audit WHERE tableName = 'elder'") ?? -2)
            }
            #expect(elders == audits)
        }
        // And restoring the last backup keeps the replaced ledger and gives the backup's counts
        let expected = try Ledger(path: backups[2], rules: Fixture.rules).read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM elder") ?? -1
        }
        let replaced = f.path + ".replaced-test"
        try Ledger.restore(from: backups[2], into: f.path, keepingReplacedAt: replaced)
        #expect(try Ledger.integrityProblems(path: replaced).isEmpty)
        let restored = try Ledger(path: f.path, rules: Fixture.rules)
        #expect(try restored.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM elder") } == expected)
        let kept = try Ledger(path: replaced, rules: Fixture.rules)
        #expect(try kept.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM elder") } == 150)
        // And each copy knows it is one (the workstation says so), while the restored ledger,
        // in use again, does not
        #expect(try f.ledger.backupTakenAt() == nil)
        let taken = try #require(try Ledger(path: backups[0], rules: Fixture.rules).backupTakenAt())
        #expect(abs(taken.timeIntervalSinceNow) < 600)
        #expect(try kept.backupTakenAt() != nil)
        #expect(try restored.backupTakenAt() == nil)
    }

    @Test("Restore refuses a file that is not a sound ledger")
    func restoreRefusesGarbage() throws {
        let f = try FileLedger()
        let junk = f.dir.appendingPathComponent("junk.sqlite").path
        try Data(repeating: 0x41, count: 8192).write(to: URL(fileURLWithPath: junk))
        #expect(throws: LedgerError.self) {
            try Ledger.restore(from: junk, into: f.path, keepingReplacedAt: f.path + ".replaced")
        }
        #expect(!FileManager.default.fileExists(atPath: f.path + ".replaced"))
    }

    @Test("Daily backups rotate: one per day, the oldest removed beyond the keep count")
    func autoBackupRotates() throws {
        let f = try FileLedger()
        let day: TimeInterval = 86_400
        let start = Date(timeIntervalSince1970: 1_790_000_000)
        #expect(try f.ledger.autoBackup(ledgerPath: f.path, keep: 3, now: start) != nil)
        #expect(try f.ledger.autoBackup(ledgerPath: f.path, keep: 3, now: start.addingTimeInterval(60)) == nil)
        for i in 1...4 { try f.ledger.autoBackup(ledgerPath: f.path, keep: 3, now: start.addingTimeInterval(Double(i) * day)) }
        let names = Ledger.rotatingBackups(in: f.dir.appendingPathComponent("backups").path, stem: "ledger")
        #expect(names.count == 3)
        #expect(names.first == "ledger-\(Ledger.stamp(start.addingTimeInterval(2 * day))).sqlite")
        #expect(Ledger.backupKeepCount(environment: ["TANFANG_BACKUPS": "12"]) == 12)
        #expect(Ledger.backupKeepCount(environment: ["TANFANG_BACKUPS": "zero"]) == 7)
    }

    @Test("A backup cut short leaves a partial file that a later start removes once it is an hour old")
    func stalePartialBackupsAreRemoved() throws {
        let f = try FileLedger()
        let dir = f.dir.appendingPathComponent("backups").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let stale = dir + "/ledger-20261120-0800.sqlite.partial"
        let writing = dir + "/ledger-20261123-0759.sqlite.partial"
        for path in [stale, stale + "-journal", writing] {
            #expect(FileManager.default.createFile(atPath: path, contents: Data("x".utf8)))
        }
        for path in [stale, stale + "-journal"] {
            try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(-7_200)], ofItemAtPath: path)
        }
        try f.ledger.autoBackup(ledgerPath: f.path, keep: 3)
        #expect(!FileManager.default.fileExists(atPath: stale))
        #expect(!FileManager.default.fileExists(atPath: stale + "-journal"))
        // Another process may still be writing a recent one.
        #expect(FileManager.default.fileExists(atPath: writing))
        #expect(Ledger.rotatingBackups(in: dir, stem: "ledger").count == 1)
    }

    @Test("Ledgers kept in one folder each get their own daily backup, named after them, rotated apart")
    func dailyBackupsOfLedgersInOneFolder() throws {
        let a = try FileLedger(name: "团结村.sqlite")
        let b = try FileLedger(name: "town.sqlite", in: a.dir)
        let c = try FileLedger(name: "town-2.sqlite", in: a.dir)
        let start = Date(timeIntervalSince1970: 1_790_000_000)
        // When all three are opened on one day / Then each gets its backup, not only the first
        for f in [a, b, c] { #expect(try f.ledger.autoBackup(ledgerPath: f.path, keep: 2, now: start) != nil) }
        let dir = a.dir.appendingPathComponent("backups").path
        #expect(Ledger.rotatingBackups(in: dir, stem: "团结村") == ["团结村-\(Ledger.stamp(start)).sqlite"])
        #expect(Ledger.rotatingBackups(in: dir, stem: "town") == ["town-\(Ledger.stamp(start)).sqlite"])
        #expect(Ledger.rotatingBackups(in: dir, stem: "town-2") == ["town-2-\(Ledger.stamp(start)).sqlite"])
        // And one ledger's rotation leaves the others' backups alone
        for i in 1...3 { try b.ledger.autoBackup(ledgerPath: b.path, keep: 2, now: start.addingTimeInterval(Double(i) * 86_400)) }
        #expect(Ledger.rotatingBackups(in: dir, stem: "town").count == 2)
        #expect(Ledger.rotatingBackups(in: dir, stem: "团结村").count == 1)
        #expect(Ledger.rotatingBackups(in: dir, stem: "town-2").count == 1)
    }

    @Test("Merging a village ledger copies missing rows with their audit trail; a row both changed is a conflict, ours kept; twice changes nothing")
    func mergeIsIdempotentAndReportsConflicts() throws {
        // Given a township ledger and a village ledger started as a copy of it (same places)
        let town = try FileLedger(name: "town.sqlite")
        let shared = try town.ledger.importRoster([town.row(2, "王秀英", id: idA, phone: "13912345678")],
                                                  source: "卫健", file: "a.csv", by: nil, today: town.today).touched[0]
        let villagePath = town.dir.appendingPathComponent("village.sqlite").path
        try town.ledger.backup(to: villagePath)
        let village = try Ledger(path: villagePath, rules: Fixture.rules)
        // And the village adds an elder with a visit, and edits the shared elder's phone
        let new = try village.saveElder(Elder(name: "李建国", idNumber: idB, villageID: FileLedger.east.id,
                                              visitorID: nil, statusHistory: []), by: nil, today: town.today)
        let fixture = try Fixture()
        let visit = fixture.visit(new, on: town.today)
        try village.saveVisit(visit, by: nil, today: town.today)
        var edited = try #require(try village.elderFile(id: shared)).elder
        edited.phone = "13800001111"
        try village.saveElder(edited, by: nil, today: town.today)
        // And the township, since the copy, edits that elder's phone too
        var ours = try #require(try town.ledger.elderFile(id: shared)).elder
        ours.phone = "13700002222"
        try town.ledger.saveElder(ours, by: nil, today: town.today)

        // When the township merges the village ledger twice
        let first = try town.ledger.merge(from: villagePath, by: nil, today: town.today)
        let counts = try Ledger.mergeTables.map { try town.count($0) }
        let second = try town.ledger.merge(from: villagePath, by: nil, today: town.today)

        // Then the new elder, the visit and their audit rows came over, with a recomputed summary
        #expect(first.inserted["elder"] == 1 && first.inserted["visit"] == 1)
        #expect(first.inserted["audit"] == 2)
        let file = try #require(try town.ledger.elderFile(id: new.id))
        #expect(file.visits.map(\.id) == [visit.id])
        #expect(file.summary.visitCount == 1)
        #expect(try town.ledger.auditTrail(recordID: new.id).count >= 1)
        // And the elder both edited is a conflict naming the phone column; ours is kept
        #expect(first.conflicts.map(\.id) == [shared.uuidString])
        #expect(first.conflicts.first?.columns.contains("phone") == true)
        #expect(first.updated.isEmpty)
        #expect(try town.ledger.elderFile(id: shared)?.elder.phone == "13700002222")
        // And the village's audit row of its edit stays behind, as the edit does
        let villageOnly = Set(try village.auditTrail(recordID: shared).map(\.id))
            .subtracting(try town.ledger.auditTrail(recordID: shared).map(\.id))
        #expect(villageOnly.count == 1)
        // And the second merge copies nothing and leaves every table as it was
        #expect(second.insertedTotal == 0 && second.updated.isEmpty)
        #expect(second.conflicts == first.conflicts)
        #expect(try Ledger.mergeTables.map { try town.count($0) } == counts)
    }

    @Test("A village's admin login stays behind in a merge (it would administer the township's ledger); its other logins come over")
    func mergeLeavesTheirAdminsBehind() throws {
        // Given a township ledger with its admin, and a village ledger set up on its own with an admin
        // over the township (an admin's area is a township or county) and a clerk
        let town = try FileLedger(name: "town.sqlite")
        let ourAdmin = try town.ledger.saveUser(User(name: "赵管理", role: .admin, areaID: FileLedger.township.id, pinHash: ""),
                                                pin: "2580")
        let village = try FileLedger(name: "village.sqlite", in: town.dir)
        try village.ledger.saveUser(User(name: "A管理", role: .admin, areaID: FileLedger.township.id, pinHash: ""), pin: "1111")
        try village.ledger.saveUser(User(name: "王文书", role: .clerk, areaID: FileLedger.east.id, pinHash: ""), pin: "2222")
        // When the township merges it, twice
        let first = try town.ledger.merge(from: village.path, by: nil, today: town.today)
        let second = try town.ledger.merge(from: village.path, by: nil, today: town.today)
        // Then the clerk came over and the village's admin did not, and the merge says so each time
        #expect(try town.ledger.users().map(\.name).sorted() == ["王文书", "赵管理"])
        #expect(first.adminsLeftOut == ["A管理"] && second.adminsLeftOut == ["A管理"])
        #expect(try town.ledger.verifyPIN(userName: "A管理", pin: "1111") == nil)
        #expect(try town.ledger.verifyPIN(userName: "赵管理", pin: "2580")?.id == ourAdmin.id)
        #expect(first.conflicts.isEmpty && second.insertedTotal == 0)
    }

    @Test("A record changed only in the village since the last merge is taken from it, also after a merge joined its sources; merging again changes nothing")
    func mergeTakesLaterChangesFromTheVillage() throws {
        // Given a township ledger with 李建国 (空巢) and an open hazard, and a village ledger copied from it
        let town = try FileLedger(name: "town.sqlite")
        let id = try town.ledger.importRoster([town.row(2, "李建国", id: idB, categories: [.emptyNest])],
                                              source: "卫健", file: "a.csv", by: nil, today: town.today).touched[0]
        let elder = try #require(try town.ledger.elderFile(id: id)).elder
        let hazard = try #require(try town.ledger.saveVisit(
            try Fixture().visit(elder, answers: [FieldCode.hasHazard: .yesNo(true)]), by: nil, today: town.today).first)
        let villagePath = town.dir.appendingPathComponent("village.sqlite").path
        try town.ledger.backup(to: villagePath)
        let village = try Ledger(path: villagePath, rules: Fixture.rules)
        // And the village finds him on another list (a new source, nothing else) and closes the hazard
        _ = try village.importRoster([town.row(2, "李建国", id: idB)], source: "残联", file: "b.csv", by: nil, today: town.today)
        _ = try village.closeFollowUp(id: hazard.id, closing: ClosingRecord(action: "已修", at: LocalDateTime(
            date: town.today, hour: 16, minute: 0)!, by: "张网格"), by: nil, today: town.today)

        // When the township merges the village ledger
        let first = try town.ledger.merge(from: villagePath, by: nil, today: town.today)
        // Then the closed follow-up is taken, the sources are joined, and nothing is a conflict
        #expect(first.conflicts.isEmpty && first.updated == ["followUp": 1])
        #expect(try town.ledger.elderFile(id: id)?.followUps.first { $0.id == hazard.id }?.status == .done)
        #expect(try town.ledger.elderFile(id: id)?.summary.openHazards == 0)
        #expect(try town.ledger.elderFile(id: id)?.elder.sources == ["卫健", "残联"])

        // When the village then imports him again as 失能 (重度), and the township merges again
        var again = town.row(2, "李建国", id: idB, categories: [.disabled])
        again.elder.disabilityDegree = .severe
        _ = try village.importRoster([again], source: "残联", file: "c.csv", by: nil, today: town.today)
        let theirs = try #require(try village.elderFile(id: id))
        #expect(try town.ledger.elderFile(id: id)?.summary.risk != theirs.summary.risk)
        let second = try town.ledger.merge(from: villagePath, by: nil, today: town.today)

        // Then the elder is taken from the village, not a conflict: the audit row the first merge
        // wrote here (joining the sources) is no change of the township's own
        #expect(second.conflicts.isEmpty && second.updated == ["elder": 1])
        let file = try #require(try town.ledger.elderFile(id: id))
        #expect(file.elder.categories == [.emptyNest, .disabled] && file.elder.disabilityDegree == .severe)
        #expect(file.elder.sources == ["卫健", "残联"])
        // And the summary is recomputed: the risk the village sees
        #expect(file.summary.risk == theirs.summary.risk)
        // And the village's audit rows came along, beside the township's one of the first merge
        let trail = Set(try town.ledger.auditTrail(recordID: id).map(\.id))
        let villageTrail = Set(try village.auditTrail(recordID: id).map(\.id))
        #expect(villageTrail.isSubset(of: trail) && trail.count == villageTrail.count + 1)

        // When the same file is merged a third time
        let counts = try Ledger.mergeTables.map { try town.count($0) }
        let third = try town.ledger.merge(from: villagePath, by: nil, today: town.today)
        // Then nothing is copied, taken or in conflict, and every table is as it was
        #expect(third.insertedTotal == 0 && third.updated.isEmpty && third.conflicts.isEmpty)
        #expect(try Ledger.mergeTables.map { try town.count($0) } == counts)

        // When the township itself corrects him afterwards and merges the same file
        var corrected = file.elder
        corrected.phone = "13700002222"
        try town.ledger.saveElder(corrected, by: nil, today: town.today)
        let fourth = try town.ledger.merge(from: villagePath, by: nil, today: town.today)
        // Then ours, the later copy, is kept without a conflict
        #expect(fourth.conflicts.isEmpty && fourth.updated.isEmpty && fourth.newerHere == ["elder": 1])
        #expect(try town.ledger.elderFile(id: id)?.elder.phone == "13700002222")
    }

    @Test("An elder merged in with the ID number of another elder here is copied and reported as a pair")
    func mergeReportsTwoEldersWithOneIDNumber() throws {
        // Given a township ledger with 王秀英 in 东村, and another village's ledger where the same
        // ID number was entered for 王秀英 in 西村 (another record, another UUID)
        let town = try FileLedger(name: "town.sqlite")
        let ours = try town.ledger.importRoster([town.row(2, "王秀英", id: idA)], source: nil, file: "a.csv",
                                                by: nil, today: town.today).touched[0]
        let west = try FileLedger(name: "west.sqlite", in: town.dir)
        let theirs = try west.ledger.importRoster([west.row(2, "王秀英", id: idA, village: FileLedger.west)], source: nil,
                                                  file: "b.csv", by: nil, today: town.today).touched[0]
        #expect(ours != theirs)

        // When the township merges it, twice
        let first = try town.ledger.merge(from: west.path, by: nil, today: town.today)
        let second = try town.ledger.merge(from: west.path, by: nil, today: town.today)

        // Then their elder is copied, and the pair is reported by name and village (no conflict)
        #expect(first.inserted["elder"] == 1 && first.conflicts.isEmpty)
        #expect(first.sharedIDNumbers == [MergeSharedIDNumber(id: theirs.uuidString, name: "王秀英", village: "西村",
                                                              otherID: ours.uuidString, otherName: "王秀英", otherVillage: "东村")])
        #expect(try town.ledger.elderFile(id: theirs) != nil)
        // And the second merge, which copies nothing, has nothing new to report
        #expect(second.insertedTotal == 0 && second.sharedIDNumbers.isEmpty)
    }

    @Test("A demo ledger neither merges into nor replaces a real one; into a demo, or where there is none, it goes")
    func demoLedgerStaysOutOfARealOne() throws {
        // Given a real ledger with one elder, and two demo ledgers beside it
        let real = try FileLedger(name: "real.sqlite")
        _ = try real.ledger.importRoster([real.row(2, "王秀英", id: idA)], source: nil, file: "a.csv", by: nil, today: real.today)
        func demo(_ name: String, seed: UInt64) throws -> String {
            let path = real.dir.appendingPathComponent(name).path
            let ledger = try Ledger(path: path, rules: Fixture.rules)
            try ledger.importDemo(DemoGenerator(seed: seed).generate(elders: 20, months: 1, today: real.today), today: real.today)
            return path
        }
        let demoPath = try demo("demo.sqlite", seed: 1)
        let otherDemo = try demo("other.sqlite", seed: 2)
        #expect(Ledger.isDemoFile(path: demoPath) == true && Ledger.isDemoFile(path: real.path) == false)
        let counts = try Ledger.mergeTables.map { try real.count($0) }

        // When a demo is merged into the real ledger / Then it is refused and nothing is written
        #expect(throws: LedgerError.demoIntoReal(file: "demo.sqlite")) {
            try real.ledger.merge(from: demoPath, by: nil, today: real.today)
        }
        #expect(try Ledger.mergeTables.map { try real.count($0) } == counts)
        #expect(try !real.ledger.isDemo())
        // And a demo into a demo is merged as before
        let demoLedger = try Ledger(path: demoPath, rules: Fixture.rules)
        #expect(try demoLedger.merge(from: otherDemo, by: nil, today: real.today).insertedTotal > 0)

        // When a demo is restored over the real ledger / Then it is refused, the ledger untouched
        let replaced = real.path + ".replaced"
        #expect(throws: LedgerError.demoIntoReal(file: "other.sqlite")) {
            try Ledger.restore(from: otherDemo, into: real.path, keepingReplacedAt: replaced)
        }
        #expect(try Ledger.mergeTables.map { try real.count($0) } == counts)
        #expect(!FileManager.default.fileExists(atPath: replaced))
        // And over a demo, or where there is no ledger yet, it is restored; over a real one only when insisted on
        try Ledger.restore(from: otherDemo, into: demoPath, keepingReplacedAt: demoPath + ".replaced")
        let fresh = real.dir.appendingPathComponent("fresh.sqlite").path
        try Ledger.restore(from: otherDemo, into: fresh, keepingReplacedAt: fresh + ".replaced")
        #expect(Ledger.isDemoFile(path: fresh) == true)
        try Ledger.restore(from: otherDemo, into: real.path, keepingReplacedAt: replaced, allowingDemo: true)
        #expect(Ledger.isDemoFile(path: real.path) == true && Ledger.isDemoFile(path: replaced) == false)
    }

    @Test("Imported summaries are what a full recomputation gives, and rows of one file see each other")
    func importSummariesMatchRecomputation() throws {
        // Given a cold-wave period for elders living alone in the east village, and one elder on the ledger
        let f = try FileLedger()
        try f.ledger.saveSpecialPeriod(SpecialPeriod(name: "寒潮", kind: .coldWave, from: f.today, to: f.today.adding(days: 10),
                                                     intervalDays: 3, categories: [.livingAlone],
                                                     villageIDs: [FileLedger.east.id]), by: nil, today: f.today)
        try f.ledger.importRoster([f.row(2, "王秀英", id: idA)], source: "卫健", file: "a.csv", by: nil, today: f.today)
        // When a file merges a category into her, adds a person twice (by ID number) and another twice (by name)
        let outcome = try f.ledger.importRoster([
            f.row(3, "王秀英", id: idA, categories: [.livingAlone, .disabled]),
            f.row(4, "李建国", id: idB, categories: [.emptyNest]),
            f.row(5, "李建国", id: idB, categories: [.livingAlone]),
            f.row(6, "张兰", id: nil),
            f.row(7, "张兰", id: nil, categories: [.livingAlone]),
            f.row(8, "张兰", id: nil, categories: [.livingAlone]),
        ], source: "残联", file: "b.csv", by: nil, today: f.today)
        // Then the repeated rows merge into the person added a line before
        #expect(outcome.added == 2 && outcome.merged == 3 && outcome.unchanged == 1)
        #expect(try f.count("elder") == 3)
        let elders = try f.ledger.roster(RosterQuery(status: nil, limit: 10, today: f.today)).rows.map(\.elder)
        #expect(Set(elders.map(\.categories)) == [[.livingAlone, .disabled], [.emptyNest, .livingAlone], [.livingAlone]])
        // And every summary, the period's due dates included, is what recomputing it gives
        func summaries() throws -> [Row] {
            try f.ledger.read { db in
                try Row.fetchAll(db, sql: "SELECT id, \(ElderRecord.summaryColumns.joined(separator: ", ")) FROM elder ORDER BY id")
            }
        }
        let imported = try summaries()
        try f.ledger.refreshSummaries(today: f.today)
        #expect(try summaries() == imported)
    }

    @Test("The import's audit rows are what Ledger.audit writes, column for column")
    func importAuditRowsMatch() throws {
        // Given an elder imported, and the same elder encoded as the generic audit encodes it
        let f = try FileLedger()
        let outcome = try f.ledger.importRoster([f.row(2, "王\"秀/英\n", id: idA, phone: "13912345678",
                                                       categories: [.livingAlone, .disabled])],
                                                source: "卫健", file: "a.csv", by: UUID(), today: f.today)
        let elder = try #require(try f.ledger.roster(RosterQuery(status: nil, limit: 10, today: f.today)).rows.first?.elder)
        let after = try f.ledger.read { db in
            try String.fetchOne(db, sql: "SELECT after FROM audit WHERE tableName = 'elder' AND recordId = ?",
                                arguments: [outcome.touched[0].uuidString])
        }
        // Then the text decodes to the same elder, and the hand encoder writes what JSONEncoder writes
        #expect(try JSONDecoder().decode(Elder.self, from: Data(try #require(after).utf8)) == elder)
        var full = elder
        full.supporters = [Supporter(name: "李\t四", relation: "子", phone: nil, residence: "乌鲁木齐")]
        full.emergencyContacts = [Contact(name: "王五", relation: "邻居", phone: "13800001111")]
        full.riskOverride = RiskOverride(level: .high, reason: "独居\u{8}\u{c}\u{1}")
        full.gridID = UUID(); full.visitorID = UUID(); full.wishes = "想回老家"; full.remote = true
        full.livingArrangement = .alone
        full.statusHistory.append(StatusChange(date: f.today, status: .hospitalized, note: "住院"))
        for e in [elder, full] { #expect(ElderJSON.encode(e) == StoreCoding.json(e)) }
        // And the hand-bound audit columns are all of AuditRecord's columns
        let record = AuditRecord(id: "x", at: "t", userId: nil, tableName: "elder", recordId: "r", action: "insert",
                                 before: nil, after: nil)
        #expect(Set(try record.databaseDictionary.keys) == Set(Ledger.ImportState.auditColumns))
    }
}
