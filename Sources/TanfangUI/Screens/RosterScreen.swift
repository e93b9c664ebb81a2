import Foundation
import TanfangCore

/// The ledger (台账): every elder in the user's area, with incremental search, filters and sorts.
///
/// Each change of search text, filter or sort asks the ledger again (it does the matching and
/// the paging) with one request, which also counts the overdue and due-soon rows for the header,
/// so they cover everything that matches, not just the rows loaded. Rows are `.listing` rows:
/// the elder file reads the whole record.
public struct RosterScreen: Screen {
    enum Action: Hashable, Sendable {
        case open, newVisit, add, edit, importRoster, search, filter, sort, reverse, move, page, back
    }

    static let keymap = Keymap<Action>([
        KeyBinding([.enter], .open, label: "roster.key.open", help: "roster.help.open"),
        KeyBinding([.char("n")], .newVisit, label: "roster.key.newVisit", help: "roster.help.newVisit"),
        KeyBinding([.char("/")], .search, label: "key.search", help: "roster.help.search"),
        KeyBinding([.char("f")], .filter, label: "key.filter", help: "roster.help.filter"),
        KeyBinding([.char("s")], .sort, label: "key.sort", help: "roster.help.sort"),
        KeyBinding([.char("S")], .reverse, label: "roster.key.reverse", help: "roster.help.reverse", showsInBar: false),
        KeyBinding([.char("a")], .add, label: "key.new", help: "roster.help.add"),
        KeyBinding([.char("e")], .edit, label: "key.edit", help: "roster.help.edit"),
        KeyBinding([.char("i")], .importRoster, label: "importRoster.key.open", help: "importRoster.help.open"),
        KeyBinding([.up, .down], .move, label: "key.select", help: "help.moveUpDown", showsInBar: false),
        KeyBinding([.pageUp, .pageDown, .home, .end], .page, label: "key.nextPage", help: "roster.help.page", showsInBar: false),
        KeyBinding([.escape], .back, label: "key.back", help: "roster.help.back"),
    ])

    /// Keys of the filter bar (while it is open, these replace the list keys).
    enum FilterAction: Hashable, Sendable { case nextField, previousField, nextValue, previousValue, clear, close }

    static let filterKeymap = Keymap<FilterAction>([
        KeyBinding([.right, .tab], .nextField, label: "key.next", help: "roster.help.filterField"),
        KeyBinding([.left, .backTab], .previousField, label: "key.prev", help: "roster.help.filterField", showsInBar: false),
        KeyBinding([.down, .char(" ")], .nextValue, label: "roster.key.value", help: "roster.help.filterValue"),
        KeyBinding([.up], .previousValue, label: "roster.key.value", help: "roster.help.filterValue", showsInBar: false),
        KeyBinding([.delete, .backspace, .char("0")], .clear, label: "roster.key.all", help: "roster.help.filterClear"),
        KeyBinding([.enter, .escape, .char("f")], .close, label: "roster.key.closeFilter", help: "roster.help.filterClose"),
    ])

    /// Keys while the search line has focus (everything printable is search text).
    enum SearchAction: Hashable, Sendable { case open, leave, clear, move, page }

    static let searchKeymap = Keymap<SearchAction>([
        KeyBinding([.enter], .open, label: "roster.key.open", help: "roster.help.open"),
        KeyBinding([.tab], .leave, label: "roster.key.toList", help: "roster.help.toList"),
        KeyBinding([.escape], .clear, label: "roster.key.clearSearch", help: "roster.help.clearSearch"),
        KeyBinding([.up, .down], .move, label: "key.select", help: "help.moveUpDown", showsInBar: false),
        KeyBinding([.pageUp, .pageDown], .page, label: "key.nextPage", help: "help.page", showsInBar: false),
    ])

    /// The filters of the bar, in order.
    enum FilterField: Int, CaseIterable, Hashable, Sendable { case village, category, risk, due, status }

    /// Rows asked for at a time: a tall screen's worth and a margin. Every keystroke of a search
    /// reloads them, so more would only cost decoding; scrolling asks for the next ones.
    public static let pageSize = 48
    /// Rows a page key moves: `handle` does not know the terminal height (render still keeps
    /// the selection in view at any height).
    static let pageRows = 15

