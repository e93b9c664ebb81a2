/// `String.trimmingCharacters(in: .whitespacesAndNewlines)` without Foundation's bridging, for
/// the texts trimmed by the thousand (every cell of an imported file, every name of an import);
/// most need nothing removed. Tested against Foundation over every BMP scalar (RosterValues tests).
public enum TextTrimming {
    public static func trimmed(_ raw: String) -> String {
        let scalars = raw.unicodeScalars
        guard let first = scalars.first, let last = scalars.last else { return raw }
        if !isWhitespaceOrNewline(first), !isWhitespaceOrNewline(last) { return raw }
        guard let start = scalars.firstIndex(where: { !isWhitespaceOrNewline($0) }) else { return "" }
        let end = scalars.lastIndex(where: { !isWhitespaceOrNewline($0) })!
        return String(scalars[start...end])
    }

    /// Membership in `CharacterSet.whitespacesAndNewlines` (Zs, tab, U+200B and the line separators).
    public static func isWhitespaceOrNewline(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x09...0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200B, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000: true
        default: false
        }
    }
}
