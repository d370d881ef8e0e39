import Foundation
import Testing

@testable import AccessFormats

/// The tree loader names a manifest by its file with byte-level helpers instead of
/// `NSString`'s; for every path the tree's listing can produce they must give the same.
@Suite struct PathsTests {
    static let paths = [
        "settings.yaml", "requests/r1.yaml", "a/b/c/team.yml", "x.json", "requests/a.b.yaml",
        "requests/foo..yaml", "requests/.yaml", "r/é-ü.yaml", "r/名前.json", "noextension", "a/b",
        "requests/v1.2/x.yaml", ".hidden", "a/.hidden.yaml", "a.", "dir/a.",
    ]

    @Test(arguments: paths) func theSameAsNSString(path: String) {
        let ns = path as NSString
        #expect(Paths.lastComponent(path) == ns.lastPathComponent)
        #expect(Paths.deletingExtension(Paths.lastComponent(path)) == (ns.lastPathComponent as NSString).deletingPathExtension)
        #expect(Paths.isTopLevel(path) == !path.contains("/"))
    }
}
