#!/usr/bin/env bash
# How `dadeum prep` scales with the record count: a benchmark, not a test (issue 9).
#   tools/bench/prep_scale.sh [RECORDS]     RECORDS defaults to 10000000 (10^7: ~19 GB of input)
# 1. generates RECORDS records with ../shared/bench/gen_corpus.py, in shards of 10^6 records with
#    seeds 20261122, 20261123, ... (one process holds its shard's originals in memory), unless the
#    corpus is already there (its .meta.json must say RECORDS records);
# 2. runs `dadeum prep -q --threads 2` on it with near-duplicate detection (the default) and with
#    --no-near, under /usr/bin/time -f "%e %M", and the same on its first 1,000 records (the
#    fixed memory: libraries, batches in flight);
# 3. prints records, seconds, peak RSS and bytes per record = (peak RSS - tiny peak RSS) /
#    records, beside the figure of docs/limits.md.
# Environment:
#   DADEUM_BENCH_DIR     where the corpus and outputs go (default /tmp/dadeum-bench); needs about
#                        2.2x the corpus size free (the corpus, then one prep output at a time)
#   DADEUM_BENCH_CORPUS  use this corpus file instead (e.g. one generated earlier elsewhere)
#   DADEUM_BIN           the dadeum binary (default build/tools/dadeum; built with tools/dev.sh
#                        build when missing)
#   DADEUM_BENCH_KEEP=1  keep the prep outputs (default: removed after each run; the corpus is kept)
#   DADEUM_BENCH_GEN_JOBS shards generated at a time (default 1; each needs about 3 GB)
# Generation runs at about 4-8 MB/s per job: ~5 min for 10^6 records, ~45-75 min for 10^7.
set -euo pipefail
cd "$(dirname "$0")/../.."

records=${1:-10000000}
if ! [[ $records =~ ^[0-9]+$ ]] || (( records < 2000 )); then
  echo "usage: tools/bench/prep_scale.sh [RECORDS >= 2000]" >&2
  exit 2
fi
dir=${DADEUM_BENCH_DIR:-/tmp/dadeum-bench}
bin=${DADEUM_BIN:-build/tools/dadeum}
gen=../shared/bench/gen_corpus.py
python=/usr/bin/python3
threads=2
tiny_records=1000
bytes_per_record=1900   # gen_corpus.py averages 1.88 KB per record

[[ -x $bin ]] || ./tools/dev.sh build >&2
[[ -f $gen ]] || { echo "prep_scale: $gen not found (../shared must sit beside the checkout)" >&2; exit 2; }
mkdir -p "$dir"
bin=$(realpath "$bin")

# The figure to compare with: "about N B/record" in docs/limits.md.
expected=$(grep -o -m1 -E 'about [0-9,]+ B/record' docs/limits.md | tr -dc '0-9' || true)

free_bytes() { df -B1 --output=avail "$dir" | tail -1 | tr -d ' '; }

