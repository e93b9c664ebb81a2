import Testing
@testable import TanfangUI

@Suite("Grid")
struct GridTests {
    @Test("Text that fits is written whole and its width returned")
    func putFits() {
        // Given an empty grid
        var grid = Grid(width: 10, height: 2)
        // When text with Chinese characters is put
        let used = grid.put("王a秀", x: 1, y: 1)
        // Then it takes its display width, wide characters in a lead and a continuation cell
        #expect(used == 5)
        #expect(grid.lines() == ["", " 王a秀"])
        #expect(grid[x: 1, y: 1].grapheme == "王")
        #expect(grid[x: 2, y: 1].isContinuation)
        #expect(grid[x: 3, y: 1].grapheme == "a")
    }

    @Test("Cut text ends in an ellipsis placed right after the last whole character")
    func ellipsis() {
        var grid = Grid(width: 12, height: 3)
        // Exactly one column short: "王秀英" (6) + "…" (1) fill 7 columns
        #expect(grid.put("王秀英芳", x: 0, y: 0, maxWidth: 7) == 7)
        // Two columns short: the wide 英 cannot be split, so a space pads after the ellipsis
        #expect(grid.put("王秀英芳", x: 0, y: 1, maxWidth: 6) == 6)
        // Fits exactly: no ellipsis
        #expect(grid.put("王秀英芳", x: 0, y: 2, maxWidth: 8) == 8)
        #expect(grid.lines() == ["王秀英…", "王秀…", "王秀英芳"])
        #expect(grid[x: 5, y: 1] == Cell(" "))
        #expect(grid[x: 8, y: 1] == Cell(" "))  // nothing written past maxWidth
    }

    @Test("A wide character at the last column is never split")
    func lastColumn() {
        // Given text whose wide character would start in the last column
        var grid = Grid(width: 5, height: 3)
        // When it is clipped without an ellipsis, that column becomes a space
        #expect(grid.put("ab王", x: 2, y: 0, overflow: .clip) == 3)
        #expect(grid[x: 4, y: 0] == Cell(" "))
        #expect(grid.put("王", x: 4, y: 1, overflow: .clip) == 1)
        #expect(grid[x: 4, y: 1] == Cell(" "))
        // With the default ellipsis the cut is marked instead
        #expect(grid.put("abc王", x: 1, y: 2) == 4)
        #expect(grid.lines() == ["  ab", "", " abc…"])
    }

    @Test("Writing over half of a wide character blanks its other half")
    func overwriteHalf() {
        var grid = Grid(width: 6, height: 2)
        grid.put("王秀英", x: 0, y: 0)
        grid.put("王秀英", x: 0, y: 1)
        // When narrow text lands on a continuation cell and on a lead cell
        grid.put("x", x: 1, y: 0)
        grid.put("y", x: 2, y: 1)
        // Then the broken wide characters become spaces; no cell is left half a character
        #expect(grid.lines() == [" x秀英", "王y 英"])
        #expect(!grid[x: 3, y: 1].isContinuation)
    }

    @Test("Control characters are shown harmlessly, lone combining marks are not drawn")
    func controls() {
        var grid = Grid(width: 10, height: 1)
        #expect(grid.put("a\tb\u{1B}c\u{301}\n", x: 0, y: 0) == 6)
        #expect(grid.lines() == ["a b?c\u{301}"])
        var lone = Grid(width: 4, height: 1)
        #expect(lone.put("\u{301}x", x: 0, y: 0) == 1)
        #expect(lone.lines() == ["x"])
    }

    @Test("Text outside the grid is ignored")
    func outside() {
        var grid = Grid(width: 4, height: 1)
        #expect(grid.put("a", x: 4, y: 0) == 0)
        #expect(grid.put("a", x: 0, y: 1) == 0)
        #expect(grid.put("a", x: -1, y: 0) == 0)
        #expect(grid.lines() == [""])
    }

    @Test("lines() trims trailing spaces but keeps inner and leading ones")
    func linesTrim() {
        var grid = Grid(width: 8, height: 1)
        grid.put(" a  b   ", x: 0, y: 0)
        #expect(grid.lines() == [" a  b"])
    }

    @Test("fill and setStyle cover a rectangle clipped to the grid")
    func fillAndStyle() {
        var grid = Grid(width: 4, height: 3)
        grid.fill(Rect(x: 2, y: 1, width: 5, height: 5), with: "-")
        #expect(grid.lines() == ["", "  --", "  --"])
        grid.put("王", x: 0, y: 0)
        // A style boundary through a wide character takes the whole character
        grid.setStyle(Style(reverse: true), in: Rect(x: 1, y: 0, width: 1, height: 1))
        #expect(grid[x: 0, y: 0].style.reverse)
        #expect(grid[x: 1, y: 0].style.reverse)
        #expect(!grid[x: 2, y: 0].style.reverse)
    }
}

