import Foundation
import GRDB
import TanfangCore

/// A row of `audit`: who changed which record, when, and its JSON before and after.
struct AuditRecord: Codable, Hashable, Stamped {
    var id: String
    var at: String
    var userId: String?
    var tableName: String
    var recordId: String
    var action: String
    var before: String?
    var after: String?
    var createdAt = ""
    var updatedAt = ""
    var createdBy: String?
    var updatedBy: String?

    func entry() throws -> AuditEntry {
        AuditEntry(id: try StoreCoding.uuid(id, column: "audit.id"), at: at,
                   userID: try StoreCoding.uuid(userId, column: "audit.userId"),
                   tableName: tableName, recordID: try StoreCoding.uuid(recordId, column: "audit.recordId"),
                   action: try StoreCoding.enumValue(AuditAction.self, action, column: "audit.action"),
                   before: before, after: after)
    }
}

// MARK: - Database

extension AuditRecord: FetchableRecord, PersistableRecord {
    static let databaseTableName = "audit"
}
