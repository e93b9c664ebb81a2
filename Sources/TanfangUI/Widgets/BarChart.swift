import TanfangCore

/// Horizontal bars with a label, `value/total` and a percentage, e.g. the visit rate by village:
///
/// ```
/// 红旗村   [bar of 90% of the bar width]   18/20  90%
/// 阿克苏镇 [bar of 40%]                     8/20  40%
/// ```
///
/// Bars are reverse-video spaces rather than block glyphs: they show on monochrome terminals
/// and have no ambiguous width. Labels are padded by display width so Chinese labels align.
public struct BarChart: Hashable, Sendable {
    public struct Item: Hashable, Sendable {
        public var label: String
        public var value: Int
        /// The denominator of the percentage and of the bar (e.g. elders due a visit).
        public var total: Int

        public init(_ label: String, value: Int, total: Int) {
            self.label = label
            self.value = value
            self.total = total
        }
    }

    public var items: [Item]
    public var barStyle: Style

    public init(items: [Item], barStyle: Style = Style(reverse: true)) {
        self.items = items
        self.barStyle = barStyle
    }

    /// Columns of the percentage: "100.0%".
    public static let percentWidth = 6

    /// The columns of a chart `width` wide: labels, bars, and the `value/total` counts (the
    /// percentage takes `percentWidth`, with one space between each).
    public func layout(width: Int) -> (labelWidth: Int, barWidth: Int, countWidth: Int) {
        let countWidth = items.map { "\($0.value)/\($0.total)".count }.max() ?? 0
        let labelWidth = min(items.map { $0.label.displayWidth }.max() ?? 0, max(1, width / 3))
        return (labelWidth, max(0, width - labelWidth - countWidth - Self.percentWidth - 3), countWidth)
    }

    /// Draws one item per row of `area`, starting at item `offset`.
    public func render(into grid: inout Grid, area: Rect, offset: Int = 0) {
        guard !area.isEmpty else { return }
        let counts = items.map { "\($0.value)/\($0.total)" }
        let percentWidth = Self.percentWidth
        let (labelWidth, barWidth, countWidth) = layout(width: area.width)
        for (row, index) in items.indices.dropFirst(max(0, offset)).prefix(area.height).enumerated() {
            let item = items[index]
            let y = area.y + row
            var x = area.x
            grid.put(item.label, x: x, y: y, maxWidth: labelWidth)
            x += labelWidth + 1
            let filled = item.total > 0 ? min(barWidth, max(0, item.value) * barWidth / item.total) : 0
            if filled > 0 {
                grid.fill(Rect(x: x, y: y, width: filled, height: 1), style: barStyle)
            }
            x += barWidth + 1
            grid.put(counts[index], in: Rect(x: x, y: y, width: countWidth, height: 1), alignment: .right)
            x += countWidth + 1
            // One decimal, as the totals and the reports (`Percent`): 21/22 is 95.5%, 1999/2000 99.9%.
            // Nobody owed a visit: no rate ("—"), as in the reports.
            let percent = item.total > 0 ? Percent.text(Double(max(0, item.value)) / Double(item.total)) : "—"
            grid.put(percent, in: Rect(x: x, y: y, width: percentWidth, height: 1), alignment: .right)
        }
    }
}
