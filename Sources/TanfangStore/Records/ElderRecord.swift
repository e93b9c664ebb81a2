import Foundation
import GRDB
import TanfangCore

/// A row of `elder`: the elder, their derived `ElderSummary`, and search columns.
struct ElderRecord: Hashable, Stamped {
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
    var remarks: String?
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
    // Red flags and monthly report (migration v2-flags), see ElderRecord+Flags.swift.
    var flagFrom: String?
    var flagUntil: String?
    var idValidFrom: String?
    var dupKey: String?
    var statusFrom: String?
    var activeFrom: String?
    var activeTo: String?
    var activeSpans = 0
    var activeSpanList: String?
    var createdAt = ""
    var updatedAt = ""
    var createdBy: String?
    var updatedBy: String?

    /// `flagRules` derive the red-flag columns; the standard ones unless the caller has the ledger's.
    init(_ e: Elder, summary s: ElderSummary, flagRules: RedFlagRules = .standard) {
        // Identifiers and JSON columns written by hand, as uuidString and JSONEncoder write them:
        // those took most of building a row, which an import does for every elder (tests compare).
        id = DemoUUIDText.text(e.id)
        name = e.name
        gender = e.gender?.rawValue
        idNumber = e.idNumber
        birthDate = StoreCoding.text(e.birthDate)
        ethnicity = e.ethnicity
        phone = e.phone
        address = e.address
        villageId = DemoUUIDText.text(e.villageID)
        gridId = DemoUUIDText.text(e.gridID)
        categoryMask = Category.mask(e.categories)
        disabilityDegree = e.disabilityDegree?.rawValue
        livingArrangement = e.livingArrangement?.rawValue
        supporters = ElderJSON.supporters(e.supporters)
        emergencyContacts = ElderJSON.contacts(e.emergencyContacts)
        visitorId = DemoUUIDText.text(e.visitorID)
        wishes = e.wishes
        remarks = e.remarks
        remote = e.remote
        riskOverrideLevel = e.riskOverride?.level.rawValue
        riskOverrideReason = e.riskOverride?.reason
        statusHistory = ElderJSON.statusHistory(e.statusHistory)
        status = e.status.rawValue
        sources = StoreCoding.json(strings: e.sources.sorted())
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
        (pinyinInitials, pinyinFull) = Pinyin.searchKeys(e.name)
        idTail = e.idNumber.map { String($0.suffix(6)) }
        let digits = e.phone.map { String($0.filter { $0.isASCII && $0.isNumber }) }
        phoneDigits = (digits?.isEmpty ?? true) ? nil : digits
        apply(s)
        applyFlags(e, s, rules: flagRules)
    }

    /// The columns `apply(_:)` sets, for updates that write only the summary.
    static let summaryColumns = [
        "lastVisitAt", "lastVisitMethod", "lastHomeVisit", "visitCount", "nextDue", "homeVisitDue", "dueDate",
        "riskLevel", "riskScore", "riskReasons", "riskOverridden", "openFollowUps", "openHazards",
        "earliestFollowUpDue", "identicalStreak", "lastVisitAllClear", "computedOn",
    ]

