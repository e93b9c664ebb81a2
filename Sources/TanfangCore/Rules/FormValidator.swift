import Foundation

/// A problem with one answer (or the visit header), as a catalog key plus its `{0}`… arguments.
public struct FieldIssue: Error, Hashable, Sendable {
    /// The form field code, or `FormValidator.visitorsField` / `FormValidator.dateField` for the header.
    public var fieldCode: String
    public var messageKey: String
    public var args: [String]

    public init(fieldCode: String, messageKey: String, args: [String] = []) {
        self.fieldCode = fieldCode
        self.messageKey = messageKey
        self.args = args
    }
}

/// Checks visit answers against the form definition, and parses keyboard entry into answers.
public struct FormValidator: Sendable {
    /// Pseudo field code for issues with the visit's visitors.
    public static let visitorsField = "visit.visitors"
    /// Pseudo field code for issues with the visit's date and time.
    public static let dateField = "visit.at"

    public let form: FormDefinition

    public init(form: FormDefinition) {
        self.form = form
    }

    // MARK: - Applicability

    /// The fields that apply to a visit by `method` with `answers`, in sheet order.
    /// Answers to fields that no longer apply are ignored first, so cascades resolve.
    public func applicableFields(method: VisitMethod, answers: [String: Answer]) -> [FormField] {
        let kept = pruned(answers, method: method)
        return form.fields.filter { $0.applies(method: method, answers: kept) }
    }

    /// `answers` without those to fields that do not apply, removed repeatedly until stable:
    /// `safety.hasHazard` = no removes `safety.hazards`, which may remove fields depending on it.
    /// Answers with codes unknown to the form are kept, so that `validate` can report them.
    public func pruned(_ answers: [String: Answer], method: VisitMethod) -> [String: Answer] {
        var current = answers
        while true {
            let next = current.filter { code, _ in
                form.field(code)?.applies(method: method, answers: current) ?? true
            }
            if next.count == current.count { return next }
            current = next
        }
    }

    // MARK: - Checking

    /// The first problem with `answer` for `field`, or nil when it is acceptable.
    ///
    /// A missing answer is a problem only when the field is required and applies, unless a visit
    /// in person did not find the elder (`seen` false on a home visit): an elder not at home cannot
    /// be assessed, and what a relative or neighbour told is entered without inventing the rest.
    /// (A phone or video visit is not "seen in person" and still asks everything.) An answer to a
    /// field that does not apply is a problem (`form.error.notApplicable`).
    public func check(_ answer: Answer?, for field: FormField, method: VisitMethod,
                      answers: [String: Answer], seen: Bool = true) -> FieldIssue? {
        let applies = field.applies(method: method, answers: pruned(answers, method: method))
        guard let answer, !Self.isEmpty(answer) else {
            let excused = method.isInPerson && !seen
            return applies && field.required && !excused ? issue(field, "form.error.required") : nil
        }
        guard applies else { return issue(field, "form.error.notApplicable") }
        return contentIssue(answer, for: field)
    }

    /// Every problem with `visit`: the header, each applicable field, answers to fields that do
    /// not apply and answers with unknown codes.
    public func validate(_ visit: Visit, today: LocalDate) -> [FieldIssue] {
        var issues: [FieldIssue] = []
        if visit.visitorIDs.isEmpty {
            issues.append(FieldIssue(fieldCode: Self.visitorsField, messageKey: "form.error.noVisitor"))
        }
        if visit.date > today {
            issues.append(FieldIssue(fieldCode: Self.dateField, messageKey: "form.error.futureDate",
                                     args: [visit.date.description]))
        }
        for field in form.fields {
            if let problem = check(visit.answers[field.code], for: field, method: visit.method,
                                   answers: visit.answers, seen: visit.seenInPerson) {
                issues.append(problem)
            }
        }
        // The next planned visit comes after this one (1101 on a sheet of 11-23 is a slip).
        if case .date(let next)? = visit.answers[FieldCode.nextVisit], next < visit.date,
           !issues.contains(where: { $0.fieldCode == FieldCode.nextVisit }) {
            issues.append(FieldIssue(fieldCode: FieldCode.nextVisit, messageKey: "form.error.nextVisitBefore",
                                     args: [next.description, visit.date.description]))
        }
        for code in visit.answers.keys.sorted() where form.field(code) == nil {
            issues.append(FieldIssue(fieldCode: code, messageKey: "form.error.unknownField", args: [code]))
        }
        return issues
    }

    /// Problems with the value itself: kind, option codes, exclusivity, length, range.
    func contentIssue(_ answer: Answer, for field: FormField) -> FieldIssue? {
        switch (field.kind, answer) {
        case (.single, .choice(let code)):
            if field.option(code) == nil { return issue(field, "form.error.unknownOption", [String(code)]) }
        case (.multi, .choices(let codes)):
            if let unknown = codes.first(where: { field.option($0) == nil }) {
                return issue(field, "form.error.unknownOption", [String(unknown)])
            }
            var seen = Set<Int>()
            if let dup = codes.first(where: { !seen.insert($0).inserted }) {
                return issue(field, "form.error.duplicateOption", [String(dup)])
            }
            if seen.count > 1, let excl = codes.compactMap(field.option).first(where: \.exclusive) {
                return issue(field, "form.error.exclusiveOption", [String(excl.code)])
            }
        case (.yesNo, .yesNo), (.date, .date):
            break
        case (.number, .number(let value)):
            guard value.isFinite else { return issue(field, "form.error.number") }
            if let min = field.min, value < min { return issue(field, "form.error.belowMin", [Self.format(min)]) }
            if let max = field.max, value > max { return issue(field, "form.error.aboveMax", [Self.format(max)]) }
        case (.text, .text(let text)):
            if let max = field.maxLength, text.count > max {
                return issue(field, "form.error.tooLong", [String(max), String(text.count)])
            }
        default:
            return issue(field, "form.error.wrongKind", [field.kind.rawValue])
        }
        return nil
    }

