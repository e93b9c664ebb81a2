import Foundation
import TanfangCore

/// The whole workstation as one `Program`: a stack of screens with the chrome around them
/// (title bar, status line, key bar, help page) and global keys.
///
/// Effects are the screens' `DataRequest`s; each `DataResponse` goes to the screen on top.
/// Global keys: F1 (or `?` when no text field has focus) help; F2 roster, F3 follow-ups,
/// F4 red flags, F5 monthly rates (when no text field has focus; Esc goes back from them to the
/// roster); Ctrl-Q quit.
public struct AppModel: Program {
    public typealias Effect = DataRequest
    public typealias EffectResult = DataResponse

    public private(set) var env: AppEnvironment
    public private(set) var stack: [any Screen]
    public private(set) var status: (text: String, tone: StatusTone)?
    public private(set) var showingHelp = false
    /// The first row of the help page shown, when it is longer than the screen (English at 80×24).
    public private(set) var helpOffset = 0
    public private(set) var wantsQuit = false
    /// Esc left the last screen after login: one more Esc quits, any other key stays.
    public private(set) var confirmingQuit = false
    /// Ctrl-Q was pressed with unsaved work on a screen (`unsavedOnQuitKey`): a second one quits.
    public private(set) var confirmingUnsavedQuit = false
    private var started = false
    private let makeScreen: @Sendable (Destination, AppEnvironment) -> any Screen

    /// The wall clock, read at every key so that `env.now` (a new sheet's time, "later than now"
    /// checks) is the time of the key, not of the start; nil keeps `env.now` as given (tests).
    private let clock: (@Sendable () -> LocalDateTime)?

    public init(env: AppEnvironment, first: Destination = .login,
                clock: (@Sendable () -> LocalDateTime)? = nil,
                makeScreen: @escaping @Sendable (Destination, AppEnvironment) -> any Screen) {
        self.env = env
        self.clock = clock
        self.makeScreen = makeScreen
        self.stack = [makeScreen(first, env)]
        if let taken = env.backupTakenAt { status = (env.strings.format("app.backupCopy.warning", taken), .warning) }
    }

    /// Ticks change nothing here (status messages stay until the next key).
    public var wantsTicks: Bool { false }

    /// The screen on top.
    public var top: any Screen { stack[stack.count - 1] }


    public mutating func update(_ event: ProgramEvent) -> [DataRequest] {
        switch event {
        case .resize(let width, let height):
            env.areaWidth = width
            env.areaHeight = max(0, height - 3)
            // The runner's first event: start the first screen (its loads).
            guard !started else { return [] }
            started = true
            return startTop()
        case .tick:
            return []
        case .key(let key):
            // Past midnight with the workstation open (village computers stay logged in overnight), the
            // first key starts the new day: its dates, and the due states brought to it first. A visit
            // typed in the morning was dated the evening before, and the roster and F4 disagreed.
            if let clock {
                let t = clock()
                if t.date == env.today {
                    env.now = t
                } else if t.date > env.today {
                    env.today = t.date
                    env.now = t
                    // A list on screen (the roster's counts, the follow-up queue) is read again for the new day.
                    var screen = stack.removeLast()
                    let commands = screen.dayChanged(env: env)
                    stack.append(screen)
                    let reload = apply(commands)
                    let requests = handleKey(key)
                    if status == nil { status = (env.strings.format("app.newDay", t.date.description), .info) }
                    return [.newDay(t.date)] + reload + requests
                }
            }
            return handleKey(key)
        }
    }

    private mutating func handleKey(_ key: Key) -> [DataRequest] {
        if showingHelp {
            // A help page longer than the screen scrolls; any other key closes it.
            let page = helpPage(top.keyHints(env: env), width: env.areaWidth)
            let visible = max(1, env.areaHeight - 3)
            let last = max(0, page.rows.count - visible)
            if last > 0, [.down, .up, .pageDown, .pageUp, .home, .end].contains(key) {
                switch key {
                case .down: helpOffset = min(last, helpOffset + 1)
                case .up: helpOffset = max(0, helpOffset - 1)
                case .pageDown: helpOffset = min(last, helpOffset + visible)
                case .pageUp: helpOffset = max(0, helpOffset - visible)
                case .home: helpOffset = 0
                default: helpOffset = last
                }
                return []
            }
            showingHelp = false
            // Esc, Enter, space or F1 only close it; another key also does what it does (a
            // digit typed after reading the help went nowhere).
            if [.escape, .enter, .char(" "), .function(1), .char("?")].contains(key) { return [] }
        }
        if key != .ctrl("q"), confirmingUnsavedQuit {
            confirmingUnsavedQuit = false
            status = nil
            // "Any other key goes on typing": that key only takes the question away (an `a`
            // was typed into the note); Ctrl-S and F10 save, as the question says.
            if key != .ctrl("s") && key != .function(10) { return [] }
        }
        if confirmingQuit {
            confirmingQuit = false
            status = nil
            if key == .escape {
                wantsQuit = true
                return []
            }
        }
        switch key {
        case .function(1):
            showingHelp = true
            helpOffset = 0
            return []
        case .ctrl("q"):
            if !confirmingUnsavedQuit, let key = stack.lazy.compactMap(\.unsavedOnQuitKey).last {
                confirmingUnsavedQuit = true
                status = (env.strings[key], .warning)
                return []
            }
            wantsQuit = true
            // What the screens still hold (a field typed but not yet committed) is saved first;
            // only their requests are kept: nothing opens or goes back on the way out.
            var requests: [DataRequest] = []
            for i in stack.indices {
                var screen = stack[i]
                for case .request(let r) in screen.willQuit(env: env) { requests.append(r) }
                stack[i] = screen
            }
            return requests
        case .char("?") where !top.capturesText:
            showingHelp = true
            helpOffset = 0
            return []
        case .function(let n) where (2...5).contains(n) && !top.capturesText && env.user != nil:
            let target: Destination = [2: .roster, 3: .followUps(elderID: nil), 4: .redFlags, 5: .monthly(nil)][n]!
            return navigate(resetTo: target)
        default:
            status = nil
            var screen = stack.removeLast()
            let commands = screen.handle(key, env: env)
            stack.append(screen)
            return apply(commands)
        }
    }

