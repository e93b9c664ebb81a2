/// One action of a screen and the keys that trigger it.
///
/// `label` and `help` are string-catalog keys (the short word for the key bar, the sentence for
/// the help page), so one binding drives matching, the key bar and the help page — as in
/// bubbletea's help example. Generic over the screen's own `Action` enum so matching gives a
/// value to `switch` on rather than a string.
public struct KeyBinding<Action: Hashable & Sendable>: Hashable, Sendable {
    public var keys: [Key]
    public var action: Action
    /// Catalog key of the short label in the key bar, e.g. `key.search` (搜索).
    public var label: String
    /// Catalog key of the sentence on the help page.
    public var help: String
    /// Whether the key bar shows it (the help page always does).
    public var showsInBar: Bool

    public init(_ keys: [Key], _ action: Action, label: String, help: String, showsInBar: Bool = true) {
        self.keys = keys
        self.action = action
        self.label = label
        self.help = help
        self.showsInBar = showsInBar
    }
}

/// The bindings of one screen, in the order the key bar and help page show them.
///
/// ```swift
/// enum Action { case help, search, back }
/// static let keymap = Keymap<Action>([
///     KeyBinding([.function(1), .char("?")], .help, label: "key.help", help: "help.showHelp"),
///     KeyBinding([.function(3), .char("/")], .search, label: "key.search", help: "help.search"),
///     KeyBinding([.escape], .back, label: "key.back", help: "help.back"),
/// ])
/// // in update: if let action = Self.keymap.action(for: key) { switch action { … } }
/// ```
public struct Keymap<Action: Hashable & Sendable>: Hashable, Sendable {
    public var bindings: [KeyBinding<Action>]

    public init(_ bindings: [KeyBinding<Action>]) {
        self.bindings = bindings
    }

    /// The action bound to `key`, from the first binding listing it.
    public func action(for key: Key) -> Action? {
        bindings.first { $0.keys.contains(key) }?.action
    }

    /// The binding for `action`, if any.
    public func binding(for action: Action) -> KeyBinding<Action>? {
        bindings.first { $0.action == action }
    }

    /// Keys listed by more than one binding (a test per screen should find none).
    public var conflicts: [Key] {
        var seen: Set<Key> = []
        var repeated: [Key] = []
        for binding in bindings {
            for key in binding.keys {
                if !seen.insert(key).inserted, !repeated.contains(key) { repeated.append(key) }
            }
        }
        return repeated
    }

    /// These bindings followed by `other`'s (e.g. a screen's own keys, then the common ones).
    public func appending(_ other: Keymap<Action>) -> Keymap<Action> {
        Keymap(bindings + other.bindings)
    }
}
