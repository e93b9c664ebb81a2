import Foundation
import GRDB
import TanfangCore

/// One field both ledgers changed differently since they parted, with both values as a person
/// reads them (ID numbers and phones masked, places and visitors by name, codes as stored).
public struct MergeConflictValue: Hashable, Sendable, Codable {
    /// The `Elder` property (`phone`, `statusHistory`, `supporters`…).
    public var field: String
    public var ours: String
    public var theirs: String

    public init(field: String, ours: String, theirs: String) {
        self.field = field
        self.ours = ours
        self.theirs = theirs
    }
}

extension Ledger {
    /// What a field-by-field merge of an elder both ledgers changed gives.
    enum ElderFieldMerge {
        /// Each field changed on one side only (or the same way on both): the elder with both changes.
        case merged(Elder)
        /// Fields changed differently on both sides.
        case conflict([MergeConflictValue])
    }

    /// Merges elder `id`, changed in both ledgers since they parted, field by field against the
    /// last version both know (the `after` of the latest audit row both hold): a field only one
    /// side changed takes that side's value; categories and sources take both sides' additions
    /// and removals. Without such a version (a demo ledger, rows written without audit) every
    /// field that differs is a conflict. nil when a row cannot be read.
    /// `theirFirstBefore`: the `before` of their first change we lack; when no audit row is
    /// shared (records written without one, as a demo's), the version both changed is the one
    /// their first change and ours started from, when those are the same.
    func mergeElderFields(_ db: Database, id: String, mine: Row, theirs: Row, theirAuditIDs: Set<String>,
                          theirFirstBefore: String? = nil) throws -> ElderFieldMerge? {
        var base = try sharedVersion(db, id: id, theirAuditIDs: theirAuditIDs)
        if base == nil, let theirFirstBefore,
           let ourFirst = try Row.fetchAll(db, sql: """
               SELECT id, before FROM audit WHERE recordId = ? AND tableName = 'elder' ORDER BY at, rowid
               """, arguments: [id]).first(where: { !theirAuditIDs.contains($0["id"]) && ($0["before"] as String?) != nil }),
           let ours = Self.auditElder(ourFirst["before"]),
           let theirs = Self.auditElder(theirFirstBefore), ours == theirs {
            base = ours
        }
        guard let ours = try? ElderRecord(row: mine).elder(), let other = try? ElderRecord(row: theirs).elder() else { return nil }
        return try threeWay(db, base: base, ours: ours, theirs: other, fillEmpty: false)
    }

    /// Their changes, since the version both know, to a record folded here into `kept`
    /// (`combineElders`), brought onto the kept record: a field they changed is taken where the
    /// kept record has it as that version had it, or empty; one the kept record holds otherwise
    /// is a conflict (unless it already holds their value). nil when there is no such version or a
    /// row cannot be read.
    /// Without a shared audit row (a demo's records), the version folded here (the `before` of our
    /// removal) is the base when their first change started from it.
    func mergeIntoKept(_ db: Database, foldedID id: String, kept: ElderRecord, theirs: Row,
                       theirAuditIDs: Set<String>, theirFirstBefore: String? = nil) throws -> ElderFieldMerge? {
        var shared = try sharedVersion(db, id: id, theirAuditIDs: theirAuditIDs)
        if shared == nil, let theirFirstBefore,
           let removed = try String.fetchOne(db, sql: """
               SELECT before FROM audit WHERE recordId = ? AND tableName = 'elder' AND action = 'delete' ORDER BY at DESC LIMIT 1
               """, arguments: [id]),
           let folded = Self.auditElder(removed),
           let started = Self.auditElder(theirFirstBefore), folded == started {
            shared = folded
        }
        guard let base = shared,
              let other = try? ElderRecord(row: theirs).elder(), let ours = try? kept.elder() else { return nil }
        var theirsOnKept = other
        theirsOnKept.id = ours.id
        var baseOnKept = base
        baseOnKept.id = ours.id
        return try threeWay(db, base: baseOnKept, ours: ours, theirs: theirsOnKept, fillEmpty: true)
    }

    /// An elder as an audit row's `before` or `after` holds it; nil when there is none or it cannot be read.
    static func auditElder(_ json: String?) -> Elder? {
        json.flatMap { try? JSONDecoder().decode(Elder.self, from: Data($0.utf8)) }
    }

