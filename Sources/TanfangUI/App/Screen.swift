import Foundation
import TanfangCore

// MARK: - Environment

/// What every screen may read: the catalog, the form, today, who is logged in and what they see.
/// Screens never read the clock or the database; the runner fills this in.
public struct AppEnvironment: Sendable {
    public var strings: Strings { didSet { storedText = StoredText(strings: strings, form: form) } }
    public var form: FormDefinition { didSet { storedText = StoredText(strings: strings, form: form) } }
    public var validator: FormValidator
    /// What the ledger wrote itself in Chinese (a follow-up's detail, a death's closing), read in this language.
    public private(set) var storedText: StoredText
    public var today: LocalDate
    public var now: LocalDateTime
    public var user: User?
    public var scope: AccessScope { didSet { reindexVillages() } }
    public var places: [Place] { didSet { reindexPlaces() } }
    public var visitors: [Visitor] { didSet { visitorIndex = Self.index(visitors) } }
    /// When the open file was taken as a backup ("2026-12-07 16:36"); nil for the ledger in use.
    /// Every screen's title says so: what is entered in a backup is not in the ledger.
    public var backupTakenAt: String?
    /// The size of the area screens render into, as of the last resize: for a key whose effect
    /// depends on what is in view (the elder file's first ↓ brings the list into view).
    public var areaWidth = 80
    public var areaHeight = 21

    // Lookups kept beside the lists: a county has thousands of places and visitors, and screens
    // ask for names and the villages in scope on every frame.
    private var placeIndex: [UUID: Int] = [:]
    private var visitorIndex: [UUID: Int] = [:]
    /// Names more than one place has (two 团结村 in one county).
    private var sharedPlaceNames: Set<String> = []
    /// The villages this user may see, in code order.
    public private(set) var villagesInScope: [Place] = []

    public init(strings: Strings, form: FormDefinition, today: LocalDate, now: LocalDateTime,
                user: User? = nil, scope: AccessScope = .everything, places: [Place] = [], visitors: [Visitor] = []) {
        self.strings = strings
        self.form = form
        self.storedText = StoredText(strings: strings, form: form)
        self.validator = FormValidator(form: form)
        self.today = today
        self.now = now
        self.user = user
        self.scope = scope
        self.places = places
        self.visitors = visitors
        reindexPlaces()
        visitorIndex = Self.index(visitors)
    }

    public var language: Language { strings.language }

    public func place(_ id: UUID?) -> Place? { id.flatMap { placeIndex[$0] }.map { places[$0] } }
    public func placeName(_ id: UUID?) -> String { place(id)?.name ?? "" }
    /// The place's name, after its parent's when another place has the same name (巴扎镇·团结村),
    /// where a list of people must tell their areas apart.
    public func distinctPlaceName(_ id: UUID?) -> String {
        guard let p = place(id) else { return "" }
        guard sharedPlaceNames.contains(p.name), let parent = place(p.parentID) else { return p.name }
        return parent.name + "·" + p.name
    }
    public func visitorName(_ id: UUID?) -> String {
        id.flatMap { visitorIndex[$0] }.map { visitors[$0].name } ?? ""
    }

    /// Positions by id; the first of equal ids wins, as a search from the front found it.
    private static func index<T: Identifiable>(_ items: [T]) -> [UUID: Int] where T.ID == UUID {
        var index: [UUID: Int] = [:]
        index.reserveCapacity(items.count)
        for (i, item) in items.enumerated() where index[item.id] == nil { index[item.id] = i }
        return index
    }

    private mutating func reindexPlaces() {
        placeIndex = Self.index(places)
        var seen: Set<String> = []
        sharedPlaceNames = []
        for p in places where !seen.insert(p.name).inserted { sharedPlaceNames.insert(p.name) }
        reindexVillages()
    }

    private mutating func reindexVillages() {
        villagesInScope = places.filter { $0.level == .village && (scope.villageIDs?.contains($0.id) ?? true) }
            .sorted { $0.code < $1.code }
    }

    /// Whether ID numbers and phones may be shown whole (in the elder file only).
    public var seesUnmasked: Bool { user?.role.seesUnmasked ?? false }
    public var canEdit: Bool { user?.role.canEdit ?? false }
    public var canImportRosters: Bool { user?.role.canImportRosters ?? false }
}

