import Foundation
import TanfangCore

/// The state of an unsaved visit sheet, stored as JSON under the draft key `visit` after every
/// committed field so that nothing typed is lost, even on a crash.
public struct VisitDraft: Hashable, Sendable, Codable {
    public var elderID: UUID
    /// Shown in the "restore?" prompt before the elder file is loaded.
    public var elderName: String
    /// Kept so that a sheet saved after a restore keeps one identity.
    public var visitID: UUID
    public var at: LocalDateTime
    public var visitorIDs: [UUID]
    public var method: VisitMethod
    public var seenInPerson: Bool
    /// Whether the clerk set "seen in person" (otherwise it follows the method).
    public var seenChosen: Bool
    public var answers: [String: Answer]
    /// Sorted, so the JSON is stable.
    public var copiedSections: [String]
    /// The focused field: a form field code or one of the header codes (`visit.at`…).
    public var current: String
    /// Text typed into the focused field but not yet committed.
    public var pendingText: String?
    public var keystrokes: Int
    /// When the draft was written.
    public var savedAt: LocalDateTime

    public init(elderID: UUID, elderName: String, visitID: UUID, at: LocalDateTime, visitorIDs: [UUID],
                method: VisitMethod, seenInPerson: Bool, seenChosen: Bool, answers: [String: Answer],
                copiedSections: [String], current: String, pendingText: String?, keystrokes: Int,
                savedAt: LocalDateTime) {
        self.elderID = elderID
        self.elderName = elderName
        self.visitID = visitID
        self.at = at
        self.visitorIDs = visitorIDs
        self.method = method
        self.seenInPerson = seenInPerson
        self.seenChosen = seenChosen
        self.answers = answers
        self.copiedSections = copiedSections
        self.current = current
        self.pendingText = pendingText
        self.keystrokes = keystrokes
        self.savedAt = savedAt
    }

    /// What every visit draft's key starts with; `latestDraft(prefix:)` finds the newest.
    public static let key = "visit"

    /// The draft key of one elder's sheet: each elder has their own, so that a sheet put aside
    /// for a missing answer is still there when the next elder's is typed.
    public static func key(for elderID: UUID) -> String { key + "." + elderID.uuidString }

}

extension VisitDraft: DraftCoding {}

/// A draft as the `draft` table keeps it: JSON with sorted keys, read back or nil when unreadable.
public protocol DraftCoding: Codable {}

extension DraftCoding {
    public func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        // Encoding plain values cannot fail; an empty string would be refused by `decode`.
        guard let data = try? encoder.encode(self) else { return "" }
        return String(decoding: data, as: UTF8.self)
    }

    public static func decode(_ json: String) -> Self? {
        try? JSONDecoder().decode(Self.self, from: Data(json.utf8))
    }
}

/// Keyboard entry of the visit header (date-time, visitors), beside `FormValidator.parseInput`.
enum VisitEntry {
    /// Pseudo field codes of the header rows.
    static let atField = FormValidator.dateField
    static let visitorsField = FormValidator.visitorsField
    static let methodField = "visit.method"
    static let seenField = "visit.seenInPerson"
    static let headerFields = [atField, visitorsField, methodField, seenField]

    /// Parses `t`, `1123` (the nearest 23 November: `LocalDate.nearest`), `20261123`, `2026-11-23` or `-1` (yesterday), optionally
    /// followed by ` 14:30` or ` 1430`. Without a time the time of `current` is kept, except that
    /// `t` alone is `now`, and today's date never keeps a time still to come (a sheet opened before
    /// midnight, or a time typed for another day, gave "later than now" on every `t`).
    static func parseDateTime(_ text: String, current: LocalDateTime, now: LocalDateTime) -> LocalDateTime? {
        let today = now.date
        let parts = asciiDigits(text).split(whereSeparator: { $0 == " " || $0 == "\u{3000}" }).map(String.init)
        guard (1...2).contains(parts.count), let date = parseDate(parts[0], today: today) else { return nil }
        guard parts.count == 2 else {
            if ["t", "today", "今", "今天"].contains(parts[0].lowercased()) { return now }
            let kept = LocalDateTime(date: date, hour: current.hour, minute: current.minute)!
            return date == today && kept > now ? now : kept
        }
        guard let (hour, minute) = parseTime(parts[1]) else { return nil }
        return LocalDateTime(date: date, hour: hour, minute: minute)
    }

