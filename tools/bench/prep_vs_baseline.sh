#!/usr/bin/env bash
# Issues 5 and 6 benchmark: dadeum dedup / prep beside ../shared/bench/baseline_prep.py (the
# pipeline a team would write in Python) on the same generated corpus, with near-dedup and
# without, plus dedup quality from score_dedup.py. Ratios are measured in the same run.
#   tools/bench/prep_vs_baseline.sh [RECORDS]        (default 100000)
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

# Each run is repeated (DADEUM_BENCH_RUNS times for dadeum, default 5; DADEUM_BASELINE_RUNS for
# the baseline, default 3) and the median is reported: on this shared VM single runs of the
# same binary vary by 15-20%.
runs_dadeum=${DADEUM_BENCH_RUNS:-5}
runs_baseline=${DADEUM_BASELINE_RUNS:-3}
timed() {  # label, command... -> "label seconds max_rss_kb" (medians)
  local label=$1
  shift
  local log=$work/time-$label.txt runs=$runs_dadeum
  [[ $label == baseline* ]] && runs=$runs_baseline
  : >"$log.all"
  for ((run = 0; run < runs; ++run)); do
    [[ $# -ge 2 && "${*: -2:1}" == -o ]] && rm -rf "${*: -1}"
    /usr/bin/time -f "%e %M" -o "$log" "$@" >/dev/null 2>"$work/stderr-$label.txt"
    cat "$log" >>"$log.all"
  done
  local middle=$(((runs + 1) / 2))
  echo "$label $(cut -d' ' -f1 "$log.all" | sort -g | sed -n "${middle}p") $(cut -d' ' -f2 "$log.all" | sort -g | sed -n "${middle}p")"
}

rm -rf "$work"/out-*
results=$(
  timed baseline_near /usr/bin/python3 $bench/baseline_prep.py "$corpus" "$work/out-baseline-near"
  timed baseline_nonear /usr/bin/python3 $bench/baseline_prep.py --no-near "$corpus" "$work/out-baseline-nonear"
  timed prep_near_2t $dadeum prep -q --threads 2 "$corpus" -o "$work/out-prep-near-2t"
  timed prep_near_1t $dadeum prep -q --threads 1 "$corpus" -o "$work/out-prep-near-1t"
  timed prep_nonear_2t $dadeum prep -q --threads 2 --no-near "$corpus" -o "$work/out-prep-nonear-2t"
  timed prep_nonear_1t $dadeum prep -q --threads 1 --no-near "$corpus" -o "$work/out-prep-nonear-1t"
  timed dedup_near_2t $dadeum dedup -q --threads 2 "$corpus" -o "$work/out-dedup.jsonl"
)
base_near=$(awk '$1=="baseline_near"{print $2}' <<<"$results")
base_nonear=$(awk '$1=="baseline_nonear"{print $2}' <<<"$results")
echo "corpus: $corpus ($records records, $(($(stat -L -c %s "$corpus") / 1000000)) MB)"
printf '%-16s %8s %10s %12s %10s\n' run seconds records/s "x baseline" "peak MB"
while read -r label seconds rss; do
  base=$base_near
  [[ $label == *nonear* ]] && base=$base_nonear
  printf '%-16s %8.2f %10.0f %12.1f %10.0f\n' "$label" "$seconds" "$(echo "$records / $seconds" | bc -l)" \
    "$(echo "$base / $seconds" | bc -l)" "$(echo "$rss / 1024" | bc -l)"
done <<<"$results"
echo "quality (score_dedup.py against the corpus truth):"
for out in out-baseline-near out-prep-near-2t; do
  kept=("$work/$out"/train.jsonl "$work/$out"/validation.jsonl)
  printf '%-20s %s\n' "$out" "$(/usr/bin/python3 $bench/score_dedup.py --truth "$corpus.truth.tsv" "${kept[@]}" | tail -1)"
done
