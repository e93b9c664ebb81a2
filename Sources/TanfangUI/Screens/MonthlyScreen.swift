import Foundation
import TanfangCore

/// The monthly report (月度统计): the total visit rate, each village's rate as a bar against
/// the 100% target, the rates by category, visits by method, follow-up figures and how many
/// elders were not visited. ←/→ change the month.
public struct MonthlyScreen: Screen {
    enum Action: Hashable, Sendable { case previousMonth, nextMonth, up, down, pageUp, pageDown, home, end, export, back }

    static let keymap = Keymap<Action>([
        KeyBinding([.left], .previousMonth, label: "monthly.key.previousMonth", help: "monthly.help.previousMonth"),
        KeyBinding([.right], .nextMonth, label: "monthly.key.nextMonth", help: "monthly.help.nextMonth"),
        KeyBinding([.up], .up, label: "key.prev", help: "monthly.help.scroll", showsInBar: false),
        KeyBinding([.down], .down, label: "key.next", help: "monthly.help.scroll", showsInBar: false),
        KeyBinding([.pageUp], .pageUp, label: "key.prevPage", help: "help.page", showsInBar: false),
        KeyBinding([.pageDown], .pageDown, label: "key.nextPage", help: "help.page", showsInBar: false),
        KeyBinding([.home], .home, label: "key.prev", help: "monthly.help.home", showsInBar: false),
        KeyBinding([.end], .end, label: "key.next", help: "monthly.help.end", showsInBar: false),
        KeyBinding([.char("x")], .export, label: "exportPrompt.key.export", help: "exportPrompt.help.export"),
        KeyBinding([.escape], .back, label: "key.back", help: "help.back"),
    ])

    static let pageLines = 10
    static let wideWidth = 110
    /// Villages at or above this rate but under 100% show in yellow; below it, red.
    static let warningRate = 0.8

    /// The month shown; set from `env.today` on the first start.
    var month: YearMonth?
    var report: MonthlyReport?
    var loading = false
    var error: String?
    var scroll = 0
    /// Names and villages of the month's elders not visited (at most `namedLimit`), once read.
    var notVisitedNames: [UUID: String]?
    var notVisitedVillages: [UUID: UUID] = [:]
    var notVisitedVisitors: [UUID: UUID] = [:]
    /// The not-visited list names this many; the rest are counted (the export has them all).
    static let namedLimit = 300
    /// The export prompt at the bottom of the body, while open.
    var prompt: ExportPrompt?
    /// An export was sent and its answer has not come back: the prompt as it was sent.
    var exporting: ExportPrompt?

    public init(month: YearMonth? = nil) {
        self.month = month
    }

    public var titleKey: String { "monthly.title" }
    public var capturesText: Bool { prompt != nil }

    public func keyHints(env: AppEnvironment) -> [KeyHint] {
        prompt.map { $0.keymap.hints(env.strings) } ?? Self.keymap.hints(env.strings)
    }

    public mutating func start(env: AppEnvironment) -> [ScreenCommand] {
        let month = self.month ?? env.today.yearMonth
        self.month = month
        loading = true
        return [.request(.monthlyReport(month))]
    }

    public mutating func handle(_ key: Key, env: AppEnvironment) -> [ScreenCommand] {
        if prompt != nil { return handlePrompt(key, env: env) }
        guard let action = Self.keymap.action(for: key) else { return [] }
        let current = month ?? env.today.yearMonth
        switch action {
        case .previousMonth, .nextMonth:
            let next = current.adding(months: action == .previousMonth ? -1 : 1)
            guard next <= env.today.yearMonth else {
                return [.status(key: "monthly.noFuture", args: [], tone: .info)]
            }
            month = next
            loading = true
            error = nil
            scroll = 0
            return [.request(.monthlyReport(next))]
        case .up: scroll = max(0, scroll - 1)
        case .down: scroll = min(scroll + 1, maxScroll(env: env))
        case .pageUp: scroll = max(0, scroll - Self.pageLines)
        case .pageDown: scroll = min(scroll + Self.pageLines, maxScroll(env: env))
        case .home: scroll = 0
        case .end: scroll = maxScroll(env: env)
        case .export:
            prompt = ExportPrompt(baseName: env.strings.format("monthly.export.fileName", current.description))
        case .back: return [.back]
        }
        return []
    }

    /// Keys while the export prompt is open: it takes them all; Esc closes it.
    mutating func handlePrompt(_ key: Key, env: AppEnvironment) -> [ScreenCommand] {
        let month = self.month ?? env.today.yearMonth
        return ExportPrompt.handle(key, prompt: &prompt, exporting: &exporting) { format, path, replace in
            .exportMonthly(month: month, format: format, path: path, replace: replace)
        }
    }

    /// The last line the one-column layout can scroll to (the renderer clamps to its height).
    func maxScroll(env: AppEnvironment) -> Int {
        guard let report else { return 0 }
        let (left, right) = lines(report, env: env)
        return max(0, left.count + 1 + right.count - 1)
    }

