import CSV
import Foundation

/// A sheet of text cells as read from a CSV file or a workbook.
///
/// Every row has the same number of cells (short rows are padded with ""). Rows whose cells are
/// all empty are left out, but `rowNumbers` keeps the number a person sees in Excel for each row
/// kept, so problems can be reported as "line 7".
public struct SheetTable: Hashable, Sendable {
    public var rows: [[String]]
    /// For each row in `rows`, its 1-based line (CSV record) or row number in the sheet.
    public var rowNumbers: [Int]

    public init(rows: [[String]], rowNumbers: [Int]) {
        precondition(rows.count == rowNumbers.count, "one row number per row")
        self.rows = rows
        self.rowNumbers = rowNumbers
    }

    /// Builds a table from numbered rows: drops empty rows and pads to the widest row.
    init(numbered: [(number: Int, cells: [String])]) {
        let kept = numbered.filter { row in row.cells.contains { !$0.isEmpty } }
        let width = kept.map { row in (row.cells.lastIndex { !$0.isEmpty } ?? -1) + 1 }.max() ?? 0
        rows = kept.map { row in
            var cells = Array(row.cells.prefix(width))
            cells += Array(repeating: "", count: width - cells.count)
            return cells
        }
        rowNumbers = kept.map(\.number)
    }
}

/// Reads CSV/TSV files and `.xlsx` workbooks into a `SheetTable`.
public enum TableReader {
    /// Reads `url`, choosing the format from its content and extension.
    /// - Parameter sheet: for workbooks, the sheet to read (default: the first one).
    public static func read(url: URL, sheet: String? = nil) throws -> SheetTable {
        let data = try Data(contentsOf: url)
        return try read(data: data, file: url.lastPathComponent, sheet: sheet)
    }

    /// Reads file contents; `file` is the name used in errors and to see the extension.
    public static func read(data: Data, file: String, sheet: String? = nil) throws -> SheetTable {
        let ext = (file as NSString).pathExtension.lowercased()
        if data.starts(with: [0x50, 0x4B, 0x03, 0x04]) {
            return try XLSXReader.read(data: data, file: file, sheet: sheet)
        }
        if data.starts(with: [0xD0, 0xCF, 0x11, 0xE0]) { throw TanfangIOError.legacyXLS(file: file) }
        switch ext {
        case "xlsx", "xlsm": throw TanfangIOError.notAWorkbook(file: file)
        case "xls": throw TanfangIOError.legacyXLS(file: file)
        case "csv", "tsv", "txt", "": return try readCSV(data: data, file: file)
        default: throw TanfangIOError.unsupportedFormat(file: file, extension: ext)
        }
    }

    /// Reads comma- or tab-separated text in any encoding `TextDecoding` accepts.
    public static func readCSV(data: Data, file: String) throws -> SheetTable {
        let text = try TextDecoding.decode(data, file: file).text
        return try readCSV(text: text, file: file)
    }

    /// Reads comma- or tab-separated text (RFC 4180 quoting, CRLF or LF).
    public static func readCSV(text: String, file: String) throws -> SheetTable {
        if let line = unterminatedQuoteLine(text) {
            throw TanfangIOError.unterminatedQuote(file: file, line: line)
        }
        let reader = try CSVReader(string: text, hasHeaderRow: false, delimiter: detectDelimiter(text))
        var numbered: [(number: Int, cells: [String])] = []
        while let row = reader.next() {
            // Excel shows one row per record, even when a quoted field holds line breaks.
            numbered.append((numbered.count + 1, row))
        }
        if let error = reader.error { throw error }
        return SheetTable(numbered: numbered)
    }

    /// Tab when the line with the most separators has more tabs than commas.
    ///
    /// Counted per line over the first ten lines, so a title line above the header does not decide.
    static func detectDelimiter(_ text: String) -> Unicode.Scalar {
        var maxTabs = 0, maxCommas = 0, tabs = 0, commas = 0, lines = 0
        var quoted = false
        for s in text.unicodeScalars {
            if s == "\"" { quoted.toggle() }
            if quoted { continue }
            switch s {
            case "\t": tabs += 1
            case ",": commas += 1
            case "\n":
                maxTabs = max(maxTabs, tabs); maxCommas = max(maxCommas, commas)
                tabs = 0; commas = 0; lines += 1
                if lines == 10 { return maxTabs > maxCommas ? "\t" : "," }
            default: break
            }
        }
        maxTabs = max(maxTabs, tabs); maxCommas = max(maxCommas, commas)
        return maxTabs > maxCommas ? "\t" : ","
    }

    /// The 1-based physical line where a quoted field opens and never closes, if any.
    /// A quote opens a field only at its start; `""` inside is an escaped quote.
    static func unterminatedQuoteLine(_ text: String) -> Int? {
        var line = 1
        var openedOn = 0
        var inQuotes = false
        var justClosed = false
        var atFieldStart = true
        for s in text.unicodeScalars {
            if inQuotes {
                if s == "\"" { inQuotes = false; justClosed = true }
                else if s == "\n" { line += 1 }
                continue
            }
            let reopens = justClosed && s == "\""
            justClosed = false
            switch s {
            case "\"":
                if atFieldStart { inQuotes = true; openedOn = line }
                else if reopens { inQuotes = true }  // `""` inside a quoted field
                atFieldStart = false
            case ",", "\t", "\r": atFieldStart = true
            case "\n": line += 1; atFieldStart = true
            default: atFieldStart = false
            }
        }
        return inQuotes ? openedOn : nil
    }
}
