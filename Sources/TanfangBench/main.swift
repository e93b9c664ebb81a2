// TanfangBench: county-scale timings of the ledger and the roster screen (issue 6).
//
//   TanfangBench --elders N --months M [--runs R] [--db PATH] [--seed S] [--today D]
//                [--only STEP] [--results FILE]
//   TanfangBench --elders N --months M --db PATH --build-only
//   TanfangBench tui --bin PATH --db PATH --today D …      (TUIBench.swift: the real binary in a pty)
//   TanfangBench fresh-ledger --db PATH --places-from LEDGER (an empty ledger with another's places)
//   TanfangBench summary FILE                               (the final table of a run)
//
// Builds (or reuses) a demo ledger, then times each step with warm-up and R runs, printing
// median, p95 and max in milliseconds. Database questions are also answered by a hand-written
// statement in the `sqlite3` shell on the same file, and the ratio ours / sqlite3 is printed.
// Targets are judged in docs/PERFORMANCE.md, never asserted here or in tests.

import Foundation
import TanfangCore
import TanfangStore
import TanfangUI

// MARK: - Modes other than the in-process timings

let arguments = Array(CommandLine.arguments.dropFirst())
switch arguments.first {
case "tui":
    try TUIBench(TUIOptions.parse(Array(arguments.dropFirst()))).run()
    exit(0)
case "summary":
    guard arguments.count == 2 else { fail("usage: TanfangBench summary RESULTS.tsv") }
    try ResultsFile.summary(path: arguments[1])
    exit(0)
case "growth":
    // growth LABEL=FILE LABEL=FILE …
    let pairs = arguments.dropFirst().map { $0.split(separator: "=", maxSplits: 1).map(String.init) }
    guard pairs.count >= 2, pairs.allSatisfy({ $0.count == 2 }) else { fail("usage: TanfangBench growth SIZE=RESULTS.tsv …") }
    try ResultsFile.growth(labels: pairs.map { $0[0] }, paths: pairs.map { $0[1] })
    exit(0)
case "fresh-ledger":
    try freshLedger(Array(arguments.dropFirst()))
    exit(0)
default:
    break
}

// MARK: - Arguments

struct Options {
    var elders = 5_000
    var months = 12
    var runs = 20
    var warmup = 2
    var seed: UInt64 = 2026
    var db: String?
    /// The ledger's "today" (default: the workstation's date, as when the demo was built).
    var today: String?
    /// Run one step only (callgrind): its warm-ups, then its runs through `tanfangBenchMeasured`.
    var only: String?
    var results: String?
    /// Only build the ledger, so that a later run's peak RSS is not the generator's.
    var buildOnly = false
    /// Print the hand-written sqlite3 statements and stop.
    var printSQL = false

    static let steps = ["open", "page", "search", "filter", "sort", "elderFile", "elderFile60", "saveVisit",
                        "followUps", "followUpPage", "followUpSearch", "redFlags", "redFlagsScreen", "redFlagsSearch", "monthly", "screen", "render"]

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
            case "--today": o.today = value("--today")
            case "--only": o.only = value("--only")
            case "--results": o.results = value("--results")
            case "--build-only": o.buildOnly = true
            case "--print-sql": o.printSQL = true
            case "-h", "--help":
                print("""
                    usage: TanfangBench --elders N --months M [--runs R] [--warmup W] [--seed S] [--db PATH]
                                        [--today YYYY-MM-DD] [--only STEP] [--results FILE] [--build-only]
                                        [--print-sql]
                           TanfangBench tui --bin PATH --db PATH --today D [--size 80x24] [--runs R] …
                           TanfangBench fresh-ledger --db PATH --places-from LEDGER
                           TanfangBench summary RESULTS.tsv
                           TanfangBench growth SIZE=RESULTS.tsv SIZE=RESULTS.tsv …
                    steps for --only: \(steps.joined(separator: " "))
                    """)
                exit(0)
            default: fail("unknown argument \(args[i])")
            }
            i += 1
        }
        guard o.elders > 0, (1...120).contains(o.months), o.runs > 0, o.warmup >= 0 else {
            fail("--elders, --months (1...120) and --runs must be positive")
        }
        if let only = o.only, !steps.contains(only) { fail("--only: one of \(steps.joined(separator: " "))") }
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

struct Row {
    var step: String
    var name: String
    var ours: Stats
    var sqlite: Stats?
}