    public mutating func receive(_ response: DataResponse) -> [DataRequest] {
        var screen = stack.removeLast()
        let commands = screen.receive(response, env: env)
        stack.append(screen)
        return apply(commands)
    }

    /// Carries out screen commands; returns the data requests among them (and those of screens started).
    private mutating func apply(_ commands: [ScreenCommand]) -> [DataRequest] {
        var requests: [DataRequest] = []
        for command in commands {
            switch command {
            case .request(let r):
                requests.append(r)
            case .open(let d):
                stack.append(makeScreen(d, env))
                requests += startTop()
            case .replace(let d):
                stack.removeLast()
                stack.append(makeScreen(d, env))
                requests += startTop()
            case .openFromRoot(let d):
                stack.removeSubrange(min(1, stack.count)...)
                stack.append(makeScreen(d, env))
                requests += startTop()
            case .back:
                if stack.count > 1 {
                    stack.removeLast()
                    requests += startTop()
                } else if env.user != nil {
                    // Back from the roster would close the workstation: a stray Esc (they are
                    // pressed often, to leave a search or a form) asks first.
                    confirmingQuit = true
                    status = (env.strings["app.confirmQuit"], .warning)
                } else {
                    wantsQuit = true
                }
            case .status(let key, let args, let tone):
                status = (env.strings.format(key, args), tone)
            case .setUser(let user, let scope):
                env.user = user
                env.scope = scope
            case .quit:
                wantsQuit = true
            }
        }
        return requests
    }

    private mutating func startTop() -> [DataRequest] {
        var screen = stack.removeLast()
        let commands = screen.start(env: env)
        stack.append(screen)
        return apply(commands)
    }

    /// F2–F5: the screen alone, or above a roster (not started until shown), so that Esc on
    /// the follow-ups, red flags or monthly rates goes back to the roster as the key bar says,
    /// rather than quitting the workstation.
    private mutating func navigate(resetTo destination: Destination) -> [DataRequest] {
        stack = destination == .roster ? [makeScreen(destination, env)]
            : [makeScreen(.roster, env), makeScreen(destination, env)]
        status = nil
        return startTop()
    }

    // MARK: - Rendering

