import Foundation
import Testing
import TanfangCore
@testable import TanfangUI

@Suite("ElderEditScreen")
struct ElderEditScreenTests {
    /// A new-elder form for a clerk whose scope is one village (so the village is preselected).
    func newForm(_ language: Language = .zhHans, user: User = RosterFixture.clerk) throws -> ScreenHarness<ElderEditScreen> {
        let scope = AccessScope(villageIDs: [RosterFixture.hongxing.id])
        var h = ScreenHarness(ElderEditScreen(elderID: nil), env: try RosterFixture.env(language, user: user, scope: scope))
        h.start()
        return h
    }

    /// The edit form of `elder`, its file delivered.
    func editForm(_ elder: Elder) throws -> ScreenHarness<ElderEditScreen> {
        var h = ScreenHarness(ElderEditScreen(elderID: elder.id), env: try RosterFixture.env())
        h.start()
        h.deliver(.elderFile(ElderFile(elder: elder, summary: RosterFixture.rows[0].summary, village: RosterFixture.hongxing,
                                       visitor: RosterFixture.visitor, visits: [], followUps: [], visitorNames: [:])))
        return h
    }

    /// The elders sent to be saved (drafts and reads are other requests).
    func saves(_ h: ScreenHarness<ElderEditScreen>) -> [Elder] {
        h.requests.compactMap { if case .saveElder(let e, _) = $0 { e } else { nil } }
    }

    func line(_ h: ScreenHarness<ElderEditScreen>, _ label: String) -> String {
        h.lines().first { $0.hasPrefix(" " + label) } ?? ""
    }

    @Test("What is typed is kept as a draft and offered back; saving it or leaving it drops the draft")
    func drafts() throws {
        // Given a new-elder form: its draft is asked for first
        var h = try newForm()
        #expect(h.requests == [.loadDraft(key: "elder.new")])
        // When a name and part of an address are typed, the draft follows (each field left, every 8 keys)
        h.type("王秀英")
        h.send(.tab)
        let json = try #require(h.requests.compactMap { if case .saveDraft("elder.new", let j) = $0 { j } else { nil } }.last)
        #expect(json.contains("王秀英"))
        guard case .saveDraft? = h.screen.willQuit(env: h.env).first.flatMap({ if case .request(let r) = $0 { r } else { nil } }) else {
            Issue.record("Ctrl-Q writes no draft"); return
        }
        // When a fresh form (after a dropped link) gets that draft / Then it is filled in again and says so
        var r = try newForm()
        r.deliver(.draft(key: "elder.new", json: json))
        #expect(line(r, "姓名").contains("王秀英"))
        #expect(r.screen.focus == .idNumber)
        // (typing goes on at the end of what was restored, not over it)
        var half = try newForm()
        half.type("王秀英")
        half.send(.tab)
        half.type("65402119")
        let partial = try #require(half.screen.willQuit(env: half.env).compactMap { if case .request(.saveDraft(_, let j)) = $0 { j } else { nil } }.first)
        var goOn = try newForm()
        goOn.deliver(.draft(key: "elder.new", json: partial))
        goOn.type("40")
        #expect(goOn.screen.texts[.idNumber]?.text == "6540211940")
        #expect(r.commands.last.map { if case .status("elderEdit.draftRestored", _, _) = $0 { true } else { false } } == true)
        // When it is left with Esc twice / Then the draft goes with it
        r.send(.escape, .escape)
        #expect(r.requests.contains(.deleteDraft(key: "elder.new")) && r.commands.last == .back)
        // And an edit has its own draft, asked for once the file is there
        let e = try editForm(RosterFixture.wang)
        #expect(e.requests.contains(.loadDraft(key: "elder.\(RosterFixture.wang.id.uuidString)")))
    }

    @Test("Typing a valid ID fills an empty birth date and gender")
    func idFillsBirthAndGender() throws {
        var h = try newForm()
        #expect(saves(h).isEmpty)
        h.type("王秀英")
        h.send(.tab)
        h.type(RosterFixture.wangID)
        #expect(line(h, "出生日期").contains("1940-03-05"))
        #expect(line(h, "性别").contains("[2女]"))
        #expect(!h.screenText().contains("✗"))
    }

