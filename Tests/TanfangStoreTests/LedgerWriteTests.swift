import Foundation
import Testing
import GRDB
import TanfangCore
@testable import TanfangStore

@Suite("Ledger writes")
struct LedgerWriteTests {
    @Test("saveVisit inserts the visit, its rule follow-ups and the new summary together")
    func saveVisitCreatesFollowUps() throws {
        // Given an elder whose responsible visitor is visitor1
        let f = try Fixture()
        let elder = try f.ledger.saveElder(f.elder("王秀英"), by: nil, today: f.today)
        // When a home visit finds a safety hazard
        let visit = f.visit(elder, answers: [FieldCode.hasHazard: .yesNo(true)])
        let created = try f.ledger.saveVisit(visit, by: nil, today: f.today)

        // Then a hazard follow-up owned by the responsible visitor is stored
        #expect(created.map(\.type) == [.hazardRectification])
        #expect(created.first?.ownerID == f.visitor1.id)
        #expect(created.first?.visitID == visit.id)
        let file = try #require(try f.ledger.elderFile(id: elder.id))
        #expect(file.visits.map(\.id) == [visit.id])
        #expect(file.followUps.map(\.id) == created.map(\.id))
        // And the summary reflects the visit and the open hazard
        #expect(file.summary.visitCount == 1)
        #expect(file.summary.lastVisit == visit.at)
        #expect(file.summary.lastVisitMethod == .home)
        #expect(file.summary.openHazards == 1)
        #expect(file.summary.openFollowUps == 1)
        #expect(file.summary.nextDue != nil)
        #expect(file.summary.nextDue! > f.today)
        // And both records have an insert audit row
        #expect(try f.ledger.auditTrail(recordID: visit.id).map(\.action) == [.insert])
        #expect(try f.ledger.auditTrail(recordID: created[0].id).map(\.action) == [.insert])
    }

    @Test("A finding already being followed up is not opened again; a different one is")
    func aSameFindingOpensNoSecondFollowUp() throws {
        let f = try Fixture()
        let elder = try f.ledger.saveElder(f.elder("王秀英"), by: nil, today: f.today)
        func hazard(_ detail: String, hour: Int) throws -> [FollowUp] {
            var v = f.visit(elder, answers: [FieldCode.hasHazard: .yesNo(true), FieldCode.hazardDetail: .text(detail)])
            v.at = LocalDateTime(date: f.today, hour: hour, minute: 0)!
            return try f.ledger.saveVisit(v, by: nil, today: f.today)
        }
        // Given a visit that found old wiring, its rectification open
        #expect(try hazard("电线老化", hour: 8).map(\.type) == [.hazardRectification])
        // When a later visit finds the same (a section copied with F6) / Then nothing new is opened
        #expect(try hazard("电线老化", hour: 9).filter { $0.type == .hazardRectification }.isEmpty)
        // When one finds another hazard / Then it has its own follow-up
        #expect(try hazard("燃气管老化", hour: 10).map(\.type) == [.hazardRectification])
        #expect(try f.ledger.elderFile(id: elder.id)?.followUps.count { $0.type == .hazardRectification } == 2)
    }

    @Test("A corrected sheet opens what it now finds and gives its own open follow-up the corrected detail")
    func aCorrectedSheet() throws {
        let f = try Fixture()
        let elder = try f.ledger.saveElder(f.elder("依明"), by: nil, today: f.today)
        // Given a visit saved without a hazard
        var visit = f.visit(elder, answers: [FieldCode.hasHazard: .yesNo(false)])
        #expect(try f.ledger.saveVisit(visit, by: nil, today: f.today).filter { $0.type == .hazardRectification }.isEmpty)
        // When it is corrected: the paper sheet said 电线老化
        visit.answers = f.answers([FieldCode.hasHazard: .yesNo(true), FieldCode.hazardDetail: .text("电线老化")])
        let opened = try f.ledger.saveVisit(visit, by: nil, today: f.today)
        // Then the hazard is opened, from this visit, and the ledger still has one visit
        let hazard = try #require(opened.first { $0.type == .hazardRectification })
        #expect(hazard.visitID == visit.id && hazard.detail.contains("电线老化"))
        var file = try #require(try f.ledger.elderFile(id: elder.id))
        #expect(file.visits.count == 1 && file.visits[0].answers[FieldCode.hasHazard] == .yesNo(true))
        // When it is corrected again (燃气管老化) / Then the same follow-up takes the corrected detail
        visit.answers[FieldCode.hazardDetail] = .text("燃气管老化")
        let again = try f.ledger.saveVisit(visit, by: nil, today: f.today)
        #expect(again.map(\.id) == [hazard.id] && again[0].detail.contains("燃气管老化"))
        file = try #require(try f.ledger.elderFile(id: elder.id))
        #expect(file.followUps.filter { $0.type == .hazardRectification }.count == 1)
        #expect(file.elder.id == elder.id && file.summary.openHazards == 1)
        // When the hazard is corrected away / Then its follow-up, not taken up, is cancelled with the reason
        visit.answers = f.answers([FieldCode.hasHazard: .yesNo(false)])
        let away = try f.ledger.saveVisit(visit, by: nil, today: f.today)
        #expect(away.map(\.id) == [hazard.id] && away[0].status == .cancelled)
        #expect(away[0].closing?.action == "探访记录已更正，不再需要")
        file = try #require(try f.ledger.elderFile(id: elder.id))
        #expect(file.summary.openHazards == 0)
        // When it is corrected back / Then the same follow-up is open again (a third correction opened nothing)
        visit.answers = f.answers([FieldCode.hasHazard: .yesNo(true), FieldCode.hazardDetail: .text("燃气管老化")])
        let back = try f.ledger.saveVisit(visit, by: nil, today: f.today)
        #expect(back.map(\.id) == [hazard.id] && back[0].status == .open && back[0].closing == nil)
        file = try #require(try f.ledger.elderFile(id: elder.id))
        #expect(file.summary.openHazards == 1)
        // When it is taken up (办理中) and then corrected away / Then it is kept as it stands, and returned so
        var taken = back[0]
        taken.status = .inProgress
        try f.ledger.updateFollowUp(taken, by: nil, today: f.today)
        visit.answers = f.answers([FieldCode.hasHazard: .yesNo(false)])
        let kept = try f.ledger.saveVisit(visit, by: nil, today: f.today)
        #expect(kept.map(\.id) == [hazard.id] && kept[0].status == .inProgress)
    }

