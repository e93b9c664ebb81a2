import Foundation
import TanfangCore

extension VisitFormScreen {
    public func render(into grid: inout Grid, area: Rect, env: AppEnvironment) -> CursorPosition? {
        guard !area.isEmpty else { return nil }
        let s = env.strings
        switch phase {
        case .loadingDraft, .loadingFile:
            grid.put(s["status.loading"], x: area.x + 1, y: area.y, style: Style(dim: true), maxWidth: area.width - 2)
            return nil
        case .readOnly:
            grid.put(s["visit.readOnly"], x: area.x + 1, y: area.y, maxWidth: area.width - 2)
            return nil
        case .draftPrompt:
            guard let draft = offeredDraft else { return nil }
            // The visit's own date and time (as on the paper sheet), and what each key does: D
            // throws the draft away, Esc keeps it.
            let when = ScreenText.monthDayTime(draft.at)
            grid.put(s.format("visit.draftPrompt", draft.elderName, when), x: area.x + 1, y: area.y,
                     style: Style(bold: true), maxWidth: area.width - 2)
            if area.height > 1 {
                grid.put(s["visit.draftChoices"], x: area.x + 1, y: area.y + 1, maxWidth: area.width - 2)
            }
            return nil
        case .picking:
            return renderPicker(into: &grid, area: area, env: env)
        case .sheet, .confirmLeave, .confirmSave:
            guard let sheet else { return nil }
            return renderSheet(sheet, into: &grid, area: area, env: env)
        case .saved:
            renderSaved(into: &grid, area: area, env: env)
            return nil
        }
    }

    // MARK: - Picker

    private func renderPicker(into grid: inout Grid, area: Rect, env: AppEnvironment) -> CursorPosition? {
        let s = env.strings
        let label = s["visit.picker.label"]
        let x = area.x + 1
        let used = grid.put(label, x: x, y: area.y, style: Style(bold: true), maxWidth: area.width - 2)
        let fieldWidth = max(1, min(30, area.width - used - 3))
        let cursor = TextField.render(search, into: &grid,
                                      area: Rect(x: x + used + 1, y: area.y, width: fieldWidth, height: 1))
        if area.height > 1 {
            grid.put(s["visit.picker.hint"], x: x, y: area.y + 1, style: Style(dim: true), maxWidth: area.width - 2)
        }
        let rows = matches.map { row -> [String] in
            let elder = row.elder
            return [elder.name,
                    elder.gender.map { s["gender.\($0.rawValue)"] } ?? "",
                    elder.age(on: env.today).map(String.init) ?? "",
                    row.villageName,
                    elder.idNumber.map(Masking.idNumber) ?? ""]
        }
        let table = Table(columns: [TableColumn(s["visit.col.name"], minWidth: 8, flex: 1, maxWidth: 16),
                                    TableColumn(s["visit.col.gender"], minWidth: 4),
                                    TableColumn(s["visit.col.age"], minWidth: 4, alignment: .right),
                                    TableColumn(s["visit.col.village"], minWidth: 10, flex: 1, maxWidth: 20),
                                    TableColumn(s["visit.col.id"], minWidth: 18)],
                          rows: rows, columnSpacing: 2, emptyMessage: s["status.noResults"])
        if area.height > 3 {
            // No row looks chosen before a name is typed or ↓ is used: Enter does not take it then
            // (a clerk saw the first row highlighted, pressed Enter, and typed the sheet into the search).
            var shown = selection
            if search.text.isEmpty && !pickerMoved { shown.selected = nil }
            table.render(into: &grid, area: Rect(x: x, y: area.y + 3, width: area.width - 2, height: area.height - 3),
                         state: shown)
        }
        return cursor
    }

    // MARK: - Saved panel

