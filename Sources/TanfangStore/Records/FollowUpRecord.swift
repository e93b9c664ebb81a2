import Foundation
import GRDB
import TanfangCore

/// A row of `followUp`.
struct FollowUpRecord: Hashable, Stamped {
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
        openedAt = StoreCoding.text(f.openedAt)
        due = StoreCoding.text(f.due)
        status = f.status.rawValue
        detail = f.detail
        closingAction = f.closing?.action
        closingAt = StoreCoding.text(f.closing?.at)
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

    // Written out rather than derived from Codable: this table is read and written per row in
    // bulk (imports, daily refresh), where Codable's reflection dominated the cost.
    init(row: Row) throws {
        id = try row.decode(forColumn: "id")
        elderId = try row.decode(forColumn: "elderId")
        visitId = try row.decode(forColumn: "visitId")
        type = try row.decode(forColumn: "type")
        ownerId = try row.decode(forColumn: "ownerId")
        openedAt = try row.decode(forColumn: "openedAt")
        due = try row.decode(forColumn: "due")
        status = try row.decode(forColumn: "status")
        detail = try row.decode(forColumn: "detail")
        closingAction = try row.decode(forColumn: "closingAction")
        closingAt = try row.decode(forColumn: "closingAt")
        closingBy = try row.decode(forColumn: "closingBy")
        createdAt = try row.decode(forColumn: "createdAt")
        updatedAt = try row.decode(forColumn: "updatedAt")
        createdBy = try row.decode(forColumn: "createdBy")
        updatedBy = try row.decode(forColumn: "updatedBy")
    }

    func encode(to container: inout PersistenceContainer) {
        container["id"] = id
        container["elderId"] = elderId
        container["visitId"] = visitId
        container["type"] = type
        container["ownerId"] = ownerId
        container["openedAt"] = openedAt
        container["due"] = due
        container["status"] = status
        container["detail"] = detail
        container["closingAction"] = closingAction
        container["closingAt"] = closingAt
        container["closingBy"] = closingBy
        container["createdAt"] = createdAt
        container["updatedAt"] = updatedAt
        container["createdBy"] = createdBy
        container["updatedBy"] = updatedBy
    }
}
