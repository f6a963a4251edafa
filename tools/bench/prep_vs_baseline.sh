#!/usr/bin/env bash
# Issues 5 and 6 benchmark: dadeum dedup / prep beside ../shared/bench/baseline_prep.py (the
# pipeline a team would write in Python) on the same generated corpus, with near-dedup and
# without, plus dedup quality from score_dedup.py. Ratios are measured in the same run.
#   tools/bench/prep_vs_baseline.sh [RECORDS]        (default 100000)
#
# This VM's speed drifts by 20-30% over minutes, for the baseline as much as for dadeum. So
# the runs are interleaved in rounds (DADEUM_BASELINE_RUNS rounds, default 3): each round runs
# the baseline once, then every dadeum variant DADEUM_BENCH_RUNS times (default 2), near-dedup
# then without. A round's ratio compares the baseline with the dadeum runs taken right after
# it (their median); the table gives the median of the rounds' ratios, beside the medians of
# all seconds, and every run is listed under it.
set -euo pipefail
cd "$(dirname "$0")/../.."
records=${1:-100000}
work=${DADEUM_BENCH_DIR:-/tmp/dadeum-bench}/prep-$records
mkdir -p "$work"
bench=../shared/bench

./tools/setup.sh
cmake -S . -B build-bench -G Ninja -DCMAKE_BUILD_TYPE=Release -DDADEUM_BUILD_BENCHMARKS=ON -DDADEUM_BUILD_TESTS=OFF >/dev/null
cmake --build build-bench --parallel "$(nproc)" >/dev/null
dadeum=build-bench/tools/dadeum
corpus=$work/corpus.jsonl
[[ -f "$corpus" ]] || /usr/bin/python3 $bench/gen_corpus.py --records "$records" --out "$corpus" >/dev/null
cat "$corpus" >/dev/null

rounds=${DADEUM_BASELINE_RUNS:-3}
runs_dadeum=${DADEUM_BENCH_RUNS:-2}
log=$work/runs.tsv  # round, label, seconds, max RSS KB
: >"$log"
timed() {  # round, label, command... (the last two arguments "-o DIR" are cleared first)
  local round=$1 label=$2
  shift 2
  [[ $# -ge 2 && "${*: -2:1}" == -o ]] && rm -rf "${*: -1}"
  /usr/bin/time -f "%e %M" -o "$work/time.txt" "$@" >/dev/null 2>"$work/stderr-$label.txt"
  echo "$round $label $(cat "$work/time.txt")" >>"$log"
}

for ((round = 1; round <= rounds; ++round)); do
  timed "$round" baseline_near /usr/bin/python3 $bench/baseline_prep.py "$corpus" "$work/out-baseline-near"
  for ((run = 0; run < runs_dadeum; ++run)); do
    timed "$round" prep_near_2t $dadeum prep -q --threads 2 "$corpus" -o "$work/out-prep-near-2t"
    timed "$round" prep_near_1t $dadeum prep -q --threads 1 "$corpus" -o "$work/out-prep-near-1t"
    timed "$round" dedup_near_2t $dadeum dedup -q --threads 2 "$corpus" -o "$work/out-dedup.jsonl"
  done
  timed "$round" baseline_nonear /usr/bin/python3 $bench/baseline_prep.py --no-near "$corpus" "$work/out-baseline-nonear"
  for ((run = 0; run < runs_dadeum; ++run)); do
    timed "$round" prep_nonear_2t $dadeum prep -q --threads 2 --no-near "$corpus" -o "$work/out-prep-nonear-2t"
    timed "$round" prep_nonear_1t $dadeum prep -q --threads 1 --no-near "$corpus" -o "$work/out-prep-nonear-1t"
  done
done

# median of the numbers on stdin
median() { sort -g | awk '{v[NR] = $1} END {print NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
seconds_of() { awk -v l="$1" -v r="${2:-}" '$2 == l && (r == "" || $1 == r) {print $3}' "$log"; }
ratio_median() {  # numerator label, denominator label -> median over rounds of (median num / median den)
  for ((round = 1; round <= rounds; ++round)); do
    echo "$(seconds_of "$1" "$round" | median) / $(seconds_of "$2" "$round" | median)" | bc -l
  done | median
}

echo "corpus: $corpus ($records records, $(($(stat -L -c %s "$corpus") / 1000000)) MB); $rounds rounds"
printf '%-16s %9s %10s %12s %10s\n' run "seconds" records/s "x baseline" "peak MB"
for label in baseline_near baseline_nonear prep_near_2t prep_near_1t prep_nonear_2t prep_nonear_1t dedup_near_2t; do
  seconds=$(seconds_of "$label" | median)
  rss=$(awk -v l="$label" '$2 == l {print $4}' "$log" | median)
  base=baseline_near
  [[ $label == *nonear* ]] && base=baseline_nonear
  printf '%-16s %9.2f %10.0f %12.1f %10.0f\n' "$label" "$seconds" "$(echo "$records / $seconds" | bc -l)" \
    "$(ratio_median "$base" "$label")" "$(echo "$rss / 1024" | bc -l)"
done
printf '1 -> 2 threads: near %.2fx, --no-near %.2fx (median over rounds)\n' \
  "$(ratio_median prep_near_1t prep_near_2t)" "$(ratio_median prep_nonear_1t prep_nonear_2t)"
echo "every run (round, label, seconds, peak KB):"
sort -k2,2 -s "$log" | awk '{printf "  %s %-16s %7s %9s\n", $1, $2, $3, $4}'
echo "quality (score_dedup.py against the corpus truth):"
for out in out-baseline-near out-prep-near-2t; do
  kept=("$work/$out"/train.jsonl "$work/$out"/validation.jsonl)
  printf '%-20s %s\n' "$out" "$(/usr/bin/python3 $bench/score_dedup.py --truth "$corpus.truth.tsv" "${kept[@]}" | tail -1)"
done
