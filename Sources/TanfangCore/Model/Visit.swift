import Foundation

/// 探访方式.
public enum VisitMethod: String, Codable, Sendable, CaseIterable {
    case home, phone, video, remoteMonitoring

    /// Whether the visitor is in the house and can inspect it.
    public var isInPerson: Bool { self == .home }
    /// Whether "seen in person" (见到本人) is asked: only at the door. A video call that shows the
    /// elder is a visit; one that does not is no call at all; a phone or a device never sees them.
    public var seesTheElder: Bool { self == .home }
}

/// One answer on the visit sheet, typed by the form field's kind.
/// Choices hold the option codes printed on the paper sheet (1, 2, 3…).
public enum Answer: Hashable, Sendable, Codable {
    case choice(Int)
    case choices([Int])
    case yesNo(Bool)
    case date(LocalDate)
    case number(Double)
    case text(String)
}

/// A visit record (探访关爱服务记录表): the header plus the answers keyed by form field code.
///
/// The sheet's fields live in `Resources/forms/visit-record.json`, so the answers are a map from
/// stable field codes (`safety.hasHazard`) to values rather than one Swift property per box.
public struct Visit: Hashable, Sendable, Codable, Identifiable {
    public var id: UUID
    public var elderID: UUID
    public var at: LocalDateTime
    public var visitorIDs: [UUID]
    public var method: VisitMethod
    public var seenInPerson: Bool
    public var answers: [String: Answer]
    /// Section codes filled with "same as last visit", kept so that the perfunctory-visit
    /// red flag can tell copies from fresh answers.
    public var copiedSections: Set<String>

    public init(id: UUID = RecordID.make(), elderID: UUID, at: LocalDateTime, visitorIDs: [UUID],
                method: VisitMethod, seenInPerson: Bool, answers: [String: Answer] = [:],
                copiedSections: Set<String> = []) {
        self.id = id
        self.elderID = elderID
        self.at = at
        self.visitorIDs = visitorIDs
        self.method = method
        self.seenInPerson = seenInPerson
        self.answers = answers
        self.copiedSections = copiedSections
    }

    public var date: LocalDate { at.date }

    /// A home visit that did not find the elder (上门未见到本人): kept in the history, but not a
    /// visit-and-care — it moves no due date, counts in no monthly rate and reads as no findings.
    /// A revisit follow-up is opened for it instead (rules/followups.json).
    public var isAttempt: Bool { Visit.isAttempt(method: method, seenInPerson: seenInPerson) }

    public static func isAttempt(method: VisitMethod, seenInPerson: Bool) -> Bool { method == .home && !seenInPerson }

    /// The SQL condition of a counted visit over the `visit` table's columns (see `isAttempt`).
    public static let countedSQL = "NOT (method = 'home' AND seenInPerson = 0)"

    /// The next planned visit written at the foot of the sheet.
    public var nextPlannedVisit: LocalDate? {
        if case .date(let d) = answers[FieldCode.nextVisit] { return d }
        return nil
    }
}

/// Field codes that rules read by name. Every other code lives only in the form definition.
public enum FieldCode {
    public static let expression = "health.expression"
    public static let mobility = "health.mobility"
    public static let response = "health.response"
    public static let illness = "health.illness"
    public static let mental = "health.mental"
    public static let difficulties = "economic.difficulties"
    public static let benefits = "economic.benefits"
    public static let benefitsReceived = "economic.benefitsReceived"
    public static let familyContact = "family.contact"
    public static let obligations = "family.obligations"
    public static let supportKinds = "family.supportKinds"
    public static let hasHazard = "safety.hasHazard"
    public static let hazards = "safety.hazards"
    public static let hazardDetail = "safety.hazardDetail"
    public static let inspected = "safety.inspected"
    public static let reminders = "safety.reminders"
    public static let needs = "needs.services"
    public static let needsMet = "needs.met"
    public static let emergency = "needs.emergency"
    public static let helpGiven = "help.given"
    public static let notes = "help.notes"
    public static let nextVisit = "help.nextVisit"
}
