import Foundation
import TanfangCore

/// Add or edit an elder (新增/修改老人资料), with a status-change dialog (F7).
///
/// Every field is checked as it is typed: an ID number fills the birth date and gender when they
/// are empty, and a birth date or gender that disagrees with the ID is shown next to the field.
/// Saving is refused, with the reason on the status line, while any field has a problem.
public struct ElderEditScreen: Screen {
    /// One focusable input of the form.
    enum Field: Hashable, Sendable {
        case name, idNumber, gender, birthDate, ethnicity, phone, address, village, grid, categories,
             disability, living, visitor, remote
        case supporterName(Int), supporterRelation(Int), supporterPhone(Int), supporterResidence(Int)
        case contactName(Int), contactRelation(Int), contactPhone(Int)
        case wishes, remarks

        var isChoice: Bool {
            switch self {
            case .gender, .village, .grid, .disability, .living, .visitor, .remote: true
            default: false
            }
        }

        var isText: Bool { !isChoice && self != .categories }

        /// A number or date corrected by typing it again: moved into with a value, the value is
        /// selected and the first key typed replaces it (the new ID was added after the old one).
        var isRetyped: Bool {
            switch self {
            case .idNumber, .birthDate, .phone, .supporterPhone, .contactPhone: true
            default: false
            }
        }
    }

    enum Action: Hashable, Sendable { case next, previous, save, changeStatus, back }

    static let keymap = Keymap<Action>([
        KeyBinding([.ctrl("s"), .function(10)], .save, label: "key.save", help: "elderEdit.help.save"),
        KeyBinding([.tab, .enter, .down], .next, label: "key.next", help: "elderEdit.help.next"),
        KeyBinding([.backTab, .up], .previous, label: "key.prev", help: "elderEdit.help.previous", showsInBar: false),
        KeyBinding([.function(7)], .changeStatus, label: "elderEdit.key.status", help: "elderEdit.help.status"),
        KeyBinding([.escape], .back, label: "key.back", help: "elderEdit.help.back"),
    ])

    enum DialogAction: Hashable, Sendable { case next, previous, confirm, cancel }

    static let dialogKeymap = Keymap<DialogAction>([
        KeyBinding([.ctrl("s"), .function(10)], .confirm, label: "key.enter", help: "elderEdit.help.statusConfirm"),
        KeyBinding([.tab, .enter, .down], .next, label: "key.next", help: "elderEdit.help.statusNext"),
        KeyBinding([.backTab, .up], .previous, label: "key.prev", help: "elderEdit.help.previous", showsInBar: false),
        KeyBinding([.escape], .cancel, label: "key.cancel", help: "elderEdit.help.statusCancel"),
    ])

    /// The status-change dialog.
    struct StatusDialog: Hashable, Sendable {
        enum Focus: Int, Hashable, Sendable { case status, date, note }
        var status: ElderStatus
        var date: TextFieldState
        var note = TextFieldState(maxLength: 200)
        var focus = Focus.status
        var sending = false
        /// The date still holds its default (today): the first character typed replaces it.
        var dateUntouched = true
    }

    /// A problem with one field: a catalog key and its arguments.
    struct Issue: Hashable, Sendable {
        var key: String
        var args: [String] = []
    }

    static let maxSupporters = 9
    static let maxContacts = 5
    static let textLimits: [Field: Int] = [.name: 20, .idNumber: 26, .birthDate: 10, .ethnicity: 10, .phone: 20,
                                           .address: 100,
                                           .wishes: 200, .remarks: 500]

