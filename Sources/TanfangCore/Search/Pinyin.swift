import Foundation
import Synchronization

/// Pinyin spellings of names, for the roster's search columns (`wxy` finds 王秀英).
///
/// ICU's `Han-Latin` reads each character without context, so common surnames come out wrong
/// (单 dan instead of shan); the first character of a name goes through `surnames` first.
/// Transforming a whole name costs ~50 µs, so results are cached per character.
public enum Pinyin {
    /// Surname readings that differ from ICU's default reading of the character.
    public static let surnames: [Character: String] = [
        "单": "shan", "曾": "zeng", "解": "xie", "仇": "qiu", "朴": "piao", "区": "ou",
        "查": "zha", "吕": "lv", "盖": "ge", "覃": "qin", "缪": "miao", "翟": "zhai",
        "乐": "yue", "柏": "bai", "秘": "bi", "种": "chong", "繁": "po", "员": "yun",
        "召": "shao", "黑": "he", "褚": "chu", "尉": "wei", "冼": "xian", "卜": "bu",
        "薄": "bo", "牟": "mu", "阚": "kan", "莘": "shen", "沈": "shen", "宁": "ning",
        "任": "ren", "葛": "ge", "華": "hua", "华": "hua", "重": "chong", "长": "chang",
    ]

    /// Readings of characters in names wherever they stand, over ICU's: 都 and 卜 in Uyghur names
    /// (阿不都热合曼, 阿卜杜拉) are du and bu, not dou and bo.
    public static let nameReadings: [Character: String] = ["都": "du", "卜": "bu"]

    /// Characters whose other common reading is searched too (万长林: wzl and wcl), by the one
    /// `syllables` gives.
    public static let otherReadings: [String: [Character: String]] = [
        "zhang": ["长": "chang"], "chang": ["长": "zhang"], "zhong": ["重": "chong"], "chong": ["重": "zhong"],
        "le": ["乐": "yue"], "yue": ["乐": "le"], "chao": ["朝": "zhao"], "zhao": ["朝": "chao"],
        "xing": ["行": "hang"], "hang": ["行": "xing"], "dan": ["单": "shan"], "shan": ["单": "dan"],
    ]

    /// The roster's search columns: the initials and the full pinyin of the name, each followed by
    /// those with another common reading of a character (at most three more), initials apart by
    /// spaces and full spellings by `|`: 万长林 → (`wzl wcl`, `wan zhang lin|wan chang lin`). The
    /// first is `initials` and `full`, so sorting by the full column sorts by the usual reading.
    public static func searchKeys(_ name: String) -> (initials: String, full: String) {
        let read = readings(name)
        var variants = [read.map(\.syllable)]
        for (i, r) in read.enumerated() {
            guard let ch = r.character, let other = otherReadings[r.syllable]?[ch] else { continue }
            for v in variants where variants.count < 4 {
                var w = v
                w[i] = other
                variants.append(w)
            }
        }
        var initials: [String] = [], full: [String] = []
        for v in variants {
            let i = String(v.compactMap(\.first)), f = v.joined(separator: " ")
            if !initials.contains(i) { initials.append(i) }
            if !full.contains(f) { full.append(f) }
        }
        return (initials.joined(separator: " "), full.joined(separator: "|"))
    }

    /// Syllables separated by spaces: `王秀英` → `wang xiu ying`. Punctuation such as `·` is dropped;
    /// runs of Latin letters or digits stay one word.
    public static func full(_ name: String) -> String {
        syllables(name).joined(separator: " ")
    }

    /// The first letter of each syllable: `王秀英` → `wxy`.
    public static func initials(_ name: String) -> String {
        String(syllables(name).compactMap(\.first))
    }

    /// The lower-case ASCII syllables of `name`.
    public static func syllables(_ name: String) -> [String] {
        readings(name).map(\.syllable)
    }

