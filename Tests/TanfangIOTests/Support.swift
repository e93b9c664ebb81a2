import Foundation
import TanfangCore
@testable import TanfangIO

/// Shared test data and helpers.
enum Fixture {
    static let today = LocalDate(year: 2026, month: 11, day: 23)!

    static func url(_ name: String, _ ext: String) -> URL {
        guard let url = Bundle.module.url(forResource: name, withExtension: ext, subdirectory: "Fixtures") else {
            fatalError("missing fixture \(name).\(ext)")
        }
        return url
    }

    static func data(_ name: String, _ ext: String) throws -> Data { try Data(contentsOf: url(name, ext)) }

    // The IDs make_fixtures.py computes (made up, valid unless said otherwise).
    static let wang = "650102194405121220"      // female, 1944-05-12
    static let li = "65010219500306159X"        // male, 1950-03-06
    static let zhangBad = "650102193811022461"  // check character wrong
    static let zhao = "650102194101154576"      // male, 1941-01-15

    /// A valid 18-character ID for a birth date and a sequence (odd: male, even: female).
    static func id(_ birth: String, seq: Int, area: String = "650102") -> String {
        let first17 = area + birth + String(format: "%03d", seq)
        return first17 + String(IDNumber.checkCharacter(for: first17))
    }

    /// A table whose rows are numbered 1, 2, 3… like a CSV file.
    static func table(_ rows: [[String]]) -> SheetTable {
        SheetTable(rows: rows, rowNumbers: rows.indices.map { $0 + 1 })
    }

    /// A workbook assembled from hand-written parts (a sheet, optional shared strings and styles).
    static func workbook(sheet: String, sharedStrings: String? = nil, styles: String? = nil,
                         workbookPr: String = "", sheetName: String = "Sheet1") throws -> Data {
        let main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
        let rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
        var parts: [(path: String, xml: String)] = [
            ("_rels/.rels", "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
                + "<Relationship Id=\"rId1\" Type=\"\(rel)/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>"),
            ("xl/workbook.xml", "<workbook xmlns=\"\(main)\" xmlns:r=\"\(rel)\">\(workbookPr)<sheets>"
                + "<sheet name=\"\(sheetName)\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>"),
            ("xl/_rels/workbook.xml.rels", "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
                + "<Relationship Id=\"rId1\" Type=\"\(rel)/worksheet\" Target=\"/xl/worksheets/sheet1.xml\"/>"
                + "<Relationship Id=\"rId2\" Type=\"\(rel)/sharedStrings\" Target=\"sharedStrings.xml\"/>"
                + "<Relationship Id=\"rId3\" Type=\"\(rel)/styles\" Target=\"styles.xml\"/></Relationships>"),
            ("xl/worksheets/sheet1.xml", sheet),
        ]
        if let sharedStrings { parts.append(("xl/sharedStrings.xml", sharedStrings)) }
        if let styles { parts.append(("xl/styles.xml", styles)) }
        return try XLSXWriter.zip(parts)
    }
}
