import Foundation
import TanfangCore
import TanfangIO
import TanfangStore

/// What a command needs: the data files, the catalog in the chosen language, the rules, the ledger.
struct Context {
    let resources: URL
    let strings: Strings
    let rules: RuleBook
    let now: LocalDateTime

    var today: LocalDate { now.date }

    init(language: Language) throws {
        resources = try ResourceLocator.directory()
        strings = try Strings.load(language, resources: resources)
        rules = try RuleBook.load(resources: resources)
        now = WallClock.now()
    }

    /// Why a ledger cannot be written: the file, or its folder when the file is writable (SQLite
    /// makes its -wal and -shm files beside it; an admin checking the file found nothing wrong).
    static func readOnlyMessage(_ path: String, strings: Strings) -> String {
        guard access(path, W_OK) == 0 else { return strings.format("cli.error.readOnlyLedger", path) }
        let dir = (path as NSString).deletingLastPathComponent
        return strings.format("cli.error.readOnlyFolder", dir.isEmpty ? "." : dir, (path as NSString).lastPathComponent)
    }

    /// Opens the ledger at `path`; `create` allows a new file.
    func openLedger(path: String, create: Bool = false) throws -> Ledger {
        if !create && !FileManager.default.fileExists(atPath: path) {
            throw CLIError(strings.format("cli.error.noLedger", path))
        }
        try refuseNonLedger(path, emptyAllowed: create)
        // Said before SQLite tries (it would fail on the first write, or on the WAL's files).
        if !Ledger.isWritable(path: path) { throw CLIError(Self.readOnlyMessage(path, strings: strings)) }
        let dir = (path as NSString).deletingLastPathComponent
        if !dir.isEmpty { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
        do {
            return try Ledger(path: path, rules: rules, onUpgrade: { _ in
                StandardError.write(strings.format("cli.upgrading", path) + "\n")
            })
        } catch let error as LedgerError {
            // In the user's language (the error's own description is English, for logs).
            throw CLIError(strings.format(error.messageKey, error.args))
        }
    }
}

extension Context {
    /// What --db names when it cannot be a ledger: a folder (the one the ledger is in: SQLite said
    /// "unable to open database file"), or an empty file (a copy or transfer that failed: opening it
    /// would make it a new ledger) unless `emptyAllowed`.
    private func refuseNonLedger(_ path: String, emptyAllowed: Bool = false) throws {
        if FileManager.default.isFolder(atPath: path) { throw CLIError(strings.format("cli.error.ledgerIsFolder", path)) }
        if !emptyAllowed, let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int, size == 0 {
            throw CLIError(strings["store.error.damagedFile"])
        }
    }

    /// `openLedger` for a command that only reads: a ledger this process may not write (a copy on
    /// a read-only share) is read from a copy in memory, and the file stays as it is.
    /// (Its ledger errors are put in words by `Tanfang.main`.)
    func openLedgerToRead(path: String) throws -> Ledger {
        guard FileManager.default.fileExists(atPath: path), !Ledger.isWritable(path: path) else {
            return try openLedger(path: path)
        }
        try refuseNonLedger(path)
        return try Ledger.readOnlyCopy(path: path, rules: rules)
    }

    /// `openLedger`, then the summaries brought to today when they were derived on an earlier day
    /// (due dates, ages, ended special periods), as the workstation does when it starts: the
    /// commands that show them (due, redflags, report, print, export) must not give yesterday's.
    /// With `reading`, see `openLedgerToRead`.
    func openCurrentLedger(path: String, reading: Bool = false) throws -> Ledger {
        let ledger = try reading ? openLedgerToRead(path: path) : openLedger(path: path)
        do {
            // Also a day ahead of today: the clock was set ahead once and put right since.
            if let computed = try ledger.summariesComputedOn(), computed != today {
                try ledger.refreshSummaries(today: today)
            }
        } catch let error as LedgerError {
            throw CLIError(strings.format(error.messageKey, error.args))
        }
        return ledger
    }
}

/// A one-line message for the user and a non-zero exit status.
struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ message: String) { description = message }

    /// `body`, which reads the file at `path`, with its failures said in the user's language:
    /// the file's own problem (`TanfangIOError`), or that there is no such file.
    static func reading<T>(_ path: String, strings s: Strings, _ body: () throws -> T) throws -> T {
        if FileManager.default.isFolder(atPath: path) { throw CLIError(s.format("data.error.isFolder", path)) }
        do {
            return try body()
        } catch let error as TanfangIOError {
            throw CLIError(s.format(error.messageKey, error.args))
        } catch let error as CocoaError where error.code == .fileReadNoSuchFile || error.code == .fileNoSuchFile {
            throw CLIError(s.format("data.error.noFile", path))
        }
    }
}

/// Text output helpers for aligned CLI tables with CJK text (two columns per Han character).
enum TextTable {
    static func width(_ s: String) -> Int {
        s.unicodeScalars.reduce(0) { acc, u in
            let v = u.value
            let wide = (0x1100...0x115F).contains(v) || (0x2E80...0xA4CF).contains(v) || (0xAC00...0xD7A3).contains(v)
                || (0xF900...0xFAFF).contains(v) || (0xFE30...0xFE4F).contains(v) || (0xFF00...0xFF60).contains(v)
                || (0xFFE0...0xFFE6).contains(v) || (0x20000...0x3FFFD).contains(v)
            return acc + (wide ? 2 : 1)
        }
    }

    static func pad(_ s: String, _ w: Int) -> String {
        s + String(repeating: " ", count: max(0, w - width(s)))
    }

    /// Renders rows under a header, each column as wide as its widest cell.
    static func render(header: [String], rows: [[String]]) -> String {
        let all = [header] + rows
        let widths = header.indices.map { i in all.map { width($0[i]) }.max() ?? 0 }
        return all.map { row in
            row.enumerated().map { i, cell in i == row.count - 1 ? cell : pad(cell, widths[i]) }
                .joined(separator: "  ")
        }.joined(separator: "\n")
    }
}

/// JSON output for `--json`: sorted keys, pretty, UTF-8 unescaped.
enum JSONOutput {
    static func print<T: Encodable>(_ value: T) throws {
        Swift.print(String(decoding: try data(value), as: UTF8.self), terminator: "")
    }

    /// The text `print` shows, ending in a newline, for a file.
    static func data<T: Encodable>(_ value: T) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(value) + Data("\n".utf8)
    }
}

extension CLIError {
    /// A ledger file a command reads from (to merge, to restore): there, and a file, not a folder
    /// (SQLite said "disk I/O error").
    static func requireFile(_ path: String, strings s: Strings) throws {
        guard FileManager.default.fileExists(atPath: path) else { throw CLIError(s.format("data.error.noFile", path)) }
        if FileManager.default.isFolder(atPath: path) { throw CLIError(s.format("data.error.isFolder", path)) }
    }
}

extension FileManager {
    /// Whether `path` names a folder (nothing there, or a file, is not one).
    func isFolder(atPath path: String) -> Bool {
        var isFolder: ObjCBool = false
        return fileExists(atPath: path, isDirectory: &isFolder) && isFolder.boolValue
    }
}
