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
# One test project at a time, each with its own results folder: the end-to-end
# tests start real processes and train real models, and the machines are small.
rc=0
for project in tests/*/*.csproj; do
  name=$(basename "$project" .csproj)
  dotnet test "$project" --no-build -nologo --blame-hang-timeout 8m --results-directory "$results/$name" \
    --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=normal" || rc=1
done

echo "== browser tests (tests/web)"
# node --test prints TAP; its "# pass N" / "# fail N" totals join the .NET counts below.
mkdir -p "$results/web"
node --test --test-reporter=tap tests/web/ 2>&1 | tee "$results/web/node-test.tap" || rc=1

passed=0; failed=0; found=0
for f in "$results"/*/*.trx; do
  [ -f "$f" ] || continue
  found=$((found + 1))
  line=$(grep -o '<Counters [^>]*>' "$f" | head -1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$line"); f_=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$line")
  passed=$((passed + ${p:-0})); failed=$((failed + ${f_:-0}))
done
web_pass=$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$results/web/node-test.tap" | tail -1)
web_fail=$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$results/web/node-test.tap" | tail -1)
if [ -z "$web_pass" ]; then echo "the browser tests reported no results"; failed=$((failed + 1)); fi
passed=$((passed + ${web_pass:-0})); failed=$((failed + ${web_fail:-0}))
projects=$(ls tests/*/*.csproj | wc -l)
if [ "$found" -lt "$projects" ]; then echo "only $found of $projects test projects reported results"; failed=$((failed + projects - found)); fi
if [ $rc != 0 ] && [ $failed = 0 ]; then failed=1; fi
echo "$passed passed, $failed failed"
[ $rc = 0 ] && [ $failed = 0 ]
