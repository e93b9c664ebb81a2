import Foundation
import GRDB
import Synchronization
import TanfangCore

// MARK: - Places, visitors, users

extension Ledger {
    /// Inserts or updates a place (county, township, village or grid).
    public func savePlace(_ place: Place, by user: UUID? = nil) throws {
        try write { db in
            let now = timestamp()
            let old = try PlaceRecord.fetchOne(db, key: place.id.uuidString)
            var record = PlaceRecord(place)
            record.stamp(at: now, by: user, old: old)
            try record.save(db)
            try audit(db, table: "place", id: place.id, action: old == nil ? .insert : .update,
                      before: try old?.place(), after: place, by: user, at: now)
        }
    }

    /// Inserts or updates a visitor.
    public func saveVisitor(_ visitor: Visitor, by user: UUID? = nil) throws {
        try write { db in
            let now = timestamp()
            let old = try VisitorRecord.fetchOne(db, key: visitor.id.uuidString)
            var record = VisitorRecord(visitor)
            record.stamp(at: now, by: user, old: old)
            try record.save(db)
            try audit(db, table: "visitor", id: visitor.id, action: old == nil ? .insert : .update,
                      before: try old?.visitor(), after: visitor, by: user, at: now)
        }
    }

    /// The shortest PIN accepted.
    public static let minimumPINLength = 4

    /// At least `minimumPINLength` characters and no blanks: four spaces were taken as a PIN.
    public static func isAcceptablePIN(_ pin: String) -> Bool {
        pin.count >= minimumPINLength && !pin.contains(where: \.isWhitespace)
    }

    /// Inserts or updates a login. With a `pin`, stores its salted hash (`user.pinHash` is
    /// ignored); without one, an existing user keeps their hash and a new user is refused.
    @discardableResult
    public func saveUser(_ user: User, pin: String?, by actor: UUID? = nil) throws -> User {
        if let pin, !Ledger.isAcceptablePIN(pin) {
            throw LedgerError.invalidField(field: "pin", messageKey: "store.error.pinTooShort",
                                           args: [String(Ledger.minimumPINLength)])
        }
        return try write { db in
            let now = timestamp()
            let old = try UserRecord.fetchOne(db, key: user.id.uuidString)
            var stored = user
            if let pin {
                stored.pinHash = PINHash.make(pin)
                // A new PIN set by an administrator ends a pause for mistyped ones.
                try db.execute(sql: "DELETE FROM pinFailure WHERE userId = ?", arguments: [user.id.uuidString])
            } else if let old {
                stored.pinHash = old.pinHash
            } else {
                throw LedgerError.invalidField(field: "pin", messageKey: "store.error.required", args: [])
            }
            var record = UserRecord(stored)
            record.stamp(at: now, by: actor, old: old)
            try record.save(db)
            try audit(db, table: "user", id: user.id, action: old == nil ? .insert : .update,
                      before: try old.map { try Ledger.redacted($0.user()) }, after: Ledger.redacted(stored),
                      by: actor, at: now)
            return stored
        }
    }

    /// PINs mistyped in a row before a login is paused, and for how long.
    public static let pinAttempts = 5
    static let pinPauseSeconds: TimeInterval = 300

    /// The user with that name when `pin` matches, else nil. After `pinAttempts` wrong PINs in a
    /// row (counted in the ledger, so neither a restart nor the command line starts them again),
    /// the login is paused for `pinPauseSeconds`: `LedgerError.pinLocked`, no PIN compared.
    public func verifyPIN(userName: String, pin: String) throws -> User? {
        guard let user = try self.user(named: userName) else { return nil }
        let now = clock()
        let key = user.id.uuidString
        // One transaction: two logins tried at once from two terminals each count.
        let (matches, failures) = try write { db -> (Bool, Int) in
            if let row = try Row.fetchOne(db, sql: "SELECT failures, lastAt FROM pinFailure WHERE userId = ?", arguments: [key]),
               (row["failures"] as Int) >= Ledger.pinAttempts {
                let waited = now.timeIntervalSince1970 - (row["lastAt"] as Double)
                if waited < Ledger.pinPauseSeconds {
                    throw LedgerError.pinLocked(minutes: Int(((Ledger.pinPauseSeconds - waited) / 60).rounded(.up)))
                }
            }
            let matches = PINHash.verify(pin, against: user.pinHash)
            if matches {
                try db.execute(sql: "DELETE FROM pinFailure WHERE userId = ?", arguments: [key])
            } else {
                // A pause that has run out starts the count again.
                try db.execute(sql: """
                    INSERT INTO pinFailure (userId, failures, lastAt) VALUES (?1, 1, ?2)
                    ON CONFLICT (userId) DO UPDATE SET
                      failures = CASE WHEN failures >= ?3 THEN 1 ELSE failures + 1 END, lastAt = ?2
                    """, arguments: [key, now.timeIntervalSince1970, Ledger.pinAttempts])
            }
            let failures = try Int.fetchOne(db, sql: "SELECT failures FROM pinFailure WHERE userId = ?", arguments: [key]) ?? 0
            return (matches, failures)
        }
        // The wrong PIN that starts the pause says so (it said "try again", and the next try was refused).
        if !matches, failures >= Ledger.pinAttempts {
            throw LedgerError.pinLocked(minutes: Int((Ledger.pinPauseSeconds / 60).rounded(.up)))
        }
        return matches ? user : nil
    }

    /// How many wrong PINs in a row the login `userName` has left before it is paused.
    public func pinAttemptsLeft(userName: String) throws -> Int {
        guard let user = try self.user(named: userName) else { return Ledger.pinAttempts }
        let failures = try read { db in
            try Int.fetchOne(db, sql: "SELECT failures FROM pinFailure WHERE userId = ?", arguments: [user.id.uuidString])
        } ?? 0
        return max(0, Ledger.pinAttempts - failures)
    }

