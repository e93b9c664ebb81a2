/// Splits CSV/TSV text into records, working on UTF-8 bytes.
///
/// It follows CSV.swift's `CSVReader` (which it replaced for speed: that reader walks an
/// `AnyIterator` of scalars and appends one scalar at a time, ~1 µs per character) rule for rule,
/// including its quirks, so tables read exactly as before:
/// - a record ends at CR, LF or CRLF outside quotes; an empty line is a record of one empty field;
/// - a field is quoted only when its first character is `"`; `""` inside it is one quote;
/// - after a closing quote, anything but a delimiter, a line break or the end keeps the quote and
///   drops the one character that follows it;
/// - quotes inside an unquoted field are kept as they are.
/// Every separator is ASCII, so byte positions never split a character.
struct CSVScanner {
    private static let quote = UInt8(ascii: "\""), cr = UInt8(ascii: "\r"), lf = UInt8(ascii: "\n")

    /// The records of `bytes` (valid UTF-8), each a list of fields.
    static func records(_ bytes: UnsafeBufferPointer<UInt8>, delimiter: UInt8) -> [[String]] {
        var out: [[String]] = []
        var i = 0
        let n = bytes.count
        var row: [String] = []
        var buffer: [UInt8] = []  // only for quoted fields with escapes or quirks
        while i < n {
            // One record: fields until a line break or the end.
            row.removeAll(keepingCapacity: true)
            while true {
                if i >= n {  // after a trailing delimiter
                    row.append("")
                    break
                }
                if bytes[i] == quote {
                    i += 1
                    buffer.removeAll(keepingCapacity: true)
                    var start = i
                    var endOfRow = true
                    while true {
                        if i >= n {  // unterminated at the end of the input: the rest is the field
                            buffer.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<n]))
                            break
                        }
                        if bytes[i] != quote { i += 1; continue }
                        buffer.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<i]))
                        i += 1
                        if i >= n { break }
                        let next = bytes[i]
                        if next == cr || next == lf {
                            i += 1
                            if next == cr, i < n, bytes[i] == lf { i += 1 }
                            break
                        }
                        if next == delimiter { i += 1; endOfRow = false; break }
                        buffer.append(quote)
                        i += 1
                        if next != quote {
                            // CSV.swift keeps the quote and loses the character after it.
                            while i < n, bytes[i] & 0xC0 == 0x80 { i += 1 }
                        }
                        start = i
                    }
                    row.append(String(decoding: buffer, as: UTF8.self))
                    if endOfRow { break }
                } else {
                    let start = i
                    var endOfRow = true
                    var end = n
                    while i < n {
                        let b = bytes[i]
                        if b == delimiter { end = i; i += 1; endOfRow = false; break }
                        if b == cr || b == lf {
                            end = i
                            i += 1
                            if b == cr, i < n, bytes[i] == lf { i += 1 }
                            break
                        }
                        i += 1
                    }
                    row.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self))
                    if endOfRow { break }
                }
            }
            out.append(row)
        }
        return out
    }
}