var table: [Row] = []

/// Runs `body` `warmup` times untimed, then `runs` times timed; with `--only`, runs only that
/// step, its timed runs through `tanfangBenchMeasured` so that callgrind can count just them.
@MainActor func measure(_ step: String, _ name: String, _ o: Options, sqlite sql: String? = nil, file: String? = nil,
                        _ body: @escaping () throws -> Void) throws {
    if let only = o.only {
        guard only == step else { return }
        for _ in 0..<o.warmup { try body() }
        measuredBody = body
        var samples: [Double] = []
        for _ in 0..<o.runs { samples.append(time { tanfangBenchMeasured() }) }
        table.append(Row(step: step, name: name, ours: Stats(samples: samples)))
        return
    }
    for _ in 0..<o.warmup { try body() }
    var samples: [Double] = []
    for _ in 0..<o.runs { samples.append(try time(body)) }
    var row = Row(step: step, name: name, ours: Stats(samples: samples))
    if let sql, let file {
        for _ in 0..<o.warmup { try runSQLite(file, sql) }
        var s: [Double] = []
        for _ in 0..<o.runs { s.append(try time { try runSQLite(file, sql) }) }
        row.sqlite = Stats(samples: s)
    }
    table.append(row)
    FileHandle.standardError.write(Data("  measured \(name)\n".utf8))
}

func skip(_ step: String, _ o: Options) -> Bool { o.only != nil && o.only != step }

/// `sqlite3 -readonly FILE SQL`, output to /dev/null (or returned when `capture`); wall clock
/// includes starting the shell. posix_spawn rather than Foundation's `Process`, whose
/// `waitUntilExit` polls and added ~50 ms.
@discardableResult
func runSQLite(_ file: String, _ sql: String, capture: Bool = false, readonly: Bool = true) throws -> String {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    var pipeFDs: [Int32] = [-1, -1]
    if capture {
        guard pipe(&pipeFDs) == 0 else { fail("pipe") }
        posix_spawn_file_actions_adddup2(&actions, pipeFDs[1], 1)
        posix_spawn_file_actions_addclose(&actions, pipeFDs[0])
    } else {
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
    }
    let args = ["sqlite3"] + (readonly ? ["-readonly"] : []) + [file, sql]
    var argv: [UnsafeMutablePointer<CChar>?] = args.map { strdup($0) } + [nil]
    defer { for a in argv { free(a) } }
    var pid: pid_t = 0
    let rc = posix_spawnp(&pid, "sqlite3", &actions, nil, &argv, environ)
    guard rc == 0 else { fail("cannot start sqlite3 (\(rc)); run scripts/setup") }
    var output = Data()
    if capture {
        close(pipeFDs[1])
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = read(pipeFDs[0], &buffer, buffer.count)
            if n > 0 { output.append(contentsOf: buffer[0..<n]) } else if n == 0 || errno != EINTR { break }
        }
        close(pipeFDs[0])
    }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
    guard status == 0 else { fail("sqlite3 failed (status \(status)) on: \(sql)") }
    return String(decoding: output, as: UTF8.self)
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

/// `fresh-ledger --db PATH --places-from LEDGER`: a new, empty ledger (this build's migrations)
/// holding the places and visitors of another ledger, as a county sets them up before importing
/// its roster, so that the import resolves villages and 结对责任人.
func freshLedger(_ args: [String]) throws {
    guard args.count == 4, args[0] == "--db", args[2] == "--places-from" else {
        fail("usage: TanfangBench fresh-ledger --db PATH --places-from LEDGER")
    }
    let (path, source) = (args[1], args[3])
    for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    let resources = try ResourceLocator.directory()
    do { _ = try Ledger(path: path, rules: try RuleBook.load(resources: resources)) }
    let quoted = source.replacingOccurrences(of: "'", with: "''")
    // Parents before children: the place tree references itself.
    try runSQLite(path, """
        ATTACH '\(quoted)' AS src;
        INSERT INTO place SELECT * FROM src.place ORDER BY CASE level WHEN 'county' THEN 0 WHEN 'township' THEN 1
          WHEN 'village' THEN 2 ELSE 3 END;
        INSERT INTO visitor SELECT * FROM src.visitor;
        """, readonly: false)
}

