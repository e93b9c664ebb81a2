import Foundation

/// The fields of `Resources/forms/visit-record.json` that demo visits answer, in sheet order.
enum DemoField: Int, CaseIterable {
    case expression, mobility, response, illness, mental, healthNote
    case difficulties, benefits, benefitsReceived, economicNote
    case familyContact, obligations, supportKinds, familyNote
    case inspected, hasHazard, hazards, hazardDetail, reminders
    case needs, needsMet, emergency, needsOther
    case helpGiven, notes, nextVisit

    var code: String {
        switch self {
        case .expression: FieldCode.expression
        case .mobility: FieldCode.mobility
        case .response: FieldCode.response
        case .illness: FieldCode.illness
        case .mental: FieldCode.mental
        case .healthNote: "health.note"
        case .difficulties: FieldCode.difficulties
        case .benefits: FieldCode.benefits
        case .benefitsReceived: FieldCode.benefitsReceived
        case .economicNote: "economic.note"
        case .familyContact: FieldCode.familyContact
        case .obligations: FieldCode.obligations
        case .supportKinds: FieldCode.supportKinds
        case .familyNote: "family.note"
        case .inspected: FieldCode.inspected
        case .hasHazard: FieldCode.hasHazard
        case .hazards: FieldCode.hazards
        case .hazardDetail: FieldCode.hazardDetail
        case .reminders: FieldCode.reminders
        case .needs: FieldCode.needs
        case .needsMet: FieldCode.needsMet
        case .emergency: FieldCode.emergency
        case .needsOther: "needs.other"
        case .helpGiven: FieldCode.helpGiven
        case .notes: FieldCode.notes
        case .nextVisit: FieldCode.nextVisit
        }
    }
}

/// A reusable scratch sheet that turns into a `[String: Answer]` without hashing a key per answer:
/// a template dictionary per set of answered fields is hashed once, then `mapValues` (which keeps
/// the bucket layout) fills in the values. Millions of demo visits are built this way.
struct DemoSheet {
    private var values = [Answer](repeating: .yesNo(false), count: DemoField.allCases.count)
    private var present: UInt32 = 0
    /// Set of answered fields → a dictionary whose values are `.choice(field index)`.
    private var templates: [UInt32: [String: Answer]] = [:]

    subscript(field: DemoField) -> Answer? {
        get { present & (1 << field.rawValue) != 0 ? values[field.rawValue] : nil }
        set {
            if let newValue {
                values[field.rawValue] = newValue
                present |= 1 << field.rawValue
            } else {
                present &= ~(1 << field.rawValue)
            }
        }
    }

    mutating func reset() { present = 0 }

    /// The answers as stored on a `Visit`.
    mutating func answers() -> [String: Answer] {
        let template: [String: Answer]
        if let cached = templates[present] {
            template = cached
        } else {
            var t = [String: Answer](minimumCapacity: present.nonzeroBitCount)
            for field in DemoField.allCases where present & (1 << field.rawValue) != 0 {
                t[field.code] = .choice(field.rawValue)
            }
            templates[present] = t
            template = t
        }
        let values = self.values
        return template.mapValues { slot in
            guard case .choice(let index) = slot else { preconditionFailure("demo template holds field indices") }
            return values[index]
        }
    }
}
