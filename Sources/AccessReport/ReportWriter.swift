import Foundation
import AccessFormats
import AccessModel
import AccessPolicy
import AccessLedger

/// Writes a report folder whole: pages go to a new folder beside the target, which then
/// replaces the old report in two renames, so readers never see half a report.
package enum ReportWriter {
    /// The file that marks a folder as a report accessctl may replace.
    package static let marker = ".accessctl-report"

    /// Renders every page of `site` (up to `parallel` at once) and installs the folder at
    /// `out`; `assets` (the stylesheet) are copied as they are. Returns the number of pages.
    package static func write(_ site: ReportSite, assets: [(name: String, bytes: [UInt8])], to out: String, display: String, parallel: Int) throws(Diagnostic) -> Int {
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
        let jobs = site.jobs
        do {
            try fm.createDirectory(atPath: staging, withIntermediateDirectories: true)
            for folder in Set(jobs.map { (site.path($0) as NSString).deletingLastPathComponent }).filter({ !$0.isEmpty }).sorted() {
                try fm.createDirectory(atPath: TreeLoader.join(staging, folder), withIntermediateDirectories: true)
            }
        } catch {
            throw fail("cannot create the report folder: \(error.localizedDescription)")
        }
        let results = Parallel.map(jobs, workers: parallel) { job -> Diagnostic? in
            do throws(Diagnostic) {
                let page = try site.render(job)
                return writeFile(TreeLoader.join(staging, page.path), page.bytes) ? nil : Diagnostic(file: TreeLoader.join(display, page.path), message: "cannot write this page")
            } catch {
                return error
            }
        }
        if let problem = results.compactMap({ $0 }).first {
            try? fm.removeItem(atPath: staging)
            throw problem
        }
        for asset in assets where !writeFile(TreeLoader.join(staging, asset.name), asset.bytes) {
            throw fail("cannot write \(asset.name)")
        }
        guard writeFile(TreeLoader.join(staging, marker), Array("Written by accessctl report. The whole folder is replaced on each run.\n".utf8)) else {
            throw fail("cannot write \(marker)")
        }
        if exists, !Platform.rename(out, old) { throw fail("cannot move the earlier report aside") }
        guard Platform.rename(staging, out) else {
            if exists { _ = Platform.rename(old, out) }
            throw fail("cannot move the new report into place")
        }
        if exists { try? fm.removeItem(atPath: old) }
        return jobs.count
    }

    /// Writes bytes to a new file with plain system calls: the report writes many small files.
    static func writeFile(_ path: String, _ bytes: [UInt8]) -> Bool {
        let fd = Platform.openForWriting(path, permissions: 0o644)
        guard fd >= 0 else { return false }
        defer { Platform.close(fd) }
        return Platform.writeAll(fd, bytes)
    }
}
