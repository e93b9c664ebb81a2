import Foundation

/// The categories of DOMAIN.md §1. An elder may be in several at once.
/// `advancedAge` (高龄, 80+) is never stored: it is derived from the birth date, see `Elder.isAdvancedAge`.
public enum Category: String, Codable, Sendable, CaseIterable, Comparable {
    case livingAlone, emptyNest, leftBehind, disabled, severelyDisabled, familyPlanningSpecial, destitute

    /// Stable bit used for the `categoryMask` column, so that lists filter without parsing.
    public var bit: Int {
        switch self {
        case .livingAlone: 1
        case .emptyNest: 2
        case .leftBehind: 4
        case .disabled: 8
        case .severelyDisabled: 16
        case .familyPlanningSpecial: 32
        case .destitute: 64
        }
    }

    public static func mask(_ set: Set<Category>) -> Int { set.reduce(0) { $0 | $1.bit } }
    public static func from(mask: Int) -> Set<Category> { Set(allCases.filter { mask & $0.bit != 0 }) }

    public static func < (a: Category, b: Category) -> Bool { a.bit < b.bit }
}

/// The age from which an elder counts as 高龄.
public let advancedAgeThreshold = 80

/// 失能 degree.
public enum DisabilityDegree: String, Codable, Sendable, CaseIterable {
    case mild, moderate, severe
}

public enum Gender: String, Codable, Sendable, CaseIterable {
    case male, female
}

/// Status (状态). Only `active` elders are in the visit-rate denominator.
public enum ElderStatus: String, Codable, Sendable, CaseIterable {
    case active, hospitalized, institution, movedAway, deceased
}

public enum LivingArrangement: String, Codable, Sendable, CaseIterable {
    case alone, withSpouse, withChildren, withOthers
}

/// A person obliged to support the elder (赡养人/扶养人).
public struct Supporter: Hashable, Sendable, Codable {
    public var name: String
    public var relation: String
    public var phone: String?
    /// Where they live, e.g. "乌鲁木齐市" — matters for how often they can visit.
    public var residence: String?

    public init(name: String, relation: String, phone: String? = nil, residence: String? = nil) {
        self.name = name
        self.relation = relation
        self.phone = phone
        self.residence = residence
    }
}

/// An emergency contact (紧急联系人).
public struct Contact: Hashable, Sendable, Codable {
    public var name: String
    public var relation: String
    public var phone: String

    public init(name: String, relation: String, phone: String) {
        self.name = name
        self.relation = relation
        self.phone = phone
    }
}

/// One dated entry of the status history. Nothing is deleted: a change appends.
public struct StatusChange: Hashable, Sendable, Codable {
    public var date: LocalDate
    public var status: ElderStatus
    public var note: String?

    public init(date: LocalDate, status: ElderStatus, note: String? = nil) {
        self.date = date
        self.status = status
        self.note = note
    }
}

/// A manual risk level that replaces the computed one; a reason is required.
public struct RiskOverride: Hashable, Sendable, Codable {
    public var level: RiskLevel
    public var reason: String

    public init(level: RiskLevel, reason: String) {
        self.level = level
        self.reason = reason
    }
}

/// An elder on the ledger (探访对象).
public struct Elder: Hashable, Sendable, Codable, Identifiable {
    public var id: UUID
    public var name: String
    public var gender: Gender?
    /// Normalized 18-character ID number, or nil when missing. See `IDNumber`.
    public var idNumber: String?
    public var birthDate: LocalDate?
    public var ethnicity: String?
    public var phone: String?
    public var address: String?
    public var villageID: UUID
    public var gridID: UUID?
    public var categories: Set<Category>
    public var disabilityDegree: DisabilityDegree?
    public var livingArrangement: LivingArrangement?
    public var supporters: [Supporter]
    public var emergencyContacts: [Contact]
    /// The fixed responsible visitor (结对帮扶责任人).
    public var visitorID: UUID?
    /// The elder's and family's wishes (意愿).
    public var wishes: String?
    /// Free-text remarks (备注), as the roster's 备注 column or the clerk writes them.
    public var remarks: String?
    /// Lives in a scattered remote place (偏散远): a priority for visits.
    public var remote: Bool
    public var riskOverride: RiskOverride?
    /// Oldest first. The current status is the last entry; an elder always has at least one.
    public var statusHistory: [StatusChange]
    /// Lists the elder arrived from (卫健, 残联, 村委会摸底…).
    public var sources: Set<String>

    public init(
        id: UUID = RecordID.make(), name: String, gender: Gender? = nil, idNumber: String? = nil,
        birthDate: LocalDate? = nil, ethnicity: String? = nil, phone: String? = nil,
        address: String? = nil, villageID: UUID, gridID: UUID? = nil,
        categories: Set<Category> = [], disabilityDegree: DisabilityDegree? = nil,
        livingArrangement: LivingArrangement? = nil, supporters: [Supporter] = [],
        emergencyContacts: [Contact] = [], visitorID: UUID? = nil, wishes: String? = nil,
        remarks: String? = nil, remote: Bool = false, riskOverride: RiskOverride? = nil,
        statusHistory: [StatusChange], sources: Set<String> = []
    ) {
        self.id = id
        self.name = name
        self.gender = gender
        self.idNumber = idNumber
        self.birthDate = birthDate
        self.ethnicity = ethnicity
        self.phone = phone
        self.address = address
        self.villageID = villageID
        self.gridID = gridID
        self.categories = categories
        self.disabilityDegree = disabilityDegree
        self.livingArrangement = livingArrangement
        self.supporters = supporters
        self.emergencyContacts = emergencyContacts
        self.visitorID = visitorID
        self.wishes = wishes
        self.remarks = remarks
        self.remote = remote
        self.riskOverride = riskOverride
        self.statusHistory = statusHistory
        self.sources = sources
    }

    public var status: ElderStatus { statusHistory.last?.status ?? .active }

    public func age(on date: LocalDate) -> Int? { birthDate.map { $0.age(on: date) } }

    /// 高龄: derived from the birth date, never typed.
    public func isAdvancedAge(on date: LocalDate) -> Bool {
        (age(on: date) ?? 0) >= advancedAgeThreshold
    }

    /// The status in force on `date`; before the first entry the elder was not on the ledger (nil).
    public func status(on date: LocalDate) -> ElderStatus? {
        var current: ElderStatus?
        for change in statusHistory where change.date <= date { current = change.status }
        return current
    }

    /// Whether the elder was `active` on at least one day of `month`.
    public func wasActive(during month: YearMonth) -> Bool {
        if status(on: month.firstDay) == .active { return true }
        return statusHistory.contains { month.contains($0.date) && $0.status == .active }
    }

    /// The active days of `month` as closed ranges, from the status history.
    public func activeRanges(in month: YearMonth) -> [ClosedRange<LocalDate>] {
        var ranges: [ClosedRange<LocalDate>] = []
        var start: LocalDate? = status(on: month.firstDay) == .active ? month.firstDay : nil
        for change in statusHistory where month.contains(change.date) && change.date > month.firstDay {
            if change.status == .active {
                if start == nil { start = change.date }
            } else if let s = start {
                ranges.append(s...change.date.adding(days: -1))
                start = nil
            }
        }
        if let s = start { ranges.append(s...month.lastDay) }
        return ranges
    }
}
