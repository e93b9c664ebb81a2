import Foundation
import GRDB
import TanfangCore

/// One roster row ready for the ledger: the elder (village resolved) and the file line it came from.
public struct RosterImportRow: Hashable, Sendable {
    /// The row number a person sees in the spreadsheet.
    public var line: Int
    /// The elder as the file gives it; `id` is used only when the person is new, and an empty
    /// status history starts as active on `today`.
    public var elder: Elder

    public init(line: Int, elder: Elder) {
        self.line = line
        self.elder = elder
    }
}

/// A value in the file that differs from what the ledger holds: reported, never overwritten.
public struct ImportConflict: Hashable, Sendable, Codable {
    public var line: Int
    public var elderID: UUID
    public var name: String
    /// The `Elder` property name, e.g. `phone`.
    public var field: String
    /// The stored and incoming values, with ID numbers and phones masked.
    public var stored: String
    public var incoming: String

    public init(line: Int, elderID: UUID, name: String, field: String, stored: String, incoming: String) {
        self.line = line
        self.elderID = elderID
        self.name = name
        self.field = field
        self.stored = stored
        self.incoming = incoming
    }
}

/// What an import did (or, for a dry run, would do).
public struct ImportOutcome: Hashable, Sendable, Codable {
    /// New elders.
    public var added: Int = 0
    /// Elders already on the ledger that gained categories, a source or an empty field.
    public var merged: Int = 0
    /// Rows whose person was already on the ledger with nothing new.
    public var unchanged: Int = 0
    public var conflicts: [ImportConflict] = []
    /// The elders added or merged, in file order.
    public var touched: [UUID] = []

    public init() {}
}

extension Ledger {
    /// Imports roster rows in ONE transaction; with `dryRun` the transaction is rolled back.
    ///
    /// A row matches an elder already on the ledger by ID number (or, when the row has none, by
    /// name, village and birth date). A match is merged: categories and sources combined, empty
    /// fields filled; a differing value is reported in `conflicts` and the stored value kept. So
    /// importing the same rows twice changes nothing. One audit row (table `import`) records the
    /// file, source and counts, besides each elder's own insert/update row.
    @discardableResult
    public func importRoster(_ rows: [RosterImportRow], source: String?, file: String, by user: UUID?,
                             today: LocalDate, dryRun: Bool = false) throws -> ImportOutcome {
        struct DryRun: Error { let outcome: ImportOutcome }
        let checked = try rows.map { row -> RosterImportRow in
            var r = row
            r.elder = try Ledger.checked(row.elder, today: today)
            if let source, !source.isEmpty { r.elder.sources.insert(source) }
            return r
        }
        do {
            return try write { db in
                let now = timestamp()
                var outcome = ImportOutcome()
                for row in checked {
                    try importOne(db, row: row, outcome: &outcome, by: user, today: today, now: now)
                }
                let summary = ImportAuditSummary(file: file, source: source, rows: rows.count, added: outcome.added,
                                                 merged: outcome.merged, unchanged: outcome.unchanged,
                                                 conflicts: outcome.conflicts.count)
                try audit(db, table: "import", id: UUID(), action: .insert, before: ImportAuditSummary?.none,
                          after: summary, by: user, at: now)
                if dryRun { throw DryRun(outcome: outcome) }
                return outcome
            }
        } catch let rollback as DryRun {
            return rollback.outcome
        }
    }

    private func importOne(_ db: Database, row: RosterImportRow, outcome: inout ImportOutcome, by user: UUID?,
                           today: LocalDate, now: String) throws {
        let incoming = row.elder
        guard let place = try PlaceRecord.fetchOne(db, key: incoming.villageID.uuidString),
              place.level == PlaceLevel.village.rawValue else {
            throw LedgerError.notFound(table: "place", id: incoming.villageID)
        }
        if let old = try matching(db, incoming) {
            let stored = try old.elder()
            var merged = stored
            merged.categories.formUnion(incoming.categories)
            merged.sources.formUnion(incoming.sources)
            func take<T: Equatable>(_ path: WritableKeyPath<Elder, T?>, _ field: String, _ show: (T) -> String) {
                guard let new = incoming[keyPath: path] else { return }
                if let have = stored[keyPath: path] {
                    if have != new {
                        outcome.conflicts.append(ImportConflict(line: row.line, elderID: stored.id, name: stored.name,
                                                                field: field, stored: show(have), incoming: show(new)))
                    }
                } else {
                    merged[keyPath: path] = new
                }
            }
            if incoming.name != stored.name {
                outcome.conflicts.append(ImportConflict(line: row.line, elderID: stored.id, name: stored.name,
                                                        field: "name", stored: stored.name, incoming: incoming.name))
            }
            if incoming.villageID != stored.villageID {
                let storedVillage = try PlaceRecord.fetchOne(db, key: stored.villageID.uuidString)?.name ?? "?"
                outcome.conflicts.append(ImportConflict(line: row.line, elderID: stored.id, name: stored.name,
                                                        field: "villageID", stored: storedVillage, incoming: place.name))
            }
            take(\.idNumber, "idNumber", Masking.idNumber)
            take(\.gender, "gender") { $0.rawValue }
            take(\.birthDate, "birthDate") { $0.description }
            take(\.ethnicity, "ethnicity") { $0 }
            take(\.phone, "phone", Masking.phone)
            take(\.address, "address") { $0 }
            take(\.disabilityDegree, "disabilityDegree") { $0.rawValue }
            for s in incoming.supporters where !merged.supporters.contains(where: { $0.name == s.name }) {
                merged.supporters.append(s)
            }
            guard merged != stored else {
                outcome.unchanged += 1
                return
            }
            var record = ElderRecord(merged, summary: try old.summary())
            record.stamp(at: now, by: user, old: old)
            try record.update(db)
            try refreshSummary(db, record: &record, elder: merged, today: today)
            try audit(db, table: "elder", id: stored.id, action: .update, before: stored, after: merged, by: user, at: now)
            outcome.merged += 1
            outcome.touched.append(stored.id)
        } else {
            var elder = incoming
            if elder.statusHistory.isEmpty { elder.statusHistory = [StatusChange(date: today, status: .active)] }
            if try ElderRecord.exists(db, key: elder.id.uuidString) { elder.id = UUID() }
            let placeholder = ElderSummary(elderID: elder.id, risk: RiskAssessment(level: .low, score: 0, reasons: []),
                                           computedOn: today)
            var record = ElderRecord(elder, summary: placeholder)
            record.stamp(at: now, by: user, old: nil)
            try record.insert(db)
            try refreshSummary(db, record: &record, elder: elder, today: today)
            try audit(db, table: "elder", id: elder.id, action: .insert, before: Elder?.none, after: elder,
                      by: user, at: now)
            outcome.added += 1
            outcome.touched.append(elder.id)
        }
    }

    /// The elder a row describes: same ID number, else (no ID number) same name, village and birth date.
    private func matching(_ db: Database, _ e: Elder) throws -> ElderRecord? {
        if let id = e.idNumber {
            return try ElderRecord.filter(Column("idNumber") == id).order(Column("createdAt"), Column("id")).fetchOne(db)
        }
        return try ElderRecord.filter(Column("name") == e.name && Column("villageId") == e.villageID.uuidString
                                      && Column("birthDate") == StoreCoding.text(e.birthDate))
            .order(Column("createdAt"), Column("id")).fetchOne(db)
    }
}

/// The `after` JSON of an import's audit row.
struct ImportAuditSummary: Codable {
    var file: String
    var source: String?
    var rows: Int
    var added: Int
    var merged: Int
    var unchanged: Int
    var conflicts: Int
}
