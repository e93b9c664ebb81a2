import Foundation
import Testing
import TanfangCore
@testable import TanfangUI

@Suite struct ElderFileScreenTests {
    static let elderID = Fx.id(100)

    static func elder(remote: Bool = false, override: RiskOverride? = nil) -> Elder {
        Elder(id: elderID, name: "王秀英", gender: .female, idNumber: "65402119400305002X",
              birthDate: Fx.date("1940-03-05"), ethnicity: "汉族", phone: "13812345678",
              address: "红旗村3组12号", villageID: Fx.hongqi.id,
              categories: [.livingAlone, .disabled], disabilityDegree: .severe, livingArrangement: .alone,
              supporters: [Supporter(name: "王大", relation: "儿子", phone: "13698765432", residence: "乌鲁木齐市")],
              emergencyContacts: [Contact(name: "马兰", relation: "邻居", phone: "13566667777")],
              visitorID: Fx.liSi.id, remote: remote, riskOverride: override,
              statusHistory: [StatusChange(date: Fx.date("2020-01-01"), status: .active),
                              StatusChange(date: Fx.date("2025-03-02"), status: .hospitalized),
                              StatusChange(date: Fx.date("2025-04-01"), status: .active)])
    }

    static let latest = Visit(id: Fx.id(200), elderID: elderID, at: Fx.at("2026-11-20 10:30"),
                              visitorIDs: [Fx.liSi.id, Fx.zhao.id], method: .home, seenInPerson: true,
                              answers: ["health.mobility": .choice(3), "health.mental": .choice(1),
                                        "safety.hasHazard": .yesNo(true), "safety.hazards": .choices([3]),
                                        "safety.hazardDetail": .text("电线老化")])
    static let older = Visit(id: Fx.id(201), elderID: elderID, at: Fx.at("2026-10-15 09:00"),
                             visitorIDs: [Fx.liSi.id], method: .phone, seenInPerson: false,
                             answers: ["health.mental": .choice(1), "safety.hasHazard": .yesNo(false)],
                             copiedSections: ["health", "economic"])

    static let hazard = FollowUp(id: Fx.id(300), elderID: elderID, visitID: latest.id, type: .hazardRectification,
                                 ownerID: Fx.liSi.id, openedAt: Fx.at("2026-11-20 11:00"), due: Fx.at("2026-11-21 17:00"),
                                 detail: "更换老化电线")
    static let revisit = FollowUp(id: Fx.id(301), elderID: elderID, type: .revisit, ownerID: Fx.liSi.id,
                                  openedAt: Fx.at("2026-11-20 11:00"), due: Fx.at("2026-12-01 12:00"),
                                  status: .inProgress, detail: "下周回访")
    static let done = FollowUp(id: Fx.id(302), elderID: elderID, type: .notifySupporters,
                               openedAt: Fx.at("2026-10-15 10:00"), due: Fx.at("2026-10-20 10:00"), status: .done,
                               detail: "已通知儿子")

    static func file(overridden: Bool = false) -> ElderFile {
        let risk = overridden
            ? RiskAssessment(level: .high, score: 5, reasons: ["刚出院需要照看", "risk.reason.openHazard"], overridden: true)
            : RiskAssessment(level: .high, score: 5, reasons: ["risk.reason.disabledLivingAlone", "risk.reason.openHazard"])
        let summary = ElderSummary(elderID: elderID, lastVisit: latest.at, lastVisitMethod: .home,
                                   lastHomeVisit: latest.date, visitCount: 2, nextDue: Fx.date("2026-11-25"),
                                   risk: risk, openFollowUps: 2, openHazards: 1, computedOn: Fx.today)
        return ElderFile(elder: elder(override: overridden ? RiskOverride(level: .high, reason: "刚出院需要照看") : nil),
                         summary: summary, village: Fx.hongqi, visitor: Fx.liSi,
                         visits: [latest, older], followUps: [revisit, done, hazard],
                         visitorNames: [Fx.liSi.id: "李四", Fx.zhao.id: "赵医生"])
    }

