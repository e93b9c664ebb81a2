import Foundation
import Synchronization
import TanfangCore

/// Turns a roster sheet (台账) into normalized, validated rows and a list of problems.
///
/// The header row may sit below title rows (it is searched for among the first ten rows) and its
/// columns may come in any order. Harmless differences are normalized: full-width digits and
/// letters, spaces in ID numbers and phones, a lowercase `x`, the many ways of writing a date,
/// `+86` before a phone, category words separated by 、，； or spaces. Everything else is reported
/// with its line, column header and value (ID numbers and phones masked), and the line is
/// rejected; nothing is dropped without an issue saying so.
///
/// Category words: 独居, 空巢, 留守, 失能 (半失能 → mild, 完全失能 → severe; 轻度/中度/重度失能),
/// 重残 / 重度残疾 / 一级残疾 / 二级残疾, 计生特殊 / 计划生育特殊家庭 / 失独, 特困 / 分散供养特困 / 五保,
/// and the English codes our exports write. 高龄 is accepted but ignored with a note: it is
/// derived from the birth date, never stored.
public struct RosterImportParser: Sendable {
    /// Columns of `tanfang export roster` that the ledger derives by its rules (risk, visits),
    /// in both languages: read back, they are named as such rather than as unknown.
    static let derivedHeaders: Set<String> = ["风险等级", "下次应探访", "上次探访", "Risk", "Next due", "Last visit"]

    /// Extra headers (normalized like the built-in ones) and the fields they fill.
    public let mapping: [String: RosterField]
    public let today: LocalDate

    /// How many rows from the top may hold titles before the header row.
    public static let headerSearchRows = 10

    /// - Parameters:
    ///   - mapping: header text → field, from a mapping file; it wins over the built-in headers.
    ///   - today: birth dates after it are refused.
    public init(mapping: [String: RosterField] = [:], today: LocalDate) {
        var normalized: [String: RosterField] = [:]
        for (header, field) in mapping { normalized[RosterValues.headerKey(header)] = field }
        self.mapping = normalized
        self.today = today
    }

    /// Reads a mapping file: a JSON object `{"header text": "fieldName"}` with `RosterField` raw values.
    public static func loadMapping(url: URL) throws -> [String: RosterField] {
        let file = url.lastPathComponent
        let data = try Data(contentsOf: url)
        guard let object = try? JSONDecoder().decode([String: String].self, from: data) else {
            throw TanfangIOError.mappingFile(file: file)
        }
        var out: [String: RosterField] = [:]
        for (header, name) in object.sorted(by: { $0.key < $1.key }) {
            // The field by its code (birthDate) or as the standard roster heads it (出生日期, or an
            // alias of it): an office writes the mapping in its own words.
            guard let field = RosterField(rawValue: name) ?? RosterField.knownHeaders[RosterValues.headerKey(name)] else {
                throw TanfangIOError.mappingField(file: file, header: header, field: name)
            }
            out[header] = field
        }
        return out
    }

    /// The field a header names, if any.
    public func field(forHeader header: String) -> RosterField? {
        let key = RosterValues.headerKey(header)
        return mapping[key] ?? RosterField.knownHeaders[key]
    }

