import Foundation
import TanfangCore

/// The one-line export prompt the monthly and red-flag screens open with `x`: first the format
/// (1 xlsx, 2 csv; Enter takes xlsx), then the file path, pre-filled with a name in the home folder.
/// When a file is already at that path the prompt comes back asking whether to replace it.
struct ExportPrompt: Hashable, Sendable {
    /// `replace`: the runtime found a file at `path`; Y replaces it, N goes back to the path.
    enum Step: Hashable, Sendable { case format, path, replace(existing: String) }

    /// What a key did to the prompt.
    enum Outcome: Hashable, Sendable {
        case editing
        case cancelled
        /// Enter on an empty path: nothing to write to.
        case emptyPath
        case submit(ExportFormat, path: String, replace: Bool)
    }

    enum Action: Hashable, Sendable { case confirm, cancel, replace, changePath }

    /// The prompt's keys for the key bar while it is open.
    static let keymap = Keymap<Action>([
        KeyBinding([.enter], .confirm, label: "key.enter", help: "exportPrompt.help.confirm"),
        KeyBinding([.escape], .cancel, label: "key.cancel", help: "exportPrompt.help.cancel"),
    ])

    /// The keys while it asks whether to replace an existing file.
    static let replaceKeymap = Keymap<Action>([
        KeyBinding([.char("y"), .char("Y")], .replace, label: "exportPrompt.key.replace", help: "exportPrompt.help.replace"),
        KeyBinding([.char("n"), .char("N")], .changePath, label: "exportPrompt.key.changePath",
                   help: "exportPrompt.help.changePath"),
        KeyBinding([.escape], .cancel, label: "key.cancel", help: "exportPrompt.help.cancel"),
    ])

    /// The key bar's keys for the current step.
    var keymap: Keymap<Action> {
        if case .replace = step { return Self.replaceKeymap }
        return Self.keymap
    }

    var step: Step = .format
    var format: ExportFormat = .xlsx
    var field = TextFieldState()
    /// The default file name without extension, e.g. "tanfang-月度统计-2026-11".
    let baseName: String

    init(baseName: String) {
        self.baseName = baseName
    }

    /// The suggested path: the home folder, the base name and the format's extension.
    static func defaultPath(_ baseName: String, _ format: ExportFormat) -> String {
        "~/\(baseName).\(format.rawValue)"
    }

    mutating func handle(_ key: Key) -> Outcome {
        if key == .escape { return .cancelled }
        switch step {
        case .format:
            switch key {
            case .char("1"), .enter: choose(.xlsx)
            case .char("2"): choose(.csv)
            default: break
            }
        case .path:
            if key == .enter {
                var path = field.text.trimmingCharacters(in: .whitespaces)
                guard !path.isEmpty else { return .emptyPath }
                // A name without an extension gets the format's, so the office program opens it.
                if (path as NSString).lastPathComponent.range(of: ".") == nil, !path.hasSuffix("/") {
                    path += "." + format.rawValue
                    field = TextFieldState(path)
                }
                return .submit(format, path: path, replace: false)
            }
            _ = field.handle(key)
        case .replace:
            // Only an explicit Y replaces: Enter, the key that sent the path, must not also confirm.
            switch key {
            case .char("y"), .char("Y"):
                return .submit(format, path: field.text.trimmingCharacters(in: .whitespaces), replace: true)
            case .char("n"), .char("N"):
                step = .path
            default: break
            }
        }
        return .editing
    }

    private mutating func choose(_ format: ExportFormat) {
        self.format = format
        field = TextFieldState(Self.defaultPath(baseName, format))
        step = .path
    }

    /// Draws the prompt over the last row of `area`; returns the cursor in the path field.
    func render(into grid: inout Grid, area: Rect, strings s: Strings) -> CursorPosition? {
        guard !area.isEmpty else { return nil }
        let row = area.row(area.height - 1)
        grid.fill(row)
        switch step {
        case .format:
            grid.put(s["exportPrompt.format"], x: row.x, y: row.y, style: Style(bold: true), maxWidth: row.width)
            return CursorPosition(x: min(row.maxX - 1, row.x + s["exportPrompt.format"].displayWidth), y: row.y)
        case .path:
            let label = s.format("exportPrompt.path", format.rawValue)
            let labelWidth = min(label.displayWidth, row.width / 2)
            grid.put(label, x: row.x, y: row.y, style: Style(bold: true), maxWidth: labelWidth)
            let fieldArea = Rect(x: row.x + labelWidth + 1, y: row.y, width: max(0, row.width - labelWidth - 1), height: 1)
            return TextField.render(field, into: &grid, area: fieldArea)
        case .replace(let existing):
            // The question and its keys first; a long path keeps its end, the file's name.
            let question = s["exportPrompt.replace"]
            grid.put(question, x: row.x, y: row.y, style: Style(bold: true), maxWidth: row.width)
            let pathX = row.x + question.displayWidth + 1
            if pathX < row.maxX {
                grid.put(Self.tail(existing, width: row.maxX - pathX), x: pathX, y: row.y, maxWidth: row.maxX - pathX)
            }
            return CursorPosition(x: min(row.maxX - 1, row.x + question.displayWidth), y: row.y)
        }
    }

    /// `text` if it fits in `width` columns, else "…" and as much of its end as fits.
    static func tail(_ text: String, width: Int) -> String {
        guard text.displayWidth > width, width > 0 else { return text }
        var kept: [Character] = []
        var used = 1
        for character in text.reversed() {
            let w = DisplayWidth.of(character)
            if used + w > width { break }
            used += w
            kept.append(character)
        }
        return "…" + String(kept.reversed())
    }
}

extension ExportPrompt {
    /// Feeds `key` to a screen's open prompt. On submit the prompt closes, `exporting` keeps it
    /// (to ask again if the file exists) and `request(format, path, replace)` is asked for; Esc
    /// closes it; an empty path keeps it open with a warning.
    static func handle(_ key: Key, prompt: inout ExportPrompt?, exporting: inout ExportPrompt?,
                       request: (ExportFormat, String, Bool) -> DataRequest) -> [ScreenCommand] {
        guard var open = prompt else { return [] }
        switch open.handle(key) {
        case .editing:
            prompt = open
        case .cancelled:
            prompt = nil
        case .emptyPath:
            prompt = open
            return [.status(key: "exportPrompt.emptyPath", args: [], tone: .warning)]
        case .submit(let format, let path, let replace):
            prompt = nil
            exporting = open
            return [.status(key: "exportPrompt.writing", args: [], tone: .info), .request(request(format, path, replace))]
        }
        return []
    }

    /// The status for the answer to an export, or nil when `response` is not one.
    /// A failed export only reports: what the screen shows stays. A file already at the path
    /// opens the prompt again, asking whether to replace it.
    static func receive(_ response: DataResponse, prompt: inout ExportPrompt?,
                        exporting: inout ExportPrompt?) -> [ScreenCommand]? {
        switch response {
        case .exported(let path):
            exporting = nil
            return [.status(key: "exportPrompt.done", args: [path], tone: .success)]
        case .exportWouldReplace(let path):
            guard var asked = exporting else { return [] }
            exporting = nil
            asked.step = .replace(existing: path)
            prompt = asked
            return [.status(key: "exportPrompt.exists", args: [], tone: .warning)]
        case .failed(let message) where exporting != nil:
            exporting = nil
            return [.status(key: "status.error", args: [message], tone: .error)]
        default:
            return nil
        }
    }
}
