import Foundation
import TanfangCore

/// The `visit.answers` column: a JSON object from field code to a one-key object naming the
/// answer's kind, e.g. `{"health.illness":{"choices":[2,3]},"safety.hasHazard":{"yesNo":false}}`.
///
/// Written and read by hand, on UTF-8 bytes, rather than through `Codable` or
/// `JSONSerialization`: visits are the largest table (100,000 elders × 60 months) and coding
/// their answers was the slowest part of an import. The shape also reads well in SQL:
/// `answers->>'$."safety.hasHazard".yesNo'`.
enum AnswerCoding {
    static func encode(_ answers: [String: Answer]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(answers.count * 40)
        out.append(UInt8(ascii: "{"))
        var first = true
        // Field codes are ASCII, so byte order is code order.
        for (key, answer) in answers.sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }) {
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            JSONBytes.appendString(key, to: &out)
            appendValue(answer, to: &out)
        }
        out.append(UInt8(ascii: "}"))
        return String(decoding: out, as: UTF8.self)
    }

    /// Writes `:{"kind":value}`, the part after an answer's key (shared with the demo's encoder).
    static func appendValue(_ answer: Answer, to out: inout [UInt8]) {
        switch answer {
        case .choice(let c):
            JSONBytes.append(":{\"choice\":", to: &out)
            appendInt(c, to: &out)
        case .choices(let cs):
            JSONBytes.append(":{\"choices\":[", to: &out)
            for (i, c) in cs.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                appendInt(c, to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .yesNo(let b):
            JSONBytes.append(b ? ":{\"yesNo\":true" : ":{\"yesNo\":false", to: &out)
        case .date(let d):
            JSONBytes.append(":{\"date\":\"", to: &out)
            JSONBytes.append(StoreCoding.text(d), to: &out)
            out.append(UInt8(ascii: "\""))
        case .number(let n):
            JSONBytes.append(":{\"number\":", to: &out)
            // Validation refuses non-finite numbers; null keeps the JSON valid if one slips through.
            JSONBytes.append(n.isFinite ? "\(n)" : "null", to: &out)
        case .text(let t):
            JSONBytes.append(":{\"text\":", to: &out)
            JSONBytes.appendString(t, to: &out)
        }
        out.append(UInt8(ascii: "}"))
    }

    /// The digits of `String(value)`, without a String for the common one-digit codes.
    static func appendInt(_ value: Int, to out: inout [UInt8]) {
        if value >= 0 && value < 10 {
            out.append(UInt8(ascii: "0") + UInt8(value))
        } else {
            out.append(contentsOf: String(value).utf8)
        }
    }

    static func decode(_ text: String) throws -> [String: Answer] {
        let column = "visit.answers"
        guard case .object(let fields)? = JSONBytes.parse(text) else { throw LedgerError.corrupt(column: column) }
        var answers: [String: Answer] = [:]
        answers.reserveCapacity(fields.count)
        for (code, raw) in fields {
            guard case .object(let tagged) = raw, tagged.count == 1 else { throw LedgerError.corrupt(column: column) }
            let (kind, value) = tagged[0]
            switch (kind, value) {
            case ("choice", .number(let n)):
                guard let i = Int(exactly: n) else { throw LedgerError.corrupt(column: column) }
                answers[code] = .choice(i)
            case ("choices", .array(let items)):
                answers[code] = .choices(try items.map {
                    guard case .number(let n) = $0, let i = Int(exactly: n) else { throw LedgerError.corrupt(column: column) }
                    return i
                })
            case ("yesNo", .bool(let b)): answers[code] = .yesNo(b)
            case ("date", .string(let s)):
                guard let d = LocalDate(s) else { throw LedgerError.corrupt(column: column) }
                answers[code] = .date(d)
            case ("number", .number(let n)): answers[code] = .number(n)
            case ("text", .string(let s)): answers[code] = .text(s)
            default: throw LedgerError.corrupt(column: column)
            }
        }
        return answers
    }
}

/// A minimal JSON writer and reader over UTF-8 bytes, for the columns read and written per row.
enum JSONBytes {
    indirect enum Value: Equatable {
        case object([(String, Value)])
        case array([Value])
        case string(String)
        case number(Double)
        case bool(Bool)
        case null

        static func == (a: Value, b: Value) -> Bool {
            switch (a, b) {
            case (.object(let x), .object(let y)):
                x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
            case (.array(let x), .array(let y)): x == y
            case (.string(let x), .string(let y)): x == y
            case (.number(let x), .number(let y)): x == y
            case (.bool(let x), .bool(let y)): x == y
            case (.null, .null): true
            default: false
            }
        }
    }

    static func append(_ s: String, to out: inout [UInt8]) {
        out.append(contentsOf: s.utf8)
    }

