/// Horizontal placement of text inside a wider space.
public enum Alignment: Hashable, Sendable {
    case left, center, right
}

extension Grid {
    /// Writes `text` on the first row of `area`, aligned, cut with "…" if it is too wide.
    /// Returns the column after the text.
    @discardableResult
    public mutating func put(_ text: String, in area: Rect, alignment: Alignment = .left,
                             style: Style = .plain) -> Int {
        guard !area.isEmpty else { return area.x }
        let w = text.displayWidth
        var x = area.x
        if w < area.width {
            switch alignment {
            case .left: break
            case .center: x += (area.width - w) / 2
            case .right: x += area.width - w
            }
        }
        return x + put(text, x: x, y: area.y, style: style, maxWidth: area.maxX - x)
    }
}

/// Line breaking by display width, for help text and notes.
public enum TextWrap {
    /// `text` broken into lines of at most `width` columns.
    ///
    /// Line breaks in the text are kept. Chinese text breaks between any two characters; a line
    /// holding a space breaks after its last space instead, so Latin words stay whole unless a
    /// single word is wider than the line (or but for a long run of Chinese after the space).
    /// A wide character never straddles the edge.
    public static func lines(_ text: String, width: Int) -> [String] {
        guard width > 0 else { return [] }
        var result: [String] = []
        // Any line break: "\r\n" (from a Windows file) is one Character, which is not "\n".
        for paragraph in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            var line: [Character] = []
            var used = 0
            for character in paragraph {
                let w = character.displayWidth
                if used + w > width, !line.isEmpty {
                    // A line with a space breaks after its last space, so that a Latin word or a
                    // date (and an item of a list set apart by spaces) stays whole; but where that
                    // would carry over more than a third of the line, Chinese text breaks beside
                    // its last Chinese character instead (a line of 17 columns left a 40-column gap).
                    var cut = line.count
                    if let space = line.lastIndex(of: " "), space > 0, character != " " {
                        cut = space + 1
                        if DisplayWidth.of(String(line[cut...])) > width / 3 {
                            var p = line.count
                            while p > cut, !(line[p - 1].displayWidth > 1 || (p < line.count ? line[p] : character).displayWidth > 1) {
                                p -= 1
                            }
                            if p > cut { cut = p }
                        }
                    }
                    let carried = line[cut...]
                    result.append(trimmed(line[..<cut]))
                    line = Array(carried)
                    used = DisplayWidth.of(String(carried))
                    if character == " ", line.isEmpty { continue }
                }
                line.append(character)
                used += w
            }
            result.append(trimmed(line[...]))
        }
        return result
    }

    private static func trimmed(_ characters: ArraySlice<Character>) -> String {
        var s = String(characters)
        while s.last == " " { s.removeLast() }
        return s
    }
}
