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

    /// The ledger's answer over `rows`, as a fake: one elder's only, the search, open ones first
    /// and earliest due first, then the window. (It ignores the other filters: the rows given are
    /// what the ledger found.)
    static func page(_ rows: [FollowUpRow], _ q: FollowUpQuery) -> FollowUpPage {
        let all = rows.filter { row in
            (q.elderID.map { row.followUp.elderID == $0 } ?? true)
                && (q.search.isEmpty || ScreenSearch.matches(q.search, names: [row.elderName],
                                                             texts: [row.villageName, row.followUp.detail, row.ownerName ?? ""]))
        }.sorted { a, b in
            let ao = a.followUp.status.isOpen, bo = b.followUp.status.isOpen
            if ao != bo { return ao }
            if a.followUp.due != b.followUp.due { return a.followUp.due < b.followUp.due }
            return a.elderName < b.elderName
        }
        let window = Array(all.dropFirst(q.offset).prefix(q.limit ?? all.count))
        return FollowUpPage(query: q, rows: window, total: q.offset == 0 ? all.count : nil,
                            overdue: q.offset == 0 ? all.count(where: { $0.followUp.isOverdue(now: Fx.now) }) : nil)
    }

    static func harness(_ user: User? = Fx.clerk, elderID: UUID? = nil, language: Language = .zhHans,
                        width: Int = 80, height: Int = 24) -> ScreenHarness<FollowUpsScreen> {
        var h = ScreenHarness(FollowUpsScreen(elderID: elderID), env: Fx.env(user, language: language),
                              width: width, height: height) { request in
            if case .followUps(let q) = request { return .followUps(page(rows, q)) }
            return nil
        }
        h.start()
        return h
    }

    static func queries(_ h: ScreenHarness<FollowUpsScreen>) -> [FollowUpQuery] {
        h.requests.compactMap { if case .followUps(let q) = $0 { q } else { nil } }
    }

    @Test func aOneVillageUserHasNoVillageColumnAndLongerNames() {
        // Given the queue of a clerk whose area is 红旗村 alone
        var env = Fx.env()
        env.scope = AccessScope(villageIDs: [Fx.hongqi.id])
        var h = ScreenHarness(FollowUpsScreen(elderID: nil), env: env) { request in
            if case .followUps(let q) = request { return .followUps(Self.page(Self.rows, q)) }
            return nil
        }
        h.start()
        // Then no 村(社区) column, which the county's queue has
        #expect(env.villagesInScope.count == 1)
        #expect(!h.screenText().contains("村(社区)"))
        #expect(Self.harness().screenText().contains("村(社区)"))
        #expect(h.screenText().contains("阿依古丽"))
    }

    @Test func anElderWithoutFollowUpsIsNamedAndTheFileCanOpenTheAddForm() {
        let file = ElderFileScreenTests.file()
        let elder = file.elder.id
        // Given one elder's queue with nothing in it
        var h = ScreenHarness(FollowUpsScreen(elderID: elder), env: Fx.env(Fx.clerk)) { request in
            if case .followUps(let q) = request { return .followUps(Self.page([], q)) }
            if request == .elderFile(elder) { return .elderFile(file) }
            return nil
        }
        h.start()
        // Then the filter line names the elder at once
        #expect(h.lines().contains { $0.contains("王秀英") }, "\(h.screenText())")
        // And opened to add one, the form comes up straight away
        var add = ScreenHarness(FollowUpsScreen(elderID: elder, adding: true), env: Fx.env(Fx.clerk)) { request in
            if case .followUps(let q) = request { return .followUps(Self.page([], q)) }
            if request == .elderFile(elder) { return .elderFile(file) }
            return nil
        }
        add.start()
        #expect(add.screen.isAdding)
    }

    @Test func gridWorkerStartsWithMine() {
        // Given a grid worker / When the queue starts / Then it asks for their own follow-ups.
        let h = Self.harness(Fx.gridWorker)
        #expect(Self.queries(h) == [FollowUpQuery(scope: .everything, ownerID: Fx.liSi.id, limit: FollowUpsScreen.pageSize)])
        // Given a clerk / Then everyone's.
        #expect(Self.queries(Self.harness()) == [FollowUpQuery(scope: .everything, limit: FollowUpsScreen.pageSize)])
    }

    @Test func rowsSortedByDueWithLatenessAt80() {
        // Given follow-ups out of order / When shown at 80×24 / Then earliest due first, closed last, lateness shown.
        let lines = Self.harness().lines()
        #expect(lines[0] == "范围：全部  类型：全部  村：全部  含已办结：否                    共4项，逾期2项")
        #expect(lines[1] == "期限        类型          老人     村(社区) 负责人 状态   逾期      内容")
        // Due on the 21st, now the 23rd: two days late by the calendar, as the red-flag list says
        #expect(lines[2] == "11-21 17:00 消除安全隐患  王秀英   红旗村   李四   待办   逾期2天   更换老化电线")
        #expect(lines[3] == "11-23 09:00 紧急处置      阿依古丽 阿克苏村 赵医生 待办   逾期6小时 摔倒送医")
        #expect(lines[4] == "12-01 12:00 回访          马明     红旗村   —      办理中           下周回访")
        #expect(lines[5] == "10-20 10:00 通知赡养人    王秀英   红旗村   李四   已办结           已通知儿子")
    }

    @Test func anotherYearsDueDateShowsItsYearAt80() {
        // Given an open follow-up due a year ago among this year's
        var old = Self.hazard
        old.id = Fx.id(399)
        old.due = Fx.at("2025-11-18 15:00")
        let rows = Self.rows + [FollowUpRow(followUp: old, elderName: "马明", villageName: "红旗村", ownerName: nil)]
        var h = ScreenHarness(FollowUpsScreen(elderID: nil), env: Fx.env(Fx.clerk), width: 80, height: 24) { request in
            if case .followUps(let q) = request { return .followUps(Self.page(rows, q)) }
            return nil
        }
        h.start()
        // Then its row shows the year (11-18 alone would read as this November's), the others do not
        #expect(h.lines().contains { $0.hasPrefix("2025-11-18  ") }, "\(h.screenText())")
        #expect(h.lines().contains { $0.hasPrefix("11-21 17:00 ") })
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
        // (the late column holds "364 d late" whole)
        #expect(lines[1] == "Due              Type              Elder        Village      Owner      Status      Late       Detail")
        #expect(lines[2] == "2026-11-21 17:00 Fix safety hazard 王秀英       红旗村       李四       Open        2 d late   更换老化电线")
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

    @Test func aClosedFollowUpsDetailOffersOnlyWhatCanBeDone() {
        var h = Self.harness()
        h.screen.mode = .detail(Self.done.id)
        #expect(Set(h.screen.keyHints(env: h.env).map(\.keys)) == ["o", "Esc"], "\(h.screen.keyHints(env: h.env))")
        h.screen.mode = .detail(Self.hazard.id)
        #expect(h.screen.keyHints(env: h.env).contains { $0.keys == "x" })
    }

    @Test func enterShowsDetail() {
        // Given the first row / When Enter / Then a panel shows its type, dates and lateness.
        var h = Self.harness()
        h.send(.enter)
        let text = h.screenText()
        #expect(text.contains("类型      消除安全隐患"))
        #expect(text.contains("期限      2026-11-21 17:00  逾期2天"))
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
        #expect(h.commands.suffix(2) == [.request(.followUps(FollowUpQuery(scope: .everything, limit: FollowUpsScreen.pageSize))),
                                         .status(key: "followUps.savedDone", args: [], tone: .success)])
        #expect(!h.screen.capturesText)
    }

    @Test func escapeAsksBeforeDroppingWhatWasTyped() {
        var h = Self.harness()
        h.send(.enter, .char("x"))
        h.type("已更换电线")
        h.send(.escape)
        // Then the form stays and says so; a second Esc leaves it
        #expect(h.screen.capturesText)
        #expect(h.commands.last == .status(key: "followUps.formUnsavedEsc", args: [], tone: .warning))
        h.send(.escape)
        #expect(!h.screen.capturesText)
        // An empty form goes at once
        h.send(.char("x"), .escape)
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

    @Test func aRefusedSaveShowsTheQueueAsItStandsNow() {
        // Given p on a follow-up that another screen has closed meanwhile
        var h = Self.harness()
        h.send(.char("p"))
        let asked = h.requests.count
        // When the ledger refuses the save
        h.deliver(.failed(message: "这项跟进已经办结或撤销（王丽娟：已修），本次未保存"))
        // Then the error is shown and the queue is read again
        #expect(h.commands.contains(.status(key: "status.error", args: ["这项跟进已经办结或撤销（王丽娟：已修），本次未保存"], tone: .error)))
        #expect(h.requests.count == asked + 1)
        guard case .followUps? = h.requests.last else {
            Issue.record("no reload: \(String(describing: h.requests.last))")
            return
        }
        // And a later failure of something else does not read it again
        h.deliver(.failed(message: "磁盘已满"))
        #expect(h.requests.count == asked + 1)
    }

    @Test func pXAndZWorkOnTheSelectedRowOfTheList() {
        // Given the list with the overdue hazard selected / When p / Then it is saved in progress, still on the list.
        var h = Self.harness()
        h.send(.char("p"))
        var progressing = Self.hazard
        progressing.status = .inProgress
        #expect(h.requests.last == .saveFollowUp(progressing))
        #expect(h.screenText().contains("11-21 17:00 消除安全隐患"))
        #expect(!h.screenText().contains("内容      更换老化电线"))
        // When x / Then the closing form opens for that row, and sends its closing.
        h.send(.char("x"))
        #expect(h.screen.capturesText)
        h.type("已更换电线")
        h.send(.ctrl("s"))
        if case .closeFollowUp(let id, let closing, let status) = h.requests.last {
            #expect(id == Self.hazard.id && closing.action == "已更换电线" && status == .done)
        } else {
            Issue.record("no closing sent")
        }
        // And z on the list opens the cancelling form; a supervisor gets the read-only message instead.
        var z = Self.harness()
        z.send(.char("z"))
        #expect(z.screen.capturesText)
        var s = Self.harness(Fx.supervisor)
        s.send(.char("x"))
        #expect(s.commands.last == .status(key: "followUps.readOnly", args: [], tone: .warning))
        #expect(!s.screen.capturesText)
    }

    @Test func eInTheDetailHandsOverOrPostponesTheSameFollowUp() {
        // Given the overdue hazard's detail (owner 李四, due 11-21 17:00)
        var h = Self.harness()
        h.send(.enter)
        guard case .detail(let id) = h.screen.mode, id == Self.hazard.id else { Issue.record("not the hazard's detail"); return }
        #expect(h.screen.keyHints(env: h.env).contains { $0.keys == "e" })
        // When e, owner 赵医生, due in three days, and Ctrl-S
        h.send(.char("e"))
        #expect(h.screen.capturesText)
        #expect(h.screen.unsavedOnQuitKey == nil)
        #expect(h.screenText().contains("修改跟进事项：消除安全隐患"))
        #expect(h.screenText().contains("类型不能修改") && !h.screenText().contains("2 通知赡养人"))
        guard case .adding(let form) = h.screen.mode else { Issue.record("no form"); return }
        let zhao = try! #require(h.screen.ownerChoices(form, env: h.env).firstIndex { $0.id == Fx.zhao.id })
        h.type(String(zhao + 1))
        h.send(.tab)
        // (the due date moved into is selected: what is typed replaces it)
        h.type("+3")
        #expect(h.screen.unsavedOnQuitKey == "followUps.unsavedQuit")
        h.send(.ctrl("s"))
        // Then, overdue, it keeps its due day (its lateness is a fact), and says so
        #expect(Self.saved(h) == nil)
        #expect(h.screenText().contains("已逾期的事项不能改期"))
        h.send(.ctrl("u"))
        h.type(Self.hazard.due.description)
        h.send(.ctrl("s"))
        // And the same follow-up is saved with the new owner, its type, status, due and detail kept
        let saved = try! #require(Self.saved(h))
        #expect(saved.id == Self.hazard.id && saved.type == .hazardRectification && saved.status == Self.hazard.status)
        #expect(saved.ownerID == Fx.zhao.id && saved.detail == Self.hazard.detail && saved.due == Self.hazard.due)
        // And once saved, its detail is shown again with what was done
        h.deliver(.followUpSaved(saved))
        #expect(h.screen.mode == .detail(Self.hazard.id))
        #expect(h.commands.last == .status(key: "followUps.edit.saved", args: ["消除安全隐患"], tone: .success))
        // While only the owner is changed, the due day already past is kept
        var k = Self.harness()
        k.send(.enter, .char("e"))
        k.type(String(zhao + 1))
        k.send(.ctrl("s"))
        #expect(Self.saved(k)?.due == Self.hazard.due)
        // And Esc over a change asks first; a second Esc goes back to the details unchanged
        var esc = Self.harness()
        esc.send(.enter, .char("e"))
        esc.type(String(zhao + 1))
        esc.send(.escape)
        #expect(esc.screen.isAdding && esc.commands.last == .status(key: "followUps.addUnsavedEsc", args: [], tone: .warning))
        esc.send(.escape)
        #expect(esc.screen.mode == .detail(Self.hazard.id) && Self.saved(esc) == nil)
        // And one not yet due is postponed, a day typed alone keeping its time of day
        var p = Self.harness()
        p.send(.down, .down, .enter)
        guard case .detail(let later) = p.screen.mode else { Issue.record("no detail"); return }
        let revisit = try! #require(Self.rows.first { $0.followUp.id == later }?.followUp)
        #expect(revisit.due > Fx.now)
        p.send(.char("e"), .tab)
        p.type("1210")
        p.send(.ctrl("s"))
        #expect(Self.saved(p)?.due == LocalDateTime(date: Fx.date("2026-12-10"), hour: revisit.due.hour, minute: revisit.due.minute))
        // And e then Ctrl-S with nothing changed writes nothing
        var n = Self.harness()
        n.send(.enter, .char("e"), .ctrl("s"))
        #expect(Self.saved(n) == nil && n.screen.mode == .detail(Self.hazard.id))
        // And the type cannot be changed here
        var t = Self.harness()
        t.send(.enter, .char("e"), .backTab)
        t.type("2")
        #expect(t.screenText().contains("类型不能修改"))
    }

    @Test func aLongDescriptionIsShownWholeInTheDetails() {
        // Given a referral whose description takes several lines, ending in 送煤上门
        var long = Self.hazard
        long.detail = String(repeating: "老人独居子女在外", count: 7) + "希望冬季送煤上门"  // 64 characters: two lines of 32, three of 31
        let rows = [FollowUpRow(followUp: long, elderName: "海进忠", villageName: "红旗村", ownerName: "李四")]
        var h = ScreenHarness(FollowUpsScreen(elderID: nil), env: Fx.env()) { request in
            if case .followUps(let q) = request { return .followUps(Self.page(rows, q)) }
            return nil
        }
        h.start()
        h.send(.enter)
        // Then every character is in the panel, the last line included
        let text = h.lines().joined().replacingOccurrences(of: " ", with: "").replacingOccurrences(of: "│", with: "")
        #expect(text.contains("希望冬季送煤上门"), "\(h.lines())")
    }

    @Test func ctrlQAsksFirstOverATypedClosingOrNewFollowUp() {
        // Given the list: nothing typed, nothing to lose
        var h = Self.harness()
        #expect(h.screen.unsavedOnQuitKey == nil)
        // When x opens the closing form / Then still nothing, until what was done is typed
        h.send(.char("x"))
        #expect(h.screen.unsavedOnQuitKey == nil)
        h.type("已电话联系儿子")
        #expect(h.screen.unsavedOnQuitKey == "followUps.unsavedQuit")
        // And the same for a new follow-up given a type
        var a = Self.elderHarness()
        a.send(.char("a"))
        #expect(a.screen.unsavedOnQuitKey == nil)
        a.type("2")
        #expect(a.screen.unsavedOnQuitKey == "followUps.unsavedQuit")
        // The app asks on Ctrl-Q with the screen's words (AppModelTests: a second Ctrl-Q quits)
        #expect(Fx.strings[.zhHans]!["followUps.unsavedQuit"].contains("Ctrl-Q"))
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
        // And the queue is read again only once the form is left (reading it at once hid the form)
        func reads() -> Int { h.requests.filter { if case .followUps = $0 { true } else { false } }.count }
        h.deliver(.failed(message: "这项跟进已经办结或撤销（王丽娟：已修），本次未保存"))
        let before = reads()
        #expect(h.screen.capturesText && h.screenText().contains("本次未保存"))
        h.send(.escape, .escape)
        #expect(reads() == before + 1)
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

    // MARK: - A new follow-up by hand

    /// One elder's queue whose runner answers the follow-up list and the elder's file.
    static func elderHarness(_ user: User? = Fx.clerk, language: Language = .zhHans, width: Int = 80,
                             height: Int = 24) -> ScreenHarness<FollowUpsScreen> {
        var h = ScreenHarness(FollowUpsScreen(elderID: wang), env: Fx.env(user, language: language),
                              width: width, height: height) { request in
            switch request {
            case .followUps(let q): .followUps(page(rows, q))
            case .elderFile(let id) where id == wang: .elderFile(ElderFileScreenTests.file())
            default: nil
            }
        }
        h.start()
        return h
    }

    static func saved(_ h: ScreenHarness<FollowUpsScreen>) -> FollowUp? {
        h.requests.compactMap { if case .saveFollowUp(let f) = $0 { f } else { nil } }.last
    }

    @Test func addSendsTheTypedFollowUp() {
        // Given one elder's queue / When a new follow-up is typed: type 2, owner 2, due "1130 1700", detail
        var h = Self.elderHarness()
        h.send(.char("a"))
        #expect(h.screen.capturesText)
        h.type("2")
        h.send(.tab)
        h.type("2")
        h.send(.tab)
        h.type("1130 1700")
        h.send(.tab)
        h.type("通知儿子周末回来看望")
        h.send(.enter)
        // Then the ledger is asked to save exactly those values, opened now and open.
        let f = Self.saved(h)
        #expect(f?.elderID == Self.wang)
        #expect(f?.type == .notifySupporters)
        #expect(f?.ownerID == Fx.zhao.id)
        #expect(f?.due == Fx.at("2026-11-30 17:00"))
        #expect(f?.openedAt == Fx.now)
        #expect(f?.status == .open)
        #expect(f?.visitID == nil)
        #expect(f?.detail == "通知儿子周末回来看望")
        // When the ledger confirms / Then the list reloads and a success message shows.
        let before = Self.queries(h).count
        h.deliver(.followUpSaved(f!))
        #expect(Self.queries(h).count == before + 1)
        #expect(h.commands.last == .status(key: "followUps.add.saved", args: ["通知赡养人"], tone: .success))
        #expect(!h.screen.capturesText)
    }

    @Test func failedAddKeepsTheForm() {
        // Given a typed form / When the ledger refuses it / Then the form stays with the reason and can be sent again.
        var h = Self.elderHarness()
        h.send(.char("a"))
        h.type("1")
        h.send(.tab, .tab, .tab)
        h.type("修灶台")
        h.send(.enter)
        h.deliver(.failed(message: "磁盘已满"))
        #expect(h.screen.capturesText)
        #expect(h.screenText().contains("磁盘已满"))
        h.send(.enter)
        #expect(h.requests.filter { if case .saveFollowUp = $0 { true } else { false } }.count == 2)
    }

    @Test func anotherGridWorkerIsNotOfferedAsOwner() {
        // Given a village with a second grid worker, 王网格, who is not the elder's (李四 is)
        let wangGrid = Visitor(id: Fx.id(12), name: "王网格", role: .gridWorker, placeID: Fx.hongqi.id)
        var env = Fx.env()
        env.visitors.append(wangGrid)
        var h = ScreenHarness(FollowUpsScreen(elderID: Self.wang), env: env) { request in
            switch request {
            case .followUps(let q): .followUps(Self.page(Self.rows, q))
            case .elderFile(let id) where id == Self.wang: .elderFile(ElderFileScreenTests.file())
            default: nil
            }
        }
        h.start()
        // When a follow-up is added / Then the owners offered are 李四 and 赵医生, not 王网格, who
        // would never see it in her queue
        h.send(.char("a"))
        h.send(.tab)
        #expect(h.screenText().contains("李四") && h.screenText().contains("赵医生"))
        #expect(!h.screenText().contains("王网格"))
        guard case .adding(let form) = h.screen.mode else { Issue.record("not adding"); return }
        #expect(h.screen.ownerChoices(form, env: h.env).map(\.name) == ["李四", "赵医生"])
    }

    @Test func addDefaultsToTheResponsibleVisitorAndSevenDays() {
        // Given the elder's responsible visitor is 李四 (from the file) / When only type and detail are given
        var h = Self.elderHarness()
        h.send(.char("a"))
        #expect(h.requests.contains(.elderFile(Self.wang)))
        h.type("6")
        h.send(.tab, .tab, .tab)
        h.type("回访")
        h.send(.ctrl("s"))
        // Then the owner is 李四 and the due date a week from now.
        let f = Self.saved(h)
        #expect(f?.type == .revisit)
        #expect(f?.ownerID == Fx.liSi.id)
        #expect(f?.due == Fx.at("2026-11-30 15:00"))
    }

    @Test func addRefusesMissingOrBadValues() {
        // Given the form / When submitted without a type / Then nothing is sent and the reason shows.
        var h = Self.elderHarness()
        h.send(.char("a"))
        h.send(.function(10))
        #expect(Self.saved(h) == nil)
        #expect(h.screenText().contains("请按数字选择跟进类型"))
        // When the type is out of range / Then the allowed range is given.
        h.type("9")
        #expect(h.screenText().contains("请输入 1 到 6 的数字"))
        // When the due date is in the past / Then refused on that field.
        h.type("1")
        h.send(.tab, .tab)
        h.type("1120")
        h.send(.tab)
        h.type("检查")
        h.send(.enter)
        #expect(Self.saved(h) == nil)
        #expect(h.screenText().contains("期限 2026-11-20 15:00 早于现在"))
    }

    @Test func supervisorMayNotAdd() {
        // Given a supervisor / When `a` / Then no form, a read-only message instead, and no `a` in the key bar.
        var h = Self.elderHarness(Fx.supervisor)
        h.send(.char("a"))
        #expect(!h.screen.capturesText)
        #expect(h.commands.last == .status(key: "followUps.readOnly", args: [], tone: .warning))
        #expect(!h.screen.keyHints(env: h.env).contains { $0.keys == "a" })
        // A clerk sees it on one elder's queue, not on the whole queue, where `a` only says where to add
        #expect(Self.elderHarness(Fx.clerk).screen.keyHints(env: Fx.env()).contains { $0.keys == "a" })
        #expect(!Self.harness().screen.keyHints(env: Fx.env()).contains { $0.keys == "a" })
    }

    @Test func addNeedsOneElder() {
        // Given the whole queue / When `a` / Then it says to add from an elder's file.
        var h = Self.harness()
        h.send(.char("a"))
        #expect(!h.screen.capturesText)
        #expect(h.commands.last == .status(key: "followUps.add.fromFile", args: [], tone: .info))
    }

    @Test func addFormRendersAt80() {
        // Given the form at 80×24 in Chinese with type 2 picked / Then labels, choices and hints line up.
        var h = Self.elderHarness()
        h.send(.char("a"))
        h.type("2")
        let lines = h.lines()
        #expect(lines.contains("  │ 类型    通知赡养人                                                       │"))
        #expect(lines.contains("  │         1 消除安全隐患  2 通知赡养人  3 需求转介  4 协助申请待遇         │"))
        #expect(lines.contains("  │         5 紧急处置  6 回访                                               │"))
        #expect(lines.contains("  │ 负责人  李四                                                             │"))
        #expect(lines.contains("  │         0 —  1 李四  2 赵医生                                            │"))
        #expect(lines.contains { $0.contains("新增跟进事项：王秀英") })
        #expect(lines.contains { $0.contains("留空为7天后（2026-11-30 15:00）") })
        // And in English at 120×40 the title reads in English.
        var e = Self.elderHarness(language: .en, width: 120, height: 40)
        e.send(.char("a"))
        #expect(e.lines().contains { $0.contains("New follow-up: 王秀英") })
    }

    @Test func emptyElderQueueHintsAtAdding() {
        // Given an elder with nothing open / When the queue shows / Then it says how to add one.
        var h = ScreenHarness(FollowUpsScreen(elderID: Self.ma), env: Fx.env()) { request in
            if case .followUps(let q) = request {
                return .followUps(Self.page(Self.rows.filter { $0.followUp.status != .inProgress }, q))
            }
            return nil
        }
        h.start()
        #expect(h.lines()[2] == "没有待办的跟进事项")
        #expect(h.lines()[4] == "按 a 新增跟进事项")
        // Given one with open follow-ups / Then no hint.
        #expect(!Self.elderHarness().screenText().contains("按 a 新增"))
    }

    @Test func parsesDueDates() {
        let now = Fx.now
        #expect(FollowUpsScreen.parseDue("", now: now) == Fx.at("2026-11-30 15:00"))
        #expect(FollowUpsScreen.parseDue("+7", now: now) == Fx.at("2026-11-30 15:00"))
        #expect(FollowUpsScreen.parseDue("+1 0900", now: now) == Fx.at("2026-11-24 09:00"))
        #expect(FollowUpsScreen.parseDue("t 1700", now: now) == Fx.at("2026-11-23 17:00"))
        #expect(FollowUpsScreen.parseDue("1130 1700", now: now) == Fx.at("2026-11-30 17:00"))
        #expect(FollowUpsScreen.parseDue("20261205", now: now) == Fx.at("2026-12-05 15:00"))
        #expect(FollowUpsScreen.parseDue("20261205 0830", now: now) == Fx.at("2026-12-05 08:30"))
        #expect(FollowUpsScreen.parseDue("+x", now: now) == nil)
        #expect(FollowUpsScreen.parseDue("1199", now: now) == nil)
    }

    // MARK: - Search

    @Test func slashFiltersRowsAndEscClears() {
        // Given the whole queue / When `/` and "wxy" (pinyin initials of 王秀英)
        var h = Self.harness()
        h.send(.char("/"))
        #expect(h.screen.capturesText)
        h.type("wxy")
        // Then only 王秀英's rows are listed, under the search line.
        var lines = h.lines()
        #expect(lines[1].hasPrefix("搜索：wxy"))
        #expect(h.screen.rows.map(\.elderName) == ["王秀英", "王秀英"])
        #expect(lines[3].contains("更换老化电线"))
        #expect(!lines.joined().contains("阿依"))
        // When Enter leaves the field and a village name is searched instead / Then the filter follows.
        h.send(.enter)
        #expect(!h.screen.capturesText)
        h.send(.char("/"))
        h.send(.backspace, .backspace, .backspace)
        h.type("阿克苏")
        #expect(h.screen.rows.map(\.elderName) == ["阿依古丽"])
        // When Enter leaves the field and Enter again / Then the shown row opens, not the list's first.
        h.send(.enter, .enter)
        #expect(h.screen.mode == .detail(Self.emergency.id))
        h.send(.escape)
        h.send(.char("/"))
        // When Enter then Esc / Then the search clears first and the screen stays.
        h.send(.enter)
        #expect(h.screen.rows.count == 1)
        h.send(.escape)
        lines = h.lines()
        #expect(h.screen.rows.count == 4)
        #expect(!lines[1].hasPrefix("搜索"))
        #expect(h.commands.last != .back)
        h.send(.escape)
        #expect(h.commands.last == .back)
    }

    @Test func searchWithNoMatchSaysSo() {
        var h = Self.harness()
        h.send(.char("/"))
        h.type("无此人")
        #expect(h.lines()[3] == "没有符合搜索的跟进事项")
        // Esc in the field clears it.
        h.send(.escape)
        #expect(h.screen.rows.count == 4)
    }

    // MARK: - Windows of a county queue

    /// 150 open follow-ups, due one hour apart, the first 40 overdue.
    static let many: [FollowUpRow] = (0..<150).map { i in
        let hours = 15 + (i - 40) + 48  // from two days before today; now is 15:00
        let due = LocalDateTime(date: Fx.today.adding(days: hours / 24 - 2), hour: hours % 24, minute: 0)!
        let f = FollowUp(id: Fx.id(1000 + i), elderID: Fx.id(2000 + i), type: .revisit,
                         openedAt: Fx.at("2026-11-01 09:00"), due: due, detail: "回访\(i)")
        return FollowUpRow(followUp: f, elderName: "老人\(i)", villageName: "红旗村", ownerName: nil)
    }

    @Test func readsTheQueueInWindows() {
        // Given a queue longer than a window
        var h = ScreenHarness(FollowUpsScreen(elderID: nil), env: Fx.env()) { request in
            if case .followUps(let q) = request { return .followUps(Self.page(Self.many, q)) }
            return nil
        }
        h.start()
        // Then it asked for one window, and the counts are the whole queue's
        #expect(Self.queries(h).map(\.offset) == [0])
        #expect(h.screen.rows.count == FollowUpsScreen.pageSize)
        let overdue = Self.many.count(where: { $0.followUp.isOverdue(now: Fx.now) })
        #expect(h.lines()[0].hasSuffix("共150项，逾期\(overdue)项"))
        // When the selection comes near the end of the window / Then the next window is read once
        for _ in 0..<(FollowUpsScreen.pageSize - FollowUpsScreen.pageRows) { h.send(.down) }
        #expect(Self.queries(h).map(\.offset) == [0, FollowUpsScreen.pageSize])
        #expect(h.screen.rows.map(\.followUp.id) == Array(Self.many.prefix(2 * FollowUpsScreen.pageSize)).map(\.followUp.id))
        // When End is pressed until nothing more comes / Then the last row of the queue is selected
        for _ in 0..<5 { h.send(.end) }
        #expect(h.screen.rows.count == 150 && h.screen.table.selected == 149)
        #expect(Self.queries(h).count == 3)
        // When a search is typed / Then the first window of the search is read, counted and shown
        h.send(.char("/"))
        h.type("老人14")
        #expect(Self.queries(h).last == FollowUpQuery(search: "老人14", limit: FollowUpsScreen.pageSize))
        #expect(h.screen.rows.map(\.elderName) == ["老人14"] + (140..<150).map { "老人\($0)" })
        #expect(h.lines()[0].hasSuffix("共11项，逾期1项"))
    }

    @Test func answersToOldQuestionsAreDropped() {
        // Given a queue whose answers arrive later (nothing answered yet)
        var h = ScreenHarness(FollowUpsScreen(elderID: nil), env: Fx.env())
        h.start()
        h.send(.char("/"))
        h.type("王")
        h.type("秀")
        let asked = Self.queries(h)
        #expect(asked.map(\.search) == ["", "王", "王秀"])
        // When the answer to "王" arrives after "王秀" was typed / Then it is not shown
        h.deliver(.followUps(Self.page(Self.rows, asked[1])))
        #expect(!h.screen.loaded)
        // When the answer to "王秀" arrives / Then it is
        h.deliver(.followUps(Self.page(Self.rows, asked[2])))
        #expect(h.screen.loaded && h.screen.rows.map(\.elderName) == ["王秀英", "王秀英"])
    }

    @Test func newKeymapsHaveNoConflicts() {
        #expect(FollowUpsScreen.searchKeymap.conflicts.isEmpty)
        #expect(FollowUpsScreen.listKeymap.action(for: .char("a")) == .add)
        #expect(FollowUpsScreen.listKeymap.action(for: .char("/")) == .search)
    }
}