    /// What a pending request was for; responses come back in request order.
    enum Pending: Hashable, Sendable {
        case rows(generation: Int, offset: Int)
        case other
    }

    public let titleKey = "roster.title"

    // Filters and sort (the parts of RosterQuery the user controls)
    var villageID: UUID?
    var category: Category?
    var advancedAgeOnly = false
    var risk: RiskLevel?
    var due: DueState?
    var status: ElderStatus? = .active
    var sort: RosterSort = .nextDue
    var descending = false

    var search = TextFieldState(maxLength: 40)
    /// Whether typed keys go to the search line. The roster starts there, so that every letter a
    /// name's pinyin can start with searches (阿 aygl, 孙 sxz, 努 nr); the letter keys (n a e f s i)
    /// act on the list once the user moves into it with ↑↓ (from an empty search) or Tab.
    var searching = true
    /// Back on the roster with a search kept (from the file or a saved sheet): the text shows as
    /// selected, and the next letter starts a new search instead of adding to it or acting on the
    /// list. Arrows and Tab keep the search and move into the list.
    var replacesSearch = false
    var filterOpen = false
    var filterField = FilterField.village
    /// A file or sheet was opened from the list with no name searched (walking down a filtered
    /// list, such as 逾期): back on the roster, the keys act on the list again, at the same row.
    var browsing = false

    var rows: [RosterRow] = []
    /// Whether the unsaved visit sheet (if any) was asked for, after the first start.
    var askedForDraft = false
    var total: Int?
    var overdueCount: Int?
    var dueSoonCount: Int?
    var table = TableState()
    var loading = false
    /// Bumped on every new query so late answers to an older one are ignored.
    var generation = 0
    var pending: [Pending] = []
    /// Keeps the same elder selected across a reload (e.g. after returning from the file).
    var selectedID: UUID?

    public init() {}

    /// Never: the search holds nothing a screen change could lose, so F2–F5 and ? work with text
    /// on the search line too (the usual state after coming back from an elder's file).
    public mutating func dayChanged(env: AppEnvironment) -> [ScreenCommand] { reload(env: env, keepingRows: true) }
    public var capturesText: Bool { false }

    public func keyHints(env: AppEnvironment) -> [KeyHint] {
        if searching {
            let s = env.strings
            // Esc clears typed text; from an empty line it goes back (and asks).
            var hints = Self.searchKeymap.hints(s).map { hint -> KeyHint in
                var h = hint
                if search.isEmpty, h.keys == Key.escape.name { h.label = s["key.back"]; h.help = s["roster.help.back"] }
                if h.keys == Key.tab.name { h.keys += "/" + Key.down.name }
                return h
            }
            // Help (F1) also lists what the list's keys do once there.
            hints += listHints(env: env).filter { $0.keys.count == 1 && $0.keys != "/" }.map {
                KeyHint(keys: $0.keys, label: $0.label, help: s["roster.help.inList"] + $0.help, inBar: false)
            }
            return hints
        }
        if filterOpen { return Self.filterKeymap.hints(env.strings) }
        return listHints(env: env)
    }

    /// The list's keys, without those a read-only user cannot use.
    func listHints(env: AppEnvironment) -> [KeyHint] {
        var hints = Self.keymap.hints(env.strings)
        var hidden = env.canEdit ? [] : [Self.keymap.binding(for: .add), Self.keymap.binding(for: .edit),
                                         Self.keymap.binding(for: .newVisit)]
        if !env.canImportRosters { hidden.append(Self.keymap.binding(for: .importRoster)) }
        let keys = hidden.compactMap { $0 }.map { $0.keys.map(\.name).joined(separator: "/") }
        hints = hints.filter { !keys.contains($0.keys) }
        return hints
    }

    // MARK: - Queries

    /// The query for the current filters, search and sort.
    func query(env: AppEnvironment, offset: Int = 0, limit: Int = RosterScreen.pageSize) -> RosterQuery {
        RosterQuery(scope: env.scope, villageID: villageID, category: category, advancedAgeOnly: advancedAgeOnly,
                    risk: risk, due: due, status: status, search: search.text.trimmingCharacters(in: .whitespaces),
                    sort: sort, descending: descending, limit: limit, offset: offset, today: env.today,
                    detail: .listing)
    }

