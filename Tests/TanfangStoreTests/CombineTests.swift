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
        #expect(try fixture.ledger.elderFile(id: bare.id) == nil)
    }

    @Test("A sheet put aside for the folded record follows it to the kept one, unless one is kept for that record already")
    func draftsFollow() throws {
        let f = try Fixture()
        let born = LocalDate(year: 1944, month: 5, day: 12)!
        let a = try f.ledger.saveElder(f.elder("王秀英", born: born, idNumber: idA), by: nil, today: f.today)
        let b = try f.ledger.saveElder(f.elder("王秀英", born: born), by: nil, today: f.today)
        let c = try f.ledger.saveElder(f.elder("王秀英", born: born), by: nil, today: f.today)
        let clerk = try f.ledger.saveUser(User(name: "文书", role: .clerk, areaID: f.village1.id, pinHash: ""), pin: "2468")
        let other = try f.ledger.saveUser(User(name: "文书二", role: .clerk, areaID: f.village1.id, pinHash: ""), pin: "2468")
        try f.ledger.saveDraft(userID: clerk.id, key: "visit." + b.id.uuidString, json: "{\"b\":1}")
        try f.ledger.saveDraft(userID: other.id, key: "visit." + a.id.uuidString, json: "{\"a\":1}")
        try f.ledger.saveDraft(userID: other.id, key: "visit." + c.id.uuidString, json: "{\"c\":1}")
        // When b and then c are folded into a
        _ = try f.ledger.combineElders(keep: a.id, fold: b.id, by: nil, today: f.today)
        _ = try f.ledger.combineElders(keep: a.id, fold: c.id, by: nil, today: f.today)
        // Then the clerk's sheet for b is hers for a; the other's sheet for a stays, the one for c goes
        #expect(try f.ledger.draft(userID: clerk.id, key: "visit." + a.id.uuidString) == "{\"b\":1}")
        #expect(try f.ledger.draft(userID: other.id, key: "visit." + a.id.uuidString) == "{\"a\":1}")
        #expect(try f.ledger.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM draft") } == 2)
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
        #expect(first.combinedHere >= 2)
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
        // Then it is reported (the change is not on the kept record), and still nothing comes back
        #expect(third.conflicts.map(\.columns) == [["combined"]] && third.conflicts.first?.label == "王秀英")
        #expect(try d.town.count("elder") == 1)
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
        #expect(second.combined == 0 && second.insertedTotal == 0 && second.updatedTotal == 0 && second.conflicts.isEmpty)
        try MonthTallyTests.expectKept(county)
    }
}
