import Foundation
import TanfangCore
import Testing
@testable import TanfangIO

@Suite struct IOCatalogKeyTests {
    /// Every `import.*` / `export.*` key written in this module's sources.
    func keysInSources() throws -> Set<String> {
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources/TanfangIO")
        let regex = try NSRegularExpression(pattern: #""((?:import|export)\.(?:error|note)\.[A-Za-z]+)""#)
        var keys: Set<String> = []
        for file in try FileManager.default.contentsOfDirectory(atPath: sources.path) where file.hasSuffix(".swift") {
            let text = try String(contentsOf: sources.appendingPathComponent(file), encoding: .utf8)
            for match in regex.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                keys.insert((text as NSString).substring(with: match.range(at: 1)))
            }
        }
        return keys
    }

    @Test func everyKeyTheModuleProducesIsInBothCatalogs() throws {
        // Given the keys in the sources and those of every error case
        let errors: [TanfangIOError] = [
            .undecodable(file: "f", offset: 1), .unterminatedQuote(file: "f", line: 1), .unsupportedFormat(file: "f", extension: "x"),
            .legacyXLS(file: "f"), .notAWorkbook(file: "f"), .workbookPart(file: "f", part: "p"),
            .sheetNotFound(file: "f", sheet: "s"), .noSheets(file: "f"), .mappingFile(file: "f"),
            .mappingField(file: "f", header: "h", field: "x"), .sheetName("s"), .duplicateSheetName("s"),
            .cellTooLong(sheet: "s", cell: "A1"), .notANumber(sheet: "s", cell: "A1"), .zip(detail: "d"),
        ]
        let keys = try keysInSources().union(errors.map(\.messageKey))
        #expect(keys.count > 30)
        // Then both languages define them, with a placeholder for every argument an error passes
        for language in Language.allCases {
            let strings = try Strings.load(language, resources: ResourceLocator.sourceCheckout)
            for key in keys.sorted() { #expect(strings.table[key] != nil, "\(language): \(key)") }
            for error in errors {
                let text = strings.format(error.messageKey, error.args)
                #expect(text.range(of: #"\{\d+\}"#, options: .regularExpression) == nil,
                        "\(language): \(error.messageKey) leaves a placeholder")
            }
        }
    }
}
