/// The characters a ``Box`` frame is drawn with.
public struct BoxGlyphs: Hashable, Sendable {
    public var topLeft, topRight, bottomLeft, bottomRight, horizontal, vertical: Character

    public init(topLeft: Character, topRight: Character, bottomLeft: Character,
                bottomRight: Character, horizontal: Character, vertical: Character) {
        self.topLeft = topLeft
        self.topRight = topRight
        self.bottomLeft = bottomLeft
        self.bottomRight = bottomRight
        self.horizontal = horizontal
        self.vertical = vertical
    }

    /// Box-drawing lines ┌─┐│└┘ (one column each in a UTF-8 locale).
    public static let line = BoxGlyphs(topLeft: "┌", topRight: "┐", bottomLeft: "└",
                                       bottomRight: "┘", horizontal: "─", vertical: "│")
    /// Plain ASCII +-|, for terminals that draw box-drawing characters two columns wide.
    public static let ascii = BoxGlyphs(topLeft: "+", topRight: "+", bottomLeft: "+",
                                        bottomRight: "+", horizontal: "-", vertical: "|")
}

/// A frame with an optional title in its top edge: `┌─ 标题 ───┐`.
public struct Box: Hashable, Sendable {
    public var title: String?
    public var style: Style
    public var titleStyle: Style
    public var glyphs: BoxGlyphs

    public init(title: String? = nil, style: Style = .plain, titleStyle: Style = Style(bold: true),
                glyphs: BoxGlyphs = .line) {
        self.title = title
        self.style = style
        self.titleStyle = titleStyle
        self.glyphs = glyphs
    }

    /// Draws the frame on the edges of `area` and returns the inside.
    ///
    /// An area smaller than 2×2 gets no frame and is returned whole. A title too long for the
    /// top edge is cut with "…".
    @discardableResult
    public func render(into grid: inout Grid, area: Rect) -> Rect {
        guard area.width >= 2, area.height >= 2 else { return area }
        let g = glyphs
        let top = area.y, bottom = area.maxY - 1, left = area.x, right = area.maxX - 1
        let horizontal = String(repeating: g.horizontal, count: area.width - 2)
        grid.put(String(g.topLeft) + horizontal + String(g.topRight), x: left, y: top, style: style, maxWidth: area.width)
        grid.put(String(g.bottomLeft) + horizontal + String(g.bottomRight), x: left, y: bottom, style: style, maxWidth: area.width)
        for y in (top + 1)..<bottom {
            grid.put(String(g.vertical), x: left, y: y, style: style)
            grid.put(String(g.vertical), x: right, y: y, style: style)
        }
        if let title, !title.isEmpty, area.width >= 6 {
            // "┌─ title ─┐": the title keeps one line character and a space on each side.
            grid.put(" " + title + " ", x: left + 2, y: top, style: titleStyle, maxWidth: area.width - 4)
        }
        return area.insetBy(dx: 1, dy: 1)
    }
}
