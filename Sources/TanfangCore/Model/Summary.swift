import Foundation

/// Whether an elder's visit is due, derived from `ElderSummary.nextDue` and today.
public enum DueState: String, Codable, Sendable, CaseIterable, Comparable {
    /// Not on the active register (hospitalized, moved, deceased…): no visit is due.
    case inactive
    case ok
    /// Due within the next few days.
    case dueSoon
    case overdue

    var rank: Int {
        switch self {
        case .inactive: 0
        case .ok: 1
        case .dueSoon: 2
        case .overdue: 3
        }
    }

    public static func < (a: DueState, b: DueState) -> Bool { a.rank < b.rank }
}

/// A dated special period (cold wave, festival, epidemic…) that tightens the visit interval
/// for a set of elders. Empty `categories` or `villageIDs` means "all".
public struct SpecialPeriod: Hashable, Sendable, Codable, Identifiable {
    public enum Kind: String, Codable, Sendable, CaseIterable {
        case coldWave, heatWave, festival, epidemic, other
    }

    public var id: UUID
    public var name: String
    public var kind: Kind
    public var from: LocalDate
    public var to: LocalDate
    /// At most this many days between visits while the period lasts (1 = daily).
    public var intervalDays: Int
    public var categories: Set<Category>
    /// 高龄 elders too (80 or older when the period begins): 高龄 comes from the birth date, so it is
    /// no stored `Category`. With no categories and this false, the period covers everyone.
    public var advancedAge: Bool
    public var villageIDs: Set<UUID>

    public init(id: UUID = RecordID.make(), name: String, kind: Kind, from: LocalDate, to: LocalDate,
                intervalDays: Int, categories: Set<Category> = [], advancedAge: Bool = false, villageIDs: Set<UUID> = []) {
        self.id = id
        self.name = name
        self.kind = kind
        self.from = from
        self.to = to
        self.intervalDays = intervalDays
        self.categories = categories
        self.advancedAge = advancedAge
        self.villageIDs = villageIDs
    }

    /// Periods written before 高龄 could be named read as not naming it.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(id: try c.decode(UUID.self, forKey: .id), name: try c.decode(String.self, forKey: .name),
                  kind: try c.decode(Kind.self, forKey: .kind), from: try c.decode(LocalDate.self, forKey: .from),
                  to: try c.decode(LocalDate.self, forKey: .to), intervalDays: try c.decode(Int.self, forKey: .intervalDays),
                  categories: try c.decode(Set<Category>.self, forKey: .categories),
                  advancedAge: try c.decodeIfPresent(Bool.self, forKey: .advancedAge) ?? false,
                  villageIDs: try c.decode(Set<UUID>.self, forKey: .villageIDs))
    }

    public func covers(_ elder: Elder) -> Bool {
        let everyone = categories.isEmpty && !advancedAge
        let named = !categories.isDisjoint(with: elder.categories)
            || (advancedAge && (elder.age(on: from).map { $0 >= advancedAgeThreshold } ?? false))
        return (everyone || named) && (villageIDs.isEmpty || villageIDs.contains(elder.villageID))
    }

    /// In force on `day` for some village that `scope` sees.
    public func inForce(on day: LocalDate, within scope: AccessScope) -> Bool {
        guard from <= day && day <= to else { return false }
        guard let seen = scope.villageIDs, !villageIDs.isEmpty else { return true }
        return !villageIDs.isDisjoint(with: seen)
    }
}

/// What lists, due queues and red flags read about an elder, kept up to date at write time
/// (in the same transaction as the visit, follow-up or status change that alters it), so that
/// no list scans visit history.
public struct ElderSummary: Hashable, Sendable, Codable {
    public var elderID: UUID
    public var lastVisit: LocalDateTime?
    public var lastVisitMethod: VisitMethod?
    public var lastHomeVisit: LocalDate?
    public var visitCount: Int
    /// The date by which the next visit is due; nil when the elder is not active.
    public var nextDue: LocalDate?
    /// Set when the rules require a home visit (失能): the date by which one is due.
    public var homeVisitDue: LocalDate?
    public var risk: RiskAssessment
    public var openFollowUps: Int
    public var openHazards: Int
    public var earliestFollowUpDue: LocalDateTime?
    /// How many visits in a row, counting back from the latest, repeat the previous visit's
    /// five-section answers unchanged (0 when the latest differs or there is only one visit).
    public var identicalStreak: Int
    /// The latest visit recorded no problem in any section (no illness, difficulty, hazard or need).
    public var lastVisitAllClear: Bool
    /// When the summary was last computed; risk (age) and due states are refreshed daily.
    public var computedOn: LocalDate

    public init(elderID: UUID, lastVisit: LocalDateTime? = nil, lastVisitMethod: VisitMethod? = nil,
                lastHomeVisit: LocalDate? = nil, visitCount: Int = 0, nextDue: LocalDate? = nil,
                homeVisitDue: LocalDate? = nil, risk: RiskAssessment, openFollowUps: Int = 0,
                openHazards: Int = 0, earliestFollowUpDue: LocalDateTime? = nil,
                identicalStreak: Int = 0, lastVisitAllClear: Bool = false, computedOn: LocalDate) {
        self.elderID = elderID
        self.lastVisit = lastVisit
        self.lastVisitMethod = lastVisitMethod
        self.lastHomeVisit = lastHomeVisit
        self.visitCount = visitCount
        self.nextDue = nextDue
        self.homeVisitDue = homeVisitDue
        self.risk = risk
        self.openFollowUps = openFollowUps
        self.openHazards = openHazards
        self.earliestFollowUpDue = earliestFollowUpDue
        self.identicalStreak = identicalStreak
        self.lastVisitAllClear = lastVisitAllClear
        self.computedOn = computedOn
    }

    /// Days before `nextDue` from which a visit counts as due soon.
    public static let dueSoonDays = 7

    public func dueState(today: LocalDate) -> DueState {
        let due = [nextDue, homeVisitDue].compactMap { $0 }.min()
        guard let due else { return .inactive }
        if due < today { return .overdue }
        if today.days(to: due) < ElderSummary.dueSoonDays { return .dueSoon }
        return .ok
    }
}
