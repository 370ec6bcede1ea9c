#!/usr/bin/env bash
# Runs every test of the solution on a fresh machine: installs what the tests need (Chromium for the browser
# tests), runs `dotnet test` over Assistant.sln, and prints the totals as `N passed, N failed` on a line of its own.
# Exits non-zero when any test failed or did not run.
set -uo pipefail
cd "$(dirname "$0")/.."

if [ ! -x /usr/bin/chromium ]; then
  echo "Installing Chromium for the browser tests (Debian package, about a minute)..."
  if [ "$(id -u)" = 0 ]; then sudo=""; else sudo="sudo"; fi
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null \
    || { echo "Could not install chromium (apt-get install -y chromium)"; exit 1; }
fi
command -v npm >/dev/null || { echo "npm is needed to fetch the native libraries (apt-get install -y npm)"; exit 1; }

results=artifacts/test-results
rm -rf "$results"
dotnet test Assistant.sln --logger "trx" --results-directory "$results" "$@"
status=$?

passed=0; failed=0; total=0
for trx in "$results"/*.trx; do
  [ -e "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  get() { echo "$counters" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p"; }
  passed=$((passed + $(get passed))); failed=$((failed + $(get failed))); total=$((total + $(get total)))
done
notrun=$((total - passed - failed))
echo "$passed passed, $failed failed"
[ "$notrun" -gt 0 ] && echo "($notrun not run)"
if [ $status -ne 0 ] || [ "$failed" -gt 0 ] || [ "$passed" -eq 0 ]; then exit 1; fi
exit 0
