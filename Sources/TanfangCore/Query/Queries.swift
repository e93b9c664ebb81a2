import Foundation

/// What a user may see (DOMAIN.md §7): a grid worker their assigned elders, a clerk their
/// village, a supervisor their township or county. `villageIDs == nil` means every village.
public struct AccessScope: Hashable, Sendable, Codable {
    public var villageIDs: Set<UUID>?
    /// When set, only elders whose responsible visitor is this one.
    public var visitorID: UUID?

    public init(villageIDs: Set<UUID>? = nil, visitorID: UUID? = nil) {
        self.villageIDs = villageIDs
        self.visitorID = visitorID
    }

    public static let everything = AccessScope()

    public func allows(_ elder: Elder) -> Bool {
        if let villageIDs, !villageIDs.contains(elder.villageID) { return false }
        if let visitorID, elder.visitorID != visitorID { return false }
        return true
    }
}

public enum RosterSort: String, Hashable, Sendable, Codable, CaseIterable {
    case name, village, age, risk, lastVisit, nextDue
}

/// How much of each elder a roster page carries.
public enum RosterRowDetail: String, Hashable, Sendable, Codable {
    /// Whole elders and summaries (exports, printing, the CLI).
    case full
    /// Only what a list line shows, read from a few columns: see `RosterRow`. The screens' pages
    /// are reloaded on every keystroke, and decoding whole elders was most of that cost.
    case listing
}

/// A roster (台账) request: filters, search text, sort and page.
public struct RosterQuery: Hashable, Sendable, Codable {
    public var scope: AccessScope
    public var villageID: UUID?
    public var category: Category?
    /// Filter by 高龄 (derived from birth date on `today`).
    public var advancedAgeOnly: Bool
    public var risk: RiskLevel?
    public var due: DueState?
    /// nil = every status.
    public var status: ElderStatus?
    /// Name, pinyin initials (`wxy`), full pinyin, or trailing digits of an ID number or phone.
    public var search: String
    public var sort: RosterSort
    public var descending: Bool
    public var limit: Int
    public var offset: Int
    public var today: LocalDate
    public var detail: RosterRowDetail
    /// Also count the matching rows that are overdue and due soon (`RosterPage.overdue`/`dueSoon`),
    /// in the same read: the roster header shows them with every page.
    public var countsDueStates: Bool

    public init(scope: AccessScope = .everything, villageID: UUID? = nil, category: Category? = nil,
                advancedAgeOnly: Bool = false, risk: RiskLevel? = nil, due: DueState? = nil,
                status: ElderStatus? = .active, search: String = "", sort: RosterSort = .nextDue,
                descending: Bool = false, limit: Int = 200, offset: Int = 0, today: LocalDate,
                detail: RosterRowDetail = .full, countsDueStates: Bool = false) {
        self.scope = scope
        self.villageID = villageID
        self.category = category
        self.advancedAgeOnly = advancedAgeOnly
        self.risk = risk
        self.due = due
        self.status = status
        self.search = search
        self.sort = sort
        self.descending = descending
        self.limit = limit
        self.offset = offset
        self.today = today
        self.detail = detail
        self.countsDueStates = countsDueStates
    }
}

/// One roster line: the elder, what was derived at write time, and the village name.
///
/// A `.listing` row (`RosterQuery.detail`) holds in `elder` only its id, name, gender, ID number,
/// birth date, phone, village, categories, responsible visitor and current status (a
/// one-entry status history); supporters, contacts, sources and the rest are empty. Its `summary`
/// holds the last visit, due dates and risk level and score (no reasons). Open the elder's
/// file for the whole record.
public struct RosterRow: Hashable, Sendable, Codable {
    public var elder: Elder
    public var summary: ElderSummary
    public var villageName: String

    public init(elder: Elder, summary: ElderSummary, villageName: String) {
        self.elder = elder
        self.summary = summary
        self.villageName = villageName
    }
}

/// A page of roster rows and the number of rows matching the filters.
public struct RosterPage: Hashable, Sendable, Codable {
    public var rows: [RosterRow]
    public var total: Int
    /// Of the `total` matching rows, how many are overdue and due soon; set when the query
    /// `countsDueStates`.
    public var overdue: Int?
    public var dueSoon: Int?

    public init(rows: [RosterRow], total: Int, overdue: Int? = nil, dueSoon: Int? = nil) {
        self.rows = rows
        self.total = total
        self.overdue = overdue
        self.dueSoon = dueSoon
    }
}

