import Foundation
import XCTest
import AccessTestSupport

/// What the logic tests share: fixtures and the fixed clock, nothing on disk to set up.
enum TestSupport {
    static let fixtures = Fixtures.folder
    static let clock = Fixtures.clock
}

/// The shared small tree, in memory.
typealias TreeFixture = TreeFiles

/// Compares two texts in full and, when they differ, shows a line diff that is easy to read.
func assertText(_ actual: String, _ expected: String, _ message: String = "", file: StaticString = #filePath, line: UInt = #line) {
    if let difference = textDifference(actual, expected) { XCTFail("\(message)\n\(difference)", file: file, line: line) }
}
