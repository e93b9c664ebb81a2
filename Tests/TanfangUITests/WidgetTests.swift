import Testing
import Foundation
import TanfangCore
@testable import TanfangUI

@Suite("Widgets")
struct WidgetTests {
    @Test("A box frames its area, cuts a long title and returns the inside")
    func box() {
        var grid = Grid(width: 14, height: 4)
        let inner = Box(title: "探访记录表（附件2）").render(into: &grid, area: grid.bounds)
        #expect(inner == Rect(x: 1, y: 1, width: 12, height: 2))
        #expect(grid.lines() == [
            "┌─ 探访记录…─┐",
            "│            │",
            "│            │",
            "└────────────┘",
        ])
        var ascii = Grid(width: 6, height: 3)
        Box(glyphs: .ascii).render(into: &ascii, area: ascii.bounds)
        #expect(ascii.lines() == ["+----+", "|    |", "+----+"])
    }

    @Test("The status line keeps the right text and cuts the left one")
    func statusLine() {
        var grid = Grid(width: 24, height: 1)
        StatusLine(left: "已保存王秀英的探访记录", right: "第 3/120 条").render(into: &grid, area: grid.bounds)
        #expect(grid.lines() == ["已保存王秀…  第 3/120 条"])
        #expect(grid[x: 23, y: 0].style.reverse)  // the bar spans the row
    }

    @Test("Bar chart: Chinese labels align, bars scale to value/total, percent rounds down")
    func barChart() {
        let chart = BarChart(items: [
            .init("红旗村", value: 20, total: 20),
            .init("阿克苏镇", value: 10, total: 20),
            .init("团结村", value: 199, total: 200),
            .init("新村", value: 0, total: 0),
        ])
        var grid = Grid(width: 40, height: 4)
        chart.render(into: &grid, area: grid.bounds)
        // label 8, bar 16 (40-8-7-6-3), count 7, percent 6 (one decimal, rounded down), one space between each
        #expect(grid.lines() == [
            "红旗村                      20/20 100.0%",
            "阿克苏镇                    10/20  50.0%",
            "团结村                    199/200  99.5%",
            "新村                          0/0      —",  // nobody owed a visit: no rate
        ])
        let bars: [Int] = (0..<4).map { y in (9..<25).filter { grid[x: $0, y: y].style.reverse }.count }
        #expect(bars == [16, 8, 15, 0])
    }

    @Test("Wrapping breaks Chinese anywhere and Latin at spaces")
    func wrap() {
        #expect(TextWrap.lines("按姓名、拼音首字母搜索", width: 8) == ["按姓名、", "拼音首字", "母搜索"])
        #expect(TextWrap.lines("Search by name or ID", width: 10) == ["Search by", "name or ID"])
        #expect(TextWrap.lines("王a秀英", width: 4) == ["王a", "秀英"])  // 秀 would straddle the edge
        #expect(TextWrap.lines("一\n\n二", width: 4) == ["一", "", "二"])
        // A Windows line break (one Character, "\r\n") breaks the line too; it was counted as text
        // and the line came out a column too wide, its last character lost under the ellipsis
        #expect(TextWrap.lines("有高血压\r\n常年吃药", width: 8) == ["有高血压", "常年吃药"])
        #expect(TextWrap.lines("腿脚\r不便", width: 8) == ["腿脚", "不便"])
        // After a space, a short run is carried whole (an item of a list, a place name)…
        #expect(TextWrap.lines("王大 13698765432 乌鲁木齐市", width: 24) == ["王大 13698765432", "乌鲁木齐市"])
        // …but a long run of Chinese fills the line: a date and time early in a message left a
        // line of 21 columns and cut the rest of it
        #expect(TextWrap.lines("这是 2026-12-07 16:40 的备份副本，不是正在使用的台账", width: 40)
                == ["这是 2026-12-07 16:40 的备份副本，不是正", "在使用的台账"])
    }

    @Test("Grid.put(in:alignment:) pads by display width")
    func aligned() {
        var grid = Grid(width: 10, height: 3)
        grid.put("王秀", in: Rect(x: 0, y: 0, width: 10, height: 1), alignment: .right)
        grid.put("王秀", in: Rect(x: 0, y: 1, width: 10, height: 1), alignment: .center)
        grid.put("王秀英芳丽娟", in: Rect(x: 0, y: 2, width: 10, height: 1), alignment: .right)
        #expect(grid.lines() == ["      王秀", "   王秀", "王秀英芳…"])
    }
}

@Suite("ui-common catalogs")
struct CatalogTests {
    func keys(_ language: Language) throws -> Set<String> {
        let url = ResourceLocator.sourceCheckout
            .appendingPathComponent("strings/\(language.rawValue)/ui-common.json")
        return Set(try JSONDecoder().decode([String: String].self, from: Data(contentsOf: url)).keys)
    }

    @Test("Chinese and English define the same keys")
    func sameKeys() throws {
        let zh = try keys(.zhHans)
        let en = try keys(.en)
        #expect(zh.subtracting(en).isEmpty, "missing in en: \(zh.subtracting(en).sorted())")
        #expect(en.subtracting(zh).isEmpty, "missing in zh-Hans: \(en.subtracting(zh).sorted())")
        #expect(zh.isSuperset(of: ["key.help", "key.back", "key.search", "key.quit", "key.save", "key.enter",
                                  "key.next", "key.prev", "key.filter", "key.sort", "help.title",
                                  "status.saved", "status.error"]))
    }

    @Test("The common labels read as the product expects")
    func chineseLabels() throws {
        let strings = try catalog(.zhHans)
        #expect(["key.help", "key.back", "key.search", "key.quit", "key.save", "key.enter"].map { strings[$0] }
            == ["帮助", "返回", "搜索", "退出", "保存", "确定"])
        #expect(strings.format("status.error", "磁盘已满") == "出错：磁盘已满")
    }
}

@Suite("ScreenChrome")
struct ScreenChromeTests {
    @Test("Title bar on top, status and keys at the bottom, the body in between")
    func layout() throws {
        let strings = try catalog(.zhHans)
        var grid = Grid(width: 40, height: 6)
        let chrome = ScreenChrome(title: "老人名册", context: "王芳 · 红旗村",
                                  status: StatusLine(left: strings["status.saved"], tone: .success))
        let body = chrome.render(keymap: listKeymap, strings: strings, into: &grid)
        #expect(body == Rect(x: 0, y: 1, width: 40, height: 3))
        #expect(body == ScreenChrome.body(in: grid.bounds))
        #expect(grid.lines() == [
            "老人名册                   王芳 · 红旗村",
            "",
            "",
            "",
            "已保存",
            "F1帮助 F3搜索 Esc返回 F10退出",
        ])
        #expect(grid[x: 39, y: 0].style == Style(bold: true, reverse: true))
    }
}
