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
        if bytes.count > maximumFileSize {
            throw Diagnostic(file: file, message: "file is larger than 1 MiB (\(bytes.count) bytes)")
        }
        if let bad = UTF8Validation.firstInvalidOffset(bytes) {
            let text = SourceText(file: file, bytes: Array(bytes[..<bad]))
            let location = text.location(of: bad)
            throw Diagnostic(file: file, location: location, message: "file is not valid UTF-8 (byte 0x\(hex2(bytes[bad])) at offset \(bad))")
        }
        if file.hasSuffix(".json") {
            return try JSONParser.parse(bytes: bytes, file: file)
        }
        return try YAMLParser.parse(bytes: bytes, file: file)
    }

    /// Reads and parses the file at `path`; `display` is the name used in errors.
    package static func read(path: String, display: String) throws(Diagnostic) -> Node {
        guard let bytes = readBytes(path: path, limit: maximumFileSize + 1) else {
            throw Diagnostic(file: display, message: "cannot read the file")
        }
        if bytes.count > maximumFileSize {
            let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? bytes.count
            throw Diagnostic(file: display, message: "file is larger than 1 MiB (\(size) bytes)")
        }
        return try parse(bytes: bytes, file: display)
    }

    /// At most `limit` bytes of the file, with one open and as few reads as the size needs:
    /// loading a large tree is mostly these calls, and FileHandle adds a stat to each file.
    package static func readBytes(path: String, limit: Int) -> [UInt8]? {
        let fd = Platform.openForReading(path)
        guard fd >= 0 else { return nil }
        defer { Platform.close(fd) }
        var bytes: [UInt8] = []
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
