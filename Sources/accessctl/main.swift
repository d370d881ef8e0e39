import AccessCore
import Foundation

// The executable only hands the arguments to the library and prints what it returns.
let cli = AccessCLI(
    environment: ProcessInfo.processInfo.environment,
    currentDirectory: FileManager.default.currentDirectoryPath,
    isTerminal: isatty(STDOUT_FILENO) == 1)
let result = cli.run(Array(CommandLine.arguments.dropFirst()))
FileHandle.standardOutput.write(Data(result.standardOutput.utf8))
FileHandle.standardError.write(Data(result.standardError.utf8))
exit(result.exitCode)
