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

    /// The spelling as it was before the scalar-keyed cache: one ICU transform per character.
    static func reference(_ name: String) -> [String] {
        let transform = StringTransform("Han-Latin; Latin-ASCII")
        func reading(_ ch: Character) -> String {
            let latin = String(ch).applyingTransform(transform, reverse: false) ?? String(ch)
            return String(String.UnicodeScalarView(latin.lowercased().unicodeScalars.filter {
                ("a"..."z").contains($0) || ("0"..."9").contains($0)
            }))
        }
        var out: [String] = []
        var word = ""
        var isFirst = true
        for ch in name.trimmingCharacters(in: .whitespacesAndNewlines) {
            defer { isFirst = false }
            if ch.unicodeScalars.first?.properties.isIdeographic ?? false {
                if !word.isEmpty { out.append(word); word = "" }
                let r = (isFirst ? Pinyin.surnames[ch] : nil) ?? Pinyin.nameReadings[ch] ?? reading(ch)
                if !r.isEmpty { out.append(r) }
            } else {
                let latin = reading(ch)
                if latin.isEmpty {
                    if !word.isEmpty { out.append(word); word = "" }
                } else {
                    word += latin
                }
            }
        }
        if !word.isEmpty { out.append(word) }
        return out
    }

    @Test("Search keys hold a name's other common readings: 万长林 by wzl and wcl, 阿不都 by abudu")
    func otherReadings() {
        let wan = Pinyin.searchKeys("万长林")
        #expect(wan.initials == "wzl wcl")
        #expect(wan.full == "wan zhang lin|wan chang lin")
        #expect(Pinyin.searchKeys("阿不都热合曼").full == "a bu du re he man")
        #expect(Pinyin.searchKeys("王秀英") == (initials: "wxy", full: "wang xiu ying"))
        // At most four spellings, the usual one first
        let many = Pinyin.searchKeys("长长长长")
        #expect(many.full.split(separator: "|").count == 4)
        #expect(many.full.hasPrefix(Pinyin.full("长长长长") + "|"))
    }

    @Test("The cache spells every name as the per-character transform does")
    func cacheMatchesTransform() {
        // Given common, rare (extension B, compatibility), 多音字-surname, Uyghur and mixed names
        let names = [
            "王秀英", "李桂兰", "张建国", "单田芳", "曾志伟", "解晓东", "仇英", "朴树", "区志强", "查良镛", "吕秀兰", "乐嘉",
            "重阳", "长江", "华佗", "覃海", "翟志刚", "缪斯", "尉迟恭", "欧阳修", "司马光", "诸葛亮", "阿依古丽·买买提",
            "艾尔肯•吐尔逊", "努尔买买提．艾力", "迪丽拜尔・阿不都", "叶尔兰·哈力别克", "𠀀𠀁", "𪚥", "龘", "犇", "嫑",
            "﨑", "丨", "〇", "王\u{FE00}", "葛\u{E0100}", "Anna 李", "li Hua", "ＡＢＣ王", "王2号", "  王秀英  ", "\u{3000}李\n",
            "王 秀 英", "\u{200B}王\u{200B}", "\u{FEFF}李", "Müller", "Ömer·Ali", "é", "", "·", "😀王", "王-秀", "O'Brien",
        ]
        // Then full spellings and initials agree, twice (the second time from the cache)
        for _ in 0..<2 {
            for name in names {
                let expected = Self.reference(name)
                #expect(Pinyin.syllables(name) == expected, "\(name)")
                #expect(Pinyin.full(name) == expected.joined(separator: " "))
                #expect(Pinyin.initials(name) == String(expected.compactMap(\.first)))
            }
        }
    }
}
