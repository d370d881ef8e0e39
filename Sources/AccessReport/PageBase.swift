import AccessFormats

/// Where a page's links start from, and how the rows several pages share are made. Page data
/// gets a page's place in the report only through `link`, so a row made with `.marked` links
/// (its paths from the report's root) determines that row on every page: a page's digest may
/// then cover a shared row by the row's own digest, worked out once for all its pages.
struct PageBase: Sendable {
    enum Mode: Sendable, Equatable {
        /// Whole rows, each with its digest as its first member (`rowMarker`), links from the
        /// page's folder: what a page renders.
        case render
        /// Shared rows as their digests, links from the page's folder: what a page's digest covers.
        case digest
        /// Links as markers naming their path from the report's root: how a shared row is made for its digest.
        case marked
    }

    /// `../` for each folder between the page and the report's root.
    let prefix: String
    let mode: Mode

    /// Where links made once for every page (`ReportSite.Links`) are kept for this place: 0
    /// for marked links, 1 + the folder depth for pages up to two folders deep; nil otherwise.
    var slot: Int? {
        if mode == .marked { return 0 }
        let depth = prefix.utf8.count / 3
        return depth <= 2 ? 1 + depth : nil
    }

    /// Every place a `slot` stands for, in slot order.
    static let slots = [PageBase(prefix: "", mode: .marked), PageBase(prefix: "", mode: .render), PageBase(prefix: "../", mode: .render), PageBase(prefix: "../../", mode: .render)]

    /// A link to `path`, a file named from the report's root.
    func link(_ path: String) -> MustacheValue {
        mode == .marked ? .object([Self.linkMarker: .text(path)]) : .text(prefix + path)
    }

    /// The key of a marked link and of a shared row's digest: no page data has keys starting with `#`.
    static let linkMarker = "#link"
    static let rowMarker = "#row"
}
