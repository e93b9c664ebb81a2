import Foundation
import TanfangCore

/// The roster import wizard (导入花名册): type the file's path, see how its columns map to
/// roster fields and every problem (line, column, masked value, reason) with the counts a dry run
/// gives, then Enter imports — only the valid rows when some have errors — and the outcome shows.
public struct ImportScreen: Screen {
    enum Step: Hashable, Sendable { case path, checking, preview, importing, done }
    enum Action: Hashable, Sendable { case confirm, up, down, pageUp, pageDown, back }

    static let pathKeymap = Keymap<Action>([
        KeyBinding([.enter], .confirm, label: "importRoster.key.check", help: "importRoster.help.check"),
        KeyBinding([.escape], .back, label: "key.back", help: "help.back"),
    ])

    static let keymap = Keymap<Action>([
        KeyBinding([.enter], .confirm, label: "importRoster.key.import", help: "importRoster.help.import"),
        KeyBinding([.up], .up, label: "key.prev", help: "help.moveUpDown", showsInBar: false),
        KeyBinding([.down], .down, label: "key.next", help: "help.moveUpDown", showsInBar: false),
        KeyBinding([.pageUp], .pageUp, label: "key.prevPage", help: "help.page", showsInBar: false),
        KeyBinding([.pageDown], .pageDown, label: "key.nextPage", help: "help.page", showsInBar: false),
        KeyBinding([.escape], .back, label: "key.back", help: "importRoster.help.back"),
    ])

    /// Once the import is done: Enter or Esc goes back (the preview's "Enter import" would mislead).
    static let doneKeymap = Keymap<Action>([
        KeyBinding([.enter, .escape], .back, label: "key.back", help: "importRoster.help.back"),
        KeyBinding([.up], .up, label: "key.prev", help: "help.moveUpDown", showsInBar: false),
        KeyBinding([.down], .down, label: "key.next", help: "help.moveUpDown", showsInBar: false),
        KeyBinding([.pageUp], .pageUp, label: "key.prevPage", help: "help.page", showsInBar: false),
        KeyBinding([.pageDown], .pageDown, label: "key.nextPage", help: "help.page", showsInBar: false),
    ])

    static let pageLines = 10

    var step: Step = .path
    var field = TextFieldState()
    /// The preview, then the outcome.
    var report: ImportReport?
    var scroll = 0

    public init() {}

    public var titleKey: String { "importRoster.title" }
    public var capturesText: Bool { step == .path }

    public func keyHints(env: AppEnvironment) -> [KeyHint] {
        // Nothing to import: Enter is not offered, only Esc back to the file name.
        if step == .preview, report.map(Self.nothingValid) == true {
            return Self.keymap.hints(env.strings).filter { $0.keys != "Enter" }
        }
        return (step == .path ? Self.pathKeymap : step == .done ? Self.doneKeymap : Self.keymap).hints(env.strings)
    }

    /// Every row has an error (or the file itself has one): there is nothing Enter could import.
    static func nothingValid(_ report: ImportReport) -> Bool {
        report.refused || report.rows <= report.rejectedLines.filter { $0 > 0 }.count
    }

    /// The village rows without a 村(社区) column go to: the user's own, when they have just one.
    static func defaultVillage(env: AppEnvironment) -> String? {
        let villages = env.villagesInScope
        return villages.count == 1 ? villages[0].name : nil
    }

    /// Why this user cannot import: a read-only account, or a grid worker (clerks import lists).
    static func notAllowed(_ env: AppEnvironment) -> ScreenCommand {
        .status(key: env.canEdit ? "importRoster.clerksOnly" : "importRoster.readOnly", args: [], tone: .warning)
    }

    public mutating func start(env: AppEnvironment) -> [ScreenCommand] {
        env.canImportRosters ? [] : [Self.notAllowed(env)]
    }

