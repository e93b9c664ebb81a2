import Foundation
import Testing
import TanfangUI
@testable import TanfangTerminal

/// Counts keys, asks to save on F2 (an effect with a result), quits on F10.
struct Counter: Program {
    enum Effect: Hashable, Sendable { case save(Int) }
    enum EffectResult: Hashable, Sendable { case saved(Int) }
    var count = 0
    var saved: Int?
    var sizes: [Int] = []
    var wantsQuit = false

    mutating func update(_ event: ProgramEvent) -> [Effect] {
        switch event {
        case .resize(let width, _): sizes.append(width)
        case .key(.function(2)): return [.save(count)]
        case .key(.function(10)): wantsQuit = true
        case .key: count += 1
        case .tick: break
        }
        return []
    }

    mutating func receive(_ result: EffectResult) -> [Effect] {
        if case .saved(let n) = result { saved = n }
        return []
    }

    func render(into grid: inout Grid) -> CursorPosition? {
        grid.put("计数 \(count) 已存 \(saved.map(String.init) ?? "-")", x: 0, y: 0)
        return CursorPosition(x: 0, y: 1)
    }
}

/// Counts ticks; says whether it wants them.
struct TickCounter: Program {
    typealias Effect = Int
    typealias EffectResult = Int
    var ticks = 0
    var wantsTicks: Bool
    var wantsQuit = false
    mutating func update(_ event: ProgramEvent) -> [Int] {
        if event == .tick { ticks += 1 }
        return []
    }
    mutating func receive(_ result: Int) -> [Int] { [] }
    func render(into grid: inout Grid) -> CursorPosition? {
        grid.put("\(ticks)", x: 0, y: 0)
        return nil
    }
}

@Suite("TerminalRunner")
struct RunnerTests {
    @Test("The loop sends the size first, keys in order, performs effects and stops on quit")
    func loop() {
        // Given scripted keys including a resize and a save
        let backend = RecordingBackend(width: 20, height: 3, keys: [
            .char("a"), .char("李"), .resize(width: 30, height: 4), .function(2), .char("b"), .function(10), .char("z"),
        ])
        var performed: [Counter.Effect] = []
        // When the runner runs the program on it
        let (program, outcome) = TerminalRunner.run(Counter(), on: backend, stopWhenIdle: true) { effect in
            performed.append(effect)
            if case .save(let n) = effect { return .saved(n) }
            return nil
        }
        // Then it finished by itself, saw both sizes and performed the save with the count then
        #expect(outcome == .finished)
        #expect(program.sizes == [20, 30])
        #expect(program.count == 3)
        #expect(performed == [.save(2)])
        #expect(program.saved == 2)
        #expect(!backend.isDrained)  // the key after F10 was never read
        #expect(backend.frames.last?.grid.lines().first == "计数 3 已存 2")
        #expect(backend.frames.last?.grid.width == 30)
    }

    @Test("Keys typed while an effect held the screen for long are dropped, not replayed into the next field")
    func typeaheadAfterAStallIsDropped() {
        // Given a save that stalls (the ledger busy) longer than the limit, and a quick one
        let backend = RecordingBackend(width: 20, height: 3, keys: [.function(2), .char("a"), .function(2), .function(10)])
        var calls = 0
        _ = TerminalRunner.run(Counter(), on: backend, typeaheadLimit: .milliseconds(200), stopWhenIdle: true) { effect in
            calls += 1
            if calls == 1 { Thread.sleep(forTimeInterval: 0.4) }
            if case .save(let n) = effect { return .saved(n) }
            return nil
        }
        // Then the typeahead was dropped once, after the stalled save only
        #expect(calls == 2)
        #expect(backend.typeaheadDiscards == 1)
    }