    private func renderSaved(into grid: inout Grid, area: Rect, env: AppEnvironment) {
        let s = env.strings
        let x = area.x + 1, width = area.width - 2
        var y = area.y
        // The ledger hands back the follow-ups the visit opened and those it answered (closed).
        // An open one opened before the visit was already being worked on: its detail was brought up to date.
        func isUpdate(_ f: FollowUp) -> Bool { f.status.isOpen && savedVisit.map { f.openedAt < $0.at } == true }
        let title = followUps.isEmpty ? s["visit.saved.none"]
            : followUps.allSatisfy({ !$0.status.isOpen }) ? s["visit.saved.closedOnly"]
            : followUps.allSatisfy({ !$0.status.isOpen || isUpdate($0) }) ? s.format("visit.saved.updatedOnly", String(followUps.count)) : s["visit.saved.followUps"]
        grid.put(title, x: x, y: y, style: Style(fg: .green, bold: true), maxWidth: width)
        y += 1
        // An attempt is kept but owes the visit still: said, so that the unchanged due date is no surprise.
        if savedVisit?.isAttempt == true {
            grid.put(s["visit.saved.attempt"], x: x, y: y, style: Style(fg: .yellow), maxWidth: width)
            y += 1
        }
        y += 1
        let types = followUps.map { s["followup.type.\($0.type.rawValue)"] }
        let typeWidth = types.map(DisplayWidth.of).max() ?? 0
        for (followUp, type) in zip(followUps, types) where y < area.maxY - 2 {
            var column = x + 2
            grid.put(type, x: column, y: y, style: Style(bold: true), maxWidth: typeWidth)
            column += typeWidth + 2
            let due = isUpdate(followUp) ? s.format("visit.saved.updated", followUp.due.description)
                : followUp.status.isOpen ? s.format("visit.saved.due", followUp.due.description) : s["visit.saved.closed"]
            column += grid.put(due, x: column, y: y, maxWidth: max(0, area.maxX - column)) + 2
            if column < area.maxX - 1 {
                grid.put(env.storedText(followUp.detail), x: column, y: y, maxWidth: area.maxX - 1 - column)
            }
            y += 1
        }
        grid.put(s["visit.saved.next"], x: x, y: min(y + 1, area.maxY - 1), style: Style(dim: true), maxWidth: width)
    }

    // MARK: - Sheet

    private func renderSheet(_ sheet: VisitSheet, into grid: inout Grid, area: Rect, env: AppEnvironment) -> CursorPosition? {
        let s = env.strings
        // Top line: who, and the keystroke counter on the right.
        let counter = correcting.map { s.format("visit.correcting", $0.at.description) } ?? s.format("visit.keystrokes", String(keystrokes))
        let counterWidth = DisplayWidth.of(counter)
        grid.put(counter, x: area.maxX - counterWidth - 1, y: area.y, maxWidth: counterWidth)
        // Room kept for a three-digit count, two columns apart: the line does not lose the
        // responsible visitor when the count reaches 10, nor touch it.
        let kept = max(counterWidth, DisplayWidth.of(s.format("visit.keystrokes", "999")))
        let lineWidth = max(0, area.width - kept - 4)
        grid.put(Self.elderLine(sheet, env: env, width: lineWidth), x: area.x + 1, y: area.y, style: Style(bold: true),
                 maxWidth: lineWidth)

        // Bottom line: how to fill the focused field, or the leave question.
        let bottom = area.maxY - 1
        if phase == .confirmLeave {
            grid.put(s[correcting == nil ? "visit.confirmLeave" : "visit.confirmLeaveCorrection"], x: area.x + 1, y: bottom, style: Style(fg: .yellow, bold: true),
                     maxWidth: area.width - 2)
        } else if phase == .confirmSave, let question = saveQuestion {
            grid.put(s.format(question.key, question.args), x: area.x + 1, y: bottom,
                     style: Style(fg: .yellow, bold: true), maxWidth: area.width - 2)
        } else {
            // The tags (必填, F6 同上次) keep to the right end: a move to a field of another kind then
            // rewrites the text that changed, not the tags shifted after it. The line is plain, as
            // the rows above it: a dim hint cost two attribute changes (~15 bytes) each time a move
            // changed it, and those moves are the ones that also scroll a row in.
            let hint = Self.hint(for: sheet.focus, sheet: sheet, env: env)
            let tagsWidth = DisplayWidth.of(hint.tags)
            let tagsX = max(area.x + 1, area.maxX - 1 - tagsWidth)
            var textWidth = area.width - 1
            if !hint.tags.isEmpty {
                grid.put(hint.tags, x: tagsX, y: bottom, maxWidth: area.maxX - 1 - tagsX)
                textWidth = tagsX - 2 - area.x
            }
            grid.put(" " + hint.text, x: area.x, y: bottom, maxWidth: max(0, textWidth))
        }

        let viewport = Rect(x: area.x, y: area.y + 1, width: area.width, height: max(0, area.height - 2))
        guard !viewport.isEmpty else { return nil }
        let lines = Self.layout(sheet, width: area.width, env: env)
        // Planned over every field, applicable or not (skipped ones are still drawn): an answer
        // that changes what applies then never moves the rows already planned.
        let offset = Self.scrollOffset(lines: lines, slots: sheet.allSlots(env), focus: sheet.focus,
                                       viewportHeight: viewport.height)
        var cursor: CursorPosition?
        for (i, line) in lines.enumerated().dropFirst(offset).prefix(viewport.height) {
            let y = viewport.y + i - offset
            for span in line.spans {
                grid.put(span.text, x: viewport.x + span.x, y: y, style: span.style, maxWidth: span.width)
            }
            if let box = line.input {
                // A shown value that typing replaces is reversed, its text only: the blanks after
                // it keep the underline they have when the focus is elsewhere, so a move onto or
                // off a filled box rewrites its text, not the whole box (~5 bytes each way).
                let style = Style(underline: true)
                let textStyle = sheet.replaceOnType ? Style(reverse: true, underline: true) : nil
                let drawn = TextField.render(sheet.input, into: &grid,
                                             area: Rect(x: viewport.x + box.x, y: y, width: box.width, height: 1),
                                             style: style, textStyle: textStyle, focused: phase == .sheet, fitted: box.fitted)
                if phase == .sheet { cursor = drawn }
            }
        }
        return cursor
    }

