import Foundation
import TanfangCore

/// The follow-up queue (待办): open follow-ups, earliest due first, overdue ones in red with the
/// days late. Filters: mine/all, type, village, closed shown or not. Enter shows one follow-up,
/// where it can be marked in progress, closed with a record of what was done, or cancelled.
///
/// With an `elderID` only that elder's follow-ups are asked for (and filtered here as well).
public struct FollowUpsScreen: Screen {
    enum ListAction: Hashable, Sendable {
        case open, add, search, mine, type, village, closed, up, down, pageUp, pageDown, home, end, back
        /// The detail's p, x and z on the selected row, without opening it first.
        case progress, close, cancel
    }

    /// Keys while the search line has focus (everything printable is search text).
    typealias SearchAction = ScreenSearch.Action

    enum DetailAction: Hashable, Sendable { case progress, close, cancel, edit, elder, back }

    enum FormAction: Hashable, Sendable { case next, previous, submit, cancel }

    static let listKeymap = Keymap<ListAction>([
        KeyBinding([.enter], .open, label: "followUps.key.open", help: "followUps.help.open"),
        KeyBinding([.char("a")], .add, label: "key.new", help: "followUps.help.add"),
        KeyBinding([.char("/")], .search, label: "key.search", help: "followUps.help.search"),
        KeyBinding([.char("m")], .mine, label: "followUps.key.mine", help: "followUps.help.mine"),
        KeyBinding([.char("t")], .type, label: "followUps.key.type", help: "followUps.help.type"),
        KeyBinding([.char("v")], .village, label: "followUps.key.village", help: "followUps.help.village"),
        KeyBinding([.char("c")], .closed, label: "followUps.key.closed", help: "followUps.help.closed"),
        KeyBinding([.up], .up, label: "key.prev", help: "help.moveUpDown", showsInBar: false),
        KeyBinding([.down], .down, label: "key.next", help: "help.moveUpDown", showsInBar: false),
        KeyBinding([.pageUp], .pageUp, label: "key.prevPage", help: "help.page", showsInBar: false),
        KeyBinding([.pageDown], .pageDown, label: "key.nextPage", help: "help.page", showsInBar: false),
        KeyBinding([.home], .home, label: "key.prev", help: "help.homeEnd", showsInBar: false),
        KeyBinding([.end], .end, label: "key.next", help: "help.homeEnd", showsInBar: false),
        KeyBinding([.escape], .back, label: "key.back", help: "followUps.help.back"),
        KeyBinding([.char("p")], .progress, label: "followUps.key.progress", help: "followUps.help.progress",
                   showsInBar: false),
        KeyBinding([.char("x")], .close, label: "followUps.key.close", help: "followUps.help.close", showsInBar: false),
        KeyBinding([.char("z")], .cancel, label: "followUps.key.cancel", help: "followUps.help.cancel",
                   showsInBar: false),
    ])

    static let searchKeymap = Keymap<SearchAction>([
        KeyBinding([.enter, .down], .leave, label: "key.enter", help: "followUps.help.searchLeave"),
        KeyBinding([.escape], .clear, label: "roster.key.clearSearch", help: "followUps.help.searchClear"),
    ])

    static let detailKeymap = Keymap<DetailAction>([
        KeyBinding([.char("p")], .progress, label: "followUps.key.progress", help: "followUps.help.progress"),
        KeyBinding([.char("x")], .close, label: "followUps.key.close", help: "followUps.help.close"),
        KeyBinding([.char("z")], .cancel, label: "followUps.key.cancel", help: "followUps.help.cancel"),
        KeyBinding([.char("e")], .edit, label: "key.edit", help: "followUps.help.edit"),
        KeyBinding([.char("o")], .elder, label: "followUps.key.elder", help: "followUps.help.elder"),
        KeyBinding([.escape], .back, label: "key.back", help: "followUps.help.backToList"),
    ])

    static let formKeymap = Keymap<FormAction>([
        KeyBinding([.ctrl("s"), .function(10)], .submit, label: "key.save", help: "followUps.help.submit"),
        KeyBinding([.tab, .down, .enter], .next, label: "key.next", help: "followUps.help.nextField"),
        KeyBinding([.backTab, .up], .previous, label: "key.prev", help: "help.prev"),
        KeyBinding([.escape], .cancel, label: "key.back", help: "followUps.help.formCancel"),
    ])

    /// Rows moved by PageUp/PageDown.
    static let pageRows = 10
    /// Rows asked for at a time: the county queue has tens of thousands of open follow-ups, so the
    /// screen reads a window and the counts, and the next window when the selection nears its end.
    public static let pageSize = 60
    static let wideWidth = 110

    /// The closing form: what was done, when, by whom; or a cancellation's reason alone.
    struct ClosingForm: Hashable, Sendable {
        var followUpID: UUID
        var cancelling: Bool
        var action = TextFieldState(maxLength: 200)
        var when = TextFieldState(maxLength: 20)
        var by: TextFieldState
        var field = 0
        var error: FormMessage?
        var saving = false
        /// Esc was pressed once over typed text: a second Esc leaves it.
        var escapeArmed = false

        var fieldCount: Int { cancelling ? 1 : 3 }
    }

    /// A catalog key and its arguments.
    struct FormMessage: Hashable, Sendable {
        var key: String
        var args: [String]

        init(_ key: String, _ args: [String]) {
            self.key = key
            self.args = args
        }
    }

    enum Mode: Hashable, Sendable {
        case list
        case detail(UUID)
        case form(ClosingForm)
        case adding(AddForm)
    }

    public let elderID: UUID?

    /// A closing, a cancellation or a new follow-up typed but not saved: Ctrl-Q asks first, as Esc does.
    public var unsavedOnQuitKey: String? {
        switch mode {
        case .form(let form) where !form.action.text.trimmingCharacters(in: .whitespaces).isEmpty:
            "followUps.unsavedQuit"
        case .adding(let form) where form.changed:
            "followUps.unsavedQuit"
        default: nil
        }
    }

    var mine: Bool?
    var type: FollowUpType?
    var villageID: UUID?
    var includeClosed = false
    /// The first rows of the queue as ordered by the ledger (a prefix: more are read on scrolling).
    var rows: [FollowUpRow] = []
    /// Rows in the whole queue (with the search) and how many are overdue.
    var total = 0
    var overdueCount = 0
    var loadingMore = false
    /// A save or close was sent and its answer has not come back (a refusal reloads the list).
    var savePending = false
    /// A dialog's save was refused: the list is read again when the dialog is left.
    var reloadWhenDialogLeft = false
    var loaded = false
    var error: String?
    var table = TableState()
    var mode: Mode = .list
    var search = TextFieldState(maxLength: 40)
    var searching = false
    /// The elder's file, asked for when adding (for the responsible visitor and the village).
    var elderFile: ElderFile?

