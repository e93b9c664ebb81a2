import Foundation
import Testing
import TanfangCore
@testable import TanfangUI

@Suite struct RedFlagsScreenTests {
    static let wang = Fx.id(100), ayi = Fx.id(101), ma = Fx.id(102)
    static let names = [wang: "王秀英", ayi: "阿依古丽", ma: "马明"]

    /// Out of kind order on purpose; the screen groups them.
    static let flags: [RedFlag] = [
        RedFlag(kind: .villageLowVisitRate, elderID: nil, villageID: Fx.akesu.id,
                reasonKey: RedFlagKind.villageLowVisitRate.reasonKey, reasonArgs: ["80%", "8", "10", "100%"], severity: 20),
        RedFlag(kind: .overdueVisit, elderID: ma, villageID: Fx.hongqi.id,
                reasonKey: RedFlagKind.overdueVisit.reasonKey, reasonArgs: ["2026-11-21", "2"], severity: 2),
        RedFlag(kind: .missingIDNumber, elderID: ayi, villageID: Fx.akesu.id,
                reasonKey: RedFlagKind.missingIDNumber.reasonKey, reasonArgs: ["阿依古丽"]),
        RedFlag(kind: .overdueVisit, elderID: wang, villageID: Fx.hongqi.id,
                reasonKey: RedFlagKind.overdueVisit.reasonKey, reasonArgs: ["2026-11-18", "5"], severity: 5),
    ]

    static func harness(language: Language = .zhHans, width: Int = 80, height: Int = 24) -> ScreenHarness<RedFlagsScreen> {
        var h = ScreenHarness(RedFlagsScreen(), env: Fx.env(Fx.supervisor, language: language), width: width, height: height) {
            $0 == .redFlags ? .redFlags(flags, elderNames: names) : nil
        }
        h.start()
        return h
    }

    @Test func at100ColumnsALongNameIsWhole() {
        // Given a name of 7 characters (14 columns), which 10 columns cut
        var h = ScreenHarness(RedFlagsScreen(), env: Fx.env(Fx.supervisor), width: 100, height: 30) {
            $0 == .redFlags ? .redFlags(Self.flags, elderNames: [Self.wang: "努尔·尼亚孜买", Self.ayi: "阿依古丽", Self.ma: "马明"]) : nil
        }
        h.start()
        // Then it is shown whole at 100 columns, in English too (whose kind names are wider)
        #expect(h.screenText().contains("努尔·尼亚孜买"), "\(h.lines())")
        var en = ScreenHarness(RedFlagsScreen(), env: Fx.env(Fx.supervisor, language: .en), width: 100, height: 30) {
            $0 == .redFlags ? .redFlags(Self.flags, elderNames: [Self.wang: "努尔·尼亚孜买", Self.ayi: "阿依古丽", Self.ma: "马明"]) : nil
        }
        en.start()
        #expect(en.screenText().contains("努尔·尼亚孜买"), "\(en.lines())")
    }

    @Test func startRequestsFlags() {
        #expect(Self.harness().requests == [.redFlags])
    }

    @Test func groupsByKindInOrderWithCounts() {
        // Given flags of three kinds out of order / When received / Then grouped in RedFlagKind order, worst first.
        let groups = Self.harness().screen.groups
        #expect(groups.map(\.kind) == [.overdueVisit, .missingIDNumber, .villageLowVisitRate])
        #expect(groups.map(\.flags.count) == [2, 1, 1])
        #expect(groups[0].flags.map(\.elderID) == [Self.wang, Self.ma])
    }

    @Test func rendersSummaryAndRowsAt80() {
        // Given the flags at 80×24 / Then a summary of kinds on the left and aligned rows on the right.
        let lines = Self.harness().lines()
        #expect(lines[0] == "预警共4条         │ 对象       村(社区)   原因")
        #expect(lines[1] == " 探访逾期       2 │ 探访逾期（2条）")
        #expect(lines[2] == " 缺少身份证号   1 │ 王秀英     红旗村     应于2026-11-18前探访，已逾期5天")
        #expect(lines[3] == " 村探访率未达标 1 │ 马明       红旗村     应于2026-11-21前探访，已逾期2天")
        #expect(lines[4] == "                  │ 缺少身份证号（1条）")
        #expect(lines[5] == "                  │ 阿依古丽   阿克苏村   阿依古丽未登记身份证号码")
        #expect(lines[7] == "                  │ 阿克苏村              上月探访率80%（已探访8人/应探访10人）…")
        // The selected flag's whole reason sits under the list.
        #expect(lines[22].hasPrefix("                  │ ──────"))
        #expect(lines[23] == "                  │ 应于2026-11-18前探访，已逾期5天")
    }

