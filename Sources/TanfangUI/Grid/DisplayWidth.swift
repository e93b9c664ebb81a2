/// Terminal column widths of characters, computed in Swift without libc.
///
/// `wcwidth` is only correct after `setlocale`, and the UI module must not depend on the
/// terminal, so the rule from TECH-NOTES §4 is implemented here: combining marks (Mn, Me) and
/// format characters (Cf) take 0 columns, emoji presentation takes 2, East Asian Wide and
/// Fullwidth take 2, everything else 1. It agrees with glibc on all CJK, kana, Hangul and
/// fullwidth forms. Ambiguous characters (─ … ↑) take 1, as in the C.UTF-8 locale.
///
/// ```swift
/// DisplayWidth.of("王秀英")  // 6
/// DisplayWidth.of("，")      // 2
/// ```
public enum DisplayWidth {
    /// Columns taken by one Unicode scalar: 0, 1 or 2. Control characters take 0.
    public static func of(_ scalar: Unicode.Scalar) -> Int {
        let v = scalar.value
        if v < 0x7F { return v >= 0x20 ? 1 : 0 }  // ASCII fast path
        if v < 0xA0 { return 0 }                  // DEL and C1 controls
        if v < 0x300 { return 1 }  // Latin-1 and Latin Extended: no wide characters, no marks
        if let w = commonWidth(v) { return w }
        if (0x1160...0x11FF).contains(v) { return 0 }  // Hangul medial vowels and final consonants
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format: return 0
        default: break
        }
        if scalar.properties.isEmojiPresentation { return 2 }
        if (0x1F3FB...0x1F3FF).contains(v) { return 2 }  // skin-tone modifiers
        return isWide(v) ? 2 : 1
    }

    /// Columns taken by one grapheme cluster (what a terminal cell holds).
    ///
    /// The first scalar decides; a variation selector 16 (U+FE0F) asks for emoji presentation
    /// and so makes it 2, U+FE0E asks for text presentation and makes it 1. A cluster made only
    /// of zero-width scalars (a stray combining mark) is 0.
    public static func of(_ character: Character) -> Int {
        let scalars = character.unicodeScalars
        var iterator = scalars.makeIterator()
        guard let first = iterator.next() else { return 0 }
        var width = of(first)
        while let next = iterator.next() {
            switch next.value {
            case 0xFE0F: if width == 1 { width = 2 }
            case 0xFE0E: if width == 2 && first.properties.isEmojiPresentation { width = 1 }
            default: if width == 0 { width = of(next) }
            }
        }
        return width
    }

    /// The width of scalars in the blocks screens are made of (CJK ideographs, CJK and
    /// fullwidth punctuation, general punctuation, arrows, box drawing), known without a lookup of
    /// Unicode properties; nil elsewhere. None of these is a mark, a format character or an emoji.
    @inline(__always)
    public static func commonWidth(_ v: UInt32) -> Int? {
        switch v {
        case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x3000...0x3029, 0xFF01...0xFF60: return 2
        case 0x2010...0x2027, 0x2190...0x21FF, 0x2500...0x257F: return 1
        default: return nil
        }
    }

    /// Columns taken by a string: the sum over its grapheme clusters.
    public static func of<S: StringProtocol>(_ text: S) -> Int {
        // Text made only of ASCII, Latin and the common blocks has one scalar per cluster that
        // matters (a mark after a base adds 0 either way): sum the scalars without breaking the
        // text into clusters, which costs a property lookup per character.
        var total = 0
        for scalar in text.unicodeScalars {
            let v = scalar.value
            if v < 0x300 {
                total += v >= 0x20 && v < 0x7F ? 1 : (v >= 0xA0 ? 1 : 0)
            } else if let w = commonWidth(v) {
                total += w
            } else {
                total = 0
                for character in text { total += of(character) }
                return total
            }
        }
        return total
    }

    /// Whether `v` is in an East Asian Width W or F range (Unicode 15.1), outside the emoji
    /// presentation characters that are handled before this is called.
    static func isWide(_ v: UInt32) -> Bool {
        if v < 0x1100 { return false }
        // Binary search over sorted, non-overlapping ranges.
        var low = 0
        var high = wideRanges.count - 1
        while low <= high {
            let mid = (low + high) / 2
            let range = wideRanges[mid]
            if v < range.lowerBound {
                high = mid - 1
            } else if v > range.upperBound {
                low = mid + 1
            } else {
                return true
            }
        }
        return false
    }

    static let wideRanges: [ClosedRange<UInt32>] = [
        0x1100...0x115F,    // Hangul Jamo initial consonants
        0x231A...0x231B, 0x2329...0x232A, 0x23E9...0x23EC, 0x23F0...0x23F0, 0x23F3...0x23F3,
        0x25FD...0x25FE, 0x2614...0x2615, 0x2648...0x2653, 0x267F...0x267F, 0x2693...0x2693,
        0x26A1...0x26A1, 0x26AA...0x26AB, 0x26BD...0x26BE, 0x26C4...0x26C5, 0x26CE...0x26CE,
        0x26D4...0x26D4, 0x26EA...0x26EA, 0x26F2...0x26F3, 0x26F5...0x26F5, 0x26FA...0x26FA,
        0x26FD...0x26FD, 0x2705...0x2705, 0x270A...0x270B, 0x2728...0x2728, 0x274C...0x274C,
        0x274E...0x274E, 0x2753...0x2755, 0x2757...0x2757, 0x2795...0x2797, 0x27B0...0x27B0,
        0x27BF...0x27BF, 0x2B1B...0x2B1C, 0x2B50...0x2B50, 0x2B55...0x2B55,
        0x2E80...0x2E99, 0x2E9B...0x2EF3, 0x2F00...0x2FD5, 0x2FF0...0x2FFF,  // radicals, IDCs
        0x3000...0x303E,    // ideographic space, CJK symbols and punctuation 、。〈〉「」
        0x3041...0x3096, 0x3099...0x30FF,  // hiragana, katakana
        0x3105...0x312F, 0x3131...0x318E, 0x3190...0x31E3, 0x31EF...0x321E, 0x3220...0x3247,
        0x3250...0x4DBF,    // enclosed CJK, compatibility, extension A
        0x4E00...0xA48C,    // CJK unified ideographs, Yi
        0xA490...0xA4C6, 0xA960...0xA97C,
        0xAC00...0xD7A3,    // Hangul syllables
        0xF900...0xFAFF,    // CJK compatibility ideographs
        0xFE10...0xFE19, 0xFE30...0xFE52, 0xFE54...0xFE66, 0xFE68...0xFE6B,  // vertical, small forms
        0xFF01...0xFF60, 0xFFE0...0xFFE6,  // fullwidth forms ，：（）０-９
        0x16FE0...0x16FE4, 0x16FF0...0x16FF1, 0x17000...0x187F7, 0x18800...0x18CD5,
        0x18D00...0x18D08, 0x1AFF0...0x1AFF3, 0x1AFF5...0x1AFFB, 0x1AFFD...0x1AFFE,
        0x1B000...0x1B122, 0x1B132...0x1B132, 0x1B150...0x1B152, 0x1B155...0x1B155,
        0x1B164...0x1B167, 0x1B170...0x1B2FB,
        0x1F004...0x1F004, 0x1F0CF...0x1F0CF, 0x1F18E...0x1F18E, 0x1F191...0x1F19A,
        0x1F200...0x1F202, 0x1F210...0x1F23B, 0x1F240...0x1F248, 0x1F250...0x1F251,
        0x1F260...0x1F265,
        0x20000...0x2FFFD, 0x30000...0x3FFFD,  // CJK extensions B and beyond
    ]
}

extension Character {
    /// Terminal columns this character takes (see ``DisplayWidth``).
    public var displayWidth: Int { DisplayWidth.of(self) }
}

extension StringProtocol {
    /// Terminal columns this text takes (see ``DisplayWidth``).
    public var displayWidth: Int { DisplayWidth.of(self) }
}
