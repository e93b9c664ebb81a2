import Foundation

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
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        var out: [String] = []
        var word = ""
        var isFirst = true
        for ch in trimmed {
            defer { isFirst = false }
            let ideographic = ch.unicodeScalars.first?.properties.isIdeographic ?? false
            if ideographic {
                if !word.isEmpty { out.append(word); word = "" }
                let reading = (isFirst ? surnames[ch] : nil) ?? cache.reading(of: ch)
                if !reading.isEmpty { out.append(reading) }
            } else {
                let latin = cache.reading(of: ch)
                if latin.isEmpty {
                    if !word.isEmpty { out.append(word); word = "" }
                } else {
                    word += latin
                }
            }
        }
        if !word.isEmpty { out.append(word) }
        return out
    }

    private static let cache = ReadingCache()
}

/// Per-character transform results, shared across threads.
private final class ReadingCache: @unchecked Sendable {
    private let lock = NSLock()
    private var readings: [Character: String] = [:]
    private let transform = StringTransform("Han-Latin; Latin-ASCII")

    /// Lower-case ASCII letters and digits of the character's reading ("" for punctuation).
    func reading(of ch: Character) -> String {
        lock.lock()
        if let cached = readings[ch] { lock.unlock(); return cached }
        lock.unlock()
        let latin = String(ch).applyingTransform(transform, reverse: false) ?? String(ch)
        let cleaned = String(String.UnicodeScalarView(latin.lowercased().unicodeScalars.filter {
            ("a"..."z").contains($0) || ("0"..."9").contains($0)
        }))
        lock.lock()
        readings[ch] = cleaned
        lock.unlock()
        return cleaned
    }
}