    public let titleKey = "elderEdit.title"
    let elderID: UUID?
    /// The elder as loaded (edit): keeps id, status history, sources, risk override, grid.
    var original: Elder?
    var loaded: Bool
    var texts: [Field: TextFieldState] = [:]
    var gender: Gender?
    var villageID: UUID?
    var gridID: UUID?
    /// The grids (网格/组) of the chosen village, in code order; kept with the village.
    var villageGrids: [Place] = []
    var categories: Set<Category> = []
    var disability: DisabilityDegree?
    var living: LivingArrangement?
    var visitorID: UUID?
    var remote = false
    /// Birth date and gender filled from the ID number (refilled when the ID changes, until typed over).
    var autoFilled: Set<Field> = []
    var focus = Field.name {
        didSet {
            selected = focus.isRetyped && !(texts[focus]?.text.isEmpty ?? true) ? focus : nil
            choiceTyped = nil
        }
    }
    /// The field whose whole value is selected (see `Field.isRetyped`).
    var selected: Field?
    /// The choice field a digit was typed into since it was entered: a second digit there is refused
    /// (性别 2, then a birth date typed ahead: its 1 made her 男 and the rest went nowhere).
    var choiceTyped: Field?
    var dialog: StatusDialog?
    var dirty = false
    /// Keys typed since the draft was last written (every `draftEvery`, and at each field left).
    var typedSinceDraft = 0
    static let draftEvery = 8
    /// The draft was asked for (once, when the form is ready).
    var draftAsked = false
    /// Esc was pressed once with unsaved changes; a second Esc leaves.
    var leaveArmed = false
    /// Saving without a category was asked about once; the next save goes ahead.
    var categoriesConfirmed = false
    var saving = false
    /// Missing values are pointed out only once a save was tried (a fresh form is not all red).
    var attemptedSave = false

    /// Issues about something not filled in yet, held back until a save is tried.
    static let deferredKeys: Set<String> = ["field.required", "elderEdit.error.supporterIncomplete",
                                            "elderEdit.error.contactIncomplete"]

    public init(elderID: UUID?) {
        self.elderID = elderID
        self.loaded = elderID == nil
    }

    public var capturesText: Bool { true }  // a form: `?` and F2–F5 must not leave unsaved edits

    public func keyHints(env: AppEnvironment) -> [KeyHint] {
        if dialog != nil { return Self.dialogKeymap.hints(env.strings) }
        var hints = Self.keymap.hints(env.strings)
        if elderID == nil { hints.removeAll { $0.keys == "F7" } }
        return hints
    }

    // MARK: - Start and responses

    public mutating func start(env: AppEnvironment) -> [ScreenCommand] {
        if let elderID, !loaded { return [.request(.elderFile(elderID))] }
        var commands: [ScreenCommand] = []
        if !draftAsked, env.canEdit {
            draftAsked = true
            commands.append(.request(.loadDraft(key: ElderDraft.key(for: elderID))))
        }
        if elderID == nil, villageID == nil, !dirty {
            // A clerk's area is one village: preselect it.
            let villages = env.villagesInScope
            if villages.count == 1 { villageID = villages[0].id }
            villageGrids = Self.grids(of: villageID, env: env)
            // A grid worker sees only her own elders: one she adds is hers (with nobody, it vanished from her list).
            if let own = env.scope.visitorID { visitorID = own }
        }
        return commands
    }

    /// Ctrl-Q: what is typed is kept as the form's draft.
    public mutating func willQuit(env: AppEnvironment) -> [ScreenCommand] {
        draftCommands(env: env)
    }

    public mutating func receive(_ response: DataResponse, env: AppEnvironment) -> [ScreenCommand] {
        switch response {
        case .elderFile(let file):
            guard !loaded else { return [] }
            guard let file else { return [.status(key: "elderEdit.notFound", args: [], tone: .error), .back] }
            fill(from: file.elder)
            villageGrids = Self.grids(of: villageID, env: env)
            loaded = true
            return start(env: env)
        case .draft(let key, let json) where key == ElderDraft.key(for: elderID) && loaded:
            guard let json, let d = ElderDraft.decode(json) else { return [] }
            restore(d, env: env)
            return [.status(key: "elderEdit.draftRestored", args: [d.savedAt.description], tone: .info)]
        case .elderSaved(let elder):
            saving = false
            dirty = false
            let discard: ScreenCommand = .request(.deleteDraft(key: ElderDraft.key(for: elderID)))
            // A new elder's file opens in place of the form: her first visit is an n away (back on
            // the roster, the last search did not show her).
            let next: ScreenCommand = elderID == nil ? .replace(.elderFile(elder.id)) : .back
            return [discard, .status(key: "elderEdit.saved", args: [elder.name], tone: .success), next]
        case .statusChanged(let id) where id == elderID:
            guard let d = dialog, let date = parseDate(d.date.text, env: env) else { dialog = nil; return [] }
            let note = d.note.text.trimmingCharacters(in: .whitespaces)
            original?.statusHistory.append(StatusChange(date: date, status: d.status, note: note.isEmpty ? nil : note))
            dialog = nil
            let wasDeceased = original?.statusHistory.dropLast().last?.status == .deceased
            return [.status(key: d.status == .deceased ? "elderEdit.status.changedDeceased"
                                : wasDeceased ? "elderEdit.status.changedBack" : "elderEdit.status.changed",
                            args: [env.strings["status.\(d.status.rawValue)"], date.description], tone: .success)]
        case .failed(let message):
            saving = false
            dialog?.sending = false
            if !loaded {
                return [.status(key: "status.error", args: [message], tone: .error), .back]
            }
            return [.status(key: "status.error", args: [message], tone: .error)]
        default:
            return []
        }
    }