/// Everything the elder file (档案) shows.
extension ElderFile {
    /// The newest visit that counts (`Visit.isAttempt` left out): what "last visit" and F6 mean.
    public var lastCountedVisit: Visit? { visits.first { !$0.isAttempt } }

    /// The newest visit that counts before `at`: what F6 copies onto a sheet dated then (a late
    /// paper sheet is not a copy of a visit made after it).
    public func lastCountedVisit(before at: LocalDateTime) -> Visit? {
        visits.first { !$0.isAttempt && $0.at < at }
    }
}

public struct ElderFile: Hashable, Sendable, Codable {
    public var elder: Elder
    public var summary: ElderSummary
    public var village: Place
    public var visitor: Visitor?
    /// Newest first.
    public var visits: [Visit]
    public var followUps: [FollowUp]
    /// Names of every visitor mentioned in `visits` and `followUps`.
    public var visitorNames: [UUID: String]
    /// The special periods covering the elder that have not ended: why a due date came early.
    public var periods: [SpecialPeriod]
    /// Other records that may be the same person (疑似重复登记: the same ID number, or the same
    /// name and birth date where one has no ID number), to be combined into this one.
    public var duplicates: [PossibleDuplicate]

    public init(elder: Elder, summary: ElderSummary, village: Place, visitor: Visitor?, visits: [Visit],
                followUps: [FollowUp], visitorNames: [UUID: String], periods: [SpecialPeriod] = [],
                duplicates: [PossibleDuplicate] = []) {
        self.periods = periods
        self.duplicates = duplicates
        self.elder = elder
        self.summary = summary
        self.village = village
        self.visitor = visitor
        self.visits = visits
        self.followUps = followUps
        self.visitorNames = visitorNames
    }
}

/// Another record that may be the same person as an elder file's, with what combining would move.
public struct PossibleDuplicate: Hashable, Sendable, Codable {
    public var elder: Elder
    public var villageName: String
    public var visitCount: Int
    public var followUpCount: Int

    public init(elder: Elder, villageName: String, visitCount: Int, followUpCount: Int) {
        self.elder = elder
        self.villageName = villageName
        self.visitCount = visitCount
        self.followUpCount = followUpCount
    }
}

/// A follow-up queue (待办) request.
public struct FollowUpQuery: Hashable, Sendable, Codable {
    public var scope: AccessScope
    public var ownerID: UUID?
    public var type: FollowUpType?
    public var villageID: UUID?
    public var includeClosed: Bool
    /// One elder's follow-ups only (the elder file's queue).
    public var elderID: UUID?
    /// The screen's `/` search: a part of the elder's name (or its pinyin, initials or full, when
    /// the text is ASCII letters), the village, the detail or the owner; empty for all.
    public var search: String
    /// A window of the ordered queue: skip `offset` rows, return at most `limit` (nil: all).
    public var offset: Int
    public var limit: Int?

    public init(scope: AccessScope = .everything, ownerID: UUID? = nil, type: FollowUpType? = nil,
                villageID: UUID? = nil, includeClosed: Bool = false, elderID: UUID? = nil,
                search: String = "", offset: Int = 0, limit: Int? = nil) {
        self.scope = scope
        self.ownerID = ownerID
        self.type = type
        self.villageID = villageID
        self.includeClosed = includeClosed
        self.elderID = elderID
        self.search = search
        self.offset = offset
        self.limit = limit
    }

    /// The same queue from another row.
    public func from(_ offset: Int) -> FollowUpQuery {
        var q = self
        q.offset = offset
        return q
    }
}

/// A window of the follow-up queue and, for the first window, how many rows the whole queue has.
public struct FollowUpPage: Hashable, Sendable, Codable {
    /// The question answered (a screen drops answers to questions it no longer asks).
    public var query: FollowUpQuery
    public var rows: [FollowUpRow]
    /// Rows in the whole queue and how many of them are overdue; nil when only a later window was read.
    public var total: Int?
    public var overdue: Int?

    public init(query: FollowUpQuery, rows: [FollowUpRow], total: Int?, overdue: Int?) {
        self.query = query
        self.rows = rows
        self.total = total
        self.overdue = overdue
    }
}

public struct FollowUpRow: Hashable, Sendable, Codable {
    public var followUp: FollowUp
    public var elderName: String
    public var villageName: String
    public var ownerName: String?

    public init(followUp: FollowUp, elderName: String, villageName: String, ownerName: String?) {
        self.followUp = followUp
        self.elderName = elderName
        self.villageName = villageName
        self.ownerName = ownerName
    }
}
