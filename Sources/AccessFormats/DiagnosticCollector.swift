/// Gathers the problems found while reading one tree, so every error is reported, not the first.
package final class DiagnosticCollector {
    package private(set) var diagnostics: [Diagnostic] = []

    package init() {}

    package func add(_ diagnostic: Diagnostic) { diagnostics.append(diagnostic) }

    package func add(_ file: String, _ location: SourceLocation, _ message: String) {
        diagnostics.append(Diagnostic(file: file, location: location, message: message))
    }
}

/// `; did you mean 'x'?` when a candidate is close to `word`, else nothing.
package func didYouMean(_ word: String, in candidates: [String]) -> String {
    closestMatch(to: word, in: candidates).map { "; did you mean '\($0)'?" } ?? ""
}

/// A close match for a mistyped name, for "did you mean" hints.
package func closestMatch(to word: String, in candidates: [String]) -> String? {
    var best: (String, Int)?
    for candidate in candidates {
        let d = editDistance(word.lowercased(), candidate.lowercased())
        if d <= max(1, min(3, candidate.count / 3)), d < (best?.1 ?? Int.max) { best = (candidate, d) }
    }
    return best?.0
}

/// The edit distance between two strings, counting a swap of neighbours as one edit
/// (optimal string alignment), since that is the most common typo.
func editDistance(_ a: String, _ b: String) -> Int {
    let x = Array(a.unicodeScalars), y = Array(b.unicodeScalars)
    if x.isEmpty { return y.count }
    if y.isEmpty { return x.count }
    var d = [[Int]](repeating: [Int](repeating: 0, count: y.count + 1), count: x.count + 1)
    for i in 0...x.count { d[i][0] = i }
    for j in 0...y.count { d[0][j] = j }
    for i in 1...x.count {
        for j in 1...y.count {
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1))
            if i > 1, j > 1, x[i - 1] == y[j - 2], x[i - 2] == y[j - 1] {
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
            }
        }
    }
    return d[x.count][y.count]
}
