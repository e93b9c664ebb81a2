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

    /// Column by column rather than through `Decodable`, which cost several microseconds a row:
    /// the start reads every row of this table before the first frame.
    init(row: Row) throws {
        id = try row.decode(String.self, forColumn: "id")
        name = try row.decode(String.self, forColumn: "name")
        role = try row.decode(String.self, forColumn: "role")
        areaId = try row.decode(String.self, forColumn: "areaId")
        visitorId = try row.decode(forColumn: "visitorId")
        pinHash = try row.decode(String.self, forColumn: "pinHash")
        createdAt = try row.decode(String.self, forColumn: "createdAt")
        updatedAt = try row.decode(String.self, forColumn: "updatedAt")
        createdBy = try row.decode(forColumn: "createdBy")
        updatedBy = try row.decode(forColumn: "updatedBy")
    }
}
