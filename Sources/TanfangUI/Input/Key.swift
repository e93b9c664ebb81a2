/// A key press as the backend reports it.
///
/// Control combinations arrive as `.ctrl` with a lowercase letter (`Ctrl-S` is `.ctrl("s")`),
/// except the ones terminals send as other keys: Tab (Ctrl-I), Enter (Ctrl-J/Ctrl-M) and
/// Backspace (Ctrl-H). Ctrl-C does not arrive: it interrupts, and the runner restores the
/// terminal and stops. Text typed through an input method arrives one `.char` per character.
public enum Key: Hashable, Sendable {
    case char(Character)
    case enter, tab, backTab, escape, backspace, delete
    case up, down, left, right, home, end, pageUp, pageDown
    /// F1…F12 as `function(1)`…`function(12)`.
    case function(Int)
    case ctrl(Character)
    /// The terminal changed size; the runner turns this into ``ProgramEvent/resize(width:height:)``.
    case resize(width: Int, height: Int)

    /// A short, language-neutral name for key bars and the help page: "F1", "Enter", "Ctrl-S", "↑", "/".
    public var name: String {
        switch self {
        case .char(" "): "Space"
        case .char(let c): String(c)
        case .enter: "Enter"
        case .tab: "Tab"
        case .backTab: "Shift-Tab"
        case .escape: "Esc"
        case .backspace: "Bksp"
        case .delete: "Del"
        case .up: "↑"
        case .down: "↓"
        case .left: "←"
        case .right: "→"
        case .home: "Home"
        case .end: "End"
        case .pageUp: "PgUp"
        case .pageDown: "PgDn"
        case .function(let n): "F\(n)"
        case .ctrl(let c): "Ctrl-\(String(c).uppercased())"
        case .resize: "Resize"
        }
    }
}