    /// `王秀英  女  82岁  团结村  责任人 李建国  上次探访 2026-11-01`; where that is wider than
    /// `width` (long names at 80 columns), the 责任人 goes first, then the village, so that the
    /// last visit's date, which the clerk compares with the paper sheet, stays whole.
    static func elderLine(_ sheet: VisitSheet, env: AppEnvironment, width: Int = .max) -> String {
        let s = env.strings
        let elder = sheet.file.elder
        var head = [elder.name]
        if let gender = elder.gender { head.append(s["gender.\(gender.rawValue)"]) }
        if let age = elder.age(on: env.today) { head.append(s.format("visit.age", String(age))) }
        let village = sheet.file.village.name
        let visitor = sheet.file.visitor.map { s.format("visit.responsible", $0.name) }
        let last = sheet.file.lastCountedVisit.map { s.format("visit.lastVisit", $0.date.description) }
        for optional in [[village, visitor], [village], []] {
            let line = (head + optional.compactMap { $0 } + [last].compactMap { $0 }).joined(separator: "  ")
            if DisplayWidth.of(line) <= width { return line }
        }
        return (head + [last].compactMap { $0 }).joined(separator: "  ")
    }

    /// How to fill the focused field, on the bottom line, and its tags for the right end:
    /// whether it is required and whether F6 copies its section.
    static func hint(for slot: String, sheet: VisitSheet, env: AppEnvironment) -> (text: String, tags: String) {
        let s = env.strings
        // The hints share their starts (输入选项编号 / …，可多选 / 输入文字): the terminal library
        // rewrites only the cells that differ, so a move between kinds rewrites the tail of the
        // hint, not all of it. Yes/no fields, the method and seen-in-person are single choices
        // with their options on their rows: they say what a single choice says, and a move
        // between them rewrites nothing here.
        switch slot {
        case VisitEntry.atField, VisitEntry.visitorsField: return (s["visit.hint.\(headerName(slot))"], "")
        case VisitEntry.methodField, VisitEntry.seenField: return (s["visit.hint.single"], "")
        default: break
        }
        guard let field = env.form.field(slot) else { return ("", "") }
        let kind: String
        switch field.kind {
        case .text: kind = s.format("visit.hint.text", String(field.maxLength ?? 0))
        case .yesNo: kind = s["visit.hint.single"]
        default: kind = s["visit.hint.\(field.kind.rawValue)"]
        }
        var tags: [String] = []
        // A home visit that did not find the elder requires nothing (see FormValidator.check).
        if field.required && (sheet.seenInPerson || !sheet.method.isInPerson) { tags.append(s["visit.hint.required"]) }
        if let section = env.form.section(of: slot), section.copyable, !sheet.file.visits.isEmpty {
            tags.append(s["visit.hint.copy"])
        }
        return (kind, tags.joined(separator: "  "))
    }

    // MARK: - Layout

    struct Span: Hashable, Sendable {
        var x: Int
        var text: String
        var style: Style
        var width: Int
    }

    /// One row of the sheet; `input` is where the focused field's input line goes (`fitted`
    /// for a text field, whose box is drawn only as wide as what is typed).
    struct Line {
        var slot: String?
        var spans: [Span]
        var input: (x: Int, width: Int, fitted: Bool)?
    }

    /// Rows the sheet may scroll for one move to the next or previous field, at most (the tests
    /// hold the forms to it; the plan below uses one where it can).
    static let scrollStep = 2

