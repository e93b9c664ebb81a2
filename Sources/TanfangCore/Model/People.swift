import Foundation

/// Who visits (探访关爱服务力量), DOMAIN.md §2.
public enum VisitorRole: String, Codable, Sendable, CaseIterable {
    case villageCadre, gridWorker, socialWorker, volunteer, familyDoctor, careWorker,
         propertyStaff, partyMember, youngerElder, relativeNeighbour
}

/// A person who makes visits.
public struct Visitor: Hashable, Sendable, Codable, Identifiable {
    public var id: UUID
    public var name: String
    public var role: VisitorRole
    public var phone: String?
    /// The village (or township) the visitor works in.
    public var placeID: UUID?

    public init(id: UUID = RecordID.make(), name: String, role: VisitorRole, phone: String? = nil, placeID: UUID? = nil) {
        self.id = id
        self.name = name
        self.role = role
        self.phone = phone
        self.placeID = placeID
    }
}

extension Visitor {
    /// Whether the visitor may be the 结对责任人 of an elder in `village`: one of the village, of its
    /// grids or of its township (a family doctor serving several villages), or one with no place;
    /// not a namesake in another township.
    public func mayServe(_ village: Place, place: (UUID) -> Place?) -> Bool {
        guard let placeID else { return true }
        if placeID == village.id || placeID == village.parentID { return true }
        return place(placeID)?.parentID == village.id
    }
}

/// What a login may do (DOMAIN.md §7).
public enum UserRole: String, Codable, Sendable, CaseIterable {
    /// 村委会文书: enters and corrects records for their village.
    case clerk
    /// 网格员: sees the elders assigned to them.
    case gridWorker
    /// Township or county civil affairs: reads their area and the red flags.
    case supervisor
    case admin

    /// Whether the role may see whole ID numbers and phones in the elder file.
    public var seesUnmasked: Bool {
        switch self {
        case .clerk, .gridWorker, .admin: true
        case .supervisor: false
        }
    }

    public var canEdit: Bool { self != .supervisor }

    /// Whether the role brings roster files into the ledger. A list from civil affairs or 残联 is
    /// the village's (a clerk's) or the ledger keeper's: a grid worker's import would add elders
    /// without her as their visitor, out of her own sight, and change other workers' elders.
    public var canImportRosters: Bool { self == .clerk || self == .admin }
}

/// A login: a role and an area (a village, a township or a county).
public struct User: Hashable, Sendable, Codable, Identifiable {
    public var id: UUID
    public var name: String
    public var role: UserRole
    public var areaID: UUID
    /// For a grid worker: the visitor record whose assigned elders they see.
    public var visitorID: UUID?
    /// Salted hash of the PIN; never the PIN itself.
    public var pinHash: String

    public init(id: UUID = RecordID.make(), name: String, role: UserRole, areaID: UUID, visitorID: UUID? = nil, pinHash: String) {
        self.id = id
        self.name = name
        self.role = role
        self.areaID = areaID
        self.visitorID = visitorID
        self.pinHash = pinHash
    }
}
