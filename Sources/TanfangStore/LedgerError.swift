import Foundation
import GRDB
import TanfangCore

/// Why a ledger operation failed. Messages name fields and tables, never ID numbers or phones.
///
/// `messageKey` and `args` give the string-catalog form (`Resources/strings/*/store.json`);
/// `description` is the English text for logs and the CLI.
public enum LedgerError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The visit failed form validation; nothing was written.
    case invalidVisit([FieldIssue])
    /// A field of a record was refused (`field` is the property name, e.g. `idNumber`).
    case invalidField(field: String, messageKey: String, args: [String])

    /// The field an `invalidField` error names.
    public var field: String? {
        if case .invalidField(let field, _, _) = self { return field }
        return nil
    }
    /// No record with that id in that table.
    case notFound(table: String, id: UUID)
    /// Another process holds the database for writing (SQLITE_BUSY / SQLITE_LOCKED) for longer
    /// than the busy timeout.
    case busy
    /// The disk is full (SQLITE_FULL); the change was rolled back.
    case diskFull
    /// The file could not be created or opened.
    case cannotOpen(path: String, detail: String)
    /// The file is read-only or on a read-only file system.
    case readOnly
    /// The file is not a tanfang database or is damaged.
    case damagedFile
    /// The file was upgraded by a newer tanfang (it holds migrations this one does not know):
    /// this one would keep its new tables only in part, so it does not open it.
    case newerLedger
    /// `file` is a demo ledger (`tanfang demo`) and would go into or replace a real one (merge,
    /// restore): its made-up places, people and visits could not be told apart or taken out again.
    case demoIntoReal(file: String)
    /// The login's PIN was mistyped `Ledger.pinAttempts` times in a row: no PIN is tried for it
    /// until `minutes` have passed (a 4-digit PIN falls to trying them all).
    case pinLocked(minutes: Int)
    /// A stored value could not be read back (a hand-edited or damaged row).
    case corrupt(column: String)
    /// A schema rule refused the change (a foreign key, a unique name…).
    case constraint(String)
    /// Any other SQLite error: its result code and message (never the statement arguments).
    case database(code: Int32, message: String)

    public var messageKey: String {
        switch self {
        case .invalidVisit: "store.error.invalidVisit"
        case .invalidField(_, let key, _): key
        case .notFound: "store.error.notFound"
        case .busy: "store.error.busy"
        case .diskFull: "store.error.diskFull"
        case .cannotOpen: "store.error.cannotOpen"
        case .readOnly: "store.error.readOnly"
        case .damagedFile: "store.error.damagedFile"
        case .newerLedger: "store.error.newerLedger"
        case .demoIntoReal: "store.error.demoIntoReal"
        case .pinLocked: "store.error.pinLocked"
        case .corrupt: "store.error.corrupt"
        case .constraint: "store.error.constraint"
        case .database: "store.error.database"
        }
    }

    /// The `{0}`… arguments for `messageKey`. For `invalidField` these are the rule's own
    /// arguments (the field is in `field`), so Core keys such as `id.error.length` read the same.
    public var args: [String] {
        switch self {
        case .invalidVisit(let issues): [issues.map(\.fieldCode).joined(separator: ", ")]
        case .invalidField(_, _, let args): args
        case .notFound(let table, let id): [table, id.uuidString]
        case .cannotOpen(let path, let detail): [path, detail]
        case .demoIntoReal(let file): [file]
        case .pinLocked(let minutes): [String(minutes)]
        case .corrupt(let column): [column]
        case .constraint(let message): [message]
        case .database(let code, let message): [String(code), message]
        case .busy, .diskFull, .readOnly, .damagedFile, .newerLedger: []
        }
    }

    public var description: String {
        switch self {
        case .invalidVisit(let issues):
            "The visit record has problems in: \(issues.map { "\($0.fieldCode) (\($0.messageKey))" }.joined(separator: ", ")); nothing was saved."
        case .invalidField(let field, let key, let args):
            "Field \(field) was refused (\(key)\(args.isEmpty ? "" : ": " + args.joined(separator: ", "))); nothing was saved."
        case .notFound(let table, let id): "No \(table) record with id \(id.uuidString)."
        case .busy:
            "The ledger is busy: another tanfang is saving to the same file. Wait a moment and try again; nothing was saved."
        case .diskFull: "The disk is full: the change was not saved. Free some space and try again."
        case .cannotOpen(let path, let detail): "Cannot open the ledger file \(path): \(detail)."
        case .readOnly: "The ledger file is read-only: changes cannot be saved."
        case .damagedFile: "The ledger file is damaged or is not a tanfang database."
        case .newerLedger: "The ledger file was written by a newer version of tanfang: update tanfang to open it. Nothing was changed."
        case .demoIntoReal(let file):
            "\(file) is a demo ledger (made by tanfang demo): it cannot go into or replace a real ledger. Nothing was changed."
        case .pinLocked(let minutes):
            "The PIN was mistyped too often: this login is paused; try again in \(minutes) minutes, or ask an administrator to set a new PIN."
        case .corrupt(let column): "A stored value in \(column) cannot be read; the file may have been edited by hand."
        case .constraint(let message): "The change breaks a ledger rule (\(message)); nothing was saved."
        case .database(let code, let message): "Database error \(code): \(message)."
        }
    }

    /// Maps GRDB and SQLite errors to ledger errors; other errors pass through.
    static func wrap(_ error: any Error) -> any Error {
        guard let dbError = error as? DatabaseError else { return error }
        return from(primaryCode: dbError.resultCode.primaryResultCode.rawValue,
                    extendedCode: dbError.extendedResultCode.rawValue, message: dbError.message)
    }

    /// The ledger error for an SQLite result code (see sqlite3.h).
    static func from(primaryCode: Int32, extendedCode: Int32, message: String?) -> LedgerError {
        switch primaryCode {
        case 5, 6: .busy                                // SQLITE_BUSY, SQLITE_LOCKED
        case 13: .diskFull                              // SQLITE_FULL
        case 8: .readOnly                               // SQLITE_READONLY
        case 11, 26: .damagedFile                       // SQLITE_CORRUPT, SQLITE_NOTADB
        case 14: .cannotOpen(path: "", detail: message ?? "cannot open")  // SQLITE_CANTOPEN
        case 19: .constraint(message ?? "constraint failed")              // SQLITE_CONSTRAINT
        default: .database(code: extendedCode, message: message ?? "")
        }
    }
}

/// What an audit row records.
public enum AuditAction: String, Hashable, Sendable, Codable, CaseIterable {
    case insert, update, statusChange, close, delete
}

/// One audit row: who changed which record, when, and its JSON before and after.
public struct AuditEntry: Hashable, Sendable, Codable {
    public var id: UUID
    /// UTC ISO 8601 timestamp.
    public var at: String
    /// The acting user; nil for the system (imports, migrations).
    public var userID: UUID?
    public var tableName: String
    public var recordID: UUID
    public var action: AuditAction
    public var before: String?
    public var after: String?

    public init(id: UUID, at: String, userID: UUID?, tableName: String, recordID: UUID,
                action: AuditAction, before: String?, after: String?) {
        self.id = id
        self.at = at
        self.userID = userID
        self.tableName = tableName
        self.recordID = recordID
        self.action = action
        self.before = before
        self.after = after
    }
}