    /// The first line shown when `focus` has the focus; `slots` are the fields in order (the
    /// screen passes all of them, so a move that skips fields scrolls past their rows too).
    ///
    /// Each field has a place a third of the way down (so that what comes next is visible), and
    /// must be shown whole (from its top when taller than the viewport). From one field to the
    /// next the sheet scrolls by one row, so a move writes the marker, the cursor and at most one
    /// new row of options (~100 bytes of Chinese text): the offsets are planned over the whole
    /// walk, from the last field back, so a tall field further down is made room for a row at a
    /// time in the moves before it. Only when one row per move cannot keep every field whole
    /// does the plan allow two rows (or more, for forms no smaller step can walk), and a move
    /// still takes one when the plan leaves room. It is a function of the focus and the walk:
    /// going back and forth gives the same rows.
    static func scrollOffset(lines: [Line], slots: [String], focus: String, viewportHeight: Int) -> Int {
        guard lines.count > viewportHeight, viewportHeight > 0 else { return 0 }
        var spans: [String: (top: Int, bottom: Int)] = [:]
        for (i, line) in lines.enumerated() {
            guard let slot = line.slot else { continue }
            if let span = spans[slot] { spans[slot] = (span.top, i + 1) } else { spans[slot] = (i, i + 1) }
        }
        guard let focused = spans[focus] else { return 0 }
        let maxOffset = lines.count - viewportHeight
        // Where each field may start the viewport: shown whole, from its top when too tall.
        func allowed(_ span: (top: Int, bottom: Int)) -> ClosedRange<Int> {
            let high = min(span.top, maxOffset)
            let low = min(max(0, span.bottom - viewportHeight), high)
            return low...high
        }
        func ideal(_ span: (top: Int, bottom: Int)) -> Int { min(max(span.top - viewportHeight / 3, 0), maxOffset) }
        func clamp(_ value: Int, _ range: ClosedRange<Int>) -> Int { min(max(value, range.lowerBound), range.upperBound) }
        func widened(_ range: ClosedRange<Int>, by step: Int) -> ClosedRange<Int> {
            (range.lowerBound - step)...(range.upperBound + step)
        }
        let walk = slots.compactMap { slot in spans[slot].map { (slot: slot, span: $0) } }
        guard let position = walk.firstIndex(where: { $0.slot == focus }) else {
            // A focus outside the walk (not applicable): its own place.
            return clamp(ideal(focused), allowed(focused))
        }
        // Backward: the offsets from which the rest of the walk can be followed scrolling at most
        // `step` rows a move, for the smallest step that reaches every field (one row if it can).
        func plan(step: Int) -> [ClosedRange<Int>]? {
            var reachable = Array(repeating: 0...0, count: walk.count)
            reachable[walk.count - 1] = allowed(walk[walk.count - 1].span)
            for i in stride(from: walk.count - 2, through: 0, by: -1) {
                let own = allowed(walk[i].span)
                let room = widened(reachable[i + 1], by: step)
                guard own.overlaps(room) else { return nil }
                reachable[i] = own.clamped(to: room)
            }
            return reachable
        }
        var step = 1
        var reachable = plan(step: 1)
        while reachable == nil, step < viewportHeight {
            step += 1
            reachable = plan(step: step)
        }
        guard let reachable else { return clamp(ideal(focused), allowed(focused)) }
        // Forward: as near each field's place as the plan allows, a row a move when it can.
        var offset = clamp(ideal(walk[0].span), reachable[0])
        if position == 0 { return offset }
        for i in 1...position {
            let previous = offset
            offset = (1...step).lazy.compactMap { rows -> Int? in
                let room = widened(previous...previous, by: rows)
                return reachable[i].overlaps(room) ? clamp(ideal(walk[i].span), reachable[i].clamped(to: room)) : nil
            }.first ?? clamp(ideal(walk[i].span), reachable[i])
        }
        return offset
    }

