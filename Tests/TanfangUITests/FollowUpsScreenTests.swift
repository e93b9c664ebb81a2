import Foundation
import Testing
import TanfangCore
@testable import TanfangUI

@Suite struct FollowUpsScreenTests {
    static let wang = Fx.id(100), ayi = Fx.id(101), ma = Fx.id(102)

    static let hazard = FollowUp(id: Fx.id(300), elderID: wang, type: .hazardRectification, ownerID: Fx.liSi.id,
                                 openedAt: Fx.at("2026-11-20 11:00"), due: Fx.at("2026-11-21 17:00"), detail: "更换老化电线")
    static let emergency = FollowUp(id: Fx.id(301), elderID: ayi, type: .emergency, ownerID: Fx.zhao.id,
                                    openedAt: Fx.at("2026-11-22 09:00"), due: Fx.at("2026-11-23 09:00"), detail: "摔倒送医")
    static let revisit = FollowUp(id: Fx.id(302), elderID: ma, type: .revisit, openedAt: Fx.at("2026-11-20 11:00"),
                                  due: Fx.at("2026-12-01 12:00"), status: .inProgress, detail: "下周回访")
    static let done = FollowUp(id: Fx.id(303), elderID: wang, type: .notifySupporters, openedAt: Fx.at("2026-10-15 10:00"),
                               due: Fx.at("2026-10-20 10:00"), status: .done, detail: "已通知儿子",
                               closing: ClosingRecord(action: "电话通知", at: Fx.at("2026-10-16 09:00"), by: "李四"))

    static let rows: [FollowUpRow] = [
        FollowUpRow(followUp: revisit, elderName: "马明", villageName: "红旗村", ownerName: nil),
        FollowUpRow(followUp: done, elderName: "王秀英", villageName: "红旗村", ownerName: "李四"),
        FollowUpRow(followUp: emergency, elderName: "阿依古丽", villageName: "阿克苏村", ownerName: "赵医生"),
        FollowUpRow(followUp: hazard, elderName: "王秀英", villageName: "红旗村", ownerName: "李四"),
    ]

    static func harness(_ user: User? = Fx.clerk, elderID: UUID? = nil, language: Language = .zhHans,
                        width: Int = 80, height: Int = 24) -> ScreenHarness<FollowUpsScreen> {
        var h = ScreenHarness(FollowUpsScreen(elderID: elderID), env: Fx.env(user, language: language),
                              width: width, height: height) { request in
            if case .followUps = request { return .followUps(rows) }
            return nil
        }
        h.start()
        return h
    }

    static func queries(_ h: ScreenHarness<FollowUpsScreen>) -> [FollowUpQuery] {
        h.requests.compactMap { if case .followUps(let q) = $0 { q } else { nil } }
    }

    @Test func gridWorkerStartsWithMine() {
        // Given a grid worker / When the queue starts / Then it asks for their own follow-ups.
        let h = Self.harness(Fx.gridWorker)
        #expect(Self.queries(h) == [FollowUpQuery(scope: .everything, ownerID: Fx.liSi.id)])
        // Given a clerk / Then everyone's.
        #expect(Self.queries(Self.harness()) == [FollowUpQuery(scope: .everything)])
    }

    @Test func rowsSortedByDueWithLatenessAt80() {
        // Given follow-ups out of order / When shown at 80×24 / Then earliest due first, closed last, lateness shown.
        let lines = Self.harness().lines()
        #expect(lines[0] == "范围：全部  类型：全部  村：全部  含已办结：否                    共4项，逾期2项")
        #expect(lines[1] == "期限        类型          老人     村(社区) 负责人 状态   逾期      内容")
        #expect(lines[2] == "11-21 17:00 消除安全隐患  王秀英   红旗村   李四   待办   逾期1天   更换老化电线")
        #expect(lines[3] == "11-23 09:00 紧急处置      阿依古丽 阿克苏村 赵医生 待办   逾期6小时 摔倒送医")
        #expect(lines[4] == "12-01 12:00 回访          马明     红旗村   —      办理中           下周回访")
        #expect(lines[5] == "10-20 10:00 通知赡养人    王秀英   红旗村   李四   已办结           已通知儿子")
    }

