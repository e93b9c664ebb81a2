import Foundation
import Testing
import GRDB
import TanfangCore
@testable import TanfangStore

/// Saving a new latest visit extends the stored summary instead of reading the elder's whole
/// history; these tests check that every summary and derived column is what the full
/// recomputation (`refreshSummary` from every visit) gives.
@Suite("Incremental summary on save equals the full recomputation")
struct IncrementalSummaryTests {
    static let today = LocalDate(year: 2026, month: 11, day: 23)!

    static func row(_ ledger: Ledger, _ id: UUID) throws -> Row? {
        let columns = (ElderRecord.summaryColumns + ElderRecord.flagColumns).joined(separator: ", ")
        return try ledger.read { db in
            try Row.fetchOne(db, sql: "SELECT \(columns) FROM elder WHERE id = ?", arguments: [id.uuidString])
        }
    }

    /// The elder's stored summary equals the one recomputed from every visit.
    func expectFull(_ ledger: Ledger, _ id: UUID, _ comment: Comment, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let written = try Self.row(ledger, id)
        try ledger.write { db in
            var record = try #require(try ElderRecord.fetchOne(db, key: id.uuidString))
            try ledger.refreshSummary(db, record: &record, elder: try record.elder(), today: Self.today)
        }
        #expect(written == (try Self.row(ledger, id)), comment, sourceLocation: sourceLocation)
    }

    @Test(arguments: [UInt64(4), 17])
    func randomSavesMatchTheFullRecomputation(seed: UInt64) throws {
        // Given a demo ledger
        let data = DemoGenerator(seed: seed).generate(elders: 50, months: 6, today: Self.today)
        let ledger = try Ledger.inMemory(rules: Fixture.rules)
        try ledger.importDemo(data, today: Self.today)
        let fixture = try Fixture()
        var rng = SplitMix64(seed: seed)
        var saved: [Visit] = []
        var incremental = 0
        var kinds: Set<String> = []
        // When visits are saved in random order: new latest ones (copies of the latest answers,
        // of older answers, fresh answers, same minute as the latest), back-dated ones and edits
        for step in 0..<160 {
            let elder = data.elders[rng.next(data.elders.count)]
            guard let file = try ledger.elderFile(id: elder.id) else { continue }
            let latest = file.visits.first
            var visit: Visit
            let kind = rng.next(8)
            switch kind {
            case 0, 1:
                // The latest visit's answers again, later: the identical streak grows.
                guard let latest else { continue }
                visit = latest
                visit.id = UUID()
                visit.at = LocalDateTime(date: min(latest.at.date.adding(days: 1 + rng.next(20)), Self.today),
                                         hour: 9 + rng.next(8), minute: rng.next(60))!
            case 2:
                // Some older visit's answers, or the fixture's, as the new latest visit.
                let method: VisitMethod = [.home, .phone, .video][rng.next(3)]
                let answers = file.visits.isEmpty || rng.next(2) == 0
                    ? fixture.answers(method: method) : file.visits[rng.next(file.visits.count)].answers
                visit = Visit(elderID: elder.id, at: LocalDateTime(date: Self.today.adding(days: -rng.next(3)),
                                                                   hour: 8 + rng.next(10), minute: rng.next(60))!,
                              visitorIDs: [elder.visitorID ?? fixture.visitor1.id], method: method,
                              seenInPerson: method == .home, answers: answers)
            case 3:
                // At the same minute as the latest visit: the id decides which is the latest.
                guard let latest else { continue }
                visit = latest
                visit.id = UUID()
                if rng.next(2) == 0 { visit.method = visit.method == .home ? .phone : .home }
            case 4:
                // Back-dated, before the latest visit.
                guard let latest, let oldest = file.visits.last else { continue }
                let span = max(oldest.at.date.days(to: latest.at.date), 1)
                visit = file.visits[rng.next(file.visits.count)]
                visit.id = UUID()
                visit.at = LocalDateTime(date: oldest.at.date.adding(days: rng.next(span)), hour: 7, minute: rng.next(60))!
            case 5:
                // An edit of a saved visit (or of a demo one).
                guard let old = (saved.isEmpty || rng.next(2) == 0 ? file.visits.randomElement(using: &rng)
                                 : saved.randomElement(using: &rng)) else { continue }
                visit = old
                if rng.next(2) == 0, let latest { visit.answers = latest.answers }
                if rng.next(3) == 0 { visit.at = LocalDateTime(date: visit.at.date, hour: 6, minute: step % 60)! }
            case 6:
                // A home visit that did not find the elder, latest or back-dated: no visit for the summary.
                visit = Visit(elderID: elder.id, at: LocalDateTime(date: Self.today.adding(days: -rng.next(40)),
                                                                   hour: 8 + rng.next(10), minute: rng.next(60))!,
                              visitorIDs: [elder.visitorID ?? fixture.visitor1.id], method: .home, seenInPerson: false)
            default:
                // Another write between saves: close a follow-up or change the status.
                if let open = file.followUps.first(where: { $0.status.isOpen }), rng.next(2) == 0 {
                    _ = try ledger.closeFollowUp(id: open.id, closing: ClosingRecord(action: "已处理", at: file.visits.first?.at
                                                 ?? LocalDateTime(date: Self.today, hour: 12, minute: 0)!, by: "张网格"),
                                                 by: nil, today: Self.today)
                    kinds.insert("close")
                    try expectFull(ledger, elder.id, "close")
                } else if file.elder.status == .active, rng.next(4) == 0 {
                    _ = try ledger.changeStatus(elderID: elder.id, to: .hospitalized, on: Self.today,
                                                note: nil, by: nil, today: Self.today)
                    kinds.insert("status")
                    try expectFull(ledger, elder.id, "status")
                }
                continue
            }
            let before = try Self.row(ledger, elder.id)
            let quick = ledger.summaryCounts.incremental.load(ordering: .relaxed)
            do {
                _ = try ledger.saveVisit(visit, by: nil, today: Self.today)
            } catch LedgerError.invalidVisit {
                // A refused visit writes nothing.
                #expect(try Self.row(ledger, elder.id) == before)
                continue
            }
            kinds.insert("\(kind)")
            saved.append(visit)
            if ledger.summaryCounts.incremental.load(ordering: .relaxed) > quick { incremental += 1 }
            // Then the stored summary is the one the whole history gives
            try expectFull(ledger, elder.id, "step \(step), kind \(kind), elder \(elder.name)")
        }
        // And the saves took both paths, of every kind
        #expect(incremental > 10)
        #expect(kinds.isSuperset(of: ["0", "2", "3", "4", "5", "6"]), "\(kinds)")
    }

    @Test("The digest extended by a new latest visit equals the digest of the whole history")
    func digestAppending() throws {
        let data = DemoGenerator(seed: 5).generate(elders: 40, months: 8, today: Self.today)
        let derivation = Fixture.rules.derivation
        for elder in data.elders {
            let visits = Ledger.chronological(data.visits.filter { $0.elderID == elder.id })
            var digest = derivation.digest([])
            for (i, visit) in visits.enumerated() {
                digest = derivation.digest(digest, appending: visit)
                #expect(digest == derivation.digest(Array(visits[...i])))
            }
        }
    }
}
