import Foundation
import GRDB
import TanfangCore

/// A row of `specialPeriod`.
struct SpecialPeriodRecord: Codable, Hashable, Stamped {
    var id: String
    var name: String
    var kind: String
    var startDate: String
    var endDate: String
    var intervalDays: Int
    var categoryMask: Int
    var villageIds: String
    var createdAt = ""
    var updatedAt = ""
    var createdBy: String?
    var updatedBy: String?

    static let advancedAgeBit = 1 << 30

    init(_ period: SpecialPeriod) {
        id = period.id.uuidString
        name = period.name
        kind = period.kind.rawValue
        startDate = StoreCoding.text(period.from)
        endDate = StoreCoding.text(period.to)
        intervalDays = period.intervalDays
        // 高龄, derived rather than a category, takes a bit above every category's.
        categoryMask = Category.mask(period.categories) | (period.advancedAge ? Self.advancedAgeBit : 0)
        villageIds = StoreCoding.json(strings: period.villageIDs.map(\.uuidString).sorted())
    }

    func period() throws -> SpecialPeriod {
        let villages = try StoreCoding.strings(fromJSON: villageIds, column: "specialPeriod.villageIds")
        return SpecialPeriod(
            id: try StoreCoding.uuid(id, column: "specialPeriod.id"), name: name,
            kind: try StoreCoding.enumValue(SpecialPeriod.Kind.self, kind, column: "specialPeriod.kind"),
            from: try StoreCoding.date(startDate, column: "specialPeriod.startDate"),
            to: try StoreCoding.date(endDate, column: "specialPeriod.endDate"),
            intervalDays: intervalDays, categories: Category.from(mask: categoryMask),
            advancedAge: categoryMask & Self.advancedAgeBit != 0,
            villageIDs: Set(try villages.map { try StoreCoding.uuid($0, column: "specialPeriod.villageIds") }))
    }
}

// MARK: - Database

extension SpecialPeriodRecord: FetchableRecord, PersistableRecord {
    static let databaseTableName = "specialPeriod"
}