    @Test func aSpecialPeriodInForceIsSaidAboveTheList() {
        // Given a cold wave in force (visits due every 7 days instead of monthly)
        let period = SpecialPeriod(name: "寒潮", kind: .coldWave, from: LocalDate("2026-11-20")!, to: LocalDate("2026-12-10")!,
                                   intervalDays: 7, categories: [.livingAlone])
        var h = ScreenHarness(RedFlagsScreen(), env: Fx.env(Fx.supervisor), width: 80, height: 24) {
            $0 == .redFlags ? .redFlags(Self.flags, elderNames: Self.names, periods: [period]) : nil
        }
        h.start()
        // Then the first line says so, and the list follows under it
        let lines = h.lines()
        #expect(lines[0] == "特殊时期：寒潮（至 2026-12-10，每 7 天至少探访一次）", "\(h.screenText())")
        #expect(lines[1] == "预警共4条         │ 对象       村(社区)   原因")
        #expect(lines[3] == " 缺少身份证号   1 │ 王秀英     红旗村     应于2026-11-18前探访，已逾期5天")
    }

    @Test func aLongNameIsWholeAt120() {
        var names = Self.names
        names[Self.wang] = "努尔·尼亚孜·买买提"
        var h = ScreenHarness(RedFlagsScreen(), env: Fx.env(Fx.supervisor), width: 120, height: 30) {
            $0 == .redFlags ? .redFlags(Self.flags, elderNames: names) : nil
        }
        h.start()
        #expect(h.lines().contains { $0.contains("努尔·尼亚孜·买买提") && $0.contains("红旗村") }, "\(h.screenText())")
    }

    @Test func rendersInEnglishAt120() {
        // Given English at 120×40 / Then the kinds and reasons read in English.
        let lines = Self.harness(language: .en, width: 120, height: 40).lines()
        #expect(lines[0].hasPrefix("Red flags: 4"))
        #expect(lines[1].hasPrefix(" Visit overdue                   2 │ Visit overdue (2)"))
        #expect(lines[2].contains("王秀英"))
        #expect(lines.contains { $0.contains("阿克苏村") && $0.contains("80%") })
    }

    @Test func enterOpensElderOrMonthly() {
        // Given the first row (worst overdue) / When Enter / Then that elder's file opens.
        var h = Self.harness()
        h.send(.enter)
        #expect(h.commands.last == .open(.elderFile(Self.wang)))
        // When → to the next kind and Enter / Then the elder of that kind.
        h.send(.right, .enter)
        #expect(h.commands.last == .open(.elderFile(Self.ayi)))
        // When Tab to the village kind and Enter / Then the monthly rates open.
        h.send(.tab, .enter)
        #expect(h.commands.last == .open(.monthly(YearMonth(year: 2026, month: 10)!)))
        // When ← / Then back to the previous kind.
        h.send(.left, .enter)
        #expect(h.commands.last == .open(.elderFile(Self.ayi)))
    }

    @Test func downCrossesKindsAndSummaryFollows() {
        // Given the first row / When ↓ twice / Then the selection is in the next kind.
        var h = Self.harness()
        h.send(.down, .down)
        #expect(h.screen.groups[h.screen.kindIndex].kind == .missingIDNumber)
        h.send(.enter)
        #expect(h.commands.last == .open(.elderFile(Self.ayi)))
    }

    @Test func toggleShowsThisKindOnly() {
        // Given the second kind selected / When k / Then only its rows are listed.
        var h = Self.harness()
        h.send(.right, .char("k"))
        let text = h.screenText()
        #expect(text.contains("阿依古丽未登记身份证号码"))
        #expect(!text.contains("应于2026-11-18前探访"))
        // When k again / Then all kinds again.
        h.send(.char("k"))
        #expect(h.screenText().contains("应于2026-11-18前探访"))
    }

    @Test func noFlagsSaysSo() {
        var h = ScreenHarness(RedFlagsScreen(), env: Fx.env(Fx.supervisor))
        h.start()
        h.deliver(.redFlags([], elderNames: [:]))
        #expect(h.lines()[0] == "目前没有预警")
    }

    @Test func keymapHasNoConflicts() {
        #expect(RedFlagsScreen.keymap.conflicts.isEmpty)
    }