    static func harness(_ user: User? = Fx.clerk, language: Language = .zhHans, width: Int = 80, height: Int = 24,
                        file: ElderFile = file()) -> ScreenHarness<ElderFileScreen> {
        var h = ScreenHarness(ElderFileScreen(elderID: elderID), env: Fx.env(user, language: language),
                              width: width, height: height) { request in
            request == .elderFile(elderID) ? .elderFile(file) : nil
        }
        h.start()
        return h
    }

    @Test func aStatusChangeShowsTheNoteTypedWithIt() {
        // Given a hospital stay entered with where and why
        var f = Self.file()
        f.elder.statusHistory[1].note = "伊宁县人民医院，肺炎"
        let text = Self.harness(width: 120, height: 30, file: f).screenText()
        // Then the file says it beside the change
        #expect(text.contains("住院（伊宁县人民医院，肺炎）"), "\(text)")
    }

    @Test func aHomeVisitThatDidNotFindTheElderSaysSo() {
        let env = Fx.env()
        var visit = Visit(elderID: Self.elderID, at: LocalDateTime("2026-11-20 10:00")!, visitorIDs: [], method: .home,
                          seenInPerson: false)
        #expect(ElderFileScreen.findings(visit, env: env) == "未见到本人")
        visit.seenInPerson = true
        #expect(ElderFileScreen.findings(visit, env: env) == "无异常")
    }

    @Test func startRequestsTheFile() {
        // Given a new elder file screen / When it starts / Then it asks for that elder's file.
        var h = ScreenHarness(ElderFileScreen(elderID: Self.elderID), env: Fx.env())
        h.start()
        #expect(h.requests == [.elderFile(Self.elderID)])
        #expect(h.lines()[0] == "正在读取…")
    }

    @Test func clerkSeesWholeIDAndPhonesAt80() {
        // Given a clerk / When the file is shown at 80×24 / Then ID and phones are whole and labels align.
        let lines = Self.harness().lines()
        #expect(lines[0] == "王秀英  女  86岁  高龄  汉族")
        #expect(lines[1] == "身份证号    65402119400305002X")
        #expect(lines[2] == "电话        13812345678")
        #expect(lines[3] == "住址        红旗村3组12号")
        #expect(lines[4] == "村(社区)    红旗村")
        #expect(lines[5] == "类别        独居、失能（重度）、高龄")
        #expect(lines[6] == "居住情况    独自居住")
        #expect(lines[7] == "状态        在册  2020-01-01 在册 → 2025-03-02 住院 → 2025-04-01 在册")
        #expect(lines[8] == "风险等级    高  失能且独居；存在未消除的安全隐患")
        #expect(lines[9] == "探访        下次应访 2026-11-25  即将到期")
        #expect(lines[11] == "责任人      李四  13912345678")
        #expect(lines[12] == "赡养人      王大（儿子）  13698765432  乌鲁木齐市")
        #expect(lines[13] == "紧急联系人  马兰（邻居）  13566667777")
    }

    @Test func remarksAreShownWrappedAndAContactWithoutRelationHasNoEmptyBrackets() throws {
        var file = Self.file()
        file.elder.remarks = "女儿在乌鲁木齐打工，每月回来一次；冬天常住女儿家，十二月到二月请打女儿电话联系"
        file.elder.emergencyContacts = [Contact(name: "马兰", relation: "", phone: "13566667777")]
        let lines = Self.harness(file: file).lines()
        #expect(lines.contains("紧急联系人  马兰  13566667777"))
        let start = try #require(lines.firstIndex { $0.hasPrefix("备注        女儿在乌鲁木齐打工") }, "\(lines)")
        // The whole text is there, over two lines under the label's column
        #expect((lines[start] + lines[start + 1]).replacingOccurrences(of: " ", with: "").contains("冬天常住女儿家，十二月到二月请打女儿电话联系"))
    }

