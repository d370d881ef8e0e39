import AccessCore
import AccessFormats
import AccessLedger
import AccessModel
import Foundation

// accessctl for the crash tests only: the first argument names the write step at which the
// process kills itself with SIGKILL (or "none"); the rest is an ordinary command line.
var arguments = Array(CommandLine.arguments.dropFirst())
let step = arguments.isEmpty ? nil : Reconciler.WriteStep(rawValue: arguments.removeFirst())
let observer = step.map { target in
    Reconciler.WriteObserver(tearsAppend: target == .midAppend) { reached in
        if reached == target { Platform.killSelf() }
    }
}
let cli = AccessCLI(
    environment: ProcessInfo.processInfo.environment, currentDirectory: FileManager.default.currentDirectoryPath,
    // The crash test passes --now to every run, and each run happens then.
    clock: { [arguments] in arguments.firstIndex(of: "--now").flatMap { arguments.indices.contains($0 + 1) ? Timestamp(rfc3339: arguments[$0 + 1]) : nil } ?? Timestamp(seconds: 0) },
    writeObserver: observer)
let result = cli.run(arguments)
FileHandle.standardOutput.write(Data(result.standardOutput.utf8))
FileHandle.standardError.write(Data(result.standardError.utf8))
exit(result.exitCode)