    /// Opened to add one (the elder file's `a`): the form comes up once, at the first start.
    var startsAdding: Bool

    public init(elderID: UUID?, adding: Bool = false) {
        self.elderID = elderID
        self.startsAdding = adding
    }

    public var titleKey: String { "followUps.title" }
    public mutating func dayChanged(env: AppEnvironment) -> [ScreenCommand] { reload(env: env) }
    public var capturesText: Bool {
        switch mode {
        case .form, .adding: true
        case .list: searching
        case .detail: false
        }
    }

    public func keyHints(env: AppEnvironment) -> [KeyHint] {
        switch mode {
        case .list:
            searching ? Self.searchKeymap.hints(env.strings)
                // The add key only where it adds: one elder's queue, for a role that may edit (pressing
                // it elsewhere explains why).
                : zip(Self.listKeymap.bindings, Self.listKeymap.hints(env.strings))
                    .filter { (env.canEdit && elderID != nil) || $0.0.action != .add }.map(\.1)
        case .detail(let id):
            // A closed one, or a read-only role: only what can be done (see the elder, go back).
            zip(Self.detailKeymap.bindings, Self.detailKeymap.hints(env.strings))
                .filter { b, _ in
                    [.elder, .back].contains(b.action) || (env.canEdit && (row(id)?.followUp.status.isOpen ?? false))
                }.map(\.1)
        case .form, .adding: Self.formKeymap.hints(env.strings)
        }
    }

    func query(env: AppEnvironment) -> FollowUpQuery {
        // One elder's queue reads only their follow-ups, not the county's.
        FollowUpQuery(scope: env.scope, ownerID: (mine ?? false) ? env.user?.visitorID : nil, type: type,
                      villageID: villageID, includeClosed: includeClosed, elderID: elderID,
                      search: search.text.trimmingCharacters(in: .whitespaces), limit: Self.pageSize)
    }

    /// The first window again (filters or search changed, or a follow-up was saved).
    mutating func reload(env: AppEnvironment) -> [ScreenCommand] {
        loadingMore = false
        return [.request(.followUps(query(env: env)))]
    }

    /// Asks for the next window when the selection comes near the end of the rows read.
    mutating func loadMoreIfNeeded(env: AppEnvironment) -> [ScreenCommand] {
        guard loaded, !loadingMore, rows.count < total, let selected = table.selected,
              selected >= rows.count - Self.pageRows else { return [] }
        loadingMore = true
        return [.request(.followUps(query(env: env).from(rows.count)))]
    }

    public mutating func start(env: AppEnvironment) -> [ScreenCommand] {
        if mine == nil {
            // A grid worker's queue is their own; one elder's queue shows everyone's.
            mine = elderID == nil && env.user?.role == .gridWorker && env.user?.visitorID != nil
        }
        var commands = reload(env: env)
        if startsAdding {
            startsAdding = false
            commands += startAdding(env: env)
        } else if let elderID, elderFile == nil {
            // One elder's queue names them even before any follow-up is listed (the name comes with the file).
            commands.append(.request(.elderFile(elderID)))
        }
        return commands
    }

    func row(_ id: UUID) -> FollowUpRow? { rows.first { $0.followUp.id == id } }

    // MARK: - Keys

    public mutating func handle(_ key: Key, env: AppEnvironment) -> [ScreenCommand] {
        switch mode {
        case .list: return searching ? handleSearch(key, env: env) : handleList(key, env: env)
        case .detail(let id): return handleDetail(key, id: id, env: env)
        case .form(var form):
            let commands = handleForm(key, form: &form, env: env)
            if case .form = mode { mode = .form(form) }
            return commands
        case .adding(var form):
            let commands = handleAdd(key, form: &form, env: env)
            if case .adding = mode { mode = .adding(form) }
            return commands
        }
    }

    mutating func handleSearch(_ key: Key, env: AppEnvironment) -> [ScreenCommand] {
        let (changed, commands) = ScreenSearch.edit(key, action: Self.searchKeymap.action(for: key),
                                                    search: &search, searching: &searching)
        guard changed else { return commands }
        table = TableState()
        return commands + reload(env: env)
    }

    mutating func handleList(_ key: Key, env: AppEnvironment) -> [ScreenCommand] {
        guard let action = Self.listKeymap.action(for: key) else { return [] }
        let visible = Self.pageRows
        switch action {
        case .open:
            guard let index = table.selected, index < rows.count else { return [] }
            mode = .detail(rows[index].followUp.id)
            return []
        case .add:
            return startAdding(env: env)
        case .progress, .close, .cancel:
            // As in the detail: in progress stays on the list; close and cancel open their form.
            guard let index = table.selected, index < rows.count else { return [] }
            let id = rows[index].followUp.id
            mode = .detail(id)
            let commands = handleDetail(key, id: id, env: env)
            if case .detail = mode { mode = .list }
            return commands
        case .search:
            searching = true
            return []
        case .mine:
            guard env.user?.visitorID != nil else {
                return [.status(key: "followUps.noVisitor", args: [], tone: .warning)]
            }
            mine = !(mine ?? false)
        case .type:
            let all = FollowUpType.allCases
            if let type, let i = all.firstIndex(of: type) {
                self.type = i + 1 < all.count ? all[i + 1] : nil
            } else {
                type = all.first
            }
        case .village:
            let villages = env.villagesInScope.map(\.id)
            if let villageID, let i = villages.firstIndex(of: villageID) {
                self.villageID = i + 1 < villages.count ? villages[i + 1] : nil
            } else {
                villageID = villages.first
            }
        case .closed:
            includeClosed.toggle()
        case .up: table.move(by: -1, rowCount: rows.count, visibleRows: visible); return loadMoreIfNeeded(env: env)
        case .down: table.move(by: 1, rowCount: rows.count, visibleRows: visible); return loadMoreIfNeeded(env: env)
        case .pageUp:
            table.move(by: -Self.pageRows, rowCount: rows.count, visibleRows: visible)
            return loadMoreIfNeeded(env: env)
        case .pageDown:
            table.move(by: Self.pageRows, rowCount: rows.count, visibleRows: visible)
            return loadMoreIfNeeded(env: env)
        case .home: table.select(0, rowCount: rows.count, visibleRows: visible); return []
        case .end:
            table.select(rows.count - 1, rowCount: rows.count, visibleRows: visible)
            return loadMoreIfNeeded(env: env)
        case .back:
            // Esc clears the search before it leaves the screen.
            guard search.isEmpty else {
                search.setText("")
                table = TableState()
                return reload(env: env)
            }
            return [.back]
        }
        // A filter changed: reload from the first row.
        table = TableState()
        return reload(env: env)
    }

