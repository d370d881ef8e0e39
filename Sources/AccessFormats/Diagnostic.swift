/// One user-facing problem: where it is, what is wrong, and the source line to show.
package struct Diagnostic: Error, Sendable, Hashable {
    package enum Severity: String, Sendable, Hashable {
        case error, warning
    }

    /// The file the problem is in, as the user named it (relative to the working directory).
    package var file: String
    package var location: SourceLocation
    package var message: String
    package var severity: Severity
    /// The text of the offending line, shown under the message with a caret.
    package var sourceLine: String?
    /// Other places that explain this one, for example the first of two duplicate names.
    package var notes: [Note]

    /// A secondary position printed after a diagnostic as `file:line:column: note: message`.
    package struct Note: Sendable, Hashable {
        package var file: String
        package var location: SourceLocation
        package var message: String

        package init(file: String, location: SourceLocation, message: String) {
            self.file = file
            self.location = location
            self.message = message
        }
    }

    /// A problem in `file`; without a `location` it is about the whole file or folder.
    package init(
        file: String, location: SourceLocation = .whole, message: String,
        severity: Severity = .error, sourceLine: String? = nil, notes: [Note] = []
    ) {
        self.file = file
        self.location = location
        self.message = message
        self.severity = severity
        self.sourceLine = sourceLine
        self.notes = notes
    }

    /// `file:line:column: error: message`, the form compilers use, so editors can jump to
    /// it; just `file: error: message` when there is no position.
    package var headline: String {
        Self.line(file, location, severity.rawValue, message)
    }

    private static func line(_ file: String, _ location: SourceLocation, _ label: String, _ message: String) -> String {
        location.isPosition ? "\(file):\(location.line):\(location.column): \(label): \(message)" : "\(file): \(label): \(message)"
    }

    /// The headline, then the source line and a caret under the column, then the notes.
    package var rendered: String {
        var out = headline
        if let sourceLine, location.isPosition {
            let (shown, caret) = Self.window(sourceLine.replacingOccurrences(of: "\t", with: " "), column: location.column)
            out += "\n" + shown + "\n" + String(repeating: " ", count: max(0, caret - 1)) + "^"
        }
        for note in notes { out += "\n" + Self.line(note.file, note.location, "note", note.message) }
        return out
    }

    /// The longest source line shown whole; a longer one is cut to a window around the column,
    /// so one minified file cannot print megabytes into a CI log.
    package static let shownLineLimit = 160

    /// `line`, or the part of it around `column` marked with `...`, and the caret's column in it.
    static func window(_ line: String, column: Int) -> (String, Int) {
        let scalars = Array(line.unicodeScalars)
        guard scalars.count > shownLineLimit else { return (line, column) }
        let half = shownLineLimit / 2
        let start = max(0, min(column - 1 - half, scalars.count - shownLineLimit))
        let end = min(scalars.count, start + shownLineLimit)
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars[start..<end])
        let prefix = start > 0 ? "..." : "", suffix = end < scalars.count ? "..." : ""
        return (prefix + String(view) + suffix, column - start + prefix.count)
    }

    /// A GitHub Actions workflow command, which annotates the pull request diff.
    package var githubAnnotation: String {
        func escapeData(_ s: String) -> String {
            s.replacingOccurrences(of: "%", with: "%25")
                .replacingOccurrences(of: "\r", with: "%0D")
                .replacingOccurrences(of: "\n", with: "%0A")
        }
        func escapeProperty(_ s: String) -> String {
            escapeData(s).replacingOccurrences(of: ":", with: "%3A")
                .replacingOccurrences(of: ",", with: "%2C")
        }
        let position = location.isPosition ? ",line=\(location.line),col=\(location.column)" : ""
        let notes = notes.map { "\n\($0.file):\($0.location): note: \($0.message)" }.joined()
        return "::\(severity.rawValue) file=\(escapeProperty(file))\(position)::\(escapeData(message + notes))"
    }
}

/// Several diagnostics at once: validation reports every problem, not only the first.
package struct DiagnosticList: Error, Sendable {
    package var diagnostics: [Diagnostic]
    package init(_ diagnostics: [Diagnostic]) { self.diagnostics = diagnostics }
}
