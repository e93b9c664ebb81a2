// TanfangBench: county-scale timings of the ledger and the roster screen (issue 6).
//
//   TanfangBench --elders N --months M [--runs R] [--db PATH] [--seed S]
//
// Builds (or reuses) a demo ledger, then times each step with warm-up and R runs, printing
// median, p95 and max in milliseconds. Database questions are also answered by a hand-written
// statement in the `sqlite3` shell on the same file, and the ratio ours / sqlite3 is printed.
// Targets are judged in docs/PERFORMANCE.md, never asserted here or in tests.

import Foundation
import TanfangCore
import TanfangStore
import TanfangUI

// MARK: - Arguments

struct Options {
    var elders = 5_000
    var months = 12
    var runs = 20
    var warmup = 2
    var seed: UInt64 = 2026
    var db: String?
    /// Only build the ledger, so that a later run's peak RSS is not the generator's.
    var buildOnly = false

    static func parse(_ args: [String]) -> Options {
        var o = Options()
        var i = 0
        func value(_ name: String) -> String {
            i += 1
            guard i < args.count else { fail("\(name) needs a value") }
            return args[i]
        }
        while i < args.count {
            switch args[i] {
            case "--elders": o.elders = Int(value("--elders")) ?? 0
            case "--months": o.months = Int(value("--months")) ?? 0
            case "--runs": o.runs = Int(value("--runs")) ?? 0
            case "--warmup": o.warmup = Int(value("--warmup")) ?? -1
            case "--seed": o.seed = UInt64(value("--seed")) ?? 2026
            case "--db": o.db = value("--db")
            case "--build-only": o.buildOnly = true
            case "-h", "--help":
                print("usage: TanfangBench --elders N --months M [--runs R] [--warmup W] [--seed S] [--db PATH] [--build-only]")
                exit(0)
            default: fail("unknown argument \(args[i])")
            }
            i += 1
        }
        guard o.elders > 0, (1...120).contains(o.months), o.runs > 0, o.warmup >= 0 else {
            fail("--elders, --months (1...120) and --runs must be positive")
        }
        return o
    }
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("TanfangBench: \(message)\n".utf8))
    exit(2)
}

// MARK: - Timing

/// Milliseconds taken by `body`.
func time(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1_000_000
}

struct Stats {
    var samples: [Double]
    var sorted: [Double] { samples.sorted() }
    var median: Double {
        let s = sorted
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }
    /// Nearest-rank p95.
    var p95: Double {
        let s = sorted
        return s[Swift.max(0, Int((0.95 * Double(s.count)).rounded(.up)) - 1)]
    }
    var max: Double { samples.max() ?? 0 }
}

struct Row {
    var name: String
    var ours: Stats
    var sqlite: Stats?
}

var table: [Row] = []

/// Runs `body` `warmup` times untimed, then `runs` times timed.
@MainActor func measure(_ name: String, _ o: Options, sqlite sql: String? = nil, file: String? = nil,
             _ body: () throws -> Void) throws {
    for _ in 0..<o.warmup { try body() }
    var samples: [Double] = []
    for _ in 0..<o.runs { samples.append(try time(body)) }
    var row = Row(name: name, ours: Stats(samples: samples))
    if let sql, let file {
        for _ in 0..<o.warmup { try runSQLite(file, sql) }
        var s: [Double] = []
        for _ in 0..<o.runs { s.append(try time { try runSQLite(file, sql) }) }
        row.sqlite = Stats(samples: s)
    }
    table.append(row)
    FileHandle.standardError.write(Data("  measured \(name)\n".utf8))
}

/// `sqlite3 -readonly FILE SQL` with output to /dev/null; wall clock includes starting the shell.
/// posix_spawn rather than Foundation's `Process`, whose `waitUntilExit` polls and added ~50 ms.
func runSQLite(_ file: String, _ sql: String) throws {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
    let args = ["sqlite3", "-readonly", file, sql]
    var argv: [UnsafeMutablePointer<CChar>?] = args.map { strdup($0) } + [nil]
    defer { for a in argv { free(a) } }
    var pid: pid_t = 0
    let rc = posix_spawnp(&pid, "sqlite3", &actions, nil, &argv, environ)
    guard rc == 0 else { fail("cannot start sqlite3 (\(rc)); run scripts/setup") }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
    guard status == 0 else { fail("sqlite3 failed (status \(status)) on: \(sql)") }
}

func peakRSSMiB() -> Double? {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
    for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
        let kb = line.split(separator: " ").compactMap { Double($0) }.first
        return kb.map { $0 / 1024 }
    }
    return nil
}

func ms(_ v: Double) -> String { String(format: "%.2f", v) }

// MARK: - Main

