import Foundation
import AccessFormats

/// Finds, reads and decodes every manifest under a root.
public enum TreeLoader {
    /// Folders at the root that belong to accessctl and hold no manifests.
    public static let reservedFolders: Set<String> = ["state", "audit"]

    /// The result of loading: the decoded tree and every problem found.
    public struct Result: Sendable {
        public var tree: AccessTree
        public var diagnostics: [Diagnostic]

        public init(tree: AccessTree, diagnostics: [Diagnostic]) {
            self.tree = tree
            self.diagnostics = diagnostics
        }
    }

    /// Reads and decodes the tree at `root` without checking it as a whole (AccessPolicy's
    /// `load` adds the checks); `displayRoot` prefixes file names in messages. Nil when
    /// there is no tree at `root` (said in `log`).
    package static func read(root: String, displayRoot: String, log: DiagnosticCollector) -> AccessTree? {
        var tree = AccessTree(root: root)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root, isDirectory: &isDirectory), isDirectory.boolValue else {
            log.add(displayRoot, .whole, "the access tree '\(displayRoot)' does not exist or is not a folder")
            return nil
        }
        let files = findManifests(root: root, displayRoot: displayRoot, log: log)
        tree.fileCount = files.count
        let parsed = readAll(files, root: root, displayRoot: displayRoot)
        for (relative, result) in zip(files, parsed) {
            let display = join(displayRoot, relative)
            let before = log.diagnostics.count
            defer {
                if log.diagnostics.count > before {
                    tree.unreadableIDs.insert(((relative as NSString).lastPathComponent as NSString).deletingPathExtension)
                }
            }
            do {
                let node = try result.get()
                let fileName = (relative as NSString).lastPathComponent
                ManifestDecoder.decode(
                    node, file: display, baseName: (fileName as NSString).deletingPathExtension, fileName: fileName,
                    atRoot: !relative.contains("/"), into: &tree, log: log)
            } catch {
                log.add(error)
            }
        }
        if tree.settings == nil, !log.diagnostics.contains(where: { $0.file.hasSuffix(ManifestDecoder.settingsFileName) }) {
            log.add(join(displayRoot, ManifestDecoder.settingsFileName), .whole, "missing settings: create '\(ManifestDecoder.settingsFileName)' at the root of the tree (accessctl init writes one)")
        }
        return tree
    }

    /// Reads and parses every file, one worker per core; results keep the files' order, so
    /// decoding afterwards is deterministic.
    static func readAll(_ files: [String], root: String, displayRoot: String) -> [Swift.Result<Node, Diagnostic>] {
        Parallel.map(files, workers: min(ProcessInfo.processInfo.activeProcessorCount, files.count / 64)) { relative in
            do throws(Diagnostic) {
                return .success(try ManifestReader.read(path: join(root, relative), display: join(displayRoot, relative)))
            } catch {
                return .failure(error)
            }
        }
    }

    package static func join(_ a: String, _ b: String) -> String { Paths.join(a, b) }

    /// Relative paths of all manifests, sorted; refuses symlinks that leave the root.
    package static func findManifests(root: String, displayRoot: String, log: DiagnosticCollector) -> [String] {
        let fm = FileManager.default
        let realRoot = URL(fileURLWithPath: root).resolvingSymlinksInPath().path
        var found: [String] = []
        var pending = [""]
        while let folder = pending.popLast() {
            let absolute = folder.isEmpty ? root : join(root, folder)
            guard let names = try? fm.contentsOfDirectory(atPath: absolute) else {
                log.add(join(displayRoot, folder), .whole, "cannot read the folder")
                continue
            }
            for name in names where !name.hasPrefix(".") {
                if folder.isEmpty, reservedFolders.contains(name) { continue }
                let relative = folder.isEmpty ? name : folder + "/" + name
                let path = join(root, relative)
                guard let kind = Platform.kind(ofLink: path) else { continue }
                if kind == .symlink {
                    let target = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
                    guard target == realRoot || target.hasPrefix(realRoot + "/") else {
                        if isManifest(name) || isFolder(target) {
                            log.add(join(displayRoot, relative), .whole, "symlink leads outside the access tree; it is not read")
                        }
                        continue
                    }
                    if isFolder(target) {
                        log.add(join(displayRoot, relative), .whole, "symlinks to folders are not followed; move the folder into the tree")
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

    private static func isManifest(_ name: String) -> Bool { ManifestReader.isManifest(name) }

    private static func isFolder(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }
}