    /// Replaces the summary columns.
    mutating func apply(_ s: ElderSummary) {
        lastVisitAt = StoreCoding.text(s.lastVisit)
        lastVisitMethod = s.lastVisitMethod?.rawValue
        lastHomeVisit = StoreCoding.text(s.lastHomeVisit)
        visitCount = s.visitCount
        nextDue = StoreCoding.text(s.nextDue)
        homeVisitDue = StoreCoding.text(s.homeVisitDue)
        dueDate = [s.nextDue, s.homeVisitDue].compactMap { $0 }.min().map { StoreCoding.text($0) }
        riskLevel = s.risk.level.rawValue
        riskScore = s.risk.score
        riskReasons = StoreCoding.json(strings: s.risk.reasons)
        riskOverridden = s.risk.overridden
        openFollowUps = s.openFollowUps
        openHazards = s.openHazards
        earliestFollowUpDue = StoreCoding.text(s.earliestFollowUpDue)
        identicalStreak = s.identicalStreak
        lastVisitAllClear = s.lastVisitAllClear
        computedOn = StoreCoding.text(s.computedOn)
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
            supporters: try decodeSupporters(),
            emergencyContacts: try decodeContacts(),
            visitorID: try StoreCoding.uuid(visitorId, column: "elder.visitorId"),
            wishes: wishes, remarks: remarks, remote: remote, riskOverride: override,
            statusHistory: try decodeStatusHistory(),
            sources: Set(try StoreCoding.strings(fromJSON: sources, column: "elder.sources")))
    }

    // The JSON columns are read by hand: lists and red flags load every elder, and JSONDecoder
    // was most of that cost. The text stays what JSONEncoder wrote (and accepts hand edits).
    private func decodeStatusHistory() throws -> [StatusChange] {
        let column = "elder.statusHistory"
        return try StoreCoding.objects(fromJSON: statusHistory, column: column).map { o in
            StatusChange(date: try StoreCoding.date(StoreCoding.requiredString(o, "date", column: column), column: column),
                         status: try StoreCoding.enumValue(ElderStatus.self, StoreCoding.requiredString(o, "status", column: column),
                                                           column: column),
                         note: try StoreCoding.string(o, "note", column: column))
        }
    }

    private func decodeSupporters() throws -> [Supporter] {
        let column = "elder.supporters"
        return try StoreCoding.objects(fromJSON: supporters, column: column).map { o in
            Supporter(name: try StoreCoding.requiredString(o, "name", column: column),
                      relation: try StoreCoding.requiredString(o, "relation", column: column),
                      phone: try StoreCoding.string(o, "phone", column: column),
                      residence: try StoreCoding.string(o, "residence", column: column))
        }
    }

    private func decodeContacts() throws -> [Contact] {
        let column = "elder.emergencyContacts"
        return try StoreCoding.objects(fromJSON: emergencyContacts, column: column).map { o in
            Contact(name: try StoreCoding.requiredString(o, "name", column: column),
                    relation: try StoreCoding.requiredString(o, "relation", column: column),
                    phone: try StoreCoding.requiredString(o, "phone", column: column))
        }
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
                reasons: try StoreCoding.strings(fromJSON: riskReasons, column: "elder.riskReasons"),
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

    // Written out rather than derived from Codable: this table is read and written per row in
    // bulk (imports, daily refresh), where Codable's reflection dominated the cost.
    init(row: Row) throws {
        id = try row.decode(forColumn: "id")
        name = try row.decode(forColumn: "name")
        gender = try row.decode(forColumn: "gender")
        idNumber = try row.decode(forColumn: "idNumber")
        birthDate = try row.decode(forColumn: "birthDate")
        ethnicity = try row.decode(forColumn: "ethnicity")
        phone = try row.decode(forColumn: "phone")
        address = try row.decode(forColumn: "address")
        villageId = try row.decode(forColumn: "villageId")
        gridId = try row.decode(forColumn: "gridId")
        categoryMask = try row.decode(forColumn: "categoryMask")
        disabilityDegree = try row.decode(forColumn: "disabilityDegree")
        livingArrangement = try row.decode(forColumn: "livingArrangement")
        supporters = try row.decode(forColumn: "supporters")
        emergencyContacts = try row.decode(forColumn: "emergencyContacts")
        visitorId = try row.decode(forColumn: "visitorId")
        wishes = try row.decode(forColumn: "wishes")
        remarks = try row.decode(forColumn: "remarks")
        remote = try row.decode(forColumn: "remote")
        riskOverrideLevel = try row.decode(forColumn: "riskOverrideLevel")
        riskOverrideReason = try row.decode(forColumn: "riskOverrideReason")
        statusHistory = try row.decode(forColumn: "statusHistory")
        status = try row.decode(forColumn: "status")
        sources = try row.decode(forColumn: "sources")
        lastVisitAt = try row.decode(forColumn: "lastVisitAt")
        lastVisitMethod = try row.decode(forColumn: "lastVisitMethod")
        lastHomeVisit = try row.decode(forColumn: "lastHomeVisit")
        visitCount = try row.decode(forColumn: "visitCount")
        nextDue = try row.decode(forColumn: "nextDue")
        homeVisitDue = try row.decode(forColumn: "homeVisitDue")
        dueDate = try row.decode(forColumn: "dueDate")
        riskLevel = try row.decode(forColumn: "riskLevel")
        riskScore = try row.decode(forColumn: "riskScore")
        riskReasons = try row.decode(forColumn: "riskReasons")
        riskOverridden = try row.decode(forColumn: "riskOverridden")
        openFollowUps = try row.decode(forColumn: "openFollowUps")
        openHazards = try row.decode(forColumn: "openHazards")
        earliestFollowUpDue = try row.decode(forColumn: "earliestFollowUpDue")
        identicalStreak = try row.decode(forColumn: "identicalStreak")
        lastVisitAllClear = try row.decode(forColumn: "lastVisitAllClear")
        computedOn = try row.decode(forColumn: "computedOn")
        pinyinInitials = try row.decode(forColumn: "pinyinInitials")
        pinyinFull = try row.decode(forColumn: "pinyinFull")
        idTail = try row.decode(forColumn: "idTail")
        phoneDigits = try row.decode(forColumn: "phoneDigits")
        try decodeFlags(row)
        createdAt = try row.decode(forColumn: "createdAt")
        updatedAt = try row.decode(forColumn: "updatedAt")
        createdBy = try row.decode(forColumn: "createdBy")
        updatedBy = try row.decode(forColumn: "updatedBy")
    }

    func encode(to container: inout PersistenceContainer) {
        container["id"] = id
        container["name"] = name
        container["gender"] = gender
        container["idNumber"] = idNumber
        container["birthDate"] = birthDate
        container["ethnicity"] = ethnicity
        container["phone"] = phone
        container["address"] = address
        container["villageId"] = villageId
        container["gridId"] = gridId
        container["categoryMask"] = categoryMask
        container["disabilityDegree"] = disabilityDegree
        container["livingArrangement"] = livingArrangement
        container["supporters"] = supporters
        container["emergencyContacts"] = emergencyContacts
        container["visitorId"] = visitorId
        container["wishes"] = wishes
        container["remarks"] = remarks
        container["remote"] = remote
        container["riskOverrideLevel"] = riskOverrideLevel
        container["riskOverrideReason"] = riskOverrideReason
        container["statusHistory"] = statusHistory
        container["status"] = status
        container["sources"] = sources
        container["lastVisitAt"] = lastVisitAt
        container["lastVisitMethod"] = lastVisitMethod
        container["lastHomeVisit"] = lastHomeVisit
        container["visitCount"] = visitCount
        container["nextDue"] = nextDue
        container["homeVisitDue"] = homeVisitDue
        container["dueDate"] = dueDate
        container["riskLevel"] = riskLevel
        container["riskScore"] = riskScore
        container["riskReasons"] = riskReasons
        container["riskOverridden"] = riskOverridden
        container["openFollowUps"] = openFollowUps
        container["openHazards"] = openHazards
        container["earliestFollowUpDue"] = earliestFollowUpDue
        container["identicalStreak"] = identicalStreak
        container["lastVisitAllClear"] = lastVisitAllClear
        container["computedOn"] = computedOn
        container["pinyinInitials"] = pinyinInitials
        container["pinyinFull"] = pinyinFull
        container["idTail"] = idTail
        container["phoneDigits"] = phoneDigits
        encodeFlags(to: &container)
        container["createdAt"] = createdAt
        container["updatedAt"] = updatedAt
        container["createdBy"] = createdBy
        container["updatedBy"] = updatedBy
    }
}
