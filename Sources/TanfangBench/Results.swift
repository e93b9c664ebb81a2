// Result rows shared by every TanfangBench mode, appended to one TSV file (`--results FILE`) so
// that `TanfangBench summary FILE` can print a single table for the whole run: what, median,
// p95, target, met/missed, ratio against a hand-written sqlite3 statement.

import Foundation

struct Stats {
    var samples: [Double]
    var sorted: [Double] { samples.sorted() }
    var median: Double {
        let s = sorted
        guard !s.isEmpty else { return 0 }
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }
    /// Nearest-rank p95.
    var p95: Double {
        let s = sorted
        guard !s.isEmpty else { return 0 }
        return s[Swift.max(0, Int((0.95 * Double(s.count)).rounded(.up)) - 1)]
    }
    var max: Double { samples.max() ?? 0 }
}

/// Which figure a target is judged on: the issue says "p95 ≤" for keystrokes, a plain "≤" for
/// single answers (judged on the median, p95 shown beside it), and bytes per keystroke on the max.
enum Judge: String { case median, p95, max }

struct Target {
    var limit: Double
    var judge: Judge
}

/// The issue's targets, by result key (docs/PERFORMANCE.md lists them).
enum Targets {
    static let all: [String: Target] = [
        "tui.start": Target(limit: 150, judge: .median),
        "tui.search": Target(limit: 10, judge: .p95),
        "tui.filterSort": Target(limit: 20, judge: .p95),
        "tui.elderFile": Target(limit: 10, judge: .p95),
        "tui.redFlags": Target(limit: 100, judge: .median),
        "tui.monthly": Target(limit: 200, judge: .median),
        "tui.formBytes": Target(limit: 300, judge: .max),
        "tui.rss": Target(limit: 150, judge: .max),
        "ledger.search": Target(limit: 10, judge: .p95),
        "ledger.filterSort": Target(limit: 20, judge: .p95),
        "ledger.elderFile": Target(limit: 10, judge: .p95),
        "ledger.elderFile60": Target(limit: 10, judge: .p95),
        "ledger.saveVisit": Target(limit: 5, judge: .p95),
        "ledger.redFlags": Target(limit: 100, judge: .median),
        "ledger.monthly": Target(limit: 200, judge: .median),
        "import.roster": Target(limit: 3000, judge: .median),
        "demo.build": Target(limit: 60_000, judge: .median),
    ]
    /// ours / sqlite3 for database questions.
    static let ratio = 1.5
}

struct ResultRow {
    var key: String
    var what: String
    var unit: String
    var stats: Stats
    var sqlite: Stats?

    var ratio: Double? { sqlite.map { stats.median / Swift.max($0.median, 0.001) } }

    /// One TSV line: key, what, unit, n, median, p95, max, sqlite median (or -).
    var line: String {
        let s = sqlite.map { String(format: "%.3f", $0.median) } ?? "-"
        return [key, what, unit, String(stats.samples.count), String(format: "%.3f", stats.median),
                String(format: "%.3f", stats.p95), String(format: "%.3f", stats.max), s].joined(separator: "\t")
    }

    static func parse(_ line: Substring) -> (key: String, what: String, unit: String, n: Int, median: Double,
                                              p95: Double, max: Double, sqlite: Double?)? {
        let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        guard f.count == 8, let n = Int(f[3]), let med = Double(f[4]), let p = Double(f[5]), let m = Double(f[6])
        else { return nil }
        return (f[0], f[1], f[2], n, med, p, m, Double(f[7]))
    }
}

enum ResultsFile {
    static func append(_ rows: [ResultRow], to path: String?) {
        guard let path, !rows.isEmpty else { return }
        let text = rows.map(\.line).joined(separator: "\n") + "\n"
        if let h = FileHandle(forWritingAtPath: path) {
            h.seekToEndOfFile()
            h.write(Data(text.utf8))
            h.closeFile()
        } else {
            _ = FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
        }
    }

