import Foundation
import TanfangCore

/// The elder's file (档案): profile, supporters and contacts, risk and due state, the visit
/// history (newest first) and open follow-ups. Enter on a visit shows all its answers.
///
/// ID numbers and phones are whole only for roles that see them unmasked (`env.seesUnmasked`).
public struct ElderFileScreen: Screen {
    enum Action: Hashable, Sendable {
        case newVisit, addFollowUp, followUps, edit, combine, open, focus, up, down, pageUp, pageDown, home, back
    }

    enum DetailAction: Hashable, Sendable { case up, down, pageUp, pageDown, correct, close }

    static let keymap = Keymap<Action>([
        KeyBinding([.char("n")], .newVisit, label: "elderFile.key.newVisit", help: "elderFile.help.newVisit"),
        KeyBinding([.char("a")], .addFollowUp, label: "elderFile.key.addFollowUp", help: "elderFile.help.addFollowUp"),
        KeyBinding([.char("f")], .followUps, label: "elderFile.key.followUps", help: "elderFile.help.followUps"),
        KeyBinding([.char("e")], .edit, label: "key.edit", help: "elderFile.help.edit"),
        KeyBinding([.char("m")], .combine, label: "elderFile.key.combine", help: "elderFile.help.combine"),
        KeyBinding([.enter], .open, label: "elderFile.key.open", help: "elderFile.help.open"),
        KeyBinding([.tab, .backTab], .focus, label: "elderFile.key.focus", help: "elderFile.help.focus"),
        KeyBinding([.up], .up, label: "key.prev", help: "help.moveUpDown", showsInBar: false),
        KeyBinding([.down], .down, label: "key.next", help: "help.moveUpDown", showsInBar: false),
        KeyBinding([.pageUp], .pageUp, label: "key.prevPage", help: "help.page", showsInBar: false),
        KeyBinding([.pageDown], .pageDown, label: "key.nextPage", help: "help.page", showsInBar: false),
        KeyBinding([.home], .home, label: "key.prev", help: "elderFile.help.home", showsInBar: false),
        KeyBinding([.escape], .back, label: "key.back", help: "help.back"),
    ])

    static let detailKeymap = Keymap<DetailAction>([
        KeyBinding([.up], .up, label: "key.prev", help: "help.moveUpDown", showsInBar: false),
        KeyBinding([.down], .down, label: "key.next", help: "help.moveUpDown", showsInBar: false),
        KeyBinding([.pageUp], .pageUp, label: "key.prevPage", help: "help.page"),
        KeyBinding([.pageDown], .pageDown, label: "key.nextPage", help: "help.page"),
        KeyBinding([.char("e")], .correct, label: "elderFile.key.correctVisit", help: "elderFile.help.correctVisit"),
        KeyBinding([.escape, .enter], .close, label: "key.back", help: "elderFile.help.closeVisit"),
    ])

    /// Lines moved by PageUp/PageDown (the screen does not know its height when handling keys).
    static let pageLines = 10
    /// From this width the profile and the lists sit side by side.
    static let wideWidth = 110

    enum Focus: Int, Hashable, Sendable { case visits = 0, followUps = 1 }

    public let elderID: UUID
    var file: ElderFile?
    var loaded = false
    var error: String?
    var focus: Focus = .visits
    var selectedVisit = 0
    var selectedFollowUp = 0
    var scroll = 0
    /// Whether the one-column layout keeps the selected row in view. Off when the file opens and
    /// after Home, PgUp, PgDn or ↑ above the first row, so the profile (name, ID number) can be
    /// read even when it is taller than the screen; on once ↑/↓ or Tab moves in a list.
    var followSelection = false
    /// The visit whose answers are shown, by index into `file.visits`.
    var detail: Int?
    var detailScroll = 0
    /// Set while the combine view (`m`) is open.
    var combining: CombineChoice?

    public init(elderID: UUID) {
        self.elderID = elderID
    }

    public var titleKey: String { "elderFile.title" }
    public var capturesText: Bool { false }

