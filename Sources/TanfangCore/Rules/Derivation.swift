import Foundation

/// Derives the per-elder `ElderSummary` from the elder, the visit history, follow-ups and special
/// periods. Pure: `today` is injected; the store calls it in the same transaction as the write.
public struct Derivation: Sendable {
    public let frequency: FrequencyRules
    public let risk: RiskRules
    /// Codes of the fields in copyable sections (health, economic, family, safety, needs): only these
    /// count when deciding whether two visits' answers are identical.
    public let copyableFieldCodes: Set<String>

    /// - Parameter copyableFieldCodes: take them from the form:
    ///   `Set(form.sections.filter(\.copyable).flatMap(\.fields).map(\.code))`.
    public init(frequency: FrequencyRules, risk: RiskRules, copyableFieldCodes: Set<String>) {
        self.frequency = frequency
        self.risk = risk
        self.copyableFieldCodes = copyableFieldCodes
    }

    /// Loads the rules and the form from a resources folder.
    public static func load(resources: URL) throws -> Derivation {
        let form = try FormDefinition.load(resources: resources)
        return Derivation(frequency: try FrequencyRules.load(resources: resources),
                          risk: try RiskRules.load(resources: resources),
                          copyableFieldCodes: Set(form.sections.filter(\.copyable).flatMap(\.fields).map(\.code)))
    }

    /// The summary of `elder` on `today`. `visits` and `followUps` may come in any order; they should
    /// be this elder's. Visit dates are local: a visit at 23:30 belongs to that day.
    public func summarize(elder: Elder, visits: [Visit], followUps: [FollowUp], periods: [SpecialPeriod],
                          today: LocalDate) -> ElderSummary {
        let sorted = visits.sorted { $0.at < $1.at }
        let latest = sorted.last
        let lastHomeVisit = sorted.last { $0.method == .home }?.date
        let open = followUps.filter(\.status.isOpen)
        let openHazards = open.count { $0.type == .hazardRectification }
        let assessment = risk.assess(elder: elder, latestVisit: latest, openHazards: openHazards, on: today)
        let due = frequency.nextDue(for: elder, risk: assessment.level, lastVisit: latest?.date,
                                    lastHomeVisit: lastHomeVisit, periods: periods, today: today)
        return ElderSummary(
            elderID: elder.id, lastVisit: latest?.at, lastVisitMethod: latest?.method,
            lastHomeVisit: lastHomeVisit, visitCount: sorted.count, nextDue: due.visit, homeVisitDue: due.homeVisit,
            risk: assessment, openFollowUps: open.count, openHazards: openHazards,
            earliestFollowUpDue: open.map(\.due).min(), identicalStreak: identicalStreak(sorted),
            lastVisitAllClear: latest.map(Derivation.isAllClear) ?? false, computedOn: today)
    }

    /// Counting back from the latest visit, how many visits repeat the copyable answers of the visit
    /// before them exactly. Expects visits oldest first.
    public func identicalStreak(_ visitsOldestFirst: [Visit]) -> Int {
        let copyable = visitsOldestFirst.map { $0.answers.filter { copyableFieldCodes.contains($0.key) } }
        var streak = 0
        var i = copyable.count - 1
        while i >= 1, copyable[i] == copyable[i - 1] {
            streak += 1
            i -= 1
        }
        return streak
    }

    /// "No problem anywhere": the visit answered, with the no-problem option, each of illness 无 (only [1]),
    /// economic difficulties 无 ([1]), has-hazard no, service needs 无 ([1]), mobility 行动自如 (1) and
    /// mental state 良好 (1). An unanswered one of these makes the visit not all clear.
    public static func isAllClear(_ visit: Visit) -> Bool {
        func only(_ code: String, _ none: Int) -> Bool {
            switch visit.answers[code] {
            case .choice(let c): c == none
            case .choices(let cs): cs == [none]
            default: false
            }
        }
        return only(FieldCode.illness, 1) && only(FieldCode.difficulties, 1)
            && visit.answers[FieldCode.hasHazard] == .yesNo(false)
            && only(FieldCode.needs, 1) && only(FieldCode.mobility, 1) && only(FieldCode.mental, 1)
    }
}
