import Foundation
import TanfangCore

/// The visit record (探访记录): one paper sheet typed heads-down, keyboard only.
///
/// Starts by offering an unsaved draft, then picks the elder (unless given), then walks the
/// header and the form's applicable fields with Enter/Tab. Every committed field is saved as a
/// draft; Ctrl-S or F10 validates and saves, and the follow-ups the ledger generated are listed.
public struct VisitFormScreen: Screen {
    public enum Action: Hashable, Sendable {
        case next, prev, nextSection, prevSection, copyLast, save, back
        /// Enter: as `next`, but not past a required question left empty (Tab and ↓ skip it).
        case answer
    }

    /// Keys of the sheet. Enter and Tab commit the field and move on (Enter not past an empty
    /// required question); the picker and the Y/N prompts read their few keys directly.
    public static let keymap = Keymap<Action>([
        KeyBinding([.enter], .answer, label: "key.next", help: "visit.help.next"),
        KeyBinding([.backTab], .prev, label: "key.prev", help: "visit.help.prev"),
        KeyBinding([.tab, .down], .next, label: "key.next", help: "visit.help.tabDown", showsInBar: false),
        KeyBinding([.up], .prev, label: "key.prev", help: "visit.help.up", showsInBar: false),
        KeyBinding([.pageDown], .nextSection, label: "key.nextPage", help: "visit.help.nextSection", showsInBar: false),
        KeyBinding([.pageUp], .prevSection, label: "key.prevPage", help: "visit.help.prevSection", showsInBar: false),
        KeyBinding([.function(6)], .copyLast, label: "visit.key.copyLast", help: "visit.help.copyLast"),
        KeyBinding([.ctrl("s"), .function(10)], .save, label: "key.save", help: "visit.help.save"),
        KeyBinding([.escape], .back, label: "key.back", help: "visit.help.back"),
    ])

    enum Phase: Hashable, Sendable {
        case loadingDraft, draftPrompt, picking, loadingFile, sheet, confirmLeave, confirmSave, saved, readOnly
    }

    public let titleKey = "visit.title"
    /// Rows the picker asks for.
    static let pickerLimit = 10

    let initialElderID: UUID?
    var phase: Phase = .loadingDraft
    var started = false
    /// Keys handled since the screen (this sheet) started; restored with a draft.
    var keystrokes = 0
    var offeredDraft: VisitDraft?
    var restoring: VisitDraft?
    /// The elder whose draft is being asked for, once one is chosen (given or picked).
    var draftElderID: UUID?
    var search = TextFieldState()
    var matches: [RosterRow] = []
    var selection = TableState()
    /// ↑/↓ was used in the picker: Enter then takes the chosen row even with nothing typed.
    var pickerMoved = false
    var sheet: VisitSheet?
    var saving = false
    /// The clerk answered Y to saving a visit the sheet asked about (`saveQuestion`).
    var saveConfirmed = false
    /// The question shown before saving (catalog key and arguments): a second visit the same day,
    /// or a visit dated before the elder entered the ledger.
    var saveQuestion: (key: String, args: [String])?
    var savedVisit: Visit?
    var followUps: [FollowUp] = []

    /// A saved visit being corrected (the elder file's visit, `e`): the sheet opens with its
    /// answers, saving replaces it (with an audit row), and no draft is kept.
    let correcting: Visit?

    public init(elderID: UUID?) {
        self.initialElderID = elderID
        self.correcting = nil
    }

    public init(correcting visit: Visit) {
        self.initialElderID = visit.elderID
        self.correcting = visit
    }

    /// A correction begun: Ctrl-Q asks before dropping it, as no draft keeps it.
    public var unsavedOnQuitKey: String? {
        correcting != nil && sheet?.touched == true && [.sheet, .confirmLeave, .confirmSave].contains(phase)
            ? "visit.unsavedCorrectionQuit" : nil
    }

    public var capturesText: Bool { phase == .picking || phase == .sheet }

    public func keyHints(env: AppEnvironment) -> [KeyHint] {
        let s = env.strings
        switch phase {
        case .sheet:
            return Self.keymap.hints(s)
        case .picking:
            return [KeyHint(keys: "Enter", label: s["key.select"], help: s["visit.help.pick"]),
                    KeyHint(keys: "↑/↓", label: s["key.select"], help: s["help.moveUpDown"], inBar: false),
                    KeyHint(keys: "Esc", label: s["key.back"], help: s["visit.help.pickerBack"])]
        case .draftPrompt:
            return [KeyHint(keys: "Enter/Y", label: s["visit.key.continueDraft"], help: s["visit.help.continueDraft"]),
                    KeyHint(keys: "D", label: s["visit.key.discardDraft"], help: s["visit.help.discardDraft"]),
                    KeyHint(keys: "Esc", label: s["key.back"], help: s["visit.help.keepDraft"])]
        case .confirmLeave, .confirmSave:
            return [KeyHint(keys: "Y", label: s["visit.key.yes"], help: s["visit.help.yes"]),
                    KeyHint(keys: "N", label: s["visit.key.no"], help: s["visit.help.no"])]
        case .saved:
            return [KeyHint(keys: "Enter", label: s["visit.key.nextElder"], help: s["visit.help.nextElder"]),
                    KeyHint(keys: "Esc", label: s["key.back"], help: s["help.back"])]
        case .loadingDraft, .loadingFile, .readOnly:
            return [KeyHint(keys: "Esc", label: s["key.back"], help: s["help.back"])]
        }
    }

