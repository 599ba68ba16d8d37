#!/usr/bin/env bash
# Benchmarks the worker against a fresh local `wrangler dev` (fresh D1, migrations, DEV_SEED=1).
# Usage: worker/bench/run-local.sh [runs]   (needs worker/build; see worker/tests/run-local.sh --build)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
export CLOUDFLARE_CF_FETCH_ENABLED=false WRANGLER_SEND_METRICS=false
WRANGLER="$ROOT/node_modules/.bin/wrangler"
[[ -f worker/build/worker/shim.mjs ]] || { echo "worker/build missing: build the worker first" >&2; exit 2; }
mkdir -p dist
[[ -f dist/index.html ]] || echo '<!doctype html><title>Tanfang</title>' > dist/index.html
STATE="$(mktemp -d /tmp/tanfang-worker-bench.XXXXXX)"
PORT="$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
"$WRANGLER" d1 migrations apply tanfang --local --config worker/wrangler.toml --persist-to "$STATE" >"$STATE/migrate.log" 2>&1
setsid "$WRANGLER" dev --config worker/wrangler.toml --ip 127.0.0.1 --port "$PORT" --persist-to "$STATE" \
  --var DEV_SEED:1 --show-interactive-dev-session=false >"$STATE/wrangler.log" 2>&1 &
SERVER_PID=$!
trap 'kill -- "-$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; rm -rf "$STATE"' EXIT
for _ in $(seq 1 120); do
  curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/api/me" 2>/dev/null | grep -q 401 && break
  sleep 0.5
done
TANFANG_BASE_URL="http://127.0.0.1:$PORT" node worker/bench/bench.mjs "${1:-5}"
