import Foundation
import GRDB
import TanfangCore

// MARK: - Backup and restore

extension Ledger {
    /// How many daily backups to keep: `TANFANG_BACKUPS` when it is a positive number, else 7.
    public static func backupKeepCount(environment: [String: String] = ProcessInfo.processInfo.environment) -> Int {
        if let text = environment["TANFANG_BACKUPS"], let n = Int(text.trimmingCharacters(in: .whitespaces)), n > 0 {
            return n
        }
        return 7
    }

    /// The default backup file for a ledger: `backups/<its name>-YYYYMMDD-HHMM.sqlite` next to it.
    public static func defaultBackupPath(ledgerPath: String, at date: Date = Date()) -> String {
        backupDirectory(ledgerPath: ledgerPath) + "/" + backupStem(ledgerPath: ledgerPath) + "-" + stamp(date) + ".sqlite"
    }

    /// What a ledger's backups are named after: its file name without the extension. Ledgers kept
    /// in one folder (a township's villages) share `backups/`; one name for all made the first
    /// ledger's daily backup count as every ledger's.
    public static func backupStem(ledgerPath: String) -> String {
        let stem = ((ledgerPath as NSString).lastPathComponent as NSString).deletingPathExtension
        return stem.isEmpty ? "tanfang" : stem
    }

    static func backupDirectory(ledgerPath: String) -> String {
        let dir = (ledgerPath as NSString).deletingLastPathComponent
        return (dir.isEmpty ? "." : dir) + "/backups"
    }

