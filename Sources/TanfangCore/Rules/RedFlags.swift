import Foundation

/// The thresholds of the red-flag list, kept as data in `Resources/rules/redflags.json`.
public struct RedFlagRules: Hashable, Sendable, Codable {
    public static let file = "rules/redflags.json"

    /// A high-risk elder whose last home visit is more than this many days ago (or who never had one).
    public var highRiskNoHomeVisitDays: Int
    /// A disabled elder last visited remotely whose last home visit is more than this many days ago.
    public var remoteOnlyDays: Int
    /// Flag copied answers when `identicalStreak` reaches this.
    public var copiedStreak: Int
    /// An emergency follow-up still open this many hours after it was opened.
    public var emergencyHours: Int
    /// A village whose monthly visit rate is below this (0…1).
    public var villageRateTarget: Double

    public init(highRiskNoHomeVisitDays: Int = 30, remoteOnlyDays: Int = 45, copiedStreak: Int = 2,
                emergencyHours: Int = 24, villageRateTarget: Double = 1.0) {
        self.highRiskNoHomeVisitDays = highRiskNoHomeVisitDays
        self.remoteOnlyDays = remoteOnlyDays
        self.copiedStreak = copiedStreak
        self.emergencyHours = emergencyHours
        self.villageRateTarget = villageRateTarget
    }

    /// The values of the implementation plan, for tests and as a fallback in code.
    public static let standard = RedFlagRules()

    /// Reads `<resources>/rules/redflags.json`; bad data throws a `ResourceError` naming the file.
    public static func load(resources: URL) throws -> RedFlagRules {
        let (rules, path) = try ResourceLocator.decode(RedFlagRules.self, at: file, in: resources)
        if let problem = rules.problem {
            throw ResourceError.invalid(file: path, detail: problem)
        }
        return rules
    }

    /// Why these values cannot be used, or nil when they are fine.
    var problem: String? {
        if highRiskNoHomeVisitDays < 1 { return "highRiskNoHomeVisitDays must be at least 1" }
        if remoteOnlyDays < 1 { return "remoteOnlyDays must be at least 1" }
        if copiedStreak < 1 { return "copiedStreak must be at least 1" }
        if emergencyHours < 1 { return "emergencyHours must be at least 1" }
        if !(0...1).contains(villageRateTarget) { return "villageRateTarget must be between 0 and 1" }
        return nil
    }
}

extension RedFlagKind {
    /// The string-catalog key of the kind's short title.
    public var titleKey: String { "redflag.kind.\(rawValue)" }
    /// The string-catalog key of the reason text; `RedFlag.reasonArgs` fill its placeholders.
    public var reasonKey: String { "redflag.reason.\(rawValue)" }

    var order: Int { RedFlagKind.allCases.firstIndex(of: self)! }
}

/// Computes the red-flag list (DOMAIN.md §6) from what is kept at write time: elders, their
/// summaries and the open follow-ups. It never reads visit history, so it is cheap enough to run
/// on every screen refresh; the whole evaluation is linear in elders and follow-ups.
///
/// Which elders get which flags:
/// - visit and risk flags (overdueVisit, highRiskNoHomeVisit, disabledRemoteOnly, copiedAnswers,
///   implausibleNoProblems) only for elders active on `today`;
/// - follow-up flags (followUpOverdue, emergencyNotClosed) for every elder except the deceased,
///   whose open follow-ups raise deceasedStillActive instead;
/// - headcount flags (missing/invalid ID, deceasedStillActive, duplicatePerson) for everyone: a
///   record of the deceased beside one of the living with the same ID number is one person
///   registered twice, and the two records disagree on whether they live.
/// Follow-ups of elders not in `elders` (outside the caller's scope) are ignored.
///
/// Reason arguments are plain strings (dates as `YYYY-MM-DD`, counts, names, percentages) or
/// catalog keys (the follow-up type `followup.type.<type>`, the ID error `id.error.<case>`);
/// `RedFlag.reason(_:)` localizes both. ID numbers never appear in them.
public struct RedFlagEngine: Sendable {
    public var rules: RedFlagRules
    /// Village names by id: a duplicate's reason names each other record with its village
    /// (王秀英（恰普其海村）), two records of one name being otherwise alike. Empty: names alone.
    public var villageNames: [UUID: String] = [:]