    // MARK: - Start and responses

    public mutating func start(env: AppEnvironment) -> [ScreenCommand] {
        guard !started else { return [] }
        started = true
        guard env.canEdit else {
            phase = .readOnly
            return [.status(key: "visit.readOnly", args: [], tone: .warning)]
        }
        if let visit = correcting {
            phase = .loadingFile
            return [.request(.elderFile(visit.elderID))]
        }
        if let id = initialElderID { return askForDraft(of: id) }
        phase = .picking
        return [rosterRequest(env)]
    }

    /// Once the elder is known: their unsaved sheet, if any, is offered before a new one.
    private mutating func askForDraft(of elderID: UUID) -> [ScreenCommand] {
        draftElderID = elderID
        phase = .loadingDraft
        return [.request(.loadDraft(key: VisitDraft.key(for: elderID)))]
    }

    /// After the draft question: the chosen elder's file for a new sheet.
    private mutating func proceed(env: AppEnvironment) -> [ScreenCommand] {
        guard let id = draftElderID else {
            phase = .picking
            return [rosterRequest(env)]
        }
        phase = .loadingFile
        return [.request(.elderFile(id))]
    }

    private func rosterRequest(_ env: AppEnvironment) -> ScreenCommand {
        .request(.roster(RosterQuery(scope: env.scope, search: search.text, limit: Self.pickerLimit, today: env.today,
                                     detail: .listing)))
    }

    public mutating func receive(_ response: DataResponse, env: AppEnvironment) -> [ScreenCommand] {
        switch response {
        case .draft(let key, let json) where phase == .loadingDraft && key == draftElderID.map(VisitDraft.key(for:)):
            if let json {
                if let draft = VisitDraft.decode(json) {
                    offeredDraft = draft
                    phase = .draftPrompt
                    return []
                }
                return [.status(key: "visit.draftUnreadable", args: [], tone: .warning)] + proceed(env: env)
            }
            return proceed(env: env)
        case .roster(let page) where phase == .picking:
            matches = page.rows
            selection.clamp(rowCount: matches.count, visibleRows: Self.pickerLimit)
            return []
        case .elderFile(let file) where phase == .loadingFile:
            guard let file else {
                restoring = nil
                phase = .picking
                return [.status(key: "visit.elderNotFound", args: [], tone: .error), rosterRequest(env)]
            }
            openSheet(file, env: env)
            return []
        case .visitSaved(let visit, let generated) where correcting != nil:
            // Back to the file, which reads the corrected visit again; what the correction opened is named.
            saving = false
            let name = sheet?.file.elder.name ?? ""
            func types(_ list: [FollowUp]) -> String {
                list.map { env.strings["followup.type.\($0.type.rawValue)"] }.joined(separator: env.strings["visit.listSeparator"])
            }
            let opened = generated.filter { $0.status == .open }, cancelled = generated.filter { !$0.status.isOpen }
            let kept = generated.filter { $0.status == .inProgress }
            var text = env.strings.format("visit.corrected", name, visit.at.description)
            if !opened.isEmpty { text += env.strings.format("visit.correctedOpened", types(opened)) }
            if !cancelled.isEmpty { text += env.strings.format("visit.correctedCancelled", types(cancelled)) }
            if !kept.isEmpty { text += env.strings.format("visit.correctedKept", types(kept)) }
            return [.status(key: "visit.correctedSummary", args: [text], tone: .success), .back]
        case .visitSaved(let visit, let generated):
            saving = false
            savedVisit = visit
            followUps = generated
            phase = .saved
            return [.request(.deleteDraft(key: VisitDraft.key(for: visit.elderID)))]
        case .visitInvalid(let issues):
            saving = false
            guard var sheet else { return [] }
            let commands = Self.jump(&sheet, to: issues, env: env)
            self.sheet = sheet
            return commands
        case .failed(let message):
            saving = false
            var commands: [ScreenCommand] = [.status(key: "status.error", args: [message], tone: .error)]
            switch phase {
            case .loadingDraft: commands += proceed(env: env)
            case .loadingFile:
                restoring = nil
                phase = .picking
                commands.append(rosterRequest(env))
            default: break
            }
            return commands
        default:
            return []
        }
    }

