#!/usr/bin/env bash
# Runs every test: proto lint, then all test projects. Ends with "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
scripts/prereqs.sh --test || exit 1

echo "== buf lint"
(cd protos && ../node_modules/.bin/buf lint) || { echo "buf lint failed"; echo "0 passed, 1 failed"; exit 1; }

echo "== build"
dotnet build BurstGrpc.sln -nologo -v quiet -clp:ErrorsOnly || { echo "0 passed, 1 failed"; exit 1; }

results=TestResults
rm -rf "$results"
echo "== test"
# One test project at a time: the end-to-end tests start real processes and
# train real models, and the machines are small.
dotnet test BurstGrpc.sln --no-build -nologo -m:1 --results-directory "$results" \
  --logger "trx" --logger "console;verbosity=normal" -- RunConfiguration.TestSessionTimeout=1500000
rc=$?

passed=0; failed=0; found=0
for f in "$results"/*.trx; do
  [ -f "$f" ] || continue
  found=1
  line=$(grep -o '<Counters [^>]*>' "$f" | head -1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$line"); f_=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$line")
  passed=$((passed + ${p:-0})); failed=$((failed + ${f_:-0}))
done
if [ $found = 0 ] || [ $passed = 0 ]; then echo "no test results found"; failed=$((failed + 1)); fi
if [ $rc != 0 ] && [ $failed = 0 ]; then failed=1; fi
echo "$passed passed, $failed failed"
[ $rc = 0 ] && [ $failed = 0 ]
