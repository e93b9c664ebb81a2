import Foundation
import Testing
import TanfangCore
@testable import TanfangUI

@Suite struct MonthlyScreenTests {
    static let november = YearMonth(year: 2026, month: 11)!
    static let october = YearMonth(year: 2026, month: 10)!

    static func report(_ month: YearMonth = november) -> MonthlyReport {
        let counts: [String: (Int, Int)] = ["livingAlone": (10, 9), "disabled": (5, 5), "advancedAge": (12, 10)]
        return MonthlyReport(
            month: month, total: VisitRate(denominator: 30, visited: 27),
            villages: [VillageRate(villageID: Fx.hongqi.id, denominator: 20, visited: 20),
                       VillageRate(villageID: Fx.akesu.id, denominator: 10, visited: 7)],
            byCategory: (Category.allCases.map(\.rawValue) + [CategoryRate.advancedAge]).map { code in
                CategoryRate(category: code, denominator: counts[code]?.0 ?? 0, visited: counts[code]?.1 ?? 0)
            },
            byMethod: [MethodCount(method: .home, visits: 20, elders: 18), MethodCount(method: .phone, visits: 10, elders: 9),
                       MethodCount(method: .video, visits: 0, elders: 0),
                       MethodCount(method: .remoteMonitoring, visits: 1, elders: 1)],
            notVisited: [Fx.id(100), Fx.id(101), Fx.id(102)],
            followUps: FollowUpStats(opened: 6, closed: 4, openPastDue: 1, medianHoursToClose: 30.5))
    }

    static func harness(language: Language = .zhHans, width: Int = 80, height: Int = 24) -> ScreenHarness<MonthlyScreen> {
        var h = ScreenHarness(MonthlyScreen(), env: Fx.env(Fx.supervisor, language: language), width: width, height: height) {
            if case .monthlyReport(let month) = $0 { return .monthlyReport(report(month)) }
            if case .elderNames = $0 {
                return .elderNames([Fx.id(100): "王秀英", Fx.id(101): "李桂兰", Fx.id(102): "阿依古丽"],
                                   villages: [Fx.id(100): Fx.akesu.id, Fx.id(101): Fx.hongqi.id, Fx.id(102): Fx.akesu.id],
                                   visitors: [:])
            }
            return nil
        }
        h.start()
        return h
    }

    static func monthRequests(_ h: ScreenHarness<MonthlyScreen>) -> [DataRequest] {
        h.requests.filter { if case .monthlyReport = $0 { true } else { false } }
    }

    @Test func startRequestsThisMonth() {
        // This month's report, then the names of those it found not visited
        #expect(Self.harness().requests == [.monthlyReport(Self.november), .elderNames([Fx.id(100), Fx.id(101), Fx.id(102)])])
    }

    @Test func theNotVisitedAreNamedByVillage() {
        // Given the report at 80×24 / When End
        var h = Self.harness()
        h.send(.end)
        let seen = h.lines()
        let text = seen.joined(separator: "\n")
        // Then the list names them, village by village in the order of the rates (红旗村, then 阿克苏村)
        #expect(text.contains("当月未探访名单（3人）"), "\(text)")
        let rows = ["李桂兰", "王秀英", "阿依古丽"].map { name in seen.firstIndex { $0.contains(name) } ?? -1 }
        #expect(rows.allSatisfy { $0 >= 0 } && rows == rows.sorted(), "\(rows)")
        #expect(seen.contains { $0.contains(Fx.akesu.name) && $0.contains("王秀英") })
    }

    @Test func arrowsChangeTheMonth() {
        // Given November / When ← / Then October is requested and shown.
        var h = Self.harness()
        h.send(.left)
        #expect(Self.monthRequests(h).last == .monthlyReport(Self.october))
        #expect(h.lines()[0] == "2026年10月探访统计")
        // When → twice / Then back to November, and no month after the current one.
        h.send(.right, .right)
        #expect(Self.monthRequests(h).last == .monthlyReport(Self.november))
        #expect(Self.monthRequests(h).count == 3)
        #expect(h.commands.last == .status(key: "monthly.noFuture", args: [], tone: .info))
    }

    @Test func anEnglishHeadingWritesTheMonthWithTwoDigits() {
        var h = Self.harness(language: .en)
        h.send(.left, .left)
        #expect(h.lines()[0] == "Visits in 2026-09")
    }

    @Test func staleAnswerIsIgnored() {
        // Given the user moved to October / When November's answer arrives late / Then it is not shown.
        var h = ScreenHarness(MonthlyScreen(), env: Fx.env(Fx.supervisor))
        h.start()
        h.send(.left)
        h.deliver(.monthlyReport(Self.report(Self.november)))
        #expect(h.lines()[1] == "正在读取…")
        h.deliver(.monthlyReport(Self.report(Self.october)))
        #expect(h.lines()[1].hasPrefix("全部探访率 90.0%"))
    }