    /// Audit rows never hold the PIN hash.
    static func redacted(_ user: User) -> User {
        var u = user
        u.pinHash = "(redacted)"
        return u
    }
}

// MARK: - Elders

extension Ledger {
    /// Inserts or updates an elder and recomputes their summary.
    ///
    /// The ID number, when present, is checked and stored normalized; a missing birth date or
    /// gender is taken from it. The status history may only grow (use `changeStatus`); a new
    /// elder with no history starts as active on `today`.
    @discardableResult
    /// `basedOn`: the elder as the caller's form loaded it; when the ledger's differs (another
    /// screen saved meanwhile), nothing is written and the error names who changed it.
    public func saveElder(_ elder: Elder, basedOn: Elder? = nil, by user: UUID?, today: LocalDate) throws -> Elder {
        var elder = try Ledger.checked(elder, today: today)
        return try write { db in
            let now = timestamp()
            let old = try ElderRecord.fetchOne(db, key: elder.id.uuidString)
            let oldElder = try old?.elder()
            if let basedOn, let oldElder, oldElder != basedOn {
                let who = try old?.updatedBy.flatMap { try String.fetchOne(db, sql: "SELECT name FROM user WHERE id = ?", arguments: [$0]) }
                throw LedgerError.invalidField(field: "elder", messageKey: "store.error.elderChangedMeanwhile", args: [who ?? "?"])
            }
            if let oldElder {
                guard elder.statusHistory.starts(with: oldElder.statusHistory) else {
                    throw LedgerError.invalidField(field: "statusHistory",
                                                   messageKey: "store.error.statusHistoryRewritten", args: [])
                }
            } else if elder.statusHistory.isEmpty {
                elder.statusHistory = [StatusChange(date: today, status: .active)]
            }
            try checkVillage(db, elder.villageID)
            if let number = elder.idNumber, number != oldElder?.idNumber {
                try checkIDNumberFree(db, number, for: elder.id)
            }
            let tally = try MonthTally.begin(db, elderIDs: [elder.id.uuidString], months: nil)
            let placeholder = try old?.summary() ?? ElderSummary(
                elderID: elder.id, risk: RiskAssessment(level: .low, score: 0, reasons: []), computedOn: today)
            var record = ElderRecord(elder, summary: placeholder)
            record.stamp(at: now, by: user, old: old)
            try record.save(db)
            // The visits did not change: the stored summary's reading of them still holds.
            try refreshSummary(db, record: &record, elder: elder, today: today, history: try storedHistory(db, record))
            try MonthTally.finish(db, tally, elderIDs: [elder.id.uuidString])
            try audit(db, table: "elder", id: elder.id, action: old == nil ? .insert : .update,
                      before: oldElder, after: elder, by: user, at: now)
            return elder
        }
    }

    /// The ID number identifies a person: a form may not give one that another elder holds (that
    /// would count the person twice). The message names who holds it, so the clerk can find them.
    /// Imports merge by ID number instead, and merges report such pairs as red flags.
    func checkIDNumberFree(_ db: Database, _ number: String, for id: UUID) throws {
        guard let row = try Row.fetchOne(db, sql: """
            SELECT e.name, coalesce(p.name, '') AS village FROM elder e LEFT JOIN place p ON p.id = e.villageId
            WHERE e.idNumber = ? AND e.id <> ? LIMIT 1
            """, arguments: [number, id.uuidString]) else { return }
        throw LedgerError.invalidField(field: "idNumber", messageKey: "store.error.idNumberTaken",
                                       args: [row["name"] as String, row["village"] as String])
    }

    /// Field checks that need no database.
    static func checked(_ elder: Elder, today: LocalDate) throws -> Elder {
        var elder = elder
        elder.name = TextTrimming.trimmed(elder.name)
        if elder.name.isEmpty {
            throw LedgerError.invalidField(field: "name", messageKey: "store.error.required", args: [])
        }
        if let raw = elder.idNumber, !TextTrimming.trimmed(raw).isEmpty {
            switch IDNumber.parse(raw, today: today) {
            case .success(let info):
                elder.idNumber = info.normalized
                if elder.birthDate == nil { elder.birthDate = info.birthDate }
                if elder.gender == nil { elder.gender = info.gender }
            case .failure(let error):
                throw LedgerError.invalidField(field: "idNumber", messageKey: error.messageKey, args: error.args)
            }
        } else {
            elder.idNumber = nil
        }
        for (earlier, later) in zip(elder.statusHistory, elder.statusHistory.dropFirst()) where later.date < earlier.date {
            throw LedgerError.invalidField(field: "statusHistory", messageKey: "store.error.statusOutOfOrder", args: [])
        }
        return elder
    }

    private func checkVillage(_ db: Database, _ id: UUID) throws {
        guard let place = try PlaceRecord.fetchOne(db, key: id.uuidString) else {
            throw LedgerError.notFound(table: "place", id: id)
        }
        guard place.level == PlaceLevel.village.rawValue else {
            throw LedgerError.invalidField(field: "villageID", messageKey: "store.error.notAVillage", args: [place.name])
        }
    }

    /// The closing words of a follow-up cancelled by the elder's death (as the demo's).
    static let deathCancelAction = "老人已去世，事项终止"

