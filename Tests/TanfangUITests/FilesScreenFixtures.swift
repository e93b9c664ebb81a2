import Foundation
import TanfangCore
@testable import TanfangUI

/// Fixtures shared by the elder file, follow-up, red-flag and monthly screen tests: a township
/// with two villages, visitors, users of each role, built directly (no store).
enum Fx {
    static let today = LocalDate(year: 2026, month: 11, day: 23)!
    static let now = LocalDateTime(date: today, hour: 15, minute: 0)!

    static func id(_ n: Int) -> UUID { UUID(uuidString: String(format: "00000000-0000-0000-0000-%012d", n))! }

    static let township = Place(id: id(1), code: "654021100", name: "墩麻扎镇", level: .township, parentID: nil)
    static let hongqi = Place(id: id(2), code: "654021100201", name: "红旗村", level: .village, parentID: id(1))
    static let akesu = Place(id: id(3), code: "654021100202", name: "阿克苏村", level: .village, parentID: id(1))

    static let liSi = Visitor(id: id(10), name: "李四", role: .gridWorker, phone: "13912345678", placeID: id(2))
    static let zhao = Visitor(id: id(11), name: "赵医生", role: .familyDoctor, placeID: id(2))

    static let clerk = User(id: id(20), name: "张文书", role: .clerk, areaID: id(2), pinHash: "x")
    static let supervisor = User(id: id(21), name: "王主任", role: .supervisor, areaID: id(1), pinHash: "x")
    static let gridWorker = User(id: id(22), name: "李四", role: .gridWorker, areaID: id(2), visitorID: id(10), pinHash: "x")

    static let strings: [Language: Strings] = {
        var table: [Language: Strings] = [:]
        for language in Language.allCases {
            table[language] = try! Strings.load(language, resources: ResourceLocator.sourceCheckout)
        }
        return table
    }()
    static let form = try! FormDefinition.load(resources: ResourceLocator.sourceCheckout)

    static func env(_ user: User? = clerk, language: Language = .zhHans) -> AppEnvironment {
        AppEnvironment(strings: strings[language]!, form: form, today: today, now: now, user: user,
                       scope: .everything, places: [township, hongqi, akesu], visitors: [liSi, zhao])
    }

    static func at(_ text: String) -> LocalDateTime { LocalDateTime(text)! }
    static func date(_ text: String) -> LocalDate { LocalDate(text)! }
}