    private mutating func openSheet(_ file: ElderFile, env: AppEnvironment) {
        var choices = env.visitors.filter { $0.placeID == file.elder.villageID }
        if let responsible = file.visitor, !choices.contains(where: { $0.id == responsible.id }) {
            choices.insert(responsible, at: 0)
        }
        if let visit = correcting {
            for id in visit.visitorIDs where !choices.contains(where: { $0.id == id }) {
                if let known = env.visitors.first(where: { $0.id == id }) { choices.append(known) }
            }
            var sheet = VisitSheet(file: file, visitID: visit.id, at: visit.at,
                                   visitorIDs: visit.visitorIDs.filter { id in choices.contains { $0.id == id } },
                                   visitorChoices: choices, method: visit.method, seenInPerson: visit.seenInPerson,
                                   seenChosen: true, answers: visit.answers,
                                   copiedSections: Set(visit.copiedSections), focus: VisitEntry.atField)
            sheet.focus(VisitEntry.atField, env: env)
            self.sheet = sheet
        } else if let draft = restoring, draft.elderID == file.elder.id {
            for id in draft.visitorIDs where !choices.contains(where: { $0.id == id }) {
                if let known = env.visitors.first(where: { $0.id == id }) { choices.append(known) }
            }
            var sheet = VisitSheet(file: file, visitID: draft.visitID, at: draft.at,
                                   visitorIDs: draft.visitorIDs.filter { id in choices.contains { $0.id == id } },
                                   visitorChoices: choices, method: draft.method, seenInPerson: draft.seenInPerson,
                                   seenChosen: draft.seenChosen, answers: draft.answers,
                                   copiedSections: Set(draft.copiedSections), focus: VisitEntry.atField)
            let slot = sheet.allSlots(env).contains(draft.current) ? draft.current : VisitEntry.atField
            sheet.focus(slot, env: env)
            if let pending = draft.pendingText {
                sheet.input = TextFieldState(pending)
                // A single choice's pending digit is replaced by the next one typed (it was added to:
                // 3 then 1 read 31); other text is typed on.
                let kind = sheet.choiceKind(env)
                sheet.replaceOnType = !pending.isEmpty && (kind == .single || kind == .yesNo)
            }
            sheet.touched = true
            keystrokes = draft.keystrokes
            self.sheet = sheet
        } else {
            var sheet = VisitSheet(file: file, visitID: RecordID.make(), at: env.now,
                                   visitorIDs: file.visitor.map { [$0.id] } ?? [], visitorChoices: choices,
                                   method: .home, seenInPerson: true, seenChosen: false, answers: [:],
                                   copiedSections: [], focus: VisitEntry.atField)
            sheet.focus(VisitEntry.atField, env: env)
            self.sheet = sheet
        }
        restoring = nil
        phase = .sheet
    }

    // MARK: - Keys

    public mutating func handle(_ key: Key, env: AppEnvironment) -> [ScreenCommand] {
        // The sheet's own keys: those typed to pick the elder or answer the draft question are not.
        if [.sheet, .confirmLeave, .confirmSave].contains(phase) { keystrokes += 1 }
        switch phase {
        case .loadingDraft, .loadingFile, .readOnly:
            return key == .escape ? [.back] : []
        case .draftPrompt:
            return handleDraftPrompt(key, env: env)
        case .picking:
            return handlePicker(key, env: env)
        case .sheet:
            return handleSheet(key, env: env)
        case .confirmLeave:
            switch key {
            case .char("y"), .char("Y"):
                return [.back]
            case .char("n"), .char("N"), .escape:
                phase = .sheet
                return []
            default:
                return []
            }
        case .confirmSave:
            switch key {
            case .char("y"), .char("Y"):
                phase = .sheet
                saveConfirmed = true
                guard var sheet else { return [] }
                defer { self.sheet = sheet }
                return save(&sheet, env: env)
            case .char("n"), .char("N"), .escape:
                phase = .sheet
                // Both questions are about the sheet's date: N goes to it, not to the last field.
                if var sheet {
                    sheet.focus(VisitEntry.atField, env: env)
                    self.sheet = sheet
                }
                return []
            default:
                return []
            }
        case .saved:
            switch key {
            // The next elder's sheet opens from the roster: Esc after it goes back there, not to the
            // file of the elder the first sheet began from.
            case .enter: return [.openFromRoot(.newVisit(elderID: nil))]
            case .escape: return [.back]
            default: return []
            }
        }
    }

    private mutating func handleDraftPrompt(_ key: Key, env: AppEnvironment) -> [ScreenCommand] {
        switch key {
        case .char("y"), .char("Y"), .enter:
            guard let draft = offeredDraft else { return proceed(env: env) }
            restoring = draft
            offeredDraft = nil
            phase = .loadingFile
            return [.request(.elderFile(draft.elderID))]
        case .char("n"), .char("N"):
            // N opens a sheet on the roster: pressed twice it threw a half-typed sheet away.
            return [.status(key: "visit.draftDiscardKey", args: [], tone: .warning)]
        case .char("d"), .char("D"):
            offeredDraft = nil
            let discard: [ScreenCommand] = draftElderID.map { [.request(.deleteDraft(key: VisitDraft.key(for: $0)))] } ?? []
            return discard + proceed(env: env)
        case .escape:
            return [.back]
        default:
            return []
        }
    }

    private mutating func handlePicker(_ key: Key, env: AppEnvironment) -> [ScreenCommand] {
        switch key {
        case .enter:
            // Enter pressed once more after "Enter 开始下一位" opened a sheet for the list's first elder.
            guard !search.text.isEmpty || pickerMoved else {
                return [.status(key: "visit.picker.typeFirst", args: [], tone: .warning)]
            }
            guard let index = selection.selected, matches.indices.contains(index) else {
                return [.status(key: "status.noResults", args: [], tone: .warning)]
            }
            return askForDraft(of: matches[index].elder.id)
        case .escape:
            guard search.isEmpty else {
                search = TextFieldState()
                return [rosterRequest(env)]
            }
            return [.back]
        case .up, .down, .pageUp, .pageDown:
            _ = selection.handle(key, rowCount: matches.count, visibleRows: Self.pickerLimit)
            pickerMoved = true
            return []
        default:
            let before = search.text
            guard search.handle(key) else { return [] }
            guard search.text != before else { return [] }
            selection = TableState()
            return [rosterRequest(env)]
        }
    }

