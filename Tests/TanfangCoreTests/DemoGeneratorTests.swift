import Foundation
import Testing
@testable import TanfangCore

private let today = LocalDate(year: 2026, month: 11, day: 23)!

/// One default-size demo shared by the read-only tests (generation is deterministic).
private let demo = DemoGenerator(seed: 2026).generate(elders: 300, months: 12, today: today)

@Suite struct DemoGeneratorTests {
    let form: FormDefinition

    init() throws {
        form = try FormDefinition.load(resources: ResourceLocator.sourceCheckout)
    }

    @Test func sameSeedGivesIdenticalDataAndOtherSeedDiffers() {
        // Given two generators with the same seed and one with another seed,
        let a = DemoGenerator(seed: 7).generate(elders: 80, months: 4, today: today)
        let b = DemoGenerator(seed: 7).generate(elders: 80, months: 4, today: today)
        let c = DemoGenerator(seed: 8).generate(elders: 80, months: 4, today: today)
        // then the same seed repeats everything, identifiers included, and another seed does not.
        #expect(a == b)
        #expect(a.visits.map(\.id) == b.visits.map(\.id))
        #expect(a != c)
        #expect(Set(a.elders.map(\.id)).isDisjoint(with: c.elders.map(\.id)))
        #expect(a.elders.map(\.name) != c.elders.map(\.name))
    }

    @Test func placesFormOneCountyWithCodedTownshipsVillagesAndGrids() {
        // Given the demo places,
        let byID = Dictionary(uniqueKeysWithValues: demo.places.map { ($0.id, $0) })
        let counties = demo.places.filter { $0.level == .county }
        let townships = demo.places.filter { $0.level == .township }
        let villages = demo.places.filter { $0.level == .village }
        // then there is one county, 3–4 townships of 3–5 villages, each with 2–3 grids, and every
        // code extends its parent's code (6 + 3 + 3 digits).
        #expect(counties.map(\.code) == ["654021"])
        #expect((3...4).contains(townships.count))
        for t in townships {
            #expect(t.code.count == 9 && t.code.hasPrefix("654021") && t.parentID == counties[0].id)
            #expect((3...5).contains(villages.filter { $0.parentID == t.id }.count))
        }
        for v in villages {
            #expect(v.code.count == 12 && v.code.hasPrefix(byID[v.parentID!]!.code))
            #expect((2...3).contains(demo.places.filter { $0.parentID == v.id }.count))
        }
        #expect(Set(demo.places.map(\.code)).count == demo.places.count)
        #expect(Set(villages.map(\.name)).count == villages.count)
    }

    @Test func largeLedgersGetMoreVillages() {
        // Given 3,000 elders, then villages hold roughly 80–150 elders each.
        let big = DemoGenerator(seed: 1).generate(elders: 3000, months: 1, today: today)
        let villages = big.places.filter { $0.level == .village }
        #expect(big.elders.count == 3000)
        #expect(Double(3000) / Double(villages.count) >= 80 && Double(3000) / Double(villages.count) <= 150)
    }

