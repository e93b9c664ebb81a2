import Foundation
import Testing
import TanfangCore
@testable import TanfangUI

/// A screen that records what it was told and asks for what a test tells it to.
private struct ProbeScreen: Screen {
    var name: String
    var capturesText = false
    var onKey: [Key: [ScreenCommand]] = [:]
    var received: [DataResponse] = []
    var starts = 0
    var onQuit: [ScreenCommand] = []
    var unsaved: String?
    var unsavedOnQuitKey: String? { unsaved }

    var titleKey: String { "probe.\(name)" }
    func keyHints(env: AppEnvironment) -> [KeyHint] { [KeyHint(keys: "n", label: "新", help: "新建")] }
    mutating func start(env: AppEnvironment) -> [ScreenCommand] {
        starts += 1
        return [.request(.redFlags)]
    }
    mutating func handle(_ key: Key, env: AppEnvironment) -> [ScreenCommand] { onKey[key] ?? [] }
    mutating func receive(_ response: DataResponse, env: AppEnvironment) -> [ScreenCommand] {
        received.append(response)
        return []
    }
    func render(into grid: inout Grid, area: Rect, env: AppEnvironment) -> CursorPosition? {
        grid.put("body of \(name)", x: 0, y: area.y)
        return nil
    }
    mutating func willQuit(env: AppEnvironment) -> [ScreenCommand] { onQuit }
}

@Suite struct AppModelTests {
    static let strings = try! Strings.load(.zhHans, resources: ResourceLocator.sourceCheckout)
    static let form = try! FormDefinition.load(resources: ResourceLocator.sourceCheckout)
    static let today = LocalDate(year: 2026, month: 11, day: 23)!
    static let env = AppEnvironment(strings: strings, form: form, today: today,
                                    now: LocalDateTime(date: today, hour: 9, minute: 30)!)
    static let clerk = User(name: "王丽娟", role: .clerk, areaID: UUID(), pinHash: "")

    static func make(first: Destination = .login, login: [Key: [ScreenCommand]] = [:]) -> AppModel {
        AppModel(env: env, first: first) { destination, _ in
            switch destination {
            case .login: ProbeScreen(name: "login", onKey: login)
            case .roster: ProbeScreen(name: "roster", onKey: [.char("o"): [.open(.redFlags)]])
            case .redFlags: ProbeScreen(name: "flags", onKey: [.escape: [.back]])
            case .monthly: ProbeScreen(name: "monthly", capturesText: true)
            default: ProbeScreen(name: "other")
            }
        }
    }

    static func title(_ app: AppModel) -> String { (app.top as! ProbeScreen).name }

    @Test func theFirstResizeStartsTheFirstScreen() {
        var app = Self.make()
        // When the runner reports the terminal size
        let effects = app.update(.resize(width: 80, height: 24))
        // Then the first screen is started once and its load is asked for; later resizes start nothing
        #expect(effects == [.redFlags])
        #expect(app.update(.resize(width: 120, height: 40)) == [])
        #expect((app.top as! ProbeScreen).starts == 1)
    }

    @Test func openFromRootClosesTheScreensBetween() {
        // Given roster → flags → a screen that opens the next one from the root
        var app = AppModel(env: Self.env, first: .roster) { destination, _ in
            switch destination {
            case .roster: ProbeScreen(name: "roster", onKey: [.char("o"): [.open(.redFlags)]])
            case .redFlags: ProbeScreen(name: "flags", onKey: [.char("x"): [.openFromRoot(.monthly(nil))]])
            default: ProbeScreen(name: "other", onKey: [.escape: [.back]])
            }
        }
        _ = app.update(.resize(width: 80, height: 24))
        _ = app.update(.key(.char("o")))
        #expect(app.stack.count == 2)
        // When it asks / Then the roster and the new screen remain, and Esc goes back to the roster
        _ = app.update(.key(.char("x")))
        #expect(app.stack.count == 2 && Self.title(app) == "other")
        _ = app.update(.key(.escape))
        #expect(app.stack.count == 1 && Self.title(app) == "roster")
    }

