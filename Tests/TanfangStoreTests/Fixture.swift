import Foundation
import GRDB
import TanfangCore
@testable import TanfangStore

/// A small ledger: one county, one township, two villages, two visitors and a few elders.
struct Fixture {
    static let rules: RuleBook = {
        // The real rule book from the checkout; a broken resource folder should fail loudly.
        try! RuleBook.load(resources: ResourceLocator.sourceCheckout)
    }()

    let ledger: Ledger
    let today = LocalDate(year: 2026, month: 11, day: 23)!
    let county = Place(code: "650102", name: "天山区", level: .county, parentID: nil)
    let township: Place
    let village1: Place
    let village2: Place
    let grid1: Place
    let visitor1: Visitor
    let visitor2: Visitor

    init() throws {
        ledger = try Ledger.inMemory(rules: Fixture.rules)
        township = Place(code: "650102001", name: "燕儿窝街道", level: .township, parentID: county.id)
        village1 = Place(code: "650102001001", name: "东村", level: .village, parentID: township.id)
        village2 = Place(code: "650102001002", name: "西村", level: .village, parentID: township.id)
        grid1 = Place(code: "65010200100101", name: "一组", level: .grid, parentID: village1.id)
        visitor1 = Visitor(name: "张网格", role: .gridWorker, phone: "13900000001", placeID: village1.id)
        visitor2 = Visitor(name: "李志愿", role: .volunteer, placeID: village2.id)
        for p in [county, township, village1, village2, grid1] { try ledger.savePlace(p) }
        try ledger.saveVisitor(visitor1)
        try ledger.saveVisitor(visitor2)
    }

    /// A valid 18-character ID number for a birth date, with a computed check character.
    static func idNumber(born: String, sequence: String = "123") -> String {
        let first17 = "650102" + born + sequence
        return first17 + String(IDNumber.checkCharacter(for: first17))
    }

    func elder(_ name: String, village: Place? = nil, born: LocalDate? = nil, idNumber: String? = nil,
               phone: String? = nil, categories: Set<TanfangCore.Category> = [], visitor: Visitor? = nil,
               activeSince: LocalDate? = nil) -> Elder {
        Elder(name: name, idNumber: idNumber, birthDate: born, phone: phone,
              villageID: (village ?? village1).id, categories: categories, visitorID: (visitor ?? visitor1).id,
              statusHistory: [StatusChange(date: activeSince ?? LocalDate(year: 2025, month: 1, day: 1)!, status: .active)])
    }

    /// Answers that pass validation: `overrides` plus the first option (or a neutral value) for
    /// every other required field that applies. Built from the form, so form edits don't break tests.
    func answers(_ overrides: [String: Answer] = [:], method: VisitMethod = .home) -> [String: Answer] {
        let validator = Fixture.rules.validator
        var answers = overrides
        for _ in 0..<5 {
            for field in validator.applicableFields(method: method, answers: answers)
            where field.required && answers[field.code] == nil {
                switch field.kind {
                case .single: answers[field.code] = .choice(field.options[0].code)
                case .multi: answers[field.code] = .choices([field.options[0].code])
                case .yesNo: answers[field.code] = .yesNo(false)
                case .date: answers[field.code] = .date(today)
                case .number: answers[field.code] = .number(field.min ?? 0)
                case .text: answers[field.code] = .text("无")
                }
            }
        }
        return validator.pruned(answers, method: method)
    }

    func visit(_ elder: Elder, on date: LocalDate? = nil, method: VisitMethod = .home,
               answers overrides: [String: Answer] = [:]) -> Visit {
        Visit(elderID: elder.id, at: LocalDateTime(date: date ?? today, hour: 10, minute: 0)!,
              visitorIDs: [elder.visitorID ?? visitor1.id], method: method, seenInPerson: method == .home,
              answers: answers(overrides, method: method))
    }
}

/// A demo ledger written to a file, then taken back to before a migration (`undo`, run through a
/// plain connection, must also delete the migration's row), and opened again so that the
/// migration runs on it: what a ledger written by an older version goes through.
struct UpgradedLedger {
    let dir: URL
    /// `read` of the ledger as the writes left it, before `undo`.
    let before: [Row]
    /// The file opened again after `undo`.
    let ledger: Ledger

    init(seed: UInt64, today: LocalDate, undo: String, read: (Ledger) throws -> [Row]) throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("upgrade-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = dir.appendingPathComponent("ledger.sqlite").path
        let data = DemoGenerator(seed: seed).generate(elders: 200, months: 5, today: today)
        before = try {
            let ledger = try Ledger(path: path, rules: Fixture.rules)
            try ledger.importDemo(data, today: today)
            return try read(ledger)
        }()
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in try db.execute(sql: undo) }
        try queue.close()
        ledger = try Ledger(path: path, rules: Fixture.rules)
    }

    func remove() { try? FileManager.default.removeItem(at: dir) }
}