    @Test("At 80 columns in English the categories that do not fit go on to the next row, none hidden")
    func categoriesWrapInEnglish() throws {
        let h = try newForm(.en)
        let lines = h.lines()
        let row = try #require(lines.firstIndex { $0.hasPrefix(" Categories") })
        #expect(lines[row].contains("1Alone") && lines[row].contains("6FamPlan") && !lines[row].contains("…"))
        #expect(lines[row + 1].trimmingCharacters(in: .whitespaces) == "7Destitute")
        #expect(lines[row + 2].hasPrefix(" Lives"))
        // In Chinese they fit on one row, and the next row is the next field.
        let zh = try newForm().lines()
        let zhRow = try #require(zh.firstIndex { $0.hasPrefix(" 类别") })
        #expect(zh[zhRow].contains("7特困"))
        #expect(zh[zhRow + 1].hasPrefix(" 居住"))
    }

    @Test("A gender that contradicts the ID is shown next to it and saving is refused")
    func genderConflict() throws {
        var h = try newForm()
        h.type("王秀英")
        h.send(.tab)
        h.type(RosterFixture.wangID)
        // When the gender is changed to 男 by its number (the next field, filled from the ID)
        h.send(.tab)
        #expect(h.screen.focus == .gender)
        h.type("1")
        #expect(line(h, "性别").contains("✗ 与身份证不符（身份证为女）"))
        // Then save is refused with the reason, and nothing is sent
        h.send(.ctrl("s"))
        #expect(saves(h).isEmpty)
        #expect(h.commands.last == .status(key: "elderEdit.invalid", args: ["1", "与身份证不符（身份证为女）"], tone: .error))
        #expect(h.screen.focus == .gender)
    }

    @Test("On 性别 a digit chooses once: a second is refused, saying how to change it, not taken over the first")
    func aChoiceTakesOneDigit() throws {
        var h = try newForm()
        h.type("王秀英")
        h.send(.tab, .tab)
        #expect(h.screen.focus == .gender)
        h.type("2")
        #expect(h.screen.gender == .female)
        // When a birth date is typed ahead without Enter / Then its digits do not change her to 男
        h.type("19")
        #expect(h.screen.gender == .female)
        #expect(h.commands.last == .status(key: "elderEdit.choiceTaken", args: ["女"], tone: .warning))
        // And Backspace, then a digit, chooses again; a number past the options is said
        h.send(.backspace)
        h.type("9")
        #expect(h.commands.last == .status(key: "form.error.unknownOption", args: ["9"], tone: .warning))
        h.type("1")
        #expect(h.screen.gender == .male)
    }

    @Test("A birth date typed before the ID is kept, and a mismatch is shown")
    func birthDateConflict() throws {
        var h = try newForm()
        h.type("王秀英")
        h.send(.tab, .tab, .tab)
        h.type("1941-03-05")
        h.send(.backTab, .backTab)
        h.type(RosterFixture.wangID)
        #expect(line(h, "出生日期").contains("1941-03-05"))
        #expect(line(h, "出生日期").contains("与身份证不符（身份证为1940-03-05）"))
        h.send(.function(10))
        #expect(saves(h).isEmpty)
    }

    @Test("A birth date typed short is shown as it is kept once the field is left")
    func birthDateNormalized() throws {
        var h = try newForm()
        while h.screen.focus != .birthDate { h.send(.tab) }
        h.type("19480316")
        h.send(.tab)
        #expect(h.screen.texts[.birthDate]?.text == "1948-03-16")
        #expect(line(h, "出生日期").contains("1948-03-16"))
    }

    @Test("An invalid ID shows IDNumber's own reason, without the number")
    func invalidID() throws {
        var h = try newForm()
        h.type("王秀英")
        h.send(.tab)
        let wrongCheck = String(RosterFixture.wangID.dropLast()) + (RosterFixture.wangID.last == "1" ? "2" : "1")
        h.type(wrongCheck)
        let reason = h.env.strings["id.error.checkCharacter"]
        #expect(h.screenText().contains(reason))
        #expect(line(h, "出生日期") == " 出生日期")  // nothing filled from a bad number
        h.send(.ctrl("s"))
        #expect(saves(h).isEmpty)
        if case .status(let key, let args, _) = h.commands.last {
            #expect(key == "elderEdit.invalid" && args == ["1", reason])
        } else {
            Issue.record("expected a status message")
        }
        // A short number reports its length (the save put the focus back on the number, selected
        // for retyping: End keeps it to shorten it)
        h.send(.end)
        for _ in 0..<10 { h.send(.backspace) }
        #expect(h.screenText().contains(h.env.strings.format("id.error.length", "8")))
    }

