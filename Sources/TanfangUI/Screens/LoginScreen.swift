import Foundation
import TanfangCore

/// The first screen: pick who is working from the list of users, then type the PIN.
///
/// Typing a number or part of a name narrows the list (and selects the first match); Enter moves
/// to the PIN field and Enter again asks the ledger to check it. Nothing but the user's id and the
/// PIN leaves this screen; the PIN is shown as dots and forgotten after each attempt.
public struct LoginScreen: Screen {
    enum Phase: Hashable, Sendable { case list, pin }

    enum Action: Hashable, Sendable { case up, down, page, enter, back }

    static let listKeymap = Keymap<Action>([
        KeyBinding([.enter], .enter, label: "key.select", help: "login.help.choose"),
        KeyBinding([.up, .down], .up, label: "key.select", help: "help.moveUpDown", showsInBar: false),
        KeyBinding([.pageUp, .pageDown, .home, .end], .page, label: "key.nextPage", help: "help.page", showsInBar: false),
        KeyBinding([.escape], .back, label: "key.quit", help: "login.help.quit"),
    ])

    static let pinKeymap = Keymap<Action>([
        KeyBinding([.enter], .enter, label: "login.key.login", help: "login.help.login"),
        KeyBinding([.escape], .back, label: "key.back", help: "login.help.backToList"),
    ])

    /// Most characters a PIN may have; more is a typing accident.
    static let pinMaxLength = 16
    /// Rows a page key moves (the screen does not know the terminal height in `handle`).
    static let pageRows = 10

    public let titleKey = "login.title"
    var users: [User]?
    /// Each user's name as pinyin initials and as full pinyin without spaces (`wlj`, `wanglijuan`),
    /// worked out at the first letter typed: the transliteration's first use costs ~80 ms, which
    /// the login frame must not wait for.
    var pinyin: [UUID: [String]] = [:]
    var filter = TextFieldState()
    var table = TableState()
    var phase = Phase.list
    var pin = TextFieldState(maxLength: LoginScreen.pinMaxLength)
    /// The user whose PIN is being typed.
    var chosen: User?
    /// Catalog key of the message shown above the list (login failed, no users…).
    var message: (key: String, args: [String])?
    var waiting = false

    public init() {}

    public var capturesText: Bool { phase == .pin }

    public func keyHints(env: AppEnvironment) -> [KeyHint] {
        (phase == .pin ? Self.pinKeymap : Self.listKeymap).hints(env.strings)
    }

    public mutating func start(env: AppEnvironment) -> [ScreenCommand] {
        users = nil
        return [.request(.users)]
    }

    /// Users matching the typed filter, with their 1-based number in the full list.
    func matches(env: AppEnvironment) -> [(number: Int, user: User)] {
        let all = (users ?? []).enumerated().map { (number: $0.offset + 1, user: $0.element) }
        let query = filter.text.trimmingCharacters(in: .whitespaces).lowercased()
        guard !query.isEmpty else { return all }
        if query.allSatisfy({ $0.isASCII && $0.isNumber }) {
            return all.filter { String($0.number).hasPrefix(query) }
        }
        let letters = query.filter { !$0.isWhitespace }
        let byPinyin = !letters.isEmpty && letters.allSatisfy { $0.isASCII && $0.isLetter }
        return all.filter { item in
            item.user.name.lowercased().contains(query)
                || (byPinyin && pinyin[item.user.id]?.contains { $0.hasPrefix(letters) } == true)
                || env.distinctPlaceName(item.user.areaID).lowercased().contains(query)
                || env.strings["role.\(item.user.role.rawValue)"].lowercased().contains(query)
        }
    }

    public mutating func handle(_ key: Key, env: AppEnvironment) -> [ScreenCommand] {
        switch phase {
        case .list: return handleList(key, env: env)
        case .pin: return handlePin(key, env: env)
        }
    }

    private mutating func handleList(_ key: Key, env: AppEnvironment) -> [ScreenCommand] {
        let count = matches(env: env).count
        if table.handle(key, rowCount: count, visibleRows: Self.pageRows) { return [] }
        switch Self.listKeymap.action(for: key) {
        case .enter:
            let list = matches(env: env)
            guard let index = table.selected, index < list.count else {
                return [.status(key: "login.noneSelected", args: [], tone: .warning)]
            }
            chosen = list[index].user
            phase = .pin
            pin = TextFieldState(maxLength: Self.pinMaxLength)
            message = nil
            return []
        case .back:
            if !filter.isEmpty {
                filter.setText("")
                table.select(0, rowCount: matches(env: env).count, visibleRows: Self.pageRows)
                return []
            }
            return [.quit]
        default:
            break
        }
        if case .char(let c) = key, filter.handle(key) {
            if c.isASCII && c.isLetter && pinyin.isEmpty, let users {
                // Every reading's initials and run-together spelling (Pinyin.searchKeys).
                pinyin = Dictionary(users.map { user in
                    let keys = Pinyin.searchKeys(user.name)
                    let spellings = keys.initials.split(separator: " ") + keys.full.split(separator: "|")
                        .map { $0.replacingOccurrences(of: " ", with: "")[...] }
                    return (user.id, spellings.map(String.init))
                }, uniquingKeysWith: { a, _ in a })
            }
            table.select(0, rowCount: matches(env: env).count, visibleRows: Self.pageRows)
        } else if key == .backspace {
            filter.backspace()
            table.select(0, rowCount: matches(env: env).count, visibleRows: Self.pageRows)
        }
        return []
    }

