import Foundation
import Testing
@testable import TanfangCore

@Suite struct RecordIDTests {
    @Test func versionSevenWithTheMillisecondsFirst() {
        let date = Date(timeIntervalSince1970: 1_796_000_000.5)
        let id = RecordID.make(at: date)
        let text = id.uuidString
        // 1_796_000_000_500 ms = 0x1A2_29F1_29F4.
        #expect(text.hasPrefix(String(format: "%08X-%04X-7", 0x01A2_29F1, 0x29F4)))
        let variant = text[text.index(text.startIndex, offsetBy: 19)]
        #expect("89AB".contains(variant))
    }

    @Test func laterIdentifiersSortAfter() {
        let earlier = RecordID.make(at: Date(timeIntervalSince1970: 1_796_000_000))
        let later = RecordID.make(at: Date(timeIntervalSince1970: 1_796_000_000.002))
        #expect(earlier.uuidString < later.uuidString)
    }

    @Test func theRandomPartDiffers() {
        let date = Date(timeIntervalSince1970: 1_796_000_000)
        let ids = Set((0..<10_000).map { _ in RecordID.make(at: date) })
        #expect(ids.count == 10_000)
    }
}
