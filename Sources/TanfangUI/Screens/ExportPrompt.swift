import Foundation
import TanfangCore

/// The one-line export prompt the monthly and red-flag screens open with `x`: first the format
/// (1 xlsx, 2 csv; Enter takes xlsx), then the file path, pre-filled with a name in the home folder.
struct ExportPrompt: Hashable, Sendable {
    enum Step: Hashable, Sendable { case format, path }

    /// What a key did to the prompt.
    enum Outcome: Hashable, Sendable {
        case editing
        case cancelled
        /// Enter on an empty path: nothing to write to.
        case emptyPath
        case submit(ExportFormat, path: String)
    }

    enum Action: Hashable, Sendable { case confirm, cancel }

    /// The prompt's keys for the key bar while it is open.
    static let keymap = Keymap<Action>([
        KeyBinding([.enter], .confirm, label: "key.enter", help: "exportPrompt.help.confirm"),
        KeyBinding([.escape], .cancel, label: "key.cancel", help: "exportPrompt.help.cancel"),
    ])

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
                let path = field.text.trimmingCharacters(in: .whitespaces)
                return path.isEmpty ? .emptyPath : .submit(format, path: path)
            }
            _ = field.handle(key)
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
        }
    }
}

extension ExportPrompt {
    /// Feeds `key` to a screen's open prompt. On submit the prompt closes, `exporting` is set and
    /// `request(format, path)` is asked for; Esc closes it; an empty path keeps it open with a warning.
    static func handle(_ key: Key, prompt: inout ExportPrompt?, exporting: inout Bool,
                       request: (ExportFormat, String) -> DataRequest) -> [ScreenCommand] {
        guard var open = prompt else { return [] }
        switch open.handle(key) {
        case .editing:
            prompt = open
        case .cancelled:
            prompt = nil
        case .emptyPath:
            prompt = open
            return [.status(key: "exportPrompt.emptyPath", args: [], tone: .warning)]
        case .submit(let format, let path):
            prompt = nil
            exporting = true
            return [.status(key: "exportPrompt.writing", args: [], tone: .info), .request(request(format, path))]
        }
        return []
    }

    /// The status for the answer to an export, or nil when `response` is not one.
    /// A failed export only reports: what the screen shows stays.
    static func receive(_ response: DataResponse, exporting: inout Bool) -> [ScreenCommand]? {
        switch response {
        case .exported(let path):
            exporting = false
            return [.status(key: "exportPrompt.done", args: [path], tone: .success)]
        case .failed(let message) where exporting:
            exporting = false
            return [.status(key: "status.error", args: [message], tone: .error)]
        default:
            return nil
        }
    }
}
