import TanfangCore

/// The bottom line listing a screen's keys: `F1 帮助  F3 搜索  Esc 返回`.
///
/// Built from the screen's ``Keymap`` (bindings with `showsInBar`), showing each binding's
/// first key and its localized label. Items that do not fit are left off whole (the help page
/// lists everything), so put the most important bindings first.
public enum KeyBar {
    /// The items shown, as (key name, label), in keymap order.
    public static func items<A>(_ keymap: Keymap<A>, strings: Strings) -> [(key: String, label: String)] {
        keymap.bindings.compactMap { binding in
            guard binding.showsInBar, let key = binding.keys.first else { return nil }
            return (key.name, strings[binding.label])
        }
    }

    /// Draws the bar on the first row of `area`: key names bold, labels reversed.
    public static func render<A>(_ keymap: Keymap<A>, strings: Strings, into grid: inout Grid, area: Rect,
                                 keyStyle: Style = Style(bold: true), labelStyle: Style = Style(reverse: true)) {
        guard !area.isEmpty else { return }
        let row = area.row(0)
        grid.fill(row)
        var x = row.x
        for (index, item) in items(keymap, strings: strings).enumerated() {
            let gap = index == 0 ? 0 : 1
            let needed = gap + item.key.displayWidth + item.label.displayWidth
            guard x + needed <= row.maxX else { break }
            x += gap
            x += grid.put(item.key, x: x, y: row.y, style: keyStyle)
            x += grid.put(item.label, x: x, y: row.y, style: labelStyle)
        }
    }
}

/// The help page: every binding of a keymap with all its keys and its help sentence.
public enum HelpPage {
    /// The page's lines as (keys, help text), e.g. ("F1, ?", "显示本帮助").
    public static func entries<A>(_ keymap: Keymap<A>, strings: Strings) -> [(keys: String, help: String)] {
        keymap.bindings.map { binding in
            (binding.keys.map(\.name).joined(separator: ", "), strings[binding.help])
        }
    }

    /// Draws a framed page titled `help.title` into `area`, starting at entry line `offset`.
    ///
    /// Keys sit in a column as wide as the widest keys (at most a third of the width); help text
    /// that does not fit wraps under itself. Returns the total number of lines, so the screen
    /// can limit scrolling.
    @discardableResult
    public static func render<A>(_ keymap: Keymap<A>, strings: Strings, into grid: inout Grid, area: Rect,
                                 offset: Int = 0) -> Int {
        let inner = Box(title: strings["help.title"]).render(into: &grid, area: area).insetBy(dx: 1, dy: 0)
        guard !inner.isEmpty else { return 0 }
        let entries = entries(keymap, strings: strings)
        let keyWidth = min(entries.map { $0.keys.displayWidth }.max() ?? 0, max(1, inner.width / 3))
        let textX = inner.x + keyWidth + 2
        let textWidth = max(1, inner.maxX - textX)
        var lines: [(keys: String, text: String)] = []
        for entry in entries {
            for (i, line) in TextWrap.lines(entry.help, width: textWidth).enumerated() {
                lines.append((i == 0 ? entry.keys : "", line))
            }
        }
        for (row, line) in lines.dropFirst(max(0, offset)).prefix(inner.height).enumerated() {
            let y = inner.y + row
            grid.put(line.keys, x: inner.x, y: y, style: Style(bold: true), maxWidth: keyWidth)
            grid.put(line.text, x: textX, y: y, maxWidth: textWidth)
        }
        return lines.count
    }
}
