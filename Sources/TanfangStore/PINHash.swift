import Crypto
import Foundation

/// Salted SHA-256 of a PIN, stored as `salt$hex` (both lower-case hex); never the PIN itself.
public enum PINHash {
    /// A new random 16-byte salt and the hash of `pin` with it.
    public static func make(_ pin: String) -> String {
        var generator = SystemRandomNumberGenerator()
        let salt = (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return hex(salt) + "$" + digest(salt: salt, pin: pin)
    }

    /// Whether `pin` matches `stored`; a malformed stored hash never matches.
    public static func verify(_ pin: String, against stored: String) -> Bool {
        let parts = stored.split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count == 2, let salt = bytes(fromHex: String(parts[0])), !salt.isEmpty else { return false }
        let expected = Array(parts[1].utf8)
        let actual = Array(digest(salt: salt, pin: pin).utf8)
        guard expected.count == actual.count else { return false }
        // Constant time: compare every byte.
        return zip(expected, actual).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }

    static func digest(salt: [UInt8], pin: String) -> String {
        var hasher = SHA256()
        hasher.update(data: salt)
        hasher.update(data: Array(pin.utf8))
        return hex(Array(hasher.finalize()))
    }

    static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { String(format: "%02x", $0) }.joined()
    }

    static func bytes(fromHex text: String) -> [UInt8]? {
        let chars = Array(text.utf8)
        guard chars.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(chars.count / 2)
        var i = 0
        while i < chars.count {
            guard let byte = UInt8(String(decoding: chars[i..<i + 2], as: UTF8.self), radix: 16) else { return nil }
            out.append(byte)
            i += 2
        }
        return out
    }
}
