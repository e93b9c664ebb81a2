import Foundation
import Testing
import TanfangCore
@testable import TanfangUI

/// The elder file's `m`: another record of the same person, and combining the two.
@Suite struct ElderFileCombineTests {
    typealias T = ElderFileScreenTests

    /// The same 王秀英 registered in 阿克苏村 too, without a phone, with another address and a visit.
    static let other: Elder = {
        var e = T.elder()
        e.id = Fx.id(101)
        e.villageID = Fx.akesu.id
        e.phone = nil
        e.address = "阿克苏村1组"
        e.categories = [.emptyNest]
        return e
    }()

    static func file(duplicates: [PossibleDuplicate] = [PossibleDuplicate(elder: other, villageName: "阿克苏村",
                                                                           visitCount: 1, followUpCount: 1)]) -> ElderFile {
        var f = T.file()
        f.duplicates = duplicates
        return f
    }

    @Test func theFileSaysThatAnotherRecordMayBeTheSamePersonAndOffersM() {
        let h = T.harness(file: Self.file())
        let text = h.screenText()
        #expect(text.contains("阿克苏村的王秀英也有一份档案（探访 1 次）  按 m 合并"), "\(text)")
        #expect(h.screen.keyHints(env: h.env).contains { $0.keys == "m" })
        // A file without one neither says it nor shows the key
        let plain = T.harness()
        #expect(!plain.screenText().contains("疑似重复"))
        #expect(!plain.screen.keyHints(env: plain.env).contains { $0.keys == "m" })
    }

