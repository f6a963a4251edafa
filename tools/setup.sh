#!/usr/bin/env bash
# Installs the Debian 12 packages dadeum needs, only those that are missing.
# Idempotent and quiet when everything is already there.
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
