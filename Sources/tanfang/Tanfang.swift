import ArgumentParser
import Foundation
import TanfangCore
import TanfangStore

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
            Import.self, Export.self, Backup.self, Restore.self, Merge.self, Combine.self, PrintCommand.self, Setup.self, Period.self,
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
            StandardError.write(error.description + "\n")
            Foundation.exit(EXIT_FAILURE)
        } catch let error as LedgerError {
            // One a command did not put in words itself (a busy ledger, a full disk, a paused
            // login): the catalog's sentence, not the English description meant for logs.
            let s = try? Strings.load(ParserMessages.language(arguments), resources: ResourceLocator.directory())
            StandardError.write((s.map { $0.format(error.messageKey, error.args) } ?? error.description) + "\n")
            Foundation.exit(EXIT_FAILURE)
        } catch {
            // The parser's own messages are English: a Chinese user gets them in Chinese.
            let code = exitCode(for: error)
            if code != .success, let text = ParserMessages.localized(fullMessage(for: error), arguments: arguments) {
                StandardError.write(text + "\n")
                Foundation.exit(code.rawValue)
            }
            exit(withError: error)
        }
    }
}

/// argument-parser's messages (a missing or unknown option, a wrong value, a mistyped command)
/// in the user's language, line by line; nil when that language is English.
enum ParserMessages {
    /// The language the arguments (--lang) or the environment ask for.
    static func language(_ arguments: [String]) -> Language {
        var flag: String?
        if let i = arguments.firstIndex(of: "--lang"), i + 1 < arguments.count { flag = arguments[i + 1] }
        if let inline = arguments.first(where: { $0.hasPrefix("--lang=") }) { flag = String(inline.dropFirst(7)) }
        return Language.resolve(flag: flag, environment: ProcessInfo.processInfo.environment)
    }

    static func localized(_ message: String, arguments: [String]) -> String? {
        let language = language(arguments)
        guard language != .en, let s = try? Strings.load(language, resources: ResourceLocator.directory()) else { return nil }
        return message.split(separator: "\n", omittingEmptySubsequences: false).map { localize(String($0), s) }
            .joined(separator: "\n")
    }

    static func localize(_ line: String, _ s: Strings) -> String {
        func quoted(_ text: Substring) -> [String] {
            text.split(separator: "'", omittingEmptySubsequences: false).enumerated()
                .filter { $0.offset % 2 == 1 }.map { String($0.element) }
        }
        if line.hasPrefix("Error: ") {
            let m = line.dropFirst(7)
            let q = quoted(m)
            if m.hasPrefix("Missing expected argument"), let a = q.first { return s.format("cli.parse.missing", a) }
            if m.hasPrefix("Missing value for"), let a = q.first { return s.format("cli.parse.missingValue", a) }
            if m.hasPrefix("Unknown option"), let a = q.first {
                return q.count > 1 ? s.format("cli.parse.unknownOptionDidYouMean", a, q[1]) : s.format("cli.parse.unknownOption", a)
            }
            if m.hasPrefix("Unexpected argument"), let a = q.first { return s.format("cli.parse.unexpected", a) }
            if m.hasPrefix("The value"), q.count >= 2 {
                let choices = q.dropFirst(2).joined(separator: s["cli.parse.listSeparator"])
                return choices.isEmpty ? s.format("cli.parse.badValue", q[0], q[1])
                    : s.format("cli.parse.badValueChoices", q[0], q[1], choices)
            }
            return String(m)
        }
        if line.hasPrefix("Help:") { return s["cli.parse.help"] + line.dropFirst(5).drop { $0 == " " } }
        if line.hasPrefix("Usage:") { return s["cli.parse.usage"] + line.dropFirst(6).drop { $0 == " " } }
        if line.hasPrefix("  See '"), let command = quoted(line.dropFirst(2)).first {
            return "  " + s.format("cli.parse.see", command)
        }
        return line
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
