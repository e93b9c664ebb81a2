import Foundation

/// A demo log-in: the user record and the PIN to type. `user.pinHash` is empty; the store
/// hashes `pin` when it imports the demo.
public struct DemoUser: Hashable, Sendable {
    public var user: User
    public var pin: String

    public init(user: User, pin: String) {
        self.user = user
        self.pin = pin
    }
}

/// How a follow-up opened by the store's replay of a demo visit is closed: the follow-up is the
/// one of `type` opened by the visit `visitID`.
public struct DemoClosure: Hashable, Sendable {
    public var visitID: UUID
    public var type: FollowUpType
    public var closedAt: LocalDateTime
    public var action: String
    /// The owner's name, as written on the closing record.
    public var by: String
    public var cancelled: Bool

    public init(visitID: UUID, type: FollowUpType, closedAt: LocalDateTime, action: String, by: String,
                cancelled: Bool) {
        self.visitID = visitID
        self.type = type
        self.closedAt = closedAt
        self.action = action
        self.by = by
        self.cancelled = cancelled
    }
}

/// Everything `tanfang demo` puts on a fresh ledger.
///
/// `Ledger.importDemo` inserts the places, visitors, users and elders, replays `visits` in order
/// through the real follow-up rules, then applies `closures` (sorted by `closedAt`).
/// Deliberate faults for the red-flag list are part of the data: see `DemoGenerator`.
public struct DemoData: Hashable, Sendable {
    public var places: [Place]
    public var visitors: [Visitor]
    public var users: [DemoUser]
    public var elders: [Elder]
    /// Chronological (by `at`, ties in a fixed order).
    public var visits: [Visit]
    public var closures: [DemoClosure]
    public var specialPeriods: [SpecialPeriod]

    public init(places: [Place], visitors: [Visitor], users: [DemoUser], elders: [Elder], visits: [Visit],
                closures: [DemoClosure], specialPeriods: [SpecialPeriod]) {
        self.places = places
        self.visitors = visitors
        self.users = users
        self.elders = elders
        self.visits = visits
        self.closures = closures
        self.specialPeriods = specialPeriods
    }
}

/// Builds a realistic, deterministic demo ledger for one county in the Ili valley (伊宁县, 654021).
///
/// The same seed, size and `today` always give the same data, identifiers included. Visits run
/// from the first day of the month `months` months before today's month up to yesterday.
///
/// Log-ins (stable for the default size; `--elders` large enough to add villages to the first
/// township adds more clerks and grid workers after these):
///
/// | name | role | area | PIN |
/// |---|---|---|---|
/// | 周建华 | admin | 伊宁县 | 0000 |
/// | 李红梅 | supervisor | 伊宁县 | 1111 |
/// | 艾尔肯·吐尔逊 | supervisor | 吉里于孜镇 | 1111 |
/// | 王丽娟, 阿依努尔·热合曼, 马晓燕, 古丽米拉·托合提 | clerk | the 4 villages of 吉里于孜镇 | 2222 |
/// | 张伟, 努尔买买提·艾力, 刘芳, 迪丽拜尔·阿不都, 马军, 叶尔兰·哈力别克, 陈静, 热孜宛古丽·买买提, 杨磊, 阿力木江·吾斯曼 | gridWorker | their village in 吉里于孜镇 | 3333 |
///
/// Planted faults, so that every `RedFlagKind` shows (each on its own elder, all active today
/// unless said otherwise): two elders with no visit for 2+ months; a hazard follow-up left open
/// past due; an emergency 2 days ago left open; a disabled elder living alone with an open hazard
/// and only phone visits for 45+ days; a disabled elder visited only by phone for 2+ months; an
/// elder whose last 4 visits repeat the same answers (`copiedSections` set on the copies); a
/// severely disabled elder whose latest visit records no problem at all; 1–2 elders with no ID
/// number; 1–2 with a wrong check character (stored as-is in `Elder.idNumber`, so
/// `importDemo` must not refuse them); one person entered twice in two villages from two sources;
/// a deceased elder with a visit 8 days after the death. Other follow-ups are mostly closed within
/// days, some late, a few never; low village visit rates arise from missed months.
public struct DemoGenerator: Sendable {
    public let seed: UInt64

    public init(seed: UInt64) {
        self.seed = seed
    }

    /// The demo ledger for `elders` elders and `months` months of history ending `today`.
    public func generate(elders: Int = 300, months: Int = 12, today: LocalDate) -> DemoData {
        var builder = DemoBuilder(seed: seed, elderCount: max(elders, 0), months: max(months, 1), today: today)
        return builder.build()
    }

    /// The same demo ledger as `generate`, to be taken in batches of elders, so that a county-size
    /// ledger (millions of visits) never has to be held in memory at once.
    public func stream(elders: Int = 300, months: Int = 12, today: LocalDate) -> DemoStream {
        var builder = DemoBuilder(seed: seed, elderCount: max(elders, 0), months: max(months, 1), today: today)
        builder.prepare()
        return DemoStream(builder: builder)
    }
}

/// A demo ledger made in parts: the places, people and special periods at once, then the elders
/// with their visits batch by batch (`batch(_:)`, in any order, from any thread).
///
/// The union of all batches is `DemoGenerator.generate`'s data: the same elders, visits and
/// closures, identifiers included; only the order of visits and closures across batches differs.
public struct DemoStream: Sendable {
    let builder: DemoBuilder

    init(builder: DemoBuilder) {
        self.builder = builder
    }

    public var places: [Place] { builder.places }
    public var visitors: [Visitor] { builder.visitors }
    public var users: [DemoUser] { builder.users }
    public var specialPeriods: [SpecialPeriod] { builder.specialPeriods }
    public var elderCount: Int { builder.drafts.count }
    public var today: LocalDate { builder.today }

    /// Elders `range` (indices in `0..<elderCount`), their visits (chronological, ties in elder
    /// order) and the closures of their follow-ups (by `closedAt`).
    public func batch(_ range: Range<Int>) -> DemoBatch {
        let range = range.clamped(to: builder.drafts.indices)
        let (visits, closures) = builder.makeVisits(for: range)
        return DemoBatch(elders: builder.drafts[range].map(builder.elder), visits: visits, closures: closures)
    }
}

/// One batch of a `DemoStream`: elders with all their visits and closures.
public struct DemoBatch: Hashable, Sendable {
    public var elders: [Elder]
    public var visits: [Visit]
    public var closures: [DemoClosure]

    public init(elders: [Elder], visits: [Visit], closures: [DemoClosure]) {
        self.elders = elders
        self.visits = visits
        self.closures = closures
    }
}
