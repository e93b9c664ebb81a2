import Foundation
import Testing
@testable import TanfangCore

@Suite struct StoredTextTests {
    static let form = try! FormDefinition.load(resources: ResourceLocator.sourceCheckout)
    static let en = StoredText(strings: try! Strings.load(.en, resources: ResourceLocator.sourceCheckout), form: form)
    static let zh = StoredText(strings: try! Strings.load(.zhHans, resources: ResourceLocator.sourceCheckout), form: form)

    @Test func aDetailReadsInEnglishWhereTheLedgerWroteItAndStaysAsTypedElsewhere() {
        // The sheet's labels before "：" are put in English, the words a person typed are kept
        #expect(Self.en("燃气：Chimney leaks smoke") == "Gas: Chimney leaks smoke")
        #expect(Self.en("房屋、燃气：电线老化") == "House, Gas: 电线老化")
        // Pieces apart by "；", each on its own; a piece the ledger does not know is left as it is
        #expect(Self.en("燃气；子女在外地打工") == "Gas; 子女在外地打工")
        #expect(Self.en("隔壁老王说：燃气") == "隔壁老王说：燃气")
        // The ledger's own phrases
        #expect(Self.en("上门未见到本人，请再次探访") == "Home visit did not find the elder: visit again")
        #expect(Self.en("老人已去世，事项终止") == "The elder died: nothing more to do")
        // And in Chinese nothing changes
        #expect(Self.zh("房屋、燃气：电线老化；上门未见到本人，请再次探访") == "房屋、燃气：电线老化；上门未见到本人，请再次探访")
        #expect(Self.en("") == "")
    }

    @Test func theLedgersOwnPhrasesAreInTheCatalogsAsWritten() throws {
        // Each stored.<phrase> reads as the phrase in Chinese, so a phrase changed in code and not here is caught
        let zh = try Strings.load(.zhHans, resources: ResourceLocator.sourceCheckout)
        let phrases = zh.table.filter { $0.key.hasPrefix("stored.") }
        #expect(phrases.count >= 5)
        for (key, value) in phrases { #expect(key == "stored." + value) }
        // And the follow-up rules' own words have theirs
        let rules = try RuleBook.load(resources: ResourceLocator.sourceCheckout).followUps.rules
        for words in rules.flatMap({ [$0.detail, $0.closingAction, $0.mergedAction] }).compactMap({ $0 }) {
            #expect(zh.table["stored." + words] != nil, "\(words)")
        }
    }
}