    /// The whole sheet as lines `width` columns wide: header rows, then each section's heading
    /// and fields, options wrapped under the options column.
    static func layout(_ sheet: VisitSheet, width: Int, env: AppEnvironment) -> [Line] {
        let s = env.strings
        let lang = env.language
        let applicable = sheet.applicableCodes(env)
        let issueCodes = Set(sheet.issues.map(\.fieldCode))

        struct Row {
            var slot: String
            /// `4. ` before a form field's label; wrapped label lines are indented past it.
            var number: String
            var label: String
            var options: [(code: Int, label: String)]
            var chosen: Set<Int>
            var boxWidth: Int?  // nil: the rest of the line
            var value: String
            var applicable: Bool
            var note: String?
        }
        var rows: [Row] = []
        func headerRow(_ slot: String, options: [(Int, String)], chosen: Set<Int>, box: Int?, note: String? = nil,
                       applicable: Bool = true) -> Row {
            Row(slot: slot, number: "", label: s["visit.header.\(headerName(slot))"], options: options.map { (code: $0.0, label: $0.1) },
                chosen: chosen, boxWidth: box, value: applicable ? sheet.currentText(slot, env: env) : "",
                applicable: applicable, note: note)
        }
        let visitorCodes = Set(sheet.visitorIDs.compactMap { id in sheet.visitorChoices.firstIndex { $0.id == id }.map { $0 + 1 } })
        let headers = [
            headerRow(VisitEntry.atField, options: [], chosen: [], box: 17, note: s["visit.note.at"]),
            headerRow(VisitEntry.visitorsField,
                      options: sheet.visitorChoices.enumerated().map { ($0.offset + 1, $0.element.name) },
                      chosen: visitorCodes, box: 6,
                      // A new ledger set up with an admin and a clerk only: nobody to choose, and why.
                      note: sheet.visitorChoices.isEmpty ? s["visit.note.noVisitors"] : nil),
            headerRow(VisitEntry.methodField,
                      options: VisitMethod.allCases.enumerated().map { ($0.offset + 1, s["method.\($0.element.rawValue)"]) },
                      chosen: [(VisitMethod.allCases.firstIndex(of: sheet.method) ?? 0) + 1], box: 6),
            headerRow(VisitEntry.seenField, options: sheet.method.seesTheElder ? [(1, s["visit.yes"]), (2, s["visit.no"])] : [],
                      chosen: sheet.method.seesTheElder ? [sheet.seenInPerson ? 1 : 2] : [], box: 6,
                      applicable: sheet.method.seesTheElder),
        ]
        rows = headers
        var sectionStarts: [Int: FormSection] = [:]
        for section in env.form.sections {
            sectionStarts[rows.count] = section
            for field in section.fields {
                var options = field.options.map { (code: $0.code, label: $0.label(lang)) }
                if field.kind == .yesNo { options = [(code: 1, label: s["visit.yes"]), (code: 2, label: s["visit.no"])] }
                let box: Int?
                switch field.kind {
                case .text: box = nil
                case .date: box = 11
                case .number: box = 10
                default: box = 6
                }
                // The focused field highlights what is being typed, before it is committed.
                var answer = sheet.answers[field.code]
                if field.code == sheet.focus, case .success(let typed) =
                    env.validator.parseInput(sheet.input.text, for: field, today: env.today) {
                    answer = typed
                }
                rows.append(Row(slot: field.code, number: "\(field.number). ", label: field.label(lang), options: options,
                                chosen: VisitEntry.chosenCodes(answer), boxWidth: box,
                                value: sheet.currentText(field.code, env: env),
                                applicable: applicable.contains(field.code), note: nil))
            }
        }

        // Column geometry: marker, label column, input box, options.
        let labelX = 2
        let widest = rows.map { DisplayWidth.of($0.number + $0.label) }.max() ?? 10
        let labelWidth = min(widest, max(12, width * 3 / 10))
        let boxX = labelX + labelWidth + 2

        var lines: [Line] = []
        for (index, row) in rows.enumerated() {
            if let section = sectionStarts[index] {
                var spans = [Span(x: 0, text: sectionHeading(section, env: env), style: Style(bold: true), width: width)]
                if sheet.copiedSections.contains(section.code) {
                    let heading = DisplayWidth.of(sectionHeading(section, env: env))
                    spans.append(Span(x: heading + 2, text: s["visit.copiedTag"], style: Style(fg: .yellow, bold: true),
                                      width: max(0, width - heading - 2)))
                }
                lines.append(Line(slot: nil, spans: spans, input: nil))
            }
            let focused = row.slot == sheet.focus
            let dim = !row.applicable
            let boxWidth = row.boxWidth ?? max(4, width - boxX - 1)
            let optionsX = boxX + boxWidth + 2
            let optionsWidth = width - optionsX - 1

            // Options: greedy lines of "1无 2高血压 …"; under the label column when there is no room beside the box.
            let items = row.options.map { s.format("visit.option", String($0.code), $0.label) }
            var optionLines: [[(text: String, chosen: Bool)]] = []
            let wrapX = optionsWidth >= 12 ? optionsX : boxX
            let wrapWidth = width - wrapX - 1
            var current: [(text: String, chosen: Bool)] = []
            var used = 0
            for (item, option) in zip(items, row.options) {
                let w = DisplayWidth.of(item)
                if !current.isEmpty, used + 1 + w > wrapWidth {
                    optionLines.append(current)
                    current = []
                    used = 0
                }
                used += (current.isEmpty ? 0 : 1) + w
                current.append((item, row.chosen.contains(option.code)))
            }
            if !current.isEmpty { optionLines.append(current) }
            if let note = row.note, optionsWidth > 4 { optionLines = [[(note, false)]] }

            let indent = DisplayWidth.of(row.number)
            let labelLines = TextWrap.lines(row.label, width: max(1, labelWidth - indent)).enumerated().map { i, line in
                (i == 0 ? row.number : String(repeating: " ", count: indent)) + line
            }
            // Options start beside the box, or on the next line when the box leaves no room.
            let optionsFirstLine = wrapX == optionsX ? 0 : 1
            let height = max(labelLines.count, optionLines.count + optionsFirstLine, 1)
            for k in 0..<height {
                var spans: [Span] = []
                var input: (x: Int, width: Int, fitted: Bool)?
                if k == 0 {
                    // The focus marker is plain like the blank it replaces and the label after it
                    // (bold cost two attribute changes a move, ~15 bytes); an issue's "!" is red.
                    let marker = focused ? "▸" : (issueCodes.contains(row.slot) ? "!" : " ")
                    let markerStyle = marker == "!" ? Style(fg: .red, bold: true) : Style()
                    spans.append(Span(x: 0, text: marker, style: markerStyle, width: 1))
                    if focused {
                        // A text field's box (the rest of the line) is only as wide as its text:
                        // blanks underlined to the end cost ~50-90 bytes a move onto the field, and
                        // left the row so changed that ncurses drew it again instead of scrolling it.
                        input = (boxX, boxWidth, row.boxWidth == nil)
                    } else if row.applicable {
                        // A short box keeps its underline when the focus leaves it (a blank on
                        // the paper form), so a move changes the marker and the cursor, not two
                        // boxes; a text field's box (the rest of the line) would cost more to
                        // scroll into view than it saves.
                        let pad = row.boxWidth == nil ? 0 : max(0, boxWidth - DisplayWidth.of(row.value))
                        spans.append(Span(x: boxX, text: row.value + String(repeating: " ", count: pad),
                                          style: Style(underline: true), width: boxWidth))
                    } else {
                        spans.append(Span(x: boxX, text: s["visit.notApplicable"], style: Style(dim: true), width: boxWidth))
                    }
                }
                if k < labelLines.count {
                    // The focus shows as the ▸ marker and the input box with the cursor; the label
                    // keeps its style, so a move rewrites no label (a reversed label cost ~90 bytes a key).
                    // Nor when the field stops or starts to apply: 不适用 in its box says so, and a
                    // dimmed label cost its whole text again each time an answer changed what applies.
                    spans.append(Span(x: labelX, text: labelLines[k], style: Style(), width: labelWidth))
                }
                let optionIndex = k - optionsFirstLine
                if optionIndex >= 0, optionIndex < optionLines.count {
                    // Neighbouring items of one style form one span, spaces included: each change of
                    // style costs an escape sequence on the terminal.
                    var x = wrapX
                    var run: (x: Int, text: String, style: Style)?
                    func flush() {
                        guard let r = run else { return }
                        let w = DisplayWidth.of(r.text)
                        spans.append(Span(x: r.x, text: r.text, style: r.style, width: min(w, max(0, width - r.x - 1))))
                        run = nil
                    }
                    for item in optionLines[optionIndex] {
                        // Options keep their style when the field stops or starts to apply (不适用
                        // says so): answering 是否存在隐患 then rewrites the box, not every option.
                        // A chosen option is underlined like the box that holds its code (bold as
                        // well cost two more bytes an option).
                        var style = Style()
                        if item.chosen && !dim { style = Style(underline: true) }
                        if row.note != nil { style = Style(dim: true) }
                        if let r = run, r.style == style {
                            run!.text = r.text + " " + item.text
                        } else {
                            flush()
                            run = (x, item.text, style)
                        }
                        x += DisplayWidth.of(item.text) + 1
                    }
                    flush()
                }
                lines.append(Line(slot: row.slot, spans: spans, input: input))
            }
        }
        return lines
    }
}
