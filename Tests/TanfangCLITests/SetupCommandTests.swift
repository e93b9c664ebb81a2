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
        let again = try CLI.run(["setup", "user", "刘芳", "--role", "gridWorker", "--area", "65402110020101",
                                 "--new-pin", "4444", "--db", db] + Self.admin)
        #expect(again.status == 0, "\(again.err)")
        #expect(again.out.contains("已更新用户 刘芳"))
        let visitors = try DatabaseQueue(path: db).read { try Int.fetchOne($0, sql: "SELECT count(*) FROM visitor") }
        #expect(visitors == 1)
        let list = try CLI.run(["setup", "list", "--db", db])
        #expect(list.out.contains("65402110020101  1组"))
        #expect(list.out.contains("刘芳    网格员"))
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
    }
}