    @Test func everyRoleHasVisitorsAndUsersWithStablePINs() {
        // Given the demo visitors and users,
        #expect(Set(demo.visitors.map(\.role)) == Set(VisitorRole.allCases))
        #expect(Set(demo.users.map(\.user.role)) == Set(UserRole.allCases))
        #expect(Set(demo.users.map(\.user.name)).count == demo.users.count)
        let visitorsByID = Dictionary(uniqueKeysWithValues: demo.visitors.map { ($0.id, $0) })
        let firstTownship = demo.places.first { $0.level == .township }!
        let firstVillages = demo.places.filter { $0.parentID == firstTownship.id }
        let pins: [UserRole: String] = [.admin: "0000", .supervisor: "1111", .clerk: "2222", .gridWorker: "3333"]
        for u in demo.users {
            #expect(u.pin == pins[u.user.role])
            #expect(u.user.pinHash.isEmpty)
        }
        // then one clerk per village of the first township, and one grid-worker log-in per grid
        // worker there, linked to the visitor record.
        #expect(Set(demo.users.filter { $0.user.role == .clerk }.map(\.user.areaID)) == Set(firstVillages.map(\.id)))
        let gridWorkers = demo.users.filter { $0.user.role == .gridWorker }
        let expected = demo.visitors.filter { $0.role == .gridWorker && firstVillages.map(\.id).contains($0.placeID!) }
        #expect(Set(gridWorkers.compactMap(\.user.visitorID)) == Set(expected.map(\.id)))
        for g in gridWorkers { #expect(visitorsByID[g.user.visitorID!]?.name == g.user.name) }
        // The README lists these names: they do not depend on the seed.
        let other = DemoGenerator(seed: 99).generate(elders: 300, months: 12, today: today)
        #expect(other.users.map(\.user.name) == demo.users.map(\.user.name))
        #expect(demo.users.first { $0.user.role == .admin }?.user.name == "周建华")
    }

    @Test func idNumbersAreValidExceptThePlantedFaults() {
        // Given every elder's ID number,
        var missing = 0, invalid = 0
        for e in demo.elders {
            guard let id = e.idNumber else { missing += 1; continue }
            switch IDNumber.parse(id, today: today) {
            case .success(let info):
                // then a valid one carries the county, the real birth date and the gender.
                #expect(info.normalized == id)
                #expect(info.addressCode == "654021")
                #expect(info.birthDate == e.birthDate)
                #expect(info.gender == e.gender)
            case .failure(let error):
                #expect(error == .checkCharacter)
                invalid += 1
            }
        }
        // and exactly the planted ones are missing or have a wrong check character.
        #expect((1...2).contains(missing))
        #expect((1...2).contains(invalid))
        // One person appears twice, in two villages from different sources.
        let groups = Dictionary(grouping: demo.elders.filter { $0.idNumber != nil }, by: { $0.idNumber! }).values
        let twice = groups.filter { $0.count > 1 }
        #expect(twice.count == 1)
        if let pair = twice.first {
            #expect(pair.count == 2 && pair[0].villageID != pair[1].villageID && pair[0].sources != pair[1].sources)
            #expect(pair[0].name == pair[1].name)
        }
    }

    @Test func eldersLookRealistic() {
        // Given the 300 demo elders,
        let n = Double(demo.elders.count)
        func share(_ c: Category) -> Double { Double(demo.elders.filter { $0.categories.contains(c) }.count) / n }
        // then category shares are near the targets,
        #expect((0.17...0.33).contains(share(.livingAlone)))
        #expect((0.28...0.52).contains(share(.emptyNest)))
        #expect((0.12...0.28).contains(share(.leftBehind)))
        #expect((0.09...0.22).contains(share(.disabled)))
        #expect((0.01...0.10).contains(share(.severelyDisabled)))
        #expect(share(.familyPlanningSpecial) <= 0.07)
        #expect((0.02...0.11).contains(share(.destitute)))
        // four peoples appear with matching name styles,
        #expect(Set(demo.elders.compactMap(\.ethnicity)) == ["汉族", "维吾尔族", "哈萨克族", "回族"])
        for e in demo.elders where e.ethnicity == "维吾尔族" || e.ethnicity == "哈萨克族" { #expect(e.name.contains("·")) }
        for e in demo.elders where e.ethnicity == "汉族" { #expect(!e.name.contains("·")) }
        // ages are 60–98 with most 65–85, categories agree with living arrangements and degrees,
        let ages = demo.elders.map { $0.age(on: today)! }
        #expect(ages.allSatisfy { (60...98).contains($0) })
        #expect(Double(ages.filter { (65...85).contains($0) }.count) / n > 0.55)
        for e in demo.elders {
            #expect(!e.categories.isEmpty || e.isAdvancedAge(on: today))
            if e.categories.contains(.livingAlone) { #expect(e.livingArrangement == .alone) }
            #expect((e.disabilityDegree != nil) == e.categories.contains(.disabled))
            #expect(e.visitorID != nil && !e.sources.isEmpty && e.address != nil)
            if e.categories.contains(.destitute) { #expect(!e.supporters.contains { $0.relation == "儿子" || $0.relation == "女儿" }) }
        }
        let remote = Double(demo.elders.filter(\.remote).count) / n
        #expect((0.04...0.17).contains(remote))
        // and the status history includes every status.
        let statuses = Set(demo.elders.flatMap { $0.statusHistory.map(\.status) })
        #expect(statuses == Set(ElderStatus.allCases))
        #expect(demo.elders.contains { $0.statusHistory.first!.date > demo.elders[0].statusHistory.first!.date })
    }

    @Test func everyVisitPassesTheFormValidator() {
        // Given the form definition, when every demo visit is validated, then none has an issue.
        let validator = FormValidator(form: form)
        var failures = 0
        var first = ""
        for v in demo.visits {
            let issues = validator.validate(v, today: today)
            if !issues.isEmpty {
                if failures == 0 { first = "\(v.at) \(v.method): \(issues.map { "\($0.fieldCode) \($0.messageKey)" })" }
                failures += 1
            }
        }
        #expect(failures == 0, "\(failures) invalid visits, first: \(first)")
        // Every applicable choice field is answered, not only the required ones.
        for v in demo.visits.prefix(500) {
            let fields = validator.applicableFields(method: v.method, answers: v.answers)
            for f in fields where f.kind != .text { #expect(v.answers[f.code] != nil, "\(f.code) missing") }
        }
    }

    @Test func visitsAreChronologicalAndOnlyInActivePeriods() {
        // Given the visits and the elders' status histories,
        let elders = Dictionary(uniqueKeysWithValues: demo.elders.map { ($0.id, $0) })
        #expect(zip(demo.visits, demo.visits.dropFirst()).allSatisfy { $0.at <= $1.at })
        #expect(Set(demo.visits.map(\.id)).count == demo.visits.count)
        var afterDeath: [Visit] = []
        for v in demo.visits {
            // then every visit is before today, by a known visitor, at a day-time,
            #expect(v.date < today)
            #expect((8...19).contains(v.at.hour))
            let e = elders[v.elderID]!
            #expect(v.visitorIDs.first == e.visitorID)
            // and falls on a day the elder was active, except the planted visit after a death.
            if e.status(on: v.date) != .active {
                #expect(e.status(on: v.date) == .deceased)
                afterDeath.append(v)
            }
        }
        #expect(afterDeath.count == 1)
        // About monthly: roughly one visit per active elder-month.
        let perElder = Double(demo.visits.count) / Double(demo.elders.count)
        #expect(perElder > 9 && perElder < 17)
    }

    @Test func findingsHaveRealisticSharesAndConsistentHelp() {
        // Given all visits,
        let n = Double(demo.visits.count)
        let hazards = demo.visits.filter { $0.answers[FieldCode.hasHazard] == .yesNo(true) }
        let home = demo.visits.filter { $0.method == .home }
        // then about 8% find a hazard, most are home visits, and some of each finding occur,
        #expect((0.05...0.12).contains(Double(hazards.count) / n))
        #expect((0.6...0.92).contains(Double(home.count) / n))
        #expect(Set(demo.visits.map(\.method)) == Set(VisitMethod.allCases))
        #expect(demo.visits.contains { $0.answers[FieldCode.obligations] == .choice(3) })
        #expect(demo.visits.contains { $0.answers[FieldCode.benefitsReceived] == .choice(2) })
        #expect(demo.visits.contains { $0.answers[FieldCode.needsMet] == .choice(2) || $0.answers[FieldCode.needsMet] == .choice(3) })
        // and the help given matches: protection for hazards, children notified for neglect.
        func given(_ v: Visit) -> [Int] { if case .choices(let c) = v.answers[FieldCode.helpGiven] { return c }; return [] }
        for v in hazards { #expect(given(v).contains(3)) }
        for v in demo.visits where v.answers[FieldCode.obligations] == .choice(3) { #expect(given(v).contains(4)) }
        for v in demo.visits where v.answers[FieldCode.emergency] == .yesNo(true) { #expect(given(v).contains(7)) }
        for v in demo.visits {
            let next = v.nextPlannedVisit
            #expect(next != nil && v.date.days(to: next!) >= 3 && v.date.days(to: next!) <= 33)
        }
    }

    @Test func closuresMatchTheFollowUpsTheRulesOpen() throws {
        // Given the real follow-up rules replayed over the demo visits,
        let rules = try FollowUpRules.load(resources: ResourceLocator.sourceCheckout, form: form)
        var opened: [UUID: (Visit, Set<FollowUpType>)] = [:]
        var total = 0
        for v in demo.visits {
            let types = Set(rules.followUps(for: v, ownerID: nil).map(\.type))
            total += types.count
            if !types.isEmpty { opened[v.id] = (v, types) }
        }
        let names = Dictionary(uniqueKeysWithValues: demo.visitors.map { ($0.id, $0.name) })
        let owners = Dictionary(uniqueKeysWithValues: demo.elders.map { ($0.id, $0.visitorID!) })
        // then every closure closes a follow-up the rules open, after it opened and before today,
        var seen = Set<String>()
        for c in demo.closures {
            let entry = try #require(opened[c.visitID])
            #expect(entry.1.contains(c.type))
            #expect(c.closedAt > entry.0.at && c.closedAt.date < today)
            #expect(!c.action.isEmpty && c.by == names[owners[entry.0.elderID]!])
            #expect(seen.insert("\(c.visitID)\(c.type)").inserted)
        }
        #expect(zip(demo.closures, demo.closures.dropFirst()).allSatisfy { $0.closedAt <= $1.closedAt })
        // most are closed, some stay open, a few are cancelled.
        #expect(Double(demo.closures.count) / Double(total) > 0.75)
        #expect(demo.closures.count < total)
        #expect(demo.closures.contains { $0.cancelled })
    }

    @Test func plantedFaultsAreThere() {
        // Given the demo ledger,
        let byElder = Dictionary(grouping: demo.visits, by: \.elderID)
        let active = demo.elders.filter { $0.status == .active }
        let closed = Set(demo.closures.map { "\($0.visitID)\($0.type)" })
        // then active elders exist with no visit for two months,
        #expect(active.filter { e in !(byElder[e.id] ?? []).contains { $0.date.days(to: today) <= 62 } }.count >= 2)
        // a recent emergency left open more than a day,
        #expect(demo.visits.contains { v in
            v.answers[FieldCode.emergency] == .yesNo(true) && v.date.days(to: today) >= 2
                && v.date.days(to: today) <= 5 && !closed.contains("\(v.id)\(FollowUpType.emergency)")
        })
        // a hazard left open past its week,
        #expect(demo.visits.contains { v in
            v.answers[FieldCode.hasHazard] == .yesNo(true) && v.date.days(to: today) > 8
                && !closed.contains("\(v.id)\(FollowUpType.hazardRectification)")
        })
        // a disabled elder living alone with no home visit for 30+ days and an open hazard,
        #expect(active.contains { e in
            let visits = byElder[e.id] ?? []
            return e.categories.isSuperset(of: [.disabled, .livingAlone])
                && !visits.contains { $0.method == .home && $0.date.days(to: today) <= 30 }
                && visits.contains { $0.answers[FieldCode.hasHazard] == .yesNo(true) && !closed.contains("\($0.id)\(FollowUpType.hazardRectification)") }
        })
        // a disabled elder visited only by phone for two months,
        #expect(active.contains { e in
            let recent = (byElder[e.id] ?? []).filter { $0.date.days(to: today) <= 62 }
            return e.categories.contains(.disabled) && recent.count >= 2 && recent.allSatisfy { $0.method == .phone }
        })
        // an elder whose last visits repeat the same five sections, marked as copies,
        let copier = demo.elders.first { e in (byElder[e.id] ?? []).filter { !$0.copiedSections.isEmpty }.count >= 3 }
        #expect(copier != nil)
        if let copier {
            let last = Array(byElder[copier.id]!.suffix(4))
            let sections = ["health", "economic", "family", "safety", "needs"]
            func five(_ v: Visit) -> [String: Answer] { v.answers.filter { sections.contains(String($0.key.split(separator: ".")[0])) } }
            #expect(last.dropFirst().allSatisfy { five($0) == five(last[0]) && $0.copiedSections == Set(sections) })
            #expect(last[0].copiedSections.isEmpty)
        }
        // and a severely disabled elder whose latest visit records no problem at all.
        #expect(active.contains { e in
            guard e.categories.contains(.severelyDisabled), let v = byElder[e.id]?.last else { return false }
            return v.answers[FieldCode.illness] == .choices([1]) && v.answers[FieldCode.mobility] == .choice(1)
                && v.answers[FieldCode.needs] == .choices([1]) && v.answers[FieldCode.hasHazard] == .yesNo(false)
        })
    }

    @Test func specialPeriodsCoverTodayAndTheLastSpringFestival() {
        // Given the special periods,
        let cold = demo.specialPeriods.first { $0.kind == .coldWave }
        let festival = demo.specialPeriods.first { $0.kind == .festival }
        // then a cold wave for 独居 and 失能 covers today with visits every 3 days,
        #expect(cold.map { $0.from <= today && today <= $0.to && $0.intervalDays == 3 } == true)
        #expect(cold?.categories == [.livingAlone, .disabled])
        // and the Spring Festival 2026 (17 February) lies in the past.
        #expect(festival.map { $0.to < today && $0.from <= LocalDate(year: 2026, month: 2, day: 17)! } == true)
        // Elders it covers were visited during the cold wave.
        let coldVisits = demo.visits.filter { cold!.from <= $0.date }
        #expect(!coldVisits.isEmpty)
    }

    @Test func streamBatchesMakeTheSameDataWhateverTheBatchBoundaries() {
        // Given the default demo as one piece and as a stream,
        let stream = DemoGenerator(seed: 2026).stream(elders: 300, months: 12, today: today)
        // then the stream's structure is the demo's,
        #expect(stream.places == demo.places && stream.visitors == demo.visitors && stream.users == demo.users)
        #expect(stream.specialPeriods == demo.specialPeriods && stream.elderCount == demo.elders.count)
        // and batches of any size, taken in any order, give the same elders, visits and closures.
        let whole = stream.batch(0..<stream.elderCount)
        #expect(whole.elders == demo.elders && whole.visits == demo.visits && whole.closures == demo.closures)
        for size in [1, 7, 64, 299] {
            let starts = Array(stride(from: 0, to: stream.elderCount, by: size)).reversed()
            let batches = starts.map { stream.batch($0..<($0 + size)) }.reversed()
            #expect(batches.flatMap(\.elders) == demo.elders, "batch size \(size)")
            let visits = batches.flatMap(\.visits)
            #expect(visits.count == demo.visits.count && Set(visits) == Set(demo.visits), "batch size \(size)")
            let closures = batches.flatMap(\.closures)
            #expect(closures.count == demo.closures.count && Set(closures) == Set(demo.closures), "batch size \(size)")
            // Within a batch, visits are chronological.
            for b in batches { #expect(zip(b.visits, b.visits.dropFirst()).allSatisfy { $0.at <= $1.at }) }
        }
    }

    @Test func visitAndFollowUpIdentifiersAscendInInsertionOrder() {
        // Given a stream taken in batches of consecutive elders, as a demo build inserts it,
        let stream = DemoGenerator(seed: 2026).stream(elders: 300, months: 12, today: today)
        let batches = stride(from: 0, to: stream.elderCount, by: 64).map { stream.batch($0..<($0 + 64)) }
        // then every visit of a batch sorts (as stored text) after every visit of the batches before,
        for (a, b) in zip(batches, batches.dropFirst()) {
            #expect(a.visits.map(\.id.uuidString).max()! < b.visits.map(\.id.uuidString).min()!)
        }
        // an elder's visits ascend in time order, and all are version-4 UUIDs with the RFC 4122 variant.
        let visits = batches.flatMap(\.visits)
        for (_, own) in Dictionary(grouping: visits, by: \.elderID) {
            #expect(zip(own, own.dropFirst()).allSatisfy { $0.id.uuidString < $1.id.uuidString })
        }
        #expect(visits.allSatisfy { $0.id.uuid.6 >> 4 == 4 && $0.id.uuid.8 >> 6 == 2 })
        // A follow-up's identifier follows its visit's, differs by type, and is a version-4 UUID too.
        for v in visits.prefix(500) {
            let ids = FollowUpType.allCases.map { DemoIDs.followUp(visit: v.id, type: $0) }
            #expect(Set(ids).count == ids.count)
            #expect(ids.allSatisfy { $0.uuidString.prefix(13) == v.id.uuidString.prefix(13) && $0.uuid.6 >> 4 == 4 && $0.uuid.8 >> 6 == 2 })
            #expect(ids == FollowUpType.allCases.map { DemoIDs.followUp(visit: v.id, type: $0) })
        }
    }

    @Test func aStreamRepeatsWithItsSeed() {
        // Given the same stream made twice, then a batch is the same, identifiers included.
        let a = DemoGenerator(seed: 5).stream(elders: 500, months: 6, today: today).batch(200..<260)
        let b = DemoGenerator(seed: 5).stream(elders: 500, months: 6, today: today).batch(200..<260)
        #expect(a == b)
        #expect(a.visits.map(\.id) == b.visits.map(\.id))
    }
}
