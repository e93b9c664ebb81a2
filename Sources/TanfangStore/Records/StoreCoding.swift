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
        if let id = canonicalUUID(text) { return id }
        guard let id = UUID(uuidString: text) else { throw LedgerError.corrupt(column: column) }
        return id
    }

    // Fast paths for the text this file writes; anything else goes through the general parsers,
    // so the results are the same. Foundation's UUID(uuidString:) (sscanf) and LocalDate's
    // trimming (NSString) dominated decoding a page of roster rows.

    /// The 128 bits (big-endian halves) of `XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX` in hex digits of
    /// either case, or only upper case (`upperCaseOnly`: the form `uuidString` writes, for callers
    /// that must match ids as SQL compares their text); nil for any other text.
    static func uuidBits(_ b: UnsafeRawBufferPointer, upperCaseOnly: Bool = false) -> (high: UInt64, low: UInt64)? {
        guard b.count == 36, b[8] == 45, b[13] == 45, b[18] == 45, b[23] == 45 else { return nil }
        // The 32 digits sit at fixed places around the four dashes.
        var high: UInt64 = 0, low: UInt64 = 0, bad: UInt8 = 0
        (upperCaseOnly ? upperHex : anyHex).withUnsafeBufferPointer { table in
            for j in [0, 1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 14, 15, 16, 17] {
                let d = table[Int(b[j])]
                bad |= d
                high = high &<< 4 | UInt64(d & 15)
            }
            for j in [19, 20, 21, 22, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35] {
                let d = table[Int(b[j])]
                bad |= d
                low = low &<< 4 | UInt64(d & 15)
            }
        }
        return bad & 0xF0 == 0 ? (high, low) : nil
    }

    /// Hex digit values, 255 for anything else.
    private static let anyHex: [UInt8] = hexTable(lowerCase: true)
    private static let upperHex: [UInt8] = hexTable(lowerCase: false)

    private static func hexTable(lowerCase: Bool) -> [UInt8] {
        (0..<256).map { c in
            switch c {
            case 48...57: UInt8(c - 48)
            case 65...70: UInt8(c - 55)
            case 97...102 where lowerCase: UInt8(c - 87)
            default: 255
            }
        }
    }

    /// `XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX` in hex digits of either case.
    static func canonicalUUID(_ text: String) -> UUID? {
        var text = text
        return text.withUTF8 { b in
            uuidBits(UnsafeRawBufferPointer(b)).map { UUIDKey(high: $0.high, low: $0.low).uuid }
        }
    }

    /// The numbers of `YYYY-MM-DD` (and of ` HH:MM` after it when `withTime`), or nil.
    private static func canonicalParts(_ text: String, withTime: Bool)
        -> (year: Int, month: Int, day: Int, hour: Int, minute: Int)? {
        var text = text
        return text.withUTF8 { b -> (year: Int, month: Int, day: Int, hour: Int, minute: Int)? in
            guard b.count == (withTime ? 16 : 10) else { return nil }
            func number(_ from: Int, _ count: Int) -> Int? {
                var v = 0
                for k in from..<from + count {
                    let c = b[k]
                    guard c >= UInt8(ascii: "0"), c <= UInt8(ascii: "9") else { return nil }
                    v = v * 10 + Int(c - UInt8(ascii: "0"))
                }
                return v
            }
            guard b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"),
                  let y = number(0, 4), let m = number(5, 2), let d = number(8, 2) else { return nil }
            guard withTime else { return (y, m, d, 0, 0) }
            guard b[10] == UInt8(ascii: " "), b[13] == UInt8(ascii: ":"),
                  let h = number(11, 2), let mi = number(14, 2) else { return nil }
            return (y, m, d, h, mi)
        }
    }

    static func uuid(_ text: String?, column: String) throws -> UUID? {
        guard let text else { return nil }
        let value: UUID = try uuid(text, column: column)
        return value
    }

    static func date(_ text: String, column: String) throws -> LocalDate {
        if let p = canonicalParts(text, withTime: false) {
            guard let d = LocalDate(year: p.year, month: p.month, day: p.day) else { throw LedgerError.corrupt(column: column) }
            return d
        }
        guard let d = LocalDate(text) else { throw LedgerError.corrupt(column: column) }
        return d
    }

    static func date(_ text: String?, column: String) throws -> LocalDate? {
        guard let text else { return nil }
        let value: LocalDate = try date(text, column: column)
        return value
    }

    static func dateTime(_ text: String, column: String) throws -> LocalDateTime {
        if let p = canonicalParts(text, withTime: true) {
            guard let date = LocalDate(year: p.year, month: p.month, day: p.day),
                  let t = LocalDateTime(date: date, hour: p.hour, minute: p.minute) else { throw LedgerError.corrupt(column: column) }
            return t
        }
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

    /// `YYYY-MM-DD` (`LocalDate.description`).
    static func text(_ d: LocalDate) -> String { d.description }

    /// `YYYY-MM-DD HH:MM` (`LocalDateTime.description`).
    static func text(_ t: LocalDateTime) -> String { t.description }

    static func text(_ d: LocalDate?) -> String? { d.map { text($0) } }
    static func text(_ t: LocalDateTime?) -> String? { t.map { text($0) } }

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
