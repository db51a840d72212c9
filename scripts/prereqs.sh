#!/usr/bin/env bash
# Installs what BurstGrpc needs on Debian/Ubuntu when it is missing.
#   scripts/prereqs.sh          runtime: libxgboost0
#   scripts/prereqs.sh --test   also what the tests use: python3-xgboost/sklearn/pandas (model
#                               interop checks, benchmarks), chromium (the dashboard's browser
#                               tests) and the npm tools (buf, @grpc/grpc-js, esbuild, playwright-core)
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
[ "${1:-}" = "--test" ] && want_test=1

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "error: need root to run: $*" >&2; exit 1; fi
}

missing=()
ldconfig -p 2>/dev/null | grep -q 'libxgboost\.so' || missing+=(libxgboost0)
if [ $want_test = 1 ]; then
  /usr/bin/python3 -c 'import xgboost, sklearn, pandas' >/dev/null 2>&1 \
    || missing+=(python3-xgboost python3-sklearn python3-pandas)
  # The browser tests drive Debian's chromium; playwright-core never downloads a browser.
  [ -x /usr/bin/chromium ] || missing+=(chromium)
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get update -qq
  as_root apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# npm ci also when package-lock.json is newer than the installed tree (a pull added packages).
if [ $want_test = 1 ] && { [ ! -x node_modules/.bin/buf ] || [ ! -d node_modules/playwright-core ] || [ package-lock.json -nt node_modules/.package-lock.json ]; }; then
  command -v npm >/dev/null || { echo "installing: nodejs npm"; as_root apt-get update -qq; as_root apt-get install -y -qq nodejs npm >/dev/null; }
  echo "installing npm tools (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
fi
