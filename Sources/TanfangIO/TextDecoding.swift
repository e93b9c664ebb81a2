import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The encoding a text file turned out to have.
public enum DetectedEncoding: String, Hashable, Sendable, Codable, CaseIterable {
    case utf8, utf8BOM, utf16LE, utf16BE, gb18030
}

/// Turns the bytes of a text file into a string without guessing.
///
/// Excel on Chinese Windows saves CSV as GBK (a subset of GB18030) and everything else saves
/// UTF-8, so the order is: a BOM decides; otherwise strict UTF-8; otherwise GB18030 through
/// iconv. A file that is neither is refused with the byte offset of the first bad byte, because
/// importing mojibake would put wrong names on the ledger.
public enum TextDecoding {
    /// How many well-formed multi-byte UTF-8 sequences before the first bad byte make a file
    /// "damaged UTF-8" rather than GBK. GBK text forms such sequences only by accident
    /// (about one character in seven), so four in a row before any invalid byte is very unlikely.
    static let damagedUTF8Evidence = 4

    /// Decodes `data`; `file` only names the file in the error.
    public static func decode(_ data: Data, file: String) throws -> (text: String, encoding: DetectedEncoding) {
        let bytes = [UInt8](data)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            let body = Array(bytes[3...])
            if let bad = firstInvalidUTF8(body) { throw TanfangIOError.undecodable(file: file, offset: bad.offset + 3) }
            return (String(decoding: body, as: UTF8.self), .utf8BOM)
        }
        if bytes.starts(with: [0xFF, 0xFE]) {
            return (try decodeUTF16(bytes, littleEndian: true, file: file), .utf16LE)
        }
        if bytes.starts(with: [0xFE, 0xFF]) {
            return (try decodeUTF16(bytes, littleEndian: false, file: file), .utf16BE)
        }
        if bytes.starts(with: [0x84, 0x31, 0x95, 0x33]) {  // the GB18030 byte-order mark
            switch Iconv.convert(Array(bytes[4...]), from: "GB18030", to: "UTF-8") {
            case .success(let utf8): return (String(decoding: utf8, as: UTF8.self), .gb18030)
            case .failure(let f): throw TanfangIOError.undecodable(file: file, offset: f.offset + 4)
            }
        }
        // Valid UTF-8 (nearly every file) is checked and copied in one pass.
        if let text = String(validating: bytes, as: UTF8.self) { return (text, .utf8) }
        guard let bad = firstInvalidUTF8(bytes) else {
            return (String(decoding: bytes, as: UTF8.self), .utf8)
        }
        if bad.validMultibyteBefore >= damagedUTF8Evidence {
            throw TanfangIOError.undecodable(file: file, offset: bad.offset)
        }
        switch Iconv.convert(bytes, from: "GB18030", to: "UTF-8") {
        case .success(let utf8):
            return (String(decoding: utf8, as: UTF8.self), .gb18030)
        case .failure(let f):
            // Report where the decoder that got further stopped: that is most likely the real damage.
            throw TanfangIOError.undecodable(file: file, offset: max(f.offset, bad.offset))
        }
    }

    /// The first byte where strict UTF-8 fails (overlongs, surrogates and values past U+10FFFF
    /// included), and how many well-formed multi-byte sequences came before it.
    static func firstInvalidUTF8(_ bytes: [UInt8]) -> (offset: Int, validMultibyteBefore: Int)? {
        var i = 0
        var multibyte = 0
        let n = bytes.count
        while i < n {
            let b = bytes[i]
            if b < 0x80 { i += 1; continue }
            let need: Int
            var scalar: UInt32
            let minimum: UInt32
            switch b {
            case 0xC0...0xDF: need = 1; scalar = UInt32(b & 0x1F); minimum = 0x80
            case 0xE0...0xEF: need = 2; scalar = UInt32(b & 0x0F); minimum = 0x800
            case 0xF0...0xF7: need = 3; scalar = UInt32(b & 0x07); minimum = 0x10000
            default: return (i, multibyte)
            }
            for k in 1...need {
                guard i + k < n, bytes[i + k] & 0xC0 == 0x80 else { return (i, multibyte) }
                scalar = scalar << 6 | UInt32(bytes[i + k] & 0x3F)
            }
            guard scalar >= minimum, scalar <= 0x10FFFF, !(0xD800...0xDFFF).contains(scalar) else {
                return (i, multibyte)
            }
            multibyte += 1
            i += need + 1
        }
        return nil
    }

    /// UTF-16 after a 2-byte BOM; unpaired surrogates and an odd length are errors.
    static func decodeUTF16(_ bytes: [UInt8], littleEndian: Bool, file: String) throws -> String {
        var scalars = String.UnicodeScalarView()
        var i = 2
        func unit(_ at: Int) -> UInt16 {
            littleEndian ? UInt16(bytes[at]) | UInt16(bytes[at + 1]) << 8 : UInt16(bytes[at]) << 8 | UInt16(bytes[at + 1])
        }
        while i < bytes.count {
            guard i + 1 < bytes.count else { throw TanfangIOError.undecodable(file: file, offset: i) }
            let u = unit(i)
            switch u {
            case 0xD800...0xDBFF:
                guard i + 3 < bytes.count else { throw TanfangIOError.undecodable(file: file, offset: i) }
                let low = unit(i + 2)
                guard (0xDC00...0xDFFF).contains(low) else { throw TanfangIOError.undecodable(file: file, offset: i) }
                let value = 0x10000 + (UInt32(u - 0xD800) << 10) + UInt32(low - 0xDC00)
                scalars.append(Unicode.Scalar(value)!)
                i += 4
            case 0xDC00...0xDFFF:
                throw TanfangIOError.undecodable(file: file, offset: i)
            default:
                scalars.append(Unicode.Scalar(u)!)
                i += 2
            }
        }
        return String(scalars)
    }
}