    @Test func overdueRowsAreRed() {
        // Given the queue / When rendered / Then the overdue rows are red and the others are not.
        let h = Self.harness()
        var grid = Grid(width: 80, height: 24)
        _ = h.screen.render(into: &grid, area: grid.bounds, env: h.env)
        #expect(grid[x: 0, y: 3].style.fg == .red)
        #expect(grid[x: 0, y: 4].style.fg == .default)
    }

    @Test func wideEnglishShowsFullDates() {
        // Given 120×40 in English / When shown / Then full due dates and wider columns.
        let lines = Self.harness(language: .en, width: 120, height: 40).lines()
        #expect(lines[1] == "Due              Type              Elder        Village      Owner      Status      Late      Detail")
        #expect(lines[2] == "2026-11-21 17:00 Fix safety hazard 王秀英       红旗村       李四       Open        1 d late  更换老化电线")
    }

    @Test func filtersReload() {
        // Given the queue / When t, v and c are pressed / Then each reloads with the filter added.
        var h = Self.harness()
        h.send(.char("t"), .char("v"), .char("c"))
        let q = Self.queries(h)
        #expect(q.count == 4)
        #expect(q[1].type == .hazardRectification)
        #expect(q[2].type == .hazardRectification && q[2].villageID == Fx.hongqi.id)
        #expect(q[3].includeClosed)
        // When v twice more / Then the next village, then all villages again.
        h.send(.char("v"))
        #expect(Self.queries(h).last?.villageID == Fx.akesu.id)
        h.send(.char("v"))
        #expect(Self.queries(h).last?.villageID == nil)
    }

    @Test func mineNeedsAVisitor() {
        // Given a clerk with no visitor record / When m / Then a status explains and nothing reloads.
        var h = Self.harness()
        h.send(.char("m"))
        #expect(h.commands.last == .status(key: "followUps.noVisitor", args: [], tone: .warning))
        #expect(Self.queries(h).count == 1)
        // Given a grid worker / When m / Then everyone's follow-ups are asked for.
        var g = Self.harness(Fx.gridWorker)
        g.send(.char("m"))
        #expect(Self.queries(g).last?.ownerID == nil)
    }

    @Test func oneElderOnly() {
        // Given the queue of one elder / When the rows arrive / Then only theirs are listed.
        let lines = Self.harness(elderID: Self.wang).lines()
        #expect(lines[0].hasPrefix("老人：王秀英  范围：全部"))
        #expect(lines[2].contains("更换老化电线"))
        #expect(lines[3].contains("已通知儿子"))
        #expect(!lines.joined().contains("阿依"))
    }

    @Test func enterShowsDetail() {
        // Given the first row / When Enter / Then a panel shows its type, dates and lateness.
        var h = Self.harness()
        h.send(.enter)
        let text = h.screenText()
        #expect(text.contains("类型      消除安全隐患"))
        #expect(text.contains("期限      2026-11-21 17:00  逾期1天"))
        #expect(text.contains("登记时间  2026-11-20 11:00"))
        #expect(text.contains("内容      更换老化电线"))
    }

