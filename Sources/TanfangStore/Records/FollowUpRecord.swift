import Foundation
import GRDB
import TanfangCore

/// A row of `followUp`.
struct FollowUpRecord: Codable, Hashable, Stamped {
    var id: String
    var elderId: String
    var visitId: String?
    var type: String
    var ownerId: String?
    var openedAt: String
    var due: String
    var status: String
    var detail: String
    var closingAction: String?
    var closingAt: String?
    var closingBy: String?
    var createdAt = ""
    var updatedAt = ""
    var createdBy: String?
    var updatedBy: String?

    init(_ f: FollowUp) {
        id = f.id.uuidString
        elderId = f.elderID.uuidString
        visitId = f.visitID?.uuidString
        type = f.type.rawValue
        ownerId = f.ownerID?.uuidString
        openedAt = f.openedAt.description
        due = f.due.description
        status = f.status.rawValue
        detail = f.detail
        closingAction = f.closing?.action
        closingAt = f.closing?.at.description
        closingBy = f.closing?.by
    }

    func followUp() throws -> FollowUp {
        var closing: ClosingRecord?
        if let closingAction, let closingAt, let closingBy {
            closing = ClosingRecord(action: closingAction,
                                    at: try StoreCoding.dateTime(closingAt, column: "followUp.closingAt"),
                                    by: closingBy)
        }
        return FollowUp(
            id: try StoreCoding.uuid(id, column: "followUp.id"),
            elderID: try StoreCoding.uuid(elderId, column: "followUp.elderId"),
            visitID: try StoreCoding.uuid(visitId, column: "followUp.visitId"),
            type: try StoreCoding.enumValue(FollowUpType.self, type, column: "followUp.type"),
            ownerID: try StoreCoding.uuid(ownerId, column: "followUp.ownerId"),
            openedAt: try StoreCoding.dateTime(openedAt, column: "followUp.openedAt"),
            due: try StoreCoding.dateTime(due, column: "followUp.due"),
            status: try StoreCoding.enumValue(FollowUpStatus.self, status, column: "followUp.status"),
            detail: detail, closing: closing)
    }
}

// MARK: - Database

extension FollowUpRecord: FetchableRecord, PersistableRecord {
    static let databaseTableName = "followUp"
}