    @Test("The 结对责任人 choices are the village's, its grids' and its township's visitors, not another village's")
    func visitorChoicesFollowTheVillage() throws {
        var h = try newForm()
        let other = Place(code: "654021101001", name: "别的村", level: .village, parentID: nil)
        let grid = Place(code: "65402110000101", name: "1组", level: .grid, parentID: RosterFixture.hongxing.id)
        h.env.places += [other, grid]
        h.env.visitors = [
            RosterFixture.visitor,
            Visitor(name: "远处的人", role: .volunteer, placeID: other.id),
            Visitor(name: "隔壁村的人", role: .volunteer, placeID: RosterFixture.tuanjie.id),
            Visitor(name: "镇医生", role: .familyDoctor, placeID: RosterFixture.township.id),
            Visitor(name: "组网格员", role: .gridWorker, placeID: grid.id),
            Visitor(name: "无单位", role: .volunteer),
        ]
        #expect(h.screen.villageID == RosterFixture.hongxing.id)
        #expect(h.screen.visitorChoices(env: h.env).map(\.name) == ["李网格", "镇医生", "组网格员", "无单位"])
    }

    @Test("An ID number typed in groups with spaces, or in full-width digits, is read as the import reads it")
    func idNumberWithSpaces() throws {
        let id = RosterFixture.wangID
        let grouped = String(id.prefix(6)) + " " + String(id.dropFirst(6).prefix(8)) + " " + String(id.suffix(4)).lowercased()
        let fullWidth = String(String.UnicodeScalarView(id.unicodeScalars.map { s in
            ("0"..."9").contains(s) ? Unicode.Scalar(s.value + 0xFF10 - 0x30)! : s
        }))
        // In fours, as read off a card: 22 characters (the field took 20 and cut the last digits)
        let fours = stride(from: 0, to: 18, by: 4).map { i in
            String(id.dropFirst(i).prefix(4))
        }.joined(separator: " ")
        for typed in [grouped, fullWidth, fours] {
            var h = try newForm()
            h.type("王秀英")
            h.send(.tab)
            h.type(typed)
            h.send(.tab)
            // Then the field shows the number as stored, and the birth date is filled from it
            #expect(h.screen.text(.idNumber) == id, "\(typed)")
            #expect(h.screen.text(.birthDate) == "1940-03-05", "\(typed)")
        }
    }

    @Test("A grid worker's new elder is hers, and she cannot hand an elder to another visitor")
    func aGridWorkerKeepsHerElders() throws {
        // Given a grid worker (she sees only the elders she is responsible for)
        let other = Visitor(name: "镇医生", role: .familyDoctor, placeID: RosterFixture.hongxing.id)
        var env = try RosterFixture.env(scope: AccessScope(villageIDs: [RosterFixture.hongxing.id],
                                                           visitorID: RosterFixture.visitor.id))
        env.visitors = [RosterFixture.visitor, other]
        var h = ScreenHarness(ElderEditScreen(elderID: nil), env: env)
        h.start()
        // Then a new elder has her as the responsible visitor (with none, it left her list on saving)
        #expect(h.screen.visitorID == RosterFixture.visitor.id)
        // And on that field, choosing another is refused with a word, the choice kept
        h.type("测试")
        while h.screen.focus != .visitor { h.send(.tab) }
        h.send(.right)
        h.type("镇")
        #expect(h.screen.visitorID == RosterFixture.visitor.id)
        #expect(h.commands.last == .status(key: "elderEdit.visitorFixed", args: [], tone: .warning))
        // While a clerk chooses freely
        var clerk = try newForm()
        clerk.env.visitors = [RosterFixture.visitor, other]
        #expect(clerk.screen.visitorID == nil)
        while clerk.screen.focus != .visitor { clerk.send(.tab) }
        clerk.type("镇")
        #expect(clerk.screen.visitorID == other.id)
    }

