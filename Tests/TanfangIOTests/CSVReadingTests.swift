import Foundation
import Testing
@testable import TanfangIO

@Suite struct CSVReadingTests {
    @Test func gbkFixtureGivesRowsWithExcelRowNumbers() throws {
        // Given the GBK CSV with a title row, quoted commas and a last row holding only its 序号
        let table = try TableReader.read(url: Fixture.url("roster-gbk", "csv"))
        // Then every record is a row, numbered from 1
        #expect(table.rowNumbers == Array(1...8))
        #expect(table.rows[7] == ["6", "", "", "", "", "", "", "", ""])
        #expect(table.rows[0] == ["XX村特殊困难老年人台账", "", "", "", "", "", "", "", ""])
        #expect(table.rows[1][6] == "村（社区）")
        // And a quoted field keeps its comma
        #expect(table.rows[3][8] == "住院一次,已出院")
        #expect(table.rows.allSatisfy { $0.count == 9 })
    }

    @Test func tabSeparatedUTF8BOMWithQuotedLineBreak() throws {
        // Given the UTF-8-BOM tab-separated file
        let table = try TableReader.read(url: Fixture.url("roster-utf8-bom", "tsv"))
        // Then tabs separate, the BOM is not part of the first header, and a quoted line break stays
        #expect(table.rows[0].first == "身份证号")
        #expect(table.rows[0].count == 10)
        #expect(table.rows[1][8] == "天山区幸福路 12 号\n3 单元")
        // And row numbers count records, as Excel shows them, not physical lines
        #expect(table.rowNumbers == [1, 2, 3, 4])
    }

    @Test func crlfAndLfGiveTheSameTable() throws {
        // Given one file with CRLF and the same with LF
        let lf = "姓名,电话\n王秀英,\"139\n1234\"\n李建国,138\n"
        let crlf = lf.replacingOccurrences(of: "\n", with: "\r\n")
        // Then the tables are equal, the line break inside the quotes included (kept as "\n", as Excel
        // keeps it: "\r\n" is one Character that no line-splitting on "\n" sees)
        let a = try TableReader.readCSV(text: lf, file: "lf.csv")
        let b = try TableReader.readCSV(text: crlf, file: "crlf.csv")
        #expect(a.rowNumbers == [1, 2, 3])
        #expect(b.rowNumbers == a.rowNumbers)
        #expect(a.rows[1] == ["王秀英", "139\n1234"])
        #expect(b.rows == a.rows)
        // And a lone CR inside a cell too
        #expect(try TableReader.readCSV(text: "姓名,备注\n王秀英,\"腿脚不便\r需扶\"\n", file: "cr.csv").rows[1] == ["王秀英", "腿脚不便\n需扶"])
    }

    @Test func emptyRowsAreLeftOutButKeepTheNumbering() throws {
        // Given an empty line and a line of bare commas between two rows
        let table = try TableReader.readCSV(text: "a,b\r\n\r\n,,\r\nc,d\r\n", file: "e.csv")
        // Then only the two rows remain, still numbered as in Excel
        #expect(table.rows == [["a", "b"], ["c", "d"]])
        #expect(table.rowNumbers == [1, 4])
    }

    @Test func escapedQuotesAndRaggedRows() throws {
        // Given a doubled quote inside a quoted field and rows of different lengths
        let text = "a,b,c\r\n\"say \"\"hi\"\"\",2\r\nx\r\n"
        let table = try TableReader.readCSV(text: text, file: "q.csv")
        // Then the quote is unescaped and short rows are padded
        #expect(table.rows == [["a", "b", "c"], ["say \"hi\"", "2", ""], ["x", "", ""]])
    }

    @Test func delimiterIsDetectedPastATitleLine() {
        // Given a title line without separators, then a tab-separated header with commas in a cell
        let text = "幸福村台账\n姓名\t住址\t备注\n王秀英\t幸福路1号\t说明,补充\n"
        // Then tab is chosen; a file of commas gives comma
        #expect(TableReader.detectDelimiter(text) == "\t")
        #expect(TableReader.detectDelimiter("标题\n姓名,住址,备注\n") == ",")
    }

    @Test func unterminatedQuoteIsReportedWithItsLine() {
        // Given a quote opened on line 3 and never closed
        let text = "姓名,备注\n王秀英,好\n李建国,\"没有结束\n下一行\n"
        // Then reading fails naming line 3
        #expect(throws: TanfangIOError.unterminatedQuote(file: "u.csv", line: 3)) {
            try TableReader.readCSV(text: text, file: "u.csv")
        }
        // And quotes inside an unquoted field or doubled inside quotes are fine
        #expect(TableReader.unterminatedQuoteLine("a\"b,c\n\"x\"\"y\",z\n") == nil)
    }

    @Test func excelUnicodeTextIsUTF16TabSeparated() throws {
        // Given what Excel's "Unicode text" save writes: UTF-16 LE with a BOM, tabs, CRLF
        let text = "姓名\t性别\r\n王秀英\t女\r\n"
        let data = Data([0xFF, 0xFE] + text.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })
        // Then it reads as a table
        let table = try TableReader.read(data: data, file: "台账.txt")
        #expect(table.rows == [["姓名", "性别"], ["王秀英", "女"]])
    }

    @Test func unsupportedAndLegacyFilesAreRefusedByName() {
        #expect(throws: TanfangIOError.legacyXLS(file: "old.xls")) {
            try TableReader.read(data: Data([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1]), file: "old.xls")
        }
        #expect(throws: TanfangIOError.unsupportedFormat(file: "a.pdf", extension: "pdf")) {
            try TableReader.read(data: Data("%PDF".utf8), file: "a.pdf")
        }
        #expect(throws: TanfangIOError.notAWorkbook(file: "fake.xlsx")) {
            try TableReader.read(data: Data("姓名,性别".utf8), file: "fake.xlsx")
        }
    }
}