    /// Cancels the elder's open follow-ups as of `death` (not before each was opened), with the reason.
    static func cancelOpenFollowUps(_ db: Database, elderID: String, death: LocalDate, by name: String, user: UUID?,
                                    at now: String) throws {
        let open = try FollowUpRecord.fetchAll(db, sql: "SELECT * FROM followUp WHERE elderId = ? AND status IN ('open', 'inProgress')",
                                               arguments: [elderID])
        for r in open {
            let f = try r.followUp()
            var c = f
            c.status = .cancelled
            c.closing = ClosingRecord(action: deathCancelAction,
                                      at: max(f.openedAt, LocalDateTime(date: death, hour: 0, minute: 0)!), by: name)
            try rewrite(db, r, from: f, to: c, action: .close, by: user, at: now)
        }
    }

    /// Appends a dated status change (住院, 迁出, 死亡…); history is never rewritten. A death
    /// cancels the elder's open follow-ups as of that day.
    /// From `date` the elder leaves (or rejoins) the due lists and the visit-rate denominator.
    @discardableResult
    public func changeStatus(elderID: UUID, to status: ElderStatus, on date: LocalDate, note: String?,
                             by user: UUID?, today: LocalDate) throws -> Elder {
        try write { db in
            let now = timestamp()
            guard var record = try ElderRecord.fetchOne(db, key: elderID.uuidString) else {
                throw LedgerError.notFound(table: "elder", id: elderID)
            }
            let before = try record.elder()
            if let last = before.statusHistory.last, date < last.date {
                throw LedgerError.invalidField(field: "date", messageKey: "store.error.statusDateBeforeLast",
                                               args: [last.date.description])
            }
            var after = before
            let trimmed = note?.trimmingCharacters(in: .whitespacesAndNewlines)
            after.statusHistory.append(StatusChange(date: date, status: status,
                                                    note: (trimmed?.isEmpty ?? true) ? nil : trimmed))
            // A death ends what was open for the elder: cancelled as of that day with the reason (they
            // stayed in the queue, overdue, and counted as not done on time month after month).
            if status == .deceased {
                try Self.cancelOpenFollowUps(db, elderID: elderID.uuidString, death: date, by: try Self.userName(db, user),
                                             user: user, at: now)
            } else if before.statusHistory.last?.status == .deceased {
                // A death recorded by mistake and corrected: what it cancelled is open again.
                let cancelled = try FollowUpRecord.fetchAll(db, sql: "SELECT * FROM followUp WHERE elderId = ? AND status = 'cancelled' AND closingAction = ?",
                                                            arguments: [elderID.uuidString, Self.deathCancelAction])
                for r in cancelled {
                    let f = try r.followUp()
                    var o = f
                    // As it stood before the death: 办理中 stays 办理中 (the audit row of the cancelling has it).
                    let prior = try String.fetchOne(db, sql: """
                        SELECT before FROM audit WHERE recordId = ? AND tableName = 'followUp' AND action = ?
                        ORDER BY at DESC, rowid DESC LIMIT 1
                        """, arguments: [f.id.uuidString, AuditAction.close.rawValue])
                    let was = try prior.map { try StoreCoding.decode(FollowUp.self, $0, column: "audit.before").status }
                    o.status = was == .inProgress ? .inProgress : .open
                    o.closing = nil
                    try rewrite(db, r, from: f, to: o, action: .update, by: user, at: now)
                }
            }
            let summary = try record.summary()
            let tally = try MonthTally.begin(db, elderIDs: [elderID.uuidString], months: nil)
            var updated = ElderRecord(after, summary: summary)
            updated.stamp(at: now, by: user, old: record)
            record = updated
            try record.update(db)
            try refreshSummary(db, record: &record, elder: after, today: today, history: try storedHistory(db, record))
            try MonthTally.finish(db, tally, elderIDs: [elderID.uuidString])
            try audit(db, table: "elder", id: elderID, action: .statusChange, before: before, after: after,
                      by: user, at: now)
            return after
        }
    }
}

// MARK: - Visits and follow-ups

extension Ledger {
    /// Saves a visit record: validates it, inserts it with the follow-ups its findings call for
    /// (owned by the elder's responsible visitor), recomputes the elder's summary and writes
    /// audit rows, all in one transaction. Returns the follow-ups created, then those the visit
    /// closed by itself (`closeAnswered`: a revisit that found the elder), closed. An open one a
    /// one-per-elder rule brought up to date is among them, open and opened before the visit.
    ///
    /// A visit that fails validation throws `LedgerError.invalidVisit` and writes nothing.
    /// Saving an existing visit again updates it and creates no further follow-ups.
    /// The closing words of a follow-up cancelled because its visit was corrected.
    static let correctionCancelAction = "探访记录已更正，不再需要"

