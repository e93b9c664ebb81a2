import Foundation
import Testing
@testable import TanfangCore

@Suite struct FormValidatorTests {
    let form: FormDefinition
    let validator: FormValidator
    let today = LocalDate(year: 2026, month: 11, day: 23)!

    init() throws {
        form = try FormDefinition.load(resources: ResourceLocator.sourceCheckout)
        validator = FormValidator(form: form)
    }

    func field(_ code: String) -> FormField { form.field(code)! }

    /// A complete, valid set of answers for a home visit with no findings.
    var quietAnswers: [String: Answer] {
        var answers: [String: Answer] = [
            "health.expression": .choice(1), "health.mobility": .choice(1), "health.response": .choice(1),
            "health.illness": .choices([2]), "health.mental": .choice(1),
            "economic.difficulties": .choices([1]), "economic.benefits": .choices([1, 4]),
            "economic.benefitsReceived": .choice(1),
            "family.contact": .choice(1), "family.obligations": .choice(1), "family.supportKinds": .choices([1, 3]),
            "safety.inspected": .choices([1, 3]), "safety.hasHazard": .yesNo(false),
            "needs.services": .choices([1]), "needs.emergency": .yesNo(false),
        ]
        // The sheet currently asks for a hazard description even without a hazard.
        if form.field("safety.hazardDetail")?.when == nil { answers["safety.hazardDetail"] = .text("无") }
        return answers
    }

    func visit(_ answers: [String: Answer], method: VisitMethod = .home, on date: LocalDate? = nil,
               visitors: [UUID] = [UUID()]) -> Visit {
        Visit(elderID: UUID(), at: LocalDateTime(date: date ?? today, hour: 10, minute: 0)!,
              visitorIDs: visitors, method: method, seenInPerson: method == .home, answers: answers)
    }

    // MARK: - Applicability

    @Test func completeHomeVisitHasNoIssues() {
        #expect(validator.validate(visit(quietAnswers), today: today) == [])
    }

