import Foundation
import Testing
@testable import TanfangCore

@Suite struct FollowUpRulesTests {
    let form: FormDefinition
    let rules: FollowUpRules
    let at = LocalDateTime(date: LocalDate(year: 2026, month: 11, day: 23)!, hour: 10, minute: 15)!
    let owner = UUID()

    init() throws {
        form = try FormDefinition.load(resources: ResourceLocator.sourceCheckout)
        rules = try FollowUpRules.load(resources: ResourceLocator.sourceCheckout, form: form)
    }

    /// Answers with no findings at all.
    let quiet: [String: Answer] = [
        "safety.hasHazard": .yesNo(false), "family.obligations": .choice(1),
        "needs.services": .choices([1]), "economic.benefitsReceived": .choice(1),
        "needs.emergency": .yesNo(false),
    ]

    func followUps(_ changes: [String: Answer], at time: LocalDateTime? = nil,
                   method: VisitMethod = .home) -> (Visit, [FollowUp]) {
        let v = Visit(elderID: UUID(), at: time ?? at, visitorIDs: [owner], method: method,
                      seenInPerson: true, answers: quiet.merging(changes) { $1 })
        return (v, rules.followUps(for: v, ownerID: owner))
    }

    @Test func quietVisitOpensNothing() {
        #expect(followUps([:]).1.isEmpty)
    }

    @Test func hazardOpensRectificationInAWeek() throws {
        // Given a hazard with types and a description
        let (visit, result) = followUps([
            "safety.hasHazard": .yesNo(true), "safety.hazards": .choices([1, 3]),
            "safety.hazardDetail": .text("电线老化"),
        ])
        // Then one rectification follow-up, fully filled in
        let f = try #require(result.first)
        #expect(result.count == 1)
        #expect(f.type == .hazardRectification)
        #expect(f.openedAt == at)
        #expect(f.due == LocalDateTime(date: LocalDate(year: 2026, month: 11, day: 30)!, hour: 10, minute: 15))
        #expect(f.visitID == visit.id)
        #expect(f.elderID == visit.elderID)
        #expect(f.ownerID == owner)
        #expect(f.status == .open)
        #expect(f.detail == "房屋、用电：电线老化")
    }

    @Test func supportersNotifiedOnlyWhenObligationsUnfulfilled() {
        let (_, unfulfilled) = followUps(["family.obligations": .choice(3)])
        #expect(unfulfilled.map(\.type) == [.notifySupporters])
        #expect(unfulfilled.first?.detail == "未履行")
        #expect(unfulfilled.first?.due == at.adding(hours: 168))
        // Partly fulfilled (2) or no supporter (4) do not notify
        #expect(followUps(["family.obligations": .choice(2)]).1.isEmpty)
        #expect(followUps(["family.obligations": .choice(4)]).1.isEmpty)
    }

    @Test func unmetNeedsAreReferredInTwoWeeks() {
        let needs: [String: Answer] = ["needs.services": .choices([2, 3]), "needs.other": .text("需要助浴")]
        for met in [2, 3] {
            let (_, result) = followUps(needs.merging(["needs.met": .choice(met)]) { $1 })
            #expect(result.map(\.type) == [.referral])
            #expect(result.first?.detail == "生活照料、康复护理：需要助浴")
            #expect(result.first?.due == LocalDateTime(date: LocalDate(year: 2026, month: 12, day: 7)!, hour: 10, minute: 15))
        }
        #expect(followUps(needs.merging(["needs.met": .choice(1)]) { $1 }).1.isEmpty)
        // A stale "not met" with needs = 无 does not apply, so no referral
        #expect(followUps(["needs.services": .choices([1]), "needs.met": .choice(3)]).1.isEmpty)
    }

    @Test func benefitsNotReceivedOpenApplication() {
        let (_, some) = followUps(["economic.benefitsReceived": .choice(2), "economic.note": .text("高龄津贴未到账")])
        #expect(some.map(\.type) == [.benefitApplication])
        #expect(some.first?.detail == "部分未落实：高龄津贴未到账")
        #expect(some.first?.due == at.adding(hours: 720))
        #expect(followUps(["economic.benefitsReceived": .choice(3)]).1.map(\.type) == [.benefitApplication])
        #expect(followUps(["economic.benefitsReceived": .choice(1)]).1.isEmpty)
    }

