#!/usr/bin/env bash
# Runs every fuzz target of fuzz/ on its kept corpus for a fixed number of inputs with a fixed
# seed (FUZZ_RUNS, FUZZ_SEED; two at a time), so the same commit fuzzes the same inputs and a
# CI result comes back when run again; FUZZ_SECONDS only caps a run that is far too slow.
# Any crash, hang (over 10 s for one input) or out-of-memory fails.
# Then the browser search script's folding is compared with Rust's over the grown corpora.
# cargo-fuzz is installed from crates.io when missing; it runs on the stable toolchain with
# RUSTC_BOOTSTRAP=1 and no sanitizer (safe Rust: the checks are the targets' assertions).
set -euo pipefail
cd "$(dirname "$0")/.."
SECS="${FUZZ_SECONDS:-120}"
RUNS="${FUZZ_RUNS:-100000}"
SEED="${FUZZ_SEED:-1}"
# 16 codegen units: the build takes a third of the time for slightly slower runs.
FLAGS=(-s none --codegen-units 16)
start=$(date +%s)

command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
export RUSTC_BOOTSTRAP=1
(cd fuzz && cargo fuzz build "${FLAGS[@]}")
built=$(date +%s)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
run_one() {
    local t=$1
    mkdir -p "$work/new/$t" "$work/crash/$t"
    # New inputs go to the first folder; the kept corpus (second) is only read.
    if (cd fuzz && cargo fuzz run $FUZZ_FLAGS "$t" "$work/new/$t" "corpus/$t" -- \
        -seed="$SEED" -runs="$RUNS" -max_total_time="$SECS" -timeout=10 -rss_limit_mb=2048 \
        -artifact_prefix="$work/crash/$t/" -print_final_stats=1) >"$work/$t.log" 2>&1; then
        local n
        n=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$work/$t.log" | grep -o '[0-9]*$')
        echo "fuzz $t: $n runs$([ "${n:-0}" -lt "$RUNS" ] && echo " (stopped by the ${SECS} s cap)"), $(grep -oE 'cov: [0-9]+ ft: [0-9]+' "$work/$t.log" | tail -1), no crash"
    else
        echo "fuzz $t FAILED:"
        tail -n 60 "$work/$t.log"
        for f in "$work/crash/$t"/*; do
            [ -f "$f" ] && echo "input $(basename "$f") (base64): $(base64 -w0 "$f" | head -c 4000)"
        done
        return 1
    fi
}
export -f run_one
export work SECS RUNS SEED FUZZ_FLAGS="${FLAGS[*]}"
(cd fuzz && cargo fuzz list) | xargs -P 2 -I{} bash -c 'run_one {}'

BANGTIN_FOLD_CORPUS="$work/new/search_words:$work/new/vi_keys" \
    cargo test -q -p search --test js_agrees_corpus
end=$(date +%s)
echo "fuzz: install and build $((built - start)) s, runs and checks $((end - built)) s"
# The instrumented build is only for this step; CI's disk is small.
[ "${CI:-}" = true ] && rm -rf fuzz/target
exit 0
