import Foundation
import GRDB

/// A row of `draft`: a half-typed form kept per user and key, so that nothing typed is lost.
struct DraftRecord: Codable, Hashable, Stamped {
    var id: String
    var userId: String
    var key: String
    var json: String
    var createdAt = ""
    var updatedAt = ""
    var createdBy: String?
    var updatedBy: String?
}

// MARK: - Database

extension DraftRecord: FetchableRecord, PersistableRecord {
    static let databaseTableName = "draft"
}
