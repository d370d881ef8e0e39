import Foundation
import Testing

@testable import AccessFormats

/// `Parallel.map` builds its results in place in the array it returns: the same values in
/// the same order as `map`, for any number of workers, each result made once and freed once.
@Suite struct ParallelTests {
    @Test(arguments: [0, 1, 2, 3, 7, 64, 1000])
    func theSameAsMap(count: Int) {
        let items = (0..<count).map { "item \($0)" }
        for workers in [1, 2, 3, 8] {
            #expect(Parallel.map(items, workers: workers) { $0 + "!" } == items.map { $0 + "!" })
        }
    }

    final class Tracked: Sendable {
        static let live = Counter()
        let value: Int
        init(_ value: Int) { self.value = value; Self.live.add(1) }
        deinit { Self.live.add(-1) }
    }

    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var n = 0
        func add(_ d: Int) { lock.lock(); n += d; lock.unlock() }
        var value: Int { lock.lock(); defer { lock.unlock() }; return n }
    }

    @Test func eachResultIsMadeOnceAndFreedOnce() {
        let before = Tracked.live.value
        do {
            let results = Parallel.map(Array(0..<5000), workers: 4) { Tracked($0) }
            #expect(results.map(\.value) == Array(0..<5000))
            #expect(Tracked.live.value - before == 5000)
        }
        #expect(Tracked.live.value == before)
    }

    /// `both` gives each side's own result, the first made on another thread while the
    /// second runs: each waits (at most ten seconds) for the other to have started.
    @Test func bothRunsTheTwoAtOnceAndGivesEachResult() {
        let firstStarted = DispatchSemaphore(value: 0), secondStarted = DispatchSemaphore(value: 0)
        for n in 0..<20 {
            let (a, b) = Parallel.both({ () -> ([Int], Bool) in
                firstStarted.signal()
                return (Array(0..<n), secondStarted.wait(timeout: .now() + 10) == .success)
            }, { () -> (String, Bool) in
                secondStarted.signal()
                return (String(repeating: "x", count: n), firstStarted.wait(timeout: .now() + 10) == .success)
            })
            #expect(a.0 == Array(0..<n))
            #expect(b.0 == String(repeating: "x", count: n))
            #expect(a.1 && b.1, "the two ran one after the other")
            if !(a.1 && b.1) { break }
        }
    }
}
