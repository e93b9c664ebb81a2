/// A one-row status bar: a message on the left, context (position, user, village) on the right.
public struct StatusLine: Hashable, Sendable {
    /// What kind of message the left side holds; errors are also bold so they stand out
    /// without colour.
    public enum Tone: Hashable, Sendable {
        case normal, success, warning, error
    }

    public var left: String
    public var right: String
    public var tone: Tone

    public init(left: String = "", right: String = "", tone: Tone = .normal) {
        self.left = left
        self.right = right
        self.tone = tone
    }

    /// The style of the bar for a tone (reverse video, coloured when the terminal allows).
    public static func style(for tone: Tone) -> Style {
        switch tone {
        case .normal: Style(reverse: true)
        case .success: Style(fg: .green, reverse: true)
        case .warning: Style(fg: .yellow, bold: true, reverse: true)
        case .error: Style(fg: .red, bold: true, reverse: true)
        }
    }

    /// Draws the bar on the first row of `area`. The right text keeps its room and the left
    /// is cut with "…" when both do not fit.
    public func render(into grid: inout Grid, area: Rect) {
        guard !area.isEmpty else { return }
        let row = area.row(0)
        let style = Self.style(for: tone)
        grid.fill(row, style: style)
        let rightWidth = min(right.displayWidth, row.width)
        if rightWidth > 0 {
            grid.put(right, in: Rect(x: row.maxX - rightWidth, y: row.y, width: rightWidth, height: 1), style: style)
        }
        let leftRoom = row.width - rightWidth - (rightWidth > 0 ? 1 : 0)
        if leftRoom > 0 {
            grid.put(left, x: row.x, y: row.y, style: style, maxWidth: leftRoom)
        }
    }
}