    public func keyHints(env: AppEnvironment) -> [KeyHint] {
        if detail != nil {
            return zip(Self.detailKeymap.bindings, Self.detailKeymap.hints(env.strings))
                .filter { env.canEdit || $0.0.action != .correct }.map(\.1)
        }
        if let choice = combining, let file, !file.duplicates.isEmpty {
            let several = file.duplicates.count > 1
            // Another village's record cannot be combined here: only leaving (and the next record) is offered.
            let allowed = env.scope.allows(file.duplicates[min(choice.index, file.duplicates.count - 1)].elder)
            return zip(Self.combineKeymap.bindings, Self.combineKeymap.hints(env.strings))
                .filter { several || ![.next, .previous].contains($0.0.action) }
                .filter { allowed || ![.confirm, .swap].contains($0.0.action) }.map(\.1)
        }
        // Read-only roles do not see the edit key (pressing it explains why); the combine key is
        // shown only when there is another record to combine with.
        // Only a record in the user's area can be combined here.
        let duplicates = file?.duplicates.contains { env.scope.allows($0.elder) } ?? false
        return zip(Self.keymap.bindings, Self.keymap.hints(env.strings))
            .filter { env.canEdit || ![.edit, .addFollowUp, .newVisit].contains($0.0.action) }
            .filter { (duplicates && Self.combines(env)) || $0.0.action != .combine }.map(\.1)
    }

    public mutating func start(env: AppEnvironment) -> [ScreenCommand] {
        [.request(.elderFile(elderID))]
    }

    /// The open follow-ups of the file, earliest due first.
    var openFollowUps: [FollowUp] {
        (file?.followUps ?? []).filter { $0.status.isOpen }.sorted { $0.due < $1.due }
    }

    public mutating func handle(_ key: Key, env: AppEnvironment) -> [ScreenCommand] {
        if detail != nil {
            guard let action = Self.detailKeymap.action(for: key) else { return [] }
            switch action {
            case .up: detailScroll = max(0, detailScroll - 1)
            case .down: detailScroll = min(detailScroll + 1, max(0, detailLineCount(env: env) - 1))
            case .pageUp: detailScroll = max(0, detailScroll - Self.pageLines)
            case .pageDown: detailScroll = min(detailScroll + Self.pageLines, max(0, detailLineCount(env: env) - 1))
            case .correct:
                // A paper sheet typed wrong is corrected, not left in the rates and flags for good.
                guard env.canEdit else { return [.status(key: "elderFile.readOnly", args: [], tone: .warning)] }
                guard let file, let d = detail, d < file.visits.count else { return [] }
                detail = nil
                return [.open(.correctVisit(file.visits[d]))]
            case .close: detail = nil
            }
            return []
        }
        if combining != nil { return handleCombining(key, env: env) }
        guard let action = Self.keymap.action(for: key) else { return [] }
        let visitCount = file?.visits.count ?? 0
        let followCount = openFollowUps.count
        switch action {
        case .newVisit:
            guard env.canEdit else { return [.status(key: "elderFile.readOnly", args: [], tone: .warning)] }
            return [.open(.newVisit(elderID: elderID))]
        case .followUps:
            return [.open(.followUps(elderID: elderID))]
        case .addFollowUp:
            // The elder's follow-up queue holds the form: opened on it.
            guard env.canEdit else { return [.status(key: "elderFile.readOnly", args: [], tone: .warning)] }
            return [.open(.followUps(elderID: elderID, adding: true))]
        case .edit:
            guard env.canEdit else { return [.status(key: "elderFile.readOnly", args: [], tone: .warning)] }
            return [.open(.editElder(elderID))]
        case .combine:
            return startCombining(env: env)
        case .open:
            switch focus {
            case .visits:
                guard selectedVisit < visitCount else { return [] }
                detail = selectedVisit
                detailScroll = 0
            case .followUps:
                guard followCount > 0 else { return [] }
                return [.open(.followUps(elderID: elderID))]
            }
        case .focus:
            focus = focus == .visits ? .followUps : .visits
            followSelection = true
        case .up, .down:
            let delta = action == .up ? -1 : 1
            // The list below the fold (a long profile at 80×24): the first ↓ brings the selected row
            // into view instead of passing over it (Enter then opened the second visit).
            if delta > 0, !followSelection, !selectedInView(env: env) {
                followSelection = true
                return []
            }
            let count = focus == .visits ? visitCount : followCount
            var selected = focus == .visits ? selectedVisit : selectedFollowUp
            let next = selected + delta
            if count == 0 || next < 0 || next >= count {
                if followSelection && delta < 0 {
                    // ↑ above the first row: back to the top of the file (the view's offset while
                    // following the row is not known here).
                    followSelection = false
                    scroll = 0
                } else {
                    // Otherwise at either end of the list: scroll the page instead.
                    scroll = min(max(0, scroll + delta), maxScroll(env: env))
                }
            } else {
                selected = next
                followSelection = true
            }
            if focus == .visits { selectedVisit = selected } else { selectedFollowUp = selected }
        case .pageUp:
            scroll = max(0, scroll - Self.pageLines)
            followSelection = false
        case .pageDown:
            scroll = min(scroll + Self.pageLines, maxScroll(env: env))
            followSelection = false
        case .home:
            scroll = 0
            followSelection = false
            if focus == .visits { selectedVisit = 0 } else { selectedFollowUp = 0 }
        case .back:
            return [.back]
        }
        return []
    }

