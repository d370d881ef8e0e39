import AccessFormats

/// Where a page's links start from, and how the rows several pages share are made. Page data
/// gets a page's place in the report only through `link`, so a row made with `.marked` links
/// (its paths from the report's root) determines that row on every page: a page's digest may
/// then cover a shared row by the row's own digest, worked out once for all its pages.
struct PageBase: Sendable {
    enum Mode: Sendable, Equatable {
        /// Whole rows, links from the page's folder: what a page renders.
        case render
        /// Shared rows as their digests, links from the page's folder: what a page's digest covers.
        case digest
        /// Links as markers naming their path from the report's root: how a shared row is made for its digest.
        case marked
    }

    /// `../` for each folder between the page and the report's root.
    let prefix: String
    let mode: Mode

    /// A link to `path`, a file named from the report's root.
    func link(_ path: String) -> MustacheValue {
        mode == .marked ? .object([Self.linkMarker: .text(path)]) : .text(prefix + path)
    }

    /// The key of a marked link and of a shared row's digest: no page data has keys starting with `#`.
    static let linkMarker = "#link"
    static let rowMarker = "#row"
}
