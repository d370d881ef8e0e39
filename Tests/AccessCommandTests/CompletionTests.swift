import Foundation
import Testing

@testable import AccessCore

/// `accessctl completion SHELL` prints a script its shell accepts and that completes the
/// declared commands, options and choices. Shells that are not installed are skipped.
@Suite struct CompletionTests {
    private static func shell(_ name: String) -> String? {
        ["/bin/\(name)", "/usr/bin/\(name)", "/usr/local/bin/\(name)", "/opt/homebrew/bin/\(name)"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    private func script(_ shell: String) -> String {
        let result = AccessCLI(environment: [:], currentDirectory: "/", clock: TestSupport.clock).run(["completion", shell])
        #expect(result.exitCode == 0)
        return result.standardOutput
    }

    /// Runs `program` with `arguments` and the script saved in a file named by `$SCRIPT`.
    private func run(_ program: String, _ arguments: [String], script: String) throws -> (status: Int32, output: String) {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("accessctl-completion-\(UUID().uuidString)")
        try Data(script.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        process.environment = ["SCRIPT": file.path, "PATH": "/usr/bin:/bin", "HOME": FileManager.default.temporaryDirectory.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test(.enabled(if: shell("bash") != nil, "bash is not installed"))
    func bashAcceptsAndCompletes() throws {
        let bash = try #require(Self.shell("bash"))
        let text = script("bash")
        #expect(try run(bash, ["-n", "-c", "source \"$SCRIPT\""], script: text).status == 0)
        let complete = """
            source "$SCRIPT"
            c() { COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _accessctl; echo "${COMPREPLY[*]}"; }
            c accessctl val; c accessctl re; c accessctl audit ''; c accessctl bench e; c accessctl validate --format ''
            c accessctl plan --; c accessctl completion ''; c accessctl request new --ro
            """
        let result = try run(bash, ["-c", complete], script: text)
        #expect(result.status == 0)
        #expect(result.output == """
            validate
            request revoke relinquish review reconcile report
            verify show
            evaluate
            text github
            --root --now --format --detailed-exitcode --trust-root --require-trusted-configuration --anchor --help
            bash zsh fish
            --root --role

            """)
    }

    @Test(.enabled(if: shell("zsh") != nil, "zsh is not installed"))
    func zshAcceptsTheScript() throws {
        let zsh = try #require(Self.shell("zsh"))
        let text = script("zsh")
        #expect(text.hasPrefix("#compdef accessctl\n"))
        let checked = try run(zsh, ["-n", "-c", "source \"$SCRIPT\""], script: text)
        #expect(checked.status == 0, "\(checked.output)")
        let loaded = try run(zsh, ["-c", "autoload -U compinit && compinit -u && source \"$SCRIPT\" && echo $_comps[accessctl]"], script: text)
        #expect(loaded.output.hasSuffix("_accessctl\n"), "\(loaded.output)")
    }

    @Test(.enabled(if: shell("fish") != nil, "fish is not installed"))
    func fishAcceptsAndCompletes() throws {
        let fish = try #require(Self.shell("fish"))
        let text = script("fish")
        #expect(try run(fish, ["-n", "-c", "source $SCRIPT"], script: text).status == 0)
        let result = try run(fish, ["-c", "source $SCRIPT; complete -C 'accessctl val'; complete -C 'accessctl audit '; complete -C 'accessctl completion '"], script: text)
        #expect(result.output == """
            validate\tCheck every manifest of the access tree and report all problems.
            show\tList audit events, oldest first, filtered by request, principal or time.
            verify\tCheck the audit log's hash chain and that it accounts for the state.
            bash
            fish
            zsh

            """)
    }

    @Test func everyDeclaredCommandAndOptionIsInEachScript() {
        for shell in CompletionScript.shells {
            let text = script(shell)
            for command in AccessCLI.commands {
                for word in command.name.split(separator: " ") { #expect(text.contains(String(word)), "\(shell): \(word)") }
                for option in command.options { #expect(text.contains(option.name.dropFirst(2)), "\(shell): \(command.name) \(option.name)") }
            }
        }
    }

    @Test func unknownShellIsAUsageError() {
        let result = AccessCLI(environment: [:], currentDirectory: "/", clock: TestSupport.clock).run(["completion", "tcsh"])
        #expect(result.exitCode == 64)
        #expect(result.standardError == "error: unknown shell 'tcsh'; choose one of: bash, zsh, fish\nusage: accessctl completion SHELL\nSee 'accessctl completion --help'.\n")
    }
}
