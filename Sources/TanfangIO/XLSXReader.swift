import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import TanfangCore
import ZIPFoundation

/// Reads the first (or a named) sheet of an `.xlsx` workbook as text cells.
///
/// Shared strings (rich-text runs joined, phonetic runs skipped), inline strings, numbers,
/// booleans and error values are turned into the text Excel shows; numbers whose style is a date
/// format become `yyyy-MM-dd` (with the time when there is one). Cells missing from a row come back
/// as "" in the right columns.
enum XLSXReader {
    static func read(data: Data, file: String, sheet wanted: String?) throws -> SheetTable {
        let archive: Archive
        do { archive = try Archive(data: data, accessMode: .read) } catch {
            throw TanfangIOError.notAWorkbook(file: file)
        }
        let package = Package(archive: archive, file: file)

        let rootRels = try package.relationships(of: "")
        let workbookPath = rootRels.first { $0.type.hasSuffix("/officeDocument") }?.target ?? "xl/workbook.xml"
        guard let workbookData = try package.data(workbookPath) else { throw TanfangIOError.notAWorkbook(file: file) }
        let workbook = try package.parse(WorkbookHandler(), workbookData, part: workbookPath)
        let rels = try package.relationships(of: workbookPath)

        guard !workbook.sheets.isEmpty else { throw TanfangIOError.noSheets(file: file) }
        let chosen: (name: String, relID: String)
        if let wanted {
            guard let match = workbook.sheets.first(where: { $0.name == wanted }) else {
                throw TanfangIOError.sheetNotFound(file: file, sheet: wanted)
            }
            chosen = match
        } else {
            chosen = workbook.sheets[0]
        }
        guard let sheetPath = rels.first(where: { $0.id == chosen.relID })?.target,
              let sheetData = try package.data(sheetPath) else {
            throw TanfangIOError.workbookPart(file: file, part: "sheet \(chosen.name)")
        }

        var sharedStrings: [String] = []
        let stringsPath = rels.first { $0.type.hasSuffix("/sharedStrings") }?.target ?? "xl/sharedStrings.xml"
        if let data = try package.data(stringsPath) {
            sharedStrings = try package.parse(SharedStringsHandler(), data, part: stringsPath).strings
        }
        var styles = StylesHandler()
        let stylesPath = rels.first { $0.type.hasSuffix("/styles") }?.target ?? "xl/styles.xml"
        if let data = try package.data(stylesPath) {
            styles = try package.parse(StylesHandler(), data, part: stylesPath)
        }

        let handler = SheetHandler(sharedStrings: sharedStrings, styleKinds: styles.kinds, date1904: workbook.date1904)
        let parsed = try package.parse(handler, sheetData, part: sheetPath)
        return SheetTable(numbered: parsed.rows)
    }

    /// The bytes of one part of a workbook (for tests and diagnostics).
    static func part(_ path: String, of data: Data, file: String = "workbook.xlsx") throws -> Data? {
        let archive: Archive
        do { archive = try Archive(data: data, accessMode: .read) } catch {
            throw TanfangIOError.notAWorkbook(file: file)
        }
        return try Package(archive: archive, file: file).data(path)
    }

    // MARK: - Package access

    struct Relationship { let id: String; let type: String; let target: String }

    struct Package {
        let archive: Archive
        let file: String

        /// The bytes of a part, or nil when the archive has no such entry (names compared without case).
        func data(_ path: String) throws -> Data? {
            let entry = archive[path] ?? archive.first { $0.path.lowercased() == path.lowercased() }
            guard let entry else { return nil }
            var out = Data()
            do { _ = try archive.extract(entry, skipCRC32: false) { out.append($0) } } catch {
                throw TanfangIOError.workbookPart(file: file, part: path)
            }
            return out
        }

