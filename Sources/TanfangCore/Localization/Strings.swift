import Foundation

/// The UI languages. zh-Hans is the default.
public enum Language: String, Codable, Sendable, CaseIterable {
    case zhHans = "zh-Hans"
    case en

    /// `--lang` wins; otherwise an English locale (LANG/LC_ALL starting with `en`) picks English.
    public static func resolve(flag: String?, environment: [String: String]) -> Language {
        if let flag, let lang = Language(code: flag) { return lang }
        for key in ["TANFANG_LANG", "LC_ALL", "LC_MESSAGES", "LANG"] {
            if let v = environment[key], !v.isEmpty {
                if let lang = Language(code: v) { return lang }
                if v.lowercased().hasPrefix("en") { return .en }
                if v.lowercased().hasPrefix("zh") { return .zhHans }
            }
        }
        return .zhHans
    }

    public init?(code: String) {
        switch code.lowercased() {
        case "zh", "zh-hans", "zh_cn", "zh-cn", "cn": self = .zhHans
        case "en", "en-us", "en_us", "english": self = .en
        default: return nil
        }
    }
}

/// Text in both UI languages, as written in the data files: `{"zh-Hans": "…", "en": "…"}`.
public struct LocalizedText: Hashable, Sendable, Codable {
    public var zhHans: String
    public var en: String

    public init(zhHans: String, en: String) {
        self.zhHans = zhHans
        self.en = en
    }

    public func callAsFunction(_ language: Language) -> String {
        language == .en ? en : zhHans
    }

    enum CodingKeys: String, CodingKey {
        case zhHans = "zh-Hans"
        case en
    }
}

/// A string catalog: flat keys to text, with `{0}`, `{1}`… placeholders.
///
/// Catalogs are JSON files under `Resources/strings/<language>/`; every file there is merged, so
/// each area of the product (core, ui, cli) keeps its own file.
public struct Strings: Sendable {
    public let language: Language
    public private(set) var table: [String: String]

    public init(language: Language, table: [String: String]) {
        self.language = language
        self.table = table
    }

    /// Loads every `*.json` in `<resources>/strings/<language>/`.
    /// A span of hours as a person reads it: hours under two days, days from there (a median of
    /// "2211.8 h" said nothing to a reader).
    public func duration(hours: Double) -> String {
        hours < 48 ? format("duration.hours", String(format: "%.1f", hours))
                   : format("duration.days", String(format: "%.1f", hours / 24))
    }

    public static func load(_ language: Language, resources: URL) throws -> Strings {
        let dir = resources.appendingPathComponent("strings").appendingPathComponent(language.rawValue)
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path)
            .filter { $0.hasSuffix(".json") }.sorted()
        var table: [String: String] = [:]
        for file in files {
            let url = dir.appendingPathComponent(file)
            let data = try Data(contentsOf: url)
            do {
                let part = try JSONDecoder().decode([String: String].self, from: data)
                for (k, v) in part {
                    if table[k] != nil { throw ResourceError.duplicateKey(file: url.path, key: k) }
                    table[k] = v
                }
            } catch let error as DecodingError {
                throw ResourceError.malformed(file: url.path, detail: String(describing: error))
            }
        }
        return Strings(language: language, table: table)
    }

    /// The text for `key`, or the key itself when missing (a test checks no key is missing).
    public subscript(_ key: String) -> String { table[key] ?? key }

    /// The text for `key` with `{0}`, `{1}`… replaced by `args` (a placeholder without an
    /// argument stays as it is; an argument's own text is not searched for placeholders).
    /// `{1:day|days}` is the word for the count `args[1]`: the first when it is 1, else the second
    /// (English only needs it: "1 day overdue").
    /// One pass over the bytes: `replacingOccurrences` per argument cost ~15 µs a reason on Linux,
    /// which a county's red-flag search paid ~40,000 times.
    public func format(_ key: String, _ args: [String]) -> String {
        let template = self[key]
        guard !args.isEmpty else { return template }
        let open = UInt8(ascii: "{"), close = UInt8(ascii: "}"), zero = UInt8(ascii: "0"), nine = UInt8(ascii: "9")
        let bytes = Array(template.utf8)
        var out = ""
        out.reserveCapacity(bytes.count + args.reduce(0) { $0 + $1.utf8.count })
        var copied = 0
        var i = 0
        while i < bytes.count {
            guard bytes[i] == open else { i += 1; continue }
            var j = i + 1
            var index = 0
            while j < bytes.count, bytes[j] >= zero, bytes[j] <= nine, j - i <= 4 {
                index = index * 10 + Int(bytes[j] - zero)
                j += 1
            }
            if j > i + 1, j < bytes.count, bytes[j] == UInt8(ascii: ":"), index < args.count,
               let end = bytes[j...].firstIndex(of: close) {
                let forms = String(decoding: bytes[(j + 1)..<end], as: UTF8.self).split(separator: "|", omittingEmptySubsequences: false)
                if forms.count == 2 {
                    out += String(decoding: bytes[copied..<i], as: UTF8.self)
                    out += args[index] == "1" ? forms[0] : forms[1]
                    i = end + 1
                    copied = i
                    continue
                }
            }
            guard j > i + 1, j < bytes.count, bytes[j] == close, index < args.count else { i += 1; continue }
            out += String(decoding: bytes[copied..<i], as: UTF8.self)
            out += args[index]
            i = j + 1
            copied = i
        }
        out += String(decoding: bytes[copied...], as: UTF8.self)
        return out
    }

    public func format(_ key: String, _ args: String...) -> String { format(key, args) }

    /// A stored value of an elder's field (`ElderFold.Difference.field`) in the user's words (女,
    /// 死亡, 与配偶同住), not its code; other values as they are.
    public func elderFieldValue(_ field: String, _ value: String) -> String {
        switch field {
        // "deceased 2026-11-03": the status in words, then its date.
        case "statusHistory":
            // "active 2025-12-01 → deceased 2026-02-06": each status in words, then its date.
            return value.components(separatedBy: " → ").map { change in
                let parts = change.split(separator: " ", maxSplits: 1).map(String.init)
                return parts.isEmpty ? change : ([elderFieldValue("status", parts[0])] + parts.dropFirst()).joined(separator: " ")
            }.joined(separator: " → ")
        case "remote": return self[value == "1" ? "files.yes" : "files.no"]
        case "categories":
            return value.split(separator: ",").map { self["category.\($0)"] }.joined(separator: self["files.listSeparator"])
        case "riskOverride":
            let parts = value.split(separator: " ", maxSplits: 1).map(String.init)
            return parts.isEmpty ? value : ([table["risk.level." + parts[0]] ?? parts[0]] + parts.dropFirst()).joined(separator: " ")
        default: break
        }
        let prefix = ["gender": "gender.", "status": "status.", "livingArrangement": "files.living.",
                      "disabilityDegree": "files.disability."][field]
        return prefix.flatMap { table[$0 + value] } ?? value
    }
}
