import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An exclusive `flock` on a file, so two reconcile runs on one tree cannot interleave.
/// The kernel releases it when the process ends, even on SIGKILL, so it never goes stale.
public final class FileLock: @unchecked Sendable {
    private let descriptor: Int32

    /// Why the lock could not be taken.
    public struct Failure: Error, Sendable {
        public var message: String
    }

    /// Waits up to `timeout` seconds for the lock on `path`, creating the file if needed.
    public init(path: String, timeout: Double) throws(Failure) {
        try? FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw Failure(message: "cannot open the lock file \(path): \(String(cString: strerror(errno)))") }
        let deadline = Date().addingTimeInterval(timeout)
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK || errno == EINTR, Date() < deadline else {
                close(fd)
                throw Failure(message: "another accessctl run holds the lock \(path); waited \(AccessDuration.format(seconds: Int64(timeout.rounded()))) (--lock-timeout) and gave up. Run again when it has finished.")
            }
            usleep(50_000)
        }
        descriptor = fd
    }

    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
