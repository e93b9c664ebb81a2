import Foundation
import Testing
@testable import TanfangCore

private func d(_ text: String) -> LocalDate { LocalDate(text)! }
private func t(_ text: String) -> LocalDateTime { LocalDateTime(text)! }

@Suite struct DerivationTests {
    let derivation: Derivation
    let elder = Elder(name: "张玉珍", birthDate: LocalDate("1950-05-05"), villageID: UUID(),
                      livingArrangement: .withSpouse,
                      statusHistory: [StatusChange(date: LocalDate("2024-01-01")!, status: .active)])

    init() throws {
        derivation = try Derivation.load(resources: ResourceLocator.sourceCheckout)
    }

    /// A visit answering every all-clear field with its no-problem option.
    private let clear: [String: Answer] = [
        FieldCode.illness: .choices([1]), FieldCode.difficulties: .choices([1]), FieldCode.hasHazard: .yesNo(false),
        FieldCode.needs: .choices([1]), FieldCode.mobility: .choice(1), FieldCode.mental: .choice(1),
    ]

    private func visit(_ at: String, _ method: VisitMethod = .home, _ answers: [String: Answer]) -> Visit {
        Visit(elderID: elder.id, at: t(at), visitorIDs: [], method: method, seenInPerson: method == .home, answers: answers)
    }

    private func summary(_ visits: [Visit], followUps: [FollowUp] = [], today: String = "2026-03-20") -> ElderSummary {
        derivation.summarize(elder: elder, visits: visits, followUps: followUps, periods: [], today: d(today))
    }

    @Test func copyableCodesComeFromTheForm() {
        // Given the shipped form, then health answers are copyable and help answers are not
        #expect(derivation.copyableFieldCodes.contains(FieldCode.mental))
        #expect(derivation.copyableFieldCodes.contains(FieldCode.needs))
        #expect(!derivation.copyableFieldCodes.contains(FieldCode.notes))
        #expect(!derivation.copyableFieldCodes.contains(FieldCode.helpGiven))
    }

    @Test func anOpenEmergencyKeepsTheRiskHighThoughItsVisitDidNotSeeTheElder() {
        // Given a home visit that found nobody but an emergency (the neighbours had not seen her for two days)
        var attempt = visit("2026-03-18 10:00", .home, [FieldCode.emergency: .yesNo(true)])
        attempt.seenInPerson = false
        let emergency = FollowUp(elderID: elder.id, visitID: attempt.id, type: .emergency,
                                 openedAt: attempt.at, due: t("2026-03-19 10:00"))
        // Then while its emergency is open the elder is high risk, for that reason (it stayed low:
        // a visit that did not see the elder counts for no finding)
        let open = summary([visit("2026-03-01 09:00", .home, clear), attempt], followUps: [emergency])
        #expect(open.risk.level == .high && open.risk.reasons.first == "risk.reason.emergency", "\(open.risk)")
        // And once it is closed, the last visit that saw her decides again
        var closed = emergency
        closed.status = .done
        let after = summary([visit("2026-03-01 09:00", .home, clear), attempt], followUps: [closed])
        #expect(!after.risk.reasons.contains("risk.reason.emergency"))
    }

    @Test func identicalStreak() {
        // Given three visits with the same five-section answers, given out of order
        let a = visit("2026-01-10 09:00", .home, clear)
        var b = visit("2026-02-10 09:00", .phone, clear)
        var c = visit("2026-03-10 09:00", .home, clear)
        // And only the help notes and help given differ (help is not copyable)
        b.answers[FieldCode.notes] = .text("送米面油")
        c.answers[FieldCode.helpGiven] = .choices([1])
        // Then the latest two each repeat the previous one
        #expect(summary([c, a, b]).identicalStreak == 2)
        // When the latest differs in a copyable answer, the streak is 0
        var changed = c
        changed.answers[FieldCode.mental] = .choice(2)
        #expect(summary([a, b, changed]).identicalStreak == 0)
        // When only the oldest differs, the streak counts back to it
        var first = a
        first.answers[FieldCode.mobility] = .choice(2)
        #expect(summary([first, b, c]).identicalStreak == 1)
        // A single visit has no streak
        #expect(summary([a]).identicalStreak == 0)
    }