    @discardableResult
    public func saveVisit(_ visit: Visit, by user: UUID?, today: LocalDate, now current: LocalDateTime? = nil) throws -> [FollowUp] {
        let issues = rules.validator.validate(visit, today: today)
        guard issues.isEmpty else { throw LedgerError.invalidVisit(issues) }
        return try write { db in
            let now = timestamp()
            var visit = visit
            // Cached statements: preparing the query-interface requests again on every save was a
            // tenth of its cost.
            var found = try ElderRecord.fetchOne(
                db.cachedStatement(sql: "SELECT * FROM elder WHERE id = ?"), arguments: [visit.elderID.uuidString])
            // A sheet typed for a record combined into another meanwhile goes to the record kept.
            if found == nil, let kept = try Ledger.keptElderID(db, visit.elderID) {
                visit.elderID = kept
                found = try ElderRecord.fetchOne(db, key: kept.uuidString)
            }
            guard var elderRecord = found else {
                throw LedgerError.notFound(table: "elder", id: visit.elderID)
            }
            let elder = try elderRecord.elder()
            let old = try VisitRecord.fetchOne(db.cachedStatement(sql: "SELECT * FROM visit WHERE id = ?"),
                                               arguments: [visit.id.uuidString])
            if let old, old.elderId != visit.elderID.uuidString {
                throw LedgerError.invalidField(field: "elderID", messageKey: "store.error.visitMovedElder", args: [])
            }
            // The tally's months: the visit's, and the one it was in before an edit.
            let months = [visit.date.yearMonth] + [old.flatMap { LocalDate($0.date)?.yearMonth }].compactMap { $0 }
            let tally = try MonthTally.begin(db, elderIDs: [visit.elderID.uuidString], months: months)
            // A new visit after the latest one (the common case) extends the stored summary
            // instead of reading the whole history; edits and back-dated visits recompute it.
            let history = old == nil ? try storedHistory(db, elderRecord)
                .flatMap { rules.derivation.digest($0, appendingIfLatest: visit) } : nil
            var record = VisitRecord(visit)
            record.stamp(at: now, by: user, old: old)
            if old == nil { try record.insert(db) } else { try record.update(db) }
            try audit(db, table: "visit", id: visit.id, action: old == nil ? .insert : .update,
                      before: try old?.visit(), after: visit, by: user, at: now)

            var created: [FollowUp] = []
            var corrected: [FollowUp] = []
            if old != nil {
                (created, corrected) = try correctionFollowUps(db, visit: visit, elder: elder, by: user, at: now,
                                                               current: current, today: today)
            }
            if old == nil || !created.isEmpty {
                if old == nil { created = rules.followUps.followUps(for: visit, ownerID: elder.visitorID) }
                // What is already being worked on is not opened again: a follow-up the next fitting visit
                // closes by itself (a revisit) once, any other once for the same finding (a section
                // copied with F6 while its hazard is still open). A different finding opens its own.
                let selfClosing = Set(rules.followUps.rules.filter { $0.closeWhen != nil }.map(\.type))
                // One per elder (a referral): the open one takes the new finding's detail instead.
                let onePerElder = Set(rules.followUps.rules.filter { $0.onePerElder == true }.map(\.type))
                var updated: [FollowUp] = []
                created = try created.filter { f in
                    if onePerElder.contains(f.type), let open = try FollowUpRecord.fetchOne(db, sql: """
                        SELECT * FROM followUp WHERE elderId = ? AND type = ? AND status IN ('open', 'inProgress')
                        ORDER BY openedAt DESC LIMIT 1
                        """, arguments: [visit.elderID.uuidString, f.type.rawValue]) {
                        let before = try open.followUp()
                        // The new finding is added to what the open one holds (a need reported before
                        // is not dropped by a visit that names another); one already there adds nothing,
                        // also when words were added to it by hand since (it went in a second time).
                        let parts = before.detail.components(separatedBy: "；")
                        guard !parts.contains(where: { $0.hasPrefix(f.detail) }), before.openedAt <= visit.at else { return false }
                        var after = before
                        after.detail = before.detail.isEmpty ? f.detail : before.detail + "；" + f.detail
                        try rewrite(db, open, from: before, to: after, action: .update, by: user, at: now)
                        updated.append(after)
                        return false
                    }
                    let sameDetail = selfClosing.contains(f.type) ? "" : " AND detail = ?"
                    var arguments: StatementArguments = [visit.elderID.uuidString, f.type.rawValue]
                    if !selfClosing.contains(f.type) { arguments += [f.detail] }
                    // A sheet typed days later: one open at the visit's time and closed since (the
                    // hazard fixed after that visit) was the answer to this finding too.
                    let at = visit.at.description
                    arguments += [at, at]
                    return try !Bool.fetchOne(db, sql: """
                        SELECT EXISTS (SELECT 1 FROM followUp WHERE elderId = ? AND type = ?\(sameDetail)
                                       AND (status IN ('open', 'inProgress') OR (openedAt <= ? AND closingAt > ?)))
                        """, arguments: arguments)!
                }
                for followUp in created {
                    var f = FollowUpRecord(followUp)
                    f.stamp(at: now, by: user, old: nil)
                    try f.insert(db)
                    try audit(db, table: "followUp", id: followUp.id, action: .insert,
                              before: FollowUp?.none, after: followUp, by: user, at: now)
                }
                created += updated
                if old == nil { created += try closeAnswered(db, by: visit, user: user, now: now) }
            }
            created += corrected
            try refreshSummary(db, record: &elderRecord, elder: elder, today: today, history: history)
            try MonthTally.finish(db, tally, elderIDs: [visit.elderID.uuidString])
            return created
        }
    }

