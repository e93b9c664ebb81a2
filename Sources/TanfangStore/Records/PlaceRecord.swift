import Foundation
import GRDB
import TanfangCore

/// A row of `place`.
struct PlaceRecord: Codable, Hashable, Stamped {
    var id: String
    var code: String
    var name: String
    var level: String
    var parentId: String?
    var createdAt = ""
    var updatedAt = ""
    var createdBy: String?
    var updatedBy: String?

    init(_ place: Place) {
        id = place.id.uuidString
        code = place.code
        name = place.name
        level = place.level.rawValue
        parentId = place.parentID?.uuidString
    }

    func place() throws -> Place {
        Place(id: try StoreCoding.uuid(id, column: "place.id"), code: code, name: name,
              level: try StoreCoding.enumValue(PlaceLevel.self, level, column: "place.level"),
              parentID: try StoreCoding.uuid(parentId, column: "place.parentId"))
    }
}

// MARK: - Database

extension PlaceRecord: FetchableRecord, PersistableRecord {
    static let databaseTableName = "place"

    /// Column by column rather than through `Decodable`, which cost several microseconds a row:
    /// the start reads every row of this table before the first frame.
    init(row: Row) throws {
        id = try row.decode(String.self, forColumn: "id")
        code = try row.decode(String.self, forColumn: "code")
        name = try row.decode(String.self, forColumn: "name")
        level = try row.decode(String.self, forColumn: "level")
        parentId = try row.decode(forColumn: "parentId")
        createdAt = try row.decode(String.self, forColumn: "createdAt")
        updatedAt = try row.decode(String.self, forColumn: "updatedAt")
        createdBy = try row.decode(forColumn: "createdBy")
        updatedBy = try row.decode(forColumn: "updatedBy")
    }
}