    /// Parses `table`; `file` names the source in file-level issues.
    public func parse(_ table: SheetTable, file: String) -> RosterImportResult {
        var issues: [ImportIssue] = []

        // The header row: the one among the first rows naming the most fields (at least two).
        var best: (index: Int, count: Int)?
        for (i, row) in table.rows.prefix(Self.headerSearchRows).enumerated() {
            let count = Set(row.compactMap { field(forHeader: $0) }).count
            if count >= 2, count > (best?.count ?? 0) { best = (i, count) }
        }
        guard let headerIndex = best?.index else {
            issues.append(ImportIssue(line: 0, column: "", value: "", messageKey: "import.error.noHeader", args: [file]))
            return RosterImportResult(rows: [], issues: issues, invalidLines: Set(table.rowNumbers),
                                      headerMapping: [], headerLine: nil)
        }
        let headerLine = table.rowNumbers[headerIndex]
        let headers = table.rows[headerIndex].map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        let dataRows = Array(zip(table.rowNumbers, table.rows).dropFirst(headerIndex + 1))

        var columns: [RosterField: Int] = [:]
        var headerMapping: [(header: String, field: RosterField)] = []
        for (j, header) in headers.enumerated() {
            let letter = Self.columnLetter(j)
            guard let field = field(forHeader: header) else {
                if Self.derivedHeaders.contains(header) {
                    // The export's 风险等级 / 下次应探访 / 上次探访: the ledger works them out itself.
                    issues.append(ImportIssue(line: headerLine, column: header, value: "",
                                              messageKey: "import.note.columnDerived", args: [letter]))
                } else if !header.isEmpty {
                    issues.append(ImportIssue(line: headerLine, column: header, value: "",
                                              messageKey: "import.note.columnIgnored", args: [String(j + 1), letter, header]))
                }
                // (A column without a header holds what no field reads: its rows are refused below.)
                continue
            }
            if let first = columns[field] {
                issues.append(ImportIssue(line: headerLine, column: header, value: "",
                                          messageKey: "import.note.duplicateColumn", args: [letter, headers[first]]))
                continue
            }
            columns[field] = j
            headerMapping.append((header, field))
        }
        guard columns[.name] != nil else {
            issues.append(ImportIssue(line: headerLine, column: "", value: "",
                                      messageKey: "import.error.nameColumnMissing", args: [file]))
            let lines = dataRows.filter { row in row.1.contains { !$0.isEmpty } }.map(\.0)
            return RosterImportResult(rows: [], issues: issues, invalidLines: Set(lines),
                                      headerMapping: headerMapping, headerLine: headerLine)
        }

        var rows: [ImportedElder] = []
        rows.reserveCapacity(dataRows.count)
        var invalid: Set<Int> = []
        var invalidVillages: [Int: String] = [:]
        var seenIDs: [String: Int] = [:]
        seenIDs.reserveCapacity(dataRows.count)
        let slots = RosterField.allCases.map { columns[$0] }
        let headerOf = RosterField.allCases.map { f in columns[f].map { headers[$0] } ?? "" }
        // Rows are checked on both cores (each on its own); then, in file order, the one check
        // that spans rows (a repeated ID number) and the collection of rows and issues.
        let parsed = Parallel.map(dataRows) { line, cells -> ParsedRow? in
            let row = RowContext(line: line, cells: cells, slots: slots, headers: headerOf)
            // Cells under no header (past the last one, or under an empty one) belong to no field: a row
            // shifted by a stray comma, or a note written beside the table. Refused, naming them,
            // rather than dropped unseen.
            let extra = cells.indices.filter { $0 >= headers.count || headers[$0].isEmpty }
                .map { RosterValues.trimmed(cells[$0]) }.filter { !$0.isEmpty }
            // Rows with nothing in the recognised columns (e.g. only a pre-filled 序号) are blank.
            guard row.values.contains(where: { $0 != nil }) || !extra.isEmpty else { return nil }
            var out = ParsedRow(row: row)
            if !extra.isEmpty {
                out.issues.append(ImportIssue(line: line, column: "", value: extra.joined(separator: "、"),
                                              messageKey: "import.error.cellsPastHeader",
                                              args: [String(headers.filter { !$0.isEmpty }.count), extra.joined(separator: "、")]))
            }
            // A total or signature line under the table (合计：4人, 制表人：王丽娟): no one to add. With
            // --village (which a missing village asked for) it was added as an elder named 合计:4人.
            if row.raw(.idNumber) == nil, let name = row.raw(.name), Self.isFooter(name) {
                out.issues.append(row.issue(.name, name, "import.note.footerRow", [name]))
                return out
            }
            out.elder = parseRow(row, issues: &out.issues, idNumber: &out.idNumber)
            return out
        }
        for case var p? in parsed {
            let line = p.row.line
            if let id = p.idNumber {
                if let first = seenIDs[id.normalized] {
                    p.issues.insert(p.row.issue(.idNumber, Masking.idNumber(id.text), "import.error.duplicateIdNumber",
                                                [String(first)]),
                                    at: id.issueIndex)
                } else {
                    seenIDs[id.normalized] = line
                }
            }
            let elder = p.elder
            let rowIssues = p.issues
            if rowIssues.isEmpty {
                if let elder { rows.append(elder) }
                continue
            }
            issues += rowIssues
            if rowIssues.contains(where: \.isError) {
                invalid.insert(line)
                if let village = p.row.raw(.village) { invalidVillages[line] = village }
            } else if let elder {
                rows.append(elder)
            }
        }
        var result = RosterImportResult(rows: rows, issues: issues, invalidLines: invalid,
                                        headerMapping: headerMapping, headerLine: headerLine)
        result.invalidVillages = invalidVillages
        return result
    }