    /// `YYYYMMDD-HHMM` in the workstation's local time.
    public static func stamp(_ date: Date) -> String {
        let c = Calendar(identifier: .gregorian).dateComponents(in: TimeZone.current, from: date)
        return String(format: "%04d%02d%02d-%02d%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0, c.hour ?? 0, c.minute ?? 0)
    }

    /// How a backup shares the machine with the screens.
    public struct BackupPace: Sendable, Equatable {
        /// Pages copied per step (-1: the whole file in one step).
        public var pagesPerStep: CInt
        /// The pause after each step, as a multiple of the time the step took.
        public var restRatio: Double

        /// As fast as the disk allows: the `backup` command, where the user waits for it.
        public static let full = BackupPace(pagesPerStep: -1, restRatio: 0)
        /// The daily backup beside the screens: 2 MiB steps, each followed by a pause as long as
        /// the step, so the copy (7 GB of a county ledger) takes at most half the disk and a core
        /// while a supervisor reads the red-flag list on the same two cores.
        public static let background = BackupPace(pagesPerStep: 512, restRatio: 1)
    }

    /// Copies the ledger to `path` with SQLite's online backup, from one read snapshot: safe while
    /// other connections (the screens) read and write. The file is written beside `path` and moved
    /// into place when complete, readable only by its owner. An existing `path` is refused.
    public func backup(to path: String, pace: BackupPace = .full) throws {
        if FileManager.default.fileExists(atPath: path) {
            throw LedgerError.cannotOpen(path: path, detail: "file exists")
        }
        let dir = (path as NSString).deletingLastPathComponent
        if !dir.isEmpty {
            do {
                try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            } catch {
                // Foundation's own words (English, its error domain) reached the admin as they were.
                throw LedgerError.cannotOpen(path: dir, detail: (error as NSError).localizedFailureReason
                                             ?? String(describing: type(of: error)))
            }
        }
        let partial = path + ".partial"
        Ledger.removeDatabaseFiles(partial)
        try Ledger.createPrivateFileIfMissing(partial)
        do {
            try read { db in
                let dest = try DatabaseQueue(path: partial)
                try dest.writeWithoutTransaction { destDb in
                    guard pace.restRatio > 0 else { return try db.backup(to: destDb, pagesPerStep: pace.pagesPerStep) }
                    // The read transaction stays open across steps, so every step copies the same snapshot.
                    var stepStart = DispatchTime.now().uptimeNanoseconds
                    try db.backup(to: destDb, pagesPerStep: pace.pagesPerStep) { progress in
                        guard !progress.isCompleted else { return }
                        let took = Double(DispatchTime.now().uptimeNanoseconds - stepStart)
                        usleep(useconds_t(min(took * pace.restRatio / 1_000, 200_000)))
                        stepStart = DispatchTime.now().uptimeNanoseconds
                    }
                }
                try Ledger.markBackup(dest, at: clock())
                try dest.close()
            }
            try Ledger.checkpointToSingleFile(partial)
            try FileManager.default.moveItem(atPath: partial, toPath: path)
        } catch {
            Ledger.removeDatabaseFiles(partial)
            throw LedgerError.wrap(error)
        }
    }

    /// Takes today's backup into `backups/` next to `ledgerPath` unless one from today exists,
    /// then deletes the oldest so that `keep` remain. Returns the new file, or nil when today's
    /// backup was already there. For the application to call when it starts.
    @discardableResult
    public func autoBackup(ledgerPath: String, keep: Int, now: Date = Date()) throws -> String? {
        let dir = Ledger.backupDirectory(ledgerPath: ledgerPath)
        let stem = Ledger.backupStem(ledgerPath: ledgerPath)
        let day = String(Ledger.stamp(now).prefix(8))
        Ledger.removeStalePartials(in: dir, stem: stem, now: Date())
        var created: String?
        if !Ledger.rotatingBackups(in: dir, stem: stem).contains(where: { $0.hasPrefix("\(stem)-\(day)-") }) {
            let path = Ledger.defaultBackupPath(ledgerPath: ledgerPath, at: now)
            try backup(to: path, pace: .background)
            created = path
        }
        let all = Ledger.rotatingBackups(in: dir, stem: stem)
        for old in all.prefix(max(0, all.count - max(keep, 1))) {
            try? FileManager.default.removeItem(atPath: dir + "/" + old)
        }
        return created
    }

    /// A backup cut short (the process killed, the terminal closed over SSH) leaves its
    /// `.partial` file, as large as the ledger, under a name no later backup reuses. Removed
    /// once untouched for an hour, so that a backup still being written by another process stays.
    static func removeStalePartials(in dir: String, stem: String, now: Date) {
        let fm = FileManager.default
        for name in (try? fm.contentsOfDirectory(atPath: dir)) ?? []
        where name.hasPrefix(stem + "-") && name.contains(".sqlite.partial") {
            let path = dir + "/" + name
            guard let modified = (try? fm.attributesOfItem(atPath: path))?[.modificationDate] as? Date,
                  now.timeIntervalSince(modified) > 3_600 else { continue }
            try? fm.removeItem(atPath: path)
        }
    }

    /// The rotating backup files of the ledger named `stem` in `dir`, oldest first (their names sort by time).
    static func rotatingBackups(in dir: String, stem: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
        return names.filter { name in
            name.hasPrefix(stem + "-")
                && name.dropFirst(stem.count + 1).range(of: #"^\d{8}-\d{4}\.sqlite$"#, options: .regularExpression) != nil
        }.sorted()
    }

    /// Whether the ledger at `ledgerPath` has no elder, or shares one (by id) with the database at
    /// `backupPath`: a backup of it does; another village's ledger does not.
    public static func sharesElders(_ backupPath: String, _ ledgerPath: String) throws -> Bool {
        do {
            let ours = try readOnlyQueue(ledgerPath).read { db in
                try db.tableExists("elder") ? Set(String.fetchAll(db, sql: "SELECT id FROM elder")) : []
            }
            guard !ours.isEmpty else { return true }
            return try readOnlyQueue(backupPath).read { db in
                guard try db.tableExists("elder") else { return false }
                let ids = try String.fetchCursor(db, sql: "SELECT id FROM elder")
                while let id = try ids.next() { if ours.contains(id) { return true } }
                return false
            }
        } catch {
            throw LedgerError.wrap(error)
        }
    }

    /// Whether two paths name one file (the same device and inode: a relative and an absolute
    /// path, a link).
    public static func isSameFile(_ a: String, _ b: String) -> Bool {
        var x = stat(), y = stat()
        guard stat(a, &x) == 0, stat(b, &y) == 0 else { return false }
        return x.st_dev == y.st_dev && x.st_ino == y.st_ino
    }

    /// `PRAGMA integrity_check` of the database at `path`, plus a check that it holds a ledger.
    /// Returns the problems found; empty means the file is sound.
    public static func integrityProblems(path: String) throws -> [String] {
        guard FileManager.default.fileExists(atPath: path) else {
            throw LedgerError.cannotOpen(path: path, detail: "no such file")
        }
        do {
            let queue = try readOnlyQueue(path)
            return try queue.read { db in
                let lines = try String.fetchAll(db, sql: "PRAGMA integrity_check")
                var problems = lines == ["ok"] ? [] : lines
                if problems.isEmpty, try !db.tableExists("elder") || !db.tableExists("audit") {
                    problems.append("not a tanfang ledger (no elder or audit table)")
                }
                return problems
            }
        } catch {
            throw LedgerError.wrap(error)
        }
    }

    /// Replaces the ledger at `ledgerPath` with the database at `source`, after checking
    /// `source`'s integrity. The current ledger, when there is one, is first copied (online
    /// backup) to `replacedPath`. A demo ledger does not replace a real one (`demoIntoReal`)
    /// unless `allowingDemo`; it may replace a demo, or go where there is no ledger yet.
    /// The copy goes through SQLite's backup API into the live file, so an open connection
    /// never sees a half-written file.
    public static func restore(from source: String, into ledgerPath: String, keepingReplacedAt replacedPath: String,
                               allowingDemo: Bool = false) throws {
        let problems = try integrityProblems(path: source)
        guard problems.isEmpty else { throw LedgerError.damagedFile }
        if !allowingDemo, isDemoFile(path: source) == true, isDemoFile(path: ledgerPath) == false {
            throw LedgerError.demoIntoReal(file: (source as NSString).lastPathComponent)
        }
        let existed = FileManager.default.fileExists(atPath: ledgerPath)
        if existed && FileManager.default.fileExists(atPath: replacedPath) {
            throw LedgerError.cannotOpen(path: replacedPath, detail: "file exists")
        }
        do {
            try createPrivateFileIfMissing(ledgerPath)
            let target = try DatabasePool(path: ledgerPath, configuration: configuration(busyTimeout: 5))
            if existed {
                try createPrivateFileIfMissing(replacedPath)
                let keep = try DatabaseQueue(path: replacedPath)
                try target.backup(to: keep)
                try markBackup(keep, at: Date())
                try keep.close()
                try checkpointToSingleFile(replacedPath)
            }
            let from = try readOnlyQueue(source)
            try from.backup(to: target)
            // Restored, the copy is the ledger in use again.
            try target.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA user_version = 0") }
            try target.close()
        } catch {
            throw LedgerError.wrap(error)
        }
    }

    /// Whether another connection (a workstation left open, another command) has the ledger at
    /// `path` open: leaving WAL needs the file to itself. A restore under an open workstation put
    /// its screens back in time without a word. False for a file not in WAL mode, or unreadable
    /// (a damaged ledger is what a restore is for).
    public static func isOpenElsewhere(path: String) -> Bool {
        guard FileManager.default.fileExists(atPath: path) else { return false }
        do {
            let queue = try DatabaseQueue(path: path)
            defer { try? queue.close() }
            return try queue.writeWithoutTransaction { db in
                guard try String.fetchOne(db, sql: "PRAGMA journal_mode")?.lowercased() == "wal" else { return false }
                guard try String.fetchOne(db, sql: "PRAGMA journal_mode = DELETE")?.lowercased() == "delete" else { return true }
                _ = try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL")
                return false
            }
        } catch {
            if case LedgerError.busy? = LedgerError.wrap(error) as? LedgerError { return true }
            return false
        }
    }

    /// Marks the database a backup taken at `date`, so that the workstation opening it says it is
    /// not the ledger in use (`backupTakenAt`). The header's user version holds the minute
    /// (Unix time / 60: 32 bits last until the year 6053); the migrations do not use it.
    static func markBackup(_ queue: DatabaseQueue, at date: Date) throws {
        let minute = max(1, Int(date.timeIntervalSince1970 / 60))
        try queue.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA user_version = \(minute)") }
    }

    /// When this file was taken as a backup (`tanfang backup`, the daily backup, the ledger a
    /// restore replaced); nil for a ledger in use.
    public func backupTakenAt() throws -> Date? {
        let minute = try read { db in try Int.fetchOne(db, sql: "PRAGMA user_version") } ?? 0
        return minute > 0 ? Date(timeIntervalSince1970: Double(minute) * 60) : nil
    }

    /// Leaves a backup as one self-contained file in rollback-journal mode (no -wal beside it).
    static func checkpointToSingleFile(_ path: String) throws {
        let queue = try DatabaseQueue(path: path)
        try queue.writeWithoutTransaction { db in
            // A rollback-journal file stays one file even when opened read-only elsewhere.
            try db.execute(sql: "PRAGMA journal_mode = DELETE")
        }
        try queue.close()
        removeSidecars(path)
    }

    static func removeSidecars(_ path: String) {
        for suffix in ["-wal", "-shm", "-journal"] where FileManager.default.fileExists(atPath: path + suffix) {
            try? FileManager.default.removeItem(atPath: path + suffix)
        }
    }

    static func removeDatabaseFiles(_ path: String) {
        try? FileManager.default.removeItem(atPath: path)
        removeSidecars(path)
    }
}

// MARK: - Exports

extension Ledger {
    /// Records an export in the audit trail (table `export`), e.g. an unmasked roster.
    public func recordExport(kind: String, file: String, rows: Int, unmasked: Bool, by user: UUID?) throws {
        struct ExportAudit: Codable { var kind: String; var file: String; var rows: Int; var unmasked: Bool }
        try write { db in
            try audit(db, table: "export", id: RecordID.make(), action: .insert, before: ExportAudit?.none,
                      after: ExportAudit(kind: kind, file: file, rows: rows, unmasked: unmasked), by: user,
                      at: timestamp())
        }
    }
}