    private mutating func handleSheet(_ key: Key, env: AppEnvironment) -> [ScreenCommand] {
        guard var sheet else { return [] }
        defer { self.sheet = sheet }
        // A one-key choice already moved on: the Enter (or Tab, or ↓: all three move on) typed after
        // the digit out of habit confirms it rather than passing over the next question.
        let justChosen = sheet.autoAdvanced
        sheet.autoAdvanced = false
        if justChosen, key == .enter || key == .tab || key == .down { return [] }
        // A Backspace right after it takes the digit back: to that question again, emptied for the
        // digit meant (it did nothing, and the correcting digit answered the next question).
        if justChosen, key == .backspace || key == .delete, sheet.input.text.isEmpty {
            let here = sheet.focus
            var commands = advance(&sheet, by: -1, env: env)
            if sheet.focus != here {
                sheet.input = TextFieldState()
                sheet.replaceOnType = false
                commands.append(.status(key: "visit.digitTakenBack", args: [], tone: .info))
            }
            return commands
        }
        if let action = Self.keymap.action(for: key) {
            switch action {
            case .next: return advance(&sheet, by: 1, env: env)
            case .answer:
                // An Enter typed for a question the sheet skipped (是否见到本人 on a phone visit)
                // moved every later answer one question down: it stops at the first empty one.
                if sheet.input.text.trimmingCharacters(in: .whitespaces).isEmpty,
                   let field = env.form.field(sheet.focus), field.required, sheet.answers[field.code] == nil {
                    return [.status(key: "visit.requiredEnter", args: [Self.fieldRef(field.code, env: env)], tone: .warning)]
                }
                return advance(&sheet, by: 1, env: env)
            case .prev: return advance(&sheet, by: -1, env: env)
            case .nextSection: return advance(&sheet, by: 1, wholeSection: true, env: env)
            case .prevSection: return advance(&sheet, by: -1, wholeSection: true, env: env)
            case .copyLast:
                sheet.touched = true
                return copyLast(&sheet, env: env)
            case .save:
                sheet.touched = true
                return save(&sheet, env: env)
            case .back:
                guard sheet.touched else { return [.back] }
                phase = .confirmLeave
                return draftCommands(&sheet, env: env, includePending: true)
            }
        }
        // Refused keys first, while a selected value still shows (a refused key blanked the answer).
        if case .char(let c) = key, let kind = sheet.choiceKind(env), !VisitSheet.mayTypeInChoice(c, kind) {
            return [.status(key: kind == .yesNo ? "form.error.yesNo" : "form.error.notAChoice", args: [], tone: .warning)]
        }
        // On 是/否 only the start of an answer is typed (e or s alone was shown, then refused at Enter).
        if case .char(let c) = key, sheet.choiceKind(env) == .yesNo, !c.isNumber {
            let typed = ((sheet.replaceOnType ? "" : sheet.input.text) + String(c)).lowercased()
            if !["yes", "no", "是", "否"].contains(where: { $0.hasPrefix(typed) }) {
                return [.status(key: "form.error.yesNo", args: [], tone: .warning)]
            }
        }
        if case .char(let c) = key, sheet.isNoOption(c, env) {
            return [.status(key: sheet.choiceKind(env) == .yesNo ? "form.error.yesNo" : "form.error.unknownOption",
                            args: sheet.choiceKind(env) == .yesNo ? [] : [VisitEntry.asciiDigits(String(c))], tone: .warning)]
        }
        // One choice among at most nine is one digit: a second one typed after it (1 then 3: 13) is no
        // option, refused as typed with the first kept. Taken whole it was refused only at Enter;
        // replacing the first silently changed an answer the clerk had typed, meant for the next question.
        if case .char(let c) = key, VisitEntry.asciiDigits(String(c)).allSatisfy({ $0.isASCII && $0.isNumber }), !sheet.replaceOnType,
           let kind = sheet.choiceKind(env), kind == .yesNo || (kind == .single && sheet.optionCount(env) <= 9),
           !sheet.input.text.isEmpty {
            return [.status(key: "visit.oneDigitOnly", args: [sheet.input.text], tone: .warning)]
        }
        // The shown value is "selected": typing or deleting replaces it, moving keeps it.
        if sheet.replaceOnType {
            switch key {
            case .char, .backspace, .delete: sheet.input = TextFieldState()
            default: break
            }
            sheet.replaceOnType = false
            if key == .backspace || key == .delete {
                sheet.touched = true
                return []
            }
        }
        if sheet.input.handle(key) {
            sheet.touched = true
            sheet.typedSinceDraft += 1
        }
        // A question of one choice among at most nine is answered by its digit alone, when the next
        // question must be answered too: there an Enter typed after the digit out of habit is a
        // no-op anyway. Before an optional one (a note) Enter still moves on, since an Enter meant
        // to pass over the note and one typed out of habit could not be told apart.
        if case .char = key, sheet.isOneKeyAnswer(env), sheet.nextMustBeAnswered(env) {
            let from = sheet.focus
            let commands = advance(&sheet, by: 1, env: env)
            sheet.autoAdvanced = sheet.focus != from
            return commands
        }
        // A long note is kept while it is typed, not only when the field is left: a dropped SSH
        // link in the middle of it loses at most the last few characters.
        if sheet.typedSinceDraft >= VisitSheet.draftEvery {
            return draftCommands(&sheet, env: env, includePending: true)
        }
        return []
    }