    static func parseDate(_ text: String, today: LocalDate) -> LocalDate? {
        switch text.lowercased() {
        case "t", "today", "今", "今天": return today
        default: break
        }
        let digits = text.allSatisfy { $0.isASCII && $0.isNumber }
        if text.first == "-", text.count > 1, text.count <= 4, let n = Int(text.dropFirst()) {
            return today.adding(days: -n)
        }
        if digits, text.count == 4, let v = Int(text) {
            return LocalDate.nearest(month: v / 100, day: v % 100, to: today)
        }
        return LocalDate(text)
    }

    /// `14:30`, `9:05`, `1430` or `930`.
    static func parseTime(_ text: String) -> (Int, Int)? {
        let pieces = text.split(separator: ":", omittingEmptySubsequences: false)
        let h: Int?, m: Int?
        if pieces.count == 2 {
            guard (1...2).contains(pieces[0].count), pieces[1].count == 2 else { return nil }
            h = Int(pieces[0]); m = Int(pieces[1])
        } else if (3...4).contains(text.count), text.allSatisfy({ $0.isASCII && $0.isNumber }), let v = Int(text) {
            h = v / 100; m = v % 100
        } else {
            return nil
        }
        guard let h, let m, (0...23).contains(h), (0...59).contains(m) else { return nil }
        return (h, m)
    }

    /// Numbered choices typed as `12`, `1 2`, `1,2` or `1、2` (a separator is needed once a list has
    /// ten or more entries). Returns the 1-based codes in the order typed, without repeats.
    static func parseCodes(_ text: String, count: Int) -> Result<[Int], FieldIssueKey> {
        let input = asciiDigits(text).trimmingCharacters(in: .whitespaces)
        if input.isEmpty { return .success([]) }
        let separators = FormValidator.separators
        var codes: [Int] = []
        if input.contains(where: { separators.contains($0) }) {
            for part in input.split(whereSeparator: { separators.contains($0) }) {
                guard let code = Int(part) else { return .failure(FieldIssueKey("form.error.notAChoice")) }
                codes.append(code)
            }
        } else {
            guard input.allSatisfy({ $0.isASCII && $0.isNumber }) else {
                return .failure(FieldIssueKey("form.error.notAChoice"))
            }
            if input.count > 1, count >= 10 { return .failure(FieldIssueKey("form.error.separatorNeeded")) }
            codes = input.compactMap(\.wholeNumberValue)
        }
        if let bad = codes.first(where: { !(1...max(1, count)).contains($0) || count == 0 }) {
            return .failure(FieldIssueKey("form.error.unknownOption", [String(bad)]))
        }
        var seen = Set<Int>()
        return .success(codes.filter { seen.insert($0).inserted })
    }

    /// Full-width digits and colon (common with Chinese input methods) as ASCII.
    static func asciiDigits(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in text.trimmingCharacters(in: .whitespaces).unicodeScalars {
            switch scalar.value {
            case 0xFF10...0xFF19: out.append(Unicode.Scalar(scalar.value - 0xFF10 + 0x30)!)
            case 0xFF1A: out.append(":")
            default: out.append(scalar)
            }
        }
        return String(out)
    }

    /// How an answer is typed, so a field shows its answer as editable text.
    static func inputText(_ answer: Answer?, field: FormField) -> String {
        guard let answer else { return "" }
        switch answer {
        case .choice(let c): return String(c)
        case .choices(let cs):
            let wide = field.options.contains { $0.code >= 10 }
            return cs.map(String.init).joined(separator: wide ? " " : "")
        case .yesNo(let b): return b ? "1" : "2"
        case .date(let d): return d.description
        case .number(let v): return v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : String(v)
        case .text(let t): return t
        }
    }

    /// The option codes an answer picks (for highlighting on the sheet).
    static func chosenCodes(_ answer: Answer?) -> Set<Int> {
        switch answer {
        case .choice(let c): [c]
        case .choices(let cs): Set(cs)
        case .yesNo(let b): [b ? 1 : 2]
        default: []
        }
    }
}

/// A catalog key and its arguments, for problems found by the screen itself.
struct FieldIssueKey: Error, Hashable, Sendable {
    var key: String
    var args: [String]
    init(_ key: String, _ args: [String] = []) {
        self.key = key
        self.args = args
    }
}