    mutating func fill(from elder: Elder) {
        original = elder
        set(.name, elder.name)
        set(.idNumber, elder.idNumber ?? "")
        gender = elder.gender
        set(.birthDate, elder.birthDate?.description ?? "")
        set(.ethnicity, elder.ethnicity ?? "")
        set(.phone, elder.phone ?? "")
        set(.address, elder.address ?? "")
        villageID = elder.villageID
        gridID = elder.gridID
        categories = elder.categories
        disability = elder.disabilityDegree
        living = elder.livingArrangement
        visitorID = elder.visitorID
        remote = elder.remote
        for (i, s) in elder.supporters.prefix(Self.maxSupporters).enumerated() {
            set(.supporterName(i), s.name)
            set(.supporterRelation(i), s.relation)
            set(.supporterPhone(i), s.phone ?? "")
            set(.supporterResidence(i), s.residence ?? "")
        }
        for (i, c) in elder.emergencyContacts.prefix(Self.maxContacts).enumerated() {
            set(.contactName(i), c.name)
            set(.contactRelation(i), c.relation)
            set(.contactPhone(i), c.phone)
        }
        set(.wishes, elder.wishes ?? "")
        set(.remarks, elder.remarks ?? "")
    }

    // MARK: - Field values

    static func limit(_ field: Field) -> Int {
        switch field {
        case .supporterName, .supporterRelation: 20
        case .supporterPhone: 20
        case .supporterResidence: 40
        case .contactName, .contactPhone: 20
        case .contactRelation: 10
        default: textLimits[field] ?? 100
        }
    }

    func text(_ field: Field) -> String { texts[field]?.text ?? "" }
    func trimmed(_ field: Field) -> String { text(field).trimmingCharacters(in: .whitespacesAndNewlines) }

    mutating func set(_ field: Field, _ value: String) {
        var state = TextFieldState(maxLength: Self.limit(field))
        state.setText(value)
        texts[field] = state
    }

    /// Supporter rows shown: those with content plus one blank row to type a new one.
    var supporterRows: Int {
        var last = -1
        for i in 0..<Self.maxSupporters where [Field.supporterName(i), .supporterRelation(i), .supporterPhone(i), .supporterResidence(i)]
            .contains(where: { !trimmed($0).isEmpty }) {
            last = i
        }
        return min(Self.maxSupporters, last + 2)
    }

    /// Emergency contact rows shown, the same way: those with content plus one blank row.
    var contactRows: Int {
        var last = -1
        for i in 0..<Self.maxContacts where [Field.contactName(i), .contactRelation(i), .contactPhone(i)]
            .contains(where: { !trimmed($0).isEmpty }) {
            last = i
        }
        return min(Self.maxContacts, last + 2)
    }

    /// The form's lines: a label key and the fields on that line.
    func lines() -> [(label: String, fields: [Field])] {
        var result: [(String, [Field])] = [
            ("elderEdit.field.name", [.name]), ("elderEdit.field.idNumber", [.idNumber]),
            ("elderEdit.field.gender", [.gender]), ("elderEdit.field.birthDate", [.birthDate]),
            ("elderEdit.field.ethnicity", [.ethnicity]), ("elderEdit.field.phone", [.phone]),
            ("elderEdit.field.address", [.address]), ("elderEdit.field.village", [.village]),
        ]
        if !villageGrids.isEmpty { result.append(("elderEdit.field.grid", [.grid])) }
        result.append(("elderEdit.field.categories", [.categories]))
        if categories.contains(.disabled) { result.append(("elderEdit.field.disability", [.disability])) }
        result += [("elderEdit.field.living", [.living]), ("elderEdit.field.visitor", [.visitor]),
                   ("elderEdit.field.remote", [.remote])]
        for i in 0..<supporterRows {
            result.append(("elderEdit.field.supporter",
                           [.supporterName(i), .supporterRelation(i), .supporterPhone(i), .supporterResidence(i)]))
        }
        for i in 0..<contactRows {
            result.append(("elderEdit.field.contact", [.contactName(i), .contactRelation(i), .contactPhone(i)]))
        }
        result += [("elderEdit.field.wishes", [.wishes]), ("elderEdit.field.remarks", [.remarks])]
        return result
    }