    mutating func handleDetail(_ key: Key, id: UUID, env: AppEnvironment) -> [ScreenCommand] {
        guard let action = Self.detailKeymap.action(for: key) else { return [] }
        guard let row = row(id) else { mode = .list; return [] }
        let followUp = row.followUp
        switch action {
        case .back:
            mode = .list
            return []
        case .elder:
            return [.open(.elderFile(followUp.elderID))]
        case .edit:
            // Another owner, a later due day or a fuller description: the same follow-up, not a
            // cancelled one and a new one.
            guard env.canEdit else { return [.status(key: "followUps.readOnly", args: [], tone: .warning)] }
            guard followUp.status.isOpen else { return [.status(key: "followUps.alreadyClosed", args: [], tone: .warning)] }
            var form = AddForm(elderID: followUp.elderID)
            form.type = followUp.type
            form.ownerID = followUp.ownerID
            form.ownerTouched = true
            form.due = TextFieldState(followUp.due.description, maxLength: 20)
            form.detail = TextFieldState(followUp.detail, maxLength: 200)
            form.field = 1
            form.editing = followUp
            mode = .adding(form)
            return elderFile?.elder.id == followUp.elderID ? [] : [.request(.elderFile(followUp.elderID))]
        case .progress, .close, .cancel:
            guard env.canEdit else { return [.status(key: "followUps.readOnly", args: [], tone: .warning)] }
            guard followUp.status.isOpen else {
                return [.status(key: "followUps.alreadyClosed", args: [], tone: .warning)]
            }
            switch action {
            case .progress:
                guard followUp.status == .open else {
                    return [.status(key: "followUps.alreadyInProgress", args: [], tone: .info)]
                }
                var changed = followUp
                changed.status = .inProgress
                savePending = true
                return [.request(.saveFollowUp(changed))]
            default:
                mode = .form(ClosingForm(followUpID: id, cancelling: action == .cancel,
                                         by: TextFieldState(env.user?.name ?? "", maxLength: 40)))
                return []
            }
        }
    }

    mutating func handleForm(_ key: Key, form: inout ClosingForm, env: AppEnvironment) -> [ScreenCommand] {
        guard !form.saving else { return [] }
        if let action = Self.formKeymap.action(for: key) {
            switch action {
            case .cancel:
                // What was done, typed and not saved, is not dropped at one Esc (as in the elder form).
                if !form.action.isEmpty && !form.escapeArmed {
                    form.escapeArmed = true
                    return [.status(key: "followUps.formUnsavedEsc", args: [], tone: .warning)]
                }
                mode = .detail(form.followUpID)
                if reloadWhenDialogLeft {
                    reloadWhenDialogLeft = false
                    return reload(env: env)
                }
                return []
            case .previous:
                form.field = max(0, form.field - 1)
                return []
            case .next:
                guard form.field + 1 < form.fieldCount else { return submit(&form, env: env) }
                form.field += 1
                return []
            case .submit:
                return submit(&form, env: env)
            }
        }
        switch form.field {
        case 0: _ = form.action.handle(key)
        case 1: _ = form.when.handle(key)
        default: _ = form.by.handle(key)
        }
        form.error = nil
        form.escapeArmed = false
        return []
    }

    /// Checks the form and sends the closing (or cancellation) to the ledger.
    mutating func submit(_ form: inout ClosingForm, env: AppEnvironment) -> [ScreenCommand] {
        guard let row = row(form.followUpID) else { mode = .list; return [] }
        let action = form.action.text.trimmingCharacters(in: .whitespaces)
        guard !action.isEmpty else {
            form.error = FormMessage(form.cancelling ? "followUps.form.reasonRequired" : "followUps.form.actionRequired", [])
            form.field = 0
            return []
        }
        var at = env.now
        if !form.cancelling {
            guard let parsed = Self.parseWhen(form.when.text, now: env.now) else {
                form.error = FormMessage("followUps.form.badTime", [form.when.text])
                form.field = 1
                return []
            }
            guard parsed <= env.now else {
                form.error = FormMessage("followUps.form.future", [parsed.description])
                form.field = 1
                return []
            }
            guard parsed >= row.followUp.openedAt else {
                form.error = FormMessage("followUps.form.beforeOpened", [row.followUp.openedAt.description])
                form.field = 1
                return []
            }
            at = parsed
        }
        let by = form.by.text.trimmingCharacters(in: .whitespaces)
        guard !by.isEmpty else {
            form.error = FormMessage("followUps.form.byRequired", [])
            form.field = 2
            return []
        }
        form.saving = true
        savePending = true
        return [.request(.closeFollowUp(id: form.followUpID, closing: ClosingRecord(action: action, at: at, by: by),
                                        status: form.cancelling ? .cancelled : .done))]
    }