        /// The relationships of `part` ("" for the package itself), targets resolved to archive paths.
        func relationships(of part: String) throws -> [Relationship] {
            let dir = (part as NSString).deletingLastPathComponent
            let relsPath = (dir.isEmpty ? "" : dir + "/") + "_rels/" + (part as NSString).lastPathComponent + ".rels"
            guard let data = try data(relsPath) else { return [] }
            let handler = try parse(RelationshipsHandler(), data, part: relsPath)
            return handler.items.map { Relationship(id: $0.id, type: $0.type, target: Self.resolve($0.target, from: dir)) }
        }

        static func resolve(_ target: String, from dir: String) -> String {
            var parts: [Substring] = target.hasPrefix("/") ? [] : dir.split(separator: "/")
            for piece in target.split(separator: "/") {
                if piece == ".." { _ = parts.popLast() } else if piece != "." { parts.append(piece) }
            }
            return parts.joined(separator: "/")
        }

        func parse<H: PartHandler>(_ handler: H, _ data: Data, part: String) throws -> H {
            let parser = XMLParser(data: data)
            parser.shouldProcessNamespaces = false
            let delegate = Delegate(handler)
            parser.delegate = delegate
            // corelibs' XMLParser can accept a truncated document, so the element depth is checked too.
            guard parser.parse(), parser.parserError == nil, delegate.sawRoot, delegate.depth == 0 else {
                throw TanfangIOError.workbookPart(file: file, part: part)
            }
            return delegate.handler
        }
    }

    // MARK: - XML handlers

    /// A SAX handler over local element names (any `x:` prefix removed).
    protocol PartHandler {
        mutating func start(_ name: String, _ attributes: [String: String])
        mutating func end(_ name: String)
        mutating func text(_ text: String)
    }

    final class Delegate<H: PartHandler>: NSObject, XMLParserDelegate {
        var handler: H
        var depth = 0
        var sawRoot = false
        init(_ handler: H) { self.handler = handler }

        static func local(_ name: String) -> String {
            name.firstIndex(of: ":").map { String(name[name.index(after: $0)...]) } ?? name
        }

