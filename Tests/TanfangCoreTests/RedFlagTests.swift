import Foundation
import Testing
@testable import TanfangCore

/// Minimal scenarios: each kind fires once and stays quiet in its near-miss.
@Suite struct RedFlagTests {
    static let village = UUID()
    static let today = LocalDate(year: 2026, month: 11, day: 23)!
    static let now = LocalDateTime(date: today, hour: 10, minute: 0)!
    static let engine = RedFlagEngine(rules: .standard)

    static func d(_ text: String) -> LocalDate { LocalDate(text)! }
    static func t(_ text: String) -> LocalDateTime { LocalDateTime(text)! }

    static func validID(_ first17: String = "65010219400101002") -> String {
        first17 + String(IDNumber.checkCharacter(for: first17))
    }

    static func elder(_ name: String = "王秀英", id: String? = validID(), birth: LocalDate? = d("1940-01-01"),
                      categories: Set<Category> = [], degree: DisabilityDegree? = nil,
                      history: [StatusChange] = [StatusChange(date: d("2025-01-01"), status: .active)]) -> Elder {
        Elder(name: name, idNumber: id, birthDate: birth, villageID: village, categories: categories,
              disabilityDegree: degree, statusHistory: history)
    }

    static func summary(_ e: Elder, risk: RiskLevel = .low, nextDue: LocalDate? = d("2026-12-01"),
                        lastVisit: LocalDateTime? = t("2026-11-10 09:00"), method: VisitMethod? = .home,
                        lastHome: LocalDate? = d("2026-11-10"), streak: Int = 0, allClear: Bool = false,
                        openFollowUps: Int = 0) -> ElderSummary {
        ElderSummary(elderID: e.id, lastVisit: lastVisit, lastVisitMethod: method, lastHomeVisit: lastHome,
                     visitCount: lastVisit == nil ? 0 : 3, nextDue: nextDue,
                     risk: RiskAssessment(level: risk, score: 0, reasons: []), openFollowUps: openFollowUps,
                     identicalStreak: streak, lastVisitAllClear: allClear, computedOn: today)
    }

    static func run(_ elders: [Elder], _ summaries: [ElderSummary] = [], followUps: [FollowUp] = [],
                    rates: [VillageRate] = [], rules: RedFlagRules = .standard) -> [RedFlag] {
        var map: [UUID: ElderSummary] = [:]
        for s in summaries { map[s.elderID] = s }
        return RedFlagEngine(rules: rules).evaluate(elders: elders, summaries: map, openFollowUps: followUps,
                                                    villageRates: rates, today: today, now: now)
    }

    static func kinds(_ flags: [RedFlag]) -> [RedFlagKind] { flags.map(\.kind) }

    // MARK: - Visits and risk

    @Test func overdueVisitFiresWithDaysLate() {
        // Given an active elder due on 2026-11-20
        let e = Self.elder()
        // When evaluated on 2026-11-23
        let flags = Self.run([e], [Self.summary(e, nextDue: Self.d("2026-11-20"))])
        // Then one overdue flag, 3 days late, naming the due date
        #expect(Self.kinds(flags) == [.overdueVisit])
        #expect(flags.first?.severity == 3)
        #expect(flags.first?.reasonArgs == ["2026-11-20", "3"])
        #expect(flags.first?.reasonKey == "redflag.reason.overdueVisit")
    }

    @Test func overdueVisitNearMissAndInactive() {
        // Due today is not overdue
        let e = Self.elder()
        #expect(Self.run([e], [Self.summary(e, nextDue: Self.today)]).isEmpty)
        // An elder in hospital with a stale due date gets no overdue flag
        let h = Self.elder(history: [StatusChange(date: Self.d("2025-01-01"), status: .active),
                                     StatusChange(date: Self.d("2026-10-01"), status: .hospitalized)])
        #expect(Self.run([h], [Self.summary(h, nextDue: Self.d("2026-10-15"))]).isEmpty)
    }

    @Test func overdueUsesEarlierHomeVisitDue() throws {
        // Given a normal due date ahead but a home visit due date passed
        let e = Self.elder()
        var s = Self.summary(e)
        s.homeVisitDue = Self.d("2026-11-13")
        // Then the flag counts from the home visit due date
        let flags = Self.run([e], [s])
        #expect(flags.first?.reasonArgs == ["2026-11-13", "10"])
        // And says that a home visit is what is owed
        #expect(flags.first?.reasonKey == RedFlagEngine.overdueHomeVisitKey)
        let zh = try Strings.load(.zhHans, resources: ResourceLocator.sourceCheckout)
        #expect(flags.first.map { zh.format($0.reasonKey, $0.reasonArgs) } == "应于2026-11-13前上门探访，已逾期10天")
        // An ordinary due date passed first is an ordinary overdue visit
        var plain = s
        plain.nextDue = Self.d("2026-11-10")
        #expect(Self.run([e], [plain]).first?.reasonKey == RedFlagKind.overdueVisit.reasonKey)
    }