    /// One data row checked on its own: the elder (nil without a name), its issues, and its valid
    /// ID number with where in `issues` a "repeated ID number" error belongs.
    struct ParsedRow: Sendable {
        let row: RowContext
        var elder: ImportedElder?
        var issues: [ImportIssue] = []
        var idNumber: (normalized: String, text: String, issueIndex: Int)?

        init(row: RowContext) { self.row = row }
    }

    /// Words that begin a total or signature line of an office table, not a person's name.
    static let footerWords = ["合计", "总计", "小计", "共计", "制表", "填表", "审核", "统计人", "负责人", "说明", "注：", "注:",
                              "备注：", "备注:", "单位：", "单位:"]

    static func isFooter(_ name: String) -> Bool {
        let t = name.trimmingCharacters(in: .whitespaces)
        return footerWords.contains { t.hasPrefix($0) }
    }

    /// The cell at `index`, "" past the end of a short row.
    static func cell(_ cells: [String], _ index: Int) -> String {
        cells.indices.contains(index) ? cells[index] : ""
    }

    /// `0` → `A`, `27` → `AB`.
    static func columnLetter(_ index: Int) -> String {
        var n = index + 1
        var out = ""
        while n > 0 {
            let r = (n - 1) % 26
            out = String(UnicodeScalar(UInt8(65 + r))) + out
            n = (n - 1) / 26
        }
        return out
    }

    // MARK: - One row

    struct RowContext: Sendable {
        let line: Int
        /// The trimmed cell of each field, in `RosterField.allCases` order (nil when the column is
        /// absent or the cell empty): trimmed once, read several times.
        let values: [String?]
        /// The header text of each field, in the same order.
        let headers: [String]

        init(line: Int, cells: [String], slots: [Int?], headers: [String]) {
            self.line = line
            self.headers = headers
            values = slots.map { slot in
                guard let j = slot else { return nil }
                let v = RosterValues.trimmed(RosterImportParser.cell(cells, j))
                return v.isEmpty ? nil : v
            }
        }

        /// The raw cell of `field` (nil when the column is absent or the cell empty).
        func raw(_ field: RosterField) -> String? { values[field.slot] }

        func header(_ field: RosterField) -> String { headers[field.slot] }

        func issue(_ field: RosterField, _ value: String, _ key: String, _ args: [String] = []) -> ImportIssue {
            ImportIssue(line: line, column: header(field), value: value, messageKey: key, args: args)
        }
    }

