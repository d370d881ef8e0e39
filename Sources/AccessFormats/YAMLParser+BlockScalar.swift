// Literal `|` and folded `>` block scalars.
extension YAMLParser {
    /// `|` or `>` with optional indentation and chomping indicators, then the indented lines.
    mutating func parseBlockScalar(parentIndent: Int) throws(Diagnostic) -> String {
        let literal = bytes[pos] == Byte.pipe
        pos += 1
        var explicitIndent: Int?
        var chomp: UInt8?
        for _ in 0..<2 {
            let b = byte(pos)
            if b >= UInt8(ascii: "1"), b <= UInt8(ascii: "9"), explicitIndent == nil {
                explicitIndent = Int(b - UInt8(ascii: "0"))
                pos += 1
            } else if b == Byte.plus || b == Byte.dash, chomp == nil {
                chomp = b
                pos += 1
            }
        }
        if !blankOrBreak(pos) {
            throw fail("invalid block scalar header: expected an indentation digit 1-9, '-' or '+'", at: pos)
        }
        try expectLineEnd(after: "the block scalar header")
        let minimumIndent = max(parentIndent + 1, 1)
        var contentIndent: Int
        if let explicitIndent {
            contentIndent = minimumIndent + explicitIndent - 1
        } else {
            // The first non-empty line sets the indentation; blank lines above may not exceed it.
            var i = pos
            var longestBlank = 0
            var longestBlankAt = pos
            contentIndent = minimumIndent
            while i < bytes.count {
                var spaces = 0
                let lineStart = i
                while i < bytes.count, bytes[i] == Byte.space {
                    spaces += 1
                    i += 1
                }
                if atBreak(i) {
                    if spaces > longestBlank {
                        longestBlank = spaces
                        longestBlankAt = lineStart
                    }
                    i += 1
                    continue
                }
                contentIndent = max(spaces, minimumIndent)
                if spaces >= minimumIndent, longestBlank > spaces {
                    throw fail("a blank line at the start of a block scalar has more spaces than its first line", at: longestBlankAt)
                }
                break
            }
            if i >= bytes.count { contentIndent = max(longestBlank, minimumIndent) }
        }
        lastBlockIndent = contentIndent
        // Collect lines: nil is an empty line, otherwise where the text after the indentation
        // lies (positions, not slices: a slice holds a reference to the file's bytes, counted
        // up and down per line of every signature).
        var lines: [Range<Int>?] = []
        while pos < bytes.count {
            let lineStart = pos
            var spaces = 0
            while lineStart + spaces < bytes.count, bytes[lineStart + spaces] == Byte.space { spaces += 1 }
            var end = lineStart + spaces
            while end < bytes.count, bytes[end] != Byte.lf { end += 1 }
            let onlySpaces = lineStart + spaces == end
            if !onlySpaces, spaces < contentIndent {
                // A tab where the indentation is: YAML 1.2 refuses it, a guess would differ.
                if bytes[lineStart + spaces] == Byte.tab, bytes[(lineStart + spaces)..<end].allSatisfy(isBlank) {
                    throw fail("a tab cannot indent a line of a block scalar; use spaces, or remove the tab", at: lineStart + spaces)
                }
                break
            }
            // A last line of only spaces without a line break: YAML tools read it differently.
            if onlySpaces, spaces > 0, end >= bytes.count {
                throw fail("the block scalar ends with a line of only spaces and no line break; remove the spaces or end the line", at: lineStart)
            }
            if onlySpaces, spaces <= contentIndent {
                lines.append(nil)
            } else {
                lines.append((lineStart + contentIndent)..<end)
            }
            pos = min(end + 1, bytes.count)
        }
        // A last line without a line break still ends the scalar; split off trailing empties.
        var lastContent = lines.count - 1
        while lastContent >= 0, lines[lastContent] == nil { lastContent -= 1 }
        let trailingEmpty = lines.count - 1 - lastContent
        var out: [UInt8] = []
        out.reserveCapacity(lines.reduce(0) { $0 + ($1?.count ?? 0) + 1 })
        if lastContent >= 0 {
            var previous: Range<Int>?
            var emptyRun = 0
            for index in 0...lastContent {
                guard let line = lines[index] else {
                    emptyRun += 1
                    continue
                }
                if let prev = previous {
                    let bothFolded = !literal && !isBlank(bytes[prev.lowerBound]) && !isBlank(bytes[line.lowerBound])
                    if bothFolded {
                        if emptyRun == 0 { out.append(Byte.space) } else { out.append(contentsOf: repeatElement(Byte.lf, count: emptyRun)) }
                    } else {
                        out.append(contentsOf: repeatElement(Byte.lf, count: emptyRun + 1))
                    }
                } else {
                    out.append(contentsOf: repeatElement(Byte.lf, count: emptyRun))
                }
                out.append(contentsOf: bytes[line])
                previous = line
                emptyRun = 0
            }
        }
        let lastLineHasBreak = !(pos >= bytes.count && bytes.last != Byte.lf)
        switch chomp {
        case Byte.dash:
            break
        case Byte.plus:
            if lastContent >= 0 {
                out.append(contentsOf: repeatElement(Byte.lf, count: (lastLineHasBreak ? 1 : 0) + trailingEmpty))
            } else {
                out.append(contentsOf: repeatElement(Byte.lf, count: trailingEmpty))
            }
        default:
            if lastContent >= 0, lastLineHasBreak || trailingEmpty > 0 { out.append(Byte.lf) }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
