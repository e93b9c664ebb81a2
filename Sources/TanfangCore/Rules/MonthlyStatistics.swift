import Foundation

/// The part of a visit the monthly statistics need: who, which local day, and how.
public struct VisitFact: Hashable, Sendable, Codable {
    public var elderID: UUID
    /// The local calendar day of the visit: a visit at 23:30 on the 31st belongs to the 31st.
    public var date: LocalDate
    public var method: VisitMethod

    public init(elderID: UUID, date: LocalDate, method: VisitMethod) {
        self.elderID = elderID
        self.date = date
        self.method = method
    }

    public init(_ visit: Visit) {
        self.init(elderID: visit.elderID, date: visit.date, method: visit.method)
    }
}

/// A visit rate: how many counted elders were visited.
///
/// `rate` is `visited / denominator`; with a denominator of 0 it is 1.0 (nobody was owed a visit,
/// so nobody was missed, and an empty village never shows as under target).
public struct VisitRate: Hashable, Sendable, Codable {
    public var denominator: Int
    public var visited: Int
    public var rate: Double

    public init(denominator: Int, visited: Int) {
        self.denominator = denominator
        self.visited = visited
        self.rate = denominator == 0 ? 1.0 : Double(visited) / Double(denominator)
    }

    /// Elders in the denominator who were not visited.
    public var missed: Int { denominator - visited }
}

/// Visited of owed, with its rate (1.0 when nobody was owed a visit, so that such a village is never
/// under target).
public protocol RateFigures {
    var denominator: Int { get }
    var visited: Int { get }
    var rate: Double { get }
}

extension RateFigures {
    /// The rate as screens, files and JSON show it: none for 0 of 0, where "100%" would mislead.
    public var shownRate: Double? { denominator == 0 ? nil : rate }
}

extension VisitRate: RateFigures {}
extension VillageRate: RateFigures {}
extension CategoryRate: RateFigures {}

/// The month's visit rate of one village (same denominator rule as `MonthlyStatistics`).
public struct VillageRate: Hashable, Sendable, Codable {
    public var villageID: UUID
    public var denominator: Int
    public var visited: Int
    /// 1.0 when `denominator` is 0, see `VisitRate`.
    public var rate: Double

    public init(villageID: UUID, denominator: Int, visited: Int) {
        let r = VisitRate(denominator: denominator, visited: visited)
        self.villageID = villageID
        self.denominator = r.denominator
        self.visited = r.visited
        self.rate = r.rate
    }
}

/// The month's visit rate of one category. `category` is a `Category` raw value or `"advancedAge"`.
public struct CategoryRate: Hashable, Sendable, Codable {
    /// The code used for 高龄, which is derived from the birth date rather than stored.
    public static let advancedAge = "advancedAge"

    public var category: String
    public var denominator: Int
    public var visited: Int
    /// 1.0 when `denominator` is 0, see `VisitRate`.
    public var rate: Double

    public init(category: String, denominator: Int, visited: Int) {
        let r = VisitRate(denominator: denominator, visited: visited)
        self.category = category
        self.denominator = r.denominator
        self.visited = r.visited
        self.rate = r.rate
    }
}

/// Visits in the month by one method, and how many distinct elders they reached.
public struct MethodCount: Hashable, Sendable, Codable {
    public var method: VisitMethod
    public var visits: Int
    public var elders: Int

    public init(method: VisitMethod, visits: Int, elders: Int) {
        self.method = method
        self.visits = visits
        self.elders = elders
    }
}

/// Follow-ups opened and closed in the month, and how fast they were closed.
public struct FollowUpStats: Hashable, Sendable, Codable {
    /// Opened (`openedAt`) during the month.
    public var opened: Int
    /// Done (办结: closed with what was done, dated in the month).
    public var closed: Int
    /// Cancelled in the month (with a reason): an answer, but not done, so neither in `closed`,
    /// its median, nor `openPastDue`.
    public var cancelled: Int
    /// Open at the end of the month with a due date in or before the month (for the current month:
    /// still open now and due before now), whenever they were opened and however they were closed
    /// later, or done in the month after their due date. A past month's figure does not change.
    public var openPastDue: Int
    /// Median hours from opening to closing over the follow-ups done in the month; nil when none.
    public var medianHoursToClose: Double?

