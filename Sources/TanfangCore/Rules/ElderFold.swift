import Foundation

/// Folds what one record of a person says into another record of the same person: a roster row
/// into the elder it matches (import), or a second record of the elder into the one kept
/// (combining a person entered twice). Categories and sources are joined, empty fields filled,
/// people added by name; a value both give differently keeps the stored one and is returned as a
/// difference, so that nothing is chosen silently.
public enum ElderFold {
    /// A value the incoming record gives differently from the stored one (the stored one is kept).
    public enum Difference: Hashable, Sendable {
        /// An `Elder` property, by name (`name`, `villageID`, `idNumber`, `phone`, `status`…): read
        /// both values from the two records.
        case field(String)
        /// A supporter the stored record has under this name, given differently.
        case supporter(stored: Supporter, incoming: Supporter)
        case contact(stored: Contact, incoming: Contact)

        /// The `Elder` property the difference is about (`supporters`, `emergencyContacts` for people).
        public var field: String {
            switch self {
            case .field(let f): f
            case .supporter: "supporters"
            case .contact: "emergencyContacts"
            }
        }
    }

    /// The optional fields filled when empty and compared when both are given, in the order
    /// differences are reported.
    public static let optionalFields = ["idNumber", "gender", "birthDate", "ethnicity", "phone", "address",
                                        "disabilityDegree", "livingArrangement", "visitorID", "remarks", "wishes",
                                        "gridID"]

    /// `stored` with what `incoming` adds. The status history, the risk override and the id stay
    /// the stored record's: a status changes on its own date, never by another record (a different
    /// current status is a difference).
    public static func fold(_ incoming: Elder, into stored: Elder) -> (elder: Elder, differences: [Difference]) {
        var merged = stored
        var differences: [Difference] = []
        merged.categories.formUnion(incoming.categories)
        merged.sources.formUnion(incoming.sources)
        if incoming.name != stored.name { differences.append(.field("name")) }
        if incoming.villageID != stored.villageID { differences.append(.field("villageID")) }
        func take<T: Equatable>(_ path: WritableKeyPath<Elder, T?>, _ field: String, same: (T, T) -> Bool = { $0 == $1 }) {
            guard let new = incoming[keyPath: path] else { return }
            if let have = stored[keyPath: path] {
                if !same(have, new) { differences.append(.field(field)) }
            } else {
                merged[keyPath: path] = new
            }
        }
        take(\.idNumber, "idNumber")
        take(\.gender, "gender")
        take(\.birthDate, "birthDate")
        take(\.ethnicity, "ethnicity")
        // 0999-4877824 and 09994877824 are one landline: only the digits are compared.
        take(\.phone, "phone") { $0.filter(\.isNumber) == $1.filter(\.isNumber) }
        take(\.address, "address")
        take(\.disabilityDegree, "disabilityDegree")
        take(\.livingArrangement, "livingArrangement")
        take(\.visitorID, "visitorID")
        take(\.remarks, "remarks")
        take(\.wishes, "wishes")
        take(\.gridID, "gridID")
        // 偏散远 from any list holds, as categories do.
        if incoming.remote { merged.remote = true }
        if let status = incoming.statusHistory.last?.status, status != stored.status { differences.append(.field("status")) }
        for s in incoming.supporters {
            switch match(s, in: merged.supporters, name: \.name, relation: \.relation, phone: \.phone) {
            case .same: break
            case .new: merged.supporters.append(s)
            case .fits(let i):
                if merged.supporters[i].phone == nil { merged.supporters[i].phone = s.phone }
                if merged.supporters[i].relation.isEmpty { merged.supporters[i].relation = s.relation }
                if merged.supporters[i].residence == nil { merged.supporters[i].residence = s.residence }
            case .conflict(let i):
                differences.append(.supporter(stored: merged.supporters[i], incoming: s))
            }
        }
        for c in incoming.emergencyContacts {
            switch match(c, in: merged.emergencyContacts, name: \.name, relation: \.relation, phone: { $0.phone }) {
            case .same: break
            case .new: merged.emergencyContacts.append(c)
            case .fits(let i):
                if merged.emergencyContacts[i].relation.isEmpty { merged.emergencyContacts[i].relation = c.relation }
            case .conflict(let i):
                differences.append(.contact(stored: merged.emergencyContacts[i], incoming: c))
            }
        }
        return (merged, differences)
    }

    private enum Match { case same, fits(Int), conflict(Int), new }

    /// Two of a family may share a name: the one written the same, else one that fits (same phone,
    /// relation not contradicting), is theirs; a name on the record with nothing fitting differs.
    private static func match<P: Equatable>(_ p: P, in people: [P], name: (P) -> String, relation: (P) -> String,
                                            phone: (P) -> String?) -> Match {
        let named = people.indices.filter { name(people[$0]) == name(p) }
        guard let first = named.first else { return .new }
        if named.contains(where: { people[$0] == p }) { return .same }
        let fitting = named.first { i in
            samePhone(phone(people[i]), phone(p))
                && (relation(people[i]).isEmpty || relation(p).isEmpty || relation(people[i]) == relation(p))
        }
        return fitting.map { .fits($0) } ?? .conflict(first)
    }

    private static func samePhone(_ a: String?, _ b: String?) -> Bool {
        guard let a, let b else { return true }
        return a.filter(\.isNumber) == b.filter(\.isNumber)
    }

    /// The status history of one person registered twice, `kept`'s current status holding: the
    /// earlier registration, then every change either record has after its registration, in date
    /// order, a change that repeats the status in force left out (a county list's "在册 on its
    /// import day" adds nothing to a village's history). When that would end on another status than `kept`'s
    /// (the other record alone has a death), `kept`'s own history stands, from the earlier
    /// registration date: the two disagree, which is listed as a difference.
    public static func history(kept: [StatusChange], folded: [StatusChange]) -> [StatusChange] {
        guard let keptFirst = kept.first, let foldedFirst = folded.first else { return kept.isEmpty ? folded : kept }
        let (earlier, later) = foldedFirst.date < keptFirst.date ? (folded, kept) : (kept, folded)
        // The later record's first entry is its registration, no change of the person's.
        var events = Array(earlier.dropFirst()) + Array(later.dropFirst())
        // Stable by date: on one day the earlier registration's change first.
        events = events.enumerated().sorted { ($0.element.date, $0.offset) < ($1.element.date, $1.offset) }.map(\.element)
        var merged = [earlier[0]]
        for change in events where change.status != merged.last!.status && change.date >= merged[0].date {
            merged.append(change)
        }
        if merged.last?.status == kept.last?.status { return merged }
        var own = kept
        if foldedFirst.date < keptFirst.date, foldedFirst.status == keptFirst.status { own[0].date = foldedFirst.date }
        return own
    }
}
