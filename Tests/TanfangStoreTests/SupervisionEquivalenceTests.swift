import Foundation
import Testing
import GRDB
import TanfangCore
@testable import TanfangStore

/// The red-flag list and the monthly report read only what they need (derived columns, the
/// month's visits); these tests check that they give exactly what the reference path gives:
/// every elder loaded and run through `RedFlagEngine.evaluate` / `MonthlyStatistics.compute`.
@Suite("Red flags and monthly report equal the reference path")
struct SupervisionEquivalenceTests {
    static let today = LocalDate(year: 2026, month: 11, day: 23)!

    static func demoLedger(seed: UInt64, elders: Int, months: Int, rules: RuleBook = Fixture.rules) throws -> (Ledger, DemoData) {
        let data = DemoGenerator(seed: seed).generate(elders: elders, months: months, today: today)
        let ledger = try Ledger.inMemory(rules: rules)
        try ledger.importDemo(data, today: today)
        return (ledger, data)
    }

    /// Everything, each clerk's village, a township, a grid worker's elders, and nobody.
    static func scopes(_ ledger: Ledger) throws -> [AccessScope] {
        var scopes: [AccessScope] = [.everything, AccessScope(villageIDs: [], visitorID: nil)]
        // One user of each role.
        var roles = Set<UserRole>()
        for user in try ledger.users() where roles.insert(user.role).inserted {
            scopes.append(try ledger.scope(for: user))
        }
        if let visitor = try ledger.visitors().first {
            scopes.append(AccessScope(villageIDs: nil, visitorID: visitor.id))
        }
        return scopes
    }

    static func expectSame(_ ledger: Ledger, days: [LocalDate], months: [YearMonth],
                           sourceLocation: SourceLocation = #_sourceLocation) throws {
        let scopes = try scopes(ledger)
        for day in days {
            for hour in [0, 13] {
                let now = LocalDateTime(date: day, hour: hour, minute: 7)!
                for scope in scopes {
                    let fast = try ledger.redFlags(today: day, now: now, scope: scope)
                    let reference = try ledger.redFlagsReference(today: day, now: now, scope: scope)
                    #expect(fast == reference, "red flags on \(day) \(hour)h", sourceLocation: sourceLocation)
                }
            }
        }
        for month in months {
            for scope in scopes {
                let fast = try ledger.monthlyReport(month: month, scope: scope)
                let reference = try ledger.monthlyReportReference(month: month, scope: scope)
                #expect(fast == reference, "report \(month)", sourceLocation: sourceLocation)
            }
        }
    }

    static var days: [LocalDate] {
        [today, today.adding(days: -45), today.adding(days: 400)]
    }

    static var months: [YearMonth] {
        [-14, -6, -2, -1, 0, 1].map { today.yearMonth.adding(months: $0) }
    }

    @Test(arguments: [(UInt64(1), 150, 3), (7, 400, 13), (42, 250, 7)])
    func demoLedgers(seed: UInt64, elders: Int, months: Int) throws {
        // Given demo ledgers of several sizes (planted faults: bad IDs, duplicates, visits after death…)
        let (ledger, _) = try Self.demoLedger(seed: seed, elders: elders, months: months)
        // Then on several days, months and scopes both paths agree
        let flags = try ledger.redFlagsReference(today: Self.today, now: LocalDateTime(date: Self.today, hour: 12, minute: 0)!)
        #expect(Set(flags.map(\.kind)).count >= 5)
        try Self.expectSame(ledger, days: Self.days, months: Self.months)
    }

