import Testing
@testable import TanfangUI

@Suite("TextField")
struct TextFieldTests {
    @Test("The cursor is a grapheme index; its column counts Chinese characters twice")
    func mixedCursor() {
        // Given "王a秀" with the cursor at the end
        var field = TextFieldState("王a秀")
        #expect(field.cursor == 3)
        #expect(field.cursorColumn == 5)
        // When moving left one character at a time
        field.moveLeft()
        #expect((field.cursor, field.cursorColumn) == (2, 3))
        field.moveLeft()
        #expect((field.cursor, field.cursorColumn) == (1, 2))
        field.moveLeft()
        field.moveLeft()  // already at the start: stays
        #expect((field.cursor, field.cursorColumn) == (0, 0))
        field.moveEnd()
        #expect(field.cursor == 3)
    }

    @Test("Insert, backspace and delete act at the cursor")
    func editing() {
        var field = TextFieldState("王a秀")
        field.moveHome()
        field.moveRight()
        // When 李 is typed after 王
        do { let ok = field.handle(.char("李")); #expect(ok) }
        #expect(field.text == "王李a秀")
        #expect((field.cursor, field.cursorColumn) == (2, 4))
        // Backspace removes 李, Delete removes a
        do { let ok = field.handle(.backspace); #expect(ok) }
        do { let ok = field.handle(.delete); #expect(ok) }
        #expect(field.text == "王秀")
        #expect(field.cursor == 1)
        // At the ends they do nothing
        field.moveHome()
        field.backspace()
        field.moveEnd()
        field.deleteForward()
        #expect(field.text == "王秀")
    }

    @Test("A combining mark typed after a letter joins it; the cursor stays after it")
    func combining() {
        var field = TextFieldState("Cafe")
        do { let ok = field.insert("\u{301}"); #expect(ok) }
        #expect(field.text == "Caf\u{E9}")
        #expect(field.cursor == 4)
    }

    @Test("Control characters and text beyond maxLength are refused, not cut")
    func refused() {
        var field = TextFieldState("王秀", maxLength: 3)
        do { let ok = field.insert("a\nb"); #expect(!ok) }
        do { let ok = field.insert("英芳"); #expect(!ok) }
        #expect(field.text == "王秀")
        do { let ok = field.insert("英"); #expect(ok) }
        do { let ok = field.handle(.char("x")); #expect(!ok) }
        #expect(field.text == "王秀英")
    }

    @Test("Keys the field does not use are left to the screen")
    func unusedKeys() {
        var field = TextFieldState()
        do { let ok = field.handle(.enter); #expect(!ok) }
        do { let ok = field.handle(.up); #expect(!ok) }
        do { let ok = field.handle(.function(2)); #expect(!ok) }
        do { let ok = field.handle(.ctrl("a")); #expect(ok) }
    }

    @Test("Ctrl-U and Ctrl-K delete before and after the cursor")
    func killLine() {
        var field = TextFieldState("王秀英")
        field.moveLeft()
        _ = field.handle(.ctrl("k"))
        #expect(field.text == "王秀")
        field.moveLeft()
        _ = field.handle(.ctrl("u"))
        #expect((field.text, field.cursor) == ("秀", 0))
    }

    @Test("Rendering returns the cursor column by display width")
    func renderCursor() {
        var grid = Grid(width: 20, height: 1)
        var field = TextFieldState("王a秀")
        field.moveLeft()
        let cursor = TextField.render(field, into: &grid, area: Rect(x: 2, y: 0, width: 10, height: 1))
        #expect(cursor == CursorPosition(x: 5, y: 0))
        #expect(grid.lines() == ["  王a秀"])
        #expect(grid[x: 11, y: 0].style.underline)   // the field's extent shows
        #expect(!grid[x: 12, y: 0].style.underline)
    }

    @Test("A fitted field styles its text and the cursor's cell only, and leaves the rest of the row")
    func fitted() {
        // Given a row with text to the right of a 10-column field
        var grid = Grid(width: 20, height: 1)
        grid.put("x", x: 15, y: 0)
        // When a fitted field holding 王a is drawn
        let cursor = TextField.render(TextFieldState("王a"), into: &grid, area: Rect(x: 2, y: 0, width: 10, height: 1),
                                      style: Style(reverse: true), fitted: true)
        // Then the text and the cell after it have the style, the cursor waits on that cell
        #expect(cursor == CursorPosition(x: 5, y: 0))
        #expect((2...5).allSatisfy { grid[x: $0, y: 0].style == Style(reverse: true) })
        // And the rest of the field's room is left as it was
        #expect((6..<20).allSatisfy { grid[x: $0, y: 0].style == .plain })
        #expect(grid.lines() == ["  王a          x"])
        // And a fitted field whose text fills it has no cell to spare
        var full = Grid(width: 6, height: 1)
        _ = TextField.render(TextFieldState("王秀英a"), into: &full, area: Rect(x: 0, y: 0, width: 6, height: 1), fitted: true)
        #expect(full.lines() == ["秀英a"])
    }

    @Test("Text longer than the field scrolls so the cursor stays visible")
    func horizontalScroll() {
        // Given text 9 columns wide in a 6-column field, cursor at the end
        var field = TextFieldState("王秀英a李")
        var grid = Grid(width: 10, height: 1)
        // Then the end shows, leaving a column for the cursor
        var cursor = TextField.render(field, into: &grid, area: Rect(x: 0, y: 0, width: 6, height: 1))
        #expect(grid.lines() == ["英a李"])
        #expect(cursor == CursorPosition(x: 5, y: 0))
        // When the cursor goes home, the start shows
        field.moveHome()
        field.scrollIntoView(width: 6)
        grid = Grid(width: 10, height: 1)
        cursor = TextField.render(field, into: &grid, area: Rect(x: 0, y: 0, width: 6, height: 1))
        #expect(grid.lines() == ["王秀英"])
        #expect(cursor == CursorPosition(x: 0, y: 0))
        // A stored scroll is kept while the cursor stays in view
        field.moveEnd()
        field.scrollIntoView(width: 6)
        #expect(field.scroll == 2)
        field.moveLeft()
        field.scrollIntoView(width: 6)
        #expect(field.scroll == 2)
    }

    @Test("An unfocused empty field shows its placeholder and no cursor")
    func placeholder() {
        var grid = Grid(width: 12, height: 1)
        let cursor = TextField.render(TextFieldState(), into: &grid, area: Rect(x: 0, y: 0, width: 12, height: 1),
                                      placeholder: "姓名或拼音", focused: false)
        #expect(cursor == nil)
        #expect(grid.lines() == ["姓名或拼音"])
        #expect(grid[x: 0, y: 0].style.dim)
    }
}
