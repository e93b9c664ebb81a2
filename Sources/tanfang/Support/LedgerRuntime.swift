import Foundation
import TanfangCore
import TanfangStore
import TanfangUI

/// Performs the screens' data requests against the ledger and turns every outcome, errors
/// included, into a `DataResponse` (bubbletea's commands and messages).
final class LedgerRuntime {
    let ledger: Ledger
    let strings: Strings
    /// Who is logged in (for the audit trail and drafts); set on a successful login.
    private(set) var user: User?
    /// What the logged-in user may see; reports and red flags are cut to it.
    private(set) var scope: AccessScope = .everything
    private let now: () -> LocalDateTime

    init(ledger: Ledger, strings: Strings, now: @escaping () -> LocalDateTime) {
        self.ledger = ledger
        self.strings = strings
        self.now = now
    }

    /// Drafts the ledger was too busy to take (another program writing), by key: written with a
    /// later request, or by `writePendingDrafts(wait: nil)` at the end. Typing never waits for a draft.
    private(set) var pendingDrafts: [String: String] = [:]
    /// How long a draft written while typing waits for another program's write.
    static let draftWait: TimeInterval = 0.2
    /// After the ledger was found busy, drafts are kept back without trying for this long: a try on
    /// every field left made each move wait while another program held the ledger.
    var busyPause: TimeInterval = 3
    private var busySince: Date?

    func perform(_ request: DataRequest) -> DataResponse? {
        if !pendingDrafts.isEmpty, !inBusyPause { writePendingDrafts(wait: Self.draftWait) }
        do {
            return try run(request)
        } catch LedgerError.invalidVisit(let issues) {
            return .visitInvalid(issues)
        } catch let error as LedgerError {
            var text = strings.format(error.messageKey, error.args.map { strings.table[$0] ?? $0 })
            if let field = error.field { text = strings["field.name.\(field)"] + "：" + text }
            return .failed(message: text)
        } catch {
            return .failed(message: String(describing: error))
        }
    }

    private var today: LocalDate { now().date }

    private var inBusyPause: Bool { busySince.map { Date().timeIntervalSince($0) < busyPause } ?? false }

    /// Writes the drafts kept back, each waiting at most `wait` (nil: the ledger's busy timeout);
    /// those the ledger is still too busy for stay kept. Any other failure drops the draft: it
    /// would fail the same way again.
    func writePendingDrafts(wait: TimeInterval?) {
        guard let user else { return }
        for (key, json) in pendingDrafts.sorted(by: { $0.key < $1.key }) {
            do {
                try ledger.saveDraft(userID: user.id, key: key, json: json, waitAtMost: wait)
                pendingDrafts[key] = nil
                busySince = nil
            } catch LedgerError.busy {
                busySince = Date()
                return
            } catch {
                pendingDrafts[key] = nil
            }
        }
    }