    var focusOrder: [Field] { lines().flatMap(\.fields) }

    /// Labels of a choice field's options, and the index of the current value.
    func choice(_ field: Field, env: AppEnvironment) -> (options: [String], index: Int?) {
        let s = env.strings
        switch field {
        case .gender:
            return (Gender.allCases.map { s["gender.\($0.rawValue)"] }, gender.flatMap { Gender.allCases.firstIndex(of: $0) })
        case .village:
            let villages = villageChoices(env: env)
            return (villages.map(\.name), villageID.flatMap { id in villages.firstIndex { $0.id == id } })
        case .disability:
            return (DisabilityDegree.allCases.map { s["elderEdit.disability.\($0.rawValue)"] },
                    disability.flatMap { DisabilityDegree.allCases.firstIndex(of: $0) })
        case .living:
            return (LivingArrangement.allCases.map { s["elderEdit.living.\($0.rawValue)"] },
                    living.flatMap { LivingArrangement.allCases.firstIndex(of: $0) })
        case .grid:
            let grids = villageGrids
            return (grids.map(\.name), gridID.flatMap { id in grids.firstIndex { $0.id == id } })
        case .visitor:
            let visitors = visitorChoices(env: env)
            return (visitors.map(\.name), visitorID.flatMap { id in visitors.firstIndex { $0.id == id } })
        case .remote:
            return ([s["elderEdit.no"], s["elderEdit.yes"]], remote ? 1 : 0)
        default:
            return ([], nil)
        }
    }

    /// The villages to pick from; the elder's own stays listed even when outside the scope.
    func villageChoices(env: AppEnvironment) -> [Place] {
        var villages = env.villagesInScope
        if let id = original?.villageID, !villages.contains(where: { $0.id == id }), let place = env.place(id) {
            villages.insert(place, at: 0)
        }
        return villages
    }

    static func grids(of villageID: UUID?, env: AppEnvironment) -> [Place] {
        guard let villageID else { return [] }
        return env.places.filter { $0.level == .grid && $0.parentID == villageID }.sorted { $0.code < $1.code }
    }

    /// Who may be the elder's 结对责任人 (`Visitor.mayServe`); the one assigned now stays listed
    /// wherever they are.
    func visitorChoices(env: AppEnvironment) -> [Visitor] {
        guard let village = villageID.flatMap({ env.place($0) }) else { return env.visitors }
        return env.visitors.filter { v in v.id == visitorID || v.mayServe(village) { env.place($0) } }
    }

    mutating func setChoice(_ field: Field, _ index: Int?, env: AppEnvironment) {
        switch field {
        case .gender:
            gender = index.map { Gender.allCases[$0] }
            autoFilled.remove(.gender)
        case .village:
            let chosen = index.map { villageChoices(env: env)[$0].id }
            if chosen != villageID { gridID = nil }  // a grid belongs to its village
            villageID = chosen
            villageGrids = Self.grids(of: chosen, env: env)
        case .grid: gridID = index.map { villageGrids[$0].id }
        case .disability: disability = index.map { DisabilityDegree.allCases[$0] }
        case .living: living = index.map { LivingArrangement.allCases[$0] }
        case .visitor: visitorID = index.map { visitorChoices(env: env)[$0].id }
        case .remote: remote = index == 1
        default: break
        }
        dirty = true
    }

    /// Parses a typed date: `19440305`, `1944-03-05`, and the shortcuts of the visit form.
    func parseDate(_ text: String, env: AppEnvironment) -> LocalDate? {
        let field = FormField(code: "elder.date", number: 0, kind: .date, label: LocalizedText(zhHans: "", en: ""))
        if case .success(.date(let date)?) = env.validator.parseInput(text, for: field, today: env.today) {
            return date
        }
        return nil
    }

