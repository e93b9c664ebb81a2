import Testing
@testable import TanfangUI

@Suite("DisplayWidth")
struct DisplayWidthTests {
    @Test("Chinese characters and full-width punctuation take two columns", arguments: [
        "王", "，", "、", "。", "：", "（", "）", "　", "Ａ", "０", "한", "か", "\u{20000}",
    ])
    func wide(_ text: String) {
        #expect(DisplayWidth.of(Character(text)) == 2)
    }

    @Test("Latin, half-width kana and ambiguous box and punctuation characters take one", arguments: [
        "a", "é", "e\u{301}", "ｱ", "─", "│", "…", "·", "“", "↑", "?",
    ])
    func narrow(_ text: String) {
        #expect(DisplayWidth.of(Character(text)) == 1)
    }

    @Test("Combining marks, format characters and controls take none")
    func zero() {
        #expect(DisplayWidth.of(Unicode.Scalar(0x0301)!) == 0)  // combining acute
        #expect(DisplayWidth.of(Unicode.Scalar(0x200D)!) == 0)  // zero-width joiner
        #expect(DisplayWidth.of(Unicode.Scalar(0x200B)!) == 0)  // zero-width space (Cf)
        #expect(DisplayWidth.of(Unicode.Scalar(0x1B)!) == 0)    // escape
        #expect(DisplayWidth.of(Character("\u{301}")) == 0)
    }

    @Test("Emoji with emoji presentation take two, also with modifiers and joiners")
    func emoji() {
        #expect(DisplayWidth.of(Character("👍")) == 2)
        #expect(DisplayWidth.of(Character("👍🏽")) == 2)
        #expect(DisplayWidth.of(Character("👨‍👩‍👧")) == 2)
        #expect(DisplayWidth.of(Character("❤\u{FE0F}")) == 2)  // VS16 asks for emoji presentation
        #expect(DisplayWidth.of(Character("❤")) == 1)
    }

    @Test("A string's width is the sum over its characters")
    func strings() {
        #expect("王秀英".displayWidth == 6)
        #expect("王a秀".displayWidth == 5)
        #expect("探访关爱 王秀英".displayWidth == 15)  // TECH-NOTES §2: getcurx was 15
        #expect("Cafe\u{301}，好".displayWidth == 8)
        #expect("".displayWidth == 0)
    }

    @Test("The wide ranges are sorted and disjoint, so the binary search is valid")
    func rangesSorted() {
        let ranges = DisplayWidth.wideRanges
        for (a, b) in zip(ranges, ranges.dropFirst()) {
            #expect(a.upperBound < b.lowerBound, "\(a) overlaps or precedes \(b)")
        }
    }
}
