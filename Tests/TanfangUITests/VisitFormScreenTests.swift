import Foundation
import Testing
import TanfangCore
@testable import TanfangUI

/// A small ledger: one village, two visitors, 王秀英 with one previous visit.
struct VisitFixture {
    let village = Place(code: "654021100001", name: "团结村", level: .village, parentID: nil)
    let li: Visitor
    let zhang: Visitor
    let elder: Elder
    let previous: Visit
    let file: ElderFile
    let today = LocalDate(year: 2026, month: 11, day: 23)!

    init() {
        li = Visitor(name: "李建国", role: .villageCadre, placeID: village.id)
        zhang = Visitor(name: "张红", role: .gridWorker, placeID: village.id)
        elder = Elder(name: "王秀英", gender: .female, idNumber: "654021194403051228",
                      birthDate: LocalDate(year: 1944, month: 3, day: 5), villageID: village.id,
                      categories: [.livingAlone], visitorID: li.id,
                      statusHistory: [StatusChange(date: LocalDate(year: 2020, month: 1, day: 1)!, status: .active)])
        previous = Visit(elderID: elder.id, at: LocalDateTime("2026-10-20 10:00")!, visitorIDs: [li.id],
                         method: .home, seenInPerson: true,
                         answers: ["health.expression": .choice(1), "health.mobility": .choice(2),
                                   "health.response": .choice(1), "health.illness": .choices([2, 3]),
                                   "health.mental": .choice(2), "health.note": .text("腿脚不便"),
                                   "help.given": .choices([1])])
        file = ElderFile(elder: elder,
                         summary: ElderSummary(elderID: elder.id, risk: RiskAssessment(level: .medium, score: 3, reasons: []),
                                               computedOn: today),
                         village: village, visitor: li, visits: [previous], followUps: [],
                         visitorNames: [li.id: li.name])
    }

    func env(_ language: Language = .zhHans) throws -> AppEnvironment {
        let resources = ResourceLocator.sourceCheckout
        let clerk = User(name: "文书", role: .clerk, areaID: village.id, pinHash: "x")
        return AppEnvironment(strings: try Strings.load(language, resources: resources),
                              form: try FormDefinition.load(resources: resources),
                              today: today, now: LocalDateTime(date: today, hour: 9, minute: 30)!,
                              user: clerk, places: [village], visitors: [li, zhang])
    }

    /// A harness on a sheet for 王秀英, with no draft waiting; `draft` is answered when given.
    func sheet(_ language: Language = .zhHans, width: Int = 80, height: Int = 24,
               draft: String? = nil, file: ElderFile? = nil) throws -> ScreenHarness<VisitFormScreen> {
        let file = file ?? self.file
        var h = ScreenHarness(VisitFormScreen(elderID: elder.id), env: try env(language), width: width, height: height) { request in
            switch request {
            case .loadDraft(let key): .draft(key: key, json: draft)
            case .elderFile: .elderFile(file)
            default: nil
            }
        }
        h.start()
        return h
    }
}

extension ScreenHarness where S == VisitFormScreen {
    var focus: String? { screen.sheet?.focus }
    var answers: [String: Answer] { screen.sheet?.answers ?? [:] }

    /// Types `text` into the focused field and presses Enter.
    mutating func fill(_ text: String) {
        type(text)
        send(.enter)
    }

    /// Presses Tab (which skips an empty question, as Enter does not) until `code` has focus (at most 40 times).
    mutating func advance(to code: String) {
        for _ in 0..<40 where focus != code { send(.tab) }
    }

    var lastStatus: (key: String, args: [String], tone: StatusTone)? {
        for command in commands.reversed() {
            if case .status(let key, let args, let tone) = command { return (key, args, tone) }
        }
        return nil
    }

    var lastDraft: VisitDraft? {
        for request in requests.reversed() {
            if case .saveDraft(_, let json) = request { return VisitDraft.decode(json) }
        }
        return nil
    }

    var savedVisit: Visit? {
        for request in requests.reversed() {
            if case .saveVisit(let visit) = request { return visit }
        }
        return nil
    }
}

@Suite("VisitFormScreen")
struct VisitFormScreenTests {
    let fx = VisitFixture()

    /// A new sheet without an elder (the picker), with no draft waiting for anyone.
    static func picker(_ fx: VisitFixture) throws -> ScreenHarness<VisitFormScreen> {
        var h = ScreenHarness(VisitFormScreen(elderID: nil), env: try fx.env()) { request in
            if case .loadDraft(let key) = request { return .draft(key: key, json: nil) }
            return nil
        }
        h.start()
        return h
    }

    @Test("Enter in the picker before anything is typed or chosen opens no sheet (a second Enter after saving did)")
    func pickerEnterNeedsASearch() throws {
        let fx = self.fx
        var h = try Self.picker(fx)
        let row = RosterRow(elder: fx.elder, summary: fx.file.summary, villageName: "团结村")
        h.deliver(.roster(RosterPage(rows: [row], total: 1)))
        // (and no row looks chosen)
        func highlighted() -> Bool {
            let grid = h.frame().grid
            guard let y = grid.lines().firstIndex(where: { $0.contains("王秀英") }) else { return false }
            return (0..<grid.width).contains { grid[x: $0, y: y].style.reverse }
        }
        #expect(!highlighted())
        // When Enter comes with nothing typed / Then no file is asked for, and the clerk is told what to do
        h.send(.enter)
        #expect(!h.requests.contains(.elderFile(fx.elder.id)))
        #expect(h.commands.last == .status(key: "visit.picker.typeFirst", args: [], tone: .warning))
        // But a row chosen with ↓ is shown chosen, and taken
        h.send(.down)
        #expect(highlighted())
        h.send(.enter)
        #expect(h.requests.last == .elderFile(fx.elder.id))
    }