    /// A fresh load: the first page with the overdue and due-soon counts for the same filters.
    mutating func reload(env: AppEnvironment, keepingRows: Bool = false) -> [ScreenCommand] {
        generation += 1
        loading = true
        // On return from the file, ask for as many rows as were loaded so the selection stays.
        let limit = keepingRows ? max(Self.pageSize, rows.count) : Self.pageSize
        var first = query(env: env, limit: limit)
        first.countsDueStates = true
        pending.append(.rows(generation: generation, offset: 0))
        return [.request(.roster(first))]
    }

    /// Asks for the next rows when the selection comes near the end of those loaded.
    mutating func loadMoreIfNeeded(env: AppEnvironment) -> [ScreenCommand] {
        guard !loading, let total, rows.count < total, let selected = table.selected,
              selected >= rows.count - Self.pageRows else { return [] }
        loading = true
        pending.append(.rows(generation: generation, offset: rows.count))
        return [.request(.roster(query(env: env, offset: rows.count)))]
    }

    var selectedRow: RosterRow? {
        guard let i = table.selected, i < rows.count else { return nil }
        return rows[i]
    }

    // MARK: - Screen

    public mutating func start(env: AppEnvironment) -> [ScreenCommand] {
        pending = []
        // Back on the roster: ready for the next name, the last search kept but replaced by typing;
        // or, after a file opened while walking down the list, on the list again.
        searching = !browsing || !search.isEmpty
        browsing = false
        filterOpen = false
        replacesSearch = searching && !search.isEmpty
        var commands = reload(env: env, keepingRows: true)
        // Once, after logging in: a visit sheet left unsaved (a dropped link, Ctrl-Q) is mentioned,
        // so the clerk knows it waits behind n.
        if !askedForDraft, env.canEdit {
            askedForDraft = true
            commands.append(.request(.latestDraft(prefix: VisitDraft.key)))
        }
        return commands
    }

    public mutating func handle(_ key: Key, env: AppEnvironment) -> [ScreenCommand] {
        if searching { return handleSearch(key, env: env) }
        if filterOpen { return handleFilter(key, env: env) }
        if table.handle(key, rowCount: rows.count, visibleRows: Self.pageRows) {
            selectedID = selectedRow?.elder.id
            return loadMoreIfNeeded(env: env)
        }
        switch Self.keymap.action(for: key) {
        case .open:
            guard let row = selectedRow else { return [] }
            browsing = search.isEmpty
            return [.open(.elderFile(row.elder.id))]
        case .newVisit:
            guard let row = selectedRow else { return [] }
            guard env.canEdit else { return readOnly() }
            browsing = search.isEmpty
            return [.open(.newVisit(elderID: row.elder.id))]
        case .add:
            guard env.canEdit else { return readOnly() }
            browsing = search.isEmpty
            return [.open(.editElder(nil))]
        case .importRoster:
            guard env.canEdit else { return readOnly() }
            guard env.canImportRosters else { return [ImportScreen.notAllowed(env)] }
            return [.open(.importRoster)]
        case .edit:
            guard let row = selectedRow else { return [] }
            guard env.canEdit else { return readOnly() }
            browsing = search.isEmpty
            return [.open(.editElder(row.elder.id))]
        case .search:
            searching = true
            return []
        case .filter:
            filterOpen = true
            return []
        case .sort:
            let all = RosterSort.allCases
            sort = all[(all.firstIndex(of: sort)! + 1) % all.count]
            descending = false
            return resetAndReload(env: env) + [sortStatus(env: env)]
        case .reverse:
            descending.toggle()
            return resetAndReload(env: env) + [sortStatus(env: env)]
        case .back:
            // One level at a time: the kept search, then the search line, then back (which asks).
            searching = true
            if !search.isEmpty {
                search.setText("")
                return resetAndReload(env: env)
            }
            return []
        case .move, .page, nil:
            break
        }
        // Typing a letter, digit or Chinese character starts a search with it.
        if case .char(let c) = key, c.isLetter || c.isNumber {
            searching = true
            return handleSearch(key, env: env)
        }
        return []
    }

    private func readOnly() -> [ScreenCommand] {
        [.status(key: "roster.readOnly", args: [], tone: .warning)]
    }

    private func sortStatus(env: AppEnvironment) -> ScreenCommand {
        let s = env.strings
        return .status(key: "roster.sortedBy", args: [s["roster.sort.\(sort.rawValue)"],
                                                      s[descending ? "roster.order.descending" : "roster.order.ascending"]],
                       tone: .info)
    }