    @Test("Each keystroke writes only the changed cells")
    func minimalWrites() {
        let backend = RecordingBackend(width: 20, height: 3, keys: [.char("a")])
        _ = TerminalRunner.run(Counter(), on: backend, stopWhenIdle: true) { _ in nil }
        // First frame draws everything; the keystroke changes only the digit
        #expect(backend.writtenRuns.last == [CellRun(x: 5, y: 0, style: .plain, text: "1", width: 1)])
    }

    @Test("A caught signal stops the loop with that signal")
    func signal() {
        let backend = RecordingBackend(width: 20, height: 3, keys: [.char("a"), .char("b")])
        var reads = 0
        let (program, outcome) = TerminalRunner.run(Counter(), on: backend, stopSignal: {
            reads += 1
            return reads > 2 ? 15 : nil
        }) { _ in nil }
        #expect(outcome == .interrupted(signal: 15))
        #expect(program.count == 2)
    }

    @Test("Characters and key codes from get_wch map to keys")
    func keyMapping() {
        #expect(NcursesBackend.characterKey(0x0D) == .enter)
        #expect(NcursesBackend.characterKey(0x0A) == .enter)
        #expect(NcursesBackend.characterKey(0x09) == .tab)
        #expect(NcursesBackend.characterKey(0x1B) == .escape)
        #expect(NcursesBackend.characterKey(0x7F) == .backspace)
        #expect(NcursesBackend.characterKey(0x13) == .ctrl("s"))
        #expect(NcursesBackend.characterKey(0x674E) == .char("李"))
        #expect(NcursesBackend.characterKey(0) == nil)
        // curses.h key codes (octal): KEY_F0 0410, KEY_BTAB 0541, KEY_NPAGE 0522, KEY_DC 0512
        #expect(NcursesBackend.functionKey(0o410 + 1) == .function(1))
        #expect(NcursesBackend.functionKey(0o410 + 12) == .function(12))
        #expect(NcursesBackend.functionKey(0o541) == .backTab)
        #expect(NcursesBackend.functionKey(0o522) == .pageDown)
        #expect(NcursesBackend.functionKey(0o512) == .delete)
    }

    @Test("An effect answered quickly draws one frame for its key, not a pending frame before it")
    func quickEffectOneFrame() {
        let backend = RecordingBackend(width: 20, height: 3, keys: [.function(2)])
        let (program, _) = TerminalRunner.run(Counter(), on: backend, stopWhenIdle: true) { effect in
            if case .save(let n) = effect { return .saved(n) }
            return nil
        }
        #expect(program.saved == 0)
        // The first frame (size), then the key's frame with the result in it
        #expect(backend.frames.count == 2)
        #expect(backend.frames.last?.grid.lines().first == "计数 0 已存 0")
    }

    @Test("A slow effect shows the frame from before it first, then the answer")
    func slowEffectPendingFrame() {
        let backend = RecordingBackend(width: 20, height: 3, keys: [.char("a"), .function(2)])
        let (program, _) = TerminalRunner.run(Counter(), on: backend, pendingFrameDelay: .milliseconds(5),
                                              stopWhenIdle: true) { effect in
            Thread.sleep(forTimeInterval: 0.1)
            if case .save(let n) = effect { return .saved(n) }
            return nil
        }
        #expect(program.saved == 1)
        let firstLines = backend.frames.map { $0.grid.lines().first ?? "" }
        #expect(firstLines == ["计数 0 已存 -", "计数 1 已存 -", "计数 1 已存 -", "计数 1 已存 1"])
    }

    @Test("Ticks go only to a program that wants them")
    func ticksOnlyWhenWanted() {
        for wants in [true, false] {
            let backend = RecordingBackend(width: 20, height: 3, keys: [.char("a"), .char("b")])
            let (program, _) = TerminalRunner.run(TickCounter(wantsTicks: wants), on: backend, tickInterval: .zero,
                                                  stopWhenIdle: true) { _ in nil }
            #expect((program.ticks > 0) == wants)
            #expect(backend.frames.count == (wants ? 3 + program.ticks : 3))
        }
    }
}