    @Test func aGridWorkersFiguresSayTheyAreHerOwnElders() {
        // Given a grid worker, who sees only the elders she is responsible for
        var env = Fx.env(Fx.clerk)
        env.scope = AccessScope(visitorID: Fx.liSi.id)
        var h = ScreenHarness(MonthlyScreen(), env: env) {
            if case .monthlyReport(let month) = $0 { return .monthlyReport(Self.report(month)) }
            return nil
        }
        h.start()
        // Then the heading says so: her 3 of 5 read as the village's rate
        #expect(h.lines()[0] == "2026年11月探访统计（仅我负责的老人，不是全村）")
        // While a supervisor's does not
        #expect(Self.harness().lines()[0] == "2026年11月探访统计")
    }

    @Test func ratesAndBarsAt80() {
        // Given the report at 80×24 / Then the total, and one bar per village with aligned names.
        let lines = Self.harness().lines()
        #expect(lines[0] == "2026年11月探访统计")
        #expect(lines[1] == "全部探访率 90.0%（已探访27人/应探访30人，目标100%）")
        // November is still running on the 23rd: said beside the count
        #expect(lines[2] == "当月未探访：3人（本月尚未结束，截至 2026-11-23）")
        #expect(lines[4] == "各村(社区)探访率（2个）")
        #expect(lines[5] == "红旗村                                                    │20/20 100.0%")
        // (a village short of 100% while the month runs still has visits to make, not a target missed)
        #expect(lines[6] == "阿克苏村                                                  │ 7/10  70.0% 未访完")
        #expect(lines[7] == "（条形图中的 │ 表示目标 100%）")
    }

    @Test func underTargetVillageIsMarkedAndColoured() {
        // Given a village at 70% in October, a month that has ended / When rendered / Then it is
        // marked in words and in red; a full one is not.
        var h = Self.harness()
        h.send(.left)
        var grid = Grid(width: 80, height: 24)
        _ = h.screen.render(into: &grid, area: grid.bounds, env: h.env)
        let lines = grid.lines()
        #expect(lines[6].hasSuffix("7/10  70.0% 未达标"))
        #expect(!lines[5].contains("未达标"))
        #expect(grid[x: 0, y: 6].style.fg == .red)
        #expect(grid[x: 0, y: 5].style.fg == .default)
        // The bar is reverse video in proportion: 70% of the bar's width.
        let reversed6 = (0..<80).filter { grid[x: $0, y: 6].style.reverse }.count
        let reversed5 = (0..<80).filter { grid[x: $0, y: 5].style.reverse }.count
        #expect(reversed6 == reversed5 * 7 / 10)
    }

    @Test func scrollingShowsTheBreakdownsAt80() {
        // Given 80×24 / When PageDown (and ↑, the not-visited list below them) / Then categories, methods and
        // follow-ups come into view.
        var h = Self.harness()
        h.send(.pageDown, .up)
        let lines = h.lines()
        #expect(lines[0] == "2026年11月探访统计")
        #expect(lines[1].hasPrefix("类别                 已探访 应探访 探访率"))
        #expect(lines[2] == "独居                      9     10  90.0%")
        #expect(lines[6] == "重残                      0      0      —")
        #expect(lines[9] == "高龄                     10     12  83.3%")
        #expect(lines[12] == "方式                   次数   人数")
        #expect(lines[13] == "上门入户                 20     18")
        #expect(lines[20] == "当月办结                4")
        #expect(lines[21] == "当月撤销                0")
        #expect(lines[22] == "未按期办结              1")
        #expect(lines[23].hasPrefix("办结用时中位数  30.5 小时") && lines[23].hasSuffix("↓"))
        // When PageUp / Then back at the top.
        h.send(.pageUp)
        #expect(h.lines()[1].hasPrefix("全部探访率"))
    }

    @Test func wideTerminalPutsBreakdownsBeside() {
        // Given 120×40 / Then the village bars and the category table share rows.
        let lines = Self.harness(width: 120, height: 40).lines()
        #expect(lines[1].hasPrefix("全部探访率 90.0%"))
        #expect(lines[1].hasSuffix("│ 按类别"))
        #expect(lines[5].hasPrefix("红旗村"))
        #expect(lines[5] == "红旗村                                     │20/20 100.0%          │ 留守                      0      0      —")
    }

    @Test func englishLabels() {
        let lines = Self.harness(language: .en, width: 120, height: 40).lines()
        #expect(lines[0] == "Visits in 2026-11")
        #expect(lines[1].hasPrefix("Visit rate 90.0% (27 of 30 elders visited, target 100%)"))
        #expect(lines.contains { $0.contains("Median time to finish  30.5 h") })
    }

    @Test func keymapHasNoConflicts() {
        #expect(MonthlyScreen.keymap.conflicts.isEmpty)
    }
}