    public mutating func handle(_ key: Key, env: AppEnvironment) -> [ScreenCommand] {
        if step == .path {
            switch Self.pathKeymap.action(for: key) {
            case .confirm?:
                guard env.canImportRosters else { return [Self.notAllowed(env)] }
                let path = field.text.trimmingCharacters(in: .whitespaces)
                guard !path.isEmpty else { return [.status(key: "importRoster.emptyPath", args: [], tone: .warning)] }
                step = .checking
                return [.request(.previewImport(path: path, village: Self.defaultVillage(env: env)))]
            case .back?:
                return [.back]
            default:
                _ = field.handle(key)
                return []
            }
        }
        guard let action = Self.keymap.action(for: key) else { return [] }
        switch action {
        case .confirm:
            switch step {
            case .preview:
                guard let report else { return [] }
                guard !Self.nothingValid(report) else {
                    return [.status(key: "importRoster.nothingToImport", args: [], tone: .warning)]
                }
                step = .importing
                return [.request(.importRoster(path: field.text.trimmingCharacters(in: .whitespaces),
                                               village: Self.defaultVillage(env: env),
                                               skipInvalid: !report.rejectedLines.isEmpty))]
            case .done:
                return [.back]
            default:
                return []
            }
        case .up: scroll = max(0, scroll - 1)
        case .down: scroll += 1
        case .pageUp: scroll = max(0, scroll - Self.pageLines)
        case .pageDown: scroll += Self.pageLines
        case .back:
            switch step {
            case .preview:
                // Back to the path, to fix the file and check again.
                step = .path
                report = nil
                scroll = 0
            case .done:
                return [.back]
            default:
                return []
            }
        }
        return []
    }

    public mutating func receive(_ response: DataResponse, env: AppEnvironment) -> [ScreenCommand] {
        switch response {
        case .importReport(let report):
            self.report = report
            scroll = 0
            if step == .importing {
                step = .done
                guard report.written else {
                    return [.status(key: "importRoster.refused", args: [], tone: .error)]
                }
                return [.status(key: "importRoster.done",
                                args: [report.file, String(report.added), String(report.merged), String(report.unchanged),
                                       String(report.conflicts.count)], tone: .success)]
            }
            step = .preview
        case .failed(let message):
            guard step == .checking || step == .importing else { return [] }
            step = .path
            report = nil
            return [.status(key: "status.error", args: [message], tone: .error)]
        default:
            break
        }
        return []
    }

    // MARK: - Rendering

    public func render(into grid: inout Grid, area: Rect, env: AppEnvironment) -> CursorPosition? {
        guard !area.isEmpty else { return nil }
        let s = env.strings
        let label = s["importRoster.path"]
        let labelWidth = min(label.displayWidth, area.width / 3)
        grid.put(label, x: area.x, y: area.y, style: Style(bold: true), maxWidth: labelWidth)
        let fieldArea = Rect(x: area.x + labelWidth + 1, y: area.y, width: max(0, area.width - labelWidth - 1), height: 1)
        let cursor = TextField.render(field, into: &grid, area: fieldArea, placeholder: s["importRoster.pathHint"],
                                      focused: step == .path)
        let body = area.droppingTop(2)
        switch step {
        case .path:
            var y = body.y
            for line in TextWrap.lines(s["importRoster.intro"], width: body.width) where y < body.maxY {
                grid.put(line, x: body.x, y: y, style: Style(dim: true), maxWidth: body.width)
                y += 1
            }
            return cursor
        case .checking, .importing:
            grid.put(s[step == .checking ? "importRoster.checking" : "importRoster.importing"], x: body.x, y: body.y,
                     style: Style(dim: true), maxWidth: body.width)
            return nil
        case .preview, .done:
            guard let report else { return nil }
            DocView.render(lines(report, env: env, width: body.width), into: &grid, area: body, scroll: scroll, selected: nil)
            return nil
        }
    }