    @Test func phoneVisitSkipsHouseInspection() {
        // Given a phone visit without the house inspection
        var answers = quietAnswers
        answers["safety.inspected"] = nil
        // Then inspection does not apply and nothing is missing
        let codes = validator.applicableFields(method: .phone, answers: answers).map(\.code)
        #expect(!codes.contains("safety.inspected"))
        #expect(validator.validate(visit(answers, method: .phone), today: today) == [])
        // But on a home visit it is required
        #expect(validator.validate(visit(answers, method: .home), today: today)
                == [FieldIssue(fieldCode: "safety.inspected", messageKey: "form.error.required")])
        // And an inspection answer on a phone visit is reported, and pruned away
        #expect(validator.validate(visit(quietAnswers, method: .phone), today: today)
                == [FieldIssue(fieldCode: "safety.inspected", messageKey: "form.error.notApplicable")])
        #expect(validator.pruned(quietAnswers, method: .phone)["safety.inspected"] == nil)
    }

    @Test func aHomeVisitThatDidNotFindTheElderRequiresNothing() {
        // Given a home visit where the elder was not at home, with what a neighbour said
        var v = visit(["family.contact": .choice(1)], method: .home)
        v.seenInPerson = false
        // Then nothing is missing: the assessments are not made up
        #expect(validator.validate(v, today: today) == [])
        // But what was answered is still checked
        v.answers["family.contact"] = .choice(99)
        #expect(validator.validate(v, today: today).map(\.messageKey) == ["form.error.unknownOption"])
        // Found at home, everything is asked again
        v.seenInPerson = true
        v.answers["family.contact"] = .choice(1)
        #expect(validator.validate(v, today: today).contains(FieldIssue(fieldCode: "health.expression",
                                                                       messageKey: "form.error.required")))
        // A phone call is never "seen in person" and still asks everything
        var call = visit([:], method: .phone)
        call.seenInPerson = false
        #expect(!validator.validate(call, today: today).isEmpty)
    }

    @Test func noHazardMeansHazardTypesDoNotApply() {
        // Given hasHazard = no with stale hazard types left from an earlier "yes"
        var answers = quietAnswers
        answers["safety.hazards"] = .choices([3])
        // Then the hazard list does not apply, is reported, and is pruned
        #expect(!validator.applicableFields(method: .home, answers: answers).map(\.code).contains("safety.hazards"))
        #expect(validator.validate(visit(answers), today: today)
                == [FieldIssue(fieldCode: "safety.hazards", messageKey: "form.error.notApplicable")])
        #expect(validator.pruned(answers, method: .home) == quietAnswers)
        // When hasHazard = yes, the hazard types are required
        answers["safety.hasHazard"] = .yesNo(true)
        answers["safety.hazards"] = nil
        #expect(validator.validate(visit(answers), today: today)
                == [FieldIssue(fieldCode: "safety.hazards", messageKey: "form.error.required")])
    }

    @Test func pruningCascadesUntilStable() {
        // Given a small form where c depends on b, which depends on a
        let yes = LocalizedText(zhHans: "是", en: "Yes")
        let opts = [FormOption(code: 1, label: yes), FormOption(code: 2, label: yes)]
        let chain = FormDefinition(id: "t", title: yes, sections: [FormSection(code: "s", number: "一", label: yes, fields: [
            FormField(code: "s.a", number: 1, kind: .yesNo, label: yes),
            FormField(code: "s.b", number: 2, kind: .single, label: yes, options: opts,
                      when: Condition(field: "s.a", is: true)),
            FormField(code: "s.c", number: 3, kind: .text, label: yes, required: true,
                      when: Condition(field: "s.b", anyOf: [2])),
        ])])
        let v = FormValidator(form: chain)
        let answers: [String: Answer] = ["s.a": .yesNo(false), "s.b": .choice(2), "s.c": .text("x")]
        // When a = no, then b goes and so does c (one pass would keep c)
        #expect(v.pruned(answers, method: .home) == ["s.a": .yesNo(false)])
        #expect(v.applicableFields(method: .home, answers: answers).map(\.code) == ["s.a"])
        // And c is not required any more
        #expect(v.check(nil, for: chain.field("s.c")!, method: .home, answers: answers) == nil)
        // With a = yes, everything stays
        var kept = answers
        kept["s.a"] = .yesNo(true)
        #expect(v.pruned(kept, method: .home) == kept)
    }

    @Test func needsMetOnlyWhenSomethingIsNeeded() {
        var answers = quietAnswers
        answers["needs.services"] = .choices([2, 3])
        #expect(validator.validate(visit(answers), today: today)
                == [FieldIssue(fieldCode: "needs.met", messageKey: "form.error.required")])
        answers["needs.met"] = .choice(2)
        #expect(validator.validate(visit(answers), today: today) == [])
    }

    // MARK: - Answer content

    @Test func exclusiveNoneCannotBeCombined() {
        let illness = field("health.illness")
        // 无 (1) with 高血压 (2)
        #expect(validator.check(.choices([1, 2]), for: illness, method: .home, answers: quietAnswers)
                == FieldIssue(fieldCode: "health.illness", messageKey: "form.error.exclusiveOption", args: ["1"]))
        #expect(validator.check(.choices([1]), for: illness, method: .home, answers: quietAnswers) == nil)
        #expect(validator.check(.choices([2, 3]), for: illness, method: .home, answers: quietAnswers) == nil)
        // 无 is code 8 on the benefits list
        #expect(validator.check(.choices([2, 8]), for: field("economic.benefits"), method: .home,
                                answers: quietAnswers)?.messageKey == "form.error.exclusiveOption")
    }

    @Test func unknownDuplicateAndWrongKind() {
        let mobility = field("health.mobility")
        #expect(validator.check(.choice(5), for: mobility, method: .home, answers: [:])
                == FieldIssue(fieldCode: "health.mobility", messageKey: "form.error.unknownOption", args: ["5"]))
        #expect(validator.check(.choices([1]), for: mobility, method: .home, answers: [:])?.messageKey
                == "form.error.wrongKind")
        #expect(validator.check(.text("是"), for: field("safety.hasHazard"), method: .home, answers: [:])?.messageKey
                == "form.error.wrongKind")
        #expect(validator.check(.choices([2, 3, 2]), for: field("health.illness"), method: .home, answers: [:])
                == FieldIssue(fieldCode: "health.illness", messageKey: "form.error.duplicateOption", args: ["2"]))
        #expect(validator.check(.choices([2, 9]), for: field("health.illness"), method: .home, answers: [:])?.args
                == ["9"])
    }

    @Test func requiredMissingIncludingEmptyValues() {
        let illness = field("health.illness")
        #expect(validator.check(nil, for: illness, method: .home, answers: [:])?.messageKey == "form.error.required")
        #expect(validator.check(.choices([]), for: illness, method: .home, answers: [:])?.messageKey
                == "form.error.required")
        // Blank text counts as missing for a required text field
        let required = FormField(code: "health.story", number: 9, kind: .text,
                                 label: LocalizedText(zhHans: "说明", en: "Story"), required: true)
        #expect(validator.check(.text("  "), for: required, method: .home, answers: [:])?.messageKey
                == "form.error.required")
        // An optional field may stay empty
        #expect(validator.check(nil, for: field("help.notes"), method: .home, answers: [:]) == nil)
    }

    @Test func textLongerThanMaxLengthIsRefusedNotCut() {
        let notes = field("help.notes")  // maxLength 500
        let exactly = String(repeating: "好", count: 500)
        #expect(validator.check(.text(exactly), for: notes, method: .home, answers: [:]) == nil)
        #expect(validator.check(.text(exactly + "好"), for: notes, method: .home, answers: [:])
                == FieldIssue(fieldCode: "help.notes", messageKey: "form.error.tooLong", args: ["500", "501"]))
        #expect(validator.parseInput(exactly + "好", for: notes, today: today)
                == .failure(FieldIssue(fieldCode: "help.notes", messageKey: "form.error.tooLong", args: ["500", "501"])))
    }

    @Test func numberRange() {
        let label = LocalizedText(zhHans: "体温", en: "Temperature")
        let temp = FormField(code: "health.temp", number: 9, kind: .number, label: label, min: 34, max: 43)
        #expect(validator.check(.number(36.5), for: temp, method: .home, answers: [:]) == nil)
        #expect(validator.check(.number(33.9), for: temp, method: .home, answers: [:])
                == FieldIssue(fieldCode: "health.temp", messageKey: "form.error.belowMin", args: ["34"]))
        #expect(validator.check(.number(43.5), for: temp, method: .home, answers: [:])?.messageKey == "form.error.aboveMax")
        #expect(validator.parseInput("37.2", for: temp, today: today) == .success(.number(37.2)))
        #expect(validator.parseInput("abc", for: temp, today: today).failureKey == "form.error.number")
        #expect(validator.parseInput("50", for: temp, today: today).failureKey == "form.error.aboveMax")
    }

    // MARK: - Header

    @Test func headerNeedsVisitorAndPastDate() {
        let issues = validator.validate(visit(quietAnswers, on: today.adding(days: 1), visitors: []), today: today)
        #expect(issues == [
            FieldIssue(fieldCode: FormValidator.visitorsField, messageKey: "form.error.noVisitor"),
            FieldIssue(fieldCode: FormValidator.dateField, messageKey: "form.error.futureDate", args: ["2026-11-24"]),
        ])
    }

    @Test func theNextVisitComesAfterThisOne() {
        var answers = quietAnswers
        answers[FieldCode.nextVisit] = .date(LocalDate(year: 2026, month: 11, day: 1)!)
        #expect(validator.validate(visit(answers), today: today)
                == [FieldIssue(fieldCode: FieldCode.nextVisit, messageKey: "form.error.nextVisitBefore",
                               args: ["2026-11-01", today.description])])
        answers[FieldCode.nextVisit] = .date(today)
        #expect(validator.validate(visit(answers), today: today).isEmpty)
    }

    @Test func unknownAnswerCodesAreReported() {
        var answers = quietAnswers
        answers["health.teeth"] = .choice(1)
        #expect(validator.validate(visit(answers), today: today)
                == [FieldIssue(fieldCode: "health.teeth", messageKey: "form.error.unknownField", args: ["health.teeth"])])
        // Pruning does not silently drop them
        #expect(validator.pruned(answers, method: .home)["health.teeth"] == .choice(1))
    }

    // MARK: - Keyboard entry

    @Test func parseChoices() {
        let mobility = field("health.mobility")
        let illness = field("health.illness")
        #expect(validator.parseInput("", for: mobility, today: today) == .success(nil))
        #expect(validator.parseInput(" \u{3000}", for: illness, today: today) == .success(nil))
        #expect(validator.parseInput("2", for: mobility, today: today) == .success(.choice(2)))
        #expect(validator.parseInput("２", for: mobility, today: today) == .success(.choice(2)))
        #expect(validator.parseInput("9", for: mobility, today: today).failureKey == "form.error.unknownOption")
        #expect(validator.parseInput("好", for: mobility, today: today).failureKey == "form.error.notAChoice")
        // Digits, separators, order and repeats
        #expect(validator.parseInput("532", for: illness, today: today) == .success(.choices([2, 3, 5])))
        #expect(validator.parseInput("5 3 2", for: illness, today: today) == .success(.choices([2, 3, 5])))
        #expect(validator.parseInput("5,3，2", for: illness, today: today) == .success(.choices([2, 3, 5])))
        #expect(validator.parseInput("3、2、3", for: illness, today: today) == .success(.choices([2, 3])))
        #expect(validator.parseInput("12", for: illness, today: today).failureKey == "form.error.exclusiveOption")
        #expect(validator.parseInput("29", for: illness, today: today).failureKey == "form.error.unknownOption")
        #expect(validator.parseInput("2a", for: illness, today: today).failureKey == "form.error.notAChoice")
    }

    @Test func twoDigitCodesNeedSeparators() {
        let label = LocalizedText(zhHans: "项", en: "Item")
        let many = FormField(code: "x.many", number: 1, kind: .multi, label: label,
                             options: (1...12).map { FormOption(code: $0, label: label) })
        #expect(validator.parseInput("12", for: many, today: today).failureKey == "form.error.separatorNeeded")
        #expect(validator.parseInput("1 12", for: many, today: today) == .success(.choices([1, 12])))
        #expect(validator.parseInput("12、3", for: many, today: today) == .success(.choices([3, 12])))
        #expect(validator.parseInput("7", for: many, today: today) == .success(.choices([7])))
    }

    @Test func parseYesNo() {
        let hazard = field("safety.hasHazard")
        for yes in ["1", "y", "Y", "是"] {
            #expect(validator.parseInput(yes, for: hazard, today: today) == .success(.yesNo(true)))
        }
        for no in ["2", "0", "n", "否"] {
            #expect(validator.parseInput(no, for: hazard, today: today) == .success(.yesNo(false)))
        }
        #expect(validator.parseInput("3", for: hazard, today: today).failureKey == "form.error.yesNo")
    }

    @Test func parseDates() {
        let next = field("help.nextVisit")
        func parse(_ s: String, _ on: LocalDate) -> Answer?? { try? validator.parseInput(s, for: next, today: on).get() }
        let d = { (y: Int, m: Int, day: Int) in Answer.date(LocalDate(year: y, month: m, day: day)!) }
        #expect(parse("t", today) == d(2026, 11, 23))
        #expect(parse("今", today) == d(2026, 11, 23))
        #expect(parse("1123", today) == d(2026, 11, 23))
        #expect(parse("20261123", today) == d(2026, 11, 23))
        #expect(parse("2026-11-23", today) == d(2026, 11, 23))
        #expect(parse("2026/11/23", today) == d(2026, 11, 23))
        // Year boundaries: +7 from 28 December is in January; a month and day is the nearest such
        // date: "0105" planned on 7 December is next January's, "1231" typed on 2 January last
        // year's; whichever is nearer, so March typed in December is next March
        let dec28 = LocalDate(year: 2026, month: 12, day: 28)!
        #expect(parse("+7", dec28) == d(2027, 1, 4))
        #expect(parse("0101", dec28) == d(2027, 1, 1))
        #expect(parse("0105", LocalDate(year: 2026, month: 12, day: 7)!) == d(2027, 1, 5))
        #expect(parse("1231", LocalDate(year: 2027, month: 1, day: 2)!) == d(2026, 12, 31))
        #expect(parse("0301", LocalDate(year: 2026, month: 12, day: 7)!) == d(2027, 3, 1))
        #expect(parse("0701", LocalDate(year: 2027, month: 1, day: 2)!) == d(2027, 7, 1))
        // 29 February only in leap years
        #expect(parse("0229", LocalDate(year: 2028, month: 1, day: 5)!) == d(2028, 2, 29))
        #expect(validator.parseInput("0229", for: next, today: today).failureKey == "form.error.date")
        #expect(validator.parseInput("20270229", for: next, today: today).failureKey == "form.error.date")
        #expect(parse("+1", LocalDate(year: 2028, month: 2, day: 28)!) == d(2028, 2, 29))
        for bad in ["1332", "+", "+x", "明天", "2026-11"] {
            #expect(validator.parseInput(bad, for: next, today: today).failureKey == "form.error.date")
        }
    }
}

extension Result where Success == Answer?, Failure == FieldIssue {
    /// The catalog key of a failure, nil on success.
    var failureKey: String? {
        if case .failure(let issue) = self { return issue.messageKey }
        return nil
    }
}
