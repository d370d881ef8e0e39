/// One user-facing problem: where it is, what is wrong, and the source line to show.
public struct Diagnostic: Error, Sendable, Hashable {
    public enum Severity: String, Sendable, Hashable {
        case error, warning
    }

    /// The file the problem is in, as the user named it (relative to the working directory).
    public var file: String
    public var location: SourceLocation
    public var message: String
    public var severity: Severity
    /// The text of the offending line, shown under the message with a caret.
    public var sourceLine: String?
    /// Other places that explain this one, for example the first of two duplicate names.
    public var notes: [Note]

    /// A secondary position printed after a diagnostic as `file:line:column: note: message`.
    public struct Note: Sendable, Hashable {
        public var file: String
        public var location: SourceLocation
        public var message: String

        public init(file: String, location: SourceLocation, message: String) {
            self.file = file
            self.location = location
            self.message = message
        }
    }

    /// A problem in `file`; without a `location` it is about the whole file or folder.
    public init(
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
    public var headline: String {
        Self.line(file, location, severity.rawValue, message)
    }

    private static func line(_ file: String, _ location: SourceLocation, _ label: String, _ message: String) -> String {
        location.isPosition ? "\(file):\(location.line):\(location.column): \(label): \(message)" : "\(file): \(label): \(message)"
    }

    /// The headline, then the source line and a caret under the column, then the notes.
    public var rendered: String {
        var out = headline
        if let sourceLine, location.isPosition {
            let shown = sourceLine.replacingOccurrences(of: "\t", with: " ")
            out += "\n" + shown + "\n" + String(repeating: " ", count: max(0, location.column - 1)) + "^"
        }
        for note in notes { out += "\n" + Self.line(note.file, note.location, "note", note.message) }
        return out
    }

    /// A GitHub Actions workflow command, which annotates the pull request diff.
    public var githubAnnotation: String {
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
public struct DiagnosticList: Error, Sendable {
    public var diagnostics: [Diagnostic]
    public init(_ diagnostics: [Diagnostic]) { self.diagnostics = diagnostics }
}