let o = Options.parse(Array(CommandLine.arguments.dropFirst()))
let resources = try ResourceLocator.directory()
let rules = try RuleBook.load(resources: resources)
let strings = try Strings.load(.zhHans, resources: resources)
let nowComponents = Calendar(identifier: .gregorian).dateComponents(in: TimeZone.current, from: Date())
let today = LocalDate(year: nowComponents.year!, month: nowComponents.month!, day: nowComponents.day!)!
let now = LocalDateTime(date: today, hour: nowComponents.hour ?? 9, minute: nowComponents.minute ?? 0)!
let reportMonth = today.yearMonth.adding(months: -1)

let path = o.db ?? FileManager.default.currentDirectoryPath + "/.build/bench/ledger-\(o.elders)x\(o.months).sqlite"
try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                        withIntermediateDirectories: true)

print("TanfangBench: \(o.elders) elders × \(o.months) months, \(o.runs) runs after \(o.warmup) warm-up, today \(today)")
print("ledger: \(path)")

if FileManager.default.fileExists(atPath: path) {
    print("reusing the existing ledger (import not timed)")
} else {
    var counts = DemoCounts()
    let building = try time {
        let stream = DemoGenerator(seed: o.seed).stream(elders: o.elders, months: o.months, today: today)
        counts = try Ledger.buildDemo(path: path, rules: rules, stream: stream)
    }
    print(String(format: "demo: %d elders, %d visits, %d follow-ups; built in %.1f s; peak RSS so far %.0f MiB",
                 counts.elders, counts.visits, counts.followUps, building / 1000, peakRSSMiB() ?? -1))
}
if o.buildOnly { exit(0) }
let size = ((try? FileManager.default.attributesOfItem(atPath: path)[.size]) as? Int) ?? 0
print(String(format: "file size: %.1f MiB", Double(size) / 1_048_576))

let ledger = try Ledger(path: path, rules: rules)
let base = RosterQuery(today: today)
let all = try ledger.roster(RosterQuery(status: nil, sort: .name, limit: Int.max, today: today)).rows
let activeIDs = all.filter { $0.elder.status == .active }.map(\.elder.id)
print("elders in ledger: \(all.count) (active \(activeIDs.count))")
var rng = SystemRandomNumberGenerator()

// Open + first roster page (the due list, sorted by next due date).
let dueSQL = """
    SELECT count(*) FROM elder e WHERE e.status = 'active';
    SELECT e.*, p.name FROM elder e JOIN place p ON p.id = e.villageId WHERE e.status = 'active'
    ORDER BY e.dueDate IS NULL, e.dueDate, e.pinyinFull, e.name, e.id LIMIT 200;
    """
try measure("open ledger + first roster page", o, sqlite: dueSQL, file: path) {
    let l = try Ledger(path: path, rules: rules)
    _ = try l.roster(base)
}
try measure("first roster page (ledger open)", o) { _ = try ledger.roster(base) }
for text in ["w", "wx", "wxy", "1234"] {
    var q = base
    q.search = text
    try measure("search \"\(text)\"", o) { _ = try ledger.roster(q) }
}
var filtered = base
filtered.category = .disabled
try measure("filter: category disabled", o) { _ = try ledger.roster(filtered) }
var sorted = base
sorted.sort = .name
try measure("sort: by name", o) { _ = try ledger.roster(sorted) }
var fileVisits: [Int] = []
try measure("elderFile(id:) random elder", o) {
    let id = all.randomElement(using: &rng)!.elder.id
    fileVisits.append(try ledger.elderFile(id: id)?.visits.count ?? 0)
}

// saveVisit on a copy, so the source ledger stays as generated.
let copy = path + ".savecopy"
for suffix in ["", "-wal", "-shm"] {
    try? FileManager.default.removeItem(atPath: copy + suffix)
    if FileManager.default.fileExists(atPath: path + suffix) {
        try FileManager.default.copyItem(atPath: path + suffix, toPath: copy + suffix)
    }
}
let scratch = try Ledger(path: copy, rules: rules)
// Templates: the latest visit of active elders whose copy validates today.
var templates: [Visit] = []
for id in activeIDs.shuffled(using: &rng) where templates.count < o.runs + o.warmup {
    guard let v = try scratch.elderFile(id: id)?.visits.first else { continue }
    var copyVisit = v
    copyVisit.id = UUID()
    copyVisit.at = LocalDateTime(date: today, hour: 10, minute: 0)!
    templates.append(copyVisit)
}
if templates.isEmpty { fail("no active elder has a visit to copy; use a larger --elders") }
var saveIndex = 0
var saveFailures = 0
try measure("saveVisit (copy of ledger)", o) {
    var v = templates[saveIndex % templates.count]
    v.id = UUID()
    saveIndex += 1
    do { _ = try scratch.saveVisit(v, by: nil, today: today) } catch { saveFailures += 1 }
}
if saveFailures > 0 { print("saveVisit: \(saveFailures) of \(saveIndex) saves were refused (still timed)") }

