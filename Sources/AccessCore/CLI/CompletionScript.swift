import Foundation
import AccessFormats
import AccessModel
import AccessPolicy
import AccessLedger
import AccessReport
import AccessBench

/// Shell completion scripts written from the command declarations, so a new command or
/// option completes as soon as it is declared.
package enum CompletionScript {
    /// The shells `accessctl completion` writes a script for.
    package static let shells = ["bash", "zsh", "fish"]

    /// The script for `shell`, or nil for a shell not in `shells`.
    package static func script(for shell: String, commands: [CommandSpec]) -> String? {
        switch shell {
        case "bash": return bash(commands)
        case "zsh": return zsh(commands)
        case "fish": return fish(commands)
        default: return nil
        }
    }

    /// First words (`validate`, `request`, ...) in declaration order, and the second words of groups.
    static func words(_ commands: [CommandSpec]) -> (first: [String], groups: [(String, [String])]) {
        var first: [String] = [], groups: [(String, [String])] = []
        for command in commands {
            let parts = command.name.split(separator: " ").map(String.init)
            if !first.contains(parts[0]) { first.append(parts[0]) }
            guard parts.count > 1 else { continue }
            if let index = groups.firstIndex(where: { $0.0 == parts[0] }) {
                groups[index].1.append(parts[1])
            } else {
                groups.append((parts[0], [parts[1]]))
            }
        }
        return (first, groups)
    }

    /// How an option's value completes: a fixed list, folders, files, or nothing.
    enum ValueKind: Equatable {
        case choices([String]), folders, files, none
    }

    static func valueKind(_ option: CommandSpec.Option) -> ValueKind {
        if let choices = option.choices { return .choices(choices) }
        switch option.value {
        case "DIR": return .folders
        case "FILE", "PATH", "SIGFILE", "CMD": return .files
        default: return .none
        }
    }

    /// Whether a command's positional argument names a request (completed from `status`).
    static func takesRequestName(_ command: CommandSpec) -> Bool {
        command.arguments.contains { $0 == "NAME" || $0 == "[NAME]" }
    }

    /// The shell words for a list, each single-quoted (names here never hold a quote).
    private static func list(_ words: [String]) -> String { words.joined(separator: " ") }

    /// Lists the tree's request names; used where an argument is a request NAME.
    private static let requestNames = #"accessctl status --format json 2>/dev/null | sed -n 's/^    "name": "\(.*\)",$/\1/p'"#

    static func bash(_ commands: [CommandSpec]) -> String {
        let (first, groups) = words(commands)
        var out = """
            # bash completion for accessctl, written by `accessctl completion bash`.
            # Load it with: source <(accessctl completion bash)
            _accessctl() {
                local cur="${COMP_WORDS[COMP_CWORD]}" prev="${COMP_WORDS[COMP_CWORD-1]}"
                local cmd="${COMP_WORDS[1]}"
                COMPREPLY=()
                if [ "$COMP_CWORD" -eq 1 ]; then
                    COMPREPLY=( $(compgen -W "\(list(first)) --help --version" -- "$cur") )
                    return
                fi
                case "$cmd" in

            """
        for (group, seconds) in groups {
            out += """
                        \(group))
                            if [ "$COMP_CWORD" -eq 2 ]; then
                                COMPREPLY=( $(compgen -W "\(list(seconds))" -- "$cur") )
                                return
                            fi
                            cmd="$cmd ${COMP_WORDS[2]}" ;;

                """
        }
        out += """
                esac
                local opts=""
                case "$cmd" in

            """
        out += cases(commands, Dialect.bash)
        out += """
                esac
                if [[ "$cur" == -* ]]; then
                    COMPREPLY=( $(compgen -W "$opts" -- "$cur") )
                else
                    COMPREPLY=( $(compgen -f -- "$cur") )
                fi
            }
            complete -F _accessctl accessctl

            """
        return out
    }

    static func zsh(_ commands: [CommandSpec]) -> String {
        let (first, groups) = words(commands)
        var out = """
            #compdef accessctl
            # zsh completion for accessctl, written by `accessctl completion zsh`.
            # Save it as _accessctl in a folder of $fpath, or load it with: source <(accessctl completion zsh)
            _accessctl() {
                local cmd=${words[2]} prev=${words[CURRENT-1]}
                local -a opts
                if (( CURRENT == 2 )); then
                    compadd -- \(list(first)) --help --version
                    return
                fi
                case $cmd in

            """
        for (group, seconds) in groups {
            out += """
                        \(group))
                            if (( CURRENT == 3 )); then
                                compadd -- \(list(seconds))
                                return
                            fi
                            cmd="$cmd ${words[3]}" ;;

                """
        }
        out += """
                esac
                case $cmd in

            """
        out += cases(commands, Dialect.zsh)
        out += """
                esac
                if [[ $PREFIX == -* ]]; then
                    compadd -- $opts
                else
                    _files
                fi
            }
            if [[ $zsh_eval_context[-1] == loadautofunc ]]; then
                _accessctl "$@"
            else
                compdef _accessctl accessctl
            fi

            """
        return out
    }

    /// How bash and zsh spell the pieces of a command's `case` branch.
    struct Dialect: Sendable {
        var label: @Sendable (String) -> String
        var options: @Sendable (String) -> String
        var words: @Sendable (String) -> String
        var folders: String
        var files: String
        var dynamic: @Sendable (String) -> String
        var notOption: String

        static let bash = Dialect(
            label: { "\"\($0)\"" }, options: { "opts=\"\($0)\"" }, words: { "COMPREPLY=( $(compgen -W \"\($0)\" -- \"$cur\") )" },
            folders: "COMPREPLY=( $(compgen -d -- \"$cur\") )", files: "COMPREPLY=( $(compgen -f -- \"$cur\") )",
            dynamic: { "COMPREPLY=( $(compgen -W \"$(\($0))\" -- \"$cur\") )" }, notOption: "[[ \"$cur\" != -* ]]")
        static let zsh = Dialect(
            label: { "'\($0)'" }, options: { "opts=(\($0))" }, words: { "compadd -- \($0)" },
            folders: "_files -/", files: "_files",
            dynamic: { "compadd -- ${(f)\"$(\($0))\"}" }, notOption: "[[ $PREFIX != -* ]]")
    }

    /// One `case` branch per command: its options, what each option's value completes to,
    /// and what its positional argument completes to.
    static func cases(_ commands: [CommandSpec], _ d: Dialect) -> String {
        var out = ""
        for command in commands {
            out += "        \(d.label(command.name)))\n"
            out += "            \(d.options(list(command.options.map(\.name) + ["--help"])))\n"
            out += "            case $prev in\n"
            for option in command.options {
                switch valueKind(option) {
                case .choices(let choices): out += "                \(option.name)) \(d.words(list(choices))); return ;;\n"
                case .folders: out += "                \(option.name)) \(d.folders); return ;;\n"
                case .files: out += "                \(option.name)) \(d.files); return ;;\n"
                case .none: if option.value != nil { out += "                \(option.name)) return ;;\n" }
                }
            }
            out += "            esac\n"
            if command.name == "completion" {
                out += "            if \(d.notOption); then \(d.words(list(shells))); return; fi\n"
            }
            if takesRequestName(command) {
                out += "            if \(d.notOption); then \(d.dynamic(requestNames)); return; fi\n"
            }
            out += "            ;;\n"
        }
        return out
    }

    static func fish(_ commands: [CommandSpec]) -> String {
        let (first, groups) = words(commands)
        var out = """
            # fish completion for accessctl, written by `accessctl completion fish`.
            # Save it as ~/.config/fish/completions/accessctl.fish, or load it with: accessctl completion fish | source
            complete -c accessctl -f
            complete -c accessctl -n __fish_use_subcommand -l help -d 'show help'
            complete -c accessctl -n __fish_use_subcommand -l version -d 'show the version'

            """
        for word in first {
            let summary = commands.first { $0.name == word }?.summary ?? "\(word) commands"
            out += "complete -c accessctl -n __fish_use_subcommand -a \(word) -d \(fishQuoted(summary))\n"
        }
        for (group, seconds) in groups {
            for second in seconds {
                let summary = commands.first { $0.name == group + " " + second }?.summary ?? ""
                out += "complete -c accessctl -n '__fish_seen_subcommand_from \(group); and not __fish_seen_subcommand_from \(list(seconds))' -a \(second) -d \(fishQuoted(summary))\n"
            }
        }
        for command in commands {
            let parts = command.name.split(separator: " ")
            let condition = parts.map { "__fish_seen_subcommand_from \($0)" }.joined(separator: "; and ")
            for option in command.options {
                var line = "complete -c accessctl -n '\(condition)' -l \(option.name.dropFirst(2))"
                switch valueKind(option) {
                case .choices(let choices): line += " -x -a \(fishQuoted(list(choices)))"
                case .folders: line += " -x -a '(__fish_complete_directories)'"
                case .files: line += " -r -F"
                case .none: if option.value != nil { line += " -x" }
                }
                out += line + " -d \(fishQuoted(option.help))\n"
            }
            if command.name == "completion" {
                out += "complete -c accessctl -n '\(condition)' -a \(fishQuoted(list(shells)))\n"
            } else if takesRequestName(command) {
                out += "complete -c accessctl -n '\(condition)' -a \(fishQuoted("(" + requestNames + ")"))\n"
            } else if command.arguments.contains(where: { $0.contains("FILE") || $0.contains("DIR") }) {
                out += "complete -c accessctl -n '\(condition)' -F\n"
            }
        }
        return out
    }

    /// A fish single-quoted string: backslashes and quotes escaped.
    private static func fishQuoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'") + "'"
    }
}
