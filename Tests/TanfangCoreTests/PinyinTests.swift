import Foundation
import Testing
@testable import TanfangCore

@Suite("Pinyin")
struct PinyinTests {
    @Test("A common name gives syllables and initials")
    func commonName() {
        // Given 王秀英, When spelled, Then each character is one syllable.
        #expect(Pinyin.full("王秀英") == "wang xiu ying")
        #expect(Pinyin.initials("王秀英") == "wxy")
    }

    @Test("Surnames read differently from the character's default", arguments: [
        ("单田芳", "shan"), ("曾志伟", "zeng"), ("解晓东", "xie"), ("仇英", "qiu"),
        ("朴树", "piao"), ("区志强", "ou"), ("查良镛", "zha"), ("吕秀兰", "lv"),
    ])
    func surnameOverride(name: String, surname: String) {
        // Given a surname ICU reads wrongly, When spelled, Then the first syllable is the surname reading.
        #expect(Pinyin.syllables(name).first == surname)
    }

    @Test("The override applies only to the first character")
    func overrideOnlyFirst() {
        // Given 单 inside a given name, When spelled, Then it keeps ICU's reading (not shan).
        let syllables = Pinyin.syllables("王单")
        #expect(syllables.first == "wang")
        #expect(syllables.last != "shan")
    }

    @Test("Transliterated Uyghur names drop the middle dot")
    func uyghurName() {
        // Given a name with the interpunct, When spelled, Then no punctuation remains.
        let full = Pinyin.full("阿依古丽·买买提")
        #expect(full == "a yi gu li mai mai ti")
        #expect(Pinyin.initials("阿依古丽·买买提") == "ayglmmt")
    }

    @Test("Latin letters and digits stay together as one word")
    func latinRun() {
        // Given a mixed name, When spelled, Then the Latin run is one word.
        #expect(Pinyin.full("Anna 李") == "anna li")
        #expect(Pinyin.initials("Anna 李") == "al")
    }

    @Test("Empty and punctuation-only names give nothing")
    func empty() {
        #expect(Pinyin.full("") == "")
        #expect(Pinyin.initials("·  ") == "")
    }

    @Test("Concurrent use gives the same readings")
    func concurrent() async {
        // Given many tasks spelling names at once, When they finish, Then all agree.
        let names = ["王秀英", "李桂兰", "张建国", "阿依古丽·买买提"]
        let expected = names.map(Pinyin.full)
        let results = await withTaskGroup(of: [String].self) { group in
            for _ in 0..<8 { group.addTask { names.map(Pinyin.full) } }
            var all: [[String]] = []
            for await r in group { all.append(r) }
            return all
        }
        #expect(results.allSatisfy { $0 == expected })
    }
}