    /// The ID number's meaning, when it is valid.
    func idInfo(env: AppEnvironment) -> IDNumberInfo? {
        guard !trimmed(.idNumber).isEmpty, case .success(let info) = IDNumber.parse(idText, today: env.today) else {
            return nil
        }
        return info
    }

    /// After the ID number changed: fill the birth date and gender from it where they are empty
    /// (or were filled from an earlier ID).
    /// The ID number as typed, without the spaces people put between its groups (654021 19480815 100X),
    /// as the roster import reads it.
    var idText: String { String(text(.idNumber).filter { !$0.isWhitespace }) }

    mutating func applyIDNumber(env: AppEnvironment) {
        guard let info = idInfo(env: env) else { return }
        // Shown as it will be stored (full-width digits took twice the room and were cut).
        if info.normalized != text(.idNumber) { set(.idNumber, info.normalized) }
        // A record's birth date and gender that its stored ID number gave follow a corrected one
        // (they used to stay, marked as not matching the new number, to be typed again).
        var stored: IDNumberInfo?
        if let old = original?.idNumber, case .success(let i) = IDNumber.parse(old, today: env.today) { stored = i }
        if trimmed(.birthDate).isEmpty || autoFilled.contains(.birthDate) || trimmed(.birthDate) == stored?.birthDate.description {
            set(.birthDate, info.birthDate.description)
            autoFilled.insert(.birthDate)
        }
        if gender == nil || autoFilled.contains(.gender) || (stored != nil && gender == stored?.gender) {
            gender = info.gender
            autoFilled.insert(.gender)
        }
    }

    // MARK: - Validation

    static let phoneCharacters = Set("0123456789-+ ")

    static func phoneIssue(_ value: String) -> Issue? {
        var digits = Substring(String(value.filter { $0.isASCII && $0.isNumber }))
        if value.trimmingCharacters(in: .whitespaces).hasPrefix("+86") { digits = digits.dropFirst(2) }
        guard value.allSatisfy({ phoneCharacters.contains($0) }), let first = digits.utf8.first,
              PhoneRule.isPlausible(first: first, count: digits.count) else {
            return Issue(key: "elderEdit.error.phone")
        }
        return nil
    }

    /// Every field's problem, in form order.
    func issues(env: AppEnvironment) -> [(field: Field, issue: Issue)] {
        var result: [(Field, Issue)] = []
        let s = env.strings
        if trimmed(.name).isEmpty { result.append((.name, Issue(key: "field.required"))) }
        var info: IDNumberInfo?
        if !trimmed(.idNumber).isEmpty {
            switch IDNumber.parse(idText, today: env.today) {
            case .success(let parsed): info = parsed
            case .failure(let error): result.append((.idNumber, Issue(key: error.messageKey, args: error.args)))
            }
        }
        if let info, let gender, gender != info.gender {
            result.append((.gender, Issue(key: "elderEdit.conflict.gender", args: [s["gender.\(info.gender.rawValue)"]])))
        }
        if !trimmed(.birthDate).isEmpty {
            if let date = parseDate(text(.birthDate), env: env) {
                if date > env.today {
                    result.append((.birthDate, Issue(key: "elderEdit.error.futureBirth")))
                } else if let info, date != info.birthDate {
                    result.append((.birthDate, Issue(key: "elderEdit.conflict.birthDate", args: [info.birthDate.description])))
                }
            } else {
                result.append((.birthDate, Issue(key: "form.error.date")))
            }
        }
        if !trimmed(.phone).isEmpty, let issue = Self.phoneIssue(trimmed(.phone)) { result.append((.phone, issue)) }
        if villageID == nil { result.append((.village, Issue(key: "field.required"))) }
        for i in 0..<supporterRows {
            let parts = [trimmed(.supporterName(i)), trimmed(.supporterRelation(i)), trimmed(.supporterPhone(i)),
                         trimmed(.supporterResidence(i))]
            guard parts.contains(where: { !$0.isEmpty }) else { continue }
            if parts[0].isEmpty { result.append((.supporterName(i), Issue(key: "elderEdit.error.supporterIncomplete"))) }
            else if parts[1].isEmpty { result.append((.supporterRelation(i), Issue(key: "elderEdit.error.supporterIncomplete"))) }
            if !parts[2].isEmpty, let issue = Self.phoneIssue(parts[2]) { result.append((.supporterPhone(i), issue)) }
        }
        for i in 0..<contactRows {
            let contact = [trimmed(.contactName(i)), trimmed(.contactRelation(i)), trimmed(.contactPhone(i))]
            guard contact.contains(where: { !$0.isEmpty }) else { continue }
            if contact[0].isEmpty { result.append((.contactName(i), Issue(key: "elderEdit.error.contactIncomplete"))) }
            if contact[2].isEmpty { result.append((.contactPhone(i), Issue(key: "elderEdit.error.contactIncomplete"))) }
            else if let issue = Self.phoneIssue(contact[2]) { result.append((.contactPhone(i), issue)) }
        }
        return result
    }

