import Foundation

/// Work spread over the cores, for the parts of a run that do the same thing many times
/// (reading files, running ssh-keygen).
package enum Parallel {
    /// Results filled in by the workers, each slot written once under the lock.
    private final class Slots<R>: @unchecked Sendable {
        let lock = NSLock()
        var items: [R?]
        init(_ count: Int) { items = Array(repeating: nil, count: count) }
    }

    /// `transform` of each item, in the items' order, with up to `workers` at once; each
    /// worker takes every workers-th item, so the work is spread evenly.
    package static func map<T: Sendable, R: Sendable>(_ items: [T], workers: Int, _ transform: @Sendable (T) -> R) -> [R] {
        let results = Slots<R>(items.count)
        let count = max(1, min(workers, items.count))
        DispatchQueue.concurrentPerform(iterations: count) { worker in
            var local: [(Int, R)] = []
            for i in stride(from: worker, to: items.count, by: count) { local.append((i, transform(items[i]))) }
            results.lock.lock()
            for (i, result) in local { results.items[i] = result }
            results.lock.unlock()
        }
        return results.items.map { $0! }
    }
}
