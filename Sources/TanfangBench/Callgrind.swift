// Instruction counts: scripts/bench-callgrind runs `TanfangBench --only STEP` under
// `valgrind --tool=callgrind --collect-atstart=no --toggle-collect=tanfang_bench_measured`, so
// that only the timed runs of that step are counted (not the process start, the ledger open or
// the warm-ups). The C name keeps the toggle independent of Swift's mangling.

/// The step `--only` selected; set just before its timed runs.
nonisolated(unsafe) var measuredBody: (() throws -> Void)?

@_cdecl("tanfang_bench_measured")
@inline(never)
func tanfangBenchMeasured() {
    do {
        try measuredBody?()
    } catch {
        fail("step failed: \(error)")
    }
}