    /// Checks one row on its own. A valid ID number is handed back in `idNumber`, with the place in
    /// `issues` where the caller puts the error when an earlier row has the same number.
    func parseRow(_ row: RowContext, issues: inout [ImportIssue],
                  idNumber: inout (normalized: String, text: String, issueIndex: Int)?) -> ImportedElder? {
        let name = row.raw(.name).flatMap(RosterValues.name)
        if name == nil { issues.append(row.issue(.name, "", "import.error.nameMissing")) }

        // ID number first: it confirms or fills gender and birth date.
        var idInfo: IDNumberInfo?
        if let raw = row.raw(.idNumber) {
            let text = RosterValues.idText(raw)
            // Masked only when reported: most rows have nothing to report.
            var masked: String { Masking.idNumber(text) }
            if RosterValues.looksLikeScientific(text) {
                issues.append(row.issue(.idNumber, masked, "import.error.idNumberAsNumber"))
            } else if text.contains("**") {
                // A masked export read back (654021********1234): no number to check.
                issues.append(row.issue(.idNumber, masked, "import.error.idNumberMasked"))
            } else {
                switch RosterValues.idNumber(text, today: today) {
                case .failure(let error):
                    issues.append(row.issue(.idNumber, masked, error.messageKey, error.args))
                case .success(let info):
                    idNumber = (info.normalized, text, issues.count)
                    if info.convertedFrom15 { issues.append(row.issue(.idNumber, masked, "import.note.idConverted")) }
                    idInfo = info
                }
            }
        }

        var gender = idInfo?.gender
        if let raw = row.raw(.gender) {
            if let typed = RosterValues.gender(raw) {
                if let fromID = idInfo?.gender, fromID != typed {
                    issues.append(row.issue(.gender, raw, "import.error.genderMismatch"))
                }
                gender = typed
            } else {
                issues.append(row.issue(.gender, raw, "import.error.gender"))
            }
        }

        var birthDate = idInfo?.birthDate
        if let raw = row.raw(.birthDate) {
            if let parsed = RosterValues.date(raw) {
                let date = parsed.date
                if date > today {
                    issues.append(row.issue(.birthDate, raw, "import.error.dateFuture"))
                } else if date < IDNumber.earliestBirthDate {
                    issues.append(row.issue(.birthDate, raw, "import.error.date"))
                } else if let fromID = idInfo?.birthDate {
                    let agrees = switch parsed {
                    case .day(let d): d == fromID
                    case .month(let d): d.yearMonth == fromID.yearMonth
                    }
                    // The ID's full date wins over a month-precision column that agrees with it.
                    if !agrees { issues.append(row.issue(.birthDate, raw, "import.error.birthDateMismatch")) }
                } else {
                    if case .month = parsed { issues.append(row.issue(.birthDate, raw, "import.note.monthPrecision")) }
                    birthDate = date
                }
            } else {
                issues.append(row.issue(.birthDate, raw, "import.error.date"))
            }
        }

        let phone = checkedPhone(row, .phone, &issues)
        var supporter = PersonColumns(name: row.raw(.supporterName).flatMap(RosterValues.name),
                                      relation: row.raw(.supporterRelation).flatMap(RosterValues.text),
                                      phone: checkedPhone(row, .supporterPhone, &issues),
                                      residence: row.raw(.supporterResidence).flatMap(RosterValues.text))
        splitPersonCell(row, .supporterName, [.supporterRelation, .supporterPhone, .supporterResidence], into: &supporter, &issues)
        var contact = PersonColumns(name: row.raw(.contactName).flatMap(RosterValues.name),
                                    relation: row.raw(.contactRelation).flatMap(RosterValues.text),
                                    phone: checkedPhone(row, .contactPhone, &issues), residence: nil)
        splitPersonCell(row, .contactName, [.contactRelation, .contactPhone], into: &contact, &issues)
        let supporterPhone = supporter.phone, contactName = contact.name, contactPhone = contact.phone
        // An emergency contact is a name and a phone: one without the other is reported, not dropped.
        if contactName != nil, row.raw(.contactPhone) == nil, contact.phone == nil {
            issues.append(row.issue(.contactName, contactName ?? "", "import.error.contactPhoneMissing"))
        } else if contactName == nil, let raw = row.raw(.contactPhone) {
            issues.append(row.issue(.contactPhone, Masking.invalidPhone(raw), "import.error.contactNameMissing"))
        }
        // A coded cell (状态, 偏散远, 居住情况): its value, or a problem naming what may be written.
        func coded<T>(_ field: RosterField, _ parse: (String) -> T?, _ messageKey: String) -> T? {
            guard let raw = row.raw(field) else { return nil }
            guard let value = parse(raw) else {
                issues.append(row.issue(field, raw, messageKey))
                return nil
            }
            return value
        }
        let status = coded(.status, RosterValues.status, "import.error.status")
        var statusDate: LocalDate?
        if let raw = row.raw(.statusDate) {
            if let parsed = RosterValues.date(raw)?.date {
                if parsed > today {
                    issues.append(row.issue(.statusDate, raw, "import.error.statusDateFuture"))
                } else if row.raw(.status) == nil {
                    issues.append(row.issue(.statusDate, raw, "import.error.statusDateAlone"))
                } else {
                    statusDate = parsed
                }
            } else {
                issues.append(row.issue(.statusDate, raw, "import.error.date"))
            }
        }
        // A death or a move without its day would be dated the import day: a made-up date that
        // moves the month's rate and the "visited after death" flag.
        if let status, status != .active, row.raw(.statusDate) == nil {
            issues.append(row.issue(.status, row.raw(.status) ?? "", "import.error.statusDateMissing"))
        }
        func others(_ field: RosterField, needPhone: Bool) -> [RosterPerson] {
            guard let raw = row.raw(field) else { return [] }
            switch RosterValues.people(raw) {
            case .success(let people):
                if needPhone, people.contains(where: { $0.phone == nil }) {
                    issues.append(row.issue(field, Masking.phonesIn(raw), "import.error.otherContactPhone"))
                    return []
                }
                return people
            case .failure(let problem):
                issues.append(row.issue(field, Masking.phonesIn(raw), "import.error.otherPeople",
                                        [Masking.phonesIn(problem.entry)]))
                return []
            }
        }
        let otherSupporters = others(.otherSupporters, needPhone: false)
        let otherContacts = others(.otherContacts, needPhone: true)
        // An emergency contact has a name, a relation and a phone, nowhere to keep a residence: said.
        for p in otherContacts where p.residence != nil {
            issues.append(row.issue(.otherContacts, p.residence ?? "", "import.note.contactResidence", [p.name]))
        }
        // A supporter's relation, phone or residence without the supporter's name would be lost.
        if row.raw(.supporterName) == nil,
           let field = [RosterField.supporterRelation, .supporterPhone, .supporterResidence].first(where: { row.raw($0) != nil }) {
            issues.append(row.issue(field, field == .supporterPhone ? Masking.invalidPhone(row.raw(field) ?? "") : row.raw(field) ?? "",
                                    "import.error.supporterNameMissing"))
        }
        let remote = coded(.remote, RosterValues.yesNo, "import.error.yesNo")
        let living = coded(.livingArrangement, RosterValues.livingArrangement, "import.error.livingArrangement")

        var categories: Set<TanfangCore.Category> = []
        var degree: DisabilityDegree?
        if let raw = row.raw(.categories) {
            for (word, meaning) in RosterValues.categoryWords(raw) {
                switch meaning {
                case nil:
                    issues.append(row.issue(.categories, raw, "import.error.category", [word]))
                case .advancedAge:
                    issues.append(row.issue(.categories, raw, "import.note.advancedAgeIgnored", [word]))
                case .category(let category, let implied)?:
                    categories.insert(category)
                    if let implied {
                        if let d = degree, d != implied {
                            issues.append(row.issue(.categories, raw, "import.error.disabilityDegreeMismatch"))
                        }
                        degree = implied
                    }
                }
            }
        }
        if let raw = row.raw(.disabilityDegree) {
            switch RosterValues.disabilityDegree(raw) {
            case nil:
                issues.append(row.issue(.disabilityDegree, raw, "import.error.disabilityDegree"))
            case .some(nil):
                if degree != nil { issues.append(row.issue(.disabilityDegree, raw, "import.error.disabilityDegreeMismatch")) }
            case .some(let typed?):
                if let d = degree, d != typed {
                    issues.append(row.issue(.disabilityDegree, raw, "import.error.disabilityDegreeMismatch"))
                }
                degree = typed
                if !categories.contains(.disabled) {
                    categories.insert(.disabled)
                    issues.append(row.issue(.disabilityDegree, raw, "import.note.disabledFromDegree"))
                }
            }
        }

        guard let name else { return nil }
        return ImportedElder(
            line: row.line, name: name, gender: gender, idNumber: idInfo?.normalized, birthDate: birthDate,
            ethnicity: row.raw(.ethnicity).flatMap(RosterValues.ethnicity), phone: phone,
            address: row.raw(.address).flatMap(RosterValues.text),
            villageName: row.raw(.village).flatMap(RosterValues.text), categories: categories,
            disabilityDegree: degree, supporterName: supporter.name,
            supporterPhone: supporterPhone, livingArrangement: living, contactName: contactName,
            contactPhone: contactPhone, visitorName: row.raw(.visitor).flatMap(RosterValues.name),
            note: row.raw(.note).flatMap(RosterValues.text), status: status, statusDate: statusDate,
            supporterRelation: supporter.relation,
            supporterResidence: supporter.residence,
            otherSupporters: otherSupporters, contactRelation: contact.relation,
            otherContacts: otherContacts, wishes: row.raw(.wishes).flatMap(RosterValues.text), remote: remote,
            gridName: row.raw(.grid).flatMap(RosterValues.text),
            sources: row.raw(.sources).map(RosterValues.sources) ?? [])
    }

