import Foundation
import TanfangCore

extension ElderEditScreen {
    /// Columns given to each input (the last input of a line takes what is left, up to its cap).
    static func inputWidth(_ field: Field) -> Int {
        switch field {
        // Names as long as Uyghur and Kazakh ones (帕提古丽·阿卜杜拉: 18 columns).
        case .name: 22
        case .contactName: 18
        case .idNumber: 20
        case .birthDate: 12
        case .ethnicity: 10
        case .phone, .contactPhone, .supporterPhone: 14
        case .supporterName: 14
        case .supporterRelation, .contactRelation: 8
        case .supporterResidence: 16
        case .address, .wishes, .remarks: 60
        default: 40
        }
    }

    /// Dim text shown in an empty input of a multi-input line.
    static func placeholderKey(_ field: Field) -> String? {
        switch field {
        case .supporterName, .contactName: "elderEdit.part.name"
        case .supporterRelation, .contactRelation: "elderEdit.part.relation"
        case .supporterPhone, .contactPhone: "elderEdit.part.phone"
        case .supporterResidence: "elderEdit.part.residence"
        default: nil
        }
    }

    /// The hint for the focused field, shown on the bottom row when it has no problem.
    static func hintKey(_ field: Field) -> String {
        switch field {
        case .idNumber: "elderEdit.hint.idNumber"
        case .birthDate: "elderEdit.hint.birthDate"
        case .categories: "elderEdit.hint.categories"
        case .gender, .disability, .living, .remote: "elderEdit.hint.choice"
        case .village, .grid, .visitor: "elderEdit.hint.pick"
        case .supporterName, .supporterRelation, .supporterPhone, .supporterResidence: "elderEdit.hint.supporter"
        default: "elderEdit.hint.form"
        }
    }

    func shownText(_ field: Field, env: AppEnvironment) -> String {
        let value = text(field)
        guard !env.seesUnmasked, !value.isEmpty else { return value }
        switch field {
        case .idNumber: return Masking.idNumber(value)
        case .phone, .contactPhone, .supporterPhone: return Masking.phone(value)
        default: return value
        }
    }

    public func render(into grid: inout Grid, area: Rect, env: AppEnvironment) -> CursorPosition? {
        let s = env.strings
        guard area.height >= 4, area.width >= 20 else { return nil }
        let inner = area.insetBy(dx: 1, dy: 0)
        let heading: String
        if let original {
            heading = s.format("elderEdit.heading.edit", original.name) + "  ·  "
                + s["status.\(original.status.rawValue)"]
        } else if elderID != nil {
            heading = s["status.loading"]
        } else {
            heading = s["elderEdit.heading.new"]
        }
        grid.put(heading, x: inner.x, y: area.y, style: Style(bold: true), maxWidth: inner.width)
        guard loaded else { return nil }

        let problems = issues(env: env).filter { attemptedSave || !Self.deferredKeys.contains($0.issue.key) }
        var problemOf: [Field: Issue] = [:]
        for p in problems where problemOf[p.field] == nil { problemOf[p.field] = p.issue }

        var all = lines()
        // Supporter and contact rows are numbered (赡养人1; the English labels end in a space: Supporter 1).
        func label(_ line: (label: String, fields: [Field])) -> String {
            switch line.fields.first {
            case .supporterName(let i)?: s[line.label] + String(i + 1)
            case .contactName(let i)? where contactRows > 1: s[line.label] + String(i + 1)
            default: s[line.label]
            }
        }
        // Two columns after the widest label, one after a numbered one (its number is its end).
        let labelWidth = min(16, max((all.map { DisplayWidth.of(s[$0.label]) }.max() ?? 8) + 2,
                                     (all.map { DisplayWidth.of(label($0)) }.max() ?? 8) + 1))
        let body = Rect(x: inner.x, y: area.y + 2, width: inner.width, height: area.height - 4)
        // Categories that do not fit on their row (English at 80 columns) go on to a row of their own.
        let categoriesWrap = categoryLabels(env: env).reduce(0) { $0 + DisplayWidth.of($1) + 2 } > body.width - labelWidth
        if categoriesWrap, let i = all.firstIndex(where: { $0.fields == [.categories] }) {
            all.insert((label: "", fields: []), at: i + 1)
        }
        let focusLine = all.firstIndex { $0.fields.contains(focus) } ?? 0
        let top = max(0, focusLine - body.height + 1)
        var cursor: CursorPosition?
        for (index, line) in all.enumerated() where index >= top && index - top < body.height {
            let y = body.y + index - top
            guard !line.fields.isEmpty else { continue }
            let focusedLine = line.fields.contains(focus)
            grid.put(label(line), x: body.x, y: y, style: focusedLine ? Style(bold: true) : .plain, maxWidth: labelWidth)
            var x = body.x + labelWidth
            for field in line.fields {
                let room = body.maxX - x
                guard room > 2 else { break }
                let width = min(Self.inputWidth(field), room)
                let focused = field == focus && dialog == nil
                let used: Int
                if field == .categories {
                    used = renderCategories(into: &grid, x: x, y: y, width: room, focused: focused, env: env,
                                            wrapTo: categoriesWrap && index - top + 1 < body.height ? y + 1 : nil)
                } else if field.isChoice {
                    used = renderChoice(field, into: &grid, x: x, y: y, width: room, focused: focused, env: env)
                } else {
                    var state = TextFieldState(maxLength: nil)
                    state.setText(shownText(field, env: env))
                    if focused, let real = texts[field], env.seesUnmasked { state = real }
                    let placeholder = Self.placeholderKey(field).map { s[$0] }
                    let c = TextField.render(state, into: &grid, area: Rect(x: x, y: y, width: width, height: 1),
                                             textStyle: focused && selected == field ? Style(reverse: true, underline: true) : nil,
                                             placeholder: placeholder, focused: focused)
                    if focused { cursor = c }
                    used = width
                }
                x += used + 1
            }
            // The line's first problem after its inputs (the bottom row repeats it in full when focused).
            if let issue = line.fields.compactMap({ problemOf[$0] }).first, x < body.maxX {
                grid.put("✗ " + s.format(issue.key, issue.args), x: x, y: y, style: Style(fg: .red, bold: true),
                         maxWidth: body.maxX - x)
            }
        }
        // Bottom row: the focused field's problem in full, else a hint.
        let bottom = area.maxY - 1
        if let issue = problemOf[focus] {
            grid.put("✗ " + s.format(issue.key, issue.args), x: inner.x, y: bottom,
                     style: Style(fg: .red, bold: true), maxWidth: inner.width)
        } else {
            grid.put(s[Self.hintKey(focus)], x: inner.x, y: bottom, style: Style(dim: true), maxWidth: inner.width)
        }
        if let dialog {
            cursor = renderDialog(dialog, into: &grid, area: area, env: env)
        }
        return cursor
    }