    @Test func aSpecialPeriodInForceIsNamedUnderTheDueDate() {
        var file = Self.file()
        file.periods = [SpecialPeriod(name: "2026年11月寒潮", kind: .coldWave, from: Fx.date("2026-11-17"), to: Fx.date("2026-11-27"),
                                      intervalDays: 3),
                        SpecialPeriod(name: "已过的节日", kind: .festival, from: Fx.date("2026-10-01"), to: Fx.date("2026-10-07"),
                                      intervalDays: 7)]
        let lines = Self.harness(file: file).lines()
        #expect(lines.contains("特殊时期    2026年11月寒潮：2026-11-17 至 2026-11-27，每 3 天至少探访一次"), "\(lines)")
        #expect(!lines.contains { $0.contains("已过的节日") })
    }

    @Test func supervisorSeesMaskedIDAndPhones() {
        // Given a supervisor / When the file is shown / Then the ID number and every phone are masked.
        let text = Self.harness(Fx.supervisor).screenText()
        #expect(text.contains("身份证号    654021********002X"))
        #expect(text.contains("电话        138****5678"))
        #expect(text.contains("王大（儿子）  136****5432  乌鲁木齐市"))
        #expect(text.contains("马兰（邻居）  135****7777"))
        #expect(!text.contains("65402119400305002X"))
        #expect(!text.contains("13812345678"))
    }

    @Test func timelineNewestFirstWithFindingsAt80() {
        // Given the file at 80×24 / When scrolled to the lists / Then visits are newest first with findings.
        var h = Self.harness()
        h.send(.pageDown)
        let lines = h.lines()
        let header = lines.firstIndex { $0.hasPrefix("▸ 探访记录（2次）") }
        #expect(header != nil)
        guard let header else { return }
        #expect(lines[header + 1] == "时间             方式         探访人          发现                      沿用")
        #expect(lines[header + 2] == "2026-11-20 10:30 上门入户     李四、赵医生    隐患：用电")
        #expect(lines[header + 3] == "2026-10-15 09:00 电话         李四            无异常                    沿用2节")
        #expect(lines[header + 6] == "期限             类型               状态           内容")
        #expect(lines[header + 7] == "2026-11-21 17:00 消除安全隐患       逾期2天        更换老化电线")
        #expect(lines[header + 8] == "2026-12-01 12:00 回访               办理中         下周回访")
    }

    @Test func aTallProfileOpensAtItsTopAndHomeReturnsThere() {
        // Given an elder with eight supporters, whose profile is taller than 80×24 leaves
        var tall = Self.file()
        tall.elder.supporters = (1...8).map { Supporter(name: "王\($0)", relation: "儿子", phone: "1369876543\($0)") }
        var h = Self.harness(file: tall)
        // When the file opens / Then it shows the top: whose file it is, and the ID number.
        #expect(h.lines()[0].hasPrefix("王秀英  女  86岁"))
        #expect(h.lines()[1].hasPrefix("身份证号    65402119400305002X"))
        // When ↓ / Then the view moves to the visits with the first one still selected (Enter opened
        // the second when the first ↓ also moved on); the next ↓ selects the second.
        h.send(.down)
        let lines = h.lines()
        #expect(!lines[0].hasPrefix("王秀英"))
        #expect(lines.contains { $0.hasPrefix("2026-11-20 10:30 上门入户") })
        #expect(h.screen.selectedVisit == 0)
        h.send(.down)
        #expect(h.screen.selectedVisit == 1)
        #expect(h.lines().contains { $0.hasPrefix("2026-10-15 09:00 电话") })
        // When ↑ twice (the first visit, then above it) / Then the file is back at its top.
        h.send(.up)
        #expect(!h.lines()[0].hasPrefix("王秀英"))
        h.send(.up)
        #expect(h.lines()[0].hasPrefix("王秀英  女  86岁"))
        // PgDn scrolls the page; Home is the top again, as its help says.
        h.send(.down, .pageDown)
        #expect(!h.lines()[0].hasPrefix("王秀英"))
        h.send(.home)
        #expect(h.lines()[0].hasPrefix("王秀英  女  86岁"))
    }

