import Foundation
import AccessFormats
import AccessModel
import AccessPolicy

/// An exclusive `flock` on a file, so two reconcile runs on one tree cannot interleave.
/// The kernel releases it when the process ends, even on SIGKILL, so it never goes stale.
package final class FileLock: @unchecked Sendable {
    private let descriptor: Int32

    /// Why the lock could not be taken.
    package struct Failure: Error, Sendable {
        package var message: String
    }

    /// Waits up to `timeout` seconds for the lock on `path`, creating the file if needed.
    package init(path: String, timeout: Double) throws(Failure) {
        try? FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let fd = Platform.openLockFile(path)
        guard fd >= 0 else { throw Failure(message: "cannot open the lock file \(path): \(Platform.describe(Platform.lastError))") }
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let taken = Platform.tryLock(fd)
            if taken == true { break }
            guard taken == false, Date() < deadline else {
                Platform.close(fd)
                throw Failure(message: "another accessctl run holds the lock \(path); waited \(AccessDuration.format(seconds: Int64(timeout.rounded()))) (--lock-timeout) and gave up. Run again when it has finished.")
            }
            Platform.sleep(microseconds: 50_000)
        }
        descriptor = fd
    }

    deinit {
        Platform.unlock(descriptor)
        Platform.close(descriptor)
    }
}