// MARK: - Data requests

/// Everything a screen can ask of the ledger. The runner in the executable performs each one
/// against `Ledger` and answers with a `DataResponse`, errors included.
public enum DataRequest: Hashable, Sendable {
    /// The clock passed midnight: bring the derived due states to `day` (`Ledger.refreshSummaries`).
    case newDay(LocalDate)
    case users
    case login(userID: UUID, pin: String)
    case roster(RosterQuery)
    case elderFile(UUID)
    /// `basedOn`: the elder as the form loaded it, so that a change made meanwhile elsewhere is not overwritten.
    case saveElder(Elder, basedOn: Elder?)
    case changeStatus(elderID: UUID, status: ElderStatus, date: LocalDate, note: String?)
    /// Fold elder `fold` into elder `keep`: two records of one person (`Ledger.combineElders`).
    case combineElders(keep: UUID, fold: UUID)
    case saveVisit(Visit)
    case followUps(FollowUpQuery)
    case saveFollowUp(FollowUp)
    case closeFollowUp(id: UUID, closing: ClosingRecord, status: FollowUpStatus)
    case redFlags
    case monthlyReport(YearMonth)
    /// Names and villages of these elders (the month's not-visited list).
    case elderNames([UUID])
    case saveDraft(key: String, json: String)
    case loadDraft(key: String)
    /// The newest draft whose key is `prefix` or starts with `prefix.`; answered with `.draft`.
    case latestDraft(prefix: String)
    case deleteDraft(key: String)
    /// Write the month's report (scoped to the user's area) to a file; `~` is the home folder.
    /// An existing file is replaced only with `replace`; otherwise the answer is `exportWouldReplace`.
    case exportMonthly(month: YearMonth, format: ExportFormat, path: String, replace: Bool = false)
    /// Write the user's red flags (kind, elder, village, reason) to a file; `replace` as above.
    /// `only`: the flags the screen shows (one kind, or a search's matches); nil for all of them.
    case exportRedFlags(format: ExportFormat, path: String, replace: Bool = false, only: [RedFlag]? = nil)
    /// Read a roster file and check it against the ledger without writing (a dry run).
    case previewImport(path: String, village: String?)
    /// Import a roster file; with `skipInvalid` the valid rows go in and the others are listed.
    case importRoster(path: String, village: String?, skipInvalid: Bool)
}

/// The file formats a screen can export to.
public enum ExportFormat: String, Hashable, Sendable, CaseIterable {
    case xlsx, csv
}

public enum DataResponse: Hashable, Sendable {
    case users([User])
    case loggedIn(User, AccessScope)
    /// A wrong PIN; `attemptsLeft` wrong ones more pause the login.
    case loginFailed(attemptsLeft: Int)
    case roster(RosterPage)
    case elderFile(ElderFile?)
    case elderSaved(Elder)
    case statusChanged(elderID: UUID)
    /// Two records were combined; `kept` is the one left.
    case eldersCombined(kept: UUID)
    case visitSaved(Visit, followUps: [FollowUp])
    /// The ledger refused the visit; nothing was written.
    case visitInvalid([FieldIssue])
    case followUps(FollowUpPage)
    case followUpSaved(FollowUp)
    /// Red flags with the names of the elders they concern.
    /// The flags, and the special periods in force today in the user's villages (why visits came due early).
    case redFlags([RedFlag], elderNames: [UUID: String], periods: [SpecialPeriod] = [])
    case monthlyReport(MonthlyReport)
    case elderNames([UUID: String], villages: [UUID: UUID], visitors: [UUID: UUID])
    case draftSaved
    case draft(key: String, json: String?)
    /// A file was written; `path` is where, as the user will find it.
    case exported(path: String)
    /// Nothing was written: a file is already at `path` and the request did not say to replace it.
    case exportWouldReplace(path: String)
    /// What a roster import found (preview) or did (`written`).
    case importReport(ImportReport)
    /// A request failed; `message` is ready to show (already in the user's language).
    case failed(message: String)
}

// MARK: - Navigation and commands

