import TanfangCore

/// The frame every screen shares: a title bar on top, the status line and key bar at the bottom.
///
/// ```
/// 老人名册                              王芳 · 红旗村 · 2026-11-23   ← title bar (reversed)
/// …body…
/// 已保存                                            第 3/120 条      ← status line
/// F1帮助 F3搜索 Esc返回                                              ← key bar
/// ```
///
/// Use ``body(in:)`` in `update` too, so paging uses the same number of rows `render` shows.
public struct ScreenChrome: Hashable, Sendable {
    /// The screen's name (already localized).
    public var title: String
    /// Right side of the title bar: who, where, which day (already localized).
    public var context: String
    public var status: StatusLine

    public init(title: String, context: String = "", status: StatusLine = StatusLine()) {
        self.title = title
        self.context = context
        self.status = status
    }

    /// The rows between the title bar and the status line.
    public static func body(in bounds: Rect) -> Rect {
        bounds.droppingTop(1).droppingBottom(2)
    }

    /// Draws the title bar, status line and key bar; returns the body rectangle.
    @discardableResult
    public func render<A>(keymap: Keymap<A>, strings: Strings, into grid: inout Grid) -> Rect {
        let bounds = grid.bounds
        guard bounds.height >= 3 else { return Rect(x: 0, y: 0, width: bounds.width, height: 0) }
        StatusLine(left: title, right: context).render(into: &grid, area: bounds.top(1))
        grid.setStyle(Style(bold: true, reverse: true), in: bounds.top(1))
        status.render(into: &grid, area: bounds.bottom(2).top(1))
        KeyBar.render(keymap, strings: strings, into: &grid, area: bounds.bottom(1))
        return Self.body(in: bounds)
    }
}