    @Test func emergencyDueExactly24HoursLaterAcrossMonthEnd() throws {
        // Given an emergency at 2026-01-31 23:30
        let late = LocalDateTime(date: LocalDate(year: 2026, month: 1, day: 31)!, hour: 23, minute: 30)!
        let (_, result) = followUps(["needs.emergency": .yesNo(true)], at: late)
        // Then it is due 2026-02-01 23:30
        let f = try #require(result.first)
        #expect(result.map(\.type) == [.emergency])
        #expect(f.due == LocalDateTime(date: LocalDate(year: 2026, month: 2, day: 1)!, hour: 23, minute: 30))
        #expect(f.openedAt == late)
        // 无 (none) adds nothing to the detail
        #expect(f.detail == "")
    }

    @Test func severalFindingsOpenOneEach() {
        let (_, result) = followUps([
            "safety.hasHazard": .yesNo(true), "safety.hazards": .choices([6]),
            "needs.emergency": .yesNo(true), "family.obligations": .choice(3),
        ])
        #expect(Set(result.map(\.type)) == [.hazardRectification, .emergency, .notifySupporters])
        #expect(result.count == 3)
        #expect(Set(result.map(\.id)).count == 3)
    }

    @Test func addingHours() {
        let d = { (y: Int, m: Int, day: Int, h: Int, min: Int) in
            LocalDateTime(date: LocalDate(year: y, month: m, day: day)!, hour: h, minute: min)!
        }
        #expect(d(2026, 12, 31, 20, 5).adding(hours: 4) == d(2027, 1, 1, 0, 5))
        #expect(d(2028, 2, 28, 12, 0).adding(hours: 24) == d(2028, 2, 29, 12, 0))
        #expect(d(2026, 2, 28, 12, 0).adding(hours: 24) == d(2026, 3, 1, 12, 0))
        #expect(d(2026, 3, 1, 1, 0).adding(hours: -2) == d(2026, 2, 28, 23, 0))
        #expect(d(1969, 12, 31, 23, 0).adding(hours: 1) == d(1970, 1, 1, 0, 0))
        #expect(d(1970, 1, 1, 0, 30).adding(hours: -1) == d(1969, 12, 31, 23, 30))
    }

    @Test func badRuleFilesAreRefusedWithThePath() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tanfang-rules-\(UUID())")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("rules"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent(FollowUpRules.file)

        func load(_ json: String) -> ResourceError? {
            try? json.write(to: file, atomically: true, encoding: .utf8)
            do { _ = try FollowUpRules.load(resources: dir, form: form); return nil }
            catch let e as ResourceError { return e }
            catch { return nil }
        }
        let unknownField = load(#"[{"type":"referral","when":{"field":"needs.nope","is":true},"dueInHours":1,"detailFields":[]}]"#)
        #expect(unknownField?.description.contains(file.path) == true)
        #expect(unknownField?.description.contains("needs.nope") == true)
        let unknownDetail = load(#"[{"type":"referral","when":{"field":"needs.met","anyOf":[2]},"dueInHours":1,"detailFields":["x.y"]}]"#)
        #expect(unknownDetail?.description.contains("x.y") == true)
        let unknownOption = load(#"[{"type":"referral","when":{"field":"needs.met","anyOf":[7]},"dueInHours":1,"detailFields":[]}]"#)
        #expect(unknownOption?.description.contains("no option 7") == true)
        let badType = load(#"[{"type":"party","when":{"field":"needs.met"},"dueInHours":1,"detailFields":[]}]"#)
        guard case .malformed(let path, _)? = badType else { Issue.record("expected malformed, got \(String(describing: badType))"); return }
        #expect(path == file.path)
        #expect(load(#"[{"type":"emergency","when":{"field":"needs.met","is":true},"dueInHours":5,"detailFields":[]}]"#) != nil)
        #expect(load(#"[{"type":"referral","when":{"field":"needs.met","anyOf":[2]},"dueInHours":0,"detailFields":[]}]"#) != nil)
        #expect(load(#"[{"type":"referral","when":{"field":"needs.met","anyOf":[2]},"dueInHours":5,"detailFields":[]}]"#) == nil)
    }
}
