#!/usr/bin/env bash
# The scale figures of docs/src/performance.md (Scale), through the
# command line: each step runs the release binary under /usr/bin/time -v
# and prints its wall time and maximum resident set.
#
#   scripts/scale-figures.sh            # everything (about 15 minutes on 2 cores)
#   scripts/scale-figures.sh --quick    # 2,000 trials only, at 1,000,000 units and at 100,000 reps
#
# Steps:
#   1. generate 1,000,000 units / 5,000 reps / 20 risks (with a Delaunay edge list);
#   2. validate it (target: at most 5 s and 2 GB);
#   3. simulate it with 2,000 and 10,000 trials: memory flat in trials (from
#      2,048 trials on, two chunks of 1,024 run at once on 2 cores; fewer
#      trials keep one core and one chunk's buffers idle, so they use less);
#   4. generate 200,000 units / 100,000 reps and simulate them (10,000 trials):
#      time, peak memory, and the sizes of summary.json, reps.csv and the terminal output.
#
# Needs /usr/bin/time (Debian/Ubuntu package `time`). Work files go to
# $QUOTAPLAN_SCALE_DIR (default: a temporary folder, removed at the end).
set -euo pipefail

quick=0
[[ "${1:-}" == "--quick" ]] && quick=1

root=$(cd "$(dirname "$0")/.." && pwd)
[[ -x /usr/bin/time ]] || { echo "error: /usr/bin/time is missing (apt-get install time)" >&2; exit 2; }
cargo build --release --quiet --manifest-path "$root/Cargo.toml"
bin="${CARGO_TARGET_DIR:-$root/target}/release/quotaplan"

work=${QUOTAPLAN_SCALE_DIR:-$(mktemp -d)}
mkdir -p "$work"
[[ -z "${QUOTAPLAN_SCALE_DIR:-}" ]] && trap 'rm -rf "$work"' EXIT
cd "$work"

# Runs "$@" under /usr/bin/time -v; prints LABEL, wall seconds and peak MB.
measure() {
    local label=$1
    shift
    /usr/bin/time -v -o time.txt "$@" >stdout.txt 2>stderr.txt || {
        echo "error: $label failed:" >&2
        tail -20 stderr.txt >&2
        exit 1
    }
    local wall rss
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i]; print s}' time.txt)
    rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2 / 1024}' time.txt)
    printf '%-52s %8.1f s %8s MB\n' "$label" "$wall" "$rss"
}

size() { stat -c %s "$1"; }

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "quotaplan $("$bin" --version | cut -d' ' -f2)"
printf '%-52s %10s %11s\n' "step" "wall" "peak"

"$bin" generate --units 1000000 --reps 5000 --risks 20 --seed 1 --out big.toml --quiet
measure "validate 1,000,000 units, 5,000 reps (with edges)" "$bin" validate big.toml
trials=(2000 10000)
((quick)) && trials=(2000)
for t in "${trials[@]}"; do
    measure "simulate 1,000,000 units, $t trials" \
        "$bin" simulate big.toml --trials "$t" --quiet --out out-big
done
rm -rf out-big big.toml big-units.csv big-edges.csv

"$bin" generate --units 200000 --reps 100000 --risks 20 --seed 1 --no-edges --out reps.toml --quiet
t=10000
((quick)) && t=2000
measure "simulate 100,000 reps (200,000 units), $t trials" \
    "$bin" simulate reps.toml --trials "$t" --out out-reps
printf '  summary.json %s bytes; reps.csv %s bytes; rep_quarters.csv %s bytes; terminal %s lines\n' \
    "$(size out-reps/summary.json)" "$(size out-reps/reps.csv)" \
    "$(size out-reps/rep_quarters.csv)" "$(wc -l <stdout.txt)"