    public mutating func receive(_ response: DataResponse, env: AppEnvironment) -> [ScreenCommand] {
        if let commands = ExportPrompt.receive(response, prompt: &prompt, exporting: &exporting) { return commands }
        switch response {
        case .monthlyReport(let report):
            // An answer for a month the user has already left is ignored.
            guard report.month == month else { return [] }
            self.report = report
            loading = false
            error = nil
            notVisitedNames = nil
            // Who was not visited, by name: the count alone told nobody whom to call.
            if !report.notVisited.isEmpty {
                return [.request(.elderNames(Array(report.notVisited.prefix(Self.namedLimit))))]
            }
        case .elderNames(let names, let villages, let visitors):
            notVisitedNames = names
            notVisitedVillages = villages
            notVisitedVisitors = visitors
        case .failed(let message):
            loading = false
            error = message
            return [.status(key: "status.error", args: [message], tone: .error)]
        default:
            break
        }
        return []
    }

    // MARK: - Rendering

    public func render(into grid: inout Grid, area: Rect, env: AppEnvironment) -> CursorPosition? {
        guard !area.isEmpty else { return nil }
        guard let prompt else { return renderReport(into: &grid, area: area, env: env) }
        _ = renderReport(into: &grid, area: area.droppingBottom(1), env: env)
        return prompt.render(into: &grid, area: area, strings: env.strings)
    }

    func renderReport(into grid: inout Grid, area: Rect, env: AppEnvironment) -> CursorPosition? {
        guard !area.isEmpty else { return nil }
        let s = env.strings
        let month = self.month ?? env.today.yearMonth
        // 2026年9月, but 2026-09 (an English reader saw 2026-9).
        var heading = s.format("monthly.heading", String(month.year),
                               env.language == .en ? String(format: "%02d", month.month) : String(month.month))
        // A grid worker's figures are her own elders' only: a village row must not read as the village's.
        if env.scope.visitorID != nil { heading += s["monthly.ownElders"] }
        grid.put(heading, x: area.x, y: area.y, style: Style(bold: true), maxWidth: area.width)
        let body = area.droppingTop(1)
        if let error {
            grid.put(s.format("status.error", error), x: body.x, y: body.y, style: Style(fg: .red, bold: true), maxWidth: body.width)
            return nil
        }
        guard let report, report.month == month, !loading else {
            grid.put(s["status.loading"], x: body.x, y: body.y, style: Style(dim: true), maxWidth: body.width)
            return nil
        }
        let (left, right) = lines(report, env: env)
        if area.width >= Self.wideWidth {
            let leftWidth = area.width * 11 / 20
            DocView.render(left, into: &grid, area: Rect(x: body.x, y: body.y, width: leftWidth - 1, height: body.height),
                           scroll: scroll, selected: nil)
            for y in body.y..<body.maxY { grid.put("│", x: body.x + leftWidth, y: y, style: Style(dim: true)) }
            DocView.render(right, into: &grid,
                           area: Rect(x: body.x + leftWidth + 2, y: body.y, width: body.width - leftWidth - 2, height: body.height),
                           scroll: scroll, selected: nil)
        } else {
            DocView.render(left + [.blank] + right, into: &grid, area: body, scroll: scroll, selected: nil)
        }
        return nil
    }

