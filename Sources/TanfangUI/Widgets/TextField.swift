/// The editing state of a one-line text field, kept in the screen's state.
///
/// The cursor is a grapheme index (0 = before the first character), so "王a秀" has cursor
/// positions 0…3 whatever the byte or column counts; ``cursorColumn`` converts it to columns.
public struct TextFieldState: Hashable, Sendable {
    public private(set) var text: String
    /// Insertion point as a grapheme index, 0…`text.count`.
    public private(set) var cursor: Int
    /// The first grapheme shown when the text is wider than the field (see ``scrollIntoView(width:)``).
    public private(set) var scroll: Int
    /// Most graphemes accepted; input beyond it is refused (`insert` returns false).
    public let maxLength: Int?

    /// A field holding `text` with the cursor at its end.
    public init(_ text: String = "", maxLength: Int? = nil) {
        self.text = text
        self.cursor = text.count
        self.scroll = 0
        self.maxLength = maxLength
    }

    public var isEmpty: Bool { text.isEmpty }

    /// Columns between the start of the text and the cursor.
    public var cursorColumn: Int { DisplayWidth.of(text.prefix(cursor)) }

    /// Inserts `string` at the cursor and moves the cursor after it.
    ///
    /// Returns false, changing nothing, when `string` holds a control character or would pass
    /// `maxLength`.
    @discardableResult
    public mutating func insert(_ string: String) -> Bool {
        guard !string.isEmpty else { return true }
        guard !string.unicodeScalars.contains(where: { $0.value < 0x20 || (0x7F..<0xA0).contains($0.value) }) else { return false }
        let head = String(text.prefix(cursor)) + string
        let joined = head + text.dropFirst(cursor)
        if let maxLength, joined.count > maxLength { return false }
        text = joined
        // Counting the joined head handles a combining mark merging with the character before.
        cursor = min(head.count, text.count)
        return true
    }

    /// Deletes the character before the cursor.
    public mutating func backspace() {
        guard cursor > 0 else { return }
        remove(at: cursor - 1)
        cursor -= 1
    }

    /// Deletes the character under the cursor.
    public mutating func deleteForward() {
        guard cursor < text.count else { return }
        remove(at: cursor)
    }

    public mutating func moveLeft() { cursor = max(0, cursor - 1) }
    public mutating func moveRight() { cursor = min(text.count, cursor + 1) }
    public mutating func moveHome() { cursor = 0 }
    public mutating func moveEnd() { cursor = text.count }

    /// Replaces the whole text and puts the cursor at its end.
    public mutating func setText(_ newText: String) {
        text = newText
        cursor = newText.count
        scroll = 0
    }

    /// Handles typing and the editing keys (← → Home End Bksp Del, Ctrl-A/E/U/K);
    /// returns false for keys it does not use, so the screen can act on them.
    public mutating func handle(_ key: Key) -> Bool {
        switch key {
        case .char(let c): return insert(String(c))
        case .backspace: backspace()
        case .delete, .ctrl("d"): deleteForward()
        case .left, .ctrl("b"): moveLeft()
        case .right, .ctrl("f"): moveRight()
        case .home, .ctrl("a"): moveHome()
        case .end, .ctrl("e"): moveEnd()
        case .ctrl("u"):
            text = String(text.dropFirst(cursor))
            cursor = 0
        case .ctrl("k"):
            text = String(text.prefix(cursor))
        default: return false
        }
        return true
    }

    /// Stores the scroll position that keeps the cursor visible in a field `width` columns
    /// wide, moving as little as possible. Call it after editing, with the field's width, for
    /// steady scrolling; without it, rendering still keeps the cursor visible.
    public mutating func scrollIntoView(width: Int) {
        scroll = visibleStart(width: width)
    }

    /// The first grapheme to show in a field `width` columns wide: the stored scroll, moved
    /// just enough that the cursor (which needs one column at the end of the text) is visible.
    public func visibleStart(width: Int) -> Int {
        guard width > 0 else { return cursor }
        let characters = Array(text)
        var start = min(scroll, cursor)
        // Do not leave empty room on the right when the text could fill it.
        while start > 0, DisplayWidth.of(String(characters[(start - 1)...])) + 1 <= width {
            start -= 1
        }
        func columns(_ from: Int) -> Int { DisplayWidth.of(String(characters[from..<cursor])) }
        let cursorCell = cursor < characters.count ? characters[cursor].displayWidth : 1
        while start < cursor, columns(start) + cursorCell > width {
            start += 1
        }
        return start
    }

    private mutating func remove(at index: Int) {
        var characters = Array(text)
        characters.remove(at: index)
        text = String(characters)
    }
}

/// Draws a ``TextFieldState`` into one row.
public enum TextField {
    /// Draws the visible part of the text in `area`'s first row and returns the cursor position
    /// (nil when not `focused`). An empty, unfocused field shows `placeholder` dimmed.
    ///
    /// The field is filled with `style` first so its extent is visible (underlined by default,
    /// which also shows on monochrome terminals). A `fitted` field gives `style` only to the
    /// visible text and the cell after it, where the cursor waits, and leaves the rest of the row
    /// as it is: a long field's blank extent costs a byte a cell each time it is drawn.
    /// `textStyle`, when given, styles the text alone (a selected value) over the field's `style`.
    @discardableResult
    public static func render(_ state: TextFieldState, into grid: inout Grid, area: Rect,
                              style: Style = Style(underline: true), textStyle: Style? = nil,
                              placeholder: String? = nil,
                              focused: Bool = true, fitted: Bool = false) -> CursorPosition? {
        guard !area.isEmpty else { return nil }
        let row = area.row(0)
        if !fitted { grid.fill(row, style: style) }
        if state.isEmpty, let placeholder, !focused {
            grid.put(placeholder, x: row.x, y: row.y, style: style.dimmed, maxWidth: row.width)
            return nil
        }
        // Unfocused, the text shows from its start, with "…" where it is cut: a name seen from its
        // middle (尔汗·艾买提 for 阿娜尔汗·艾买提) would look wrong. Focused, it scrolls to the cursor.
        let start = focused ? state.visibleStart(width: row.width) : 0
        let visible = String(state.text.dropFirst(start))
        let used = grid.put(visible, x: row.x, y: row.y, style: textStyle ?? style, maxWidth: row.width,
                            overflow: focused ? .clip : .ellipsis)
        if fitted, used < row.width {
            grid.put(" ", x: row.x + used, y: row.y, style: textStyle ?? style)
        }
        guard focused else { return nil }
        let column = DisplayWidth.of(state.text.dropFirst(start).prefix(state.cursor - start))
        return CursorPosition(x: row.x + min(column, row.width - 1), y: row.y)
    }
}
