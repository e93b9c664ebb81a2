import Foundation
import TanfangCore

/// Combining the open file with another record of the same person (疑似重复登记): which one is
/// kept, what moves, and where the two differ, before Enter folds one into the other.
extension ElderFileScreen {
    /// The record chosen among the file's possible duplicates, and which of the two is kept.
    struct CombineChoice: Hashable, Sendable {
        var index = 0
        /// Keep the other record and fold this file into it (Tab).
        var keepOther = false
        /// Lines scrolled (many differences at 80×24).
        var scroll = 0
    }

    enum CombineAction: Hashable, Sendable { case confirm, swap, next, previous, lineDown, lineUp, pageDown, pageUp, cancel }

    static let combineKeymap = Keymap<CombineAction>([
        KeyBinding([.enter], .confirm, label: "elderFile.combine.key.confirm", help: "elderFile.combine.help.confirm"),
        KeyBinding([.tab, .backTab], .swap, label: "elderFile.combine.key.swap", help: "elderFile.combine.help.swap"),
        KeyBinding([.right], .next, label: "elderFile.combine.key.next", help: "elderFile.combine.help.next"),
        KeyBinding([.left], .previous, label: "key.prev", help: "elderFile.combine.help.next", showsInBar: false),
        KeyBinding([.down], .lineDown, label: "key.next", help: "help.moveUpDown", showsInBar: false),
        KeyBinding([.up], .lineUp, label: "key.prev", help: "help.moveUpDown", showsInBar: false),
        KeyBinding([.pageDown], .pageDown, label: "key.nextPage", help: "help.page", showsInBar: false),
        KeyBinding([.pageUp], .pageUp, label: "key.prevPage", help: "help.page", showsInBar: false),
        KeyBinding([.escape], .cancel, label: "key.cancel", help: "elderFile.combine.help.cancel"),
    ])

    /// Whether the user's role combines records (a village's roster is a clerk's or an admin's).
    static func combines(_ env: AppEnvironment) -> Bool {
        env.user?.role == .clerk || env.user?.role == .admin
    }

    /// `m` in the file: why it cannot be done, or the combine view.
    mutating func startCombining(env: AppEnvironment) -> [ScreenCommand] {
        guard let file else { return [] }
        guard !file.duplicates.isEmpty else { return [.status(key: "elderFile.combine.none", args: [], tone: .info)] }
        guard env.canEdit else { return [.status(key: "elderFile.readOnly", args: [], tone: .warning)] }
        guard Self.combines(env) else { return [.status(key: "store.error.combineRole", args: [], tone: .warning)] }
        // The record with more visits is kept unless the user says otherwise (Tab), as `tanfang
        // combine` does: a county list's record opened first has none.
        combining = CombineChoice(index: 0, keepOther: file.duplicates[0].visitCount > file.visits.count)
        return []
    }

    mutating func handleCombining(_ key: Key, env: AppEnvironment) -> [ScreenCommand] {
        guard var choice = combining, let file, !file.duplicates.isEmpty else {
            combining = nil
            return []
        }
        guard let action = Self.combineKeymap.action(for: key) else { return [] }
        let count = file.duplicates.count
        switch action {
        case .cancel:
            combining = nil
            return [.status(key: "elderFile.combine.cancelled", args: [], tone: .info)]
        case .swap: choice.keepOther.toggle()
        case .next, .previous:
            choice.index = (choice.index + (action == .next ? 1 : count - 1)) % count
            choice.keepOther = file.duplicates[choice.index].visitCount > file.visits.count
            choice.scroll = 0
        case .lineDown, .lineUp, .pageDown, .pageUp:
            let step = [.lineDown: 1, .lineUp: -1, .pageDown: Self.pageLines, .pageUp: -Self.pageLines][action] ?? 0
            // The narrowest screen wraps the most: every line can be reached on a wider one too.
            let lines = combineLines(file, choice: choice, env: env, width: 80).count
            choice.scroll = min(max(0, choice.scroll + step), max(0, lines - 1))
        case .confirm:
            let other = file.duplicates[choice.index].elder
            // The other record outside the user's villages is another clerk's: said before asking the ledger.
            guard env.scope.villageIDs.map({ $0.contains(other.villageID) }) ?? true else {
                return [.status(key: "elderFile.combine.otherVillage", args: [env.placeName(other.villageID)], tone: .warning)]
            }
            let (keep, fold) = choice.keepOther ? (other.id, elderID) : (elderID, other.id)
            return [.request(.combineElders(keep: keep, fold: fold))]
        }
        combining = choice
        return []
    }