    /// Severity of "never had a home visit": worse than any real gap in days.
    public static let neverSeverity = 36_500
    /// Shown in a reason where a date is missing.
    public static let none = "—"
    /// The reason of a highRiskNoHomeVisit flag for an elder never visited at home (rather than
    /// "last home visit: —, — days").
    public static let neverHomeVisitedKey = "redflag.reason.highRiskNeverHomeVisited"
    /// The reason of a disabledRemoteOnly flag for an elder never visited at home.
    public static let disabledNeverHomeVisitedKey = "redflag.reason.disabledNeverHomeVisited"
    /// The reason of an overdueVisit flag whose earlier due date is the home visit's.
    public static let overdueHomeVisitKey = "redflag.reason.overdueHomeVisit"

    public init(rules: RedFlagRules) {
        self.rules = rules
    }

    /// - Parameter validIDs: elders whose ID number the caller knows to be valid on `today`
    ///   (checked at write time), so it is not parsed again; the others are checked here.
    public func evaluate(elders: [Elder], summaries: [UUID: ElderSummary], openFollowUps: [FollowUp],
                         villageRates: [VillageRate], today: LocalDate, now: LocalDateTime,
                         validIDs: Set<UUID> = []) -> [RedFlag] {
        var flags: [RedFlag] = []
        var followUpsByElder: [UUID: [FollowUp]] = [:]
        if !openFollowUps.isEmpty {
            var known = Set<UUID>()
            for e in elders { known.insert(e.id) }
            for f in openFollowUps where f.status.isOpen && known.contains(f.elderID) {
                followUpsByElder[f.elderID, default: []].append(f)
            }
        }

        for elder in elders {
            let summary = summaries[elder.id]
            let open = followUpsByElder[elder.id] ?? []
            if elder.status(on: today) == .active, let summary {
                visitFlags(elder, summary, today: today, into: &flags)
            }
            if elder.status == .deceased {
                deceasedFlag(elder, summary, open: open, into: &flags)
            } else {
                followUpFlags(elder, open: open, now: now, into: &flags)
            }
            if !validIDs.contains(elder.id) { idFlags(elder, today: today, into: &flags) }
        }
        duplicateFlags(elders, into: &flags)

        for rate in villageRates where rate.denominator > 0 && rate.rate < rules.villageRateTarget {
            flags.append(RedFlag(
                kind: .villageLowVisitRate, elderID: nil, villageID: rate.villageID,
                reasonKey: RedFlagKind.villageLowVisitRate.reasonKey,
                reasonArgs: [Self.percent(rate.rate), String(rate.visited), String(rate.denominator),
                             Self.percent(rules.villageRateTarget)],
                severity: rate.denominator - rate.visited))
        }

        // Kind order, then worst first; ties keep input order. Sorted on integer keys: comparing
        // the flags themselves looked the kind order up on every comparison.
        var keys = flags.indices.map { i in (kind: Self.kindOrder[flags[i].kind]!, severity: flags[i].severity, index: i) }
        keys.sort { a, b in
            if a.kind != b.kind { return a.kind < b.kind }
            if a.severity != b.severity { return a.severity > b.severity }
            return a.index < b.index
        }
        return keys.map { flags[$0.index] }
    }

    /// Each kind's place in `RedFlagKind.allCases` (the list's order).
    public static let kindOrder = Dictionary(uniqueKeysWithValues: RedFlagKind.allCases.enumerated().map { ($1, $0) })
    /// `RedFlagKind.reasonKey`, built once rather than for every flag.
    public static let reasonKeys = Dictionary(uniqueKeysWithValues: RedFlagKind.allCases.map { ($0, $0.reasonKey) })

    // MARK: - What to derive at write time

