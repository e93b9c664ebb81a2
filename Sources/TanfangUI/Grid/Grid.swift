// MARK: - Style

/// The few colours the UI uses; the backend maps them to the terminal's palette, or ignores them
/// on a monochrome terminal (or when `NO_COLOR` is set), so meaning must never rest on colour alone.
public enum Color: String, Hashable, Sendable, Codable, CaseIterable {
    case `default`, red, green, yellow, blue, magenta, cyan, white, gray
}

/// How a cell is drawn: colours and attributes.
///
/// ```swift
/// let title = Style(bold: true)
/// let warning = Style(fg: .red, bold: true)
/// ```
public struct Style: Hashable, Sendable, Codable {
    public var fg: Color
    public var bg: Color
    public var bold: Bool
    public var reverse: Bool
    public var underline: Bool
    public var dim: Bool

    public init(fg: Color = .default, bg: Color = .default, bold: Bool = false,
                reverse: Bool = false, underline: Bool = false, dim: Bool = false) {
        self.fg = fg
        self.bg = bg
        self.bold = bold
        self.reverse = reverse
        self.underline = underline
        self.dim = dim
    }

    /// No colour, no attributes.
    public static let plain = Style()

    /// This style with `bold` set.
    public var bolded: Style { var s = self; s.bold = true; return s }
    /// This style with `reverse` set (the selection highlight; works on monochrome terminals).
    public var reversed: Style { var s = self; s.reverse = true; return s }
    /// This style with `underline` set.
    public var underlined: Style { var s = self; s.underline = true; return s }
    /// This style with `dim` set.
    public var dimmed: Style { var s = self; s.dim = true; return s }
    /// This style with the foreground colour `color`.
    public func foreground(_ color: Color) -> Style { var s = self; s.fg = color; return s }
}

// MARK: - Cell

/// One terminal cell: a grapheme cluster and its style.
///
/// A wide character (most Chinese characters) sits in a lead cell of width 2 followed by a
/// continuation cell, which carries the same style and no text of its own.
public struct Cell: Hashable, Sendable {
    /// The grapheme shown; a space for a blank or continuation cell.
    public private(set) var grapheme: Character
    public var style: Style
    /// Columns the grapheme takes: 1 or 2, and 0 for a continuation cell.
    public private(set) var width: UInt8

    /// A cell holding `grapheme`, which must take 1 or 2 columns.
    public init(_ grapheme: Character, style: Style = .plain) {
        self.grapheme = grapheme
        self.style = style
        self.width = grapheme.displayWidth >= 2 ? 2 : 1
    }

    /// A cell for `grapheme` whose width (1 or 2) the caller has measured already.
    init(_ grapheme: Character, width: Int, style: Style) {
        self.grapheme = grapheme
        self.style = style
        self.width = width >= 2 ? 2 : 1
    }

    init(continuationOf style: Style) {
        self.grapheme = " "
        self.style = style
        self.width = 0
    }

    /// Whether this is the right half of a wide character.
    public var isContinuation: Bool { width == 0 }

    /// A space in the plain style.
    public static let blank = Cell(" ")
}

// MARK: - Rect

/// A rectangle of cells; widgets render into one.
public struct Rect: Hashable, Sendable {
    public var x: Int
    public var y: Int
    public var width: Int
    public var height: Int

    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = max(0, width)
        self.height = max(0, height)
    }

    public var maxX: Int { x + width }
    public var maxY: Int { y + height }
    public var isEmpty: Bool { width == 0 || height == 0 }

    /// The rectangle shrunk by `dx` columns on the left and right and `dy` rows top and bottom.
    public func insetBy(dx: Int, dy: Int) -> Rect {
        Rect(x: x + dx, y: y + dy, width: width - 2 * dx, height: height - 2 * dy)
    }

    /// Row `index` (0-based) as a rectangle one row high.
    public func row(_ index: Int) -> Rect { Rect(x: x, y: y + index, width: width, height: 1) }

    /// The top `rows` rows.
    public func top(_ rows: Int) -> Rect { Rect(x: x, y: y, width: width, height: min(rows, height)) }

    /// The bottom `rows` rows.
    public func bottom(_ rows: Int) -> Rect {
        let h = min(max(0, rows), height)
        return Rect(x: x, y: maxY - h, width: width, height: h)
    }

    /// Everything below the top `rows` rows.
    public func droppingTop(_ rows: Int) -> Rect {
        let r = min(max(0, rows), height)
        return Rect(x: x, y: y + r, width: width, height: height - r)
    }

    /// Everything above the bottom `rows` rows.
    public func droppingBottom(_ rows: Int) -> Rect {
        Rect(x: x, y: y, width: width, height: height - min(max(0, rows), height))
    }

    /// The left `columns` columns.
    public func left(_ columns: Int) -> Rect { Rect(x: x, y: y, width: min(columns, width), height: height) }

    /// Everything right of the left `columns` columns.
    public func droppingLeft(_ columns: Int) -> Rect {
        let c = min(max(0, columns), width)
        return Rect(x: x + c, y: y, width: width - c, height: height)
    }

    /// The part of both rectangles (empty when they do not overlap).
    public func intersection(_ other: Rect) -> Rect {
        let x0 = max(x, other.x), y0 = max(y, other.y)
        let x1 = min(maxX, other.maxX), y1 = min(maxY, other.maxY)
        return Rect(x: x0, y: y0, width: x1 - x0, height: y1 - y0)
    }
}

