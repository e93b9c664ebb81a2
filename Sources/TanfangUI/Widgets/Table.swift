/// One column of a ``Table``: its header and how it takes width.
public struct TableColumn: Hashable, Sendable {
    /// Header text (already localized).
    public var title: String
    /// Columns it always gets (when the table is wide enough for all minimums).
    public var minWidth: Int
    /// Its share of the spare width; 0 keeps it at `minWidth`.
    public var flex: Int
    /// A cap on growth, so a wide terminal does not make a name column 60 columns wide.
    public var maxWidth: Int?
    public var alignment: Alignment

    public init(_ title: String, minWidth: Int, flex: Int = 0, maxWidth: Int? = nil,
                alignment: Alignment = .left) {
        self.title = title
        self.minWidth = max(0, minWidth)
        self.flex = max(0, flex)
        self.maxWidth = maxWidth
        self.alignment = alignment
    }
}

/// Selection and scroll position of a table, kept in the screen's state (not in the widget).
///
/// Change it in `update` with the number of visible rows from the same layout function
/// `render` uses (``Table/visibleRows(height:)``), so paging moves by what is on screen.
public struct TableState: Hashable, Sendable {
    /// The selected row index, or nil when there are no rows.
    public var selected: Int?
    /// The first row shown.
    public var offset: Int

    public init(selected: Int? = 0, offset: Int = 0) {
        self.selected = selected
        self.offset = offset
    }

    /// Moves the selection by `delta` rows (clamped) and scrolls so it stays visible.
    public mutating func move(by delta: Int, rowCount: Int, visibleRows: Int) {
        guard rowCount > 0 else { selected = nil; offset = 0; return }
        selected = min(max(0, (selected ?? 0) + delta), rowCount - 1)
        scrollToSelection(rowCount: rowCount, visibleRows: visibleRows)
    }

    /// Selects row `index` (clamped) and scrolls so it is visible.
    public mutating func select(_ index: Int, rowCount: Int, visibleRows: Int) {
        move(by: index - (selected ?? 0), rowCount: rowCount, visibleRows: visibleRows)
    }

    /// Keeps the selection and offset valid after the rows changed (e.g. a new search result).
    public mutating func clamp(rowCount: Int, visibleRows: Int) {
        move(by: 0, rowCount: rowCount, visibleRows: visibleRows)
    }

    /// Handles ↑ ↓ PgUp PgDn Home End; returns false for any other key.
    public mutating func handle(_ key: Key, rowCount: Int, visibleRows: Int) -> Bool {
        let page = max(1, visibleRows - 1)
        switch key {
        case .up: move(by: -1, rowCount: rowCount, visibleRows: visibleRows)
        case .down: move(by: 1, rowCount: rowCount, visibleRows: visibleRows)
        case .pageUp: move(by: -page, rowCount: rowCount, visibleRows: visibleRows)
        case .pageDown: move(by: page, rowCount: rowCount, visibleRows: visibleRows)
        case .home: select(0, rowCount: rowCount, visibleRows: visibleRows)
        case .end: select(rowCount - 1, rowCount: rowCount, visibleRows: visibleRows)
        default: return false
        }
        return true
    }

    /// The offset that shows the selection with the least scrolling from `offset`.
    ///
    /// `render` uses this too, so a stale offset (after a resize) still shows the selection.
    public func effectiveOffset(rowCount: Int, visibleRows: Int) -> Int {
        guard visibleRows > 0, rowCount > visibleRows else { return 0 }
        var top = min(max(0, offset), rowCount - visibleRows)
        if let selected {
            if selected < top { top = selected }
            if selected >= top + visibleRows { top = selected - visibleRows + 1 }
        }
        return top
    }

    private mutating func scrollToSelection(rowCount: Int, visibleRows: Int) {
        offset = effectiveOffset(rowCount: rowCount, visibleRows: visibleRows)
    }
}

/// Rows of text in aligned columns with a header and a selected row.
///
/// Columns share the width by their `minWidth`, `flex` and `maxWidth`, so the same table uses
/// the room of a 120-column terminal and still fits 80. Widths are display widths: Chinese names
/// line up. Text too wide for its column ends in "…".
///
/// ```swift
/// let table = Table(columns: [TableColumn("姓名", minWidth: 8, flex: 1, maxWidth: 16),
///                             TableColumn("年龄", minWidth: 4, alignment: .right)],
///                   rows: elders.map { [$0.name, String($0.age)] })
/// table.render(into: &grid, area: area, state: state.table)
/// ```
public struct Table: Hashable, Sendable {
    public var columns: [TableColumn]
    public var rows: [[String]]
    /// Blank columns between two columns.
    public var columnSpacing: Int
    public var showsHeader: Bool
    public var headerStyle: Style
    public var selectedStyle: Style
    /// Styles of particular rows (e.g. overdue in red), by row index.
    public var rowStyles: [Int: Style]
    /// Shown dimmed on the first row when there are no rows (already localized).
    public var emptyMessage: String?