    /// When the list must look at an elder, from what is stored about them, so that a ledger
    /// can keep it at write time and read only those elders: on every day on or after `from`
    /// (nil: never) and on every day before `until` (nil: never). A superset of the days on
    /// which `evaluate` can give the elder a visit, risk, ID or deceased flag; duplicate and
    /// follow-up flags are found from other data (`duplicateKey`, the open follow-ups).
    public func watch(_ elder: Elder, _ s: ElderSummary) -> (from: LocalDate?, until: LocalDate?) {
        var from: LocalDate?
        func on(_ day: LocalDate) { from = from.map { min($0, day) } ?? day }
        let always = LocalDate(year: 1, month: 1, day: 1)!

        if let due = [s.nextDue, s.homeVisitDue].compactMap({ $0 }).min() { on(due.adding(days: 1)) }
        if s.risk.level == .high {
            on((s.lastHomeVisit ?? Self.registered(elder))?.adding(days: rules.highRiskNoHomeVisitDays + 1) ?? always)
        }
        if elder.categories.contains(.disabled), let method = s.lastVisitMethod, !method.isInPerson, s.lastVisit != nil {
            on((s.lastHomeVisit ?? Self.registered(elder))?.adding(days: rules.remoteOnlyDays + 1) ?? always)
        }
        if s.identicalStreak >= rules.copiedStreak { on(always) }
        let disabled = elder.categories.contains(.disabled) || elder.categories.contains(.severelyDisabled)
            || elder.disabilityDegree != nil
        if s.lastVisitAllClear, disabled, s.visitCount > 0 { on(always) }
        // deceasedStillActive: the last change is the death.
        if elder.status == .deceased, let death = elder.statusHistory.last?.date,
           s.openFollowUps > 0 || (s.lastVisit.map { $0.date > death } ?? false) {
            on(always)
        }

        // Before the last status change the status on a day may differ from the current one.
        var until = elder.statusHistory.last?.date
        if let raw = elder.idNumber, !IDNumber.normalize(raw).isEmpty {
            switch IDNumber.parse(raw) {
            // Valid from the birth date it holds on; before that `parse(_:today:)` refuses it.
            case .success(let info): until = until.map { max($0, info.birthDate) } ?? info.birthDate
            case .failure: on(always)
            }
        } else {
            on(always)
        }
        return (from, until)
    }

    /// The day the elder first became active in the ledger: the first day whose last status
    /// change is active (several changes on one day: the last holds, as in `Elder.status(on:)`).
    public static func registered(_ elder: Elder) -> LocalDate? {
        let history = elder.statusHistory
        var i = 0
        while i < history.count {
            var j = i
            while j + 1 < history.count, history[j + 1].date == history[i].date { j += 1 }
            if history[j].status == .active { return history[i].date }
            i = j + 1
        }
        return nil
    }

    /// The day from which the elder's ID number passes `IDNumber.parse(_:today:)`, or nil when it
    /// never does (missing or invalid whatever the day).
    public static func idValidFrom(_ elder: Elder) -> LocalDate? {
        guard let raw = elder.idNumber, !IDNumber.normalize(raw).isEmpty,
              case .success(let info) = IDNumber.parse(raw) else { return nil }
        return info.birthDate
    }

    /// What `evaluate` groups duplicates by: the normalized ID number, or for elders without one
    /// the trimmed name and birth date; nil for elders with neither.
    public static func duplicateKey(_ e: Elder) -> String? {
        let id = e.idNumber.map(IDNumber.normalize) ?? ""
        if !id.isEmpty { return "i:" + id }
        guard let birth = e.birthDate else { return nil }
        let name = e.name.trimmingCharacters(in: .whitespacesAndNewlines)
        return name.isEmpty ? nil : "n:" + name + "|" + birth.description
    }

    // MARK: - Per-elder checks

    private func flag(_ kind: RedFlagKind, _ elder: Elder, _ args: [String], severity: Int) -> RedFlag {
        RedFlag(kind: kind, elderID: elder.id, villageID: elder.villageID, reasonKey: Self.reasonKeys[kind]!,
                reasonArgs: args, severity: severity)
    }

