import Foundation
import TanfangCore

/// JSON and text conversions shared by the records. IDs are stored as upper-case UUID text,
/// dates as `YYYY-MM-DD` and date-times as `YYYY-MM-DD HH:MM`, so that text order is time order.
enum StoreCoding {
    static func json<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding plain Codable values to JSON cannot fail.
        let data = (try? encoder.encode(value)) ?? Data("null".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    static func decode<T: Decodable>(_ type: T.Type, _ text: String, column: String) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: Data(text.utf8))
        } catch {
            throw LedgerError.corrupt(column: column)
        }
    }

    static func uuid(_ text: String, column: String) throws -> UUID {
        guard let id = UUID(uuidString: text) else { throw LedgerError.corrupt(column: column) }
        return id
    }

    static func uuid(_ text: String?, column: String) throws -> UUID? {
        guard let text else { return nil }
        let value: UUID = try uuid(text, column: column)
        return value
    }

    static func date(_ text: String, column: String) throws -> LocalDate {
        guard let d = LocalDate(text) else { throw LedgerError.corrupt(column: column) }
        return d
    }

    static func date(_ text: String?, column: String) throws -> LocalDate? {
        guard let text else { return nil }
        let value: LocalDate = try date(text, column: column)
        return value
    }

    static func dateTime(_ text: String, column: String) throws -> LocalDateTime {
        guard let d = LocalDateTime(text) else { throw LedgerError.corrupt(column: column) }
        return d
    }

    static func dateTime(_ text: String?, column: String) throws -> LocalDateTime? {
        guard let text else { return nil }
        let value: LocalDateTime = try dateTime(text, column: column)
        return value
    }

    static func enumValue<E: RawRepresentable>(_ type: E.Type, _ text: String, column: String) throws -> E
    where E.RawValue == String {
        guard let v = E(rawValue: text) else { throw LedgerError.corrupt(column: column) }
        return v
    }

    static func enumValue<E: RawRepresentable>(_ type: E.Type, _ text: String?, column: String) throws -> E?
    where E.RawValue == String {
        guard let text else { return nil }
        let value: E = try enumValue(type, text, column: column)
        return value
    }

    /// `YYYY-MM-DD`, the same text as `LocalDate.description` without `String(format:)`,
    /// which is slow on Linux and runs for every stored date.
    static func text(_ d: LocalDate) -> String {
        var out = ""
        out.reserveCapacity(10)
        appendPadded(d.year, width: 4, to: &out)
        out += "-"
        appendPadded(d.month, width: 2, to: &out)
        out += "-"
        appendPadded(d.day, width: 2, to: &out)
        return out
    }

    /// `YYYY-MM-DD HH:MM`, as `LocalDateTime.description`.
    static func text(_ t: LocalDateTime) -> String {
        var out = text(t.date)
        out += " "
        appendPadded(t.hour, width: 2, to: &out)
        out += ":"
        appendPadded(t.minute, width: 2, to: &out)
        return out
    }

    static func text(_ d: LocalDate?) -> String? { d.map { text($0) } }
    static func text(_ t: LocalDateTime?) -> String? { t.map { text($0) } }

    private static func appendPadded(_ value: Int, width: Int, to out: inout String) {
        let digits = String(value)
        if digits.count < width { out += String(repeating: "0", count: width - digits.count) }
        out += digits
    }

    /// A JSON array of strings.
    static func json(strings: [String]) -> String {
        var out: [UInt8] = [UInt8(ascii: "[")]
        for (i, s) in strings.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            JSONBytes.appendString(s, to: &out)
        }
        out.append(UInt8(ascii: "]"))
        return String(decoding: out, as: UTF8.self)
    }

    static func strings(fromJSON text: String, column: String) throws -> [String] {
        guard case .array(let items)? = JSONBytes.parse(text) else { throw LedgerError.corrupt(column: column) }
        return try items.map {
            guard case .string(let s) = $0 else { throw LedgerError.corrupt(column: column) }
            return s
        }
    }

    /// The objects of a JSON array as key → value maps (for the elder's JSON columns, read per
    /// row when lists load every elder).
    static func objects(fromJSON text: String, column: String) throws -> [[String: JSONBytes.Value]] {
        guard case .array(let items)? = JSONBytes.parse(text) else { throw LedgerError.corrupt(column: column) }
        return try items.map {
            guard case .object(let fields) = $0 else { throw LedgerError.corrupt(column: column) }
            return Dictionary(fields, uniquingKeysWith: { _, last in last })
        }
    }

    /// A string member, nil when absent or null; anything else is corrupt.
    static func string(_ object: [String: JSONBytes.Value], _ key: String, column: String) throws -> String? {
        switch object[key] {
        case nil, .null?: return nil
        case .string(let s)?: return s
        default: throw LedgerError.corrupt(column: column)
        }
    }

    static func requiredString(_ object: [String: JSONBytes.Value], _ key: String, column: String) throws -> String {
        guard let s = try string(object, key, column: column) else { throw LedgerError.corrupt(column: column) }
        return s
    }

    /// Timestamps for `createdAt`, `updatedAt` and audit rows: UTC, ISO 8601 with milliseconds.
    static func timestamp(_ date: Date) -> String {
        Date.ISO8601FormatStyle(includingFractionalSeconds: true).format(date)
    }
}

/// Who created and last changed a row, and when: columns every table has.
protocol Stamped {
    var createdAt: String { get set }
    var updatedAt: String { get set }
    var createdBy: String? { get set }
    var updatedBy: String? { get set }
}

extension Stamped {
    /// Sets creation and update stamps, keeping the creation stamps of `old` when the row exists.
    mutating func stamp(at now: String, by user: UUID?, old: (any Stamped)?) {
        createdAt = old?.createdAt ?? now
        createdBy = old == nil ? user?.uuidString : old?.createdBy
        updatedAt = now
        updatedBy = user?.uuidString
    }
}