    /// A corrected sheet's follow-ups. Of those this visit opened: one for a finding taken away is
    /// cancelled with the reason when not taken up yet, and returned as it stands when in progress
    /// (kept, for its owner to close); one still found takes the corrected detail, or is opened
    /// again when an earlier correction had cancelled it. What the sheet newly finds is returned
    /// to be opened as of `current` (the office learns of it now: no past month's figures change,
    /// and it is not overdue at once), else as of the visit, due from `today`.
    func correctionFollowUps(_ db: Database, visit: Visit, elder: Elder, by user: UUID?, at now: String,
                             current: LocalDateTime?, today: LocalDate) throws -> (created: [FollowUp], corrected: [FollowUp]) {
        var corrected: [FollowUp] = []
        var mine: [FollowUpType: FollowUpRecord] = [:]
        for r in try FollowUpRecord.fetchAll(db, sql: "SELECT * FROM followUp WHERE visitId = ?", arguments: [visit.id.uuidString]) {
            mine[try r.followUp().type] = r
        }
        let onePerElder = Set(rules.followUps.rules.filter { $0.onePerElder == true }.map(\.type))
        let generated = rules.followUps.followUps(for: visit, ownerID: elder.visitorID)
        let still = Set(generated.map(\.type))
        for (type, record) in mine where !still.contains(type) {
            let before = try record.followUp()
            if before.status == .inProgress { corrected.append(before) }
            guard before.status == .open else { continue }
            var after = before
            after.status = .cancelled
            // Cancelled as of its opening: it answered a finding the visit did not make.
            after.closing = ClosingRecord(action: Self.correctionCancelAction, at: before.openedAt,
                                          by: try Self.userName(db, user))
            try rewrite(db, record, from: before, to: after, action: .close, by: user, at: now)
            corrected.append(after)
        }
        let created = try generated.map { f in
            var timed = f
            let hours = MonthlyStatistics.minutes(from: f.openedAt, to: f.due) / 60
            if let current, current > f.openedAt {
                timed.openedAt = current
                timed.due = current.adding(hours: hours)
            } else if f.due.date < today {
                timed.due = LocalDateTime(date: today.adding(days: max(1, (hours + 23) / 24)), hour: f.due.hour, minute: f.due.minute)!
            }
            return timed
        }.filter { f in
            guard let record = mine[f.type] else { return true }
            let before = try record.followUp()
            var after = before
            if before.status == .cancelled, before.closing?.action == Self.correctionCancelAction {
                // Cancelled by an earlier correction and found again: the same follow-up, open again.
                after.status = .open
                after.closing = nil
                after.detail = f.detail
                after.due = max(before.due, f.due)
            } else if before.status.isOpen, before.detail != f.detail, !onePerElder.contains(f.type) {
                after.detail = f.detail
            } else {
                return false
            }
            try rewrite(db, record, from: before, to: after, action: .update, by: user, at: now)
            corrected.append(after)
            return false
        }
        return (created, corrected)
    }

    /// The elder's open follow-ups that a new visit answers by itself (`FollowUpRules.closings`:
    /// the revisit after a home visit that found nobody, once a home visit finds them), closed with
    /// the visit as their record; returned closed. Only those opened before the visit.
    func closeAnswered(_ db: Database, by visit: Visit, user: UUID?, now: String) throws -> [FollowUp] {
        let closings = rules.followUps.closings(for: visit)
        guard !closings.isEmpty else { return [] }
        let names = try visit.visitorIDs.compactMap { id in
            try String.fetchOne(db, sql: "SELECT name FROM visitor WHERE id = ?", arguments: [id.uuidString])
        }
        var closed: [FollowUp] = []
        for (type, action) in closings {
            let open = try FollowUpRecord.fetchAll(db, sql: """
                SELECT * FROM followUp WHERE elderId = ? AND type = ? AND status IN ('open', 'inProgress')
                """, arguments: [visit.elderID.uuidString, type.rawValue])
            for old in open {
                let before = try old.followUp()
                guard before.openedAt <= visit.at else { continue }
                var after = before
                after.status = .done
                after.closing = ClosingRecord(action: action, at: visit.at, by: names.joined(separator: "、"))
                try rewrite(db, old, from: before, to: after, action: .close, by: user, at: now)
                closed.append(after)
            }
        }
        return closed
    }

    /// Who a closing the ledger writes by itself names: the user's name, empty without a login.
    static func userName(_ db: Database, _ user: UUID?) throws -> String {
        try user.flatMap { try UserRecord.fetchOne(db, key: $0.uuidString)?.name } ?? ""
    }

    /// Writes a stored follow-up as `after`, stamped, with its audit row (`before` as read from `record`).
    func rewrite(_ db: Database, _ record: FollowUpRecord, from before: FollowUp, to after: FollowUp,
                 action: AuditAction, by user: UUID?, at now: String) throws {
        try Self.rewrite(db, record, from: before, to: after, action: action, by: user, at: now)
    }

    static func rewrite(_ db: Database, _ record: FollowUpRecord, from before: FollowUp, to after: FollowUp,
                        action: AuditAction, by user: UUID?, at now: String) throws {
        var updated = FollowUpRecord(after)
        updated.stamp(at: now, by: user, old: record)
        try updated.update(db)
        try audit(db, table: "followUp", id: before.id, action: action, before: before, after: after, by: user, at: now)
    }

    /// Updates a follow-up (owner, due, status, detail…) and recomputes the elder's summary.
    /// A follow-up can also be created this way (e.g. one opened by hand).
    public func updateFollowUp(_ followUp: FollowUp, by user: UUID?, today: LocalDate) throws {
        try write { db in
            let now = timestamp()
            let old = try FollowUpRecord.fetchOne(db, key: followUp.id.uuidString)
            if let old, old.elderId != followUp.elderID.uuidString {
                throw LedgerError.invalidField(field: "elderID", messageKey: "store.error.followUpMovedElder", args: [])
            }
            // Closed meanwhile from another screen (a stale 办理中): that closing record stands.
            if let stored = try old?.followUp(), !stored.status.isOpen {
                throw LedgerError.invalidField(field: "status", messageKey: "store.error.followUpAlreadyClosed",
                                               args: [stored.closing?.by ?? "", stored.closing?.action ?? ""])
            }
            var record = FollowUpRecord(followUp)
            record.stamp(at: now, by: user, old: old)
            try record.save(db)
            try audit(db, table: "followUp", id: followUp.id, action: old == nil ? .insert : .update,
                      before: try old?.followUp(), after: followUp, by: user, at: now)
            try refreshSummary(db, elderID: followUp.elderID, today: today)
        }
    }

