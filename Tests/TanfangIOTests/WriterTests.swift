import Foundation
import TanfangCore
import Testing
@testable import TanfangIO

@Suite struct CSVWriterTests {
    let header = ["姓名", "备注"]
    let rows = [["王秀英", "说\"好\", 行"], ["刘䶮", "a\nb"], ["", " 前后空格 "]]

    @Test func rfc4180QuotingWithCRLFAndBOM() {
        // When a header and rows with quotes, commas and line breaks are written as UTF-8
        let data = CSVWriter.write(header: header, rows: rows, encoding: .utf8BOM)
        // Then the bytes are a BOM, quoted fields where needed, and CRLF after every record
        let expected = "姓名,备注\r\n王秀英,\"说\"\"好\"\", 行\"\r\n刘䶮,\"a\nb\"\r\n, 前后空格 \r\n"
        #expect(data == Data([0xEF, 0xBB, 0xBF]) + Data(expected.utf8))
    }

    @Test func gb18030BytesAreWhatExcelOnChineseWindowsReads() {
        // When written as GB18030
        let data = CSVWriter.write(header: header, rows: [], encoding: .gb18030)
        // Then 姓名 is D0D5 C3FB (GBK), and there is no BOM
        #expect([UInt8](data) == [0xD0, 0xD5, 0xC3, 0xFB, 0x2C, 0xB1, 0xB8, 0xD7, 0xA2, 0x0D, 0x0A])
    }

    @Test(arguments: CSVWriter.Encoding.allCases)
    func roundTripThroughOurReader(_ encoding: CSVWriter.Encoding) throws {
        // Given rows with a character outside GBK (䶮), quotes, commas and line breaks
        let data = CSVWriter.write(header: header, rows: rows, encoding: encoding)
        // When read back
        let table = try TableReader.readCSV(data: data, file: "out.csv")
        let decoded = try TextDecoding.decode(data, file: "out.csv")
        // Then the encoding is detected and every cell is the same
        #expect(decoded.encoding == (encoding == .utf8BOM ? .utf8BOM : .gb18030))
        #expect(table.rows == [header] + rows)
        #expect(table.rowNumbers == [1, 2, 3, 4])
    }
}

@Suite struct XLSXWriterTests {
    let sheets = [
        XLSXSheet(name: "探访率", header: ["村", "探访率", "人数", "日期"], rows: [
            [.string("幸福村"), .percent(0.875), .number(12), .date(LocalDate(year: 2026, month: 11, day: 23)!)],
            [.string("阿不都·热合曼村很长的名字"), .percent(1), .number(3.25), .empty],
        ]),
        XLSXSheet(name: "未探访名单", header: ["姓名", "出生日期", "备注"], rows: [
            [.string("王秀英"), .date(LocalDate(year: 1899, month: 5, day: 1)!), .string(" a<b>&\"c\" \n第二行\r\n\u{1}_x0041_")],
            [.string("李建国"), .date(LocalDate(year: 1900, month: 2, day: 28)!)],
        ]),
    ]

