import Foundation
import TanfangCore

/// The red-flag list (预警清单) supervisors check: flags grouped by kind in `RedFlagKind` order,
/// a summary of the kinds with their counts on the left, the flags on the right. Enter opens the
/// elder's file, or the monthly rates for a village flag.
public struct RedFlagsScreen: Screen {
    enum Action: Hashable, Sendable {
        case open, search, nextKind, previousKind, toggleKind, up, down, pageUp, pageDown, home, end, export, back
    }

    /// Keys while the search line has focus (everything printable is search text).
    typealias SearchAction = ScreenSearch.Action

    static let keymap = Keymap<Action>([
        KeyBinding([.enter], .open, label: "redFlags.key.open", help: "redFlags.help.open"),
        KeyBinding([.char("/")], .search, label: "key.search", help: "redFlags.help.search"),
        KeyBinding([.right, .tab], .nextKind, label: "redFlags.key.nextKind", help: "redFlags.help.nextKind"),
        KeyBinding([.left, .backTab], .previousKind, label: "redFlags.key.previousKind", help: "redFlags.help.previousKind",
                   showsInBar: false),
        KeyBinding([.char("k")], .toggleKind, label: "redFlags.key.toggleKind", help: "redFlags.help.toggleKind"),
        KeyBinding([.up], .up, label: "key.prev", help: "help.moveUpDown", showsInBar: false),
        KeyBinding([.down], .down, label: "key.next", help: "help.moveUpDown", showsInBar: false),
        KeyBinding([.pageUp], .pageUp, label: "key.prevPage", help: "help.page", showsInBar: false),
        KeyBinding([.pageDown], .pageDown, label: "key.nextPage", help: "help.page", showsInBar: false),
        KeyBinding([.home], .home, label: "key.prev", help: "help.homeEnd", showsInBar: false),
        KeyBinding([.end], .end, label: "key.next", help: "help.homeEnd", showsInBar: false),
        KeyBinding([.char("x")], .export, label: "exportPrompt.key.export", help: "exportPrompt.help.export"),
        KeyBinding([.escape], .back, label: "key.back", help: "redFlags.help.back"),
    ])

    static let searchKeymap = Keymap<SearchAction>([
        KeyBinding([.enter, .down], .leave, label: "key.enter", help: "redFlags.help.searchLeave"),
        KeyBinding([.escape], .clear, label: "roster.key.clearSearch", help: "redFlags.help.searchClear"),
    ])

    static let pageRows = 10

    /// The flags of one kind, worst first.
    struct Group: Hashable, Sendable {
        var kind: RedFlagKind
        var flags: [RedFlag]
    }

    /// Every flag loaded; `groups` holds those the search lets through.
    var flags: [RedFlag] = []
    var groups: [Group] = []
    var search = TextFieldState(maxLength: 40)
    var searching = false
    /// Per flag, what `/` looks in (`ScreenSearch.Prepared`), built at the first search and kept
    /// until new flags arrive: formatting a county's ~40,000 reasons and converting their names to
    /// pinyin again on every keystroke took longer than the keystroke may.
    var searchTexts: [ScreenSearch.Prepared]?
    var elderNames: [UUID: String] = [:]
    /// Special periods in force: said above the list, since they bring visits due early.
    var periods: [SpecialPeriod] = []
    var loaded = false
    var error: String?
    /// The kind the selection is in, and the row within it.
    var kindIndex = 0
    var rowIndex = 0
    /// Only the selected kind's flags are listed.
    var onlyThisKind = false
    /// The export prompt at the bottom of the body, while open.
    var prompt: ExportPrompt?
    /// An export was sent and its answer has not come back: the prompt as it was sent.
    var exporting: ExportPrompt?

    public init() {}

    public var titleKey: String { "redFlags.title" }
    public var capturesText: Bool { searching || prompt != nil }