    /// The elder built from the form (call only when `issues` is empty).
    func elder(env: AppEnvironment) -> Elder? {
        guard let villageID else { return nil }
        func optional(_ f: Field) -> String? { trimmed(f).isEmpty ? nil : trimmed(f) }
        // A phone typed in groups (138 0000 0009) is kept without the spaces, as the import keeps it.
        func phone(_ f: Field) -> String? { optional(f).map { String($0.filter { $0 != " " }) } }
        var elder = original ?? Elder(name: "", villageID: villageID,
                                      statusHistory: [StatusChange(date: env.today, status: .active)])
        elder.name = trimmed(.name)
        elder.idNumber = idInfo(env: env)?.normalized
        elder.gender = gender
        elder.birthDate = optional(.birthDate).flatMap { parseDate($0, env: env) }
        elder.ethnicity = optional(.ethnicity)
        elder.phone = phone(.phone)
        elder.address = optional(.address)
        elder.villageID = villageID
        elder.gridID = gridID
        elder.categories = categories
        elder.disabilityDegree = categories.contains(.disabled) ? disability : nil
        elder.livingArrangement = living
        elder.visitorID = visitorID
        elder.remote = remote
        elder.supporters = (0..<supporterRows).compactMap { i in
            guard let name = optional(.supporterName(i)) else { return nil }
            return Supporter(name: name, relation: trimmed(.supporterRelation(i)), phone: phone(.supporterPhone(i)),
                             residence: optional(.supporterResidence(i)))
        } + (original?.supporters.dropFirst(Self.maxSupporters) ?? [])
        // Contacts beyond the rows the form has (an import may bring more) are kept as they were.
        elder.emergencyContacts = (0..<contactRows).compactMap { i in
            guard let name = optional(.contactName(i)), let phone = phone(.contactPhone(i)) else { return nil }
            return Contact(name: name, relation: trimmed(.contactRelation(i)), phone: phone)
        } + (original?.emergencyContacts.dropFirst(Self.maxContacts) ?? [])
        elder.wishes = optional(.wishes)
        elder.remarks = optional(.remarks)
        return elder
    }

    // MARK: - Keys

    public mutating func handle(_ key: Key, env: AppEnvironment) -> [ScreenCommand] {
        guard loaded else {
            return key == .escape ? [.back] : []
        }
        if dialog != nil { return handleDialog(key, env: env) }
        let action = Self.keymap.action(for: key)
        if action != .back { leaveArmed = false }
        guard env.canEdit || action == .back else {
            return [.status(key: "elderEdit.readOnly", args: [], tone: .warning)]
        }
        // A birth date typed short (19480316, 1948/3/16) is shown as it will be kept once left.
        if action == .next || action == .previous, focus == .birthDate, !trimmed(.birthDate).isEmpty,
           let date = parseDate(trimmed(.birthDate), env: env), date.description != trimmed(.birthDate) {
            set(.birthDate, date.description)
        }
        switch action {
        case .next:
            moveFocus(by: 1)
            return draftCommands(env: env)
        case .previous:
            moveFocus(by: -1)
            return draftCommands(env: env)
        case .save: return save(env: env)
        case .changeStatus: return openStatusDialog(env: env)
        case .back:
            if dirty && !leaveArmed {
                leaveArmed = true
                return [.status(key: "elderEdit.unsavedEsc", args: [], tone: .warning)]
            }
            // Leaving drops what was typed, as the second Esc was told: its draft too.
            return (dirty ? [.request(.deleteDraft(key: ElderDraft.key(for: elderID)))] : []) + [.back]
        case nil:
            break
        }
        if focus.isChoice { return handleChoice(key, env: env) }
        if focus == .categories { return handleCategories(key, env: env) }
        var state = texts[focus] ?? TextFieldState(maxLength: Self.limit(focus))
        let before = state.text
        if selected == focus {
            selected = nil
            switch key {
            case .char, .backspace, .delete: state.setText("")
            default: break
            }
        }
        if !state.handle(key), case .char = key {
            return [.status(key: "field.tooLong", args: [String(Self.limit(focus))], tone: .warning)]
        }
        texts[focus] = state
        if state.text != before {
            dirty = true
            typedSinceDraft += 1
            if focus == .birthDate { autoFilled.remove(.birthDate) }
            if focus == .idNumber { applyIDNumber(env: env) }
        }
        return typedSinceDraft >= Self.draftEvery ? draftCommands(env: env) : []
    }

