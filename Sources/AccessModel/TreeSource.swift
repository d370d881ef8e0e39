import Foundation
import AccessFormats

/// Where the manifests of a tree come from: the file system in production, memory in
/// logic tests, so loading and everything after it can be tested without a disk.
package protocol TreeSource: Sendable {
    /// The root as `AccessTree.root` records it.
    var root: String { get }
    /// Whether there is a tree at all.
    var exists: Bool { get }
    /// Relative paths of every manifest, sorted; problems with entries go to `log`.
    func manifests(displayRoot: String, log: DiagnosticCollector) -> [String]
    /// One manifest, parsed; `display` names it in errors.
    func parse(_ relative: String, display: String) throws(Diagnostic) -> Node
}

/// Manifests under a folder on disk; symlinks that leave the folder are refused.
package struct FileSystemTreeSource: TreeSource {
    package var root: String

    package init(root: String) {
        self.root = root
    }

    package var exists: Bool { isFolder(root) }

    package func parse(_ relative: String, display: String) throws(Diagnostic) -> Node {
        try ManifestReader.read(path: TreeLoader.join(root, relative), display: display)
    }

    /// Relative paths of all manifests, sorted; refuses symlinks that leave the root.
    package func manifests(displayRoot: String, log: DiagnosticCollector) -> [String] {
        let fm = FileManager.default
        let realRoot = URL(fileURLWithPath: root).resolvingSymlinksInPath().path
        var found: [String] = []
        var pending = [""]
        while let folder = pending.popLast() {
            let absolute = folder.isEmpty ? root : TreeLoader.join(root, folder)
            guard let names = try? fm.contentsOfDirectory(atPath: absolute) else {
                log.add(TreeLoader.join(displayRoot, folder), .whole, "cannot read the folder")
                continue
            }
            for name in names where !name.hasPrefix(".") {
                if folder.isEmpty, TreeLoader.reservedFolders.contains(name) { continue }
                let relative = folder.isEmpty ? name : folder + "/" + name
                let path = TreeLoader.join(root, relative)
                guard let kind = Platform.kind(ofLink: path) else { continue }
                if kind == .symlink {
                    let target = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
                    guard target == realRoot || target.hasPrefix(realRoot + "/") else {
                        if isManifest(name) || isFolder(target) {
                            log.add(TreeLoader.join(displayRoot, relative), .whole, "symlink leads outside the access tree; it is not read")
                        }
                        continue
                    }
                    if isFolder(target) {
                        log.add(TreeLoader.join(displayRoot, relative), .whole, "symlinks to folders are not followed; move the folder into the tree")
                        continue
                    }
                    if ManifestReader.isManifest(name) { found.append(relative) }
                } else if kind == .directory {
                    pending.append(relative)
                } else if kind == .regular, ManifestReader.isManifest(name) {
                    found.append(relative)
                }
            }
        }
        return found.sorted()
    }

    private func isManifest(_ name: String) -> Bool { ManifestReader.isManifest(name) }

    private func isFolder(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }
}

/// Manifests held in memory by relative path, for logic tests.
package struct InMemoryTreeSource: TreeSource {
    package var root: String
    package var files: [String: [UInt8]]

    package init(root: String = "/memory", files: [String: String]) {
        self.root = root
        self.files = files.mapValues { Array($0.utf8) }
    }

    package var exists: Bool { true }

    package func manifests(displayRoot: String, log: DiagnosticCollector) -> [String] {
        files.keys.filter { path in
            ManifestReader.isManifest(path) && !TreeLoader.reservedFolders.contains(String(path.split(separator: "/")[0]))
        }.sorted()
    }

    package func parse(_ relative: String, display: String) throws(Diagnostic) -> Node {
        try ManifestReader.parse(bytes: files[relative] ?? [], file: display)
    }
}