    private mutating func resetAndReload(env: AppEnvironment) -> [ScreenCommand] {
        table = TableState()
        selectedID = nil
        return reload(env: env)
    }

    private mutating func handleSearch(_ key: Key, env: AppEnvironment) -> [ScreenCommand] {
        switch Self.searchKeymap.action(for: key) {
        case .open:
            guard let row = selectedRow else { return [] }
            searching = false
            return [.open(.elderFile(row.elder.id))]
        case .leave:
            searching = false
            replacesSearch = false
            return []
        case .clear:
            // Esc clears the search and stays on the line; from an empty line it goes back, as on the list.
            replacesSearch = false
            guard !search.isEmpty else { return [.back] }
            search.setText("")
            return resetAndReload(env: env)
        case .move, .page:
            // The arrows move into the list, where the letter keys act (n for a visit on the row
            // picked). ↑ or ↓ lands on the highlighted row; the page keys also move.
            searching = false
            replacesSearch = false
            if key == .up || key == .down, table.selected != nil { return [] }
            _ = table.handle(key, rowCount: rows.count, visibleRows: Self.pageRows)
            selectedID = selectedRow?.elder.id
            return loadMoreIfNeeded(env: env)
        case nil:
            break
        }
        if replacesSearch {
            replacesSearch = false
            switch key {
            // A new name replaces the kept search; Backspace removes it all.
            case .char, .backspace:
                search.setText("")
                if key == .backspace { return resetAndReload(env: env) }
            default: break
            }
        }
        if search.isEmpty {
            switch key {
            // Nothing to delete; / is where the focus already is.
            case .backspace, .char("/"): return []
            // Home and End edit typed text; from an empty line they go to the list's ends.
            case .home, .end:
                searching = false
                _ = table.handle(key, rowCount: rows.count, visibleRows: Self.pageRows)
                selectedID = selectedRow?.elder.id
                return loadMoreIfNeeded(env: env)
            default: break
            }
        }
        let before = search.text
        guard search.handle(key) else {
            if case .char = key {
                return [.status(key: "field.tooLong", args: [String(search.maxLength ?? 0)], tone: .warning)]
            }
            return []
        }
        return search.text == before ? [] : resetAndReload(env: env)
    }

    private mutating func handleFilter(_ key: Key, env: AppEnvironment) -> [ScreenCommand] {
        let fields = FilterField.allCases
        switch Self.filterKeymap.action(for: key) {
        case .nextField:
            filterField = fields[(filterField.rawValue + 1) % fields.count]
            return []
        case .previousField:
            filterField = fields[(filterField.rawValue + fields.count - 1) % fields.count]
            return []
        case .nextValue:
            stepFilter(by: 1, env: env)
            return resetAndReload(env: env)
        case .previousValue:
            stepFilter(by: -1, env: env)
            return resetAndReload(env: env)
        case .clear:
            setFilter(index: 0, env: env)
            return resetAndReload(env: env)
        case .close:
            filterOpen = false
            return []
        case nil:
            return []
        }
    }

    /// The choices of a filter field, as labels; index 0 is "all" (for status: every status).
    func filterChoices(_ field: FilterField, env: AppEnvironment) -> [String] {
        let s = env.strings
        let all = s["roster.filter.all"]
        switch field {
        case .village: return [all] + env.villagesInScope.map(\.name)
        case .category: return [all] + Category.allCases.map { s["category.\($0.rawValue)"] } + [s["category.advancedAge"]]
        case .risk: return [all] + RiskLevel.allCases.reversed().map { s["risk.level.\($0.rawValue)"] }
        case .due: return [all] + Self.dueChoices.map { s["due.state.\($0.rawValue)"] }
        case .status: return [all] + ElderStatus.allCases.map { s["status.\($0.rawValue)"] }
        }
    }

    static let dueChoices: [DueState] = [.overdue, .dueSoon, .ok, .inactive]

