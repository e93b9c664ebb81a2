import Foundation

/// The administrative levels a ledger is organised by: 县 → 乡镇/街道 → 村/社区 → 网格.
public enum PlaceLevel: String, Codable, Sendable, CaseIterable, Comparable {
    case county, township, village, grid

    public var depth: Int {
        switch self {
        case .county: 0
        case .township: 1
        case .village: 2
        case .grid: 3
        }
    }

    public static func < (a: PlaceLevel, b: PlaceLevel) -> Bool { a.depth < b.depth }
}

/// A county, township, village or grid.
///
/// `code` is the statistical division code: 6 digits for a county, 9 for a township,
/// 12 for a village (6 + 3 + 3). A grid has its village's code plus a local suffix.
public struct Place: Hashable, Sendable, Codable, Identifiable {
    public var id: UUID
    public var code: String
    public var name: String
    public var level: PlaceLevel
    public var parentID: UUID?

    public init(id: UUID = RecordID.make(), code: String, name: String, level: PlaceLevel, parentID: UUID?) {
        self.id = id
        self.code = code
        self.name = name
        self.level = level
        self.parentID = parentID
    }
}