    @Test func highRiskNoHomeVisit() throws {
        let e = Self.elder()
        // 31 days since the last home visit: fires
        let late = Self.run([e], [Self.summary(e, risk: .high, lastHome: Self.d("2026-10-23"))])
        #expect(Self.kinds(late) == [.highRiskNoHomeVisit])
        #expect(late.first?.severity == 31)
        // Exactly 30 days: not yet
        #expect(Self.run([e], [Self.summary(e, risk: .high, lastHome: Self.d("2026-10-24"))]).isEmpty)
        // Medium risk with an old home visit: no flag
        #expect(Self.run([e], [Self.summary(e, risk: .medium, lastHome: Self.d("2026-01-01"))]).isEmpty)
        // Never visited at home: fires, ranked by the days since registration
        let never = Self.run([e], [Self.summary(e, risk: .high, lastHome: nil)])
        #expect(Self.kinds(never) == [.highRiskNoHomeVisit])
        #expect(never.first!.severity == 691)
        // And says so in words, not as "last home visit: —, — days"
        #expect(never.first?.reasonKey == RedFlagEngine.neverHomeVisitedKey)
        #expect(late.first?.reasonKey == RedFlagKind.highRiskNoHomeVisit.reasonKey)
        let zh = try Strings.load(.zhHans, resources: ResourceLocator.sourceCheckout)
        #expect(zh.format(never.first!.reasonKey, never.first!.reasonArgs) == "高风险对象，2025-01-01 登记以来 691 天从未上门探访")
        // Counted from registration: an elder registered 30 days ago is not a red flag yet, 31 days ago is
        var recent = e
        recent.statusHistory = [StatusChange(date: Self.d("2026-10-24"), status: .active)]
        #expect(Self.run([recent], [Self.summary(recent, risk: .high, lastHome: nil)]).isEmpty)
        recent.statusHistory = [StatusChange(date: Self.d("2026-10-23"), status: .active)]
        let month = Self.run([recent], [Self.summary(recent, risk: .high, lastHome: nil)])
        #expect(month.first?.reasonArgs == ["2026-10-23", "31"])
        // Ranked below an elder last visited at home 79 days ago, not above every real gap
        var visited = Self.elder()
        visited.id = UUID()
        let both = Self.run([recent, visited], [Self.summary(recent, risk: .high, lastHome: nil),
                                                Self.summary(visited, risk: .high, lastHome: Self.d("2026-09-05"))])
        #expect(both.filter { $0.kind == .highRiskNoHomeVisit }.map(\.elderID) == [visited.id, recent.id])
        // The first day the elder was active counts, not a later return
        recent.statusHistory = [StatusChange(date: Self.d("2025-03-01"), status: .active),
                                StatusChange(date: Self.d("2025-06-01"), status: .movedAway),
                                StatusChange(date: Self.d("2026-11-20"), status: .active)]
        #expect(Self.run([recent], [Self.summary(recent, risk: .high, lastHome: nil)]).first?.reasonArgs.first == "2025-03-01")
    }