    /// The index of the current value among `filterChoices`.
    func filterIndex(_ field: FilterField, env: AppEnvironment) -> Int {
        switch field {
        case .village:
            return villageID.flatMap { id in env.villagesInScope.firstIndex { $0.id == id } }.map { $0 + 1 } ?? 0
        case .category:
            if advancedAgeOnly { return Category.allCases.count + 1 }
            return category.flatMap { Category.allCases.firstIndex(of: $0) }.map { $0 + 1 } ?? 0
        case .risk:
            return risk.flatMap { Array(RiskLevel.allCases.reversed()).firstIndex(of: $0) }.map { $0 + 1 } ?? 0
        case .due:
            return due.flatMap { Self.dueChoices.firstIndex(of: $0) }.map { $0 + 1 } ?? 0
        case .status:
            return status.flatMap { ElderStatus.allCases.firstIndex(of: $0) }.map { $0 + 1 } ?? 0
        }
    }

    private mutating func stepFilter(by delta: Int, env: AppEnvironment) {
        let count = filterChoices(filterField, env: env).count
        let index = (filterIndex(filterField, env: env) + delta + count) % count
        setFilter(index: index, env: env)
    }

    private mutating func setFilter(index: Int, env: AppEnvironment) {
        let i = index - 1
        switch filterField {
        case .village: villageID = i >= 0 ? env.villagesInScope[i].id : nil
        case .category:
            advancedAgeOnly = i == Category.allCases.count
            category = i >= 0 && i < Category.allCases.count ? Category.allCases[i] : nil
        case .risk: risk = i >= 0 ? Array(RiskLevel.allCases.reversed())[i] : nil
        case .due: due = i >= 0 ? Self.dueChoices[i] : nil
        case .status: status = i >= 0 ? ElderStatus.allCases[i] : nil
        }
    }

    public mutating func receive(_ response: DataResponse, env: AppEnvironment) -> [ScreenCommand] {
        switch response {
        case .draft(let key, let json?) where key == VisitDraft.key || key.hasPrefix(VisitDraft.key + "."):
            guard let draft = VisitDraft.decode(json) else { return [] }
            let when = ScreenText.monthDayTime(draft.at)
            return [.status(key: "roster.draftWaiting", args: [draft.elderName, when], tone: .info)]
        case .roster(let page):
            let purpose = pending.isEmpty ? Pending.other : pending.removeFirst()
            switch purpose {
            case .rows(let g, let offset) where g == generation:
                loading = false
                total = page.total
                if offset == 0 {
                    rows = page.rows
                    overdueCount = page.overdue
                    dueSoonCount = page.dueSoon
                    if let id = selectedID, let index = rows.firstIndex(where: { $0.elder.id == id }) {
                        table.select(index, rowCount: rows.count, visibleRows: Self.pageRows)
                    } else {
                        table.clamp(rowCount: rows.count, visibleRows: Self.pageRows)
                    }
                } else {
                    rows += page.rows
                    table.clamp(rowCount: rows.count, visibleRows: Self.pageRows)
                }
                selectedID = selectedRow?.elder.id
            default:
                break  // an answer to an older query
            }
            return []
        case .failed(let message):
            if !pending.isEmpty { pending.removeFirst() }
            loading = false
            return [.status(key: "status.error", args: [message], tone: .error)]
        default:
            return []
        }
    }

    // MARK: - Rendering

    /// Short labels of the elder's categories, 高龄 included when the birth date says so.
    static func categoryText(_ elder: Elder, env: AppEnvironment) -> String {
        let s = env.strings
        var labels = elder.categories.sorted().map { s["roster.short.\($0.rawValue)"] }
        if elder.isAdvancedAge(on: env.today) { labels.append(s["roster.short.advancedAge"]) }
        return labels.joined(separator: s["roster.separator"])
    }

    /// Whether the terminal is wide enough for the masked phone and the responsible visitor.
    static func isWide(_ width: Int) -> Bool { width >= 110 }
    /// Whether there is room for the masked ID number as well.
    static func isVeryWide(_ width: Int) -> Bool { width >= 140 }

    /// Whether the village column is shown: not for a user whose area is one village (a village's
    /// clerk or grid worker), where it would repeat the same name on every row and take the
    /// columns the elders' names need.
    static func showsVillage(env: AppEnvironment) -> Bool { env.villagesInScope.count != 1 }

