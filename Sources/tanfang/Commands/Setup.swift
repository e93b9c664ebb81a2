import ArgumentParser
import Foundation
import TanfangCore
import TanfangIO
import TanfangStore
#if canImport(Glibc)
import Glibc
#endif

/// The terminal's settings while a PIN is typed without echo (a signal handler restores them).
nonisolated(unsafe) private var savedTerminal = termios()

/// Starting a real ledger: places from statistical codes, then logins and visitors.
struct Setup: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Set up a real ledger: its places (statistical codes), logins and visitors.",
        discussion: """
        A new ledger starts with its places, then its first login, an admin:
          tanfang setup place 654021 伊宁县 --db 台账.sqlite
          tanfang setup place 654021100 吉里于孜镇 --db 台账.sqlite
          tanfang setup places 区划代码.xlsx --db 台账.sqlite    (columns 代码 and 名称)
          tanfang setup user 周建华 --role admin --area 654021 --db 台账.sqlite
        (Without --db: $TANFANG_DB, else the default ledger; see tanfang --help.)
        Once the ledger has a login, changes need an admin's --user and --pin
        (the PIN is asked at a terminal; a script gives --pin).
        """,
        subcommands: [PlaceCommand.self, Places.self, UserCommand.self, VisitorCommand.self, List.self]
    )

    /// An admin's login, asked for once the ledger has any login.
    struct AdminOptions: ParsableArguments {
        @Option(name: .long, help: "An admin's user name (not needed while the ledger has no login).")
        var user: String?

        @Option(name: .long, help: "That admin's PIN.")
        var pin: String?

        /// The admin acting, or nil while the ledger has no login at all.
        func admin(_ ledger: Ledger, _ s: Strings) throws -> User? {
            guard !(try ledger.users().isEmpty) else { return nil }
            guard let user else { throw CLIError(s["cli.setup.needsAdmin"]) }
            let found = try Setup.login(user, pin: pin, ledger: ledger, strings: s)
            guard found.role == .admin else { throw CLIError(s.format("cli.setup.notAdmin", user)) }
            return found
        }
    }

    struct PlaceCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "place",
            abstract: "Add a county, township, village or grid by its statistical code, or rename it.",
            discussion: "6 digits: county; 9: township; 12: village; a village's 12 and 1–4 more: grid. "
                + "The 12-digit form of the national list (654021100000) is read too. Creates the ledger file if missing."
        )

        @OptionGroup var options: LedgerOptions
        @OptionGroup var admin: AdminOptions

        @Argument(help: "The statistical division code.")
        var code: String

        @Argument(help: "The name.")
        var name: String

        func run() throws {
            try Setup.addPlaces([(1, code, name)], file: nil, ctx: try Context(language: options.language),
                                options: options, admin: admin)
        }
    }

    struct Places: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add or rename places from a .csv or .xlsx with a code and a name column.",
            discussion: "Headers recognised: 代码 / 区划代码 / 统计用区划代码 / code, and 名称 / name. "
                + "Rows are added parents first; nothing is written if one row is wrong."
        )

        @OptionGroup var options: LedgerOptions
        @OptionGroup var admin: AdminOptions

        @Argument(help: "The file.")
        var file: String

        func run() throws {
            let ctx = try Context(language: options.language)
            let s = ctx.strings
            let url = URL(fileURLWithPath: file)
            let table = try CLIError.reading(file, strings: s) { try TableReader.read(url: url) }
            // The header may sit under a title row or two, as on the national list's sheets.
            func columns(_ row: [String]) -> (code: Int, name: Int)? {
                let clean = row.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
                let code = clean.firstIndex { $0 == "code" || $0.contains("代码") }
                let name = clean.firstIndex { $0 == "name" || $0.contains("名称") }
                guard let code, let name, code != name else { return nil }
                return (code, name)
            }
            guard let headerIndex = table.rows.prefix(10).firstIndex(where: { columns($0) != nil }),
                  let (codeColumn, nameColumn) = columns(table.rows[headerIndex]) else {
                throw CLIError(s.format("cli.setup.placesColumns", url.lastPathComponent))
            }
            let body = zip(table.rows, table.rowNumbers).dropFirst(headerIndex + 1)
            let entries = body.compactMap { row, line -> (Int, String, String)? in
                let code = codeColumn < row.count ? row[codeColumn] : ""
                let name = nameColumn < row.count ? row[nameColumn] : ""
                if code.trimmingCharacters(in: .whitespaces).isEmpty && name.trimmingCharacters(in: .whitespaces).isEmpty {
                    return nil
                }
                return (line, code, name)
            }
            try Setup.addPlaces(entries, file: url.lastPathComponent, ctx: ctx, options: options, admin: admin)
        }
    }

    static func addPlaces(_ entries: [(Int, String, String)], file: String?, ctx: Context, options: LedgerOptions,
                          admin: AdminOptions) throws {
        let s = ctx.strings
        let path = options.databasePath()
        let isNew = !FileManager.default.fileExists(atPath: path)
        let outcome: Ledger.PlaceSetupOutcome
        do {
            let ledger = try ctx.openLedger(path: path, create: true)
            let actor = try Setup.checked(ledger, admin: admin, strings: s)
            // An admin adds places within their own area (codes nest: a village's starts with its county's).
            if let actor, let area = try ledger.places().first(where: { $0.id == actor.areaID }) {
                for (line, text, name) in entries {
                    if let code = PlaceCode(text), !code.digits.hasPrefix(area.code) {
                        let message = s.format("cli.setup.outsideArea", "\(code.digits) \(name)", area.name)
                        throw CLIError(file.map { "\($0):\(line) \(message)" } ?? message)
                    }
                }
            }
            do {
                outcome = try ledger.setupPlaces(entries.map { (line: $0.0, code: $0.1, name: $0.2) }, by: actor?.id)
            } catch let error as LedgerError {
                // The store's arguments start with the row's line: named with the file, as imports do.
                throw CLIError(Setup.placeProblem(error, file: file, strings: s))
            } catch let several as Ledger.PlaceSetupProblems {
                throw CLIError((several.problems.map { Setup.placeProblem($0, file: file, strings: s) }
                                + [s.format("cli.setup.placesRefused", String(several.problems.count))]).joined(separator: "\n"))
            }
        } catch {
            // A first command that fails leaves no empty ledger file behind.
            if isNew { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
            throw error
        }
        if isNew { print(s.format("cli.setup.created", path)) }
        if !outcome.skippedAbove.isEmpty {
            let lines = outcome.skippedAbove.map(String.init).joined(separator: ", ")
            print(s.format("cli.setup.skippedAbove", file.map { "\($0):\(lines)" } ?? lines))
        }
        for place in outcome.added {
            print(s.format("cli.setup.placeAdded", s["place.level.\(place.level.rawValue)"], place.code, place.name))
        }
        for (old, place) in outcome.renamed {
            print(s.format("cli.setup.placeRenamed", place.code, old, place.name))
        }
        if outcome.unchanged > 0 { print(s.format("cli.setup.placesUnchanged", String(outcome.unchanged))) }
    }

    /// A refused places row as `file:line message`.
    static func placeProblem(_ error: LedgerError, file: String?, strings s: Strings) -> String {
        let message = s.format(error.messageKey, error.args)
        guard let file, let line = error.args.first, Int(line) != nil else { return message }
        return "\(file):\(line) \(message)"
    }

    /// The user `name` once their PIN checks out; the PIN is asked (without echo) when not given.
    static func login(_ name: String, pin: String?, ledger: Ledger, strings s: Strings) throws -> User {
        guard let pin = try pin ?? askPIN(s.format("cli.setup.pinPrompt", name), strings: s) else {
            throw CLIError(s.format("cli.setup.adminPINNeeded", name))
        }
        guard let found = try ledger.verifyPIN(userName: name, pin: pin) else {
            throw badLogin(name, ledger: ledger, strings: s)
        }
        return found
    }

    /// A wrong user name or PIN, with the tries left when they are the last two (the screens count
    /// them; a command line went on saying only "wrong" until the login was paused).
    static func badLogin(_ name: String, ledger: Ledger, strings s: Strings) -> CLIError {
        let left = (try? ledger.pinAttemptsLeft(userName: name)) ?? Ledger.pinAttempts
        return CLIError(left <= 2 ? s.format("data.error.badLoginLeft", name, String(left)) : s.format("data.error.badLogin", name))
    }

    /// A place from a code, or from a name only one place has.
    static func area(_ text: String, in places: [Place], strings s: Strings) throws -> Place {
        if let code = PlaceCode(text) {
            guard let place = places.first(where: { $0.code == code.digits }) else {
                throw CLIError(s.format("cli.setup.noPlace", text))
            }
            return place
        }
        var matches = places.filter { $0.name == text }
        // 墩麻扎镇 团结村: a village named with its township, as roster files do.
        if matches.isEmpty { matches = VillageLookup(places).matches(text) }
        guard let place = matches.first else { throw CLIError(s.format("cli.setup.noPlace", text)) }
        guard matches.count == 1 else {
            throw CLIError(s.format("cli.setup.placeAmbiguous", text, matches.map(\.code).joined(separator: ", ")))
        }
        return place
    }

    /// A phone given on the command line, as its digits; nil when none was given.
    static func phone(_ text: String?, strings s: Strings) throws -> String? {
        guard let text, !text.trimmingCharacters(in: .whitespaces).isEmpty else { return nil }
        guard let digits = RosterValues.checkedPhone(text) else { throw CLIError(s.format("cli.setup.badPhone", text)) }
        return digits
    }

    /// A role typed as its English name or its Chinese one.
    static func userRole(_ text: String, strings s: Strings) throws -> UserRole {
        let aliases: [String: UserRole] = [
            "clerk": .clerk, "gridworker": .gridWorker, "grid-worker": .gridWorker, "grid": .gridWorker,
            "supervisor": .supervisor, "admin": .admin, "文书": .clerk, "村委会文书": .clerk, "网格员": .gridWorker,
            "督导": .supervisor, "民政": .supervisor, "督导(民政)": .supervisor, "管理员": .admin,
        ]
        guard let role = aliases[text.lowercased()] else { throw CLIError(s.format("cli.setup.badRole", text)) }
        return role
    }

    static func visitorRole(_ text: String, strings s: Strings) throws -> VisitorRole {
        if let role = VisitorRole.allCases.first(where: {
            $0.rawValue.lowercased() == text.lowercased() || s["visitorRole.\($0.rawValue)"] == text
        }) {
            return role
        }
        let names = VisitorRole.allCases.map { "\($0.rawValue) (\(s["visitorRole.\($0.rawValue)"]))" }
        throw CLIError(s.format("cli.setup.badVisitorRole", text, names.joined(separator: ", ")))
    }

    struct UserCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "user",
            abstract: "Add a login, or change one's role, area or PIN.",
            discussion: """
            Roles: clerk (村委会文书, a village), gridWorker (网格员, a village or grid; a visitor record \
            of the same name is made for the elders assigned to them), supervisor (督导, a township or \
            county), admin (管理员). The ledger's first login must be an admin. Without --new-pin the PIN \
            is asked twice on the terminal.
            """
        )

        @OptionGroup var options: LedgerOptions
        @OptionGroup var admin: AdminOptions

        @Argument(help: "The user's name, as chosen at login.")
        var name: String

        @Option(name: .long, help: "clerk, gridWorker, supervisor or admin (or 文书, 网格员, 督导, 管理员); with --change, kept when left out.")
        var role: String?

        @Option(name: .long, help: "The statistical code or name of their village, township or county; with --change, kept when left out.")
        var area: String?

        @Option(name: .customLong("new-pin"), help: "The user's PIN (at least 4 characters); asked when left out.")
        var newPIN: String?

        @Option(name: .long, help: "A grid worker's phone, for the visitor record made for them.")
        var phone: String?

        @Flag(name: .long, help: "Change an existing user (role, area, PIN) rather than add one.")
        var change = false

        func run() throws {
            let ctx = try Context(language: options.language)
            let s = ctx.strings
            let ledger = try ctx.openLedger(path: options.databasePath())
            let actor = try Setup.checked(ledger, admin: admin, strings: s)
            let name = name.trimmingCharacters(in: .whitespaces)
            let places = try ledger.places()
            let existing = try ledger.user(named: name)
            // A change may give only what changes (a new PIN, say); a new user needs both.
            guard let roleText = role ?? (change ? existing?.role.rawValue : nil),
                  let areaText = area ?? (change ? existing.flatMap { e in places.first { $0.id == e.areaID }?.code } : nil)
            else { throw CLIError(s["cli.setup.roleAndArea"]) }
            let role = try Setup.userRole(roleText, strings: s)
            let place = try Setup.area(areaText, in: places, strings: s)
            if actor == nil && role != .admin { throw CLIError(s["cli.setup.firstAdmin"]) }
            // Adding and changing are told apart: two people of one name must not merge silently.
            if let existing, !change {
                let at = places.first { $0.id == existing.areaID }?.name ?? "?"
                throw CLIError(s.format("cli.setup.userExists", name, s["role.\(existing.role.rawValue)"], at))
            }
            if existing == nil && change { throw CLIError(s.format("cli.setup.noUser", name)) }
            if let actor, let adminArea = places.first(where: { $0.id == actor.areaID }) {
                // Both where the user goes and where they are now must be the admin's.
                for target in [place.id] + (existing.map { [$0.areaID] } ?? []) where
                    !Ledger.place(target, isWithin: adminArea.id, places: places) {
                    let targetName = places.first { $0.id == target }?.name ?? "?"
                    throw CLIError(s.format("cli.setup.outsideArea", targetName, adminArea.name))
                }
            }
            let allowed: [PlaceLevel] = switch role {
            case .clerk: [.village]
            case .gridWorker: [.village, .grid]
            case .supervisor, .admin: [.county, .township]
            }
            guard allowed.contains(place.level) else {
                throw CLIError(s.format("cli.setup.areaLevel", s["role.\(role.rawValue)"],
                                        allowed.map { s["place.level.\($0.rawValue)"] }.joined(separator: s["cli.setup.or"])))
            }
            let checkedPhone = try Setup.phone(phone, strings: s)
            let existed = existing != nil
            var pin = newPIN
            if pin == nil && !existed { pin = try Setup.askNewPIN(for: name, strings: s) }
            do {
                let user = try ledger.setupUser(name: name, role: role, areaID: place.id, pin: pin, phone: checkedPhone,
                                                by: actor?.id)
                print(s.format(existed ? "cli.setup.userChanged" : "cli.setup.userAdded", user.name,
                               s["role.\(role.rawValue)"], place.name))
            } catch let error as LedgerError {
                throw CLIError(s.format(error.messageKey, error.args))
            }
        }
    }

    /// A new user's PIN typed twice without echo; refused when not on a terminal.
    static func askNewPIN(for name: String, strings s: Strings) throws -> String {
        guard let first = try askPIN(s.format("cli.setup.pinPrompt", name), strings: s) else {
            throw CLIError(s["cli.setup.pinNeeded"])
        }
        if !Ledger.isAcceptablePIN(first) {
            throw CLIError(s.format("store.error.pinTooShort", String(Ledger.minimumPINLength)))
        }
        guard try askPIN(s["cli.setup.pinAgain"], strings: s) == first else { throw CLIError(s["cli.setup.pinMismatch"]) }
        return first
    }

    /// A PIN typed on the terminal without echo; nil when not on a terminal. Ctrl-C while typing
    /// puts the echo back before the process ends.
    static func askPIN(_ prompt: String, strings s: Strings) throws -> String? {
        guard isatty(STDIN_FILENO) != 0 else { return nil }
        StandardError.write(prompt)
        tcgetattr(STDIN_FILENO, &savedTerminal)
        var quiet = savedTerminal
        quiet.c_lflag &= ~tcflag_t(ECHO)
        let previous = signal(SIGINT) { sig in
            tcsetattr(STDIN_FILENO, TCSANOW, &savedTerminal)
            signal(sig, SIG_DFL)
            raise(sig)
        }
        tcsetattr(STDIN_FILENO, TCSANOW, &quiet)
        defer {
            tcsetattr(STDIN_FILENO, TCSANOW, &savedTerminal)
            signal(SIGINT, previous)
            StandardError.write("\n")
        }
        return readLine() ?? ""
    }

    /// The ledger's admin acting (nil while it has no login), after refusing a demo ledger.
    static func checked(_ ledger: Ledger, admin: AdminOptions, strings s: Strings) throws -> User? {
        if try ledger.isDemo() { throw CLIError(s["cli.setup.demoLedger"]) }
        return try admin.admin(ledger, s)
    }

    struct VisitorCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "visitor",
            abstract: "Add someone who makes visits (a family doctor, a volunteer…), to choose on visit sheets."
        )

        @OptionGroup var options: LedgerOptions
        @OptionGroup var admin: AdminOptions

        @Argument(help: "The visitor's name.")
        var name: String

        @Option(name: .long, help: ArgumentHelp(stringLiteral: "villageCadre, gridWorker, socialWorker, volunteer, "
                    + "familyDoctor, careWorker, propertyStaff, partyMember, youngerElder or relativeNeighbour "
                    + "(or the Chinese name)."))
        var role: String

        @Option(name: .long, help: "The statistical code or name of the village (or township) they work in.")
        var area: String

        @Option(name: .long, help: "Their phone.")
        var phone: String?

        func run() throws {
            let ctx = try Context(language: options.language)
            let s = ctx.strings
            let ledger = try ctx.openLedger(path: options.databasePath())
            let actor = try Setup.checked(ledger, admin: admin, strings: s)
            let role = try Setup.visitorRole(role, strings: s)
            let name = name.trimmingCharacters(in: .whitespaces)
            let places = try ledger.places()
            let place = try Setup.area(area, in: places, strings: s)
            if let actor, let adminArea = places.first(where: { $0.id == actor.areaID }),
               !Ledger.place(place.id, isWithin: adminArea.id, places: places) {
                throw CLIError(s.format("cli.setup.outsideArea", place.name, adminArea.name))
            }
            if try ledger.visitors().contains(where: { $0.name == name && $0.placeID == place.id }) {
                throw CLIError(s.format("cli.setup.visitorExists", name, place.name))
            }
            let checkedPhone = try Setup.phone(phone, strings: s)
            do {
                try ledger.saveVisitor(Visitor(name: name, role: role, phone: checkedPhone, placeID: place.id), by: actor?.id)
            } catch let error as LedgerError {
                throw CLIError(s.format(error.messageKey, error.args))
            }
            print(s.format("cli.setup.visitorAdded", name, s["visitorRole.\(role.rawValue)"], place.name))
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The ledger's places, logins and visitors."
        )

        @OptionGroup var options: LedgerOptions

        func run() throws {
            let ctx = try Context(language: options.language)
            let s = ctx.strings
            let ledger = try ctx.openLedger(path: options.databasePath())
            let places = try ledger.places()
            let byID = Dictionary(places.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
            var children: [UUID?: [Place]] = [:]
            for p in places { children[p.parentID.flatMap { byID[$0] == nil ? nil : $0 }, default: []].append(p) }
            print(s["cli.setup.listPlaces"])
            func show(_ parent: UUID?, depth: Int) {
                for p in (children[parent] ?? []).sorted(by: { $0.code < $1.code }) {
                    print(String(repeating: "  ", count: depth + 1) + "\(p.code)  \(p.name)")
                    show(p.id, depth: depth + 1)
                }
            }
            show(nil, depth: 0)
            print("")
            // With its code: two villages may share a name (团结村), the code tells them apart.
            func area(_ id: UUID?) -> String? { id.flatMap { byID[$0] }.map { "\($0.name) \($0.code)" } }
            print(s["cli.setup.listUsers"])
            let users = try ledger.users().sorted { ($0.role.rawValue, $0.name) < ($1.role.rawValue, $1.name) }
            print(TextTable.render(header: ["", s["cli.setup.name"], s["cli.setup.role"], s["cli.setup.area"]],
                                   rows: users.map { ["", $0.name, s["role.\($0.role.rawValue)"], area($0.areaID) ?? "?"] }))
            print("")
            print(s["cli.setup.listVisitors"])
            let visitors = try ledger.visitors().sorted { ($0.placeID?.uuidString ?? "", $0.name) < ($1.placeID?.uuidString ?? "", $1.name) }
            print(TextTable.render(header: ["", s["cli.setup.name"], s["cli.setup.role"], s["cli.setup.area"]],
                                   rows: visitors.map {
                                       ["", $0.name, s["visitorRole.\($0.role.rawValue)"], area($0.placeID) ?? "—"]
                                   }))
        }
    }
}