/// Builds the demo ledger at `path` (the `--build-only` step), streaming batch by batch.
func buildDemoLedger(_ o: Options, path: String, today: LocalDate, rules: RuleBook) throws {
    var counts = DemoCounts()
    let building = try time {
        let stream = DemoGenerator(seed: o.seed).stream(elders: o.elders, months: o.months, today: today)
        counts = try Ledger.buildDemo(path: path, rules: rules, stream: stream)
    }
    print(String(format: "demo: %d elders, %d visits, %d follow-ups; built in %.1f s; peak RSS so far %.0f MiB",
                 counts.elders, counts.visits, counts.followUps, building / 1000, peakRSSMiB() ?? -1))
}

// MARK: - Main

let o = Options.parse(arguments)
let resources = try ResourceLocator.directory()
let rules = try RuleBook.load(resources: resources)
let strings = try Strings.load(.zhHans, resources: resources)
let nowComponents = Calendar(identifier: .gregorian).dateComponents(in: TimeZone.current, from: Date())
let today: LocalDate
if let pinned = o.today {
    guard let d = LocalDate(pinned) else { fail("--today must be YYYY-MM-DD") }
    today = d
} else {
    today = LocalDate(year: nowComponents.year!, month: nowComponents.month!, day: nowComponents.day!)!
}
// A pinned day gets a pinned hour too, so that runs (and callgrind counts) repeat exactly.
let now = o.today != nil ? LocalDateTime(date: today, hour: 9, minute: 0)!
    : LocalDateTime(date: today, hour: nowComponents.hour ?? 9, minute: nowComponents.minute ?? 0)!
let reportMonth = today.yearMonth.adding(months: -1)

if o.printSQL {
    let q = SQLQuestions(today: today, now: now, month: reportMonth, rules: rules.redFlags)
    for (name, sql) in [("due list", q.dueList), ("follow-up queue", q.followUps), ("red flags", q.redFlags),
                        ("monthly report", q.monthlyReport)] {
        print("-- \(name)\n\(sql)\n")
    }
    exit(0)
}

let path = o.db ?? FileManager.default.currentDirectoryPath + "/.build/bench/ledger-\(o.elders)x\(o.months).sqlite"
try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                        withIntermediateDirectories: true)

print("TanfangBench: \(o.elders) elders × \(o.months) months, \(o.runs) runs after \(o.warmup) warm-up, today \(today)"
      + (o.only.map { ", only \($0)" } ?? ""))
print("ledger: \(path)")

if FileManager.default.fileExists(atPath: path) {
    if o.buildOnly { print("reusing the existing ledger (not rebuilt)") }
} else {
    try buildDemoLedger(o, path: path, today: today, rules: rules)
}
if o.buildOnly { exit(0) }
let size = ((try? FileManager.default.attributesOfItem(atPath: path)[.size]) as? Int) ?? 0
print(String(format: "file size: %.1f MiB", Double(size) / 1_048_576))

let ledger = try Ledger(path: path, rules: rules)
let base = RosterQuery(today: today)
let all = try ledger.roster(RosterQuery(status: nil, sort: .name, limit: Int.max, today: today)).rows
let activeIDs = all.filter { $0.elder.status == .active }.map(\.elder.id)
print("elders in ledger: \(all.count) (active \(activeIDs.count))")
var rng = SplitMix64(seed: o.seed)
let q = SQLQuestions(today: today, now: now, month: reportMonth, rules: rules.redFlags)