    @Test("picking an elder: typing wxy searches the roster, Enter loads the file")
    func picker() throws {
        // Given a new sheet without an elder and no draft
        let fx = self.fx
        var h = try Self.picker(fx)
        #expect(h.screen.capturesText)
        // No draft is asked for before the elder is known: each elder has their own
        #expect(!h.requests.contains { if case .loadDraft = $0 { true } else { false } })
        // When the clerk types pinyin initials
        h.type("wxy")
        // Then the last request searches for them, ten rows at most, in the user's scope
        #expect(h.requests.last == .roster(RosterQuery(scope: .everything, search: "wxy", limit: 10, today: fx.today,
                                                       detail: .listing)))
        // When the roster answers and Enter is pressed, the elder's file is requested
        let row = RosterRow(elder: fx.elder, summary: fx.file.summary, villageName: "团结村")
        h.deliver(.roster(RosterPage(rows: [row], total: 1)))
        let lines = h.lines()
        #expect(lines[4] == " 王秀英            女      82  团结村                654021********1228")
        h.send(.enter)
        #expect(h.requests.suffix(2) == [.loadDraft(key: VisitDraft.key(for: fx.elder.id)), .elderFile(fx.elder.id)])
        // And the file opens the sheet on the visit time
        h.deliver(.elderFile(fx.file))
        #expect(h.focus == "visit.at")
        // And its key count starts there: the four keys typed to pick her are not the sheet's
        #expect(h.screen.keystrokes == 0)
        #expect(h.lines().contains { $0.contains("按键 0") })
    }

    @Test("the top line keeps the responsible visitor when the key count reaches two digits, two columns from it")
    func topLineKeepsItsRoom() throws {
        var h = try fx.sheet()
        let first = h.lines()[0]
        for _ in 0..<12 { h.send(.tab) }
        let line = h.lines()[0]
        #expect(line.contains("按键 12"))
        // The elder's part is the same as at 0 keys, and the count stands apart from it
        #expect(line.hasPrefix(String(first.prefix(40))))
        #expect(first.contains("责任人") == line.contains("责任人"))
        let beforeCount = try #require(line.range(of: "按键")).lowerBound
        #expect(line[..<beforeCount].hasSuffix("  "))
    }

    @Test("a village with nobody to choose as visitor says so on the sheet, and who adds them")
    func noVisitorsSaysWhy() throws {
        var env = try fx.env()
        env.visitors = []
        var file = fx.file
        file.visitor = nil
        file.elder.visitorID = nil
        var h = ScreenHarness(VisitFormScreen(elderID: fx.elder.id), env: env) { request in
            switch request {
            case .loadDraft(let key): .draft(key: key, json: nil)
            case .elderFile: .elderFile(file)
            default: nil
            }
        }
        h.start()
        // (whole at 80 columns)
        #expect(h.lines().contains { $0.contains("尚无探访人员：管理员用 setup visitor 添加") }, "\(h.lines())")
        // And a digit is refused as typed: there is nobody to choose
        h.advance(to: VisitEntry.visitorsField)
        h.type("1")
        #expect(h.lastStatus?.key == "form.error.unknownOption" && h.screen.sheet?.input.text == "")
        // And with a visitor there is no such note
        #expect(try !fx.sheet().lines().contains { $0.contains("尚无探访人员") })
    }

    @Test("PgDn in the last section goes to its last question before saying the sheet ends")
    func pageDownInTheLastSection() throws {
        var h = try fx.sheet()
        h.advance(to: "help.given")
        h.send(.pageDown)
        #expect(h.focus == "help.nextVisit")
        h.send(.pageDown)
        #expect(h.focus == "help.nextVisit")
        #expect(h.lastStatus?.key == "visit.endOfSheet")
    }

    @Test("a long note is written to the draft as it is typed, not only when the field is left")
    func draftWhileTyping() throws {
        // Given the sheet at 健康 备注
        var h = try fx.sheet()
        h.advance(to: "health.note")
        let drafts = { h.requests.filter { if case .saveDraft = $0 { true } else { false } }.count }
        let before = drafts()
        // When 17 characters are typed and no field is left (a dropped link would end it here)
        h.type("老伴去年去世后情绪低落常一个人坐着")
        // Then two drafts were written while typing, the last with the first 16 characters pending
        #expect(drafts() == before + 2)
        #expect(h.lastDraft?.current == "health.note")
        #expect(h.lastDraft?.pendingText == "老伴去年去世后情绪低落常一个人坐")
    }

    @Test("a whole home visit typed field by field saves exactly the typed answers")
    func wholeSheet() throws {
        // Given the sheet for 王秀英
        var h = try fx.sheet()
        var keys = 0
        func fill(_ text: String) {
            h.fill(text)
            keys += text.count + 1
        }
        // When the clerk types the paper sheet, field by field
        fill("1122 1430")  // visit time
        fill("")           // visitors: the responsible visitor
        fill("")           // method: home
        fill("")           // seen in person: yes
        fill("1"); fill("2"); fill("1"); fill("23"); fill("2"); fill("腿脚不便")
        fill("1"); fill("14"); fill("1"); fill("")
        fill("2"); fill("2"); fill("13"); fill("")
        #expect(h.focus == "safety.inspected")
        fill("123"); fill("1"); fill("3"); fill("电线老化"); fill("13")
        fill("8"); fill("3"); fill("2"); fill("")
        fill("15"); fill("已通知村电工")
        h.type("1207")
        h.send(.ctrl("s"))
        keys += 5
        // Then one visit is sent with exactly these answers
        let visit = try #require(h.savedVisit)
        let expected: [String: Answer] = [
            "health.expression": .choice(1), "health.mobility": .choice(2), "health.response": .choice(1),
            "health.illness": .choices([2, 3]), "health.mental": .choice(2), "health.note": .text("腿脚不便"),
            "economic.difficulties": .choices([1]), "economic.benefits": .choices([1, 4]),
            "economic.benefitsReceived": .choice(1),
            "family.contact": .choice(2), "family.obligations": .choice(2), "family.supportKinds": .choices([1, 3]),
            "safety.inspected": .choices([1, 2, 3]), "safety.hasHazard": .yesNo(true), "safety.hazards": .choices([3]),
            "safety.hazardDetail": .text("电线老化"), "safety.reminders": .choices([1, 3]),
            "needs.services": .choices([8]), "needs.met": .choice(3), "needs.emergency": .yesNo(false),
            "help.given": .choices([1, 5]), "help.notes": .text("已通知村电工"),
            "help.nextVisit": .date(LocalDate(year: 2026, month: 12, day: 7)!),
        ]
        #expect(visit.answers == expected)
        #expect(visit.at == LocalDateTime("2026-11-22 14:30"))
        #expect(visit.visitorIDs == [fx.li.id])
        #expect(visit.method == .home && visit.seenInPerson)
        #expect(visit.elderID == fx.elder.id && visit.copiedSections.isEmpty)
        // And the header counts every key typed
        #expect(h.screen.keystrokes == keys)
        #expect(h.lines()[0].hasSuffix("按键 \(keys)"))
        print("sample home-visit sheet keystrokes: \(keys)")
    }

    @Test("a phone visit never focuses the house inspection")
    func phoneVisitSkipsInspection() throws {
        // Given a sheet where the method is changed to phone
        var h = try fx.sheet()
        h.send(.enter, .enter)
        #expect(h.focus == "visit.method")
        h.fill("2")
        // Then "seen in person" follows the method
        #expect(h.screen.sheet?.seenInPerson == false)
        // When the clerk walks to the end of the sheet
        var visited: [String] = []
        for _ in 0..<40 {
            if let focus = h.focus { visited.append(focus) }
            h.send(.tab)
        }
        // Then the inspection was skipped but the hazard question asked
        #expect(!visited.contains("safety.inspected"))
        #expect(visited.contains("safety.hasHazard"))
        #expect(visited.last == "help.nextVisit")
        #expect(h.lastStatus?.key == "visit.endOfSheet")
    }

    @Test("见到本人 is asked at home only, never on video or the phone, even when chosen before")
    func seenOnlyWhereTheMethodSeesTheElder() throws {
        var h = try fx.sheet()
        h.send(.enter, .enter)
        #expect(h.focus == "visit.method")
        h.fill("1")                              // home: the question follows
        #expect(h.focus == "visit.seenInPerson")
        #expect(h.screen.sheet?.seenInPerson == true)    // seen, unless 否 is typed
        h.fill("2")                              // nobody at home
        #expect(h.screen.sheet?.seenInPerson == false)
        for method in ["2", "3"] {               // phone, video
            // When the method is changed
            while h.focus != "visit.method" { h.send(.backTab) }
            h.fill(method)
            // Then the question is skipped and shown empty, and the visit is no attempt
            #expect(h.focus != "visit.seenInPerson")
            let row = try #require(h.lines().first { $0.contains("见到本人") })
            #expect(row.contains("不适用") && !row.contains("1是"), "\(row)")
            #expect(h.screen.sheet?.visit(env: h.env).isAttempt == false)
            h.send(.backTab)
            #expect(h.focus == "visit.method")
        }
    }

    @Test("no hazard skips the hazard fields")
    func noHazardSkips() throws {
        // Given the focus on the hazard question
        var h = try fx.sheet()
        h.advance(to: "safety.hasHazard")
        // When the clerk answers 2 (no)
        h.fill("2")
        // Then the next field is the reminders
        #expect(h.focus == "safety.reminders")
        #expect(h.answers["safety.hasHazard"] == .yesNo(false))
        // And Shift-Tab goes back to the question, not to the skipped fields
        h.send(.backTab)
        #expect(h.focus == "safety.hasHazard")
        // And with yes, the hazard types come next
        h.fill("1")
        #expect(h.focus == "safety.hazards")
    }

    @Test("a choice of one among at most nine moves on by its digit alone before a question that must be answered; an Enter after it out of habit skips nothing")
    func oneKeyChoices() throws {
        // Given the focus on 表情 (options 1–4)
        var h = try fx.sheet()
        h.advance(to: "health.expression")
        // When 2 alone is typed / Then it is the answer and 行动 has the focus
        h.type("2")
        #expect(h.answers["health.expression"] == .choice(2))
        #expect(h.focus == "health.mobility")
        // When Enter follows out of habit / Then it passes over nothing
        h.send(.enter)
        #expect(h.focus == "health.mobility")
        #expect(h.answers["health.mobility"] == nil)
        // Digit then Enter, digit then Tab: one question each
        h.fill("3")
        #expect(h.focus == "health.response" && h.answers["health.mobility"] == .choice(3))
        h.type("1")
        h.send(.down)
        #expect(h.focus == "health.illness" && h.answers["health.response"] == .choice(1))
        // Several choices wait for Enter, and the Enter that ends them is not swallowed
        h.type("2")
        #expect(h.focus == "health.illness")
        h.fill("3")
        #expect(h.answers["health.illness"] == .choices([2, 3]))
        #expect(h.focus == "health.mental")
        // Gone back to an answered question whose next one is answered: the digit replaces and waits
        h.send(.backTab, .backTab, .backTab)
        #expect(h.focus == "health.mobility")
        h.type("2")
        #expect(h.focus == "health.mobility" && h.screen.sheet?.input.text == "2")
        h.send(.enter, .enter, .enter)
        #expect(h.answers["health.mobility"] == .choice(2) && h.focus == "health.mental")
        // A Chinese character left by the input method is refused as it is typed
        h.type("好")
        #expect(h.lastStatus?.key == "form.error.notAChoice")
        #expect(h.screen.sheet?.input.text == "")
        #expect(h.focus == "health.mental")
        // Before a note (optional) the digit waits for Enter, which then moves to the note: an Enter
        // meant to pass over the note could not be told from one typed out of habit
        h.type("2")
        #expect(h.focus == "health.mental")
        h.send(.enter)
        #expect(h.focus == "health.note" && h.answers["health.mental"] == .choice(2))
        // A yes/no takes one key: y, before the hazards (which yes makes required)
        h.advance(to: "safety.hasHazard")
        h.type("y")
        #expect(h.answers["safety.hasHazard"] == .yesNo(true))
        #expect(h.focus == "safety.hazards")
        // But n waits: the reminders after it are optional
        h.send(.backTab)
        h.type("n")
        #expect(h.focus == "safety.hasHazard")
        // The header's method too: 2 (phone) moves past 见到本人, which a call does not ask
        var m = try fx.sheet()
        m.advance(to: VisitEntry.methodField)
        m.type("2")
        #expect(m.screen.sheet?.method == .phone)
        #expect(m.focus == "health.expression")
        // Where the next question is answered already, the digit stays, and a second digit is refused as
        // typed, the first kept: 1 then 2 on the method says one number only, not 12 at Enter nor a silent 2
        var r = try fx.sheet()
        r.advance(to: VisitEntry.methodField)
        r.type("1")
        #expect(r.focus == VisitEntry.methodField)
        r.type("2")
        #expect(r.lastStatus?.key == "visit.oneDigitOnly" && r.lastStatus?.args == ["1"])
        #expect(r.screen.sheet?.input.text == "1" && r.focus == VisitEntry.methodField)
        // (Backspace, then the digit meant)
        r.send(.backspace)
        r.type("2")
        #expect(r.screen.sheet?.method == .phone && r.focus == "health.expression")
        // A Backspace right after a digit that moved on takes it back: the digit meant answers that question
        var b = try fx.sheet()
        b.advance(to: "health.expression")
        b.type("3")
        #expect(b.focus == "health.mobility")
        b.send(.backspace)
        #expect(b.focus == "health.expression" && b.screen.sheet?.input.text == "")
        b.type("2")
        #expect(b.answers["health.expression"] == .choice(2) && b.focus == "health.mobility")
        #expect(b.answers["health.mobility"] == nil)
        // Likewise before an optional question: 1 for 履行 (waits), then 3 meant for the next one is refused,
        // not taken as 未履行
        var o = try fx.sheet()
        o.advance(to: "family.obligations")
        o.type("1")
        #expect(o.focus == "family.obligations")
        o.type("3")
        #expect(o.screen.sheet?.input.text == "1" && o.lastStatus?.key == "visit.oneDigitOnly")
        o.send(.enter)
        #expect(o.answers["family.obligations"] == .choice(1))
    }

    @Test("an unknown option shows an error and keeps the focus")
    func invalidOption() throws {
        // Given the focus on mobility (options 1–4)
        var h = try fx.sheet()
        h.advance(to: "health.mobility")
        // When the clerk types 9 / Then it is refused as typed, the status line says so and the focus stays
        h.type("9")
        let status = try #require(h.lastStatus)
        #expect(status.key == "form.error.unknownOption" && status.args == ["9"])
        #expect(h.focus == "health.mobility")
        #expect(h.screen.sheet?.input.text == "")
        #expect(h.answers["health.mobility"] == nil)
        // And 3 on a yes/no, 0 on a single choice, likewise
        h.advance(to: FieldCode.hasHazard)
        h.type("3")
        #expect(h.lastStatus?.key == "form.error.yesNo" && h.screen.sheet?.input.text == "")
        // And on a yes/no, a letter that starts no answer (e, s) is refused; y and n are answers
        var yn = try fx.sheet()
        yn.advance(to: FieldCode.hasHazard)
        yn.type("e")
        #expect(yn.lastStatus?.key == "form.error.yesNo" && yn.screen.sheet?.input.text == "")
        // (and "no" typed in full is taken: the o is no second digit)
        yn.type("no")
        #expect(yn.screen.sheet?.input.text == "no")
        yn.send(.enter)
        #expect(yn.answers[FieldCode.hasHazard] == .yesNo(false))
        // And a refused key leaves a value shown as it was (见到本人 showing 1 went blank)
        var seen = try fx.sheet()
        seen.advance(to: VisitEntry.seenField)
        let shown = seen.screen.sheet?.input.text
        seen.type("3")
        #expect(seen.lastStatus?.key == "form.error.yesNo" && seen.screen.sheet?.input.text == shown && shown?.isEmpty == false)
        // And a number out of range written with a separator (12 of eight) is said at Enter
        var v = try fx.sheet()
        v.advance(to: "health.illness")
        v.fill("1,12")
        #expect(v.lastStatus?.key == "form.error.unknownOption" && v.lastStatus?.tone == .error)
        #expect(v.focus == "health.illness")
        // And a bad date in the header is refused the same way
        var h2 = try fx.sheet()
        h2.fill("1399")
        #expect(h2.lastStatus?.key == "visit.error.dateTime")
        #expect(h2.focus == "visit.at")
        // And a time later today than now (09:30): its follow-ups could never be closed
        var h3 = try fx.sheet()
        h3.fill("t 1000")
        #expect(h3.lastStatus?.key == "visit.error.futureTime")
        #expect(h3.focus == "visit.at")
        h3.send(.ctrl("u"))
        h3.fill("t 0900")
        #expect(h3.focus != "visit.at", "\(h3.lastStatus.map { "\($0)" } ?? "")")
    }

    @Test("after a home visit that found nobody, F6 and the header's last visit mean the last visit that counted")
    func sameAsLastSkipsAnAttempt() throws {
        let fx = self.fx
        var file = fx.file
        let attempt = Visit(elderID: fx.elder.id, at: LocalDateTime("2026-11-22 16:00")!, visitorIDs: [fx.li.id],
                            method: .home, seenInPerson: false)
        file.visits = [attempt, fx.previous]
        var h = try fx.sheet(file: file)
        #expect(h.screenText().contains("上次探访 2026-10-20"), "\(h.screenText())")
        h.advance(to: "health.mobility")
        h.send(.function(6))
        #expect(h.answers["health.mobility"] == fx.previous.answers["health.mobility"])
        #expect(h.answers["health.note"] == .text("腿脚不便"))
    }

    @Test("on a sheet dated before a later visit, F6 copies the visit before the sheet's date")
    func sameAsLastOnALateSheet() throws {
        // Given a visit on 11-22 that found the elder walking with help (3), after 10-20's (2)
        let fx = self.fx
        var file = fx.file
        var later = fx.previous
        later.id = UUID()
        later.at = LocalDateTime("2026-11-22 09:00")!
        later.answers["health.mobility"] = .choice(3)
        later.answers["economic.note"] = .text("希望冬季送煤上门")
        file.visits = [later, fx.previous]
        // When a paper sheet of 11-01 is typed and F6 pressed in its health section
        var h = try fx.sheet(file: file)
        h.fill("1101 1000")
        h.advance(to: "health.mobility")
        h.send(.function(6))
        // Then its answers are 10-20's, the visit before it (11-22's were copied into the past)
        #expect(h.answers["health.mobility"] == .choice(2))
        #expect(h.lastStatus?.args.last == "2026-10-20")
        #expect(h.screen.sheet?.copiedSections == ["health"])
        // And moving the sheet after 11-22 (whose health answers differ) takes the mark off: it is
        // no copy of the visit before it now
        while h.focus != "visit.at" { h.send(.backTab) }
        h.fill("1123 0800")
        #expect(h.screen.sheet?.copiedSections == [])
        // And a sheet dated before every visit has nothing to copy
        var first = try fx.sheet(file: file)
        first.fill("1001 1000")
        first.advance(to: "health.mobility")
        first.send(.function(6))
        #expect(first.lastStatus?.key == "visit.noPrevious")
        #expect(first.answers["health.mobility"] == nil)
    }

    @Test("a long name at 80 columns leaves out the responsible visitor, not the last visit's date")
    func longNameHeader() throws {
        let fx = self.fx
        var file = fx.file
        file.elder.name = "阿娜尔古丽·阿不都热合曼"
        file.visitor = Visitor(name: "库尔班别克·吐尔逊别克", role: .gridWorker, placeID: fx.village.id)
        let h = try fx.sheet(file: file)
        let top = h.lines()[0]
        #expect(top.contains("上次探访 2026-10-20") && top.contains("阿娜尔古丽·阿不都热合曼") && !top.contains("库尔班别克"), "\(top)")
    }

    @Test("Enter does not pass a required question left empty (a skipped question shifted every later answer); Tab does")
    func enterStopsAtAnEmptyRequiredQuestion() throws {
        // Given a phone visit: 是否见到本人 does not apply and is skipped
        var h = try fx.sheet()
        h.fill("1122 1430")
        h.send(.enter)                          // visitors kept
        h.fill("2")                             // 电话
        #expect(h.focus == "health.expression")
        // When the clerk presses Enter for the question the paper sheet has there
        h.send(.enter)
        // Then the focus stays on 表达能力, saying why, and the next answer goes where it belongs
        #expect(h.focus == "health.expression")
        #expect(h.lastStatus?.key == "visit.requiredEnter")
        h.fill("1")
        #expect(h.answers["health.expression"] == .choice(1) && h.focus == "health.mobility")
        // And Tab leaves a question empty on purpose; an answered one passes with Enter
        h.send(.tab)
        #expect(h.focus == "health.response" && h.answers["health.mobility"] == nil)
        h.send(.backTab, .backTab)
        h.send(.enter)
        #expect(h.focus == "health.mobility")
    }

    @Test("F6 copies the health section from the last visit and marks it")
    func sameAsLast() throws {
        // Given the focus in the health section
        var h = try fx.sheet()
        h.advance(to: "health.mobility")
        // When F6 is pressed
        h.send(.function(6))
        // Then the health answers are the previous visit's, the section is marked, focus moves on
        let health = ["health.expression", "health.mobility", "health.response", "health.illness",
                      "health.mental", "health.note"]
        for code in health { #expect(h.answers[code] == fx.previous.answers[code], "\(code)") }
        #expect(h.answers["help.given"] == nil)
        #expect(h.screen.sheet?.copiedSections == ["health"])
        #expect(h.focus == "economic.difficulties")
        #expect(h.lastDraft?.copiedSections == ["health"])
        // And back on the section (PgUp), its heading carries the mark
        h.send(.pageUp)
        #expect(h.lines().contains("一、健康方面  〔同上次〕"), "\(h.screenText())")
        // And the help section cannot be copied
        h.advance(to: "help.given")
        h.send(.function(6))
        #expect(h.lastStatus?.key == "visit.notCopyable")
        #expect(h.answers["help.given"] == nil)
        // And the copy is saved with the visit
        #expect(h.screen.sheet?.visit(env: h.env).copiedSections == ["health"])
    }

    @Test("F6 keeps the answers already typed in the section and fills only the others")
    func sameAsLastKeepsTyped() throws {
        // Given the first two health answers typed, different from the previous visit's
        var h = try fx.sheet()
        h.advance(to: "health.expression")
        let expression = fx.previous.answers["health.expression"] == .choice(2) ? "1" : "2"
        let mobility = fx.previous.answers["health.mobility"] == .choice(3) ? "1" : "3"
        h.fill(expression)
        h.fill(mobility)
        let typed = ["health.expression": h.answers["health.expression"], "health.mobility": h.answers["health.mobility"]]
        #expect(typed.values.allSatisfy { $0 != nil })
        // When F6 is pressed
        h.send(.function(6))
        // Then the typed answers stay, the rest of the section is the previous visit's
        for (code, answer) in typed { #expect(h.answers[code] == answer, "\(code)") }
        for code in ["health.response", "health.illness", "health.mental", "health.note"] {
            #expect(h.answers[code] == fx.previous.answers[code], "\(code)")
        }
        // And the section is not marked a copy, and the status says what was kept
        #expect(h.screen.sheet?.copiedSections.contains("health") == false)
        #expect(h.lastStatus?.key == "visit.copiedKeeping" && h.lastStatus?.args.last == "2")
    }

    @Test("a second visit on a day the elder already has one is saved only after Y")
    func secondVisitTheSameDayAsks() throws {
        // A whole home visit at `time`, every required answer given
        func wholeSheet(at time: String) throws -> ScreenHarness<VisitFormScreen> {
            var h = try fx.sheet()
            for answer in [time, "", "", "", "1", "2", "1", "23", "2", "", "1", "14", "1", "", "2", "2", "13", "",
                           "123", "2", "13", "8", "3", "2", "", "15", ""] { h.fill(answer) }
            return h
        }
        // Given a whole sheet dated the day of the previous visit (2026-10-20)
        var h = try wholeSheet(at: "1020 1500")
        // When Ctrl-S / Then nothing is sent yet: the sheet asks, naming the other visit
        h.send(.ctrl("s"))
        #expect(h.savedVisit == nil)
        #expect(h.lines().contains { $0.contains("这位老人 2026-10-20 已有一次探访（10:00 上门入户），仍要保存这一次？Y/N") },
                "\(h.screenText())")
        // When N / Then back on the sheet, still unsaved; Ctrl-S asks again, and Y saves
        h.send(.char("n"))
        #expect(h.savedVisit == nil && h.screen.phase == .sheet)
        // On the sheet's date, which the question was about (it stayed on the last field)
        #expect(h.focus == FormValidator.dateField)
        h.send(.ctrl("s"), .char("y"))
        #expect(h.savedVisit?.at == LocalDateTime("2026-10-20 15:00"))

        // Given a sheet dated before the elder entered the ledger (2020-01-01): asked too
        var old = try wholeSheet(at: "20191231 1000")
        old.send(.ctrl("s"))
        #expect(old.savedVisit == nil)
        #expect(old.lines().contains { $0.contains("探访日期 2019-12-31 早于老人登记日期 2020-01-01，确定吗？Y 保存 / N 修改") },
                "\(old.screenText())")
        old.send(.char("y"))
        #expect(old.savedVisit?.date == LocalDate(year: 2019, month: 12, day: 31))
    }

    @Test("on a sheet dated earlier, +7 is a week after that visit; t is still today")
    func relativeDatesCountFromTheVisit() throws {
        var h = try fx.sheet()
        h.fill("1120 1430")
        h.advance(to: FieldCode.nextVisit)
        h.fill("+7")
        #expect(h.answers[FieldCode.nextVisit] == .date(LocalDate(year: 2026, month: 11, day: 27)!))
        h.send(.backTab)
        h.advance(to: FieldCode.nextVisit)
        h.send(.ctrl("u"))
        h.fill("t")
        #expect(h.answers[FieldCode.nextVisit] == .date(fx.today))
    }

    @Test("t on the visit's time is now, and today never keeps a time still to come")
    func todayIsNow() throws {
        // Given a sheet whose time was typed for another day (14:30; now is 09:30)
        var h = try fx.sheet()
        h.fill("1120 1430")
        #expect(h.screen.sheet?.at == LocalDateTime("2026-11-20 14:30"))
        // When t is typed on it / Then the visit is now, not today at 14:30 ("later than now")
        h.send(.backTab)
        while h.focus != VisitEntry.atField { h.send(.backTab) }
        h.send(.ctrl("u"))
        h.fill("t")
        #expect(h.screen.sheet?.at == h.env.now)
        // And today's date typed alone keeps an earlier time, but not a later one
        h.send(.backTab)
        while h.focus != VisitEntry.atField { h.send(.backTab) }
        h.send(.ctrl("u"))
        h.fill("1120 0815")
        h.send(.backTab)
        while h.focus != VisitEntry.atField { h.send(.backTab) }
        h.send(.ctrl("u"))
        h.fill("1123")
        #expect(h.screen.sheet?.at == LocalDateTime(date: fx.today, hour: 8, minute: 15))
    }

    @Test("quitting with Ctrl-Q saves the draft with what is typed in the current field")
    func quitKeepsTheFieldBeingTyped() throws {
        // Given a sheet where 2 is typed into a field but Enter not yet pressed
        var h = try fx.sheet()
        #expect(h.screen.willQuit(env: h.env).isEmpty)
        h.advance(to: "health.illness")
        h.type("2")
        #expect(h.answers["health.illness"] == nil)
        // When the workstation quits / Then the draft it saves keeps the 2 as the field's pending text
        guard case .request(.saveDraft(_, let json))? = h.screen.willQuit(env: h.env).first,
              let draft = VisitDraft.decode(json) else {
            Issue.record("no draft saved on quit")
            return
        }
        #expect(draft.current == "health.illness" && draft.pendingText == "2")
    }

    @Test("a visit to someone recorded as deceased by its day is asked about before saving")
    func visitAfterDeathAsks() throws {
        var file = fx.file
        file.elder.statusHistory.append(StatusChange(date: LocalDate(year: 2026, month: 11, day: 20)!, status: .deceased))
        let env = try fx.env()
        let after = Visit(elderID: fx.elder.id, at: LocalDateTime("2026-11-22 10:00")!, visitorIDs: [], method: .phone,
                          seenInPerson: false, answers: [:])
        let question = try #require(VisitFormScreen.saveQuestion(after, file: file, env: env))
        #expect(question.key == "visit.confirmDeceased" && question.args == ["王秀英", "2026-11-20"])
        // While a visit before the death is not
        var before = after
        before.at = LocalDateTime("2026-11-19 10:00")!
        #expect(VisitFormScreen.saveQuestion(before, file: file, env: env)?.key != "visit.confirmDeceased")
    }

    @Test("F6 on the safety section leaves the hazard questions when the hazard found last time was fixed since")
    func copyDoesNotReopenAFixedHazard() throws {
        // Given the last visit (10-20) found old wiring, fixed on 10-25
        var file = fx.file
        file.visits[0].answers[FieldCode.inspected] = .choices([3])
        file.visits[0].answers[FieldCode.hasHazard] = .yesNo(true)
        file.visits[0].answers[FieldCode.hazards] = .choices([3])
        file.visits[0].answers[FieldCode.hazardDetail] = .text("电线老化")
        let hazard = FollowUp(elderID: fx.elder.id, visitID: file.visits[0].id, type: .hazardRectification,
                              openedAt: file.visits[0].at, due: LocalDateTime("2026-10-27 10:00")!, status: .done,
                              closing: ClosingRecord(action: "已更换电线", at: LocalDateTime("2026-10-25 16:00")!, by: "李四"))
        file.followUps = [hazard]
        var h = try fx.sheet(file: file)
        // When F6 is pressed in the safety section
        h.advance(to: FieldCode.inspected)
        h.send(.function(6))
        // Then what was inspected is copied, the hazard questions are left to answer, and the clerk is told why
        #expect(h.answers[FieldCode.inspected] == .choices([3]))
        #expect(h.answers[FieldCode.hasHazard] == nil && h.answers[FieldCode.hazardDetail] == nil)
        #expect(h.focus == FieldCode.hasHazard)
        #expect(h.lastStatus?.key == "visit.copiedHazardFixed")
        #expect(h.screen.sheet?.copiedSections.contains("safety") == false)
        // While a hazard still open is copied as before
        file.followUps = [FollowUp(elderID: fx.elder.id, visitID: file.visits[0].id, type: .hazardRectification,
                                   openedAt: file.visits[0].at, due: LocalDateTime("2026-10-27 10:00")!)]
        var o = try fx.sheet(file: file)
        o.advance(to: FieldCode.inspected)
        o.send(.function(6))
        #expect(o.answers[FieldCode.hasHazard] == .yesNo(true))
    }

    @Test("a copied section answered differently loses its mark; the same answer keeps it")
    func editedCopyIsNoCopy() throws {
        // Given the health section copied with F6
        var h = try fx.sheet()
        h.advance(to: "health.mobility")
        h.send(.function(6), .pageUp)
        // When its illnesses are typed again as they were / Then it is still a copy
        h.advance(to: "health.illness")
        h.fill("23")
        #expect(h.screen.sheet?.copiedSections == ["health"])
        // When they are changed (2, 3 → 2, 4) / Then the section is no longer marked, on the sheet or in the visit
        h.send(.pageUp)
        h.advance(to: "health.illness")
        h.fill("24")
        #expect(h.answers["health.illness"] == .choices([2, 4]))
        #expect(h.screen.sheet?.copiedSections == [])
        #expect(h.lastDraft?.copiedSections == [])
        h.send(.pageUp)
        #expect(!h.lines().contains("一、健康方面  〔同上次〕"), "\(h.screenText())")
        #expect(h.screen.sheet?.visit(env: h.env).copiedSections == [])
    }

    @Test("every committed field saves a draft, and a delivered draft is restored")
    func drafts() throws {
        // Given a sheet of a visit on 11-20 14:30 where two fields are typed
        var h = try fx.sheet()
        #expect(h.focus == "visit.at")
        h.fill("1120 1430")
        h.advance(to: "health.expression")
        h.fill("2")
        h.fill("3")
        // Then the last draft carries the typed answers and the focus
        let draft = try #require(h.lastDraft)
        #expect(draft.answers == ["health.expression": .choice(2), "health.mobility": .choice(3)])
        #expect(draft.current == "health.response" && draft.elderID == fx.elder.id)
        // When Esc is pressed with half-typed text, the draft keeps it and leaving asks first
        h.fill("1")
        h.type("1")
        h.send(.escape)
        #expect(h.lastDraft?.pendingText == "1")
        #expect(h.lines().contains(" 草稿已保存，确定离开？Y/N"))
        h.type("y")
        #expect(h.commands.last == .back)

        // Given a new sheet that finds this draft
        let json = try #require({ () -> String? in
            for case .request(.saveDraft(_, let json)) in h.commands.reversed() { return json }
            return nil
        }())
        var r = try fx.sheet(draft: json)
        // Then it asks, naming the elder and the visit's time, and says what N and Esc do
        #expect(r.lines()[0] == " 王秀英 有未保存的探访草稿：11-20 14:30 的探访")
        #expect(r.lines()[1] == " Enter/Y 继续填写这份草稿　D 丢弃草稿　Esc 返回（草稿保留）")
        // When Y is typed, the file is loaded and the sheet restored with the pending text
        r.type("y")
        #expect(r.requests.last == .elderFile(fx.elder.id))
        #expect(r.answers == ["health.expression": .choice(2), "health.mobility": .choice(3), "health.response": .choice(1)])
        #expect(r.focus == "health.illness")
        #expect(r.screen.sheet?.input.text == "1")
        #expect(r.screen.sheet?.visitID == draft.visitID)
        // And a single choice's pending digit is replaced by the next one typed, not added to (31)
        var one = try fx.sheet()
        one.advance(to: "health.mental")
        one.type("3")
        let pending = try #require(one.screen.willQuit(env: one.env).compactMap { if case .request(.saveDraft(_, let j)) = $0 { j } else { nil } }.first)
        var back = try fx.sheet(draft: pending)
        back.type("y")
        #expect(back.focus == "health.mental" && back.screen.sheet?.input.text == "3")
        back.type("1")
        #expect(back.screen.sheet?.input.text == "1")

        // And N (the roster's key for a new sheet, pressed twice) keeps it, saying which key discards
        var n = try fx.sheet(draft: json)
        n.type("n")
        #expect(!n.requests.contains(.deleteDraft(key: VisitDraft.key(for: fx.elder.id))))
        #expect(n.commands.last == .status(key: "visit.draftDiscardKey", args: [], tone: .warning))
        // While D discards it
        n.type("d")
        #expect(n.requests.contains(.deleteDraft(key: VisitDraft.key(for: fx.elder.id))))
        #expect(n.answers.isEmpty && n.focus == "visit.at")
    }

    @Test("saving with missing answers jumps to the first and lists them")
    func saveWithMissing() throws {
        // Given a sheet with only the first health answer
        var h = try fx.sheet()
        h.advance(to: "health.expression")
        h.fill("1")
        // When Ctrl-S is pressed
        h.send(.ctrl("s"))
        // Then nothing is sent, the focus goes to the first missing field and the status lists them
        #expect(h.savedVisit == nil)
        #expect(h.focus == "health.mobility")
        let status = try #require(h.lastStatus)
        #expect(status.key == "visit.issues" && status.tone == .error)
        #expect(status.args[0] == "一.2 行动能力" && status.args[1] == "此项必填")
        #expect(status.args[3].hasPrefix("一.2 行动能力、一.3 反应能力"))
        // And the ledger refusing a visit jumps the same way
        h.deliver(.visitInvalid([FieldIssue(fieldCode: "needs.emergency", messageKey: "form.error.required")]))
        #expect(h.focus == "needs.emergency")
        // And a failed save keeps everything
        h.deliver(.failed(message: "磁盘已满"))
        #expect(h.lastStatus?.key == "status.error" && h.answers["health.expression"] == .choice(1))
    }

    @Test("a referral already open that the visit brought up to date is said to be one, not a new one")
    func savedPanelSaysAnUpdatedReferralWasAlreadyOpen() throws {
        var h = try fx.sheet()
        let visit = Visit(elderID: fx.elder.id, at: LocalDateTime("2026-11-23 09:30")!, visitorIDs: [fx.li.id],
                          method: .home, seenInPerson: true)
        let referral = FollowUp(elderID: fx.elder.id, type: .referral, openedAt: LocalDateTime("2026-11-10 10:00")!,
                                due: LocalDateTime("2026-11-24 10:00")!, detail: "助餐、就医")
        h.deliver(.visitSaved(visit, followUps: [referral]))
        let lines = h.lines()
        #expect(lines[0].hasPrefix(" 已保存。待办中已有的 1 项补充了本次记录的内容："), "\(h.screenText())")
        #expect(lines[2].contains("已有一项，期限 2026-11-24 10:00，已补充  助餐、就医"))
    }

    @Test("after saving, the follow-ups are listed and Enter starts the next sheet")
    func savedPanel() throws {
        // Given a saved visit that produced a hazard follow-up
        var h = try fx.sheet()
        let visit = Visit(elderID: fx.elder.id, at: LocalDateTime("2026-11-23 09:30")!, visitorIDs: [fx.li.id],
                          method: .home, seenInPerson: true)
        let followUp = FollowUp(elderID: fx.elder.id, visitID: visit.id, type: .hazardRectification,
                                openedAt: visit.at, due: LocalDateTime("2026-11-30 09:30")!, detail: "电线老化")
        h.deliver(.visitSaved(visit, followUps: [followUp]))
        // Then the draft is deleted and the panel lists the follow-up
        #expect(h.requests.last == .deleteDraft(key: VisitDraft.key(for: fx.elder.id)))
        let lines = h.lines()
        #expect(lines[0].hasPrefix(" 已保存。根据记录生成以下跟进事项："))
        #expect(lines[2].hasPrefix("   消除安全隐患  期限 2026-11-30 09:30  电线老化"), "\(h.screenText())")
        #expect(!h.screen.capturesText)
        // When Enter is pressed the next sheet starts with the picker
        h.send(.enter)
        #expect(h.commands.last == .openFromRoot(.newVisit(elderID: nil)))
    }

    @Test("a home visit that found nobody says, once saved, that it counts as no visit")
    func savedAttempt() throws {
        var h = try fx.sheet()
        let visit = Visit(elderID: fx.elder.id, at: LocalDateTime("2026-11-23 09:30")!, visitorIDs: [fx.li.id],
                          method: .home, seenInPerson: false)
        let revisit = FollowUp(elderID: fx.elder.id, visitID: visit.id, type: .revisit, openedAt: visit.at,
                               due: LocalDateTime("2026-11-26 09:30")!, detail: "上门未见到本人，请再次探访")
        h.deliver(.visitSaved(visit, followUps: [revisit]))
        let lines = h.lines()
        #expect(lines[1].hasPrefix(" 上门未见到本人：这次不算探访"), "\(h.screenText())")
        #expect(lines[3].hasPrefix("   回访  期限 2026-11-26 09:30  上门未见到本人，请再次探访"), "\(h.screenText())")
    }

    @Test("a follow-up the visit closed by itself is listed as closed")
    func savedClosingARevisit() throws {
        var h = try fx.sheet()
        let visit = Visit(elderID: fx.elder.id, at: LocalDateTime("2026-11-23 09:30")!, visitorIDs: [fx.li.id],
                          method: .home, seenInPerson: true)
        let revisit = FollowUp(elderID: fx.elder.id, type: .revisit, openedAt: LocalDateTime("2026-11-22 10:00")!,
                               due: LocalDateTime("2026-11-25 10:00")!, status: .done, detail: "上门未见到本人，请再次探访")
        h.deliver(.visitSaved(visit, followUps: [revisit]))
        let lines = h.lines()
        #expect(lines[0].hasPrefix(" 已保存。本次探访办结了以下跟进事项："), "\(h.screenText())")
        #expect(lines[2].hasPrefix("   回访  随本次探访办结  上门未见到本人"), "\(h.screenText())")
    }

    @Test("the sheet renders like the paper form at 80×24 and 120×40, in Chinese and English")
    func rendering() throws {
        // Given a sheet at 80×24 in Chinese, focus on illness with an answer typed
        var h = try fx.sheet()
        h.advance(to: "health.illness")
        h.type("23")
        var lines = h.lines()
        // Then the elder line carries the keystroke counter on the right
        #expect(lines[0] == " 王秀英  女  82岁  团结村  责任人 李建国  上次探访 2026-10-20            按键 \(h.screen.keystrokes)")
        // And header rows, the section heading and field rows with option codes line up (the
        // sheet has scrolled by one row: the focus keeps to a third of the way down)
        #expect(lines[1] == "  探访人员                 1       1李建国 2张红")
        #expect(lines[4] == "一、健康方面")
        #expect(lines[6] == "  2. 行动能力                      1行动自如 2需要辅助 3需要他人帮助 4卧床")
        // And the focused field shows what is typed, its options wrapped under the options column
        #expect(lines[8] == "▸ 4. 疾病情况              23      1无 2高血压 3糖尿病 4心脑血管疾病")
        // And the options typed are underlined like the box; the marker and the counter are plain
        let grid = h.frame().grid
        let chosen = try #require((0..<80).first { grid[x: $0, y: 8].grapheme == "2" && grid[x: $0 + 1, y: 8].grapheme == "高" })
        #expect(grid[x: chosen, y: 8].style == Style(underline: true))
        #expect(grid[x: chosen - 2, y: 8].style == .plain)  // 1无 is not chosen
        #expect(grid[x: 0, y: 8].style == .plain)
        #expect(grid[x: 78, y: 0].style == .plain)
        #expect(lines[9] == "                                   5慢性呼吸系统疾病 6骨关节疾病 7近期住院")
        #expect(lines[10] == "                                   8其他")
        // And the bottom line says how to fill it, the tags at the right end
        #expect(lines[23] == " 输入选项编号，可多选，如 135" + String(repeating: " ", count: 35) + "必填  F6 同上次")
        #expect(DisplayWidth.of(lines[23]) == 79)

        // Given 120×40 with no hazard: options fit on one line and skipped fields say so
        var wide = try fx.sheet(width: 120, height: 40)
        wide.advance(to: "safety.hasHazard")
        wide.fill("2")
        lines = wide.lines()
        #expect(lines.contains("  4. 疾病情况                      1无 2高血压 3糖尿病 4心脑血管疾病 5慢性呼吸系统疾病 6骨关节疾病 7近期住院 8其他"))
        #expect(lines.contains("  2. 是否存在安全隐患      2       1是 2否"))
        #expect(lines.contains("  3. 隐患类型              不适用  1房屋 2用水 3用电 4燃气 5取暖 6人身安全 7财产安全(诈骗) 8其他"))
        #expect(lines.contains("▸ 5. 提醒注意的安全事项            1防火 2防煤气中毒 3安全用电 4防跌倒 5防诈骗 6防寒防暑 7其他 8未提醒"))

        // Given English at 80×24: long labels wrap inside the label column, past the item number
        var en = try fx.sheet(.en)
        en.advance(to: "health.expression")
        lines = en.lines()
        #expect(lines.contains("1. Health"))
        #expect(lines.contains("▸ 1. Ability to express             1=Clear 2=Mostly clear 3=Difficult"))
        #expect(lines.contains("                                    4=Cannot express"))
        #expect(lines.contains("  1. Difficulties with              1=None 2=Clothing 3=Food 4=Housing"))
        #expect(lines.contains("     clothing, food,                5=Transport 6=Medical care"))
        #expect(lines.contains("     housing, transport,"))
        // And the hint of a multiple choice fits beside its tags
        en.advance(to: "health.illness")
        #expect(en.lines()[23].hasPrefix(" Type the option numbers, several allowed, e.g. 135 "))
        #expect(en.lines()[23].hasSuffix(" Required  F6 same as last"))
        // And at 120×40 in English
        var enWide = try fx.sheet(.en, width: 120, height: 40)
        enWide.advance(to: "health.mobility")
        #expect(enWide.lines().contains("▸ 2. Mobility                                   1=Independent 2=Needs an aid 3=Needs help from others 4=Bedridden"),
                "\(enWide.screenText())")
        // And no line is wider than the screen
        for harness in [h, en] { #expect(harness.lines().allSatisfy { DisplayWidth.of($0) <= 80 }) }
        for harness in [wide, enWide] { #expect(harness.lines().allSatisfy { DisplayWidth.of($0) <= 120 }) }
    }

    @Test("a move rewrites only what it changes: a text field's box is as wide as its text, labels keep their style, the hint's tags stay put")
    func movesRewriteLittle() throws {
        // Given the focus on the health note, an empty text field
        var h = try fx.sheet()
        h.advance(to: "health.note")
        var (grid, cursor) = h.frame()
        var at = try #require(cursor)
        let rightEnd = grid.width - 1
        // Then its box is the cell where the cursor waits, underlined; the rest of the row is blank
        #expect(grid[x: at.x, y: at.y].style == Style(underline: true))
        #expect(((at.x + 1)..<grid.width).allSatisfy { grid[x: $0, y: at.y] == .blank })
        // And the focus marker is plain, like the label
        #expect(grid[x: 0, y: at.y] == Cell("▸"))
        // And the tags at the right end of the hint are those of the illness field before it
        let tags = "F6 同上次"
        let tagsX = rightEnd - DisplayWidth.of(tags)
        h.send(.backTab)
        let illness = h.frame().grid
        h.send(.tab)
        #expect(h.focus == "health.note")
        grid = h.frame().grid
        #expect(illness.lines()[23].hasSuffix("必填  " + tags) && grid.lines()[23].hasSuffix(" " + tags))
        #expect((tagsX..<rightEnd).allSatisfy { illness[x: $0, y: 23] == grid[x: $0, y: 23] })

        // When a note is typed, the box grows with the text
        h.type("腿脚不便")
        (grid, cursor) = h.frame()
        at = try #require(cursor)
        let typed = grid
        #expect(at.x - 8 >= 0 && grid[x: at.x, y: at.y].style == Style(underline: true))
        #expect((at.x - 8..<at.x).allSatisfy { grid[x: $0, y: at.y].style == Style(underline: true) })
        #expect(((at.x + 1)..<grid.width).allSatisfy { grid[x: $0, y: at.y] == .blank })
        // When the focus moves on, the note's row keeps its cells but for the marker and the
        // cursor's cell (so the terminal can scroll the row instead of drawing it again)
        h.send(.enter)
        grid = h.frame().grid
        let before = try #require(typed.lines().firstIndex { $0.contains("6. 健康情况说明") })
        let after = try #require(grid.lines().firstIndex { $0.contains("6. 健康情况说明") })
        let changed = (0..<grid.width).filter { typed[x: $0, y: before] != grid[x: $0, y: after] }
        #expect(changed == [0, at.x], "\(changed)")
        // When the focus comes back, the note is not selected: the cursor is at its end and what
        // is typed goes on from there (one key used to replace the whole note)
        h.send(.backTab)
        (grid, cursor) = h.frame()
        at = try #require(cursor)
        #expect((at.x - 8..<at.x).allSatisfy { grid[x: $0, y: at.y].style == Style(underline: true) })
        #expect(((at.x + 1)..<grid.width).allSatisfy { grid[x: $0, y: at.y] == .blank })
        h.type("。")
        h.send(.enter)
        #expect(h.answers["health.note"] == .text("腿脚不便。"))
        h.send(.backTab)

        // Given the hazard question: the fields that apply only to a hazard say 不适用, dimmed
        h.advance(to: "safety.hasHazard")
        let question = h.frame().grid
        let row = { (grid: Grid, label: String) in try #require(grid.lines().firstIndex { $0.contains(label) }) }
        let detailBefore = try row(question, "4. 隐患情况描述")
        #expect(question.lines()[detailBefore].hasSuffix("不适用"))
        let naX = try #require((0..<question.width).first { question[x: $0, y: detailBefore].grapheme == "不" })
        #expect(question[x: naX, y: detailBefore].style == Style(dim: true))
        // When a hazard is answered, the detail's row changes only in its box: the label keeps its style
        h.fill("1")
        #expect(h.focus == "safety.hazards")
        grid = h.frame().grid
        let detailAfter = try row(grid, "4. 隐患情况描述")
        let detailChanged = (0..<grid.width).filter { question[x: $0, y: detailBefore] != grid[x: $0, y: detailAfter] }
        #expect(detailChanged.allSatisfy { $0 >= naX }, "\(detailChanged)")
        #expect(!detailChanged.isEmpty)
    }

    @Test("hints share their starts and the yes/no, method and seen fields say what a single choice says; a shown value is reversed over its text only")
    func hintsAndShownValues() throws {
        // Given the method, which shows its default (1) selected
        var h = try fx.sheet()
        h.advance(to: "visit.method")
        let (method, cursor) = h.frame()
        let at = try #require(cursor)
        let row = { (grid: Grid, label: String) in try #require(grid.lines().firstIndex { $0.contains(label) }) }
        let methodRow = try row(method, "探访方式")
        #expect(at.y == methodRow)
        // Then only the value is reversed: the blanks after it keep the underline of the box
        #expect(method[x: at.x - 1, y: at.y].grapheme == "1")
        #expect(method[x: at.x - 1, y: at.y].style == Style(reverse: true, underline: true))
        #expect((at.x..<at.x + 5).allSatisfy { method[x: $0, y: at.y].style == Style(underline: true) })
        // And the hint is the single choice's, on a plain line
        let single = method.lines()[23]
        #expect(single == " 输入选项编号；下一题可不填时再按 Enter")
        #expect((0..<method.width).allSatisfy { method[x: $0, y: 23].style == .plain })

        // When the focus moves on, the method's row changes in the marker and the value's cell only
        h.send(.enter)
        #expect(h.focus == "visit.seenInPerson")
        let seen = h.frame().grid
        let changed = (0..<seen.width).filter { method[x: $0, y: methodRow] != seen[x: $0, y: methodRow] }
        #expect(changed == [0, at.x - 1], "\(changed)")
        // And seen in person keeps the hint as it was
        #expect(seen.lines()[23] == single)

        // Given a multiple choice: its hint starts like the single choice's (输入选项编号，), so a move between
        // them rewrites the tail only
        h.advance(to: "health.illness")
        #expect(h.lines()[23].hasPrefix(" 输入选项编号，可多选，如 135"))
        // And a text field's hint starts with the same verb
        h.advance(to: "health.note")
        #expect(h.lines()[23].hasPrefix(" 输入文字，最多"))
        // And a yes/no field says what a single choice says (its options are on its row)
        h.advance(to: "safety.hasHazard")
        #expect(h.lines()[23].hasPrefix(single + " "))
        #expect(h.lines().contains { $0.hasPrefix("▸ 2. 是否存在安全隐患") && $0.hasSuffix("1是 2否") })
    }

    @Test("moving field by field scrolls the sheet a row (rarely two) at a time, the focused field always whole")
    func scrollsByRows() throws {
        for (width, height) in [(80, 24), (120, 40), (80, 30)] {
            var h = try fx.sheet(width: width, height: height)
            let env = h.env
            var previous: Int?
            var seen: [String] = []
            var twoRowMoves = 0
            while let sheet = h.screen.sheet, !seen.contains(sheet.focus) {
                seen.append(sheet.focus)
                let lines = VisitFormScreen.layout(sheet, width: width, env: env)
                let slots = sheet.allSlots(env)
                let viewport = height - 2
                let offset = VisitFormScreen.scrollOffset(lines: lines, slots: slots, focus: sheet.focus, viewportHeight: viewport)
                // The focused field is on screen whole
                let rows = lines.indices.filter { lines[$0].slot == sheet.focus }
                #expect(rows.first! >= offset && rows.last! < offset + viewport, "\(sheet.focus) at \(width)×\(height)")
                // And one move scrolled by at most scrollStep rows per field it passed (fields that
                // do not apply are skipped, their rows scroll by in the same move), mostly by one
                if let previous, let last = seen.dropLast().last {
                    let passed = (slots.firstIndex(of: sheet.focus) ?? 0) - (slots.firstIndex(of: last) ?? 0)
                    #expect(abs(offset - previous) <= VisitFormScreen.scrollStep * max(1, passed),
                            "\(sheet.focus) at \(width)×\(height)")
                    if passed == 1 && abs(offset - previous) > 1 { twoRowMoves += 1 }
                }
                previous = offset
                // Back and forth gives the same rows
                if seen.count > 1 {
                    h.send(.backTab)
                    h.send(.tab)
                    #expect(h.screen.sheet?.focus == sheet.focus)
                }
                h.send(.tab)
            }
            // Every field of a home visit was reached, down to the last, and nearly every move
            // to the next field scrolled by a row at most (one new row of text to write)
            #expect(twoRowMoves <= 2, "\(twoRowMoves) moves of two rows at \(width)×\(height)")
            #expect(seen.last == env.form.fields.last?.code)
            #expect(seen.count > 25)
        }
    }

    @Test("the keymap has no conflicts and the bar shows the sheet's keys")
    func keymap() throws {
        #expect(VisitFormScreen.keymap.conflicts.isEmpty)
        let h = try fx.sheet()
        let bar = h.screen.keyHints(env: h.env).filter(\.inBar).map { "\($0.keys) \($0.label)" }
        #expect(bar == ["Enter 下一项", "Shift-Tab 上一项", "F6 同上次", "Ctrl-S/F10 保存", "Esc 返回"])
        #expect(h.screen.capturesText)
    }

    @Test("PgDn and PgUp jump between sections; a shown value is replaced by typing")
    func sectionJumpsAndReplace() throws {
        // Given a fresh sheet on the visit time
        var h = try fx.sheet()
        // When PgDn is pressed twice
        h.send(.pageDown)
        #expect(h.focus == "health.expression")
        h.send(.pageDown)
        #expect(h.focus == "economic.difficulties")
        // And PgUp twice goes back to the first health field, then the header
        h.send(.pageUp)
        #expect(h.focus == "health.expression")
        h.send(.pageUp)
        #expect(h.focus == "visit.at")
        // When the method shows its default and the clerk types 3, it is replaced, not appended
        h.advance(to: "visit.method")
        #expect(h.screen.sheet?.input.text == "1")
        h.fill("3")
        #expect(h.screen.sheet?.method == .video)
        // And Backspace on a shown value clears it
        h.send(.backTab)
        h.send(.backspace)
        #expect(h.screen.sheet?.input.text == "")
    }

    @Test("Esc leaves an untouched sheet at once; in the picker it clears the search first")
    func escape() throws {
        // Given a sheet nobody typed in
        var h = try fx.sheet()
        h.send(.escape)
        // Then it goes back without a draft
        #expect(h.commands.last == .back)
        #expect(!h.requests.contains { if case .saveDraft = $0 { true } else { false } })

        // Given the picker with a search typed
        var p = try Self.picker(fx)
        p.type("wang")
        // When Esc is pressed the search is cleared and the roster asked again, unfiltered
        p.send(.escape)
        #expect(p.screen.search.text.isEmpty)
        #expect(p.requests.last == .roster(RosterQuery(search: "", limit: 10, today: fx.today, detail: .listing)))
        // And a second Esc goes back
        p.send(.escape)
        #expect(p.commands.last == .back)
    }

    @Test("a supervisor cannot type a sheet")
    func readOnly() throws {
        var env = try fx.env()
        env.user?.role = .supervisor
        var h = ScreenHarness(VisitFormScreen(elderID: fx.elder.id), env: env)
        h.start()
        #expect(h.requests.isEmpty)
        #expect(h.lastStatus?.key == "visit.readOnly")
    }
}
