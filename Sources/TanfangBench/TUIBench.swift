// `TanfangBench tui`: the release `tanfang` binary in a pseudo-terminal, driven as a user drives
// it (see PTY.swift for how the end of a frame is known).
//
//   TanfangBench tui --bin PATH --db LEDGER --today YYYY-MM-DD [--size 80x24] [--runs 10]
//                    [--slow-runs 5] [--starts 5] [--results FILE] [--trace]
//                    [--only start,search,filterSort,elderFile,screens,followUpSearch,form] [--app-trace FILE]
//
// --only runs just those parts (each measured as in the whole run); the first start of the day
// (the daily backup) always runs first, so that no part is timed beside the backup.
//
// The ledger file is used as given (the caller passes a copy: the app writes summaries, drafts,
// a visit and a daily backup next to it).

import Foundation
#if canImport(Glibc)
import Glibc
#endif

struct TUIOptions {
    var bin = ""
    var db = ""
    var today = ""
    var columns = 80
    var rows = 24
    var runs = 10
    var slowRuns = 5
    var warmup = 2
    var starts = 5
    var results: String?
    var trace = false
    /// A later day: one last start with TANFANG_TODAY set to it times the start-of-day refresh.
    var nextDay: String?
    /// TANFANG_TRACE for the app: its per-frame phase timings go to this file.
    var appTrace: String?
    /// The parts to run (nil: all).
    var only: Set<String>?
    static let parts: Set<String> = ["start", "search", "filterSort", "elderFile", "screens", "followUpSearch", "form"]

    func runs(_ part: String) -> Bool { only?.contains(part) ?? true }

    static func parse(_ args: [String]) -> TUIOptions {
        var o = TUIOptions()
        var i = 0
        func value() -> String {
            i += 1
            guard i < args.count else { fail("\(args[i - 1]) needs a value") }
            return args[i]
        }
        while i < args.count {
            switch args[i] {
            case "--bin": o.bin = value()
            case "--db": o.db = value()
            case "--today": o.today = value()
            case "--size":
                let parts = value().split(separator: "x").compactMap { Int($0) }
                guard parts.count == 2 else { fail("--size is COLUMNSxROWS") }
                (o.columns, o.rows) = (parts[0], parts[1])
            case "--runs": o.runs = Int(value()) ?? 0
            case "--slow-runs": o.slowRuns = Int(value()) ?? 0
            case "--warmup": o.warmup = Int(value()) ?? 0
            case "--starts": o.starts = Int(value()) ?? 0
            case "--results": o.results = value()
            case "--trace": o.trace = true
            case "--next-day": o.nextDay = value()
            case "--app-trace": o.appTrace = value()
            case "--only":
                let parts = Set(value().split(separator: ",").map(String.init))
                guard parts.isSubset(of: TUIOptions.parts) else {
                    fail("--only takes a comma list of \(TUIOptions.parts.sorted().joined(separator: ","))")
                }
                o.only = parts
            default: fail("tui: unknown argument \(args[i])")
            }
            i += 1
        }
        guard !o.bin.isEmpty, !o.db.isEmpty, o.runs > 0, o.slowRuns > 0, o.starts > 0 else {
            fail("tui needs --bin, --db and positive --runs/--slow-runs/--starts")
        }
        return o
    }
}

/// Samples of one measured interaction.
struct Interaction {
    var key: String
    var what: String
    var ms: [Double] = []
    var bytes: [Double] = []
}

final class TUIBench {
    let o: TUIOptions
    var order: [String] = []
    var found: [String: Interaction] = [:]
    var notes: [String] = []
    var size: String { "\(o.columns)×\(o.rows)" }

    init(_ o: TUIOptions) { self.o = o }

    var environment: [String: String] { environment(today: o.today) }

    func environment(today: String) -> [String: String] {
        var env = [
            "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "TERM": "xterm-256color",
            "TANFANG_DB": o.db, "TANFANG_BACKUPS": "1",
            "HOME": ProcessInfo.processInfo.environment["HOME"] ?? "/tmp",
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
        ]
        if !today.isEmpty { env["TANFANG_TODAY"] = today }
        if let path = o.appTrace { env["TANFANG_TRACE"] = path }
        return env
    }