    @Test func lastVisitAllClear() {
        // Given a latest visit with no problem anywhere, then it is all clear
        let old = visit("2026-01-10 09:00", .home, [FieldCode.mental: .choice(4)])
        #expect(summary([old, visit("2026-03-01 10:00", .home, clear)]).lastVisitAllClear)
        // Each single problem (or a missing answer) makes it not all clear
        let problems: [(String, Answer?)] = [
            (FieldCode.illness, .choices([2])), (FieldCode.illness, .choices([1, 2])),
            (FieldCode.difficulties, .choices([3])), (FieldCode.hasHazard, .yesNo(true)),
            (FieldCode.needs, .choices([2])), (FieldCode.mobility, .choice(2)), (FieldCode.mental, .choice(2)),
            (FieldCode.mental, nil),
        ]
        for (code, answer) in problems {
            var answers = clear
            answers[code] = answer
            #expect(!summary([visit("2026-03-01 10:00", .home, answers)]).lastVisitAllClear, "\(code)")
        }
        // Only the latest visit matters
        #expect(!summary([visit("2026-01-10 09:00", .home, clear), old.with(at: "2026-03-02 09:00")]).lastVisitAllClear)
        // No visits: not all clear
        #expect(!summary([]).lastVisitAllClear)
    }

    @Test func followUpsAndHazards() {
        // Given two open hazards (one in progress), a closed hazard and an open referral
        func f(_ type: FollowUpType, _ status: FollowUpStatus, due: String) -> FollowUp {
            FollowUp(elderID: elder.id, type: type, openedAt: t("2026-03-01 09:00"), due: t(due), status: status)
        }
        let followUps = [
            f(.hazardRectification, .open, due: "2026-03-25 18:00"),
            f(.hazardRectification, .inProgress, due: "2026-03-22 12:00"),
            f(.hazardRectification, .done, due: "2026-03-05 12:00"),
            f(.referral, .open, due: "2026-04-01 09:00"),
            f(.emergency, .cancelled, due: "2026-03-02 09:00"),
        ]
        let s = summary([visit("2026-03-01 10:00", .home, clear)], followUps: followUps)
        // Then only open ones count, and the earliest due is among the open ones
        #expect(s.openFollowUps == 3)
        #expect(s.openHazards == 2)
        #expect(s.earliestFollowUpDue == t("2026-03-22 12:00"))
        // And the open hazards feed the risk assessment
        #expect(s.risk.reasons.contains(RiskFactor.openHazard.reasonKey))
        #expect(!summary([visit("2026-03-01 10:00", .home, clear)]).risk.reasons.contains(RiskFactor.openHazard.reasonKey))
    }

    @Test func lateEveningVisitBelongsToThatDay() {
        // Given a home visit at 23:30 on 31 January, followed by a phone call
        let late = visit("2026-01-31 23:30", .home, clear)
        let s = summary([late], today: "2026-02-01")
        // Then it counts for January: the next visit is due by the end of February
        #expect(s.lastVisit == t("2026-01-31 23:30"))
        #expect(s.lastHomeVisit == d("2026-01-31"))
        #expect(s.nextDue == d("2026-02-28"))
        #expect(s.computedOn == d("2026-02-01"))
        // And a later phone call moves the last visit but not the last home visit
        let s2 = summary([visit("2026-02-03 08:00", .phone, clear), late], today: "2026-02-04")
        #expect(s2.lastVisitMethod == .phone)
        #expect(s2.lastHomeVisit == d("2026-01-31"))
        #expect(s2.visitCount == 2)
    }

    @Test func riskDrivesFrequency() {
        // Given an elder whose latest visit flagged an emergency (high risk)
        let v = visit("2026-03-01 10:00", .home, clear.merging([FieldCode.emergency: .yesNo(true)]) { $1 })
        let s = summary([v], today: "2026-03-02")
        // Then the high-risk interval applies instead of the calendar month
        #expect(s.risk.level == .high)
        #expect(s.nextDue! < d("2026-04-30"))
        #expect(s.nextDue == derivation.frequency.nextDue(for: elder, risk: .high, lastVisit: d("2026-03-01"),
                                                         lastHomeVisit: d("2026-03-01"), periods: [],
                                                         today: d("2026-03-02")).visit)
    }
}

private extension Visit {
    func with(at text: String) -> Visit {
        var v = self
        v.at = LocalDateTime(text)!
        return v
    }
}