    @Test func preparedSearchMatchesAsTheReference() {
        // Given rows of names and texts (Chinese, Uyghur names in Chinese, ASCII, mixed case)
        let rows: [(names: [String], texts: [String])] = [
            (["王秀英"], ["红旗村", "应于2026-11-18前探访，已逾期5天"]), (["阿依古丽·买买提"], ["阿克苏村", "Missing ID"]),
            (["马明", "张伟"], ["Hazard: wire"]), ([""], ["村探访率80%"]), (["李"], []),
        ]
        for query in ["王", "wxy", "WX", "wangxiu", "ayi", "mm", "zw", "zhangwei", "wire", "HAZ", "80%", "逾期5", "5", "xyz", "li", "a"] {
            for row in rows {
                // When prepared once and matched / Then as `ScreenSearch.matches` decides
                let prepared = ScreenSearch.Prepared(names: row.names, texts: row.texts,
                                                     readings: row.names.map(ScreenSearch.Prepared.reading(of:)))
                #expect(prepared.matches(ScreenSearch.Prepared.needle(query))
                        == ScreenSearch.matches(query, names: row.names, texts: row.texts), "\(query) in \(row)")
            }
        }
    }

    @Test func searchKeepsWhatScreenSearchMatches() {
        // Given the flags and searches of every kind (village, name, pinyin initials and syllables,
        // reason words, digits, nothing, upper case)
        let env = Fx.env(Fx.supervisor)
        for query in ["阿克苏", "马", "wxy", "mm", "ayi", "wangxiu", "逾期", "2026-11", "5", "XYZ", "WX", "红旗"] {
            var h = Self.harness()
            h.send(.char("/"))
            // When typed one key at a time (the texts are built once, at the first key)
            h.type(query)
            // Then the flags listed are those `ScreenSearch.matches` lets through
            let expected = Self.flags.filter { flag in
                ScreenSearch.matches(query, names: [flag.elderID.flatMap { Self.names[$0] } ?? ""],
                                     texts: [env.placeName(flag.villageID), flag.reason(env.strings)])
            }
            #expect(Set(h.screen.groups.flatMap(\.flags)) == Set(expected), "\(query)")
        }
        // And new flags are searched afresh
        var h = Self.harness()
        h.send(.char("/"))
        h.type("mm")
        _ = h.screen.receive(.redFlags([Self.flags[3]], elderNames: [Self.wang: "马明"]), env: env)
        #expect(h.screen.groups.flatMap(\.flags) == [Self.flags[3]])
    }

    @Test func slashFiltersFlagsAndEscClears() {
        // Given the flags / When `/` and "阿克苏" (a village)
        var h = Self.harness()
        h.send(.char("/"))
        #expect(h.screen.capturesText)
        h.type("阿克苏")
        // Then only that village's flags are grouped, under the search line.
        #expect(h.screen.groups.map(\.kind) == [.missingIDNumber, .villageLowVisitRate])
        var lines = h.lines()
        #expect(lines[0].hasPrefix("搜索：阿克苏"))
        #expect(lines[1] == "预警共2条         │ 对象       村(社区)   原因")
        // When the text is pinyin initials of a name / Then that elder's flag alone.
        h.send(.backspace, .backspace, .backspace)
        h.type("mm")
        #expect(h.screen.groups.flatMap(\.flags).map(\.elderID) == [Self.ma])
        // When a reason's words are searched / Then the flags whose reason holds them.
        h.send(.backspace, .backspace)
        h.type("逾期5天")
        #expect(h.screen.groups.flatMap(\.flags).map(\.elderID) == [Self.wang])
        // When nothing matches / Then it says so (not "no red flags").
        h.type("xyz")
        #expect(h.lines()[1] == "没有符合搜索的预警")
        // When Enter, then Esc / Then the search clears first and the screen stays; Esc again goes back.
        h.send(.enter)
        #expect(!h.screen.capturesText)
        h.send(.escape)
        lines = h.lines()
        #expect(h.screen.total == 4)
        #expect(lines[0].hasPrefix("预警共4条"))
        #expect(h.commands.last != .back)
        h.send(.escape)
        #expect(h.commands.last == .back)
    }

    @Test func searchKeymapHasNoConflicts() {
        #expect(RedFlagsScreen.keymap.conflicts.isEmpty)
        #expect(RedFlagsScreen.searchKeymap.conflicts.isEmpty)
    }
}