/// A thin wrapper over the C library's iconv (glibc on Linux).
enum Iconv {
    struct Failure: Error { let offset: Int }

    /// Converts all of `input`; on an invalid or truncated sequence, the offset where it starts.
    static func convert(_ input: [UInt8], from: String, to: String) -> Result<[UInt8], Failure> {
        let cd = iconv_open(to, from)
        guard cd != iconv_t(bitPattern: -1) else { return .failure(Failure(offset: 0)) }
        defer { iconv_close(cd) }
        if input.isEmpty { return .success([]) }

        var output: [UInt8] = []
        output.reserveCapacity(input.count * 3 / 2 + 16)
        var source = input
        return source.withUnsafeMutableBufferPointer { src -> Result<[UInt8], Failure> in
            let base = UnsafeMutableRawPointer(src.baseAddress!).assumingMemoryBound(to: CChar.self)
            var inPtr: UnsafeMutablePointer<CChar>? = base
            var inLeft = src.count
            var chunk = [UInt8](repeating: 0, count: 16_384)
            while true {
                let (result, produced, error) = chunk.withUnsafeMutableBufferPointer { out -> (Int, Int, Int32) in
                    var outPtr: UnsafeMutablePointer<CChar>? =
                        UnsafeMutableRawPointer(out.baseAddress!).assumingMemoryBound(to: CChar.self)
                    var outLeft = out.count
                    let r = iconv(cd, &inPtr, &inLeft, &outPtr, &outLeft)
                    return (r, out.count - outLeft, r == -1 ? errno : 0)
                }
                output.append(contentsOf: chunk[..<produced])
                if result != -1 {
                    if inLeft == 0 { return .success(output) }
                    continue
                }
                if error == E2BIG { continue }
                // EILSEQ (invalid) or EINVAL (truncated at the end): inPtr points at the bad sequence.
                return .failure(Failure(offset: inPtr.map { $0 - base } ?? 0))
            }
        }
    }
}
