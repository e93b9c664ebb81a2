import CNcursesw
import Glibc
import TanfangUI

/// The ncursesw terminal: reads keys with `get_wch` and draws grids by writing changed runs.
///
/// Start it after a ``SignalTrap`` and always call ``shutdown()`` (``TerminalRunner`` does,
/// with `defer`). One instance per process; use it from one thread.
public final class NcursesBackend: TerminalBackend {
    /// Whether colours are used: `auto` uses them when the terminal has them and `NO_COLOR`
    /// is not set; `monochrome` keeps only bold, reverse, underline and dim.
    public enum ColorMode: Hashable, Sendable { case auto, monochrome }

    public private(set) var size: (width: Int, height: Int)
    private var active = false
    private var previous: Grid?
    private var needsFullRedraw = true
    private var cursorShown: Bool?
    private var colors: Palette?

    /// Starts curses mode on the controlling terminal.
    ///
    /// Throws ``TerminalError`` (leaving the terminal untouched) when standard input or output
    /// is not a terminal or `TERM` is unusable.
    public init(colorMode: ColorMode = .auto, environment: [String: String]) throws {
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else { throw TerminalError.notATerminal }
        Self.setUTF8Locale()
        // newterm reports a bad TERM by returning nil, where initscr would print and exit.
        guard newterm(nil, fdopen(STDOUT_FILENO, "w"), fdopen(STDIN_FILENO, "r")) != nil else {
            throw TerminalError.cannotStart(term: environment["TERM"] ?? "")
        }
        active = true
        CrashRestore.install()
        let window = tf_stdscr()
        _ = cbreak()
        _ = noecho()
        _ = nonl()
        _ = keypad(window, true)
        // Let curses scroll with insert/delete-line instead of rewriting every row when a long
        // form moves by a few lines: far fewer bytes over a slow SSH link.
        _ = idlok(window, true)
        _ = set_escdelay(25)
        wtimeout(window, 100)
        Self.disableFlowControl()
        let noColor = !(environment["NO_COLOR"] ?? "").isEmpty
        if colorMode == .auto, !noColor, has_colors() {
            _ = start_color()
            colors = Palette(defaultColors: use_default_colors() == OK)
        }
        size = (Int(tf_cols()), Int(tf_lines()))
    }

    deinit { shutdown() }

    /// Leaves curses mode: the normal screen, echo and line editing come back. Idempotent.
    public func shutdown() {
        guard active else { return }
        active = false
        _ = curs_set(1)
        _ = endwin()
        CrashRestore.uninstall()
    }

    public func discardTypeahead() {
        guard active else { return }
        _ = flushinp()
    }

    // MARK: - Keys

    /// The next key, or nil after the 100 ms timeout (or for a key tanfang does not use).
    public func readKey() -> Key? {
        guard active else { return nil }
        var code: wint_t = 0
        let result = wget_wch(tf_stdscr(), &code)
        if result == KEY_CODE_YES {
            let key = Self.functionKey(Int32(bitPattern: code))
            if case .resize = key {
                size = (Int(tf_cols()), Int(tf_lines()))
                needsFullRedraw = true
                return .resize(width: size.width, height: size.height)
            }
            return key
        }
        guard result == OK else { return nil }
        return Self.characterKey(code)
    }

    /// Maps a `KEY_*` code from `get_wch` (result `KEY_CODE_YES`).
    static func functionKey(_ code: Int32) -> Key? {
        switch code {
        case KEY_UP: .up
        case KEY_DOWN: .down
        case KEY_LEFT: .left
        case KEY_RIGHT: .right
        case KEY_HOME: .home
        case KEY_END: .end
        case KEY_PPAGE: .pageUp
        case KEY_NPAGE: .pageDown
        case KEY_DC: .delete
        case KEY_BACKSPACE: .backspace
        case KEY_ENTER: .enter
        case KEY_BTAB: .backTab
        case KEY_RESIZE: .resize(width: 0, height: 0)
        case (KEY_F0 + 1)...(KEY_F0 + 12): .function(Int(code - KEY_F0))
        default: nil
        }
    }

