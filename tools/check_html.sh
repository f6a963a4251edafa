#!/usr/bin/env bash
# Opens the `dadeum stats` HTML report of the seed sets in headless Chromium (Debian's package):
# fails when the page logs an error or asks the network for anything, and saves a screenshot.
#   tools/check_html.sh [DADEUM_BINARY] [SCREENSHOT.png]
# Defaults: build/tools/dadeum and docs/stats-report.png. Needs: apt-get install -y chromium
# fonts-nanum (a Korean font, or the screenshot shows boxes instead of Hangul).
set -euo pipefail
cd "$(dirname "$0")/.."
dadeum=${1:-build/tools/dadeum}
screenshot=${2:-docs/stats-report.png}
browser=$(command -v chromium || command -v chromium-browser || true)
[[ -n "$browser" ]] || { echo "check_html: chromium is not installed (apt-get install -y chromium)" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$dadeum" stats seeds/ko-instruct-400.jsonl seeds/ko-chat-60.jsonl --html "$work/report.html" -q >/dev/null

# Name lookups fail, so nothing can be fetched; the network log shows whether anything was tried.
flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking
       --disable-component-update --disable-sync --hide-scrollbars
       --host-resolver-rules="MAP * ~NOTFOUND" --enable-logging=stderr --v=0)
page="file://$work/report.html"
# Chromium can hang at start on a busy machine: give each run a time limit, and one retry.
runs=0
run_browser() {
  local attempt
  for attempt in 1 2; do
    runs=$((runs + 1))
    timeout 90 "$browser" "${flags[@]}" --user-data-dir="$work/profile-$runs" "$@" && return 0
  done
  return 1
}
run_browser --log-net-log="$work/net.json" --dump-dom "$page" >"$work/dom.html" 2>"$work/log.txt"
svgs=$(grep -o "<svg" "$work/dom.html" | wc -l)
if (( svgs < 10 )); then
  echo "check_html: the rendered page has $svgs charts" >&2
  exit 1
fi
if grep -E "CONSOLE|Uncaught" "$work/log.txt" >&2; then
  echo "check_html: the page logged messages or errors" >&2
  exit 1
fi
# Every URL the browser touched, less the report itself and Chromium's own service requests.
if grep -o '"url":"[^"]*"' "$work/net.json" | grep -v -E '"url":"file://|google(apis)?\.com/' >&2; then
  echo "check_html: the report asked the network for something" >&2
  exit 1
fi
run_browser --window-size=1200,4200 --screenshot="$work/shot.png" "$page" 2>>"$work/log.txt"
mkdir -p "$(dirname "$screenshot")"
cp "$work/shot.png" "$screenshot"
echo "check_html: $svgs charts rendered, no errors, no requests; screenshot: $screenshot"
