import Foundation
import TanfangCore
import TanfangIO
import TanfangStore
import TanfangUI

/// One red flag as the CLI prints it and as files hold it: names and the reason already in words.
struct RedFlagLine: Encodable {
    let kind: RedFlagKind
    let elderID: UUID?
    let elder: String?
    let village: String?
    /// The elder's responsible visitor (结对责任人): whom to call about the flag.
    let visitor: String?
    let reason: String
    let severity: Int
}

/// The report files the CLI and the screens both write, so the two never disagree.
enum ReportFiles {
    /// The monthly report as a workbook (a sheet per part) or as the per-village CSV table.
    static func monthly(_ report: MonthlyReport, format: ExportFormat, ledger: Ledger, strings: Strings,
                        today: LocalDate, encoding: FileEncoding = .utf8) throws -> Data {
        switch format {
        case .csv:
            return try MonthlyFiles.csv(report, ledger: ledger, strings: strings, encoding: encoding)
        case .xlsx:
            return try XLSXWriter.write(sheets: MonthlyFiles.sheets(report, ledger: ledger, strings: strings, today: today))
        }
    }

    /// The red flags within `scope`, in the ledger's order, with elder and village names.
    static func redFlagLines(ledger: Ledger, strings: Strings, today: LocalDate, now: LocalDateTime,
                             scope: AccessScope = .everything) throws -> [RedFlagLine] {
        try redFlagLines(try ledger.redFlags(today: today, now: now, scope: scope), ledger: ledger, strings: strings)
    }

    /// `flags` as lines, in their order, with elder and village names.
    static func redFlagLines(_ flags: [RedFlag], ledger: Ledger, strings: Strings) throws -> [RedFlagLine] {
        let places = Dictionary(try ledger.places().map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        let elders = try ledger.elderNames(Set(flags.compactMap(\.elderID)))
        let visitors = Dictionary(try ledger.visitors().map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        return flags.map { f in
            let elder = f.elderID.flatMap { elders[$0] }
            let villageID = f.villageID ?? elder?.villageID
            return RedFlagLine(kind: f.kind, elderID: f.elderID, elder: elder?.name,
                               village: villageID.flatMap { places[$0] },
                               // A follow-up's flag names its owner, whom it was handed to.
                               visitor: (f.ownerID ?? elder?.visitorID).flatMap { visitors[$0] },
                               reason: f.reason(strings),
                               severity: f.severity)
        }
    }

    /// Red flags as a file with the columns kind, elder, village, reason.
    static func redFlags(_ lines: [RedFlagLine], format: ExportFormat, strings s: Strings,
                         encoding: FileEncoding = .utf8) throws -> Data {
        let header = ["redFlags.col.kind", "redFlags.col.subject", "redFlags.col.village", "redFlags.col.visitor",
                      "redFlags.col.reason"].map { s[$0] }
        let rows = lines.map { l in
            [s["redflag.kind.\(l.kind.rawValue)"], l.elder ?? "", l.village ?? "", l.visitor ?? "", l.reason]
        }
        switch format {
        case .csv:
            return CSVWriter.write(header: header, rows: rows, encoding: encoding.csv)
        case .xlsx:
            return try XLSXWriter.write(sheets: [XLSXSheet(name: s["redFlags.title"], header: header,
                                                           rows: rows.map { $0.map { XLSXCell.string($0) } })])
        }
    }

    /// `path` with a leading `~` turned into the home folder; relative paths stay relative to
    /// the working directory.
    static func expandedPath(_ path: String) -> String {
        // $HOME first, as a shell expands `~`; the password database only when it is unset.
        let env = ProcessInfo.processInfo.environment["HOME"] ?? ""
        let home = env.isEmpty ? FileManager.default.homeDirectoryForCurrentUser.path : env
        if path == "~" { return home }
        if path.hasPrefix("~/") { return home + path.dropFirst(1) }
        return path
    }

    /// The expanded path when a file (not a folder) is already there: the screens ask before
    /// replacing it. A folder is left to `save`, which reports that it cannot write there.
    /// A file named .xlsx holding CSV text (or the reverse) would not open: refused before writing.
    static func checkExtension(_ path: String, format: ExportFormat, strings: Strings) throws {
        let ext = (path as NSString).pathExtension.lowercased()
        guard ExportFormat(rawValue: ext).map({ $0 != format }) ?? false else { return }
        throw CLIError(strings.format("data.error.extensionMismatch", ext, format.rawValue.uppercased()))
    }

    static func existingFile(_ path: String) -> String? {
        let full = expandedPath(path)
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: full, isDirectory: &isFolder), !isFolder.boolValue else { return nil }
        return full
    }

    /// Writes `data` to `path` (after `expandedPath`) in one step; returns the path written.
    @discardableResult
    static func save(_ data: Data, to path: String, strings: Strings) throws -> String {
        let full = expandedPath(path)
        // An atomic write onto a folder's name crashed Foundation (Illegal instruction).
        if FileManager.default.isFolder(atPath: full) {
            let folder = path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
            throw CLIError(strings.format("data.error.outIsFolder", folder))
        }
        do {
            try data.write(to: URL(fileURLWithPath: full), options: .atomic)
            // Names, reasons and (unmasked) ID numbers of vulnerable people: readable by the owner
            // only, as the ledger itself is.
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: full)
        } catch {
            // Say why when it is plain: a folder that is not there is the usual typo.
            let folder = (full as NSString).deletingLastPathComponent
            // The nearest part of the path that exists: a file there (a.csv/sub/b.csv) is not a missing folder.
            var existing = folder
            var isFolder: ObjCBool = false
            while !existing.isEmpty, existing != "/", !FileManager.default.fileExists(atPath: existing, isDirectory: &isFolder) {
                existing = (existing as NSString).deletingLastPathComponent
            }
            if !existing.isEmpty, existing != "/", !isFolder.boolValue {
                throw CLIError(strings.format("data.error.notAFolder", path, existing))
            }
            if !folder.isEmpty, existing != folder {
                throw CLIError(strings.format("data.error.noFolder", path, folder))
            }
            throw CLIError(strings.format("data.error.cannotWrite", path))
        }
        return full
    }
}
