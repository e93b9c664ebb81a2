import Foundation
import TanfangCore

/// A problem or a remark about one cell (or the whole file when `line` is 0).
///
/// Keys starting with `import.error.` (and IDNumber's `id.error.`) make the line invalid;
/// `import.note.` keys only tell what was changed or ignored.
public struct ImportIssue: Hashable, Sendable, Codable {
    /// The row number a person sees in Excel; 0 for problems with the file as a whole.
    public var line: Int
    /// The header text as written in the file ("" when no column is concerned).
    public var column: String
    /// The cell as typed, with ID numbers and phones masked.
    public var value: String
    public var messageKey: String
    public var args: [String]

    public init(line: Int, column: String, value: String, messageKey: String, args: [String] = []) {
        self.line = line
        self.column = column
        self.value = value
        self.messageKey = messageKey
        self.args = args
    }

    /// Whether this issue rejects its line (otherwise it is a note).
    public var isError: Bool { !messageKey.hasPrefix("import.note.") }
}

/// One valid, normalized row of a roster file, ready to be merged into the ledger.
public struct ImportedElder: Hashable, Sendable {
    public var line: Int
    public var name: String
    public var gender: Gender?
    /// The normalized 18-character ID number (15-digit numbers converted).
    public var idNumber: String?
    public var birthDate: LocalDate?
    public var ethnicity: String?
    /// Digits only, without +86.
    public var phone: String?
    public var address: String?
    public var villageName: String?
    /// 高龄 is never among them: it is derived from the birth date.
    public var categories: Set<TanfangCore.Category>
    public var disabilityDegree: DisabilityDegree?
    public var supporterName: String?
    public var supporterPhone: String?
    public var livingArrangement: LivingArrangement?
    public var contactName: String?
    public var contactPhone: String?
    /// The 结对责任人 as written; the ledger resolves it among the village's visitors.
    public var visitorName: String?
    /// 备注, stored as the elder's remarks.
    public var note: String?
    /// 状态 as written (在册, 死亡…) and the day it began (状态日期), when the file has them.
    public var status: ElderStatus?
    public var statusDate: LocalDate?
    public var supporterRelation: String?
    public var supporterResidence: String?
    /// 其他赡养人 and 其他紧急联系人, in the order written (see `RosterValues.people`).
    public var otherSupporters: [RosterPerson] = []
    public var contactRelation: String?
    public var otherContacts: [RosterPerson] = []
    public var wishes: String?
    /// 偏散远 when the column says so (是/否); nil when it is empty or absent.
    public var remote: Bool?
    /// The 网格 as written; the ledger resolves it among the village's grids.
    public var gridName: String?
    /// The lists the person is on (来源: 卫健、民政…), as our export writes them; empty when absent.
    public var sources: [String] = []

    public init(line: Int, name: String, gender: Gender? = nil, idNumber: String? = nil,
                birthDate: LocalDate? = nil, ethnicity: String? = nil, phone: String? = nil,
                address: String? = nil, villageName: String? = nil, categories: Set<TanfangCore.Category> = [],
                disabilityDegree: DisabilityDegree? = nil, supporterName: String? = nil,
                supporterPhone: String? = nil, livingArrangement: LivingArrangement? = nil,
                contactName: String? = nil, contactPhone: String? = nil, visitorName: String? = nil,
                note: String? = nil, status: ElderStatus? = nil, statusDate: LocalDate? = nil,
                supporterRelation: String? = nil, supporterResidence: String? = nil, otherSupporters: [RosterPerson] = [],
                contactRelation: String? = nil, otherContacts: [RosterPerson] = [], wishes: String? = nil,
                remote: Bool? = nil, gridName: String? = nil, sources: [String] = []) {
        self.line = line
        self.name = name
        self.gender = gender
        self.idNumber = idNumber
        self.birthDate = birthDate
        self.ethnicity = ethnicity
        self.phone = phone
        self.address = address
        self.villageName = villageName
        self.categories = categories
        self.disabilityDegree = disabilityDegree
        self.supporterName = supporterName
        self.supporterPhone = supporterPhone
        self.livingArrangement = livingArrangement
        self.contactName = contactName
        self.contactPhone = contactPhone
        self.visitorName = visitorName
        self.note = note
        self.status = status
        self.statusDate = statusDate
        self.supporterRelation = supporterRelation
        self.supporterResidence = supporterResidence
        self.otherSupporters = otherSupporters
        self.contactRelation = contactRelation
        self.otherContacts = otherContacts
        self.wishes = wishes
        self.remote = remote
        self.gridName = gridName
        self.sources = sources
    }
}

/// What a roster file gave: the valid rows, every problem, and how the columns were understood.
public struct RosterImportResult: Sendable {
    /// The valid rows, in file order.
    public var rows: [ImportedElder]
    /// Errors and notes, in file order.
    public var issues: [ImportIssue]
    /// The lines rejected because of at least one error.
    public var invalidLines: Set<Int>
    /// The village cell of each rejected line that has one: its village is checked too, so that
    /// a clerk fixing the file learns every problem of a row in one run.
    public var invalidVillages: [Int: String] = [:]
    /// The recognised columns, left to right, with the header text as written.
    public var headerMapping: [(header: String, field: RosterField)]
    /// The row number of the header row, nil when none was found.
    public var headerLine: Int?

