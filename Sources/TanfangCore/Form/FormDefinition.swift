import Foundation

/// The visit-record sheet as data (`Resources/forms/visit-record.json`).
///
/// Provinces print slightly different sheets, so the fields, their codes, their numbered options
/// and when each applies live in the data file. Code reads a few fields by name (`FieldCode`) for
/// rules; everything else is driven by this definition.
public struct FormDefinition: Hashable, Sendable, Codable {
    public var id: String
    public var title: LocalizedText
    public var sections: [FormSection] {
        didSet { index = FormDefinition.makeIndex(sections) }
    }
    /// All fields in sheet order (kept with `sections`: validation looks fields up per answer).
    public private(set) var fields: [FormField] = []
    private var byCode: [String: Int] = [:]

    public init(id: String, title: LocalizedText, sections: [FormSection]) {
        self.id = id
        self.title = title
        self.sections = sections
        self.index = FormDefinition.makeIndex(sections)
    }

    enum CodingKeys: String, CodingKey { case id, title, sections }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(id: try c.decode(String.self, forKey: .id),
                  title: try c.decode(LocalizedText.self, forKey: .title),
                  sections: try c.decode([FormSection].self, forKey: .sections))
    }

    private var index: (fields: [FormField], byCode: [String: Int]) {
        get { (fields, byCode) }
        set { (fields, byCode) = newValue }
    }

    private static func makeIndex(_ sections: [FormSection]) -> (fields: [FormField], byCode: [String: Int]) {
        let fields = sections.flatMap(\.fields)
        var byCode: [String: Int] = [:]
        for (i, f) in fields.enumerated() where byCode[f.code] == nil { byCode[f.code] = i }
        return (fields, byCode)
    }

    public func field(_ code: String) -> FormField? { byCode[code].map { fields[$0] } }

    public func section(of fieldCode: String) -> FormSection? {
        sections.first { $0.fields.contains { $0.code == fieldCode } }
    }

    public static func load(resources: URL) throws -> FormDefinition {
        try ResourceLocator.decode(FormDefinition.self, at: ResourceLocator.marker, in: resources).value
    }
}

/// One of the sheet's sections (健康方面…).
public struct FormSection: Hashable, Sendable, Codable {
    /// Stable code: `health`, `economic`, `family`, `safety`, `needs`, `help`.
    public var code: String
    /// The heading number as printed: 一, 二…
    public var number: String
    public var label: LocalizedText
    public var fields: [FormField]
    /// Whether "same as last visit" may fill this section.
    public var copyable: Bool

    public init(code: String, number: String, label: LocalizedText, fields: [FormField], copyable: Bool = true) {
        self.code = code
        self.number = number
        self.label = label
        self.fields = fields
        self.copyable = copyable
    }

    enum CodingKeys: String, CodingKey { case code, number, label, fields, copyable }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        code = try c.decode(String.self, forKey: .code)
        number = try c.decode(String.self, forKey: .number)
        label = try c.decode(LocalizedText.self, forKey: .label)
        fields = try c.decode([FormField].self, forKey: .fields)
        copyable = try c.decodeIfPresent(Bool.self, forKey: .copyable) ?? true
    }
}

public enum FieldKind: String, Hashable, Sendable, Codable {
    case single, multi, yesNo, date, number, text
}

/// A numbered option as printed on the sheet.
public struct FormOption: Hashable, Sendable, Codable {
    public var code: Int
    public var label: LocalizedText
    /// An option such as 无 (none) that cannot be combined with others in a multiple choice.
    public var exclusive: Bool

    public init(code: Int, label: LocalizedText, exclusive: Bool = false) {
        self.code = code
        self.label = label
        self.exclusive = exclusive
    }

    enum CodingKeys: String, CodingKey { case code, label, exclusive }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        code = try c.decode(Int.self, forKey: .code)
        label = try c.decode(LocalizedText.self, forKey: .label)
        exclusive = try c.decodeIfPresent(Bool.self, forKey: .exclusive) ?? false
    }
}

