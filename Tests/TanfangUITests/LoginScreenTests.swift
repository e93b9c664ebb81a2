import Foundation
import Testing
import TanfangCore
@testable import TanfangUI

@Suite("LoginScreen")
struct LoginScreenTests {
    static let users = [RosterFixture.clerk, RosterFixture.supervisor,
                        User(name: "李网格", role: .gridWorker, areaID: RosterFixture.hongxing.id,
                             visitorID: RosterFixture.visitor.id, pinHash: "x")]

    func harness(_ language: Language = .zhHans) throws -> ScreenHarness<LoginScreen> {
        var h = ScreenHarness(LoginScreen(), env: try RosterFixture.env(language, user: nil), respond: { request in
            request == .users ? .users(LoginScreenTests.users) : nil
        })
        h.start()
        return h
    }

    @Test("Start lists the users with role and area, numbered")
    func listing() throws {
        let h = try harness()
        #expect(h.requests == [.users])
        let text = h.screenText()
        let role = h.env.strings["role.clerk"]
        #expect(text.contains("王文书"))
        let row = try #require(h.lines().first { $0.contains("王文书") })
        #expect(row.hasPrefix("    1 王文书"))
        #expect(row.contains(role) && row.contains("红星村"))
        #expect(text.contains("墩麻扎镇"))
    }

    @Test("Two villages of one name are told apart by their township")
    func sharedVillageNames() throws {
        var env = try RosterFixture.env(user: nil)
        let other = Place(code: "654021101", name: "巴扎镇", level: .township, parentID: nil)
        let namesake = Place(code: "654021101003", name: "团结村", level: .village, parentID: other.id)
        env.places += [other, namesake]
        let users = [User(name: "甲文书", role: .clerk, areaID: RosterFixture.tuanjie.id, pinHash: "x"),
                     User(name: "乙文书", role: .clerk, areaID: namesake.id, pinHash: "x"),
                     User(name: "丙文书", role: .clerk, areaID: RosterFixture.hongxing.id, pinHash: "x")]
        var h = ScreenHarness(LoginScreen(), env: env, respond: { $0 == .users ? .users(users) : nil })
        h.start()
        #expect(h.lines().first { $0.contains("甲文书") }?.contains("墩麻扎镇·团结村") == true, "\(h.screenText())")
        #expect(h.lines().first { $0.contains("乙文书") }?.contains("巴扎镇·团结村") == true)
        #expect(h.lines().first { $0.contains("丙文书") }?.hasSuffix("红星村") == true)
        // And the township's name finds its people
        h.type("巴扎")
        #expect(h.screen.matches(env: h.env).map(\.user.name) == ["乙文书"])
    }

    @Test("A number or a name narrows the list; Enter moves to the PIN; a correct PIN logs in")
    func success() throws {
        var h = try harness()
        // When 3 is typed, only the third user is left and selected
        h.type("3")
        #expect(h.screen.matches(env: h.env).map(\.user.name) == ["李网格"])
        h.send(.backspace)
        h.type("张")
        #expect(h.screen.matches(env: h.env).map(\.user.name) == ["张督导"])
        h.send(.enter)
        #expect(h.screen.capturesText)
        // The PIN is masked with dots
        h.type("2468")
        #expect(h.screenText().contains("张督导 的 PIN 码： ••••"))
        #expect(!h.screenText().contains("2468"))
        h.send(.enter)
        let supervisor = RosterFixture.supervisor
        #expect(h.commands.last == .request(.login(userID: supervisor.id, pin: "2468")))
        // When the ledger accepts, the user is set and the roster replaces the login
        let scope = AccessScope(villageIDs: [RosterFixture.hongxing.id, RosterFixture.tuanjie.id])
        h.deliver(.loggedIn(supervisor, scope))
        #expect(Array(h.commands.suffix(2)) == [.setUser(supervisor, scope), .replace(.roster)])
    }

    @Test("Pinyin initials or full pinyin find a name, as on the roster")
    func pinyin() throws {
        var h = try harness()
        h.type("wws")
        #expect(h.screen.matches(env: h.env).map(\.user.name) == ["王文书"])
        h.send(.backspace, .backspace, .backspace)
        h.type("liwang")
        #expect(h.screen.matches(env: h.env).map(\.user.name) == ["李网格"])
    }

    @Test("A wrong PIN shows an error, clears the PIN and stays; Esc goes back to the list, then quits")
    func failure() throws {
        var h = try harness()
        h.send(.down, .up, .enter)
        h.type("0000")
        h.send(.enter)
        #expect(h.commands.last == .request(.login(userID: RosterFixture.clerk.id, pin: "0000")))
        h.deliver(.loginFailed(attemptsLeft: 4))
        #expect(h.screen.pin.isEmpty)
        // Said once, above the list, not again on the status line
        #expect(h.screenText().components(separatedBy: "PIN 码不正确").count == 2)
        #expect(!h.commands.contains { if case .status = $0 { true } else { false } })
        #expect(!h.screenText().contains("•"))
        // Retrying sends the new PIN
        h.type("1357")
        h.send(.enter)
        #expect(h.commands.last == .request(.login(userID: RosterFixture.clerk.id, pin: "1357")))
        // The last tries are counted
        h.deliver(.loginFailed(attemptsLeft: 2))
        #expect(h.screenText().contains("再错 2 次"))
        // And the pause that follows replaces the count (both showed, and the count stayed)
        h.type("1111")
        h.send(.enter)
        h.deliver(.failed(message: "PIN 连续输错 5 次"))
        #expect(!h.screenText().contains("再错"))
        // An empty PIN is not sent
        let before = h.requests.count
        h.send(.enter)
        #expect(h.requests.count == before)
        h.send(.escape)
        #expect(!h.screen.capturesText)
        #expect(!h.commands.contains(.quit))
        h.send(.escape)
        #expect(h.commands.last == .quit)
    }

    @Test("English labels")
    func english() throws {
        var h = try harness(.en)
        #expect(h.screenText().contains("Choose your name, then type your PIN"))
        h.send(.enter)
        h.type("12")
        #expect(h.screenText().contains("PIN for 王文书: ••"))
        #expect(h.screen.keyHints(env: h.env).map(\.label).contains("Log in"))
    }

    @Test("No users: a clear message")
    func noUsers() throws {
        var h = ScreenHarness(LoginScreen(), env: try RosterFixture.env(user: nil), respond: { _ in .users([]) })
        h.start()
        #expect(h.screenText().contains(h.env.strings["login.noUsers"]))
        h.send(.enter)
        #expect(h.commands.last == .status(key: "login.noneSelected", args: [], tone: .warning))
    }

    @Test("Keymaps have no conflicts")
    func keymaps() {
        #expect(LoginScreen.listKeymap.conflicts.isEmpty)
        #expect(LoginScreen.pinKeymap.conflicts.isEmpty)
    }
}