    mutating func moveFocus(by delta: Int) {
        // Forward from the empty name of a blank supporter or contact row: on to the next line, not
        // into that row's relation and phone (typing on put the next line's people into it).
        let all = lines()
        if delta > 0, let i = all.firstIndex(where: { $0.fields.first == focus }), all[i].fields.count > 1,
           all[i].fields.allSatisfy({ trimmed($0).isEmpty }), i + 1 < all.count, let next = all[i + 1].fields.first {
            focus = next
            return
        }
        let order = focusOrder
        guard var index = order.firstIndex(of: focus) else { focus = order.first ?? .name; return }
        index = min(max(0, index + delta), order.count - 1)
        // Every field in its place, also the gender and birth date an ID number filled (shown,
        // selected: typing them again from the paper replaces them). Passing over them put a
        // clerk's typed gender into 民族 and the birth date into 电话.
        focus = order[index]
    }

    private mutating func handleChoice(_ key: Key, env: AppEnvironment) -> [ScreenCommand] {
        let (options, index) = choice(focus, env: env)
        guard !options.isEmpty else { return [] }
        // Handing an elder to another visitor is the clerk's: from a grid worker's list the elder
        // (and the open follow-ups) left her sight, and nobody was told.
        if focus == .visitor, env.scope.visitorID != nil {
            switch key {
            case .right, .left, .char, .delete, .backspace:
                return [.status(key: "elderEdit.visitorFixed", args: [], tone: .warning)]
            default:
                return []
            }
        }
        switch key {
        case .right, .char(" "):
            setChoice(focus, index.map { ($0 + 1) % options.count } ?? 0, env: env)
        case .left:
            setChoice(focus, index.map { ($0 + options.count - 1) % options.count } ?? options.count - 1, env: env)
        case .delete, .backspace, .char("0"):
            if focus != .village { setChoice(focus, nil, env: env) }
            choiceTyped = nil
        case .char(let c):
            if c.wholeNumberValue != nil, choiceTyped == focus {
                return [.status(key: "elderEdit.choiceTaken", args: [index.map { options[$0] } ?? ""], tone: .warning)]
            }
            if let n = c.wholeNumberValue, n >= 1, n <= options.count {
                setChoice(focus, n - 1, env: env)
                choiceTyped = focus
            } else if let n = c.wholeNumberValue, n > options.count {
                return [.status(key: "form.error.unknownOption", args: [String(n)], tone: .warning)]
            } else {
                // Jump to the next option containing the typed character (e.g. 女, or a surname).
                let start = (index ?? -1) + 1
                let order = Array(start..<options.count) + Array(0..<start)
                if let hit = order.first(where: { options[$0].lowercased().contains(String(c).lowercased()) }) {
                    setChoice(focus, hit, env: env)
                }
            }
        default:
            break
        }
        return []
    }

    private mutating func handleCategories(_ key: Key, env: AppEnvironment) -> [ScreenCommand] {
        guard case .char(let c) = key, let n = c.wholeNumberValue, n >= 1, n <= Category.allCases.count else { return [] }
        let category = Category.allCases[n - 1]
        if categories.contains(category) { categories.remove(category) } else { categories.insert(category) }
        dirty = true
        return []
    }