        func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                    qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]) {
            depth += 1
            sawRoot = true
            handler.start(Self.local(elementName), attributeDict)
        }

        func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?,
                    qualifiedName qName: String?) {
            depth -= 1
            handler.end(Self.local(elementName))
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) { handler.text(string) }
    }

    struct RelationshipsHandler: PartHandler {
        var items: [(id: String, type: String, target: String)] = []
        mutating func start(_ name: String, _ a: [String: String]) {
            if name == "Relationship", let id = a["Id"], let target = a["Target"] {
                items.append((id, a["Type"] ?? "", target))
            }
        }
        mutating func end(_ name: String) {}
        mutating func text(_ text: String) {}
    }

    struct WorkbookHandler: PartHandler {
        var sheets: [(name: String, relID: String)] = []
        var date1904 = false
        mutating func start(_ name: String, _ a: [String: String]) {
            switch name {
            case "workbookPr":
                date1904 = ["1", "true"].contains(a["date1904"]?.lowercased() ?? "")
            case "sheet":
                // The relationship id attribute is `r:id`, whatever prefix the namespace got.
                let relID = a.first { $0.key == "id" || $0.key.hasSuffix(":id") }?.value
                if let sheetName = a["name"], let relID { sheets.append((sheetName, relID)) }
            default: break
            }
        }
        mutating func end(_ name: String) {}
        mutating func text(_ text: String) {}
    }

    struct SharedStringsHandler: PartHandler {
        var strings: [String] = []
        var current = ""
        var inText = false
        var phoneticDepth = 0
        mutating func start(_ name: String, _ a: [String: String]) {
            switch name {
            case "si": current = ""
            case "t": inText = phoneticDepth == 0
            case "rPh": phoneticDepth += 1
            default: break
            }
        }
        mutating func end(_ name: String) {
            switch name {
            case "si": strings.append(unescapeOOXML(current))
            case "t": inText = false
            case "rPh": phoneticDepth -= 1
            default: break
            }
        }
        mutating func text(_ text: String) { if inText { current += text } }
    }

    enum NumberKind { case plain, date, time, dateTime }

    struct StylesHandler: PartHandler {
        var customFormats: [Int: String] = [:]
        var xfFormatIDs: [Int] = []
        var inCellXfs = false
        mutating func start(_ name: String, _ a: [String: String]) {
            switch name {
            case "numFmt":
                if let id = a["numFmtId"].flatMap(Int.init), let code = a["formatCode"] { customFormats[id] = code }
            case "cellXfs": inCellXfs = true
            case "xf" where inCellXfs: xfFormatIDs.append(a["numFmtId"].flatMap(Int.init) ?? 0)
            default: break
            }
        }
        mutating func end(_ name: String) { if name == "cellXfs" { inCellXfs = false } }
        mutating func text(_ text: String) {}

        /// The kind of number format of each cell style, by style index.
        var kinds: [NumberKind] {
            xfFormatIDs.map { id in customFormats[id].map(Self.kind(ofCode:)) ?? Self.kind(ofBuiltIn: id) }
        }

        /// Built-in formats; 27–36 and 50–58 are the zh-CN date formats (年月日), stored by id only.
        static func kind(ofBuiltIn id: Int) -> NumberKind {
            switch id {
            case 14...17, 27...36, 50...58: .date
            case 18...21, 45...47: .time
            case 22: .dateTime
            default: .plain
            }
        }

        /// A custom format is a date when y, d, or m without h/s appears outside quotes,
        /// brackets (`[Red]`, `[$-804]`) and escapes.
        static func kind(ofCode code: String) -> NumberKind {
            var letters = ""
            var inQuote = false, inBracket = false, skipNext = false
            for ch in code.lowercased() {
                if skipNext { skipNext = false; continue }
                if inQuote { if ch == "\"" { inQuote = false }; continue }
                if inBracket { if ch == "]" { inBracket = false }; continue }
                switch ch {
                case "\"": inQuote = true
                case "[": inBracket = true
                case "\\", "_", "*": skipNext = true
                default: letters.append(ch)
                }
            }
            // Only the first section (positive numbers) matters.
            let first = letters.split(separator: ";", omittingEmptySubsequences: false).first.map(String.init) ?? ""
            if first.contains("general") { return .plain }
            let hasTime = first.contains("h") || first.contains("s")
            let hasDate = first.contains("y") || first.contains("d") || (first.contains("m") && !hasTime)
            switch (hasDate, hasTime) {
            case (true, true): return .dateTime
            case (true, false): return .date
            case (false, true): return .time
            default: return .plain
            }
        }
    }

    struct SheetHandler: PartHandler {
        let sharedStrings: [String]
        let styleKinds: [NumberKind]
        let date1904: Bool

        var rows: [(number: Int, cells: [String])] = []
        var rowNumber = 0
        var cells: [String] = []
        var column = -1
        var cellType = "n"
        var cellStyle = 0
        var value = ""
        var inlineText = ""
        var collecting: Collecting = .none
        var phoneticDepth = 0

        enum Collecting { case none, value, inline }

        init(sharedStrings: [String], styleKinds: [NumberKind], date1904: Bool) {
            self.sharedStrings = sharedStrings
            self.styleKinds = styleKinds
            self.date1904 = date1904
        }

        mutating func start(_ name: String, _ a: [String: String]) {
            switch name {
            case "row":
                rowNumber = a["r"].flatMap(Int.init) ?? rowNumber + 1
                cells = []
                column = -1
            case "c":
                column = a["r"].flatMap(Self.columnIndex) ?? column + 1
                cellType = a["t"] ?? "n"
                cellStyle = a["s"].flatMap(Int.init) ?? 0
                value = ""
                inlineText = ""
            case "v": collecting = .value
            case "t" where phoneticDepth == 0: collecting = .inline
            case "rPh": phoneticDepth += 1
            default: break
            }
        }

        mutating func end(_ name: String) {
            switch name {
            case "v", "t": collecting = .none
            case "rPh": phoneticDepth -= 1
            case "c":
                guard column >= 0 else { return }
                if cells.count <= column { cells += Array(repeating: "", count: column + 1 - cells.count) }
                cells[column] = display()
            case "row":
                rows.append((rowNumber, cells))
            default: break
            }
        }

        mutating func text(_ text: String) {
            switch collecting {
            case .value: value += text
            case .inline: inlineText += text
            case .none: break
            }
        }

        /// The text Excel shows for the current cell.
        func display() -> String {
            switch cellType {
            case "s":
                guard let i = Int(value.trimmingCharacters(in: .whitespaces)), sharedStrings.indices.contains(i) else { return "" }
                return sharedStrings[i]
            case "inlineStr": return unescapeOOXML(inlineText)
            case "str": return unescapeOOXML(value)
            case "b": return value == "1" ? "TRUE" : value == "0" ? "FALSE" : value
            case "e": return value
            case "d": return value  // ISO 8601 text (strict OOXML)
            default: return number(value)
            }
        }

        func number(_ raw: String) -> String {
            let text = raw.trimmingCharacters(in: .whitespaces)
            guard let v = Double(text) else { return text }
            let kind = styleKinds.indices.contains(cellStyle) ? styleKinds[cellStyle] : .plain
            if kind != .plain, v >= 0, v < 2_958_466 {
                let days = Int(v.rounded(.down))
                let seconds = Int(((v - Double(days)) * 86_400).rounded())
                let time = String(format: "%02d:%02d:%02d", seconds / 3600 % 24, seconds / 60 % 60, seconds % 60)
                if kind == .time { return time }
                if let date = ExcelDate.date(serial: days, date1904: date1904) {
                    return kind == .date || seconds == 0 ? date.description : date.description + " " + time
                }
            }
            return Self.plainNumber(text, v)
        }

        /// Integers as typed (long digit strings are kept digit for digit); other values as stored.
        static func plainNumber(_ text: String, _ v: Double) -> String {
            if text.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "-") }) { return text }
            if v == v.rounded(), abs(v) < 1e15 { return String(Int64(v)) }
            return text
        }

        /// `C7` → 2 (zero-based column index).
        static func columnIndex(_ reference: String) -> Int? {
            var index = 0
            var sawLetter = false
            for scalar in reference.unicodeScalars {
                switch scalar.value {
                case 65...90: index = index * 26 + Int(scalar.value - 64); sawLetter = true
                case 97...122: index = index * 26 + Int(scalar.value - 96); sawLetter = true
                default:
                    return sawLetter ? index - 1 : nil
                }
            }
            return sawLetter ? index - 1 : nil
        }
    }
}

