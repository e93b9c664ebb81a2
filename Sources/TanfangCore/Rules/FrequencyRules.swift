import Foundation

/// How long may pass between two visits (探访频次), as written in `Resources/rules/frequency.json`:
/// `"calendarMonth"` or `{"days": 15}`.
public enum VisitInterval: Hashable, Sendable, Codable {
    /// At least once in every calendar month: a visit in month M is next due by the last day of M+1.
    case calendarMonth
    /// At most this many days between visits.
    case days(Int)

    /// The date by which the next visit is due after a visit on `last`.
    public func due(after last: LocalDate) -> LocalDate {
        switch self {
        case .calendarMonth: last.yearMonth.adding(months: 1).lastDay
        case .days(let n): last.adding(days: n)
        }
    }

    /// The date by which the first visit is due for an elder (re)joining the register on `activation`.
    public func firstDue(activation: LocalDate) -> LocalDate {
        switch self {
        case .calendarMonth: activation.yearMonth.lastDay
        case .days(let n): activation.adding(days: n)
        }
    }

    enum CodingKeys: String, CodingKey { case days }

    public init(from decoder: Decoder) throws {
        if let text = try? decoder.singleValueContainer().decode(String.self) {
            guard text == "calendarMonth" else {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                        debugDescription: "unknown interval \"\(text)\""))
            }
            self = .calendarMonth
            return
        }
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let n = try c.decode(Int.self, forKey: .days)
        guard n >= 1 else {
            throw DecodingError.dataCorruptedError(forKey: .days, in: c,
                                                   debugDescription: "interval must be at least 1 day, got \(n)")
        }
        self = .days(n)
    }

    public func encode(to encoder: Encoder) throws {
        switch self {
        case .calendarMonth:
            var c = encoder.singleValueContainer()
            try c.encode("calendarMonth")
        case .days(let n):
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(n, forKey: .days)
        }
    }
}

/// One line of the frequency table: which elders it applies to and how often they are visited.
public struct FrequencyRule: Hashable, Sendable, Codable {
    /// The rule applies to an elder in any of these categories; empty means every elder.
    public var categories: Set<Category>
    /// The rule applies only at this risk level or above; nil means any level.
    public var minimumRisk: RiskLevel?
    public var interval: VisitInterval
    /// Whether the interval must be met by a home visit (上门入户), as for 失能 elders.
    public var homeVisitRequired: Bool

    public init(categories: Set<Category> = [], minimumRisk: RiskLevel? = nil,
                interval: VisitInterval, homeVisitRequired: Bool = false) {
        self.categories = categories
        self.minimumRisk = minimumRisk
        self.interval = interval
        self.homeVisitRequired = homeVisitRequired
    }

    enum CodingKeys: String, CodingKey { case categories, minimumRisk, interval, homeVisitRequired }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        categories = try c.decodeIfPresent(Set<Category>.self, forKey: .categories) ?? []
        minimumRisk = try c.decodeIfPresent(RiskLevel.self, forKey: .minimumRisk)
        interval = try c.decode(VisitInterval.self, forKey: .interval)
        homeVisitRequired = try c.decodeIfPresent(Bool.self, forKey: .homeVisitRequired) ?? false
    }

    public func applies(to elder: Elder, risk: RiskLevel) -> Bool {
        (categories.isEmpty || !categories.isDisjoint(with: elder.categories))
            && (minimumRisk.map { risk >= $0 } ?? true)
    }
}

/// The visit-frequency rules (DOMAIN.md §4), kept as data in `Resources/rules/frequency.json`.
///
/// Semantics of `nextDue`:
/// - Only an elder whose status on `today` is active has a due date; otherwise both dates are nil.
/// - The anchor is the last visit; a visit before the elder most recently became active (e.g. before a
///   hospital stay) does not count, so a rejoining elder is due as if never visited.
/// - `calendarMonth`: a visit in month M is next due on the last day of M+1; never visited: the last
///   day of the month in which the elder became active. `days(N)`: last visit + N; never visited:
///   activation date + N.
/// - Every applicable rule is evaluated and the strictest (earliest date) wins; `default` is used
///   only when no rule applies.
/// - Rules with `homeVisitRequired` also give `homeVisit`, computed the same way from the last
///   home visit; it is nil when no applicable rule requires a home visit.
/// - Special periods that cover the elder and have not ended by `today` tighten `visit`: each gives
///   the candidate max(anchor + intervalDays, period.from), counted only if it is not after
///   period.to; the due date is the earliest of these candidates and the normal due date.
public struct FrequencyRules: Sendable {
    public static let file = "rules/frequency.json"

    /// The interval for elders no rule applies to.
    public var `default`: VisitInterval
    public var rules: [FrequencyRule]

    public init(default: VisitInterval, rules: [FrequencyRule]) {
        self.default = `default`
        self.rules = rules
    }

    private struct FileFormat: Codable {
        var `default`: VisitInterval
        var rules: [FrequencyRule]
    }

    /// Reads `<resources>/rules/frequency.json`; bad data throws a `ResourceError` naming the file.
    public static func load(resources: URL) throws -> FrequencyRules {
        let f = try ResourceLocator.decode(FileFormat.self, at: file, in: resources).value
        return FrequencyRules(default: f.default, rules: f.rules)
    }

    /// The rules that apply to `elder` at `risk`; `[default]` when none does.
    public func applicableRules(for elder: Elder, risk: RiskLevel) -> [FrequencyRule] {
        let matching = rules.filter { $0.applies(to: elder, risk: risk) }
        return matching.isEmpty ? [FrequencyRule(interval: self.default)] : matching
    }

    /// The date the elder most recently became active, if active on `today`.
    public static func activationDate(of elder: Elder, today: LocalDate) -> LocalDate? {
        let history = elder.statusHistory.filter { $0.date <= today }
        guard let last = history.last, last.status == .active else { return nil }
        var start = last.date
        for change in history.reversed() {
            guard change.status == .active else { break }
            start = change.date
        }
        return start
    }

    /// When the next visit (and, where required, the next home visit) is due. See the type's
    /// documentation for the exact semantics.
    public func nextDue(for elder: Elder, risk: RiskLevel, lastVisit: LocalDate?, lastHomeVisit: LocalDate?,
                        periods: [SpecialPeriod], today: LocalDate) -> (visit: LocalDate?, homeVisit: LocalDate?) {
        guard let activation = FrequencyRules.activationDate(of: elder, today: today) else { return (nil, nil) }
        // Visits before the current active run belong to an earlier stay on the register.
        let visitAnchor = lastVisit.flatMap { $0 >= activation ? $0 : nil }
        let homeAnchor = lastHomeVisit.flatMap { $0 >= activation ? $0 : nil }

        func due(_ interval: VisitInterval, after anchor: LocalDate?) -> LocalDate {
            anchor.map(interval.due(after:)) ?? interval.firstDue(activation: activation)
        }

        let applicable = applicableRules(for: elder, risk: risk)
        var visit = applicable.map { due($0.interval, after: visitAnchor) }.min()!
        let homeVisit = applicable.filter(\.homeVisitRequired).map { due($0.interval, after: homeAnchor) }.min()

        let base = visitAnchor ?? activation
        for period in periods where period.covers(elder) && period.to >= today {
            let candidate = max(base.adding(days: period.intervalDays), period.from)
            if candidate <= period.to { visit = min(visit, candidate) }
        }
        return (visit, homeVisit)
    }
}
