import ArgumentParser
import Foundation
import TanfangCore

struct IDCheck: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "id-check",
        abstract: "Check resident ID numbers (GB 11643): birth date, gender, check character."
    )

    @Argument(help: "ID numbers to check (18 digits, or old 15-digit numbers).")
    var ids: [String]

    @Option(name: .long, help: "Language of messages: zh (default) or en.")
    var lang: String?

    @Flag(name: .long, help: "Print JSON.")
    var json = false

    struct Line: Encodable {
        let input: String
        let valid: Bool
        let normalized: String?
        let birthDate: String?
        let gender: String?
        let convertedFrom15: Bool?
        let reason: String?
    }

    func run() throws {
        let language = Language.resolve(flag: lang, environment: ProcessInfo.processInfo.environment)
        let strings = try Strings.load(language, resources: ResourceLocator.directory())
        let today = WallClock.today()
        var lines: [Line] = []
        for raw in ids {
            switch IDNumber.parse(raw, today: today) {
            case .success(let info):
                lines.append(Line(input: raw, valid: true, normalized: info.normalized,
                                  birthDate: info.birthDate.description, gender: info.gender.rawValue,
                                  convertedFrom15: info.convertedFrom15, reason: nil))
            case .failure(let error):
                lines.append(Line(input: raw, valid: false, normalized: nil, birthDate: nil, gender: nil,
                                  convertedFrom15: nil, reason: strings.format(error.messageKey, error.args)))
            }
        }
        if json {
            try JSONOutput.print(lines)
        } else {
            for l in lines {
                if l.valid {
                    var text = strings.format("cli.id.valid", l.normalized!, l.birthDate!,
                                              strings["gender.\(l.gender!)"])
                    if l.convertedFrom15 == true { text += " " + strings["cli.id.converted15"] }
                    print(text)
                } else {
                    print(strings.format("cli.id.invalid", l.input, l.reason!))
                }
            }
        }
        if lines.contains(where: { !$0.valid }) { throw ExitCode.failure }
    }
}