// MARK: - Runs (for the backend)

/// Changed cells on one row that share a style: what the backend writes in one call.
public struct CellRun: Hashable, Sendable {
    public var x: Int
    public var y: Int
    public var style: Style
    /// The graphemes, wide ones once (continuation cells are not repeated).
    public var text: String
    /// Columns covered, counting a wide character twice.
    public var width: Int

    public init(x: Int, y: Int, style: Style, text: String, width: Int) {
        self.x = x
        self.y = y
        self.style = style
        self.text = text
        self.width = width
    }
}

/// What to do when text is wider than the room given to it.
public enum Overflow: Hashable, Sendable {
    /// Cut it and end with "…" so the reader knows something is missing (the default).
    case ellipsis
    /// Cut it without a mark (for text that scrolls, like an input field).
    case clip
}

// MARK: - Grid

/// A screen's worth of cells that widgets draw into; the backend diffs two of them.
///
/// Nothing here touches the terminal (ratatui's "no widget interacts with the terminal"), so
/// screens are tested by rendering into a grid and comparing ``lines()``.
public struct Grid: Hashable, Sendable {
    public let width: Int
    public let height: Int
    public private(set) var cells: [Cell]

    /// A blank grid of `width` × `height` cells.
    public init(width: Int, height: Int) {
        self.width = max(0, width)
        self.height = max(0, height)
        self.cells = Array(repeating: .blank, count: self.width * self.height)
    }

    /// The whole grid as a rectangle.
    public var bounds: Rect { Rect(x: 0, y: 0, width: width, height: height) }

    /// The cell at column `x`, row `y` (both 0-based and in range).
    public subscript(x x: Int, y y: Int) -> Cell {
        precondition(x >= 0 && x < width && y >= 0 && y < height, "cell (\(x),\(y)) outside \(width)x\(height)")
        return cells[y * width + x]
    }

    /// Writes `text` on row `y` from column `x` and returns the columns it took.
    ///
    /// The text gets at most `maxWidth` columns (and never more than the grid has). When it is
    /// wider, it is cut at a character boundary and, with `.ellipsis`, ends with "…". A wide
    /// character is never split: when only one column is left for it, that column gets a space.
    /// Tabs and line breaks show as a space and other control characters as "?", so no
    /// terminal control code is ever written; a lone zero-width character (a combining mark
    /// with no base) is not drawn.
    ///
    /// ```swift
    /// grid.put("王秀英芳", x: 0, y: 0, maxWidth: 7)   // "王秀英…", returns 7
    /// grid.put("王秀英芳", x: 0, y: 0, maxWidth: 6)   // "王秀… ", returns 6
    /// ```
    @discardableResult
    public mutating func put(_ text: String, x: Int, y: Int, style: Style = .plain,
                             maxWidth: Int? = nil, overflow: Overflow = .ellipsis) -> Int {
        guard y >= 0, y < height, x >= 0, x < width else { return 0 }
        let room = min(maxWidth ?? Int.max, width - x)
        guard room > 0 else { return 0 }
        let laid = Grid.layout(text, room: room, overflow: overflow)
        var column = x
        for (character, w) in laid {
            setCell(x: column, y: y, character: character, width: w, style: style)
            column += w
        }
        return column - x
    }

    /// Graphemes of `text` with their widths, cut to fit `room` columns (see ``put``).
    static func layout(_ text: String, room: Int, overflow: Overflow) -> [(Character, Int)] {
        var items: [(Character, Int)] = []
        items.reserveCapacity(text.utf8.count)
        var total = 0
        // Printable ASCII and the common blocks are one scalar per cluster: take them without
        // breaking the text into clusters (a property lookup per character); anything else
        // (marks, emoji, controls) goes the general way.
        var simple = true
        for scalar in text.unicodeScalars {
            let v = scalar.value
            let w = v >= 0x20 && v < 0x7F ? 1 : DisplayWidth.commonWidth(v)
            guard let w else { simple = false; break }
            items.append((Character(scalar), w))
            total += w
        }
        if !simple {
            items.removeAll(keepingCapacity: true)
            total = 0
            for character in text {
                let shown = sanitized(character)
                let w = shown.displayWidth
                guard w > 0 else { continue }
                items.append((shown, w))
                total += w
            }
        }
        guard total > room else { return items }
        // Too wide: keep a prefix, leaving one column for the ellipsis if wanted.
        let limit = overflow == .ellipsis ? room - 1 : room
        var kept: [(Character, Int)] = []
        var used = 0
        for item in items {
            if used + item.1 > limit { break }
            kept.append(item)
            used += item.1
        }
        if overflow == .ellipsis {
            kept.append(("…", 1))
            used += 1
        }
        while used < room {  // a wide character did not fit: pad rather than split it
            kept.append((" ", 1))
            used += 1
        }
        return kept
    }

