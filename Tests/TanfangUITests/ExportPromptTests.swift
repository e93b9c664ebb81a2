import Foundation
import Testing
import TanfangCore
@testable import TanfangUI

/// `x` on the monthly and red-flag screens: the one-line prompt, the request it sends, the status.
@Suite struct ExportPromptTests {
    @Test func monthlyExportsXLSXToTheDefaultPath() {
        // Given the monthly report for November / When x, Enter (xlsx), Enter (default path)
        var h = MonthlyScreenTests.harness()
        h.send(.char("x"))
        #expect(h.screen.capturesText)
        #expect(h.lines()[23] == "导出格式：1 Excel 工作簿(.xlsx)  2 CSV(.csv)  Esc 取消")
        h.send(.enter)
        #expect(h.lines()[23].hasPrefix("保存为 xlsx： ~/tanfang-月度统计-2026-11.xlsx"))
        h.send(.enter)
        // Then the month's export is requested with the typed format and path, and the prompt closes.
        #expect(h.requests.last == .exportMonthly(month: MonthlyScreenTests.november, format: .xlsx,
                                                  path: "~/tanfang-月度统计-2026-11.xlsx"))
        #expect(!h.screen.capturesText)
        #expect(h.lines()[0] == "2026年11月探访统计")
    }

    @Test func monthlyExportsCSVToATypedPathAndShowsWhere() {
        // Given the prompt / When 2 (csv), the path cleared and a new one typed, Enter
        var h = MonthlyScreenTests.harness(width: 120, height: 40)
        h.send(.char("x"), .char("2"), .ctrl("u"))
        h.type("out/月报.csv")
        #expect(h.lines()[39].hasPrefix("保存为 csv： out/月报.csv"))
        h.send(.enter)
        #expect(h.requests.last == .exportMonthly(month: MonthlyScreenTests.november, format: .csv, path: "out/月报.csv"))
        // When the runtime answers / Then the status line says where the file is.
        h.deliver(.exported(path: "/home/clerk/out/月报.csv"))
        #expect(h.commands.last == .status(key: "exportPrompt.done", args: ["/home/clerk/out/月报.csv"], tone: .success))
        #expect(h.env.strings.format("exportPrompt.done", "/home/clerk/out/月报.csv") == "已导出到 /home/clerk/out/月报.csv")
    }

    @Test func aNameWithoutExtensionGetsTheFormats() {
        var h = MonthlyScreenTests.harness()
        h.send(.char("x"), .char("2"), .ctrl("u"))
        h.type("~/月报")
        h.send(.enter)
        #expect(h.requests.last == .exportMonthly(month: MonthlyScreenTests.november, format: .csv, path: "~/月报.csv"))
        // A name with an extension is kept as typed.
        h.send(.char("x"), .char("1"), .ctrl("u"))
        h.type("out/11月.XLSX")
        h.send(.enter)
        #expect(h.requests.last == .exportMonthly(month: MonthlyScreenTests.november, format: .xlsx, path: "out/11月.XLSX"))
    }

    @Test func escapeCancelsAndEmptyPathIsRefused() {
        // Given the path step with the field cleared / When Enter / Then a warning and no request.
        var h = MonthlyScreenTests.harness()
        h.send(.char("x"), .char("1"), .ctrl("u"), .enter)
        #expect(h.commands.last == .status(key: "exportPrompt.emptyPath", args: [], tone: .warning))
        // (the month's report and its not-visited names were the only requests)
        let loads = h.requests.count
        #expect(!h.requests.contains { if case .exportMonthly = $0 { true } else { false } })
        // When Esc / Then the prompt closes, still without a request, and Esc again goes back.
        h.send(.escape)
        #expect(!h.screen.capturesText && h.requests.count == loads)
        h.send(.escape)
        #expect(h.commands.last == .back)
    }

    @Test func failedExportKeepsTheReport() {
        // Given an export in flight / When it fails / Then an error status, and the report stays.
        var h = MonthlyScreenTests.harness()
        h.send(.char("x"), .enter, .enter)
        h.deliver(.failed(message: "无法写入文件：/nope/x.xlsx"))
        #expect(h.commands.last == .status(key: "status.error", args: ["无法写入文件：/nope/x.xlsx"], tone: .error))
        #expect(h.lines()[1].hasPrefix("全部探访率 90.0%"))
    }

    @Test func redFlagsExportWithTodayInTheName() {
        // Given the red-flag list / When x, 2, Enter / Then a CSV of the flags is requested under today's name.
        var h = RedFlagsScreenTests.harness(language: .en)
        h.send(.char("x"))
        #expect(h.lines()[23] == "Export as: 1 Excel workbook (.xlsx)  2 CSV (.csv)  Esc cancel")
        h.send(.char("2"))
        #expect(h.lines()[23].hasPrefix("Save csv to: ~/tanfang-red-flags-2026-11-23.csv"))
        h.send(.enter)
        #expect(h.requests.last == .exportRedFlags(format: .csv, path: "~/tanfang-red-flags-2026-11-23.csv"))
        h.deliver(.exported(path: "/home/w/tanfang-red-flags-2026-11-23.csv"))
        #expect(h.commands.last == .status(key: "exportPrompt.done", args: ["/home/w/tanfang-red-flags-2026-11-23.csv"],
                                           tone: .success))
        // The list is still there (grouped), not replaced.
        #expect(h.screen.groups.count == 3)
    }

    @Test func anExistingFileIsReplacedOnlyAfterY() {
        // Given an export to the default path / When the runtime finds a file already there
        var h = MonthlyScreenTests.harness()
        h.send(.char("x"), .enter, .enter)
        #expect(h.requests.last == .exportMonthly(month: MonthlyScreenTests.november, format: .xlsx,
                                                  path: "~/tanfang-月度统计-2026-11.xlsx", replace: false))
        h.deliver(.exportWouldReplace(path: "/home/clerk/tanfang-月度统计-2026-11.xlsx"))
        // Then the prompt asks, naming the file, with Y and N in the key bar.
        #expect(h.commands.last == .status(key: "exportPrompt.exists", args: [], tone: .warning))
        #expect(h.screen.capturesText)
        #expect(h.lines()[23].hasPrefix("已有此文件，覆盖吗？Y 覆盖  N 改路径： /home/clerk/tanfang-月度统计-2026-11.xlsx"))
        let hints = h.screen.keyHints(env: Fx.env(Fx.supervisor))
        #expect(hints.map(\.label) == ["覆盖", "改路径", "取消"])
        // When Enter (the key that sent the path) / Then nothing more is requested.
        let sent = h.requests.count
        h.send(.enter)
        #expect(h.requests.count == sent)
        // When Y / Then the same export is requested again, replacing the file.
        h.send(.char("y"))
        #expect(h.requests.last == .exportMonthly(month: MonthlyScreenTests.november, format: .xlsx,
                                                  path: "~/tanfang-月度统计-2026-11.xlsx", replace: true))
        #expect(!h.screen.capturesText)
        h.deliver(.exported(path: "/home/clerk/tanfang-月度统计-2026-11.xlsx"))
        #expect(h.commands.last == .status(key: "exportPrompt.done", args: ["/home/clerk/tanfang-月度统计-2026-11.xlsx"],
                                           tone: .success))
    }

    @Test func nKeepsTheFileAndGoesBackToThePath() {
        // Given the red flags' prompt asking to replace a CSV
        var h = RedFlagsScreenTests.harness(language: .en)
        h.send(.char("x"), .char("2"), .enter)
        h.deliver(.exportWouldReplace(path: "/home/w/tanfang-red-flags-2026-11-23.csv"))
        // At 80 columns the path keeps its end, the file's name.
        #expect(h.lines()[23] == "File exists. Replace it? Y replace  N change path: …ang-red-flags-2026-11-23.csv")
        // When N / Then the path is editable again; a new name goes out without replacing anything.
        h.send(.char("n"))
        #expect(h.lines()[23].hasPrefix("Save csv to: ~/tanfang-red-flags-2026-11-23.csv"))
        h.send(.ctrl("u"))
        h.type("~/flags-2.csv")
        h.send(.enter)
        #expect(h.requests.last == .exportRedFlags(format: .csv, path: "~/flags-2.csv", replace: false))
        // When that file exists too and the user presses Esc / Then the prompt closes, nothing requested.
        h.deliver(.exportWouldReplace(path: "/home/w/flags-2.csv"))
        let sent = h.requests.count
        h.send(.escape)
        #expect(!h.screen.capturesText && h.requests.count == sent)
        #expect(h.screen.groups.count == 3)
    }

    @Test func redFlagsExportWhatTheScreenShows() {
        // Given the second kind shown alone (k) / When exported / Then the request carries just its flags.
        var h = RedFlagsScreenTests.harness()
        h.send(.right, .char("k"))
        let kind = h.screen.groups[h.screen.kindIndex]
        h.send(.char("x"), .char("2"), .enter)
        guard case .exportRedFlags(_, _, _, let only?) = h.requests.last else {
            Issue.record("expected the shown flags")
            return
        }
        #expect(only == kind.flags && only.allSatisfy { $0.kind == kind.kind })
        #expect(only.count < h.screen.flags.count)
        // Given all kinds and no search / Then nil: the runtime writes every flag in scope.
        var all = RedFlagsScreenTests.harness()
        all.send(.char("x"), .char("2"), .enter)
        guard case .exportRedFlags(_, _, _, let none) = all.requests.last else { return }
        #expect(none == nil)
    }

    @Test func tailKeepsTheEndOfALongPath() {
        #expect(ExportPrompt.tail("/home/w/a.csv", width: 20) == "/home/w/a.csv")
        #expect(ExportPrompt.tail("/home/w/月报.xlsx", width: 11) == "…/月报.xlsx")
        // A wide character that would straddle the edge is left out rather than cut.
        #expect(ExportPrompt.tail("/home/w/月报.xlsx", width: 9) == "…报.xlsx")
    }

    @Test func keymapsHaveNoConflictsAndShowExport() {
        #expect(MonthlyScreen.keymap.conflicts.isEmpty)
        #expect(RedFlagsScreen.keymap.conflicts.isEmpty)
        #expect(ExportPrompt.keymap.conflicts.isEmpty)
        #expect(ExportPrompt.replaceKeymap.conflicts.isEmpty)
        let hints = MonthlyScreenTests.harness().screen.keyHints(env: Fx.env(Fx.supervisor))
        #expect(hints.contains { $0.keys == "x" && $0.label == "导出" })
    }
}
