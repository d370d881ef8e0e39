/// The bytes of one file with a line table, so any byte offset maps to `line:column`.
package struct SourceText: Sendable {
    /// The file name shown in errors.
    package let file: String
    package let bytes: [UInt8]
    /// Byte offset of the first byte of each line.
    package let lineStarts: [Int]
    /// For a file that is not all ASCII: how many Unicode scalars start before each byte
    /// offset, so a column is a subtraction, not a walk from the start of its line (which
    /// made a long one-line file quadratic). Nil for ASCII, where bytes are columns.
    private let scalarsBefore: [Int32]?
    /// The offset of the first byte that may start a control character YAML refuses (below
    /// U+0020 other than tab and line feed, U+007F, or a 0xC2 lead byte of U+0080...U+009F),
    /// found in the same pass as the lines, so the YAML check looks only from there.
    package let firstControlCandidate: Int?

    package init(file: String, bytes: [UInt8]) {
        self.file = file
        self.bytes = bytes
        var starts = [0]
        starts.reserveCapacity(bytes.count / 24 + 1)
        var high: UInt8 = 0
        var candidate: Int?
        bytes.withUnsafeBufferPointer { buffer in
            for i in buffer.indices {
                let b = buffer[i]
                if b < 0x20 {
                    if b == UInt8(ascii: "\n") {
                        starts.append(i + 1)
                    } else if b != UInt8(ascii: "\t"), candidate == nil {
                        candidate = i
                    }
                } else if b == 0x7F || b == 0xC2, candidate == nil {
                    candidate = i
                }
                high |= b
            }
        }
        firstControlCandidate = candidate
        lineStarts = starts
        if high < 0x80 {
            scalarsBefore = nil
        } else {
            var counts = [Int32](repeating: 0, count: bytes.count + 1)
            var n: Int32 = 0
            for (i, b) in bytes.enumerated() {
                counts[i] = n
                if b & 0xC0 != 0x80 { n += 1 }
            }
            counts[bytes.count] = n
            scalarsBefore = counts
        }
    }

    /// The 0-based index of the line holding `offset`.
    package func lineIndex(of offset: Int) -> Int {
        var lo = 0
        var hi = lineStarts.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if lineStarts[mid] <= offset { lo = mid } else { hi = mid - 1 }
        }
        return lo
    }

    /// `lineIndex(of:)`, starting from `hint`, the line of an offset asked about before: a
    /// parser asks about offsets in order, mostly on the same or the next few lines, so a
    /// short walk forward replaces the binary search; `hint` becomes the answer.
    package func lineIndex(of offset: Int, near hint: inout Int) -> Int {
        var i = hint
        guard i < lineStarts.count, lineStarts[i] <= offset else {
            hint = lineIndex(of: offset)
            return hint
        }
        var steps = 0
        while i + 1 < lineStarts.count, lineStarts[i + 1] <= offset {
            i += 1
            steps += 1
            if steps == 8 {
                i = lineIndex(of: offset)
                break
            }
        }
        hint = i
        return i
    }

    /// `location(of:)` with a line hint (see `lineIndex(of:near:)`).
    package func location(of offset: Int, near hint: inout Int) -> SourceLocation {
        column(of: offset, line: lineIndex(of: offset, near: &hint))
    }

    /// The 1-based line and column of a byte offset; columns count Unicode scalars. Constant
    /// time after the line's binary search.
    package func location(of offset: Int) -> SourceLocation {
        column(of: offset, line: lineIndex(of: offset))
    }

    private func column(of offset: Int, line index: Int) -> SourceLocation {
        let start = lineStarts[index]
        let end = max(start, min(offset, bytes.count))
        let column = scalarsBefore.map { Int($0[end] - $0[start]) } ?? (end - start)
        return SourceLocation(line: index + 1, column: column + 1)
    }

    /// The text of a 1-based line without its line break.
    package func line(_ number: Int) -> String {
        guard number >= 1, number <= lineStarts.count else { return "" }
        let start = lineStarts[number - 1]
        var end = number < lineStarts.count ? lineStarts[number] - 1 : bytes.count
        if end > start, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        return String(decoding: bytes[start..<max(start, end)], as: UTF8.self)
    }

    /// An error at a byte offset, with the source line for the caret display.
    package func error(_ message: String, at offset: Int) -> Diagnostic {
        let location = location(of: offset)
        return Diagnostic(
            file: file, location: location, message: message, sourceLine: line(location.line))
    }
}