    mutating func save(env: AppEnvironment) -> [ScreenCommand] {
        guard !saving else { return [] }
        attemptedSave = true
        let problems = issues(env: env)
        if let first = problems.first {
            focus = first.field
            let reason = env.strings.format(first.issue.key, first.issue.args)
            return [.status(key: "elderEdit.invalid", args: [String(problems.count), reason], tone: .error)]
        }
        guard let elder = elder(env: env) else { return [] }
        // The ledger is of elders with special difficulties: one with none chosen is asked about
        // once (a second Ctrl-S saves), as the categories line is easy to pass over.
        if elder.categories.isEmpty, original?.categories.isEmpty != true, !categoriesConfirmed {
            categoriesConfirmed = true
            focus = .categories
            return [.status(key: "elderEdit.noCategory", args: [], tone: .warning)]
        }
        saving = true
        return [.request(.saveElder(elder, basedOn: original))]
    }

    // MARK: - Status dialog

    private mutating func openStatusDialog(env: AppEnvironment) -> [ScreenCommand] {
        guard let original else { return [.status(key: "elderEdit.status.newOnly", args: [], tone: .warning)] }
        let current = original.status
        let next = current == .active ? ElderStatus.hospitalized : .active
        // From a death, back to 在册 is most often a death recorded by mistake: its own day is offered,
        // so that no time off the register is left (the visits since it did not count).
        let day = current == .deceased ? original.statusHistory.last?.date ?? env.today : env.today
        dialog = StatusDialog(status: next, date: TextFieldState(day.description, maxLength: 10))
        return []
    }

    private mutating func handleDialog(_ key: Key, env: AppEnvironment) -> [ScreenCommand] {
        guard var d = dialog else { return [] }
        let action = Self.dialogKeymap.action(for: key)
        // A date typed short (1205) is shown as it is kept once the field is left.
        if d.focus == .date, action == .next || action == .previous,
           let date = parseDate(d.date.text.trimmingCharacters(in: .whitespaces), env: env), date.description != d.date.text {
            d.date.setText(date.description)
        }
        switch action {
        case .cancel:
            dialog = nil
            return []
        case .next:
            if d.focus == .note && key == .enter { return confirmStatus(env: env) }
            d.focus = StatusDialog.Focus(rawValue: min(2, d.focus.rawValue + 1))!
            dialog = d
            return []
        case .previous:
            d.focus = StatusDialog.Focus(rawValue: max(0, d.focus.rawValue - 1))!
            dialog = d
            return []
        case .confirm:
            return confirmStatus(env: env)
        case nil:
            break
        }
        var commands: [ScreenCommand] = []
        switch d.focus {
        case .status:
            let all = ElderStatus.allCases
            let i = all.firstIndex(of: d.status)!
            switch key {
            case .right, .char(" "): d.status = all[(i + 1) % all.count]
            case .left: d.status = all[(i + all.count - 1) % all.count]
            case .char(let c):
                if let n = c.wholeNumberValue, n >= 1, n <= all.count { d.status = all[n - 1] }
            default: break
            }
        case .date:
            if d.dateUntouched, case .char = key { d.date.setText("") }
            if d.date.handle(key) { d.dateUntouched = false }
        case .note:
            if !d.note.handle(key), case .char = key {
                commands.append(.status(key: "field.tooLong", args: [String(d.note.maxLength ?? 0)], tone: .warning))
            }
        }
        dialog = d
        return commands
    }

    private mutating func confirmStatus(env: AppEnvironment) -> [ScreenCommand] {
        guard let d = dialog, let elderID, let original, !d.sending else { return [] }
        let s = env.strings
        guard let date = parseDate(d.date.text, env: env) else {
            dialog?.focus = .date
            return [.status(key: "form.error.date", args: [], tone: .error)]
        }
        if date > env.today {
            dialog?.focus = .date
            return [.status(key: "elderEdit.status.future", args: [], tone: .error)]
        }
        if let last = original.statusHistory.last {
            if d.status == last.status {
                dialog?.focus = .status
                return [.status(key: "elderEdit.status.same", args: [s["status.\(last.status.rawValue)"]], tone: .error)]
            }
            if date < last.date {
                dialog?.focus = .date
                return [.status(key: "elderEdit.status.beforeLast", args: [last.date.description], tone: .error)]
            }
        }
        let note = d.note.text.trimmingCharacters(in: .whitespaces)
        dialog?.sending = true
        return [.request(.changeStatus(elderID: elderID, status: d.status, date: date, note: note.isEmpty ? nil : note))]
    }
}