    func columns(env: AppEnvironment, width: Int) -> [TableColumn] {
        let s = env.strings
        func fit(_ header: String, _ values: [String], minimum: Int = 0) -> Int {
            max(minimum, DisplayWidth.of(header), values.map { DisplayWidth.of($0) }.max() ?? 0)
        }
        // The name column is as wide as the longest name loaded (Uyghur and Kazakh names run to 18
        // columns), within what the other columns leave at 80.
        let longest = rows.lazy.map { DisplayWidth.of($0.elder.name) }.max() ?? 0
        let nameWidth = min(max(8, longest), Self.showsVillage(env: env) ? 10 : 18)
        var columns = [
            TableColumn(s["roster.column.name"], minWidth: nameWidth, flex: 1, maxWidth: 20),
            TableColumn(s["roster.column.gender"], minWidth: fit(s["roster.column.gender"], Gender.allCases.map { s["roster.gender.\($0.rawValue)"] })),
            TableColumn(s["roster.column.age"], minWidth: fit(s["roster.column.age"], ["100"]), alignment: .right),
        ]
        if Self.showsVillage(env: env) {
            columns.append(TableColumn(s["roster.column.village"], minWidth: 8, flex: 1, maxWidth: 16))
        }
        columns += [
            TableColumn(s["roster.column.categories"], minWidth: 8, flex: 3, maxWidth: 30),
            TableColumn(s["roster.column.risk"], minWidth: fit(s["roster.column.risk"], RiskLevel.allCases.map { s["risk.level.\($0.rawValue)"] })),
            TableColumn(s["roster.column.lastVisit"], minWidth: 10),
            TableColumn(s["roster.column.nextDue"], minWidth: 10),
            TableColumn(s["roster.column.due"], minWidth: fit(s["roster.column.due"], [s["due.state.overdue"], s["due.state.dueSoon"], s["due.state.dueToday"]]
                + ElderStatus.allCases.map { s["roster.shortStatus.\($0.rawValue)"] })),
        ]
        if Self.isWide(width) {
            columns += [
                TableColumn(s["roster.column.phone"], minWidth: 11),
                TableColumn(s["roster.column.visitor"], minWidth: 8, flex: 1, maxWidth: 12),
            ]
        }
        if Self.isVeryWide(width) { columns.append(TableColumn(s["roster.column.idNumber"], minWidth: 18)) }
        return columns
    }

    func cells(_ row: RosterRow, env: AppEnvironment, width: Int) -> [String] {
        let s = env.strings
        let elder = row.elder
        let state = row.summary.dueState(today: env.today)
        var dueText: String
        switch state {
        case .overdue, .dueSoon: dueText = s["due.state.\(state.rawValue)"]
        case .ok: dueText = ""
        case .inactive: dueText = s["roster.shortStatus.\(elder.status.rawValue)"]
        }
        let nextDue = [row.summary.nextDue, row.summary.homeVisitDue].compactMap { $0 }.min()
        // Due today is overdue tomorrow: told apart from due in a few days.
        if state == .dueSoon, nextDue == env.today { dueText = s["due.state.dueToday"] }
        var cells = [
            elder.name,
            elder.gender.map { s["roster.gender.\($0.rawValue)"] } ?? "",
            elder.age(on: env.today).map(String.init) ?? "",
        ]
        if Self.showsVillage(env: env) { cells.append(row.villageName) }
        cells += [
            Self.categoryText(elder, env: env),
            s["risk.level.\(row.summary.risk.level.rawValue)"],
            row.summary.lastVisit?.date.description ?? s["roster.never"],
            nextDue?.description ?? "",
            dueText,
        ]
        if Self.isWide(width) {
            cells += [elder.phone.map(Masking.phone) ?? "", env.visitorName(elder.visitorID)]
        }
        if Self.isVeryWide(width) { cells.append(elder.idNumber.map(Masking.idNumber) ?? "") }
        return cells
    }

    /// The header line: how many match, how many are overdue or due soon (same filters).
    func countsLine(env: AppEnvironment) -> String {
        let s = env.strings
        guard let total else { return s["status.loading"] }
        let unknown = "…"
        return s.format("roster.counts", String(total), overdueCount.map(String.init) ?? unknown,
                        dueSoonCount.map(String.init) ?? unknown)
    }

