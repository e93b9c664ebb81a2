import Foundation

/// Kinds of follow-up (跟进), DOMAIN.md §5.
public enum FollowUpType: String, Codable, Sendable, CaseIterable {
    case hazardRectification, notifySupporters, referral, benefitApplication, emergency, revisit
}

public enum FollowUpStatus: String, Codable, Sendable, CaseIterable {
    case open, inProgress, done, cancelled

    public var isOpen: Bool { self == .open || self == .inProgress }
}

/// The closing record (处置情况记录): what was done, when, by whom.
public struct ClosingRecord: Hashable, Sendable, Codable {
    public var action: String
    public var at: LocalDateTime
    public var by: String

    public init(action: String, at: LocalDateTime, by: String) {
        self.action = action
        self.at = at
        self.by = by
    }
}

/// A finding that needs action. Every follow-up gets an answer (事事有回应，件件都落实).
public struct FollowUp: Hashable, Sendable, Codable, Identifiable {
    public var id: UUID
    public var elderID: UUID
    /// The visit whose finding created it, if any.
    public var visitID: UUID?
    public var type: FollowUpType
    /// The visitor responsible for it.
    public var ownerID: UUID?
    public var openedAt: LocalDateTime
    public var due: LocalDateTime
    public var status: FollowUpStatus
    public var detail: String
    public var closing: ClosingRecord?

    public init(id: UUID = RecordID.make(), elderID: UUID, visitID: UUID? = nil, type: FollowUpType,
                ownerID: UUID? = nil, openedAt: LocalDateTime, due: LocalDateTime,
                status: FollowUpStatus = .open, detail: String = "", closing: ClosingRecord? = nil) {
        self.id = id
        self.elderID = elderID
        self.visitID = visitID
        self.type = type
        self.ownerID = ownerID
        self.openedAt = openedAt
        self.due = due
        self.status = status
        self.detail = detail
        self.closing = closing
    }

    public func isOverdue(now: LocalDateTime) -> Bool { status.isOpen && due < now }
}
