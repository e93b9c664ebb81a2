import Foundation
import TanfangCore

/// A run of text in one style, part of a ``DocLine``.
struct DocSegment: Hashable, Sendable {
    var text: String
    var style: Style

    init(_ text: String, _ style: Style = .plain) {
        self.text = text
        self.style = style
    }
}

/// What a selectable line of a document points at (a visit, a follow-up, a red flag…).
struct DocRef: Hashable, Sendable {
    var list: Int
    var index: Int
}

/// One line of a scrolling document: the elder file and the monthly report are built as a list
/// of these, so the same lines render in one column at 80×24 or in two panes at 120 columns.
struct DocLine: Hashable, Sendable {
    enum Kind: Hashable, Sendable {
        case text([DocSegment])
        /// A table row sharing column widths with its neighbours (widths come from the columns).
        case row(columns: [TableColumn], cells: [String], style: Style, header: Bool)
        /// Item `index` of a bar chart, with a target mark after the bar and a note after it.
        case bar(BarChart, index: Int, note: DocSegment?)
    }

    var kind: Kind
    var ref: DocRef?

    static let blank = DocLine(kind: .text([]), ref: nil)

    static func text(_ segments: DocSegment..., ref: DocRef? = nil) -> DocLine {
        DocLine(kind: .text(segments), ref: ref)
    }

    static func title(_ text: String) -> DocLine { .text(DocSegment(text, Style(bold: true))) }

    static func header(_ columns: [TableColumn]) -> DocLine {
        DocLine(kind: .row(columns: columns, cells: [], style: Style(bold: true), header: true), ref: nil)
    }

    static func row(_ columns: [TableColumn], _ cells: [String], style: Style = .plain, ref: DocRef? = nil) -> DocLine {
        DocLine(kind: .row(columns: columns, cells: cells, style: style, header: false), ref: ref)
    }

    /// Draws the line on row `y` of `x`…`x + width`, reversed when `selected`.
    func render(into grid: inout Grid, x: Int, y: Int, width: Int, selected: Bool) {
        guard width > 0 else { return }
        let rect = Rect(x: x, y: y, width: width, height: 1)
        switch kind {
        case .text(let segments):
            var column = x
            for segment in segments where column < x + width {
                var style = segment.style
                if selected { style.reverse = true }
                column += grid.put(segment.text, x: column, y: y, style: style, maxWidth: x + width - column)
            }
            if selected {
                // Extend the highlight over the whole row, keeping each cell's own colour.
                for cx in column..<(x + width) { grid.put(" ", x: cx, y: y, style: Style(reverse: true)) }
            }
        case .row(let columns, let cells, let style, let header):
            let table = Table(columns: columns, rows: header ? [] : [cells], showsHeader: header,
                              headerStyle: style, rowStyles: [0: style])
            table.render(into: &grid, area: rect, state: TableState(selected: selected ? 0 : nil))
        case .bar(let chart, let index, let note):
            let noteWidth = note.map { $0.text.displayWidth + 1 } ?? 0
            let reserved = Self.barNoteWidth
            let chartWidth = max(0, width - reserved)
            chart.render(into: &grid, area: Rect(x: x, y: y, width: chartWidth, height: 1), offset: index)
            if let mark = Self.targetMarkColumn(chart, width: chartWidth) {
                grid.put("│", x: x + mark, y: y)
            }
            if let note, noteWidth > 0 {
                grid.put(note.text, x: x + chartWidth + 1, y: y, style: note.style, maxWidth: reserved - 1)
            }
            if let note, note.style.fg != .default {
                // Colour the label and figures too (bar cells keep their reverse video).
                for cx in x..<(x + chartWidth) {
                    var cellStyle = grid[x: cx, y: y].style
                    cellStyle.fg = note.style.fg
                    grid.setStyle(cellStyle, in: Rect(x: cx, y: y, width: 1, height: 1))
                }
            }
        }
    }

    /// Columns kept right of a bar chart for its note (e.g. 未达标).
    static let barNoteWidth = 9

    /// The column, relative to the chart's left edge, just after a full (100%) bar
    /// (``BarChart/layout(width:)``).
    static func targetMarkColumn(_ chart: BarChart, width: Int) -> Int? {
        let layout = chart.layout(width: width)
        guard layout.barWidth > 0 else { return nil }
        return layout.labelWidth + 1 + layout.barWidth
    }
}

