import Foundation
import Testing
import TanfangCore
import TanfangUI
@testable import TanfangStore
@testable import tanfang

/// The screens' export and import requests, performed by the runtime on a copy of the demo ledger.
@Suite(.serialized) struct LedgerRuntimeExportTests {
    static func runtime() throws -> (LedgerRuntime, URL) {
        let (dir, db) = try DataCommandTests.demoCopy()
        let ctx = try Context(language: .zhHans)
        let runtime = LedgerRuntime(ledger: try ctx.openLedger(path: db), strings: ctx.strings, now: { ctx.now })
        return (runtime, dir)
    }

    @Test func redFlagsExportWritesKindElderVillageReasonCSV() throws {
        // Given the demo ledger / When the red flags are exported as CSV
        let (runtime, dir) = try Self.runtime()
        let path = dir.appendingPathComponent("预警.csv").path
        let response = runtime.perform(.exportRedFlags(format: .csv, path: path))
        // Then the file is written, UTF-8 with a BOM, with the five columns and a row per flag.
        #expect(response == .exported(path: path))
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(Array(data.prefix(3)) == [0xEF, 0xBB, 0xBF])
        let lines = String(decoding: data.dropFirst(3), as: UTF8.self).split(whereSeparator: \.isNewline)
        #expect(lines.first == "预警类别,对象,村(社区),责任人,原因")
        #expect(lines.count > 1)
        // An elder's flag names the elder's responsible visitor, whom a supervisor calls
        #expect(lines.dropFirst().contains { $0.split(separator: ",", omittingEmptySubsequences: false)[3].count > 0 })
        // And only its owner may read it, as the ledger
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }

    @Test func monthlyExportWritesAWorkbookAndAnUnwritablePathFails() throws {
        // Given the demo ledger / When this month's report is exported as xlsx
        let (runtime, dir) = try Self.runtime()
        let path = dir.appendingPathComponent("month.xlsx").path
        let month = WallClock.now().date.yearMonth
        #expect(runtime.perform(.exportMonthly(month: month, format: .xlsx, path: path)) == .exported(path: path))
        // Then it is a zip (an .xlsx workbook).
        #expect(Array(try Data(contentsOf: URL(fileURLWithPath: path)).prefix(2)) == [0x50, 0x4B])
        // When the folder does not exist / Then a message, not a crash.
        let bad = dir.appendingPathComponent("no/such/dir/m.csv").path
        guard case .failed(let message) = runtime.perform(.exportMonthly(month: month, format: .csv, path: bad)) else {
            Issue.record("expected a failure")
            return
        }
        #expect(message.contains("无法写入文件") && message.contains("no/such/dir 不存在"), "\(message)")
        // When CSV is chosen for a name ending in .xlsx / Then nothing is written and the clash is said
        let clash = dir.appendingPathComponent("m2.xlsx").path
        guard case .failed(let mismatch) = runtime.perform(.exportMonthly(month: month, format: .csv, path: clash)) else {
            Issue.record("expected a failure")
            return
        }
        #expect(mismatch.contains("请改文件名或格式") && !FileManager.default.fileExists(atPath: clash), "\(mismatch)")
    }

    @Test func redFlagsExportOnlyTheFlagsGiven() throws {
        // Given the demo ledger's flags / When two of them are exported (what a screen shows)
        let (runtime, dir) = try Self.runtime()
        guard case .redFlags(let flags, _, _)? = runtime.perform(.redFlags) else {
            Issue.record("no flags")
            return
        }
        let two = Array(flags.prefix(2))
        let path = dir.appendingPathComponent("two.csv").path
        #expect(runtime.perform(.exportRedFlags(format: .csv, path: path, only: two)) == .exported(path: path))
        // Then the file has the header and exactly those two rows.
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let lines = String(decoding: data.dropFirst(3), as: UTF8.self).split(whereSeparator: \.isNewline)
        #expect(lines.count == 3)
        #expect(flags.count > 2)
    }

