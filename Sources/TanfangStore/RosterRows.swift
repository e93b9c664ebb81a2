import Foundation
import GRDB
import TanfangCore

/// Reading roster rows at either `RosterRowDetail`, for the index's pages and the SQL query alike
/// (so that the two answer the same rows).
enum RosterRows {
    /// The select list of a page query over `elder e JOIN place p`.
    static func columns(_ detail: RosterRowDetail) -> String {
        switch detail {
        case .full: return "e.*, p.name AS villageName"
        // By position: see `listing(_:)`.
        case .listing:
            return """
                e.id, e.name, e.gender, e.idNumber, e.birthDate, e.phone, e.villageId, e.categoryMask, e.visitorId,
                e.status, e.statusFrom, e.computedOn, e.lastVisitAt, e.lastVisitMethod, e.nextDue, e.homeVisitDue,
                e.riskLevel, e.riskScore, e.riskOverridden, p.name AS villageName
                """
        }
    }

    static func row(_ row: Row, _ detail: RosterRowDetail) throws -> RosterRow {
        switch detail {
        case .full:
            let record = try ElderRecord(row: row)
            return RosterRow(elder: try record.elder(), summary: try record.summary(), villageName: row["villageName"])
        case .listing:
            return try listing(row)
        }
    }

    /// A `.listing` row from the columns of `columns(.listing)`, read by position.
    private static func listing(_ row: Row) throws -> RosterRow {
        let id = try StoreCoding.uuid(row[0] as String, column: "elder.id")
        let status = try StoreCoding.enumValue(ElderStatus.self, row[9] as String, column: "elder.status")
        let computedOn = try StoreCoding.date(row[11] as String, column: "elder.computedOn")
        let statusFrom = try StoreCoding.date(row[10] as String?, column: "elder.statusFrom") ?? computedOn
        let elder = Elder(
            id: id, name: row[1],
            gender: try StoreCoding.enumValue(Gender.self, row[2] as String?, column: "elder.gender"),
            idNumber: row[3],
            birthDate: try StoreCoding.date(row[4] as String?, column: "elder.birthDate"),
            phone: row[5],
            villageID: try StoreCoding.uuid(row[6] as String, column: "elder.villageId"),
            categories: Category.from(mask: row[7]),
            visitorID: try StoreCoding.uuid(row[8] as String?, column: "elder.visitorId"),
            statusHistory: [StatusChange(date: statusFrom, status: status)])
        let summary = ElderSummary(
            elderID: id,
            lastVisit: try StoreCoding.dateTime(row[12] as String?, column: "elder.lastVisitAt"),
            lastVisitMethod: try StoreCoding.enumValue(VisitMethod.self, row[13] as String?, column: "elder.lastVisitMethod"),
            nextDue: try StoreCoding.date(row[14] as String?, column: "elder.nextDue"),
            homeVisitDue: try StoreCoding.date(row[15] as String?, column: "elder.homeVisitDue"),
            risk: RiskAssessment(level: try StoreCoding.enumValue(RiskLevel.self, row[16] as String, column: "elder.riskLevel"),
                                 score: row[17], reasons: [], overridden: row[18]),
            computedOn: computedOn)
        return RosterRow(elder: elder, summary: summary, villageName: row[19])
    }

    /// What a full row keeps in a `.listing` row: the tests compare the two paths with it.
    static func listing(of row: RosterRow) -> RosterRow {
        let e = row.elder, s = row.summary
        let elder = Elder(id: e.id, name: e.name, gender: e.gender, idNumber: e.idNumber, birthDate: e.birthDate,
                          phone: e.phone, villageID: e.villageID, categories: e.categories, visitorID: e.visitorID,
                          statusHistory: [StatusChange(date: e.statusHistory.last?.date ?? s.computedOn, status: e.status)])
        let summary = ElderSummary(elderID: s.elderID, lastVisit: s.lastVisit, lastVisitMethod: s.lastVisitMethod,
                                   nextDue: s.nextDue, homeVisitDue: s.homeVisitDue,
                                   risk: RiskAssessment(level: s.risk.level, score: s.risk.score, reasons: [],
                                                        overridden: s.risk.overridden),
                                   computedOn: s.computedOn)
        return RosterRow(elder: elder, summary: summary, villageName: row.villageName)
    }
}
