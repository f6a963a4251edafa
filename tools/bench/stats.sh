#!/usr/bin/env bash
# Issue 8 benchmark: `dadeum stats` (default options, and with --spm) against reading the same
# file (`dadeum validate`: read + parse + validate every record), at 1 and 2 threads. The
# machine is shared, so the figure compared is user CPU seconds, each stats run is taken right
# after its validate run, and each figure is the median of 3. Target: stats without tokens at
# most 2x the CPU of validate.
#   tools/bench/stats.sh [CORPUS.jsonl]      (or DADEUM_STATS_CORPUS=...)
# Without a corpus, ../shared/bench/gen_corpus.py generates 100,000 records (about 190 MB).
# The sentencepiece model for --spm is trained once beside the corpus (vocabulary 8000).
set -euo pipefail
cd "$(dirname "$0")/../.."
work=${DADEUM_BENCH_DIR:-/tmp/dadeum-bench}/stats
corpus=${1:-${DADEUM_STATS_CORPUS:-$work/corpus.jsonl}}
mkdir -p "$work"

./tools/setup.sh
cmake -S . -B build-bench -G Ninja -DCMAKE_BUILD_TYPE=Release -DDADEUM_BUILD_TESTS=OFF >/dev/null
cmake --build build-bench --parallel "$(nproc)" >/dev/null
dadeum=build-bench/tools/dadeum
[[ -f "$corpus" ]] || /usr/bin/python3 ../shared/bench/gen_corpus.py --records 100000 --out "$corpus" >/dev/null
model=$work/ko-8000
[[ -f "$model.model" ]] ||
  "$dadeum" tokenizer train "$corpus" -o "$model" --vocab-size 8000 --max-sentences 200000 -q >/dev/null
cat "$corpus" >/dev/null  # warm the page cache

user_seconds() {  # command... -> user CPU seconds (stdout and stderr dropped)
  /usr/bin/time -f "%U" -o "$work/time.txt" "$@" >/dev/null 2>&1
  cat "$work/time.txt"
}
median3() { printf '%s\n' "$@" | sort -g | sed -n 2p; }

echo "corpus: $corpus ($(($(stat -L -c %s "$corpus") / 1000000)) MB), user CPU s, median of 3"
printf '%-8s %9s %8s %7s %12s %7s\n' threads validate stats ratio "stats --spm" ratio
for threads in 1 2; do
  read_s=() stats_s=() spm_s=()
  for _ in 1 2 3; do  # each stats run beside its own validate run
    read_s+=("$(user_seconds "$dadeum" validate "$corpus" -q --threads "$threads")")
    stats_s+=("$(user_seconds "$dadeum" stats "$corpus" -q --threads "$threads")")
    spm_s+=("$(user_seconds "$dadeum" stats "$corpus" -q --threads "$threads" --spm "$model.model")")
  done
  v=$(median3 "${read_s[@]}")
  s=$(median3 "${stats_s[@]}")
  t=$(median3 "${spm_s[@]}")
  printf '%-8s %9.2f %8.2f %6.1fx %12.2f %6.1fx\n' "$threads" "$v" "$s" "$(echo "$s / $v" | bc -l)" \
    "$t" "$(echo "$t / $v" | bc -l)"
done
echo "target: stats (no --spm) <= 2.0x validate"
