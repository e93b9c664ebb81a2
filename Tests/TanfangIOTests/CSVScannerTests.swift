import CSV
import Foundation
import Testing
import TanfangCore
@testable import TanfangIO

/// The byte scanner replaced CSV.swift's reader for speed; it must split every input the same way.
@Suite struct CSVScannerTests {
    /// Records as CSV.swift's `CSVReader` gives them (the reader the scanner replaced).
    static func reference(_ text: String, delimiter: Unicode.Scalar) throws -> [[String]] {
        let reader = try CSVReader(string: text, hasHeaderRow: false, delimiter: delimiter)
        var out: [[String]] = []
        while let row = reader.next() { out.append(row) }
        return out
    }

    static func scanned(_ text: String, delimiter: Unicode.Scalar) -> [[String]] {
        var text = text
        return text.withUTF8 { CSVScanner.records($0, delimiter: UInt8(delimiter.value)) }
    }

    @Test("Tricky inputs split as CSV.swift splits them", arguments: [
        "", "a", "a,b", "a,b\n", "a,b\r\n", "a,b\r", "a,\n", ",", ",,\n,", "\n", "\n\n", "\r\n\r\n", "\r\r\n",
        "\"a\"", "\"a,b\",c", "\"a\"\"b\"", "\"\"", "\"\",\"\"", "\"a\nb\",c\r\nd", "\"a\r\nb\"\r\n",
        "\"ab\"cd,e", "\"ab\"王d,e", "\"ab\"\"", "a\"b,c", "a\"\"b\n", "\"unterminated", "\"x\"\r", "\"x\"\ry",
        "王秀英,女,\"幸福路1号,3单元\"\r\n李建国,男,\r\n", "\t\t\n", "a\tb\t\"c\td\"\n",
    ])
    func tricky(text: String) throws {
        for delimiter: Unicode.Scalar in [",", "\t"] {
            #expect(Self.scanned(text, delimiter: delimiter) == (try Self.reference(text, delimiter: delimiter)))
        }
    }

    @Test("Random inputs split as CSV.swift splits them")
    func random() throws {
        // Given 3,000 random strings over the characters that matter to the splitting
        let alphabet: [String] = [",", "\t", "\"", "\r", "\n", "a", "王", "é", "𠀀", " "]
        var rng = SplitMix64(seed: 42)
        for _ in 0..<3000 {
            let text = (0..<Int(rng.next() % 24)).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] }.joined()
            // Then the scanner and the reference agree for both delimiters
            for delimiter: Unicode.Scalar in [",", "\t"] {
                let expected = try Self.reference(text, delimiter: delimiter)
                #expect(Self.scanned(text, delimiter: delimiter) == expected, "\(text.debugDescription)")
            }
        }
    }
}

