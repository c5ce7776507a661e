#!/usr/bin/env bash
# The whole test suite, from a fresh clone on a fresh Debian machine:
#   installs what the tests drive (Debian's chromium, swaks, python3, curl, mbsync), npm ci, build, lint, type checks,
#   module boundaries, unit + protocol + storage conformance tests (SQLite and PostgreSQL),
#   then the browser end-to-end tests.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s ==\n' "$*"; }

step "system packages"
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v swaks >/dev/null || missing+=(swaks)
# swaks --tls (the submission tests) needs Perl's TLS modules, which swaks only recommends.
perl -MIO::Socket::SSL -e1 2>/dev/null || missing+=(libio-socket-ssl-perl libnet-ssleay-perl)
command -v python3 >/dev/null || missing+=(python3)
command -v psql >/dev/null || missing+=(postgresql-client)
command -v curl >/dev/null || missing+=(curl)
command -v mbsync >/dev/null || missing+=(isync)
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
/usr/bin/chromium --version

step "PostgreSQL"
PG_URL="${FACTEUR_TEST_PG_URL:-postgres://postgres@127.0.0.1:5432/test}"
if ! psql "$PG_URL" -qAtc 'select 1' >/dev/null 2>&1; then
  if command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
    sleep 2
  fi
fi
if psql "$PG_URL" -qAtc 'select 1' >/dev/null 2>&1; then
  echo "PostgreSQL answers at $PG_URL"
  export FACTEUR_TEST_PG_URL="$PG_URL"
elif [ "${CI:-}" = "true" ]; then
  echo "PostgreSQL is required in CI and does not answer at $PG_URL" >&2
  exit 1
else
  echo "PostgreSQL not reachable: the conformance suite runs on SQLite only" >&2
fi

step "npm ci"
npm ci --no-audit --no-fund

step "build"
npm run build

step "lint and format"
npx biome ci .

step "type checks"
npm run typecheck

step "module boundaries"
npm run check:deps

results=$(mktemp -d)
status=0
step "unit, protocol and storage conformance tests"
npx vitest run --project unit --reporter=default --reporter=json --outputFile.json="$results/unit.json" || status=1

step "real-mail corpus tests"
npx vitest run --project corpus --reporter=default --reporter=json --outputFile.json="$results/corpus.json" || status=1

step "browser end-to-end tests"
npx vitest run --project e2e --reporter=default --reporter=json --outputFile.json="$results/e2e.json" || status=1

node -e '
  const fs = require("fs");
  let passed = 0, failed = 0, skipped = 0;
  for (const f of process.argv.slice(1)) {
    if (!fs.existsSync(f)) { failed++; continue; }
    const r = JSON.parse(fs.readFileSync(f, "utf8"));
    passed += r.numPassedTests; failed += r.numFailedTests; skipped += r.numPendingTests + r.numTodoTests;
  }
  console.log(`\ntests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
' "$results/unit.json" "$results/corpus.json" "$results/e2e.json"
exit $status
