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

    /// Required pages the folder lacks, as file names.
    package var missingPages: [String] { Self.requiredPages.filter { library.templates[$0] == nil }.map { "\($0).mustache" } }
    package var assets: [(name: String, bytes: [UInt8])]

    /// Reads `directory` once; `display` is the folder as the user named it, for errors.
    package static func load(directory: String, display: String) throws(Diagnostic) -> ReportTemplates {
        let fm = FileManager.default
        let names: [String]
        do {
            names = try fm.contentsOfDirectory(atPath: directory).sorted()
        } catch {
            throw Diagnostic(file: display, message: "cannot read the templates folder: it does not exist or is not a folder")
        }
        var templates: [String: MustacheTemplate] = [:]
        var assets: [(name: String, bytes: [UInt8])] = []
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
            guard case .bytes(let bytes) = ManifestReader.readFile(path: path, limit: 4 << 20) else {
                throw Diagnostic(file: file, message: "cannot read this file (at most 4 MiB)")
            }
            let data = Data(bytes)
            guard isTemplate else {
                assets.append((name, [UInt8](data)))
                continue
            }
            guard let source = String(data: data, encoding: .utf8) else { throw Diagnostic(file: file, message: "this template is not UTF-8 text") }
            templates[String(name.dropLast(".mustache".count))] = try MustacheTemplate(source, file: file)
        }
        return ReportTemplates(library: MustacheLibrary(templates: templates), assets: assets)
    }
}
