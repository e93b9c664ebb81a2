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