    private func run(_ request: DataRequest) throws -> DataResponse? {
        switch request {
        case .newDay(let day):
            try ledger.refreshSummaries(today: day)
            return nil
        case .users:
            return .users(try ledger.users())
        case .login(let userID, let pin):
            guard let candidate = try ledger.users().first(where: { $0.id == userID }) else { return .loginFailed(attemptsLeft: Ledger.pinAttempts) }
            guard let user = try ledger.verifyPIN(userName: candidate.name, pin: pin) else {
                return .loginFailed(attemptsLeft: try ledger.pinAttemptsLeft(userName: candidate.name))
            }
            self.user = user
            scope = try ledger.scope(for: user)
            return .loggedIn(user, scope)
        case .roster(let query):
            return .roster(try ledger.roster(query))
        case .elderFile(let id):
            return .elderFile(try ledger.elderFile(id: id))
        case .saveElder(let elder, let basedOn):
            return .elderSaved(try ledger.saveElder(elder, basedOn: basedOn, by: user?.id, today: today))
        case .changeStatus(let elderID, let status, let date, let note):
            try ledger.changeStatus(elderID: elderID, to: status, on: date, note: note, by: user?.id, today: today)
            return .statusChanged(elderID: elderID)
        case .combineElders(let keep, let fold):
            // A village's roster is the clerk's (or an administrator's) to change, not a grid worker's.
            guard let role = user?.role, role == .clerk || role == .admin else {
                throw LedgerError.invalidField(field: "elder", messageKey: "store.error.combineRole", args: [])
            }
            _ = try ledger.combineElders(keep: keep, fold: fold, by: user?.id, today: today, scope: scope)
            return .eldersCombined(kept: keep)
        case .saveVisit(let visit):
            let followUps = try ledger.saveVisit(visit, by: user?.id, today: today, now: now())
            return .visitSaved(visit, followUps: followUps)
        case .followUps(let query):
            return .followUps(try ledger.followUpPage(query, now: now()))
        case .saveFollowUp(let followUp):
            try ledger.updateFollowUp(followUp, by: user?.id, today: today)
            return .followUpSaved(followUp)
        case .closeFollowUp(let id, let closing, let status):
            // The closed follow-up as stored (re-reading the whole queue took seconds at county scale).
            return .followUpSaved(try ledger.closeFollowUp(id: id, closing: closing, status: status, by: user?.id,
                                                           today: today))
        case .redFlags:
            // The names come from the same read as the flags, not from a second lookup per elder.
            let list = try ledger.redFlagList(today: today, now: now(), scope: scope)
            return .redFlags(list.flags, elderNames: list.elderNames,
                             periods: try ledger.specialPeriods().filter { $0.inForce(on: today, within: scope) })
        case .monthlyReport(let month):
            return .monthlyReport(try ledger.monthlyReport(month: month, scope: scope, now: now()))
        case .elderNames(let ids):
            let found = try ledger.elderNames(Set(ids))
            return .elderNames(found.mapValues(\.name), villages: found.mapValues(\.villageID),
                               visitors: found.compactMapValues(\.visitorID))
        case .saveDraft(let key, let json):
            guard user != nil else { return nil }
            pendingDrafts[key] = json
            if !inBusyPause { writePendingDrafts(wait: Self.draftWait) }
            return nil
        case .loadDraft(let key):
            guard let user else { return .draft(key: key, json: nil) }
            return .draft(key: key, json: try ledger.draft(userID: user.id, key: key))
        case .latestDraft(let prefix):
            guard let user, let found = try ledger.latestDraft(userID: user.id, prefix: prefix) else {
                return .draft(key: prefix, json: nil)
            }
            return .draft(key: found.key, json: found.json)
        case .deleteDraft(let key):
            pendingDrafts[key] = nil
            guard let user else { return nil }
            try ledger.deleteDraft(userID: user.id, key: key)
            return nil
        case .exportMonthly(let month, let format, let path, let replace):
            try ReportFiles.checkExtension(path, format: format, strings: strings)
            if !replace, let existing = ReportFiles.existingFile(path) { return .exportWouldReplace(path: existing) }
            let report = try ledger.monthlyReport(month: month, scope: scope, now: now())
            let data = try ReportFiles.monthly(report, format: format, ledger: ledger, strings: strings, today: today)
            return .exported(path: try ReportFiles.save(data, to: path, strings: strings))
        case .exportRedFlags(let format, let path, let replace, let only):
            try ReportFiles.checkExtension(path, format: format, strings: strings)
            if !replace, let existing = ReportFiles.existingFile(path) { return .exportWouldReplace(path: existing) }
            let lines = try only.map { try ReportFiles.redFlagLines($0, ledger: ledger, strings: strings) }
                ?? ReportFiles.redFlagLines(ledger: ledger, strings: strings, today: today, now: now(), scope: scope)
            let data = try ReportFiles.redFlags(lines, format: format, strings: strings)
            return .exported(path: try ReportFiles.save(data, to: path, strings: strings))
        case .previewImport(let path, let village):
            let job = try RosterImportJob.prepare(path: ReportFiles.expandedPath(path), village: village, source: nil,
                                                  ledger: ledger, strings: strings, today: today, scope: scope)
            // The preview counts what the valid rows would do, so the user sees both before choosing.
            let outcome = try job.run(skipInvalid: true, dryRun: true, source: nil, ledger: ledger, by: user?.id, today: today,
                                      scope: scope)
            return .importReport(job.report(outcome: outcome, refused: job.refused(skipInvalid: true), written: false,
                                            strings: strings))
        case .importRoster(let path, let village, let skipInvalid):
            let job = try RosterImportJob.prepare(path: ReportFiles.expandedPath(path), village: village, source: nil,
                                                  ledger: ledger, strings: strings, today: today, scope: scope)
            let outcome = try job.run(skipInvalid: skipInvalid, dryRun: false, source: nil, ledger: ledger, by: user?.id,
                                      today: today, scope: scope)
            return .importReport(job.report(outcome: outcome, refused: outcome == nil, written: outcome != nil,
                                            strings: strings))
        }
    }
}
