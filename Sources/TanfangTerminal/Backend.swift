import TanfangUI

/// What the runner needs from a terminal: read keys, draw frames, report its size.
///
/// ``NcursesBackend`` is the real one; ``RecordingBackend`` replays scripted keys and keeps the
/// frames, for tests of the loop without a terminal (as ratatui's `TestBackend`).
public protocol TerminalBackend: AnyObject {
    /// The size in cells as last known (updated when a `.resize` key is read).
    var size: (width: Int, height: Int) { get }
    /// The next key, or nil when none arrived within the backend's timeout (about 100 ms).
    func readKey() -> Key?
    /// Shows `grid`, writing only what changed since the last frame, and places the cursor.
    func draw(_ grid: Grid, cursor: CursorPosition?)
    /// Gives the terminal back (idempotent).
    func shutdown()
    /// Drops the keys typed but not read yet.
    func discardTypeahead()
}

/// Errors starting the terminal UI.
public enum TerminalError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Standard input or output is not a terminal (piped, or run from a script).
    case notATerminal
    /// ncurses could not start for this `TERM` value.
    case cannotStart(term: String)

    /// A catalog key describing the error, for the CLI to show in the user's language.
    public var catalogKey: String {
        switch self {
        case .notATerminal: "terminal.notATerminal"
        case .cannotStart: "terminal.cannotStart"
        }
    }

    /// The arguments for ``catalogKey``'s `{0}`… placeholders.
    public var catalogArguments: [String] {
        switch self {
        case .notATerminal: []
        case .cannotStart(let term): [term]
        }
    }

    public var description: String {
        switch self {
        case .notATerminal: "standard input and output must be a terminal"
        case .cannotStart(let term): "cannot start the terminal UI for TERM=\(term)"
        }
    }
}

/// A backend for tests: hands out scripted keys, then reports timeouts, and records frames.
public final class RecordingBackend: TerminalBackend {
    public private(set) var size: (width: Int, height: Int)
    public private(set) var frames: [(grid: Grid, cursor: CursorPosition?)] = []
    /// The runs written for each frame (the bytes a real terminal would get).
    public private(set) var writtenRuns: [[CellRun]] = []
    public private(set) var isShutDown = false
    private var keys: [Key]
    private var previous: Grid?

    public init(width: Int, height: Int, keys: [Key]) {
        self.size = (width, height)
        self.keys = keys
    }

    public func readKey() -> Key? {
        guard !keys.isEmpty else { return nil }
        let key = keys.removeFirst()
        if case .resize(let w, let h) = key { size = (w, h) }
        return key
    }

    public func draw(_ grid: Grid, cursor: CursorPosition?) {
        writtenRuns.append(grid.diff(from: previous ?? Grid(width: grid.width, height: grid.height)))
        previous = grid
        frames.append((grid, cursor))
    }

    public func shutdown() { isShutDown = true }

    /// Scripted keys stand for keys typed later, so they stay; the calls are counted.
    public private(set) var typeaheadDiscards = 0
    public func discardTypeahead() { typeaheadDiscards += 1 }

    /// Whether every scripted key has been read.
    public var isDrained: Bool { keys.isEmpty }
}
