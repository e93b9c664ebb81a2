import Foundation

public enum RiskLevel: String, Codable, Sendable, CaseIterable, Comparable {
    case low, medium, high

    var rank: Int {
        switch self {
        case .low: 0
        case .medium: 1
        case .high: 2
        }
    }

    public static func < (a: RiskLevel, b: RiskLevel) -> Bool { a.rank < b.rank }
}

/// A computed risk level with the reasons that produced it (catalog keys such as `risk.reason.openHazard`).
public struct RiskAssessment: Hashable, Sendable, Codable {
    public var level: RiskLevel
    public var score: Int
    public var reasons: [String]
    /// True when `level` comes from a manual override; `reasons` then starts with its reason.
    public var overridden: Bool

    public init(level: RiskLevel, score: Int, reasons: [String], overridden: Bool = false) {
        self.level = level
        self.score = score
        self.reasons = reasons
        self.overridden = overridden
    }
}
