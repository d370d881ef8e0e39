import Foundation

/// Work spread over the cores, for the parts of a run that do the same thing many times
/// (reading files, running ssh-keygen).
package enum Parallel {
    /// The machine's cores: how many workers run at once unless told otherwise.
    package static var cores: Int { ProcessInfo.processInfo.activeProcessorCount }

    /// How many workers `count` items get: `workers` from `threshold` items on, one below it,
    /// where spreading the work costs more than it saves.
    package static func workers(for count: Int, from threshold: Int, upTo workers: Int = cores) -> Int {
        count >= threshold ? workers : 1
    }

    /// The result array's storage while workers fill it: each index is written by exactly
    /// one worker, and `concurrentPerform` returns only after all have finished.
    private struct Slots<R>: @unchecked Sendable {
        let base: UnsafeMutablePointer<R>
    }

    /// `transform` of each item, in the items' order, with up to `workers` at once. The items
    /// are dealt into shares (every shares-th item), which threads take as they come free.
    package static func map<T: Sendable, R: Sendable>(_ items: [T], workers: Int, _ transform: @Sendable (T) -> R) -> [R] {
        let count = max(1, min(workers, items.count))
        if count == 1 { return items.map(transform) }
        // Many shares per worker: with one each, a share whose thread was busy elsewhere
        // (the tree loading beside the audit log's lines) was left to run alone, on one core,
        // after the other had finished; with eight each, the last share of the report's
        // 133,433 pages still ran alone for most of a second (an eighth of a worker's part);
        // sixty-four leave a sixty-fourth. Asked for fewer workers than cores, one share
        // each, so no more than `workers` run at once (`concurrentPerform` runs as many as
        // there are cores).
        let shares = count >= cores ? min(items.count, count * 64) : count
        // Results are built in place in the returned array: gathering them through a locked
        // list of optionals copied each one twice and freed it twice, on one core (100,000
        // request states, 131,506 decoded files).
        return [R](unsafeUninitializedCapacity: items.count) { buffer, initialized in
            let slots = Slots(base: buffer.baseAddress!)
            DispatchQueue.concurrentPerform(iterations: shares) { share in
                for i in stride(from: share, to: items.count, by: shares) {
                    (slots.base + i).initialize(to: transform(items[i]))
                }
            }
            initialized = items.count
        }
    }

    /// `first` on another thread while `second` runs on this one; both results once both are
    /// done. For two independent reads that each ran alone on one core (the audit records
    /// and the tree).
    package static func both<A: Sendable, B>(_ first: @escaping @Sendable () -> A, _ second: () -> B) -> (A, B) {
        let slot = Slot<A>()
        let group = DispatchGroup()
        DispatchQueue.global().async(group: group) { slot.value = first() }
        let b = second()
        group.wait()
        return (slot.value!, b)
    }
}

/// Where `both` keeps the other thread's result: written once by it, read after `wait`.
private final class Slot<Value>: @unchecked Sendable {
    var value: Value?
}