    /// Commits the focused field and moves to the next (or previous) applicable one.
    /// With `wholeSection`, moves to the first applicable field of the next (or previous) section.
    private mutating func advance(_ sheet: inout VisitSheet, by delta: Int, wholeSection: Bool = false,
                                  env: AppEnvironment) -> [ScreenCommand] {
        sheet.touched = true
        if let problem = sheet.commit(env: env) {
            return [.status(key: problem.key, args: problem.args, tone: .error)]
        }
        var commands: [ScreenCommand] = []
        var target = wholeSection ? sheet.sectionNeighbour(by: delta, env: env)
                                  : sheet.neighbour(of: sheet.focus, by: delta, env: env)
        // PgDn in the last section goes to its last question (it said 已到最后一项 above 备注).
        if target == nil, wholeSection, delta > 0 {
            let last = sheet.allSlots(env).last { sheet.isApplicable($0, env: env) }
            if last != sheet.focus { target = last }
        }
        if let target {
            sheet.focus(target, env: env)
        } else {
            sheet.focus(sheet.focus, env: env)
            if delta > 0 { commands.append(.status(key: "visit.endOfSheet", args: [], tone: .info)) }
        }
        commands.insert(contentsOf: draftCommands(&sheet, env: env, includePending: false), at: 0)
        return commands
    }

    /// F6: fills the focused section's unanswered fields from the previous visit; answers already
    /// typed on this sheet stay. The section is marked copied when it then equals the previous visit's.
    private mutating func copyLast(_ sheet: inout VisitSheet, env: AppEnvironment) -> [ScreenCommand] {
        guard let section = env.form.section(of: sheet.focus) else {
            return [.status(key: "visit.copyNeedsSection", args: [], tone: .warning)]
        }
        let heading = Self.sectionHeading(section, env: env)
        guard section.copyable else {
            return [.status(key: "visit.notCopyable", args: [heading], tone: .warning)]
        }
        guard let previous = sheet.file.lastCountedVisit(before: sheet.at) else {
            return [.status(key: "visit.noPrevious", args: [], tone: .warning)]
        }
        // What is being typed in the focused field counts as typed.
        if let problem = sheet.commit(env: env) {
            return [.status(key: problem.key, args: problem.args, tone: .error)]
        }
        // A hazard the last visit found and that was fixed since is not "the same as last time":
        // its questions are left to be answered (copied, it opened the fixed hazard again).
        let fixed = sheet.file.followUps.first { f in
            f.visitID == previous.id && f.type == .hazardRectification && f.status == .done
                && (f.closing.map { $0.at <= sheet.at } ?? false)
        }
        let hazardFields: Set<String> = [FieldCode.hasHazard, FieldCode.hazards, FieldCode.hazardDetail]
        var kept = 0
        for field in section.fields {
            if fixed != nil, hazardFields.contains(field.code), sheet.answers[field.code] == nil {
                kept += 1
                continue
            }
            if sheet.answers[field.code] != nil {
                if sheet.answers[field.code] != previous.answers[field.code] { kept += 1 }
                continue
            }
            sheet.answers[field.code] = previous.answers[field.code]
        }
        if kept == 0 { sheet.copiedSections.insert(section.code) } else { sheet.copiedSections.remove(section.code) }
        sheet.issues.removeAll { section.fields.map(\.code).contains($0.fieldCode) }
        if let fixed, sheet.answers[FieldCode.hasHazard] == nil, section.fields.contains(where: { $0.code == FieldCode.hasHazard }) {
            sheet.focus(FieldCode.hasHazard, env: env)
            return draftCommands(sheet, env: env, includePending: false) + [
                .status(key: "visit.copiedHazardFixed", args: [heading, previous.date.description,
                                                              fixed.closing.map { $0.at.date.description } ?? ""], tone: .warning)]
        }
        // Go on with the first applicable field after the section, where fresh answers start.
        let last = section.fields.last?.code ?? sheet.focus
        let target = sheet.neighbour(of: last, by: 1, env: env) ?? sheet.focus
        sheet.focus(target, env: env)
        return draftCommands(sheet, env: env, includePending: false) + [
                kept == 0 ? .status(key: "visit.copied", args: [heading, previous.date.description], tone: .success)
                    : .status(key: "visit.copiedKeeping", args: [heading, previous.date.description, String(kept)], tone: .success)]
    }

    /// Ctrl-S / F10: commit the field, validate the whole visit, and ask the ledger to save it.
    private mutating func save(_ sheet: inout VisitSheet, env: AppEnvironment) -> [ScreenCommand] {
        guard !saving else { return [.status(key: "visit.saving", args: [], tone: .info)] }
        if let problem = sheet.commit(env: env) {
            return [.status(key: problem.key, args: problem.args, tone: .error)]
        }
        sheet.focus(sheet.focus, env: env)
        let visit = sheet.visit(env: env)
        let issues = env.validator.validate(visit, today: env.today)
        let draft = draftCommands(sheet, env: env, includePending: false)
        guard issues.isEmpty else { return draft + Self.jump(&sheet, to: issues, env: env) }
        sheet.issues = []
        // What may be a slip (`saveQuestion`) is asked once; Y saves it.
        if !saveConfirmed, let question = Self.saveQuestion(visit, file: sheet.file, env: env) {
            saveQuestion = question
            phase = .confirmSave
            return draft
        }
        saving = true
        return draft + [.request(.saveVisit(visit))]
    }