    /// One person's columns (赡养人 or 紧急联系人): name, relation, phone, residence.
    struct PersonColumns {
        var name: String?
        var relation: String?
        var phone: String?
        var residence: String?
    }

    /// A name cell written as a whole entry, as 其他赡养人 takes them (李强（儿子）13900002222 伊宁市):
    /// its parts go to the columns left empty, so that no phone or relation is kept as part of a
    /// name. A part its own column gives differently, several people, or an entry that cannot be
    /// read is a problem naming the cell. `columns` are the relation, phone and (for a supporter)
    /// residence columns, in that order; a contact's residence is said not to be kept.
    func splitPersonCell(_ row: RowContext, _ nameField: RosterField, _ columns: [RosterField],
                         into person: inout PersonColumns, _ issues: inout [ImportIssue]) {
        guard let raw = row.raw(nameField),
              raw.contains(where: { ($0.isASCII && $0.isNumber) || "（(".contains($0) }) else { return }
        guard case .success(let people) = RosterValues.people(raw), let entry = people.first else {
            issues.append(row.issue(nameField, Masking.invalidPhone(raw), "import.error.personCell"))
            return
        }
        guard people.count == 1 else {
            let others = nameField == .supporterName ? RosterField.otherSupporters : .otherContacts
            issues.append(row.issue(nameField, entry.name, "import.error.personCellSeveral", [others.standardHeader]))
            return
        }
        person.name = entry.name
        func take(_ value: String?, _ field: RosterField, _ keep: inout String?) {
            guard let value, !value.isEmpty else { return }
            if let kept = keep, kept != value {
                let shown = field == .supporterPhone || field == .contactPhone ? Masking.invalidPhone(value) : value
                issues.append(row.issue(nameField, shown, "import.error.personCellConflict", [field.standardHeader]))
            } else {
                keep = value
            }
        }
        take(entry.relation, columns[0], &person.relation)
        take(entry.phone, columns[1], &person.phone)
        if columns.count > 2 {
            take(entry.residence, columns[2], &person.residence)
        } else if let residence = entry.residence {
            issues.append(row.issue(nameField, residence, "import.note.contactResidence", [entry.name]))
        }
    }