    /// The elder as the latest audit row both ledgers hold for record `id` left it.
    func sharedVersion(_ db: Database, id: String, theirAuditIDs: Set<String>) throws -> Elder? {
        for a in try Row.fetchAll(db, sql: """
            SELECT id, after FROM audit WHERE recordId = ? AND tableName = 'elder' ORDER BY at DESC, rowid DESC
            """, arguments: [id]) where theirAuditIDs.contains(a["id"]) {
            if let base = Self.auditElder(a["after"]) { return base }
        }
        return nil
    }

    /// `ours` with the fields `theirs` changed since `base`; with `fillEmpty`, also a field ours
    /// lacks. Without a base every differing field conflicts.
    func threeWay(_ db: Database, base: Elder?, ours: Elder, theirs other: Elder, fillEmpty: Bool) throws -> ElderFieldMerge? {
        guard let ourFields = Self.fields(ours), let theirFields = Self.fields(other) else { return nil }
        func conflict(_ keys: [String]) throws -> ElderFieldMerge {
            .conflict(try keys.map { key in
                MergeConflictValue(field: key, ours: try Self.fieldText(db, key, ours), theirs: try Self.fieldText(db, key, other))
            })
        }
        guard let base, let baseFields = Self.fields(base) else {
            return try conflict(Set(ourFields.keys).union(theirFields.keys).sorted()
                .filter { $0 != "sources" && ourFields[$0] != theirFields[$0] })
        }
        var merged = ourFields
        var conflicts: [String] = []
        for key in Set(baseFields.keys).union(ourFields.keys).union(theirFields.keys).sorted() {
            let b = baseFields[key], o = ourFields[key], t = theirFields[key]
            if o == t || t == b { continue }
            if o == b || (fillEmpty && o == nil) { merged[key] = t; continue }
            if key == "categories" || key == "sources" { continue }
            conflicts.append(key)
        }
        if !conflicts.isEmpty { return try conflict(conflicts) }
        guard let data = try? JSONSerialization.data(withJSONObject: merged.mapValues(\.value)),
              var elder = try? JSONDecoder().decode(Elder.self, from: data) else { return nil }
        // Sets: what either side added, less what either removed.
        elder.categories = base.categories.union(ours.categories.subtracting(base.categories))
            .union(other.categories.subtracting(base.categories))
            .subtracting(base.categories.subtracting(ours.categories))
            .subtracting(base.categories.subtracting(other.categories))
        elder.sources = ours.sources.union(other.sources)
        return .merged(elder)
    }

    /// A JSON value compared by its canonical text.
    struct FieldValue: Equatable {
        let value: Any
        let text: String
        static func == (a: FieldValue, b: FieldValue) -> Bool { a.text == b.text }
    }

    /// The elder's properties as JSON values, keyed by property name.
    static func fields(_ elder: Elder) -> [String: FieldValue]? {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard let data = try? encoder.encode(elder),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
        var out: [String: FieldValue] = [:]
        for (key, value) in object {
            guard let text = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed]) else {
                return nil
            }
            out[key] = FieldValue(value: value, text: String(decoding: text, as: UTF8.self))
        }
        return out
    }

    /// One property's value as a conflict line shows it.
    static func fieldText(_ db: Database, _ key: String, _ e: Elder) throws -> String {
        switch key {
        case "statusHistory":
            // Whole: two histories may end alike and differ before.
            return e.statusHistory.map { "\($0.status.rawValue) \($0.date)" }.joined(separator: " → ")
        case "supporters":
            return e.supporters.map { personText($0.name, $0.relation, $0.phone) }.joined(separator: "；")
        case "emergencyContacts":
            return e.emergencyContacts.map { personText($0.name, $0.relation, $0.phone) }.joined(separator: "；")
        case "remote":
            return e.remote ? "1" : "0"
        case "categories":
            return Category.allCases.filter { e.categories.contains($0) }.map(\.rawValue).joined(separator: ",")
        case "riskOverride":
            return e.riskOverride.map { "\($0.level.rawValue) \($0.reason)" } ?? ""
        default:
            return try shown(db, .field(key), stored: e, incoming: e).stored
        }
    }
}
