import Foundation
import GRDB
import TanfangCore

/// A row of `user`.
struct UserRecord: Codable, Hashable, Stamped {
    var id: String
    var name: String
    var role: String
    var areaId: String
    var visitorId: String?
    var pinHash: String
    var createdAt = ""
    var updatedAt = ""
    var createdBy: String?
    var updatedBy: String?

    init(_ user: User) {
        id = user.id.uuidString
        name = user.name
        role = user.role.rawValue
        areaId = user.areaID.uuidString
        visitorId = user.visitorID?.uuidString
        pinHash = user.pinHash
    }

    func user() throws -> User {
        User(id: try StoreCoding.uuid(id, column: "user.id"), name: name,
             role: try StoreCoding.enumValue(UserRole.self, role, column: "user.role"),
             areaID: try StoreCoding.uuid(areaId, column: "user.areaId"),
             visitorID: try StoreCoding.uuid(visitorId, column: "user.visitorId"),
             pinHash: pinHash)
    }
}

// MARK: - Database

extension UserRecord: FetchableRecord, PersistableRecord {
    static let databaseTableName = "user"
}