    private func visitFlags(_ elder: Elder, _ s: ElderSummary, today: LocalDate, into flags: inout [RedFlag]) {
        if s.dueState(today: today) == .overdue, let due = [s.nextDue, s.homeVisitDue].compactMap({ $0 }).min() {
            let late = due.days(to: today)
            var raised = flag(.overdueVisit, elder, [due.description, String(late)], severity: late)
            // What is owed is a home visit (a phone call since does not settle it): said so.
            if let home = s.homeVisitDue, home <= (s.nextDue ?? home) { raised.reasonKey = Self.overdueHomeVisitKey }
            flags.append(raised)
        }

        let homeGap = s.lastHomeVisit.map { $0.days(to: today) }
        let lastHome = s.lastHomeVisit?.description ?? Self.none
        if s.risk.level == .high {
            if let homeGap {
                if homeGap > rules.highRiskNoHomeVisitDays {
                    flags.append(flag(.highRiskNoHomeVisit, elder, [lastHome, String(homeGap)], severity: homeGap))
                }
            } else {
                // Never visited at home: counted from registration, so that an elder registered
                // (or imported) this week is not a red flag yet.
                let registered = Self.registered(elder)
                let since = registered.map { $0.days(to: today) }
                if since.map({ $0 > rules.highRiskNoHomeVisitDays }) ?? true {
                    // Ranked by the days since registration among the other gaps.
                    var raised = flag(.highRiskNoHomeVisit, elder,
                                      [registered?.description ?? Self.none, since.map(String.init) ?? Self.none],
                                      severity: since ?? Self.neverSeverity)
                    raised.reasonKey = Self.neverHomeVisitedKey
                    flags.append(raised)
                }
            }
        }

        if elder.categories.contains(.disabled), let method = s.lastVisitMethod, !method.isInPerson,
           let lastVisit = s.lastVisit {
            if let homeGap {
                if homeGap > rules.remoteOnlyDays {
                    flags.append(flag(.disabledRemoteOnly, elder, [lastHome, lastVisit.date.description], severity: homeGap))
                }
            } else {
                // Never visited at home: counted from registration, as for high-risk elders.
                let registered = Self.registered(elder)
                let since = registered.map { $0.days(to: today) }
                if since.map({ $0 > rules.remoteOnlyDays }) ?? true {
                    var raised = flag(.disabledRemoteOnly, elder,
                                      [registered?.description ?? Self.none, lastVisit.date.description],
                                      severity: since ?? Self.neverSeverity)
                    raised.reasonKey = Self.disabledNeverHomeVisitedKey
                    flags.append(raised)
                }
            }
        }

        if s.identicalStreak >= rules.copiedStreak {
            flags.append(flag(.copiedAnswers, elder, [String(s.identicalStreak)], severity: s.identicalStreak))
        }

        let disabled = elder.categories.contains(.disabled) || elder.categories.contains(.severelyDisabled)
            || elder.disabilityDegree != nil
        if s.lastVisitAllClear, disabled, s.visitCount > 0 {
            flags.append(flag(.implausibleNoProblems, elder, [s.lastVisit.map { $0.date.description } ?? Self.none],
                              severity: 1))
        }
    }

    private func followUpFlags(_ elder: Elder, open: [FollowUp], now: LocalDateTime, into flags: inout [RedFlag]) {
        for f in open {
            if f.type == .emergency {
                let minutes = MonthlyStatistics.minutes(from: f.openedAt, to: now)
                let hours = minutes / 60
                if minutes > rules.emergencyHours * 60 {
                    var raised = flag(.emergencyNotClosed, elder, [f.openedAt.description, String(hours)], severity: hours)
                    raised.ownerID = f.ownerID
                    flags.append(raised)
                }
            } else if f.isOverdue(now: now) {
                let late = f.due.date.days(to: now.date)
                var raised = flag(.followUpOverdue, elder,
                                  ["followup.type.\(f.type.rawValue)", String(late), f.due.date.description],
                                  severity: late)
                raised.ownerID = f.ownerID
                flags.append(raised)
            }
        }
    }

    private func deceasedFlag(_ elder: Elder, _ s: ElderSummary?, open: [FollowUp], into flags: inout [RedFlag]) {
        guard let death = elder.statusHistory.last(where: { $0.status == .deceased })?.date else { return }
        let visitAfter = s?.lastVisit.map { $0.date > death } ?? false
        let openCount = max(open.count, s?.openFollowUps ?? 0)
        guard visitAfter || openCount > 0 else { return }
        let lastVisit = visitAfter ? s!.lastVisit!.date.description : Self.none
        var raised = flag(.deceasedStillActive, elder, [death.description, lastVisit, String(openCount)],
                          severity: openCount + (visitAfter ? 1 : 0))
        raised.reasonKey = Self.deceasedReasonKey(visitAfter: visitAfter, openFollowUps: openCount)
        flags.append(raised)
    }

