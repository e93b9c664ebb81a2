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

    /// The text for `key` with `{0}`, `{1}`… replaced by `args`.
    public func format(_ key: String, _ args: [String]) -> String {
        var text = self[key]
        for (i, arg) in args.enumerated() {
            text = text.replacingOccurrences(of: "{\(i)}", with: arg)
        }
        return text
    }

    public func format(_ key: String, _ args: String...) -> String { format(key, args) }
}