    func launch(today: String? = nil, timeoutMs: Double = 120_000) throws -> (PTYSession, KeyResult) {
        let t0 = PTYSession.nowMs()
        let s = try PTYSession(binary: o.bin, arguments: ["--db", o.db], environment: environment(today: today ?? o.today),
                               columns: o.columns, rows: o.rows)
        s.timeoutMs = timeoutMs
        let first = try s.awaitFrame(since: t0, label: "start → login frame")
        trace("start", first)
        return (s, first)
    }

    func trace(_ label: String, _ r: KeyResult) {
        guard o.trace else { return }
        let visible = r.text.unicodeScalars.map { $0.value == 27 ? "⎋" : $0.value < 32 ? "·" : String($0) }.joined()
        FileHandle.standardError.write(Data("[\(label)] \(String(format: "%.2f", r.ms)) ms, \(r.bytes) B: \(visible.prefix(600))\n".utf8))
    }

    /// Presses a key; records it under `key` unless `record` is false (warm-up, navigation).
    @discardableResult
    func press(_ s: PTYSession, _ bytes: [UInt8], _ key: String?, _ what: String = "", record: Bool = true,
               expect: String? = nil) throws -> KeyResult {
        let r = try s.press(bytes, label: key ?? what)
        trace(key ?? what, r)
        if let expect, !r.text.contains(expect) {
            notes.append("\(key ?? what): the frame did not contain \"\(expect)\" (\(r.bytes) B)")
        }
        if let key, record {
            if found[key] == nil { order.append(key); found[key] = Interaction(key: key, what: what) }
            found[key]!.ms.append(r.ms)
            found[key]!.bytes.append(Double(r.bytes))
        }
        return r
    }

    func add(_ key: String, _ what: String, ms: Double, bytes: Int) {
        if found[key] == nil { order.append(key); found[key] = Interaction(key: key, what: what) }
        found[key]!.ms.append(ms)
        found[key]!.bytes.append(Double(bytes))
    }

    /// Types a user name and PIN; returns the frame after the PIN's Enter (the first roster frame).
    func logIn(_ s: PTYSession, user: String, pin: String) throws -> KeyResult {
        try press(s, Keys.text(user), nil, "type user name")
        try press(s, Keys.enter, nil, "choose user")
        for d in pin { try press(s, Keys.text(String(d)), nil, "PIN digit") }
        return try press(s, Keys.enter, nil, "PIN Enter → roster")
    }