    /// Control characters would move the terminal's cursor; show them as harmless text.
    static func sanitized(_ character: Character) -> Character {
        guard let first = character.unicodeScalars.first,
              first.value < 0x20 || (0x7F..<0xA0).contains(first.value) else { return character }
        switch first.value {
        case 0x09, 0x0A, 0x0D: return " "
        default: return "?"
        }
    }

    /// Fills `rect` (clipped to the grid) with `character` in `style`.
    ///
    /// `character` must take one column; anything else fills with spaces.
    public mutating func fill(_ rect: Rect, with character: Character = " ", style: Style = .plain) {
        let area = rect.intersection(bounds)
        let shown = character.displayWidth == 1 ? Grid.sanitized(character) : " "
        for y in area.y..<area.maxY {
            for x in area.x..<area.maxX {
                setCell(x: x, y: y, character: shown, width: 1, style: style)
            }
        }
    }

    /// Replaces the style of every cell in `rect` (clipped to the grid), keeping the text.
    ///
    /// Used to highlight a whole row after drawing it. A wide character cut by the edge of
    /// `rect` gets the new style on both halves so it stays one unit.
    public mutating func setStyle(_ style: Style, in rect: Rect) {
        let area = rect.intersection(bounds)
        guard !area.isEmpty else { return }
        for y in area.y..<area.maxY {
            var x0 = area.x, x1 = area.maxX
            if cells[y * width + x0].isContinuation { x0 -= 1 }
            if x1 < width, cells[y * width + x1].isContinuation { x1 += 1 }
            for x in x0..<x1 { cells[y * width + x].style = style }
        }
    }

    /// Puts one grapheme at (x, y), first blanking any wide character it would cut in half.
    mutating func setCell(x: Int, y: Int, character: Character, width w: Int, style: Style) {
        let wide = w == 2 && x + 1 < width
        breakWide(x: x, y: y)
        if wide { breakWide(x: x + 1, y: y) }
        let index = y * width + x
        if w == 2 && !wide {
            cells[index] = Cell(" ", style: style)  // no room for the right half
            return
        }
        cells[index] = Cell(character, width: w, style: style)
        if wide { cells[index + 1] = Cell(continuationOf: style) }
    }

    /// If (x, y) is half of a wide character, turns the other half into a space.
    private mutating func breakWide(x: Int, y: Int) {
        let index = y * width + x
        let cell = cells[index]
        if cell.isContinuation, x > 0 {
            cells[index - 1] = Cell(" ", style: cells[index - 1].style)
            cells[index] = Cell(" ", style: cell.style)
        } else if cell.width == 2, x + 1 < width {
            cells[index + 1] = Cell(" ", style: cell.style)
        }
    }

    /// The text of each row, for snapshot tests.
    ///
    /// A wide character appears once; trailing spaces are trimmed (so a blank row is ""),
    /// which keeps expected screens in tests readable. Styles are not shown.
    public func lines() -> [String] {
        (0..<height).map { y in
            var line = ""
            for x in 0..<width {
                let cell = cells[y * width + x]
                if !cell.isContinuation { line.append(cell.grapheme) }
            }
            while line.last == " " { line.removeLast() }
            return line
        }
    }

    /// The runs of cells that differ from `old`, row by row, left to right.
    ///
    /// Consecutive changed cells with the same style form one run; unchanged cells are never
    /// included, so the backend sends only what changed (which matters over slow SSH links).
    /// A changed continuation cell pulls in its lead, so a wide character is always written
    /// whole. When the sizes differ, every non-blank run of the new grid is returned, as for a
    /// full redraw after clearing the screen.
    public func diff(from old: Grid) -> [CellRun] {
        let sameSize = old.width == width && old.height == height
        var runs: [CellRun] = []
        for y in 0..<height {
            var current: CellRun?
            var x = 0
            while x < width {
                let index = y * width + x
                let cell = cells[index]
                let changed = sameSize ? cell != old.cells[index] : cell != .blank
                guard changed else {
                    if let run = current { runs.append(run); current = nil }
                    x += 1
                    continue
                }
                var start = x
                var lead = cell
                if cell.isContinuation, x > 0 {
                    // Only the right half changed (put never does this, but stay safe).
                    start = x - 1
                    lead = cells[index - 1]
                }
                let w = Int(lead.width)
                if var run = current, run.style == lead.style, run.x + run.width == start {
                    run.text.append(lead.grapheme)
                    run.width += w
                    current = run
                } else {
                    if let run = current { runs.append(run) }
                    current = CellRun(x: start, y: y, style: lead.style, text: String(lead.grapheme), width: w)
                }
                x = start + max(w, 1)
            }
            if let run = current { runs.append(run) }
        }
        return runs
    }
}