    /// Reads a closing time: empty means now; `t` (today), `1123` (this year), `20261123` or
    /// `2026-11-23`, optionally followed by a time `1430` or `14:30`. A date without a time takes
    /// the current time of day.
    static func parseWhen(_ text: String, now: LocalDateTime) -> LocalDateTime? {
        var normalized = ""
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0xFF10...0xFF19: normalized.unicodeScalars.append(Unicode.Scalar(scalar.value - 0xFF10 + 0x30)!)
            case 0xFF1A: normalized.append(":")
            case 0x3000: normalized.append(" ")
            default: normalized.unicodeScalars.append(scalar)
            }
        }
        let parts = normalized.split(whereSeparator: \.isWhitespace).map(String.init)
        guard !parts.isEmpty else { return now }
        guard parts.count <= 2 else { return nil }
        let today = now.date
        let date: LocalDate?
        let first = parts[0].lowercased()
        switch first {
        case "t", "today", "今", "今天": date = today
        case "y", "昨", "昨天": date = today.adding(days: -1)
        default:
            if first.count == 4, first.allSatisfy({ $0.isASCII && $0.isNumber }), let v = Int(first) {
                date = LocalDate(year: today.year, month: v / 100, day: v % 100)
            } else {
                date = LocalDate(first)
            }
        }
        guard let date else { return nil }
        guard parts.count == 2 else { return LocalDateTime(date: date, hour: now.hour, minute: now.minute) }
        let time = parts[1]
        let hm: [Int]
        if time.contains(":") {
            hm = time.split(separator: ":").compactMap { Int($0) }
            guard hm.count == 2 else { return nil }
        } else {
            guard (3...4).contains(time.count), time.allSatisfy({ $0.isASCII && $0.isNumber }), let v = Int(time) else { return nil }
            hm = [v / 100, v % 100]
        }
        return LocalDateTime(date: date, hour: hm[0], minute: hm[1])
    }

    // MARK: - Responses

    public mutating func receive(_ response: DataResponse, env: AppEnvironment) -> [ScreenCommand] {
        switch response {
        case .followUps(let page):
            // An answer to a question no longer asked (a search typed on, a filter changed) is dropped.
            guard page.query.from(0) == query(env: env) else { return [] }
            if page.query.offset == 0 {
                loaded = true
                error = nil
                loadingMore = false
                rows = page.rows
                total = page.total ?? page.rows.count
                overdueCount = page.overdue ?? page.rows.count(where: { $0.followUp.isOverdue(now: env.now) })
            } else if page.query.offset == rows.count, loadingMore {
                loadingMore = false
                rows += page.rows
            } else {
                return []
            }
            table.clamp(rowCount: rows.count, visibleRows: Self.pageRows)
            if case .detail(let id) = mode, row(id) == nil { mode = .list }
            return loadMoreIfNeeded(env: env)
        case .followUpSaved(let followUp) where isAdding:
            savePending = false
            var edited = false
            if case .adding(let form) = mode { edited = form.editing != nil }
            mode = edited ? .detail(followUp.id) : .list
            let type = env.strings["followup.type.\(followUp.type.rawValue)"]
            return reload(env: env) + [.status(key: edited ? "followUps.edit.saved" : "followUps.add.saved", args: [type],
                                              tone: .success)]
        case .elderFile(let file):
            receiveElderFile(file, env: env)
            return []
        case .followUpSaved(let followUp):
            savePending = false
            let key: String = switch followUp.status {
            case .inProgress: "followUps.savedInProgress"
            case .done: "followUps.savedDone"
            case .cancelled: "followUps.savedCancelled"
            case .open: "status.saved"
            }
            mode = followUp.status.isOpen ? .detail(followUp.id) : .list
            return reload(env: env) + [.status(key: key, args: [], tone: .success)]
        case .failed(let message):
            loadingMore = false
            // A save refused (closed meanwhile from another screen): the list shows how things stand now;
            // from a dialog, once it is left (the refusal is read in it, which reloading would hide).
            let inDialog: Bool = switch mode { case .form, .adding: true; default: false }
            let refresh = savePending && loaded && !inDialog ? reload(env: env) : []
            if savePending && inDialog { reloadWhenDialogLeft = true }
            savePending = false
            if case .form(var form) = mode {
                form.saving = false
                form.error = FormMessage("status.error", [message])
                mode = .form(form)
            } else if case .adding(var form) = mode {
                form.saving = false
                form.error = FormMessage("status.error", [message])
                mode = .adding(form)
            } else if !loaded {
                loaded = true
                error = message
            }
            return refresh + [.status(key: "status.error", args: [message], tone: .error)]
        default:
            return []
        }
    }

    // MARK: - Rendering

    /// A user of one village (a clerk, a grid worker) has no village to tell apart: its column
    /// goes to the names (three 阿米娜·… read alike at 80 columns).
    static func showsVillage(_ env: AppEnvironment) -> Bool { env.villagesInScope.count != 1 }

    func columns(env: AppEnvironment, wide: Bool) -> [TableColumn] {
        let s = env.strings
        let village = Self.showsVillage(env)
        return [
            TableColumn(s["followUps.col.due"], minWidth: wide ? 16 : 11),
            TableColumn(s["followUps.col.type"], minWidth: 12, flex: 1, maxWidth: 20),
            TableColumn(s["followUps.col.elder"], minWidth: village ? 8 : 14, flex: 1, maxWidth: village ? 12 : 18),
        ] + (village ? [TableColumn(s["followUps.col.village"], minWidth: 8, flex: 1, maxWidth: 14)] : []) + [
            TableColumn(s["followUps.col.owner"], minWidth: 6, flex: 1, maxWidth: 12),
            TableColumn(s["followUps.col.status"], minWidth: wide ? 11 : 6),
            // Room for three-digit days late in either language (364 d late was cut).
            TableColumn(s["followUps.col.late"], minWidth: max(9, s.format("files.lateDays", "999").displayWidth)),
            TableColumn(s["followUps.col.detail"], minWidth: 8, flex: 4),
        ]
    }

    func cells(_ row: FollowUpRow, env: AppEnvironment, wide: Bool) -> [String] {
        let s = env.strings
        let f = row.followUp
        // At 80 columns the year is left out, except for another year's (11-18 read as this year's).
        let due = wide ? f.due.description
            : f.due.date.year == env.today.year ? ScreenText.monthDayTime(f.due) : f.due.date.description
        let late = f.status.isOpen ? ScreenText.lateness(due: f.due, now: env.now, strings: s) : nil
        return [due, s["followup.type.\(f.type.rawValue)"], row.elderName]
            + (Self.showsVillage(env) ? [row.villageName] : [])
            + [row.ownerName ?? s["files.none"], s["files.followUpStatus.\(f.status.rawValue)"], late ?? "", env.storedText(f.detail)]
    }

    public func render(into grid: inout Grid, area: Rect, env: AppEnvironment) -> CursorPosition? {
        guard !area.isEmpty else { return nil }
        let s = env.strings
        let wide = area.width >= Self.wideWidth
        // Filter line, then the counts on the right.
        let all = s["followUps.filter.all"]
        var filters: [String] = []
        if let elderID {
            // One elder's queue: say whose (the name comes with the rows).
            let name = elderName(elderID) ?? s["files.none"]
            filters.append(s.format("followUps.filter.elder", name))
        }
        filters += [
            s.format("followUps.filter.scope", (mine ?? false) ? s["followUps.filter.mine"] : all),
            s.format("followUps.filter.type", type.map { s["followup.type.\($0.rawValue)"] } ?? all),
            s.format("followUps.filter.village", villageID.map { env.placeName($0) } ?? all),
            s.format("followUps.filter.closed", s[includeClosed ? "files.yes" : "files.no"]),
        ]
        let overdue = overdueCount
        let counts = s.format("followUps.count", String(total), String(overdue))
        let countsWidth = counts.displayWidth
        grid.put(counts, x: area.maxX - countsWidth, y: area.y, style: overdue > 0 ? Style(fg: .red, bold: true) : .plain)
        grid.put(filters.joined(separator: "  "), x: area.x, y: area.y, style: Style(dim: true),
                 maxWidth: max(0, area.width - countsWidth - 3))
        var body = area.droppingTop(1)
        var cursor: CursorPosition?
        if searching || !search.isEmpty, !body.isEmpty {
            let labelWidth = grid.put(s["followUps.searchLabel"], x: body.x, y: body.y,
                                      style: searching ? Style(bold: true) : .plain, maxWidth: body.width)
            let field = Rect(x: body.x + labelWidth, y: body.y, width: max(0, body.width - labelWidth), height: 1)
            cursor = TextField.render(search, into: &grid, area: field,
                                      style: searching ? Style(underline: true) : .plain, focused: searching)
            body = body.droppingTop(1)
        }

        if let error {
            grid.put(s.format("status.error", error), x: body.x, y: body.y, style: Style(fg: .red, bold: true), maxWidth: body.width)
            return nil
        }
        guard loaded else {
            grid.put(s["status.loading"], x: body.x, y: body.y, style: Style(dim: true), maxWidth: body.width)
            return nil
        }
        var styles: [Int: Style] = [:]
        for (i, row) in rows.enumerated() where row.followUp.isOverdue(now: env.now) {
            styles[i] = Style(fg: .red, bold: true)
        }
        for (i, row) in rows.enumerated() where !row.followUp.status.isOpen {
            styles[i] = Style(dim: true)
        }
        let table = Table(columns: columns(env: env, wide: wide), rows: rows.map { cells($0, env: env, wide: wide) },
                          rowStyles: styles, emptyMessage: s[search.isEmpty ? "followUps.empty" : "followUps.noMatch"])
        table.render(into: &grid, area: body, state: self.table)
        // One elder with nothing open: say how to add a follow-up by hand.
        if elderID != nil, env.canEdit, !self.rows.contains(where: { $0.followUp.status.isOpen }) {
            let y = body.y + 2 + max(1, rows.count)
            if y < body.maxY {
                grid.put(s["followUps.add.hint"], x: body.x, y: y, style: Style(bold: true), maxWidth: body.width)
            }
        }

        switch mode {
        case .list:
            return cursor
        case .adding(let form):
            return renderAdd(form, into: &grid, area: body, env: env)
        case .detail(let id):
            guard let row = row(id) else { return nil }
            renderDetail(row, into: &grid, area: body, env: env)
            return nil
        case .form(let form):
            guard let row = row(form.followUpID) else { return nil }
            return renderForm(form, row: row, into: &grid, area: body, env: env)
        }
    }

    /// A centred panel over the list, cleared first.
    static func panelWidth(_ area: Rect) -> Int { min(area.width, max(40, min(76, area.width - 4))) }

    func panel(_ title: String, lines: Int, into grid: inout Grid, area: Rect) -> Rect {
        let width = Self.panelWidth(area)
        let height = min(area.height, lines + 2)
        let rect = Rect(x: area.x + (area.width - width) / 2, y: area.y + max(0, (area.height - height) / 2),
                        width: width, height: height)
        grid.fill(rect)
        return Box(title: title).render(into: &grid, area: rect).insetBy(dx: 1, dy: 0)
    }

    func detailLines(_ row: FollowUpRow, env: AppEnvironment, width: Int) -> [(String, String, Style)] {
        let s = env.strings
        let f = row.followUp
        var lines: [(String, String, Style)] = [
            (s["followUps.col.type"], s["followup.type.\(f.type.rawValue)"], Style(bold: true)),
            (s["followUps.col.elder"], row.elderName + "  " + row.villageName, .plain),
            (s["followUps.col.owner"], row.ownerName ?? s["files.none"], .plain),
            (s["followUps.label.opened"], f.openedAt.description, .plain),
        ]
        let late = f.status.isOpen ? ScreenText.lateness(due: f.due, now: env.now, strings: s) : nil
        lines.append((s["followUps.col.due"], f.due.description + (late.map { "  " + $0 } ?? ""),
                      late == nil ? .plain : Style(fg: .red, bold: true)))
        lines.append((s["followUps.col.status"], s["files.followUpStatus.\(f.status.rawValue)"], .plain))
        // Wrapped at the width the panel gives values: its labels include those below (处置情况
        // is wider than the ones above, and a line wrapped for less lost its last character).
        let labelWidth = (lines.map(\.0) + [s["followUps.col.detail"], s["followUps.label.closing"]]).map(\.displayWidth).max() ?? 0
        let valueWidth = max(1, width - labelWidth - 2)
        let detail = f.detail.isEmpty ? s["files.none"] : env.storedText(f.detail)
        for (i, part) in TextWrap.lines(detail, width: valueWidth).enumerated() {
            lines.append((i == 0 ? s["followUps.col.detail"] : "", part, .plain))
        }
        if let closing = f.closing {
            for (i, part) in TextWrap.lines(env.storedText(closing.action), width: valueWidth).enumerated() {
                lines.append((i == 0 ? s["followUps.label.closing"] : "", part, .plain))
            }
            lines.append(("", s.format("followUps.label.closedBy", closing.at.description, closing.by), .plain))
        }
        return lines
    }

    func renderDetail(_ row: FollowUpRow, into grid: inout Grid, area: Rect, env: AppEnvironment) {
        // As wide as the panel's inside (its border and margins take four columns): counted for a wider
        // one, a long description's last line fell below the panel.
        let probe = detailLines(row, env: env, width: Self.panelWidth(area) - 4)
        let inner = panel(env.strings["followUps.detailTitle"], lines: probe.count, into: &grid, area: area)
        let lines = detailLines(row, env: env, width: inner.width)
        let labelWidth = lines.map { $0.0.displayWidth }.max() ?? 0
        for (i, line) in lines.prefix(inner.height).enumerated() {
            grid.put(line.0, x: inner.x, y: inner.y + i, style: Style(dim: true), maxWidth: labelWidth)
            grid.put(line.1, x: inner.x + labelWidth + 2, y: inner.y + i, style: line.2,
                     maxWidth: max(0, inner.width - labelWidth - 2))
        }
    }

    func renderForm(_ form: ClosingForm, row: FollowUpRow, into grid: inout Grid, area: Rect,
                    env: AppEnvironment) -> CursorPosition? {
        let s = env.strings
        let title = s.format(form.cancelling ? "followUps.form.cancelTitle" : "followUps.form.closeTitle",
                             s["followup.type.\(row.followUp.type.rawValue)"], row.elderName)
        let fields: [(String, TextFieldState, String?)] = form.cancelling
            ? [(s["followUps.form.reason"], form.action, nil)]
            : [(s["followUps.form.action"], form.action, nil),
               (s["followUps.form.when"], form.when, s.format("followUps.form.whenHint", env.now.description)),
               (s["followUps.form.by"], form.by, nil)]
        let inner = panel(title, lines: fields.count * 2 + 1, into: &grid, area: area)
        let labelWidth = fields.map { $0.0.displayWidth }.max() ?? 0
        var cursor: CursorPosition?
        for (i, field) in fields.enumerated() {
            let y = inner.y + i * 2
            guard y < inner.maxY else { break }
            grid.put(field.0, x: inner.x, y: y, style: Style(bold: form.field == i), maxWidth: labelWidth)
            let fieldRect = Rect(x: inner.x + labelWidth + 2, y: y, width: max(0, inner.width - labelWidth - 2), height: 1)
            let c = TextField.render(field.1, into: &grid, area: fieldRect, focused: form.field == i)
            if form.field == i { cursor = c }
            if let hint = field.2, y + 1 < inner.maxY {
                grid.put(hint, x: fieldRect.x, y: y + 1, style: Style(dim: true), maxWidth: fieldRect.width)
            }
        }
        let messageY = inner.y + fields.count * 2
        if messageY < inner.maxY {
            if let error = form.error {
                grid.put(s.format(error.key, error.args), x: inner.x, y: messageY, style: Style(fg: .red, bold: true),
                         maxWidth: inner.width)
            } else if form.saving {
                grid.put(s["status.loading"], x: inner.x, y: messageY, style: Style(dim: true), maxWidth: inner.width)
            }
        }
        return cursor
    }
}

