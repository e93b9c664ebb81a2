import Foundation
import GRDB
import TanfangCore

/// A row of `visitor`.
struct VisitorRecord: Codable, Hashable, Stamped {
    var id: String
    var name: String
    var role: String
    var phone: String?
    var placeId: String?
    var createdAt = ""
    var updatedAt = ""
    var createdBy: String?
    var updatedBy: String?

    init(_ visitor: Visitor) {
        id = visitor.id.uuidString
        name = visitor.name
        role = visitor.role.rawValue
        phone = visitor.phone
        placeId = visitor.placeID?.uuidString
    }

    func visitor() throws -> Visitor {
        Visitor(id: try StoreCoding.uuid(id, column: "visitor.id"), name: name,
                role: try StoreCoding.enumValue(VisitorRole.self, role, column: "visitor.role"),
                phone: phone, placeID: try StoreCoding.uuid(placeId, column: "visitor.placeId"))
    }
}

// MARK: - Database

extension VisitorRecord: FetchableRecord, PersistableRecord {
    static let databaseTableName = "visitor"

    /// Column by column rather than through `Decodable`, which cost several microseconds a row:
    /// the start reads every row of this table before the first frame.
    init(row: Row) throws {
        id = try row.decode(String.self, forColumn: "id")
        name = try row.decode(String.self, forColumn: "name")
        role = try row.decode(String.self, forColumn: "role")
        phone = try row.decode(forColumn: "phone")
        placeId = try row.decode(forColumn: "placeId")
        createdAt = try row.decode(String.self, forColumn: "createdAt")
        updatedAt = try row.decode(String.self, forColumn: "updatedAt")
        createdBy = try row.decode(forColumn: "createdBy")
        updatedBy = try row.decode(forColumn: "updatedBy")
    }
}