    @Test func loginSetsTheUserAndReplacesTheScreen() {
        let scope = AccessScope(villageIDs: [UUID()])
        var app = Self.make(login: [.enter: [.setUser(Self.clerk, scope), .replace(.roster)]])
        _ = app.update(.resize(width: 80, height: 24))
        // When the login screen reports a user and moves on
        let effects = app.update(.key(.enter))
        // Then the app knows who works and what they see, and the roster is the only screen
        #expect(app.env.user == Self.clerk)
        #expect(app.env.scope == scope)
        #expect(app.stack.count == 1)
        #expect(Self.title(app) == "roster")
        #expect(effects == [.redFlags])
    }

    @Test func functionKeysNavigateOnlyAfterLoginAndNotWhileTyping() {
        var app = Self.make(login: [.enter: [.setUser(Self.clerk, .everything), .replace(.roster)]])
        _ = app.update(.resize(width: 80, height: 24))
        // Before login F5 does nothing
        _ = app.update(.key(.function(5)))
        #expect(Self.title(app) == "login")
        _ = app.update(.key(.enter))
        // After login F5 opens the monthly rates, above a roster not yet started
        _ = app.update(.key(.function(5)))
        #expect(Self.title(app) == "monthly")
        #expect(app.stack.count == 2 && (app.stack[0] as! ProbeScreen).name == "roster")
        #expect((app.stack[0] as! ProbeScreen).starts == 0)
        // The monthly probe captures text: F4 goes to the screen, not to navigation
        _ = app.update(.key(.function(4)))
        #expect(Self.title(app) == "monthly")
    }

    @Test func openAndBackKeepAStackAndRestartTheScreenReturnedTo() {
        var app = Self.make(first: .roster)
        _ = app.update(.resize(width: 80, height: 24))
        _ = app.update(.key(.char("o")))
        #expect(app.stack.count == 2)
        #expect(Self.title(app) == "flags")
        let effects = app.update(.key(.escape))
        #expect(Self.title(app) == "roster")
        #expect((app.top as! ProbeScreen).starts == 2)
        #expect(effects == [.redFlags])
    }

    @Test func escOnAScreenOpenedWithAFunctionKeyGoesBackToTheRoster() {
        var app = Self.make(login: [.enter: [.setUser(Self.clerk, .everything), .replace(.roster)]])
        _ = app.update(.resize(width: 80, height: 24))
        _ = app.update(.key(.enter))
        // Given the red flags opened with F4 from deeper in the stack
        _ = app.update(.key(.char("o")))
        _ = app.update(.key(.function(4)))
        #expect(Self.title(app) == "flags" && app.stack.count == 2)
        // When Esc goes back / Then the roster is shown and started, and the app does not quit
        let effects = app.update(.key(.escape))
        #expect(!app.wantsQuit)
        #expect(Self.title(app) == "roster" && app.stack.count == 1)
        #expect((app.top as! ProbeScreen).starts == 1)
        #expect(effects == [.redFlags])
        // And F2 shows the roster alone
        _ = app.update(.key(.function(2)))
        #expect(Self.title(app) == "roster" && app.stack.count == 1)
    }

    @Test func backFromTheLastScreenQuitsAndCtrlQQuitsAnywhere() {
        var app = Self.make(first: .redFlags)
        _ = app.update(.resize(width: 80, height: 24))
        _ = app.update(.key(.escape))
        #expect(app.wantsQuit)
        var other = Self.make(first: .roster)
        _ = other.update(.key(.ctrl("q")))
        #expect(other.wantsQuit)
    }

    @Test func escOnTheRosterAfterLoginAsksBeforeQuitting() {
        var app = Self.make(login: [.enter: [.setUser(Self.clerk, .everything), .replace(.redFlags)]])
        _ = app.update(.resize(width: 80, height: 24))
        _ = app.update(.key(.enter))
        // Given the only screen after login / When Esc / Then the app asks instead of quitting
        _ = app.update(.key(.escape))
        #expect(!app.wantsQuit && app.confirmingQuit)
        #expect(app.status?.text == "再按一次 Esc 退出探访关爱；按其他键继续")
        // When another key / Then it stays (the key goes to the screen as usual)
        _ = app.update(.key(.char("x")))
        #expect(!app.wantsQuit && !app.confirmingQuit && app.status == nil)
        // When Esc twice / Then it quits
        _ = app.update(.key(.escape))
        _ = app.update(.key(.escape))
        #expect(app.wantsQuit)
    }

