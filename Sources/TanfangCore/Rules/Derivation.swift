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
        summarize(elder: elder, history: digest(visits.sorted { $0.at < $1.at }), followUps: followUps,
                  periods: periods, today: today)
    }

    /// The summary of `elder` on `today` from what it reads of the visit history (`digest`).
    public func summarize(elder: Elder, history: VisitDigest, followUps: [FollowUp], periods: [SpecialPeriod],
                          today: LocalDate) -> ElderSummary {
        let latest = history.latest
        let open = followUps.filter(\.status.isOpen)
        let openHazards = open.count { $0.type == .hazardRectification }
        let assessment = risk.assess(elder: elder, latestVisit: latest, openHazards: openHazards,
                                     openEmergencies: open.count { $0.type == .emergency }, on: today)
        let due = frequency.nextDue(for: elder, risk: assessment.level, lastVisit: latest?.date,
                                    lastHomeVisit: history.lastHomeVisit, periods: periods, today: today)
        return ElderSummary(
            elderID: elder.id, lastVisit: latest?.at, lastVisitMethod: latest?.method,
            lastHomeVisit: history.lastHomeVisit, visitCount: history.count, nextDue: due.visit,
            homeVisitDue: due.homeVisit, risk: assessment, openFollowUps: open.count, openHazards: openHazards,
            earliestFollowUpDue: open.map(\.due).min(), identicalStreak: history.identicalStreak,
            lastVisitAllClear: latest.map(Derivation.isAllClear) ?? false, computedOn: today)
    }

    /// What a summary reads of visits oldest first.
    /// Attempts (`Visit.isAttempt`) are left out: they are no visit-and-care.
    public func digest(_ history: [Visit]) -> VisitDigest {
        let visitsOldestFirst = history.contains(where: \.isAttempt) ? history.filter { !$0.isAttempt } : history
        return VisitDigest(latest: visitsOldestFirst.last,
                    lastHomeVisit: visitsOldestFirst.last { $0.method == .home }?.date,
                    count: visitsOldestFirst.count, identicalStreak: identicalStreak(visitsOldestFirst))
    }

    /// The digest once `visit` joins the history as its new latest visit (after `history.latest`):
    /// equal to `digest` of the whole history with `visit` appended, without reading that history.
    public func digest(_ history: VisitDigest, appending visit: Visit) -> VisitDigest {
        if visit.isAttempt { return history }
        let streak = history.latest.map {
            copyableAnswers($0) == copyableAnswers(visit) ? history.identicalStreak + 1 : 0
        } ?? 0
        return VisitDigest(latest: visit, lastHomeVisit: visit.method == .home ? visit.date : history.lastHomeVisit,
                           count: history.count + 1, identicalStreak: streak)
    }

    /// `digest(history, appending: visit)` when `visit` comes after `history.latest` in time order
    /// (visits in the same minute in id order, as the ledger orders them); nil otherwise.
    public func digest(_ history: VisitDigest, appendingIfLatest visit: Visit) -> VisitDigest? {
        if visit.isAttempt { return history }
        if let latest = history.latest, (visit.at, visit.id.uuidString) <= (latest.at, latest.id.uuidString) {
            return nil
        }
        return digest(history, appending: visit)
    }

    private func copyableAnswers(_ visit: Visit) -> [String: Answer] {
        visit.answers.filter { copyableFieldCodes.contains($0.key) }
    }

    /// Counting back from the latest visit, how many visits repeat the copyable answers of the visit
    /// before them exactly. Expects visits oldest first.
    public func identicalStreak(_ visitsOldestFirst: [Visit]) -> Int {
        let copyable = visitsOldestFirst.map(copyableAnswers)
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

/// What an elder's summary reads of their visit history; `Derivation.digest(_:appending:)` extends
/// it by a new latest visit, so that saving a visit need not read the history again.
public struct VisitDigest: Hashable, Sendable {
    /// The latest visit (the last in time order).
    public var latest: Visit?
    /// The day of the latest home visit.
    public var lastHomeVisit: LocalDate?
    public var count: Int
    /// See `Derivation.identicalStreak`.
    public var identicalStreak: Int

    public init(latest: Visit?, lastHomeVisit: LocalDate?, count: Int, identicalStreak: Int) {
        self.latest = latest
        self.lastHomeVisit = lastHomeVisit
        self.count = count
        self.identicalStreak = identicalStreak
    }
}
