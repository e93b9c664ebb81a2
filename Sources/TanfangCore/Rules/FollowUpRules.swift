import Foundation

/// A rule that opens a follow-up when a saved visit matches `when` (DOMAIN.md §5).
public struct FollowUpRule: Hashable, Sendable, Codable {
    public var type: FollowUpType
    public var when: Condition
    /// Hours from the visit time to the due time.
    public var dueInHours: Int
    /// Fields whose answers make up the follow-up's readable detail.
    public var detailFields: [String]
    /// Words that open the detail, for a rule no answer explains (上门未见到本人).
    public var detail: String?
    /// A later visit that answers this rule's open follow-ups by itself (the revisit that found the
    /// elder), and the closing record's words for it.
    public var closeWhen: Condition?
    public var closingAction: String?
    /// One open follow-up of this type per elder: a later visit's finding is added to its detail
    /// instead of opening another (the elder's unmet needs, reported again with another need
    /// added, are one referral being worked on).
    public var onePerElder: Bool?
    /// The closing record's words for one closed into another of the same elder (`onePerElder`),
    /// when two records of the elder are combined with one open each.
    public var mergedAction: String?

    public init(type: FollowUpType, when: Condition, dueInHours: Int, detailFields: [String] = [], detail: String? = nil,
                closeWhen: Condition? = nil, closingAction: String? = nil, onePerElder: Bool? = nil) {
        self.onePerElder = onePerElder
        self.type = type
        self.when = when
        self.dueInHours = dueInHours
        self.detailFields = detailFields
        self.detail = detail
        self.closeWhen = closeWhen
        self.closingAction = closingAction
    }
}

/// The follow-up rules (`Resources/rules/followups.json`) applied when a visit is saved.
public struct FollowUpRules: Sendable {
    public static let file = "rules/followups.json"

    public let rules: [FollowUpRule]
    public let form: FormDefinition

    public init(rules: [FollowUpRule], form: FormDefinition) {
        self.rules = rules
        self.form = form
    }

    /// Loads the rules and checks that they name fields and options of `form`.
    public static func load(resources: URL, form: FormDefinition) throws -> FollowUpRules {
        let (rules, path) = try ResourceLocator.decode([FollowUpRule].self, at: file, in: resources)
        for (index, rule) in rules.enumerated() {
            if let problem = problem(in: rule, form: form) {
                throw ResourceError.invalid(file: path, detail: "rule \(index + 1) (\(rule.type.rawValue)): \(problem)")
            }
        }
        return FollowUpRules(rules: rules, form: form)
    }

    /// Why `rule` does not fit `form`, or nil.
    static func problem(in rule: FollowUpRule, form: FormDefinition) -> String? {
        if rule.dueInHours <= 0 { return "dueInHours must be positive" }
        if rule.when.field == nil && rule.when.methods == nil { return "when needs a field or methods" }
        if (rule.closeWhen == nil) != (rule.closingAction == nil) { return "closeWhen and closingAction go together" }
        if let code = rule.when.field {
            guard let field = form.field(code) else { return "unknown field \(code)" }
            if rule.when.is != nil, field.kind != .yesNo { return "\"is\" needs a yesNo field, \(code) is \(field.kind.rawValue)" }
            let codes = (rule.when.anyOf ?? []) + (rule.when.noneOf ?? [])
            if !codes.isEmpty, field.kind != .single, field.kind != .multi {
                return "anyOf/noneOf need a choice field, \(code) is \(field.kind.rawValue)"
            }
            if let unknown = codes.first(where: { field.option($0) == nil }) {
                return "field \(code) has no option \(unknown)"
            }
        }
        if let unknown = rule.detailFields.first(where: { form.field($0) == nil }) {
            return "unknown detail field \(unknown)"
        }
        return nil
    }

    /// One open follow-up per rule matching `visit`, opened at the visit time.
    /// Answers to fields that no longer apply are ignored.
    public func followUps(for visit: Visit, ownerID: UUID?) -> [FollowUp] {
        let answers = FormValidator(form: form).pruned(visit.answers, method: visit.method)
        return rules.filter { $0.when.holds(method: visit.method, answers: answers, seenInPerson: visit.seenInPerson) }.map { rule in
            FollowUp(elderID: visit.elderID, visitID: visit.id, type: rule.type, ownerID: ownerID,
                     openedAt: visit.at, due: visit.at.adding(hours: rule.dueInHours),
                     detail: [rule.detail, detail(rule, answers: answers)].compactMap { $0 }.filter { !$0.isEmpty }
                        .joined(separator: "；"))
        }
    }

    /// The follow-up types a saved `visit` closes by itself, each with its closing record's words.
    public func closings(for visit: Visit) -> [(type: FollowUpType, action: String)] {
        rules.compactMap { rule in
            guard let condition = rule.closeWhen, let action = rule.closingAction,
                  condition.holds(method: visit.method, answers: visit.answers, seenInPerson: visit.seenInPerson) else { return nil }
            return (rule.type, action)
        }
    }

    /// `房屋、用电：电线老化` — chosen option labels (zh-Hans), then free text after "：".
    /// Exclusive options such as 无 say nothing useful here and are left out.
    func detail(_ rule: FollowUpRule, answers: [String: Answer]) -> String {
        var labels: [String] = []
        var texts: [String] = []
        for code in rule.detailFields {
            guard let field = form.field(code), let answer = answers[code] else { continue }
            switch answer {
            case .choice(let c):
                if let option = field.option(c), !option.exclusive { labels.append(option.label.zhHans) }
            case .choices(let cs):
                labels += cs.compactMap(field.option).filter { !$0.exclusive }.map(\.label.zhHans)
            case .text(let t):
                let trimmed = t.trimmingCharacters(in: .whitespacesAndNewlines)
                if !trimmed.isEmpty { texts.append(trimmed) }
            case .date(let d): texts.append(d.description)
            case .number(let n): texts.append(FormValidator.format(n))
            case .yesNo: break
            }
        }
        let head = labels.joined(separator: "、")
        let tail = texts.joined(separator: "；")
        if head.isEmpty { return tail }
        return tail.isEmpty ? head : head + "：" + tail
    }
}

extension LocalDateTime {
    /// The date-time `hours` later (earlier when negative), across day, month and year ends.
    public func adding(hours: Int) -> LocalDateTime {
        let minutes = (date.dayNumber * 24 + hour + hours) * 60 + minute
        let perDay = 24 * 60
        let day = minutes >= 0 ? minutes / perDay : (minutes - perDay + 1) / perDay
        let rest = minutes - day * perDay
        return LocalDateTime(date: LocalDate(dayNumber: day), hour: rest / 60, minute: rest % 60)!
    }
}