    func run() throws {
        print("tui: \(o.bin) on \(o.db) at \(size), TANFANG_TODAY=\(o.today.isEmpty ? "(unset)" : o.today), "
              + "\(o.runs) runs (\(o.slowRuns) for whole-ledger screens) after \(o.warmup) warm-up, \(o.starts) starts")

        // 1. The first start: the day's backup (and a summary refresh if the ledger's summaries are
        //    older than today) happen here, once a day; reported apart, not in the start figure.
        do {
            let (s, first) = try launch()
            let roster = try logIn(s, user: "李红梅", pin: "1111")
            print(String(format: "first start of the day (daily backup, summary refresh if due): start → login frame %.1f ms, PIN → roster %.1f ms",
                         first.ms, roster.ms))
            // The app finishes the day's backup before it exits (a user sees a message): wait for
            // it, or every later start would begin the backup again and be timed beside it.
            _ = s.quit(Keys.ctrl("q"), graceMs: 900_000)
        }

        // 2. Timed starts: process start → login frame, plus PIN Enter → first roster frame.
        var rss: [Double] = []
        for _ in 0..<(o.runs("start") ? o.starts : 0) {
            let (s, first) = try launch()
            let roster = try logIn(s, user: "李红梅", pin: "1111")
            add("tui.start.login", "start → login frame", ms: first.ms, bytes: first.bytes)
            add("tui.start.roster", "PIN Enter → first roster frame", ms: roster.ms, bytes: roster.bytes)
            add("tui.start", "start → first roster frame (sum of the two)", ms: first.ms + roster.ms,
                bytes: first.bytes + roster.bytes)
            _ = s.quit(Keys.ctrl("q"))
        }

        // 3. The supervisor (sees the whole county) through every screen.
        let (s, _) = try launch()
        _ = try logIn(s, user: "李红梅", pin: "1111")
        let total = o.warmup + o.runs
        let slowTotal = o.warmup + o.slowRuns
        for i in 0..<(o.runs("search") ? total : 0) {
            let rec = i >= o.warmup
            for (n, ch) in ["w", "x", "y"].enumerated() {
                let r = try press(s, Keys.text(ch), "tui.search", "roster search keystroke (name, initials, ID tail)",
                                  record: rec)
                if rec { add("tui.search.\(n)", "  search \"\(String("wxy".prefix(n + 1)))\"", ms: r.ms, bytes: r.bytes) }
            }
            try press(s, Keys.escape, "tui.search.clear", "Esc clears the search (reload)", record: rec)
            for ch in ["1", "2", "3", "4"] {
                let r = try press(s, Keys.text(ch), "tui.search", "roster search keystroke (name, initials, ID tail)",
                                  record: rec)
                if rec { add("tui.search.id", "  search \"1\"…\"1234\" (ID tail)", ms: r.ms, bytes: r.bytes) }
            }
            try press(s, Keys.escape, nil, "clear")
        }
        if o.runs("filterSort") {
            // The roster opens on its search line; s and f are the list's keys.
            try press(s, Keys.tab, nil, "Tab from the search line into the list")
            for i in 0..<total {
                try press(s, Keys.text("s"), "tui.filterSort", "roster filter or sort change (all below)", record: i >= o.warmup)
            }
            try press(s, Keys.text("f"), nil, "open filter bar")
            try press(s, Keys.tab, nil, "filter: category")
            for i in 0..<total {
                try press(s, Keys.down, "tui.filterSort", "roster filter or sort change (all below)", record: i >= o.warmup)
            }
            try press(s, Keys.text("0"), nil, "filter: all")
            try press(s, Keys.enter, nil, "close filter bar")
        }
        for i in 0..<(o.runs("elderFile") ? total : 0) {
            let rec = i >= o.warmup
            try press(s, Keys.enter, "tui.elderFile", "open an elder file", record: rec)
            try press(s, Keys.escape, "tui.elderFile.back", "Esc back to the roster", record: rec)
            // Back on the roster the focus is on the search line: Tab into the list, then ↓ moves.
            try press(s, Keys.tab, nil, "Tab into the list")
            try press(s, Keys.down, "tui.roster.move", "↓ in the roster", record: rec)
        }
        for i in 0..<(o.runs("screens") ? slowTotal : 0) {
            let rec = i >= o.warmup
            try press(s, Keys.f(4), "tui.redFlags", "F4 red-flag screen", record: rec)
            try press(s, Keys.f(2), "tui.roster.back", "F2 back to the roster", record: rec)
        }
        for i in 0..<(o.runs("screens") ? slowTotal : 0) {
            let rec = i >= o.warmup
            try press(s, Keys.f(5), "tui.monthly", "F5 monthly screen", record: rec)
            try press(s, Keys.f(2), "tui.roster.back", "F2 back to the roster", record: rec)
        }
        for i in 0..<(o.runs("screens") ? slowTotal : 0) {
            let rec = i >= o.warmup
            try press(s, Keys.f(3), "tui.followUps", "F3 follow-up queue", record: rec)
            try press(s, Keys.f(2), "tui.roster.back", "F2 back to the roster", record: rec)
        }
        if o.runs("followUpSearch") {
            // F3, then `/` and keys typed into the search line; Esc clears it (the first window again).
            try press(s, Keys.f(3), nil, "F3 follow-up queue")
            for i in 0..<total {
                let rec = i >= o.warmup
                for typed in [["w", "x", "y"], ["王"], ["隐", "患"]] {
                    try press(s, Keys.text("/"), nil, "/ opens the search line")
                    for (n, ch) in typed.enumerated() {
                        let r = try press(s, Keys.text(ch), "tui.fuSearch", "follow-up / search keystroke (below)", record: rec)
                        let text = typed.prefix(n + 1).joined()
                        if rec { add("tui.fuSearch.\(text)", "  search \"\(text)\"", ms: r.ms, bytes: r.bytes) }
                    }
                    try press(s, Keys.escape, "tui.fuSearch.clear", "Esc clears the follow-up search (first window)", record: rec)
                }
            }
            try press(s, Keys.f(2), nil, "F2 back to the roster")
        }
        if let m = s.peakRSSMiB() { rss.append(m) }
        let unsolicited = s.unsolicitedBytes
        _ = s.quit(Keys.ctrl("q"))

        // 4. A clerk types a visit sheet: bytes written per keystroke while moving through the form.
        if o.runs("form") { try clerk(&rss) }
        if let m = rss.max() { add("tui.rss", "peak RSS of tanfang (VmHWM, supervisor and clerk sessions)", ms: m, bytes: 0) }

        report(unsolicited: unsolicited)

        // 5. The first start on a new day refreshes every elder's derived summary before the login
        //    frame (one write transaction over the whole ledger): timed apart, with a long limit.
        if let day = o.nextDay {
            let t0 = PTYSession.nowMs()
            var what = "tui: first start of a new day (summary refresh), to login frame [\(size)]"
            var ms: Double
            do {
                let (n, first) = try launch(today: day, timeoutMs: 1_800_000)
                ms = first.ms
                _ = n.quit(Keys.ctrl("q"))
            } catch {
                ms = PTYSession.nowMs() - t0
                what += " — FAILED: \(error)"
            }
            print(String(format: "%@: %.1f ms", what, ms))
            ResultsFile.append([ResultRow(key: "tui.newDay#\(size)", what: what, unit: "ms", stats: Stats(samples: [ms]))],
                               to: o.results)
        }
    }

