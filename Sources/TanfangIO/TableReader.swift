import Foundation
import Synchronization

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

    /// Builds a table from CSV records numbered from 1: drops empty rows and pads to the widest row.
    init(records: [[String]]) {
        var rows: [[String]] = []
        var numbers: [Int] = []
        rows.reserveCapacity(records.count)
        numbers.reserveCapacity(records.count)
        var width = 0
        for (i, cells) in records.enumerated() {
            guard let last = cells.lastIndex(where: { !$0.isEmpty }) else { continue }
            width = max(width, last + 1)
            rows.append(cells)
            numbers.append(i + 1)
        }
        for i in rows.indices where rows[i].count != width {
            if rows[i].count > width {
                rows[i].removeLast(rows[i].count - width)
            } else {
                rows[i] += repeatElement("", count: width - rows[i].count)
            }
        }
        self.rows = rows
        self.rowNumbers = numbers
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
        var text = text
        return try text.withUTF8 { bytes in
            // The check for a quote left open runs on the other core while the records are read.
            let quoteLine = Mutex<Int?>(nil)
            let records = Mutex<[[String]]>([])
            let all = UnsafeSendableBytes(bytes)
            DispatchQueue.concurrentPerform(iterations: 2) { part in
                if part == 0 {
                    let line = unterminatedQuoteLine(all.bytes)
                    quoteLine.withLock { $0 = line }
                } else {
                    // Excel shows one row per record, even when a quoted field holds line breaks.
                    let read = CSVScanner.records(all.bytes, delimiter: detectDelimiter(all.bytes))
                    records.withLock { $0 = read }
                }
            }
            if let line = quoteLine.withLock({ $0 }) {
                throw TanfangIOError.unterminatedQuote(file: file, line: line)
            }
            // A line break inside a quoted cell of a Windows file (CRLF, or a lone CR) becomes "\n", as
            // Excel keeps it: screens and exports then see one kind of line break.
            var table = records.withLock { $0 }
            for r in table.indices where table[r].contains(where: { $0.utf8.contains(13) }) {
                for c in table[r].indices where table[r][c].utf8.contains(13) {
                    table[r][c] = table[r][c].replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
                }
            }
            return SheetTable(records: table)
        }
    }

    /// Tab when the line with the most separators has more tabs than commas.
    ///
    /// Counted per line over the first ten lines, so a title line above the header does not decide.
    static func detectDelimiter(_ text: String) -> Unicode.Scalar {
        var text = text
        return Unicode.Scalar(text.withUTF8 { detectDelimiter($0) })
    }

    static func detectDelimiter(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt8 {
        let tab = UInt8(ascii: "\t"), comma = UInt8(ascii: ",")
        var maxTabs = 0, maxCommas = 0, tabs = 0, commas = 0, lines = 0
        var quoted = false
        for b in bytes {
            if b == UInt8(ascii: "\"") { quoted.toggle() }
            if quoted { continue }
            switch b {
            case tab: tabs += 1
            case comma: commas += 1
            case UInt8(ascii: "\n"):
                maxTabs = max(maxTabs, tabs); maxCommas = max(maxCommas, commas)
                tabs = 0; commas = 0; lines += 1
                if lines == 10 { return maxTabs > maxCommas ? tab : comma }
            default: break
            }
        }
        maxTabs = max(maxTabs, tabs); maxCommas = max(maxCommas, commas)
        return maxTabs > maxCommas ? tab : comma
    }

    /// The 1-based physical line where a quoted field opens and never closes, if any.
    /// A quote opens a field only at its start; `""` inside is an escaped quote.
    static func unterminatedQuoteLine(_ text: String) -> Int? {
        var text = text
        return text.withUTF8 { unterminatedQuoteLine($0) }
    }

    /// The same on UTF-8 bytes: every character it looks at is ASCII.
    static func unterminatedQuoteLine(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        let quote = UInt8(ascii: "\""), newline = UInt8(ascii: "\n")
        var line = 1
        var openedOn = 0
        var inQuotes = false
        var justClosed = false
        var atFieldStart = true
        for s in bytes {
            if inQuotes {
                if s == quote { inQuotes = false; justClosed = true }
                else if s == newline { line += 1 }
                continue
            }
            let reopens = justClosed && s == quote
            justClosed = false
            switch s {
            case quote:
                if atFieldStart { inQuotes = true; openedOn = line }
                else if reopens { inQuotes = true }  // `""` inside a quoted field
                atFieldStart = false
            case UInt8(ascii: ","), UInt8(ascii: "\t"), UInt8(ascii: "\r"): atFieldStart = true
            case newline: line += 1; atFieldStart = true
            default: atFieldStart = false
            }
        }
        return inQuotes ? openedOn : nil
    }
}

/// Bytes read by two threads at once while their owner waits for both.
/// (Unchecked: the buffer is only read, and outlives the threads.)
private struct UnsafeSendableBytes: @unchecked Sendable {
    let bytes: UnsafeBufferPointer<UInt8>
    init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }
}
