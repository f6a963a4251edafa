#!/usr/bin/env bash
# Issue 2 benchmark: read + validate + write (dadeum convert to the same schema) beside `cp`
# of the same file (which copies inside the kernel), `cat FILE > OUT` (the least any program
# that reads and write()s its output can do) and a bare simdjson parse loop, at 1 and 2
# threads, median of 3 runs.
#   tools/bench/read_write.sh [CORPUS.jsonl] [MB]
# The corpus is generated with ../shared/bench/gen_corpus.py when missing (default 1100 MB).
set -euo pipefail
cd "$(dirname "$0")/../.."
corpus=${1:-/tmp/dadeum-bench/corpus-1g.jsonl}
mb=${2:-1100}
work=$(dirname "$corpus")/work
mkdir -p "$(dirname "$corpus")" "$work"

./tools/setup.sh
cmake -S . -B build-bench -G Ninja -DCMAKE_BUILD_TYPE=Release -DDADEUM_BUILD_BENCHMARKS=ON -DDADEUM_BUILD_TESTS=OFF >/dev/null
cmake --build build-bench --parallel "$(nproc)" >/dev/null
[[ -f "$corpus" ]] || /usr/bin/python3 ../shared/bench/gen_corpus.py --mb "$mb" --out "$corpus" >/dev/null

seconds() {  # runs "$@" and prints wall seconds
  local start end
  start=$(date +%s.%N)
  "$@" >/dev/null 2>&1
  end=$(date +%s.%N)
  echo "$end - $start" | bc -l
}
median3() { printf '%s\n' "$@" | sort -g | sed -n 2p; }
measure() {  # name, command...
  local name=$1
  shift
  local a b c
  a=$(seconds "$@"); rm -f "$work"/out*
  b=$(seconds "$@"); rm -f "$work"/out*
  c=$(seconds "$@"); rm -f "$work"/out*
  printf '%s %s\n' "$name" "$(median3 "$a" "$b" "$c")"
}

cat "$corpus" >/dev/null  # warm the page cache
size=$(stat -c %s "$corpus")
results=$(
  measure cp cp "$corpus" "$work/out-copy.jsonl"
  measure cat_to_file sh -c "cat '$corpus' > '$work/out-cat.jsonl'"
  measure parse_1t build-bench/tests/bench/parse_loop "$corpus" 1
  measure parse_2t build-bench/tests/bench/parse_loop "$corpus" 2
  measure dadeum_1t build-bench/tools/dadeum convert "$corpus" -q --threads 1 -o "$work/out.jsonl"
  measure dadeum_2t build-bench/tools/dadeum convert "$corpus" -q --threads 2 -o "$work/out.jsonl"
  measure validate_2t build-bench/tools/dadeum validate "$corpus" -q --threads 2
)
cp_s=$(awk '$1=="cp"{print $2}' <<<"$results")
echo "corpus: $corpus ($((size / 1000000)) MB), median of 3, warm cache"
printf '%-10s %8s %9s %8s\n' run seconds MB/s "x cp"
while read -r name s; do
  printf '%-10s %8.2f %9.0f %8.2f\n' "$name" "$s" "$(echo "$size / $s / 1000000" | bc -l)" "$(echo "$s / $cp_s" | bc -l)"
done <<<"$results"