    @Test func anExistingFileIsReplacedOnlyWhenAsked() throws {
        // Given a file already at the export's path
        let (runtime, dir) = try Self.runtime()
        let path = dir.appendingPathComponent("预警.csv").path
        try Data("keep me".utf8).write(to: URL(fileURLWithPath: path))
        // When the red flags are exported there / Then nothing is written and the answer names the file.
        #expect(runtime.perform(.exportRedFlags(format: .csv, path: path)) == .exportWouldReplace(path: path))
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "keep me")
        // When the export says to replace it / Then the file is the export.
        #expect(runtime.perform(.exportRedFlags(format: .csv, path: path, replace: true)) == .exported(path: path))
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)).prefix(3) == Data([0xEF, 0xBB, 0xBF]))
        // A folder is not a file to replace: the write says it is a folder (a file name is wanted).
        let month = WallClock.now().date.yearMonth
        guard case .failed(let message) = runtime.perform(.exportMonthly(month: month, format: .csv, path: dir.path)) else {
            Issue.record("expected a failure")
            return
        }
        #expect(message.contains("是一个文件夹：请写出文件名"), "\(message)")
    }

    @Test func aDraftTheLedgerIsTooBusyForIsKeptBackAndWrittenLater() throws {
        // Given the clerk logged in, and another program holding the ledger's write lock
        let (runtime, dir) = try Self.runtime()
        defer { try? FileManager.default.removeItem(at: dir) }
        guard case .users(let users)? = runtime.perform(.users),
              let clerk = users.first(where: { $0.name == "王丽娟" }),
              case .loggedIn? = runtime.perform(.login(userID: clerk.id, pin: "2222")) else {
            Issue.record("clerk login failed")
            return
        }
        let other = try Ledger(path: dir.appendingPathComponent("ledger.sqlite").path, rules: runtime.ledger.rules)
        // (found busy, drafts are kept back for a while without trying; none here, to see each try)
        runtime.busyPause = 0
        var answers: [DataResponse?] = []
        try other.holdingWriteLock {
            // When the sheet being typed asks for its draft twice
            answers.append(runtime.perform(.saveDraft(key: "visit.a", json: #"{"n":1}"#)))
            answers.append(runtime.perform(.saveDraft(key: "visit.a", json: #"{"n":2}"#)))
        }
        // Then no error interrupts the typing, and the latest draft is kept back
        #expect(answers.allSatisfy { $0 == nil })
        #expect(runtime.pendingDrafts == ["visit.a": #"{"n":2}"#])
        #expect(try runtime.ledger.draft(userID: clerk.id, key: "visit.a") == nil)
        // When the ledger is free again / Then the next request writes it
        _ = runtime.perform(.users)
        #expect(runtime.pendingDrafts.isEmpty)
        #expect(try runtime.ledger.draft(userID: clerk.id, key: "visit.a") == #"{"n":2}"#)
        // And a draft dropped while kept back (the sheet saved) is not written afterwards
        try other.holdingWriteLock {
            _ = runtime.perform(.saveDraft(key: "visit.b", json: "{}"))
        }
        #expect(runtime.pendingDrafts["visit.b"] == "{}")
        _ = runtime.perform(.deleteDraft(key: "visit.b"))
        runtime.writePendingDrafts(wait: nil)
        #expect(try runtime.ledger.draft(userID: clerk.id, key: "visit.b") == nil)
    }

    @Test func aClerksImportStaysInHerVillage() throws {
        // Given the clerk of 阿克达拉村 logged in, and an elder with an ID number in another village
        let (runtime, dir) = try Self.runtime()
        guard case .users(let users)? = runtime.perform(.users),
              let clerk = users.first(where: { $0.name == "王丽娟" }),
              case .loggedIn? = runtime.perform(.login(userID: clerk.id, pin: "2222")) else {
            Issue.record("clerk login failed")
            return
        }
        let today = LocalDate(year: 2026, month: 11, day: 23)!
        let all = try runtime.ledger.roster(RosterQuery(status: nil, limit: 1000, today: today)).rows
        let other = try #require(all.first { $0.villageName != DataCommandTests.village && $0.elder.idNumber != nil })
        // When her file has a new person of another village, and that elder (by ID number) listed in hers
        let file = dir.appendingPathComponent("others.csv")
        try DataCommandTests.write("姓名,性别,公民身份号码,村(社区)\n外村甲,女,\(DataCommandTests.idA),\(other.villageName)\n"
                                   + "\(other.elder.name),\(other.elder.gender == .male ? "男" : "女"),\(other.elder.idNumber!),"
                                   + "\(DataCommandTests.village)\n", to: file)
        guard case .importReport(let done) = runtime.perform(.importRoster(path: file.path, village: nil, skipInvalid: true)) else {
            Issue.record("expected a report")
            return
        }
        // Then the other village's row is a problem naming the village, nobody is added
        #expect(done.problems.contains { $0.line == 2 && $0.isError && $0.message.contains(other.villageName) })
        #expect(done.added == 0 && done.merged == 0)
        // And the other village's elder is left exactly as it was (a conflict says where they are)
        #expect(done.conflicts.contains { $0.contains(other.villageName) })
        let after = try #require(try runtime.ledger.elderFile(id: other.elder.id))
        #expect(after.elder == other.elder)
    }

    @Test func previewWritesNothingAndImportAddsTheValidRows() throws {
        // Given a CSV with one good row and one with a bad ID number
        let (runtime, dir) = try Self.runtime()
        let file = dir.appendingPathComponent("roster.csv")
        let badID = String(DataCommandTests.idB.dropLast()) + (DataCommandTests.idB.last == "1" ? "2" : "1")
        try DataCommandTests.write("姓名,性别,公民身份号码,村(社区),备用\n测试甲,女,\(DataCommandTests.idA),\(DataCommandTests.village),x\n"
                                   + "测试乙,女,\(badID),\(DataCommandTests.village),y\n", to: file)
        // When previewed / Then the mapping, a masked problem on line 3, and the counts of a dry run.
        guard case .importReport(let preview) = runtime.perform(.previewImport(path: file.path, village: nil)) else {
            Issue.record("expected a preview")
            return
        }
        #expect(!preview.written && !preview.refused)
        #expect(preview.columns.first == ImportReport.Column(header: "姓名", field: "name"))
        #expect(preview.rejectedLines == [3])
        #expect(preview.problems.contains { $0.line == 3 && $0.isError && !$0.value.contains(badID) && $0.value.contains("****") })
        #expect(preview.added == 1)
        // When previewed again / Then still one to add: the preview wrote nothing.
        guard case .importReport(let again) = runtime.perform(.previewImport(path: file.path, village: nil)) else { return }
        #expect(again.added == 1)
        // When imported skipping invalid rows / Then one added; a second import changes nothing.
        guard case .importReport(let done) = runtime.perform(.importRoster(path: file.path, village: nil, skipInvalid: true)) else { return }
        #expect(done.written && done.added == 1)
        guard case .importReport(let twice) = runtime.perform(.importRoster(path: file.path, village: nil, skipInvalid: true)) else { return }
        #expect(twice.added == 0 && twice.unchanged == 1)
        // Without skip-invalid the file is refused.
        guard case .importReport(let refused) = runtime.perform(.importRoster(path: file.path, village: nil, skipInvalid: false)) else { return }
        #expect(refused.refused && !refused.written)
    }
}