// Open + first roster page (the due list, sorted by next due date).
try measure("open", "open ledger + first roster page (due list)", o, sqlite: q.dueList, file: path) {
    let l = try Ledger(path: path, rules: rules)
    _ = try l.roster(base)
}
// What the roster screen asks on each keystroke: a page of listing rows with the due counts.
let screenQuery = RosterQuery(limit: RosterScreen.pageSize, today: today, detail: .listing, countsDueStates: true)
try measure("page", "first roster page as the screen asks (ledger open)", o) { _ = try ledger.roster(screenQuery) }
var searchSamples: [Double] = []
// Each run searches afresh: the roster index keeps its last match (and narrows it when the text is
// extended), so repeating one text would time the cached answer, not a keystroke. The texts alternate
// with their upper-case or next-digit twin, which match the same elders through a fresh scan.
for (text, twin) in [("w", "W"), ("wx", "WX"), ("wxy", "WXY"), ("1234", "1235")] {
    var query = screenQuery
    var run = 0
    try measure("search", "search \"\(text)\" (a fresh match each run)", o) {
        query.search = run % 2 == 0 ? text : twin
        run += 1
        _ = try ledger.roster(query)
    }
    if o.only == nil { searchSamples += table.last!.ours.samples }
}
var filtered = screenQuery
filtered.category = .disabled
try measure("filter", "filter: category disabled", o) { _ = try ledger.roster(filtered) }
var sorted = screenQuery
sorted.sort = .name
try measure("sort", "sort: by name", o) { _ = try ledger.roster(sorted) }
var fileVisits: [Int] = []
try measure("elderFile", "elderFile(id:) random elder", o) {
    let id = all.randomElement(using: &rng)!.elder.id
    fileVisits.append(try ledger.elderFile(id: id)?.visits.count ?? 0)
}
// The elder with the longest history (60 months of visits on a ×60 ledger).
var longest: (id: UUID, visits: Int)?
if !skip("elderFile60", o) {
    let line = try runSQLite(path, "SELECT elderId, count(*) FROM visit GROUP BY elderId ORDER BY 2 DESC LIMIT 1;",
                             capture: true)
    let parts = line.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "|")
    if parts.count == 2, let id = UUID(uuidString: String(parts[0])), let n = Int(parts[1]) { longest = (id, n) }
}
if let longest {
    try measure("elderFile60", "elderFile(id:) longest history (\(longest.visits) visits)", o) {
        _ = try ledger.elderFile(id: longest.id)
    }
}

// saveVisit on a copy, so the source ledger stays as generated.
let copy = path + ".savecopy"
if !skip("saveVisit", o) {
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
    try measure("saveVisit", "saveVisit (copy of ledger)", o) {
        var v = templates[saveIndex % templates.count]
        v.id = UUID()
        saveIndex += 1
        do { _ = try scratch.saveVisit(v, by: nil, today: today) } catch { saveFailures += 1 }
    }
    if saveFailures > 0 { print("saveVisit: \(saveFailures) of \(saveIndex) saves were refused (still timed)") }
}

var followUpCount = 0
try measure("followUps", "followUps(_:now:) open queue", o, sqlite: q.followUps, file: path) {
    followUpCount = try ledger.followUps(FollowUpQuery(), now: now).count
}
// What the follow-up screen asks: the first window with the queue's counts, and one search keystroke.
try measure("followUpPage", "followUpPage: first \(FollowUpsScreen.pageSize) rows + counts", o) {
    _ = try ledger.followUpPage(FollowUpQuery(limit: FollowUpsScreen.pageSize), now: now)
}
var searchIndex = 0
try measure("followUpSearch", "followUpPage with a search (王, w, wxy, 隐患)", o) {
    let text = ["王", "w", "wxy", "隐患"][searchIndex % 4]
    searchIndex += 1
    _ = try ledger.followUpPage(FollowUpQuery(search: text, limit: FollowUpsScreen.pageSize), now: now)
}
var flagCount = 0
try measure("redFlags", "redFlags(today:now:)", o, sqlite: q.redFlags, file: path) {
    flagCount = try ledger.redFlags(today: today, now: now).count
}
try measure("monthly", "monthlyReport(month: \(reportMonth))", o, sqlite: q.monthlyReport, file: path) {
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
        if case .request(.roster(let query)) = command {
            queue.append(contentsOf: screen.receive(.roster(try ledger.roster(query)), env: env))
        }
    }
    return screen
}
let area = Rect(x: 0, y: 0, width: 120, height: 40)
try measure("screen", "roster screen: start + query + render 120×40", o) {
    let screen = try driveRoster()
    var grid = Grid(width: 120, height: 40)
    _ = screen.render(into: &grid, area: area, env: env)
}
if !skip("render", o) {
    let ready = try driveRoster()
    try measure("render", "roster screen: render only 120×40", o) {
        var grid = Grid(width: 120, height: 40)
        _ = ready.render(into: &grid, area: area, env: env)
    }
}
// The red-flag screen as F4 opens it, past the request: the list with names, then the screen
// receiving it (grouping) and its first frame at 80×24.
try measure("redFlagsScreen", "red-flag screen: list + receive + render 80×24", o) {
    let list = try ledger.redFlagList(today: today, now: now)
    var screen = RedFlagsScreen()
    _ = screen.start(env: env)
    _ = screen.receive(.redFlags(list.flags, elderNames: list.elderNames), env: env)
    var grid = Grid(width: 80, height: 24)
    _ = screen.render(into: &grid, area: Rect(x: 0, y: 0, width: 80, height: 24), env: env)
}
// The red-flag screen's `/` search: the first key (which builds the texts searched) and a key after it.
if !skip("redFlagsSearch", o) {
    let list = try ledger.redFlagList(today: today, now: now)
    var fresh = RedFlagsScreen()
    _ = fresh.start(env: env)
    _ = fresh.receive(.redFlags(list.flags, elderNames: list.elderNames), env: env)
    _ = fresh.handle(.char("/"), env: env)
    try measure("redFlagsSearch", "red-flag screen: / first key (王)", o) {
        var screen = fresh
        _ = screen.handle(.char("王"), env: env)
    }
    var searched = fresh
    _ = searched.handle(.char("王"), env: env)
    _ = searched.handle(.backspace, env: env)
    try measure("redFlagsSearch", "red-flag screen: / a later key (w)", o) {
        var screen = searched
        _ = screen.handle(.char("w"), env: env)
    }
}