    func checkedPhone(_ row: RowContext, _ field: RosterField, _ issues: inout [ImportIssue]) -> String? {
        guard let raw = row.raw(field) else { return nil }
        var masked: String { Masking.invalidPhone(RosterValues.halfWidth(raw).filter { !$0.isWhitespace }) }
        switch RosterValues.phone(raw) {
        case .success(let digits): return RosterValues.landlineAsWritten(raw, digits: digits) ?? digits
        case .failure(.multiple): issues.append(row.issue(field, masked, "import.error.phoneMultiple"))
        case .failure(.characters):
            // 1.3912345678E+10: Excel made the column a number (as it does ID numbers).
            let scientific = raw.range(of: #"^\s*\d(\.\d+)?[eE]\+?\d+\s*$"#, options: .regularExpression) != nil
            issues.append(row.issue(field, masked, scientific ? "import.error.phoneAsNumber" : "import.error.phoneCharacters"))
        case .failure(.length(let n)): issues.append(row.issue(field, masked, "import.error.phoneLength", [String(n)]))
        }
        return nil
    }
}

extension RosterField {
    /// The position in `allCases`.
    var slot: Int {
        switch self {
        case .name: 0
        case .gender: 1
        case .idNumber: 2
        case .birthDate: 3
        case .ethnicity: 4
        case .phone: 5
        case .address: 6
        case .village: 7
        case .categories: 8
        case .disabilityDegree: 9
        case .supporterName: 10
        case .supporterPhone: 11
        case .note: 12
        case .livingArrangement: 13
        case .contactName: 14
        case .contactPhone: 15
        case .visitor: 16
        case .status: 17
        case .statusDate: 18
        case .supporterRelation: 19
        case .supporterResidence: 20
        case .otherSupporters: 21
        case .contactRelation: 22
        case .otherContacts: 23
        case .wishes: 24
        case .remote: 25
        case .grid: 26
        case .sources: 27
        }
    }
}