    /// Active filters, e.g. "村：红星村 · 风险：高".
    func filterSummary(env: AppEnvironment) -> String {
        let s = env.strings
        var parts: [String] = []
        for field in FilterField.allCases {
            let index = filterIndex(field, env: env)
            if index != 0 || field == .status {
                parts.append(s["roster.filter.\(field)"] + s["roster.colon"] + filterChoices(field, env: env)[index])
            }
        }
        return parts.joined(separator: " · ")
    }

    public func render(into grid: inout Grid, area: Rect, env: AppEnvironment) -> CursorPosition? {
        let s = env.strings
        guard area.height >= 4, area.width >= 20 else { return nil }
        var y = area.y
        let inner = area.insetBy(dx: 1, dy: 0)
        // Header: counts, then sort and filters on the right.
        let counts = countsLine(env: env)
        let used = grid.put(counts, x: inner.x, y: y, style: Style(bold: true), maxWidth: inner.width)
        let arrow = descending ? "↓" : "↑"
        let right = s["roster.sort.label"] + s["roster.colon"] + s["roster.sort.\(sort.rawValue)"] + arrow
            + "  " + filterSummary(env: env)
        let rightRoom = inner.width - used - 2
        if rightRoom > 6 {
            let w = min(DisplayWidth.of(right), rightRoom)
            grid.put(right, in: Rect(x: inner.maxX - w, y: y, width: w, height: 1), style: Style(dim: true))
        }
        y += 1
        // Search line
        var cursor: CursorPosition?
        let label = s["roster.searchLabel"]
        let labelWidth = grid.put(label, x: inner.x, y: y, style: searching ? Style(bold: true) : .plain, maxWidth: inner.width)
        if !search.isEmpty {
            let fieldArea = Rect(x: inner.x + labelWidth, y: y, width: min(30, inner.width - labelWidth), height: 1)
            let style = replacesSearch ? Style(reverse: true) : searching ? Style(underline: true) : .plain
            cursor = TextField.render(search, into: &grid, area: fieldArea, style: style, focused: searching)
        } else {
            // An empty line says what typing does here, and how to reach the list's letter keys
            // (nothing while the filter bar has the keys).
            let hint = filterOpen ? "" : s[searching ? "roster.searchHint" : "roster.listHint"]
            grid.put(hint, x: inner.x + labelWidth, y: y, style: Style(dim: true), maxWidth: inner.width - labelWidth)
            if searching { cursor = CursorPosition(x: inner.x + labelWidth, y: y) }
        }
        y += 1
        if filterOpen {
            renderFilterBar(into: &grid, x: inner.x, y: y, width: inner.width, env: env)
            y += 1
        }
        let tableArea = Rect(x: inner.x, y: y, width: inner.width, height: area.maxY - y)
        // Only the rows on screen are turned into text (a page holds 48 or more, a frame shows
        // 18 at 80×24): the table is given that window and a selection relative to it.
        let visible = max(0, tableArea.height - 1)
        let top = self.table.effectiveOffset(rowCount: rows.count, visibleRows: visible)
        let shown = rows.indices.clamped(to: top..<min(rows.count, top + visible))
        var styles: [Int: Style] = [:]
        for i in shown {
            switch rows[i].summary.dueState(today: env.today) {
            case .overdue: styles[i - top] = Style(fg: .red)
            case .dueSoon: styles[i - top] = Style(fg: .yellow)
            case .inactive: styles[i - top] = Style(dim: true)
            case .ok: break
            }
        }
        let empty: String
        if total == nil { empty = s["status.loading"] } else { empty = s["status.noResults"] }
        let table = Table(columns: columns(env: env, width: tableArea.width),
                          rows: shown.map { cells(rows[$0], env: env, width: tableArea.width) },
                          rowStyles: styles, emptyMessage: empty)
        table.render(into: &grid, area: tableArea, state: TableState(selected: self.table.selected.map { $0 - top }))
        return cursor
    }

    private func renderFilterBar(into grid: inout Grid, x: Int, y: Int, width: Int, env: AppEnvironment) {
        let s = env.strings
        var column = x
        for field in FilterField.allCases {
            guard column < x + width else { break }
            let text = s["roster.filter.\(field)"] + s["roster.colon"] + filterChoices(field, env: env)[filterIndex(field, env: env)]
            let style = field == filterField ? Style(reverse: true) : Style(underline: true)
            column += grid.put(text, x: column, y: y, style: style, maxWidth: min(24, x + width - column))
            column += 2
        }
    }
}