// MARK: - A new follow-up by hand

extension FollowUpsScreen {
    /// The form for a follow-up entered by hand (DOMAIN.md §5): type and owner picked by number,
    /// a due date in the short forms of `parseDue`, and what is to be done.
    struct AddForm: Hashable, Sendable {
        static let fieldCount = 4

        var elderID: UUID
        var type: FollowUpType?
        var ownerID: UUID?
        /// Once the owner is picked by hand, the elder's file no longer fills it in.
        var ownerTouched = false
        var due = TextFieldState(maxLength: 20)
        var detail = TextFieldState(maxLength: 200)
        var field = 0
        var error: FormMessage?
        var saving = false
        /// The open follow-up being changed (`e` in its detail): its type stays.
        var editing: FollowUp?
        /// Esc was pressed once over what was typed: a second Esc leaves it.
        var escapeArmed = false
        /// The due date shown is selected: the first key typed replaces it (moving into it with a value).
        var dueSelected = false

        /// Something typed or chosen that saving would keep.
        var changed: Bool {
            editing.map { f in ownerID != f.ownerID || due.text != f.due.description || detail.text != f.detail }
                ?? (type != nil || !detail.text.trimmingCharacters(in: .whitespaces).isEmpty)
        }
    }

    var isAdding: Bool {
        if case .adding = mode { return true }
        return false
    }

