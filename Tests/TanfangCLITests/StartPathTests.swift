import Foundation
import Testing
@testable import tanfang

@Suite struct StartPathTests {
    @Test("The C library's local time is Foundation's (the start no longer loads ICU's zones for it)")
    func localTimeMatchesFoundation() {
        // A minute may turn between the two reads: try again then.
        var agreed = false
        for _ in 0..<3 where !agreed {
            let fast = WallClock.currentTime()
            let reference = WallClock.foundationTime()
            agreed = (fast.year, fast.month, fast.day, fast.hour, fast.minute)
                == (reference.year, reference.month, reference.day, reference.hour, reference.minute)
        }
        #expect(agreed)
    }

    @Test("Only the workstation's own options skip the full command tree; the parse is the same")
    func directParse() throws {
        #expect(UI.parsesDirectly([]))
        #expect(UI.parsesDirectly(["--db", "/tmp/a.sqlite", "--lang", "en", "--no-color"]))
        #expect(!UI.parsesDirectly(["ui", "--db", "x"]))
        #expect(!UI.parsesDirectly(["demo", "--elders", "5"]))
        #expect(!UI.parsesDirectly(["--help"]))
        #expect(!UI.parsesDirectly(["--db", "x", "-h"]))
        #expect(!UI.parsesDirectly(["--version"]))
        let arguments = ["--db", "/tmp/a.sqlite", "--lang", "en", "--no-color"]
        let direct = try UI.parse(arguments)
        let viaRoot = try #require(try Tanfang.parseAsRoot(arguments) as? UI)
        #expect(direct.options.db == viaRoot.options.db && direct.options.lang == viaRoot.options.lang)
        #expect(direct.noColor == viaRoot.noColor)
        // A workstation option followed by a subcommand is not the workstation's: the direct parse fails.
        #expect(throws: (any Error).self) { try UI.parse(["--db", "x", "demo"]) }
    }
}