    @Test func wideLayoutPutsProfileAndListsSideBySide() {
        // Given a 120×40 terminal / When the file is shown / Then profile and lists share rows.
        let lines = Self.harness(width: 120, height: 40).lines()
        #expect(lines[0].hasPrefix("王秀英  女  86岁  高龄  汉族"))
        #expect(lines[0].hasSuffix("│ ▸ 探访记录（2次）"))
        #expect(lines[2] == "电话        13812345678                         │ 2026-11-20 10:30 上门入户   李四、赵医生   隐患：用电")
        // Long values wrap under themselves in the narrower profile pane.
        #expect(lines[7] == "状态        在册                                │ 2026-11-21 17:00 消除安全隐患     逾期2天       更换老化电线")
        #expect(lines[8].hasPrefix("            2020-01-01 在册 → 2025-03-02 住院 → │"))
        #expect(lines[9].hasPrefix("            2025-04-01 在册                     │"))
    }

    @Test func englishLabelsAlign() {
        // Given English / When the file is shown / Then labels are padded to the longest.
        let lines = Self.harness(Fx.supervisor, language: .en).lines()
        #expect(lines[0] == "王秀英  Female  age 86  Advanced age  汉族")
        #expect(lines[1] == "ID number   654021********002X")
        #expect(lines[5] == "Categories  Living alone, Disabled (severe), Advanced age")
        #expect(lines[7] == "Status      Active")
        #expect(lines[8] == "            2020-01-01 Active → 2025-03-02 Hospitalized → 2025-04-01 Active")
        #expect(lines[9] == "Risk        High  Disabled and living alone; Safety hazard not yet rectified")
    }

    @Test func overrideShowsItsReason() {
        // Given a risk level set by hand / When shown / Then its reason appears, then the computed ones.
        let lines = Self.harness(file: Self.file(overridden: true)).lines()
        #expect(lines[8] == "风险等级    高  人工调整：刚出院需要照看  存在未消除的安全隐患")
    }

