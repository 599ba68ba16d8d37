#!/usr/bin/env bash
# Runs the worker HTTP tests against a fresh local server:
#   fresh D1 in a temp --persist-to dir, migrations applied, `wrangler dev` with DEV_SEED=1 on a
#   free port, `node --test` over worker/tests/, then the server is stopped and the dir removed.
# Usage: worker/tests/run-local.sh [--build] [extra node --test args]
#   --build  first runs `cargo xtask build-worker` (otherwise worker/build must exist).
# Env: TANFANG_KEEP_STATE=1 keeps the state dir (its path is printed).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
export CLOUDFLARE_CF_FETCH_ENABLED=false WRANGLER_SEND_METRICS=false
WRANGLER="$ROOT/node_modules/.bin/wrangler"

if [[ "${1:-}" == "--build" ]]; then
  shift
  cargo xtask build-worker
fi
[[ -f worker/build/worker/shim.mjs ]] || { echo "worker/build missing: run with --build" >&2; exit 2; }
mkdir -p dist
[[ -f dist/index.html ]] || echo '<!doctype html><title>Tanfang</title>' > dist/index.html

STATE="$(mktemp -d /tmp/tanfang-worker-test.XXXXXX)"
PORT="$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
"$WRANGLER" d1 migrations apply tanfang --local --config worker/wrangler.toml --persist-to "$STATE" >"$STATE/migrate.log" 2>&1 \
  || { cat "$STATE/migrate.log" >&2; exit 1; }

setsid "$WRANGLER" dev --config worker/wrangler.toml --ip 127.0.0.1 --port "$PORT" --persist-to "$STATE" \
  --var DEV_SEED:1 --show-interactive-dev-session=false >"$STATE/wrangler.log" 2>&1 &
SERVER_PID=$!
cleanup() {
  kill -- "-$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  if [[ "${TANFANG_KEEP_STATE:-}" == "1" ]]; then echo "state kept in $STATE"; else rm -rf "$STATE"; fi
}
trap cleanup EXIT

BASE="http://127.0.0.1:$PORT"
for _ in $(seq 1 120); do
  if curl -s -o /dev/null -w '%{http_code}' "$BASE/api/me" 2>/dev/null | grep -q 401; then break; fi
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then cat "$STATE/wrangler.log" >&2; exit 1; fi
  sleep 0.5
done
echo "wrangler dev on $BASE (state $STATE)"
STATUS=0
TANFANG_BASE_URL="$BASE" node --test --test-concurrency=1 "$@" worker/tests/ || STATUS=$?
# The Secure cookie in a real browser on http://127.0.0.1 (skip with SKIP_CHROMIUM=1).
if [[ -x "${CHROMIUM_BIN:-/usr/bin/chromium}" && "${SKIP_CHROMIUM:-}" != "1" ]]; then
  TANFANG_BASE_URL="$BASE" node worker/tests/cookie-chromium.mjs || STATUS=$?
fi
exit "$STATUS"
