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

    @Test("The common-block fast paths give what the per-character rule gives")
    func fastPathsAgree() {
        // Every scalar up to the supplementary ideographs: alone, as a string, and after a letter.
        for value in UInt32(0)...0x2FFFF {
            guard let scalar = Unicode.Scalar(value) else { continue }
            let character = Character(scalar)
            let slow = Self.perCharacter(String(character))
            #expect(DisplayWidth.of(String(character)) == slow, "U+\(String(value, radix: 16))")
            if let common = DisplayWidth.commonWidth(value) {
                #expect(common == DisplayWidth.of(character), "U+\(String(value, radix: 16))")
            }
            if value % 7 == 0 {
                let text = "王a" + String(character) + "…"
                #expect(DisplayWidth.of(text) == Self.perCharacter(text), "U+\(String(value, radix: 16))")
            }
        }
        for text in ["王秀英", "e\u{301}王", "👍🏽王", "🇨🇳", "a\u{FE0F}", "─┼↑…", "\r\n王", "한국어", "ｱｲｳ"] {
            #expect(DisplayWidth.of(text) == Self.perCharacter(text), "\(text)")
        }
    }

    /// The width as the sum over grapheme clusters, the rule the fast path must keep.
    static func perCharacter(_ text: String) -> Int {
        text.reduce(0) { $0 + DisplayWidth.of($1) }
    }
}