    @Test func theTimeMovesOnWithEveryKey() {
        // Given an app started at 09:30 with a clock now at 15:45 the same day
        let later = LocalDateTime(date: Self.today, hour: 15, minute: 45)!
        var app = AppModel(env: Self.env, first: .roster, clock: { later }) { _, _ in ProbeScreen(name: "roster") }
        _ = app.update(.resize(width: 80, height: 24))
        #expect(app.env.now.hour == 9)
        // When a key comes / Then the screens see the time of the key
        _ = app.update(.key(.down))
        #expect(app.env.now == later)
        // And past midnight the first key starts the new day: the due states are brought to it before
        // the key's own requests, the screens see its date and time, and the status line says so
        let tomorrow = LocalDateTime(date: Self.today.adding(days: 1), hour: 0, minute: 5)!
        var night = AppModel(env: Self.env, first: .roster, clock: { tomorrow }) { _, _ in
            ProbeScreen(name: "roster", onKey: [.down: [.request(.users)]])
        }
        _ = night.update(.resize(width: 80, height: 24))
        #expect(night.update(.key(.down)) == [.newDay(tomorrow.date), .users])
        #expect(night.env.now == tomorrow && night.env.today == tomorrow.date)
        #expect(night.status?.text.contains(tomorrow.date.description) == true)
        // (once: the next key that day is an ordinary key)
        #expect(night.update(.key(.down)) == [.users])
        // And a list on screen is read again for the new day (the roster's counts stayed yesterday's)
        struct DayList: Screen {
            var titleKey: String { "probe" }
            var capturesText: Bool { false }
            func keyHints(env: AppEnvironment) -> [KeyHint] { [] }
            mutating func start(env: AppEnvironment) -> [ScreenCommand] { [] }
            mutating func dayChanged(env: AppEnvironment) -> [ScreenCommand] { [.request(.roster(RosterQuery(today: env.today)))] }
            mutating func handle(_ key: Key, env: AppEnvironment) -> [ScreenCommand] { [] }
            mutating func receive(_ response: DataResponse, env: AppEnvironment) -> [ScreenCommand] { [] }
            func render(into grid: inout Grid, area: Rect, env: AppEnvironment) -> CursorPosition? { nil }
        }
        var list = AppModel(env: Self.env, first: .roster, clock: { tomorrow }) { _, _ in DayList() }
        _ = list.update(.resize(width: 80, height: 24))
        #expect(list.update(.key(.down)) == [.newDay(tomorrow.date), .roster(RosterQuery(today: tomorrow.date))])
        // And a clock turned back leaves the day and the time as they were
        let yesterday = LocalDateTime(date: Self.today.adding(days: -1), hour: 23, minute: 55)!
        var back = AppModel(env: Self.env, first: .roster, clock: { yesterday }) { _, _ in ProbeScreen(name: "roster") }
        _ = back.update(.key(.down))
        #expect(back.env.now == Self.env.now && back.env.today == Self.today)
    }

    @Test func ctrlQPerformsWhatTheScreensSaveOnTheWayOut() {
        // Given a roster that, asked on quitting, saves something and would also go back
        var app = AppModel(env: Self.env, first: .roster) { _, _ in
            ProbeScreen(name: "roster", onQuit: [.request(.saveDraft(key: "k", json: "{}")), .back, .open(.monthly(nil))])
        }
        _ = app.update(.resize(width: 80, height: 24))
        // When Ctrl-Q / Then its request is returned to be performed, nothing else happens, and the app quits
        let effects = app.update(.key(.ctrl("q")))
        #expect(effects == [.saveDraft(key: "k", json: "{}")])
        #expect(app.wantsQuit && app.stack.count == 1 && Self.title(app) == "roster")
    }

    @Test func responsesGoToTheTopScreen() {
        var app = Self.make(first: .roster)
        _ = app.update(.resize(width: 80, height: 24))
        _ = app.receive(.loginFailed(attemptsLeft: 4))
        #expect((app.top as! ProbeScreen).received == [.loginFailed(attemptsLeft: 4)])
    }

