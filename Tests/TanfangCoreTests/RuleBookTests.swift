import Foundation
import Testing
@testable import TanfangCore

@Suite struct RuleBookTests {
    @Test func loadsEveryShippedRuleFile() throws {
        // Given the Resources folder of this checkout
        // When the whole rule book is loaded
        let rules = try RuleBook.load(resources: ResourceLocator.sourceCheckout)
        // Then the form and every rule set are there, and the derivation copies exactly the five sections
        #expect(rules.form.sections.map(\.code) == ["health", "economic", "family", "safety", "needs", "help"])
        #expect(rules.derivation.copyableFieldCodes.contains(FieldCode.hasHazard))
        #expect(!rules.derivation.copyableFieldCodes.contains(FieldCode.notes))
        #expect(rules.redFlags.copiedStreak >= 1)
    }

    @Test func aMissingResourcesFolderNamesWhereItLooked() {
        // Given a folder without the data files
        let empty = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("tanfang-empty-\(UUID())")
        // Then loading fails with an error that names the missing file
        #expect(throws: (any Error).self) { try RuleBook.load(resources: empty) }
    }
}
