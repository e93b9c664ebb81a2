import Foundation
import Testing
@testable import TanfangCore

private func d(_ text: String) -> LocalDate { LocalDate(text)! }

@Suite struct RiskRulesTests {
    let rules: RiskRules
    let today = LocalDate(year: 2026, month: 6, day: 15)!

    init() throws {
        rules = try RiskRules.load(resources: ResourceLocator.sourceCheckout)
    }

    /// An elder who triggers no factor: lives with children, no categories, 70 years old.
    private func plain() -> Elder {
        Elder(name: "李桂兰", birthDate: d("1956-01-01"), villageID: UUID(), livingArrangement: .withChildren,
              statusHistory: [StatusChange(date: d("2020-01-01"), status: .active)])
    }

    private func visit(_ answers: [String: Answer]) -> Visit {
        Visit(elderID: UUID(), at: LocalDateTime("2026-06-10 10:00")!, visitorIDs: [], method: .home,
              seenInPerson: true, answers: answers)
    }

    private func points(_ f: RiskFactor) -> Int { rules.weights.first { $0.factor == f }!.points }

    @Test func plainElderIsLow() {
        // Given an elder with nothing notable and an all-clear visit, then the risk is low with no reasons
        let v = visit([FieldCode.mental: .choice(1), FieldCode.obligations: .choice(1), FieldCode.mobility: .choice(1)])
        let r = rules.assess(elder: plain(), latestVisit: v, openHazards: 0, on: today)
        #expect(r == RiskAssessment(level: .low, score: 0, reasons: []))
    }

    @Test func eachFactorIsDetected() {
        // Given one change from a plain elder per factor, then exactly that factor's reason appears
        var cases: [(RiskFactor, Elder, Visit?, Int)] = []
        var e = plain(); e.categories = [.livingAlone]
        cases.append((.livingAlone, e, nil, 0))
        e = plain(); e.categories = [.destitute]
        cases.append((.destitute, e, nil, 0))
        e = plain(); e.birthDate = d("1940-03-01")
        cases.append((.advancedAge, e, nil, 0))
        e = plain(); e.remote = true
        cases.append((.remote, e, nil, 0))
        e = plain(); e.categories = [.disabled]; e.disabilityDegree = .severe
        cases.append((.severeDisability, e, nil, 0))
        cases.append((.openHazard, plain(), nil, 2))
        cases.append((.poorMentalState, plain(), visit([FieldCode.mental: .choice(3)]), 0))
        cases.append((.poorMentalState, plain(), visit([FieldCode.mental: .choice(4)]), 0))
        cases.append((.noFamilySupport, plain(), visit([FieldCode.obligations: .choice(3)]), 0))
        cases.append((.noFamilySupport, plain(), visit([FieldCode.familyContact: .choice(3)]), 0))
        cases.append((.immobile, plain(), visit([FieldCode.mobility: .choice(3)]), 0))
        cases.append((.immobile, plain(), visit([FieldCode.mobility: .choice(4)]), 0))
        cases.append((.unmetNeeds, plain(), visit([FieldCode.needsMet: .choice(3)]), 0))
        cases.append((.emergency, plain(), visit([FieldCode.emergency: .yesNo(true)]), 0))
        for (factor, elder, v, hazards) in cases {
            let r = rules.assess(elder: elder, latestVisit: v, openHazards: hazards, on: today)
            #expect(r.reasons == [factor.reasonKey], "\(factor)")
            #expect(r.score == points(factor), "\(factor)")
            #expect(r.level == rules.level(score: points(factor)), "\(factor)")
        }
        // And milder answers do not count
        for answers: [String: Answer] in [[FieldCode.mental: .choice(2)], [FieldCode.mobility: .choice(2)],
                                          [FieldCode.obligations: .choice(2)], [FieldCode.needsMet: .choice(2)],
                                          [FieldCode.emergency: .yesNo(false)]] {
            #expect(rules.assess(elder: plain(), latestVisit: visit(answers), openHazards: 0, on: today).score == 0)
        }
        // Every factor is weighted in the shipped data
        #expect(Set(rules.weights.map(\.factor)) == Set(RiskFactor.allCases))
    }

    @Test func disabledLivingAloneIsHighAndReasonsSortedByPoints() {
        // Given a disabled elder who lives alone and is remote
        var e = plain()
        e.categories = [.disabled, .livingAlone]
        e.remote = true
        // When assessed
        let r = rules.assess(elder: e, latestVisit: nil, openHazards: 0, on: today)
        // Then the combination, living alone and remoteness all count, most points first
        let expected: [RiskFactor] = [.disabledLivingAlone, .livingAlone, .remote]
        #expect(Set(r.reasons) == Set(expected.map(\.reasonKey)))
        #expect(r.reasons.first == RiskFactor.disabledLivingAlone.reasonKey)
        let pts = r.reasons.map { key in rules.weights.first { $0.factor.reasonKey == key }!.points }
        #expect(pts == pts.sorted(by: >))
        #expect(r.score == expected.map(points).reduce(0, +))
        #expect(r.level == .high)
        // A living arrangement of "alone" counts as living alone too
        var e2 = plain()
        e2.categories = [.severelyDisabled]
        e2.livingArrangement = .alone
        let r2 = rules.assess(elder: e2, latestVisit: nil, openHazards: 0, on: today)
        #expect(r2.reasons.contains(RiskFactor.disabledLivingAlone.reasonKey))
        #expect(r2.reasons.contains(RiskFactor.severeDisability.reasonKey))
    }