    /// The elder's name, from the file or the rows.
    func elderName(_ id: UUID) -> String? {
        elderFile?.elder.name ?? rows.first { $0.followUp.elderID == id }?.elderName
    }

    /// Who the owner is picked from: the visitors of the elder's village (all visitors when the
    /// village is unknown or has none), with the current owner kept in the list. Of the grid
    /// workers, only the elder's own: a grid worker sees the elders assigned to her, and another's
    /// follow-up would never reach her queue.
    func ownerChoices(_ form: AddForm, env: AppEnvironment) -> [Visitor] {
        let file = elderFile.flatMap { $0.elder.id == form.elderID ? $0 : nil }
        let villageID = file?.elder.villageID ?? rows.first { $0.followUp.elderID == form.elderID }
            .flatMap { row in env.villagesInScope.first { $0.name == row.villageName }?.id }
        var list = env.visitors.filter { villageID != nil && $0.placeID == villageID }
        if list.isEmpty { list = env.visitors }
        if let file {
            list.removeAll { $0.role == .gridWorker && $0.id != file.elder.visitorID }
        }
        if let owner = form.ownerID, !list.contains(where: { $0.id == owner }),
           let visitor = env.visitors.first(where: { $0.id == owner }) {
            list.append(visitor)
        }
        return list
    }

    mutating func startAdding(env: AppEnvironment) -> [ScreenCommand] {
        guard let elderID else { return [.status(key: "followUps.add.fromFile", args: [], tone: .info)] }
        guard env.canEdit else { return [.status(key: "followUps.readOnly", args: [], tone: .warning)] }
        var form = AddForm(elderID: elderID)
        // The elder's responsible visitor; until the file arrives, whoever owns their latest follow-up.
        form.ownerID = elderFile?.elder.visitorID ?? rows.filter { $0.followUp.elderID == elderID }
            .max { $0.followUp.openedAt < $1.followUp.openedAt }?.followUp.ownerID
        mode = .adding(form)
        return elderFile == nil ? [.request(.elderFile(elderID))] : []
    }

    mutating func receiveElderFile(_ file: ElderFile?, env: AppEnvironment) {
        var forForm = false
        if case .adding(let form) = mode, form.editing != nil { forForm = file?.elder.id == form.elderID }
        guard let file, file.elder.id == elderID || forForm else { return }
        elderFile = file
        if case .adding(var form) = mode, !form.ownerTouched, let visitor = file.elder.visitorID {
            form.ownerID = visitor
            mode = .adding(form)
        }
    }

