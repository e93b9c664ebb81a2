import Foundation
import TanfangCore

/// What the elder form holds, kept as a draft (per user, `draft` table) while it is typed, so that
/// a dropped link or a crash does not lose a new elder's details: offered back when the same form
/// (a new elder, or this elder's edit) is opened again.
struct ElderDraft: DraftCoding, Hashable, Sendable {
    /// The draft key of the new-elder form, or of one elder's edit.
    static func key(for elderID: UUID?) -> String { "elder." + (elderID?.uuidString ?? "new") }

    var texts: [String: String]
    var gender: Gender?
    var villageID: UUID?
    var gridID: UUID?
    var categories: [TanfangCore.Category]
    var disability: DisabilityDegree?
    var living: LivingArrangement?
    var visitorID: UUID?
    var remote: Bool
    var focus: String
    var savedAt: LocalDateTime
}

extension ElderEditScreen.Field {
    /// A stable name for drafts: `name`, `supporterPhone.2`.
    var code: String {
        switch self {
        case .name: "name"
        case .idNumber: "idNumber"
        case .gender: "gender"
        case .birthDate: "birthDate"
        case .ethnicity: "ethnicity"
        case .phone: "phone"
        case .address: "address"
        case .village: "village"
        case .grid: "grid"
        case .categories: "categories"
        case .disability: "disability"
        case .living: "living"
        case .visitor: "visitor"
        case .remote: "remote"
        case .supporterName(let i): "supporterName.\(i)"
        case .supporterRelation(let i): "supporterRelation.\(i)"
        case .supporterPhone(let i): "supporterPhone.\(i)"
        case .supporterResidence(let i): "supporterResidence.\(i)"
        case .contactName(let i): "contactName.\(i)"
        case .contactRelation(let i): "contactRelation.\(i)"
        case .contactPhone(let i): "contactPhone.\(i)"
        case .wishes: "wishes"
        case .remarks: "remarks"
        }
    }

    init?(code: String) {
        let parts = code.split(separator: ".")
        let index = parts.count == 2 ? Int(parts[1]) : nil
        switch (parts.first.map(String.init) ?? "", index) {
        case ("name", nil): self = .name
        case ("idNumber", nil): self = .idNumber
        case ("gender", nil): self = .gender
        case ("birthDate", nil): self = .birthDate
        case ("ethnicity", nil): self = .ethnicity
        case ("phone", nil): self = .phone
        case ("address", nil): self = .address
        case ("village", nil): self = .village
        case ("grid", nil): self = .grid
        case ("categories", nil): self = .categories
        case ("disability", nil): self = .disability
        case ("living", nil): self = .living
        case ("visitor", nil): self = .visitor
        case ("remote", nil): self = .remote
        case ("supporterName", let i?): self = .supporterName(i)
        case ("supporterRelation", let i?): self = .supporterRelation(i)
        case ("supporterPhone", let i?): self = .supporterPhone(i)
        case ("supporterResidence", let i?): self = .supporterResidence(i)
        case ("contactName", let i?): self = .contactName(i)
        case ("contactRelation", let i?): self = .contactRelation(i)
        case ("contactPhone", let i?): self = .contactPhone(i)
        case ("wishes", nil): self = .wishes
        case ("remarks", nil): self = .remarks
        default: return nil
        }
    }
}

extension ElderEditScreen {
    func draft(savedAt: LocalDateTime) -> ElderDraft {
        ElderDraft(texts: Dictionary(texts.compactMap { f, s in s.text.isEmpty ? nil : (f.code, s.text) }, uniquingKeysWith: { a, _ in a }),
                   gender: gender, villageID: villageID, gridID: gridID,
                   categories: TanfangCore.Category.allCases.filter(categories.contains), disability: disability,
                   living: living, visitorID: visitorID, remote: remote, focus: focus.code, savedAt: savedAt)
    }

    /// The draft to write, when something was changed; none for a read-only user.
    mutating func draftCommands(env: AppEnvironment) -> [ScreenCommand] {
        typedSinceDraft = 0
        guard dirty, loaded, env.canEdit else { return [] }
        return [.request(.saveDraft(key: ElderDraft.key(for: elderID), json: draft(savedAt: env.now).json()))]
    }

    /// The form as the draft left it.
    mutating func restore(_ d: ElderDraft, env: AppEnvironment) {
        for field in Array(texts.keys) where d.texts[field.code] == nil { set(field, "") }
        for (code, value) in d.texts {
            if let field = Field(code: code) { set(field, value) }
        }
        gender = d.gender
        villageID = d.villageID
        villageGrids = Self.grids(of: villageID, env: env)
        gridID = d.gridID
        categories = Set(d.categories)
        disability = d.disability
        living = d.living
        visitorID = env.scope.visitorID ?? d.visitorID
        remote = d.remote
        autoFilled = []
        focus = Field(code: d.focus) ?? .name
        // Typing goes on where it stopped: the restored value is not selected for replacing.
        selected = nil
        dirty = true
    }
}
