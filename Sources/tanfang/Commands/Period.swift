import ArgumentParser
import Foundation
import TanfangCore
import TanfangIO
import TanfangStore

/// Special periods (特殊时期, DOMAIN.md §4): a cold wave, a heat wave, a festival, an epidemic, when
/// the elders it covers are owed a visit at least every N days. Declared by a supervisor or an
/// admin for the villages of their area; every covered elder's due date follows at once.
struct Period: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Special periods (cold wave, festival, epidemic…): visits at least every N days while they last.",
        discussion: """
        tanfang period add 2027年春节 --kind festival --every 7 \\
            --from 2027-02-05 --to 2027-02-12 --category 独居,特困 \\
            --user 李红梅 --db 台账.sqlite
        tanfang period list --db 台账.sqlite
        tanfang period end 2027年春节 --last-day 2027-02-10 \\
            --user 李红梅 --db 台账.sqlite
        Without --village a period covers every village of the user's area.
        The PIN is asked at a terminal; a script gives --pin.
        """,
        subcommands: [Add.self, List.self, End.self]
    )

    /// The supervisor or admin declaring a period.
    struct Login: ParsableArguments {
        @Option(name: .long, help: "A supervisor's or admin's user name.")
        var user: String

        @Option(name: .long, help: "That user's PIN (asked when left out).")
        var pin: String?

        func actor(_ ledger: Ledger, _ s: Strings) throws -> User {
            let found = try Setup.login(user, pin: pin, ledger: ledger, strings: s)
            guard found.role == .supervisor || found.role == .admin else {
                throw CLIError(s.format("cli.period.notAllowed", user, s["role.\(found.role.rawValue)"]))
            }
            return found
        }
    }

    /// A login over the ledger's top place (the county): its periods may cover every village.
    static func overWholeLedger(_ user: User, places: [Place]) -> Bool {
        places.first { $0.id == user.areaID }.map { $0.parentID == nil } ?? false
    }

    static func date(_ text: String, option: String, strings s: Strings) throws -> LocalDate {
        guard let date = LocalDate(text.trimmingCharacters(in: .whitespaces)) else {
            throw CLIError(s.format("cli.period.badDate", option, text))
        }
        return date
    }

    static func kind(_ text: String, strings s: Strings) throws -> SpecialPeriod.Kind {
        // The Chinese names are read whatever the language of the messages (--lang en with 其他).
        let aliases: [String: SpecialPeriod.Kind] = [
            "寒潮": .coldWave, "高温": .heatWave, "传统节日": .festival, "疫情": .epidemic, "其他": .other,
            "低温": .coldWave, "降温": .coldWave, "暴雪": .coldWave, "酷暑": .heatWave, "节日": .festival, "春节": .festival,
            "中秋": .festival, "重阳": .festival, "重阳节": .festival, "疫情防控": .epidemic, "其它": .other,
        ]
        if let kind = SpecialPeriod.Kind.allCases.first(where: {
            $0.rawValue.lowercased() == text.lowercased() || s["period.kind.\($0.rawValue)"] == text
        }) ?? aliases[text] {
            return kind
        }
        let names = SpecialPeriod.Kind.allCases.map { "\($0.rawValue) (\(s["period.kind.\($0.rawValue)"]))" }
        throw CLIError(s.format("cli.period.badKind", text, names.joined(separator: ", ")))
    }

    /// Categories as the roster names them (独居, 分散供养特困…), by their labels in either language
    /// (Living alone) or their codes, separated by , 、 ， or ; and given once or repeated.
    /// 高龄 (advancedAge) is named like the categories and given apart: it comes from the birth date.
    static func categories(_ texts: [String], strings s: Strings, resources: URL) throws
        -> (categories: Set<TanfangCore.Category>, advancedAge: Bool) {
        // Labels in both languages: a command line copied from an English help reads the same.
        let catalogs = [Language.zhHans, .en].compactMap { try? Strings.load($0, resources: resources) }
        var out: Set<TanfangCore.Category> = []
        var advancedAge = false
        for item in texts.flatMap({ $0.split(whereSeparator: { ",，、;；".contains($0) }) }) {
            let word = item.trimmingCharacters(in: .whitespaces)
            guard !word.isEmpty else { continue }
            let aged = ["advancedAge", "高龄", "高龄老人"] + catalogs.map { $0["category.advancedAge"] }
            if aged.contains(where: { $0.lowercased() == word.lowercased() }) {
                advancedAge = true
                continue
            }
            if let category = TanfangCore.Category.allCases.first(where: { c in
                ([c.rawValue] + catalogs.map { $0["category.\(c.rawValue)"] }).contains { $0.lowercased() == word.lowercased() }
            }) {
                out.insert(category)
                continue
            }
            let (found, unknown) = RosterValues.categories(word)
            guard unknown.isEmpty, !found.isEmpty else {
                let names = (TanfangCore.Category.allCases.map { s["category.\($0.rawValue)"] } + [s["category.advancedAge"]])
                    .joined(separator: s["files.listSeparator"])
                throw CLIError(s.format("cli.period.badCategory", word, names))
            }
            out.formUnion(found)
        }
        return (out, advancedAge)
    }

    /// One line per special period in force on `today`, saying why some visits come due early
    /// (under the due list and the red-flag list).
    static func inForceLines(ledger: Ledger, today: LocalDate, scope: AccessScope = .everything,
                             strings s: Strings) throws -> [String] {
        let periods = try ledger.specialPeriods().filter { $0.inForce(on: today, within: scope) }
        guard !periods.isEmpty else { return [] }
        let places = Dictionary(try ledger.places().map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        return periods.map { s.format("cli.due.period", $0.name, describe($0, places: places, strings: s)) }
    }

    /// "2027-02-05 至 2027-02-12，每 7 天至少探访一次；独居、特困；3 个村" for a period.
    static func describe(_ p: SpecialPeriod, places: [UUID: Place], strings s: Strings) -> String {
        let named = p.categories.sorted().map { s["category.\($0.rawValue)"] } + (p.advancedAge ? [s["category.advancedAge"]] : [])
        let who = named.isEmpty ? s["cli.period.allCategories"] : named.joined(separator: s["files.listSeparator"])
        let villages = p.villageIDs.compactMap { places[$0] }.sorted { $0.code < $1.code }
        // A name two villages share is told apart by its township (巴扎镇·团结村), as on the screens.
        let names = villages.map { v in
            places.values.contains { $0.name == v.name && $0.id != v.id }
                ? (v.parentID.flatMap { places[$0] }.map { $0.name + "·" } ?? "") + v.name : v.name
        }
        let whereText = p.villageIDs.isEmpty ? s["cli.period.allVillages"]
            : villages.count <= 3 ? names.joined(separator: s["files.listSeparator"])
            : s.format("cli.period.villageCount", String(p.villageIDs.count))
        return s.format("cli.period.describe", p.from.description, p.to.description, String(p.intervalDays), who, whereText)
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Declare a special period: while it lasts the elders it covers are owed a visit every N days."
        )

        @OptionGroup var options: LedgerOptions
        @OptionGroup var login: Login

        @Argument(help: "Its name, e.g. 2026年12月寒潮.")
        var name: String

        @Option(name: .long, help: "coldWave, heatWave, festival, epidemic or other (or 寒潮, 高温, 传统节日, 疫情, 其他).")
        var kind: String

        @Option(name: .long, help: "First day, YYYY-MM-DD.")
        var from: String

        @Option(name: .long, help: "Last day, YYYY-MM-DD.")
        var to: String

        @Option(name: .long, help: "At most this many days between visits (1 = daily).")
        var every: Int

        @Option(name: .long, help: "Only elders of these categories, e.g. 独居,特困,高龄 (高龄: 80 or older; repeatable; default: every category).")
        var category: [String] = []

        @Option(name: .long, help: "A village (name or code) in the user's area; repeat for more (default: all of them).")
        var village: [String] = []

        func run() throws {
            let ctx = try Context(language: options.language)
            let s = ctx.strings
            let ledger = try ctx.openCurrentLedger(path: options.databasePath())
            let actor = try login.actor(ledger, s)
            let name = name.trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty else { throw CLIError(s["cli.period.nameEmpty"]) }
            let from = try Period.date(from, option: "--from", strings: s)
            let to = try Period.date(to, option: "--to", strings: s)
            guard from <= to else { throw CLIError(s.format("cli.period.endsBeforeStart", to.description, from.description)) }
            guard to >= ctx.today else { throw CLIError(s.format("cli.period.alreadyOver", to.description)) }
            // Declared late, it would make elders overdue for days already gone (visits owed then that
            // nobody could have known of).
            guard from >= ctx.today else {
                throw CLIError(s.format("cli.period.startPassed", from.description, ctx.today.description))
            }
            guard every >= 1 else { throw CLIError(s["cli.period.badEvery"]) }
            // A period only tightens: one looser than a visit a month would change nobody's due date.
            guard every <= 30 else { throw CLIError(s.format("cli.period.everyTooLong", String(every))) }
            let places = try ledger.places()
            let byID = Dictionary(places.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
            let scope = try ledger.scope(for: actor)
            var villages: Set<UUID> = []
            for text in village {
                let place = try Setup.area(text, in: places.filter { $0.level == .village }, strings: s)
                if let allowed = scope.villageIDs, !allowed.contains(place.id) {
                    throw CLIError(s.format("cli.period.villageOutside", place.name, byID[actor.areaID]?.name ?? "?"))
                }
                villages.insert(place.id)
            }
            // Without --village: the user's whole area; for a login over the whole ledger (its top place),
            // none named (all), so that a village added later is covered too.
            if villages.isEmpty, !Period.overWholeLedger(actor, places: places), let allowed = scope.villageIDs {
                villages = allowed
            }
            if try ledger.specialPeriods().contains(where: { $0.name == name && $0.to >= ctx.today }) {
                throw CLIError(s.format("cli.period.exists", name))
            }
            let groups = try Period.categories(category, strings: s, resources: ctx.resources)
            let period = SpecialPeriod(name: name, kind: try Period.kind(kind, strings: s), from: from, to: to,
                                       intervalDays: every, categories: groups.categories, advancedAge: groups.advancedAge,
                                       villageIDs: villages)
            do {
                try ledger.saveSpecialPeriod(period, by: actor.id, today: ctx.today)
            } catch let error as LedgerError {
                throw CLIError(s.format(error.messageKey, error.args))
            }
            let covered = try ledger.roster(RosterQuery(scope: scope, status: .active, limit: Int.max, today: ctx.today,
                                                        detail: .listing)).rows.count { period.covers($0.elder) }
            print(s.format("cli.period.added", name, Period.describe(period, places: byID, strings: s), String(covered),
                           s["period.kind.\(period.kind.rawValue)"]))
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The special periods, newest first.")

        @OptionGroup var options: LedgerOptions

        func run() throws {
            let ctx = try Context(language: options.language)
            let s = ctx.strings
            let ledger = try ctx.openLedgerToRead(path: options.databasePath())
            let periods = try ledger.specialPeriods().sorted { ($0.from, $0.name) > ($1.from, $1.name) }
            guard !periods.isEmpty else {
                print(s["cli.period.none"])
                return
            }
            let places = Dictionary(try ledger.places().map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
            let rows = periods.map { p -> [String] in
                let state = p.to < ctx.today ? "cli.period.over" : p.from > ctx.today ? "cli.period.coming" : "cli.period.now"
                return [p.name, s["period.kind.\(p.kind.rawValue)"], s[state], Period.describe(p, places: places, strings: s)]
            }
            print(TextTable.render(header: ["cli.period.col.name", "cli.period.col.kind", "cli.period.col.state",
                                            "cli.period.col.rule"].map { s[$0] }, rows: rows))
        }
    }

    struct End: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "End a special period: over from today (or after --last-day); one not yet begun is withdrawn."
        )

        @OptionGroup var options: LedgerOptions
        @OptionGroup var login: Login

        @Argument(help: "The period's name.")
        var name: String

        @Option(name: .customLong("last-day"), help: "Its last day in force, YYYY-MM-DD (default: yesterday: over from today).")
        var lastDay: String?

        func run() throws {
            let ctx = try Context(language: options.language)
            let s = ctx.strings
            let ledger = try ctx.openCurrentLedger(path: options.databasePath())
            let actor = try login.actor(ledger, s)
            let last = try lastDay.map { try Period.date($0, option: "--last-day", strings: s) } ?? ctx.today.adding(days: -1)
            let candidates = try ledger.specialPeriods().filter { $0.name == name && $0.to >= ctx.today }
            guard var period = candidates.first else { throw CLIError(s.format("cli.period.notFound", name)) }
            guard candidates.count == 1 else { throw CLIError(s.format("cli.period.ambiguous", name)) }
            // Only the areas the user may declare for: a township cannot end the county's period.
            let scope = try ledger.scope(for: actor)
            if !Period.overWholeLedger(actor, places: try ledger.places()), let allowed = scope.villageIDs,
               period.villageIDs.isEmpty || !period.villageIDs.isSubset(of: allowed) {
                throw CLIError(s.format("cli.period.notYours", name))
            }
            guard last < period.to else {
                throw CLIError(s.format("cli.period.endOutside", last.description, period.to.description))
            }
            do {
                if last < period.from {
                    // One already in force keeps its past: the days it applied were owed as it said.
                    guard period.from >= ctx.today else {
                        throw CLIError(s.format("cli.period.inForceSince", name, period.from.description))
                    }
                    // A last day given before the first is a slip, not a withdrawal.
                    if lastDay != nil {
                        throw CLIError(s.format("cli.period.endBeforeStart", last.description, period.from.description))
                    }
                    // Never in force on a day gone by: withdrawn (the audit keeps it).
                    try ledger.removeSpecialPeriod(id: period.id, by: actor.id, today: ctx.today)
                    print(s.format(period.from == ctx.today ? "cli.period.withdrawnToday" : "cli.period.withdrawn", name))
                    return
                }
                period.to = last
                try ledger.saveSpecialPeriod(period, by: actor.id, today: ctx.today)
            } catch let error as LedgerError {
                throw CLIError(s.format(error.messageKey, error.args))
            }
            print(s.format("cli.period.ended", name, last.description))
        }
    }
}
