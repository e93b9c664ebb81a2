import Foundation
import Testing
@testable import TanfangCore

@Suite struct PlaceCodeTests {
    @Test func levelsFromTheNumberOfDigits() {
        #expect(PlaceCode("654021")?.level == .county)
        #expect(PlaceCode("654021100")?.level == .township)
        #expect(PlaceCode("654021100201")?.level == .village)
        #expect(PlaceCode("65402110020101")?.level == .grid)
        #expect(PlaceCode(" 654021 ")?.digits == "654021")
        #expect(PlaceCode("６５４０２１")?.digits == "654021")
    }

    @Test func theNationalTwelveDigitFormIsShortened() {
        #expect(PlaceCode("654021000000") == PlaceCode("654021"))
        #expect(PlaceCode("654021100000") == PlaceCode("654021100"))
        #expect(PlaceCode("654021100000")?.level == .township)
    }

    @Test func notCodes() {
        for text in ["", "伊宁县", "65402", "6540211", "65402110020", "65402110020101234", "65402a"] {
            #expect(PlaceCode(text) == nil, "\(text)")
        }
    }

    @Test func provincesAndPrefecturesAreAboveALedger() {
        for text in ["650000", "654000", "650000000000", "654000000000"] {
            #expect(PlaceCode(text) == nil, "\(text)")
            #expect(PlaceCode.isAboveCounty(text), "\(text)")
        }
        #expect(!PlaceCode.isAboveCounty("654021"))
        // A township whose own number ends in 00 is still a township.
        #expect(PlaceCode("654021100")?.level == .township)
        #expect(!PlaceCode.isAboveCounty("654021100000"))
    }

    @Test func parents() {
        #expect(PlaceCode("65402110020101")?.parent?.digits == "654021100201")
        #expect(PlaceCode("654021100201")?.parent?.digits == "654021100")
        #expect(PlaceCode("654021100")?.parent?.digits == "654021")
        #expect(PlaceCode("654021")?.parent == nil)
    }

    @Test func theIdentifierHoldsTheCode() {
        #expect(PlaceCode("654021")?.placeID.uuidString == "654021FF-FFFF-8FFF-8FFF-FFFFFFFFFFFF")
        #expect(PlaceCode("6540211002010123")?.placeID.uuidString == "65402110-0201-8012-83FF-FFFFFFFFFFFF")
        // Distinct codes, distinct identifiers; never one a generator makes (version 8).
        let codes = ["654021", "654021100", "654021100201", "65402110020101", "6540211002011"]
        #expect(Set(codes.compactMap { PlaceCode($0)?.placeID }).count == codes.count)
        #expect(RecordID.make().uuidString.dropFirst(14).first == "7")
    }
}