let month = (first: reportMonth.firstDay.description, last: reportMonth.lastDay.description,
             next: reportMonth.adding(months: 1).firstDay.description)
let redFlagSQL = """
    SELECT * FROM elder;
    SELECT * FROM followUp WHERE status IN ('open', 'inProgress');
    SELECT elderId, date, method FROM visit WHERE date >= '\(month.first)' AND date <= '\(month.last)';
    SELECT e.villageId, count(*), count(v.elderId) FROM elder e
    LEFT JOIN (SELECT DISTINCT elderId FROM visit WHERE date >= '\(month.first)' AND date <= '\(month.last)') v
      ON v.elderId = e.id WHERE e.status = 'active' GROUP BY e.villageId;
    """
var flagCount = 0
try measure("redFlags(today:now:)", o, sqlite: redFlagSQL, file: path) {
    flagCount = try ledger.redFlags(today: today, now: now).count
}
let reportSQL = """
    SELECT e.villageId, count(*), count(v.elderId) FROM elder e
    LEFT JOIN (SELECT elderId, count(*) AS n, max(method = 'home') AS home FROM visit
               WHERE date >= '\(month.first)' AND date <= '\(month.last)' GROUP BY elderId) v
      ON v.elderId = e.id WHERE e.status = 'active' GROUP BY e.villageId;
    SELECT type, count(*) FROM followUp WHERE openedAt >= '\(month.first)' AND openedAt < '\(month.next)' GROUP BY type;
    SELECT type, count(*) FROM followUp WHERE closingAt >= '\(month.first)' AND closingAt < '\(month.next)' GROUP BY type;
    SELECT count(*) FROM followUp WHERE status IN ('open', 'inProgress');
    """
try measure("monthlyReport(month: \(reportMonth))", o, sqlite: reportSQL, file: path) {
    _ = try ledger.monthlyReport(month: reportMonth)
}

// The roster screen: start, answer its requests from the ledger, render at 120×40.
let env = AppEnvironment(strings: strings, form: rules.form, today: today, now: now,
                         places: try ledger.places(), visitors: try ledger.visitors())
func driveRoster() throws -> RosterScreen {
    var screen = RosterScreen()
    var queue = screen.start(env: env)
    while !queue.isEmpty {
        let command = queue.removeFirst()
        if case .request(.roster(let q)) = command {
            queue.append(contentsOf: screen.receive(.roster(try ledger.roster(q)), env: env))
        }
    }
    return screen
}
let area = Rect(x: 0, y: 0, width: 120, height: 40)
try measure("roster screen: start + query + render 120×40", o) {
    let screen = try driveRoster()
    var grid = Grid(width: 120, height: 40)
    _ = screen.render(into: &grid, area: area, env: env)
}
let ready = try driveRoster()
try measure("roster screen: render only 120×40", o) {
    var grid = Grid(width: 120, height: 40)
    _ = ready.render(into: &grid, area: area, env: env)
}

// MARK: - Report

let baseline = try (0..<o.runs).map { _ in try time { try runSQLite(path, "SELECT 1;") } }
let nameWidth = table.map(\.name.count).max() ?? 10
func pad(_ s: String, _ w: Int) -> String { s + String(repeating: " ", count: max(0, w - s.count)) }
func lpad(_ s: String, _ w: Int) -> String { String(repeating: " ", count: max(0, w - s.count)) + s }
print("")
print(pad("what", nameWidth), lpad("median", 9), lpad("p95", 9), lpad("max", 9), " |",
      lpad("sqlite3 med", 11), lpad("p95", 9), lpad("ratio", 7))
for row in table {
    var line = [pad(row.name, nameWidth), lpad(ms(row.ours.median), 9), lpad(ms(row.ours.p95), 9),
                lpad(ms(row.ours.max), 9), " |"]
    if let s = row.sqlite {
        line += [lpad(ms(s.median), 11), lpad(ms(s.p95), 9), lpad(String(format: "%.2f", row.ours.median / s.median), 7)]
    }
    print(line.joined(separator: " "))
}
let b = Stats(samples: baseline)
print("(ms; sqlite3 times include starting the shell: `sqlite3 FILE \"SELECT 1;\"` alone takes median \(ms(b.median)), p95 \(ms(b.p95)))")
let fv = fileVisits.sorted()
print("elder files opened held \(fv.first ?? 0)–\(fv.last ?? 0) visits; red flags: \(flagCount)")
print(String(format: "peak RSS (VmHWM): %.1f MiB", peakRSSMiB() ?? -1))
for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: copy + suffix) }