    @Test("Saving sends the typed values, the ID normalized, status active from today")
    func saveNew() throws {
        var h = try newForm()
        h.type("王秀英")
        h.send(.tab)
        h.type(String(RosterFixture.wangID.dropLast()) + String(RosterFixture.wangID.last!).lowercased())
        h.send(.tab)                       // gender and birth date, filled from the ID, are in their places
        #expect(h.screen.focus == .gender)
        h.type("2")                        // typed again from the paper: the same
        h.send(.tab)
        #expect(h.screen.focus == .birthDate)
        h.type("19400305")                 // selected: typing replaces it, the same day
        h.send(.tab)
        #expect(h.screen.focus == .ethnicity)
        h.type("维吾尔族")
        h.send(.tab)
        h.type("139 1234 5678")             // typed in groups: kept without the spaces
        h.send(.tab)
        h.type("红星村3组12号")
        h.send(.tab, .tab)                 // village (preselected) → categories
        h.type("14")                       // 独居, 失能
        h.send(.tab)                       // the disability degree line appears
        #expect(h.screen.focus == .disability)
        h.type("3")
        h.send(.tab)
        h.type("1")                        // lives alone
        h.send(.tab)
        h.type("李")                       // visitor by a character of the name
        h.send(.tab)
        h.type("2")                        // remote: yes
        h.send(.tab)
        h.type("买买提")
        h.send(.tab)
        h.type("儿子")
        h.send(.tab)
        h.type("13800001111")
        h.send(.tab)
        h.type("乌鲁木齐")
        h.send(.tab)
        #expect(h.screen.focus == .supporterName(1))  // a second blank row appeared
        h.send(.ctrl("s"))
        let saved = try #require(h.requests.last)
        guard case .saveElder(let elder, _) = saved else { Issue.record("no save"); return }
        #expect(elder.name == "王秀英")
        #expect(elder.idNumber == RosterFixture.wangID)
        #expect(elder.gender == .female && elder.birthDate == LocalDate(year: 1940, month: 3, day: 5))
        #expect(elder.ethnicity == "维吾尔族" && elder.phone == "13912345678" && elder.address == "红星村3组12号")
        #expect(elder.villageID == RosterFixture.hongxing.id)
        #expect(elder.categories == [.livingAlone, .disabled] && elder.disabilityDegree == .severe)
        #expect(elder.livingArrangement == .alone && elder.visitorID == RosterFixture.visitor.id && elder.remote)
        #expect(elder.supporters == [Supporter(name: "买买提", relation: "儿子", phone: "13800001111", residence: "乌鲁木齐")])
        #expect(elder.statusHistory == [StatusChange(date: RosterFixture.today, status: .active)])
        // When the ledger confirms, a success status and her file in place of the form, the draft dropped
        h.deliver(.elderSaved(elder))
        #expect(h.requests.contains(.deleteDraft(key: "elder.new")))
        #expect(Array(h.commands.suffix(2)) == [.status(key: "elderEdit.saved", args: ["王秀英"], tone: .success),
                                                 .replace(.elderFile(elder.id))])
    }

    @Test("A corrected ID number is typed over the old one, and the birth date and gender it gave follow it")
    func correctedIDReplaces() throws {
        // Given 王秀英 on file with her ID's birth date and gender
        var h = try editForm(RosterFixture.wang)
        while h.screen.focus != .idNumber { h.send(.tab) }
        // When a corrected number (another person's digits: born 1946-03-15, male) is typed in
        let corrected = "654021194603150054"
        #expect((try? IDNumber.parse(corrected, today: RosterFixture.today).get()) != nil, "the fixture's ID must be valid")
        h.type(corrected)
        // Then it replaced the old one (it was added after it, and cut at 26 characters)
        #expect(h.screen.texts[.idNumber]?.text == corrected)
        #expect(line(h, "出生日期").contains("1946-03-15"))
        #expect(line(h, "性别").contains("[1男]"))
        #expect(!h.screenText().contains("✗"))
        // And moving through a filled number keeps it: only a key typed replaces
        h.send(.backTab, .tab, .right)
        #expect(h.screen.texts[.idNumber]?.text == corrected)
        // While a birth date typed by hand is not the ID's to change
        var typed = RosterFixture.wang
        typed.birthDate = LocalDate(year: 1940, month: 3, day: 6)
        var k = try editForm(typed)
        while k.screen.focus != .idNumber { k.send(.tab) }
        k.type(corrected)
        #expect(line(k, "出生日期").contains("1940-03-06"))
    }

    @Test("Editing loads the elder file and keeps id, history, sources and risk override")
    func editKeepsIdentity() throws {
        var wang = RosterFixture.wang
        wang.riskOverride = RiskOverride(level: .high, reason: "独居失能")
        var h = ScreenHarness(ElderEditScreen(elderID: wang.id), env: try RosterFixture.env())
        h.start()
        #expect(h.requests == [.elderFile(wang.id)])
        let file = ElderFile(elder: wang, summary: RosterFixture.rows[0].summary, village: RosterFixture.hongxing,
                             visitor: RosterFixture.visitor, visits: [], followUps: [], visitorNames: [:])
        h.deliver(.elderFile(file))
        #expect(h.lines()[0] == " 修改：王秀英  ·  在册")
        #expect(line(h, "身份证号").contains(RosterFixture.wangID))  // a clerk edits the whole number
        // When the phone is retyped and saved
        while h.screen.focus != .phone { h.send(.tab) }
        h.send(.ctrl("u"))
        h.type("0999-8123456")
        h.send(.ctrl("s"))
        guard case .saveElder(let elder, _)? = h.requests.last else { Issue.record("no save"); return }
        var expected = wang
        expected.phone = "0999-8123456"
        #expect(elder == expected)
        // And once saved, back to the file it was edited from
        h.deliver(.elderSaved(elder))
        #expect(h.commands.last == .back)
    }

    @Test("备注 (remarks) are loaded, shown and saved like any other field")
    func remarks() throws {
        var wang = RosterFixture.wang
        wang.remarks = "女儿电话 13800001111"
        var h = try editForm(wang)
        while h.screen.focus != .remarks { h.send(.tab) }
        #expect(line(h, "备注").contains("女儿电话 13800001111"))
        h.send(.ctrl("u"))
        h.type("腿脚不便，冬天住女儿家")
        h.send(.ctrl("s"))
        guard case .saveElder(let elder, _)? = h.requests.last else { Issue.record("no save"); return }
        var expected = wang
        expected.remarks = "腿脚不便，冬天住女儿家"
        #expect(elder == expected)
    }

    @Test("Every emergency contact has its row, and a second is added below the first")
    func contacts() throws {
        var wang = RosterFixture.wang
        wang.emergencyContacts = [Contact(name: "马兰", relation: "邻居", phone: "13566667777"),
                                  Contact(name: "王小军", relation: "侄子", phone: "13900001111")]
        var h = try editForm(wang)
        #expect(line(h, "紧急联系人1").contains("马兰") && line(h, "紧急联系人2").contains("王小军"), "\(h.screenText())")
        // A blank supporter row's empty name goes on to the next line, not into that row's relation
        for _ in 0..<40 where h.screen.focus != .supporterName(0) { h.send(.tab) }
        #expect(h.screen.focus == .supporterName(0))
        h.send(.enter)
        #expect(h.screen.focus == .contactName(0))
        // When the second is changed and a third typed on the blank row
        while h.screen.focus != .contactPhone(1) { h.send(.tab) }
        h.send(.ctrl("u"))
        h.type("13900002222")
        h.send(.tab)
        #expect(h.screen.focus == .contactName(2))
        h.type("李四")
        h.send(.tab)
        h.type("朋友")
        h.send(.tab)
        h.type("13700003333")
        h.send(.ctrl("s"))
        guard case .saveElder(let elder, _)? = h.requests.last else { Issue.record("no save"); return }
        #expect(elder.emergencyContacts == [Contact(name: "马兰", relation: "邻居", phone: "13566667777"),
                                            Contact(name: "王小军", relation: "侄子", phone: "13900002222"),
                                            Contact(name: "李四", relation: "朋友", phone: "13700003333")])
    }

    @Test("The village's grids are a choice of their own; another village clears the grid")
    func grids() throws {
        let one = Place(code: "65402110000101", name: "一组", level: .grid, parentID: RosterFixture.hongxing.id)
        let two = Place(code: "65402110000102", name: "二组", level: .grid, parentID: RosterFixture.hongxing.id)
        var env = try RosterFixture.env()
        env.places += [one, two]
        var wang = RosterFixture.wang
        wang.gridID = one.id
        var h = ScreenHarness(ElderEditScreen(elderID: wang.id), env: env)
        h.start()
        h.deliver(.elderFile(ElderFile(elder: wang, summary: RosterFixture.rows[0].summary, village: RosterFixture.hongxing,
                                       visitor: RosterFixture.visitor, visits: [], followUps: [], visitorNames: [:])))
        #expect(line(h, "网格").contains("一组"), "\(h.screenText())")
        while h.screen.focus != .grid { h.send(.tab) }
        h.type("二")
        h.send(.ctrl("s"))
        guard case .saveElder(let moved, _)? = h.requests.last else { Issue.record("no save"); return }
        #expect(moved.gridID == two.id)
        // When the elder moves to a village without grids, the grid goes and so does its line
        h.deliver(.failed(message: "x"))
        while h.screen.focus != .village { h.send(.backTab) }
        h.type("团结")
        h.send(.tab)
        #expect(!h.lines().contains { $0.hasPrefix(" 网格") })
        h.send(.ctrl("s"))
        guard case .saveElder(let elsewhere, _)? = h.requests.last else { Issue.record("no save"); return }
        #expect(elsewhere.villageID == RosterFixture.tuanjie.id && elsewhere.gridID == nil)
    }

    @Test("F7 on a death offers 在册 from the death's own day, and says the follow-ups it cancelled are open again")
    func deathCorrected() throws {
        var dead = RosterFixture.wang
        dead.statusHistory.append(StatusChange(date: LocalDate(year: 2026, month: 11, day: 20)!, status: .deceased))
        var h = try editForm(dead)
        h.send(.function(7))
        #expect(h.screen.dialog?.status == .active)
        #expect(h.screen.dialog?.date.text == "2026-11-20")
        h.send(.ctrl("s"))
        guard case .changeStatus? = h.requests.last.flatMap({ r -> DataRequest? in if case .changeStatus = r { r } else { nil } }) else {
            Issue.record("no status change asked: \(h.requests)"); return
        }
        h.deliver(.statusChanged(elderID: dead.id))
        #expect(h.commands.last.map { if case .status("elderEdit.status.changedBack", _, _) = $0 { true } else { false } } == true)
    }

    @Test("F7 changes the status with a short date and a note")
    func statusChange() throws {
        let wang = RosterFixture.wang
        var h = ScreenHarness(ElderEditScreen(elderID: wang.id), env: try RosterFixture.env())
        h.start()
        h.deliver(.elderFile(ElderFile(elder: wang, summary: RosterFixture.rows[0].summary, village: RosterFixture.hongxing,
                                       visitor: nil, visits: [], followUps: [], visitorNames: [:])))
        h.send(.function(7))
        #expect(h.screenText().contains("变更状态"))
        #expect(h.screenText().contains("‹ 住院 ›"))
        h.send(.tab)
        h.type("1120")  // replaces the default date
        h.send(.tab)
        #expect(h.screen.dialog?.date.text == "2026-11-20")  // shown as kept once left
        h.type("县医院")
        h.send(.enter)
        #expect(h.commands.last == .request(.changeStatus(elderID: wang.id, status: .hospitalized,
                                                          date: LocalDate(year: 2026, month: 11, day: 20)!, note: "县医院")))
        h.deliver(.statusChanged(elderID: wang.id))
        #expect(h.commands.last == .status(key: "elderEdit.status.changed", args: ["住院", "2026-11-20"], tone: .success))
        #expect(h.screen.dialog == nil)
        #expect(h.lines()[0].hasSuffix("住院"))
        // The same status again is refused without a request
        let before = h.requests.count
        h.send(.function(7))
        h.send(.ctrl("s"))
        #expect(h.requests.count == before + 1)  // 在册 again is a real change
        h.deliver(.statusChanged(elderID: wang.id))
        h.send(.function(7), .char("1"), .ctrl("s"))
        #expect(h.requests.count == before + 1)
        #expect(h.commands.last == .status(key: "elderEdit.status.same", args: ["在册"], tone: .error))
    }

    @Test("A supervisor cannot change anything; a new elder has no status to change")
    func readOnlyAndNew() throws {
        var h = try newForm(user: RosterFixture.supervisor)
        h.type("王")
        h.send(.ctrl("s"))
        #expect(saves(h).isEmpty)
        #expect(h.commands.last == .status(key: "elderEdit.readOnly", args: [], tone: .warning))
        var n = try newForm()
        n.send(.function(7))
        #expect(n.commands.last == .status(key: "elderEdit.status.newOnly", args: [], tone: .warning))
        #expect(!n.screen.keyHints(env: n.env).contains { $0.keys == "F7" })
    }

    @Test("Missing values are pointed out only after a save is tried")
    func requiredAfterSave() throws {
        // Given a fresh form (two villages in scope, so none is preselected)
        var h = ScreenHarness(ElderEditScreen(elderID: nil), env: try RosterFixture.env())
        h.start()
        #expect(!h.screenText().contains("✗"))
        // When saving with nothing typed
        h.send(.ctrl("s"))
        // Then name and village are flagged, focus goes to the first, nothing is sent
        #expect(saves(h).isEmpty)
        #expect(h.commands.last == .status(key: "elderEdit.invalid", args: ["2", "此项必须填写"], tone: .error))
        #expect(line(h, "姓名").contains("✗ 此项必须填写"))
        #expect(line(h, "村(社区)").contains("✗ 此项必须填写"))
        #expect(h.screen.focus == .name)
        // A village picked with → and a name typed make the form valid; with no category the
        // first save asks (on the categories line), the second goes ahead
        h.type("王秀英")
        while h.screen.focus != .village { h.send(.tab) }
        h.send(.right)
        h.send(.ctrl("s"))
        #expect(saves(h).isEmpty && h.screen.focus == .categories)
        #expect(h.commands.last == .status(key: "elderEdit.noCategory", args: [], tone: .warning))
        h.send(.ctrl("s"))
        guard case .saveElder(let elder, _)? = h.requests.last else { Issue.record("no save"); return }
        #expect(elder.villageID == RosterFixture.hongxing.id && elder.idNumber == nil && elder.gender == nil)
    }

    @Test("A supporter row needs a name and a relation; a bad phone is named")
    func supporterChecks() throws {
        var h = try newForm()
        h.type("王秀英")
        while h.screen.focus != .supporterName(0) { h.send(.tab) }
        h.type("买买提")
        h.send(.tab, .tab)
        h.type("12ab")
        h.send(.ctrl("s"))
        #expect(saves(h).isEmpty)
        #expect(h.commands.last == .status(key: "elderEdit.invalid",
                                           args: ["2", "请填写赡养人的姓名和关系"], tone: .error))
        #expect(h.screen.focus == .supporterRelation(0))
        // The row is too narrow for the whole message at 80 columns: the bottom row has it in full
        #expect(line(h, "赡养人1").contains("✗ 请填写…"))
        #expect(h.lines()[23] == " ✗ 请填写赡养人的姓名和关系")
    }

    @Test("A long name shows from its start, with … where cut, when the field is not focused")
    func longNamesShowTheirStart() throws {
        var h = try newForm()
        h.type("帕提古丽·阿卜杜拉·买买提江·吐尔逊")
        h.send(.tab)
        let name = line(h, "姓名")
        #expect(name.contains("帕提古丽·阿卜杜拉"))
        #expect(name.contains("…"))
    }

    @Test("Esc with unsaved changes asks for a second Esc")
    func unsavedEscape() throws {
        var h = try newForm()
        h.type("王")
        h.send(.escape)
        #expect(h.commands.last == .status(key: "elderEdit.unsavedEsc", args: [], tone: .warning))
        h.send(.escape)
        #expect(h.commands.last == .back)
    }

    @Test("English labels and conflict messages")
    func english() throws {
        var h = try newForm(.en)
        h.type("Wang")
        h.send(.tab)
        h.type(RosterFixture.wangID)
        h.send(.tab)
        h.type("1")
        #expect(line(h, "Sex").contains("Does not match the ID (Female)"))
        #expect(line(h, "Birth date").contains("1940-03-05"))
    }

    @Test("A phone is checked as the roster import checks it: a 10-digit mobile is refused, a landline with its area code taken")
    func phonesAsTheImportReadsThem() {
        for bad in ["1391234567", "139123456789", "123", "12345", "139-1234-567a"] {
            #expect(ElderEditScreen.phoneIssue(bad) != nil, "\(bad)")
        }
        for good in ["13912345678", "139 1234 5678", "+86 139 1234 5678", "0999-4292917", "4292917", "09994292917"] {
            #expect(ElderEditScreen.phoneIssue(good) == nil, "\(good)")
        }
    }

    @Test("Keymaps have no conflicts; catalogs match")
    func keymapsAndCatalogs() throws {
        #expect(ElderEditScreen.keymap.conflicts.isEmpty)
        #expect(ElderEditScreen.dialogKeymap.conflicts.isEmpty)
        for prefix in ["elderEdit.", "login."] {
            let zh = try RosterFixture.env(.zhHans).strings.table.keys.filter { $0.hasPrefix(prefix) }
            let en = try RosterFixture.env(.en).strings.table.keys.filter { $0.hasPrefix(prefix) }
            #expect(Set(zh) == Set(en))
        }
    }
}
