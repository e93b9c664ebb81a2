import Foundation
import TanfangCore
import Testing
@testable import TanfangIO

@Suite struct XLSXReadingTests {
    let main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"

    @Test(arguments: ["roster", "roster-openpyxl"])
    func fixtureCells(_ name: String) throws {
        // Given a workbook written by XlsxWriter (shared strings) or openpyxl (inline strings)
        let table = try TableReader.read(url: Fixture.url(name, "xlsx"))
        // Then the empty rows 2 and 5 are left out and the others keep their sheet row numbers
        #expect(table.rowNumbers == [1, 3, 4, 6, 7])
        #expect(table.rows[0] == ["XX村特殊困难老年人台账", "", "", "", "", "", "", ""])
        #expect(table.rows[1] == ["姓名", "性别", "公民身份号码", "出生日期", "联系电话", "所属村", "老人类别", "备注"])
        // And text, a date cell, a number and a missing last cell are in the right columns
        #expect(table.rows[2] == ["王秀英", "女", Fixture.wang, "1944-05-12", "13912345678", "幸福村", "独居,空巢", ""])
        // And a gap in column B stays empty, a zh-CN date format is a date, rich text runs are joined
        #expect(table.rows[3] == ["李建国", "", Fixture.li, "1950-03-06", "", "幸福村", "失能", "需重点关注"])
        // And the ID Excel turned into a number keeps the text Excel stored
        #expect(table.rows[4][2].lowercased() == "6.50102193811022e+17")
    }

