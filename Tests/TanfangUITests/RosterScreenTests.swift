import Foundation
import Testing
import TanfangCore
@testable import TanfangUI

/// Places, people and ledger rows shared by the login, roster and elder-edit screen tests.
enum RosterFixture {
    static let today = LocalDate(year: 2026, month: 11, day: 23)!
    static let township = Place(code: "654021100", name: "墩麻扎镇", level: .township, parentID: nil)
    static let hongxing = Place(code: "654021100001", name: "红星村", level: .village, parentID: township.id)
    static let tuanjie = Place(code: "654021100002", name: "团结村", level: .village, parentID: township.id)
    static let visitor = Visitor(name: "李网格", role: .gridWorker, placeID: hongxing.id)
    static let clerk = User(name: "王文书", role: .clerk, areaID: hongxing.id, pinHash: "x")
    static let supervisor = User(name: "张督导", role: .supervisor, areaID: township.id, pinHash: "x")

    /// A valid ID number for a woman born 1940-03-05 in 伊宁县.
    static let wangID: String = {
        let first17 = "65402119400305002"
        return first17 + String(IDNumber.checkCharacter(for: first17))
    }()

    static func env(_ language: Language = .zhHans, user: User? = clerk, scope: AccessScope = .everything) throws -> AppEnvironment {
        let resources = ResourceLocator.sourceCheckout
        return AppEnvironment(strings: try Strings.load(language, resources: resources),
                              form: try FormDefinition.load(resources: resources),
                              today: today, now: LocalDateTime(date: today, hour: 9, minute: 0)!,
                              user: user, scope: scope, places: [township, hongxing, tuanjie], visitors: [visitor])
    }

    static let wang = Elder(name: "王秀英", gender: .female, idNumber: wangID, birthDate: LocalDate(year: 1940, month: 3, day: 5),
                            ethnicity: "汉族", phone: "13912345678", villageID: hongxing.id,
                            categories: [.livingAlone, .disabled], disabilityDegree: .moderate, visitorID: visitor.id,
                            statusHistory: [StatusChange(date: LocalDate(year: 2024, month: 1, day: 1)!, status: .active)],
                            sources: ["残联"])
    static let li = Elder(name: "李建国", gender: .male, birthDate: LocalDate(year: 1950, month: 6, day: 1),
                          villageID: tuanjie.id, categories: [.emptyNest],
                          statusHistory: [StatusChange(date: LocalDate(year: 2024, month: 1, day: 1)!, status: .active)])
    static let ayi = Elder(name: "阿依古丽·买买提江", gender: .female, birthDate: LocalDate(year: 1948, month: 2, day: 9),
                           villageID: tuanjie.id, categories: [.destitute],
                           statusHistory: [StatusChange(date: LocalDate(year: 2024, month: 1, day: 1)!, status: .hospitalized)])

    static func row(_ elder: Elder, village: Place, lastVisit: LocalDateTime?, nextDue: LocalDate?, risk: RiskLevel) -> RosterRow {
        RosterRow(elder: elder,
                  summary: ElderSummary(elderID: elder.id, lastVisit: lastVisit, nextDue: nextDue,
                                        risk: RiskAssessment(level: risk, score: 0, reasons: []), computedOn: today),
                  villageName: village.name)
    }

    static let rows = [
        row(wang, village: hongxing, lastVisit: LocalDateTime(date: LocalDate(year: 2026, month: 10, day: 20)!, hour: 9, minute: 30),
            nextDue: LocalDate(year: 2026, month: 11, day: 20), risk: .high),
        row(li, village: tuanjie, lastVisit: nil, nextDue: LocalDate(year: 2026, month: 11, day: 26), risk: .medium),
        row(ayi, village: tuanjie, lastVisit: nil, nextDue: nil, risk: .low),
    ]

    /// Answers roster requests like the ledger would for the three rows above (counts by due state).
    static func ledger(total: Int = 3) -> (DataRequest) -> DataResponse? {
        { request in
            guard case .roster(let q) = request else { return nil }
            let matching = rows.filter { q.due == nil || $0.summary.dueState(today: q.today) == q.due }
            let totalCount = q.due == nil ? total : matching.count
            var page = RosterPage(rows: Array(matching.prefix(q.limit)), total: totalCount)
            if q.countsDueStates {
                page.overdue = matching.filter { $0.summary.dueState(today: q.today) == .overdue }.count
                page.dueSoon = matching.filter { $0.summary.dueState(today: q.today) == .dueSoon }.count
            }
            return .roster(page)
        }
    }
}

