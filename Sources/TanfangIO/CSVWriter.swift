import Foundation

/// Writes CSV as Excel expects it: RFC 4180 quoting and CRLF line ends.
///
/// Excel opens UTF-8 correctly only with a BOM; older WPS/Excel installs on Chinese Windows
/// expect GB18030. Values are written as given: open ID numbers in a workbook (`XLSXWriter`
/// writes them as text), since Excel turns long digit strings in CSV into numbers.
public enum CSVWriter {
    public enum Encoding: String, Hashable, Sendable, CaseIterable, Codable {
        case utf8BOM
        case gb18030
    }

    /// The header line, then one line per row; every line ends with CRLF.
    public static func write(header: [String], rows: [[String]], encoding: Encoding) -> Data {
        var text = line(header)
        for row in rows { text += line(row) }
        switch encoding {
        case .utf8BOM:
            return Data([0xEF, 0xBB, 0xBF]) + Data(text.utf8)
        case .gb18030:
            // Every Unicode scalar has a GB18030 encoding, so this conversion cannot fail.
            switch Iconv.convert(Array(text.utf8), from: "UTF-8", to: "GB18030") {
            case .success(let bytes): return Data(bytes)
            case .failure(let failure): preconditionFailure("GB18030 conversion stopped at byte \(failure.offset)")
            }
        }
    }

    /// One record: fields joined with commas, quoted when they hold a comma, quote or line break.
    static func line(_ fields: [String]) -> String {
        fields.map(quoted).joined(separator: ",") + "\r\n"
    }

    static func quoted(_ field: String) -> String {
        let needsQuotes = field.unicodeScalars.contains { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }
        guard needsQuotes else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
