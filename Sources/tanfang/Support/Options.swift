import ArgumentParser
import Foundation
import TanfangCore
#if canImport(Glibc)
import Glibc
#endif

/// Options every ledger command shares.
struct LedgerOptions: ParsableArguments {
    @Option(name: .long, help: "Ledger file (default: $TANFANG_DB, else $XDG_DATA_HOME/tanfang/tanfang.sqlite).")
    var db: String?

    @Option(name: .long, help: "Language of messages: zh (default) or en.")
    var lang: String?

    var language: Language {
        Language.resolve(flag: lang, environment: ProcessInfo.processInfo.environment)
    }

    func validate() throws {
        // An unknown --lang is said in the environment's language (the one asked for is unknown).
        if let lang, Language(code: lang) == nil {
            let fallback = Language.resolve(flag: nil, environment: ProcessInfo.processInfo.environment)
            let strings = try? Strings.load(fallback, resources: ResourceLocator.directory())
            throw ValidationError(strings?.format("cli.error.lang", lang) ?? "--lang \(lang): zh | en")
        }
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

    /// `date` as local "YYYY-MM-DD HH:MM".
    static func minuteText(_ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970)
        var local = tm()
        guard localtime_r(&seconds, &local) != nil else { return "" }
        return String(format: "%04d-%02d-%02d %02d:%02d", Int(local.tm_year) + 1900, Int(local.tm_mon) + 1,
                      Int(local.tm_mday), Int(local.tm_hour), Int(local.tm_min))
    }

    /// The local date and time from the C library (TZ, else /etc/localtime, as TimeZone.current
    /// reads them): Foundation's Calendar and TimeZone loaded ICU's time-zone data at every start.
    static func currentTime() -> DateComponents {
        var seconds = time(nil)
        var local = tm()
        guard localtime_r(&seconds, &local) != nil else {
            return Calendar(identifier: .gregorian).dateComponents(in: TimeZone.current, from: Date())
        }
        return DateComponents(year: Int(local.tm_year) + 1900, month: Int(local.tm_mon) + 1, day: Int(local.tm_mday),
                              hour: Int(local.tm_hour), minute: Int(local.tm_min))
    }

    /// The same moment through Foundation, for the test that the two agree.
    static func foundationTime() -> DateComponents {
        Calendar(identifier: .gregorian).dateComponents(in: TimeZone.current, from: Date())
    }
}