extension ScreenHarness {
    /// The roster queries that fetch rows (not the counting ones with limit 0).
    var rosterQueries: [RosterQuery] {
        requests.compactMap { if case .roster(let q) = $0, q.limit > 0 { return q } else { return nil } }
    }
}

@Suite("RosterScreen")
struct RosterScreenTests {
    @Test("Start asks for the first page in the user's scope with the overdue and due-soon counts, in one request")
    func startRequests() throws {
        // Given a clerk scoped to one village
        let scope = AccessScope(villageIDs: [RosterFixture.hongxing.id])
        var h = ScreenHarness(RosterScreen(), env: try RosterFixture.env(scope: scope))
        // When the screen starts
        h.start()
        // Then one page query goes out, with the scope and today, asking for listing rows and the counts
        let queries = h.requests.compactMap { if case .roster(let q) = $0 { return q } else { return nil } }
        #expect(queries.count == 1)
        #expect(queries.allSatisfy { $0.scope == scope && $0.today == RosterFixture.today && $0.status == .active })
        #expect(queries[0].limit == RosterScreen.pageSize && queries[0].due == nil && queries[0].sort == .nextDue)
        #expect(queries[0].countsDueStates && queries[0].detail == .listing)
    }

    @Test("An elder due today reads 今天到期, told apart from one due in a few days")
    func dueTodayIsSaid() throws {
        // Given 李建国 due today (RosterFixture.today), not in three days
        var rows = RosterFixture.rows
        rows[1].summary.nextDue = RosterFixture.today
        var h = ScreenHarness(RosterScreen(), env: try RosterFixture.env()) { request in
            guard case .roster(let q) = request else { return nil }
            var page = RosterPage(rows: Array(rows.prefix(q.limit)), total: rows.count)
            page.dueSoon = 1
            return .roster(page)
        }
        h.start()
        #expect(h.lines()[4].hasSuffix("2026-11-23 今天到期"), "\(h.screenText())")
        #expect(h.lines()[3].hasSuffix("逾期"))
    }

    @Test("At 80×24 a row with a Chinese name lines up under the header, overdue marked in words")
    func render80() throws {
        // Given the ledger answers with three elders
        var h = ScreenHarness(RosterScreen(), env: try RosterFixture.env(), respond: RosterFixture.ledger())
        // When the screen starts
        h.start()
        let lines = h.lines()
        // Then the counts come from the counting queries and the rows align column by column
        #expect(lines[0].hasPrefix(" 共 3 人 · 逾期 1 · 即将到期 1"))
        #expect(lines[2] == " 姓名        性别 年龄 村(社区) 类别        风险 上次探访   下次应访   到期")
        #expect(lines[3] == " 王秀英      女     86 红星村   独居、失能… 高   2026-10-20 2026-11-20 逾期")
        #expect(lines[4] == " 李建国      男     76 团结村   空巢        中   从未探访   2026-11-26 即将到期")
        #expect(lines[5] == " 阿依古丽·…  女     78 团结村   特困        低   从未探访              住院")
        // No ID number or phone at this width, whole or masked
        #expect(!h.screenText().contains("5678"))
    }

    @Test("A one-village user's roster has no village column: the names get its room; English sex is M/F")
    func oneVillageRoster() throws {
        // Given a clerk whose area is one village (the fixture's rows are answered as they are)
        let scope = AccessScope(villageIDs: [RosterFixture.hongxing.id])
        var h = ScreenHarness(RosterScreen(), env: try RosterFixture.env(scope: scope), respond: RosterFixture.ledger())
        h.start()
        let lines = h.lines()
        // Then the header has no village, and the long name is shown whole
        #expect(lines[2].hasPrefix(" 姓名") && !lines[2].contains("村(社区)"))
        #expect(lines[5].hasPrefix(" 阿依古丽·买买提江   女     78 特困"))
        // And in English the sex column is one letter wide
        var en = ScreenHarness(RosterScreen(), env: try RosterFixture.env(.en, scope: scope), respond: RosterFixture.ledger())
        en.start()
        #expect(en.lines()[5].hasPrefix(" 阿依古丽·买买提江   F    78 Destitute"))
    }