    /// Part 4: the clerk's session, timing the visit sheet's keys and the save.
    func clerk(_ rss: inout [Double]) throws {
        let (c, _) = try launch()
        _ = try logIn(c, user: "王丽娟", pin: "2222")
        try press(c, Keys.enter, nil, "open the first elder", expect: nil)
        try press(c, Keys.text("n"), nil, "new visit")
        try fillVisit(c)
        var save = try press(c, Keys.ctrl("s"), "tui.saveVisit", "Ctrl-S save a visit (frame with its follow-ups)")
        if save.text.contains("仍要保存") {
            // The elder already has a visit today: the sheet asks first; Y is the save then.
            save = try press(c, Keys.text("y"), "tui.saveVisit", "Ctrl-S save a visit (frame with its follow-ups)")
        }
        if !save.text.contains("已保存") { notes.append("Ctrl-S: the frame did not say 已保存 (saved); the sheet may have been refused") }
        if let m = c.peakRSSMiB() { rss.append(m) }
        _ = c.quit(Keys.ctrl("q"))
    }

    /// The paper sheet of scripts/e2e, with Tab and ↓ for some of the Enters (all three move on).
    func fillVisit(_ c: PTYSession) throws {
        enum Step { case key([UInt8], String), text(String) }
        let k = { (b: [UInt8], name: String) in Step.key(b, name) }
        let digits = { (s: String) in s.map { Step.key(Keys.text(String($0)), "digit") } }
        var steps: [Step] = [k(Keys.tab, "Tab"), k(Keys.down, "↓"), k(Keys.enter, "Enter"), k(Keys.tab, "Tab")]
        steps += digits("1") + [k(Keys.enter, "Enter")] + digits("3") + [k(Keys.tab, "Tab")] + digits("1")
            + [k(Keys.down, "↓")] + digits("2") + [k(Keys.enter, "Enter")] + digits("2") + [k(Keys.enter, "Enter")]
            + [.text("血压偏高，已提醒按时服药"), k(Keys.enter, "Enter")]
        steps += digits("1") + [k(Keys.enter, "Enter")] + digits("1") + [k(Keys.tab, "Tab")] + digits("1")
            + [k(Keys.enter, "Enter"), k(Keys.enter, "Enter")]
        steps += digits("1") + [k(Keys.enter, "Enter")] + digits("1") + [k(Keys.down, "↓")] + digits("123")
            + [k(Keys.enter, "Enter"), k(Keys.enter, "Enter")]
        steps += digits("135") + [k(Keys.enter, "Enter")] + digits("1") + [k(Keys.enter, "Enter")] + digits("3")
            + [k(Keys.enter, "Enter"), .text("电线老化"), k(Keys.enter, "Enter")] + digits("34") + [k(Keys.enter, "Enter")]
        steps += digits("2") + [k(Keys.enter, "Enter")] + digits("2") + [k(Keys.tab, "Tab")] + digits("2")
            + [k(Keys.enter, "Enter"), k(Keys.enter, "Enter")]
        steps += digits("15") + [k(Keys.enter, "Enter"), .text("已联系电工"), k(Keys.enter, "Enter")] + digits("1223")
            + [k(Keys.enter, "Enter")]
        steps += [k(Keys.backTab, "Shift-Tab"), k(Keys.up, "↑"), k(Keys.pageDown, "PgDn")]
        for step in steps {
            switch step {
            case .key(let bytes, let name):
                let key = name == "digit" ? "tui.form.code" : "tui.form.move"
                let what = name == "digit" ? "  visit form: a code digit" : "  visit form: Tab/↓/Enter/↑ between fields"
                try press(c, bytes, key, what)
            case .text(let t):
                for ch in t { try press(c, Keys.text(String(ch)), "tui.form.text", "  visit form: a Chinese character") }
            }
        }
        // All keys of the sheet together: the target's figure.
        for part in ["tui.form.code", "tui.form.move", "tui.form.text"] {
            guard let p = found[part] else { continue }
            for (m, b) in zip(p.ms, p.bytes) { add("tui.form", "visit form: every keystroke (below)", ms: m, bytes: Int(b)) }
        }
    }