    /// The syllables of `name`, each with the Han character it reads (nil for a Latin word).
    static func readings(_ name: String) -> [(syllable: String, character: Character?)] {
        var out: [(syllable: String, character: Character?)] = []
        var word = ""
        var isFirst = true
        for ch in trimmed(name) {
            defer { isFirst = false }
            let scalars = ch.unicodeScalars
            let first = scalars.first!
            if first.properties.isIdeographic {
                if !word.isEmpty { out.append((word, nil)); word = "" }
                let reading = (isFirst ? surnames[ch] : nil) ?? nameReadings[ch] ?? cache.reading(of: ch, scalars: scalars)
                if !reading.isEmpty { out.append((reading, ch)) }
            } else {
                let latin = cache.reading(of: ch, scalars: scalars)
                if latin.isEmpty {
                    if !word.isEmpty { out.append((word, nil)); word = "" }
                } else {
                    word += latin
                }
            }
        }
        if !word.isEmpty { out.append((word, nil)) }
        return out
    }

    /// `name` without leading and trailing whitespace and newlines (`TextTrimming`).
    static func trimmed(_ name: String) -> String { TextTrimming.trimmed(name) }

    /// Reads, in one ICU call, the Han characters of `names` not read yet, so that spelling the
    /// names afterwards finds them all cached. ICU builds its transliterator on every call, which
    /// for an import of thousands of distinct characters cost more than everything else it does
    /// with a name. Gives the same readings as one call per character (a test compares them).
    public static func prefetch<S: Sequence>(_ names: S) where S.Element == String {
        cache.prefetch(names)
    }

    private static let cache = ReadingCache()
}

/// Per-character transform results, shared across threads.
///
/// ICU's transform costs ~50 µs a call, so each character is transformed once. Single-scalar
/// characters (all Han and ASCII) are keyed by scalar value, which hashes far faster than a
/// `Character`; ASCII needs no transform at all (the transform leaves it as it is).
private final class ReadingCache: Sendable {
    private struct Tables {
        var scalars: [UInt32: String] = [:]
        var clusters: [Character: String] = [:]
    }

    private let tables = Mutex(Tables())
    private let transform = StringTransform("Han-Latin; Latin-ASCII")

    /// Transforms the uncached ideographs of `names` together, one per line: a transliterator
    /// reads each without context, so the line breaks keep every reading apart. When the result
    /// does not split back into one line per character, nothing is cached and each character is
    /// read alone later, as before.
    func prefetch<S: Sequence>(_ names: S) where S.Element == String {
        var wanted: [Unicode.Scalar] = []
        var seen: Set<UInt32> = []
        tables.withLock { t in
            for name in names {
                for s in name.unicodeScalars where s.value >= 0x80 && !seen.contains(s.value) {
                    seen.insert(s.value)
                    if t.scalars[s.value] == nil, s.properties.isIdeographic { wanted.append(s) }
                }
            }
        }
        guard wanted.count > 1 else { return }
        var text = String.UnicodeScalarView()
        for (i, s) in wanted.enumerated() {
            if i > 0 { text.append("\n") }
            text.append(s)
        }
        guard let latin = String(text).applyingTransform(transform, reverse: false) else { return }
        let lines = latin.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.count == wanted.count else { return }
        let readings = lines.map { Self.cleaned(String($0)) }
        tables.withLock { t in
            for (s, r) in zip(wanted, readings) where t.scalars[s.value] == nil { t.scalars[s.value] = r }
        }
    }

    /// Lower-case ASCII letters and digits only.
    static func cleaned(_ latin: String) -> String {
        String(String.UnicodeScalarView(latin.lowercased().unicodeScalars.filter {
            ("a"..."z").contains($0) || ("0"..."9").contains($0)
        }))
    }

    /// Lower-case ASCII letters and digits of the character's reading ("" for punctuation).
    func reading(of ch: Character, scalars: Character.UnicodeScalarView) -> String {
        let single = scalars.index(after: scalars.startIndex) == scalars.endIndex ? scalars.first!.value : nil
        if let v = single, v < 0x80 {
            switch v {
            case 0x30...0x39, 0x61...0x7A: return String(UnicodeScalar(UInt8(v)))
            case 0x41...0x5A: return String(UnicodeScalar(UInt8(v + 0x20)))
            default: return ""
            }
        }
        let cached = tables.withLock { t -> String? in
            if let v = single { return t.scalars[v] }
            return t.clusters[ch]
        }
        if let cached { return cached }
        let latin = String(ch).applyingTransform(transform, reverse: false) ?? String(ch)
        let cleaned = Self.cleaned(latin)
        tables.withLock { t in
            if let v = single { t.scalars[v] = cleaned } else { t.clusters[ch] = cleaned }
        }
        return cleaned
    }
}