    /// The summary, the column mapping, the conflicts and the problems, one after the other; a
    /// problem's reason longer than its column goes on under it (`width`: the screen's).
    func lines(_ report: ImportReport, env: AppEnvironment, width: Int = 80) -> [DocLine] {
        let s = env.strings
        var lines: [DocLine] = []
        let errors = report.rejectedLines.count
        if report.written {
            lines.append(.text(DocSegment(s.format("importRoster.outcome", String(report.added), String(report.merged),
                                                   String(report.unchanged), String(report.conflicts.count)),
                                          Style(fg: .green, bold: true))))
            for text in TextWrap.lines(report.sourcesOnly ?? "", width: width) where !text.isEmpty {
                lines.append(.text(DocSegment(text)))
            }
        } else if report.refused {
            lines.append(.text(DocSegment(s["importRoster.cannotImport"], Style(fg: .red, bold: true))))
        } else {
            lines.append(.text(DocSegment(s.format("importRoster.summary", report.file, String(report.rows),
                                                   String(errors)), Style(bold: true))))
            lines.append(.text(DocSegment(s.format("importRoster.wouldDo", String(report.added), String(report.merged),
                                                   String(report.unchanged), String(report.conflicts.count)))))
            for text in TextWrap.lines(report.sourcesOnly ?? "", width: width) where !text.isEmpty {
                lines.append(.text(DocSegment(text)))
            }
            if Self.nothingValid(report) {
                lines.append(.text(DocSegment(s["importRoster.nothingValid"], Style(fg: .red, bold: true))))
            } else {
                lines.append(.text(DocSegment(s[errors > 0 ? "importRoster.confirmSkipping" : "importRoster.confirm"],
                                              Style(fg: errors > 0 ? .yellow : .green, bold: true))))
            }
        }
        if !report.conflicts.isEmpty {
            lines.append(.blank)
            lines.append(.title(s.format("importRoster.conflicts", String(report.conflicts.count))))
            for c in report.conflicts { lines.append(.text(DocSegment(c, Style(fg: .yellow)))) }
        }
        if !report.problems.isEmpty {
            lines.append(.blank)
            lines.append(.title(s.format("importRoster.problems", String(report.problems.count))))
            let columns = [
                TableColumn(s["importRoster.col.line"], minWidth: max(4, s["importRoster.col.line"].displayWidth), alignment: .right),
                TableColumn(s["importRoster.col.column"], minWidth: 12, flex: 1, maxWidth: 16),
                // Wide enough for a masked ID number (18 columns).
                TableColumn(s["importRoster.col.value"], minWidth: 18, flex: 1, maxWidth: 24),
                TableColumn(s["importRoster.col.reason"], minWidth: 10, flex: 6),
            ]
            lines.append(.header(columns))
            let reasonWidth = max(10, Table(columns: columns, rows: []).columnWidths(for: width).last ?? 10)
            for p in report.problems {
                let style = p.isError ? Style(fg: .red) : Style(dim: true)
                // A note (the row is imported) reads as one even without colour.
                let parts = TextWrap.lines(p.isError ? p.message : s["importRoster.notePrefix"] + p.message, width: reasonWidth)
                lines.append(.row(columns, [p.line > 0 ? String(p.line) : "", p.column, p.value, parts.first ?? ""], style: style))
                for rest in parts.dropFirst() { lines.append(.row(columns, ["", "", "", rest], style: style)) }
            }
        }
        if !report.written {
            lines.append(.blank)
            lines.append(.title(s["importRoster.mapping"]))
            let columns = [
                TableColumn(s["importRoster.col.header"], minWidth: 10, flex: 1, maxWidth: 24),
                TableColumn(s["importRoster.col.field"], minWidth: 10, flex: 1, maxWidth: 24),
            ]
            lines.append(.header(columns))
            for c in report.columns {
                lines.append(.row(columns, [c.header, c.field.map { s["importRoster.field.\($0)"] } ?? s["importRoster.ignored"]]))
            }
        }
        return lines
    }
}
