import Foundation
import GRDB
import Testing
import TanfangCore
@testable import TanfangStore

/// Combining two records of one person (`Ledger.combineElders`, `combineAll`), and merges after it.
@Suite("Combining two records of one person")
struct CombineTests {
    let idA = Fixture.idNumber(born: "19440512", sequence: "122")
    let idB = Fixture.idNumber(born: "19500306", sequence: "159")

    /// A township that imported the county's list (王秀英 in 东村, no phone) and then merged 西村's
    /// ledger, where she is registered with a phone, 独居, a visit that found a hazard: two records.
    struct Doubled {
        let town: FileLedger
        let west: FileLedger
        let county: UUID
        let village: UUID
        let visit: Visit
    }

    func doubled() throws -> Doubled {
        let town = try FileLedger(name: "town.sqlite")
        let county = try town.ledger.importRoster([town.row(2, "王秀英", id: idA, categories: [.emptyNest])],
                                                  source: "县名单", file: "county.csv", by: nil, today: town.today).touched[0]
        let west = try FileLedger(name: "west.sqlite", in: town.dir)
        let village = try west.ledger.importRoster([west.row(2, "王秀英", id: idA, phone: "13912345678",
                                                             categories: [.livingAlone], village: FileLedger.west)],
                                                   source: "村摸排", file: "west.csv", by: nil, today: town.today).touched[0]
        let elder = try #require(try west.ledger.elderFile(id: village)).elder
        let visit = try Fixture().visit(elder, on: town.today.adding(days: -3), answers: [FieldCode.hasHazard: .yesNo(true)])
        try west.ledger.saveVisit(visit, by: nil, today: town.today)
        _ = try town.ledger.merge(from: west.path, by: nil, today: town.today)
        return Doubled(town: town, west: west, county: county, village: village, visit: visit)
    }

    @Test("combineAll keeps the record with the visits, moves them, joins what the other knew, removes it into the audit trail")
    func combineAllFoldsTheCountyListIntoTheVillageRecord() throws {
        // Given a township with 王秀英 twice (the county list's record and the village's)
        let d = try doubled()
        let ledger = d.town.ledger
        #expect(try d.town.count("elder") == 2)
        #expect(try ledger.elderFile(id: d.county)?.duplicates.map(\.elder.id) == [d.village])
        #expect(try SharedDupKeyTableTests.keys(ledger) == ["i:" + idA])
        // And the red flag names the other record with its village, as the reference does
        let now = LocalDateTime(date: d.town.today, hour: 12, minute: 0)!
        let flag = try #require(try ledger.redFlags(today: d.town.today, now: now).first { $0.kind == .duplicatePerson && $0.elderID == d.county })
        #expect(flag.reasonArgs.last == "1")
        // (in the words of the reader's language: 、 and （） in Chinese, ", " and " ()" in English)
        let zh = try Strings.load(.zhHans, resources: ResourceLocator.sourceCheckout)
        let en = try Strings.load(.en, resources: ResourceLocator.sourceCheckout)
        #expect(flag.reason(zh).contains("王秀英（西村）"), "\(flag.reason(zh))")
        #expect(flag.reason(en).contains("as 王秀英 (西村) (same") && flag.reason(en).hasSuffix("; 1 other record"), "\(flag.reason(en))")
        #expect(try ledger.redFlagsReference(today: d.town.today, now: now).filter { $0.kind == .duplicatePerson }
                == (try ledger.redFlags(today: d.town.today, now: now)).filter { $0.kind == .duplicatePerson })

        // When a dry run is asked for first
        let dry = try ledger.combineAll(by: nil, today: d.town.today, dryRun: true)
        // Then it names the fold (the village's record kept: it has the visit) and writes nothing
        #expect(dry.map(\.kept.id) == [d.village] && dry.map(\.folded.id) == [d.county])
        #expect(try d.town.count("elder") == 2 && d.town.count("elderAlias") == 0)

        // When the township combines them
        let outcomes = try ledger.combineAll(by: nil, today: d.town.today)

