import Foundation
import TanfangCore

/// What a roster import found in a file (a preview) or did (`written`), ready to show:
/// messages are already in the user's language and values are masked.
public struct ImportReport: Hashable, Sendable {
    /// One header of the file and the roster field it feeds (nil: ignored).
    public struct Column: Hashable, Sendable {
        public var header: String
        /// A `RosterField` raw value, e.g. `idNumber`.
        public var field: String?

        public init(header: String, field: String?) {
            self.header = header
            self.field = field
        }
    }

    /// A problem with a row (line 0: the whole file); notes are not errors.
    public struct Problem: Hashable, Sendable {
        public var line: Int
        public var column: String
        /// The cell's value, ID numbers and phones masked.
        public var value: String
        public var message: String
        public var isError: Bool

        public init(line: Int, column: String, value: String, message: String, isError: Bool) {
            self.line = line
            self.column = column
            self.value = value
            self.message = message
            self.isError = isError
        }
    }

    public var file: String
    /// Data rows in the file.
    public var rows: Int
    public var columns: [Column]
    public var problems: [Problem]
    /// Lines with at least one error; they are left out with skip-invalid.
    public var rejectedLines: [Int]
    /// True when nothing can be imported (a file-level error, or errors without skip-invalid).
    public var refused: Bool
    public var added: Int
    public var merged: Int
    public var unchanged: Int
    /// Each conflict as a sentence (stored value kept).
    public var conflicts: [String]
    /// How many of `merged` only gained the file as a source, as a sentence; nil when none.
    public var sourcesOnly: String?
    /// True once the rows are on the ledger; false for a preview.
    public var written: Bool

    public init(file: String, rows: Int, columns: [Column], problems: [Problem], rejectedLines: [Int], refused: Bool,
                added: Int = 0, merged: Int = 0, unchanged: Int = 0, conflicts: [String] = [], written: Bool = false) {
        self.file = file
        self.rows = rows
        self.columns = columns
        self.problems = problems
        self.rejectedLines = rejectedLines
        self.refused = refused
        self.added = added
        self.merged = merged
        self.unchanged = unchanged
        self.conflicts = conflicts
        self.written = written
        self.sourcesOnly = nil
    }

    /// Whether a file-level problem (line 0) stops any import.
    public var fileLevelError: Bool { problems.contains { $0.isError && $0.line == 0 } }
}
