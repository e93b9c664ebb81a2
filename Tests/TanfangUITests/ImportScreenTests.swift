import Foundation
import Testing
import TanfangCore
@testable import TanfangUI

@Suite struct ImportScreenTests {
    static let preview = ImportReport(
        file: "花名册.csv", rows: 3,
        columns: [.init(header: "姓名", field: "name"), .init(header: "公民身份号码", field: "idNumber"),
                  .init(header: "爱好", field: nil)],
        problems: [.init(line: 3, column: "公民身份号码", value: "650102********1234", message: "身份证号码校验位不对",
                         isError: true)],
        rejectedLines: [3], refused: false, added: 1, merged: 1, unchanged: 0)

    static func harness(_ user: User? = Fx.clerk, language: Language = .zhHans, width: Int = 80,
                        height: Int = 24) -> ScreenHarness<ImportScreen> {
        var h = ScreenHarness(ImportScreen(), env: Fx.env(user, language: language), width: width, height: height)
        h.start()
        return h
    }

    @Test func keymapsHaveNoConflicts() {
        #expect(ImportScreen.keymap.conflicts.isEmpty)
        #expect(ImportScreen.pathKeymap.conflicts.isEmpty)
        #expect(RosterScreen.keymap.conflicts.isEmpty)
    }

    @Test func pathThenEnterAsksForAPreview() {
        // Given the path step / When a path is typed and Enter pressed / Then a dry-run preview is requested.
        var h = Self.harness()
        #expect(h.screen.capturesText)
        h.type("~/下载/花名册.csv")
        #expect(h.lines()[0] == "文件： ~/下载/花名册.csv")
        h.send(.enter)
        #expect(h.requests == [.previewImport(path: "~/下载/花名册.csv", village: nil)])
        #expect(h.lines()[2] == "正在检查文件…")
    }

    @Test func previewShowsMappingProblemsAndCountsThenEnterImportsValidRows() throws {
        // Given a preview with one bad row
        var h = Self.harness()
        h.type("a.csv")
        h.send(.enter)
        h.deliver(.importReport(Self.preview))
        let lines = h.lines()
        // Then the counts, the masked problem first (what the clerk must act on), then the mapping
        // (header → field, ignored columns said)
        #expect(lines[2] == "花名册.csv：共 3 行，其中 1 行有错误")
        #expect(lines[3] == "将新增 1 人，合并 1 人，无变化 0 人，冲突 0 处")
        #expect(lines[7] == "  行 列               值                      原因")
        #expect(lines[8] == "   3 公民身份号码     650102********1234      身份证号码校验位不对")
        let mapping = try #require(lines.firstIndex { $0.hasPrefix("公民身份号码") && $0.contains("身份证号码") })
        #expect(mapping > 8 && lines.contains { $0.hasPrefix("爱好") && $0.contains("（忽略）") })
        #expect(!h.screen.capturesText)
        // When Enter / Then the import runs, skipping the invalid rows.
        h.send(.enter)
        #expect(h.requests.last == .importRoster(path: "a.csv", village: nil, skipInvalid: true))
        // When the outcome arrives / Then it is shown and said on the status line.
        var done = Self.preview
        done.written = true
        h.deliver(.importReport(done))
        #expect(h.lines()[2] == "已导入：新增 1 人，合并 1 人，无变化 0 人，冲突 0 处")
        #expect(h.commands.last == .status(key: "importRoster.done", args: ["花名册.csv", "1", "1", "0", "0"], tone: .success))
        // And the keys offered are going back, not importing again
        #expect(h.screen.keyHints(env: h.env).filter(\.inBar).map(\.label) == ["返回"])
        h.send(.enter)
        #expect(h.commands.last == .back)
    }

    @Test func mergedPeopleWhoOnlyGainASourceAreSaidApart() {
        // Given a preview and then an outcome where the one merged only gains the file as a source
        var h = Self.harness()
        h.type("a.csv")
        h.send(.enter)
        var report = Self.preview
        report.sourcesOnly = "其中 1 人只是在来源中加上“花名册.csv”（这份名单上也有他们），其他内容不变"
        h.deliver(.importReport(report))
        // Then the sentence follows the counts, in the preview and after the import
        #expect(h.lines()[4] == "其中 1 人只是在来源中加上“花名册.csv”（这份名单上也有他们），其他内容不变", "\(h.screenText())")
        h.send(.enter)
        report.written = true
        h.deliver(.importReport(report))
        #expect(h.lines()[3] == "其中 1 人只是在来源中加上“花名册.csv”（这份名单上也有他们），其他内容不变")
    }

