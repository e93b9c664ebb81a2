import Foundation
import TanfangCore

/// Writes `visit.answers` text byte for byte as `AnswerCoding.encode` does, without sorting the
/// keys of every visit: a demo build encodes millions of visits, and sorting 20 field codes per
/// visit was a large share of it. Keys are ranked once from the form; a key the form does not
/// know falls back to `AnswerCoding.encode`. Not thread-safe: one per thread.
struct DemoAnswerEncoder {
    /// Field codes in byte order, each as the JSON string literal `AnswerCoding` writes.
    private let keys: [[UInt8]]
    private let rank: [String: Int]
    private var slots: [Answer?]
    private var out: [UInt8] = []

    init(form: FormDefinition) {
        let codes = Set(form.sections.flatMap(\.fields).map(\.code))
            .sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        keys = codes.map { code in
            var bytes: [UInt8] = []
            JSONBytes.appendString(code, to: &bytes)
            return bytes
        }
        rank = Dictionary(uniqueKeysWithValues: codes.enumerated().map { ($1, $0) })
        slots = Array(repeating: nil, count: codes.count)
        out.reserveCapacity(2048)
    }

    mutating func encode(_ answers: [String: Answer]) -> String {
        for i in slots.indices { slots[i] = nil }
        for (code, answer) in answers {
            guard let r = rank[code] else { return AnswerCoding.encode(answers) }
            slots[r] = answer
        }
        out.removeAll(keepingCapacity: true)
        out.append(UInt8(ascii: "{"))
        var first = true
        for (r, slot) in slots.enumerated() {
            guard let answer = slot else { continue }
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            out.append(contentsOf: keys[r])
            AnswerCoding.appendValue(answer, to: &out)
        }
        out.append(UInt8(ascii: "}"))
        return String(decoding: out, as: UTF8.self)
    }
}

/// `UUID.uuidString` (upper-case 8-4-4-4-12 hex), which on Linux goes through `snprintf`, a
/// large share of a demo build's time with several identifiers per row.
enum DemoUUIDText {
    private static let hex = Array("0123456789ABCDEF".utf8)

    static func text(_ id: UUID) -> String {
        withUnsafeBytes(of: id.uuid) { raw in
            String(unsafeUninitializedCapacity: 36) { out in
                var o = 0
                for i in 0..<16 {
                    if i == 4 || i == 6 || i == 8 || i == 10 {
                        out[o] = UInt8(ascii: "-")
                        o += 1
                    }
                    out[o] = hex[Int(raw[i] >> 4)]
                    out[o + 1] = hex[Int(raw[i] & 0x0F)]
                    o += 2
                }
                return o
            }
        }
    }

    static func text(_ id: UUID?) -> String? { id.map { text($0) } }
}

extension FollowUpRecord {
    /// `FollowUpRecord(f)` stamped, with identifiers written by `DemoUUIDText`.
    init(demo f: FollowUp, stamp: String) {
        id = DemoUUIDText.text(f.id)
        elderId = DemoUUIDText.text(f.elderID)
        visitId = DemoUUIDText.text(f.visitID)
        type = f.type.rawValue
        ownerId = DemoUUIDText.text(f.ownerID)
        openedAt = StoreCoding.text(f.openedAt)
        due = StoreCoding.text(f.due)
        status = f.status.rawValue
        detail = f.detail
        closingAction = f.closing?.action
        closingAt = StoreCoding.text(f.closing?.at)
        closingBy = f.closing?.by
        createdAt = stamp
        updatedAt = stamp
    }
}

extension VisitRecord {
    /// The row of `v` with its answers already encoded.
    init(_ v: Visit, answers encoded: String, stamp: String) {
        id = DemoUUIDText.text(v.id)
        elderId = DemoUUIDText.text(v.elderID)
        at = StoreCoding.text(v.at)
        date = StoreCoding.text(v.date)
        visitorIds = StoreCoding.json(strings: v.visitorIDs.map { DemoUUIDText.text($0) })
        method = v.method.rawValue
        seenInPerson = v.seenInPerson
        answers = encoded
        copiedSections = v.copiedSections.isEmpty ? "[]" : StoreCoding.json(strings: v.copiedSections.sorted())
        createdAt = stamp
        updatedAt = stamp
    }
}
