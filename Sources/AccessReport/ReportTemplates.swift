import Foundation
import AccessFormats
import AccessModel
import AccessPolicy
import AccessLedger

/// A report's templates folder: its Mustache templates, and every other file (the
/// stylesheet), which is copied into the report as it is.
package struct ReportTemplates: Sendable {
    /// The pages every report needs; a custom templates folder must have them all.
    package static let requiredPages = ["layout", "index", "request", "resources", "resource", "people", "principal", "administrators", "audit"]

    package var library: MustacheLibrary

    package init(library: MustacheLibrary, assets: [(name: String, bytes: [UInt8])]) {
        self.library = library
        self.assets = assets
    }

    /// Required pages the folder lacks, as file names.
    package var missingPages: [String] { Self.requiredPages.filter { library.templates[$0] == nil }.map { "\($0).mustache" } }
    package var assets: [(name: String, bytes: [UInt8])]

    /// The templates compiled into accessctl (from the repository's `templates/`).
    package static let builtIn: ReportTemplates = {
        do throws(Diagnostic) {
            return try make(builtInFiles.map { ($0.name, Array($0.text.utf8)) }, display: { "built-in templates/" + $0 })
        } catch {
            // BuiltInTemplatesTests compiles every built-in template: this cannot be reached.
            fatalError("a built-in template does not compile: \(error.rendered)")
        }
    }()

    /// Templates (`NAME.mustache`) and assets (every other file) from files already read;
    /// `display` names a file in errors.
    package static func make(_ files: [(name: String, bytes: [UInt8])], display: (String) -> String) throws(Diagnostic) -> ReportTemplates {
        var templates: [String: MustacheTemplate] = [:]
        var assets: [(name: String, bytes: [UInt8])] = []
        for (name, bytes) in files {
            guard name.hasSuffix(".mustache") else {
                assets.append((name, bytes))
                continue
            }
            guard let source = String(data: Data(bytes), encoding: .utf8) else { throw Diagnostic(file: display(name), message: "this template is not UTF-8 text") }
            templates[String(name.dropLast(".mustache".count))] = try MustacheTemplate(source, file: display(name))
        }
        return ReportTemplates(library: MustacheLibrary(templates: templates), assets: assets)
    }

    /// These templates with `other`'s files in place of those of the same name.
    package func overriding(with other: ReportTemplates) -> ReportTemplates {
        var merged = library.templates
        for (name, template) in other.library.templates { merged[name] = template }
        let replaced = Set(other.assets.map(\.name))
        return ReportTemplates(library: MustacheLibrary(templates: merged), assets: assets.filter { !replaced.contains($0.name) } + other.assets)
    }

    /// Reads `directory` once; `display` is the folder as the user named it, for errors.
    package static func load(directory: String, display: String) throws(Diagnostic) -> ReportTemplates {
        let fm = FileManager.default
        let names: [String]
        do {
            names = try fm.contentsOfDirectory(atPath: directory).sorted()
        } catch {
            throw Diagnostic(file: display, message: "cannot read the templates folder: it does not exist or is not a folder")
        }
        var files: [(name: String, bytes: [UInt8])] = []
        for name in names where !name.hasPrefix(".") && name != "README.md" {
            let path = TreeLoader.join(directory, name)
            let file = TreeLoader.join(display, name)
            let isTemplate = name.hasSuffix(".mustache")
            switch Platform.kind(ofLink: path) {
            case nil: continue
            case .directory?:
                if isTemplate { throw Diagnostic(file: file, message: "cannot read this template: it is a folder") }
                continue
            case .symlink?, .other?:
                // Everything published comes from regular files in this folder: a link could
                // copy /etc/passwd or the CI's environment into a public report.
                throw Diagnostic(file: file, message: "is a symlink or special file; templates and assets must be regular files in the templates folder")
            case .regular?: break
            }
            guard case .bytes(let bytes) = ManifestReader.readFile(path: path, limit: maximumFileSize) else {
                throw Diagnostic(file: file, message: "cannot read this file (at most 4 MiB)")
            }
            files.append((name, bytes))
        }
        return try make(files, display: { TreeLoader.join(display, $0) })
    }

    /// The largest template or asset read.
    package static let maximumFileSize = 4 << 20
}
