import Foundation
import GRDB
import TanfangCore

/// A row of `elder`: the elder, their derived `ElderSummary`, and search columns.
struct ElderRecord: Codable, Hashable, Stamped {
    var id: String
    var name: String
    var gender: String?
    var idNumber: String?
    var birthDate: String?
    var ethnicity: String?
    var phone: String?
    var address: String?
    var villageId: String
    var gridId: String?
    var categoryMask: Int
    var disabilityDegree: String?
    var livingArrangement: String?
    var supporters: String
    var emergencyContacts: String
    var visitorId: String?
    var wishes: String?
    var remote: Bool
    var riskOverrideLevel: String?
    var riskOverrideReason: String?
    var statusHistory: String
    var status: String
    var sources: String
    // ElderSummary
    var lastVisitAt: String?
    var lastVisitMethod: String?
    var lastHomeVisit: String?
    var visitCount: Int
    var nextDue: String?
    var homeVisitDue: String?
    var dueDate: String?
    var riskLevel: String
    var riskScore: Int
    var riskReasons: String
    var riskOverridden: Bool
    var openFollowUps: Int
    var openHazards: Int
    var earliestFollowUpDue: String?
    var identicalStreak: Int
    var lastVisitAllClear: Bool
    var computedOn: String
    // Search
    var pinyinInitials: String
    var pinyinFull: String
    var idTail: String?
    var phoneDigits: String?
    var createdAt = ""
    var updatedAt = ""
    var createdBy: String?
    var updatedBy: String?

    init(_ e: Elder, summary s: ElderSummary) {
        id = e.id.uuidString
        name = e.name
        gender = e.gender?.rawValue
        idNumber = e.idNumber
        birthDate = e.birthDate?.description
        ethnicity = e.ethnicity
        phone = e.phone
        address = e.address
        villageId = e.villageID.uuidString
        gridId = e.gridID?.uuidString
        categoryMask = Category.mask(e.categories)
        disabilityDegree = e.disabilityDegree?.rawValue
        livingArrangement = e.livingArrangement?.rawValue
        supporters = StoreCoding.json(e.supporters)
        emergencyContacts = StoreCoding.json(e.emergencyContacts)
        visitorId = e.visitorID?.uuidString
        wishes = e.wishes
        remote = e.remote
        riskOverrideLevel = e.riskOverride?.level.rawValue
        riskOverrideReason = e.riskOverride?.reason
        statusHistory = StoreCoding.json(e.statusHistory)
        status = e.status.rawValue
        sources = StoreCoding.json(e.sources.sorted())
        lastVisitAt = ""
        visitCount = 0
        riskLevel = ""
        riskScore = 0
        riskReasons = "[]"
        riskOverridden = false
        openFollowUps = 0
        openHazards = 0
        identicalStreak = 0
        lastVisitAllClear = false
        computedOn = ""
        pinyinInitials = Pinyin.initials(e.name)
        pinyinFull = Pinyin.full(e.name)
        idTail = e.idNumber.map { String($0.suffix(6)) }
        let digits = e.phone.map { String($0.filter { $0.isASCII && $0.isNumber }) }
        phoneDigits = (digits?.isEmpty ?? true) ? nil : digits
        apply(s)
    }

    /// Replaces the summary columns.
    mutating func apply(_ s: ElderSummary) {
        lastVisitAt = s.lastVisit?.description
        lastVisitMethod = s.lastVisitMethod?.rawValue
        lastHomeVisit = s.lastHomeVisit?.description
        visitCount = s.visitCount
        nextDue = s.nextDue?.description
        homeVisitDue = s.homeVisitDue?.description
        dueDate = [s.nextDue, s.homeVisitDue].compactMap { $0 }.min()?.description
        riskLevel = s.risk.level.rawValue
        riskScore = s.risk.score
        riskReasons = StoreCoding.json(s.risk.reasons)
        riskOverridden = s.risk.overridden
        openFollowUps = s.openFollowUps
        openHazards = s.openHazards
        earliestFollowUpDue = s.earliestFollowUpDue?.description
        identicalStreak = s.identicalStreak
        lastVisitAllClear = s.lastVisitAllClear
        computedOn = s.computedOn.description
    }

    func elder() throws -> Elder {
        var override: RiskOverride?
        if let riskOverrideLevel, let riskOverrideReason {
            override = RiskOverride(
                level: try StoreCoding.enumValue(RiskLevel.self, riskOverrideLevel, column: "elder.riskOverrideLevel"),
                reason: riskOverrideReason)
        }
        return Elder(
            id: try StoreCoding.uuid(id, column: "elder.id"), name: name,
            gender: try StoreCoding.enumValue(Gender.self, gender, column: "elder.gender"),
            idNumber: idNumber,
            birthDate: try StoreCoding.date(birthDate, column: "elder.birthDate"),
            ethnicity: ethnicity, phone: phone, address: address,
            villageID: try StoreCoding.uuid(villageId, column: "elder.villageId"),
            gridID: try StoreCoding.uuid(gridId, column: "elder.gridId"),
            categories: Category.from(mask: categoryMask),
            disabilityDegree: try StoreCoding.enumValue(DisabilityDegree.self, disabilityDegree,
                                                        column: "elder.disabilityDegree"),
            livingArrangement: try StoreCoding.enumValue(LivingArrangement.self, livingArrangement,
                                                         column: "elder.livingArrangement"),
            supporters: try StoreCoding.decode([Supporter].self, supporters, column: "elder.supporters"),
            emergencyContacts: try StoreCoding.decode([Contact].self, emergencyContacts,
                                                      column: "elder.emergencyContacts"),
            visitorID: try StoreCoding.uuid(visitorId, column: "elder.visitorId"),
            wishes: wishes, remote: remote, riskOverride: override,
            statusHistory: try StoreCoding.decode([StatusChange].self, statusHistory, column: "elder.statusHistory"),
            sources: Set(try StoreCoding.decode([String].self, sources, column: "elder.sources")))
    }

    func summary() throws -> ElderSummary {
        ElderSummary(
            elderID: try StoreCoding.uuid(id, column: "elder.id"),
            lastVisit: try StoreCoding.dateTime(lastVisitAt, column: "elder.lastVisitAt"),
            lastVisitMethod: try StoreCoding.enumValue(VisitMethod.self, lastVisitMethod, column: "elder.lastVisitMethod"),
            lastHomeVisit: try StoreCoding.date(lastHomeVisit, column: "elder.lastHomeVisit"),
            visitCount: visitCount,
            nextDue: try StoreCoding.date(nextDue, column: "elder.nextDue"),
            homeVisitDue: try StoreCoding.date(homeVisitDue, column: "elder.homeVisitDue"),
            risk: RiskAssessment(
                level: try StoreCoding.enumValue(RiskLevel.self, riskLevel, column: "elder.riskLevel"),
                score: riskScore,
                reasons: try StoreCoding.decode([String].self, riskReasons, column: "elder.riskReasons"),
                overridden: riskOverridden),
            openFollowUps: openFollowUps, openHazards: openHazards,
            earliestFollowUpDue: try StoreCoding.dateTime(earliestFollowUpDue, column: "elder.earliestFollowUpDue"),
            identicalStreak: identicalStreak, lastVisitAllClear: lastVisitAllClear,
            computedOn: try StoreCoding.date(computedOn, column: "elder.computedOn"))
    }
}

// MARK: - Database

extension ElderRecord: FetchableRecord, PersistableRecord {
    static let databaseTableName = "elder"
}