    public init(opened: Int, closed: Int, cancelled: Int = 0, openPastDue: Int, medianHoursToClose: Double?) {
        self.opened = opened
        self.closed = closed
        self.cancelled = cancelled
        self.openPastDue = openPastDue
        self.medianHoursToClose = medianHoursToClose
    }
}

/// The monthly report sent up to the township and county (DOMAIN.md §8).
public struct MonthlyReport: Hashable, Sendable, Codable {
    public var month: YearMonth
    public var total: VisitRate
    /// In order of each village's first appearance in the `elders` input.
    public var villages: [VillageRate]
    /// One row per `Category` in declaration order, then `advancedAge`; rows with a denominator of 0 included.
    public var byCategory: [CategoryRate]
    /// One row per `VisitMethod` in declaration order.
    public var byMethod: [MethodCount]
    /// Elders in the denominator who were not visited, in the order of the `elders` input.
    public var notVisited: [UUID]
    public var followUps: FollowUpStats

    public init(month: YearMonth, total: VisitRate, villages: [VillageRate], byCategory: [CategoryRate],
                byMethod: [MethodCount], notVisited: [UUID], followUps: FollowUpStats) {
        self.month = month
        self.total = total
        self.villages = villages
        self.byCategory = byCategory
        self.byMethod = byMethod
        self.notVisited = notVisited
        self.followUps = followUps
    }
}

/// Monthly visit rates and follow-up figures (DOMAIN.md §4 and §8).
///
/// Denominator: an elder counts for the month when they were active (from the status history)
/// on at least one day of it AND either were still active on its last day or were visited on
/// one of their active days. So an elder who died, moved away, entered an institution or went
/// into hospital during the month and had not been visited while active is not counted (they
/// left before the month's visit was owed); an elder who joined mid-month is counted; an elder
/// inactive the whole month is not.
///
/// Numerator: elders in the denominator with a visit on a day they were active (visits while
/// hospitalised do not count). Dates are local days, so a visit at 23:30 on the last day
/// belongs to this month. Visits outside the month and visits or follow-ups of elders not in
/// `elders` (outside the caller's scope) are ignored.
///
/// Categories: an elder counts in each of their categories; 高龄 is judged on the month's last day.
/// Methods: every visit dated in the month to an elder in `elders`, whatever their status.
public enum MonthlyStatistics {
    public static func compute(month: YearMonth, elders: [Elder], visits: [VisitFact],
                               followUps: [FollowUp], now: LocalDateTime? = nil) -> MonthlyReport {
        var known = Set<UUID>()
        for elder in elders { known.insert(elder.id) }

        // Visit days and methods per elder, for this month only.
        var daysByElder: [UUID: [LocalDate]] = [:]
        var methodVisits: [VisitMethod: Int] = [:]
        var methodElders: [VisitMethod: Set<UUID>] = [:]
        for v in visits where month.contains(v.date) && known.contains(v.elderID) {
            daysByElder[v.elderID, default: []].append(v.date)
            methodVisits[v.method, default: 0] += 1
            methodElders[v.method, default: []].insert(v.elderID)
        }

        var total = (denominator: 0, visited: 0)
        var villageOrder: [UUID] = []
        var villageCounts: [UUID: (denominator: Int, visited: Int)] = [:]
        var categoryCounts: [String: (denominator: Int, visited: Int)] = [:]
        var notVisited: [UUID] = []

        for elder in elders {
            if villageCounts[elder.villageID] == nil {
                villageOrder.append(elder.villageID)
                villageCounts[elder.villageID] = (0, 0)
            }
            let ranges = elder.activeRanges(in: month)
            guard !ranges.isEmpty else { continue }
            let days = daysByElder[elder.id] ?? []
            let visited = days.contains { day in ranges.contains { $0.contains(day) } }
            let activeAtEnd = ranges.last?.upperBound == month.lastDay
            guard visited || activeAtEnd else { continue }

            let hit = visited ? 1 : 0
            total.denominator += 1
            total.visited += hit
            villageCounts[elder.villageID]!.denominator += 1
            villageCounts[elder.villageID]!.visited += hit
            var codes = elder.categories.map(\.rawValue)
            if elder.isAdvancedAge(on: month.lastDay) { codes.append(CategoryRate.advancedAge) }
            for code in codes {
                categoryCounts[code, default: (0, 0)].denominator += 1
                categoryCounts[code, default: (0, 0)].visited += hit
            }
            if !visited { notVisited.append(elder.id) }
        }

        let villages = villageOrder.map { id in
            VillageRate(villageID: id, denominator: villageCounts[id]!.denominator,
                        visited: villageCounts[id]!.visited)
        }
        let byCategory = (Category.allCases.map(\.rawValue) + [CategoryRate.advancedAge]).map { code in
            CategoryRate(category: code, denominator: categoryCounts[code]?.denominator ?? 0,
                         visited: categoryCounts[code]?.visited ?? 0)
        }
        let byMethod = VisitMethod.allCases.map { m in
            MethodCount(method: m, visits: methodVisits[m] ?? 0, elders: methodElders[m]?.count ?? 0)
        }
        return MonthlyReport(
            month: month, total: VisitRate(denominator: total.denominator, visited: total.visited),
            villages: villages, byCategory: byCategory, byMethod: byMethod, notVisited: notVisited,
            followUps: followUpStats(month: month, followUps: followUps.filter { known.contains($0.elderID) }, now: now))
    }

