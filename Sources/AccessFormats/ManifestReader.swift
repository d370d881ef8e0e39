import Foundation

/// Reads one YAML or JSON file into a node tree, enforcing the input limits.
package enum ManifestReader {
    /// Files larger than this are refused.
    package static let maximumFileSize = 1 << 20

    /// Whether `path` names a manifest (by its extension).
    package static func isManifest(_ path: String) -> Bool {
        path.hasSuffix(".yaml") || path.hasSuffix(".yml") || path.hasSuffix(".json")
    }

    /// Parses bytes by the file's extension: `.json` as JSON, anything else as YAML.
    package static func parse(bytes: [UInt8], file: String) throws(Diagnostic) -> Node {
        try check(bytes: bytes, file: file)
        return try parseChecked(bytes: bytes, file: file)
    }

    /// Refuses a file that is too large or not UTF-8, before anything reads its text.
    package static func check(bytes: [UInt8], file: String) throws(Diagnostic) {
        if bytes.count > maximumFileSize {
            throw Diagnostic(file: file, message: "file is larger than 1 MiB (\(bytes.count) bytes)")
        }
        if let bad = UTF8Validation.firstInvalidOffset(bytes) {
            let text = SourceText(file: file, bytes: Array(bytes[..<bad]))
            let location = text.location(of: bad)
            throw Diagnostic(file: file, location: location, message: "file is not valid UTF-8 (byte 0x\(hex2(bytes[bad])) at offset \(bad))")
        }
    }

    /// `parse` of bytes that passed `check`.
    package static func parseChecked(bytes: [UInt8], file: String) throws(Diagnostic) -> Node {
        if file.hasSuffix(".json") {
            return try JSONParser.parse(bytes: bytes, file: file)
        }
        return try YAMLParser.parse(bytes: bytes, file: file)
    }

    /// Reads and parses the file at `path`; `display` is the name used in errors.
    package static func read(path: String, display: String) throws(Diagnostic) -> Node {
        try parse(bytes: readManifest(path: path, display: display), file: display)
    }

    /// The bytes of the manifest at `path`, refused as `read` refuses it before parsing.
    package static func readManifest(path: String, display: String) throws(Diagnostic) -> [UInt8] {
        switch readFile(path: path, limit: maximumFileSize) {
        case .bytes(let bytes): return bytes
        case .notRegular: throw Diagnostic(file: display, message: "not a regular file (a folder, device, FIFO or socket); it is not read")
        case .tooLarge(let size): throw Diagnostic(file: display, message: "file is larger than 1 MiB (\(size) bytes); it is not read")
        case .unreadable: throw Diagnostic(file: display, message: "cannot read the file")
        }
    }

    /// What reading a file found.
    package enum ReadResult: Sendable, Equatable {
        case bytes([UInt8])
        /// A device, FIFO, socket or folder: refused before any read.
        case notRegular
        /// Larger than the limit, by `fstat`: refused before any read.
        case tooLarge(Int)
        case unreadable
    }

    /// The file's bytes when it is a regular file of at most `limit` bytes, checked with
    /// `fstat` on the opened file before reading; the read stops at the limit even if the
    /// file grows meanwhile.
    package static func readFile(path: String, limit: Int) -> ReadResult {
        let fd = Platform.openForReading(path)
        guard fd >= 0 else { return .unreadable }
        defer { Platform.close(fd) }
        guard let info = Platform.describe(open: fd) else { return .unreadable }
        guard info.regular else { return .notRegular }
        guard info.size <= limit else { return .tooLarge(info.size) }
        guard let bytes = readBytes(fd, limit: limit + 1, expected: info.size) else { return .unreadable }
        return bytes.count > limit ? .tooLarge(bytes.count) : .bytes(bytes)
    }

    /// At most `limit` bytes of the file, with one open and as few reads as the size needs:
    /// loading a large tree is mostly these calls, and FileHandle adds a stat to each file.
    package static func readBytes(path: String, limit: Int) -> [UInt8]? {
        if case .bytes(let bytes) = readFile(path: path, limit: limit) { return bytes }
        return nil
    }

    /// Reads into one buffer of the size `fstat` gave plus one byte, so a file costs no
    /// zeroed scratch buffer and no copy; a file that grew meanwhile is read on in chunks up
    /// to `limit`.
    static func readBytes(_ fd: Int32, limit: Int, expected: Int = 0) -> [UInt8]? {
        let capacity = max(1, min(expected + 1, limit))
        var failed = false
        var bytes = [UInt8](unsafeUninitializedCapacity: capacity) { buffer, count in
            count = 0
            let raw = UnsafeMutableRawBufferPointer(buffer)
            while count < capacity {
                let got = Platform.read(fd, into: UnsafeMutableRawBufferPointer(rebasing: raw[count...]))
                if got < 0 {
                    if Platform.interrupted { continue }
                    failed = true
                    return
                }
                if got == 0 { return }
                count += got
            }
        }
        if failed { return nil }
        guard bytes.count == capacity else { return bytes }
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while bytes.count < limit {
            let wanted = min(chunk.count, limit - bytes.count)
            let got = chunk.withUnsafeMutableBytes { Platform.read(fd, into: UnsafeMutableRawBufferPointer(rebasing: $0[..<wanted])) }
            if got < 0 {
                if Platform.interrupted { continue }
                return nil
            }
            if got == 0 { break }
            bytes.append(contentsOf: chunk[..<got])
        }
        return bytes
    }
}
