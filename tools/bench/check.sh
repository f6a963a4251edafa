#!/usr/bin/env bash
# Issue 7 benchmark: dadeum check of a train file against a validation file with all kinds on,
# beside reading the same two files (dadeum validate), median of 3: wall and user CPU seconds
# and peak RSS.
#   tools/bench/check.sh [CORPUS_RECORDS] [VALIDATION_RECORDS]     (default 1290000 100000)
# Train and validation are a `dadeum prep` split of one corpus from ../shared/bench/gen_corpus.py
# (prep removes duplicates and keeps every prompt group in one split, so the files do not
# overlap by accident; 1,290,000 generated records leave about 10^6 for train). Two corpora
# with different --seed values would share the generator's pool of real prompts: hundreds of
# thousands of prompt findings. Whatever the split, the generator reuses real sentences, so
# n-gram candidates remain. A 10^6-record corpus is about 1.9 GB.
set -euo pipefail
cd "$(dirname "$0")/../.."
corpus_records=${1:-1290000}
validation_records=${2:-100000}
work=${DADEUM_BENCH_DIR:-/tmp/dadeum-bench}/check-$corpus_records
mkdir -p "$work"
bench=../shared/bench

./tools/setup.sh
cmake -S . -B build-bench -G Ninja -DCMAKE_BUILD_TYPE=Release -DDADEUM_BUILD_TESTS=OFF >/dev/null
cmake --build build-bench --parallel "$(nproc)" >/dev/null
dadeum=build-bench/tools/dadeum
corpus=$work/corpus.jsonl
split=$work/prep-split
[[ -f "$corpus" ]] || /usr/bin/python3 $bench/gen_corpus.py --records "$corpus_records" --seed 70 --out "$corpus" >/dev/null
[[ -f "$split/validation.jsonl" ]] ||
  $dadeum prep -q --pii off "$corpus" --val-size "$validation_records" --seed 7 --force -o "$split"
train=$split/train.jsonl
validation=$split/validation.jsonl
cat "$train" "$validation" >/dev/null  # warm the page cache

timed() {  # label, command... -> "label wall user max_rss_kb"
  local label=$1
  shift
  local log=$work/time-$label.txt
  /usr/bin/time -f "%e %U %M" -o "$log" "$@" >"$work/stdout-$label.txt" 2>"$work/stderr-$label.txt" || true
  echo "$label $(cat "$log" | tail -1)"
}
median3() { printf '%s\n' "$@" | sort -g | sed -n 2p; }
measure() {  # label, command... -> "label wall user rss" (medians of 3)
  local label=$1
  shift
  local runs
  runs=$(for _ in 1 2 3; do timed "$label" "$@"; done)
  echo "$label $(median3 $(awk '{print $2}' <<<"$runs")) $(median3 $(awk '{print $3}' <<<"$runs")) \
$(median3 $(awk '{print $4}' <<<"$runs"))"
}

results=$(
  measure read $dadeum validate -q "$train" "$validation"
  measure check_exact_prompt_near $dadeum check -q --json --kinds exact,prompt,near --train "$train" --validation "$validation"
  measure check_all $dadeum check -q --json --train "$train" --validation "$validation"
)
read_wall=$(awk '$1=="read"{print $2}' <<<"$results")
read_user=$(awk '$1=="read"{print $3}' <<<"$results")
echo "train: $train ($(wc -l <"$train") records, $(($(stat -L -c %s "$train") / 1000000)) MB)"
echo "validation: $validation ($(wc -l <"$validation") records, $(($(stat -L -c %s "$validation") / 1000000)) MB)"
echo "median of 3, warm cache, $(nproc) cores, commit $(git rev-parse --short HEAD)"
printf '%-24s %8s %8s %8s %8s %9s\n' run wall "x read" user "x read" "peak MB"
while read -r label wall user rss; do
  printf '%-24s %8.2f %8.2f %8.2f %8.2f %9.0f\n' "$label" "$wall" "$(echo "$wall / $read_wall" | bc -l)" "$user" \
    "$(echo "$user / $read_user" | bc -l)" "$(echo "$rss / 1024" | bc -l)"
done <<<"$results"
echo "findings (check_all): $(head -c 300 "$work/stdout-check_all.txt")"
