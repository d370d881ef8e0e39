import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Every system call accessctl makes, in one file: Linux (Glibc or Musl) and macOS (Darwin)
/// differ only in a few spellings, kept here so the rest of the code imports Foundation alone.
package enum Platform {
    /// What `lstat` says a path is, without following a symlink.
    package enum FileKind: Sendable { case regular, directory, symlink, other }

    /// The kind of `path` itself (a symlink is not followed), or nil when it cannot be read.
    package static func kind(ofLink path: String) -> FileKind? {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        switch info.st_mode & S_IFMT {
        case S_IFREG: return .regular
        case S_IFDIR: return .directory
        case S_IFLNK: return .symlink
        default: return .other
        }
    }

    /// The size of `path` when it is a regular file itself (not a symlink); nil otherwise.
    package static func regularFileSize(ofLink path: String) -> Int? {
        var info = stat()
        guard lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return nil }
        return Int(info.st_size)
    }

    /// A second name `to` for the file `from` (a hard link, never following a symlink);
    /// false on failure, for example on a file system without hard links.
    package static func link(_ from: String, _ to: String) -> Bool {
        #if canImport(Darwin)
        Darwin.linkat(AT_FDCWD, from, AT_FDCWD, to, 0) == 0
        #elseif canImport(Musl)
        Musl.linkat(AT_FDCWD, from, AT_FDCWD, to, 0) == 0
        #else
        Glibc.linkat(AT_FDCWD, from, AT_FDCWD, to, 0) == 0
        #endif
    }

    /// The entries of a folder with their kinds, from `readdir`'s `d_type` (no `lstat` per
    /// entry, which listing a large tree was mostly made of); an entry whose file system
    /// does not say is asked with `lstat`. Nil when the folder cannot be read. `.` and `..`
    /// are left out; the order is the file system's.
    package static func entries(ofFolder path: String) -> [(name: String, kind: FileKind?)]? {
        guard let folder = opendir(path) else { return nil }
        defer { closedir(folder) }
        var out: [(name: String, kind: FileKind?)] = []
        while let entry = readdir(folder) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name == "." || name == ".." { continue }
            let kind: FileKind?
            switch Int32(entry.pointee.d_type) {
            case Int32(DT_REG): kind = .regular
            case Int32(DT_DIR): kind = .directory
            case Int32(DT_LNK): kind = .symlink
            case Int32(DT_UNKNOWN): kind = Self.kind(ofLink: path + "/" + name)
            default: kind = .other
            }
            out.append((name, kind))
        }
        return out
    }

    /// Opens a file for reading; -1 on failure. Non-blocking, so opening a FIFO returns at
    /// once (it is then refused as not a regular file) instead of waiting for a writer.
    static func openForReading(_ path: String) -> Int32 {
        open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
    }

    /// What an open file is, from `fstat` on the descriptor (not the path, which could be
    /// swapped in between): whether it is a regular file, and its size.
    static func describe(open fd: Int32) -> (regular: Bool, size: Int)? {
        var info = stat()
        guard fstat(fd, &info) == 0 else { return nil }
        return ((info.st_mode & S_IFMT) == S_IFREG, Int(info.st_size))
    }

    /// Creates or truncates a file for writing; -1 on failure.
    package static func openForWriting(_ path: String, permissions: Int) -> Int32 {
        open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode_t(permissions))
    }

    /// Opens (creating if needed) a file to hold a lock on; -1 on failure.
    package static func openLockFile(_ path: String) -> Int32 {
        open(path, O_RDWR | O_CREAT | O_CLOEXEC, mode_t(0o644))
    }

    package static func close(_ fd: Int32) {
        #if canImport(Darwin)
        _ = Darwin.close(fd)
        #elseif canImport(Musl)
        _ = Musl.close(fd)
        #else
        _ = Glibc.close(fd)
        #endif
    }

    /// Reads into `buffer`; the byte count, 0 at the end, -1 on error (see `lastError`).
    static func read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer) -> Int {
        #if canImport(Darwin)
        Darwin.read(fd, buffer.baseAddress, buffer.count)
        #elseif canImport(Musl)
        Musl.read(fd, buffer.baseAddress, buffer.count)
        #else
        Glibc.read(fd, buffer.baseAddress, buffer.count)
        #endif
    }

    /// Writes all of `bytes`; false on an error.
    package static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { buffer -> Int in
                #if canImport(Darwin)
                Darwin.write(fd, buffer.baseAddress, buffer.count)
                #elseif canImport(Musl)
                Musl.write(fd, buffer.baseAddress, buffer.count)
                #else
                Glibc.write(fd, buffer.baseAddress, buffer.count)
                #endif
            }
            if written < 0, errno == EINTR { continue }
            guard written > 0 else { return false }
            offset += written
        }
        return true
    }

    /// Renames `from` over `to` in one step; false on failure.
    package static func rename(_ from: String, _ to: String) -> Bool {
        #if canImport(Darwin)
        Darwin.rename(from, to) == 0
        #elseif canImport(Musl)
        Musl.rename(from, to) == 0
        #else
        Glibc.rename(from, to) == 0
        #endif
    }

    /// The `errno` of the last failed call.
    package static var lastError: Int32 { errno }

    /// Whether the last failure was an interrupted call that should simply be retried.
    static var interrupted: Bool { errno == EINTR }

    /// The system's text for an error number.
    package static func describe(_ code: Int32) -> String { String(cString: strerror(code)) }

    /// Takes an exclusive `flock` without waiting: true when taken; false when another
    /// process holds it (or on an interrupted call); nil on any other error.
    package static func tryLock(_ fd: Int32) -> Bool? {
        if flock(fd, LOCK_EX | LOCK_NB) == 0 { return true }
        return errno == EWOULDBLOCK || errno == EINTR ? false : nil
    }

    package static func unlock(_ fd: Int32) {
        _ = flock(fd, LOCK_UN)
    }

    package static func sleep(microseconds: UInt32) {
        _ = usleep(microseconds)
    }

    /// Ends this process at once with SIGKILL, as a crash would (the crash tests' observer).
    package static func killSelf() -> Never {
        kill(getpid(), SIGKILL)
        fatalError("SIGKILL did not end the process")
    }

    /// Starts `executable` with `posix_spawn`, its standard streams opened on the given
    /// files, and waits for it. Returns the exit status, or 128 + the signal's number.
    package static func spawn(_ executable: String, _ arguments: [String], environment: [String: String], stdin: String, stdout: String, stderr: String) throws -> Int32 {
        #if canImport(Darwin)
        var actions: posix_spawn_file_actions_t? = nil
        #else
        var actions = posix_spawn_file_actions_t()
        #endif
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, stdin, O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = environment.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, executable, &actions, nil, argv, envp)
        guard rc == 0 else {
            throw CocoaError(.executableLoad, userInfo: [NSFilePathErrorKey: executable, NSLocalizedDescriptionKey: "cannot start \(executable): \(describe(rc))"])
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 {
            guard errno == EINTR else { throw CocoaError(.executableLoad, userInfo: [NSLocalizedDescriptionKey: "waitpid failed: \(describe(errno))"]) }
        }
        // WIFEXITED / WEXITSTATUS, which Swift does not import as macros.
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }
}
