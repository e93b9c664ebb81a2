import Foundation
import TanfangCore
import ZIPFoundation

/// One cell of a written workbook.
public enum XLSXCell: Hashable, Sendable {
    case string(String)
    case number(Double)
    /// A fraction shown as a percentage: `.percent(0.875)` shows 87.5%.
    case percent(Double)
    case date(LocalDate)
    case empty
}

/// One sheet: a header row (bold, frozen) and the data rows.
public struct XLSXSheet: Hashable, Sendable {
    /// At most 31 characters, none of `[]:*?/\`; Chinese is fine.
    public var name: String
    public var header: [String]
    public var rows: [[XLSXCell]]

    public init(name: String, header: [String], rows: [[XLSXCell]]) {
        self.name = name
        self.header = header
        self.rows = rows
    }
}

/// Writes minimal `.xlsx` workbooks that Excel, WPS and LibreOffice open without repair.
///
/// The XML parts are written by hand: `[Content_Types].xml`, `_rels/.rels`, `xl/workbook.xml`
/// and its rels, `xl/styles.xml` (bold header, `yyyy-mm-dd` dates, `0.0%` percentages),
/// `xl/sharedStrings.xml` and one `xl/worksheets/sheetN.xml` per sheet. Column widths follow the
/// content, counting a Han character as two.
public enum XLSXWriter {
    /// Excel's limit on the characters in one cell.
    public static let maxCellLength = 32_767

    /// The workbook as bytes.
    public static func write(sheets: [XLSXSheet]) throws -> Data {
        try validate(sheets)
        var strings = SharedStrings()
        var parts: [(path: String, xml: String)] = []
        for (i, sheet) in sheets.enumerated() {
            parts.append(("xl/worksheets/sheet\(i + 1).xml", try sheetXML(sheet, selected: i == 0, strings: &strings)))
        }
        parts.insert(("[Content_Types].xml", contentTypes(sheetCount: sheets.count)), at: 0)
        parts.insert(("_rels/.rels", rootRels), at: 1)
        parts.insert(("xl/workbook.xml", workbookXML(sheets)), at: 2)
        parts.insert(("xl/_rels/workbook.xml.rels", workbookRels(sheetCount: sheets.count)), at: 3)
        parts.insert(("xl/styles.xml", stylesXML), at: 4)
        parts.append(("xl/sharedStrings.xml", strings.xml))

        return try zip(parts)
    }

    /// A ZIP archive of the given parts, deflated, with a fixed timestamp so that the same report
    /// gives the same bytes.
    static func zip(_ parts: [(path: String, xml: String)]) throws -> Data {
        do {
            let archive = try Archive(accessMode: .create)
            let stamp = Date(timeIntervalSince1970: 1_577_836_800)
            for part in parts {
                let data = Data(part.xml.utf8)
                try archive.addEntry(with: part.path, type: .file, uncompressedSize: Int64(data.count),
                                     modificationDate: stamp, compressionMethod: .deflate) { position, size in
                    data.subdata(in: Int(position)..<Int(position) + size)
                }
            }
            guard let data = archive.data else { throw TanfangIOError.zip(detail: "no archive data") }
            return data
        } catch let error as TanfangIOError {
            throw error
        } catch {
            throw TanfangIOError.zip(detail: String(describing: error))
        }
    }

    /// Writes the workbook to `url` (replacing it atomically).
    public static func write(sheets: [XLSXSheet], to url: URL) throws {
        try write(sheets: sheets).write(to: url, options: .atomic)
    }

    // MARK: - Validation

    static func validate(_ sheets: [XLSXSheet]) throws {
        var seen: Set<String> = []
        for sheet in sheets {
            let name = sheet.name
            let forbidden: Set<Character> = ["[", "]", ":", "*", "?", "/", "\\"]
            guard !name.isEmpty, name.count <= 31, !name.contains(where: forbidden.contains),
                  !name.hasPrefix("'"), !name.hasSuffix("'") else { throw TanfangIOError.sheetName(name) }
            // Excel compares sheet names without case.
            guard seen.insert(name.lowercased()).inserted else { throw TanfangIOError.duplicateSheetName(name) }
        }
        if sheets.isEmpty { throw TanfangIOError.sheetName("") }
    }

    // MARK: - Sheets

    /// Style indexes in `stylesXML`'s cellXfs.
    enum Style: Int { case normal = 0, header = 1, date = 2, percent = 3 }