    /// Maps a character from `get_wch` (result `OK`). Text typed through an input method
    /// arrives here one character at a time.
    static func characterKey(_ code: wint_t) -> Key? {
        switch code {
        case 0x0A, 0x0D: return .enter
        case 0x09: return .tab
        case 0x1B: return .escape
        case 0x7F, 0x08: return .backspace
        case 1...26: return .ctrl(Character(Unicode.Scalar(UInt8(0x60 + code))))
        case 0..<0x20, 0x80..<0xA0: return nil
        default:
            guard let scalar = Unicode.Scalar(code) else { return nil }
            return .char(Character(scalar))
        }
    }

    // MARK: - Drawing

    /// Writes the runs that differ from the previous frame, moves the cursor, refreshes once.
    /// After a resize (or the first frame) the screen is cleared and drawn whole.
    public func draw(_ grid: Grid, cursor: CursorPosition?) {
        guard active else { return }
        let window = tf_stdscr()
        let base: Grid
        if needsFullRedraw || previous?.width != grid.width || previous?.height != grid.height {
            _ = werase(window)
            _ = clearok(window, true)
            base = Grid(width: grid.width, height: grid.height)
            needsFullRedraw = false
        } else {
            base = previous!
        }
        var buffer: [wchar_t] = []
        for run in grid.diff(from: base) {
            applyStyle(run.style, window: window)
            buffer.removeAll(keepingCapacity: true)
            Self.appendTerminalText(run.text, to: &buffer)
            buffer.append(0)
            // The bottom-right cell reports ERR (the cursor cannot advance) but is written.
            _ = mvwaddwstr(window, Int32(run.y), Int32(run.x), buffer)
        }
        _ = wattr_set(window, 0, 0, nil)
        if let cursor {
            if cursorShown != true { _ = curs_set(1); cursorShown = true }
            _ = wmove(window, Int32(cursor.y), Int32(cursor.x))
        } else if cursorShown != false {
            _ = curs_set(0)
            cursorShown = false
        }
        _ = wrefresh(window)
        previous = grid
    }

    /// Appends `text` as wide characters, keeping the layout the grid computed: a grapheme the
    /// C library measures differently (an emoji sequence, say) becomes its first character or
    /// "?", padded with spaces to the grid's width, so nothing after it shifts.
    static func appendTerminalText(_ text: String, to buffer: inout [wchar_t]) {
        // ASCII and the common CJK blocks measure the same in glibc and in the grid (TECH-NOTES
        // §4): copy them as they are, without asking wcwidth character by character.
        let start = buffer.count
        var simple = true
        for scalar in text.unicodeScalars {
            let v = scalar.value
            guard (v >= 0x20 && v < 0x7F) || DisplayWidth.commonWidth(v) != nil else { simple = false; break }
            buffer.append(wchar_t(bitPattern: v))
        }
        if simple { return }
        buffer.removeSubrange(start...)
        for character in text {
            let expected = character.displayWidth
            var measured = 0
            for scalar in character.unicodeScalars {
                let w = tf_wcwidth(wchar_t(bitPattern: scalar.value))
                measured = w < 0 ? -100 : measured + Int(w)
            }
            if measured == expected {
                buffer.append(contentsOf: character.unicodeScalars.map { wchar_t(bitPattern: $0.value) })
                continue
            }
            var used = 1
            if let first = character.unicodeScalars.first,
               case let w = Int(tf_wcwidth(wchar_t(bitPattern: first.value))), w >= 1, w <= expected {
                buffer.append(wchar_t(bitPattern: first.value))
                used = w
            } else {
                buffer.append(wchar_t(UInt8(ascii: "?")))
            }
            for _ in used..<max(used, expected) { buffer.append(wchar_t(UInt8(ascii: " "))) }
        }
    }

