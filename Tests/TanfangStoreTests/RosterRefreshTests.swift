import Foundation
import Testing
import GRDB
import TanfangCore
@testable import TanfangStore

/// The roster index follows writes through the change log (migration "v3-roster-log") instead of
/// rebuilding; these tests check that the refreshed index answers exactly what a fresh build and
/// the SQL query answer.
@Suite("Roster index refresh from the change log")
struct RosterRefreshTests {
    static let today = RosterIndexTests.today

    /// Queries of every sort both ways, searches and filters.
    static func queries(_ data: DemoData, _ rng: inout SplitMix64) -> [RosterQuery] {
        var queries: [RosterQuery] = []
        for sort in RosterSort.allCases {
            for descending in [false, true] {
                queries.append(RosterQuery(status: nil, sort: sort, descending: descending, limit: 1000, today: today))
            }
        }
        let texts = RosterIndexTests.searches(data)
        for _ in 0..<8 {
            var q = RosterQuery(today: today)
            if rng.next(2) == 0 { q.search = texts[rng.next(texts.count)] }
            if rng.next(3) == 0 { q.risk = RiskLevel.allCases[rng.next(RiskLevel.allCases.count)] }
            if rng.next(3) == 0 { q.due = DueState.allCases[rng.next(DueState.allCases.count)] }
            if rng.next(3) == 0 { q.status = nil }
            q.sort = RosterSort.allCases[rng.next(RosterSort.allCases.count)]
            q.descending = rng.next(2) == 1
            q.limit = 50
            queries.append(q)
        }
        return queries
    }

    @Test(arguments: [UInt64(3), 8])
    func refreshedIndexEqualsAFreshBuild(seed: UInt64) throws {
        // Given a demo ledger whose roster index is built, with every sort order cached
        let (ledger, data) = try RosterIndexTests.demo(elders: 120)
        var rng = SplitMix64(seed: seed)
        for q in Self.queries(data, &rng) { _ = try ledger.roster(q) }
        let fixture = try Fixture()
        var renamed = 0
        for round in 0..<20 {
            // When a few elders are written: visits, edits, status changes, follow-ups closed,
            // and now and then a rename or a new elder (which need a rebuild)
            for _ in 0..<(1 + rng.next(3)) {
                let elder = data.elders[rng.next(data.elders.count)]
                guard let file = try ledger.elderFile(id: elder.id) else { continue }
                switch rng.next(6) {
                case 0, 1:
                    let method: VisitMethod = [.home, .phone][rng.next(2)]
                    var visit = fixture.visit(file.elder, on: Self.today.adding(days: -rng.next(90)), method: method)
                    if let latest = file.visits.first, rng.next(2) == 0 { visit.answers = latest.answers }
                    _ = try? ledger.saveVisit(visit, by: nil, today: Self.today)
                case 2:
                    var edited = file.elder
                    edited.phone = rng.next(2) == 0 ? nil : "139\(10_000_000 + rng.next(89_999_999))"
                    edited.categories = rng.next(2) == 0 ? [] : [TanfangCore.Category.allCases[rng.next(TanfangCore.Category.allCases.count)]]
                    edited.visitorID = rng.next(4) == 0 ? nil : data.visitors[rng.next(data.visitors.count)].id
                    if rng.next(3) == 0 { edited.riskOverride = RiskOverride(level: .high, reason: "测试") }
                    _ = try ledger.saveElder(edited, by: nil, today: Self.today)
                case 3:
                    let status: ElderStatus = file.elder.status == .active ? .hospitalized : .active
                    _ = try? ledger.changeStatus(elderID: elder.id, to: status, on: Self.today, note: nil, by: nil, today: Self.today)
                case 4:
                    if let open = file.followUps.first(where: { $0.status.isOpen }) {
                        _ = try ledger.closeFollowUp(id: open.id, closing: ClosingRecord(
                            action: "已处理", at: LocalDateTime(date: Self.today, hour: 9, minute: 0)!, by: "张网格"),
                            by: nil, today: Self.today)
                    }
                default:
                    if rng.next(8) == 0 {
                        var edited = file.elder
                        edited.name = rng.next(2) == 0 ? "欧阳" + edited.name : String(edited.name.dropFirst())
                        if !edited.name.isEmpty { _ = try ledger.saveElder(edited, by: nil, today: Self.today); renamed += 1 }
                    } else if rng.next(8) == 0 {
                        _ = try ledger.saveElder(Elder(name: "新来\(round)", villageID: file.elder.villageID,
                                                       statusHistory: []), by: nil, today: Self.today)
                    }
                }
            }
            // Then every query gives what SQL gives
            for q in Self.queries(data, &rng) {
                #expect(try ledger.roster(q) == ledger.rosterSQL(q), "round \(round): \(q)")
            }
            // And the refreshed index is the one a fresh build gives, order for order
            var cached = try #require(ledger.rosterCache.current)
            var fresh = try #require(try ledger.read { db in
                try RosterIndex.build(db, version: cached.version)
            })
            #expect(cached.count == fresh.count)
            for sort in RosterSort.allCases {
                for descending in [false, true] {
                    #expect(cached.order(sort, descending: descending) == fresh.order(sort, descending: descending),
                            "round \(round): \(sort) \(descending)")
                }
            }
            for q in Self.queries(data, &rng) {
                #expect(cached.select(q)?.ids == fresh.select(q)?.ids, "round \(round): \(q)")
            }
        }
        // And the log refreshed the index in several rounds (a round whose writes change no
        // roster column needs no refresh; renames and new elders need a rebuild)
        let counts = ledger.rosterCache.counts
        #expect(counts.refreshes >= 5, "\(counts), \(renamed) renamed")
    }

    @Test("A pruned log or an added elder makes the index rebuild, with the right answers")
    func fallbacks() throws {
        let (ledger, data) = try RosterIndexTests.demo(elders: 60)
        let q = RosterQuery(status: nil, sort: .lastVisit, descending: true, limit: 1000, today: Self.today)
        _ = try ledger.roster(q)
        let built = ledger.rosterCache.counts.builds
        // More logged changes than the index applies one by one: rebuilt
        try ledger.write { db in
            for _ in 0...RosterIndex.refreshLimit {
                try db.execute(sql: "UPDATE elder SET riskScore = riskScore + 1 WHERE id = ?", arguments: [data.elders[0].id.uuidString])
            }
        }
        #expect(try ledger.roster(q) == ledger.rosterSQL(q))
        #expect(ledger.rosterCache.counts.builds == built + 1)
        // The log keeps between 1,024 and 2,047 versions
        let logged = try ledger.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM rosterLog") ?? 0 }
        #expect((1024..<2048).contains(logged))
        // A changed place: rebuilt
        var village = try #require(try ledger.places().first { $0.level == .village })
        village.name = "改名村"
        try ledger.savePlace(village)
        #expect(try ledger.roster(q) == ledger.rosterSQL(q))
        #expect(ledger.rosterCache.counts.builds == built + 2)
        // One changed elder: refreshed
        try ledger.write { db in
            try db.execute(sql: "UPDATE elder SET lastVisitAt = NULL WHERE id = ?", arguments: [data.elders[1].id.uuidString])
        }
        #expect(try ledger.roster(q) == ledger.rosterSQL(q))
        #expect(ledger.rosterCache.counts.builds == built + 2)
    }
}