    @Test func disabledRemoteOnly() {
        let e = Self.elder(categories: [.disabled])
        // Last home visit 46 days ago, phoned since: fires
        let fired = Self.run([e], [Self.summary(e, lastVisit: Self.t("2026-11-20 10:00"), method: .phone,
                                                lastHome: Self.d("2026-10-08"))])
        #expect(Self.kinds(fired) == [.disabledRemoteOnly])
        #expect(fired.first?.reasonArgs == ["2026-10-08", "2026-11-20"])
        // Home visit 45 days ago: not yet
        #expect(Self.run([e], [Self.summary(e, lastVisit: Self.t("2026-11-20 10:00"), method: .video,
                                            lastHome: Self.d("2026-10-09"))]).isEmpty)
        // Last visit at home (even long ago): no flag
        #expect(Self.run([e], [Self.summary(e, lastVisit: Self.t("2026-09-01 10:00"), method: .home,
                                            lastHome: Self.d("2026-09-01"))]).filter { $0.kind == .disabledRemoteOnly }.isEmpty)
        // Not disabled: no flag
        let other = Self.elder(categories: [.livingAlone])
        #expect(Self.run([other], [Self.summary(other, lastVisit: Self.t("2026-11-20 10:00"),
                                                method: .remoteMonitoring, lastHome: nil)]).isEmpty)
        // Never visited at home: counted from registration, not flagged after a first phone call
        var recent = e
        recent.statusHistory = [StatusChange(date: Self.d("2026-11-20"), status: .active)]
        #expect(Self.run([recent], [Self.summary(recent, lastVisit: Self.t("2026-11-21 10:00"), method: .phone,
                                                 lastHome: nil)]).filter { $0.kind == .disabledRemoteOnly }.isEmpty)
        recent.statusHistory = [StatusChange(date: Self.d("2026-10-08"), status: .active)]
        let late = Self.run([recent], [Self.summary(recent, lastVisit: Self.t("2026-11-21 10:00"), method: .phone,
                                                    lastHome: nil)]).filter { $0.kind == .disabledRemoteOnly }
        #expect(late.first?.reasonKey == RedFlagEngine.disabledNeverHomeVisitedKey)
        #expect(late.first?.reasonArgs == ["2026-10-08", "2026-11-21"])
        #expect(late.first?.severity == 46)
    }

    @Test func copiedAnswers() {
        let e = Self.elder()
        let fired = Self.run([e], [Self.summary(e, streak: 3)])
        #expect(Self.kinds(fired) == [.copiedAnswers])
        #expect(fired.first?.severity == 3)
        #expect(Self.run([e], [Self.summary(e, streak: 1)]).isEmpty)
    }

    @Test func implausibleNoProblems() {
        // All clear for a severely disabled elder: fires
        let sd = Self.elder(categories: [.severelyDisabled])
        #expect(Self.kinds(Self.run([sd], [Self.summary(sd, allClear: true)])) == [.implausibleNoProblems])
        // A disability degree alone is enough
        let dg = Self.elder(categories: [.livingAlone], degree: .moderate)
        #expect(Self.kinds(Self.run([dg], [Self.summary(dg, allClear: true)])) == [.implausibleNoProblems])
        // All clear for an elder living alone without disability: fine
        let la = Self.elder(categories: [.livingAlone])
        #expect(Self.run([la], [Self.summary(la, allClear: true)]).isEmpty)
        // A disabled elder with problems recorded: fine
        #expect(Self.run([sd], [Self.summary(sd, allClear: false)]).isEmpty)
    }

    // MARK: - Follow-ups

    @Test func followUpOverdue() {
        let e = Self.elder()
        let late = FollowUp(elderID: e.id, type: .hazardRectification, openedAt: Self.t("2026-11-01 09:00"),
                            due: Self.t("2026-11-08 09:00"))
        let notYet = FollowUp(elderID: e.id, type: .referral, openedAt: Self.t("2026-11-20 09:00"),
                              due: Self.t("2026-11-23 10:30"))
        var done = late
        done.id = UUID()
        done.status = .done
        let flags = Self.run([e], [Self.summary(e)], followUps: [late, notYet, done])
        #expect(Self.kinds(flags) == [.followUpOverdue])
        #expect(flags.first?.reasonArgs == ["followup.type.hazardRectification", "15", "2026-11-08"])
        #expect(flags.first?.severity == 15)
    }

    @Test func emergencyNotClosed() {
        let e = Self.elder()
        // Opened 24 h 1 min ago: fires, as emergencyNotClosed and not as followUpOverdue
        let old = FollowUp(elderID: e.id, type: .emergency, openedAt: Self.t("2026-11-22 09:59"),
                           due: Self.t("2026-11-23 09:59"))
        let flags = Self.run([e], [Self.summary(e)], followUps: [old])
        #expect(Self.kinds(flags) == [.emergencyNotClosed])
        #expect(flags.first?.reasonArgs == ["2026-11-22 09:59", "24"])
        // Opened exactly 24 h ago: not yet
        let fresh = FollowUp(elderID: e.id, type: .emergency, openedAt: Self.t("2026-11-22 10:00"),
                             due: Self.t("2026-11-23 10:00"))
        #expect(Self.run([e], [Self.summary(e)], followUps: [fresh]).isEmpty)
    }

    @Test func followUpsOfOtherElders() {
        // A follow-up for an elder outside the given list is ignored
        let e = Self.elder()
        let f = FollowUp(elderID: UUID(), type: .referral, openedAt: Self.t("2026-10-01 09:00"),
                         due: Self.t("2026-10-08 09:00"))
        #expect(Self.run([e], [Self.summary(e)], followUps: [f]).isEmpty)
    }

    // MARK: - Headcount

    @Test func missingAndInvalidIDNumbers() {
        let missing = Self.elder("李桂兰", id: nil)
        let blank = Self.elder("赵淑珍", id: "  ")
        let badID = String(Self.validID().dropLast()) + (Self.validID().last == "1" ? "2" : "1")
        let invalid = Self.elder("张玉梅", id: badID)
        let fullWidth = Self.elder("刘凤英", id: Self.validID("65010219400101004").replacingOccurrences(of: "1", with: "１"))
        let flags = Self.run([missing, blank, invalid, fullWidth])
        #expect(flags.filter { $0.kind == .missingIDNumber }.map(\.elderID) == [missing.id, blank.id])
        let bad = flags.filter { $0.kind == .invalidIDNumber }
        #expect(bad.map(\.elderID) == [invalid.id])
        #expect(bad.first?.reasonArgs == ["张玉梅", "id.error.checkCharacter"])
        // The number itself never appears in any reason
        #expect(!flags.flatMap(\.reasonArgs).contains { $0.contains("650102") })
    }

    @Test func duplicatesGrouped() throws {
        // Given the same ID twice (once full-width x), three without ID sharing name and birth date,
        // a near miss (same name, another birth date), and a record of the death with the same ID
        let id = Self.validID("65010219400101002")
        let a = Self.elder("王秀英", id: id)
        let b = Self.elder("王秀英 ", id: " " + id)
        let c1 = Self.elder("马建国", id: nil, birth: Self.d("1938-05-06"))
        let c2 = Self.elder("马建国", id: nil, birth: Self.d("1938-05-06"))
        let c3 = Self.elder(" 马建国", id: nil, birth: Self.d("1938-05-06"))
        let other = Self.elder("马建国", id: nil, birth: Self.d("1939-05-06"))
        let dead = Self.elder("王秀英", id: id, history: [StatusChange(date: Self.d("2025-01-01"), status: .active),
                                                         StatusChange(date: Self.d("2026-01-01"), status: .deceased)])
        let flags = Self.run([a, b, c1, c2, c3, other, dead]).filter { $0.kind == .duplicatePerson }
        // Then one flag per member of each group, naming the others: the record of the death is one
        // of them (beside the living one, it says one person is both)
        #expect(Set(flags.compactMap(\.elderID)) == [a.id, b.id, c1.id, c2.id, c3.id, dead.id])
        let forA = flags.first { $0.elderID == a.id }
        let zh = try Strings.load(.zhHans, resources: ResourceLocator.sourceCheckout)
        #expect(forA?.reasonArgs.last == "2")
        #expect(forA?.reason(zh).contains("王秀英 、王秀英") == true, "\(forA?.reason(zh) ?? "")")
        let forC1 = flags.first { $0.elderID == c1.id }
        #expect(forC1?.reasonArgs.last == "2")
        #expect(forC1?.severity == 2)
    }

    @Test func deceasedStillActive() {
        let history = [StatusChange(date: Self.d("2025-01-01"), status: .active),
                       StatusChange(date: Self.d("2026-11-01"), status: .deceased)]
        let e = Self.elder(history: history)
        // A visit after the death date: fires (and no visit flags for a deceased elder)
        let afterDeath = Self.run([e], [Self.summary(e, nextDue: Self.d("2026-11-02"), lastVisit: Self.t("2026-11-05 10:00"),
                                                     streak: 5)])
        #expect(Self.kinds(afterDeath) == [.deceasedStillActive])
        #expect(afterDeath.first?.reasonArgs == ["2026-11-01", "2026-11-05", "0"])
        // An open follow-up: fires, and no followUpOverdue on top
        let f = FollowUp(elderID: e.id, type: .revisit, openedAt: Self.t("2026-10-20 09:00"), due: Self.t("2026-10-27 09:00"))
        let open = Self.run([e], [Self.summary(e, lastVisit: Self.t("2026-10-20 09:00"))], followUps: [f])
        #expect(Self.kinds(open) == [.deceasedStillActive])
        #expect(open.first?.reasonArgs.last == "1")
        // Last visit before death and nothing open: no flag
        #expect(Self.run([e], [Self.summary(e, lastVisit: Self.t("2026-10-20 09:00"))]).isEmpty)
    }

    @Test func villageLowVisitRate() {
        let v1 = UUID(), v2 = UUID(), v3 = UUID()
        let rates = [VillageRate(villageID: v1, denominator: 10, visited: 9),
                     VillageRate(villageID: v2, denominator: 10, visited: 10),
                     VillageRate(villageID: v3, denominator: 0, visited: 0)]
        let flags = Self.run([], rates: rates)
        #expect(flags.map(\.villageID) == [v1])
        #expect(flags.first?.reasonArgs == ["90.0%", "9", "10", "100.0%"])
        #expect(flags.first?.elderID == nil)
        // A lower target lets 90% pass
        var rules = RedFlagRules.standard
        rules.villageRateTarget = 0.9
        #expect(Self.run([], rates: rates, rules: rules).isEmpty)
    }

    // MARK: - Whole list

    @Test func sortedByKindThenSeverity() {
        let a = Self.elder(id: nil)
        let b = Self.elder("李明", id: Self.validID("65010219400101010"))
        let flags = Self.run([a, b], [Self.summary(a, nextDue: Self.d("2026-11-21"), streak: 2),
                                      Self.summary(b, nextDue: Self.d("2026-11-01"))])
        #expect(Self.kinds(flags) == [.overdueVisit, .overdueVisit, .copiedAnswers, .missingIDNumber])
        #expect(flags.prefix(2).map(\.elderID) == [b.id, a.id])
    }

    @Test func everyKindHasCatalogTexts() throws {
        for language in Language.allCases {
            let strings = try Strings.load(language, resources: ResourceLocator.sourceCheckout)
            for kind in RedFlagKind.allCases {
                #expect(strings.table[kind.titleKey] != nil, "\(language) \(kind.titleKey)")
                #expect(strings.table[kind.reasonKey] != nil, "\(language) \(kind.reasonKey)")
            }
        }
    }

    @Test func reasonLocalizesKeyArguments() throws {
        // Given an invalid ID of the wrong length
        let e = Self.elder("张玉梅", id: "12345")
        let flag = try #require(Self.run([e]).first { $0.kind == .invalidIDNumber })
        let strings = try Strings.load(.zhHans, resources: ResourceLocator.sourceCheckout)
        // Then the reason carries the localized error with its own argument filled in
        let text = flag.reason(strings)
        #expect(text.hasPrefix("张玉梅"))
        #expect(text.contains("5位"))
        #expect(!text.contains("{"))
    }

    @Test func rulesLoadFromResources() throws {
        let rules = try RedFlagRules.load(resources: ResourceLocator.sourceCheckout)
        #expect(rules == .standard)
    }

    @Test func badRulesAreRefused() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("redflags-\(UUID())")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("rules"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let bad = #"{"highRiskNoHomeVisitDays":30,"remoteOnlyDays":45,"copiedStreak":0,"emergencyHours":24,"villageRateTarget":1}"#
        try bad.write(to: dir.appendingPathComponent(RedFlagRules.file), atomically: true, encoding: .utf8)
        #expect(throws: ResourceError.self) { try RedFlagRules.load(resources: dir) }
    }

    @Test func villageRatesAreRoundedHalfUpToATenthButNeverToAllOrNone() {
        // Every visited/denominator fraction up to 400 elders: the tenths whole-number arithmetic
        // gives when rounding half up (as an office recomputing the rate by hand or in Excel)
        for denominator in 1...400 {
            for visited in 0...denominator {
                let rate = Double(visited) / Double(denominator)
                var tenths = (visited * 2000 + denominator) / (2 * denominator)
                if visited < denominator { tenths = min(tenths, 999) }
                if visited > 0 { tenths = max(tenths, 1) }
                #expect(RedFlagEngine.percent(rate) == "\(tenths / 10).\(tenths % 10)%", "\(visited)/\(denominator)")
            }
        }
        #expect(RedFlagEngine.percent(21.0 / 22) == "95.5%")
        #expect(RedFlagEngine.percent(15.0 / 16) == "93.8%")
        #expect(RedFlagEngine.percent(23.0 / 80) == "28.8%")
        // Short of all is never "100.0%", above none never "0.0%"
        #expect(RedFlagEngine.percent(1999.0 / 2000) == "99.9%")
        #expect(RedFlagEngine.percent(2999.0 / 3000) == "99.9%")
        #expect(RedFlagEngine.percent(1.0 / 3000) == "0.1%")
        #expect(RedFlagEngine.percent(0) == "0.0%")
        // A spreadsheet cell holds the rate as shown, so that Excel's 0.0% gives the screen's figure
        #expect(Percent.shown(20.0 / 23) == 0.87 && Percent.text(Percent.shown(20.0 / 23)) == "87.0%")
        #expect(Percent.shown(2999.0 / 3000) == 0.999)
        #expect(Percent.shown(1) == 1)
        #expect(RedFlagEngine.percent(1) == "100.0%")
    }
}
