import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs a program with an argument array (never a shell); input and output go through files,
/// so no pipe can fill up and block either side.
struct ProcessRunner {
    struct Output {
        var status: Int32
        var standardOutput: String
        var standardError: String
    }

    /// Runs `executable` with `arguments`, feeding `input` on standard input.
    static func run(
        _ executable: String, _ arguments: [String], input: [UInt8] = [], in folder: PrivateFolder, environment: [String: String]? = nil,
        directory: String? = nil
    ) throws -> Output {
        let inputPath = folder.path("stdin"), outputPath = folder.path("stdout"), errorPath = folder.path("stderr")
        try Data(input).write(to: URL(fileURLWithPath: inputPath))
        func read(_ path: String) -> String {
            String(decoding: FileManager.default.contents(atPath: path) ?? Data(), as: UTF8.self)
        }
        if directory == nil {
            let status = try spawn(executable, arguments, environment: environment, stdin: inputPath, stdout: outputPath, stderr: errorPath)
            return Output(status: status, standardOutput: read(outputPath), standardError: read(errorPath))
        }
        try Data().write(to: URL(fileURLWithPath: outputPath))
        try Data().write(to: URL(fileURLWithPath: errorPath))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let stdin = try FileHandle(forReadingFrom: URL(fileURLWithPath: inputPath))
        let stdout = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
        let stderr = try FileHandle(forWritingTo: URL(fileURLWithPath: errorPath))
        defer {
            try? stdin.close()
            try? stdout.close()
            try? stderr.close()
        }
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        process.waitUntilExit()
        return Output(status: process.terminationStatus, standardOutput: read(outputPath), standardError: read(errorPath))
    }
}

extension ProcessRunner {
    /// Starts `executable` with posix_spawn and waits for it. Foundation's `Process` waits by
    /// polling its run loop every 50 ms, which made each ssh-keygen call cost 50 ms instead of
    /// about 5; signature checks run thousands of them. Returns the exit status (128 + signal
    /// number when killed by a signal).
    static func spawn(_ executable: String, _ arguments: [String], environment: [String: String]?, stdin: String, stdout: String, stderr: String) throws -> Int32 {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, stdin, O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?]? = environment.map { $0.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") } + [nil] }
        defer {
            argv.forEach { free($0) }
            envp?.forEach { free($0) }
        }
        var pid: pid_t = 0
        let rc = envp.map { posix_spawn(&pid, executable, &actions, nil, argv, $0) } ?? posix_spawn(&pid, executable, &actions, nil, argv, environ)
        guard rc == 0 else {
            throw CocoaError(.executableLoad, userInfo: [NSFilePathErrorKey: executable, NSLocalizedDescriptionKey: "cannot start \(executable): \(String(cString: strerror(rc)))"])
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 {
            guard errno == EINTR else { throw CocoaError(.executableLoad, userInfo: [NSLocalizedDescriptionKey: "waitpid failed: \(String(cString: strerror(errno)))"]) }
        }
        // WIFEXITED / WEXITSTATUS, which Swift does not import as macros.
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }
}

/// A temporary folder only this user can read, removed when the work is done.
struct PrivateFolder {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("accessctl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
    }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    func remove() { try? FileManager.default.removeItem(at: url) }
}