    func report(unsolicited: Int) {
        print("")
        var lines: [[String]] = [["what (\(size))", "n", "median ms", "p95 ms", "max ms", "median B", "max B"]]
        for key in order {
            let i = found[key]!
            let t = Stats(samples: i.ms), b = Stats(samples: i.bytes)
            if key == "tui.rss" {
                lines.append([i.what, "1", "", "", String(format: "%.1f MiB", t.max), "", ""])
                continue
            }
            lines.append([i.what, String(t.samples.count), String(format: "%.2f", t.median), String(format: "%.2f", t.p95),
                          String(format: "%.2f", t.max), String(format: "%.0f", b.median), String(format: "%.0f", b.max)])
        }
        printTable(lines)
        print("(ms: key written → last byte of its frame read; B: bytes the app wrote for that key."
              + " \(unsolicited) B arrived between keys (clock ticks) and are in no row.)")
        for n in notes { print("note: \(n)") }

        var rows: [ResultRow] = []
        func row(_ key: String, _ what: String, bytes: Bool = false) {
            guard let i = found[key] else { return }
            if bytes {
                rows.append(ResultRow(key: "tui.formBytes#\(size)", what: "\(what) [\(size)]", unit: "B",
                                      stats: Stats(samples: i.bytes)))
            } else {
                rows.append(ResultRow(key: "\(key)#\(size)", what: "\(what) [\(size)]", unit: key == "tui.rss" ? "MiB" : "ms",
                                      stats: Stats(samples: i.ms)))
            }
        }
        row("tui.start", "tui: start → first roster frame")
        row("tui.search", "tui: roster search keystroke")
        row("tui.filterSort", "tui: roster filter or sort change")
        row("tui.elderFile", "tui: open an elder file")
        row("tui.redFlags", "tui: red-flag screen")
        row("tui.monthly", "tui: monthly screen")
        row("tui.followUps", "tui: follow-up queue screen")
        row("tui.fuSearch", "tui: follow-up / search keystroke")
        row("tui.saveVisit", "tui: Ctrl-S save a visit")
        row("tui.form", "tui: visit form keystroke latency")
        row("tui.form", "tui: bytes per visit-form keystroke", bytes: true)
        row("tui.rss", "tui: peak RSS of tanfang")
        ResultsFile.append(rows, to: o.results)
    }
}
