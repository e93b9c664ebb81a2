import Foundation

/// The conditions risk grading looks at (DOMAIN.md §6). What each is worth lives in
/// `Resources/rules/risk.json`; its reason text is the catalog key `risk.reason.<rawValue>`.
public enum RiskFactor: String, Hashable, Sendable, Codable, CaseIterable {
    /// 失能 (or 重残) and living alone: the combination the plan names first.
    case disabledLivingAlone
    /// Severe 失能 degree, or 重残 (certificate grade 1–2).
    case severeDisability
    /// 独居 category or a living arrangement of "alone".
    case livingAlone
    /// 分散供养特困.
    case destitute
    /// 80 or older on the assessment date.
    case advancedAge
    /// Lives in a scattered remote place (偏散远).
    case remote
    /// At least one open hazard-rectification follow-up.
    case openHazard
    /// Latest visit: mental state 孤独抑郁 (3) or 较差 (4).
    case poorMentalState
    /// Latest visit: obligations 未履行 (3), or family contact 从不 (3).
    case noFamilySupport
    /// Latest visit: mobility 需要他人帮助 (3) or 卧床 (4).
    case immobile
    /// Latest visit: needs 未满足 (3).
    case unmetNeeds
    /// Latest visit: an emergency was flagged; or an emergency is still open (one found on a home
    /// visit that did not see the elder, which is no visit for the other factors).
    case emergency

    /// The string-catalog key of this factor's reason.
    public var reasonKey: String { "risk.reason.\(rawValue)" }

    /// Whether the factor holds for `elder` with its latest visit on `date`.
    public func holds(elder: Elder, latestVisit: Visit?, openHazards: Int, openEmergencies: Int = 0,
                      on date: LocalDate) -> Bool {
        let answers = latestVisit?.answers ?? [:]
        func chosen(_ code: String) -> Set<Int> {
            switch answers[code] {
            case .choice(let c): [c]
            case .choices(let cs): Set(cs)
            default: []
            }
        }
        let alone = elder.categories.contains(.livingAlone) || elder.livingArrangement == .alone
        switch self {
        case .disabledLivingAlone:
            return alone && !elder.categories.isDisjoint(with: [.disabled, .severelyDisabled])
        case .severeDisability:
            return elder.disabilityDegree == .severe || elder.categories.contains(.severelyDisabled)
        case .livingAlone: return alone
        case .destitute: return elder.categories.contains(.destitute)
        case .advancedAge: return elder.isAdvancedAge(on: date)
        case .remote: return elder.remote
        case .openHazard: return openHazards > 0
        case .poorMentalState: return !chosen(FieldCode.mental).isDisjoint(with: [3, 4])
        case .noFamilySupport:
            return chosen(FieldCode.obligations).contains(3) || chosen(FieldCode.familyContact).contains(3)
        case .immobile: return !chosen(FieldCode.mobility).isDisjoint(with: [3, 4])
        case .unmetNeeds: return chosen(FieldCode.needsMet).contains(3)
        case .emergency: return answers[FieldCode.emergency] == .yesNo(true) || openEmergencies > 0
        }
    }
}

/// Risk grading (风险等级) from categories and the latest findings, with points and thresholds as
/// data in `Resources/rules/risk.json`. A factor absent from the file scores nothing.
public struct RiskRules: Sendable {
    public static let file = "rules/risk.json"

    /// One factor and its points, in file order (which breaks ties between equal points).
    public struct Weight: Hashable, Sendable, Codable {
        public var factor: RiskFactor
        public var points: Int

        public init(factor: RiskFactor, points: Int) {
            self.factor = factor
            self.points = points
        }
    }

    public var weights: [Weight]
    /// A score at or above this is high risk.
    public var highThreshold: Int
    /// A score at or above this (and below `highThreshold`) is medium risk.
    public var mediumThreshold: Int

    public init(weights: [Weight], highThreshold: Int, mediumThreshold: Int) {
        self.weights = weights
        self.highThreshold = highThreshold
        self.mediumThreshold = mediumThreshold
    }

    private struct FileFormat: Codable {
        struct Thresholds: Codable { var high: Int; var medium: Int }
        var thresholds: Thresholds
        var factors: [Weight]
    }

    /// Reads `<resources>/rules/risk.json`; bad data throws a `ResourceError` naming the file.
    public static func load(resources: URL) throws -> RiskRules {
        let (f, path) = try ResourceLocator.decode(FileFormat.self, at: file, in: resources)
        guard f.thresholds.medium > 0, f.thresholds.medium <= f.thresholds.high else {
            throw ResourceError.invalid(file: path, detail: "thresholds need 0 < medium <= high")
        }
        var seen = Set<RiskFactor>()
        for w in f.factors {
            guard seen.insert(w.factor).inserted else {
                throw ResourceError.invalid(file: path, detail: "factor \(w.factor.rawValue) is listed twice")
            }
            guard w.points > 0 else {
                throw ResourceError.invalid(file: path, detail: "factor \(w.factor.rawValue) needs positive points")
            }
        }
        return RiskRules(weights: f.factors, highThreshold: f.thresholds.high, mediumThreshold: f.thresholds.medium)
    }

    public func level(score: Int) -> RiskLevel {
        score >= highThreshold ? .high : score >= mediumThreshold ? .medium : .low
    }

    /// Scores every factor that holds; `reasons` are catalog keys, most points first. A manual
    /// `elder.riskOverride` replaces the level: `overridden` is set and `reasons` starts with the
    /// override's reason text, followed by the computed reasons.
    public func assess(elder: Elder, latestVisit: Visit?, openHazards: Int, openEmergencies: Int = 0,
                       on date: LocalDate) -> RiskAssessment {
        let held = weights.enumerated()
            .filter { $0.element.factor.holds(elder: elder, latestVisit: latestVisit, openHazards: openHazards,
                                              openEmergencies: openEmergencies, on: date) }
            .sorted { ($0.element.points, -$0.offset) > ($1.element.points, -$1.offset) }
            .map(\.element)
        let score = held.reduce(0) { $0 + $1.points }
        let reasons = held.map(\.factor.reasonKey)
        if let manual = elder.riskOverride {
            return RiskAssessment(level: manual.level, score: score, reasons: [manual.reason] + reasons, overridden: true)
        }
        return RiskAssessment(level: level(score: score), score: score, reasons: reasons)
    }
}
