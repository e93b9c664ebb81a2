import Testing
import TanfangCore
@testable import TanfangUI

enum ListAction: Hashable, Sendable { case help, search, back, save, quit }

let listKeymap = Keymap<ListAction>([
    KeyBinding([.function(1), .char("?")], .help, label: "key.help", help: "help.showHelp"),
    KeyBinding([.function(3), .char("/")], .search, label: "key.search", help: "help.search"),
    KeyBinding([.escape], .back, label: "key.back", help: "help.back"),
    KeyBinding([.ctrl("s")], .save, label: "key.save", help: "help.save", showsInBar: false),
    KeyBinding([.function(10)], .quit, label: "key.quit", help: "help.quit"),
])

func catalog(_ language: Language) throws -> Strings {
    try Strings.load(language, resources: ResourceLocator.sourceCheckout)
}

@Suite("Keymap, KeyBar and HelpPage")
struct KeymapTests {
    @Test("Matching finds the action of any of its keys")
    func matching() {
        #expect(listKeymap.action(for: .function(3)) == .search)
        #expect(listKeymap.action(for: .char("/")) == .search)
        #expect(listKeymap.action(for: .ctrl("s")) == .save)
        #expect(listKeymap.action(for: .char("s")) == nil)
        #expect(listKeymap.binding(for: .back)?.keys == [.escape])
        #expect(listKeymap.conflicts.isEmpty)
    }

    @Test("A key bound twice is reported as a conflict")
    func conflicts() {
        let clash = listKeymap.appending(Keymap([KeyBinding([.escape, .char("/")], .quit, label: "key.quit", help: "help.quit")]))
        #expect(clash.conflicts == [.escape, .char("/")])
    }

    @Test("Key names are short and language-neutral")
    func names() {
        #expect([Key.function(1), .ctrl("s"), .escape, .enter, .char(" "), .char("/"), .pageDown, .backTab, .up].map(\.name)
            == ["F1", "Ctrl-S", "Esc", "Enter", "Space", "/", "PgDn", "Shift-Tab", "↑"])
    }

    @Test("The key bar shows the first key and label of each bar binding, in order")
    func keyBar() throws {
        let strings = try catalog(.zhHans)
        var grid = Grid(width: 80, height: 1)
        KeyBar.render(listKeymap, strings: strings, into: &grid, area: grid.bounds)
        #expect(grid.lines() == ["F1帮助 F3搜索 Esc返回 F10退出"])
        #expect(grid[x: 0, y: 0].style.bold)     // key name
        #expect(grid[x: 2, y: 0].style.reverse)  // label
        #expect(!grid[x: 6, y: 0].style.reverse) // gap
    }

    @Test("Items that do not fit are left off whole, never cut")
    func keyBarNarrow() throws {
        let strings = try catalog(.zhHans)
        var grid = Grid(width: 20, height: 1)
        KeyBar.render(listKeymap, strings: strings, into: &grid, area: grid.bounds)
        #expect(grid.lines() == ["F1帮助 F3搜索"])
    }

    @Test("The English bar uses the English catalog")
    func keyBarEnglish() throws {
        let strings = try catalog(.en)
        #expect(KeyBar.items(listKeymap, strings: strings).map { $0.key + " " + $0.label }
            == ["F1 Help", "F3 Search", "Esc Back", "F10 Quit"])
    }

    @Test("The help page lists every binding with all its keys, including those not in the bar")
    func helpPage() throws {
        let strings = try catalog(.zhHans)
        var grid = Grid(width: 40, height: 9)
        let total = HelpPage.render(listKeymap, strings: strings, into: &grid, area: grid.bounds)
        #expect(grid.lines() == [
            "┌─ 帮助：按键说明 ─────────────────────┐",
            "│ F1, ?   显示本帮助页                 │",
            "│ F3, /   按姓名、拼音首字母或身份证号 │",
            "│         后四位搜索                   │",
            "│ Esc     返回上一页                   │",
            "│ Ctrl-S  保存当前记录                 │",
            "│ F10     退出程序                     │",
            "│                                      │",
            "└──────────────────────────────────────┘",
        ])
        #expect(total == 6)
    }

    @Test("The help page scrolls by an offset")
    func helpPageScroll() throws {
        let strings = try catalog(.zhHans)
        var grid = Grid(width: 40, height: 4)
        HelpPage.render(listKeymap, strings: strings, into: &grid, area: grid.bounds, offset: 3)
        #expect(grid.lines()[1...2] == ["│ Esc     返回上一页                   │", "│ Ctrl-S  保存当前记录                 │"])
    }
}
