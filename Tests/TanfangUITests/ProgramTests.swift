import Testing
import TanfangCore
@testable import TanfangUI

/// A tiny screen in the shape real screens follow: edit a name, save it (an effect the runtime
/// performs), show the outcome, and reload after a save (an effect asked for by a result).
struct NameEditor: Program {
    enum Effect: Hashable, Sendable { case save(String), reload }
    enum EffectResult: Hashable, Sendable { case saved, failed(reasonKey: String), loaded(count: Int) }
    enum Action: Hashable, Sendable { case save, quit }

    static let keymap = Keymap<Action>([
        KeyBinding([.function(2), .ctrl("s")], .save, label: "key.save", help: "help.save"),
        KeyBinding([.escape], .quit, label: "key.quit", help: "help.quit"),
    ])

    let strings: Strings
    var field = TextFieldState()
    var status = StatusLine()
    var count = 0
    var size = (width: 0, height: 0)
    var wantsQuit = false

    mutating func update(_ event: ProgramEvent) -> [Effect] {
        switch event {
        case .resize(let width, let height):
            size = (width, height)
        case .tick:
            break
        case .key(let key):
            if let action = Self.keymap.action(for: key) {
                switch action {
                case .save:
                    status = StatusLine(left: strings["status.loading"])
                    return [.save(field.text)]
                case .quit: wantsQuit = true
                }
            } else if field.handle(key) {
                field.scrollIntoView(width: size.width - 4)
            }
        }
        return []
    }

    mutating func receive(_ result: EffectResult) -> [Effect] {
        switch result {
        case .saved:
            status = StatusLine(left: strings["status.saved"], tone: .success)
            return [.reload]
        case .failed(let reasonKey):
            status = StatusLine(left: strings.format("status.error", strings[reasonKey]), tone: .error)
        case .loaded(let count):
            self.count = count
            status.right = strings.format("status.position", "1", String(count))
        }
        return []
    }

    func render(into grid: inout Grid) -> CursorPosition? {
        let screen = grid.bounds
        let inner = Box(title: "姓名").render(into: &grid, area: screen.droppingBottom(2).top(3))
        let cursor = TextField.render(field, into: &grid, area: inner.insetBy(dx: 1, dy: 0))
        status.render(into: &grid, area: screen.bottom(2).top(1))
        KeyBar.render(Self.keymap, strings: strings, into: &grid, area: screen.bottom(1))
        return cursor
    }
}

@Suite("Program and ProgramDriver")
struct ProgramTests {
    func driver() throws -> ProgramDriver<NameEditor> {
        var driver = ProgramDriver(NameEditor(strings: try catalog(.zhHans)), width: 30, height: 6)
        driver.send(.resize(width: 30, height: 6)) { _ in nil }
        return driver
    }

    @Test("Typed keys edit the field and the frame shows it with the cursor after it")
    func typing() throws {
        var driver = try driver()
        for key: Key in [.char("李"), .char("秀"), .char("兰")] {
            driver.send(.key(key)) { _ in Issue.record("no effect expected"); return nil }
        }
        #expect(driver.program.field.text == "李秀兰")
        #expect(driver.grid.lines() == [
            "┌─ 姓名 ─────────────────────┐",
            "│ 李秀兰                     │",
            "└────────────────────────────┘",
            "",
            "",
            "F2保存 Esc退出",
        ])
        #expect(driver.cursor == CursorPosition(x: 8, y: 1))
    }

    @Test("A save runs as an effect; its result asks for a reload, whose result is shown")
    func effectChain() throws {
        // Given a typed name
        var driver = try driver()
        driver.send(.key(.char("王"))) { _ in nil }
        // When Ctrl-S is pressed and the runtime answers each effect
        driver.send(.key(.ctrl("s"))) { effect in
            switch effect {
            case .save: .saved
            case .reload: .loaded(count: 12)
            }
        }
        // Then both effects ran in order and the status line shows the outcome
        #expect(driver.performed == [.save("王"), .reload])
        #expect(driver.program.count == 12)
        #expect(driver.grid.lines()[4] == "已保存              第 1/12 条")
        #expect(driver.grid[x: 0, y: 4].style == StatusLine.style(for: .success))
    }

    @Test("An error comes back as a result and is shown, not thrown")
    func failure() throws {
        var driver = try driver()
        driver.send(.key(.function(2))) { _ in .failed(reasonKey: "field.required") }
        #expect(driver.performed == [.save("")])
        #expect(driver.grid.lines()[4] == "出错：此项必须填写")
        #expect(driver.grid[x: 0, y: 4].style.bold)
    }

    @Test("deliver shows the pending state before the effects run")
    func pendingFrame() throws {
        var driver = try driver()
        let effects = driver.deliver(.key(.function(2)))
        driver.render()
        #expect(effects == [.save("")])
        #expect(driver.grid.lines()[4] == "正在读取…")
        driver.run(effects) { effect in effect == .reload ? .loaded(count: 3) : .saved }
        #expect(driver.performed == [.save(""), .reload])
    }

    @Test("Escape asks to quit; a resize gives a grid of the new size")
    func quitAndResize() throws {
        var driver = try driver()
        driver.send(.resize(width: 40, height: 8)) { _ in nil }
        #expect((driver.grid.width, driver.grid.height) == (40, 8))
        #expect(driver.grid.lines()[7] == "F2保存 Esc退出")
        #expect(!driver.isFinished)
        driver.send(.key(.escape)) { _ in nil }
        #expect(driver.isFinished)
    }

    @Test("A cursor outside the grid is dropped (hidden) rather than passed to the terminal")
    func cursorClamp() {
        struct Offscreen: Program {
            typealias Effect = Never
            typealias EffectResult = Never
            var wantsQuit = false
            mutating func update(_ event: ProgramEvent) -> [Never] { [] }
            func render(into grid: inout Grid) -> CursorPosition? { CursorPosition(x: grid.width, y: 0) }
        }
        var driver = ProgramDriver(Offscreen(), width: 10, height: 2)
        driver.send(.tick)
        #expect(driver.cursor == nil)
    }
}