    /// The report as two blocks: rates (total and villages) and breakdowns (categories,
    /// methods, follow-ups), side by side on a wide terminal, one after the other otherwise.
    func lines(_ report: MonthlyReport, env: AppEnvironment) -> (left: [DocLine], right: [DocLine]) {
        let s = env.strings
        var left: [DocLine] = []
        let total = report.total
        let totalStyle: Style = total.denominator == 0 ? Style(bold: true) : total.rate >= 1 ? Style(fg: .green, bold: true)
            : total.rate >= Self.warningRate ? Style(fg: .yellow, bold: true) : Style(fg: .red, bold: true)
        // Nobody owed a visit (a month before the ledger's first elder): no rate, not 100%.
        left.append(.text(DocSegment(s["monthly.totalRate"] + " "),
                          DocSegment(total.shownRate.map(ScreenText.percent) ?? "—", totalStyle),
                          DocSegment(s.format("monthly.totalDetail", String(total.visited), String(total.denominator)))))
        // The month still running: its rate is not yet what it will be.
        let running = report.month == env.today.yearMonth
        left.append(.text(DocSegment(s.format("monthly.notVisited", String(report.notVisited.count)),
                                     report.notVisited.isEmpty ? .plain : Style(bold: true)),
                          DocSegment(running ? s.format("monthly.inProgress", env.today.description) : "", Style(dim: true))))
        left.append(.blank)
        left.append(.title(s.format("monthly.villages", String(report.villages.count))))
        if report.villages.isEmpty {
            left.append(.text(DocSegment(s["table.empty"], Style(dim: true))))
        } else {
            let chart = BarChart(items: report.villages.map { v in
                BarChart.Item(env.placeName(v.villageID), value: v.visited, total: v.denominator)
            })
            for (i, v) in report.villages.enumerated() {
                var note: DocSegment?
                if v.denominator == 0 {
                    note = DocSegment(s["monthly.noneDue"], Style(dim: true))
                } else if v.rate < 1, running {
                    // The month still running: visits are still to come, not a target missed.
                    note = DocSegment(s["monthly.stillToVisit"], Style(dim: true))
                } else if v.rate < 1 {
                    note = DocSegment(s["monthly.belowTarget"],
                                      Style(fg: v.rate >= Self.warningRate ? .yellow : .red, bold: true))
                }
                left.append(DocLine(kind: .bar(chart, index: i, note: note), ref: nil))
            }
            left.append(.text(DocSegment(s["monthly.targetLegend"], Style(dim: true))))
        }

        var right: [DocLine] = []
        let none = s["files.none"]
        right.append(.title(s["monthly.byCategory"]))
        let categoryColumns = [
            TableColumn(s["monthly.col.category"], minWidth: 8, flex: 1, maxWidth: 20),
            // Visited before due, as the village rows (20/20) and the report's workbook and text have it.
            TableColumn(s["monthly.col.visited"], minWidth: max(6, s["monthly.col.visited"].displayWidth), alignment: .right),
            TableColumn(s["monthly.col.due"], minWidth: max(6, s["monthly.col.due"].displayWidth), alignment: .right),
            TableColumn(s["monthly.col.rate"], minWidth: max(6, s["monthly.col.rate"].displayWidth), alignment: .right),
        ]
        right.append(.header(categoryColumns))
        for c in report.byCategory {
            let style: Style = c.denominator == 0 ? Style(dim: true) : c.rate < 1 ? Style(fg: .yellow) : .plain
            right.append(.row(categoryColumns, [
                s["category.\(c.category)"], String(c.visited), String(c.denominator),
                c.shownRate.map(ScreenText.percent) ?? none,
            ], style: style))
        }
        right.append(.blank)
        right.append(.title(s["monthly.byMethod"]))
        let methodColumns = [
            TableColumn(s["monthly.col.method"], minWidth: 8, flex: 1, maxWidth: 20),
            TableColumn(s["monthly.col.visits"], minWidth: max(6, s["monthly.col.visits"].displayWidth), alignment: .right),
            TableColumn(s["monthly.col.elders"], minWidth: max(6, s["monthly.col.elders"].displayWidth), alignment: .right),
        ]
        right.append(.header(methodColumns))
        for m in report.byMethod {
            right.append(.row(methodColumns, [s["method.\(m.method.rawValue)"], String(m.visits), String(m.elders)]))
        }
        right.append(.blank)
        right.append(.title(s["monthly.followUps"]))
        let f = report.followUps
        let median = f.medianHoursToClose.map { s.duration(hours: $0) } ?? none
        let figures: [(String, String, Style)] = [
            (s["monthly.fu.opened"], String(f.opened), .plain),
            (s["monthly.fu.closed"], String(f.closed), .plain),
            (s["monthly.fu.cancelled"], String(f.cancelled), .plain),
            (s["monthly.fu.openPastDue"], String(f.openPastDue), f.openPastDue > 0 ? Style(fg: .red, bold: true) : .plain),
            (s["monthly.fu.median"], median, .plain),
        ]
        let labelWidth = figures.map { $0.0.displayWidth }.max() ?? 0
        let valueWidth = figures.map { $0.1.displayWidth }.max() ?? 0
        for figure in figures {
            right.append(.text(DocSegment(ScreenText.pad(figure.0, labelWidth) + "  "),
                               DocSegment(String(repeating: " ", count: valueWidth - figure.1.displayWidth) + figure.1, figure.2)))
        }
        // Who was not visited, by name, last: the count alone told nobody whom to call.
        if !report.notVisited.isEmpty, let names = notVisitedNames {
            right.append(.blank)
            right.append(.title(s.format("monthly.notVisitedList", String(report.notVisited.count))))
            // Who to call: the elder's responsible visitor beside her (two of one name are told apart).
            let columns = [TableColumn(s["monthly.col.village"], minWidth: 8, flex: 1, maxWidth: 20),
                           TableColumn(s["monthly.col.elder"], minWidth: 8, flex: 1, maxWidth: 20),
                           TableColumn(s["monthly.col.visitor"], minWidth: 6, flex: 1, maxWidth: 16)]
            right.append(.header(columns))
            // Villages in the order of the rates above, then names.
            let villageOrder = Dictionary(report.villages.enumerated().map { ($1.villageID, $0) }, uniquingKeysWith: { a, _ in a })
            let named = report.notVisited.prefix(Self.namedLimit).compactMap { id in
                names[id].map { (order: notVisitedVillages[id].flatMap { villageOrder[$0] } ?? Int.max,
                                 village: env.placeName(notVisitedVillages[id]), name: $0,
                                 visitor: notVisitedVisitors[id].map { env.visitorName($0) } ?? "") }
            }.sorted { ($0.order, $0.name) < ($1.order, $1.name) }
            for row in named { right.append(.row(columns, [row.village, row.name, row.visitor])) }
            if report.notVisited.count > named.count {
                right.append(.text(DocSegment(s.format("monthly.notVisitedMore", String(report.notVisited.count - named.count)),
                                             Style(dim: true))))
            }
        }
        return (left, right)
    }
}