    mutating func handleAdd(_ key: Key, form: inout AddForm, env: AppEnvironment) -> [ScreenCommand] {
        guard !form.saving else { return [] }
        if let action = Self.formKeymap.action(for: key) {
            if action != .cancel { form.escapeArmed = false }
            switch action {
            case .cancel:
                // What was typed is not dropped at one Esc (as in the closing form).
                if form.changed && !form.escapeArmed {
                    form.escapeArmed = true
                    return [.status(key: "followUps.addUnsavedEsc", args: [], tone: .warning)]
                }
                mode = form.editing.map { .detail($0.id) } ?? .list
            case .previous:
                form.field = max(0, form.field - 1)
            case .next:
                guard form.field + 1 < AddForm.fieldCount else { return submitAdd(&form, env: env) }
                form.field += 1
            case .submit:
                return submitAdd(&form, env: env)
            }
            form.dueSelected = form.field == 2 && !form.due.text.isEmpty
            return []
        }
        form.error = nil
        form.escapeArmed = false
        switch form.field {
        case 0, 1:
            // Digits pick from the numbered list under the field.
            guard case .char(let ch) = key else { return [] }
            let count = form.field == 0 ? FollowUpType.allCases.count : ownerChoices(form, env: env).count
            guard let n = ch.wholeNumberValue, n <= count, form.field == 1 || n >= 1 else {
                form.error = FormMessage("followUps.add.pickNumber", [form.field == 0 ? "1" : "0", String(count)])
                return []
            }
            if form.field == 0 {
                guard form.editing == nil else {
                    form.error = FormMessage("followUps.edit.typeFixed", [])
                    return []
                }
                form.type = FollowUpType.allCases[n - 1]
            } else {
                form.ownerID = n == 0 ? nil : ownerChoices(form, env: env)[n - 1].id
                form.ownerTouched = true
            }
        case 2:
            if form.dueSelected {
                form.dueSelected = false
                switch key {
                case .char, .backspace, .delete: form.due.setText("")
                default: break
                }
            }
            if !form.due.handle(key), case .char = key {
                form.error = FormMessage("field.tooLong", [String(form.due.maxLength ?? 0)])
            }
        default:
            if !form.detail.handle(key), case .char = key {
                form.error = FormMessage("field.tooLong", [String(form.detail.maxLength ?? 0)])
            }
        }
        return []
    }

    mutating func submitAdd(_ form: inout AddForm, env: AppEnvironment) -> [ScreenCommand] {
        guard let type = form.type else {
            form.error = FormMessage("followUps.add.typeRequired", [])
            form.field = 0
            return []
        }
        guard var due = Self.parseDue(form.due.text, now: env.now) else {
            form.error = FormMessage("followUps.add.badDue", [form.due.text])
            form.field = 2
            return []
        }
        if let original = form.editing {
            // Nothing changed: nothing to write (it still said 已修改, with an audit row).
            guard form.changed else {
                mode = .detail(original.id)
                return []
            }
            // A day typed alone keeps the follow-up's time of day, not the clock's.
            if form.due.text != original.due.description,
               form.due.text.split(whereSeparator: \.isWhitespace).count == 1 {
                due = LocalDateTime(date: due.date, hour: original.due.hour, minute: original.due.minute)!
            }
            // Lateness is a fact: an overdue follow-up keeps its due day (moving it hid months of
            // lateness from the reports and the red flags); its owner and description may change.
            if original.due < env.now, due != original.due {
                form.error = FormMessage("followUps.edit.overdueKeepsDue", [original.due.description])
                form.field = 2
                return []
            }
        }
        // A changed owner or description keeps a due day already past; a new due day is not in the past.
        guard due >= env.now || due == form.editing?.due else {
            form.error = FormMessage("followUps.add.duePast", [due.description])
            form.field = 2
            return []
        }
        let detail = form.detail.text.trimmingCharacters(in: .whitespaces)
        guard !detail.isEmpty else {
            form.error = FormMessage("followUps.add.detailRequired", [])
            form.field = 3
            return []
        }
        form.saving = true
        savePending = true
        if var changed = form.editing {
            changed.ownerID = form.ownerID
            changed.due = due
            changed.detail = detail
            return [.request(.saveFollowUp(changed))]
        }
        return [.request(.saveFollowUp(FollowUp(elderID: form.elderID, type: type, ownerID: form.ownerID,
                                                openedAt: env.now, due: due, status: .open, detail: detail)))]
    }

    /// Reads a due time: empty means in 7 days; `+7` is days from today; otherwise the forms of
    /// `parseWhen` (`t`, `1123`, `20261123`, `2026-11-23`), each optionally followed by `1430`.
    static func parseDue(_ text: String, now: LocalDateTime) -> LocalDateTime? {
        let parts = text.split(whereSeparator: \.isWhitespace).map(String.init)
        guard let first = parts.first else {
            return LocalDateTime(date: now.date.adding(days: 7), hour: now.hour, minute: now.minute)
        }
        guard first.hasPrefix("+") || first.hasPrefix("＋") else {
            if first.count == 8, first.allSatisfy({ $0.isASCII && $0.isNumber }) {
                // 20261123: rewritten so parseWhen reads it as a date.
                let iso = "\(first.prefix(4))-\(first.dropFirst(4).prefix(2))-\(first.suffix(2))"
                return parseWhen(([iso] + parts.dropFirst()).joined(separator: " "), now: now)
            }
            return parseWhen(text, now: now)
        }
        let digits = first.dropFirst()
        guard !digits.isEmpty, digits.count <= 4, digits.allSatisfy({ $0.wholeNumberValue != nil }) else { return nil }
        let days = digits.reduce(0) { $0 * 10 + ($1.wholeNumberValue ?? 0) }
        let date = now.date.adding(days: days)
        return parseWhen(([date.description] + parts.dropFirst()).joined(separator: " "), now: now)
    }

    /// Numbered choices laid out in lines of at most `width` columns, never splitting one.
    static func choiceLines(_ items: [String], width: Int) -> [String] {
        var lines: [String] = []
        var line = ""
        for item in items {
            if line.isEmpty {
                line = item
            } else if line.displayWidth + 2 + item.displayWidth <= width {
                line += "  " + item
            } else {
                lines.append(line)
                line = item
            }
        }
        if !line.isEmpty { lines.append(line) }
        return lines
    }

