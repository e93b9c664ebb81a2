import ArgumentParser
import Foundation
import TanfangCore

struct UI: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ui",
        abstract: "Open the terminal workstation (the default when no subcommand is given)."
    )

    @OptionGroup var options: LedgerOptions

    func run() throws {
        let strings = try Strings.load(options.language, resources: ResourceLocator.directory())
        print(strings["cli.ui.notYet"])
    }
}