    @Test func closingSendsTheTypedActionAndTime() {
        // Given the detail of the overdue hazard / When x, the action in Chinese, a short time, Enter twice.
        var h = Self.harness()
        h.send(.enter, .char("x"))
        #expect(h.screen.capturesText)
        h.type("已更换电线")
        h.send(.tab)
        h.type("1123 1430")
        h.send(.enter, .enter)
        // Then the closing goes to the ledger with the parsed time and the user's name.
        #expect(h.requests.last == .closeFollowUp(
            id: Self.hazard.id,
            closing: ClosingRecord(action: "已更换电线", at: Fx.at("2026-11-23 14:30"), by: "张文书"),
            status: .done))
        // When the ledger confirms / Then the list reloads and a success shows.
        var closed = Self.hazard
        closed.status = .done
        h.deliver(.followUpSaved(closed))
        #expect(h.commands.suffix(2) == [.request(.followUps(FollowUpQuery(scope: .everything))),
                                         .status(key: "followUps.savedDone", args: [], tone: .success)])
        #expect(!h.screen.capturesText)
    }

    @Test func closingTimeDefaultsToNowAndRejectsTheFuture() {
        // Given the close form / When the time is left empty / Then now is used.
        var h = Self.harness()
        h.send(.enter, .char("x"))
        h.type("已处理")
        h.send(.ctrl("s"))
        if case .closeFollowUp(_, let closing, _) = h.requests.last {
            #expect(closing.at == Fx.now)
        } else {
            Issue.record("no closing sent")
        }
        // Given a time after now / Then an error shows and nothing is sent.
        var f = Self.harness()
        f.send(.enter, .char("x"))
        f.type("已处理")
        f.send(.tab)
        f.type("1124")
        f.send(.ctrl("s"))
        #expect(f.requests.count == 1)
        #expect(f.screenText().contains("处置时间 2026-11-24 15:00 晚于现在"))
        // Given no action / Then it is required.
        var e = Self.harness()
        e.send(.enter, .char("x"), .ctrl("s"))
        #expect(e.screenText().contains("请写明做了什么"))
        #expect(e.requests.count == 1)
    }

    @Test func progressAndCancel() {
        // Given an open follow-up / When p / Then it is saved in progress.
        var h = Self.harness()
        h.send(.enter, .char("p"))
        var progressing = Self.hazard
        progressing.status = .inProgress
        #expect(h.requests.last == .saveFollowUp(progressing))
        // When z with a reason / Then it is cancelled with that reason, now and the user.
        h.send(.char("z"))
        h.type("老人已搬走")
        h.send(.enter)
        #expect(h.requests.last == .closeFollowUp(
            id: Self.hazard.id, closing: ClosingRecord(action: "老人已搬走", at: Fx.now, by: "张文书"), status: .cancelled))
    }

    @Test func failedCloseKeepsTheForm() {
        // Given a submitted closing / When the ledger refuses / Then the form stays with the error and can resubmit.
        var h = Self.harness()
        h.send(.enter, .char("x"))
        h.type("已处理")
        h.send(.ctrl("s"))
        h.deliver(.failed(message: "数据库被锁定"))
        #expect(h.screen.capturesText)
        #expect(h.screenText().contains("出错：数据库被锁定"))
        h.send(.ctrl("s"))
        #expect(h.requests.filter { if case .closeFollowUp = $0 { true } else { false } }.count == 2)
    }

    @Test func supervisorMayNotChange() {
        // Given a supervisor in the detail / When x / Then a status message and no form.
        var h = Self.harness(Fx.supervisor)
        h.send(.enter, .char("x"))
        #expect(h.commands.last == .status(key: "followUps.readOnly", args: [], tone: .warning))
        #expect(!h.screen.capturesText)
    }

    @Test func closedFollowUpCannotBeClosedAgain() {
        // Given the closed row selected / When x / Then a status says it is closed already.
        var h = Self.harness()
        h.send(.end, .enter)
        #expect(h.screenText().contains("处置情况  电话通知"))
        h.send(.char("x"))
        #expect(h.commands.last == .status(key: "followUps.alreadyClosed", args: [], tone: .warning))
    }

    @Test func parsesShortTimes() {
        let now = Fx.now
        #expect(FollowUpsScreen.parseWhen("", now: now) == now)
        #expect(FollowUpsScreen.parseWhen("t", now: now) == now)
        #expect(FollowUpsScreen.parseWhen("1120", now: now) == Fx.at("2026-11-20 15:00"))
        #expect(FollowUpsScreen.parseWhen("1120 930", now: now) == Fx.at("2026-11-20 09:30"))
        #expect(FollowUpsScreen.parseWhen("2026-11-20 14:05", now: now) == Fx.at("2026-11-20 14:05"))
        #expect(FollowUpsScreen.parseWhen("１１２０　１４：３０", now: now) == Fx.at("2026-11-20 14:30"))
        #expect(FollowUpsScreen.parseWhen("1132", now: now) == nil)
        #expect(FollowUpsScreen.parseWhen("1120 2460", now: now) == nil)
        #expect(FollowUpsScreen.parseWhen("昨天", now: now) == Fx.at("2026-11-22 15:00"))
    }

    @Test func keymapsHaveNoConflicts() {
        #expect(FollowUpsScreen.listKeymap.conflicts.isEmpty)
        #expect(FollowUpsScreen.detailKeymap.conflicts.isEmpty)
        #expect(FollowUpsScreen.formKeymap.conflicts.isEmpty)
    }
}
