import Foundation
import Testing
import GRDB

/// Runs the real `tanfang` binary, as a script or a clerk's shell would.
struct CLI {
    /// The test runner sits next to the executable in the build products folder.
    static let binary: URL = {
        var candidates = ProcessInfo.processInfo.arguments.prefix(1).map {
            URL(fileURLWithPath: $0).deletingLastPathComponent()
        }
        candidates += Bundle.allBundles.map { URL(fileURLWithPath: $0.bundlePath).deletingLastPathComponent() }
        candidates.append(URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent(".build/debug"))
        for dir in candidates {
            let url = dir.appendingPathComponent("tanfang")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return candidates[0].appendingPathComponent("tanfang")
    }()

    struct Result {
        let status: Int32
        let out: String
        let err: String
    }

    static func run(_ args: [String], env extra: [String: String] = [:]) throws -> Result {
        let p = Process()
        p.executableURL = binary
        p.arguments = args
        var env = ProcessInfo.processInfo.environment
        env["TANFANG_TODAY"] = "2026-11-23"
        env["LANG"] = "C.UTF-8"
        env.removeValue(forKey: "TANFANG_DB")
        for (k, v) in extra { env[k] = v }
        p.environment = env
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Result(status: p.terminationStatus, out: String(decoding: o, as: UTF8.self),
                      err: String(decoding: e, as: UTF8.self))
    }

    static func tempDir() -> URL {
        let dir = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("tanfang-cli-\(UUID())")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }
}

/// One demo ledger shared by the read-only command tests (building it takes a few seconds).
let sharedDemo: URL = {
    let db = CLI.tempDir().appendingPathComponent("demo.sqlite")
    _ = try? CLI.run(["demo", "--db", db.path, "--seed", "7"])
    return db
}()

@Suite(.serialized) struct CLITests {
    @Test func idCheckReportsEachNumberAndExitsNonZeroOnAnyInvalid() throws {
        // Given one valid number, one with a wrong check character and an impossible date
        let r = try CLI.run(["id-check", "11010519491231002X", "110105194912310021", "11010519490230002X"])
        // Then each gets its own line, with the derived facts or the reason, and the status is 1
        #expect(r.status == 1)
        let lines = r.out.split(separator: "\n").map(String.init)
        #expect(lines == [
            "11010519491231002X  有效  出生日期 1949-12-31  性别 女",
            "110105194912310021  无效：身份证号码校验位不正确，请核对",
            "11010519490230002X  无效：身份证号码中的出生日期无效（不存在、早于1880年或晚于今天）",
        ])
    }

    @Test func idCheckNormalizesAndConvertsFifteenDigits() throws {
        let r = try CLI.run(["id-check", "--json", " 11010519491231002x", "110105491231002"])
        #expect(r.status == 0)
        let json = try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as! [[String: Any]]
        #expect(json.map { $0["normalized"] as? String } == ["11010519491231002X", "11010519491231002X"])
        #expect(json.map { $0["convertedFrom15"] as? Bool } == [false, true])
    }

    @Test func aMissingLedgerIsOneClearLineNotATrace() throws {
        let db = CLI.tempDir().appendingPathComponent("none.sqlite").path
        let r = try CLI.run(["redflags", "--db", db])
        #expect(r.status != 0)
        #expect(r.err.hasPrefix("找不到台账文件"))
        #expect(r.err.split(separator: "\n").count == 1)
        #expect(!FileManager.default.fileExists(atPath: db))
        // The workstation too: a mistyped path is not made into a new ledger without users
        let typo = CLI.tempDir().appendingPathComponent("no-such-dir/ledger.sqlite").path
        let ui = try CLI.run(["ui", "--db", typo])
        #expect(ui.status != 0 && ui.err.contains("找不到台账文件"))
        #expect(!FileManager.default.fileExists(atPath: (typo as NSString).deletingLastPathComponent))
        // And an empty file (a failed copy) is no ledger: said, and left empty
        let empty = CLI.tempDir().appendingPathComponent("empty.sqlite").path
        #expect(FileManager.default.createFile(atPath: empty, contents: Data()))
        let e = try CLI.run(["report", "monthly", "--db", empty])
        #expect(e.status != 0 && e.err.hasPrefix("台账文件已损坏，或不是探访台账文件"), "\(e.err)")
        #expect((try FileManager.default.attributesOfItem(atPath: empty)[.size] as? Int) == 0)
    }

    @Test func anUnknownLanguageIsRefused() throws {
        let r = try CLI.run(["redflags", "--lang", "fr"], env: ["LANG": "zh_CN.UTF-8"])
        #expect(r.status != 0)
        #expect(r.err.contains("--lang 只能是 zh（中文）或 en（English），不是“fr”"))
        let en = try CLI.run(["redflags", "--lang", "zz"], env: ["LANG": "en_US.UTF-8"])
        #expect(en.status != 0 && en.err.contains("not \"zz\""))
    }

    @Test func aLedgerFromANewerVersionIsRefusedInTheUsersLanguage() throws {
        // Given a ledger a newer tanfang has upgraded
        let db = CLI.tempDir().appendingPathComponent("newer.sqlite")
        _ = try CLI.run(["demo", "--db", db.path, "--elders", "20", "--months", "1"])
        let queue = try DatabaseQueue(path: db.path)
        try queue.write { try $0.execute(sql: "INSERT INTO grdb_migrations VALUES ('v99-from-the-future')") }
        try queue.close()
        // When a command opens it / Then one line says so, in Chinese by default and English on request
        let zh = try CLI.run(["redflags", "--db", db.path])
        #expect(zh.status != 0)
        #expect(zh.err.contains("更新版本") && zh.err.split(separator: "\n").count <= 2)
        let en = try CLI.run(["redflags", "--db", db.path, "--lang", "en"])
        #expect(en.status != 0 && en.err.contains("newer version"))
    }

    @Test func demoLedgerIsOwnerOnlyAndRefusesToOverwrite() throws {
        let attributes = try FileManager.default.attributesOfItem(atPath: sharedDemo.path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let again = try CLI.run(["demo", "--db", sharedDemo.path])
        #expect(again.status != 0)
        #expect(again.err.contains("--force"))
    }

    @Test func redFlagsOnTheDemoLedgerCoverEveryKind() throws {
        // Given the demo ledger (it plants every kind of failure a supervisor looks for)
        let r = try CLI.run(["redflags", "--db", sharedDemo.path, "--json"])
        #expect(r.status == 0)
        let json = try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as! [[String: Any]]
        let kinds = Set(json.compactMap { $0["kind"] as? String })
        // Then every kind appears, each with a readable reason and never a raw ID number
        for kind in ["overdueVisit", "followUpOverdue", "emergencyNotClosed", "highRiskNoHomeVisit",
                     "disabledRemoteOnly", "copiedAnswers", "implausibleNoProblems", "missingIDNumber",
                     "invalidIDNumber", "duplicatePerson", "deceasedStillActive", "villageLowVisitRate"] {
            #expect(kinds.contains(kind), "missing red flag kind \(kind)")
        }
        for flag in json {
            let reason = flag["reason"] as? String ?? ""
            #expect(!reason.isEmpty)
            #expect(reason.range(of: #"\d{17}[\dX]"#, options: .regularExpression) == nil)
        }
    }

    @Test func redFlagsFilterByKind() throws {
        let r = try CLI.run(["redflags", "--db", sharedDemo.path, "--kind", "copiedAnswers", "--json"])
        let json = try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as! [[String: Any]]
        #expect(!json.isEmpty)
        #expect(json.allSatisfy { $0["kind"] as? String == "copiedAnswers" })
    }

    @Test func monthlyReportAddsUp() throws {
        let r = try CLI.run(["report", "monthly", "--db", sharedDemo.path, "--month", "2026-10", "--format", "json"])
        #expect(r.status == 0)
        let json = try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as! [String: Any]
        let total = json["total"] as! [String: Any]
        let villages = json["villages"] as! [[String: Any]]
        // The county total is the sum of the villages, and the not-visited list is the difference
        #expect(total["denominator"] as? Int == villages.map { $0["denominator"] as! Int }.reduce(0, +))
        #expect(total["visited"] as? Int == villages.map { $0["visited"] as! Int }.reduce(0, +))
        let notVisited = (json["notVisited"] as! [Any]).count
        #expect(notVisited == (total["denominator"] as! Int) - (total["visited"] as! Int))
        #expect((total["denominator"] as! Int) > 200)
        // And villages and elders are named, not only identified
        #expect(villages.allSatisfy { !(($0["village"] as? String) ?? "").isEmpty && !(($0["township"] as? String) ?? "").isEmpty })
        let missed = json["notVisited"] as! [[String: Any]]
        #expect(missed.allSatisfy { !(($0["name"] as? String) ?? "").isEmpty && $0["elderID"] is String })
        // And the table names each of them under the count (it gave the count alone)
        let table = try CLI.run(["report", "monthly", "--db", sharedDemo.path, "--month", "2026-10"])
        let lines = table.out.components(separatedBy: "\n")
        let count = try #require(lines.firstIndex { $0.hasPrefix("当月未探访 \(notVisited) 人") })
        #expect(lines[count + 1].hasPrefix("姓名"))
        let listed = lines[(count + 2)...].filter { !$0.isEmpty }
        #expect(listed.count == notVisited)
        #expect(Set(listed.map { String($0.split(separator: " ")[0]) }) == Set(missed.map { $0["name"] as! String }))
    }

    @Test func aMonthWithNobodyOwedAVisitHasNoRateInTheFiles() throws {
        // Given a month long before the demo ledger's first elder, as CSV
        let r = try CLI.run(["report", "monthly", "--db", sharedDemo.path, "--month", "2020-01", "--format", "csv"])
        #expect(r.status == 0, "\(r.err)")
        // Then each village's rate cell is "—" (0 of 0), never 100.0%
        let rows = r.out.components(separatedBy: "\r\n").dropFirst().filter { !$0.isEmpty }
        #expect(!rows.isEmpty && rows.allSatisfy { $0.hasSuffix(",0,0,—") }, "\(rows.prefix(2))")
        // And JSON gives no rate, and the table's bars are empty
        let json = try CLI.run(["report", "monthly", "--db", sharedDemo.path, "--month", "2020-01", "--format", "json"])
        let object = try JSONSerialization.jsonObject(with: Data(json.out.utf8)) as! [String: Any]
        #expect((object["total"] as! [String: Any])["rate"] == nil)
        #expect((object["villages"] as! [[String: Any]]).allSatisfy { $0["rate"] == nil })
        let table = try CLI.run(["report", "monthly", "--db", sharedDemo.path, "--month", "2020-01"])
        #expect(!table.out.contains("█") && table.out.contains(String(repeating: "░", count: 20)), "\(table.out.prefix(400))")
        // And a median with nothing to measure is a dash, without a unit after it
        #expect(table.out.contains("办结用时中位数 —\n"), "\(table.out.suffix(200))")
    }

    @Test func anOutPathWhoseFolderIsMissingOrAFileIsSaid() throws {
        let dir = CLI.tempDir()
        // A folder not there is named
        let missing = dir.appendingPathComponent("nodir/sub/m.csv").path
        let r = try CLI.run(["report", "monthly", "--db", sharedDemo.path, "--month", "2026-10", "--format", "csv", "--out", missing])
        #expect(r.status != 0 && r.err.contains("文件夹 \(dir.path)/nodir/sub 不存在"), "\(r.err)")
        // A file where a folder should be is said to be one
        let file = dir.appendingPathComponent("a.csv")
        #expect(FileManager.default.createFile(atPath: file.path, contents: Data("x".utf8)))
        let f = try CLI.run(["report", "monthly", "--db", sharedDemo.path, "--month", "2026-10", "--format", "csv",
                             "--out", file.appendingPathComponent("m.csv").path])
        #expect(f.status != 0 && f.err.contains("\(file.path) 是文件，不是文件夹"), "\(f.err)")
    }

    @Test func redFlagsAndTheMonthlyReportForOneTownship() throws {
        // Given the county's figures and one township's name
        let township = try #require(try DatabaseQueue(path: sharedDemo.path).read {
            try String.fetchOne($0, sql: "SELECT name FROM place WHERE level = 'township' ORDER BY code LIMIT 1")
        })
        let county = try CLI.run(["report", "monthly", "--db", sharedDemo.path, "--month", "2026-10", "--format", "json"])
        let all = try JSONSerialization.jsonObject(with: Data(county.out.utf8)) as! [String: Any]
        let ours = (all["villages"] as! [[String: Any]]).filter { $0["township"] as? String == township }
        // When the report is asked for that township / Then it holds its villages, and its total is theirs
        let r = try CLI.run(["report", "monthly", "--db", sharedDemo.path, "--month", "2026-10", "--format", "json", "--area", township])
        #expect(r.status == 0, "\(r.err)")
        let json = try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as! [String: Any]
        let villages = json["villages"] as! [[String: Any]]
        #expect(!ours.isEmpty && villages.count == ours.count && villages.allSatisfy { $0["township"] as? String == township })
        #expect((json["total"] as! [String: Any])["denominator"] as? Int == ours.map { $0["denominator"] as! Int }.reduce(0, +))
        // And the red-flag list narrowed to it holds no other township's villages
        let flags = try CLI.run(["redflags", "--db", sharedDemo.path, "--json", "--area", township])
        let everywhere = try CLI.run(["redflags", "--db", sharedDemo.path, "--json"])
        let names = Set(ours.map { $0["village"] as! String })
        let narrowed = try JSONSerialization.jsonObject(with: Data(flags.out.utf8)) as! [[String: Any]]
        let wide = try JSONSerialization.jsonObject(with: Data(everywhere.out.utf8)) as! [[String: Any]]
        #expect(!narrowed.isEmpty && narrowed.count < wide.count)
        #expect(narrowed.allSatisfy { names.contains($0["village"] as? String ?? "") })
        // And an unknown area is said
        let unknown = try CLI.run(["redflags", "--db", sharedDemo.path, "--area", "没有这个镇"])
        #expect(unknown.status != 0 && unknown.err.contains("没有名为“没有这个镇”的乡镇"), "\(unknown.err)")
    }

    @Test func monthlyReportRejectsABadMonth() throws {
        let r = try CLI.run(["report", "monthly", "--db", sharedDemo.path, "--month", "2026-13"])
        #expect(r.status != 0)
        #expect(r.err.contains("--month 应写成 年-月"))
        let en = try CLI.run(["report", "monthly", "--db", sharedDemo.path, "--month", "2026-13", "--lang", "en"])
        #expect(en.err.contains("YYYY-MM"))
    }

    @Test func monthlyReportRefusesAMonthThatHasNotBegun() throws {
        // Given today is 2026-11-23, when a later month is asked for, as a workbook
        let out = CLI.tempDir().appendingPathComponent("m.xlsx").path
        let r = try CLI.run(["report", "monthly", "--db", sharedDemo.path, "--month", "2027-03", "--format", "xlsx",
                             "--out", out])
        // Then one line refuses it and nothing is written
        #expect(r.status != 0)
        #expect(r.out.isEmpty)
        #expect(r.err.contains("2027-03 尚未开始") && r.err.contains("（2026-11）"))
        #expect(r.err.split(separator: "\n").count == 1)
        #expect(!FileManager.default.fileExists(atPath: out))
        // The next month is already too late, in either language; this month is allowed
        let next = try CLI.run(["report", "monthly", "--db", sharedDemo.path, "--month", "2026-12", "--lang", "en"])
        #expect(next.status != 0 && next.err.contains("2026-12 has not begun"))
        let current = try CLI.run(["report", "monthly", "--db", sharedDemo.path, "--month", "2026-11"])
        #expect(current.status == 0, "\(current.err)")
        #expect(current.out.hasPrefix("2026-11 月度探访统计"))
        #expect(current.out.contains("本月尚未结束：截至 2026-11-23"), "\(current.out.prefix(200))")
    }

    @Test func dueListsOnlyDueOrOverdueActiveElders() throws {
        let r = try CLI.run(["due", "--db", sharedDemo.path, "--json"])
        #expect(r.status == 0)
        let json = try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as! [[String: Any]]
        #expect(!json.isEmpty)
        #expect(json.allSatisfy { ["dueSoon", "overdue"].contains($0["state"] as? String) })
        let dues = json.compactMap { $0["due"] as? String }
        #expect(dues == dues.sorted())
        let overdue = try CLI.run(["due", "--db", sharedDemo.path, "--overdue", "--json"])
        let o = try JSONSerialization.jsonObject(with: Data(overdue.out.utf8)) as! [[String: Any]]
        #expect(o.allSatisfy { ($0["daysLate"] as? Int ?? 0) > 0 })
    }

    @Test func unknownVillageIsReported() throws {
        let r = try CLI.run(["due", "--db", sharedDemo.path, "--village", "不存在村"])
        #expect(r.status != 0)
        #expect(r.err.contains("不存在村"))
    }

    @Test func visitsPrintEveryAnswerReadably() throws {
        // Given a demo elder who has been visited (the first on the due list), her last visit in English
        let due = try CLI.run(["due", "--db", sharedDemo.path, "--json"])
        let list = try JSONSerialization.jsonObject(with: Data(due.out.utf8)) as? [[String: Any]] ?? []
        let name = try #require(list.first { $0["lastVisit"] is String }?["elderID"] as? String)
        let r = try CLI.run(["visits", "--db", sharedDemo.path, "--elder", name, "--last", "1", "--lang", "en"])
        #expect(r.status == 0, "\(r.err)")
        let lines = r.out.split(separator: "\n").map(String.init)
        // Then the visit line says whether the elder was seen, and every answer is apart from its label
        #expect(lines.contains { $0.hasPrefix("20") && ($0.hasSuffix("  seen in person") || $0.hasSuffix("not seen in person")) })
        let answers = lines.filter { $0.hasPrefix("  ") && !$0.hasPrefix("   ") }
        #expect(!answers.isEmpty)
        #expect(answers.allSatisfy { $0.dropFirst(2).contains("  ") }, "\(answers)")
        #expect(!r.out.contains("、"))
        // And --last 0 is refused, not answered with "no visits yet"
        let none = try CLI.run(["visits", "--db", sharedDemo.path, "--elder", name, "--last", "0"])
        #expect(none.status != 0 && none.err.contains("--last 至少为 1"), "\(none.err)")
    }

    @Test func englishOnRequest() throws {
        let r = try CLI.run(["id-check", "--lang", "en", "11010519491231002X"])
        #expect(r.out.contains("valid  born 1949-12-31  Female"))
    }
}