    public init(columns: [TableColumn], rows: [[String]], columnSpacing: Int = 1,
                showsHeader: Bool = true, headerStyle: Style = Style(bold: true),
                selectedStyle: Style = Style(reverse: true), rowStyles: [Int: Style] = [:],
                emptyMessage: String? = nil) {
        self.columns = columns
        self.rows = rows
        self.columnSpacing = columnSpacing
        self.showsHeader = showsHeader
        self.headerStyle = headerStyle
        self.selectedStyle = selectedStyle
        self.rowStyles = rowStyles
        self.emptyMessage = emptyMessage
    }

    /// How many data rows fit in an area `height` rows high.
    public func visibleRows(height: Int) -> Int {
        max(0, height - (showsHeader ? 1 : 0))
    }

    /// The width of each column for a table `totalWidth` columns wide.
    ///
    /// Every column first gets its minimum; the spare width goes to flexible columns in
    /// proportion to `flex` (remainders to the leftmost), up to their `maxWidth`. When even the
    /// minimums do not fit, columns are filled left to right and the rightmost get less, or 0.
    public func columnWidths(for totalWidth: Int) -> [Int] {
        guard !columns.isEmpty else { return [] }
        let spacing = columnSpacing * (columns.count - 1)
        let available = max(0, totalWidth - spacing)
        let minimum = columns.reduce(0) { $0 + $1.minWidth }
        if minimum >= available {
            var left = max(0, totalWidth)
            return columns.map { column in
                let w = min(column.minWidth, left)
                left = max(0, left - w - columnSpacing)
                return w
            }
        }
        var widths = columns.map(\.minWidth)
        var spare = available - minimum
        while spare > 0 {
            let growing = columns.indices.filter { i in
                columns[i].flex > 0 && widths[i] < (columns[i].maxWidth ?? Int.max)
            }
            guard !growing.isEmpty else { break }
            let totalFlex = growing.reduce(0) { $0 + columns[$1].flex }
            var given = 0
            for i in growing {
                let room = (columns[i].maxWidth ?? Int.max) - widths[i]
                let share = min(spare * columns[i].flex / totalFlex, room)
                widths[i] += share
                given += share
            }
            if given == 0 {
                // Shares rounded down to nothing: hand out single columns, leftmost first.
                for i in growing where given < spare {
                    widths[i] += 1
                    given += 1
                }
            }
            spare -= given
        }
        return widths
    }

    /// Draws the header and the visible rows into `area`, highlighting the selected row.
    public func render(into grid: inout Grid, area: Rect, state: TableState) {
        guard !area.isEmpty else { return }
        let widths = columnWidths(for: area.width)
        var y = area.y
        if showsHeader {
            drawRow(columns.map(\.title), widths: widths, into: &grid, x: area.x, y: y, width: area.width, style: headerStyle)
            y += 1
        }
        let visible = visibleRows(height: area.height)
        if rows.isEmpty {
            if let emptyMessage, visible > 0 {
                grid.put(emptyMessage, x: area.x, y: y, style: Style(dim: true), maxWidth: area.width)
            }
            return
        }
        let top = state.effectiveOffset(rowCount: rows.count, visibleRows: visible)
        for index in top..<min(rows.count, top + visible) {
            var style = rowStyles[index] ?? .plain
            if index == state.selected {
                style.reverse = selectedStyle.reverse
                style.bold = style.bold || selectedStyle.bold
                if selectedStyle.fg != .default { style.fg = selectedStyle.fg }
                if selectedStyle.bg != .default { style.bg = selectedStyle.bg }
            }
            if style != .plain {
                // The whole row, gaps included, takes the row's style: the selection bar, and a
                // coloured row goes to the terminal as one run instead of switching the colour
                // off and on around every gap.
                grid.fill(Rect(x: area.x, y: y, width: area.width, height: 1), style: style)
            }
            drawRow(rows[index], widths: widths, into: &grid, x: area.x, y: y, width: area.width, style: style)
            y += 1
        }
    }

    private func drawRow(_ cells: [String], widths: [Int], into grid: inout Grid, x: Int, y: Int,
                         width: Int, style: Style) {
        var column = x
        for (i, w) in widths.enumerated() where w > 0 {
            let text = i < cells.count ? cells[i] : ""
            let cellWidth = min(w, x + width - column)
            guard cellWidth > 0 else { break }
            grid.put(text, in: Rect(x: column, y: y, width: cellWidth, height: 1),
                     alignment: columns[i].alignment, style: style)
            column += w + columnSpacing
        }
    }
}