    @Test func aLatinLabelAfterALatinKeyIsSpacedInTheKeyBar() {
        // Given English, a screen whose key is a word ("Enter") and its label a word
        let en = try! Strings.load(.en, resources: ResourceLocator.sourceCheckout)
        let env = AppEnvironment(strings: en, form: Self.form, today: Self.today, now: LocalDateTime(date: Self.today, hour: 9, minute: 30)!)
        struct Keys: Screen {
            var titleKey: String { "probe" }
            var capturesText: Bool { false }
            func keyHints(env: AppEnvironment) -> [KeyHint] { [KeyHint(keys: "Enter", label: "File", help: ""), KeyHint(keys: "n", label: "新", help: "")] }
            mutating func start(env: AppEnvironment) -> [ScreenCommand] { [] }
            mutating func handle(_ key: Key, env: AppEnvironment) -> [ScreenCommand] { [] }
            mutating func receive(_ response: DataResponse, env: AppEnvironment) -> [ScreenCommand] { [] }
            func render(into grid: inout Grid, area: Rect, env: AppEnvironment) -> CursorPosition? { nil }
        }
        var app = AppModel(env: env, first: .roster) { _, _ in Keys() }
        _ = app.update(.resize(width: 80, height: 24))
        var grid = Grid(width: 80, height: 24)
        _ = app.render(into: &grid)
        // Then "Enter File" and "F1 Help" read apart, a Chinese label stays next to its key
        #expect(grid.lines()[23] == "Enter File n新 F1 Help")
    }

    @Test func ctrlQWithUnsavedWorkThatNoDraftKeepsAsksToBePressedAgain() {
        // Given a form holding typed details that no draft keeps (the elder form)
        var app = AppModel(env: Self.env, first: .roster) { _, _ in
            ProbeScreen(name: "roster", unsaved: "elderEdit.unsavedQuit")
        }
        _ = app.update(.resize(width: 80, height: 24))
        // When Ctrl-Q is pressed, the workstation stays and says what would be lost
        _ = app.update(.key(.ctrl("q")))
        #expect(!app.wantsQuit)
        #expect(app.status?.text.contains("未保存") == true)
        // And another key goes on with the form, only taking the question away (not typed); Ctrl-Q asks again
        _ = app.update(.key(.char("x")))
        #expect(app.status == nil)
        _ = app.update(.key(.ctrl("q")))
        #expect(!app.wantsQuit)
        // And Ctrl-Q twice in a row quits
        _ = app.update(.key(.ctrl("q")))
        #expect(app.wantsQuit)
        // While a screen with nothing to lose quits at the first
        var plain = Self.make(first: .roster)
        _ = plain.update(.resize(width: 80, height: 24))
        _ = plain.update(.key(.ctrl("q")))
        #expect(plain.wantsQuit)
    }

    @Test func aBackupOpenedSaysSoInEveryTitleAndOnceInWords() {
        // Given the workstation opened on a backup file
        var env = Self.env
        env.backupTakenAt = "2026-12-07 16:40"
        var app = AppModel(env: env, first: .login) { destination, _ in
            ProbeScreen(name: destination == .login ? "login" : "roster",
                        onKey: [.enter: [.setUser(Self.clerk, .everything), .replace(.roster)]])
        }
        _ = app.update(.resize(width: 80, height: 24))
        var grid = Grid(width: 80, height: 24)
        _ = app.render(into: &grid)
        // Then the title names the backup, and the status line says what that means, whole
        #expect(grid.lines()[0].hasPrefix(" 备份 2026-12-07 16:40 · "), "\(grid.lines()[0])")
        let said = (grid.lines()[22] + grid.lines()[23]).replacingOccurrences(of: " ", with: "")
        #expect(said.contains("不是正在使用的台账") && said.contains("tanfangrestore"), "\(grid.lines().suffix(2))")
        // And after logging in, every screen's title still does
        _ = app.update(.key(.enter))
        grid = Grid(width: 80, height: 24)
        _ = app.render(into: &grid)
        #expect(grid.lines()[0].hasPrefix(" 备份 2026-12-07 16:40 · "), "\(grid.lines()[0])")
        #expect(grid.lines()[0].contains("王丽娟"))
    }