    @Test func afterWritesThatChangeStatusVisitsAndFollowUps() throws {
        // Given a demo ledger
        let (ledger, data) = try Self.demoLedger(seed: 11, elders: 200, months: 6)
        let today = Self.today
        var elders = data.elders.filter { $0.status == .active }
        // When elders go to hospital and come back (several spans), move away, die, on month
        // edges and on one day twice
        let month = today.yearMonth.adding(months: -1)
        let a = elders.removeFirst(), b = elders.removeFirst(), c = elders.removeFirst(), d = elders.removeFirst()
        try ledger.changeStatus(elderID: a.id, to: .hospitalized, on: month.firstDay.adding(days: 3), note: nil, by: nil, today: today)
        try ledger.changeStatus(elderID: a.id, to: .active, on: month.firstDay.adding(days: 10), note: nil, by: nil, today: today)
        try ledger.changeStatus(elderID: a.id, to: .hospitalized, on: month.lastDay, note: nil, by: nil, today: today)
        try ledger.changeStatus(elderID: b.id, to: .movedAway, on: month.firstDay, note: nil, by: nil, today: today)
        try ledger.changeStatus(elderID: c.id, to: .deceased, on: today.adding(days: -2), note: nil, by: nil, today: today)
        try ledger.changeStatus(elderID: d.id, to: .hospitalized, on: month.lastDay, note: nil, by: nil, today: today)
        try ledger.changeStatus(elderID: d.id, to: .active, on: month.lastDay, note: nil, by: nil, today: today)
        // A status change dated in the future
        let e = elders.removeFirst()
        try ledger.changeStatus(elderID: e.id, to: .institution, on: today.adding(days: 5), note: nil, by: nil, today: today)
        // And follow-ups are closed
        let open = try ledger.followUps(FollowUpQuery(), now: LocalDateTime(date: today, hour: 12, minute: 0)!)
        for row in open.prefix(5) {
            try ledger.closeFollowUp(id: row.followUp.id,
                                     closing: ClosingRecord(action: "已处理", at: LocalDateTime(date: today, hour: 9, minute: 0)!, by: "测试"),
                                     by: nil, today: today)
        }
        // Then both paths still agree
        try Self.expectSame(ledger, days: [today, today.adding(days: 6)],
                            months: [month, today.yearMonth, month.adding(months: -1)])
    }

    @Test func aHighRiskElderNeverVisitedAtHomeIsFlaggedFromTheThirtyFirstDayAfterRegistration() throws {
        // Given a demo ledger and a high-risk elder registered today, never visited
        let (ledger, data) = try Self.demoLedger(seed: 13, elders: 80, months: 3)
        let village = data.places.first { $0.level == .village }!
        var elder = Elder(name: "新登记", villageID: village.id, riskOverride: RiskOverride(level: .high, reason: "测试"), statusHistory: [])
        elder = try ledger.saveElder(elder, by: nil, today: Self.today)
        func flagged(_ day: LocalDate) throws -> Bool {
            let now = LocalDateTime(date: day, hour: 9, minute: 0)!
            return try ledger.redFlags(today: day, now: now).contains { $0.kind == .highRiskNoHomeVisit && $0.elderID == elder.id }
        }
        // Then the list (fast and reference alike) leaves them out for 30 days, then raises them
        #expect(try !flagged(Self.today))
        #expect(try !flagged(Self.today.adding(days: 30)))
        #expect(try flagged(Self.today.adding(days: 31)))
        try Self.expectSame(ledger, days: [Self.today, Self.today.adding(days: 30), Self.today.adding(days: 31)], months: [])
        // And a ledger of the version before (its rows without the registration day) is mended on opening
        try ledger.write { db in
            try db.execute(sql: "UPDATE elderFlag SET detail = NULL WHERE kind = 'highRiskNoHomeVisit'")
            try ElderFlagTable.migrateRegistration(db)
        }
        #expect(try !flagged(Self.today.adding(days: 30)))
        try Self.expectSame(ledger, days: [Self.today, Self.today.adding(days: 31)], months: [])
    }

