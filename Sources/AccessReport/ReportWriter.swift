import Foundation
import AccessFormats
import AccessModel
import AccessPolicy
import AccessLedger

/// Writes a report folder whole: pages go to a new folder beside the target, which then
/// replaces the old report in two renames, so readers never see half a report. A page whose
/// digest is the one the earlier report's index lists is not rendered again: the new folder
/// gets a hard link to the earlier file, which has exactly the bytes a render would give.
package enum ReportWriter {
    /// What a write did.
    package struct Outcome: Sendable, Equatable {
        /// Pages in the report.
        package var pages: Int
        /// Pages rendered and written by this run (the rest are unchanged files of the earlier report).
        package var written: Int
    }

    /// The file that marks a folder as a report accessctl may replace.
    package static let marker = ".accessctl-report"

    /// Renders every page of `site` (up to `parallel` at once) and installs the folder at
    /// `out`; `assets` (the stylesheet) are copied as they are. Unless `full`, a page whose
    /// data did not change since the report at `out` was written is kept from it.
    /// The page index of the report at `out`, as `write` reads it: empty when there is none or
    /// it does not parse (every page is then new). Read before the site is built, beside it.
    package static func earlierIndex(at out: String) -> ReportIndex {
        ManifestReader.readBytes(path: TreeLoader.join(out, ReportIndex.fileName), limit: 1 << 30).flatMap(ReportIndex.parse) ?? ReportIndex()
    }

    package static func write(
        _ site: ReportSite, assets: [(name: String, bytes: [UInt8])], to out: String, display: String, parallel: Int, full: Bool = false,
        earlier: ReportIndex? = nil
    ) throws(Diagnostic) -> Outcome {
        let fm = FileManager.default
        var isFolder: ObjCBool = false
        let exists = fm.fileExists(atPath: out, isDirectory: &isFolder)
        if exists {
            guard isFolder.boolValue else { throw Diagnostic(file: display, message: "this is a file, not a folder: --out needs a folder for the report") }
            let entries = (try? fm.contentsOfDirectory(atPath: out)) ?? []
            // Never delete a folder accessctl did not write, such as a home folder given by mistake.
            guard entries.isEmpty || entries.contains(marker) else {
                throw Diagnostic(file: display, message: "this folder is not empty and does not hold an earlier report (no \(marker) file); give --out a new or empty folder, which each run replaces")
            }
        }
        let parent = (out as NSString).deletingLastPathComponent
        let name = (out as NSString).lastPathComponent
        let pid = ProcessInfo.processInfo.processIdentifier
        let staging = TreeLoader.join(parent.isEmpty ? "." : parent, ".\(name).accessctl-new-\(pid)")
        let old = TreeLoader.join(parent.isEmpty ? "." : parent, ".\(name).accessctl-old-\(pid)")
        try? fm.removeItem(atPath: staging)
        try? fm.removeItem(atPath: old)
        func fail(_ message: String) -> Diagnostic {
            try? fm.removeItem(atPath: staging)
            return Diagnostic(file: display, message: message)
        }
        // The earlier report's index, for the pages' change times (also on a full render) and
        // for the pages that can be kept. A missing or damaged index means every page is new.
        let previous = exists ? earlier ?? earlierIndex(at: out) : ReportIndex()
        let now = site.input.now
        let jobs = site.jobs
        do {
            try fm.createDirectory(atPath: staging, withIntermediateDirectories: true)
            // Each page's folder cut from its path as bytes: through `NSString` it took about
            // half a second on one core for 133,433 pages.
            let folders = Set(jobs.compactMap { job -> Substring? in
                let path = site.path(job)
                return path.utf8.lastIndex(of: UInt8(ascii: "/")).map { path[..<$0] }
            })
            for folder in folders.filter({ !$0.isEmpty }).map(String.init).sorted() {
                try fm.createDirectory(atPath: TreeLoader.join(staging, folder), withIntermediateDirectories: true)
            }
        } catch {
            throw fail("cannot create the report folder: \(error.localizedDescription)")
        }
        let results = Parallel.map(jobs, workers: parallel) { job -> Result<(path: String, entry: ReportIndex.Entry, written: Bool), Diagnostic> in
            // Pages rendered whatever their digest are worked out once, with whole rows.
            let prepared = site.prepare(job, toRender: { full || previous.entries[$0] == nil })
            var changedAt = now
            if let earlier = previous.entries[prepared.path], earlier.changedAt <= now {
                // Only a regular file of the size the index gives is kept; anything else
                // (a page edited or replaced by hand, a symlink) is rendered again.
                let old = TreeLoader.join(out, prepared.path)
                let unchanged: Bool
                if previous.earlierDigests {
                    // The earlier version's digests cannot tell: the page is unchanged when it
                    // renders to the earlier file's bytes with the earlier change time.
                    let bytes = Platform.regularFileSize(ofLink: old) == earlier.size ? ManifestReader.readBytes(path: old, limit: earlier.size) : nil
                    unchanged = bytes != nil && (try? site.render(prepared, changedAt: earlier.changedAt))?.bytes == bytes
                } else {
                    unchanged = earlier.digest == prepared.digest
                }
                if unchanged {
                    changedAt = earlier.changedAt
                    if !full, Platform.regularFileSize(ofLink: old) == earlier.size, Platform.link(old, TreeLoader.join(staging, prepared.path)) {
                        return .success((prepared.path, ReportIndex.Entry(digest: prepared.digest, changedAt: earlier.changedAt, size: earlier.size), false))
                    }
                }
            }
            do throws(Diagnostic) {
                let page = try site.render(prepared, changedAt: changedAt)
                guard writeFile(TreeLoader.join(staging, page.path), page.bytes) else {
                    return .failure(Diagnostic(file: TreeLoader.join(display, page.path), message: "cannot write this page"))
                }
                return .success((page.path, ReportIndex.Entry(digest: prepared.digest, changedAt: changedAt, size: page.bytes.count), true))
            } catch {
                return .failure(error)
            }
        }
        var index = ReportIndex()
        index.entries.reserveCapacity(results.count)
        index.order.reserveCapacity(results.count)
        var written = 0
        for result in results {
            switch result {
            case .failure(let problem):
                try? fm.removeItem(atPath: staging)
                throw problem
            case .success(let page):
                index.add(page.path, page.entry)
                if page.written { written += 1 }
            }
        }
        for asset in assets where !writeFile(TreeLoader.join(staging, asset.name), asset.bytes) {
            throw fail("cannot write \(asset.name)")
        }
        guard writeFile(TreeLoader.join(staging, ReportIndex.fileName), index.bytes) else { throw fail("cannot write \(ReportIndex.fileName)") }
        guard writeFile(TreeLoader.join(staging, marker), Array("Written by accessctl report. The whole folder is replaced on each run.\n".utf8)) else {
            throw fail("cannot write \(marker)")
        }
        if exists, !Platform.rename(out, old) { throw fail("cannot move the earlier report aside") }
        guard Platform.rename(staging, out) else {
            if exists { _ = Platform.rename(old, out) }
            throw fail("cannot move the new report into place")
        }
        if exists { removeTree(old) }
        return Outcome(pages: jobs.count, written: written)
    }

    /// Removes a folder and everything in it, its first-level entries shared out over the
    /// cores: an earlier report of 133,433 pages is as many directory entries to unlink.
    static func removeTree(_ path: String) {
        let fm = FileManager.default
        let entries = ((try? fm.contentsOfDirectory(atPath: path)) ?? []).sorted()
        _ = Parallel.map(entries, workers: Parallel.workers(for: entries.count, from: 2)) { name in
            try? FileManager.default.removeItem(atPath: TreeLoader.join(path, name))
        }
        try? fm.removeItem(atPath: path)
    }

    /// Writes bytes to a new file with plain system calls: the report writes many small files.
    static func writeFile(_ path: String, _ bytes: [UInt8]) -> Bool {
        let fd = Platform.openForWriting(path, permissions: 0o644)
        guard fd >= 0 else { return false }
        defer { Platform.close(fd) }
        return Platform.writeAll(fd, bytes)
    }
}