    /// Appends `s` as a JSON string literal, as JSONEncoder writes it: `"` `\\` and control characters
    /// escaped, the rest as is. Runs without an escape are copied whole: byte by byte, the audit
    /// text of a 100,000-row import spent a quarter of a second here.
    static func appendString(_ s: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var s = s
        s.withUTF8 { bytes in
            var start = 0
            for (i, byte) in bytes.enumerated() where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<i]))
                appendEscape(byte, to: &out)
                start = i + 1
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start...]))
        }
        out.append(UInt8(ascii: "\""))
    }

    private static func appendEscape(_ byte: UInt8, to out: inout [UInt8]) {
        let short: UInt8? = switch byte {
        case UInt8(ascii: "\""): UInt8(ascii: "\"")
        case UInt8(ascii: "\\"): UInt8(ascii: "\\")
        case 0x08: UInt8(ascii: "b")
        case 0x0C: UInt8(ascii: "f")
        case 0x0A: UInt8(ascii: "n")
        case 0x0D: UInt8(ascii: "r")
        case 0x09: UInt8(ascii: "t")
        default: nil
        }
        out.append(UInt8(ascii: "\\"))
        if let short {
            out.append(short)
        } else {
            let hex = Array("0123456789abcdef".utf8)
            out.append(contentsOf: Array("u00".utf8))
            out.append(hex[Int(byte >> 4)])
            out.append(hex[Int(byte & 0xF)])
        }
    }

    /// Parses a whole JSON text; nil when it is not valid JSON.
    static func parse(_ text: String) -> Value? {
        var bytes = Array(text.utf8)
        bytes.append(0)  // a sentinel, so that reads past the end see a byte that matches nothing
        return bytes.withUnsafeBufferPointer { buffer -> Value? in
            var parser = Parser(bytes: buffer, end: buffer.count - 1)
            guard let value = parser.value() else { return nil }
            parser.skipSpace()
            return parser.index == parser.end ? value : nil
        }
    }

    private struct Parser {
        let bytes: UnsafeBufferPointer<UInt8>
        let end: Int
        var index = 0

        init(bytes: UnsafeBufferPointer<UInt8>, end: Int) {
            self.bytes = bytes
            self.end = end
        }

        mutating func skipSpace() {
            while index < end, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
        }

        mutating func expect(_ literal: String) -> Bool {
            for b in literal.utf8 {
                guard index < end, bytes[index] == b else { return false }
                index += 1
            }
            return true
        }

        mutating func value() -> Value? {
            skipSpace()
            guard index < end else { return nil }
            switch bytes[index] {
            case UInt8(ascii: "{"):
                index += 1
                var fields: [(String, Value)] = []
                skipSpace()
                if bytes[index] == UInt8(ascii: "}") { index += 1; return .object(fields) }
                while true {
                    skipSpace()
                    guard let key = string() else { return nil }
                    skipSpace()
                    guard expect(":"), let v = value() else { return nil }
                    fields.append((key, v))
                    skipSpace()
                    if expect(",") { continue }
                    return expect("}") ? .object(fields) : nil
                }
            case UInt8(ascii: "["):
                index += 1
                var items: [Value] = []
                skipSpace()
                if bytes[index] == UInt8(ascii: "]") { index += 1; return .array(items) }
                while true {
                    guard let v = value() else { return nil }
                    items.append(v)
                    skipSpace()
                    if expect(",") { continue }
                    return expect("]") ? .array(items) : nil
                }
            case UInt8(ascii: "\""):
                return string().map(Value.string)
            case UInt8(ascii: "t"): return expect("true") ? .bool(true) : nil
            case UInt8(ascii: "f"): return expect("false") ? .bool(false) : nil
            case UInt8(ascii: "n"): return expect("null") ? .null : nil
            default: return number()
            }
        }

        mutating func number() -> Value? {
            let start = index
            while index < end, "+-0123456789.eE".utf8.contains(bytes[index]) { index += 1 }
            guard index > start else { return nil }
            let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
            return Double(text).map(Value.number)
        }

        mutating func string() -> String? {
            guard index < end, bytes[index] == UInt8(ascii: "\"") else { return nil }
            index += 1
            let start = index
            // Fast path: no escapes.
            while index < end, bytes[index] != UInt8(ascii: "\""), bytes[index] != UInt8(ascii: "\\") { index += 1 }
            guard index < end else { return nil }
            if bytes[index] == UInt8(ascii: "\"") {
                defer { index += 1 }
                return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
            }
            var out = Array(bytes[start..<index])
            while index < end {
                let b = bytes[index]
                index += 1
                if b == UInt8(ascii: "\"") { return String(decoding: out, as: UTF8.self) }
                guard b == UInt8(ascii: "\\") else { out.append(b); continue }
                guard index < end else { return nil }
                let e = bytes[index]
                index += 1
                switch e {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "u"):
                    guard let unit = hex4() else { return nil }
                    var scalarValue = UInt32(unit)
                    if (0xD800..<0xDC00).contains(unit) {
                        // A surrogate pair: the low half must follow.
                        guard expect("\\u"), let low = hex4(), (0xDC00..<0xE000).contains(low) else { return nil }
                        scalarValue = 0x10000 + (UInt32(unit - 0xD800) << 10) + UInt32(low - 0xDC00)
                    }
                    guard let scalar = Unicode.Scalar(scalarValue) else { return nil }
                    out.append(contentsOf: Array(String(Character(scalar)).utf8))
                default: return nil
                }
            }
            return nil
        }

        mutating func hex4() -> UInt16? {
            guard index + 4 <= end else { return nil }
            let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[index..<index + 4]), as: UTF8.self)
            index += 4
            return UInt16(text, radix: 16)
        }
    }
}