    public func keyHints(env: AppEnvironment) -> [KeyHint] {
        if let prompt { return prompt.keymap.hints(env.strings) }
        return searching ? Self.searchKeymap.hints(env.strings) : Self.keymap.hints(env.strings)
    }

    public mutating func start(env: AppEnvironment) -> [ScreenCommand] {
        [.request(.redFlags)]
    }

    /// Flags grouped by kind in `RedFlagKind` order; within a kind, higher severity first, ties
    /// in the order they came in (the ledger's: a village's elders together, as they were entered;
    /// names in code-point order read as random to a Chinese reader, and comparing them cost most
    /// of a county's list, ~40,000 flags). One pass over the flags; the list arrives mostly sorted.
    static func grouped(_ flags: [RedFlag]) -> [Group] {
        let kinds = RedFlagKind.allCases
        var buckets = Array(repeating: [Int](), count: kinds.count)
        for (i, flag) in flags.enumerated() { buckets[RedFlagEngine.kindOrder[flag.kind]!].append(i) }
        return kinds.indices.compactMap { k in
            guard !buckets[k].isEmpty else { return nil }
            let order = buckets[k].sorted { a, b in
                flags[a].severity != flags[b].severity ? flags[a].severity > flags[b].severity : a < b
            }
            return Group(kind: kinds[k], flags: order.map { flags[$0] })
        }
    }

    var total: Int { groups.reduce(0) { $0 + $1.flags.count } }

    /// What an export writes: the flags on screen when `k` or a search narrows them, else nil (all).
    var shownFlags: [RedFlag]? {
        if onlyThisKind { return kindIndex < groups.count ? groups[kindIndex].flags : [] }
        guard !search.text.trimmingCharacters(in: .whitespaces).isEmpty else { return nil }
        return groups.flatMap(\.flags)
    }

    var selectedFlag: RedFlag? {
        guard kindIndex < groups.count, rowIndex < groups[kindIndex].flags.count else { return nil }
        return groups[kindIndex].flags[rowIndex]
    }

    /// Regroups the flags the search lets through, keeping the selected kind when it still has flags.
    mutating func regroup(env: AppEnvironment) {
        let previous = kindIndex < groups.count ? groups[kindIndex].kind : nil
        let query = search.text.trimmingCharacters(in: .whitespaces)
        var matching = flags
        if !query.isEmpty {
            let texts = searchTexts ?? Self.searchTexts(flags, names: elderNames, env: env)
            searchTexts = texts
            let needle = ScreenSearch.Prepared.needle(query)
            matching = flags.indices.filter { texts[$0].matches(needle) }.map { flags[$0] }
        }
        groups = Self.grouped(matching)
        let kept = previous.flatMap { kind in groups.firstIndex { $0.kind == kind } }
        if kept == nil { rowIndex = 0 }
        kindIndex = kept ?? 0
        rowIndex = kindIndex < groups.count ? min(rowIndex, groups[kindIndex].flags.count - 1) : 0
    }

    static func searchTexts(_ flags: [RedFlag], names: [UUID: String], env: AppEnvironment) -> [ScreenSearch.Prepared] {
        // A county's ~50,000 flags name far fewer distinct elders, villages and reasons (an
        // overdue follow-up's reason is its type and due date): each is lowercased (and each name
        // converted to pinyin) once, not once per flag; lowercasing and formatting were most of
        // the first key's time.
        var people: [String: (lowered: String, reading: String)] = [:]
        var villages: [UUID?: String] = [:]
        struct ReasonID: Hashable { var key: String; var args: [String] }
        var reasons: [ReasonID: String] = [:]
        return flags.map { flag in
            let name = flag.elderID.flatMap { names[$0] } ?? ""
            let person = people[name] ?? {
                let made = (name.lowercased(), ScreenSearch.Prepared.reading(of: name))
                people[name] = made
                return made
            }()
            let village = villages[flag.villageID] ?? {
                let lowered = env.placeName(flag.villageID).lowercased()
                villages[flag.villageID] = lowered
                return lowered
            }()
            let reasonID = ReasonID(key: flag.reasonKey, args: flag.reasonArgs)
            let reason = reasons[reasonID] ?? {
                let lowered = flag.reason(env.strings).lowercased()
                reasons[reasonID] = lowered
                return lowered
            }()
            return ScreenSearch.Prepared(lowercased: [person.lowered, village, reason], readings: [person.reading])
        }
    }