    public init(rows: [ImportedElder], issues: [ImportIssue], invalidLines: Set<Int>,
                headerMapping: [(header: String, field: RosterField)], headerLine: Int?) {
        self.rows = rows
        self.issues = issues
        self.invalidLines = invalidLines
        self.headerMapping = headerMapping
        self.headerLine = headerLine
    }

    /// Issues that reject a line (or the file).
    public var errors: [ImportIssue] { issues.filter(\.isError) }
}

/// One person of a 其他赡养人 / 其他紧急联系人 cell: `王二（女儿）13900000000 乌鲁木齐市`.
public struct RosterPerson: Hashable, Sendable {
    public var name: String
    public var relation: String
    /// Digits only.
    public var phone: String?
    public var residence: String?

    public init(name: String, relation: String = "", phone: String? = nil, residence: String? = nil) {
        self.name = name
        self.relation = relation
        self.phone = phone
        self.residence = residence
    }

    /// The cell's text for `people`, phones as given (masked or not by the caller).
    public static func cell(_ people: [RosterPerson]) -> String {
        people.map { p in
            var text = p.name
            if !p.relation.isEmpty { text += "（\(p.relation)）" }
            if let phone = p.phone, !phone.isEmpty { text += (p.relation.isEmpty ? " " : "") + phone }
            if let residence = p.residence, !residence.isEmpty { text += " " + residence }
            return text
        }.joined(separator: "；")
    }
}

/// The roster columns we understand.
public enum RosterField: String, CaseIterable, Codable, Sendable {
    case name, gender, idNumber, birthDate, ethnicity, phone, address, village, categories,
         disabilityDegree, supporterName, supporterPhone, note, livingArrangement, contactName, contactPhone, visitor,
         status, statusDate, supporterRelation, supporterResidence, otherSupporters, contactRelation, otherContacts,
         wishes, remote, grid, sources

    /// The header offices use most; what our own templates and exports write.
    public var standardHeader: String {
        switch self {
        case .name: "姓名"
        case .gender: "性别"
        case .idNumber: "身份证号码"
        case .birthDate: "出生日期"
        case .ethnicity: "民族"
        case .phone: "联系电话"
        case .address: "住址"
        case .village: "村(社区)"
        case .categories: "类别"
        case .disabilityDegree: "失能程度"
        case .supporterName: "赡养人"
        case .supporterPhone: "赡养人电话"
        case .note: "备注"
        case .livingArrangement: "居住情况"
        case .contactName: "紧急联系人"
        case .contactPhone: "紧急联系人电话"
        case .visitor: "结对责任人"
        case .status: "状态"
        case .statusDate: "状态日期"
        case .supporterRelation: "赡养人关系"
        case .supporterResidence: "赡养人居住地"
        case .otherSupporters: "其他赡养人"
        case .contactRelation: "紧急联系人关系"
        case .otherContacts: "其他紧急联系人"
        case .wishes: "意愿"
        case .remote: "偏散远"
        case .grid: "网格"
        case .sources: "来源"
        }
    }

    /// Every header text recognised without a mapping file.
    public static let knownHeaders: [String: RosterField] = {
        let table: [(RosterField, [String])] = [
            (.name, ["姓名", "老人姓名"]),
            (.gender, ["性别"]),
            (.idNumber, ["身份证号", "身份证号码", "公民身份号码", "证件号码", "身份证"]),
            (.birthDate, ["出生日期", "出生年月", "出生年月日"]),
            (.ethnicity, ["民族"]),
            (.phone, ["联系电话", "电话", "手机", "手机号码", "手机号", "联系方式", "本人电话", "老人电话"]),
            (.address, ["住址", "家庭住址", "现住址", "现居住地址", "居住地址", "现居住地"]),
            (.village, ["村(社区)", "所属村", "村", "所属村(社区)", "所在村", "所在村(社区)", "行政村", "社区"]),
            (.categories, ["类别", "人员类别", "老人类别"]),
            (.disabilityDegree, ["失能程度"]),
            (.supporterName, ["赡养人", "赡养人姓名"]),
            (.supporterPhone, ["赡养人电话"]),
            (.note, ["备注"]),
            (.livingArrangement, ["居住情况", "居住状况", "居住方式"]),
            (.contactName, ["紧急联系人", "紧急联系人姓名"]),
            (.contactPhone, ["紧急联系人电话", "紧急联系电话"]),
            (.visitor, ["结对责任人", "责任人", "帮扶责任人", "结对帮扶责任人", "探访责任人"]),
            (.status, ["状态", "人员状态", "当前状态", "在册状态"]),
            (.statusDate, ["状态日期", "状态变更日期", "变更日期"]),
            (.supporterRelation, ["赡养人关系", "与老人关系", "赡养人与老人关系"]),
            (.supporterResidence, ["赡养人居住地", "赡养人住址", "赡养人现居住地"]),
            (.otherSupporters, ["其他赡养人"]),
            (.contactRelation, ["紧急联系人关系", "与紧急联系人关系"]),
            (.otherContacts, ["其他紧急联系人"]),
            (.wishes, ["意愿", "老人意愿", "本人意愿"]),
            (.remote, ["偏散远", "是否偏散远", "偏远"]),
            (.grid, ["网格", "所属网格", "网格/组", "组"]),
            (.sources, ["来源", "数据来源", "名单来源"]),
        ]
        var out: [String: RosterField] = [:]
        for (field, headers) in table {
            for h in headers { out[RosterValues.headerKey(h)] = field }
        }
        for field in allCases { out[RosterValues.headerKey(field.rawValue)] = field }
        return out
    }()
}