/// OOXML escapes characters XML cannot hold as `_xHHHH_` (and a literal `_x` as `_x005F_x`).
func unescapeOOXML(_ text: String) -> String {
    guard text.contains("_x") else { return text }
    var out = ""
    var rest = Substring(text)
    while let range = rest.range(of: "_x") {
        out += rest[..<range.lowerBound]
        let after = rest[range.upperBound...]
        let hex = after.prefix(4)
        if hex.count == 4, after.dropFirst(4).first == "_", let value = UInt32(hex, radix: 16),
           let scalar = Unicode.Scalar(value) {
            out.unicodeScalars.append(scalar)
            rest = after.dropFirst(5)
        } else {
            out += "_x"
            rest = after
        }
    }
    return out + rest
}

/// The inverse of `unescapeOOXML`: control characters XML 1.0 cannot hold, and `_x` that would
/// otherwise be read as an escape.
func escapeOOXML(_ text: String) -> String {
    var out = ""
    var scalars = text.unicodeScalars.makeIterator()
    var pending: Unicode.Scalar? = scalars.next()
    while let s = pending {
        pending = scalars.next()
        let v = s.value
        // CR is escaped too: XML parsers turn a literal CR into LF.
        if (v < 0x20 && v != 0x09 && v != 0x0A) || v == 0xFFFE || v == 0xFFFF {
            out += String(format: "_x%04X_", v)
        } else if s == "_", pending == "x" {
            out += "_x005F_"
        } else {
            out.unicodeScalars.append(s)
        }
    }
    return out
}
