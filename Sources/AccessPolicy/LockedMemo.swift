import Foundation

/// Values worked out once per key and shared by the copies of a `Sendable` value type (a
/// directory, a verifier), filled under a lock so parallel workers may ask it.
final class LockedMemo<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var known: [String: Value] = [:]

    /// The value for `key`, from `compute` (run outside the lock) the first time it gives one;
    /// nil is not kept. Two workers asking at once may both compute: the values are the same.
    func value(_ key: String, _ compute: () -> Value?) -> Value? {
        if let found = lock.withLock({ known[key] }) { return found }
        guard let computed = compute() else { return nil }
        lock.withLock { known[key] = computed }
        return computed
    }
}
