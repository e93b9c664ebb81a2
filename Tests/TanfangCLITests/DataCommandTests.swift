import Foundation
import GRDB
import Testing

/// Commands that bring files in and give them back, run as the real binary on copies of the demo ledger.
@Suite(.serialized) struct DataCommandTests {
    /// A fresh copy of the demo ledger, so that writes do not disturb other tests.
    static func demoCopy() throws -> (dir: URL, db: String) {
        let dir = CLI.tempDir()
        let db = dir.appendingPathComponent("ledger.sqlite").path
        _ = sharedDemo
        let r = try CLI.run(["backup", "--db", sharedDemo.path, db])
        #expect(r.status == 0, "\(r.err)")
        return (dir, db)
    }

    /// A valid 18-character ID number (GB 11643 check character) for a birth date.
    static func idNumber(_ born: String, _ seq: String) -> String {
        let first17 = "654002" + born + seq
        let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
        let sum = zip(first17, weights).reduce(0) { $0 + Int(String($1.0))! * $1.1 }
        return first17 + String(Array("10X98765432")[sum % 11])
    }

    /// A demo copy with a second, smaller demo county merged in, as a township gathers village
    /// ledgers: the same village and visitor names now belong to two places and two people.
    static func mergedCopy() throws -> (dir: URL, db: String) {
        let (dir, db) = try demoCopy()
        let other = dir.appendingPathComponent("other.sqlite").path
        let made = try CLI.run(["demo", "--db", other, "--seed", "2026", "--elders", "20", "--months", "1"])
        #expect(made.status == 0, "\(made.err)")
        let merged = try CLI.run(["merge", "--db", db, other])
        #expect(merged.status == 0, "\(merged.err)")
        return (dir, db)
    }

    static let idA = idNumber("19440512", "122")
    static let idB = idNumber("19500306", "159")
    static let village = "阿克达拉村"

    static func write(_ text: String, to url: URL) throws {
        try Data(text.utf8).write(to: url)
    }

    /// The data lines of the roster export (header and trailing empty line dropped).
    static func rosterLines(_ db: String) throws -> [String] {
        let r = try CLI.run(["export", "roster", "--db", db])
        #expect(r.status == 0, "\(r.err)")
        return r.out.components(separatedBy: "\r\n").dropFirst().filter { !$0.isEmpty }
    }

    static func outcome(_ r: CLI.Result) throws -> [String: Any] {
        let json = try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as! [String: Any]
        return json["outcome"] as? [String: Any] ?? [:]
    }