    @Test func mShowsBothRecordsWhatMovesAndWhereTheyDifferThenEnterCombines() {
        var h = T.harness(file: Self.file())
        h.type("m")
        let text = h.screenText()
        // The categories of both, together
        #expect(text.contains("类别合起来为：独居、空巢、失能（保留的：独居、失能；并入的：空巢）"), "\(text)")
        // Both records, the open one kept, and the values the two give differently
        #expect(text.contains("保留  王秀英  红旗村"), "\(text)")
        #expect(text.contains("并入  王秀英  阿克苏村"))
        #expect(text.contains("身份证 65402119400305002X  探访 1 次  跟进 1 项"))
        #expect(text.contains("来源：—；状态记录始于 2020-01-01"))
        #expect(text.contains("所属村：保留“红旗村”，并入的为“阿克苏村”"))
        #expect(text.contains("住址：保留“红旗村3组12号”，并入的为“阿克苏村1组”"))
        // The phone only the kept one has is no difference
        #expect(!text.contains("联系电话："))
        // When Enter is pressed, the other record is folded into this one
        h.send(.enter)
        #expect(h.requests.last == .combineElders(keep: T.elderID, fold: Self.other.id))
        // And when the ledger says it is done, the file is read again and the message says so
        h.deliver(.eldersCombined(kept: T.elderID))
        #expect(h.commands.suffix(2) == [.request(.elderFile(T.elderID)),
                                         .status(key: "elderFile.combine.done", args: [], tone: .success)])
        #expect(!h.screenText().contains("合并重复档案"))
    }

    @Test func tabKeepsTheOtherRecordAndTheFileBecomesThatOne() {
        var h = T.harness(file: Self.file())
        h.type("m")
        h.send(.tab)
        let text = h.screenText()
        #expect(text.contains("保留  王秀英  阿克苏村") && text.contains("并入  王秀英  红旗村"), "\(text)")
        #expect(text.contains("住址：保留“阿克苏村1组”，并入的为“红旗村3组12号”"))
        h.send(.enter)
        #expect(h.requests.last == .combineElders(keep: Self.other.id, fold: T.elderID))
        h.deliver(.eldersCombined(kept: Self.other.id))
        #expect(h.commands.suffix(2).first == .replace(.elderFile(Self.other.id)))
    }

    @Test func escapeCombinesNothing() {
        var h = T.harness(file: Self.file())
        h.type("m")
        h.send(.escape)
        #expect(!h.requests.contains { if case .combineElders = $0 { true } else { false } })
        #expect(h.commands.last == .status(key: "elderFile.combine.cancelled", args: [], tone: .info))
        #expect(h.screenText().contains("身份证号"))
    }

    @Test func aGridWorkerOrASupervisorIsToldWhoCombines() {
        var grid = T.harness(Fx.gridWorker, file: Self.file())
        // A grid worker is not offered the key
        #expect(!grid.screen.keyHints(env: grid.env).contains { $0.keys == "m" })
        #expect(!grid.screenText().contains("按 m 合并") && grid.screenText().contains("阿克苏村的王秀英也有一份档案"))
        grid.type("m")
        #expect(grid.commands.last == .status(key: "store.error.combineRole", args: [], tone: .warning))
        #expect(!grid.screenText().contains("合并重复档案"))
        var supervisor = T.harness(Fx.supervisor, file: Self.file())
        supervisor.type("m")
        #expect(supervisor.commands.last == .status(key: "elderFile.readOnly", args: [], tone: .warning))
    }

    @Test func aClerkCannotFoldARecordOfAnotherVillage() {
        var env = Fx.env()
        env.scope = AccessScope(villageIDs: [Fx.hongqi.id])
        var h = T.harness(file: Self.file())
        h.env = env
        // The file says where the other record is, not what it holds, and offers no m
        #expect(h.screenText().contains("阿克苏村的王秀英也有一份档案（不在您的范围内）") && !h.screenText().contains("按 m 合并"))
        h.type("m")
        #expect(h.screen.keyHints(env: h.env).filter(\.inBar).map(\.label) == ["取消"])
        #expect(h.screenText().contains("另一份档案在阿克苏村，不在您的范围内：请乡镇管理员合并"))
        // And nothing more of that record than its name and village is shown
        #expect(!h.screenText().contains("阿克苏村1组") && !h.screenText().contains("身份证"))
        h.send(.enter)
        #expect(!h.requests.contains { if case .combineElders = $0 { true } else { false } })
        #expect(h.commands.last == .status(key: "elderFile.combine.otherVillage", args: ["阿克苏村"], tone: .warning))
    }

    @Test func withTwoOtherRecordsRightShowsTheNext() {
        var third = Self.other
        third.id = Fx.id(102)
        third.name = "王秀英"
        third.villageID = Fx.hongqi.id
        var h = T.harness(file: Self.file(duplicates: [
            PossibleDuplicate(elder: Self.other, villageName: "阿克苏村", visitCount: 1, followUpCount: 1),
            PossibleDuplicate(elder: third, villageName: "红旗村", visitCount: 0, followUpCount: 0),
        ]))
        h.type("m")
        #expect(h.screenText().contains("疑似重复第 1 份，共 2 份"))
        h.send(.right)
        #expect(h.screenText().contains("疑似重复第 2 份，共 2 份"))
        h.send(.enter)
        #expect(h.requests.last == .combineElders(keep: T.elderID, fold: third.id))
    }

    @Test func theEnglishViewReadsAsWell() {
        var h = T.harness(language: .en, file: Self.file())
        h.type("m")
        let text = h.screenText()
        #expect(text.contains("Keep     王秀英  红旗村"), "\(text)")
        #expect(text.contains("Fold in  王秀英  阿克苏村"))
        #expect(h.screen.keyHints(env: h.env).filter(\.inBar).map(\.label) == ["Combine", "Keep the other", "Cancel"])
    }

    @Test func theRecordWithMoreVisitsIsKeptUnlessTabSaysOtherwise() {
        // Given this file (2 visits) and another record with 5
        var h = T.harness(file: Self.file(duplicates: [PossibleDuplicate(elder: Self.other, villageName: "阿克苏村",
                                                                          visitCount: 5, followUpCount: 0)]))
        h.type("m")
        // Then the other is the one kept at first
        #expect(h.screenText().contains("保留  王秀英  阿克苏村"), "\(h.screenText())")
        h.send(.tab)
        #expect(h.screenText().contains("保留  王秀英  红旗村"))
        h.send(.enter)
        #expect(h.requests.last == .combineElders(keep: T.elderID, fold: Self.other.id))
    }

    @Test func manyDifferencesScrollAt80x24() {
        // Given another record differing in many fields
        var other = Self.other
        other.name = "王秀英"
        other.gender = .male
        other.ethnicity = "维吾尔族"
        other.phone = "13000000000"
        other.disabilityDegree = .mild
        other.livingArrangement = .withSpouse
        other.visitorID = Fx.zhao.id
        other.supporters = [Supporter(name: "王大", relation: "女儿", phone: "13000000001")]
        other.emergencyContacts = [Contact(name: "马兰", relation: "邻居", phone: "13000000002")]
        var h = T.harness(file: Self.file(duplicates: [PossibleDuplicate(elder: other, villageName: "阿克苏村",
                                                                          visitCount: 0, followUpCount: 0)]))
        h.type("m")
        #expect(!h.screenText().contains("13000000002"))
        // When ↓ and PgDn are pressed / Then the last differences come into view
        h.send(.pageDown)
        h.send(.down)
        #expect(h.screenText().contains("13000000002"), "\(h.screenText())")
        h.send(.pageUp)
        h.send(.pageUp)
        #expect(h.screenText().contains("合并重复档案"))
    }

    @Test func aRefusedCombineKeepsTheFileAndSaysWhy() {
        var h = T.harness(file: Self.file())
        h.type("m")
        h.send(.enter)
        h.deliver(.failed(message: "探访草稿：文书为两份王秀英的档案各存着一份未保存的探访草稿"))
        #expect(h.commands.last == .status(key: "status.error", args: ["探访草稿：文书为两份王秀英的档案各存着一份未保存的探访草稿"],
                                           tone: .error))
        #expect(h.screenText().contains("身份证号") && !h.screenText().contains("合并重复档案"))
    }
}