    /// What to ask before saving `visit`, if anything: a day the elder already has a visit (often
    /// the same paper sheet typed twice), or a date before the elder entered the ledger (a typo,
    /// or a paper sheet older than the ledger: both possible, so asked rather than refused).
    static func saveQuestion(_ visit: Visit, file: ElderFile, env: AppEnvironment) -> (key: String, args: [String])? {
        let s = env.strings
        // An attempt that found nobody and the visit that then did are two visits of one day, not a sheet typed twice.
        if let other = file.visits.first(where: { $0.date == visit.date && $0.id != visit.id && $0.isAttempt == visit.isAttempt }) {
            return ("visit.confirmSameDay", [visit.date.description, String(format: "%02d:%02d", other.at.hour, other.at.minute),
                                             s["method.\(other.method.rawValue)"]])
        }
        // A visit to someone recorded as deceased by then: a wrong elder, a wrong date, or a death
        // recorded by mistake (its red flag came only after saving, with the follow-ups it opened).
        if file.elder.status(on: visit.date) == .deceased,
           let death = file.elder.statusHistory.last(where: { $0.status == .deceased && $0.date <= visit.date })?.date {
            return ("visit.confirmDeceased", [file.elder.name, death.description])
        }
        if let since = file.elder.statusHistory.first?.date, visit.date < since {
            return ("visit.confirmBeforeRegistration", [visit.date.description, since.description])
        }
        return nil
    }

    /// Focuses the first issue, marks every issue on the sheet, and says what is wrong.
    private static func jump(_ sheet: inout VisitSheet, to issues: [FieldIssue], env: AppEnvironment) -> [ScreenCommand] {
        guard let first = issues.first else { return [] }
        sheet.issues = issues
        if sheet.allSlots(env).contains(first.fieldCode) {
            sheet.focus(first.fieldCode, env: env)
        }
        let s = env.strings
        let refs = issues.map { Self.fieldRef($0.fieldCode, env: env) }
        let message = s.format(first.messageKey, first.args)
        if issues.count == 1 {
            return [.status(key: "visit.issue", args: [refs[0], message], tone: .error)]
        }
        return [.status(key: "visit.issues", args: [refs[0], message, String(issues.count),
                                                     refs.joined(separator: s["visit.listSeparator"])],
                        tone: .error)]
    }

    /// Ctrl-Q with a sheet begun: its draft, with the text typed into the current field.
    public mutating func willQuit(env: AppEnvironment) -> [ScreenCommand] {
        guard phase == .sheet || phase == .confirmLeave || phase == .confirmSave, let sheet,
              sheet.touched else { return [] }
        return draftCommands(sheet, env: env, includePending: true)
    }

    private func draftCommands(_ sheet: inout VisitSheet, env: AppEnvironment, includePending: Bool) -> [ScreenCommand] {
        sheet.typedSinceDraft = 0
        return draftCommands(sheet, env: env, includePending: includePending)
    }

    /// The sheet's draft to write; none for a correction of a saved visit (the elder's draft is
    /// of a new sheet, and the visit itself stays as saved until the correction is).
    private func draftCommands(_ sheet: VisitSheet, env: AppEnvironment, includePending: Bool) -> [ScreenCommand] {
        guard correcting == nil else { return [] }
        var draft = sheet.draft(keystrokes: keystrokes, savedAt: env.now)
        if !includePending { draft.pendingText = nil }
        return [.request(.saveDraft(key: VisitDraft.key(for: sheet.file.elder.id), json: draft.json()))]
    }

    // MARK: - Labels

    /// The section's number as printed: 一, 二… on the Chinese sheet, 1, 2… in English.
    static func sectionNumber(_ section: FormSection, env: AppEnvironment) -> String {
        guard env.language != .zhHans else { return section.number }
        return String((env.form.sections.firstIndex(of: section) ?? 0) + 1)
    }

    /// `一、健康方面` (zh) or `1. Health` (en).
    static func sectionHeading(_ section: FormSection, env: AppEnvironment) -> String {
        env.strings.format("visit.section", sectionNumber(section, env: env), section.label(env.language))
    }

    /// How a field is named in messages: `一.4 疾病情况`, or the header label.
    static func fieldRef(_ code: String, env: AppEnvironment) -> String {
        if VisitEntry.headerFields.contains(code) { return env.strings["visit.header.\(headerName(code))"] }
        guard let field = env.form.field(code), let section = env.form.section(of: code) else { return code }
        return env.strings.format("visit.fieldRef", sectionNumber(section, env: env), String(field.number),
                                  field.label(env.language))
    }

    /// `at`, `visitors`, `method`, `seen` for catalog keys.
    static func headerName(_ code: String) -> String {
        switch code {
        case VisitEntry.atField: "at"
        case VisitEntry.visitorsField: "visitors"
        case VisitEntry.methodField: "method"
        default: "seen"
        }
    }
}

/// The sheet being typed: header values, answers, focus and the input line.
struct VisitSheet: Hashable, Sendable {
    var file: ElderFile
    var visitID: UUID
    var at: LocalDateTime
    var visitorIDs: [UUID]
    /// The numbered visitors offered (the elder's village, responsible visitor first).
    var visitorChoices: [Visitor]
    var method: VisitMethod
    var seenInPerson: Bool
    var seenChosen: Bool
    /// Answers as typed, including those to fields that no longer apply (pruned when saving,
    /// so flipping a yes/no back restores what was typed).
    var answers: [String: Answer]
    var copiedSections: Set<String>
    var focus: String
    var input = TextFieldState()
    /// The input shows the current value; the first character typed replaces it.
    var replaceOnType = false
    /// From the last save attempt, marked on the sheet.
    var issues: [FieldIssue] = []
    var touched = false
    /// The last key answered a one-key choice and moved to the next question.
    var autoAdvanced = false
    /// Keys typed into the field since the last draft; every `draftEvery` the draft is written
    /// with the text so far.
    var typedSinceDraft = 0
    static let draftEvery = 8