    /// Closes a follow-up with its closing record (what was done, when, by whom).
    /// `status` must be `.done` or `.cancelled`.
    @discardableResult
    public func closeFollowUp(id: UUID, closing: ClosingRecord, status: FollowUpStatus = .done,
                              by user: UUID?, today: LocalDate) throws -> FollowUp {
        guard !status.isOpen else {
            throw LedgerError.invalidField(field: "status", messageKey: "store.error.closeNeedsClosedStatus", args: [])
        }
        guard !closing.action.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw LedgerError.invalidField(field: "closing.action", messageKey: "store.error.required", args: [])
        }
        return try write { db in
            let now = timestamp()
            guard let old = try FollowUpRecord.fetchOne(db, key: id.uuidString) else {
                throw LedgerError.notFound(table: "followUp", id: id)
            }
            let before = try old.followUp()
            // Closed meanwhile from another screen: that closing record stands.
            guard before.status.isOpen else {
                throw LedgerError.invalidField(field: "status", messageKey: "store.error.followUpAlreadyClosed",
                                               args: [before.closing?.by ?? "", before.closing?.action ?? ""])
            }
            var after = before
            after.status = status
            after.closing = closing
            try rewrite(db, old, from: before, to: after, action: .close, by: user, at: now)
            try refreshSummary(db, elderID: after.elderID, today: today)
            return after
        }
    }
}

// MARK: - Special periods and summaries

extension Ledger {
    /// Withdraws a special period declared by mistake (one that has not begun): it is deleted, the
    /// audit keeps it, and the elders it covered get their due dates back.
    public func removeSpecialPeriod(id: UUID, by user: UUID?, today: LocalDate) throws {
        try write { db in
            guard let old = try SpecialPeriodRecord.fetchOne(db, key: id.uuidString) else {
                throw LedgerError.notFound(table: "specialPeriod", id: id)
            }
            let period = try old.period()
            _ = try old.delete(db)
            try audit(db, table: "specialPeriod", id: id, action: .delete, before: period, after: SpecialPeriod?.none,
                      by: user, at: timestamp())
            let periods = try activePeriods(db, today: today)
            for var r in try ElderRecord.fetchAll(db) {
                let elder = try r.elder()
                guard period.covers(elder) else { continue }
                try refreshSummary(db, record: &r, elder: elder, today: today, periods: periods, history: try storedHistory(db, r))
            }
        }
    }

    /// Inserts or updates a special period and recomputes the summaries of the elders it
    /// covers (and covered before, when it changed).
    public func saveSpecialPeriod(_ period: SpecialPeriod, by user: UUID?, today: LocalDate) throws {
        guard period.from <= period.to else {
            throw LedgerError.invalidField(field: "to", messageKey: "store.error.periodEndsBeforeStart", args: [])
        }
        guard period.intervalDays >= 1 else {
            throw LedgerError.invalidField(field: "intervalDays", messageKey: "store.error.intervalTooShort", args: ["1"])
        }
        try write { db in
            let now = timestamp()
            let old = try SpecialPeriodRecord.fetchOne(db, key: period.id.uuidString)
            let oldPeriod = try old?.period()
            var record = SpecialPeriodRecord(period)
            record.stamp(at: now, by: user, old: old)
            try record.save(db)
            try audit(db, table: "specialPeriod", id: period.id, action: old == nil ? .insert : .update,
                      before: oldPeriod, after: period, by: user, at: now)
            let periods = try activePeriods(db, today: today)
            let records = try ElderRecord.fetchAll(db)
            for var r in records {
                let elder = try r.elder()
                guard period.covers(elder) || (oldPeriod?.covers(elder) ?? false) else { continue }
                // A period changes the due dates, not the visits: the stored reading of them holds.
                try refreshSummary(db, record: &r, elder: elder, today: today, periods: periods, history: try storedHistory(db, r))
            }
        }
    }

    /// Brings the summaries to `today`. Age and due dates change with the day, so the app calls
    /// this when `summariesComputedOn()` is before today.
    ///
    /// Every write recomputes its elder's summary, so between two days a summary can change only
    /// through what depends on the day itself (`Derivation.summarize`): the elder turning 80 (高龄,
    /// a risk factor, which can change the level and so the visit interval), a status change
    /// dated after the summary was computed (the active run that due dates count from), and a
    /// special period that has ended since (it no longer tightens the due date). Only those
    /// elders are recomputed, from their stored reading of the visits; the others keep their summary and `computedOn`, and the
    /// day is recorded in `summaryDay` (see `summariesComputedOn`).
    public func refreshSummaries(today: LocalDate) throws {
        try write { db in
            let todayText = StoreCoding.text(today)
            let birthday80 = "printf('%04d', CAST(substr(birthDate, 1, 4) AS INTEGER) + \(advancedAgeThreshold)) || substr(birthDate, 5)"
            var clauses = [
                // Computed for a later day (the clock was turned back).
                "computedOn > ?",
                "(birthDate IS NOT NULL AND \(birthday80) > computedOn AND \(birthday80) <= ?)",
                "statusFrom > computedOn",
            ]
            var arguments: StatementArguments = [todayText, todayText]
            let ended = try SpecialPeriodRecord.filter(sql: "endDate < ?", arguments: [todayText]).fetchAll(db)
                .map { try $0.period() }
            for period in ended {
                var covers = ["computedOn <= ?"]
                arguments += [StoreCoding.text(period.to)]
                if !period.categories.isEmpty { covers.append("(categoryMask & \(Category.mask(period.categories))) != 0") }
                if !period.villageIDs.isEmpty {
                    covers.append("villageId IN (\(Array(repeating: "?", count: period.villageIDs.count).joined(separator: ",")))")
                    arguments += StatementArguments(period.villageIDs.map(\.uuidString).sorted())
                }
                clauses.append("(" + covers.joined(separator: " AND ") + ")")
            }
            arguments += [todayText]
            let records = try ElderRecord.fetchAll(db, sql: """
                SELECT * FROM elder WHERE (\(clauses.joined(separator: " OR "))) AND computedOn != ?
                """, arguments: arguments)
            let periods = try activePeriods(db, today: today)
            for var r in records {
                // The visits did not change: the stored summary's reading of them still holds. Reading
                // every visit again took ~3 ms an elder: minutes at the first start after a county-wide
                // special period ended.
                try refreshSummary(db, record: &r, elder: try r.elder(), today: today, periods: periods,
                                   history: try storedHistory(db, r))
            }
            try db.execute(sql: "INSERT OR REPLACE INTO summaryDay (id, day) VALUES (1, ?)", arguments: [todayText])
        }
    }