/// When a field applies. All given parts must hold; an absent part is no constraint.
///
/// `{"methods": ["home"]}` — only on a home visit (house inspection);
/// `{"field": "safety.hasHazard", "is": true}` — only when a yes/no answer is yes;
/// `{"field": "needs.services", "noneOf": [1]}` — only when option 1 (none) is not chosen;
/// `{"field": "family.obligations", "anyOf": [2, 3]}` — only when one of those options is chosen.
public struct Condition: Hashable, Sendable, Codable {
    public var methods: [VisitMethod]?
    public var field: String?
    public var `is`: Bool?
    public var anyOf: [Int]?
    public var noneOf: [Int]?
    /// Whether the elder was seen (见到本人); a condition with it holds only where that is known
    /// (a saved visit, not the sheet's field applicability).
    public var seenInPerson: Bool?

    public init(methods: [VisitMethod]? = nil, field: String? = nil, is value: Bool? = nil,
                anyOf: [Int]? = nil, noneOf: [Int]? = nil, seenInPerson: Bool? = nil) {
        self.seenInPerson = seenInPerson
        self.methods = methods
        self.field = field
        self.is = value
        self.anyOf = anyOf
        self.noneOf = noneOf
    }

    /// Whether the condition holds for a visit by `method` with `answers` so far.
    /// A field condition on an unanswered field does not hold.
    public func holds(method: VisitMethod, answers: [String: Answer], seenInPerson seen: Bool? = nil) -> Bool {
        if let methods, !methods.contains(method) { return false }
        if let want = seenInPerson, want != seen { return false }
        guard let field else { return true }
        guard let answer = answers[field] else { return false }
        let chosen: Set<Int>
        switch answer {
        case .yesNo(let b):
            if let v = self.is { return b == v }
            return true
        case .choice(let c): chosen = [c]
        case .choices(let cs): chosen = Set(cs)
        default: return true
        }
        if let anyOf, chosen.isDisjoint(with: anyOf) { return false }
        if let noneOf, !chosen.isDisjoint(with: noneOf) { return false }
        return true
    }
}

/// One box on the sheet.
public struct FormField: Hashable, Sendable, Codable {
    /// Stable code `section.name`, e.g. `health.mobility`.
    public var code: String
    /// The item number as printed within its section.
    public var number: Int
    public var kind: FieldKind
    public var label: LocalizedText
    public var options: [FormOption]
    public var required: Bool
    public var when: Condition?
    /// For text: the longest answer accepted (a longer one is refused, never cut).
    public var maxLength: Int?
    /// For number: the accepted range.
    public var min: Double?
    public var max: Double?

    public init(code: String, number: Int, kind: FieldKind, label: LocalizedText, options: [FormOption] = [],
                required: Bool = false, when: Condition? = nil, maxLength: Int? = nil,
                min: Double? = nil, max: Double? = nil) {
        self.code = code
        self.number = number
        self.kind = kind
        self.label = label
        self.options = options
        self.required = required
        self.when = when
        self.maxLength = maxLength
        self.min = min
        self.max = max
    }

    enum CodingKeys: String, CodingKey { case code, number, kind, label, options, required, when, maxLength, min, max }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        code = try c.decode(String.self, forKey: .code)
        number = try c.decode(Int.self, forKey: .number)
        kind = try c.decode(FieldKind.self, forKey: .kind)
        label = try c.decode(LocalizedText.self, forKey: .label)
        options = try c.decodeIfPresent([FormOption].self, forKey: .options) ?? []
        required = try c.decodeIfPresent(Bool.self, forKey: .required) ?? false
        when = try c.decodeIfPresent(Condition.self, forKey: .when)
        maxLength = try c.decodeIfPresent(Int.self, forKey: .maxLength)
        min = try c.decodeIfPresent(Double.self, forKey: .min)
        max = try c.decodeIfPresent(Double.self, forKey: .max)
    }

    public func option(_ code: Int) -> FormOption? { options.first { $0.code == code } }

    public func applies(method: VisitMethod, answers: [String: Answer]) -> Bool {
        when?.holds(method: method, answers: answers) ?? true
    }
}