// MARK: - Report

var lines: [[String]] = [["what", "median", "p95", "max", "|", "sqlite3 med", "p95", "ratio"]]
for row in table {
    var line = [row.name, ms(row.ours.median), ms(row.ours.p95), ms(row.ours.max), "|"]
    if let s = row.sqlite {
        line += [ms(s.median), ms(s.p95), String(format: "%.2f", row.ours.median / s.median)]
    } else {
        line += ["", "", ""]
    }
    lines.append(line)
}
print("")
printTable(lines)
if o.only == nil {
    let b = Stats(samples: try (0..<o.runs).map { _ in try time { try runSQLite(path, "SELECT 1;") } })
    print("(ms; sqlite3 times include starting the shell: `sqlite3 FILE \"SELECT 1;\"` alone takes median \(ms(b.median)), p95 \(ms(b.p95)))")
    let fv = fileVisits.sorted()
    print("random elder files held \(fv.first ?? 0)–\(fv.last ?? 0) visits; red flags: \(flagCount); open follow-ups: \(followUpCount)")
}
print(String(format: "peak RSS of this process (VmHWM): %.1f MiB", peakRSSMiB() ?? -1))
for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: copy + suffix) }

// Rows for the final table of scripts/bench.
@MainActor func stats(_ step: String) -> Row? { table.first { $0.step == step } }
var results: [ResultRow] = []
@MainActor func result(_ key: String, _ what: String, _ step: String) {
    guard let r = stats(step) else { return }
    results.append(ResultRow(key: key, what: what, unit: "ms", stats: r.ours, sqlite: r.sqlite))
}
result("ledger.dueList", "ledger: open + due list (first roster page)", "open")
if !searchSamples.isEmpty {
    results.append(ResultRow(key: "ledger.search", what: "ledger: roster search (w, wx, wxy, 1234)",
                             unit: "ms", stats: Stats(samples: searchSamples)))
}
if let f = stats("filter"), let s = stats("sort") {
    results.append(ResultRow(key: "ledger.filterSort", what: "ledger: roster filter or sort", unit: "ms",
                             stats: Stats(samples: f.ours.samples + s.ours.samples)))
}
result("ledger.elderFile", "ledger: elder file, random elder", "elderFile")
result("ledger.elderFile60", "ledger: elder file, longest history (\(longest?.visits ?? 0) visits)", "elderFile60")
result("ledger.page", "ledger: first roster page (ledger open)", "page")
result("ledger.screen", "ledger: roster screen start + query + render", "screen")
result("ledger.saveVisit", "ledger: save a visit", "saveVisit")
result("ledger.followUps", "ledger: follow-up queue (open)", "followUps")
result("ledger.redFlags", "ledger: red-flag list", "redFlags")
result("ledger.redFlagsScreen", "ledger: red-flag screen (list, receive, render)", "redFlagsScreen")
result("ledger.monthly", "ledger: monthly report", "monthly")
results.append(ResultRow(key: "ledger.fileSize", what: "ledger file size", unit: "MiB",
                         stats: Stats(samples: [Double(size) / 1_048_576])))
if o.only == nil { ResultsFile.append(results, to: o.results) }
