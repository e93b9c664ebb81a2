import Dispatch
import Synchronization

/// Work on large files spread over the machine's cores (two on the reference machine).
public enum Parallel {
    /// `items.map(transform)` on every core, in chunks; same order.
    public static func map<T: Sendable, R: Sendable>(_ items: [T], chunk: Int = 2_048,
                                                      _ transform: @Sendable (T) -> R) -> [R] {
        let chunks = (items.count + chunk - 1) / chunk
        guard chunks > 1 else { return items.map(transform) }
        let results = Mutex([[R]](repeating: [], count: chunks))
        DispatchQueue.concurrentPerform(iterations: chunks) { c in
            let part = items[c * chunk..<min((c + 1) * chunk, items.count)].map(transform)
            results.withLock { $0[c] = part }
        }
        return results.withLock { $0.flatMap { $0 } }
    }
}