        // Then one record is left, the village's, with the county list's category and source joined
        #expect(outcomes.count == 1 && outcomes[0].visits == 0)
        #expect(try d.town.count("elder") == 1)
        let file = try #require(try ledger.elderFile(id: d.village))
        #expect(file.elder.categories == [.livingAlone, .emptyNest])
        #expect(file.elder.sources == ["县名单", "村摸排"])
        #expect(file.elder.phone == "13912345678")
        // And its visit and follow-up stay with it, the summary counting them
        #expect(file.visits.map(\.id) == [d.visit.id] && file.summary.visitCount == 1)
        #expect(file.summary.openHazards == 1)
        #expect(file.duplicates.isEmpty)
        // And the village the two gave differently is listed, the kept record's value kept
        #expect(outcomes[0].differences == [.field("villageID")])
        #expect(outcomes[0].shownDifferences.map(\.kept) == ["西村"] && outcomes[0].shownDifferences.map(\.folded) == ["东村"])
        // And the county list's record is in the audit trail whole, and the alias remembers it
        let trail = try ledger.auditTrail(recordID: d.county)
        #expect(trail.last?.action == .delete && trail.last?.before?.contains("县名单") == true)
        #expect(try ledger.read { db in try Ledger.elderAliases(db) } == [d.county.uuidString: d.village.uuidString])
        // And no red flag says 疑似重复登记 any more; the derived tables are what a refill gives
        #expect(try SharedDupKeyTableTests.keys(ledger).isEmpty)
        #expect(try ledger.redFlags(today: d.town.today, now: LocalDateTime(date: d.town.today, hour: 12, minute: 0)!).allSatisfy { $0.kind != .duplicatePerson })
        let (kept, refilled) = try RedFlagTableTests.keptAndRefilled(ledger)
        #expect(kept == refilled)
        let flags = try ElderFlagTableTests.rows(ledger)
        try ledger.write { db in try ElderFlagTable.refill(db) }
        #expect(try ElderFlagTableTests.rows(ledger) == flags)
        try MonthTallyTests.expectKept(ledger)
        // And nothing is left to combine
        #expect(try ledger.combineAll(by: nil, today: d.town.today).isEmpty)
    }

    @Test("Two records with different ID numbers are two people: refused, nothing written")
    func differentIDNumbersAreRefused() throws {
        let town = try FileLedger(name: "town.sqlite")
        let ids = try town.ledger.importRoster([town.row(2, "王秀英", id: idA), town.row(3, "王秀英", id: idB)],
                                               source: nil, file: "a.csv", by: nil, today: town.today).touched
        #expect(throws: LedgerError.self) {
            try town.ledger.combineElders(keep: ids[0], fold: ids[1], by: nil, today: town.today)
        }
        #expect(throws: LedgerError.self) {
            try town.ledger.combineElders(keep: ids[0], fold: ids[0], by: nil, today: town.today)
        }
        #expect(try town.count("elder") == 2 && town.count("elderAlias") == 0)
    }

    @Test("A record without an ID number folds into the one with it: the number and the visits kept, listed as a possible duplicate first")
    func recordWithoutIDNumber() throws {
        let fixture = try Fixture()
        let born = LocalDate(year: 1944, month: 5, day: 12)!
        let numbered = try fixture.ledger.saveElder(fixture.elder("王秀英", born: born, idNumber: idA), by: nil, today: fixture.today)
        let bare = try fixture.ledger.saveElder(fixture.elder("王秀英", born: born, phone: "13900001111"), by: nil,
                                                today: fixture.today)
        try fixture.ledger.saveVisit(fixture.visit(bare), by: nil, today: fixture.today)
        // The file of each names the other
        #expect(try fixture.ledger.elderFile(id: numbered.id)?.duplicates.map(\.elder.id) == [bare.id])
        #expect(try fixture.ledger.elderFile(id: bare.id)?.duplicates.map(\.elder.id) == [numbered.id])
        #expect(try fixture.ledger.elderFile(id: bare.id)?.duplicates.first?.visitCount == 0)
        // When the one without a number is folded into the numbered one
        let outcome = try fixture.ledger.combineElders(keep: numbered.id, fold: bare.id, by: nil, today: fixture.today)
        // Then the kept record has the phone and the visit
        #expect(outcome.visits == 1 && outcome.differences.isEmpty)
        let file = try #require(try fixture.ledger.elderFile(id: numbered.id))
        #expect(file.elder.idNumber == idA && file.elder.phone == "13900001111" && file.visits.count == 1)
        // And the folded record's file is the kept one's; a sheet typed for it meanwhile goes there
        #expect(try fixture.ledger.elderFile(id: bare.id)?.elder.id == numbered.id)
        try fixture.ledger.saveVisit(fixture.visit(bare, on: fixture.today.adding(days: -1)), by: nil, today: fixture.today)
        #expect(try fixture.ledger.elderFile(id: numbered.id)?.visits.count == 2)
    }

    @Test("A sheet put aside for the folded record follows it to the kept one; one person's sheets for both records hold the combine back")
    func draftsFollow() throws {
        let f = try Fixture()
        let born = LocalDate(year: 1944, month: 5, day: 12)!
        let a = try f.ledger.saveElder(f.elder("王秀英", born: born, idNumber: idA), by: nil, today: f.today)
        let b = try f.ledger.saveElder(f.elder("王秀英", born: born), by: nil, today: f.today)
        let c = try f.ledger.saveElder(f.elder("王秀英", born: born), by: nil, today: f.today)
        let clerk = try f.ledger.saveUser(User(name: "文书", role: .clerk, areaID: f.village1.id, pinHash: ""), pin: "2468")
        let other = try f.ledger.saveUser(User(name: "文书二", role: .clerk, areaID: f.village1.id, pinHash: ""), pin: "2468")
        try f.ledger.saveDraft(userID: clerk.id, key: "visit." + b.id.uuidString, json: "{\"elderID\":\"\(b.id.uuidString)\"}")
        try f.ledger.saveDraft(userID: other.id, key: "visit." + a.id.uuidString, json: "{\"a\":1}")
        try f.ledger.saveDraft(userID: other.id, key: "visit." + c.id.uuidString, json: "{\"c\":1}")
        // When b is folded into a
        _ = try f.ledger.combineElders(keep: a.id, fold: b.id, by: nil, today: f.today)
        // And c too: refused while the other clerk has a sheet put aside for both a and c, naming her
        #expect {
            try f.ledger.combineElders(keep: a.id, fold: c.id, by: nil, today: f.today)
        } throws: { error in
            (error as? LedgerError).map { if case .invalidField(_, "store.error.combineDrafts", let args) = $0 { args == ["文书二", "王秀英"] } else { false } } ?? false
        }
        // Then the clerk's sheet for b is hers for a; the other's sheets stay as they were
        // (the sheet inside it names the kept record too)
        #expect(try f.ledger.draft(userID: clerk.id, key: "visit." + a.id.uuidString) == "{\"elderID\":\"\(a.id.uuidString)\"}")
        #expect(try f.ledger.draft(userID: other.id, key: "visit." + a.id.uuidString) == "{\"a\":1}")
        #expect(try f.ledger.draft(userID: other.id, key: "visit." + c.id.uuidString) == "{\"c\":1}")
        #expect(try f.ledger.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM draft") } == 3)
    }

    @Test("A village's later visit to a record the township folded goes to the kept record; merging again changes nothing; a later edit there is reported")
    func mergeAfterCombiningHere() throws {
        // Given the doubled township, which keeps the county list's record this time
        let d = try doubled()
        let ledger = d.town.ledger
        _ = try ledger.combineElders(keep: d.county, fold: d.village, by: nil, today: d.town.today)
        #expect(try ledger.elderFile(id: d.county)?.visits.map(\.id) == [d.visit.id])
        // And the village, which knows nothing of it, visits her again
        let elder = try #require(try d.west.ledger.elderFile(id: d.village)).elder
        let second = try Fixture().visit(elder, on: d.town.today.adding(days: -1))
        try d.west.ledger.saveVisit(second, by: nil, today: d.town.today)

        // When the township merges the village's ledger, twice
        let first = try ledger.merge(from: d.west.path, by: nil, today: d.town.today)
        let counts = try (Ledger.mergeTables + ["elderAlias"]).map { try d.town.count($0) }
        let again = try ledger.merge(from: d.west.path, by: nil, today: d.town.today)

        // Then the new visit is on the kept record, and the folded one did not come back
        #expect(first.inserted["visit"] == 1 && first.inserted["elder"] == nil && first.conflicts.isEmpty)
        #expect(first.combinedHere == 0)
        #expect(try d.town.count("elder") == 1)
        let file = try #require(try ledger.elderFile(id: d.county))
        #expect(Set(file.visits.map(\.id)) == [d.visit.id, second.id] && file.summary.visitCount == 2)
        #expect(again.insertedTotal == 0 && again.updatedTotal == 0 && again.conflicts.isEmpty)
        #expect(try (Ledger.mergeTables + ["elderAlias"]).map { try d.town.count($0) } == counts)
        try MonthTallyTests.expectKept(ledger)

        // When the village then corrects her phone on its record and the township merges
        var edited = elder
        edited.phone = "13800001111"
        try d.west.ledger.saveElder(edited, by: nil, today: d.town.today)
        let third = try ledger.merge(from: d.west.path, by: nil, today: d.town.today)
        // Then the kept record takes it (it held the phone the folded one had), and nothing comes back
        #expect(third.conflicts.isEmpty && third.combinedHere == 1, "\(third.conflicts)")
        #expect(try ledger.elderFile(id: d.county)?.elder.phone == "13800001111")
        #expect(try d.town.count("elder") == 1)
        #expect(try ledger.merge(from: d.west.path, by: nil, today: d.town.today).combinedHere == 0)

        // When the township gives her another number, and the village corrects its own again
        var ours = try #require(try ledger.elderFile(id: d.county)).elder
        ours.phone = "13700002222"
        try ledger.saveElder(ours, by: nil, today: d.town.today)
        edited.phone = "13600003333"
        try d.west.ledger.saveElder(edited, by: nil, today: d.town.today)
        let fourth = try ledger.merge(from: d.west.path, by: nil, today: d.town.today)
        // Then it is a conflict naming the field and both values, reported again on the next merge
        #expect(fourth.conflicts.map(\.values) == [[MergeConflictValue(field: "phone", ours: "137****2222", theirs: "136****3333")]])
        #expect(fourth.conflicts.first?.label == "王秀英")
        #expect(try ledger.merge(from: d.west.path, by: nil, today: d.town.today).conflicts == fourth.conflicts)
        // Until the township takes the village's number: then nothing is left to say
        ours.phone = "13600003333"
        try ledger.saveElder(ours, by: nil, today: d.town.today)
        let settled = try ledger.merge(from: d.west.path, by: nil, today: d.town.today)
        #expect(settled.conflicts.isEmpty)
        #expect(try ledger.merge(from: d.west.path, by: nil, today: d.town.today).conflicts.isEmpty)
    }

    @Test("A ledger that merged the township before it combined folds the same records when it merges the township again")
    func combinationTravelsUp() throws {
        // Given the doubled township, and the county's copy of it with both records
        let d = try doubled()
        let countyPath = d.town.dir.appendingPathComponent("county.sqlite").path
        try d.town.ledger.backup(to: countyPath)
        let county = try Ledger(path: countyPath, rules: Fixture.rules)
        #expect(try county.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM elder") } == 2)
        // When the township combines them and the county merges the township's ledger, twice
        _ = try d.town.ledger.combineAll(by: nil, today: d.town.today)
        let first = try county.merge(from: d.town.path, by: nil, today: d.town.today)
        let second = try county.merge(from: d.town.path, by: nil, today: d.town.today)
        // Then the county has one record, the one the township kept, with everything on it
        #expect(first.combined == 1 && first.conflicts.isEmpty)
        #expect(try county.read { db in try String.fetchAll(db, sql: "SELECT id FROM elder") } == [d.village.uuidString])
        let theirs = try #require(try d.town.ledger.elderFile(id: d.village))
        let ours = try #require(try county.elderFile(id: d.village))
        #expect(ours.elder == theirs.elder && ours.visits == theirs.visits && ours.summary == theirs.summary)
        #expect(second.combined == 0 && second.insertedTotal == 0 && second.updatedTotal == 0 && second.conflicts.isEmpty, "\(second)")
        try MonthTallyTests.expectKept(county)
    }

    @Test("A ledger that combined the same two records the other way round merges: ours stays kept, their new visit comes to it")
    func combinedTheOtherWayRound() throws {
        // Given the doubled township, and a copy of it (both records) that another office works on
        let d = try doubled()
        let otherPath = d.town.dir.appendingPathComponent("other.sqlite").path
        try d.town.ledger.backup(to: otherPath)
        let other = try Ledger(path: otherPath, rules: Fixture.rules)
        // When the township keeps the village's record, and the other keeps the county list's and visits her
        _ = try d.town.ledger.combineElders(keep: d.village, fold: d.county, by: nil, today: d.town.today)
        _ = try other.combineElders(keep: d.county, fold: d.village, by: nil, today: d.town.today)
        let elder = try #require(try other.elderFile(id: d.county)).elder
        let visit = try Fixture().visit(elder, on: d.town.today.adding(days: -1))
        try other.saveVisit(visit, by: nil, today: d.town.today)
        // And the township merges the other's file, twice
        let first = try d.town.ledger.merge(from: otherPath, by: nil, today: d.town.today)
        let second = try d.town.ledger.merge(from: otherPath, by: nil, today: d.town.today)
        // Then one record is left, the township's choice, with both visits; nothing conflicts
        #expect(try d.town.ledger.read { db in try String.fetchAll(db, sql: "SELECT id FROM elder") } == [d.village.uuidString])
        let file = try #require(try d.town.ledger.elderFile(id: d.village))
        #expect(Set(file.visits.map(\.id)) == [d.visit.id, visit.id])
        #expect(first.conflicts.isEmpty && first.combined == 0)
        #expect(second.insertedTotal == 0 && second.updatedTotal == 0 && second.conflicts.isEmpty)
        #expect(try d.town.ledger.read { db in try Ledger.elderAliases(db) } == [d.county.uuidString: d.village.uuidString])
        try MonthTallyTests.expectKept(d.town.ledger)
    }

    @Test("Keeping the county list's record keeps the earlier registration: the months of the village's visits still count her")
    func theEarlierRegistrationIsKept() throws {
        let f = try Fixture()
        let born = LocalDate(year: 1944, month: 5, day: 12)!
        // Given the village's record since 2025-01-01 with a visit in October, and the county list's since today
        let village = try f.ledger.saveElder(f.elder("王秀英", born: born, activeSince: LocalDate(year: 2025, month: 1, day: 1)),
                                             by: nil, today: f.today)
        try f.ledger.saveVisit(f.visit(village, on: LocalDate(year: 2026, month: 10, day: 9)), by: nil, today: f.today)
        let county = try f.ledger.saveElder(f.elder("王秀英", born: born, idNumber: idA, activeSince: f.today),
                                            by: nil, today: f.today)
        let october = YearMonth(year: 2026, month: 10)!
        let before = try f.ledger.monthlyReport(month: october, scope: .everything)
        // When the county list's record is kept
        _ = try f.ledger.combineElders(keep: county.id, fold: village.id, by: nil, today: f.today)
        // Then she is registered from the village's day, and October's figures are what they were
        let elder = try #require(try f.ledger.elderFile(id: county.id)).elder
        #expect(elder.statusHistory.map(\.date) == [LocalDate(year: 2025, month: 1, day: 1)!])
        #expect(try f.ledger.monthlyReport(month: october, scope: .everything) == before)
        try MonthTallyTests.expectKept(f.ledger)
    }

    @Test("What combineAll leaves is counted: pairs across the area's edge, and pairs without ID numbers")
    func leftoversAreCounted() throws {
        let f = try Fixture()
        let born = LocalDate(year: 1938, month: 5, day: 6)!
        _ = try f.ledger.saveElder(f.elder("马建国", born: born), by: nil, today: f.today)
        _ = try f.ledger.saveElder(f.elder("马建国", born: born), by: nil, today: f.today)
        let east = try f.ledger.saveElder(f.elder("王秀英", idNumber: idA), by: nil, today: f.today)
        var west = f.elder("王秀英", village: f.village2)
        west.idNumber = idA
        try f.ledger.write { db in
            var record = ElderRecord(west, summary: ElderSummary(elderID: west.id, risk: RiskAssessment(level: .low, score: 0, reasons: []),
                                                                  computedOn: f.today))
            record.stamp(at: "2026-11-23T00:00:00.000Z", by: nil, old: nil)
            try record.insert(db)
        }
        #expect(try f.ledger.combineAll(villages: [f.village1.id], by: nil, today: f.today).isEmpty)
        let left = try f.ledger.combineLeftovers(villages: [f.village1.id])
        #expect(left.outsideArea == ["王秀英（东村）"] && left.withoutIDNumber == 1 && left.heldByDrafts.isEmpty)
        let all = try f.ledger.combineAll(by: nil, today: f.today)
        #expect(all.count == 1 && Set([all[0].kept.id, all[0].folded.id]) == [east.id, west.id])
        let after = try f.ledger.combineLeftovers(villages: nil)
        #expect(after.outsideArea.isEmpty && after.withoutIDNumber == 1)
    }

    @Test("combineAll leaves a pair one person has sheets put aside for, and names it; a sheet saved after the combine leaves no draft behind")
    func draftsHoldCombineAllBack() throws {
        let d = try doubled()
        let ledger = d.town.ledger
        let clerk = try ledger.saveUser(User(name: "文书", role: .clerk, areaID: FileLedger.east.id, pinHash: ""), pin: "2468")
        try ledger.saveDraft(userID: clerk.id, key: "visit." + d.county.uuidString, json: "{}")
        try ledger.saveDraft(userID: clerk.id, key: "visit." + d.village.uuidString, json: "{}")
        #expect(try ledger.combineAll(by: nil, today: d.town.today).isEmpty)
        #expect(try ledger.combineLeftovers(villages: nil).heldByDrafts == ["王秀英（东村）"])
        #expect(try d.town.count("elder") == 2)
        // When she discards one, the next run combines them; her other sheet, typed on the county
        // list's record, is saved after it and leaves no draft
        try ledger.deleteDraft(userID: clerk.id, key: "visit." + d.village.uuidString)
        let elder = try #require(try ledger.elderFile(id: d.county)).elder
        let sheet = try Fixture().visit(elder, on: d.town.today)
        try ledger.saveDraft(userID: clerk.id, key: "visit." + d.county.uuidString, json: "{\"visitID\":\"\(sheet.id.uuidString)\"}")
        #expect(try ledger.combineAll(by: nil, today: d.town.today).map(\.kept.id) == [d.village])
        try ledger.saveVisit(sheet, by: clerk.id, today: d.town.today)
        // (the sheet deletes its draft by the key it was typed under, the county list's record's)
        try ledger.deleteDraft(userID: clerk.id, key: "visit." + d.county.uuidString)
        #expect(try d.town.count("draft") == 0)
        #expect(try ledger.elderFile(id: d.village)?.visits.map(\.id).contains(sheet.id) == true)
    }

    @Test("Two records each with an open need referral give one: the first opened takes both details, the other is closed into it")
    func referralsStayOnePerElder() throws {
        let f = try Fixture()
        let born = LocalDate(year: 1944, month: 5, day: 12)!
        let a = try f.ledger.saveElder(f.elder("王秀英", born: born, idNumber: idA), by: nil, today: f.today)
        let b = try f.ledger.saveElder(f.elder("王秀英", born: born), by: nil, today: f.today)
        for (elder, need, hour) in [(a, 2, 9), (b, 3, 10)] {
            var v = f.visit(elder, answers: [FieldCode.needs: .choices([need]), FieldCode.needsMet: .choice(2)])
            v.at = LocalDateTime(date: f.today, hour: hour, minute: 0)!
            try f.ledger.saveVisit(v, by: nil, today: f.today)
        }
        let details = try [a, b].map { try #require(try f.ledger.elderFile(id: $0.id)?.followUps.first { $0.type == .referral }).detail }
        _ = try f.ledger.combineElders(keep: a.id, fold: b.id, by: nil, today: f.today)
        let referrals = try #require(try f.ledger.elderFile(id: a.id)).followUps.filter { $0.type == .referral }
        let open = referrals.filter(\.status.isOpen)
        #expect(open.count == 1 && open[0].detail == details[0] + "；" + details[1])
        let closed = try #require(referrals.first { !$0.status.isOpen })
        #expect(closed.status == .cancelled && closed.closing?.action == "与同一老人的另一项合并（合并重复档案）")
        let (kept, refilled) = try RedFlagTableTests.keptAndRefilled(f.ledger)
        #expect(kept == refilled)
    }

    @Test("A village's edit to a folded record written without audit rows (a demo's) still comes onto the kept record")
    func foldedRecordWithoutAuditRows() throws {
        let d = try doubled()
        for ledger in [d.town.ledger, d.west.ledger] {
            try ledger.write { db in try db.execute(sql: "DELETE FROM audit WHERE recordId = ?", arguments: [d.village.uuidString]) }
        }
        _ = try d.town.ledger.combineElders(keep: d.county, fold: d.village, by: nil, today: d.town.today)
        var edited = try #require(try d.west.ledger.elderFile(id: d.village)).elder
        edited.phone = "13655556666"
        try d.west.ledger.saveElder(edited, by: nil, today: d.town.today)
        let outcome = try d.town.ledger.merge(from: d.west.path, by: nil, today: d.town.today)
        #expect(outcome.conflicts.isEmpty && outcome.combinedHereNames == ["王秀英"], "\(outcome.conflicts)")
        #expect(try d.town.ledger.elderFile(id: d.county)?.elder.phone == "13655556666")
    }
}