    func part(_ path: String, _ data: Data) throws -> String {
        String(decoding: try #require(try XLSXReader.part(path, of: data)), as: UTF8.self)
    }

    @Test func roundTripThroughOurReader() throws {
        // When the workbook is written and read back sheet by sheet
        let data = try XLSXWriter.write(sheets: sheets)
        let first = try TableReader.read(data: data, file: "r.xlsx")
        let second = try TableReader.read(data: data, file: "r.xlsx", sheet: "未探访名单")
        // Then cells come back as text: percentages as their fraction, dates as dates
        #expect(first.rows == [["村", "探访率", "人数", "日期"],
                               ["幸福村", "0.875", "12", "2026-11-23"],
                               ["阿不都·热合曼村很长的名字", "1", "3.25", ""]])
        // And text survives escaping (markup, CR, control characters, a literal _x0041_);
        // a date before 1900 is written as text, 1900-02-28 as a date
        #expect(second.rows == [["姓名", "出生日期", "备注"],
                                ["王秀英", "1899-05-01", " a<b>&\"c\" \n第二行\r\n\u{1}_x0041_"],
                                ["李建国", "1900-02-28", ""]])
        #expect(second.rowNumbers == [1, 2, 3])
    }

    @Test func headerIsBoldAndFrozenAndWidthsFollowContent() throws {
        let data = try XLSXWriter.write(sheets: sheets)
        let sheet = try part("xl/worksheets/sheet1.xml", data)
        let styles = try part("xl/styles.xml", data)
        // Then the pane is frozen below the header and header cells use the bold style
        #expect(sheet.contains("<pane ySplit=\"1\" topLeftCell=\"A2\" activePane=\"bottomLeft\" state=\"frozen\"/>"))
        #expect(sheet.contains("<c r=\"A1\" t=\"s\" s=\"1\">"))
        #expect(styles.contains("<font><b/>"))
        // And column A fits 12 Han characters and a dot (25 columns) plus padding; D fits a date
        #expect(sheet.contains("<col min=\"1\" max=\"1\" width=\"27.0\" customWidth=\"1\"/>"))
        #expect(sheet.contains("<col min=\"4\" max=\"4\" width=\"12.0\" customWidth=\"1\"/>"))
        // And the sheet names are in the workbook as written
        let workbook = try part("xl/workbook.xml", data)
        #expect(workbook.contains("<sheet name=\"探访率\" sheetId=\"1\" r:id=\"rId1\"/>"))
        #expect(workbook.contains("<sheet name=\"未探访名单\" sheetId=\"2\" r:id=\"rId2\"/>"))
    }

    @Test func sameInputSameBytes() throws {
        #expect(try XLSXWriter.write(sheets: sheets) == XLSXWriter.write(sheets: sheets))
    }

    @Test func invalidInputIsRefusedNotTruncated() {
        let long = String(repeating: "长", count: 32)
        #expect(throws: TanfangIOError.sheetName(long)) {
            try XLSXWriter.write(sheets: [XLSXSheet(name: long, header: [], rows: [])])
        }
        #expect(throws: TanfangIOError.sheetName("1/2月")) {
            try XLSXWriter.write(sheets: [XLSXSheet(name: "1/2月", header: [], rows: [])])
        }
        #expect(throws: TanfangIOError.duplicateSheetName("Sheet")) {
            try XLSXWriter.write(sheets: [XLSXSheet(name: "sheet", header: [], rows: []), XLSXSheet(name: "Sheet", header: [], rows: [])])
        }
        #expect(throws: TanfangIOError.cellTooLong(sheet: "表", cell: "A2")) {
            try XLSXWriter.write(sheets: [XLSXSheet(name: "表", header: ["a"], rows: [[.string(String(repeating: "x", count: 32_768))]])])
        }
        #expect(throws: TanfangIOError.notANumber(sheet: "表", cell: "B2")) {
            try XLSXWriter.write(sheets: [XLSXSheet(name: "表", header: ["a", "b"], rows: [[.empty, .percent(.nan)]])])
        }
    }

    /// Opens our workbook with openpyxl, a reader we did not write; skipped when python3 or openpyxl is missing.
    @Test func openpyxlReadsOurWorkbook() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tanfang-io-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("报表.xlsx")
        try XLSXWriter.write(sheets: sheets, to: url)

        let script = """
        import json, sys
        try:
            import openpyxl
        except ImportError:
            print("SKIP"); sys.exit(0)
        wb = openpyxl.load_workbook(sys.argv[1])
        out = {"sheets": wb.sheetnames}
        ws = wb["探访率"]
        out["bold"] = [c.font.b for c in ws[1]]
        out["freeze"] = ws.freeze_panes
        out["values"] = [[str(v) if v is not None else None for v in row] for row in ws.iter_rows(values_only=True)]
        out["formats"] = [ws["B2"].number_format, ws["D2"].number_format]
        out["widths"] = [ws.column_dimensions[k].width for k in "ABCD"]
        out["note"] = wb["未探访名单"]["C2"].value
        print(json.dumps(out, ensure_ascii=False))
        """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, url.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return }  // no env/python: nothing to compare with
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0, String(decoding: output, as: UTF8.self) != "SKIP\n" else { return }

        struct Report: Decodable {
            let sheets: [String]; let bold: [Bool?]; let freeze: String?; let values: [[String?]]
            let formats: [String]; let widths: [Double]; let note: String
        }
        let report = try JSONDecoder().decode(Report.self, from: output)
        #expect(report.sheets == ["探访率", "未探访名单"])
        #expect(report.bold == [true, true, true, true])
        #expect(report.freeze == "A2")
        #expect(report.values == [["村", "探访率", "人数", "日期"],
                                  ["幸福村", "0.875", "12", "2026-11-23 00:00:00"],
                                  ["阿不都·热合曼村很长的名字", "1", "3.25", nil]])
        #expect(report.formats == ["0.0%", "yyyy\\-mm\\-dd"])
        #expect(report.widths == [27, 8, 8, 12])
        // openpyxl leaves Excel's `_xHHHH_` escapes (CR, control characters) as they are; compare the rest
        #expect(report.note.hasPrefix(" a<b>&\"c\" \n第二行"))
    }
}