    /// `‹ 男 ›` for the focused choice, the value alone otherwise.
    private func renderChoice(_ field: Field, into grid: inout Grid, x: Int, y: Int, width: Int, focused: Bool,
                              env: AppEnvironment) -> Int {
        let (options, index) = choice(field, env: env)
        let value = index.map { options[$0] } ?? env.strings["elderEdit.unset"]
        var text = value
        if field == .gender || field == .remote || field == .disability || field == .living {
            // Short lists: show every option with its number, the chosen one in brackets.
            text = options.enumerated().map { i, o in i == index ? "[\(i + 1)\(o)]" : " \(i + 1)\(o) " }.joined()
        } else if focused {
            text = "‹ " + value + " ›"
        }
        let style = focused ? Style(reverse: true) : (index == nil ? Style(dim: true) : .plain)
        return grid.put(text, x: x, y: y, style: style, maxWidth: min(width, Self.inputWidth(field) + 20))
    }

    /// "1独居", "2空巢"… as the categories row shows them.
    func categoryLabels(env: AppEnvironment) -> [String] {
        Category.allCases.enumerated().map { i, category in "\(i + 1)" + env.strings["roster.short.\(category.rawValue)"] }
    }

    /// The categories' toggles from `x`; with `wrapTo`, those that do not fit continue on that row.
    private func renderCategories(into grid: inout Grid, x: Int, y: Int, width: Int, focused: Bool,
                                  env: AppEnvironment, wrapTo: Int? = nil) -> Int {
        let s = env.strings
        var column = x
        var y = y, wrapped = false
        for (i, label) in categoryLabels(env: env).enumerated() {
            let on = categories.contains(Category.allCases[i])
            let text = on ? "[" + label + "]" : " " + label + " "
            if let next = wrapTo, !wrapped, column + DisplayWidth.of(text) > x + width {
                wrapped = true
                y = next
                column = x
            }
            let style = on ? Style(bold: true, reverse: focused) : (focused ? Style(underline: true) : Style(dim: true))
            column += grid.put(text, x: column, y: y, style: style, maxWidth: x + width - column)
            guard column < x + width else { break }
        }
        if let birth = parseDate(text(.birthDate), env: env), birth.age(on: env.today) >= advancedAgeThreshold {
            // 高龄 is derived from the birth date, never ticked.
            column += grid.put(" + " + s["category.advancedAge"], x: column, y: y, style: Style(dim: true),
                               maxWidth: max(0, x + width - column))
        }
        return column - x
    }

    private func renderDialog(_ d: StatusDialog, into grid: inout Grid, area: Rect, env: AppEnvironment) -> CursorPosition? {
        let s = env.strings
        let width = min(area.width - 4, 56)
        let box = Rect(x: area.x + (area.width - width) / 2, y: area.y + max(1, (area.height - 8) / 2), width: width, height: 8)
        grid.fill(box)
        let inside = Box(title: s["elderEdit.status.title"]).render(into: &grid, area: box).insetBy(dx: 1, dy: 0)
        let labels = ["elderEdit.status.field", "elderEdit.status.date", "elderEdit.status.note"].map { s[$0] }
        let labelWidth = (labels.map { DisplayWidth.of($0) }.max() ?? 4) + 1
        var cursor: CursorPosition?
        for (i, label) in labels.enumerated() {
            let y = inside.y + 1 + i
            let focused = d.focus.rawValue == i
            grid.put(label, x: inside.x, y: y, style: focused ? Style(bold: true) : .plain, maxWidth: labelWidth)
            let field = Rect(x: inside.x + labelWidth + 1, y: y, width: inside.width - labelWidth - 1, height: 1)
            switch i {
            case 0:
                let text = "‹ " + s["status.\(d.status.rawValue)"] + " ›"
                grid.put(text, x: field.x, y: y, style: focused ? Style(reverse: true) : .plain, maxWidth: field.width)
            case 1:
                let c = TextField.render(d.date, into: &grid, area: Rect(x: field.x, y: y, width: min(12, field.width), height: 1), focused: focused)
                if focused { cursor = c }
            default:
                let c = TextField.render(d.note, into: &grid, area: field, focused: focused)
                if focused { cursor = c }
            }
        }
        if let current = original?.statusHistory.last {
            grid.put(s.format("elderEdit.status.current", s["status.\(current.status.rawValue)"], current.date.description),
                     x: inside.x, y: inside.y + 5, style: Style(dim: true), maxWidth: inside.width)
        }
        return cursor
    }
}
