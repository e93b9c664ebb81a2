// MARK: - Program

/// What a program is told about: a key, a new terminal size, or a periodic tick.
public enum ProgramEvent: Hashable, Sendable {
    case key(Key)
    /// The terminal size. Always the first event a program receives, then sent on every resize.
    case resize(width: Int, height: Int)
    /// Sent about once a second while the program runs (e.g. to let a status message expire
    /// after a count of ticks). Carries no time: programs never read the clock.
    case tick
}

/// Where the hardware cursor goes after a frame (an input field's insertion point).
public struct CursorPosition: Hashable, Sendable {
    public var x: Int
    public var y: Int

    public init(x: Int, y: Int) {
        self.x = x
        self.y = y
    }
}

/// The Elm-style shape every screen follows: state that changes only in `update`/`receive`,
/// and a pure `render`.
///
/// All I/O (database reads and writes, exports) is described as `Effect` values that the
/// runner performs; each result comes back through `receive`, errors included, as bubbletea's
/// commands and messages do. The program never touches the terminal or the database itself,
/// so a test drives it with events and canned results and checks its state, effects and
/// rendered lines.
///
/// ```swift
/// struct Counter: Program {
///     enum Effect: Hashable, Sendable { case save(Int) }
///     enum EffectResult: Hashable, Sendable { case saved, failed(String) }
///     var count = 0, status = "", wantsQuit = false
///     mutating func update(_ event: ProgramEvent) -> [Effect] {
///         switch event {
///         case .key(.char("+")): count += 1; return []
///         case .key(.function(2)): return [.save(count)]
///         case .key(.escape): wantsQuit = true; return []
///         default: return []
///         }
///     }
///     mutating func receive(_ result: EffectResult) -> [Effect] {
///         status = result == .saved ? "status.saved" : "status.error"; return []
///     }
///     func render(into grid: inout Grid) -> CursorPosition? {
///         grid.put("\(count)", x: 0, y: 0); return nil
///     }
/// }
/// ```
public protocol Program {
    /// Work for the runner to do, as plain data (Equatable, so tests can compare it).
    associatedtype Effect: Sendable
    /// What performing an effect produced, fed back through ``receive(_:)``.
    /// Use `Never` when the program has no effects with results.
    associatedtype EffectResult: Sendable

    /// Handles an event; returns the effects to perform, in order.
    mutating func update(_ event: ProgramEvent) -> [Effect]

    /// Handles the result of an effect; may ask for more effects.
    mutating func receive(_ result: EffectResult) -> [Effect]

    /// Draws the whole screen into a blank grid of the terminal's size.
    /// Returns where the cursor should be, or nil to hide it.
    func render(into grid: inout Grid) -> CursorPosition?

    /// Whether the runner should stop after this step.
    var wantsQuit: Bool { get }

    /// Whether the runner sends `.tick` about once a second (true unless the program says
    /// otherwise). A program that ignores ticks returns false, so an idle screen is not
    /// rendered again every second (and a key arriving then is not kept waiting for it).
    var wantsTicks: Bool { get }
}

extension Program {
    public var wantsTicks: Bool { true }
}

extension Program where EffectResult == Never {
    /// Programs without results need no `receive`.
    public mutating func receive(_ result: Never) -> [Effect] {}
}

// MARK: - Driver

/// Runs a ``Program`` one event at a time, performing its effects and rendering a frame.
///
/// The terminal runner wraps this in a loop around a backend; tests use it directly with a
/// fake `perform` to run a screen end to end without a terminal.
///
/// ```swift
/// var driver = ProgramDriver(Counter(), width: 80, height: 24)
/// driver.send(.key(.function(2))) { effect in .saved }
/// #expect(driver.grid.lines()[0] == "0")
/// ```
public struct ProgramDriver<P: Program> {
    public private(set) var program: P
    /// The last frame rendered.
    public private(set) var grid: Grid
    /// Where the last frame put the cursor (nil: hidden), always inside the grid.
    public private(set) var cursor: CursorPosition?
    /// The effects performed during the last ``send(_:perform:)``, in order (handy in tests).
    public private(set) var performed: [P.Effect] = []

    /// A driver for `program` on a `width` × `height` screen. Nothing is sent yet: the runner's
    /// first event is `.resize` with the real size.
    public init(_ program: P, width: Int, height: Int) {
        self.program = program
        self.grid = Grid(width: width, height: height)
    }

    /// Whether the program asked to quit.
    public var isFinished: Bool { program.wantsQuit }

    /// Delivers `event`, performs the resulting effects (feeding each result back through
    /// `receive`, which may ask for more) until none are left, then renders a frame.
    ///
    /// `perform` returns nil for an effect that produces no result.
    public mutating func send(_ event: ProgramEvent, perform: (P.Effect) -> P.EffectResult?) {
        let effects = deliver(event)
        run(effects, perform: perform)
        render()
    }

    /// Delivers `event` and returns the effects it asked for, without performing them.
    ///
    /// With ``run(_:perform:)`` this lets the runner draw a frame in between, so a screen can
    /// show "正在读取…" while a slow effect runs.
    public mutating func deliver(_ event: ProgramEvent) -> [P.Effect] {
        if case .resize(let width, let height) = event {
            grid = Grid(width: width, height: height)
        }
        performed = []
        return program.update(event)
    }

    /// Performs `effects` in order, feeding each result back through `receive` and performing
    /// the effects that asks for, until none are left. Does not render.
    public mutating func run(_ effects: [P.Effect], perform: (P.Effect) -> P.EffectResult?) {
        var queue = effects
        var next = 0
        while next < queue.count {
            // A result that always asks for another effect would loop forever; fail loudly.
            precondition(next < 10_000, "more than 10000 effects for one event: a receive/perform loop")
            let effect = queue[next]
            next += 1
            performed.append(effect)
            if let result = perform(effect) {
                queue.append(contentsOf: program.receive(result))
            }
        }
    }

    /// Renders a fresh frame from the program's current state.
    public mutating func render() {
        var frame = Grid(width: grid.width, height: grid.height)
        let position = program.render(into: &frame)
        grid = frame
        if let position, position.x >= 0, position.x < frame.width, position.y >= 0, position.y < frame.height {
            cursor = position
        } else {
            cursor = nil
        }
    }
}

extension ProgramDriver where P.EffectResult == Never {
    /// Delivers `event` to a program whose effects produce no results.
    public mutating func send(_ event: ProgramEvent, perform: (P.Effect) -> Void = { _ in }) {
        send(event) { effect -> Never? in
            perform(effect)
            return nil
        }
    }
}