    func renderAdd(_ form: AddForm, into grid: inout Grid, area: Rect, env: AppEnvironment) -> CursorPosition? {
        let s = env.strings
        let labels = [s["followUps.col.type"], s["followUps.col.owner"], s["followUps.col.due"], s["followUps.col.detail"]]
        let labelWidth = labels.map(\.displayWidth).max() ?? 0
        let panelWidth = min(area.width, max(40, min(76, area.width - 4)))
        let valueWidth = max(1, panelWidth - 2 - labelWidth - 2)
        let owners = ownerChoices(form, env: env)
        let typeChoices = FollowUpType.allCases.enumerated().map { "\($0.offset + 1) " + s["followup.type.\($0.element.rawValue)"] }
        let ownerChoiceTexts = ["0 " + s["files.none"]] + owners.enumerated().map { "\($0.offset + 1) \($0.element.name)" }
        let defaultDue = Self.parseDue("", now: env.now)?.description ?? ""
        let hints: [[String]] = [
            // A follow-up changed keeps its type: no choices offered for it.
            form.editing == nil ? Self.choiceLines(typeChoices, width: valueWidth) : [s["followUps.edit.typeFixed"]],
            Self.choiceLines(ownerChoiceTexts, width: valueWidth),
            [s.format("followUps.add.dueHint", defaultDue)],
            [],
        ]
        let height = hints.reduce(0) { $0 + 1 + $1.count } + 1
        let name = elderName(form.elderID) ?? s["files.none"]
        let title = form.editing.map { s.format("followUps.edit.title", s["followup.type.\($0.type.rawValue)"], name) }
            ?? s.format("followUps.add.title", name)
        let inner = panel(title, lines: height, into: &grid, area: area)
        var y = inner.y
        var cursor: CursorPosition?
        for i in 0..<AddForm.fieldCount where y < inner.maxY {
            let focused = form.field == i
            grid.put(labels[i], x: inner.x, y: y, style: Style(bold: focused), maxWidth: labelWidth)
            let fieldRect = Rect(x: inner.x + labelWidth + 2, y: y, width: max(0, inner.width - labelWidth - 2), height: 1)
            switch i {
            case 0, 1:
                let value = i == 0
                    ? form.type.map { s["followup.type.\($0.rawValue)"] } ?? s["followUps.add.pick"]
                    : form.ownerID.map { env.visitorName($0) } ?? s["files.none"]
                let style = focused ? Style(bold: true, underline: true) : .plain
                let width = grid.put(value, x: fieldRect.x, y: y, style: style, maxWidth: fieldRect.width)
                if focused { cursor = CursorPosition(x: fieldRect.x + width, y: y) }
            case 2:
                let c = TextField.render(form.due, into: &grid, area: fieldRect,
                                         textStyle: focused && form.dueSelected ? Style(reverse: true, underline: true) : nil,
                                         focused: focused)
                if focused { cursor = c }
            default:
                let c = TextField.render(form.detail, into: &grid, area: fieldRect, focused: focused)
                if focused { cursor = c }
            }
            y += 1
            for hint in hints[i] where y < inner.maxY {
                grid.put(hint, x: fieldRect.x, y: y, style: Style(dim: true), maxWidth: fieldRect.width)
                y += 1
            }
        }
        if y < inner.maxY {
            if let error = form.error {
                grid.put(s.format(error.key, error.args), x: inner.x, y: y, style: Style(fg: .red, bold: true),
                         maxWidth: inner.width)
            } else if form.saving {
                grid.put(s["status.loading"], x: inner.x, y: y, style: Style(dim: true), maxWidth: inner.width)
            }
        }
        return cursor
    }
}

// MARK: - Searching a loaded list

/// Matching of `/` search text against rows already loaded (the follow-up and red-flag lists):
/// plain text anywhere in names or texts, or ASCII against the pinyin of names (`wxy`, `wangxiu`).
/// The `/` search line of a list screen: what typing in it does and what a row must contain.
enum ScreenSearch {
    /// Keys of the search line besides typing: leave it keeping the filter, or clear it.
    enum Action: Hashable, Sendable { case leave, clear }

    /// Handles a key while the search line has focus. Returns whether the search text changed (so
    /// the screen refilters) and any status to show; backspace on an empty line leaves it.
    static func edit(_ key: Key, action: Action?, search: inout TextFieldState,
                     searching: inout Bool) -> (changed: Bool, commands: [ScreenCommand]) {
        switch action {
        case .leave:
            searching = false
            return (false, [])
        case .clear:
            searching = false
            search.setText("")
            return (true, [])
        case nil:
            if key == .backspace, search.isEmpty {
                searching = false
                return (false, [])
            }
            let before = search.text
            guard search.handle(key) else {
                if case .char = key {
                    return (false, [.status(key: "field.tooLong", args: [String(search.maxLength ?? 0)], tone: .warning)])
                }
                return (false, [])
            }
            return (search.text != before, [])
        }
    }

    /// What `matches` looks in for one row, prepared once for a list searched key after key:
    /// names and texts lowercased, and each name's pinyin (initials, then syllables run together),
    /// all NUL-separated (no search holds a NUL). Compared as UTF-8 bytes, ~20× String's `contains`.
    struct Prepared: Hashable, Sendable {
        var text: String
        var pinyin: String

        /// `readings`: `reading(of:)` of each name, which a caller may cache by name.
        init(names: [String], texts: [String], readings: [String]) {
            self.init(lowercased: (names + texts).map { $0.lowercased() }, readings: readings)
        }

        /// From names and texts already lowercased, names first (a caller that sees the same
        /// text on many rows lowercases it once).
        init(lowercased parts: [String], readings: [String]) {
            text = parts.joined(separator: "\u{0}")
            pinyin = readings.joined(separator: "\u{0}")
        }

        static func reading(of name: String) -> String {
            let keys = Pinyin.searchKeys(name)
            return keys.initials + "\u{0}" + keys.full.replacingOccurrences(of: " ", with: "")
        }

        /// `ScreenSearch.matches(query, …)` with `needle` = `Prepared.needle(query)`.
        func matches(_ needle: (bytes: [UInt8], letters: Bool)) -> Bool {
            Self.bytes(of: text, contain: needle.bytes) || (needle.letters && Self.bytes(of: pinyin, contain: needle.bytes))
        }

        static func needle(_ query: String) -> (bytes: [UInt8], letters: Bool) {
            let bytes = Array(query.lowercased().utf8)
            return (bytes, bytes.allSatisfy { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) })
        }

        /// Whether `text`'s UTF-8 holds `needle`.
        static func bytes(of text: String, contain needle: [UInt8]) -> Bool {
            guard !needle.isEmpty else { return true }
            var text = text
            return text.withUTF8 { hay in
                needle.withUnsafeBufferPointer { n in
                    guard hay.count >= n.count else { return false }
                    let first = n[0]
                    for i in 0...(hay.count - n.count) where hay[i] == first {
                        if memcmp(hay.baseAddress! + i, n.baseAddress!, n.count) == 0 { return true }
                    }
                    return false
                }
            }
        }
    }

    /// The reference: a part of any name or text, or ASCII letters a part of a name's pinyin.
    static func matches(_ query: String, names: [String], texts: [String]) -> Bool {
        let needle = query.lowercased()
        if (names + texts).contains(where: { $0.lowercased().contains(needle) }) { return true }
        guard needle.allSatisfy({ $0.isASCII && $0.isLetter }) else { return false }
        return names.contains { name in
            let keys = Pinyin.searchKeys(name)
            return keys.initials.contains(needle) || keys.full.replacingOccurrences(of: " ", with: "").contains(needle)
        }
    }
}
