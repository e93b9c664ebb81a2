import Foundation
import Testing
@testable import TanfangIO

@Suite struct DecodingTests {
    /// GBK bytes of a string, made by iconv (not by the code under test's decoder).
    func gbk(_ text: String) -> [UInt8] {
        guard case .success(let bytes) = Iconv.convert(Array(text.utf8), from: "UTF-8", to: "GBK") else {
            Issue.record("iconv could not encode \(text)")
            return []
        }
        return bytes
    }

    @Test func gbkFileFromExcelDecodesToTheExactChineseText() throws {
        // Given the CSV that Excel on Chinese Windows saves (GBK bytes)
        let data = try Fixture.data("roster-gbk", "csv")
        // When it is decoded
        let (text, encoding) = try TextDecoding.decode(data, file: "roster-gbk.csv")
        // Then it is recognised as GB18030 and the Chinese text is exact, never mojibake
        #expect(encoding == .gb18030)
        let lines = text.components(separatedBy: "\r\n")
        #expect(lines[0] == "XX村特殊困难老年人台账,,,,,,,,")
        #expect(lines[1] == "序号,姓名,性别,身份证号码,出生日期,联系电话,村（社区）,类别,备注")
        #expect(lines[2].hasPrefix("1,王秀英,女,６５０１０２"))
        #expect(lines[3].contains("1950年3月6日"))
    }

    @Test func utf8WithAndWithoutBOM() throws {
        // Given the same text as UTF-8, with and without a BOM
        let plain = Data("姓名,性别\r\n王秀英,女\r\n".utf8)
        let bom = Data([0xEF, 0xBB, 0xBF]) + plain
        // Then both decode to the text, the BOM removed
        let a = try TextDecoding.decode(plain, file: "a.csv")
        let b = try TextDecoding.decode(bom, file: "b.csv")
        #expect(a.encoding == .utf8)
        #expect(b.encoding == .utf8BOM)
        #expect(a.text == "姓名,性别\r\n王秀英,女\r\n")
        #expect(b.text == a.text)
    }

    @Test func utf16WithBOMInBothByteOrders() throws {
        // Given "王秀英\t女" with a supplementary character, as UTF-16 LE and BE with BOMs
        let text = "王秀英\t女𠀀"
        let units = Array(text.utf16)
        let le = Data([0xFF, 0xFE] + units.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })
        let be = Data([0xFE, 0xFF] + units.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] })
        // Then both decode exactly
        #expect(try TextDecoding.decode(le, file: "le.txt") == (text, .utf16LE))
        #expect(try TextDecoding.decode(be, file: "be.txt") == (text, .utf16BE))
    }

    @Test func truncatedUTF16IsRefusedWithItsOffset() {
        // Given UTF-16 LE whose last code unit lost a byte
        let data = Data([0xFF, 0xFE, 0x8B, 0x73, 0x00])
        // Then the error points at offset 4
        #expect(throws: TanfangIOError.undecodable(file: "x.txt", offset: 4)) {
            try TextDecoding.decode(data, file: "x.txt")
        }
    }

    @Test func invalidBytesAreRefusedNamingFileAndOffset() {
        // Given GBK text with a byte no encoding allows (0xFF) after 7 bytes
        let bytes = gbk("王秀英,") + [0xFF, 0x41]
        #expect(bytes.count == 9)
        // Then decoding fails with the file name and offset 7
        #expect(throws: TanfangIOError.undecodable(file: "bad.csv", offset: 7)) {
            try TextDecoding.decode(Data(bytes), file: "bad.csv")
        }
    }

    @Test func damagedUTF8IsRefusedInsteadOfReadAsGBK() {
        // Given UTF-8 Chinese text with one stray byte after twelve bytes of good text
        let good = Array("王秀英李".utf8)
        let bytes = good + [0xB4] + Array("村".utf8)
        // Then it is not decoded as GB18030 mojibake: the error points at the stray byte
        #expect(throws: TanfangIOError.undecodable(file: "u.csv", offset: good.count)) {
            try TextDecoding.decode(Data(bytes), file: "u.csv")
        }
    }

    @Test func strictUTF8RejectsOverlongsAndSurrogates() {
        // Overlong "/" (C0 AF) and an encoded surrogate (ED A0 80) are not UTF-8
        #expect(TextDecoding.firstInvalidUTF8([0x41, 0xC0, 0xAF])?.offset == 1)
        #expect(TextDecoding.firstInvalidUTF8([0xED, 0xA0, 0x80])?.offset == 0)
        #expect(TextDecoding.firstInvalidUTF8([0xF4, 0x90, 0x80, 0x80])?.offset == 0)  // past U+10FFFF
        #expect(TextDecoding.firstInvalidUTF8(Array("王𠀀".utf8)) == nil)
    }

    @Test func gb18030FourByteCharactersDecode() throws {
        // Given a character outside GBK (U+4DAE 䶮, four bytes in GB18030) next to GBK text
        guard case .success(let bytes) = Iconv.convert(Array("刘䶮,男".utf8), from: "UTF-8", to: "GB18030") else {
            Issue.record("iconv failed"); return
        }
        // Then it decodes exactly
        #expect(try TextDecoding.decode(Data(bytes), file: "g.csv") == ("刘䶮,男", .gb18030))
    }
}