corpus=${DADEUM_BENCH_CORPUS:-$dir/corpus-$records.jsonl}
corpus_records() { sed -n 's/^ *"records": *\([0-9]*\).*/\1/p' "$1.meta.json" 2>/dev/null || true; }
if [[ ! -f $corpus || "$(corpus_records "$corpus")" != "$records" ]]; then
  if [[ -n ${DADEUM_BENCH_CORPUS:-} ]]; then
    echo "prep_scale: $corpus has no $corpus.meta.json saying $records records" >&2
    exit 2
  fi
  need=$(( records * bytes_per_record * 22 / 10 ))
  if (( $(free_bytes) < need )); then
    echo "prep_scale: $dir has $(( $(free_bytes) >> 30 )) GiB free, about $(( need >> 30 )) GiB needed (corpus + one prep output); set DADEUM_BENCH_DIR" >&2
    exit 2
  fi
  # gen_corpus.py keeps every original record in memory (about 3 KB each in Python), so 10^7
  # records in one process would not fit in 24 GiB: the corpus is made of shards of at most
  # 10^6 records, shard i generated with seed 20261122 + i (distinct ids, distinct records),
  # DADEUM_BENCH_GEN_JOBS (default 1) shards at a time, then concatenated.
  shard_records=1000000
  shards=$(( (records + shard_records - 1) / shard_records ))
  jobs=${DADEUM_BENCH_GEN_JOBS:-1}
  echo "prep_scale: generating $records records into $corpus ($shards shards, $jobs at a time) ..." >&2
  start=$SECONDS
  for (( i = 0; i < shards; i++ )); do
    n=$(( records - i * shard_records ))
    (( n > shard_records )) && n=$shard_records
    while (( $(jobs -rp | wc -l) >= jobs )); do wait -n; done
    nice "$python" "$gen" --records "$n" --seed $(( 20261122 + i )) --out "$corpus.part-$i" >/dev/null &
  done
  wait
  for (( i = 0; i < shards; i++ )); do
    [[ -f $corpus.part-$i.meta.json ]] || { echo "prep_scale: shard $i was not generated" >&2; exit 1; }
  done
  for (( i = 0; i < shards; i++ )); do cat "$corpus.part-$i"; done >"$corpus.part"
  for (( i = 0; i < shards; i++ )); do rm -f "$corpus.part-$i" "$corpus.part-$i.truth.tsv"; done
  {
    echo '{'
    echo "  \"records\": $records,"
    echo "  \"shards\": ["
    for (( i = 0; i < shards; i++ )); do
      sep=,; (( i == shards - 1 )) && sep=
      echo "    $(tr -d '\n' <"$corpus.part-$i.meta.json")$sep"
    done
    echo '  ]'
    echo '}'
  } >"$corpus.part.meta.json"
  for (( i = 0; i < shards; i++ )); do rm -f "$corpus.part-$i.meta.json"; done
  mv "$corpus.part" "$corpus"
  mv "$corpus.part.meta.json" "$corpus.meta.json"
  echo "prep_scale: generated in $((SECONDS - start)) s" >&2
else
  echo "prep_scale: reusing $corpus" >&2
fi
corpus_bytes=$(stat -c %s "$corpus")
need=$(( corpus_bytes * 12 / 10 ))
if (( $(free_bytes) < need )); then
  echo "prep_scale: $dir has $(( $(free_bytes) >> 30 )) GiB free, the prep output needs about $(( need >> 30 )) GiB" >&2
  exit 2
fi
tiny=$dir/tiny-$tiny_records.jsonl
head -n "$tiny_records" "$corpus" >"$tiny"

# run_prep INPUT [FLAGS...]: prints "SECONDS PEAK_KB" of one prep run (output removed after).
run_prep() {
  local input=$1 out=$dir/out
  shift
  rm -rf "$out"
  local timing=$dir/time.txt
  if ! /usr/bin/time -o "$timing" -f "%e %M" "$bin" prep -q --threads "$threads" "$input" -o "$out" "$@"; then
    echo "prep_scale: dadeum prep failed on $input $*" >&2
    exit 1
  fi
  [[ -n ${DADEUM_BENCH_KEEP:-} ]] || rm -rf "$out"
  tail -1 "$timing"
}

echo "prep_scale: $(git rev-parse --short HEAD 2>/dev/null || echo '?'), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2
printf '%-10s %10s %14s %9s %11s %14s %8s\n' variant records input_bytes seconds peak_kb bytes/record limits.md
for variant in near no-near; do
  flags=()
  [[ $variant == no-near ]] && flags=(--no-near)
  result=$(run_prep "$tiny" "${flags[@]}")
  read -r tiny_s tiny_kb <<<"$result"
  result=$(run_prep "$corpus" "${flags[@]}")
  read -r secs peak_kb <<<"$result"
  per_record=$(( (peak_kb - tiny_kb) * 1024 / records ))
  printf '%-10s %10d %14d %9s %11d %14d %8s\n' "$variant" "$records" "$corpus_bytes" "$secs" "$peak_kb" \
    "$per_record" "${expected:-?}"
  echo "prep_scale: $variant: tiny run ($tiny_records records) ${tiny_s} s, ${tiny_kb} KB peak" >&2
done
echo "prep_scale: load average $(cut -d' ' -f1-3 /proc/loadavg); bytes/record = (peak - tiny peak) / records; limits.md: about ${expected:-?} B/record on top of the fixed part (with near-duplicate detection)" >&2