/// Where a screen can send the user.
public enum Destination: Hashable, Sendable {
    case login
    case roster
    case elderFile(UUID)
    /// A new visit sheet; with nil the sheet starts by picking the elder.
    case newVisit(elderID: UUID?)
    /// A saved visit's sheet, to correct it.
    case correctVisit(Visit)
    /// Add (nil) or edit an elder.
    case editElder(UUID?)
    /// `adding`: straight to the add form (the elder file's `a`).
    case followUps(elderID: UUID?, adding: Bool = false)
    case redFlags
    /// The monthly figures, of `month` (nil: this month).
    case monthly(YearMonth?)
    /// The roster import wizard.
    case importRoster
}

/// What a screen asks of the app after a key or a response.
public enum ScreenCommand: Hashable, Sendable {
    case request(DataRequest)
    /// Push a screen.
    case open(Destination)
    /// Replace the current screen (e.g. the next sheet after saving).
    case replace(Destination)
    /// Open `Destination` right above the first screen (the roster), the screens between closed:
    /// the next elder's sheet is not left above the file of the elder the first sheet began from.
    case openFromRoot(Destination)
    /// Pop back to the previous screen (which is told `start` again so it can refresh).
    case back
    /// Show a message on the status line: a catalog key and its arguments.
    case status(key: String, args: [String], tone: StatusTone)
    /// After login: who is working, and what they may see.
    case setUser(User, AccessScope)
    case quit
}

public enum StatusTone: Hashable, Sendable { case info, success, warning, error }

/// One key of a screen as shown in the key bar and on the help page, already in the user's language.
public struct KeyHint: Hashable, Sendable {
    public var keys: String
    public var label: String
    public var help: String
    public var inBar: Bool

    public init(keys: String, label: String, help: String, inBar: Bool = true) {
        self.keys = keys
        self.label = label
        self.help = help
        self.inBar = inBar
    }
}

/// A screen: a pure state machine over keys and data responses that renders into an area of the grid.
///
/// The app draws the chrome around it (title bar, status line, key bar, help page on F1 or `?`),
/// routes keys to the top screen, performs its requests and hands back the responses.
public protocol Screen: Sendable {
    /// Catalog key of the title shown in the top bar.
    var titleKey: String { get }
    /// When true, printable keys — `?` and `/` included — go to the screen (a text field has focus),
    /// so the app's `?` help shortcut is off; F1 always opens help.
    var capturesText: Bool { get }
    /// The keys for the key bar and the help page.
    func keyHints(env: AppEnvironment) -> [KeyHint]
    /// Called when the screen becomes the top screen (pushed, or returned to): load what it shows.
    mutating func start(env: AppEnvironment) -> [ScreenCommand]
    mutating func handle(_ key: Key, env: AppEnvironment) -> [ScreenCommand]
    mutating func receive(_ response: DataResponse, env: AppEnvironment) -> [ScreenCommand]
    /// Draws into `area`; returns where the hardware cursor goes (nil = hidden).
    func render(into grid: inout Grid, area: Rect, env: AppEnvironment) -> CursorPosition?
    /// Called on every screen of the stack when the user quits (Ctrl-Q): the requests among the
    /// commands are performed before the workstation closes (a sheet saves what is typed).
    mutating func willQuit(env: AppEnvironment) -> [ScreenCommand]
    /// The message when Ctrl-Q would lose what the screen holds (typed, not saved, and kept in no
    /// draft): Ctrl-Q then asks to be pressed again. nil when nothing would be lost.
    var unsavedOnQuitKey: String? { get }
    /// The clock passed midnight: a list read for a day (due states, counts) reads itself again,
    /// keeping where the user is; forms do nothing.
    mutating func dayChanged(env: AppEnvironment) -> [ScreenCommand]
}

extension Screen {
    public mutating func willQuit(env: AppEnvironment) -> [ScreenCommand] { [] }
    public var unsavedOnQuitKey: String? { nil }
    public mutating func dayChanged(env: AppEnvironment) -> [ScreenCommand] { [] }
}

extension Keymap {
    /// The bindings as localized hints, each key shown as on the keyboard (F2, Ctrl-S, Enter…).
    public func hints(_ strings: Strings) -> [KeyHint] {
        bindings.map { b in
            KeyHint(keys: b.keys.map(\.name).joined(separator: "/"), label: strings[b.label],
                    help: strings[b.help], inBar: b.showsInBar)
        }
    }
}
