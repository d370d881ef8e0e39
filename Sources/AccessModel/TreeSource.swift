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
    /// One manifest's bytes; `display` names it in errors (a file that cannot be read).
    func bytes(_ relative: String, display: String) throws(Diagnostic) -> [UInt8]
    /// The files of the `templates/` folder at the root, by name; problems go to `log`.
    func templates(displayRoot: String, log: DiagnosticCollector) -> [TemplateFile]
}

/// Manifests under a folder on disk; symlinks that leave the folder are refused.
package struct FileSystemTreeSource: TreeSource {
    package var root: String

    package init(root: String) {
        self.root = root
    }

    package var exists: Bool { isFolder(root) }

    package func bytes(_ relative: String, display: String) throws(Diagnostic) -> [UInt8] {
        try ManifestReader.readManifest(path: TreeLoader.join(root, relative), display: display)
    }

    /// Relative paths of all manifests, sorted; refuses symlinks that leave the root.
    package func manifests(displayRoot: String, log: DiagnosticCollector) -> [String] {
        let realRoot = URL(fileURLWithPath: root).resolvingSymlinksInPath().path
        var found: [String] = []
        var pending = [""]
        while let folder = pending.popLast() {
            let absolute = folder.isEmpty ? root : TreeLoader.join(root, folder)
            guard let entries = Platform.entries(ofFolder: absolute) else {
                log.add(TreeLoader.join(displayRoot, folder), .whole, "cannot read the folder")
                continue
            }
            for (name, kind) in entries where !name.hasPrefix(".") {
                if folder.isEmpty, TreeLoader.reservedFolders.contains(name) { continue }
                let relative = folder.isEmpty ? name : folder + "/" + name
                let path = TreeLoader.join(root, relative)
                guard let kind else { continue }
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

    /// Regular files only, each bounded: a link could publish /etc/passwd or the CI's
    /// environment in the report.
    package func templates(displayRoot: String, log: DiagnosticCollector) -> [TemplateFile] {
        let folder = TreeLoader.join(root, TemplateFile.folder)
        guard let kind = Platform.kind(ofLink: folder) else { return [] }
        let display = TreeLoader.join(displayRoot, TemplateFile.folder)
        guard kind == .directory, let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else {
            log.add(display, .whole, "the report's templates must be a folder of regular files")
            return []
        }
        var found: [TemplateFile] = []
        for name in names.sorted() where !name.hasPrefix(".") && name != "README.md" {
            let path = TreeLoader.join(folder, name)
            guard Platform.kind(ofLink: path) == .regular else {
                log.add(TreeLoader.join(display, name), .whole, "is a symlink, folder or special file; templates and assets must be regular files in the templates folder")
                continue
            }
            guard case .bytes(let bytes) = ManifestReader.readFile(path: path, limit: TemplateFile.maximumSize) else {
                log.add(TreeLoader.join(display, name), .whole, "cannot read this file (at most 4 MiB)")
                continue
            }
            // The trusted snapshot keeps configuration files as text.
            guard String(data: Data(bytes), encoding: .utf8) != nil else {
                log.add(TreeLoader.join(display, name), .whole, "is not UTF-8 text; the templates folder holds templates and stylesheets")
                continue
            }
            found.append(TemplateFile(name: name, bytes: bytes))
        }
        return found
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

    package func bytes(_ relative: String, display: String) throws(Diagnostic) -> [UInt8] {
        files[relative] ?? []
    }

    package func templates(displayRoot: String, log: DiagnosticCollector) -> [TemplateFile] {
        let prefix = TemplateFile.folder + "/"
        return files.keys.filter { $0.hasPrefix(prefix) && !$0.dropFirst(prefix.count).contains("/") }.sorted()
            .map { TemplateFile(name: String($0.dropFirst(prefix.count)), bytes: files[$0]!) }
    }
}