/// Renders document lines into an area from a scroll offset, keeping a selected line visible.
enum DocView {
    /// The first line shown: `scroll` clamped to the document, moved as little as possible so
    /// that `selected` (a line index) is visible.
    static func offset(lineCount: Int, height: Int, scroll: Int, selectedLine: Int?) -> Int {
        guard height > 0 else { return 0 }
        var top = min(max(0, scroll), max(0, lineCount - height))
        if let line = selectedLine {
            if line < top { top = line }
            if line >= top + height { top = line - height + 1 }
        }
        return top
    }

    /// `keepVisible`: scroll to the selected line when it is out of view (otherwise it is only
    /// highlighted where it is).
    static func render(_ lines: [DocLine], into grid: inout Grid, area: Rect, scroll: Int, selected: DocRef?,
                       keepVisible: Bool = true) {
        guard !area.isEmpty else { return }
        let selectedLine = selected.flatMap { ref in lines.firstIndex { $0.ref == ref } }
        let top = offset(lineCount: lines.count, height: area.height, scroll: scroll,
                         selectedLine: keepVisible ? selectedLine : nil)
        for (row, index) in (top..<min(lines.count, top + area.height)).enumerated() {
            lines[index].render(into: &grid, x: area.x, y: area.y + row, width: area.width,
                                selected: selectedLine == index)
        }
        if top + area.height < lines.count {
            grid.put("↓", x: area.maxX - 1, y: area.maxY - 1, style: Style(dim: true))
        }
        if top > 0 {
            grid.put("↑", x: area.maxX - 1, y: area.y, style: Style(dim: true))
        }
    }
}

/// Small text helpers shared by the elder file, follow-up, red-flag and monthly screens.
enum ScreenText {
    /// `text` padded with spaces to `width` display columns (never cut).
    static func pad(_ text: String, _ width: Int) -> String {
        text + String(repeating: " ", count: max(0, width - text.displayWidth))
    }

    /// "2026-11-20 14:30".
    static func dateTime(_ t: LocalDateTime) -> String { t.description }

    /// "11-20 14:30": within the year, where the year goes without saying.
    static func monthDayTime(_ t: LocalDateTime) -> String {
        String(format: "%02d-%02d %02d:%02d", t.date.month, t.date.day, t.hour, t.minute)
    }

    /// One decimal, as in the reports (`Percent`).
    static func percent(_ rate: Double) -> String { Percent.text(rate) }

    /// Minutes from `a` to `b` (negative when `b` is earlier).
    static func minutes(from a: LocalDateTime, to b: LocalDateTime) -> Int {
        func total(_ t: LocalDateTime) -> Int { (t.date.dayNumber * 24 + t.hour) * 60 + t.minute }
        return total(b) - total(a)
    }

    /// How late `due` is at `now`, as catalog text ("逾期3天", "逾期5小时"); nil when not late.
    static func lateness(due: LocalDateTime, now: LocalDateTime, strings: Strings) -> String? {
        let late = minutes(from: due, to: now)
        guard late > 0 else { return nil }
        // Days by the calendar, as the red-flag list counts them (due yesterday is one day late);
        // hours while it is still the due day.
        if due.date < now.date { return strings.format("files.lateDays", String(due.date.days(to: now.date))) }
        return strings.format("files.lateHours", String(max(1, late / 60)))
    }

    /// Text of one answer with the form's option labels in the user's language.
    static func answer(_ answer: Answer, field: FormField?, strings: Strings) -> String {
        let language = strings.language
        func option(_ code: Int) -> String { field?.option(code)?.label(language) ?? String(code) }
        switch answer {
        case .choice(let c): return option(c)
        case .choices(let cs): return cs.map(option).joined(separator: strings["files.listSeparator"])
        case .yesNo(let b): return strings[b ? "files.yes" : "files.no"]
        case .date(let d): return d.description
        case .number(let n):
            return n == n.rounded() && abs(n) < 1e15 ? String(Int(n)) : String(n)
        case .text(let t): return t
        }
    }
}