    /// The kind of choice the focused slot takes (the header's method and 见到本人 included), or nil.
    func choiceKind(_ env: AppEnvironment) -> FieldKind? {
        switch focus {
        case VisitEntry.methodField: .single
        case VisitEntry.seenField: .yesNo
        case VisitEntry.visitorsField: .multi
        case VisitEntry.atField: nil
        default: env.form.field(focus).flatMap { [.single, .multi, .yesNo].contains($0.kind) ? $0.kind : nil }
        }
    }

    /// Whether `c` can be part of a choice typed: digits (full-width too) and spaces, and for a
    /// yes/no the letters and characters it takes. Anything else (a Chinese character left by an
    /// input method) is refused as it is typed, not after Enter.
    static func mayTypeInChoice(_ c: Character, _ kind: FieldKind) -> Bool {
        if FormValidator.separators.contains(c) { return kind == .multi }
        let ascii = VisitEntry.asciiDigits(String(c))
        if ascii.count == 1, let d = ascii.first, d.isASCII, d.isNumber { return true }
        return kind == .yesNo && "yesnoYESNO是否".contains(c)
    }

    /// Whether the question after the focused one, as the input would answer it, must be answered
    /// and has no answer yet. Into an answered one (a sheet corrected, a question gone back to)
    /// the digit does not move: a slip would pass on and change the next answer unseen.
    func nextMustBeAnswered(_ env: AppEnvironment) -> Bool {
        var trial = self
        guard trial.commit(env: env) == nil, let next = trial.neighbour(of: focus, by: 1, env: env),
              let field = env.form.field(next), trial.answers[next] == nil else { return false }
        return field.required && (trial.seenInPerson || !trial.method.isInPerson)
    }

    /// How many numbered options the focused choice offers (the header's method and visitors too).
    func optionCount(_ env: AppEnvironment) -> Int {
        switch focus {
        case VisitEntry.methodField: VisitMethod.allCases.count
        case VisitEntry.visitorsField: visitorChoices.count
        default: env.form.field(focus)?.options.count ?? 0
        }
    }

    /// A digit that is no option of the focused choice (5 of four, 3 of yes/no), refused as typed.
    func isNoOption(_ c: Character, _ env: AppEnvironment) -> Bool {
        let ascii = VisitEntry.asciiDigits(String(c))
        guard ascii.count == 1, let d = ascii.first?.wholeNumberValue else { return false }
        switch choiceKind(env) {
        case .yesNo?: return ![0, 1, 2].contains(d)
        case .single?, .multi?:
            let count = optionCount(env)
            // (no options at all: a village without visitors, where 1 was shown and refused only at Enter)
            return count <= 9 && (count == 0 || !(1...count).contains(d))
        default: return false
        }
    }

    /// Whether the input holds a whole answer to a one-key question: a single choice of at most
    /// nine options (or the method) given by a valid digit, or a yes/no given by one key.
    func isOneKeyAnswer(_ env: AppEnvironment) -> Bool {
        let text = VisitEntry.asciiDigits(input.text.trimmingCharacters(in: .whitespaces)).lowercased()
        guard text.count == 1 else { return false }
        switch choiceKind(env) {
        case .yesNo?: return ["1", "2", "0", "y", "n", "是", "否"].contains(text)
        case .single?:
            let count = optionCount(env)
            guard count <= 9, let code = Int(text) else { return false }
            return (1...count).contains(code)
        default: return false
        }
    }

    func allSlots(_ env: AppEnvironment) -> [String] {
        VisitEntry.headerFields + env.form.fields.map(\.code)
    }

    func applicableCodes(_ env: AppEnvironment) -> Set<String> {
        Set(env.validator.applicableFields(method: method, answers: answers).map(\.code))
    }

    func isApplicable(_ slot: String, env: AppEnvironment) -> Bool {
        appliesAsHeader(slot) || applicableCodes(env).contains(slot)
    }

    /// The header's rows, but 见到本人 only where the method can see the elder.
    func appliesAsHeader(_ slot: String) -> Bool {
        VisitEntry.headerFields.contains(slot) && (slot != VisitEntry.seenField || method.seesTheElder)
    }

    /// The next (or previous) applicable slot after `slot` in sheet order.
    func neighbour(of slot: String, by delta: Int, env: AppEnvironment) -> String? {
        let slots = allSlots(env)
        let applicable = applicableCodes(env)
        guard var index = slots.firstIndex(of: slot) else { return nil }
        while true {
            index += delta
            guard slots.indices.contains(index) else { return nil }
            let candidate = slots[index]
            if appliesAsHeader(candidate) || applicable.contains(candidate) { return candidate }
        }
    }

    /// The first applicable field of the next (or previous) section; the header counts as a
    /// section before the first.
    func sectionNeighbour(by delta: Int, env: AppEnvironment) -> String? {
        let sections = env.form.sections
        let current = sections.firstIndex { $0.fields.contains { $0.code == focus } } ?? -1
        let applicable = applicableCodes(env)
        var index = current
        while true {
            index += delta
            if index < 0 { return delta < 0 ? VisitEntry.headerFields.first : nil }
            guard sections.indices.contains(index) else { return nil }
            if let field = sections[index].fields.first(where: { applicable.contains($0.code) }) { return field.code }
        }
    }