    /// Follow-up figures for `month`; see `FollowUpStats` for the definitions.
    /// With `now` inside the month (the current month), "past due" is judged at `now`: a
    /// follow-up due later this month is not late yet.
    public static func followUpStats(month: YearMonth, followUps: [FollowUp], now: LocalDateTime? = nil) -> FollowUpStats {
        let monthEnd = LocalDateTime(date: month.lastDay, hour: 23, minute: 59)!
        let cutoff = now.map { min($0, monthEnd) } ?? monthEnd
        let end = cutoff
        func late(_ due: LocalDateTime) -> Bool { cutoff < monthEnd ? due < cutoff : due.date <= month.lastDay }
        var opened = 0
        var hoursToClose: [Double] = []
        var pastDue = 0, cancelled = 0
        for f in followUps {
            if month.contains(f.openedAt.date) { opened += 1 }
            let closedAt = f.status.isOpen ? nil : f.closing?.at
            if let closedAt, month.contains(closedAt.date) {
                if f.status == .cancelled {
                    cancelled += 1
                    continue
                }
                hoursToClose.append(Double(minutes(from: f.openedAt, to: closedAt)) / 60)
                if closedAt > f.due { pastDue += 1 }
                continue
            }
            // Open at the end of the month: opened by then and not closed by then.
            let openAtEnd = f.openedAt <= end && (closedAt.map { $0 > end } ?? true)
            if openAtEnd && late(f.due) { pastDue += 1 }
        }
        return FollowUpStats(opened: opened, closed: hoursToClose.count, cancelled: cancelled, openPastDue: pastDue,
                             medianHoursToClose: median(hoursToClose))
    }

    /// The middle value; the mean of the two middle values for an even count; nil when empty.
    public static func median(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let s = values.sorted()
        let mid = s.count / 2
        return s.count % 2 == 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2
    }

    /// Minutes from `a` to `b` (local times, no time zone).
    public static func minutes(from a: LocalDateTime, to b: LocalDateTime) -> Int {
        func total(_ t: LocalDateTime) -> Int { (t.date.dayNumber * 24 + t.hour) * 60 + t.minute }
        return total(b) - total(a)
    }
}
