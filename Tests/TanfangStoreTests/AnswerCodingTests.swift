import Foundation
import Testing
import TanfangCore
@testable import TanfangStore

@Suite("Answer coding")
struct AnswerCodingTests {
    @Test("Every kind of answer survives a round trip, text with quotes, controls and emoji included")
    func roundTrip() throws {
        let answers: [String: Answer] = [
            "a.choice": .choice(3), "b.choices": .choices([1, 4, 7]), "c.empty": .choices([]),
            "d.yes": .yesNo(true), "e.no": .yesNo(false), "f.date": .date(LocalDate(year: 2026, month: 1, day: 5)!),
            "g.number": .number(-12.75), "h.text": .text("电线\"老化\"\\ 需更换\n第二行\t\u{1}👍"),
        ]
        let text = AnswerCoding.encode(answers)
        #expect(try AnswerCoding.decode(text) == answers)
        // And the stored text is valid JSON for SQLite's JSON functions and other readers
        let parsed = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
        #expect(parsed?.count == answers.count)
    }

    @Test("The stored text is compact, key-sorted and names each answer's kind")
    func shape() {
        let text = AnswerCoding.encode(["safety.hasHazard": .yesNo(false), "health.illness": .choices([2, 3])])
        #expect(text == #"{"health.illness":{"choices":[2,3]},"safety.hasHazard":{"yesNo":false}}"#)
    }

    @Test("Hand-edited JSON with spaces and escapes reads; malformed JSON is reported as corrupt")
    func lenientButStrict() throws {
        let edited = #" { "x.t" : { "text" : "a\u00e9\ud83d\udc4d\/b" } , "x.c" : {"choice": 2} } "#
        #expect(try AnswerCoding.decode(edited) == ["x.t": .text("aé👍/b"), "x.c": .choice(2)])
        for bad in ["", "{", #"{"x":{"choice":1.5}}"#, #"{"x":{"color":1}}"#, #"{"x":{"choice":1,"text":"a"}}"#, "[1] x"] {
            #expect(throws: LedgerError.corrupt(column: "visit.answers")) { try AnswerCoding.decode(bad) }
        }
    }

    @Test("String arrays round-trip")
    func strings() throws {
        let list = ["卫健", "残联 \"A\"", ""]
        #expect(try StoreCoding.strings(fromJSON: StoreCoding.json(strings: list), column: "c") == list)
    }
}
