import ArgumentParser
import Foundation
import TanfangCore

/// Options every ledger command shares.
struct LedgerOptions: ParsableArguments {
    @Option(name: .long, help: "Ledger file (default: $TANFANG_DB, else $XDG_DATA_HOME/tanfang/tanfang.sqlite).")
    var db: String?

    @Option(name: .long, help: "Language of messages: zh (default) or en.")
    var lang: String?

    var language: Language {
        Language.resolve(flag: lang, environment: ProcessInfo.processInfo.environment)
    }

    /// `--db`, else `TANFANG_DB`, else `$XDG_DATA_HOME/tanfang/tanfang.sqlite` (~/.local/share when unset).
    func databasePath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let db, !db.isEmpty { return db }
        if let env = environment["TANFANG_DB"], !env.isEmpty { return env }
        let base: String
        if let xdg = environment["XDG_DATA_HOME"], !xdg.isEmpty {
            base = xdg
        } else {
            base = (environment["HOME"] ?? NSHomeDirectory()) + "/.local/share"
        }
        return base + "/tanfang/tanfang.sqlite"
    }
}

/// The calendar "today" and "now" of the workstation, in its local time zone.
/// `TANFANG_TODAY=YYYY-MM-DD` pins the date (tests, demos, reproducible reports).
enum WallClock {
    static func now(environment: [String: String] = ProcessInfo.processInfo.environment) -> LocalDateTime {
        let t = currentTime()
        let (hour, minute) = (t.hour ?? 0, t.minute ?? 0)
        if let pinned = environment["TANFANG_TODAY"], let date = LocalDate(pinned) {
            return LocalDateTime(date: date, hour: hour, minute: minute)!
        }
        let date = LocalDate(year: t.year ?? 1970, month: t.month ?? 1, day: t.day ?? 1)!
        return LocalDateTime(date: date, hour: hour, minute: minute)!
    }

    static func today() -> LocalDate { now().date }

    private static func currentTime() -> DateComponents {
        Calendar(identifier: .gregorian).dateComponents(in: TimeZone.current, from: Date())
    }
}