    @Test func aClockSetAheadOnceAndPutRightGivesThatDaysListsAgain() throws {
        let (_, db) = try Self.demoCopy()
        let (_, fresh) = try Self.demoCopy()
        let ahead = try CLI.run(["redflags", "--db", db], env: ["TANFANG_TODAY": "2027-01-10"])
        #expect(ahead.status == 0, "\(ahead.err)")
        let again = try CLI.run(["redflags", "--db", db, "--json"])
        let reference = try CLI.run(["redflags", "--db", fresh, "--json"])
        #expect(again.out == reference.out)
        #expect(try CLI.run(["due", "--db", db, "--overdue", "--json"]).out
                == (try CLI.run(["due", "--db", fresh, "--overdue", "--json"]).out))
    }

    @Test func visitsShowWhatWasDoneAboutEachClosedFollowUp() throws {
        let (_, db) = try Self.demoCopy()
        let (name, action) = try DatabaseQueue(path: db).read { db -> (String, String) in
            let row = try Row.fetchOne(db, sql: """
                SELECT e.name, f.closingAction FROM elder e JOIN followUp f ON f.elderId = e.id
                WHERE f.closingAction IS NOT NULL ORDER BY e.rowid LIMIT 1
                """)!
            return (row[0], row[1])
        }
        let r = try CLI.run(["visits", "--db", db, "--elder", name])
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out.contains("处置情况：" + action))
    }

    @Test func listsOnALaterDayAreOfThatDayWithoutTheWorkstationOpened() throws {
        // Given the demo ledger of 2026-11-23, never opened in the workstation since
        let (_, db) = try Self.demoCopy()
        let later = ["TANFANG_TODAY": "2026-12-24"]
        // When the red flags are asked for a month later
        let first = try CLI.run(["redflags", "--db", db, "--json"], env: later)
        #expect(first.status == 0, "\(first.err)")
        // Then the summaries were brought to that day first, so a second run gives the same
        let day = try DatabaseQueue(path: db).read { try String.fetchOne($0, sql: "SELECT day FROM summaryDay WHERE id = 1") }
        #expect(day == "2026-12-24")
        let second = try CLI.run(["redflags", "--db", db, "--json"], env: later)
        #expect(second.out == first.out)
        // And the due list follows the same day's due dates
        let due = try CLI.run(["due", "--db", db, "--json"], env: later)
        #expect(due.status == 0, "\(due.err)")
    }

    @Test func aFileWithOneBadRowChangesNothingUnlessSkipInvalid() throws {
        // Given a roster with two good rows and one with a wrong check character
        let (dir, db) = try Self.demoCopy()
        let file = dir.appendingPathComponent("花名册.csv")
        let badID = String(Self.idA.dropLast()) + (Self.idA.last == "1" ? "2" : "1")
        try Self.write("""
            姓名,性别,身份证号码,联系电话,所属村,类别
            王测试,女,\(Self.idA),139 1234 5678,\(Self.village),独居、空巢
            张错误,女,\(badID),,\(Self.village),独居
            李测试,男,\(Self.idB),,\(Self.village),失能

            """, to: file)
        let before = try Self.rosterLines(db).count
        // When importing without --skip-invalid
        let refused = try CLI.run(["import", "roster", file.path, "--db", db])
        // Then the problem is listed with file, line, column and masked value, nothing is written, status 1
        #expect(refused.status == 1)
        #expect(refused.out.contains("花名册.csv:3 身份证号码 654002********"))
        #expect(!refused.out.contains(badID))
        #expect(refused.err.contains("未导入任何数据"))
        #expect(try Self.rosterLines(db).count == before)
        // When importing with --skip-invalid
        let skipped = try CLI.run(["import", "roster", file.path, "--db", db, "--skip-invalid"])
        // Then the two valid rows go in and the rejected line is named
        #expect(skipped.status == 0, "\(skipped.err)")
        #expect(skipped.out.contains("已跳过 1 行有问题的数据：第 3 行"))
        let after = try Self.rosterLines(db)
        #expect(after.count == before + 2)
        #expect(after.contains { $0.hasPrefix("王测试,女,654002********") && $0.contains("独居、空巢") })
    }

    @Test func aRowRejectedForOneProblemAlsoNamesAnUnknownVillage() throws {
        // Given a row with a wrong category and a village the ledger does not have
        let (dir, db) = try Self.demoCopy()
        let file = dir.appendingPathComponent("两处错.csv")
        try Self.write("姓名,身份证号码,所属村,类别\n王测试,\(Self.idA),无此村,独居老人甲\n", to: file)
        // When it is imported
        let r = try CLI.run(["import", "roster", file.path, "--db", db])
        // Then both problems are listed in this one run
        #expect(r.status == 1)
        let lines = r.out.split(separator: "\n").filter { $0.contains("两处错.csv:2") }
        #expect(lines.contains { $0.contains("类别") }, "\(r.out)")
        #expect(lines.contains { $0.contains("无此村") }, "\(r.out)")
    }

    @Test func theExportsNextDueIsTheHomeVisitOwedWhenEarlier() throws {
        // Given an elder (one of a name) whose home visit is owed before the next visit
        let (_, db) = try Self.demoCopy()
        let (name, home) = try #require(try DatabaseQueue(path: db).read { db in
            try Row.fetchOne(db, sql: """
                SELECT name, homeVisitDue FROM elder e WHERE homeVisitDue < nextDue AND status = 'active'
                  AND (SELECT count(*) FROM elder o WHERE o.name = e.name) = 1 LIMIT 1
                """).map { (($0["name"] as String), ($0["homeVisitDue"] as String)) }
        })
        // When the roster is exported / Then her 下次应探访 is that day, as the roster and F4 give it
        let line = try #require(try Self.rosterLines(db).first { $0.hasPrefix(name + ",") })
        #expect(line.hasSuffix("," + home), "\(line)")
    }

    @Test func aFileWithoutANameColumnIsRefusedEvenWithSkipInvalid() throws {
        // Given a roster whose header has no 姓名 (every row would fail)
        let (dir, db) = try Self.demoCopy()
        let file = dir.appendingPathComponent("无姓名.csv")
        try Self.write("性别,身份证号码,所属村\n女,\(Self.idA),\(Self.village)\n", to: file)
        // When importing with --skip-invalid
        let r = try CLI.run(["import", "roster", file.path, "--db", db, "--skip-invalid"])
        // Then it fails (it said 已导入 0 people and exited 0), pointing at the header, not at --skip-invalid
        #expect(r.status == 1)
        #expect(r.out.contains("表头中没有“姓名”列"))
        #expect(!r.out.contains("已导入"))
        #expect(r.err.contains("表头有问题") && !r.err.contains("--skip-invalid"))
    }

    @Test func aFolderWhereAFileIsMeantIsSaidSoAndABackupMakesNoFolders() throws {
        let (dir, db) = try Self.demoCopy()
        // A folder as the roster file, and as the ledger: said in words (not NSCocoaErrorDomain, not SQLite's)
        let imported = try CLI.run(["import", "roster", dir.path, "--db", db])
        #expect(imported.status == 1 && imported.err.contains("是一个文件夹，不是文件"), "\(imported.err)")
        let flags = try CLI.run(["redflags", "--db", dir.path])
        #expect(flags.status == 1 && flags.err.contains("是一个文件夹：--db 要写台账文件本身"), "\(flags.err)")
        // A folder as --out: said so (Foundation's atomic write onto it crashed the process)
        for out in [dir.path, dir.path + "/"] {
            let export = try CLI.run(["export", "roster", "--db", db, "--out", out])
            #expect(export.status == 1 && export.err.contains("是一个文件夹：请写出文件名，例如 \(dir.path)/报表.xlsx"), "\(export.err)")
        }
        // A backup to a folder that is not there (a USB stick not plugged in) is refused, nothing made
        let missing = dir.appendingPathComponent("U盘/备份").path
        let backup = try CLI.run(["backup", "--db", db, missing + "/台账.sqlite"])
        #expect(backup.status == 1 && backup.err.contains("文件夹不存在"), "\(backup.err)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("U盘").path))
    }

    @Test func aMergedVillageFileIsLeftAsItWasAndAFolderOrTheLedgerItselfIsRefused() throws {
        // Given a village's ledger copied onto a stick as it is (a WAL ledger, closed)
        let (dir, db) = try Self.demoCopy()
        let stick = dir.appendingPathComponent("U盘").path
        try FileManager.default.createDirectory(atPath: stick, withIntermediateDirectories: true)
        let village = stick + "/村.sqlite"
        #expect(try CLI.run(["demo", "--db", village, "--seed", "2026", "--elders", "20", "--months", "1"]).status == 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: stick) == ["村.sqlite"])
        let before = try Data(contentsOf: URL(fileURLWithPath: village))
        // When it is merged / Then the stick holds the file as it was, and no -wal or -shm beside it
        let merged = try CLI.run(["merge", "--db", db, village])
        #expect(merged.status == 0, "\(merged.err)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: stick) == ["村.sqlite"])
        #expect(try Data(contentsOf: URL(fileURLWithPath: village)) == before)
        // And a folder, or the ledger itself, is refused in words (disk I/O error; "merged")
        let folder = try CLI.run(["merge", "--db", db, stick])
        #expect(folder.status == 1 && folder.err.contains("是一个文件夹"), "\(folder.err)")
        let itself = try CLI.run(["merge", "--db", db, db])
        #expect(itself.status == 1 && itself.err.contains("就是本台账"), "\(itself.err)")
        let restored = try CLI.run(["restore", "--db", db, db])
        #expect(restored.status == 1 && restored.err.contains("就是本台账"), "\(restored.err)")
    }

    @Test func anotherLedgersFileIsNotRestoredOverThisOneUnlessSaidSo() throws {
        // Given the ledger and another county's (no elder in common)
        let (dir, db) = try Self.demoCopy()
        let other = dir.appendingPathComponent("别的镇.sqlite").path
        #expect(try CLI.run(["demo", "--db", other, "--seed", "2026", "--elders", "20", "--months", "1"]).status == 0)
        let before = try Self.rosterLines(db)
        // When it is restored over the ledger / Then it is refused, saying why and how, nothing changed
        let refused = try CLI.run(["restore", "--db", db, other])
        #expect(refused.status == 1 && refused.err.contains("没有一位相同的老人") && refused.err.contains("--other-ledger"),
                "\(refused.err)")
        #expect(try Self.rosterLines(db) == before)
        // And with --other-ledger it is done (the ledger kept as .replaced)
        let forced = try CLI.run(["restore", "--db", db, other, "--other-ledger"])
        #expect(forced.status == 0, "\(forced.err)")
        #expect(try Self.rosterLines(db) != before)
    }

    @Test func remarksLivingContactAndResponsibleVisitorGoInAndComeBackOut() throws {
        // Given a roster with 备注, 居住情况, an emergency contact and a 结对责任人 registered in the village
        let (dir, db) = try Self.demoCopy()
        let visitor = try DatabaseQueue(path: db).read { db in
            try String.fetchOne(db, sql: """
                SELECT v.name FROM visitor v JOIN place p ON p.id = v.placeId WHERE p.name = ?
                GROUP BY v.name HAVING count(*) = 1 ORDER BY v.name LIMIT 1
                """, arguments: [Self.village])
        }
        let name = try #require(visitor)
        let file = dir.appendingPathComponent("花名册.csv")
        try Self.write("""
            姓名,身份证号码,所属村,居住情况,紧急联系人,紧急联系人电话,责任人,备注
            王测试,\(Self.idA),\(Self.village),与配偶同住,王小军,13912345678,\(name),女儿电话 13800001111；腿脚不便
            李测试,\(Self.idB),\(Self.village),独居,,,陌生人,

            """, to: file)
        // When it is imported
        let r = try CLI.run(["import", "roster", file.path, "--db", db])
        // Then both are added; the unknown visitor is said with its line, not dropped silently
        #expect(r.status == 0, "\(r.out) \(r.err)")
        #expect(r.out.contains("花名册.csv:3 责任人 陌生人"), "\(r.out)")
        #expect(r.out.contains("结对责任人未指定"))
        #expect(!r.out.contains("备注未写入"))
        let row = try DatabaseQueue(path: db).read { db in
            try Row.fetchOne(db, sql: """
                SELECT e.remarks, e.livingArrangement, e.emergencyContacts, v.name AS visitor
                FROM elder e LEFT JOIN visitor v ON v.id = e.visitorId WHERE e.name = '王测试'
                """)
        }
        let stored = try #require(row)
        #expect(stored["remarks"] as String? == "女儿电话 13800001111；腿脚不便")
        #expect(stored["livingArrangement"] as String? == "withSpouse")
        #expect((stored["emergencyContacts"] as String?)?.contains("13912345678") == true)
        #expect(stored["visitor"] as String? == name)
        // And a new elder's history says there is none yet; a name that means several lists them with their ids
        #expect(try CLI.run(["visits", "--db", db, "--elder", "王测试"]).out.contains("（还没有探访记录）"))
        let several = try CLI.run(["visits", "--db", db, "--elder", "测试"])
        #expect(several.status != 0 && several.err.contains("王测试") && several.err.contains("李测试"), "\(several.err)")
        // And the export gives every one of them back under the headers the import reads
        let export = try CLI.run(["export", "roster", "--db", db])
        let header = try #require(export.out.components(separatedBy: "\r\n").first)
        for column in ["居住情况", "紧急联系人", "紧急联系人电话", "结对责任人", "备注"] {
            #expect(header.contains(column), "\(column)")
        }
        let line = try #require(try Self.rosterLines(db).first { $0.hasPrefix("王测试,") })
        #expect(line.contains(",与配偶同住,,,,,,王小军,,139****5678,,\(name),,,女儿电话 13800001111；腿脚不便,在册,"), "\(line)")
        // And a contact without a phone is a problem of its line
        try Self.write("姓名,身份证号码,紧急联系人\n赵测试,\(Self.idNumber("19480101", "133")),赵大\n", to: file)
        let half = try CLI.run(["import", "roster", file.path, "--db", db, "--village", Self.village])
        #expect(half.status == 1)
        #expect(half.out.contains("花名册.csv:2 紧急联系人 赵大 — 紧急联系人没有电话"), "\(half.out)")
    }

    @Test func aWholeLedgersExportImportedIntoAnEmptyOneComesBackTheSame() throws {
        // Given the demo ledger's unmasked export, and a copy of the ledger with its places and visitors but no elders
        let (dir, db) = try Self.demoCopy()
        let file = dir.appendingPathComponent("全部.csv").path
        let out = try CLI.run(["export", "roster", "--db", db, "--unmasked", "--user", "周建华", "--pin", "0000", "--out", file])
        #expect(out.status == 0, "\(out.err)")
        let (_, empty) = try Self.demoCopy()
        try DatabaseQueue(path: empty).write { db in
            try db.execute(sql: "DELETE FROM followUp; DELETE FROM visit; DELETE FROM draft; DELETE FROM elder")
        }
        // When it is imported there (the demo's deliberately wrong ID numbers skipped)
        let r = try CLI.run(["import", "roster", file, "--db", empty, "--skip-invalid"])
        #expect(r.status == 0, "\(r.err)")
        // Then exporting again gives every column back, but those the ledger works out from visits and dates
        func rows(_ path: String) throws -> [String: [String]] {
            let text = try CLI.run(["export", "roster", "--db", path, "--unmasked", "--user", "周建华", "--pin", "0000"]).out
            let lines = text.components(separatedBy: "\r\n").filter { !$0.isEmpty }
            let header = lines[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            let kept = header.indices.filter { !["状态日期", "风险等级", "下次应探访"].contains(header[$0].replacingOccurrences(of: "\u{FEFF}", with: "")) }
            var out: [String: [String]] = [:]
            var twice: Set<String> = []
            for line in lines.dropFirst() {
                let cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                // The demo's one person entered twice (a headcount red flag) is merged by the import.
                if out[cells[0] + cells[2]] != nil { twice.insert(cells[0] + cells[2]) }
                out[cells[0] + cells[2]] = kept.map { $0 < cells.count ? cells[$0] : "" }
            }
            return out.filter { !twice.contains($0.key) }
        }
        let before = try rows(db), after = try rows(empty)
        #expect(after.keys.count { before[$0] != nil } > 250 && after.count < before.count)
        for (key, cells) in after where before[key] != nil { #expect(before[key] == cells, "\(key)") }
        // And the export read back into the ledger it came from changes nobody: each row's 来源 are its
        // lists, and the file's name is not added as another
        let again = try CLI.run(["import", "roster", file, "--db", db, "--skip-invalid"])
        #expect(again.status == 0 && again.out.contains("新增 0 人，合并 0 人"), "\(again.out.suffix(300))")
        // (the demo's person entered twice cannot be told apart: said, and neither record changed)
        #expect(again.out.contains("在台账中登记了 2 人"), "\(again.out.suffix(600))")
        // And an export asked for in English is the same file, read back the same way (its categories
        // were English words the import did not know)
        let english = dir.appendingPathComponent("english.csv").path
        #expect(try CLI.run(["export", "roster", "--db", db, "--unmasked", "--user", "周建华", "--pin", "0000", "--out", english,
                             "--lang", "en"]).status == 0)
        #expect(try Data(contentsOf: URL(fileURLWithPath: english)) == Data(contentsOf: URL(fileURLWithPath: file)))
    }

    @Test func statusesComeBackWithTheirDatesAndADifferentOneIsAConflict() throws {
        // Given a roster with one elder who has died and one 在册 whose date lies in the past
        let (dir, db) = try Self.demoCopy()
        let file = dir.appendingPathComponent("r.csv")
        try Self.write("""
            姓名,身份证号码,状态,状态日期
            王测试,\(Self.idA),死亡,2026-10-02
            李测试,\(Self.idB),在册,2024-01-01

            """, to: file)
        let r = try CLI.run(["import", "roster", file.path, "--db", db, "--village", Self.village])
        #expect(r.status == 0, "\(r.out) \(r.err)")
        #expect(r.out.contains("1 位在册老人的状态日期早于今天：台账从导入之日（2026-11-23）起"), "\(r.out)")
        // Then the deceased one is deceased from that day; the other starts today, owing no past month a visit
        let histories = try DatabaseQueue(path: db).read { db in
            try Dictionary(uniqueKeysWithValues: Row.fetchAll(db, sql: "SELECT name, statusHistory FROM elder WHERE name IN ('王测试', '李测试')")
                .map { ($0["name"] as String, $0["statusHistory"] as String) })
        }
        #expect(histories["王测试"]?.contains("\"date\":\"2026-10-02\"") == true && histories["王测试"]?.contains("deceased") == true)
        #expect(histories["李测试"]?.contains("\"date\":\"2026-11-23\"") == true, "\(histories)")
        // And the export says both, with the day each status began
        let lines = try Self.rosterLines(db)
        #expect(lines.contains { $0.hasPrefix("王测试,") && $0.contains(",死亡,2026-10-02,") }, "\(lines.filter { $0.contains("测试") })")
        // And a list that says 在册 for the one who died changes nothing and says so, in words
        try Self.write("姓名,身份证号码,状态\n王测试,\(Self.idA),在册\n", to: file)
        let again = try CLI.run(["import", "roster", file.path, "--db", db, "--village", Self.village])
        #expect(again.status == 0)
        #expect(again.out.contains("王测试 的状态与台账不一致：台账为“死亡”，文件为“在册”"), "\(again.out)")
        #expect(try Self.rosterLines(db).contains { $0.hasPrefix("王测试,") && $0.contains(",死亡,2026-10-02,") })
    }

    @Test func aPeriodFor高龄EldersIsDeclaredLikeOneForACategory() throws {
        // Given the demo ledger's due list
        let (_, db) = try Self.demoCopy()
        let before = try CLI.run(["due", "--db", db, "--json"])
        let dueBefore = try JSONSerialization.jsonObject(with: Data(before.out.utf8)) as! [[String: Any]]
        // When a cold wave for 高龄 elders, a visit every 2 days, is declared from today
        let add = try CLI.run(["period", "add", "高龄寒潮", "--kind", "寒潮", "--from", "2026-11-23", "--to", "2026-12-06",
                               "--every", "2", "--category", "高龄", "--user", "李红梅", "--pin", "1111", "--db", db])
        #expect(add.status == 0, "\(add.err)")
        #expect(add.out.contains("每 2 天至少探访一次；高龄；"), "\(add.out)")
        // Then more elders are due, and the list names it so
        let after = try JSONSerialization.jsonObject(with: Data(try CLI.run(["due", "--db", db, "--json"]).out.utf8)) as! [[String: Any]]
        #expect(after.count > dueBefore.count)
        #expect(try CLI.run(["period", "list", "--db", db]).out.contains("高龄；全部村（社区）"))
        // And an unknown word still names every choice, 高龄 among them
        let bad = try CLI.run(["period", "add", "乱写", "--kind", "other", "--from", "2026-11-23", "--to", "2026-11-30",
                               "--every", "2", "--category", "老弱", "--user", "李红梅", "--pin", "1111", "--db", db])
        #expect(bad.status != 0 && bad.err.contains("高龄"), "\(bad.err)")
        // And the Chinese kind names are read with English messages too (the README gives them)
        let en = try CLI.run(["period", "add", "其他时期", "--kind", "其他", "--from", "2026-11-23", "--to", "2026-11-30",
                              "--every", "5", "--user", "李红梅", "--pin", "1111", "--db", db, "--lang", "en"])
        #expect(en.status == 0 && en.out.contains("(Other)"), "\(en.err)")
    }

    @Test func aPeriodForOneVillageIsNamedOnlyWhereItApplies() throws {
        // Given a period in force today for one village
        let (_, db) = try Self.demoCopy()
        let villages = try DatabaseQueue(path: db).read {
            try Row.fetchAll($0, sql: "SELECT code, name FROM place WHERE level = 'village' ORDER BY code LIMIT 2")
        }
        let add = try CLI.run(["period", "add", "本村节日", "--kind", "festival", "--from", "2026-11-23", "--to", "2026-11-30",
                               "--every", "7", "--village", villages[0]["code"] as String, "--user", "李红梅", "--pin", "1111",
                               "--db", db])
        #expect(add.status == 0, "\(add.err)")
        // Then the red-flag list and the due list of that village name it, another village's do not
        let ours = villages[0]["name"] as String, theirs = villages[1]["name"] as String
        #expect(try CLI.run(["redflags", "--db", db, "--area", ours]).out.contains("特殊时期进行中：本村节日"))
        #expect(!(try CLI.run(["redflags", "--db", db, "--area", theirs]).out.contains("本村节日")))
        #expect(try CLI.run(["due", "--db", db, "--village", ours]).out.contains("特殊时期进行中：本村节日"))
        #expect(!(try CLI.run(["due", "--db", db, "--village", theirs]).out.contains("本村节日")))
    }

    @Test func aPeriodListTellsVillagesOfTheSameNameApartByTheirTownship() throws {
        // Given two villages of different townships with the same name
        let (_, db) = try Self.demoCopy()
        let (code, township) = try DatabaseQueue(path: db).write { db -> (String, String) in
            let rows = try Row.fetchAll(db, sql: """
                SELECT v.id, v.code, t.name AS township FROM place v JOIN place t ON t.id = v.parentId
                WHERE v.level = 'village' ORDER BY v.code LIMIT 2
                """)
            let other = try Row.fetchAll(db, sql: """
                SELECT v.id FROM place v JOIN place t ON t.id = v.parentId
                WHERE v.level = 'village' AND t.name <> ? ORDER BY v.code LIMIT 1
                """, arguments: [rows[0]["township"] as String])
            for id in [rows[0]["id"] as String, other[0]["id"] as String] {
                try db.execute(sql: "UPDATE place SET name = '团结村' WHERE id = ?", arguments: [id])
            }
            return (rows[0]["code"], rows[0]["township"])
        }
        // When a period is declared for one of them
        let add = try CLI.run(["period", "add", "春节走访", "--kind", "festival", "--from", "2026-12-20", "--to", "2026-12-30",
                               "--every", "7", "--village", code, "--user", "李红梅", "--pin", "1111", "--db", db])
        #expect(add.status == 0, "\(add.err)")
        // Then the confirmation and the list name its township with it
        #expect(add.out.contains("\(township)·团结村"), "\(add.out)")
        let list = try CLI.run(["period", "list", "--db", db])
        #expect(list.out.contains("\(township)·团结村"), "\(list.out)")
    }

    @Test func aSupervisorDeclaresASpecialPeriodAndTheDueListFollows() throws {
        // Given the demo ledger and its due list
        let (_, db) = try Self.demoCopy()
        let before = try CLI.run(["due", "--db", db, "--json"])
        let dueBefore = try JSONSerialization.jsonObject(with: Data(before.out.utf8)) as! [[String: Any]]
        // When the county's supervisor declares a cold wave for empty-nest and destitute elders, a visit every 2 days
        let add = try CLI.run(["period", "add", "十二月寒潮", "--kind", "寒潮", "--from", "2026-11-24", "--to", "2026-12-06",
                               "--every", "2", "--category", "空巢,特困", "--user", "李红梅", "--pin", "1111", "--db", db])
        #expect(add.status == 0, "\(add.err)")
        #expect(add.out.contains("已登记特殊时期“十二月寒潮”（寒潮）：2026-11-24 至 2026-12-06，每 2 天至少探访一次；空巢、特困；全部村（社区）"), "\(add.out)")
        // Then more elders are due
        let after = try CLI.run(["due", "--db", db, "--json"])
        let dueAfter = try JSONSerialization.jsonObject(with: Data(after.out.utf8)) as! [[String: Any]]
        #expect(dueAfter.count > dueBefore.count)
        // And the due list says which periods are in force (the demo's cold wave; this one starts tomorrow)
        let table = try CLI.run(["due", "--db", db])
        #expect(table.out.contains("特殊时期进行中：2026年11月寒潮降温") && !table.out.contains("特殊时期进行中：十二月寒潮"), "\(table.out.suffix(300))")
        // And so does the red-flag list, whose overdue visits it explains
        let flags = try CLI.run(["redflags", "--db", db])
        #expect(flags.out.contains("特殊时期进行中：2026年11月寒潮降温") && !flags.out.contains("十二月寒潮"), "\(flags.out.suffix(300))")
        let list = try CLI.run(["period", "list", "--db", db])
        #expect(list.out.contains("十二月寒潮") && list.out.contains("未开始"), "\(list.out)")
        // And a clerk may not declare one; a second one of the same name is refused
        let clerk = try CLI.run(["period", "add", "另一个", "--kind", "festival", "--from", "2026-12-01", "--to", "2026-12-02",
                                 "--every", "1", "--user", "王丽娟", "--pin", "2222", "--db", db])
        #expect(clerk.status != 0 && clerk.err.contains("特殊时期由督导"), "\(clerk.err)")
        let twice = try CLI.run(["period", "add", "十二月寒潮", "--kind", "寒潮", "--from", "2026-11-24", "--to", "2026-12-06",
                                 "--every", "2", "--user", "李红梅", "--pin", "1111", "--db", db])
        #expect(twice.status != 0 && twice.err.contains("已有一个"), "\(twice.err)")
        let loose = try CLI.run(["period", "add", "宽松", "--kind", "other", "--from", "2026-11-24", "--to", "2026-12-06",
                                 "--every", "45", "--user", "李红梅", "--pin", "1111", "--db", db])
        #expect(loose.status != 0 && loose.err.contains("只会让探访更密"), "\(loose.err)")
        // And a first day gone by is refused: the days past would count as overdue
        let past = try CLI.run(["period", "add", "补登", "--kind", "other", "--from", "2026-11-01", "--to", "2026-12-06",
                                "--every", "7", "--user", "李红梅", "--pin", "1111", "--db", db])
        #expect(past.status != 0 && past.err.contains("开始日期 2026-11-01 已经过去"), "\(past.err)")
        // And a last day before the first is refused, not taken as a withdrawal
        let early = try CLI.run(["period", "end", "十二月寒潮", "--last-day", "2026-11-23", "--user", "李红梅", "--pin", "1111",
                                 "--db", db])
        #expect(early.status != 0 && early.err.contains("早于开始日期 2026-11-24"), "\(early.err)")
        // And one not yet begun is withdrawn by ending it: the due list is as without it
        let withdraw = try CLI.run(["period", "end", "十二月寒潮", "--user", "李红梅", "--pin", "1111", "--db", db])
        #expect(withdraw.status == 0 && withdraw.out.contains("已撤销"), "\(withdraw.out) \(withdraw.err)")
        let (_, untouched) = try Self.demoCopy()
        #expect(try CLI.run(["due", "--db", db, "--json"]).out == (try CLI.run(["due", "--db", untouched, "--json"])).out)
        // And one in force, its categories named the long way and repeated, ended after tomorrow leaves nothing behind
        let now = try CLI.run(["period", "add", "寒潮二", "--kind", "暴雪", "--from", "2026-11-23", "--to", "2026-11-30",
                               "--every", "2", "--category", "分散供养特困", "--category", "Empty nest",
                               "--user", "周建华", "--pin", "0000", "--db", db])
        #expect(now.status == 0 && now.out.contains("（寒潮）") && now.out.contains("空巢、特困；全部村（社区）"), "\(now.out) \(now.err)")
        // And one that began today, ended today, is withdrawn as such
        _ = try CLI.run(["period", "add", "今日起", "--kind", "other", "--from", "2026-11-23", "--to", "2026-11-30", "--every", "5",
                         "--user", "周建华", "--pin", "0000", "--db", db])
        let today = try CLI.run(["period", "end", "今日起", "--user", "周建华", "--pin", "0000", "--db", db])
        #expect(today.status == 0 && today.out.contains("今天才开始，已撤销"), "\(today.out) \(today.err)")
        let rewrite = try CLI.run(["period", "end", "2026年11月寒潮降温", "--last-day", "2026-11-10", "--user", "周建华",
                                   "--pin", "0000", "--db", db])
        #expect(rewrite.status != 0 && rewrite.err.contains("已在执行"), "\(rewrite.err)")
        let end = try CLI.run(["period", "end", "寒潮二", "--last-day", "2026-11-24", "--user", "周建华", "--pin", "0000", "--db", db])
        #expect(end.status == 0 && end.out.contains("到 2026-11-24 为止"), "\(end.out) \(end.err)")
        let later = ["TANFANG_TODAY": "2026-11-26"]
        let ended = try CLI.run(["due", "--db", db, "--json"], env: later)
        let reference = try CLI.run(["due", "--db", untouched, "--json"], env: later)
        #expect(ended.status == 0 && ended.out == reference.out)
    }

    @Test func outputAndErrorsInOneFileStayWholeLines() throws {
        // Given a file of 400 rows whose ID numbers all fail their check
        let (dir, db) = try Self.demoCopy()
        let file = dir.appendingPathComponent("r.csv")
        let rows = (0..<400).map { "测试\($0),11010519491231002\($0 % 10),阿克达拉村" }
        try Self.write((["姓名,身份证号码,所属村"] + rows).joined(separator: "\n") + "\n", to: file)
        // When it is imported with output and errors going to one file (> log.txt 2>&1)
        let log = dir.appendingPathComponent("log.txt")
        #expect(FileManager.default.createFile(atPath: log.path, contents: nil))
        let handle = try FileHandle(forWritingTo: log)
        let p = Process()
        p.executableURL = CLI.binary
        p.arguments = ["import", "roster", file.path, "--db", db]
        var env = ProcessInfo.processInfo.environment
        env["TANFANG_TODAY"] = "2026-11-23"
        p.environment = env
        p.standardOutput = handle
        p.standardError = handle
        try p.run()
        p.waitUntilExit()
        try handle.close()
        // Then the file is whole UTF-8 and the refusal is a line of its own, after the problems
        let text = try #require(String(data: try Data(contentsOf: log), encoding: .utf8))
        let lines = text.split(separator: "\n")
        #expect(p.terminationStatus == 1 && lines.count == 401, "\(lines.suffix(2))")
        #expect(lines.last?.hasPrefix("r.csv 有 400 处错误") == true, "\(lines.suffix(2))")
    }

    @Test func anUnknownVillageIsAProblemWithItsLine() throws {
        let (dir, db) = try Self.demoCopy()
        let file = dir.appendingPathComponent("r.csv")
        try Self.write("姓名,身份证号码,所属村\n赵某,\(Self.idB),不存在村\n", to: file)
        let r = try CLI.run(["import", "roster", file.path, "--db", db])
        #expect(r.status == 1)
        #expect(r.out.contains("r.csv:2 所属村 不存在村 — 台账中没有名为“不存在村”的村（社区）"))
    }

    @Test func importingTheSameFileTwiceChangesNothing() throws {
        let (dir, db) = try Self.demoCopy()
        let file = dir.appendingPathComponent("r.csv")
        try Self.write("姓名,身份证号码,类别\n王测试,\(Self.idA),独居\n李测试,\(Self.idB),空巢\n", to: file)
        let first = try CLI.run(["import", "roster", file.path, "--db", db, "--village", Self.village, "--json"])
        let export1 = try Self.rosterLines(db)
        let second = try CLI.run(["import", "roster", file.path, "--db", db, "--village", Self.village, "--json"])
        #expect(first.status == 0 && second.status == 0)
        #expect(try Self.outcome(first)["added"] as? Int == 2)
        let o = try Self.outcome(second)
        #expect(o["added"] as? Int == 0 && o["merged"] as? Int == 0 && o["unchanged"] as? Int == 2)
        #expect(try Self.rosterLines(db) == export1)
    }

    @Test func theSamePersonFromAnotherListIsMergedAndAConflictReported() throws {
        // Given a person imported from one list
        let (dir, db) = try Self.demoCopy()
        let a = dir.appendingPathComponent("卫健.csv"), b = dir.appendingPathComponent("残联.csv")
        try Self.write("姓名,身份证号码,联系电话,类别\n王测试,\(Self.idA),13912345678,独居\n", to: a)
        try Self.write("姓名,身份证号码,联系电话,类别\n王测试,\(Self.idA),13800001111,空巢\n", to: b)
        _ = try CLI.run(["import", "roster", a.path, "--db", db, "--village", Self.village])
        let count = try Self.rosterLines(db).count
        // When the other list has the same ID number with another phone and category
        let r = try CLI.run(["import", "roster", b.path, "--db", db, "--village", Self.village])
        // Then nobody is added, the categories are combined and the phone conflict is reported, masked
        #expect(r.status == 0)
        #expect(r.out.contains("残联.csv:2 王测试 的联系电话与台账不一致：台账为“139****5678”，文件为“138****1111”"))
        #expect(r.out.contains("新增 0 人，合并 1 人"))
        let lines = try Self.rosterLines(db)
        #expect(lines.count == count)
        #expect(lines.contains { $0.hasPrefix("王测试,") && $0.contains("独居、空巢") && $0.contains("139****5678") })
        // And the merge changed more than the sources: nothing is said about sources alone
        #expect(!r.out.contains("只是在来源中加上"))

        // When the first list comes back next month under another name
        let again = dir.appendingPathComponent("卫健-12月.csv")
        try Self.write("姓名,身份证号码,联系电话,类别\n王测试,\(Self.idA),13912345678,独居\n", to: again)
        let dry = try CLI.run(["import", "roster", again.path, "--db", db, "--village", Self.village, "--dry-run"])
        // Then the one merged is said to only gain the new name as a source
        #expect(dry.out.contains("将新增 0 人，合并 1 人"), "\(dry.out)")
        #expect(dry.out.contains("其中 1 人只是在来源中加上“卫健-12月.csv”（这份名单上也有他们），其他内容不变"))
    }

    @Test func aGBKFileAsExcelSavesItImportsWithoutMojibake() throws {
        // Given a GB18030 CSV with CRLF line ends (as Excel on Chinese Windows saves it)
        let (dir, db) = try Self.demoCopy()
        let utf8 = dir.appendingPathComponent("u.csv"), gbk = dir.appendingPathComponent("gbk.csv")
        try Self.write("姓名,性别,身份证号码,村（社区）,类别\r\n欧阳测试,女,\(Self.idA),\(Self.village),独居、空巢\r\n", to: utf8)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/iconv")
        p.arguments = ["-f", "UTF-8", "-t", "GB18030", "-o", gbk.path, utf8.path]
        try p.run()
        p.waitUntilExit()
        #expect(try Data(contentsOf: gbk).count < (try Data(contentsOf: utf8)).count)
        // When it is imported
        let r = try CLI.run(["import", "roster", gbk.path, "--db", db])
        // Then the name and village arrive as Chinese text
        #expect(r.status == 0, "\(r.out) \(r.err)")
        #expect(try Self.rosterLines(db).contains { $0.hasPrefix("欧阳测试,女,") && $0.contains(Self.village) })
    }

    @Test func monthlyReportAsWorkbookHasASheetPerPartAndCSVHasABOM() throws {
        let dir = CLI.tempDir()
        let xlsx = dir.appendingPathComponent("m.xlsx").path
        let r = try CLI.run(["report", "monthly", "--db", sharedDemo.path, "--month", "2026-11", "--format", "xlsx",
                             "--out", xlsx])
        #expect(r.status == 0, "\(r.err)")
        // Each sheet reads back through our own importer's reader: the not-visited list has names and villages
        let notVisited = try CLI.run(["import", "roster", xlsx, "--sheet", "未探访名单", "--db", sharedDemo.path,
                                      "--dry-run", "--json"])
        let json = try JSONSerialization.jsonObject(with: Data(notVisited.out.utf8)) as! [String: Any]
        let report = try CLI.run(["report", "monthly", "--db", sharedDemo.path, "--month", "2026-11", "--format", "json"])
        let total = (try JSONSerialization.jsonObject(with: Data(report.out.utf8)) as! [String: Any])
        let missed = (total["notVisited"] as? [Any])?.count ?? -1
        #expect(missed > 0)
        #expect(json["rows"] as? Int == missed)
        for sheet in ["按村", "按类别", "按方式", "跟进事项"] {
            let s = try CLI.run(["import", "roster", xlsx, "--sheet", sheet, "--db", sharedDemo.path, "--dry-run"])
            #expect(!s.err.contains("没有名为"), "sheet \(sheet) missing")
        }
        let missing = try CLI.run(["import", "roster", xlsx, "--sheet", "不存在", "--db", sharedDemo.path, "--dry-run"])
        #expect(missing.err.contains("没有名为“不存在”的工作表"))
        // And the CSV is UTF-8 with a BOM, one line per village then the total, each naming its month
        let csv = try CLI.run(["report", "monthly", "--db", sharedDemo.path, "--month", "2026-11", "--format", "csv"])
        #expect(csv.out.hasPrefix("\u{FEFF}月份,乡镇(街道),村(社区),已探访,应探访,探访率\r\n"))
        let lines = csv.out.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        #expect(lines.count == 2 + ((total["villages"] as? [Any])?.count ?? -1))
        #expect(lines.dropFirst().allSatisfy { $0.hasPrefix("2026-11,") })
        let sums = total["total"] as! [String: Any]
        #expect(lines.last?.hasPrefix("2026-11,合计,,\(sums["visited"] as! Int),\(sums["denominator"] as! Int),") == true, "\(lines.last ?? "")")
    }

    @Test func aMaskedExportReadBackSaysWhyEveryRowFails() throws {
        // Given the masked export of the demo ledger
        let (dir, db) = try Self.demoCopy()
        let file = dir.appendingPathComponent("masked.csv")
        let masked = try CLI.run(["export", "roster", "--db", db])
        try Self.write(masked.out, to: file)
        // When it is imported / Then it is refused, and the first line says the file is a masked export
        let r = try CLI.run(["import", "roster", file.path, "--db", db])
        #expect(r.status != 0)
        let lines = r.out.split(separator: "\n")
        #expect(lines.first?.contains("像是打码导出的文件") == true && lines.first?.contains("--unmasked") == true,
                "\(lines.prefix(2))")
        #expect(r.out.contains("身份证号码被打码（****），无法核对，不能导入"))
    }

    @Test func aMonthNobodyWasOwedAVisitShowsNoRate() throws {
        let r = try CLI.run(["report", "monthly", "--db", sharedDemo.path, "--month", "2020-01"])
        #expect(r.status == 0)
        #expect(r.out.contains("0 / 0 = —") && !r.out.contains("100.0%"))
    }

    @Test func monthlyReportWritesEveryTextFormatToOut() throws {
        let dir = CLI.tempDir()
        for format in ["table", "json", "csv"] {
            let args = ["report", "monthly", "--db", sharedDemo.path, "--month", "2026-11", "--format", format]
            let shown = try CLI.run(args)
            #expect(shown.status == 0 && !shown.out.isEmpty, "\(format) \(shown.err)")
            // With --out the file holds what standard output shows without it, readable by the owner only
            let path = dir.appendingPathComponent("monthly.\(format)").path
            let written = try CLI.run(args + ["--out", path])
            #expect(written.status == 0, "\(format) \(written.err)")
            #expect(written.out == "已写入 \(path)\n", "\(format)")
            let file = try #require(FileManager.default.contents(atPath: path), "\(format): no file")
            #expect(file == Data(shown.out.utf8), "\(format)")
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            #expect((attributes[.posixPermissions] as? Int) == 0o600, "\(format)")
            // A second run keeps the file someone may have annotated since, unless --force
            try Data("批注".utf8).write(to: URL(fileURLWithPath: path))
            let again = try CLI.run(args + ["--out", path])
            #expect(again.status != 0 && again.err.contains("已存在，未写入") && again.err.contains("--force"), "\(again.err)")
            #expect(FileManager.default.contents(atPath: path) == Data("批注".utf8))
            let forced = try CLI.run(args + ["--out", path, "--force"])
            #expect(forced.status == 0 && FileManager.default.contents(atPath: path) == Data(shown.out.utf8), "\(format)")
        }
    }

    @Test func exportMasksByDefaultAndRefusesUnmaskedWithoutTheRole() throws {
        let masked = try CLI.run(["export", "roster", "--db", sharedDemo.path])
        #expect(masked.status == 0)
        #expect(masked.out.contains("********"))
        #expect(masked.out.range(of: #"\d{17}[\dX]"#, options: .regularExpression) == nil)
        #expect(masked.out.range(of: #"1\d{10}"#, options: .regularExpression) == nil)
        let noUser = try CLI.run(["export", "roster", "--db", sharedDemo.path, "--unmasked"])
        #expect(noUser.status != 0 && noUser.err.contains("--user"))
        let supervisor = try CLI.run(["export", "roster", "--db", sharedDemo.path, "--unmasked", "--user", "李红梅",
                                      "--pin", "1111"])
        #expect(supervisor.status != 0 && supervisor.err.contains("无权"))
        #expect(supervisor.out.isEmpty)
        let wrongPIN = try CLI.run(["export", "roster", "--db", sharedDemo.path, "--unmasked", "--user", "王丽娟",
                                    "--pin", "9999"])
        #expect(wrongPIN.status != 0)
        let clerk = try CLI.run(["export", "roster", "--db", sharedDemo.path, "--unmasked", "--user", "王丽娟",
                                 "--pin", "2222"])
        #expect(clerk.status == 0)
        #expect(clerk.out.range(of: #"\d{17}[\dX]"#, options: .regularExpression) != nil)
    }

    @Test func backupAndRestoreThroughTheCLI() throws {
        let (dir, db) = try Self.demoCopy()
        let dest = dir.appendingPathComponent("copy.sqlite").path
        #expect(try CLI.run(["backup", "--db", db, dest]).status == 0)
        // A folder as the destination gets a copy inside it named after the ledger and the time
        // (three villages' copies on one stick are told apart); a file already there is refused
        let stick = dir.appendingPathComponent("stick")
        try FileManager.default.createDirectory(at: stick, withIntermediateDirectories: true)
        #expect(try CLI.run(["backup", "--db", db, stick.path]).status == 0)
        let copies = try FileManager.default.contentsOfDirectory(atPath: stick.path)
        #expect(copies.count == 1 && copies[0].range(of: #"^ledger-\d{8}-\d{4}\.sqlite$"#, options: .regularExpression) != nil,
                "\(copies)")
        // A second one within the minute gets -2 after the name rather than failing
        #expect(try CLI.run(["backup", "--db", db, stick.path]).status == 0)
        let twice = try FileManager.default.contentsOfDirectory(atPath: stick.path).sorted()
        #expect(twice.count == 2 && (twice.contains { $0.hasSuffix("-2.sqlite") } || twice[0].prefix(21) != twice[1].prefix(21)))
        #expect(try CLI.run(["backup", "--db", db, dest]).status != 0)
        let before = try Self.rosterLines(db)
        // A damaged file is refused and the ledger untouched
        let junk = dir.appendingPathComponent("junk.sqlite")
        try Data(repeating: 0x41, count: 4096).write(to: junk)
        let refused = try CLI.run(["restore", "--db", db, junk.path])
        #expect(refused.status != 0 && refused.err.contains("完整性检查"))
        // While a workstation has the ledger open the restore is refused, saying why, and nothing changes
        let workstation = try DatabasePool(path: db)
        try workstation.read { db in _ = try Int.fetchOne(db, sql: "SELECT count(*) FROM elder") }
        try withExtendedLifetime(workstation) {
            let busy = try CLI.run(["restore", "--db", db, dest])
            #expect(busy.status != 0 && busy.err.contains("正在使用中"), "\(busy.err)")
        }
        try workstation.close()
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix("ledger.sqlite.replaced-") }.isEmpty)
        // A change after the backup is undone by restoring it, and the replaced file is kept
        let file = dir.appendingPathComponent("r.csv")
        try Self.write("姓名,身份证号码\n王测试,\(Self.idA)\n", to: file)
        _ = try CLI.run(["import", "roster", file.path, "--db", db, "--village", Self.village])
        #expect(try Self.rosterLines(db).count == before.count + 1)
        let restored = try CLI.run(["restore", "--db", db, dest])
        #expect(restored.status == 0, "\(restored.err)")
        #expect(try Self.rosterLines(db) == before)
        let kept = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix("ledger.sqlite.replaced-") }
        #expect(kept.count == 1)
        #expect(try Self.rosterLines(dir.appendingPathComponent(kept[0]).path).count == before.count + 1)
    }

    @Test func aCommandLinesWrongPINCountsTheLastTries() throws {
        // Given a copy of the demo / When 王丽娟's PIN is mistyped on the command line
        let (_, db) = try Self.demoCopy()
        func attempt() throws -> String {
            try CLI.run(["export", "roster", "--db", db, "--unmasked", "--user", "王丽娟", "--pin", "9999"]).err
        }
        // Then the first two say only that it is wrong, the next two count down, the fifth says the pause
        for _ in 0..<2 { #expect(!(try attempt()).contains("再错")) }
        #expect(try attempt().contains("再错 2 次"))
        #expect(try attempt().contains("再错 1 次"))
        #expect(try attempt().contains("暂停"))
    }

    @Test func aBackupFolderThatCannotBeMadeIsSaidInTheUsersWords() throws {
        // Given a ledger whose backups/ cannot be made (a file of that name is in the way)
        let (dir, db) = try Self.demoCopy()
        try Data("x".utf8).write(to: dir.appendingPathComponent("backups"))
        // When it is backed up to the default place / Then the message names the folder, in Chinese
        let r = try CLI.run(["backup", "--db", db])
        #expect(r.status != 0)
        #expect(r.err.contains("不能建立文件夹") && r.err.contains("backups") && !r.err.contains("NSCocoaErrorDomain"), "\(r.err)")
    }

    @Test func mergingALedgerTwiceChangesNothing() throws {
        // Given a township copy and a village copy that imported one more person
        let (dir, town) = try Self.demoCopy()
        let village = dir.appendingPathComponent("village.sqlite").path
        #expect(try CLI.run(["backup", "--db", town, village]).status == 0)
        let file = dir.appendingPathComponent("r.csv")
        try Self.write("姓名,身份证号码\n王测试,\(Self.idA)\n", to: file)
        _ = try CLI.run(["import", "roster", file.path, "--db", village, "--village", Self.village])
        let before = try Self.rosterLines(town)
        // When the township merges it twice
        let first = try CLI.run(["merge", "--db", town, village, "--json"])
        let after = try Self.rosterLines(town)
        let second = try CLI.run(["merge", "--db", town, village, "--json"])
        // Then the person arrives once, and the second merge copies nothing
        #expect(first.status == 0 && second.status == 0, "\(first.err)")
        #expect(after.count == before.count + 1)
        #expect(try Self.rosterLines(town) == after)
        let o1 = try JSONSerialization.jsonObject(with: Data(first.out.utf8)) as! [[String: Any]]
        let o2 = try JSONSerialization.jsonObject(with: Data(second.out.utf8)) as! [[String: Any]]
        #expect((o1[0]["inserted"] as? [String: Int])?["elder"] == 1)
        #expect((o2[0]["inserted"] as? [String: Int])?.isEmpty == true)
        #expect((o2[0]["conflicts"] as? [Any])?.isEmpty == true)
    }

    @Test func aLaterChangeInTheVillageIsTakenAndCountedAsUpdated() throws {
        // Given a township with 王测试 (空巢), and a village copy that later finds him 独居
        let (dir, town) = try Self.demoCopy()
        let first = dir.appendingPathComponent("a.csv")
        try Self.write("姓名,身份证号码,类别\n王测试,\(Self.idA),空巢\n", to: first)
        #expect(try CLI.run(["import", "roster", first.path, "--db", town, "--village", Self.village]).status == 0)
        let village = dir.appendingPathComponent("village.sqlite").path
        #expect(try CLI.run(["backup", "--db", town, village]).status == 0)
        let second = dir.appendingPathComponent("b.csv")
        try Self.write("姓名,身份证号码,类别\n王测试,\(Self.idA),独居\n", to: second)
        #expect(try CLI.run(["import", "roster", second.path, "--db", village, "--village", Self.village]).status == 0)
        // When the township merges the village's ledger, twice
        let merged = try CLI.run(["merge", "--db", town, village])
        let again = try CLI.run(["merge", "--db", town, village])
        // Then the change is taken and said, not a conflict; the second merge takes nothing
        #expect(merged.status == 0, "\(merged.err)")
        #expect(merged.out.contains("更新 1 行（老年人 1）") && merged.out.contains("冲突 0 处"), "\(merged.out)")
        #expect(again.out.contains("复制 0 行（—），更新 0 行（—）") && again.out.contains("冲突 0 处"), "\(again.out)")
        let export = try Self.rosterLines(town).filter { $0.contains("王测试") }
        #expect(export.count == 1 && export[0].contains("独居"), "\(export)")
    }

    @Test func twoEldersWithOneIDNumberFromTwoLedgersAreSaidByTheMerge() throws {
        // Given a township and a village copy of it, each of which then enters 王测试 with one ID number
        let (dir, town) = try Self.demoCopy()
        let village = dir.appendingPathComponent("village.sqlite").path
        #expect(try CLI.run(["backup", "--db", town, village]).status == 0)
        for (db, name) in [(town, "a.csv"), (village, "b.csv")] {
            let file = dir.appendingPathComponent(name)
            try Self.write("姓名,身份证号码\n王测试,\(Self.idA)\n", to: file)
            #expect(try CLI.run(["import", "roster", file.path, "--db", db, "--village", Self.village]).status == 0)
        }
        // When the township merges the village's ledger
        let merged = try CLI.run(["merge", "--db", town, village])
        // Then the second record is copied, and the merge says the two share an ID number (never showing it)
        #expect(merged.status == 0, "\(merged.err)")
        #expect(merged.out.contains("复制 3 行（审计记录 2，老年人 1）") && merged.out.contains("身份证号相同 1 对"), "\(merged.out)")
        #expect(merged.out.contains("身份证号相同：“王测试”（\(Self.village)）与本台账的“王测试”（\(Self.village)）是同一个身份证号"),
                "\(merged.out)")
        #expect(!merged.out.contains(Self.idA))
        #expect(try Self.rosterLines(town).filter { $0.contains("王测试") }.count == 2)
    }

    @Test func aDemoLedgerIsNotMergedIntoOrRestoredOverARealOne() throws {
        // Given a real ledger set up from codes, and a copy of the demo
        let (_, real) = try SetupCommandTests.newLedger()
        let (dir, demo) = try Self.demoCopy()
        let places = try SetupCommandTests.places(real)
        // When the demo is merged into it / Then that is refused, naming the file, and nothing is written
        let merged = try CLI.run(["merge", "--db", real, demo])
        #expect(merged.status != 0 && merged.err.contains("\(demo) 是演示台账"), "\(merged.err)")
        let english = try CLI.run(["merge", "--db", real, demo, "--lang", "en"])
        #expect(english.status != 0 && english.err.contains("\(demo) is a demo ledger"), "\(english.err)")
        #expect(try SetupCommandTests.places(real) == places)
        // And no new ledger is made for it either
        let none = dir.appendingPathComponent("none.sqlite").path
        #expect(try CLI.run(["merge", "--db", none, demo]).status != 0)
        #expect(!FileManager.default.fileExists(atPath: none))
        // When the demo is restored over it / Then that is refused, saying how to insist
        let restored = try CLI.run(["restore", "--db", real, demo])
        #expect(restored.status != 0 && restored.err.contains("是真实台账") && restored.err.contains("--allow-demo"),
                "\(restored.err)")
        #expect(try SetupCommandTests.places(real) == places)
        // And with --allow-demo it is done, the real ledger kept beside it
        let insisted = try CLI.run(["restore", "--db", real, demo, "--allow-demo"])
        #expect(insisted.status == 0, "\(insisted.err)")
        #expect(try SetupCommandTests.places(real) != places)
    }

    @Test func dueRefusesAVillageOrVisitorNameThatMeansSeveral() throws {
        // Given 红旗村 and 张伟 name one village and one visitor, whose due lists show
        for args in [["--village", "红旗村"], ["--visitor", "张伟"]] {
            let one = try CLI.run(["due", "--db", sharedDemo.path] + args)
            #expect(one.status == 0, "\(args) \(one.err)")
        }
        // When a ledger with the same names is merged in
        let (_, db) = try Self.mergedCopy()
        // Then either name is refused in one line that says so, instead of showing one of the two
        let village = try CLI.run(["due", "--db", db, "--village", "红旗村"])
        #expect(village.status != 0)
        #expect(village.out.isEmpty)
        #expect(village.err.contains("有多个名为“红旗村”的村（社区）"))
        #expect(village.err.split(separator: "\n").count == 1)
        let visitor = try CLI.run(["due", "--db", db, "--visitor", "张伟", "--json"])
        #expect(visitor.status != 0)
        #expect(visitor.out.isEmpty)
        #expect(visitor.err.contains("有多个名为“张伟”的探访人员"))
        let english = try CLI.run(["due", "--db", db, "--village", "红旗村", "--lang", "en"])
        #expect(english.err.contains("Several villages are named \"红旗村\""))
        // And a name that is still unique still lists that visitor's elders
        let queue = try DatabaseQueue(path: db)
        let unique = try queue.read { db in
            try String.fetchAll(db, sql: "SELECT name FROM visitor GROUP BY name HAVING count(*) = 1")
        }
        try queue.close()
        let due = try CLI.run(["due", "--db", db, "--json"])
        let lines = try JSONSerialization.jsonObject(with: Data(due.out.utf8)) as! [[String: Any]]
        let name = try #require(lines.compactMap { $0["visitor"] as? String }.first { unique.contains($0) })
        let own = try CLI.run(["due", "--db", db, "--visitor", name, "--json"])
        #expect(own.status == 0, "\(own.err)")
        let ownLines = try JSONSerialization.jsonObject(with: Data(own.out.utf8)) as! [[String: Any]]
        #expect(!ownLines.isEmpty && ownLines.allSatisfy { $0["visitor"] as? String == name })
    }

    @Test func paperSheetsListEachDueElderWithTheFormAsBoxes() throws {
        let dir = CLI.tempDir()
        let due = try CLI.run(["due", "--db", sharedDemo.path, "--json"])
        let lines = try JSONSerialization.jsonObject(with: Data(due.out.utf8)) as! [[String: Any]]
        let visitor = try #require(lines.compactMap { $0["visitor"] as? String }.first)
        let out = dir.appendingPathComponent("sheets.txt").path
        let r = try CLI.run(["print", "sheets", "--db", sharedDemo.path, "--visitor", visitor, "--month", "2026-11",
                             "--out", out])
        #expect(r.status == 0, "\(r.err)")
        let text = try String(contentsOfFile: out, encoding: .utf8)
        let dueNames = lines.filter { $0["visitor"] as? String == visitor }.compactMap { $0["name"] as? String }
        for name in dueNames { #expect(text.contains("姓名：\(name)")) }
        #expect(text.contains("1. 表达能力：□1 清楚 □2 基本清楚 □3 表达困难 □4 不能表达"))
        #expect(text.contains("五、服务需求情况"))
        #expect(text.range(of: #"\d{17}[\dX]"#, options: .regularExpression) == nil)
    }

    @Test func paperSheetsRefuseAVisitorNameThatMeansSeveral() throws {
        // Given two visitors named 张伟 after a merge
        let (dir, db) = try Self.mergedCopy()
        let out = dir.appendingPathComponent("sheets.txt").path
        // When sheets are asked for 张伟 / Then one line says the name means several, and no file is written
        let r = try CLI.run(["print", "sheets", "--db", db, "--visitor", "张伟", "--month", "2026-11", "--out", out])
        #expect(r.status != 0)
        #expect(r.err.contains("有多个名为“张伟”的探访人员"))
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test func aPersonEnteredTwiceIsCombinedAndAVillageFileFromBeforeBringsNoSecondRecordBack() throws {
        // Given the demo ledger, where 萨拉木·吐尔逊 is registered in two villages with one ID number,
        // and a village's copy of it taken before anything is done
        let (dir, db) = try Self.demoCopy()
        let village = dir.appendingPathComponent("village.sqlite").path
        #expect(try CLI.run(["backup", "--db", db, village]).status == 0)
        #expect(try CLI.run(["redflags", "--db", db]).out.contains("疑似重复登记"))

        // When a dry run is asked for
        let dry = try CLI.run(["combine", "--db", db, "--dry-run"])
        // Then it names the person, what the two records give differently, and writes nothing
        #expect(dry.status == 0, "\(dry.err)")
        let line = try #require(dry.out.split(separator: "\n").first.map(String.init))
        #expect(line.contains(/^\S+：\S+村的另一份档案（探访 \d+ 次，跟进 \d+ 项）并入\S+村的档案$/), "\(dry.out)")
        #expect(dry.out.contains(/两份不同的所属村：保留“\S+村”，另一份为“\S+村”/))
        // Two villages' grids of one name are told apart by their village
        #expect(dry.out.contains(/两份不同的网格：保留“\S+村·\S+”，另一份为“\S+村·\S+”/))
        #expect(dry.out.contains("试运行，未写入：将有 1 份重复档案并入 1 位老人保留的档案"))
        #expect(try CLI.run(["redflags", "--db", db]).out.contains("疑似重复登记"))

        // When they are combined
        let done = try CLI.run(["combine", "--db", db])
        #expect(done.status == 0 && done.out.contains("已合并：1 份重复档案"), "\(done.out)\(done.err)")
        // Then the red flag is gone, and a second run finds nothing
        #expect(!(try CLI.run(["redflags", "--db", db]).out.contains("疑似重复登记")))
        #expect(try CLI.run(["combine", "--db", db]).out.contains("没有身份证号码相同、需要合并的档案"))
        let before = try Self.rosterLines(db).count

        // When the village's older copy, which still has both records, is merged
        let merged = try CLI.run(["merge", "--db", db, village])
        // Then no record comes back and nothing is in conflict
        #expect(merged.status == 0, "\(merged.err)")
        #expect(merged.out.contains("冲突 0 处") && !merged.out.contains("冲突："), "\(merged.out)")
        #expect(try Self.rosterLines(db).count == before)
        #expect(!(try CLI.run(["redflags", "--db", db]).out.contains("疑似重复登记")))
    }

    @Test func aMergeConflictNamesTheFieldAndBothValues() throws {
        // Given a village's copy of the ledger, and one elder's phone changed on both sides
        let (dir, db) = try Self.demoCopy()
        let village = dir.appendingPathComponent("village.sqlite").path
        #expect(try CLI.run(["backup", "--db", db, village]).status == 0)
        let id = try DatabaseQueue(path: db).read { db in
            try String.fetchOne(db, sql: "SELECT id FROM elder WHERE phone IS NOT NULL ORDER BY rowid LIMIT 1")
        }
        for (path, phone) in [(db, "13700002222"), (village, "13800001111")] {
            let queue = try DatabaseQueue(path: path)
            try queue.write { db in try db.execute(sql: "UPDATE elder SET phone = ? WHERE id = ?", arguments: [phone, id]) }
            try queue.close()
        }
        // When the village's file is merged
        let merged = try CLI.run(["merge", "--db", db, village])
        // Then the conflict says which field, and both values (masked)
        #expect(merged.status == 0, "\(merged.err)")
        #expect(merged.out.contains("的联系电话两边都改了：我方“137****2222”，对方“138****1111”。保留我方"), "\(merged.out)")
    }

    @Test func aDamagedFileAmongSeveralIsNamedAndTheOthersAreStillMerged() throws {
        // Given a damaged file before a good village file
        let (dir, db) = try Self.demoCopy()
        let broken = dir.appendingPathComponent("broken.sqlite")
        try Self.write("这不是台账", to: broken)
        let village = dir.appendingPathComponent("village.sqlite").path
        let made = try CLI.run(["demo", "--db", village, "--seed", "2026", "--elders", "5", "--months", "1"])
        #expect(made.status == 0, "\(made.err)")
        // When both are merged
        let r = try CLI.run(["merge", "--db", db, broken.path, village, "--json"])
        // Then the damaged one is named, the good one merged and reported, and the run fails
        #expect(r.status != 0)
        #expect(r.err.contains("broken.sqlite 不是完好的台账文件"), "\(r.err)")
        let outcomes = try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [[String: Any]]
        #expect(outcomes?.count == 1 && (outcomes?.first?["file"] as? String) == "village.sqlite", "\(r.out)")
    }
}