    /// The summaries a migration left to be made again with the rules (`pendingSummary`, filled by
    /// v10 with the elders who have a home visit that did not find them), each for the day it was
    /// computed for; then the month tally is counted again. One transaction: a run cut short is
    /// done again at the next open.
    func redoPendingSummaries() throws {
        let pending = try read { db in try String.fetchAll(db, sql: "SELECT elderId FROM pendingSummary") }
        guard !pending.isEmpty else { return }
        try write { db in
            for id in pending {
                // A row without a readable day is left to its next write rather than refuse the ledger.
                guard var record = try ElderRecord.fetchOne(db, key: id) else { continue }
                let day: LocalDate
                do { day = try StoreCoding.date(record.computedOn as String, column: "elder.computedOn") } catch { continue }
                try refreshSummary(db, record: &record, elder: try record.elder(), today: day)
            }
            try MonthTally.rebuild(db)
            try db.execute(sql: "DELETE FROM pendingSummary")
        }
    }

    /// Recomputes every elder's summary for `today` from their whole history: the reference
    /// that tests compare `refreshSummaries` with.
    func refreshAllSummaries(today: LocalDate) throws {
        try write { db in
            let periods = try activePeriods(db, today: today)
            for var r in try ElderRecord.fetchAll(db) {
                try refreshSummary(db, record: &r, elder: try r.elder(), today: today, periods: periods)
            }
        }
    }

    /// Visits oldest first; visits at the same minute in id order, so that every path that
    /// computes a summary picks the same "latest" visit.
    static func chronological(_ visits: [Visit]) -> [Visit] {
        visits.sorted { ($0.at, $0.id.uuidString) < ($1.at, $1.id.uuidString) }
    }

    /// The day every summary holds for: the last `refreshSummaries` day, or the oldest
    /// `computedOn` when that is later (or there was none); nil for an empty ledger.
    public func summariesComputedOn() throws -> LocalDate? {
        try read { db in
            // max() with a NULL is NULL: an empty ledger has no day.
            let text = try String.fetchOne(db, sql: """
                SELECT max(coalesce((SELECT day FROM summaryDay WHERE id = 1), ''), (SELECT min(computedOn) FROM elder))
                """)
            return try StoreCoding.date(text, column: "elder.computedOn")
        }
    }

    /// Special periods that have not ended by `today`.
    func activePeriods(_ db: Database, today: LocalDate) throws -> [SpecialPeriod] {
        try SpecialPeriodRecord.fetchAll(db.cachedStatement(sql: "SELECT * FROM specialPeriod WHERE endDate >= ?"),
                                         arguments: [StoreCoding.text(today)]).map { try $0.period() }
    }

    func refreshSummary(_ db: Database, elderID: UUID, today: LocalDate) throws {
        guard var record = try ElderRecord.fetchOne(db, key: elderID.uuidString) else {
            throw LedgerError.notFound(table: "elder", id: elderID)
        }
        // Follow-up writes do not change the visits.
        try refreshSummary(db, record: &record, elder: try record.elder(), today: today,
                           history: try storedHistory(db, record))
    }

    /// Recomputes one elder's summary from their visits, follow-ups and special periods and
    /// writes it to the row. `history`, when given, is what the summary reads of the visits
    /// (see `storedHistory`); without it every visit is read.
    func refreshSummary(_ db: Database, record: inout ElderRecord, elder: Elder, today: LocalDate,
                        periods: [SpecialPeriod]? = nil, history: VisitDigest? = nil) throws {
        let digest: VisitDigest
        if let history {
            digest = history
            summaryCounts.incremental.add(1, ordering: .relaxed)
        } else {
            let visits = Ledger.chronological(try VisitRecord.fetchAll(
                db.cachedStatement(sql: "SELECT * FROM visit WHERE elderId = ?"), arguments: [record.id])
                .map { try $0.visit() })
            digest = rules.derivation.digest(visits)
            summaryCounts.full.add(1, ordering: .relaxed)
        }
        let followUps = try FollowUpRecord.fetchAll(db.cachedStatement(sql: "SELECT * FROM followUp WHERE elderId = ?"),
                                                    arguments: [record.id]).map { try $0.followUp() }
        let covering = try (periods ?? activePeriods(db, today: today)).filter { $0.covers(elder) }
        let summary = rules.derivation.summarize(elder: elder, history: digest, followUps: followUps,
                                                 periods: covering, today: today)
        record.apply(summary)
        record.applyFlags(elder, summary, rules: rules.redFlags)
        try record.update(db, columns: ElderRecord.summaryColumns + ElderRecord.flagColumns)
    }