    static func sheetXML(_ sheet: XLSXSheet, selected: Bool, strings: inout SharedStrings) throws -> String {
        let allRows: [[XLSXCell]] = [sheet.header.map { .string($0) }] + sheet.rows
        let columnCount = allRows.map(\.count).max() ?? 0
        var widths = Array(repeating: 0, count: columnCount)
        var body = ""
        for (r, row) in allRows.enumerated() {
            let rowNumber = r + 1
            body += "<row r=\"\(rowNumber)\">"
            for (c, cell) in row.enumerated() {
                let ref = RosterImportParser.columnLetter(c) + String(rowNumber)
                let style = r == 0 ? Style.header : nil
                widths[c] = max(widths[c], displayWidth(cell))
                body += try cellXML(cell, ref: ref, headerStyle: style, sheet: sheet.name, strings: &strings)
            }
            body += "</row>"
        }
        var xml = xmlDeclaration
        xml += "<worksheet xmlns=\"\(mainNS)\" xmlns:r=\"\(relNS)\">"
        xml += "<dimension ref=\"A1:\(RosterImportParser.columnLetter(max(columnCount - 1, 0)))\(allRows.count)\"/>"
        xml += "<sheetViews><sheetView workbookViewId=\"0\"\(selected ? " tabSelected=\"1\"" : "")>"
        xml += "<pane ySplit=\"1\" topLeftCell=\"A2\" activePane=\"bottomLeft\" state=\"frozen\"/>"
        xml += "<selection pane=\"bottomLeft\" activeCell=\"A2\" sqref=\"A2\"/></sheetView></sheetViews>"
        xml += "<sheetFormatPr defaultRowHeight=\"15\"/>"
        if columnCount > 0 {
            xml += "<cols>"
            for (c, w) in widths.enumerated() {
                xml += "<col min=\"\(c + 1)\" max=\"\(c + 1)\" width=\"\(columnWidth(w))\" customWidth=\"1\"/>"
            }
            xml += "</cols>"
        }
        xml += "<sheetData>" + body + "</sheetData>"
        xml += "<pageMargins left=\"0.7\" right=\"0.7\" top=\"0.75\" bottom=\"0.75\" header=\"0.3\" footer=\"0.3\"/>"
        return xml + "</worksheet>"
    }

    static func cellXML(_ cell: XLSXCell, ref: String, headerStyle: Style?, sheet: String,
                        strings: inout SharedStrings) throws -> String {
        func styleAttr(_ s: Style) -> String { s == .normal ? "" : " s=\"\(s.rawValue)\"" }
        switch cell {
        case .empty:
            return headerStyle.map { "<c r=\"\(ref)\"\(styleAttr($0))/>" } ?? ""
        case .string(let text):
            guard text.utf16.count <= maxCellLength else { throw TanfangIOError.cellTooLong(sheet: sheet, cell: ref) }
            let index = strings.index(of: text)
            return "<c r=\"\(ref)\" t=\"s\"\(styleAttr(headerStyle ?? .normal))><v>\(index)</v></c>"
        case .number(let v), .percent(let v):
            guard v.isFinite else { throw TanfangIOError.notANumber(sheet: sheet, cell: ref) }
            let style: Style = if case .percent = cell { .percent } else { .normal }
            return "<c r=\"\(ref)\"\(styleAttr(headerStyle ?? style))><v>\(numberText(v))</v></c>"
        case .date(let date):
            // Excel cannot hold dates before 1900 as dates; those stay text.
            guard let serial = ExcelDate.serial(of: date) else {
                return try cellXML(.string(date.description), ref: ref, headerStyle: headerStyle, sheet: sheet, strings: &strings)
            }
            return "<c r=\"\(ref)\"\(styleAttr(headerStyle ?? .date))><v>\(serial)</v></c>"
        }
    }

    static func numberText(_ v: Double) -> String {
        if v == v.rounded(), abs(v) < 1e15 { return String(Int64(v)) }
        return "\(v)"  // Swift prints the shortest text that reads back as the same Double
    }

    /// Display columns of the cell's text: Han and other wide characters count 2.
    static func displayWidth(_ cell: XLSXCell) -> Int {
        switch cell {
        case .empty: return 0
        case .string(let s):
            // The widest line of a multi-line cell.
            return s.split(separator: "\n").map { line in line.unicodeScalars.reduce(0) { $0 + (isWide($1) ? 2 : 1) } }.max() ?? 0
        case .number(let v): return numberText(v).count
        case .percent(let v): return String(format: "%.1f%%", v * 100).count
        case .date: return 10
        }
    }

    /// East Asian wide and full-width characters (CJK, kana, Hangul, full-width forms).
    static func isWide(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
             0xA000...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60,
             0xFFE0...0xFFE6, 0x20000...0x3FFFD: true
        default: false
        }
    }

    /// Excel width units for `columns` characters, with room for the filter arrow and padding.
    static func columnWidth(_ columns: Int) -> String {
        let width = min(max(Double(columns) + 2, 8), 80)
        return String(format: "%.1f", width)
    }

    // MARK: - Shared strings

    struct SharedStrings {
        var order: [String] = []
        var indexes: [String: Int] = [:]
        var count = 0

        mutating func index(of text: String) -> Int {
            count += 1
            if let i = indexes[text] { return i }
            indexes[text] = order.count
            order.append(text)
            return order.count - 1
        }

        var xml: String {
            var xml = xmlDeclaration + "<sst xmlns=\"\(mainNS)\" count=\"\(count)\" uniqueCount=\"\(order.count)\">"
            for s in order {
                let escaped = xmlEscape(escapeOOXML(s))
                let space = s.first?.isWhitespace == true || s.last?.isWhitespace == true || s.contains("\n")
                xml += space ? "<si><t xml:space=\"preserve\">\(escaped)</t></si>" : "<si><t>\(escaped)</t></si>"
            }
            return xml + "</sst>"
        }
    }

    // MARK: - Fixed parts

    static let xmlDeclaration = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    static let mainNS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    static let relNS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    static let packageRelNS = "http://schemas.openxmlformats.org/package/2006/relationships"

    static func contentTypes(sheetCount: Int) -> String {
        var xml = xmlDeclaration
        xml += "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
        xml += "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
        xml += "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
        let sml = "application/vnd.openxmlformats-officedocument.spreadsheetml"
        xml += "<Override PartName=\"/xl/workbook.xml\" ContentType=\"\(sml).sheet.main+xml\"/>"
        for i in 0..<sheetCount {
            xml += "<Override PartName=\"/xl/worksheets/sheet\(i + 1).xml\" ContentType=\"\(sml).worksheet+xml\"/>"
        }
        xml += "<Override PartName=\"/xl/styles.xml\" ContentType=\"\(sml).styles+xml\"/>"
        xml += "<Override PartName=\"/xl/sharedStrings.xml\" ContentType=\"\(sml).sharedStrings+xml\"/>"
        return xml + "</Types>"
    }

    static let rootRels = xmlDeclaration + "<Relationships xmlns=\"\(packageRelNS)\">"
        + "<Relationship Id=\"rId1\" Type=\"\(relNS)/officeDocument\" Target=\"xl/workbook.xml\"/>"
        + "</Relationships>"

    static func workbookXML(_ sheets: [XLSXSheet]) -> String {
        var xml = xmlDeclaration + "<workbook xmlns=\"\(mainNS)\" xmlns:r=\"\(relNS)\">"
        xml += "<bookViews><workbookView activeTab=\"0\"/></bookViews><sheets>"
        for (i, sheet) in sheets.enumerated() {
            xml += "<sheet name=\"\(xmlEscape(sheet.name))\" sheetId=\"\(i + 1)\" r:id=\"rId\(i + 1)\"/>"
        }
        return xml + "</sheets></workbook>"
    }

    static func workbookRels(sheetCount: Int) -> String {
        var xml = xmlDeclaration + "<Relationships xmlns=\"\(packageRelNS)\">"
        for i in 0..<sheetCount {
            xml += "<Relationship Id=\"rId\(i + 1)\" Type=\"\(relNS)/worksheet\" Target=\"worksheets/sheet\(i + 1).xml\"/>"
        }
        xml += "<Relationship Id=\"rId\(sheetCount + 1)\" Type=\"\(relNS)/styles\" Target=\"styles.xml\"/>"
        xml += "<Relationship Id=\"rId\(sheetCount + 2)\" Type=\"\(relNS)/sharedStrings\" Target=\"sharedStrings.xml\"/>"
        return xml + "</Relationships>"
    }

    /// Fonts: 0 regular, 1 bold. cellXfs: 0 normal, 1 bold header, 2 date, 3 percent.
    static let stylesXML = xmlDeclaration + "<styleSheet xmlns=\"\(mainNS)\">"
        + "<numFmts count=\"2\"><numFmt numFmtId=\"164\" formatCode=\"yyyy\\-mm\\-dd\"/>"
        + "<numFmt numFmtId=\"165\" formatCode=\"0.0%\"/></numFmts>"
        + "<fonts count=\"2\"><font><sz val=\"11\"/><name val=\"宋体\"/><family val=\"2\"/><charset val=\"134\"/></font>"
        + "<font><b/><sz val=\"11\"/><name val=\"宋体\"/><family val=\"2\"/><charset val=\"134\"/></font></fonts>"
        + "<fills count=\"2\"><fill><patternFill patternType=\"none\"/></fill><fill><patternFill patternType=\"gray125\"/></fill></fills>"
        + "<borders count=\"1\"><border><left/><right/><top/><bottom/><diagonal/></border></borders>"
        + "<cellStyleXfs count=\"1\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\"/></cellStyleXfs>"
        + "<cellXfs count=\"4\">"
        + "<xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\"/>"
        + "<xf numFmtId=\"0\" fontId=\"1\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyFont=\"1\"/>"
        + "<xf numFmtId=\"164\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyNumberFormat=\"1\"/>"
        + "<xf numFmtId=\"165\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyNumberFormat=\"1\"/>"
        + "</cellXfs>"
        + "<cellStyles count=\"1\"><cellStyle name=\"Normal\" xfId=\"0\" builtinId=\"0\"/></cellStyles>"
        + "</styleSheet>"
}

/// Escapes text for XML element content and attribute values.
func xmlEscape(_ text: String) -> String {
    var out = ""
    out.reserveCapacity(text.utf8.count)
    for ch in text {
        switch ch {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        default: out.append(ch)
        }
    }
    return out
}