    @Test func aLongReasonGoesOnUnderItsColumnAt80() throws {
        var report = Self.preview
        let long = "“查无此人”不是喀拉墩村、其网格或所属乡镇登记的探访人，结对责任人未指定：可先用 tanfang setup visitor 登记后再导入一次"
        report.problems = [.init(line: 4, column: "结对责任人", value: "查无此人", message: long, isError: false)]
        var h = Self.harness()
        h.type("a.csv")
        h.send(.enter)
        h.deliver(.importReport(report))
        let lines = h.lines()
        let first = try #require(lines.firstIndex { $0.hasPrefix("   4 结对责任人") })
        // The lines under it hold the rest of the reason, in its column, so the whole text can be read;
        // a note (the row is imported) says so
        #expect(lines[first + 1].hasPrefix(String(repeating: " ", count: 40)))
        let text = lines[first..<first + 4].map { $0.trimmingCharacters(in: .whitespaces) }.joined()
        #expect(text.contains("提示：“查无此人”") && text.contains("属乡镇登记的探访人") && text.hasSuffix("登记后再导入一次"), "\(lines)")
    }

    @Test func cleanFileImportsWithoutSkipping() {
        // Given a preview without errors / When Enter / Then skipInvalid is false.
        var h = Self.harness(language: .en, width: 120, height: 40)
        h.type("b.xlsx")
        h.send(.enter)
        var clean = Self.preview
        clean.problems = []
        clean.rejectedLines = []
        h.deliver(.importReport(clean))
        #expect(h.lines()[4] == "Enter imports, Esc goes back")
        h.send(.enter)
        #expect(h.requests.last == .importRoster(path: "b.xlsx", village: nil, skipInvalid: false))
    }

    @Test func refusedFileCannotBeConfirmedAndEscGoesBackToThePath() {
        // Given a file-level error / When Enter / Then nothing is imported.
        var h = Self.harness()
        h.type("c.csv")
        h.send(.enter)
        h.deliver(.importReport(ImportReport(file: "c.csv", rows: 0, columns: [],
                                             problems: [.init(line: 0, column: "", value: "", message: "找不到表头行",
                                                              isError: true)],
                                             rejectedLines: [0], refused: true)))
        // Then the screen says nothing can be imported and offers no Enter
        #expect(h.screenText().contains("无法导入"))
        #expect(!h.screen.keyHints(env: h.env).contains { $0.keys == "Enter" })
        h.send(.enter)
        #expect(h.commands.last == .status(key: "importRoster.nothingToImport", args: [], tone: .warning))
        #expect(h.requests.count == 1)
        // When Esc / Then the path can be edited again.
        h.send(.escape)
        #expect(h.screen.capturesText)
        #expect(h.lines()[0] == "文件： c.csv")
    }

    @Test func failureReturnsToThePathWithTheMessage() {
        var h = Self.harness()
        h.type("missing.csv")
        h.send(.enter)
        h.deliver(.failed(message: "找不到文件：missing.csv"))
        #expect(h.commands.last == .status(key: "status.error", args: ["找不到文件：missing.csv"], tone: .error))
        #expect(h.screen.capturesText)
    }

    @Test func supervisorsCannotImport() {
        // Given a read-only user / When Enter / Then a status and no request.
        var h = Self.harness(Fx.supervisor)
        h.type("a.csv")
        h.send(.enter)
        #expect(h.requests.isEmpty)
        #expect(h.commands.last == .status(key: "importRoster.readOnly", args: [], tone: .warning))
    }

    @Test func rosterOpensTheWizardWithI() {
        // Given the roster / When i / Then a clerk opens the wizard and a supervisor is told no.
        var clerk = ScreenHarness(RosterScreen(), env: Fx.env(Fx.clerk))
        clerk.start()
        clerk.send(.tab, .char("i"))
        #expect(clerk.commands.last == .open(.importRoster))
        var supervisor = ScreenHarness(RosterScreen(), env: Fx.env(Fx.supervisor))
        supervisor.start()
        supervisor.send(.tab, .char("i"))
        #expect(supervisor.commands.last == .status(key: "roster.readOnly", args: [], tone: .warning))
    }
}