    static func isEmpty(_ answer: Answer) -> Bool {
        switch answer {
        case .choices(let codes): codes.isEmpty
        case .text(let text): text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
        default: false
        }
    }

    /// `3` rather than `3.0` in messages.
    static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }

    private func issue(_ field: FormField, _ key: String, _ args: [String] = []) -> FieldIssue {
        FieldIssue(fieldCode: field.code, messageKey: key, args: args)
    }

    // MARK: - Keyboard entry

    /// Parses what a clerk typed for `field`. Empty input means no answer (`.success(nil)`).
    ///
    /// - single: `2`; multi: `135` when every option code is below 10, otherwise `1 3 5`, `1,3,5`
    ///   or `1、3` (always accepted), sorted and de-duplicated;
    /// - yesNo: `1`/`y`/`是` yes, `2`/`0`/`n`/`否` no;
    /// - date: `t` or `今` today, `1123` (this year), `20261123`, `2026-11-23`, `2026/11/23`, `+7`;
    /// - number: a decimal; text: as typed, trimmed.
    /// The parsed answer is also checked for unknown options, exclusivity, length and range.
    /// `relativeTo`: the day `+7` and `-3` count from (a sheet's own visit date), today when nil.
    public func parseInput(_ text: String, for field: FormField, today: LocalDate,
                           relativeTo: LocalDate? = nil) -> Result<Answer?, FieldIssue> {
        let input = Self.asciiDigits(text.trimmingCharacters(in: .whitespacesAndNewlines))
        if input.isEmpty { return .success(nil) }
        let parsed: Answer
        switch field.kind {
        case .single:
            guard let code = Int(input) else { return .failure(issue(field, "form.error.notAChoice")) }
            parsed = .choice(code)
        case .multi:
            switch parseCodes(input, for: field) {
            case .success(let codes): parsed = .choices(codes)
            case .failure(let problem): return .failure(problem)
            }
        case .yesNo:
            switch input.lowercased() {
            case "1", "y", "yes", "是": parsed = .yesNo(true)
            case "2", "0", "n", "no", "否": parsed = .yesNo(false)
            default: return .failure(issue(field, "form.error.yesNo"))
            }
        case .date:
            guard let date = Self.parseDate(input, today: today, relativeTo: relativeTo) else {
                return .failure(issue(field, "form.error.date"))
            }
            parsed = .date(date)
        case .number:
            guard let value = Double(input), value.isFinite else {
                return .failure(issue(field, "form.error.number"))
            }
            parsed = .number(value)
        case .text:
            parsed = .text(input)
        }
        if let problem = contentIssue(parsed, for: field) { return .failure(problem) }
        return .success(parsed)
    }

    /// What may stand between the codes of several choices typed (`1 3 5`, `1,3,5`, `1、3、5`).
    public static let separators: Set<Character> = [" ", ",", "，", "、", ";", "；", "/", "\t", "\u{3000}"]

    private func parseCodes(_ input: String, for field: FormField) -> Result<[Int], FieldIssue> {
        var codes: [Int] = []
        if input.contains(where: { Self.separators.contains($0) }) {
            for part in input.split(whereSeparator: { Self.separators.contains($0) }) {
                guard let code = Int(part) else { return .failure(issue(field, "form.error.notAChoice")) }
                codes.append(code)
            }
        } else {
            guard input.allSatisfy({ $0.isASCII && $0.isNumber }) else {
                return .failure(issue(field, "form.error.notAChoice"))
            }
            // "12" is ambiguous (1 and 2, or 12) once a code has two digits.
            if input.count > 1, field.options.contains(where: { $0.code >= 10 }) {
                return .failure(issue(field, "form.error.separatorNeeded"))
            }
            codes = input.compactMap(\.wholeNumberValue)
        }
        // Typing a code twice is harmless at the keyboard; the stored answer is a clean set.
        return .success(Array(Set(codes)).sorted())
    }

    /// Parses the date shortcuts of `parseInput`.
    static func parseDate(_ input: String, today: LocalDate, relativeTo: LocalDate? = nil) -> LocalDate? {
        switch input.lowercased() {
        case "t", "today", "今", "今天": return today
        default: break
        }
        if let sign = input.first, sign == "+" || sign == "-" {
            let rest = input.dropFirst()
            guard !rest.isEmpty, rest.count <= 5, rest.allSatisfy({ $0.isASCII && $0.isNumber }),
                  let n = Int(rest) else { return nil }
            return (relativeTo ?? today).adding(days: sign == "+" ? n : -n)
        }
        if input.count == 4, input.allSatisfy({ $0.isASCII && $0.isNumber }), let v = Int(input) {
            return LocalDate.nearest(month: v / 100, day: v % 100, to: today)
        }
        return LocalDate(input)
    }

    /// Full-width digits (common with Chinese input methods) as ASCII.
    static func asciiDigits(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if (0xFF10...0xFF19).contains(scalar.value) {
                out.append(Unicode.Scalar(scalar.value - 0xFF10 + 0x30)!)
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }
}