    private mutating func handlePin(_ key: Key, env: AppEnvironment) -> [ScreenCommand] {
        switch Self.pinKeymap.action(for: key) {
        case .enter:
            guard let user = chosen else { phase = .list; return [] }
            guard !pin.isEmpty else {
                return [.status(key: "login.pinEmpty", args: [], tone: .warning)]
            }
            guard !waiting else { return [] }
            waiting = true
            let typed = pin.text
            return [.request(.login(userID: user.id, pin: typed))]
        case .back:
            phase = .list
            message = nil
            pin = TextFieldState(maxLength: Self.pinMaxLength)
            chosen = nil
            return []
        default:
            if case .char = key {
                if !pin.insert(String(keyCharacter(key))) {
                    return [.status(key: "login.pinTooLong", args: [String(Self.pinMaxLength)], tone: .warning)]
                }
            } else {
                _ = pin.handle(key)
            }
            return []
        }
    }

    private func keyCharacter(_ key: Key) -> Character {
        if case .char(let c) = key { return c }
        return " "
    }

    public mutating func receive(_ response: DataResponse, env: AppEnvironment) -> [ScreenCommand] {
        switch response {
        case .users(let list):
            users = list
            pinyin = [:]
            message = list.isEmpty ? (key: "login.noUsers", args: []) : nil
            table.clamp(rowCount: matches(env: env).count, visibleRows: Self.pageRows)
            return []
        case .loggedIn(let user, let scope):
            waiting = false
            pin = TextFieldState(maxLength: Self.pinMaxLength)
            return [.setUser(user, scope), .replace(.roster)]
        case .loginFailed(let left):
            waiting = false
            pin = TextFieldState(maxLength: Self.pinMaxLength)
            // Said once, above the list (the status line said it a second time); the last tries are counted.
            message = left <= 2 ? (key: "login.failedLeft", args: [String(left)]) : (key: "login.failed", args: [])
            return []
        case .failed(let text):
            waiting = false
            pin = TextFieldState(maxLength: Self.pinMaxLength)
            if users == nil { users = [] }
            // (the pause, say: the count of tries left above no longer holds)
            message = nil
            return [.status(key: "status.error", args: [text], tone: .error)]
        default:
            return []
        }
    }

    // MARK: - Rendering

    func columns(env: AppEnvironment, width: Int) -> [TableColumn] {
        let s = env.strings
        let roleWidth = UserRole.allCases.map { DisplayWidth.of(s["role.\($0.rawValue)"]) }.max() ?? 4
        return [
            TableColumn(s["login.column.number"], minWidth: 4, alignment: .right),
            TableColumn(s["login.column.name"], minWidth: 8, flex: 1, maxWidth: 20),
            TableColumn(s["login.column.role"], minWidth: max(roleWidth, DisplayWidth.of(s["login.column.role"])), maxWidth: 20),
            TableColumn(s["login.column.area"], minWidth: 10, flex: 2, maxWidth: 40),
        ]
    }

    public func render(into grid: inout Grid, area: Rect, env: AppEnvironment) -> CursorPosition? {
        let s = env.strings
        guard area.height >= 4 else { return nil }
        let inner = area.insetBy(dx: 1, dy: 0)
        grid.put(s["login.prompt"], x: inner.x, y: area.y, style: Style(bold: true), maxWidth: inner.width)
        // Filter line
        let label = s["login.find"]
        let labelWidth = grid.put(label, x: inner.x, y: area.y + 1, maxWidth: inner.width)
        let fieldArea = Rect(x: inner.x + labelWidth + 1, y: area.y + 1, width: min(24, inner.width - labelWidth - 1), height: 1)
        var cursor = TextField.render(filter, into: &grid, area: fieldArea, placeholder: s["login.findHint"],
                                      focused: phase == .list && users != nil)
        if let message {
            grid.put(s.format(message.key, message.args), x: inner.x, y: area.y + 2,
                     style: Style(fg: .red, bold: true), maxWidth: inner.width)
        }
        // PIN panel at the bottom while typing it
        let panelHeight = phase == .pin ? 3 : 0
        let tableArea = Rect(x: inner.x, y: area.y + 3, width: inner.width, height: area.height - 3 - panelHeight)
        guard let users else {
            grid.put(s["status.loading"], x: inner.x, y: tableArea.y, style: Style(dim: true), maxWidth: inner.width)
            return nil
        }
        let list = matches(env: env)
        let rows = list.map { item in
            [String(item.number), item.user.name, s["role.\(item.user.role.rawValue)"], env.distinctPlaceName(item.user.areaID)]
        }
        let table = Table(columns: columns(env: env, width: tableArea.width), rows: rows,
                          emptyMessage: users.isEmpty ? s["login.noUsers"] : s["status.noResults"])
        table.render(into: &grid, area: tableArea, state: self.table)
        if phase == .pin, let chosen {
            let panel = Rect(x: inner.x, y: tableArea.maxY, width: inner.width, height: 3)
            let text = s.format("login.pinFor", chosen.name)
            let used = grid.put(text, x: panel.x, y: panel.y + 1, style: Style(bold: true), maxWidth: panel.width)
            let masked = TextFieldState(String(repeating: "•", count: pin.text.count))
            cursor = TextField.render(masked, into: &grid,
                                      area: Rect(x: panel.x + used + 1, y: panel.y + 1,
                                                 width: min(Self.pinMaxLength + 1, panel.width - used - 1), height: 1))
        }
        return cursor
    }
}
