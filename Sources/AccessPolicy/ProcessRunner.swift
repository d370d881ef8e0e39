import Foundation
import AccessFormats
import AccessModel

/// Runs a program with an argument array (never a shell); input and output go through files,
/// so no pipe can fill up and block either side.
package struct ProcessRunner {
    package struct Output {
        package var status: Int32
        package var standardOutput: String
        package var standardError: String
    }

    /// Runs `executable` with `arguments`, feeding `input` on standard input.
    package static func run(
        _ executable: String, _ arguments: [String], input: [UInt8] = [], in folder: PrivateFolder, environment: [String: String]? = nil,
        directory: String? = nil
    ) throws -> Output {
        let inputPath = folder.path("stdin"), outputPath = folder.path("stdout"), errorPath = folder.path("stderr")
        try folder.write("stdin", input)
        func read(_ path: String) -> String {
            String(decoding: FileManager.default.contents(atPath: path) ?? Data(), as: UTF8.self)
        }
        if directory == nil {
            let status = try Platform.spawn(executable, arguments, environment: environment ?? ProcessInfo.processInfo.environment, stdin: inputPath, stdout: outputPath, stderr: errorPath)
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

/// A temporary folder only this user can read, removed when the work is done.
package struct PrivateFolder {
    package let url: URL

    package init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("accessctl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
    }

    package func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    /// Writes a file in the folder for a child process to read: one open, write and close,
    /// with no sync to disk (`Data.write` syncs, twice per signature check, for a file deleted
    /// a moment later) and readable by this user only.
    package func write(_ name: String, _ bytes: [UInt8]) throws {
        let target = path(name)
        let fd = Platform.openForWriting(target, permissions: 0o600)
        guard fd >= 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: target]) }
        defer { Platform.close(fd) }
        guard Platform.writeAll(fd, bytes) else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: target]) }
    }

    package func remove() { try? FileManager.default.removeItem(at: url) }
}
