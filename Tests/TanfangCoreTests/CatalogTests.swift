import Foundation
import Testing
@testable import TanfangCore

@Suite struct CatalogTests {
    @Test func bothLanguagesHaveTheSameKeys() throws {
        // Given every catalog file of both languages, merged
        let zh = try Strings.load(.zhHans, resources: ResourceLocator.sourceCheckout)
        let en = try Strings.load(.en, resources: ResourceLocator.sourceCheckout)
        // Then a key in one language exists in the other
        let zhKeys = Set(zh.table.keys)
        let enKeys = Set(en.table.keys)
        #expect(zhKeys.subtracting(enKeys).sorted() == [], "missing in en")
        #expect(enKeys.subtracting(zhKeys).sorted() == [], "missing in zh-Hans")
        #expect(!zhKeys.isEmpty)
    }

    @Test func placeholdersMatchAcrossLanguages() throws {
        let zh = try Strings.load(.zhHans, resources: ResourceLocator.sourceCheckout)
        let en = try Strings.load(.en, resources: ResourceLocator.sourceCheckout)
        let regex = try NSRegularExpression(pattern: #"\{\d+\}"#)
        func placeholders(_ s: String) -> Set<String> {
            Set(regex.matches(in: s, range: NSRange(s.startIndex..., in: s)).map { (s as NSString).substring(with: $0.range) })
        }
        for (key, text) in zh.table {
            guard let other = en.table[key] else { continue }
            #expect(placeholders(text) == placeholders(other), "placeholders differ for \(key)")
        }
    }

    @Test func ruleKeysExistInBothLanguages() throws {
        // Every key these rules can produce is in the catalogs
        var keys = [IDNumberError.empty, .length(3), .characters, .birthDate, .checkCharacter].map(\.messageKey)
        keys += FollowUpType.allCases.map { "followup.type.\($0.rawValue)" }
        keys += ["form.error.required", "form.error.notApplicable", "form.error.wrongKind",
                 "form.error.unknownOption", "form.error.duplicateOption", "form.error.exclusiveOption",
                 "form.error.tooLong", "form.error.belowMin", "form.error.aboveMax", "form.error.number",
                 "form.error.notAChoice", "form.error.separatorNeeded", "form.error.yesNo", "form.error.date",
                 "form.error.noVisitor", "form.error.futureDate", "form.error.unknownField"]
        for language in Language.allCases {
            let strings = try Strings.load(language, resources: ResourceLocator.sourceCheckout)
            for key in keys { #expect(strings.table[key] != nil, "\(language.rawValue) lacks \(key)") }
        }
        let zh = try Strings.load(.zhHans, resources: ResourceLocator.sourceCheckout)
        #expect(zh["followup.type.notifySupporters"] == "通知赡养人")
    }

    @Test func aDurationIsInHoursUnderTwoDaysAndInDaysFromThere() throws {
        let zh = try Strings.load(.zhHans, resources: ResourceLocator.sourceCheckout)
        let en = try Strings.load(.en, resources: ResourceLocator.sourceCheckout)
        #expect(zh.duration(hours: 30.5) == "30.5 小时")
        #expect(zh.duration(hours: 47.9) == "47.9 小时")
        #expect(zh.duration(hours: 48) == "2.0 天")
        #expect(en.duration(hours: 2211.8) == "92.2 days")
    }

    @Test func formatFillsPlaceholdersInOnePass() {
        let strings = Strings(language: .zhHans, table: [
            "a": "应于{0}前探访，已逾期{1}天", "b": "{1}{0}{1}", "c": "{2}、{x}、{}、{0", "d": "无占位", "e": "{10}{0}",
        ])
        #expect(strings.format("a", "2026-11-18", "5") == "应于2026-11-18前探访，已逾期5天")
        #expect(strings.format("b", "甲", "乙") == "乙甲乙")
        // A placeholder without an argument, and braces that are no placeholder, stay
        #expect(strings.format("c", "甲") == "{2}、{x}、{}、{0")
        #expect(strings.format("d", "甲") == "无占位")
        #expect(strings.format("e", Array(repeating: "x", count: 10) + ["十"]) == "十x")
        // An argument's own braces are not filled in
        #expect(strings.format("b", "{1}", "乙") == "乙{1}乙")
        // A missing key is the key itself
        #expect(strings.format("missing", "甲") == "missing")
    }

    @Test func aCountsWordIsSingularForOne() {
        let strings = Strings(language: .en, table: ["a": "{0}; {1} {1:day|days} overdue", "b": "{0:item|items}", "c": "{0:x}"])
        #expect(strings.format("a", "2026-11-30", "1") == "2026-11-30; 1 day overdue")
        #expect(strings.format("a", "2026-11-30", "7") == "2026-11-30; 7 days overdue")
        #expect(strings.format("b", "0") == "items")
        // Without two forms it stays as written
        #expect(strings.format("c", "1") == "{0:x}")
    }
}
