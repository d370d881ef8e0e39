import Foundation

/// Reads one YAML or JSON file into a node tree, enforcing the input limits.
public enum ManifestReader {
    /// Files larger than this are refused.
    public static let maximumFileSize = 1 << 20

    /// Whether `path` names a manifest (by its extension).
    public static func isManifest(_ path: String) -> Bool {
        path.hasSuffix(".yaml") || path.hasSuffix(".yml") || path.hasSuffix(".json")
    }

    /// Parses bytes by the file's extension: `.json` as JSON, anything else as YAML.
    public static func parse(bytes: [UInt8], file: String) throws(Diagnostic) -> Node {
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
    public static func read(path: String, display: String) throws(Diagnostic) -> Node {
        // One open and one read: never more than the limit plus one byte comes into memory.
        guard let handle = FileHandle(forReadingAtPath: path), let data = try? handle.read(upToCount: maximumFileSize + 1) ?? Data() else {
            throw Diagnostic(file: display, message: "cannot read the file")
        }
        try? handle.close()
        if data.count > maximumFileSize {
            let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? data.count
            throw Diagnostic(file: display, message: "file is larger than 1 MiB (\(size) bytes)")
        }
        return try parse(bytes: [UInt8](data), file: display)
    }
}
