import Foundation
import Testing
@testable import TanfangStore

/// The one reader of id texts (`StoreCoding.uuidBits`) that the list, the follow-up search and
/// record decoding share: it must read exactly what Foundation reads, and in upper-case-only mode
/// exactly the texts `uuidString` writes.
@Suite("Id texts")
struct StoreCodingTests {
    static func bits(_ text: String, upperCaseOnly: Bool = false) -> (high: UInt64, low: UInt64)? {
        var text = text
        return text.withUTF8 { StoreCoding.uuidBits(UnsafeRawBufferPointer($0), upperCaseOnly: upperCaseOnly) }
    }

    @Test func readsWhatFoundationReads() {
        var texts = (0..<200).map { _ in UUID().uuidString }
        texts += texts.prefix(50).map { $0.lowercased() }
        texts += ["", "not-a-uuid", String(repeating: "0", count: 36), "E621E1F8-C36C-495A-93FC-0C247A3E6E5G",
                  "E621E1F8C36C-495A-93FC-0C247A3E6E5F-", "E621E1F8-C36C-495A-93FC-0C247A3E6E5", "{E621E1F8-C36C-495A-93FC}"]
        for text in texts {
            // The UUID read back from the bits, and the canonical reading, are Foundation's
            let expected = UUID(uuidString: text)
            #expect(StoreCoding.canonicalUUID(text) == expected, "\(text)")
            #expect(Self.bits(text).map { UUIDKey(high: $0.high, low: $0.low).uuid } == expected, "\(text)")
            // Upper case only: exactly the texts uuidString writes
            let canonical = expected.map { $0.uuidString == text } ?? false
            #expect((Self.bits(text, upperCaseOnly: true) != nil) == canonical, "\(text)")
        }
    }
}