    @Test func otherRedFlagRulesRefillTheDerivedColumns() throws {
        // Given a ledger file written with the standard rules
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("flags-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("ledger.sqlite").path
        let data = DemoGenerator(seed: 5).generate(elders: 150, months: 4, today: Self.today)
        try Ledger(path: path, rules: Fixture.rules).importDemo(data, today: Self.today)
        // When it is opened with stricter thresholds
        let base = Fixture.rules
        let strict = RuleBook(form: base.form, followUps: base.followUps, frequency: base.frequency, risk: base.risk,
                              redFlags: RedFlagRules(highRiskNoHomeVisitDays: 5, remoteOnlyDays: 7, copiedStreak: 1,
                                                     emergencyHours: 2, villageRateTarget: 0.9))
        let ledger = try Ledger(path: path, rules: strict)
        // Then the list follows those rules, as the reference does
        let now = LocalDateTime(date: Self.today, hour: 12, minute: 0)!
        let reference = try ledger.redFlagsReference(today: Self.today, now: now)
        #expect(try ledger.redFlags(today: Self.today, now: now) == reference)
        #expect(reference.count > (try Ledger(path: path, rules: base).redFlagsReference(today: Self.today, now: now)).count)
    }

    @Test func theMigrationFillsWhatWritesKeep() throws {
        // Given a demo ledger whose derived columns were written at save time
        let (ledger, _) = try Self.demoLedger(seed: 3, elders: 120, months: 3)
        let columns = ElderRecord.flagColumns.joined(separator: ", ")
        let before = try ledger.read { db in try Row.fetchAll(db, sql: "SELECT id, \(columns) FROM elder ORDER BY id") }
        // When they are cleared and filled again the way migration v2-flags fills an old ledger
        try ledger.write { db in
            try db.execute(sql: "UPDATE elder SET flagFrom = NULL, flagUntil = NULL, dupKey = NULL, activeSpans = 0")
            try FlagMigration.refill(db, rules: Fixture.rules.redFlags)
        }
        // Then they hold the same values
        let after = try ledger.read { db in try Row.fetchAll(db, sql: "SELECT id, \(columns) FROM elder ORDER BY id") }
        #expect(after == before)
    }

    /// Everything stored about each elder's summary and derived columns, except `computedOn`
    /// (an elder a new day cannot change keeps the day their summary was computed).
    static func summaries(_ ledger: Ledger) throws -> [Row] {
        let columns = (ElderRecord.summaryColumns.filter { $0 != "computedOn" } + ElderRecord.flagColumns)
            .joined(separator: ", ")
        return try ledger.read { db in try Row.fetchAll(db, sql: "SELECT id, \(columns) FROM elder ORDER BY id") }
    }

    @Test(arguments: [UInt64(2), 9])
    func theDailyRefreshEqualsAFullRecomputation(seed: UInt64) throws {
        // Given two copies of a demo ledger, one with a special period that ends soon and
        // status changes dated ahead
        let (targeted, data) = try Self.demoLedger(seed: seed, elders: 300, months: 8)
        let (full, _) = try Self.demoLedger(seed: seed, elders: 300, months: 8)
        let today = Self.today
        let village = try #require(data.elders.first?.villageID)
        let period = SpecialPeriod(name: "寒潮", kind: .coldWave, from: today.adding(days: -3), to: today.adding(days: 4),
                                   intervalDays: 2, categories: [.livingAlone], villageIDs: [village])
        let later = try #require(data.elders.last { $0.status == .active })
        for ledger in [targeted, full] {
            try ledger.saveSpecialPeriod(period, by: nil, today: today)
            try ledger.changeStatus(elderID: later.id, to: .hospitalized, on: today.adding(days: 20), note: nil,
                                    by: nil, today: today)
        }
        // (saving the period recomputed those it covers as a full recomputation does)
        try full.refreshAllSummaries(today: today)
        #expect(try Self.summaries(targeted) == Self.summaries(full))
        // When each new day is refreshed the targeted way on one and recomputed in full on the other
        for day in [today.adding(days: 1), today.adding(days: 6), today.adding(days: 30), today.adding(days: 400)] {
            let (full0, quick0) = (targeted.summaryCounts.full.load(ordering: .relaxed),
                                   targeted.summaryCounts.incremental.load(ordering: .relaxed))
            try targeted.refreshSummaries(today: day)
            // (from the stored reading of the visits, which a new day does not change)
            #expect(targeted.summaryCounts.full.load(ordering: .relaxed) == full0, "on \(day)")
            #expect(targeted.summaryCounts.incremental.load(ordering: .relaxed) > quick0, "on \(day)")
            try full.refreshAllSummaries(today: day)
            // Then every summary is the same
            #expect(try Self.summaries(targeted) == Self.summaries(full), "on \(day)")
            #expect(try targeted.summariesComputedOn() == day)
            let now = LocalDateTime(date: day, hour: 10, minute: 0)!
            #expect(try targeted.redFlags(today: day, now: now) == full.redFlagsReference(today: day, now: now))
        }
    }
}