    @Test func aStatusLongerThanTheLineGoesOnOverTheKeyBar() {
        // Given a screen whose key says something long (a refusal naming who and what)
        let long = String(repeating: "很长的说明", count: 13)
        var app = AppModel(env: Self.env, first: .roster) { _, _ in
            ProbeScreen(name: "roster", onKey: [.char("x"): [.status(key: "status.error", args: [long], tone: .error)]])
        }
        _ = app.update(.resize(width: 80, height: 24))
        _ = app.update(.key(.char("x")))
        var grid = Grid(width: 80, height: 24)
        _ = app.render(into: &grid)
        // Then it is read whole over the last two lines, and the key bar is back with the next key
        let shown = (grid.lines()[22] + grid.lines()[23]).replacingOccurrences(of: " ", with: "")
        #expect(shown.contains(long), "\(grid.lines().suffix(2))")
        _ = app.update(.key(.char("y")))
        grid = Grid(width: 80, height: 24)
        _ = app.render(into: &grid)
        #expect(grid.lines()[23] == "n新 F1帮助")
    }

    @Test func aLongHelpSentenceGoesOnUnderItself() {
        // Given a screen with one key whose help is longer than the line
        struct Long: Screen {
            var titleKey: String { "probe" }
            var capturesText: Bool { false }
            func keyHints(env: AppEnvironment) -> [KeyHint] {
                [KeyHint(keys: "/", label: "Search", help: "Search by name, pinyin initials or full pinyin, or the last digits of an ID number or phone; Enter opens the elder's file")]
            }
            mutating func start(env: AppEnvironment) -> [ScreenCommand] { [] }
            mutating func handle(_ key: Key, env: AppEnvironment) -> [ScreenCommand] { [] }
            mutating func receive(_ response: DataResponse, env: AppEnvironment) -> [ScreenCommand] { [] }
            func render(into grid: inout Grid, area: Rect, env: AppEnvironment) -> CursorPosition? { nil }
        }
        var app = AppModel(env: Self.env, first: .roster) { _, _ in Long() }
        _ = app.update(.resize(width: 80, height: 24))
        _ = app.update(.key(.char("?")))
        var grid = Grid(width: 80, height: 24)
        _ = app.render(into: &grid)
        // Then the sentence is read whole over two lines, and the global keys still follow
        let text = grid.lines().map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
        #expect(text.contains("or the last digits") && text.contains("Enter opens the elder's file"), "\(grid.lines())")
        #expect(grid.lines().contains { $0.contains("Ctrl-Q") })
    }