    public mutating func receive(_ response: DataResponse, env: AppEnvironment) -> [ScreenCommand] {
        switch response {
        case .elderFile(let file):
            loaded = true
            error = nil
            self.file = file
            selectedVisit = min(selectedVisit, max(0, (file?.visits.count ?? 0) - 1))
            selectedFollowUp = min(selectedFollowUp, max(0, openFollowUps.count - 1))
            if let d = detail, d >= (file?.visits.count ?? 0) { detail = nil }
            if file?.duplicates.isEmpty ?? true { combining = nil }
        case .eldersCombined(let kept):
            combining = nil
            let done = ScreenCommand.status(key: "elderFile.combine.done", args: [], tone: .success)
            // This file was folded into the other: that one is the file now.
            if kept != elderID { return [.replace(.elderFile(kept)), done] }
            return [.request(.elderFile(elderID)), done]
        case .failed(let message) where combining != nil:
            // A combine refused (drafts in the way, another's area): the file stays, the reason is said.
            combining = nil
            return [.status(key: "status.error", args: [message], tone: .error)]
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

    public func render(into grid: inout Grid, area: Rect, env: AppEnvironment) -> CursorPosition? {
        let s = env.strings
        guard !area.isEmpty else { return nil }
        if let error {
            grid.put(s.format("status.error", error), x: area.x, y: area.y, style: Style(fg: .red, bold: true),
                     maxWidth: area.width)
            return nil
        }
        guard loaded else {
            grid.put(s["status.loading"], x: area.x, y: area.y, style: Style(dim: true), maxWidth: area.width)
            return nil
        }
        guard let file else {
            grid.put(s["elderFile.notFound"], x: area.x, y: area.y, style: Style(fg: .red, bold: true),
                     maxWidth: area.width)
            return nil
        }
        if let choice = combining, !file.duplicates.isEmpty {
            DocView.render(combineLines(file, choice: choice, env: env, width: area.width), into: &grid, area: area,
                           scroll: choice.scroll, selected: nil)
            return nil
        }
        if let detail, detail < file.visits.count {
            let lines = visitDetailLines(file.visits[detail], file: file, env: env, width: area.width)
            DocView.render(lines, into: &grid, area: area, scroll: detailScroll, selected: nil)
            return nil
        }
        let selected = focus == .visits
            ? DocRef(list: Focus.visits.rawValue, index: selectedVisit)
            : DocRef(list: Focus.followUps.rawValue, index: selectedFollowUp)
        let lists = listLines(file, env: env)
        if area.width >= Self.wideWidth {
            let leftWidth = min(60, area.width * 2 / 5)
            let profile = profileLines(file, env: env, width: leftWidth - 1)
            let left = Rect(x: area.x, y: area.y, width: leftWidth - 1, height: area.height)
            let right = Rect(x: area.x + leftWidth + 2, y: area.y, width: area.width - leftWidth - 2, height: area.height)
            DocView.render(profile, into: &grid, area: left, scroll: scroll, selected: nil)
            for y in area.y..<area.maxY { grid.put("│", x: area.x + leftWidth, y: y, style: Style(dim: true)) }
            DocView.render(lists, into: &grid, area: right, scroll: 0, selected: selected)
        } else {
            let profile = profileLines(file, env: env, width: area.width)
            DocView.render(profile + [.blank] + lists, into: &grid, area: area, scroll: scroll, selected: selected,
                           keepVisible: followSelection)
        }
        return nil
    }

    /// The profile as label/value lines, labels padded so values line up in either language.
    func profileLines(_ file: ElderFile, env: AppEnvironment, width: Int) -> [DocLine] {
        let s = env.strings
        let elder = file.elder
        let today = env.today
        let none = s["files.none"]
        let separator = s["files.listSeparator"]
        func reveal(_ value: String?, id: Bool) -> String {
            guard let value, !value.isEmpty else { return none }
            if env.seesUnmasked { return value }
            return id ? Masking.idNumber(value) : Masking.phone(value)
        }

        // Head line: name, gender, age, 高龄, ethnicity.
        var head: [DocSegment] = [DocSegment(elder.name, Style(bold: true))]
        if let gender = elder.gender { head.append(DocSegment("  " + s["gender.\(gender.rawValue)"])) }
        if let age = elder.age(on: today) { head.append(DocSegment("  " + s.format("elderFile.age", String(age)))) }
        if elder.isAdvancedAge(on: today) { head.append(DocSegment("  " + s["category.advancedAge"], Style(bold: true))) }
        if let ethnicity = elder.ethnicity, !ethnicity.isEmpty { head.append(DocSegment("  " + ethnicity)) }

        var rows: [(label: String, value: [DocSegment])] = []
        func add(_ labelKey: String, _ value: String, _ style: Style = .plain) {
            rows.append((s[labelKey], [DocSegment(value, style)]))
        }
        add("elderFile.label.idNumber", reveal(elder.idNumber, id: true))
        add("elderFile.label.phone", reveal(elder.phone, id: false))
        add("elderFile.label.address", elder.address.flatMap { $0.isEmpty ? nil : $0 } ?? none)
        add("elderFile.label.village", [file.village.name, env.placeName(elder.gridID)].filter { !$0.isEmpty }
            .joined(separator: " · "))

        var categories = Category.allCases.filter { elder.categories.contains($0) }.map { category -> String in
            let name = s["category.\(category.rawValue)"]
            if category == .disabled, let degree = elder.disabilityDegree {
                return s.format("elderFile.withDegree", name, s["files.disability.\(degree.rawValue)"])
            }
            return name
        }
        if elder.isAdvancedAge(on: today) { categories.append(s["category.advancedAge"]) }
        if elder.remote { categories.append(s["elderFile.remote"]) }
        add("elderFile.label.categories", categories.isEmpty ? none : categories.joined(separator: separator))
        add("elderFile.label.living", elder.livingArrangement.map { s["files.living.\($0.rawValue)"] } ?? none)

        // Each change with the note typed with it (伊宁县人民医院，肺炎).
        let history = elder.statusHistory.map { change in
            "\(change.date) \(s["status.\(change.status.rawValue)"])"
                + (change.note.map { $0.isEmpty ? "" : s.format("elderFile.statusNote", $0) } ?? "")
        }
        rows.append((s["elderFile.label.status"], [
            DocSegment(s["status.\(elder.status.rawValue)"], Style(bold: true)),
            DocSegment("  " + history.joined(separator: " → ")),
        ]))

        // Risk: the level, an override's reason, then the computed reasons.
        let risk = file.summary.risk
        let riskStyle: Style = switch risk.level {
        case .high: Style(fg: .red, bold: true)
        case .medium: Style(fg: .yellow, bold: true)
        case .low: .plain
        }
        var riskValue = [DocSegment(s["risk.level.\(risk.level.rawValue)"], riskStyle)]
        var reasons = risk.reasons
        if risk.overridden {
            let reason = elder.riskOverride?.reason ?? reasons.first ?? ""
            if !reasons.isEmpty { reasons.removeFirst() }
            riskValue.append(DocSegment("  " + s.format("elderFile.riskOverride", reason)))
        }
        if !reasons.isEmpty {
            riskValue.append(DocSegment("  " + reasons.map { s[$0] }.joined(separator: s["files.reasonSeparator"])))
        }
        rows.append((s["elderFile.label.risk"], riskValue))

        // Due: next visit date and its state; a required home visit; the last visit.
        let state = file.summary.dueState(today: today)
        let dueStyle: Style = state == .overdue ? Style(fg: .red, bold: true)
            : state == .dueSoon ? Style(fg: .yellow) : .plain
        var dueValue: [DocSegment] = []
        if let next = file.summary.nextDue {
            dueValue.append(DocSegment(s.format("elderFile.nextDue", next.description) + "  "))
        }
        let dueDay = [file.summary.nextDue, file.summary.homeVisitDue].compactMap { $0 }.min()
        dueValue.append(DocSegment(s[state == .dueSoon && dueDay == today ? "due.state.dueToday" : "due.state.\(state.rawValue)"],
                                   dueStyle))
        if let home = file.summary.homeVisitDue {
            dueValue.append(DocSegment("  " + s.format("elderFile.homeVisitDue", home.description)))
        }
        rows.append((s["elderFile.label.due"], dueValue))
        // Back on the register after a stay (hospital, institution): the visits before it do not
        // count (FrequencyRules), which the monthly rate, counting the whole month, does not say.
        if file.summary.nextDue != nil, elder.statusHistory.count > 1,
           let since = FrequencyRules.activationDate(of: elder, today: today), since > elder.statusHistory[0].date,
           file.summary.lastVisit.map({ $0.date < since }) ?? true {
            rows.append(("", [DocSegment(s.format("elderFile.dueSinceReturn", since.description), Style(dim: true))]))
        }
        // A special period in force or coming: why the due date may be early.
        for (i, p) in file.periods.enumerated() where p.to >= today && elder.status == .active {
            let text = s.format("elderFile.period", p.name, p.from.description, p.to.description, String(p.intervalDays))
            rows.append((i == 0 ? s["elderFile.label.period"] : "", [DocSegment(text, p.from <= today ? Style(fg: .yellow) : .plain)]))
        }
        if let last = file.summary.lastVisit {
            let method = file.summary.lastVisitMethod.map { " " + s["method.\($0.rawValue)"] } ?? ""
            add("elderFile.label.lastVisit", last.description + method)
        }
        add("elderFile.label.visitor", file.visitor.map { v in
            v.name + (v.phone.map { "  " + reveal($0, id: false) } ?? "")
        } ?? none)

        // Supporters and contacts: one per line, the label on the first only.
        if elder.supporters.isEmpty {
            add("elderFile.label.supporters", none)
        }
        for (i, supporter) in elder.supporters.enumerated() {
            var value = Self.person(supporter.name, supporter.relation, strings: s)
            if let phone = supporter.phone { value += "  " + reveal(phone, id: false) }
            if let residence = supporter.residence, !residence.isEmpty { value += "  " + residence }
            rows.append((i == 0 ? s["elderFile.label.supporters"] : "", [DocSegment(value)]))
        }
        if elder.emergencyContacts.isEmpty {
            add("elderFile.label.contacts", none)
        }
        for (i, contact) in elder.emergencyContacts.enumerated() {
            let value = Self.person(contact.name, contact.relation, strings: s) + "  " + reveal(contact.phone, id: false)
            rows.append((i == 0 ? s["elderFile.label.contacts"] : "", [DocSegment(value)]))
        }
        if let wishes = elder.wishes, !wishes.isEmpty {
            add("elderFile.label.wishes", wishes)
        }
        if let remarks = elder.remarks, !remarks.isEmpty {
            add("elderFile.label.remarks", remarks)
        }
        // Another record of (perhaps) the same person: said, with the key that combines them.
        let combinable = Self.combines(env) && file.duplicates.contains { env.scope.allows($0.elder) }
        for (i, d) in file.duplicates.enumerated() {
            let style = Style(fg: .yellow, bold: true)
            // Another village's record: where it is, nothing of what it holds.
            let text = env.scope.allows(d.elder) ? s.format("elderFile.duplicate", d.elder.name, d.villageName, String(d.visitCount))
                : s.format("elderFile.duplicateElsewhere", d.elder.name, d.villageName)
            var value = [DocSegment(text, style)]
            // Its own segment: at 80 columns it goes to the next line whole rather than broken.
            if combinable, i == file.duplicates.count - 1 { value.append(DocSegment("  " + s["elderFile.duplicateKey"], style)) }
            rows.append((i == 0 ? s["elderFile.label.duplicates"] : "", value))
        }

        let labelWidth = rows.map { $0.label.displayWidth }.max() ?? 0
        let room = max(10, width - labelWidth - 2)
        var lines: [DocLine] = [DocLine(kind: .text(head), ref: nil)]
        for row in rows {
            for (i, value) in Self.wrap(row.value, width: room).enumerated() {
                let label = DocSegment(ScreenText.pad(i == 0 ? row.label : "", labelWidth) + "  ", Style(dim: true))
                lines.append(DocLine(kind: .text([label] + value), ref: nil))
            }
        }
        return lines
    }

    /// "张建国（儿子）", or the name alone when the relation was not given (a roster import).
    static func person(_ name: String, _ relation: String, strings s: Strings) -> String {
        relation.isEmpty ? name : s.format("elderFile.person", name, relation)
    }

    /// Segments laid out in lines of at most `width` columns: a segment that does not fit starts
    /// a new line (without its leading spaces), and one wider than a line is wrapped by itself.
    static func wrap(_ segments: [DocSegment], width: Int) -> [[DocSegment]] {
        var lines: [[DocSegment]] = []
        var current: [DocSegment] = []
        var used = 0
        for segment in segments {
            let w = segment.text.displayWidth
            if used + w <= width {
                current.append(segment)
                used += w
                continue
            }
            if !current.isEmpty { lines.append(current) }
            var text = segment.text
            while text.first == " " { text.removeFirst() }
            let parts = TextWrap.lines(text, width: width)
            for part in parts.dropLast() { lines.append([DocSegment(part, segment.style)]) }
            let last = parts.last ?? ""
            current = [DocSegment(last, segment.style)]
            used = last.displayWidth
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }

    func visitColumns(_ env: AppEnvironment) -> [TableColumn] {
            let s = env.strings
            return [
                TableColumn(s["elderFile.col.date"], minWidth: 16),
                TableColumn(s["elderFile.col.method"], minWidth: 8, flex: 1, maxWidth: 12),
                TableColumn(s["elderFile.col.visitors"], minWidth: 12, flex: 1, maxWidth: 18),
                TableColumn(s["elderFile.col.findings"], minWidth: 10, flex: 4),
                TableColumn(s["elderFile.col.copied"], minWidth: 8),
            ]
    }

    /// The visit timeline and the open follow-ups, each a selectable list.
    func listLines(_ file: ElderFile, env: AppEnvironment) -> [DocLine] {
        let s = env.strings
        var lines: [DocLine] = []
        let visitFocused = focus == .visits
        lines.append(.text(DocSegment((visitFocused ? "▸ " : "  ") + s.format("elderFile.visits", String(file.visits.count)),
                                      Style(bold: true))))
        let vColumns = visitColumns(env)
        if file.visits.isEmpty {
            lines.append(.text(DocSegment("  " + s["table.empty"], Style(dim: true))))
        } else {
            lines.append(.header(vColumns))
            for (i, visit) in file.visits.enumerated() {
                let names = visit.visitorIDs.map { file.visitorNames[$0] ?? s["files.none"] }
                let copied = visit.copiedSections.isEmpty ? "" : s.format("elderFile.copiedCount", String(visit.copiedSections.count))
                lines.append(.row(vColumns, [
                    visit.at.description, s["method.\(visit.method.rawValue)"],
                    names.joined(separator: s["files.listSeparator"]),
                    Self.findings(visit, env: env), copied,
                ], ref: DocRef(list: Focus.visits.rawValue, index: i)))
            }
        }
        lines.append(.blank)
        let open = openFollowUps
        lines.append(.text(DocSegment((visitFocused ? "  " : "▸ ") + s.format("elderFile.followUps", String(open.count)),
                                      Style(bold: true))))
        let fColumns = [
            TableColumn(s["elderFile.col.due"], minWidth: 16),
            TableColumn(s["elderFile.col.type"], minWidth: 12, flex: 1, maxWidth: 20),
            TableColumn(s["elderFile.col.state"], minWidth: 10, flex: 1, maxWidth: 14),
            TableColumn(s["elderFile.col.detail"], minWidth: 8, flex: 4),
        ]
        if open.isEmpty {
            lines.append(.text(DocSegment("  " + s["table.empty"], Style(dim: true))))
        } else {
            lines.append(.header(fColumns))
            for (i, f) in open.enumerated() {
                let late = ScreenText.lateness(due: f.due, now: env.now, strings: s)
                lines.append(.row(fColumns, [
                    f.due.description, s["followup.type.\(f.type.rawValue)"],
                    late ?? s["files.followUpStatus.\(f.status.rawValue)"], env.storedText(f.detail),
                ], style: late == nil ? .plain : Style(fg: .red, bold: true),
                   ref: DocRef(list: Focus.followUps.rawValue, index: i)))
            }
        }
        return lines
    }

    /// A one-line summary of what a visit found: hazards, difficulties, needs, emergency, mood.
    static func findings(_ visit: Visit, env: AppEnvironment) -> String {
        let s = env.strings
        let form = env.form
        let separator = s["files.listSeparator"]
        func labels(_ code: String, excluding none: Set<Int> = []) -> [String] {
            guard let answer = visit.answers[code] else { return [] }
            let field = form.field(code)
            let codes: [Int] = switch answer {
            case .choices(let cs): cs
            case .choice(let c): [c]
            default: []
            }
            return codes.filter { !none.contains($0) && !(field?.option($0)?.exclusive ?? false) }
                .map { field?.option($0)?.label(s.language) ?? String($0) }
        }
        var parts: [String] = []
        if case .yesNo(true) = visit.answers[FieldCode.emergency] {
            parts.append(s["elderFile.finding.emergency"])
        }
        if case .yesNo(true) = visit.answers[FieldCode.hasHazard] {
            let hazards = labels(FieldCode.hazards)
            parts.append(s.format("elderFile.finding.hazard", hazards.isEmpty ? s["files.yes"] : hazards.joined(separator: separator)))
        }
        let difficulties = labels(FieldCode.difficulties, excluding: [1])
        if !difficulties.isEmpty {
            parts.append(s.format("elderFile.finding.difficulty", difficulties.joined(separator: separator)))
        }
        let needsMet: Bool = if case .choice(1) = visit.answers[FieldCode.needsMet] { true } else { false }
        let needs = labels(FieldCode.needs, excluding: [1])
        if !needs.isEmpty, !needsMet {
            parts.append(s.format("elderFile.finding.needs", needs.joined(separator: separator)))
        }
        if case .choice(let mental) = visit.answers[FieldCode.mental], mental >= 3 {
            parts.append(s.format("elderFile.finding.mental", labels(FieldCode.mental).joined()))
        }
        // A home visit that did not find the elder says so first: "无异常" would read as "seen and well".
        if visit.method.isInPerson && !visit.seenInPerson { parts.insert(s["elderFile.finding.notSeen"], at: 0) }
        return parts.isEmpty ? s["elderFile.finding.none"] : parts.joined(separator: s["files.reasonSeparator"])
    }

    /// The furthest the file can scroll: its length in one column at 80 (the renderer clamps
    /// again to the real height).
    /// Whether the selected row is on screen as the file is drawn now (one column, not following it).
    func selectedInView(env: AppEnvironment) -> Bool {
        guard let file, env.areaWidth < Self.wideWidth else { return true }
        let ref = focus == .visits ? DocRef(list: Focus.visits.rawValue, index: selectedVisit)
                                   : DocRef(list: Focus.followUps.rawValue, index: selectedFollowUp)
        let doc = profileLines(file, env: env, width: env.areaWidth) + [.blank] + listLines(file, env: env)
        guard let line = doc.firstIndex(where: { $0.ref == ref }) else { return true }
        let top = DocView.offset(lineCount: doc.count, height: env.areaHeight, scroll: scroll, selectedLine: nil)
        return line >= top && line < top + env.areaHeight
    }

    func maxScroll(env: AppEnvironment) -> Int {
        guard let file else { return 0 }
        return profileLines(file, env: env, width: 80).count + 1 + listLines(file, env: env).count - 1
    }

    func detailLineCount(env: AppEnvironment) -> Int {
        guard let file, let detail, detail < file.visits.count else { return 0 }
        // The narrowest screen wraps the most: every line can be scrolled to on a wider one too.
        return visitDetailLines(file.visits[detail], file: file, env: env, width: 80).count
    }

    /// All answers of one visit, by section, labelled with the form's field and option labels.
    /// A long answer (a note) goes on under itself, whole: the clerk checks here what was saved.
    func visitDetailLines(_ visit: Visit, file: ElderFile, env: AppEnvironment, width: Int) -> [DocLine] {
        let s = env.strings
        let language = s.language
        var lines: [DocLine] = [
            .title(s.format("elderFile.visitDetail", file.elder.name, visit.at.description)),
        ]
        let names = visit.visitorIDs.map { file.visitorNames[$0] ?? s["files.none"] }
        var header: [(String, String)] = [
            (s["elderFile.col.method"], s["method.\(visit.method.rawValue)"]),
            (s["elderFile.col.visitors"], names.joined(separator: s["files.listSeparator"])),
        ]
        if visit.method.seesTheElder {
            header.append((s["elderFile.seenInPerson"], s[visit.seenInPerson ? "files.yes" : "files.no"]))
        }
        var body: [(section: FormSection, rows: [(String, String)])] = []
        for section in env.form.sections {
            let rows = section.fields.compactMap { field -> (String, String)? in
                guard let answer = visit.answers[field.code] else { return nil }
                return (field.label(language), ScreenText.answer(answer, field: field, strings: s))
            }
            if !rows.isEmpty { body.append((section, rows)) }
        }
        let known = Set(env.form.fields.map(\.code))
        for code in visit.answers.keys.sorted() where !known.contains(code) {
            header.append((code, ScreenText.answer(visit.answers[code]!, field: nil, strings: s)))
        }
        // Labels (long in English) take at most two fifths of the line; a longer one has its value under it.
        let longest = (header.map { $0.0.displayWidth } + body.flatMap { $0.rows.map { $0.0.displayWidth } }).max() ?? 0
        let labelWidth = min(longest, max(8, (width - 4) * 2 / 5))
        let indent = String(repeating: " ", count: 2 + labelWidth + 2)
        func line(_ label: String, _ value: String) -> [DocLine] {
            let parts = TextWrap.lines(value, width: max(1, width - indent.count))
            var out: [DocLine] = []
            if label.displayWidth > labelWidth {
                out.append(.text(DocSegment("  " + label, Style(dim: true))))
            } else {
                out.append(.text(DocSegment("  " + ScreenText.pad(label, labelWidth) + "  ", Style(dim: true)),
                                 DocSegment(parts.first ?? "")))
            }
            let rest = label.displayWidth > labelWidth ? parts[...] : parts.dropFirst()
            out += rest.map { .text(DocSegment(indent + $0)) }
            return out
        }
        lines += header.flatMap { line($0.0, $0.1) }
        for (section, rows) in body {
            lines.append(.blank)
            // The sheet numbers sections 一、二…; English reads 1, 2…
            let position = (env.form.sections.firstIndex(of: section) ?? 0) + 1
            let number = language == .zhHans ? section.number : String(position)
            var title = [DocSegment(s.format("elderFile.section", number, section.label(language)), Style(bold: true))]
            if visit.copiedSections.contains(section.code) {
                title.append(DocSegment("  " + s["elderFile.copiedSection"], Style(fg: .yellow)))
            }
            lines.append(DocLine(kind: .text(title), ref: nil))
            lines += rows.flatMap { line($0.0, $0.1) }
        }
        if visit.answers.isEmpty {
            lines.append(.text(DocSegment(s["table.empty"], Style(dim: true))))
        }
        return lines
    }
}
