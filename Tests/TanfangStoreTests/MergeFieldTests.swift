import Foundation
import GRDB
import Testing
import TanfangCore
@testable import TanfangStore

/// An elder both the township and the village changed since the village's copy was taken: merged
/// field by field against the version both know; only a field both changed differently conflicts.
@Suite("Merging an elder both ledgers changed")
struct MergeFieldTests {
    let idA = Fixture.idNumber(born: "19440512", sequence: "122")

    /// A township ledger with 王秀英 (空巢), and a village ledger copied from it.
    func pair() throws -> (town: FileLedger, village: Ledger, villagePath: String, id: UUID) {
        let town = try FileLedger(name: "town.sqlite")
        let id = try town.ledger.importRoster([town.row(2, "王秀英", id: idA, phone: "13912345678", categories: [.emptyNest])],
                                              source: "卫健", file: "a.csv", by: nil, today: town.today).touched[0]
        let villagePath = town.dir.appendingPathComponent("village.sqlite").path
        try town.ledger.backup(to: villagePath)
        return (town, try Ledger(path: villagePath, rules: Fixture.rules), villagePath, id)
    }

    @Test("The village records a death while the township corrects the phone: both kept, no conflict, and none next time")
    func differentFieldsAreBothKept() throws {
        let (town, village, villagePath, id) = try pair()
        let died = town.today
        try village.changeStatus(elderID: id, to: .deceased, on: died, note: "病故", by: nil, today: town.today)
        var elder = try #require(try village.elderFile(id: id)).elder
        elder.categories.insert(.livingAlone)
        try village.saveElder(elder, by: nil, today: town.today)
        var ours = try #require(try town.ledger.elderFile(id: id)).elder
        ours.phone = "13700002222"
        ours.categories.insert(.disabled)
        ours.disabilityDegree = .mild
        try town.ledger.saveElder(ours, by: nil, today: town.today)

        // When the township merges the village's ledger
        let first = try town.ledger.merge(from: villagePath, by: nil, today: town.today)

        // Then both changes are on the record, categories from both sides, and nothing conflicts
        #expect(first.conflicts.isEmpty && first.fieldMerged == ["elder": 1])
        let file = try #require(try town.ledger.elderFile(id: id))
        #expect(file.elder.phone == "13700002222" && file.elder.disabilityDegree == .mild)
        #expect(file.elder.status == .deceased && file.elder.statusHistory.last?.date == died)
        #expect(file.elder.categories == [.emptyNest, .livingAlone, .disabled])
        try MonthTallyTests.expectKept(town.ledger)
        // And the next merge of the same file changes nothing and reports nothing
        let second = try town.ledger.merge(from: villagePath, by: nil, today: town.today)
        #expect(second.conflicts.isEmpty && second.updated.isEmpty && second.fieldMerged.isEmpty)
        #expect(second.newerHere == ["elder": 1])
        #expect(try town.ledger.elderFile(id: id)?.elder == file.elder)
    }

    @Test("A category one side removed stays removed; the other side's addition is kept")
    func categoriesFollowBothSides() throws {
        let (town, village, villagePath, id) = try pair()
        var theirs = try #require(try village.elderFile(id: id)).elder
        theirs.categories = [.livingAlone]
        try village.saveElder(theirs, by: nil, today: town.today)
        var ours = try #require(try town.ledger.elderFile(id: id)).elder
        ours.address = "东村3组"
        try town.ledger.saveElder(ours, by: nil, today: town.today)
        let outcome = try town.ledger.merge(from: villagePath, by: nil, today: town.today)
        #expect(outcome.conflicts.isEmpty)
        let elder = try #require(try town.ledger.elderFile(id: id)).elder
        #expect(elder.categories == [.livingAlone] && elder.address == "东村3组")
    }

    @Test("A field both changed differently is a conflict naming the field with both values, masked; nothing of the record is taken")
    func sameFieldConflictsWithValues() throws {
        let (town, village, villagePath, id) = try pair()
        var theirs = try #require(try village.elderFile(id: id)).elder
        theirs.phone = "13800001111"
        theirs.address = "西头"
        try village.saveElder(theirs, by: nil, today: town.today)
        var ours = try #require(try town.ledger.elderFile(id: id)).elder
        ours.phone = "13700002222"
        try town.ledger.saveElder(ours, by: nil, today: town.today)
        let first = try town.ledger.merge(from: villagePath, by: nil, today: town.today)
        #expect(first.conflicts.count == 1)
        #expect(first.conflicts.first?.values == [MergeConflictValue(field: "phone", ours: "137****2222", theirs: "138****1111")])
        // Ours kept whole: their address waits with the conflict, reported again next time
        #expect(try town.ledger.elderFile(id: id)?.elder.address == nil)
        #expect(try town.ledger.elderFile(id: id)?.elder.phone == "13700002222")
        let second = try town.ledger.merge(from: villagePath, by: nil, today: town.today)
        #expect(second.conflicts == first.conflicts)
    }

    @Test("A record written without an audit row (a demo's) is still merged field by field, from the version both changes started from")
    func recordsWithoutAuditRows() throws {
        // Given the pair, but the elder's audit rows gone before the village's copy was taken
        let town = try FileLedger(name: "town.sqlite")
        let id = try town.ledger.importRoster([town.row(2, "王秀英", id: idA, phone: "13912345678")],
                                              source: "卫健", file: "a.csv", by: nil, today: town.today).touched[0]
        try town.ledger.write { db in try db.execute(sql: "DELETE FROM audit WHERE recordId = ?", arguments: [id.uuidString]) }
        let villagePath = town.dir.appendingPathComponent("village.sqlite").path
        try town.ledger.backup(to: villagePath)
        let village = try Ledger(path: villagePath, rules: Fixture.rules)
        // When the village records her death and the township corrects her phone
        try village.changeStatus(elderID: id, to: .deceased, on: town.today, note: nil, by: nil, today: town.today)
        var ours = try #require(try town.ledger.elderFile(id: id)).elder
        ours.phone = "13700002222"
        try town.ledger.saveElder(ours, by: nil, today: town.today)
        let outcome = try town.ledger.merge(from: villagePath, by: nil, today: town.today)
        // Then both are kept, nothing conflicts
        #expect(outcome.conflicts.isEmpty && outcome.fieldMerged == ["elder": 1], "\(outcome.conflicts)")
        let elder = try #require(try town.ledger.elderFile(id: id)).elder
        #expect(elder.phone == "13700002222" && elder.status == .deceased)
    }
}
