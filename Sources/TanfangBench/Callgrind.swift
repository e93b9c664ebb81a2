// Instruction counts: scripts/bench-callgrind runs `TanfangBench --only STEP` under
// `valgrind --tool=callgrind --collect-atstart=no --toggle-collect='*TanfangBench*tanfangB8Measured*'`
// (the mangled name of `tanfangBenchMeasured`), so that only the timed runs of that step are
// counted: not the process start, the ledger open or the warm-ups. Rename it only together
// with the script.

/// The step `--only` selected; set just before its timed runs.
nonisolated(unsafe) var measuredBody: (() throws -> Void)?

@inline(never)
func tanfangBenchMeasured() {
    do {
        try measuredBody?()
    } catch {
        fail("step failed: \(error)")
    }
}
