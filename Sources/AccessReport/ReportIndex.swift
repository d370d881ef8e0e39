import AccessFormats
import AccessModel

/// The list of a report's pages that the next run reads to leave unchanged pages alone:
/// each page's digest (`ReportSite.Prepared.digest`), when its content last changed, and its
/// size. Kept in the report folder as `.accessctl-pages`, written last.
package struct ReportIndex: Sendable, Equatable {
    /// One page as the run that wrote it saw it.
    package struct Entry: Sendable, Equatable {
        package var digest: [UInt8]
        package var changedAt: Timestamp
        package var size: Int

        package init(digest: [UInt8], changedAt: Timestamp, size: Int) {
            self.digest = digest
            self.changedAt = changedAt
            self.size = size
        }
    }

    /// The file's name inside the report folder.
    package static let fileName = ".accessctl-pages"
    /// Version 2: shared rows count in a page's digest by their own digests (`PageBase`), and
    /// lengths in the encoding are LEB128 (`MustacheValue.append`).
    static let header = "accessctl-report-pages 2"
    static let earlierHeader = "accessctl-report-pages 1"

    package var entries: [String: Entry]
    /// The pages' paths in the order they were written, so the file is the same bytes for the same report.
    package var order: [String]
    /// Written by an earlier accessctl whose digests covered every row in full: its times and
    /// sizes hold, its digests cannot be compared with this version's.
    package var earlierDigests = false

    package init() {
        entries = [:]
        order = []
    }

    /// Adds a page (the last entry for a path wins).
    package mutating func add(_ path: String, _ entry: Entry) {
        if entries.updateValue(entry, forKey: path) == nil { order.append(path) }
    }

    /// The file's text: a header line, then `DIGEST CHANGED-AT SIZE PATH` per page.
    package var text: String { String(decoding: bytes, as: UTF8.self) }

    /// `text` as the bytes written, made as bytes: a string of 133,433 lines took a second.
    package var bytes: [UInt8] {
        var out = Array((Self.header + "\n").utf8)
        out.reserveCapacity(order.count * 130)
        for path in order {
            let entry = entries[path]!
            out += Hex.encode(entry.digest).utf8
            out.append(0x20)
            out += entry.changedAt.description.utf8
            out.append(0x20)
            out += String(entry.size).utf8
            out.append(0x20)
            out += path.utf8
            out.append(0x0A)
        }
        return out
    }

    /// Reads an index written by `text`; nil when anything in it is not as written (the
    /// report is then rendered whole, as if there were no index). Read as bytes: everything
    /// an index may hold is ASCII, and splitting 133,433 lines as `Substring`s took seconds.
    package static func parse(_ bytes: [UInt8]) -> ReportIndex? {
        guard bytes.last == UInt8(ascii: "\n"), !bytes.contains(where: { $0 >= 0x80 }) else { return nil }
        var lines = bytes.dropLast().split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        let earlier = lines.first?.elementsEqual(earlierHeader.utf8) == true
        guard earlier || lines.first?.elementsEqual(header.utf8) == true else { return nil }
        lines.removeFirst()
        var index = ReportIndex()
        index.earlierDigests = earlier
        index.entries.reserveCapacity(lines.count)
        index.order.reserveCapacity(lines.count)
        for line in lines {
            let fields = line.split(separator: UInt8(ascii: " "), omittingEmptySubsequences: false)
            guard fields.count == 4, let digest = Hex.digest(bytes: fields[0]) else { return nil }
            let time = String(decoding: fields[1], as: UTF8.self), path = String(decoding: fields[3], as: UTF8.self)
            guard let changedAt = Timestamp(rfc3339: time), changedAt.description == time,
                let size = Int(String(decoding: fields[2], as: UTF8.self)), size >= 0, Self.isPagePath(path[...]), index.entries[path] == nil
            else { return nil }
            index.add(path, Entry(digest: digest, changedAt: changedAt, size: size))
        }
        return index
    }

    /// A relative path of the kind the report writes: `.html` names made of safe bytes, no
    /// `..` and no leading dot or slash, so a planted index cannot point outside the folder.
    static func isPagePath(_ path: Substring) -> Bool {
        // Bytes, not `Substring` splits: this runs for every line of the index.
        let bytes = path.utf8
        guard bytes.count > 5, bytes.suffix(5).elementsEqual(".html".utf8) else { return false }
        var atPartStart = true
        for byte in bytes {
            if byte == UInt8(ascii: "/") {
                guard !atPartStart else { return false }  // an empty part, or a leading slash
                atPartStart = true
                continue
            }
            if atPartStart, byte == UInt8(ascii: ".") { return false }
            atPartStart = false
            guard (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x30 && byte <= 0x39) || byte == 0x2D || byte == 0x2E || byte == 0x5F else { return false }
        }
        return true
    }
}
