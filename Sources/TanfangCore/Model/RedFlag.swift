import Foundation

/// The failures supervisors look for (DOMAIN.md §6), one case per kind of red flag.
public enum RedFlagKind: String, Codable, Sendable, CaseIterable {
    /// A visit is overdue by the frequency rules.
    case overdueVisit
    /// A follow-up (hazard, referral…) is open past its due date.
    case followUpOverdue
    /// An emergency follow-up not closed within its 24 hours.
    case emergencyNotClosed
    /// A high-risk elder with no home visit for too long.
    case highRiskNoHomeVisit
    /// A disabled elder visited only by phone or video.
    case disabledRemoteOnly
    /// Answers copied unchanged visit after visit.
    case copiedAnswers
    /// "No problems" recorded for an elder whose categories say otherwise.
    case implausibleNoProblems
    case missingIDNumber
    case invalidIDNumber
    /// One person twice on the ledger.
    case duplicatePerson
    /// An elder recorded as deceased who still has visits after death or open follow-ups.
    case deceasedStillActive
    /// An active village with a visit rate under target for the month.
    case villageLowVisitRate
}

/// One red flag with the elder or village it concerns and a reason a supervisor can read.
public struct RedFlag: Hashable, Sendable, Codable {
    public var kind: RedFlagKind
    public var elderID: UUID?
    public var villageID: UUID?
    /// A string-catalog key and its arguments, so that the reason reads in either language.
    public var reasonKey: String
    public var reasonArgs: [String]
    /// For sorting: how many days late, how many copies…; higher is worse.
    public var severity: Int
    /// A follow-up's flag: who owns the follow-up (handed over, it is not the elder's visitor).
    public var ownerID: UUID?

    public init(kind: RedFlagKind, elderID: UUID?, villageID: UUID?, reasonKey: String,
                reasonArgs: [String] = [], severity: Int = 0, ownerID: UUID? = nil) {
        self.ownerID = ownerID
        self.kind = kind
        self.elderID = elderID
        self.villageID = villageID
        self.reasonKey = reasonKey
        self.reasonArgs = reasonArgs
        self.severity = severity
    }
}