    @Test("A correction of an old visit that finds something new gives it its time from today, not from the visit")
    func aCorrectedOldVisitsFollowUpIsNotBornOverdue() throws {
        let f = try Fixture()
        let elder = try f.ledger.saveElder(f.elder("陶桂荣"), by: nil, today: f.today)
        var visit = f.visit(elder, on: f.today.adding(days: -20), answers: [FieldCode.hasHazard: .yesNo(false)])
        _ = try f.ledger.saveVisit(visit, by: nil, today: f.today)
        visit.answers = f.answers([FieldCode.hasHazard: .yesNo(true), FieldCode.hazardDetail: .text("燃气管老化")])
        let hazard = try #require(try f.ledger.saveVisit(visit, by: nil, today: f.today).first { $0.type == .hazardRectification })
        #expect(hazard.openedAt == visit.at)
        #expect(hazard.due.date > f.today)
        // And told the time of the correction, it is opened then: no past month's 新增 changes
        let other = try f.ledger.saveElder(f.elder("苏金花"), by: nil, today: f.today)
        var second = f.visit(other, on: f.today.adding(days: -20), answers: [FieldCode.hasHazard: .yesNo(false)])
        _ = try f.ledger.saveVisit(second, by: nil, today: f.today)
        second.answers = f.answers([FieldCode.hasHazard: .yesNo(true), FieldCode.hazardDetail: .text("地面湿滑")])
        let now = LocalDateTime(date: f.today, hour: 15, minute: 30)!
        let opened = try #require(try f.ledger.saveVisit(second, by: nil, today: f.today, now: now).first { $0.type == .hazardRectification })
        #expect(opened.openedAt == now && opened.due > now)
    }

    @Test("A death cancels the elder's open follow-ups as of that day; a death corrected opens them again")
    func aDeathEndsOpenFollowUps() throws {
        let f = try Fixture()
        let elder = try f.ledger.saveElder(f.elder("再乃甫"), by: nil, today: f.today)
        var visit = f.visit(elder, on: f.today.adding(days: -10), answers: [FieldCode.hasHazard: .yesNo(true)])
        visit.answers = f.answers([FieldCode.hasHazard: .yesNo(true), FieldCode.hazardDetail: .text("电线老化")])
        var hazard = try #require(try f.ledger.saveVisit(visit, by: nil, today: f.today).first { $0.type == .hazardRectification })
        hazard.status = .inProgress
        try f.ledger.updateFollowUp(hazard, by: nil, today: f.today)
        // When she dies on the 7th day before today
        let death = f.today.adding(days: -7)
        try f.ledger.changeStatus(elderID: elder.id, to: .deceased, on: death, note: nil, by: nil, today: f.today)
        // Then the hazard is cancelled that day with the reason, and out of the open queue
        var stored = try #require(try f.ledger.elderFile(id: elder.id)?.followUps.first { $0.id == hazard.id })
        #expect(stored.status == .cancelled && stored.closing?.action == "老人已去世，事项终止")
        #expect(stored.closing?.at == LocalDateTime(date: death, hour: 0, minute: 0))
        let now = LocalDateTime(date: f.today, hour: 12, minute: 0)!
        #expect(try f.ledger.followUps(FollowUpQuery(), now: now).allSatisfy { $0.followUp.elderID != elder.id })
        // When the death is corrected (recorded by mistake) / Then it is open again
        try f.ledger.changeStatus(elderID: elder.id, to: .active, on: death, note: "误录", by: nil, today: f.today)
        stored = try #require(try f.ledger.elderFile(id: elder.id)?.followUps.first { $0.id == hazard.id })
        #expect(stored.status == .inProgress && stored.closing == nil)
    }

