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

    public init(
        file: String, location: SourceLocation = .start, message: String,
        severity: Severity = .error, sourceLine: String? = nil
    ) {
        self.file = file
        self.location = location
        self.message = message
        self.severity = severity
        self.sourceLine = sourceLine
    }

    /// `file:line:column: error: message`, the form compilers use, so editors can jump to it.
    public var headline: String {
        "\(file):\(location.line):\(location.column): \(severity.rawValue): \(message)"
    }

    /// The headline, then the source line and a caret under the column.
    public var rendered: String {
        guard let sourceLine else { return headline }
        let shown = sourceLine.replacingOccurrences(of: "\t", with: " ")
        let caret = String(repeating: " ", count: max(0, location.column - 1)) + "^"
        return headline + "\n" + shown + "\n" + caret
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
        return "::\(severity.rawValue) file=\(escapeProperty(file)),line=\(location.line),"
            + "col=\(location.column)::\(escapeData(message))"
    }
}

/// Several diagnostics at once: validation reports every problem, not only the first.
public struct DiagnosticList: Error, Sendable {
    public var diagnostics: [Diagnostic]
    public init(_ diagnostics: [Diagnostic]) { self.diagnostics = diagnostics }
}
