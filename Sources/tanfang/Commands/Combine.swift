import ArgumentParser
import Foundation
import TanfangCore
import TanfangStore

struct Combine: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Combine the records of one person entered twice (the same ID number) into one.",
        discussion: """
        A county list imported and then the villages' ledgers merged gives every elder two records. \
        For each ID number held by two or more records, the record with the most visits is kept (then \
        the most follow-ups, then the first entered); the others' visits, follow-ups, categories, \
        sources and the fields the kept record lacks go into it, and they are removed (their content \
        stays in the audit trail). Values both give differently keep the kept record's and are listed. \
        A later merge of a village ledger that still has a removed record puts its rows on the kept \
        one. Records without ID numbers (same name and birth date) are combined one by one in the \
        elder file (key m). Run with --dry-run first.
        """
    )

    @OptionGroup var options: LedgerOptions

    @Option(name: .long, help: "Only records of this township or village (name or division code).")
    var area: String?

    @Flag(name: .long, help: "List what would be combined, but write nothing.")
    var dryRun = false

    @Flag(name: .long, help: "Print JSON.")
    var json = false

    struct Line: Encodable {
        struct Difference: Encodable { let field: String; let kept: String; let folded: String }
        let keptID: UUID
        let foldedID: UUID
        let name: String
        let keptVillage: String
        let foldedVillage: String
        let visits: Int
        let followUps: Int
        let differences: [Difference]
        let categoriesAdded: [String]
    }

    func run() throws {
        let ctx = try Context(language: options.language)
        let s = ctx.strings
        let ledger = try ctx.openLedger(path: options.databasePath())
        let places = try ledger.places()
        let scope = try area.map { try ByName.area($0, in: places, strings: s) } ?? .everything
        let outcomes = try ledger.combineAll(villages: scope.villageIDs, by: nil, today: ctx.today, dryRun: dryRun)
        let names = Dictionary(places.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        let lines = outcomes.map { o in
            Line(keptID: o.kept.id, foldedID: o.folded.id, name: o.kept.name,
                 keptVillage: names[o.kept.villageID] ?? "", foldedVillage: names[o.folded.villageID] ?? "",
                 visits: o.visits, followUps: o.followUps,
                 differences: o.shownDifferences.map { Line.Difference(field: $0.field, kept: $0.kept, folded: $0.folded) },
                 categoriesAdded: TanfangCore.Category.allCases.filter(o.categoriesAdded.contains).map(\.rawValue))
        }
        if json {
            try JSONOutput.print(lines)
            return
        }
        for l in lines {
            print(s.format("cli.combine.line", l.name, l.keptVillage, l.foldedVillage, String(l.visits), String(l.followUps)))
            for d in l.differences {
                print(s.format("cli.combine.difference", s["data.field.\(d.field)"], s.elderFieldValue(d.field, d.kept),
                               s.elderFieldValue(d.field, d.folded)))
            }
            if !l.categoriesAdded.isEmpty {
                print(s.format("cli.combine.categories", l.categoriesAdded.map { s["category.\($0)"] }
                    .joined(separator: s["files.listSeparator"])))
            }
        }
        if lines.isEmpty {
            print(s["cli.combine.none"])
        } else {
            print(s.format(dryRun ? "cli.combine.dryRun" : "cli.combine.done", String(lines.count),
                           String(Set(lines.map(\.keptID)).count)))
        }
        // What is left for a person to decide: said, with where to do it.
        let left = try ledger.combineLeftovers(villages: scope.villageIDs)
        let comma = s["data.merge.comma"]
        if !left.outsideArea.isEmpty {
            print(s.format("cli.combine.outsideArea", String(left.outsideArea.count), left.outsideArea.joined(separator: comma)))
        }
        if !left.heldByDrafts.isEmpty {
            print(s.format("cli.combine.heldByDrafts", String(left.heldByDrafts.count), left.heldByDrafts.joined(separator: comma)))
        }
        if left.withoutIDNumber > 0 { print(s.format("cli.combine.withoutIDNumber", String(left.withoutIDNumber))) }
    }
}
