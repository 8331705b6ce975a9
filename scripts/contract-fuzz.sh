#!/usr/bin/env bash
# The contract fuzz of .ci/run: builds the app, starts it as `npm start` does (its own Temporal
# dev server on a free port, a fresh database, manual warehouse and carrier, auth on), seeds a
# warehouse and a SKU, and runs schemathesis (pinned, installed by scripts/setup-schemathesis.js)
# with every phase and every check against /openapi.json. Exits non-zero on any server error
# or contract violation. FUZZ_MAX_EXAMPLES / FUZZ_MAX_TIME bound the run (2 cores: < ~5 min).
set -uo pipefail
cd "$(dirname "$0")/.."

log() { echo "[fuzz] $*" >&2; }
free_port() { node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }

st=$(node scripts/setup-schemathesis.js) || { log "could not install schemathesis"; exit 1; }
npm run --silent build >/tmp/fuzz-build.log 2>&1 || { cat /tmp/fuzz-build.log >&2; log "npm run build failed"; exit 1; }

key="fuzz-admin-$(node -e 'console.log(require("crypto").randomBytes(8).toString("hex"))')"
db="fulfillment_fuzz_$(node -e 'console.log(require("crypto").randomBytes(4).toString("hex"))')"
port=$(free_port); temporal_port=$(free_port); ui_port=$(free_port); metrics_port=$(free_port)
base="http://127.0.0.1:${port}"
work=$(mktemp -d)
app_log="$work/app.log"

# WEBHOOK_DELIVERY=off: the fuzzer subscribes made-up hosts; nothing it generates may leave this machine.
# AUTH_FAILURES_PER_MINUTE=0: the fuzzer sends bad keys on purpose, and the per-address limit on
# failed authentications would answer every later request 429 and leave the contract untested
# (the limit itself is proven in test/api-hygiene.test.ts).
PORT=$port TEMPORAL_ADDRESS="127.0.0.1:${temporal_port}" TEMPORAL_UI_PORT=$ui_port METRICS_PORT=$metrics_port \
  DATABASE_URL="postgres://postgres@127.0.0.1:5432/${db}" API_KEYS="${key}:admin" \
  WAREHOUSE_MODE=manual CARRIER_MODE=manual LOG_LEVEL=warn \
  RATE_LIMIT_WRITES_PER_MINUTE=0 AUTH_FAILURES_PER_MINUTE=0 WEBHOOK_DELIVERY=off \
  node dist/cli/start.js >"$app_log" 2>&1 &
app_pid=$!

cleanup() {
  kill -TERM "$app_pid" 2>/dev/null && wait "$app_pid" 2>/dev/null
  psql -h 127.0.0.1 -U postgres -q -c "DROP DATABASE IF EXISTS ${db} WITH (FORCE)" postgres >/dev/null 2>&1
  rm -rf "$work"
}
trap cleanup EXIT

for _ in $(seq 1 120); do
  curl -fsS "$base/health" >/dev/null 2>&1 && break
  kill -0 "$app_pid" 2>/dev/null || { tail -30 "$app_log" >&2; log "the app exited before it was healthy"; exit 1; }
  sleep 1
done
curl -fsS "$base/health" >/dev/null || { tail -30 "$app_log" >&2; log "the app is not healthy after 120 s"; exit 1; }

auth=(-H "Authorization: Bearer ${key}" -H 'Content-Type: application/json')
curl -fsS -X PUT "${auth[@]}" "$base/warehouses/wh-fuzz" -d '{"name":"Fuzz warehouse"}' >/dev/null &&
  curl -fsS -X PUT "${auth[@]}" "$base/skus/SKU-FUZZ" -d '{"name":"Fuzz thing"}' >/dev/null &&
  curl -fsS -X POST "${auth[@]}" "$base/inventory/receipts" -d '{"warehouseId":"wh-fuzz","sku":"SKU-FUZZ","quantity":1000}' >/dev/null ||
  { log "seeding failed"; exit 1; }

started=$(date +%s)
# Every phase and every check; nothing excluded (what positive_data_acceptance accepts, and why: schemathesis.toml).
# One worker: hypothesis' lambda-source cache is not thread-safe (an internal "AST constructor
# recursion depth mismatch" error with 2), and the stateful phase already keeps 2 cores busy.
"$st" --config-file scripts/schemathesis.toml run "$base/openapi.json" \
  --phases examples,coverage,fuzzing,stateful \
  --checks all \
  -H "Authorization: Bearer ${key}" \
  --max-examples "${FUZZ_MAX_EXAMPLES:-20}" \
  --max-time "${FUZZ_MAX_TIME:-240}" \
  --request-timeout 30 \
  --workers 1 \
  --seed "${FUZZ_SEED:-1}" \
  --no-color >"$work/st.log" 2>&1
status=$?
cat "$work/st.log"
if grep -qiE 'internal_error|request failed' "$app_log"; then
  log "server errors in the app log:"; grep -iE 'internal_error|request failed' "$app_log" | grep '"status":5' | head -20 >&2
fi
log "schemathesis exited ${status} after $(( $(date +%s) - started )) s"
exit "$status"
