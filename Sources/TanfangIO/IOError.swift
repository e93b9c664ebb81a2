import Foundation

/// Why a file could not be read or written. Each case has a string-catalog key and its arguments;
/// none of them carries a cell value, so ID numbers and phones never reach a message.
public enum TanfangIOError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The bytes are neither UTF-8 (with or without BOM), UTF-16 with BOM, nor GB18030.
    case undecodable(file: String, offset: Int)
    /// A quoted CSV field opened on `line` is never closed.
    case unterminatedQuote(file: String, line: Int)
    /// The file extension is not one we read (`csv`, `tsv`, `txt`, `xlsx`, `xlsm`).
    case unsupportedFormat(file: String, extension: String)
    /// An old binary `.xls` workbook: it has to be saved as `.xlsx` or CSV first.
    case legacyXLS(file: String)
    /// Not a ZIP archive, or a ZIP without a workbook.
    case notAWorkbook(file: String)
    /// A workbook part that is missing or is not well-formed XML.
    case workbookPart(file: String, part: String)
    case sheetNotFound(file: String, sheet: String)
    case noSheets(file: String)
    /// The header mapping file is not a JSON object of strings.
    case mappingFile(file: String)
    /// The header mapping file names a field that does not exist.
    case mappingField(file: String, header: String, field: String)
    /// A sheet name Excel refuses: empty, longer than 31 characters, or with `[]:*?/\`.
    case sheetName(String)
    case duplicateSheetName(String)
    /// A text cell longer than Excel's 32,767 characters (never truncated silently).
    case cellTooLong(sheet: String, cell: String)
    /// NaN or infinity in a number cell.
    case notANumber(sheet: String, cell: String)
    /// Writing the ZIP container failed.
    case zip(detail: String)

    /// The string-catalog key (files `Resources/strings/*/io.json`).
    public var messageKey: String {
        switch self {
        case .undecodable: "import.error.encoding"
        case .unterminatedQuote: "import.error.unterminatedQuote"
        case .unsupportedFormat: "import.error.unsupportedFormat"
        case .legacyXLS: "import.error.legacyXLS"
        case .notAWorkbook: "import.error.notWorkbook"
        case .workbookPart: "import.error.workbookPart"
        case .sheetNotFound: "import.error.sheetNotFound"
        case .noSheets: "import.error.noSheets"
        case .mappingFile: "import.error.mappingFile"
        case .mappingField: "import.error.mappingField"
        case .sheetName: "export.error.sheetName"
        case .duplicateSheetName: "export.error.duplicateSheetName"
        case .cellTooLong: "export.error.cellTooLong"
        case .notANumber: "export.error.notANumber"
        case .zip: "export.error.zip"
        }
    }

    /// The `{0}`… arguments for `messageKey`.
    public var args: [String] {
        switch self {
        case .undecodable(let file, let offset): [file, String(offset)]
        case .unterminatedQuote(let file, let line): [file, String(line)]
        case .unsupportedFormat(let file, let ext): [file, ext]
        case .legacyXLS(let file), .notAWorkbook(let file), .noSheets(let file), .mappingFile(let file): [file]
        case .workbookPart(let file, let part): [file, part]
        case .sheetNotFound(let file, let sheet): [file, sheet]
        case .mappingField(let file, let header, let field):
            [file, header, field, RosterField.allCases.map(\.standardHeader).joined(separator: "、")]
        case .sheetName(let name), .duplicateSheetName(let name): [name]
        case .cellTooLong(let sheet, let cell), .notANumber(let sheet, let cell): [sheet, cell]
        case .zip(let detail): [detail]
        }
    }

    /// English text for logs and tests; the UI formats `messageKey` with `args` instead.
    public var description: String {
        switch self {
        case .undecodable(let file, let offset):
            "\(file): not UTF-8, UTF-16 or GB18030 text (invalid bytes at offset \(offset))"
        case .unterminatedQuote(let file, let line): "\(file): the quoted field opened on line \(line) is never closed"
        case .unsupportedFormat(let file, let ext): "\(file): files of type .\(ext) cannot be read"
        case .legacyXLS(let file): "\(file): an old .xls workbook; save it as .xlsx or CSV"
        case .notAWorkbook(let file): "\(file): not an .xlsx workbook"
        case .workbookPart(let file, let part): "\(file): the part \(part) is missing or damaged"
        case .sheetNotFound(let file, let sheet): "\(file): no sheet named \(sheet)"
        case .noSheets(let file): "\(file): the workbook has no sheets"
        case .mappingFile(let file): "\(file): expected a JSON object {\"header\": \"field\"}"
        case .mappingField(let file, let header, let field): "\(file): \(header) maps to unknown field \(field)"
        case .sheetName(let name): "invalid sheet name \"\(name)\""
        case .duplicateSheetName(let name): "duplicate sheet name \"\(name)\""
        case .cellTooLong(let sheet, let cell): "\(sheet)!\(cell): text longer than 32767 characters"
        case .notANumber(let sheet, let cell): "\(sheet)!\(cell): not a finite number"
        case .zip(let detail): "writing the workbook failed: \(detail)"
        }
    }
}