    static func rows(_ path: String) throws -> [Parsed] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").compactMap(ResultRow.parse)
    }

    typealias Parsed = (key: String, what: String, unit: String, n: Int, median: Double, p95: Double, max: Double,
                        sqlite: Double?)

    static func format(_ v: Double, _ unit: String) -> String {
        switch unit {
        case "ms": v >= 1000 ? String(format: "%.2f s", v / 1000) : String(format: "%.2f ms", v)
        case "MiB": String(format: "%.1f MiB", v)
        case "B": String(format: "%.0f B", v)
        default: String(format: "%.2f %@", v, unit)
        }
    }

    /// The final table of one size: what, median, p95, target, met/missed, ours/sqlite3.
    static func summary(path: String) throws {
        var lines: [[String]] = [["what", "n", "median", "p95", "target", "verdict", "ours/sqlite3"]]
        for r in try rows(path) {
            let baseKey = r.key.split(separator: "#").first.map(String.init) ?? r.key
            var target = "", verdict = ""
            if let t = Targets.all[baseKey] {
                let v = t.judge == .median ? r.median : t.judge == .p95 ? r.p95 : r.max
                let judged = t.judge == .median ? "" : " (\(t.judge.rawValue))"
                target = "≤ " + format(t.limit, r.unit) + judged
                verdict = v <= t.limit ? "met" : "MISSED"
            }
            var ratio = ""
            if let s = r.sqlite {
                let q = r.median / Swift.max(s, 0.001)
                ratio = String(format: "%.2f (%@)", q, q <= Targets.ratio ? "met" : "MISSED")
            }
            lines.append([r.what, String(r.n), format(r.median, r.unit), format(r.p95, r.unit), target, verdict, ratio])
        }
        printTable(lines)
        print("(targets of issue 6 are set at 100,000 elders × 60 months; ours/sqlite3 compares medians, target ≤ \(Targets.ratio);"
              + " sqlite3 times include starting the shell)")
    }

    /// Growth: the median of each row at each size, and the factor from one size to the next.
    static func growth(labels: [String], paths: [String]) throws {
        let all = try paths.map(rows)
        var keys: [String] = []
        var what: [String: (String, String)] = [:]
        for file in all { for r in file where what[r.key] == nil { keys.append(r.key); what[r.key] = (r.what, r.unit) } }
        var header = ["what", labels.first ?? ""]
        for l in labels.dropFirst() { header += [l, "×"] }
        var lines = [header]
        for key in keys {
            let (name, unit) = what[key]!
            let medians = all.map { file in file.first { $0.key == key }?.median }
            var line = [name, medians[0].map { format($0, unit) } ?? "—"]
            for i in 1..<max(1, medians.count) {
                line.append(medians[i].map { format($0, unit) } ?? "—")
                if let a = medians[i - 1], let b = medians[i], a > 0 {
                    line.append(String(format: "×%.2f", b / a))
                } else {
                    line.append("")
                }
            }
            lines.append(line)
        }
        printTable(lines)
        print("(medians; × is the growth from the size to its left; each size doubles the elders: ×2.00 is linear)")
    }
}

/// Display width with CJK characters counted as two columns.
func displayWidth(_ s: String) -> Int {
    s.unicodeScalars.reduce(0) { acc, u in
        let v = u.value
        let wide = (0x1100...0x115F).contains(v) || (0x2E80...0xA4CF).contains(v) || (0xAC00...0xD7A3).contains(v)
            || (0xF900...0xFAFF).contains(v) || (0xFE30...0xFE4F).contains(v) || (0xFF00...0xFF60).contains(v)
        return acc + (wide ? 2 : 1)
    }
}

/// Prints rows as an aligned table: first column left-aligned, the others right-aligned.
func printTable(_ rows: [[String]]) {
    guard let first = rows.first else { return }
    var widths = Array(repeating: 0, count: first.count)
    for r in rows { for (i, c) in r.enumerated() where i < widths.count { widths[i] = max(widths[i], displayWidth(c)) } }
    for r in rows {
        let cells = r.enumerated().map { i, c -> String in
            let pad = String(repeating: " ", count: max(0, widths[i] - displayWidth(c)))
            return i == 0 ? c + pad : pad + c
        }
        print(cells.joined(separator: "  "))
    }
}