    mutating func handleSearch(_ key: Key, env: AppEnvironment) -> [ScreenCommand] {
        let (changed, commands) = ScreenSearch.edit(key, action: Self.searchKeymap.action(for: key),
                                                    search: &search, searching: &searching)
        if changed { regroup(env: env) }
        return commands
    }

    public mutating func handle(_ key: Key, env: AppEnvironment) -> [ScreenCommand] {
        if prompt != nil { return handlePrompt(key, env: env) }
        if searching { return handleSearch(key, env: env) }
        guard let action = Self.keymap.action(for: key) else { return [] }
        switch action {
        case .search:
            searching = true
        case .open:
            guard let flag = selectedFlag else { return [] }
            if let elderID = flag.elderID { return [.open(.elderFile(elderID))] }
            // A village's rate flag is about last month: its figures, not this month's.
            let month = flag.kind == .villageLowVisitRate ? env.today.yearMonth.adding(months: -1) : nil
            return [.open(.monthly(month))]
        case .nextKind, .previousKind:
            guard !groups.isEmpty else { return [] }
            let delta = action == .nextKind ? 1 : -1
            kindIndex = (kindIndex + delta + groups.count) % groups.count
            rowIndex = 0
        case .toggleKind:
            onlyThisKind.toggle()
        case .up: move(by: -1)
        case .down: move(by: 1)
        case .pageUp: move(by: -Self.pageRows)
        case .pageDown: move(by: Self.pageRows)
        case .home: move(by: -total)
        case .end: move(by: total)
        case .export:
            prompt = ExportPrompt(baseName: env.strings.format("redFlags.export.fileName", env.today.description))
        case .back:
            // Esc clears the search before it leaves the screen.
            guard search.isEmpty else {
                search.setText("")
                regroup(env: env)
                return []
            }
            return [.back]
        }
        return []
    }

    /// Keys while the export prompt is open: it takes them all; Esc closes it.
    mutating func handlePrompt(_ key: Key, env: AppEnvironment) -> [ScreenCommand] {
        let shown = shownFlags
        return ExportPrompt.handle(key, prompt: &prompt, exporting: &exporting) { format, path, replace in
            .exportRedFlags(format: format, path: path, replace: replace, only: shown)
        }
    }

    /// Moves the selection by `delta` rows: within the kind when only one kind is listed,
    /// otherwise across kinds (the summary follows).
    mutating func move(by delta: Int) {
        guard !groups.isEmpty else { return }
        if onlyThisKind {
            rowIndex = min(max(0, rowIndex + delta), groups[kindIndex].flags.count - 1)
            return
        }
        let offsets = groups.indices.map { i in groups[..<i].reduce(0) { $0 + $1.flags.count } }
        let flat = min(max(0, offsets[kindIndex] + rowIndex + delta), total - 1)
        kindIndex = offsets.lastIndex { $0 <= flat } ?? 0
        rowIndex = flat - offsets[kindIndex]
    }

    public mutating func receive(_ response: DataResponse, env: AppEnvironment) -> [ScreenCommand] {
        if let commands = ExportPrompt.receive(response, prompt: &prompt, exporting: &exporting) { return commands }
        switch response {
        case .redFlags(let flags, let names, let periods):
            loaded = true
            error = nil
            self.flags = flags
            elderNames = names
            self.periods = periods
            searchTexts = nil
            regroup(env: env)
        case .failed(let message):
            loaded = true
            error = message
            return [.status(key: "status.error", args: [message], tone: .error)]
        default:
            break
        }
        return []
    }