    /// The combine view: the two records side by side in lines, what moves, and where they differ.
    func combineLines(_ file: ElderFile, choice: CombineChoice, env: AppEnvironment, width: Int) -> [DocLine] {
        let s = env.strings
        let other = file.duplicates[min(choice.index, file.duplicates.count - 1)]
        let this = PossibleDuplicate(elder: file.elder, villageName: file.village.name, visitCount: file.visits.count,
                                     followUpCount: file.followUps.count)
        let (kept, folded) = choice.keepOther ? (other, this) : (this, other)
        func reveal(_ value: String?, id: Bool) -> String {
            guard let value, !value.isEmpty else { return s["files.none"] }
            if env.seesUnmasked { return value }
            return id ? Masking.idNumber(value) : Masking.phone(value)
        }
        let labelWidth = max(s["elderFile.combine.kept"].displayWidth, s["elderFile.combine.folded"].displayWidth)
        func describe(_ labelKey: String, _ d: PossibleDuplicate, bold: Bool) -> [DocLine] {
            let label = DocSegment(ScreenText.pad(s[labelKey], labelWidth) + "  ", Style(bold: true))
            let indent = String(repeating: " ", count: labelWidth + 2)
            let counts = s.format("elderFile.combine.counts", reveal(d.elder.idNumber, id: true), String(d.visitCount),
                                  String(d.followUpCount))
            // Where each came from and since when: a county list's record and the village's look alike otherwise.
            let sources = d.elder.sources.sorted().joined(separator: s["files.listSeparator"])
            let origin = s.format("elderFile.combine.origin", sources.isEmpty ? s["files.none"] : sources,
                                  d.elder.statusHistory.first?.date.description ?? s["files.none"])
            return [DocLine(kind: .text([label, DocSegment(d.elder.name + "  " + d.villageName, Style(bold: bold))]), ref: nil)]
                + (TextWrap.lines(counts, width: max(1, width - indent.count))
                    + TextWrap.lines(origin, width: max(1, width - indent.count))).map { .text(DocSegment(indent + $0)) }
        }
        var lines: [DocLine] = [.title(s["elderFile.combine.title"])]
        if file.duplicates.count > 1 {
            lines.append(.text(DocSegment(s.format("elderFile.combine.which", String(choice.index + 1),
                                                   String(file.duplicates.count)), Style(dim: true))))
        }
        lines.append(.blank)
        // Another village's record is that clerk's: its name and village only, and who combines.
        guard env.scope.allows(other.elder) else {
            lines.append(.text(DocSegment(other.elder.name + "  " + other.villageName, Style(bold: true))))
            lines.append(.blank)
            for text in TextWrap.lines(s.format("elderFile.combine.otherVillage", other.villageName), width: width) {
                lines.append(.text(DocSegment(text, Style(fg: .red, bold: true))))
            }
            return lines
        }
        lines += describe("elderFile.combine.kept", kept, bold: true)
        lines += describe("elderFile.combine.folded", folded, bold: false)
        lines.append(.blank)
        for text in TextWrap.lines(s["elderFile.combine.explain"], width: width) {
            lines.append(.text(DocSegment(text)))
        }
        let differences = ElderFold.fold(folded.elder, into: kept.elder).differences
        if kept.elder.categories != folded.elder.categories {
            func names(_ set: Set<Category>) -> String {
                let list = Category.allCases.filter(set.contains).map { s["category.\($0.rawValue)"] }
                return list.isEmpty ? s["files.none"] : list.joined(separator: s["files.listSeparator"])
            }
            lines.append(.blank)
            let text = s.format("elderFile.combine.categories", names(kept.elder.categories.union(folded.elder.categories)),
                                names(kept.elder.categories), names(folded.elder.categories))
            for part in TextWrap.lines(text, width: width) { lines.append(.text(DocSegment(part))) }
        }
        lines.append(.blank)
        if differences.isEmpty {
            lines.append(.text(DocSegment(s["elderFile.combine.noDifference"], Style(dim: true))))
        } else {
            lines.append(.text(DocSegment(s["elderFile.combine.differences"], Style(fg: .yellow, bold: true))))
            for d in differences {
                let (a, b) = Self.shown(d, kept: kept.elder, folded: folded.elder, env: env, reveal: reveal)
                let text = s.format("elderFile.combine.difference", s["data.field.\(d.field)"], a, b)
                for part in TextWrap.lines(text, width: max(1, width - 2)) {
                    lines.append(.text(DocSegment("  " + part)))
                }
            }
        }
        return lines
    }

    /// Both values of a difference as the file shows them (codes in words, places and visitors by name).
    static func shown(_ d: ElderFold.Difference, kept: Elder, folded: Elder, env: AppEnvironment,
                      reveal: (String?, Bool) -> String) -> (String, String) {
        let s = env.strings
        func person(_ name: String, _ relation: String, _ phone: String?) -> String {
            ElderFileScreen.person(name, relation, strings: s) + (phone.map { "  " + reveal($0, false) } ?? "")
        }
        func value(_ e: Elder, _ field: String) -> String {
            switch field {
            case "name": e.name
            case "villageID": env.placeName(e.villageID)
            case "gridID": e.gridID.map { env.placeName(env.place($0)?.parentID) + "·" + env.placeName($0) } ?? ""
            case "visitorID": env.visitorName(e.visitorID)
            case "idNumber": reveal(e.idNumber, true)
            case "phone": reveal(e.phone, false)
            case "gender": e.gender.map { s["gender.\($0.rawValue)"] } ?? ""
            case "birthDate": e.birthDate?.description ?? ""
            case "ethnicity": e.ethnicity ?? ""
            case "address": e.address ?? ""
            case "disabilityDegree": e.disabilityDegree.map { s["files.disability.\($0.rawValue)"] } ?? ""
            case "livingArrangement": e.livingArrangement.map { s["files.living.\($0.rawValue)"] } ?? ""
            case "remarks": e.remarks ?? ""
            case "wishes": e.wishes ?? ""
            case "status": s["status.\(e.status.rawValue)"]
            default: ""
            }
        }
        switch d {
        case .field(let f): return (value(kept, f), value(folded, f))
        case .supporter(let a, let b): return (person(a.name, a.relation, a.phone), person(b.name, b.relation, b.phone))
        case .contact(let a, let b): return (person(a.name, a.relation, a.phone), person(b.name, b.relation, b.phone))
        }
    }
}