    @Test func thresholds() {
        // Given explicit thresholds, then scores map to levels at the boundaries
        let r = RiskRules(weights: [.init(factor: .remote, points: 1)], highThreshold: 6, mediumThreshold: 3)
        #expect(r.level(score: 2) == .low)
        #expect(r.level(score: 3) == .medium)
        #expect(r.level(score: 5) == .medium)
        #expect(r.level(score: 6) == .high)
        // And the shipped thresholds are applied: an open hazard plus poor mental state reaches medium or above
        let v = visit([FieldCode.mental: .choice(3)])
        let a = rules.assess(elder: plain(), latestVisit: v, openHazards: 1, on: today)
        #expect(a.score == points(.openHazard) + points(.poorMentalState))
        #expect(a.level >= .medium)
    }

    @Test func overrideReplacesLevelAndKeepsReasons() {
        // Given a remote elder overridden to high by the village committee
        var e = plain()
        e.remote = true
        e.riskOverride = RiskOverride(level: .high, reason: "子女失联，村委会研判")
        // When assessed
        let r = rules.assess(elder: e, latestVisit: nil, openHazards: 0, on: today)
        // Then the level is the override's, the reason comes first, and computed reasons follow
        #expect(r.level == .high)
        #expect(r.overridden)
        #expect(r.reasons == ["子女失联，村委会研判", RiskFactor.remote.reasonKey])
        #expect(r.score == points(.remote))
    }

    @Test func ageCrosses80OnBirthday() {
        // Given an elder born 1946-06-15
        var e = plain()
        e.birthDate = d("1946-06-15")
        // Then the day before the 80th birthday there is no age factor, on the birthday there is
        let before = rules.assess(elder: e, latestVisit: nil, openHazards: 0, on: d("2026-06-14"))
        let on = rules.assess(elder: e, latestVisit: nil, openHazards: 0, on: d("2026-06-15"))
        #expect(!before.reasons.contains(RiskFactor.advancedAge.reasonKey))
        #expect(on.reasons == [RiskFactor.advancedAge.reasonKey])
        // And an unknown birth date never counts as advanced age
        e.birthDate = nil
        #expect(rules.assess(elder: e, latestVisit: nil, openHazards: 0, on: today).score == 0)
    }

    @Test func badDataNamesTheFile() throws {
        // Given a risk file with an unknown factor
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tanfang-risk-\(UUID())")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("rules"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data(#"{"thresholds": {"high": 6, "medium": 3}, "factors": [{"factor": "lonely", "points": 2}]}"#.utf8)
            .write(to: dir.appendingPathComponent(RiskRules.file))
        // Then loading fails naming the file
        #expect {
            try RiskRules.load(resources: dir)
        } throws: { error in
            String(describing: error).contains("risk.json")
        }
    }

    @Test func catalogsCoverReasonsInBothLanguages() throws {
        // Given both catalogs, then every reason key and level has text in each language, and the files match
        for language in Language.allCases {
            let strings = try Strings.load(language, resources: ResourceLocator.sourceCheckout)
            for f in RiskFactor.allCases { #expect(strings.table[f.reasonKey] != nil, "\(language) \(f)") }
            for l in RiskLevel.allCases { #expect(strings.table["risk.level.\(l.rawValue)"] != nil) }
            for s in DueState.allCases { #expect(strings.table["due.state.\(s.rawValue)"] != nil) }
            for c in Category.allCases { #expect(strings.table["category.\(c.rawValue)"] != nil) }
            #expect(strings.table["category.advancedAge"] != nil)
            for s in ElderStatus.allCases { #expect(strings.table["status.\(s.rawValue)"] != nil) }
            for m in VisitMethod.allCases { #expect(strings.table["method.\(m.rawValue)"] != nil) }
            for g in Gender.allCases { #expect(strings.table["gender.\(g.rawValue)"] != nil) }
            for k in SpecialPeriod.Kind.allCases { #expect(strings.table["period.kind.\(k.rawValue)"] != nil) }
        }
        let file = "rules-due-risk.json"
        func keys(_ lang: String) throws -> Set<String> {
            let url = ResourceLocator.sourceCheckout.appendingPathComponent("strings/\(lang)/\(file)")
            return Set(try JSONDecoder().decode([String: String].self, from: Data(contentsOf: url)).keys)
        }
        #expect(try keys("zh-Hans") == keys("en"))
    }
}