    /// The deceasedStillActive reason that says only what happened: a visit after death, open
    /// follow-ups, or both (not "a visit after death (—)").
    public static func deceasedReasonKey(visitAfter: Bool, openFollowUps: Int) -> String {
        switch (visitAfter, openFollowUps > 0) {
        case (true, false): "redflag.reason.deceasedVisitedAfter"
        case (false, _): "redflag.reason.deceasedOpenFollowUps"
        case (true, true): RedFlagKind.deceasedStillActive.reasonKey
        }
    }

    private func idFlags(_ elder: Elder, today: LocalDate, into flags: inout [RedFlag]) {
        guard let raw = elder.idNumber, !IDNumber.normalize(raw).isEmpty else {
            flags.append(flag(.missingIDNumber, elder, [elder.name], severity: 1))
            return
        }
        if case .failure(let error) = IDNumber.parse(raw, today: today) {
            // The error's catalog key, never the number.
            flags.append(flag(.invalidIDNumber, elder, [elder.name, error.messageKey] + error.args, severity: 1))
        }
    }

    /// Groups by normalized ID; elders without one by trimmed name + birth date. One flag per elder.
    private func duplicateFlags(_ elders: [Elder], into flags: inout [RedFlag]) {
        var byID: [String: [Int]] = [:]
        var byNameBirth: [String: [Int]] = [:]
        for (i, e) in elders.enumerated() {
            let id = e.idNumber.map(IDNumber.normalize) ?? ""
            if !id.isEmpty {
                byID[id, default: []].append(i)
            } else if let birth = e.birthDate {
                let name = e.name.trimmingCharacters(in: .whitespacesAndNewlines)
                guard !name.isEmpty else { continue }
                byNameBirth[name + "|" + birth.description, default: []].append(i)
            }
        }
        var group: [Int: [Int]] = [:]
        for members in Array(byID.values) + Array(byNameBirth.values) where members.count > 1 {
            for i in members { group[i] = members }
        }
        for (i, e) in elders.enumerated() {
            guard let members = group[i] else { continue }
            let others = members.filter { $0 != i }.map { m in
                elders[m].name + (villageNames[elders[m].villageID].map { RedFlag.villageMark + $0 } ?? "")
            }
            flags.append(flag(.duplicatePerson, e, [others.joined(separator: RedFlag.listMark), String(others.count)],
                              severity: others.count))
        }
    }

    /// A rate as a percentage with one decimal (`Percent`).
    static func percent(_ rate: Double) -> String { Percent.text(rate) }
}

extension RedFlag {
    /// The reason in the catalog's language. An argument that is itself a catalog key (follow-up
    /// type, ID error) is localized first, filling its own placeholders from the arguments after it.
    public func reason(_ strings: Strings) -> String {
        let args = reasonArgs.enumerated().map { i, arg in
            strings.table[arg] == nil ? Self.names(arg, strings) : strings.format(arg, Array(reasonArgs[(i + 1)...]))
        }
        return strings.format(reasonKey, args)
    }

    /// Between the people of a list argument, and before a person's village: written in the
    /// catalog's words when the reason is (王秀英（西村）、李四 / 王秀英 (西村), 李四).
    static let listMark = "\u{1E}", villageMark = "\u{1F}"

    static func names(_ arg: String, _ strings: Strings) -> String {
        guard arg.contains(where: { $0 == Character(listMark) || $0 == Character(villageMark) }) else { return arg }
        return arg.split(separator: Character(listMark), omittingEmptySubsequences: false).map { item in
            let parts = item.split(separator: Character(villageMark), maxSplits: 1)
            return parts.count == 2 ? strings.format("redflag.nameInVillage", String(parts[0]), String(parts[1])) : String(item)
        }.joined(separator: strings["files.listSeparator"])
    }
}