    @Test func aHelpPageLongerThanTheScreenScrollsAndEverySentenceIsWhole() {
        // Given a screen with fifteen keys whose help takes two lines each (English at 80×24)
        struct Many: Screen {
            var titleKey: String { "probe" }
            var capturesText: Bool { false }
            func keyHints(env: AppEnvironment) -> [KeyHint] {
                (1...15).map { KeyHint(keys: "k\($0)", label: "K", help: "Key \($0) does a thing that takes more words than one line of the help page holds, end \($0).") }
            }
            mutating func start(env: AppEnvironment) -> [ScreenCommand] { [] }
            mutating func handle(_ key: Key, env: AppEnvironment) -> [ScreenCommand] { [] }
            mutating func receive(_ response: DataResponse, env: AppEnvironment) -> [ScreenCommand] { [] }
            func render(into grid: inout Grid, area: Rect, env: AppEnvironment) -> CursorPosition? { nil }
        }
        var app = AppModel(env: Self.env, first: .roster) { _, _ in Many() }
        _ = app.update(.resize(width: 80, height: 24))
        _ = app.update(.key(.function(1)))
        func page() -> [String] {
            var grid = Grid(width: 80, height: 24)
            _ = app.render(into: &grid)
            return grid.lines()
        }
        // Then the first page says it scrolls, and ↓ / PgDn go on to the end without closing it
        var seen = page()
        #expect(seen.contains { $0.contains("PgDn") })
        for _ in 0..<10 {
            _ = app.update(.key(.pageDown))
            #expect(app.showingHelp)
            seen += page()
        }
        let text = seen.map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
        for n in 1...15 { #expect(text.contains("end \(n)."), "\(n)") }
        #expect(seen.contains { $0.contains("Ctrl-Q") })
        // And ↑ goes back, Esc closes
        _ = app.update(.key(.home))
        #expect(app.helpOffset == 0)
        _ = app.update(.key(.escape))
        #expect(!app.showingHelp)
    }

    @Test func theHelpListsTheScreensKeysOnlyAfterALogin() {
        func helpText(_ env: AppEnvironment) -> String {
            var app = AppModel(env: env, first: .login) { _, _ in ProbeScreen(name: "login", onKey: [:]) }
            _ = app.update(.resize(width: 80, height: 24))
            _ = app.update(.key(.function(1)))
            var grid = Grid(width: 80, height: 24)
            _ = app.render(into: &grid)
            return grid.lines().joined(separator: "\n")
        }
        // Before a login F2–F5 do nothing, and the help does not offer them
        let before = helpText(Self.env)
        #expect(!before.contains("F2") && !before.contains("F5") && before.contains("Ctrl-Q"))
        var env = Self.env
        env.user = Self.clerk
        #expect(helpText(env).contains("F2") && helpText(env).contains("F5"))
    }

    @Test func aKeyThatClosesTheHelpAlsoDoesItsWork() {
        // Given the help open over a screen that records its keys
        var app = AppModel(env: Self.env, first: .roster) { _, _ in
            ProbeScreen(name: "roster", onKey: [.char("2"): [.status(key: "status.error", args: ["2"], tone: .info)]])
        }
        _ = app.update(.resize(width: 80, height: 24))
        _ = app.update(.key(.function(1)))
        #expect(app.showingHelp)
        // When a digit is typed / Then the help closes and the digit reaches the screen (it was lost)
        _ = app.update(.key(.char("2")))
        #expect(!app.showingHelp && app.status?.text.contains("2") == true)
        // While Esc only closes it
        _ = app.update(.key(.function(1)))
        _ = app.update(.key(.escape))
        #expect(!app.showingHelp && !app.confirmingQuit)
    }

    @Test func theRedFlagHelpFitsAt80x24() {
        // Given the red-flag screen (many keys) at 80×24 / When ? opens the help
        var app = AppModel(env: Self.env, first: .roster) { _, _ in RedFlagsScreen() }
        _ = app.update(.resize(width: 80, height: 24))
        _ = app.update(.key(.char("?")))
        var grid = Grid(width: 80, height: 24)
        _ = app.render(into: &grid)
        let lines = grid.lines()
        // Then keys doing the same share a line, the global keys down to Ctrl-Q show, and the closing
        // hint has its own line (it overwrote the last entry)
        #expect(lines.contains { $0.contains("↑ / ↓") }, "\(lines)")
        #expect(lines.contains { $0.contains("Ctrl-Q") && $0.contains("退出") }, "\(lines)")
        let closing = lines.first { $0.contains("关闭帮助") } ?? ""
        #expect(closing.trimmingCharacters(in: .whitespaces) == Self.strings["help.anyKey"], "\(closing)")
    }

    @Test func chromeAndHelpAt80x24() {
        var app = Self.make(first: .roster, login: [:])
        _ = app.update(.resize(width: 80, height: 24))
        var grid = Grid(width: 80, height: 24)
        _ = app.render(into: &grid)
        var lines = grid.lines()
        // Title bar with the date on the right, the body, and the key bar with F1 last
        #expect(lines[0] == " 探访关爱 · probe.roster" + String(repeating: " ", count: 45) + "2026-11-23")  // the date ends one column short of the edge
        #expect(lines[1] == "body of roster")
        #expect(lines[23] == "n新 F1帮助")
        // ? opens the help page listing the screen's keys and the global ones; any key closes it
        _ = app.update(.key(.char("?")))
        grid = Grid(width: 80, height: 24)
        _ = app.render(into: &grid)
        lines = grid.lines()
        #expect(lines[1] == " 帮助：按键说明 — probe.roster")
        #expect(lines[3].hasPrefix("  n") && lines[3].hasSuffix("新建"))
        #expect(lines.contains { $0.contains("Ctrl-Q") && $0.contains("退出") })
        _ = app.update(.key(.char("x")))
        #expect(!app.showingHelp)
    }

    @Test func statusMessagesAreTranslatedAndClearedByTheNextKey() {
        let probe = ProbeScreen(name: "roster", onKey: [.char("s"): [.status(key: "status.saved", args: [], tone: .success)]])
        var app = AppModel(env: Self.env, first: .roster) { _, _ in probe }
        _ = app.update(.resize(width: 80, height: 24))
        _ = app.update(.key(.char("s")))
        #expect(app.status?.text == Self.strings["status.saved"])
        _ = app.update(.key(.char("z")))
        #expect(app.status == nil)
    }
}