    // MARK: - Rendering

    /// Who a flag is about: the elder's name, or the village's.
    func subject(_ flag: RedFlag, env: AppEnvironment) -> String {
        if let id = flag.elderID { return elderNames[id] ?? env.strings["files.none"] }
        return env.placeName(flag.villageID)
    }

    public func render(into grid: inout Grid, area: Rect, env: AppEnvironment) -> CursorPosition? {
        guard !area.isEmpty else { return nil }
        guard let prompt else { return renderList(into: &grid, area: area, env: env) }
        _ = renderList(into: &grid, area: area.droppingBottom(1), env: env)
        return prompt.render(into: &grid, area: area, strings: env.strings)
    }

    func renderList(into grid: inout Grid, area: Rect, env: AppEnvironment) -> CursorPosition? {
        guard !area.isEmpty else { return nil }
        let s = env.strings
        var area = area
        var cursor: CursorPosition?
        if searching || !search.isEmpty {
            let labelWidth = grid.put(s["redFlags.searchLabel"], x: area.x, y: area.y,
                                      style: searching ? Style(bold: true) : .plain, maxWidth: area.width)
            let field = Rect(x: area.x + labelWidth, y: area.y, width: max(0, area.width - labelWidth), height: 1)
            cursor = TextField.render(search, into: &grid, area: field,
                                      style: searching ? Style(underline: true) : .plain, focused: searching)
            area = area.droppingTop(1)
            guard !area.isEmpty else { return cursor }
        }
        if let error {
            grid.put(s.format("status.error", error), x: area.x, y: area.y, style: Style(fg: .red, bold: true), maxWidth: area.width)
            return nil
        }
        guard loaded else {
            grid.put(s["status.loading"], x: area.x, y: area.y, style: Style(dim: true), maxWidth: area.width)
            return nil
        }
        if !periods.isEmpty {
            let list = periods.map { s.format("redFlags.period", $0.name, $0.to.description, String($0.intervalDays)) }
            grid.put(s.format("redFlags.periods", list.joined(separator: s["redFlags.periodSeparator"])), x: area.x, y: area.y,
                     style: Style(fg: .yellow), maxWidth: area.width)
            area = area.droppingTop(1)
            guard !area.isEmpty else { return cursor }
        }
        guard !groups.isEmpty else {
            if flags.isEmpty {
                grid.put(s["redFlags.none"], x: area.x, y: area.y, style: Style(fg: .green), maxWidth: area.width)
            } else {
                grid.put(s["redFlags.noMatch"], x: area.x, y: area.y, style: Style(dim: true), maxWidth: area.width)
            }
            return cursor
        }

        // Summary of kinds: title and count, the selected kind reversed.
        let totalLine = s.format("redFlags.total", String(total))
        let titles = groups.map { s[$0.kind.titleKey] }
        let countWidth = groups.map { String($0.flags.count).count }.max() ?? 1
        let summaryWidth = min(max(totalLine.displayWidth, (titles.map(\.displayWidth).max() ?? 0) + countWidth + 2),
                               max(16, area.width / 3))
        grid.put(totalLine, x: area.x, y: area.y, style: Style(bold: true), maxWidth: summaryWidth)
        for (i, group) in groups.enumerated() where area.y + 1 + i < area.maxY {
            let y = area.y + 1 + i
            let style = i == kindIndex ? Style(bold: true, reverse: true) : .plain
            let count = String(group.flags.count)
            grid.fill(Rect(x: area.x, y: y, width: summaryWidth, height: 1), style: style)
            grid.put(titles[i], x: area.x + 1, y: y, style: style, maxWidth: summaryWidth - count.count - 2)
            grid.put(count, in: Rect(x: area.x, y: y, width: summaryWidth, height: 1), alignment: .right, style: style)
        }
        for y in area.y..<area.maxY { grid.put("│", x: area.x + summaryWidth + 1, y: y, style: Style(dim: true)) }

        // The flags: a heading per kind, then name, village and reason.
        let right = Rect(x: area.x + summaryWidth + 3, y: area.y, width: area.width - summaryWidth - 3, height: area.height)
        let columns = [
            // At 80 columns the reason needs the room; on a wide screen a long name (努尔·尼亚孜·买买提)
            // is shown whole first.
            // Between the two (about 100 columns, whichever language sets the kinds' width) most names and
            // villages fit: 阿克铁热克村 is 12 columns.
            TableColumn(s["redFlags.col.subject"], minWidth: right.width >= 90 ? 18 : area.width >= 96 ? 14 : 10),
            // Village names run to 阿克铁热克村 (12 columns) and 墩麻扎镇·团结村: whole on a wide screen.
            TableColumn(s["redFlags.col.village"], minWidth: right.width >= 90 ? 16 : area.width >= 96 ? 12 : 10),
            TableColumn(s["redFlags.col.reason"], minWidth: 10, flex: 6),
        ]
        // The document: the header, then per kind shown a heading and its flags. Only the lines
        // on screen are built (the reasons of a county's ~40,000 flags are not formatted per frame).
        let shown = groups.indices.filter { !onlyThisKind || $0 == kindIndex }
        func line(_ index: Int) -> DocLine {
            if index == 0 { return .header(columns) }
            var at = 1
            for g in shown {
                let group = groups[g]
                if index == at {
                    return .text(DocSegment(s.format("redFlags.group", s[group.kind.titleKey], String(group.flags.count)),
                                            Style(fg: .red, bold: true)))
                }
                if index <= at + group.flags.count {
                    let i = index - at - 1
                    let flag = group.flags[i]
                    let village = flag.elderID == nil ? "" : env.placeName(flag.villageID)
                    return .row(columns, [subject(flag, env: env), village, flag.reason(s)], ref: DocRef(list: g, index: i))
                }
                at += 1 + group.flags.count
            }
            return .blank
        }
        let lineCount = 1 + shown.reduce(0) { $0 + 1 + groups[$1].flags.count }
        var selectedLine: Int?
        if shown.contains(kindIndex), rowIndex < groups[kindIndex].flags.count {
            selectedLine = 1 + shown.prefix { $0 != kindIndex }.reduce(0) { $0 + 1 + groups[$1].flags.count } + 1 + rowIndex
        }
        // The selected flag's whole reason under the list, wrapped, when there is room.
        var listArea = right
        if let flag = selectedFlag, right.height >= 8 {
            let wrapped = TextWrap.lines(flag.reason(s), width: right.width)
            let height = min(wrapped.count, 3)
            listArea = right.droppingBottom(height + 1)
            grid.put(String(repeating: "─", count: right.width), x: right.x, y: listArea.maxY, style: Style(dim: true))
            for (i, line) in wrapped.prefix(height).enumerated() {
                grid.put(line, x: right.x, y: listArea.maxY + 1 + i, maxWidth: right.width)
            }
        }
        // As `DocView.render` draws the whole document.
        guard !listArea.isEmpty else { return cursor }
        let top = DocView.offset(lineCount: lineCount, height: listArea.height, scroll: 0, selectedLine: selectedLine)
        for (row, index) in (top..<min(lineCount, top + listArea.height)).enumerated() {
            line(index).render(into: &grid, x: listArea.x, y: listArea.y + row, width: listArea.width,
                               selected: selectedLine == index)
        }
        if top + listArea.height < lineCount {
            grid.put("↓", x: listArea.maxX - 1, y: listArea.maxY - 1, style: Style(dim: true))
        }
        if top > 0 { grid.put("↑", x: listArea.maxX - 1, y: listArea.y, style: Style(dim: true)) }
        return cursor
    }
}
