import ArgumentParser
import Foundation
import TanfangCore
import TanfangStore

struct Backup: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Copy the ledger with SQLite's online backup (safe while the screens are open).",
        discussion: "Default DEST: backups/<ledger name>-YYYYMMDD-HHMM.sqlite next to the ledger."
    )

    @OptionGroup var options: LedgerOptions

    @Argument(help: "Where to write the copy: a new file, or a folder to put <ledger name>-YYYYMMDD-HHMM.sqlite in.")
    var dest: String?

    func run() throws {
        let ctx = try Context(language: options.language)
        let path = options.databasePath()
        let ledger = try ctx.openLedgerToRead(path: path)
        var target = dest ?? Ledger.defaultBackupPath(ledgerPath: path)
        var named = dest != nil
        if let dest, FileManager.default.isFolder(atPath: dest) {
            // A folder (a USB stick's, say): the copy goes in it named after the ledger and the time,
            // so that three villages' copies on one stick are told apart.
            target = (dest as NSString).appendingPathComponent(Ledger.backupStem(ledgerPath: path) + "-" + Ledger.stamp(Date()) + ".sqlite")
            named = false
        }
        // A name of our making taken (a second backup within the minute): -2, -3… after it.
        if !named {
            let base = String(target.dropLast(".sqlite".count))
            var n = 1
            while FileManager.default.fileExists(atPath: target) {
                n += 1
                target = "\(base)-\(n).sqlite"
            }
        }
        if FileManager.default.fileExists(atPath: target) {
            throw CLIError(ctx.strings.format("data.error.exists", target))
        }
        // A named copy goes where it is told: a mistyped USB stick path must not become a new folder
        // on the local disk (the copy "done", the stick empty).
        if named {
            let folder = (target as NSString).deletingLastPathComponent
            if !folder.isEmpty, !FileManager.default.fileExists(atPath: folder) {
                throw CLIError(ctx.strings.format("data.backup.noFolder", folder))
            }
        }
        do {
            try ledger.backup(to: target)
        } catch LedgerError.cannotOpen(let folder, _) where folder != target {
            // The backups/ folder beside the ledger could not be made (a folder this account may not write).
            throw CLIError(ctx.strings.format("data.backup.cannotWrite", target, ctx.strings.format("data.backup.noFolderMade", folder)))
        } catch LedgerError.cannotOpen(_, let detail) {
            // The copy's folder (a read-only share, a full or write-protected USB stick); other
            // ledger errors are put in words by `Tanfang.main`.
            throw CLIError(ctx.strings.format("data.backup.cannotWrite", target, detail))
        }
        print(ctx.strings.format("data.backup.done", target))
    }
}

struct Restore: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Replace the ledger with a backup, after checking the backup's integrity.",
        discussion: """
        The replaced ledger is kept as <ledger>.replaced-YYYYMMDD-HHMMSS. A demo ledger replaces only \
        a demo (or goes where there is no ledger yet) unless --allow-demo is given.
        """
    )

    @OptionGroup var options: LedgerOptions

    @Argument(help: "The backup file to restore.")
    var file: String

    @Flag(name: .customLong("allow-demo"), help: "Let a demo ledger replace a real one.")
    var allowDemo = false

    @Flag(name: .customLong("other-ledger"), help: "Restore a file that shares no elder with the ledger (another village's or township's).")
    var otherLedger = false

    func run() throws {
        let ctx = try Context(language: options.language)
        let s = ctx.strings
        try CLIError.requireFile(file, strings: s)
        if Ledger.isSameFile(file, options.databasePath()) { throw CLIError(s.format("data.restore.itself", file)) }
        if !Ledger.isWritable(path: options.databasePath()) {
            throw CLIError(Context.readOnlyMessage(options.databasePath(), strings: s))
        }
        let problems: [String]
        do {
            problems = try Ledger.integrityProblems(path: file)
        } catch let error as LedgerError {
            throw CLIError(s.format("data.restore.damaged", file, s.format(error.messageKey, error.args)))
        }
        guard problems.isEmpty else {
            throw CLIError(s.format("data.restore.damaged", file, problems.prefix(5).joined(separator: "; ")))
        }
        let path = options.databasePath()
        // A village's file put over the township's ledger (or the reverse) is kept as .replaced,
        // but nothing said it was not this ledger's backup.
        if !otherLedger, FileManager.default.fileExists(atPath: path), try !Ledger.sharesElders(file, path) {
            throw CLIError(s.format("data.restore.otherLedger", file, path))
        }
        let c = Calendar(identifier: .gregorian).dateComponents(in: TimeZone.current, from: Date())
        let replaced = path + String(format: ".replaced-%04d%02d%02d-%02d%02d%02d", c.year ?? 0, c.month ?? 0,
                                     c.day ?? 0, c.hour ?? 0, c.minute ?? 0, c.second ?? 0)
        let existed = FileManager.default.fileExists(atPath: path)
        if existed, Ledger.isOpenElsewhere(path: path) { throw CLIError(s.format("data.restore.inUse", path)) }
        do {
            try Ledger.restore(from: file, into: path, keepingReplacedAt: replaced, allowingDemo: allowDemo)
        } catch LedgerError.demoIntoReal {
            throw CLIError(s.format("data.restore.demo", file, path))
        }
        // Opening brings an older backup's schema up to date.
        _ = try ctx.openLedger(path: path)
        print(s.format("data.restore.done", file, path))
        if existed { print(s.format("data.restore.kept", replaced)) }
    }
}