    @Test("At 120×40 the masked phone and the responsible visitor appear, and the categories in full")
    func render120() throws {
        var h = ScreenHarness(RosterScreen(), env: try RosterFixture.env(), width: 120, height: 40,
                              respond: RosterFixture.ledger())
        h.start()
        let lines = h.lines()
        #expect(lines[2].hasSuffix("到期     电话        责任人"))
        #expect(lines[3].hasPrefix(" 王秀英"))
        #expect(lines[3].hasSuffix("逾期     139****5678 李网格"))
        #expect(lines[3].contains(" 独居、失能、高龄 "))
        #expect(!h.screenText().contains("13912345678"))
        #expect(!h.screenText().contains("身份证号"))
    }

    @Test("At 160 columns the masked ID number appears too; never the whole number")
    func render160() throws {
        var h = ScreenHarness(RosterScreen(), env: try RosterFixture.env(), width: 160, height: 40,
                              respond: RosterFixture.ledger())
        h.start()
        let lines = h.lines()
        #expect(lines[2].hasSuffix("身份证号"))
        #expect(lines[3].hasSuffix(" " + Masking.idNumber(RosterFixture.wangID)))
        #expect(!h.screenText().contains(RosterFixture.wangID))
    }

    @Test("Typing wxy re-sends the roster request on every keystroke with the search so far")
    func incrementalSearch() throws {
        var h = ScreenHarness(RosterScreen(), env: try RosterFixture.env(), respond: RosterFixture.ledger())
        h.start()
        // When letters not bound to commands are typed
        h.type("wxy")
        // Then the search starts at once and each keystroke asks again; F2–F5 still change screens
        #expect(h.screen.searching && !h.screen.capturesText)
        #expect(h.rosterQueries.map(\.search) == ["", "w", "wx", "wxy"])
        #expect(h.lines()[1] == " 搜索：wxy")
        // And each asks for the counts of what that search matches
        #expect(h.rosterQueries.allSatisfy { $0.countsDueStates })
    }

    @Test("Slash focuses search (where the roster starts), so command letters are search text; Esc clears it, then goes back")
    func searchAndEscape() throws {
        var h = ScreenHarness(RosterScreen(), env: try RosterFixture.env(), respond: RosterFixture.ledger())
        h.start()
        h.send(.char("/"))
        h.type("fs")  // f and s would filter and sort outside the search line
        #expect(h.rosterQueries.last?.search == "fs")
        #expect(h.rosterQueries.last?.sort == .nextDue)
        // When Esc is pressed: the search is cleared and the list reloaded, the screen stays
        h.send(.escape)
        #expect(h.rosterQueries.last?.search == "")
        #expect(!h.commands.contains(.back))
        #expect(!h.screen.capturesText)
        // A second Esc goes back
        h.send(.escape)
        #expect(h.commands.last == .back)
    }

    @Test("Esc outside the search line clears a kept search before going back")
    func escapeClearsKeptSearch() throws {
        var h = ScreenHarness(RosterScreen(), env: try RosterFixture.env(), respond: RosterFixture.ledger())
        h.start()
        h.type("王")
        h.send(.tab)  // leave the search line, keep the text
        #expect(!h.screen.capturesText)
        h.send(.escape)
        #expect(h.rosterQueries.last?.search == "")
        #expect(h.commands.last != .back)
        h.send(.escape)
        #expect(h.commands.last == .back)
    }

    @Test("Filters and sorts change the query")
    func filtersAndSort() throws {
        var h = ScreenHarness(RosterScreen(), env: try RosterFixture.env(), respond: RosterFixture.ledger())
        h.start()
        // When Tab moves from the search line to the list, the filter bar opens and the village
        // filter steps to the first village
        h.send(.tab, .char("f"), .down)
        #expect(h.rosterQueries.last?.villageID == RosterFixture.hongxing.id)
        // and the category filter steps twice (独居, 空巢)
        h.send(.right, .down, .down)
        #expect(h.rosterQueries.last?.category == .emptyNest)
        // and the risk filter to 高, the due filter to 逾期, the status filter to every status
        h.send(.right, .down, .right, .down, .right, .delete)
        let q = try #require(h.rosterQueries.last)
        #expect(q.risk == .high && q.due == .overdue && q.status == nil)
        #expect(h.lines()[2].contains("村：红星村"))
        // Closing the bar keeps the filters; s and S change the sort
        h.send(.enter, .char("s"))
        #expect(h.rosterQueries.last?.sort == .name)
        #expect(h.rosterQueries.last?.villageID == RosterFixture.hongxing.id)
        h.send(.char("S"))
        #expect(h.rosterQueries.last?.sort == .name && h.rosterQueries.last?.descending == true)
        #expect(h.commands.last == .status(key: "roster.sortedBy", args: ["姓名", "降序"], tone: .info))
    }

