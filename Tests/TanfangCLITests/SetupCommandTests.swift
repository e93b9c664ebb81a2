import Foundation
import GRDB
import Testing

/// A real ledger set up from nothing: places from division codes, then logins and visitors.
@Suite(.serialized) struct SetupCommandTests {
    static let admin = ["--user", "周建华", "--pin", "0000"]

    /// A ledger with a county, a township, two villages and a grid, and an admin.
    static func newLedger() throws -> (dir: URL, db: String) {
        let dir = CLI.tempDir()
        let db = dir.appendingPathComponent("台账.sqlite").path
        let r = try CLI.run(["setup", "place", "654021", "伊宁县", "--db", db])
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out.contains("已添加县 654021 伊宁县"))
        // The national list's 12-digit form, children before their parents.
        let file = dir.appendingPathComponent("区划代码.csv")
        try Data("""
            统计用区划代码,名称
            65402110020101,1组
            654021100201,上吐鲁番于孜七村
            654021100000,吉里于孜镇
            654021100202,下吐鲁番于孜村

            """.utf8).write(to: file)
        let places = try CLI.run(["setup", "places", file.path, "--db", db])
        #expect(places.status == 0, "\(places.err)")
        let user = try CLI.run(["setup", "user", "周建华", "--role", "admin", "--area", "654021", "--new-pin", "0000",
                                "--db", db])
        #expect(user.status == 0, "\(user.err)")
        return (dir, db)
    }

    static func places(_ db: String) throws -> [[String]] {
        try DatabaseQueue(path: db).read { db in
            try Row.fetchAll(db, sql: "SELECT code, name, level FROM place ORDER BY code").map {
                [$0["code"], $0["name"], $0["level"]]
            }
        }
    }

    @Test func placesComeInParentsFirstAndRosterRowsFindTheirVillage() throws {
        // Given a ledger set up from codes
        let (dir, db) = try Self.newLedger()
        #expect(try Self.places(db) == [
            ["654021", "伊宁县", "county"], ["654021100", "吉里于孜镇", "township"],
            ["654021100201", "上吐鲁番于孜七村", "village"], ["65402110020101", "1组", "grid"],
            ["654021100202", "下吐鲁番于孜村", "village"],
        ])
        // When a clerk is added and the village's roster imported
        let clerk = try CLI.run(["setup", "user", "王丽娟", "--role", "clerk", "--area", "上吐鲁番于孜七村",
                                 "--new-pin", "2222", "--db", db] + Self.admin)
        #expect(clerk.status == 0, "\(clerk.err)")
        let roster = dir.appendingPathComponent("花名册.csv")
        try Data("姓名,身份证号码,村(社区)\n阿依古丽·买买提,\(DataCommandTests.idA),上吐鲁番于孜七村\n".utf8).write(to: roster)
        let imported = try CLI.run(["import", "roster", roster.path, "--db", db])
        #expect(imported.status == 0, "\(imported.err)")
        // Then the clerk's export has the elder
        let export = try CLI.run(["export", "roster", "--db", db, "--user", "王丽娟", "--pin", "2222", "--unmasked"])
        #expect(export.status == 0, "\(export.err)")
        #expect(export.out.contains("阿依古丽·买买提"))
        #expect(export.out.contains(DataCommandTests.idA))
    }

    @Test func oneWrongRowWritesNoPlace() throws {
        let (dir, db) = try Self.newLedger()
        let before = try Self.places(db)
        let file = dir.appendingPathComponent("乡镇.csv")
        try Data("代码,名称\n654021101,墩麻扎镇\n6540211012,阿热吾斯塘村\n".utf8).write(to: file)
        let r = try CLI.run(["setup", "places", file.path, "--db", db] + Self.admin)
        #expect(r.status != 0)
        #expect(r.err.contains("乡镇.csv:3"))
        #expect(r.err.contains("“6540211012”不是区划代码"))
        #expect(try Self.places(db) == before)
        // Several wrong rows are all named at once, in line order, and nothing is written
        let three = dir.appendingPathComponent("三处.csv")
        try Data("代码,名称\n654021101,墩麻扎镇\n6540211012,阿热吾斯塘村\n654021109201,无乡之村\n654021101201,\n".utf8).write(to: three)
        let all = try CLI.run(["setup", "places", three.path, "--db", db] + Self.admin)
        #expect(all.status != 0)
        let lines = all.err.split(separator: "\n").map(String.init)
        #expect(lines.filter { $0.hasPrefix("三处.csv:") }.map { $0.prefix(8) } == ["三处.csv:3", "三处.csv:4", "三处.csv:5"], "\(all.err)")
        #expect(all.err.contains("共 3 行有问题"))
        #expect(try Self.places(db) == before)
        // A village whose township is missing names the township to add.
        let orphan = try CLI.run(["setup", "place", "654021105201", "某村", "--db", db] + Self.admin)
        #expect(orphan.status != 0)
        #expect(orphan.err.contains("654021105201 的上级 654021105 不在台账中"))
    }

    @Test func onceThereIsALoginChangesNeedAnAdmin() throws {
        let (_, db) = try Self.newLedger()
        let anonymous = try CLI.run(["setup", "place", "654021101", "墩麻扎镇", "--db", db])
        #expect(anonymous.status != 0)
        #expect(anonymous.err.contains("请用 --user 和 --pin"))
        let wrongPIN = try CLI.run(["setup", "place", "654021101", "墩麻扎镇", "--db", db, "--user", "周建华", "--pin", "9999"])
        #expect(wrongPIN.status != 0)
        _ = try CLI.run(["setup", "user", "李红梅", "--role", "supervisor", "--area", "吉里于孜镇", "--new-pin", "1111",
                         "--db", db] + Self.admin)
        let supervisor = try CLI.run(["setup", "place", "654021101", "墩麻扎镇", "--db", db, "--user", "李红梅", "--pin", "1111"])
        #expect(supervisor.status != 0)
        #expect(supervisor.err.contains("不是管理员"))
        #expect(try Self.places(db).count == 5)
        // An admin of a township adds nothing in another one.
        _ = try CLI.run(["setup", "user", "赵刚", "--role", "admin", "--area", "吉里于孜镇", "--new-pin", "5555",
                         "--db", db] + Self.admin)
        let outside = try CLI.run(["setup", "place", "654021101", "墩麻扎镇", "--db", db, "--user", "赵刚", "--pin", "5555"])
        #expect(outside.status != 0)
        #expect(outside.err.contains("不在你的管辖范围（吉里于孜镇）内"))
        #expect(try Self.places(db).count == 5)
    }

    @Test func theFirstLoginIsAnAdminAndAPINIsNeeded() throws {
        let dir = CLI.tempDir()
        let db = dir.appendingPathComponent("l.sqlite").path
        _ = try CLI.run(["setup", "place", "654021", "伊宁县", "--db", db])
        _ = try CLI.run(["setup", "place", "654021100", "吉里于孜镇", "--db", db])
        _ = try CLI.run(["setup", "place", "654021100201", "上吐鲁番于孜七村", "--db", db])
        let clerk = try CLI.run(["setup", "user", "王丽娟", "--role", "clerk", "--area", "654021100201", "--new-pin", "2222", "--db", db])
        #expect(clerk.status != 0)
        #expect(clerk.err.contains("第一个用户必须是管理员"))
        // Not on a terminal, the PIN cannot be asked.
        let noPIN = try CLI.run(["setup", "user", "周建华", "--role", "admin", "--area", "654021", "--db", db])
        #expect(noPIN.status != 0)
        #expect(noPIN.err.contains("--new-pin"))
        let users = try DatabaseQueue(path: db).read { try Int.fetchOne($0, sql: "SELECT count(*) FROM user") }
        #expect(users == 0)
    }

    @Test func aGridWorkerGetsAVisitorRecordAndAClerkAVillage() throws {
        let (_, db) = try Self.newLedger()
        let township = try CLI.run(["setup", "user", "王丽娟", "--role", "clerk", "--area", "吉里于孜镇", "--new-pin", "2222",
                                    "--db", db] + Self.admin)
        #expect(township.status != 0)
        #expect(township.err.contains("村委会文书的范围应是村(社区)"))
        let grid = try CLI.run(["setup", "user", "刘芳", "--role", "网格员", "--area", "65402110020101", "--new-pin", "3333",
                                "--phone", "139-1234-5678", "--db", db] + Self.admin)
        #expect(grid.status == 0, "\(grid.err)")
        let row = try DatabaseQueue(path: db).read { db in
            try Row.fetchOne(db, sql: """
                SELECT v.name, v.role, v.phone, p.code FROM user u JOIN visitor v ON v.id = u.visitorId
                JOIN place p ON p.id = v.placeId WHERE u.name = '刘芳'
                """)
        }
        #expect(row?["role"] == "gridWorker")
        #expect(row?["phone"] == "13912345678")
        #expect(row?["code"] == "65402110020101")
        // Setting the same user again (a new PIN) keeps their one visitor record.
        // Adding a second 刘芳 is refused: she is there already
        let twice = try CLI.run(["setup", "user", "刘芳 ", "--role", "clerk", "--area", "654021100202",
                                 "--new-pin", "4444", "--db", db] + Self.admin)
        #expect(twice.status != 0)
        #expect(twice.err.contains("已有用户 刘芳（网格员，1组）"))
        let again = try CLI.run(["setup", "user", "刘芳", "--role", "gridWorker", "--area", "65402110020101",
                                 "--new-pin", "4444", "--change", "--db", db] + Self.admin)
        #expect(again.status == 0, "\(again.err)")
        #expect(again.out.contains("已更新用户 刘芳"))
        let visitors = try DatabaseQueue(path: db).read { try Int.fetchOne($0, sql: "SELECT count(*) FROM visitor") }
        #expect(visitors == 1)
        // Moved to another village with a new phone, her visitor record goes with her
        let moved = try CLI.run(["setup", "user", "刘芳", "--role", "gridWorker", "--area", "654021100202",
                                 "--phone", "13800001111", "--change", "--db", db] + Self.admin)
        #expect(moved.status == 0, "\(moved.err)")
        let visitor = try DatabaseQueue(path: db).read { db in
            try Row.fetchAll(db, sql: "SELECT v.phone, p.code FROM visitor v JOIN place p ON p.id = v.placeId")
                .map { "\($0["phone"] as String) \($0["code"] as String)" }
        }
        #expect(visitor == ["13800001111 654021100202"])
        // A new PIN alone keeps the role and area
        let pinOnly = try CLI.run(["setup", "user", "刘芳", "--new-pin", "9876", "--change", "--db", db] + Self.admin)
        #expect(pinOnly.status == 0, "\(pinOnly.err)")
        #expect(pinOnly.out.contains("已更新用户 刘芳（网格员，下吐鲁番于孜村）"))
        let newUser = try CLI.run(["setup", "user", "新人", "--new-pin", "9876", "--db", db] + Self.admin)
        #expect(newUser.err.contains("新用户需要 --role 和 --area"))
        // An area may be a village named with its township
        let named = try CLI.run(["setup", "user", "马文书", "--role", "clerk", "--area", "吉里于孜镇 下吐鲁番于孜村",
                                 "--new-pin", "1357", "--db", db] + Self.admin)
        #expect(named.status == 0, "\(named.err)")
        // The admin's PIN left out, not on a terminal
        let noPIN = try CLI.run(["setup", "user", "刘芳", "--new-pin", "1111", "--change", "--db", db, "--user", "周建华"])
        #expect(noPIN.err.contains("请用 --pin 给出 周建华 的 PIN"))
        let list = try CLI.run(["setup", "list", "--db", db])
        #expect(list.out.contains("65402110020101  1组"))
        #expect(list.out.contains("刘芳    网格员"))
    }

    @Test func anAdminChangesOnlyUsersOfTheirAreaAndTheLastAdminStays() throws {
        let (_, db) = try Self.newLedger()
        _ = try CLI.run(["setup", "place", "654021101", "墩麻扎镇", "--db", db] + Self.admin)
        _ = try CLI.run(["setup", "place", "654021101201", "团结村", "--db", db] + Self.admin)
        _ = try CLI.run(["setup", "user", "艾力", "--role", "clerk", "--area", "654021101201", "--new-pin", "7777",
                         "--db", db] + Self.admin)
        let township = try CLI.run(["setup", "user", "赵刚", "--role", "admin", "--area", "吉里于孜镇", "--new-pin", "5555",
                                    "--db", db] + Self.admin)
        #expect(township.status == 0, "\(township.err)")
        let zhao = ["--user", "赵刚", "--pin", "5555"]
        // The township's admin cannot pull the county's admin, or a clerk of another township, into theirs
        let county = try CLI.run(["setup", "user", "周建华", "--role", "admin", "--area", "吉里于孜镇", "--new-pin", "0001",
                                  "--change", "--db", db] + zhao)
        #expect(county.status != 0)
        #expect(county.err.contains("伊宁县 不在你的管辖范围（吉里于孜镇）内"))
        let other = try CLI.run(["setup", "user", "艾力", "--role", "clerk", "--area", "654021100201", "--new-pin", "0002",
                                 "--change", "--db", db] + zhao)
        #expect(other.status != 0)
        // The county's only admin cannot stop being one
        let demote = try CLI.run(["setup", "user", "周建华", "--role", "clerk", "--area", "654021100201", "--change",
                                  "--db", db] + Self.admin)
        #expect(demote.status != 0)
        #expect(demote.err.contains("周建华 是这一范围唯一的管理员"))
        // Every refusal left the logins as they were
        let users = try DatabaseQueue(path: db).read { db in
            try Row.fetchAll(db, sql: "SELECT u.name, u.role, p.code FROM user u JOIN place p ON p.id = u.areaId ORDER BY u.name")
                .map { "\($0["name"] as String) \($0["role"] as String) \($0["code"] as String)" }
        }
        #expect(users == ["周建华 admin 654021", "艾力 clerk 654021101201", "赵刚 admin 654021100"])
        let login = try CLI.run(["export", "roster", "--db", db, "--user", "周建华", "--pin", "0000", "--unmasked"])
        #expect(login.status == 0, "\(login.err)")
    }

    @Test func aDemoLedgerIsNotSetUpAndAFailedFirstCommandLeavesNoFile() throws {
        let dir = CLI.tempDir()
        let demo = dir.appendingPathComponent("demo.sqlite").path
        _ = try CLI.run(["demo", "--db", demo, "--elders", "20", "--months", "1"])
        let r = try CLI.run(["setup", "place", "654021100201", "上吐鲁番于孜七村", "--db", demo, "--user", "周建华", "--pin", "0000"])
        #expect(r.status != 0)
        #expect(r.err.contains("这是演示台账"))
        let fresh = dir.appendingPathComponent("new.sqlite").path
        let bad = try CLI.run(["setup", "place", "65402", "伊宁县", "--db", fresh])
        #expect(bad.status != 0)
        #expect(!FileManager.default.fileExists(atPath: fresh))
        let good = try CLI.run(["setup", "place", "６５４０２１", "伊宁县", "--db", fresh])
        #expect(good.status == 0, "\(good.err)")
        #expect(good.out.contains("已新建台账文件"))
        #expect(good.out.contains("已添加县 654021 伊宁县"))
    }

    @Test func aPlacesSheetWithATitleProvinceRowsAndACodeTwice() throws {
        let dir = CLI.tempDir()
        let db = dir.appendingPathComponent("l.sqlite").path
        let file = dir.appendingPathComponent("区划.csv")
        try Data("""
            2026年统计用区划代码,,
            统计用区划代码,城乡分类代码,单位名称
            650000000000,,新疆维吾尔自治区
            654000000000,,伊犁哈萨克自治州
            654021000000,,伊宁县
            654021100000,,吉里于孜镇

            """.utf8).write(to: file)
        let r = try CLI.run(["setup", "places", file.path, "--db", db])
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out.contains("已跳过省、地（州）级的行（台账从县开始）：区划.csv:3, 4"))
        #expect(try Self.places(db).map { $0[0] } == ["654021", "654021100"])
        try Data("代码,名称\n654021100201,上吐鲁番于孜七村\n654021100202,团结村\n654021100201,七村\n".utf8).write(to: file)
        let twice = try CLI.run(["setup", "places", file.path, "--db", db])
        #expect(twice.status != 0)
        #expect(twice.err.contains("区划.csv:4 代码 654021100201 在第 2 行已出现过"))
        #expect(try Self.places(db).count == 2)
    }

    @Test func rosterRowsNameAVillageByCodeOrWithItsTownshipWhenTwoShareAName() throws {
        // Given two townships with a 团结村 each
        let (dir, db) = try Self.newLedger()
        _ = try CLI.run(["setup", "place", "654021101", "墩麻扎镇", "--db", db] + Self.admin)
        _ = try CLI.run(["setup", "place", "654021101201", "上吐鲁番于孜七村", "--db", db] + Self.admin)
        let roster = dir.appendingPathComponent("花名册.csv")
        // When rows name them by code and by township and village
        try Data("""
            姓名,身份证号码,村(社区)
            甲,\(DataCommandTests.idA),654021100201
            乙,\(DataCommandTests.idB),墩麻扎镇 上吐鲁番于孜七村

            """.utf8).write(to: roster)
        let r = try CLI.run(["import", "roster", roster.path, "--db", db, "--json"])
        #expect(r.status == 0, "\(r.err)")
        // Then each goes to the right one
        let rows = try DatabaseQueue(path: db).read { db in
            try Row.fetchAll(db, sql: "SELECT e.name, p.code FROM elder e JOIN place p ON p.id = e.villageId ORDER BY e.name")
                .map { "\($0["name"] as String) \($0["code"] as String)" }
        }
        #expect(rows == ["乙 654021101201", "甲 654021100201"])
        // And the bare name is refused with what to write instead
        try Data("姓名,身份证号码,村(社区)\n丙,\(DataCommandTests.idNumber("19480101", "231")),上吐鲁番于孜七村\n".utf8).write(to: roster)
        let bare = try CLI.run(["import", "roster", roster.path, "--db", db])
        #expect(bare.status != 0)
        #expect((bare.out + bare.err).contains("请写村的区划代码（12 位），或“乡镇名+村名”"))
    }

    @Test func theParsersMessagesAreInChineseUnlessEnglishIsAsked() throws {
        let missing = try CLI.run(["setup", "place", "654021", "--db", "/nonexistent/x.sqlite"])
        #expect(missing.status == 64)
        #expect(missing.err.hasPrefix("缺少 <name>\n"), "\(missing.err)")
        #expect(missing.err.contains("用法：tanfang setup place"))
        #expect(!missing.err.contains("Error:"))
        let typo = try CLI.run(["due", "--vilage", "X"])
        #expect(typo.err.hasPrefix("不认识的选项 --vilage，是不是 --village？"))
        let value = try CLI.run(["report", "monthly", "--format", "pdf"])
        #expect(value.err.hasPrefix("“pdf”不是 --format <format> 可用的值（可用：table、csv、xlsx、json）"))
        let month = try CLI.run(["report", "monthly", "--month", "2026-13"])
        #expect(month.err.hasPrefix("--month 应写成 年-月，如 2026-11（不是“2026-13”）"), "\(month.err)")
        let english = try CLI.run(["due", "--vilage", "X", "--lang", "en"])
        #expect(english.err.hasPrefix("Error: Unknown option '--vilage'"))
    }

    @Test func villageLedgersSetUpApartMergeIntoOneSetOfPlaces() throws {
        // Given the township's ledger and a village's, each set up from the same codes
        let (_, township) = try Self.newLedger()
        let (_, village) = try Self.newLedger()
        // When the village's is merged into the township's
        let merged = try CLI.run(["merge", "--db", township, village])
        #expect(merged.status == 0, "\(merged.err)")
        // Then each place is there once
        #expect(try Self.places(township).count == 5)
        // And the admin set up in both (same name, role and area) is the same person: no conflict
        #expect(merged.out.contains("冲突 0 处"), "\(merged.out)")
        // A clerk of one name in two villages is named with both posts, and not copied
        _ = try CLI.run(["setup", "user", "王芳", "--role", "clerk", "--area", "654021100201", "--new-pin", "1111",
                         "--db", township] + Self.admin)
        _ = try CLI.run(["setup", "user", "王芳", "--role", "clerk", "--area", "654021100202", "--new-pin", "2222",
                         "--db", village] + Self.admin)
        let again = try CLI.run(["merge", "--db", township, village])
        #expect(again.out.contains("未合并：用户 “王芳（村委会文书，上吐鲁番于孜七村）”（对方为“王芳（村委会文书，下吐鲁番于孜村）”）"),
                "\(again.out)")
        // One elder in a ledger and its copy, each later given the roster under another file name:
        // the elder's sources are joined, not a conflict
        let dir = CLI.tempDir()
        let first = dir.appendingPathComponent("乡镇花名册.csv")
        try Data("姓名,身份证号码,村(社区)\n甲,\(DataCommandTests.idA),654021100201\n".utf8).write(to: first)
        #expect(try CLI.run(["import", "roster", first.path, "--db", township]).status == 0)
        let copy = dir.appendingPathComponent("copy.sqlite").path
        #expect(try CLI.run(["backup", "--db", township, copy]).status == 0)
        let second = dir.appendingPathComponent("村花名册.csv")
        try Data("姓名,身份证号码,村(社区)\n甲,\(DataCommandTests.idA),654021100201\n".utf8).write(to: second)
        #expect(try CLI.run(["import", "roster", second.path, "--db", copy]).status == 0)
        let third = try CLI.run(["merge", "--db", township, copy])
        #expect(!third.out.contains("冲突："), "\(third.out)")
        let sources = try DatabaseQueue(path: township).read { try String.fetchOne($0, sql: "SELECT sources FROM elder") }
        #expect(sources == #"["乡镇花名册.csv","村花名册.csv"]"#)
    }
}
