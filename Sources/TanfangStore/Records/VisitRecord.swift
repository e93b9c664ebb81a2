import Foundation
import GRDB
import TanfangCore

/// A row of `visit`. `date` repeats the day of `at` so that month queries use an index.
struct VisitRecord: Hashable, Stamped {
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
        at = StoreCoding.text(v.at)
        date = StoreCoding.text(v.date)
        visitorIds = StoreCoding.json(strings: v.visitorIDs.map(\.uuidString))
        method = v.method.rawValue
        seenInPerson = v.seenInPerson
        answers = AnswerCoding.encode(v.answers)
        copiedSections = StoreCoding.json(strings: v.copiedSections.sorted())
    }

    func visit() throws -> Visit {
        let visitors = try StoreCoding.strings(fromJSON: visitorIds, column: "visit.visitorIds")
        return Visit(
            id: try StoreCoding.uuid(id, column: "visit.id"),
            elderID: try StoreCoding.uuid(elderId, column: "visit.elderId"),
            at: try StoreCoding.dateTime(at, column: "visit.at"),
            visitorIDs: try visitors.map { try StoreCoding.uuid($0, column: "visit.visitorIds") },
            method: try StoreCoding.enumValue(VisitMethod.self, method, column: "visit.method"),
            seenInPerson: seenInPerson,
            answers: try AnswerCoding.decode(answers),
            copiedSections: Set(try StoreCoding.strings(fromJSON: copiedSections, column: "visit.copiedSections")))
    }
}

// MARK: - Database

extension VisitRecord: FetchableRecord, PersistableRecord {
    static let databaseTableName = "visit"

    // Written out rather than derived from Codable: this table is read and written per row in
    // bulk (imports, daily refresh), where Codable's reflection dominated the cost.
    init(row: Row) throws {
        id = try row.decode(forColumn: "id")
        elderId = try row.decode(forColumn: "elderId")
        at = try row.decode(forColumn: "at")
        date = try row.decode(forColumn: "date")
        visitorIds = try row.decode(forColumn: "visitorIds")
        method = try row.decode(forColumn: "method")
        seenInPerson = try row.decode(forColumn: "seenInPerson")
        answers = try row.decode(forColumn: "answers")
        copiedSections = try row.decode(forColumn: "copiedSections")
        createdAt = try row.decode(forColumn: "createdAt")
        updatedAt = try row.decode(forColumn: "updatedAt")
        createdBy = try row.decode(forColumn: "createdBy")
        updatedBy = try row.decode(forColumn: "updatedBy")
    }

    func encode(to container: inout PersistenceContainer) {
        container["id"] = id
        container["elderId"] = elderId
        container["at"] = at
        container["date"] = date
        container["visitorIds"] = visitorIds
        container["method"] = method
        container["seenInPerson"] = seenInPerson
        container["answers"] = answers
        container["copiedSections"] = copiedSections
        container["createdAt"] = createdAt
        container["updatedAt"] = updatedAt
        container["createdBy"] = createdBy
        container["updatedBy"] = updatedBy
    }
}