    @Test func keysNavigate() {
        // Given a clerk on the file / When n, f, e and Esc are pressed / Then the matching commands follow.
        var h = Self.harness()
        h.send(.char("n"), .char("f"), .char("e"), .escape)
        #expect(h.commands.suffix(4) == [.open(.newVisit(elderID: Self.elderID)), .open(.followUps(elderID: Self.elderID)),
                                         .open(.editElder(Self.elderID)), .back])
    }

    @Test func supervisorCannotEdit() {
        // Given a supervisor / When e is pressed / Then a status explains, and no editor opens.
        var h = Self.harness(Fx.supervisor)
        h.send(.char("e"))
        #expect(h.commands.last == .status(key: "elderFile.readOnly", args: [], tone: .warning))
        #expect(!h.screen.keyHints(env: h.env).contains { $0.keys == "e" })
        #expect(Self.harness().screen.keyHints(env: Fx.env()).contains { $0.keys == "e" })
    }

    @Test func enterShowsTheVisitWithFormLabels() {
        // Given the newest visit selected / When Enter / Then its answers show with the form's labels.
        var h = Self.harness()
        h.send(.enter)
        let lines = h.lines()
        #expect(lines[0] == "王秀英 的探访记录 2026-11-20 10:30")
        #expect(lines[1] == "  方式              上门入户")
        #expect(lines[2] == "  探访人            李四、赵医生")
        #expect(lines.contains("  行动能力          需要他人帮助"))
        #expect(lines.contains("  是否存在安全隐患  是"))
        #expect(lines.contains("  隐患类型          用电"))
        #expect(lines.contains("  隐患情况描述      电线老化"))
        // When Esc / Then back to the file, and the screen is still on top (no .back).
        h.send(.escape)
        #expect(h.lines()[0].hasPrefix("王秀英  女"))
        #expect(!h.commands.contains(.back))
    }

    @Test func aVisitDueSinceTheReturnFromHospitalSaysWhy() {
        // Given an elder last visited 11-20, in hospital 11-21 and home again 11-22
        var file = Self.file()
        file.elder.statusHistory += [StatusChange(date: Fx.date("2026-11-21"), status: .hospitalized),
                                     StatusChange(date: Fx.date("2026-11-22"), status: .active)]
        let h = Self.harness(file: file)
        // Then the file says why the visit of 11-20 does not count
        #expect(h.screenText().contains("2026-11-22 恢复在册后尚未探访"), "\(h.lines())")
        // While the usual file (visited after its return in 2025) says nothing of it
        #expect(!Self.harness().screenText().contains("恢复在册后"))
    }

    @Test func eOnAShownVisitCorrectsItWhereTheRoleWrites() {
        // Given the newest visit shown / When e / Then its sheet opens to be corrected
        var h = Self.harness()
        h.send(.enter)
        #expect(h.screen.keyHints(env: h.env).contains { $0.keys == "e" })
        h.send(.char("e"))
        #expect(h.commands.last == .open(.correctVisit(Self.latest)))
        // And a supervisor is told she only reads, with no e offered
        var s = Self.harness(Fx.supervisor)
        s.send(.enter)
        #expect(!s.screen.keyHints(env: s.env).contains { $0.keys == "e" })
        s.send(.char("e"))
        #expect(s.commands.last == .status(key: "elderFile.readOnly", args: [], tone: .warning))
    }

    @Test func aCorrectionOpensTheSavedAnswersAndSavesTheSameVisitWithoutDrafts() throws {
        // Given the newest visit (every required question answered) opened for correction
        let env = Fx.env(Fx.clerk)
        var visit = Self.latest
        for _ in 0..<5 {
            for field in env.validator.applicableFields(method: visit.method, answers: visit.answers)
            where field.required && visit.answers[field.code] == nil {
                switch field.kind {
                case .single: visit.answers[field.code] = .choice(field.options[0].code)
                case .multi: visit.answers[field.code] = .choices([field.options[0].code])
                default: visit.answers[field.code] = .yesNo(false)
                }
            }
        }
        var file = Self.file()
        file.visits[0] = visit
        var h = ScreenHarness(VisitFormScreen(correcting: visit), env: env) { request in
            request == .elderFile(Self.elderID) ? .elderFile(file) : nil
        }
        h.start()
        // Then no draft is asked for or written, and the sheet holds the visit as saved
        #expect(h.requests == [.elderFile(Self.elderID)])
        #expect(h.screen.sheet?.answers == visit.answers && h.screen.sheet?.at == visit.at)
        #expect(h.lines()[0].contains("修改 2026-11-20 10:30 的记录"))
        // When 行动能力 is corrected from 3 to 2 and saved
        for _ in 0..<40 where h.screen.sheet?.focus != "health.mobility" { h.send(.tab) }
        h.type("2")
        h.send(.ctrl("s"))
        // Then the same visit is saved with the corrected answer, and no draft was written on the way
        let saved = h.requests.compactMap { if case .saveVisit(let v) = $0 { v } else { nil } }.last
        #expect(saved?.id == visit.id && saved?.answers["health.mobility"] == .choice(2))
        #expect(saved?.answers["safety.hazardDetail"] == .text("电线老化"))
        #expect(!h.requests.contains { if case .saveDraft = $0 { true } else { false } })
        // And Ctrl-Q before the save would have asked first
        #expect(h.screen.unsavedOnQuitKey == "visit.unsavedCorrectionQuit")
        // When the ledger confirms / Then back to the file with what was done
        h.deliver(.visitSaved(saved!, followUps: []))
        #expect(Array(h.commands.suffix(2)) == [.status(key: "visit.correctedSummary", args: ["已修改 王秀英 2026-11-20 10:30 的探访记录"],
                                                         tone: .success), .back])
    }

    @Test func aLongAnswerIsShownWholeUnderItselfAndEnglishLabelsLeaveRoom() {
        // Given the newest visit with a long note (it was cut with "…" on one line)
        var file = Self.file()
        let note = String(repeating: "老人独自居住在村东头的老房子里，房屋为土木结构，年久失修。", count: 3)
        file.visits[0].answers["health.note"] = .text(note)
        var h = Self.harness(file: file)
        h.send(.enter)
        // Then every character of it is on the screen, the lines under the first in the value column
        let lines = h.lines()
        let first = try! #require(lines.firstIndex { $0.hasPrefix("  健康情况说明") })
        #expect(lines[first + 1].hasPrefix(String(repeating: " ", count: 20)) && !lines[first + 1].hasPrefix(String(repeating: " ", count: 21)))
        #expect(lines.joined().replacingOccurrences(of: " ", with: "").contains(note), "\(lines)")
        #expect(!lines.contains { $0.hasSuffix("…") })
        // And in English a value keeps most of the line (labels took it: values had 9 columns)
        var en = Self.harness(language: .en, file: file)
        en.send(.enter)
        let mobility = try! #require(en.lines().first { $0.contains("Mobility") })
        #expect(mobility.contains("Needs help from others") || en.lines().contains { $0.contains("Needs help from others") },
                "\(en.lines())")
        #expect(!en.lines().contains { $0.hasSuffix("…") }, "\(en.lines())")
    }

    @Test func copiedSectionsAreMarkedInTheDetail() {
        // Given the older visit (health copied) / When opened / Then the section heading says so.
        var h = Self.harness()
        h.send(.down, .enter)
        #expect(h.lines().contains("一、健康方面  （沿用上次记录）"))
    }

    @Test func tabMovesFocusToFollowUps() {
        // Given the file / When Tab then Enter / Then the follow-ups of this elder open.
        var h = Self.harness()
        h.send(.tab)
        h.send(.pageDown)
        #expect(h.lines().contains { $0.hasPrefix("▸ 待办跟进（2项）") })
        h.send(.enter)
        #expect(h.commands.last == .open(.followUps(elderID: Self.elderID)))
    }

    @Test func failureShowsTheError() {
        // Given the ledger fails / When the answer arrives / Then the error shows.
        var h = ScreenHarness(ElderFileScreen(elderID: Self.elderID), env: Fx.env())
        h.start()
        h.deliver(.failed(message: "数据库被锁定"))
        #expect(h.lines()[0] == "出错：数据库被锁定")
        #expect(h.commands.last == .status(key: "status.error", args: ["数据库被锁定"], tone: .error))
    }

    @Test func missingFileSaysSo() {
        // Given the ledger has no such elder (or not in scope) / Then a clear message, no crash.
        var h = ScreenHarness(ElderFileScreen(elderID: Self.elderID), env: Fx.env())
        h.start()
        h.deliver(.elderFile(nil))
        #expect(h.lines()[0] == "找不到这位老人的档案（可能已不在您的管辖范围内）")
        h.send(.enter, .down, .pageDown)
        #expect(h.lines()[0] == "找不到这位老人的档案（可能已不在您的管辖范围内）")
    }

    @Test func keymapsHaveNoConflicts() {
        #expect(ElderFileScreen.keymap.conflicts.isEmpty)
        #expect(ElderFileScreen.detailKeymap.conflicts.isEmpty)
    }

    @Test func addFollowUpOpensTheElderQueue() {
        // Given a clerk / When `a` / Then the elder's follow-up queue opens on its add form.
        var h = Self.harness()
        h.send(.char("a"))
        #expect(h.commands.last == .open(.followUps(elderID: Self.elderID, adding: true)))
        // Given a supervisor / Then refused, and the key is not in the bar.
        var s = Self.harness(Fx.supervisor)
        s.send(.char("a"))
        #expect(s.commands.last == .status(key: "elderFile.readOnly", args: [], tone: .warning))
        #expect(!s.screen.keyHints(env: s.env).contains { $0.keys == "a" })
        #expect(h.screen.keyHints(env: h.env).contains { $0.keys == "a" })
    }
}