    /// The elder's visit history as their stored summary holds it, with the latest visit read
    /// (the only one whose answers the summary needs): nil when the visits on file do not agree
    /// with the summary (their count or latest time), so that the caller reads them all.
    func storedHistory(_ db: Database, _ record: ElderRecord) throws -> VisitDigest? {
        // Counted from the (elderId, at) index less the attempts' partial index (`Visit.isAttempt`:
        // no visit for the summary), without reading the history's rows.
        guard let row = try Row.fetchOne(db.cachedStatement(sql: """
            SELECT (SELECT count(*) FROM visit WHERE elderId = ?1)
                 - (SELECT count(*) FROM visit INDEXED BY visit_attempt WHERE elderId = ?1 AND method = 'home' AND seenInPerson = 0),
                   (SELECT at FROM visit INDEXED BY visit_on_elderId_at WHERE elderId = ?1 AND \(Visit.countedSQL) ORDER BY at DESC LIMIT 1)
            """), arguments: [record.id]) else { return nil }
        let count: Int = row[0]
        let lastAt: String? = row[1]
        guard count == record.visitCount, lastAt == record.lastVisitAt else { return nil }
        var latest: Visit?
        if let lastAt {
            // Visits in the same minute: the last in id order, as `chronological`.
            latest = try VisitRecord.fetchAll(db.cachedStatement(sql: "SELECT * FROM visit WHERE elderId = ? AND at = ?"),
                                              arguments: [record.id, lastAt])
                .map { try $0.visit() }.filter { !$0.isAttempt }.max { $0.id.uuidString < $1.id.uuidString }
            guard latest != nil else { return nil }
        }
        return VisitDigest(latest: latest,
                           lastHomeVisit: try StoreCoding.date(record.lastHomeVisit, column: "elder.lastHomeVisit"),
                           count: count, identicalStreak: record.identicalStreak)
    }
}

/// How many summaries were derived from the stored one plus a new visit, and how many from the
/// whole history (tests check that saves take the quick path).
final class SummaryCounts: Sendable {
    let incremental = Atomic<Int>(0)
    let full = Atomic<Int>(0)
}

// MARK: - Drafts

extension Ledger {
    /// Keeps a half-typed form (as JSON) for `userID` under `key`, replacing an older one.
    /// `waitAtMost`: how long to wait for another program's write before throwing
    /// `LedgerError.busy` (default: the ledger's busy timeout). Drafts written while typing wait
    /// briefly: the screen stood still for seconds behind a write nobody asked for.
    public func saveDraft(userID: UUID, key: String, json: String, waitAtMost: TimeInterval? = nil) throws {
        func save(_ db: Database) throws {
            let now = timestamp()
            let old = try DraftRecord.filter(Column("userId") == userID.uuidString && Column("key") == key).fetchOne(db)
            var record = DraftRecord(id: old?.id ?? RecordID.make().uuidString, userId: userID.uuidString, key: key, json: json)
            record.stamp(at: now, by: userID, old: old)
            try record.save(db)
        }
        guard let waitAtMost, let pool = filePool else { return try write(save) }
        do {
            try pool.writeWithoutTransaction { db in
                let timeout = try Int.fetchOne(db, sql: "PRAGMA busy_timeout") ?? 0
                try db.execute(sql: "PRAGMA busy_timeout = \(Int(waitAtMost * 1000))")
                defer { try? db.execute(sql: "PRAGMA busy_timeout = \(timeout)") }
                try db.inTransaction(.immediate) {
                    try save(db)
                    return .commit
                }
            }
        } catch {
            throw LedgerError.wrap(error)
        }
    }

    /// The draft kept for `userID` under `key`, if any.
    public func draft(userID: UUID, key: String) throws -> String? {
        try read { db in
            try DraftRecord.filter(Column("userId") == userID.uuidString && Column("key") == key).fetchOne(db)?.json
        }
    }

    /// The newest draft of `userID` whose key is `prefix` or starts with `prefix.` (one per elder's
    /// visit sheet), with its key.
    public func latestDraft(userID: UUID, prefix: String) throws -> (key: String, json: String)? {
        try read { db in
            try Row.fetchOne(db, sql: """
                SELECT key, json FROM draft WHERE userId = ? AND (key = ? OR substr(key, 1, ?) = ?)
                ORDER BY updatedAt DESC, rowid DESC LIMIT 1
                """, arguments: [userID.uuidString, prefix, prefix.count + 1, prefix + "."])
                .map { (key: $0["key"], json: $0["json"]) }
        }
    }

    /// Removes a draft once its form is saved or abandoned.
    /// A key ending with a record combined into another meanwhile (`combineElders` moved its
    /// draft to the kept record's key) deletes the draft under the kept record's key.
    public func deleteDraft(userID: UUID, key: String) throws {
        try write { db in
            let deleted = try DraftRecord.filter(Column("userId") == userID.uuidString && Column("key") == key).deleteAll(db)
            guard deleted == 0, let dot = key.lastIndex(of: "."),
                  let id = UUID(uuidString: String(key[key.index(after: dot)...])),
                  let kept = try Ledger.keptElderID(db, id) else { return }
            let moved = String(key[...dot]) + kept.uuidString
            _ = try DraftRecord.filter(Column("userId") == userID.uuidString && Column("key") == moved).deleteAll(db)
        }
    }
}

// MARK: - Audit

extension Ledger {
    func audit<T: Encodable>(_ db: Database, table: String, id: UUID, action: AuditAction,
                             before: T?, after: T?, by user: UUID?, at now: String) throws {
        try Self.audit(db, table: table, id: id, action: action, before: before, after: after, by: user, at: now)
    }

    /// The audit row of a change, for writes made without a ledger at hand (migrations).
    static func audit<T: Encodable>(_ db: Database, table: String, id: UUID, action: AuditAction,
                                    before: T?, after: T?, by user: UUID?, at now: String) throws {
        var record = AuditRecord(id: RecordID.make().uuidString, at: now, userId: user?.uuidString, tableName: table,
                                 recordId: id.uuidString, action: action.rawValue,
                                 before: before.map { StoreCoding.json($0) },
                                 after: after.map { StoreCoding.json($0) })
        record.stamp(at: now, by: user, old: nil)
        try record.insert(db)
    }
}
