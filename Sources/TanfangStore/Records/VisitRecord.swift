import Foundation
import GRDB
import TanfangCore

/// A row of `visit`. `date` repeats the day of `at` so that month queries use an index.
struct VisitRecord: Codable, Hashable, Stamped {
    var id: String
    var elderId: String
    var at: String
    var date: String
    var visitorIds: String
    var method: String
    var seenInPerson: Bool
    var answers: String
    var copiedSections: String
    var createdAt = ""
    var updatedAt = ""
    var createdBy: String?
    var updatedBy: String?

    init(_ v: Visit) {
        id = v.id.uuidString
        elderId = v.elderID.uuidString
        at = v.at.description
        date = v.date.description
        visitorIds = StoreCoding.json(v.visitorIDs.map(\.uuidString))
        method = v.method.rawValue
        seenInPerson = v.seenInPerson
        answers = StoreCoding.json(v.answers)
        copiedSections = StoreCoding.json(v.copiedSections.sorted())
    }

    func visit() throws -> Visit {
        let visitors = try StoreCoding.decode([String].self, visitorIds, column: "visit.visitorIds")
        return Visit(
            id: try StoreCoding.uuid(id, column: "visit.id"),
            elderID: try StoreCoding.uuid(elderId, column: "visit.elderId"),
            at: try StoreCoding.dateTime(at, column: "visit.at"),
            visitorIDs: try visitors.map { try StoreCoding.uuid($0, column: "visit.visitorIds") },
            method: try StoreCoding.enumValue(VisitMethod.self, method, column: "visit.method"),
            seenInPerson: seenInPerson,
            answers: try StoreCoding.decode([String: Answer].self, answers, column: "visit.answers"),
            copiedSections: Set(try StoreCoding.decode([String].self, copiedSections, column: "visit.copiedSections")))
    }
}

// MARK: - Database

extension VisitRecord: FetchableRecord, PersistableRecord {
    static let databaseTableName = "visit"
}