@Suite("Grid.diff")
struct GridDiffTests {
    func grid(_ rows: [String], width: Int = 8) -> Grid {
        var g = Grid(width: width, height: rows.count)
        for (y, row) in rows.enumerated() { g.put(row, x: 0, y: y) }
        return g
    }

    @Test("Identical grids give no runs")
    func identical() {
        #expect(grid(["王秀英", "abc"]).diff(from: grid(["王秀英", "abc"])) == [])
    }

    @Test("Only the changed wide character is sent, once")
    func oneWide() {
        let runs = grid(["王秀英", "abc"]).diff(from: grid(["王秀芳", "abc"]))
        #expect(runs == [CellRun(x: 4, y: 0, style: .plain, text: "英", width: 2)])
    }

    @Test("Separate changes give separate runs; adjacent ones with one style give one run")
    func separateAndAdjacent() {
        let old = grid(["abcdefgh"])
        #expect(grid(["aXcdeYgh"]).diff(from: old) == [
            CellRun(x: 1, y: 0, style: .plain, text: "X", width: 1),
            CellRun(x: 5, y: 0, style: .plain, text: "Y", width: 1),
        ])
        #expect(grid(["aXY王fgh"]).diff(from: old) == [
            CellRun(x: 1, y: 0, style: .plain, text: "XY王", width: 4),
        ])
    }

    @Test("A style change alone is a change, and styles split runs")
    func styles() {
        let old = grid(["abcd"])
        var new = old
        new.put("bc", x: 1, y: 0, style: Style(bold: true))
        new.put("d", x: 3, y: 0, style: Style(fg: .red))
        #expect(new.diff(from: old) == [
            CellRun(x: 1, y: 0, style: Style(bold: true), text: "bc", width: 2),
            CellRun(x: 3, y: 0, style: Style(fg: .red), text: "d", width: 1),
        ])
    }

    @Test("Replacing a wide character by two narrow ones writes both")
    func wideToNarrow() {
        #expect(grid(["ab"]).diff(from: grid(["王"])) == [CellRun(x: 0, y: 0, style: .plain, text: "ab", width: 2)])
        #expect(grid(["王"]).diff(from: grid(["ab"])) == [CellRun(x: 0, y: 0, style: .plain, text: "王", width: 2)])
    }

    @Test("A different size redraws every non-blank run")
    func resized() {
        let runs = grid(["a  b", "", "王"], width: 6).diff(from: grid(["a  b"], width: 4))
        #expect(runs == [
            CellRun(x: 0, y: 0, style: .plain, text: "a", width: 1),
            CellRun(x: 3, y: 0, style: .plain, text: "b", width: 1),
            CellRun(x: 0, y: 2, style: .plain, text: "王", width: 2),
        ])
    }

    @Test("Applying the runs to the old grid gives the new one")
    func replay() {
        // Given two screens that differ in scattered places
        let old = grid(["王秀英 82", "李建国 79", "abc"])
        var new = grid(["王秀芳 82", "李建 790", "abc"])
        new.setStyle(Style(reverse: true), in: Rect(x: 0, y: 2, width: 2, height: 1))
        // When the runs are written onto the old grid, as a terminal would
        var screen = old
        for run in new.diff(from: old) { screen.put(run.text, x: run.x, y: run.y, style: run.style) }
        // Then the result is the new grid exactly
        #expect(screen == new)
    }

    @Test("put lays out common text as the general path does (the fast path keeps the cells)")
    func layoutFastPath() {
        let samples = ["王秀英 女 82岁", "艾力·阿吾提", "2026-11-23 → 逾期", "1无 2高血压 3糖尿病", "（一）健康，方面：",
                       "abc\tdef", "e\u{301}王", "👍🏽好", "─┼─", "ｱｲｳ", "\u{1B}[31m", ""]
        for text in samples {
            for room in [1, 2, 3, 5, 8, 40] {
                for overflow in [Overflow.ellipsis, .clip] {
                    var general: [(Character, Int)] = []
                    for character in text {
                        let shown = Grid.sanitized(character)
                        if shown.displayWidth > 0 { general.append((shown, shown.displayWidth)) }
                    }
                    let fast = Grid.layout(text, room: room, overflow: overflow)
                    let total = general.reduce(0) { $0 + $1.1 }
                    if total <= room {
                        #expect(fast.map(\.0) == general.map(\.0) && fast.map(\.1) == general.map(\.1), "\(text)")
                    } else {
                        #expect(fast.reduce(0) { $0 + $1.1 } == room, "\(text) in \(room)")
                    }
                    var grid = Grid(width: 50, height: 1)
                    grid.put(text, x: 0, y: 0, maxWidth: room, overflow: overflow)
                    for x in 0..<50 where !grid[x: x, y: 0].isContinuation {
                        #expect(Int(grid[x: x, y: 0].width) == max(1, grid[x: x, y: 0].grapheme.displayWidth))
                    }
                }
            }
        }
    }
}