    mutating func focus(_ slot: String, env: AppEnvironment) {
        focus = slot
        let text = currentText(slot, env: env)
        input = TextFieldState(text)
        // A choice, date or number shown again is replaced by what is typed next; a note is
        // continued at its end (one key used to wipe a whole note gone back to).
        replaceOnType = !text.isEmpty && env.form.field(slot)?.kind != .text
    }

    /// The stored value of `slot` as the clerk would type it.
    func currentText(_ slot: String, env: AppEnvironment) -> String {
        switch slot {
        case VisitEntry.atField:
            return at.description
        case VisitEntry.visitorsField:
            let codes = visitorIDs.compactMap { id in visitorChoices.firstIndex { $0.id == id }.map { $0 + 1 } }
            return codes.map(String.init).joined(separator: visitorChoices.count >= 10 ? " " : "")
        case VisitEntry.methodField:
            return String((VisitMethod.allCases.firstIndex(of: method) ?? 0) + 1)
        case VisitEntry.seenField:
            return seenInPerson ? "1" : "2"
        default:
            guard let field = env.form.field(slot) else { return "" }
            return VisitEntry.inputText(answers[slot], field: field)
        }
    }

    /// Parses the input line into the focused slot; returns the problem, leaving the state alone.
    /// An empty answer is accepted (the clerk may come back); saving reports it.
    mutating func commit(env: AppEnvironment) -> FieldIssueKey? {
        let text = input.text.trimmingCharacters(in: .whitespaces)
        switch focus {
        case VisitEntry.atField:
            guard !text.isEmpty else { return nil }
            guard let value = VisitEntry.parseDateTime(text, current: at, now: env.now) else {
                return FieldIssueKey("visit.error.dateTime")
            }
            if value.date > env.today { return FieldIssueKey("form.error.futureDate", [value.date.description]) }
            // Later today than now: its follow-ups could not be closed (a closing is never later than now).
            if value > env.now { return FieldIssueKey("visit.error.futureTime", [value.description]) }
            at = value
            // A section copied with F6 is a copy of the visit before the sheet's date: with another
            // date it keeps its mark only where it still equals that visit's answers.
            if !copiedSections.isEmpty {
                let previous = file.lastCountedVisit(before: at)
                copiedSections = copiedSections.filter { code in
                    guard let previous, let section = env.form.sections.first(where: { $0.code == code }) else { return false }
                    return section.fields.allSatisfy { answers[$0.code] == previous.answers[$0.code] }
                }
            }
        case VisitEntry.visitorsField:
            switch VisitEntry.parseCodes(text, count: visitorChoices.count) {
            case .success(let codes): visitorIDs = codes.map { visitorChoices[$0 - 1].id }
            case .failure(let problem): return problem
            }
        case VisitEntry.methodField:
            guard !text.isEmpty else { return nil }
            let all = VisitMethod.allCases
            guard let code = Int(VisitEntry.asciiDigits(text)) else { return FieldIssueKey("form.error.notAChoice") }
            guard (1...all.count).contains(code) else { return FieldIssueKey("form.error.unknownOption", [String(code)]) }
            method = all[code - 1]
            if !method.seesTheElder {
                seenInPerson = false
            } else if !seenChosen {
                // At the door the elder is usually seen: 否 is the exception typed.
                seenInPerson = true
            }
        case VisitEntry.seenField:
            guard !text.isEmpty else { return nil }
            switch VisitEntry.asciiDigits(text).lowercased() {
            case "1", "y", "yes", "是": seenInPerson = true
            case "2", "0", "n", "no", "否": seenInPerson = false
            default: return FieldIssueKey("form.error.yesNo")
            }
            seenChosen = true
        default:
            guard let field = env.form.field(focus) else { return nil }
            // On the sheet "+7" is a week after this visit (what a paper sheet means by it).
            switch env.validator.parseInput(text, for: field, today: env.today, relativeTo: at.date) {
            case .failure(let issue):
                return FieldIssueKey(issue.messageKey, issue.args)
            case .success(let answer):
                if let answer,
                   let issue = env.validator.check(answer, for: field, method: method, answers: answers) {
                    return FieldIssueKey(issue.messageKey, issue.args)
                }
                answers[field.code] = answer
                // A section copied with F6 and then answered differently is no longer a copy (the
                // mark is what the copied-answers red flag and the supervisors read).
                if let section = env.form.section(of: field.code), copiedSections.contains(section.code),
                   answer != file.lastCountedVisit(before: at)?.answers[field.code] {
                    copiedSections.remove(section.code)
                }
            }
        }
        issues.removeAll { $0.fieldCode == focus }
        return nil
    }

    /// The visit as it would be saved: answers to fields that do not apply are dropped.
    func visit(env: AppEnvironment) -> Visit {
        Visit(id: visitID, elderID: file.elder.id, at: at, visitorIDs: visitorIDs, method: method,
              seenInPerson: method.seesTheElder && seenInPerson, answers: env.validator.pruned(answers, method: method),
              copiedSections: copiedSections)
    }

    func draft(keystrokes: Int, savedAt: LocalDateTime) -> VisitDraft {
        VisitDraft(elderID: file.elder.id, elderName: file.elder.name, visitID: visitID, at: at,
                   visitorIDs: visitorIDs, method: method, seenInPerson: seenInPerson, seenChosen: seenChosen,
                   answers: answers, copiedSections: copiedSections.sorted(), current: focus,
                   pendingText: input.text, keystrokes: keystrokes, savedAt: savedAt)
    }
}
