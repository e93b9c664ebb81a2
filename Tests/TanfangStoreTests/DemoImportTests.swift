import Foundation
import Testing
import TanfangCore
@testable import TanfangStore

@Suite("Demo import")
struct DemoImportTests {
    static let today = LocalDate(year: 2026, month: 11, day: 23)!

    @Test("The demo imports whole: follow-ups replayed, closures applied, summaries as a full recompute gives")
    func importDemo() throws {
        // Given the default demo (300 elders, 12 months)
        let data = DemoGenerator(seed: 7).generate(today: Self.today)
        let ledger = try Ledger.inMemory(rules: Fixture.rules)
        // When it is imported
        try ledger.importDemo(data, today: Self.today)

        // Then every elder and visit is there
        let roster = try ledger.roster(RosterQuery(status: nil, limit: 10_000, today: Self.today))
        #expect(roster.total == data.elders.count)
        let visitCount = roster.rows.reduce(0) { $0 + $1.summary.visitCount }
        #expect(visitCount == data.visits.count)
        // And the closures closed follow-ups, leaving some open (the planted overdue ones)
        let all = try ledger.followUps(FollowUpQuery(includeClosed: true), now: LocalDateTime(date: Self.today, hour: 12, minute: 0)!)
        let closed = all.filter { !$0.followUp.status.isOpen }
        #expect(closed.count == data.closures.count)
        #expect(closed.allSatisfy { $0.followUp.closing != nil })
        #expect(all.count > closed.count)

        // And the summaries computed once at the end equal a per-elder recompute
        let before = Dictionary(uniqueKeysWithValues: roster.rows.map { ($0.elder.id, $0.summary) })
        try ledger.refreshSummaries(today: Self.today)
        let after = try ledger.roster(RosterQuery(status: nil, limit: 10_000, today: Self.today)).rows
        for row in after { #expect(row.summary == before[row.elder.id], "summary of \(row.elder.name)") }

        // And the demo log-ins work with their PINs
        let admin = try #require(data.users.first { $0.user.role == .admin })
        #expect(try ledger.verifyPIN(userName: admin.user.name, pin: admin.pin)?.id == admin.user.id)

        // And the planted faults are stored as generated, for the red-flag list to find
        let flags = try ledger.redFlags(today: Self.today, now: LocalDateTime(date: Self.today, hour: 12, minute: 0)!)
        let kinds = Set(flags.map(\.kind))
        #expect(kinds.contains(.invalidIDNumber))
        #expect(kinds.contains(.missingIDNumber))
        #expect(kinds.contains(.followUpOverdue))
    }

    @Test("A closure that matches no follow-up is refused and nothing is written")
    func unmatchedClosure() throws {
        var data = DemoGenerator(seed: 7).generate(elders: 20, months: 2, today: Self.today)
        data.closures.append(DemoClosure(visitID: UUID(), type: .referral,
                                         closedAt: LocalDateTime(date: Self.today, hour: 9, minute: 0)!,
                                         action: "已转介", by: "张伟", cancelled: false))
        let ledger = try Ledger.inMemory(rules: Fixture.rules)
        #expect {
            try ledger.importDemo(data, today: Self.today)
        } throws: { ($0 as? LedgerError)?.field == "closures" }
        #expect(try ledger.places().isEmpty)
    }
}