    @Test func namedSheetWithNumberAndBoolean() throws {
        let table = try TableReader.read(url: Fixture.url("roster", "xlsx"), sheet: "说明")
        #expect(table.rows == [["填表说明", "", ""], ["", "3.5", "TRUE"]])
        #expect(table.rowNumbers == [1, 2])
        #expect(throws: TanfangIOError.sheetNotFound(file: "roster.xlsx", sheet: "台账2")) {
            try TableReader.read(url: Fixture.url("roster", "xlsx"), sheet: "台账2")
        }
    }

    @Test func sharedStringsWithRunsPhoneticsAndEscapes() throws {
        // Given shared strings with rich-text runs, a phonetic run to skip, and an _x000D_ escape
        let sst = "<sst xmlns=\"\(main)\"><si><r><t>王</t></r><r><rPr><b/></rPr><t xml:space=\"preserve\">秀 </t></r><r><t>英</t></r>"
            + "<rPh sb=\"0\" eb=\"1\"><t>wang</t></rPh></si><si><t>一行_x000D_\n二行</t></si><si><t>a_x005F_x0041_b</t></si></sst>"
        let sheet = "<worksheet xmlns=\"\(main)\"><sheetData><row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c>"
            + "<c r=\"B1\" t=\"s\"><v>1</v></c><c r=\"C1\" t=\"s\"><v>2</v></c></row></sheetData></worksheet>"
        let data = try Fixture.workbook(sheet: sheet, sharedStrings: sst)
        // Then the text is what Excel shows
        let table = try TableReader.read(data: data, file: "s.xlsx")
        #expect(table.rows == [["王秀 英", "一行\r\n二行", "a_x0041_b"]])
    }

    @Test func inlineStringsBooleansErrorsAndGaps() throws {
        // Given cells with gaps (A then D), rows without r attributes, booleans, errors and formula strings
        let sheet = "<worksheet xmlns=\"\(main)\"><sheetData>"
            + "<row r=\"2\"><c r=\"A2\" t=\"inlineStr\"><is><t>甲</t></is></c><c r=\"D2\" t=\"b\"><v>0</v></c></row>"
            + "<row><c t=\"e\"><v>#N/A</v></c><c t=\"str\"><f>A2&amp;\"x\"</f><v>甲x</v></c><c><v>-12</v></c></row>"
            + "<row r=\"9\"><c r=\"AB9\"><v>110105194912310021</v></c></row>"
            + "</sheetData></worksheet>"
        let table = try TableReader.read(data: try Fixture.workbook(sheet: sheet), file: "i.xlsx")
        #expect(table.rowNumbers == [2, 3, 9])
        #expect(table.rows[0].prefix(4) == ["甲", "", "", "FALSE"])
        #expect(table.rows[1].prefix(4) == ["#N/A", "甲x", "-12", ""])
        // And column AB is index 27, and a long integer keeps every digit
        #expect(table.rows[2].count == 28)
        #expect(table.rows[2][27] == "110105194912310021")
    }

    /// Cells with styles 0…5: General, built-in 14 (date), 31 (zh-CN 年月日), 22 (date time), 20 (time), custom.
    let styles = "<styleSheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
        + "<numFmts count=\"2\"><numFmt numFmtId=\"170\" formatCode=\"[$-804]yyyy&quot;年&quot;m&quot;月&quot;\"/>"
        + "<numFmt numFmtId=\"171\" formatCode=\"#,##0.00_);[Red]\\(#,##0.00\\)\"/></numFmts>"
        + "<cellStyleXfs count=\"1\"><xf numFmtId=\"14\"/></cellStyleXfs>"
        + "<cellXfs count=\"7\"><xf numFmtId=\"0\"/><xf numFmtId=\"14\"/><xf numFmtId=\"31\"/><xf numFmtId=\"22\"/>"
        + "<xf numFmtId=\"20\"/><xf numFmtId=\"170\"/><xf numFmtId=\"171\"/></cellXfs></styleSheet>"

    func cells(_ values: [(style: Int, value: String)], workbookPr: String = "") throws -> [String] {
        let row = values.enumerated().map { i, v in
            "<c r=\"\(RosterImportParser.columnLetter(i))1\" s=\"\(v.style)\"><v>\(v.value)</v></c>"
        }.joined()
        let sheet = "<worksheet xmlns=\"\(main)\"><sheetData><row r=\"1\">\(row)</row></sheetData></worksheet>"
        let data = try Fixture.workbook(sheet: sheet, styles: styles, workbookPr: workbookPr)
        return try TableReader.read(data: data, file: "d.xlsx").rows[0]
    }

    @Test func serialDatesFollowTheirStyles() throws {
        // Given the same serial under different number formats
        let out = try cells([(0, "18328"), (1, "18328"), (2, "18328"), (3, "18328.75"), (4, "0.5"), (5, "18328"), (6, "18328")])
        // Then only date formats turn it into a date; the number format with [Red] stays a number
        #expect(out == ["18328", "1950-03-06", "1950-03-06", "1950-03-06 18:00:00", "12:00:00", "1950-03-06", "18328"])
    }

    @Test func the1900LeapYearBug() throws {
        // Serial 59 is 1900-02-28, 60 the 1900-02-29 that never was, 61 is 1900-03-01
        #expect(try cells([(1, "1"), (1, "59"), (1, "60"), (1, "61"), (1, "2958465")])
                == ["1900-01-01", "1900-02-28", "60", "1900-03-01", "9999-12-31"])
        #expect(ExcelDate.serial(of: LocalDate(year: 1900, month: 3, day: 1)!) == 61)
        #expect(ExcelDate.serial(of: LocalDate(year: 1900, month: 2, day: 28)!) == 59)
        #expect(ExcelDate.serial(of: LocalDate(year: 1899, month: 12, day: 31)!) == nil)
    }

    @Test func the1904DateSystem() throws {
        #expect(try cells([(1, "0"), (1, "16866")], workbookPr: "<workbookPr date1904=\"1\"/>") == ["1904-01-01", "1950-03-06"])
    }

    @Test func prefixedNamespacesAreRead() throws {
        // Given a sheet whose elements carry an x: prefix (some generators write that)
        let sheet = "<x:worksheet xmlns:x=\"\(main)\"><x:sheetData><x:row r=\"1\"><x:c r=\"B1\" t=\"inlineStr\">"
            + "<x:is><x:t>乙</x:t></x:is></x:c></x:row></x:sheetData></x:worksheet>"
        let table = try TableReader.read(data: try Fixture.workbook(sheet: sheet), file: "p.xlsx")
        #expect(table.rows == [["", "乙"]])
    }

    @Test func damagedPartsAreNamed() throws {
        let data = try Fixture.workbook(sheet: "<worksheet><sheetData><row>")
        #expect(throws: TanfangIOError.workbookPart(file: "b.xlsx", part: "xl/worksheets/sheet1.xml")) {
            try TableReader.read(data: data, file: "b.xlsx")
        }
    }

    @Test func customFormatClassification() {
        typealias S = XLSXReader.StylesHandler
        #expect(S.kind(ofCode: "yyyy/m/d") == .date)
        #expect(S.kind(ofCode: "h:mm:ss") == .time)
        #expect(S.kind(ofCode: "mm:ss") == .time)
        #expect(S.kind(ofCode: "yyyy-mm-dd hh:mm") == .dateTime)
        #expect(S.kind(ofCode: "General") == .plain)
        #expect(S.kind(ofCode: "0.00%") == .plain)
        #expect(S.kind(ofCode: "\"Day\" 0") == .plain)
        #expect(S.kind(ofCode: "[$-F800]dddd, mmmm dd, yyyy") == .date)
    }
}