    public func render(into grid: inout Grid) -> CursorPosition? {
        let w = grid.width, h = grid.height
        guard w >= 20, h >= 6 else {
            grid.put(env.strings["app.tooSmall"], x: 0, y: 0, maxWidth: w)
            return nil
        }
        let s = env.strings
        // Title bar
        let bar = Style(reverse: true)
        grid.fill(Rect(x: 0, y: 0, width: w, height: 1), style: bar)
        var title = s["app.title"] + " · " + s[top.titleKey]
        if let taken = env.backupTakenAt { title = s.format("app.backupCopy.title", taken) + " · " + s[top.titleKey] }
        var right = env.today.description
        if let user = env.user {
            right = s.format("app.userWithRole", user.name, s["role.\(user.role.rawValue)"]) + "  " + right
        }
        let rightWidth = DisplayWidth.of(right)
        grid.put(right, x: max(0, w - rightWidth - 1), y: 0, style: bar, maxWidth: w)
        grid.put(" " + title, x: 0, y: 0, style: bar.bolded, maxWidth: max(0, w - rightWidth - 2))

        let area = Rect(x: 0, y: 1, width: w, height: h - 3)
        let hints = top.keyHints(env: env)
        var cursor: CursorPosition?
        if showingHelp {
            renderHelp(hints, into: &grid, area: area)
        } else {
            cursor = top.render(into: &grid, area: area, env: env)
        }
        // Status line
        if let status {
            let style: Style
            switch status.tone {
            case .info: style = .plain
            case .success: style = Style(fg: .green, bold: true)
            case .warning: style = Style(fg: .yellow, bold: true)
            case .error: style = Style(fg: .red, bold: true)
            }
            // A message longer than the line (a refusal naming who changed what) goes on over the key
            // bar, which comes back with the next message: cut, its advice was lost.
            let parts = TextWrap.lines(status.text, width: max(1, w - 2))
            grid.put(parts.first ?? "", x: 1, y: h - 2, style: style, maxWidth: w - 2)
            if parts.count > 1 {
                grid.put(parts.dropFirst().joined(), x: 1, y: h - 1, style: style, maxWidth: w - 2)
                return cursor
            }
        }
        // Key bar: the screen's keys, then help, which always has its room (the help page lists the
        // keys left off).
        func labelled(_ item: KeyHint) -> String {
            // "Enter" then "File" would read "EnterFile" where reverse video is not seen (a copied
            // screen, a braille display): a Latin label after a Latin key or digit gets a space.
            let spaced = (item.keys.last?.isASCII ?? false) && (item.keys.last.map { $0.isLetter || $0.isNumber } ?? false)
                && (item.label.first?.isASCII ?? false) && (item.label.first?.isLetter ?? false)
            return spaced ? " " + item.label : item.label
        }
        let help = KeyHint(keys: "F1", label: s["key.help"], help: "")
        let helpWidth = DisplayWidth.of(help.keys) + DisplayWidth.of(labelled(help))
        var x = 0
        for item in hints.filter(\.inBar) + [help] {
            let label = labelled(item)
            let width = DisplayWidth.of(item.keys) + DisplayWidth.of(label)
            let room = item == help ? w : w - helpWidth - 1
            guard x + width + 1 <= room else { continue }
            x += grid.put(item.keys, x: x, y: h - 1, style: Style(reverse: true), maxWidth: w - x)
            x += grid.put(label, x: x, y: h - 1, maxWidth: w - x)
            x += 1
        }
        return cursor
    }

    /// The help page's rows (keys, then the text wrapped beside them) for an area `width` wide.
    /// Keys that do the same (↑ and ↓, Home and End) share one entry.
    private func helpPage(_ hints: [KeyHint], width: Int) -> (keyWidth: Int, rows: [(keys: String, text: String)]) {
        let s = env.strings
        var lines: [(String, String)] = []
        for hint in hints {
            if let i = lines.firstIndex(where: { $0.1 == hint.help }) {
                lines[i].0 += " / " + hint.keys
            } else {
                lines.append((hint.keys, hint.help))
            }
        }
        lines.append(("F1 / ?", s["help.app.help"]))
        // The screens' keys do nothing before a login.
        if env.user != nil {
            lines += [("F2", s["help.app.roster"]), ("F3", s["help.app.followUps"]), ("F4", s["help.app.redFlags"]),
                      ("F5", s["help.app.monthly"])]
        }
        lines.append(("Ctrl-Q", s["help.app.quit"]))
        // Keys column as wide as the longest key list (up to a third of the screen), then a gap.
        let keyWidth = min(max(8, width / 3), (lines.map { DisplayWidth.of($0.0) }.max() ?? 0) + 2)
        let textWidth = max(1, width - keyWidth - 3)
        var rows: [(keys: String, text: String)] = []
        for line in lines {
            let parts = TextWrap.lines(line.1, width: textWidth)
            for (i, part) in (parts.isEmpty ? [""] : parts).enumerated() { rows.append((i == 0 ? line.0 : "", part)) }
        }
        return (keyWidth, rows)
    }

    private func renderHelp(_ hints: [KeyHint], into grid: inout Grid, area: Rect) {
        let s = env.strings
        grid.put(s["help.title"] + " — " + s[top.titleKey], x: 1, y: area.y, style: Style(bold: true), maxWidth: area.width - 2)
        // Every sentence whole, wrapped under itself; a page longer than the screen scrolls (English
        // sentences at 80×24 were cut off and could not be read).
        let page = helpPage(hints, width: area.width)
        let visible = max(1, area.height - 3)
        let offset = min(helpOffset, max(0, page.rows.count - visible))
        let textWidth = max(1, area.width - page.keyWidth - 3)
        for (i, row) in page.rows.dropFirst(offset).prefix(visible).enumerated() {
            grid.put(row.keys, x: 2, y: area.y + 2 + i, style: Style(bold: true), maxWidth: page.keyWidth - 1)
            grid.put(row.text, x: 2 + page.keyWidth, y: area.y + 2 + i, maxWidth: textWidth)
        }
        let more = page.rows.count > visible
        var footer = more ? s["help.scroll"] : s["help.anyKey"]
        if more { footer += "  " + s.format("help.position", String(offset + 1), String(min(page.rows.count, offset + visible)),
                                            String(page.rows.count)) }
        grid.put(footer, x: 1, y: area.maxY - 1, style: Style(dim: true), maxWidth: area.width - 2)
    }
}
