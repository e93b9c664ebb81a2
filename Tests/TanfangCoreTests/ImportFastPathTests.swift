import Foundation
import Testing
@testable import TanfangCore

/// The roster import's fast paths in TanfangCore against the general code they short-cut.
@Suite("Import fast paths")
struct ImportFastPathTests {
    /// `IDNumber.normalize` as it was before its fast path.
    static func referenceNormalize(_ raw: String) -> String {
        let trimmed = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        var out = String.UnicodeScalarView()
        for scalar in trimmed.unicodeScalars {
            switch scalar.value {
            case 0xFF10...0xFF19: out.append(Unicode.Scalar(scalar.value - 0xFF10 + 0x30)!)
            case 0x78, 0xFF58, 0xFF38: out.append("X")
            default: out.append(scalar)
            }
        }
        return String(out)
    }

    @Test("ID numbers parse and normalize as the general path does")
    func idNumbers() {
        // Given valid numbers, every one-character change of them, random digit strings and odd forms
        let today = LocalDate(year: 2026, month: 11, day: 23)!
        var inputs = ["110105194912310021", "11010519491231002X", "11010519491231002x", "110105491231002", "X",
                      "110105194902300021", "110105203001010021", "110105187912310021", "11010519491231002", "",
                      "1101051949123100211", "１１０１０５１９４９１２３１００２X", "65402119370814911９", " 11010519491231002X",
                      "11010519491231002X\n", "X10105194912310021", "110105188001010011", "110105202611230010",
                      "110105202611240010", "11010519491231X021", "110105194902290021", "110105194802290021"]
        for sequence in ["001", "002", "123", "999"] {
            let first17 = "65402119370814" + sequence
            let valid = first17 + String(IDNumber.checkCharacter(for: first17))
            inputs.append(valid)
            for i in 0..<18 {
                for c in ["0", "5", "9", "X", "x", "a", " "] {
                    var chars = Array(valid)
                    chars[i] = Character(c)
                    inputs.append(String(chars))
                }
            }
        }
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            inputs.append(String((0..<18).map { _ in "0123456789X".randomElement(using: &rng)! }))
        }
        // Then the fast path gives the general path's answer, with and without today
        for text in inputs {
            #expect(IDNumber.parse(text, today: today) == IDNumber.parseGeneral(text, today: today), "\(text)")
            #expect(IDNumber.parse(text) == IDNumber.parseGeneral(text), "\(text)")
            #expect(IDNumber.normalize(text) == Self.referenceNormalize(text), "\(text)")
        }
    }

    @Test("Prefetched readings are what one transform per character gives")
    func pinyinPrefetch() {
        // Given a block of ideographs no other test reads, rare ones and the usual surnames
        var chars = (0x8C00..<0x8D00).compactMap { Unicode.Scalar($0).map(Character.init) }
        chars += ["𠀀", "𪚥", "龘", "﨑", "〇", "单", "曾", "王", "李"]
        let names = chars.map { "阿" + String($0) } + ["阿依古丽·买买提", "Anna 李"]
        // When they are read in one batch first
        Pinyin.prefetch(names)
        // Then every name is spelled as the per-character transform spells it
        for name in names {
            #expect(Pinyin.syllables(name) == PinyinTests.reference(name), "\(name)")
        }
    }
}
