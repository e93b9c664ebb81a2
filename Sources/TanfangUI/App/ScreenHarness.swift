import Foundation
import TanfangCore

/// Drives one screen in tests: send keys, answer its data requests with canned responses,
/// and read what it rendered. Records every command the screen issued.
public struct ScreenHarness<S: Screen> {
    public var screen: S
    public var env: AppEnvironment
    public var width: Int
    public var height: Int
    /// Every command issued since the harness was made, in order.
    public private(set) var commands: [ScreenCommand] = []
    /// Answers a request; nil means "no answer" (the request is only recorded).
    public var respond: (DataRequest) -> DataResponse?

    public init(_ screen: S, env: AppEnvironment, width: Int = 80, height: Int = 24,
                respond: @escaping (DataRequest) -> DataResponse? = { _ in nil }) {
        self.screen = screen
        var env = env
        env.areaWidth = width
        env.areaHeight = height
        self.env = env
        self.width = width
        self.height = height
        self.respond = respond
    }

    /// The requests issued so far.
    public var requests: [DataRequest] {
        commands.compactMap { if case .request(let r) = $0 { return r } else { return nil } }
    }

    public mutating func start() {
        process(screen.start(env: env))
    }

    public mutating func send(_ keys: Key...) {
        for key in keys { process(screen.handle(key, env: env)) }
    }

    /// Types text one character at a time, as a terminal delivers it.
    public mutating func type(_ text: String) {
        for ch in text { process(screen.handle(.char(ch), env: env)) }
    }

    public mutating func deliver(_ response: DataResponse) {
        process(screen.receive(response, env: env))
    }

    private mutating func process(_ new: [ScreenCommand]) {
        var queue = new
        while !queue.isEmpty {
            let command = queue.removeFirst()
            commands.append(command)
            if case .request(let request) = command, let response = respond(request) {
                queue.append(contentsOf: screen.receive(response, env: env))
            }
        }
    }

    /// The screen rendered into a `width` × `height` grid (the whole grid is the screen's area),
    /// with the cursor it asks for; tests of styles and of what a key changes read it.
    public func frame() -> (grid: Grid, cursor: CursorPosition?) {
        var grid = Grid(width: width, height: height)
        let cursor = screen.render(into: &grid, area: Rect(x: 0, y: 0, width: width, height: height), env: env)
        return (grid, cursor)
    }

    /// The screen's rows as text (see ``frame()``).
    public func lines() -> [String] { frame().grid.lines() }

    public func screenText() -> String { lines().joined(separator: "\n") }
}
