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
            Import.self, Export.self, Backup.self, Restore.self, Merge.self, PrintCommand.self,
        ],
        defaultSubcommand: UI.self
    )
}
