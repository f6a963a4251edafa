#!/usr/bin/env bash
# Installs the Debian 12 packages dadeum needs, only those that are missing.
# Idempotent and quiet when everything is already there.
#   tools/setup.sh          the packages below
#   tools/setup.sh --tsan   also Debian's source lines (deb-src), for `apt-get source onetbb`
#                           (tools/onetbb_tsan.sh builds oneTBB with ThreadSanitizer from it)
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git
  libsimdjson-dev libtbb-dev libicu-dev libxxhash-dev
  libsentencepiece-dev sentencepiece
  libgtest-dev libgmock-dev libcli11-dev zlib1g-dev libzstd-dev libbenchmark-dev
  python3 python3-numpy python3-xxhash zstd gzip bc
  clang libclang-rt-14-dev   # libFuzzer, ASan, UBSan and TSan runtimes for clang
  time                        # /usr/bin/time for tools/bench/prep_scale.sh
)

missing=()
for pkg in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$pkg")
done

if (( ${#missing[@]} )); then
  echo "dadeum setup: installing ${missing[*]}" >&2
  sudo_cmd=()
  (( EUID == 0 )) || sudo_cmd=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq >/dev/null
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [[ ${1:-} == --tsan ]] && [[ -z $(apt-cache showsrc onetbb 2>/dev/null) ]]; then
  echo "dadeum setup: adding Debian's deb-src lines (/etc/apt/sources.list.d/dadeum-deb-src.sources)" >&2
  sudo_cmd=()
  (( EUID == 0 )) || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" tee /etc/apt/sources.list.d/dadeum-deb-src.sources >/dev/null <<'SOURCES'
# Added by dadeum's tools/setup.sh --tsan: source packages, for building oneTBB with TSan.
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb-src
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
  "${sudo_cmd[@]}" apt-get update -qq >/dev/null
fi
