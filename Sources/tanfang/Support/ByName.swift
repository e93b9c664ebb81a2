import TanfangCore
import TanfangStore

/// A village (by name, code, or township and village name) or visitor from what a user typed. Merged ledgers can hold two of one name,
/// so a name that means several is refused rather than taken as the first.
enum ByName {
    static func village(_ name: String, in places: [Place], strings: Strings) throws -> Place {
        let matches = VillageLookup(places).matches(name)
        guard let place = matches.first else { throw CLIError(strings.format("cli.error.noVillage", name)) }
        guard matches.count == 1 else { throw CLIError(strings.format("cli.error.villageAmbiguous", name)) }
        return place
    }

    /// The villages of a township (or county) or the one village `name` names (name or division
    /// code), for a command narrowed to one area as a township supervisor's screens are.
    static func area(_ name: String, in places: [Place], strings: Strings) throws -> AccessScope {
        let text = name.trimmingCharacters(in: .whitespaces)
        var matches = places.filter { ($0.level == .township || $0.level == .county) && ($0.name == text || $0.code == text) }
        if matches.isEmpty { matches = VillageLookup(places).matches(text) }
        guard let area = matches.first else { throw CLIError(strings.format("cli.error.noArea", name)) }
        guard matches.count == 1 else { throw CLIError(strings.format("cli.error.villageAmbiguous", name)) }
        return AccessScope(villageIDs: Ledger.villages(under: area.id, in: places))
    }

    static func visitor(_ name: String, in visitors: [Visitor], strings: Strings) throws -> Visitor {
        let matches = visitors.filter { $0.name == name }
        guard let visitor = matches.first else { throw CLIError(strings.format("cli.error.noVisitor", name)) }
        guard matches.count == 1 else { throw CLIError(strings.format("cli.error.visitorAmbiguous", name)) }
        return visitor
    }
}
