import ArgumentParser
import Foundation

@main
struct Tanfang: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tanfang",
        abstract: "探访关爱服务台账 — visits and care for elderly people with special difficulties.",
        discussion: """
        With no subcommand, opens the terminal workstation on the ledger.
        The ledger is --db PATH, else $TANFANG_DB, else $XDG_DATA_HOME/tanfang/tanfang.sqlite.
        """,
        subcommands: [
            UI.self, Demo.self, IDCheck.self, Due.self, RedFlags.self, Report.self, Visits.self,
            Import.self, Export.self, Backup.self, Restore.self, Merge.self, PrintCommand.self, Setup.self,
        ],
        defaultSubcommand: UI.self
    )

    /// The workstation is the default command, started many times a day: when the arguments are
    /// only its own options, it is parsed alone, without building every subcommand's argument
    /// tree (~9 ms of each start). Anything else (a subcommand, help, an error to report) goes
    /// through the full parser as before.
    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        do {
            if UI.parsesDirectly(arguments), let command = try? UI.parse(arguments) {
                try command.run()
                return
            }
            var command = try parseAsRoot(arguments)
            try command.run()
        } catch let error as CLIError {
            // Already a sentence in the user's language: printed as it is, without the parser's
            // English "Error: " in front.
            FileHandle.standardError.write(Data((error.description + "\n").utf8))
            Foundation.exit(EXIT_FAILURE)
        } catch {
            exit(withError: error)
        }
    }
}

extension UI {
    /// Whether `arguments` can only mean the workstation: no subcommand name and no request for
    /// help or the version (those read the whole command tree).
    static func parsesDirectly(_ arguments: [String]) -> Bool {
        guard let first = arguments.first else { return true }
        return first.hasPrefix("--")
            && !arguments.contains { ["-h", "--help", "--version", "--experimental-dump-help"].contains($0) }
    }
}