    @Test("Opening a ledger whose dead elders still have open follow-ups cancels them as of the death, with audit rows")
    func theMigrationEndsWhatTheDeadLeftOpen() throws {
        let today = SupervisionEquivalenceTests.today
        let read: (Ledger) throws -> [Row] = { ledger in
            try ledger.read { db in
                try Row.fetchAll(db, sql: """
                    SELECT f.id, f.status, f.closingAction, f.closingAt, f.closingBy FROM followUp f JOIN elder e ON e.id = f.elderId
                    WHERE e.status = 'deceased' ORDER BY f.id
                    """)
            }
        }
        // Given a ledger from before a death cancelled anything: the demo's cancellations undone
        let upgraded = try UpgradedLedger(seed: 31, today: today, undo: """
            UPDATE followUp SET status = 'open', closingAction = NULL, closingAt = NULL, closingBy = NULL
              WHERE closingAction = '\(Ledger.deathCancelAction)';
            DELETE FROM grdb_migrations WHERE identifier = 'v17-deceased-follow-ups';
            """, read: read)
        defer { upgraded.remove() }
        let cancelled = upgraded.before.filter { ($0["closingAction"] as String?) == Ledger.deathCancelAction }
        #expect(!cancelled.isEmpty)
        // When it is opened / Then they are cancelled again, on the day of the death, by nobody in particular
        let after = try read(upgraded.ledger)
        #expect(after.map { [$0["id"], $0["status"], $0["closingAction"], $0["closingAt"]] as [String?] }
                == upgraded.before.map { [$0["id"], $0["status"], $0["closingAction"], $0["closingAt"]] as [String?] })
        #expect(after.filter { ($0["closingAction"] as String?) == Ledger.deathCancelAction }.allSatisfy { ($0["closingBy"] as String?) == "" })
        // (the words are the catalogs' stored phrases, read in English by an English reader)
        let zh = try Strings.load(.zhHans, resources: ResourceLocator.sourceCheckout)
        #expect(zh.table["stored." + Ledger.deathCancelAction] != nil && zh.table["stored." + Ledger.correctionCancelAction] != nil)
        // And each has its audit row, and none is left in the queue
        let audited = try upgraded.ledger.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM audit WHERE tableName = 'followUp' AND action = 'close' AND userId IS NULL")
        }
        #expect(audited == cancelled.count)
        let now = LocalDateTime(date: today, hour: 12, minute: 0)!
        let dead = Set(try upgraded.ledger.read { db in try String.fetchAll(db, sql: "SELECT id FROM elder WHERE status = 'deceased'") })
        #expect(try upgraded.ledger.followUps(FollowUpQuery(), now: now).allSatisfy { !dead.contains($0.followUp.elderID.uuidString) })
    }

    @Test("An overdue follow-up handed over is flagged with its owner, the person it was handed to, on both paths")
    func anOverdueFollowUpsFlagNamesItsOwner() throws {
        let f = try Fixture()
        let elder = try f.ledger.saveElder(f.elder("阿依古丽"), by: nil, today: f.today)
        var visit = f.visit(elder, on: f.today.adding(days: -20), answers: [FieldCode.hasHazard: .yesNo(true)])
        visit.answers = f.answers([FieldCode.hasHazard: .yesNo(true), FieldCode.hazardDetail: .text("电线老化")])
        var hazard = try #require(try f.ledger.saveVisit(visit, by: nil, today: f.today).first { $0.type == .hazardRectification })
        #expect(hazard.ownerID == f.visitor1.id)
        // When it is handed to the other visitor, and is overdue
        hazard.ownerID = f.visitor2.id
        try f.ledger.updateFollowUp(hazard, by: nil, today: f.today)
        let now = LocalDateTime(date: f.today, hour: 12, minute: 0)!
        let flags = try f.ledger.redFlags(today: f.today, now: now).filter { $0.kind == .followUpOverdue && $0.elderID == elder.id }
        // Then its flag names the new owner, as the reference path does
        #expect(flags.map(\.ownerID) == [f.visitor2.id])
        #expect(try f.ledger.redFlagsReference(today: f.today, now: now).filter { $0.kind == .followUpOverdue && $0.elderID == elder.id }
                == flags)
    }

    @Test("A sheet typed late that reports a hazard fixed since does not open it again; a later finding does")
    func aBackDatedSheetDoesNotReopenAFixedHazard() throws {
        let f = try Fixture()
        let elder = try f.ledger.saveElder(f.elder("苏金花"), by: nil, today: f.today)
        func hazard(day: Int) throws -> [FollowUp] {
            var v = f.visit(elder, answers: [FieldCode.hasHazard: .yesNo(true), FieldCode.hazardDetail: .text("卫生间地面湿滑")])
            v.at = LocalDateTime(date: LocalDate(year: 2026, month: 11, day: day)!, hour: 9, minute: 0)!
            return try f.ledger.saveVisit(v, by: nil, today: f.today)
        }
        // Given the hazard found on 11-10 and fixed on 11-20
        let opened = try #require(try hazard(day: 10).first { $0.type == .hazardRectification })
        try f.ledger.closeFollowUp(id: opened.id, closing: ClosingRecord(action: "已铺防滑垫", at: LocalDateTime("2026-11-20 10:00")!, by: "儿子"),
                                   by: nil, today: f.today)
        // When the sheet of 11-15 (while it was open) is typed afterwards / Then nothing is opened
        #expect(try hazard(day: 15).filter { $0.type == .hazardRectification }.isEmpty)
        // When a visit after the fix finds it again / Then it is a new finding
        #expect(try hazard(day: 22).map(\.type) == [.hazardRectification])
    }

    @Test("An unmet need reported again, with another need added, updates the open referral instead of opening a second")
    func aReferralIsOnePerElder() throws {
        let f = try Fixture()
        let elder = try f.ledger.saveElder(f.elder("王秀英"), by: nil, today: f.today)
        func needs(_ codes: [Int], hour: Int, day: Int = 0) throws -> [FollowUp] {
            var v = f.visit(elder, answers: [FieldCode.needs: .choices(codes), FieldCode.needsMet: .choice(2)])
            v.at = LocalDateTime(date: f.today.adding(days: day), hour: hour, minute: 0)!
            return try f.ledger.saveVisit(v, by: nil, today: f.today)
        }
        // Given a visit that found a need unmet, its referral open
        let opened = try #require(try needs([2], hour: 8).first { $0.type == .referral })
        // When a later visit reports it again with another need / Then the open one comes back, brought up to date
        let again = try needs([2, 3], hour: 9).filter { $0.type == .referral }
        #expect(again.map(\.id) == [opened.id] && again[0].detail != opened.detail)
        // Then one referral is open, its detail the later finding, its due date as it was
        let referrals = try #require(try f.ledger.elderFile(id: elder.id)).followUps.filter { $0.type == .referral }
        #expect(referrals.count == 1 && referrals[0].id == opened.id && referrals[0].due == opened.due)
        #expect(referrals[0].detail == opened.detail + "；" + again[0].detail.components(separatedBy: "；")[1])
        // And the same finding again adds nothing
        #expect(try needs([2, 3], hour: 10).filter { $0.type == .referral }.isEmpty)
        #expect(try f.ledger.auditTrail(recordID: opened.id).map(\.action) == [.insert, .update])
        // And a sheet back-dated before the referral leaves its detail alone
        _ = try needs([4], hour: 7, day: -1)
        #expect(try f.ledger.elderFile(id: elder.id)?.followUps.first { $0.type == .referral }?.detail == referrals[0].detail)
        // And the same finding adds nothing also when words were added to it by hand since (it went in twice)
        var edited = try #require(try f.ledger.elderFile(id: elder.id)?.followUps.first { $0.type == .referral })
        edited.detail += "，已联系康复中心"
        try f.ledger.updateFollowUp(edited, by: nil, today: f.today)
        #expect(try needs([2, 3], hour: 11).filter { $0.type == .referral }.isEmpty)
        #expect(try f.ledger.elderFile(id: elder.id)?.followUps.first { $0.type == .referral }?.detail == edited.detail)
        // When the referral is closed, the next unmet need opens a new one
        _ = try f.ledger.closeFollowUp(id: opened.id, closing: ClosingRecord(action: "已转介", at: LocalDateTime(
            date: f.today, hour: 12, minute: 0)!, by: "张网格"), by: nil, today: f.today)
        #expect(try needs([2], hour: 13).map(\.type).contains(.referral))
    }

    @Test("A home visit that found nobody opens a revisit, which the next home visit that finds the elder closes")
    func revisitClosedByTheVisitThatFindsTheElder() throws {
        let f = try Fixture()
        let elder = try f.ledger.saveElder(f.elder("王秀英"), by: nil, today: f.today)
        // Given a home visit that found nobody, the day before
        let attempt = Visit(elderID: elder.id, at: LocalDateTime(date: f.today.adding(days: -1), hour: 10, minute: 0)!,
                            visitorIDs: [f.visitor1.id], method: .home, seenInPerson: false)
        let opened = try f.ledger.saveVisit(attempt, by: nil, today: f.today)
        #expect(opened.map(\.type) == [.revisit] && opened.first?.ownerID == f.visitor1.id)
        // And a second home visit that finds nobody leaves that revisit to be answered, opening no other
        let again = Visit(elderID: elder.id, at: LocalDateTime(date: f.today.adding(days: -1), hour: 16, minute: 0)!,
                          visitorIDs: [f.visitor1.id], method: .home, seenInPerson: false)
        #expect(try f.ledger.saveVisit(again, by: nil, today: f.today).isEmpty)
        #expect(try f.ledger.elderFile(id: elder.id)?.followUps.count { $0.type == .revisit } == 1)
        // When a phone call reaches the elder / Then the revisit stays open
        _ = try f.ledger.saveVisit(f.visit(elder, method: .phone), by: nil, today: f.today)
        #expect(try f.ledger.elderFile(id: elder.id)?.followUps.first { $0.type == .revisit }?.status == .open)
        // When a home visit finds the elder
        var home = f.visit(elder)
        home.at = LocalDateTime(date: f.today, hour: 15, minute: 0)!
        let result = try f.ledger.saveVisit(home, by: nil, today: f.today)
        // Then the revisit is closed with that visit as its record, and handed back closed
        let revisit = try #require(try f.ledger.elderFile(id: elder.id)?.followUps.first { $0.type == .revisit })
        #expect(revisit.status == .done)
        #expect(revisit.closing == ClosingRecord(action: "再次上门，见到本人", at: home.at, by: f.visitor1.name))
        #expect(result.contains { $0.id == revisit.id && $0.status == .done })
        #expect(try f.ledger.elderFile(id: elder.id)?.summary.openFollowUps == 0)
        #expect(try f.ledger.auditTrail(recordID: revisit.id).map(\.action) == [.insert, .close])
    }

    @Test("Two screens editing one elder: the second save is refused, naming who changed it; a follow-up is closed once")
    func concurrentEdits() throws {
        let f = try Fixture()
        let clerk = try f.ledger.saveUser(User(name: "王丽娟", role: .clerk, areaID: f.village1.id, pinHash: ""), pin: "2468")
        let loaded = try f.ledger.saveElder(f.elder("孙桂兰"), by: nil, today: f.today)
        // Given two forms on the same elder; one saves a new ethnicity
        var first = loaded
        first.ethnicity = "汉族"
        _ = try f.ledger.saveElder(first, basedOn: loaded, by: clerk.id, today: f.today)
        // When the other, loaded before, saves a new address
        var second = loaded
        second.address = "阿克达拉村1组20号"
        #expect {
            _ = try f.ledger.saveElder(second, basedOn: loaded, by: nil, today: f.today)
        } throws: { error in
            (error as? LedgerError)?.messageKey == "store.error.elderChangedMeanwhile" && (error as? LedgerError)?.args == ["王丽娟"]
        }
        // Then the first change stands
        #expect(try f.ledger.elderFile(id: loaded.id)?.elder.ethnicity == "汉族")
        // And a follow-up closed from one screen cannot be closed again from another
        let created = try f.ledger.saveVisit(f.visit(loaded, answers: [FieldCode.hasHazard: .yesNo(true)]), by: nil, today: f.today)
        let hazard = try #require(created.first)
        let at = LocalDateTime(date: f.today, hour: 16, minute: 0)!
        _ = try f.ledger.closeFollowUp(id: hazard.id, closing: ClosingRecord(action: "已修", at: at, by: "张网格"), by: nil, today: f.today)
        #expect(throws: LedgerError.self) {
            _ = try f.ledger.closeFollowUp(id: hazard.id, closing: ClosingRecord(action: "另一说法", at: at, by: "李"), by: nil,
                                           today: f.today)
        }
        #expect(try f.ledger.elderFile(id: loaded.id)?.followUps.first { $0.id == hazard.id }?.closing?.action == "已修")
        // Nor marked in progress from a screen that still shows it open (which reopened it, the closing lost)
        var stale = hazard
        stale.status = .inProgress
        #expect {
            try f.ledger.updateFollowUp(stale, by: nil, today: f.today)
        } throws: { error in
            (error as? LedgerError)?.messageKey == "store.error.followUpAlreadyClosed" && (error as? LedgerError)?.args == ["张网格", "已修"]
        }
        let kept = try f.ledger.elderFile(id: loaded.id)?.followUps.first { $0.id == hazard.id }
        #expect(kept?.status == .done && kept?.closing?.action == "已修")
    }

    @Test("A visit that fails validation writes nothing at all")
    func invalidVisitWritesNothing() throws {
        // Given an elder
        let f = try Fixture()
        let elder = try f.ledger.saveElder(f.elder("王秀英"), by: nil, today: f.today)
        let before = try #require(try f.ledger.elderFile(id: elder.id)).summary
        // When a visit with no answers and no visitor is saved
        let visit = Visit(elderID: elder.id, at: LocalDateTime(date: f.today, hour: 9, minute: 0)!,
                          visitorIDs: [], method: .home, seenInPerson: true,
                          answers: [FieldCode.hasHazard: .yesNo(true)])
        #expect {
            try f.ledger.saveVisit(visit, by: nil, today: f.today)
        } throws: { error in
            guard case LedgerError.invalidVisit(let issues) = error else { return false }
            return issues.contains { $0.fieldCode == FormValidator.visitorsField }
                && issues.contains { $0.fieldCode == FieldCode.mobility }
        }
        // Then no visit, follow-up, audit row or summary change exists
        let file = try #require(try f.ledger.elderFile(id: elder.id))
        #expect(file.visits.isEmpty)
        #expect(file.followUps.isEmpty)
        #expect(file.summary == before)
        #expect(try f.ledger.auditTrail(recordID: visit.id).isEmpty)
    }

    @Test("A visit for an unknown elder rolls back entirely")
    func visitForUnknownElder() throws {
        let f = try Fixture()
        let ghost = f.elder("无名")
        let visit = f.visit(ghost, answers: [FieldCode.hasHazard: .yesNo(true)])
        #expect(throws: LedgerError.notFound(table: "elder", id: ghost.id)) {
            try f.ledger.saveVisit(visit, by: nil, today: f.today)
        }
        #expect(try f.ledger.auditTrail(recordID: visit.id).isEmpty)
    }

    @Test("Audit rows record who changed an elder and the JSON before and after")
    func auditBeforeAfter() throws {
        // Given a clerk and an elder saved by them
        let f = try Fixture()
        let clerk = try f.ledger.saveUser(User(name: "文书", role: .clerk, areaID: f.village1.id, pinHash: ""), pin: "2468")
        var elder = try f.ledger.saveElder(f.elder("王秀英"), by: clerk.id, today: f.today)
        // When the address is corrected
        elder.address = "东村3组12号"
        try f.ledger.saveElder(elder, by: clerk.id, today: f.today)

        // Then two audit rows, both attributed, the second with the old and new address
        let trail = try f.ledger.auditTrail(recordID: elder.id)
        #expect(trail.map(\.action) == [.insert, .update])
        #expect(trail.allSatisfy { $0.userID == clerk.id && $0.tableName == "elder" })
        #expect(trail[0].before == nil)
        let before = try JSONDecoder().decode(Elder.self, from: Data(try #require(trail[1].before).utf8))
        let after = try JSONDecoder().decode(Elder.self, from: Data(try #require(trail[1].after).utf8))
        #expect(before.address == nil)
        #expect(after.address == "东村3组12号")
    }

    @Test("An invalid ID number is refused naming the field, never the number")
    func invalidIDNumber() throws {
        let f = try Fixture()
        var good = Fixture.idNumber(born: "19440315")
        let bad = String(good.dropLast()) + (good.last == "1" ? "2" : "1")
        // When an elder with a wrong check character is saved
        do {
            try f.ledger.saveElder(f.elder("王秀英", idNumber: bad), by: nil, today: f.today)
            Issue.record("expected an error")
        } catch let error as LedgerError {
            // Then the error names idNumber and its text does not contain the number
            #expect(error.field == "idNumber")
            #expect(error.messageKey == IDNumberError.checkCharacter.messageKey)
            #expect(!error.description.contains(bad))
        }
        // And a lower-case x or full-width digits are stored normalized, with the birth date taken from it
        good = good.replacingOccurrences(of: "X", with: "x")
        let fullWidth = String(good.map { ch -> Character in
            guard let d = ch.wholeNumberValue, ch.isASCII else { return ch }
            return Character(Unicode.Scalar(0xFF10 + UInt32(d))!)
        })
        let saved = try f.ledger.saveElder(f.elder("李桂兰", idNumber: fullWidth), by: nil, today: f.today)
        #expect(saved.idNumber == IDNumber.normalize(good))
        #expect(saved.birthDate == LocalDate(year: 1944, month: 3, day: 15))
        #expect(try f.ledger.elderFile(id: saved.id)?.elder.idNumber == IDNumber.normalize(good))
    }

    @Test("An ID number another elder holds is refused, naming who holds it; nothing is written")
    func idNumberHeldByAnother() throws {
        // Given 王秀英 in 东村 with an ID number
        let f = try Fixture()
        let number = Fixture.idNumber(born: "19440315")
        let first = try f.ledger.saveElder(f.elder("王秀英", idNumber: number), by: nil, today: f.today)
        // When a new elder in 西村 is saved with the same number
        let second = f.elder("王秀英二", village: f.village2, idNumber: number)
        #expect {
            try f.ledger.saveElder(second, by: nil, today: f.today)
        } throws: { error in
            guard let error = error as? LedgerError, case .invalidField(let field, let key, let args) = error else { return false }
            return field == "idNumber" && key == "store.error.idNumberTaken" && args == ["王秀英", "东村"]
        }
        // Then nothing of the second elder is stored
        #expect(try f.ledger.elderFile(id: second.id) == nil)
        // And 王秀英 herself is saved again with her own number
        var edited = try #require(try f.ledger.elderFile(id: first.id)).elder
        edited.phone = "13800000000"
        #expect(try f.ledger.saveElder(edited, by: nil, today: f.today).phone == "13800000000")
        // And an elder already sharing the number (brought by a merge) can still be edited otherwise
        var twin = f.elder("王秀英", village: f.village2)
        twin = try f.ledger.saveElder(twin, by: nil, today: f.today)
        try f.ledger.write { db in
            try db.execute(sql: "UPDATE elder SET idNumber = ? WHERE id = ?", arguments: [number, twin.id.uuidString])
        }
        var twinEdited = try #require(try f.ledger.elderFile(id: twin.id)).elder
        twinEdited.address = "西村1组"
        #expect(try f.ledger.saveElder(twinEdited, by: nil, today: f.today).address == "西村1组")
    }

    @Test("A status change appends to history and takes the elder off the due lists")
    func statusChangeKeepsHistory() throws {
        // Given an elder active since 2025 and never visited: overdue
        let f = try Fixture()
        let elder = try f.ledger.saveElder(f.elder("王秀英"), by: nil, today: f.today)
        let overdue = RosterQuery(due: .overdue, status: nil, today: f.today)
        #expect(try f.ledger.roster(overdue).rows.map(\.elder.id) == [elder.id])

        // When the elder goes to hospital
        let changed = try f.ledger.changeStatus(elderID: elder.id, to: .hospitalized, on: f.today.adding(days: -2),
                                                note: "肺炎住院", by: nil, today: f.today)

        // Then both entries are kept, oldest first
        #expect(changed.statusHistory.map(\.status) == [.active, .hospitalized])
        let file = try #require(try f.ledger.elderFile(id: elder.id))
        #expect(file.elder.statusHistory == changed.statusHistory)
        #expect(file.summary.nextDue == nil)
        // And the elder is no longer overdue but inactive
        #expect(try f.ledger.roster(overdue).rows.isEmpty)
        #expect(try f.ledger.roster(RosterQuery(due: .inactive, status: nil, today: f.today)).rows.count == 1)
        #expect(try f.ledger.roster(RosterQuery(today: f.today)).rows.isEmpty)  // default: active only
        #expect(try f.ledger.auditTrail(recordID: elder.id).map(\.action) == [.insert, .statusChange])

        // And the history cannot be rewritten through saveElder
        var rewritten = file.elder
        rewritten.statusHistory = [StatusChange(date: f.today, status: .active)]
        #expect(throws: LedgerError.self) { try f.ledger.saveElder(rewritten, by: nil, today: f.today) }
        // Nor can a change be dated before the last one
        #expect(throws: LedgerError.self) {
            try f.ledger.changeStatus(elderID: elder.id, to: .active, on: f.today.adding(days: -10),
                                      note: nil, by: nil, today: f.today)
        }
    }

    @Test("Closing a follow-up stores the closing record and recomputes the summary")
    func closeFollowUp() throws {
        let f = try Fixture()
        let elder = try f.ledger.saveElder(f.elder("王秀英"), by: nil, today: f.today)
        let created = try f.ledger.saveVisit(f.visit(elder, answers: [FieldCode.hasHazard: .yesNo(true)]),
                                             by: nil, today: f.today)
        let hazard = try #require(created.first)
        // When the hazard is rectified
        let closing = ClosingRecord(action: "更换电线", at: LocalDateTime(date: f.today, hour: 16, minute: 0)!, by: "张网格")
        let closed = try f.ledger.closeFollowUp(id: hazard.id, closing: closing, by: nil, today: f.today)
        // Then it is done with its closing record, and nothing is open any more
        #expect(closed.status == .done)
        #expect(closed.closing == closing)
        let file = try #require(try f.ledger.elderFile(id: elder.id))
        #expect(file.followUps.first?.closing == closing)
        #expect(file.summary.openHazards == 0)
        #expect(file.summary.openFollowUps == 0)
        #expect(try f.ledger.auditTrail(recordID: hazard.id).map(\.action) == [.insert, .close])
        // And closing with an open status is refused
        #expect(throws: LedgerError.self) {
            try f.ledger.closeFollowUp(id: hazard.id, closing: closing, status: .inProgress, by: nil, today: f.today)
        }
    }

    @Test("PINs are stored salted and hashed, and verified")
    func pins() throws {
        let f = try Fixture()
        let user = try f.ledger.saveUser(User(name: "文书", role: .clerk, areaID: f.village1.id, pinHash: ""), pin: "2468")
        // Then the stored hash is salt$hex, not the PIN
        let parts = user.pinHash.split(separator: "$")
        #expect(parts.count == 2 && parts[0].count == 32 && parts[1].count == 64)
        #expect(!user.pinHash.contains("2468"))
        #expect(try f.ledger.verifyPIN(userName: "文书", pin: "2468")?.id == user.id)
        #expect(try f.ledger.verifyPIN(userName: "文书", pin: "1357") == nil)
        #expect(try f.ledger.verifyPIN(userName: "无此人", pin: "2468") == nil)
        // And two users with the same PIN get different hashes (salt)
        let other = try f.ledger.saveUser(User(name: "网格员", role: .gridWorker, areaID: f.village1.id, pinHash: ""), pin: "2468")
        #expect(other.pinHash != user.pinHash)
        // And the audit trail never holds the hash
        let trail = try f.ledger.auditTrail(recordID: user.id)
        #expect(trail.count == 1)
        #expect(!(trail[0].after ?? "").contains(user.pinHash))
        // And updating without a PIN keeps the old one
        var renamed = user
        renamed.name = "文书甲"
        try f.ledger.saveUser(renamed, pin: nil)
        #expect(try f.ledger.verifyPIN(userName: "文书甲", pin: "2468") != nil)
        // And a PIN of blanks, or with one, is refused as too short is, for a login and through setup
        for pin in ["    ", "12 34", "123"] {
            #expect(throws: LedgerError.invalidField(field: "pin", messageKey: "store.error.pinTooShort", args: ["4"])) {
                try f.ledger.saveUser(renamed, pin: pin)
            }
            #expect(throws: LedgerError.invalidField(field: "pin", messageKey: "store.error.pinTooShort", args: ["4"])) {
                try f.ledger.setupUser(name: "新人", role: .clerk, areaID: f.village1.id, pin: pin, phone: nil, by: nil)
            }
        }
        #expect(try f.ledger.verifyPIN(userName: "文书甲", pin: "2468") != nil)
    }

    @Test("Five wrong PINs in a row pause the login for five minutes, even for the right PIN; a new PIN ends it")
    func pinPause() throws {
        // Given a ledger whose clock a test moves
        final class Clock: @unchecked Sendable { var now = Date(timeIntervalSince1970: 1_795_000_000) }
        let clock = Clock()
        let ledger = try Ledger.inMemory(rules: Fixture.rules, clock: { clock.now })
        let place = Place(code: "650102", name: "天山区", level: .county, parentID: nil)
        try ledger.savePlace(place)
        let user = try ledger.saveUser(User(name: "督导", role: .supervisor, areaID: place.id, pinHash: ""), pin: "2468")
        // When the PIN is mistyped four times, each is refused, counting down; the fifth pauses the login
        for left in [4, 3, 2, 1] {
            #expect(try ledger.verifyPIN(userName: "督导", pin: "0000") == nil)
            #expect(try ledger.pinAttemptsLeft(userName: "督导") == left)
        }
        #expect(throws: LedgerError.pinLocked(minutes: 5)) { try ledger.verifyPIN(userName: "督导", pin: "0000") }
        // Then the next try is paused, the right PIN too, with the minutes left
        #expect(throws: LedgerError.pinLocked(minutes: 5)) { try ledger.verifyPIN(userName: "督导", pin: "2468") }
        clock.now += 170
        #expect(throws: LedgerError.pinLocked(minutes: 3)) { try ledger.verifyPIN(userName: "督导", pin: "2468") }
        // And after five minutes the right PIN opens, and the count starts again
        clock.now += 140
        #expect(try ledger.verifyPIN(userName: "督导", pin: "2468")?.id == user.id)
        for _ in 0..<4 { #expect(try ledger.verifyPIN(userName: "督导", pin: "0000") == nil) }
        #expect(try ledger.verifyPIN(userName: "督导", pin: "2468")?.id == user.id)
        #expect(try ledger.pinAttemptsLeft(userName: "督导") == 5)
        // And a PIN set anew by an administrator ends a pause
        for _ in 0..<5 { _ = try? ledger.verifyPIN(userName: "督导", pin: "0000") }
        try ledger.saveUser(user, pin: "1357")
        #expect(try ledger.verifyPIN(userName: "督导", pin: "1357")?.id == user.id)
    }

    @Test("Drafts are kept per user and key, replaced and deleted")
    func drafts() throws {
        let f = try Fixture()
        let user = try f.ledger.saveUser(User(name: "文书", role: .clerk, areaID: f.village1.id, pinHash: ""), pin: "2468")
        try f.ledger.saveDraft(userID: user.id, key: "visit:1", json: #"{"a":1}"#)
        try f.ledger.saveDraft(userID: user.id, key: "visit:1", json: #"{"a":2}"#)
        #expect(try f.ledger.draft(userID: user.id, key: "visit:1") == #"{"a":2}"#)
        #expect(try f.ledger.draft(userID: user.id, key: "visit:2") == nil)
        try f.ledger.deleteDraft(userID: user.id, key: "visit:1")
        #expect(try f.ledger.draft(userID: user.id, key: "visit:1") == nil)
    }

    @Test("The newest visit draft is found among the elders' own; an old single draft moves to its elder's key")
    func draftsPerElder() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("drafts-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("l.sqlite").path
        let a = UUID(), b = UUID()
        var ledger: Ledger? = try Ledger(path: path, rules: Fixture.rules, clock: { Date(timeIntervalSince1970: 1_800_000_000) })
        let f = try Fixture()
        try ledger!.savePlace(f.county)
        try ledger!.savePlace(f.township)
        try ledger!.savePlace(f.village1)
        let user = try ledger!.saveUser(User(name: "文书", role: .clerk, areaID: f.village1.id, pinHash: ""), pin: "2468")
        try ledger!.saveDraft(userID: user.id, key: "visit.\(a.uuidString)", json: #"{"n":1}"#)
        try ledger!.saveDraft(userID: user.id, key: "visitor.x", json: #"{"n":9}"#)
        try ledger!.saveDraft(userID: user.id, key: "visit.\(b.uuidString)", json: #"{"n":2}"#)
        #expect(try ledger!.latestDraft(userID: user.id, prefix: "visit")?.key == "visit.\(b.uuidString)")
        // Given a draft kept the old way, under "visit" for the whole user
        try ledger!.deleteDraft(userID: user.id, key: "visit.\(b.uuidString)")
        try ledger!.saveDraft(userID: user.id, key: "visit", json: #"{"elderID":"\#(b.uuidString.lowercased())","n":3}"#)
        ledger = nil
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = 'v11-draft-per-elder'") }
        try queue.close()
        // When the ledger is opened by this version / Then it waits under its elder's key
        let reopened = try Ledger(path: path, rules: Fixture.rules)
        #expect(try reopened.draft(userID: user.id, key: "visit") == nil)
        #expect(try reopened.draft(userID: user.id, key: "visit.\(b.uuidString)")?.contains(#""n":3"#) == true)
        #expect(try reopened.draft(userID: user.id, key: "visit.\(a.uuidString)") == #"{"n":1}"#)
    }

    @Test("A special period tightens the next due date of the elders it covers only")
    func specialPeriod() throws {
        // Given two elders visited today, one in each village
        let f = try Fixture()
        let east = try f.ledger.saveElder(f.elder("王秀英", village: f.village1), by: nil, today: f.today)
        let west = try f.ledger.saveElder(f.elder("李桂兰", village: f.village2, visitor: f.visitor2), by: nil, today: f.today)
        try f.ledger.saveVisit(f.visit(east), by: nil, today: f.today)
        try f.ledger.saveVisit(f.visit(west), by: nil, today: f.today)
        let westDue = try #require(try f.ledger.elderFile(id: west.id)).summary.nextDue
        // When a cold wave in the east village asks for visits every 2 days
        let period = SpecialPeriod(name: "寒潮", kind: .coldWave, from: f.today, to: f.today.adding(days: 10),
                                   intervalDays: 2, villageIDs: [f.village1.id])
        try f.ledger.saveSpecialPeriod(period, by: nil, today: f.today)
        // Then the east elder is due within 2 days, the west elder unchanged
        #expect(try f.ledger.elderFile(id: east.id)?.summary.nextDue == f.today.adding(days: 2))
        #expect(try f.ledger.elderFile(id: west.id)?.summary.nextDue == westDue)
        #expect(try f.ledger.specialPeriods() == [period])
        // And the east elder's file names the period (why the date came early), the west one's does not
        #expect(try f.ledger.elderFile(id: east.id)?.periods == [period])
        #expect(try f.ledger.elderFile(id: west.id)?.periods == [])
        // When it is withdrawn / Then the east elder's due date is as before, and the audit keeps it
        try f.ledger.removeSpecialPeriod(id: period.id, by: nil, today: f.today)
        #expect(try f.ledger.elderFile(id: east.id)?.summary.nextDue == westDue)
        #expect(try f.ledger.auditTrail(recordID: period.id).map(\.action) == [.insert, .delete])
    }

    @Test("refreshSummaries recomputes due states for a later day")
    func refreshSummaries() throws {
        let f = try Fixture()
        let elder = try f.ledger.saveElder(f.elder("王秀英"), by: nil, today: f.today)
        try f.ledger.saveVisit(f.visit(elder), by: nil, today: f.today)
        #expect(try f.ledger.summariesComputedOn() == f.today)
        let later = f.today.adding(days: 90)
        try f.ledger.refreshSummaries(today: later)
        #expect(try f.ledger.summariesComputedOn() == later)
        #expect(try f.ledger.roster(RosterQuery(due: .overdue, today: later)).rows.map(\.elder.id) == [elder.id])
    }

    @Test("Every elder field reads back as saved")
    func elderRoundTrip() throws {
        // Given an elder with every field filled, quotes and newlines in free text
        let f = try Fixture()
        var elder = f.elder("阿依古丽·买买提", born: LocalDate(year: 1940, month: 2, day: 29),
                            idNumber: Fixture.idNumber(born: "19400229", sequence: "124"), phone: "0999-8021234",
                            categories: [.livingAlone, .disabled, .destitute])
        elder.gender = .female
        elder.ethnicity = "维吾尔族"
        elder.address = "东村\"幸福\"巷 7 号"
        elder.gridID = f.grid1.id
        elder.disabilityDegree = .moderate
        elder.livingArrangement = .alone
        elder.supporters = [Supporter(name: "买买提", relation: "儿子", phone: "13800000000", residence: "乌鲁木齐市"),
                            Supporter(name: "古丽", relation: "女儿")]
        elder.emergencyContacts = [Contact(name: "邻居\n老李", relation: "邻居", phone: "13700000000")]
        elder.wishes = "希望有人\t陪伴"
        elder.remote = true
        elder.riskOverride = RiskOverride(level: .high, reason: "独居且冬季取暖困难")
        elder.statusHistory = [StatusChange(date: LocalDate(year: 2020, month: 1, day: 1)!, status: .active),
                               StatusChange(date: LocalDate(year: 2021, month: 3, day: 1)!, status: .hospitalized, note: "骨折"),
                               StatusChange(date: LocalDate(year: 2021, month: 5, day: 1)!, status: .active)]
        elder.sources = ["残联", "村委会摸底"]
        // When saved and read back
        let saved = try f.ledger.saveElder(elder, by: nil, today: f.today)
        let file = try #require(try f.ledger.elderFile(id: elder.id))
        // Then nothing changed, and the override shows in the summary
        #expect(saved == elder)
        #expect(file.elder == elder)
        #expect(file.summary.risk.level == .high)
        #expect(file.summary.risk.overridden)
    }

    @Test("Updating a follow-up is audited and moves the earliest due date")
    func updateFollowUp() throws {
        let f = try Fixture()
        let elder = try f.ledger.saveElder(f.elder("王秀英"), by: nil, today: f.today)
        let created = try f.ledger.saveVisit(f.visit(elder, answers: [FieldCode.hasHazard: .yesNo(true)]),
                                             by: nil, today: f.today)
        var hazard = try #require(created.first)
        // When the due date is brought forward and the owner changed
        hazard.due = LocalDateTime(date: f.today.adding(days: 1), hour: 18, minute: 0)!
        hazard.ownerID = f.visitor2.id
        hazard.status = .inProgress
        try f.ledger.updateFollowUp(hazard, by: nil, today: f.today)
        // Then the follow-up, the summary and the audit trail follow
        let file = try #require(try f.ledger.elderFile(id: elder.id))
        #expect(file.followUps == [hazard])
        #expect(file.summary.earliestFollowUpDue == hazard.due)
        #expect(file.summary.openHazards == 1)
        #expect(try f.ledger.auditTrail(recordID: hazard.id).map(\.action) == [.insert, .update])
    }
}
