import Foundation
import GRDB
import TanfangCore

extension Ledger {
    /// Fills an empty ledger with demo data in one transaction.
    ///
    /// Visits are replayed in order through the real follow-up rules (owner = the elder's
    /// responsible visitor), then `closures` are applied in `closedAt` order, and each elder's
    /// summary is computed once at the end, in memory, before anything is written. The data is
    /// stored as generated: the demo's planted faults (wrong check characters, visits after
    /// death) are what the red-flag list is meant to find, so neither the ID-number check of
    /// `saveElder` nor the form validation of `saveVisit` runs here, and no audit rows are written.
    ///
    /// Throws `LedgerError.invalidField(field: "closures", …)` when a closure names a follow-up
    /// that the rules did not open, rather than dropping it.
    public func importDemo(_ data: DemoData, today: LocalDate) throws {
        // Follow-ups opened by the visits, in visit order.
        let visitorOf = Dictionary(data.elders.map { ($0.id, $0.visitorID) }, uniquingKeysWith: { a, _ in a })
        var followUps: [FollowUp] = []
        var followUpIndex: [String: Int] = [:]  // "visitID/type" → index in followUps
        for visit in data.visits {
            for f in rules.followUps.followUps(for: visit, ownerID: visitorOf[visit.elderID] ?? nil) {
                followUpIndex["\(visit.id.uuidString)/\(f.type.rawValue)"] = followUps.count
                followUps.append(f)
            }
        }
        var unmatched = 0
        for closure in data.closures.sorted(by: { $0.closedAt < $1.closedAt }) {
            guard let i = followUpIndex["\(closure.visitID.uuidString)/\(closure.type.rawValue)"] else {
                unmatched += 1
                continue
            }
            followUps[i].status = closure.cancelled ? .cancelled : .done
            followUps[i].closing = ClosingRecord(action: closure.action, at: closure.closedAt, by: closure.by)
        }
        guard unmatched == 0 else {
            throw LedgerError.invalidField(field: "closures", messageKey: "store.error.demoClosureUnmatched",
                                           args: [String(unmatched)])
        }

        // Summaries, once per elder.
        var visitsByElder: [UUID: [Visit]] = [:]
        for v in data.visits { visitsByElder[v.elderID, default: []].append(v) }
        var followUpsByElder: [UUID: [FollowUp]] = [:]
        for f in followUps { followUpsByElder[f.elderID, default: []].append(f) }
        let periods = data.specialPeriods.filter { $0.to >= today }
        let elderRecords = data.elders.map { elder in
            let visits = Ledger.chronological(visitsByElder[elder.id] ?? [])
            let summary = rules.derivation.summarize(
                elder: elder, visits: visits, followUps: followUpsByElder[elder.id] ?? [],
                periods: periods.filter { $0.covers(elder) }, today: today)
            var record = ElderRecord(elder, summary: summary)
            record.applyFlags(elder, summary, rules: rules.redFlags)
            return record
        }
        let users = data.users.map { demo in
            var user = demo.user
            user.pinHash = PINHash.make(demo.pin)
            return user
        }

        try write { db in
            let now = timestamp()
            // Parents before children, so that foreign keys hold row by row.
            for place in data.places.sorted(by: { $0.level < $1.level }) {
                var r = PlaceRecord(place)
                r.stamp(at: now, by: nil, old: nil)
                try r.insert(db)
            }
            for visitor in data.visitors {
                var r = VisitorRecord(visitor)
                r.stamp(at: now, by: nil, old: nil)
                try r.insert(db)
            }
            for user in users {
                var r = UserRecord(user)
                r.stamp(at: now, by: nil, old: nil)
                try r.insert(db)
            }
            for period in data.specialPeriods {
                var r = SpecialPeriodRecord(period)
                r.stamp(at: now, by: nil, old: nil)
                try r.insert(db)
            }
            for var r in elderRecords {
                r.stamp(at: now, by: nil, old: nil)
                try r.insert(db)
            }
            for visit in data.visits {
                var r = VisitRecord(visit)
                r.stamp(at: now, by: nil, old: nil)
                try r.insert(db)
            }
            for followUp in followUps {
                var r = FollowUpRecord(followUp)
                r.stamp(at: now, by: nil, old: nil)
                try r.insert(db)
            }
        }
    }
}