    @Test("Category filter can select 高龄, which the ledger derives from the birth date")
    func advancedAgeFilter() throws {
        var h = ScreenHarness(RosterScreen(), env: try RosterFixture.env(), respond: RosterFixture.ledger())
        h.start()
        h.send(.tab, .char("f"), .right, .up)  // one step back from 全部 wraps to the last choice
        let q = try #require(h.rosterQueries.last)
        #expect(q.advancedAgeOnly && q.category == nil)
    }

    @Test("Enter opens the elder file, n a new visit, e and a the edit form")
    func openings() throws {
        var h = ScreenHarness(RosterScreen(), env: try RosterFixture.env(), respond: RosterFixture.ledger())
        h.start()
        h.send(.down, .down, .enter)  // the first ↓ enters the list on the top row, the second moves
        #expect(h.commands.last == .open(.elderFile(RosterFixture.li.id)))
        h.send(.char("n"))
        #expect(h.commands.last == .open(.newVisit(elderID: RosterFixture.li.id)))
        h.send(.char("e"))
        #expect(h.commands.last == .open(.editElder(RosterFixture.li.id)))
        h.send(.char("a"))
        #expect(h.commands.last == .open(.editElder(nil)))
    }

    @Test("After logging in, an unsaved visit sheet is mentioned once, with n to go on")
    func unsavedSheetIsMentioned() throws {
        // Given a clerk's roster starting
        var h = ScreenHarness(RosterScreen(), env: try RosterFixture.env(), respond: RosterFixture.ledger())
        h.start()
        #expect(h.requests.filter { $0 == .latestDraft(prefix: VisitDraft.key) }.count == 1)
        // When the ledger has a draft / Then the status names the elder and the visit's time
        let draft = VisitDraft(elderID: RosterFixture.wang.id, elderName: "王秀英", visitID: UUID(),
                               at: LocalDateTime("2026-11-20 14:30")!, visitorIDs: [], method: .home,
                               seenInPerson: true, seenChosen: true, answers: [:], copiedSections: [],
                               current: "health.expression", pendingText: "2", keystrokes: 9,
                               savedAt: LocalDateTime("2026-11-22 18:00")!)
        h.deliver(.draft(key: VisitDraft.key(for: RosterFixture.wang.id), json: draft.json()))
        #expect(h.commands.last == .status(key: "roster.draftWaiting", args: ["王秀英", "11-20 14:30"], tone: .info))
        #expect(h.env.strings.format("roster.draftWaiting", "王秀英", "11-20 14:30")
                == "有未保存的探访草稿：王秀英，11-20 14:30 的探访；找到王秀英按 n 继续填写")
        // When the roster starts again (back from a file) / Then it does not ask again
        h.start()
        #expect(h.requests.filter { $0 == .latestDraft(prefix: VisitDraft.key) }.count == 1)
        // And a supervisor, who cannot write visits, is not asked about drafts
        var s = ScreenHarness(RosterScreen(), env: try RosterFixture.env(user: RosterFixture.supervisor),
                              respond: RosterFixture.ledger())
        s.start()
        #expect(!s.requests.contains(.latestDraft(prefix: VisitDraft.key)))
    }

    @Test("A grid worker adds and visits her elders but does not import roster files")
    func gridWorkerDoesNotImport() throws {
        let grid = User(name: "李网格", role: .gridWorker, areaID: RosterFixture.hongxing.id,
                        visitorID: RosterFixture.visitor.id, pinHash: "x")
        var h = ScreenHarness(RosterScreen(), env: try RosterFixture.env(user: grid, scope: AccessScope(visitorID: RosterFixture.visitor.id)),
                              respond: RosterFixture.ledger())
        h.start()
        h.send(.tab, .char("i"))
        // Then nothing opens, the status line says who imports, and i is not offered
        #expect(!h.commands.contains { if case .open = $0 { return true } else { return false } })
        #expect(h.commands.last == .status(key: "importRoster.clerksOnly", args: [], tone: .warning))
        #expect(h.env.strings["importRoster.clerksOnly"].hasPrefix("导入花名册由村文书或管理员办理"))
        let hints = h.screen.keyHints(env: h.env)
        #expect(!hints.contains { $0.keys == "i" } && hints.contains { $0.keys == "a" } && hints.contains { $0.keys == "n" })
        // And the import screen itself refuses her too
        var screen = ImportScreen()
        #expect(screen.start(env: h.env) == [.status(key: "importRoster.clerksOnly", args: [], tone: .warning)])
    }

    @Test("A supervisor reads the roster but cannot add or edit")
    func supervisorReadOnly() throws {
        var h = ScreenHarness(RosterScreen(), env: try RosterFixture.env(user: RosterFixture.supervisor),
                              respond: RosterFixture.ledger())
        h.start()
        h.send(.tab, .char("e"), .char("a"))
        #expect(!h.commands.contains { if case .open = $0 { return true } else { return false } })
        #expect(h.commands.last == .status(key: "roster.readOnly", args: [], tone: .warning))
        #expect(!h.screen.keyHints(env: h.env).contains { ["e", "a", "n", "i"].contains($0.keys) })
        // A clerk sees them.
        var clerk = ScreenHarness(RosterScreen(), env: try RosterFixture.env(), respond: RosterFixture.ledger())
        clerk.start()
        clerk.send(.tab)
        #expect(clerk.screen.keyHints(env: clerk.env).contains { $0.keys == "n" })
        h.send(.enter)
        #expect(h.commands.last == .open(.elderFile(RosterFixture.wang.id)))
    }

    @Test("A fresh roster searches with every letter a name's pinyin can start with: 阿 aygl, 孙 sxz, 努 nr, 冯 fj")
    func everyLetterSearchesFirst() throws {
        var h = ScreenHarness(RosterScreen(), env: try RosterFixture.env(), respond: RosterFixture.ledger())
        h.start()
        for initials in ["aygl", "sxz", "nr", "fj", "eb"] {
            h.type(initials)
            #expect(h.rosterQueries.last?.search == initials)
            #expect(h.rosterQueries.last?.sort == .nextDue)
            #expect(!h.commands.contains { if case .open = $0 { return true } else { return false } })
            #expect(!h.screen.filterOpen)
            h.send(.escape)
            #expect(h.rosterQueries.last?.search == "")
        }
    }

    @Test("↓ moves into the list on the highlighted row, where n starts a visit; back on the roster, typing starts a new search")
    func arrowsMoveIntoTheList() throws {
        var h = ScreenHarness(RosterScreen(), env: try RosterFixture.env(), respond: RosterFixture.ledger())
        h.start()
        let top = try #require(h.screen.selectedRow?.elder.id)
        h.send(.down)
        #expect(!h.screen.searching)
        h.send(.char("n"))
        #expect(h.commands.last == .open(.newVisit(elderID: top)))
        // With text typed too: ↓ leaves the search for the list, and n acts on the row
        // (back from a sheet begun on the list without a search, the list keeps the keys: / searches)
        h.start()
        #expect(!h.screen.searching)
        h.type("/")
        #expect(h.screen.searching)
        h.type("w")
        h.send(.down, .down)
        h.send(.char("n"))
        #expect(h.rosterQueries.last?.search == "w")
        #expect(h.commands.last == .open(.newVisit(elderID: RosterFixture.li.id)))
        // Back from the sheet (the app starts the roster again) the kept search is replaced by
        // the next name typed, whose letters are not commands
        h.start()
        #expect(h.screen.searching && h.screen.replacesSearch)
        #expect(h.lines()[1] == " 搜索：w")
        h.type("nr")
        #expect(h.rosterQueries.last?.search == "nr")
        #expect(h.commands.last != .open(.newVisit(elderID: RosterFixture.li.id)))
        // And Backspace clears a kept search at once
        h.start()
        h.send(.backspace)
        #expect(h.rosterQueries.last?.search == "")
    }

    @Test("Scrolling to the end of the loaded rows asks for the next page by offset")
    func loadMore() throws {
        // Given a ledger that says 250 match but sends the three rows
        var h = ScreenHarness(RosterScreen(), env: try RosterFixture.env(), respond: RosterFixture.ledger(total: 250))
        h.start()
        // When End is pressed
        h.send(.end)
        // Then the next page is asked for from the rows loaded so far
        #expect(h.rosterQueries.last?.offset == 3)
        #expect(h.screen.rows.count == 6)  // the canned ledger answered with the same three again
    }

    @Test("Coming back from the file reloads and keeps the same elder selected")
    func returnKeepsSelection() throws {
        var h = ScreenHarness(RosterScreen(), env: try RosterFixture.env(), respond: RosterFixture.ledger())
        h.start()
        h.send(.down, .down, .down)
        // When the screen is started again (the app does this on return)
        h.start()
        // Then it asked again and 阿依古丽 is still selected
        #expect(h.rosterQueries.count == 2)
        #expect(h.screen.selectedRow?.elder.id == RosterFixture.ayi.id)
        h.send(.enter)
        #expect(h.commands.last == .open(.elderFile(RosterFixture.ayi.id)))
    }

    @Test("Walking down the list without a search, back from a file the keys act on the list again")
    func returnToTheList() throws {
        // Given the list entered from an empty search line, and the third row's file opened
        var h = ScreenHarness(RosterScreen(), env: try RosterFixture.env(), respond: RosterFixture.ledger())
        h.start()
        h.send(.down, .down, .down)
        #expect(!h.screen.searching)
        h.send(.enter)
        #expect(h.commands.last == .open(.elderFile(RosterFixture.ayi.id)))
        // When the app starts the roster again on return
        h.start()
        // Then the list has the keys, on the same row: n is a new visit for her, not a search
        #expect(!h.screen.searching)
        #expect(h.lines()[1].hasPrefix(" 搜索："))
        h.send(.char("n"))
        #expect(h.commands.last == .open(.newVisit(elderID: RosterFixture.ayi.id)))
        #expect(h.rosterQueries.allSatisfy { $0.search.isEmpty })
        // And after that sheet too; a file opened from a name searched comes back to the search line
        h.start()
        #expect(!h.screen.searching)
        h.type("/")
        h.type("w")
        h.send(.down, .enter)
        h.start()
        #expect(h.screen.searching && h.screen.replacesSearch)
    }

    @Test("Answers to an older search are ignored")
    func staleAnswers() throws {
        var h = ScreenHarness(RosterScreen(), env: try RosterFixture.env())
        h.start()
        h.type("w")
        // When the first query's answers arrive after the second was sent
        let old = RosterPage(rows: [RosterFixture.rows[1]], total: 1, overdue: 0, dueSoon: 1)
        h.deliver(.roster(old))
        let new = RosterPage(rows: [RosterFixture.rows[0]], total: 1, overdue: 1, dueSoon: 0)
        h.deliver(.roster(new))
        // Then only the newest answers count
        #expect(h.screen.rows.map(\.elder.name) == ["王秀英"])
        #expect(h.lines()[0].hasPrefix(" 共 1 人 · 逾期 1 · 即将到期 0"))
    }

    @Test("English labels, and counts honest about their filters")
    func english() throws {
        var h = ScreenHarness(RosterScreen(), env: try RosterFixture.env(.en), respond: RosterFixture.ledger())
        h.start()
        let lines = h.lines()
        #expect(lines[0].hasPrefix(" Elders: 3 · overdue: 1 · due soon: 1"))
        #expect(lines[2].hasPrefix(" Name"))
        #expect(lines[3].contains("王秀英") && lines[3].contains("Overdue") && lines[3].contains("High"))
        #expect(lines[4].contains("Due soon"))
    }

    @Test("Keymaps have no conflicts")
    func keymaps() {
        #expect(RosterScreen.keymap.conflicts.isEmpty)
        #expect(RosterScreen.filterKeymap.conflicts.isEmpty)
        #expect(RosterScreen.searchKeymap.conflicts.isEmpty)
    }

    @Test("Every roster catalog key exists in both languages")
    func catalogs() throws {
        let zh = try RosterFixture.env(.zhHans).strings.table.keys.filter { $0.hasPrefix("roster.") }
        let en = try RosterFixture.env(.en).strings.table.keys.filter { $0.hasPrefix("roster.") }
        #expect(Set(zh) == Set(en))
        #expect(zh.count > 40)
    }
}