    private func applyStyle(_ style: Style, window: UnsafeMutablePointer<WINDOW>?) {
        var attributes: attr_t = 0
        if style.bold { attributes |= Attribute.bold }
        if style.reverse { attributes |= Attribute.reverse }
        if style.underline { attributes |= Attribute.underline }
        if style.dim { attributes |= Attribute.dim }
        var pair: Int16 = 0
        if colors != nil {
            let (p, extra) = colors!.pair(fg: style.fg, bg: style.bg)
            pair = p
            attributes |= extra
        }
        _ = wattr_set(window, attributes, pair, nil)
    }

    // MARK: - Setup helpers

    /// Uses the user's locale, but falls back to C.UTF-8 for characters when it is not UTF-8
    /// (an uninstalled en_US.UTF-8 falls back to C, where Chinese is garbled; TECH-NOTES §2).
    static func setUTF8Locale() {
        _ = setlocale(LC_ALL, "")
        if let codeset = nl_langinfo(nl_item(CODESET)), String(cString: codeset) != "UTF-8" {
            _ = setlocale(LC_CTYPE, "C.UTF-8")
        }
    }

    /// Turns off XON/XOFF so Ctrl-S and Ctrl-Q reach the program instead of freezing the
    /// screen; `endwin` restores the shell's settings, saved before this change.
    static func disableFlowControl() {
        var settings = termios()
        guard tcgetattr(STDIN_FILENO, &settings) == 0 else { return }
        settings.c_iflag &= ~tcflag_t(IXON)
        if tcsetattr(STDIN_FILENO, TCSANOW, &settings) == 0 { _ = def_prog_mode() }
    }
}

/// `A_*` attribute bits (function-like macros in curses.h, so not imported).
enum Attribute {
    static let underline: attr_t = 1 << 17
    static let reverse: attr_t = 1 << 18
    static let dim: attr_t = 1 << 20
    static let bold: attr_t = 1 << 21
}

/// Colour pairs, allocated on first use.
struct Palette {
    let defaultColors: Bool
    let colorCount: Int32
    let maxPairs: Int32
    var pairs: [Int: Int16] = [:]

    init(defaultColors: Bool) {
        self.defaultColors = defaultColors
        self.colorCount = tigetnum("colors")
        self.maxPairs = min(tigetnum("pairs"), 256)
    }

    /// The pair for these colours and any attribute that stands in for a missing colour.
    mutating func pair(fg: Color, bg: Color) -> (Int16, attr_t) {
        if fg == .default && bg == .default { return (0, 0) }
        var extra: attr_t = 0
        var f = index(fg, background: false)
        let b = index(bg, background: true) ?? -1
        if f == nil && fg == .gray { extra |= Attribute.dim }  // 8-colour terminal: dim default
        if f == nil { f = defaultColors ? -1 : COLOR_WHITE }
        let key = Int(f!) * 1000 + Int(b)
        if let known = pairs[key] { return (known, extra) }
        let next = Int16(pairs.count + 1)
        guard Int32(next) < maxPairs, init_pair(next, Int16(f!), Int16(b)) == OK else { return (0, extra) }
        pairs[key] = next
        return (next, extra)
    }

    private func index(_ color: Color, background: Bool) -> Int32? {
        switch color {
        case .default: return background ? (defaultColors ? -1 : COLOR_BLACK) : nil
        case .red: return COLOR_RED
        case .green: return COLOR_GREEN
        case .yellow: return COLOR_YELLOW
        case .blue: return COLOR_BLUE
        case .magenta: return COLOR_MAGENTA
        case .cyan: return COLOR_CYAN
        case .white: return COLOR_WHITE
        case .gray: return colorCount >= 16 ? 8 : (background ? COLOR_WHITE : nil)
        }
    }
}
