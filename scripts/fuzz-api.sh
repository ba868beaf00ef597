#!/usr/bin/env bash
# Fuzzes the HTTP API from its own OpenAPI document (/docs-json) with schemathesis: the API is
# built and started on the embedded store (SQLite in a temporary DATA_DIR, a free port, the
# sandbox standing in for the platforms), accounts are connected and a Facebook selection
# opened (scripts/fuzz-api-seed.mjs), then schemathesis sends a bounded number of generated
# requests, valid and invalid, to every operation with an owner's token (scripts/fuzz-api.toml
# pins the workspace and ids). It fails on any 5xx, on a status code, content type, header or
# body that the document does not declare, and on malformed input accepted (see CHECKS).
#
#   npm run fuzz                      # fixed seed: the same requests every run
#   FUZZ_SEED=random npm run fuzz     # a new seed (printed, to reproduce a failure)
#   FUZZ_MAX_EXAMPLES=200 npm run fuzz
#   npm run fuzz -- --checks all      # more arguments go to `schemathesis run`
#
# schemathesis comes from PyPI, pinned, into .venv-fuzz/ (installed only when missing).
set -euo pipefail
cd "$(dirname "$0")/.."

SCHEMATHESIS_VERSION=4.32.5
VENV=.venv-fuzz
MAX_EXAMPLES="${FUZZ_MAX_EXAMPLES:-200}"
SEED="${FUZZ_SEED:-20251201}"
WORKSPACE=fuzz
BREACH_WORKSPACE=fuzz-breach
# Server errors; answers the document does not declare (status, content type, headers, body);
# malformed input accepted; routes answering without a token or its required headers; a
# resource still there after DELETE, or not there after it was created.
CHECKS=not_a_server_error,status_code_conformance,content_type_conformance
CHECKS+=,response_headers_conformance,response_schema_conformance,negative_data_rejection
CHECKS+=,ignored_auth,missing_required_header,use_after_free,ensure_resource_availability

if [ "$("$VENV/bin/schemathesis" --version 2>/dev/null || true)" != "schemathesis, version $SCHEMATHESIS_VERSION" ]; then
  echo "== installing schemathesis $SCHEMATHESIS_VERSION into $VENV ($(python3 --version))"
  rm -rf "$VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
    "schemathesis==$SCHEMATHESIS_VERSION"
fi

echo "== building the API into dist/fuzz-api"
# Its own output folder: a build for `npm start` or a benchmark next to this one is not touched.
npx nest build api --path scripts/fuzz-api.tsconfig.json

WORK="$(mktemp -d)"
API_PID=""
cleanup() {
  local status=$?
  if [ -n "$API_PID" ] && kill -0 "$API_PID" 2>/dev/null; then
    kill "$API_PID" 2>/dev/null || true
    wait "$API_PID" 2>/dev/null || true
  fi
  if [ "$status" -ne 0 ] && [ -f "$WORK/api.log" ]; then
    echo "== the API's errors (server errors are logged with their stack)"
    grep -A 12 ' ERROR ' "$WORK/api.log" | head -n 300 || true
    echo "== the API's log (last 20 lines)"
    tail -n 20 "$WORK/api.log"
  fi
  rm -rf "$WORK"
  exit "$status"
}
trap cleanup EXIT

PORT="$(node -e "const s = require('node:net').createServer().listen(0, '127.0.0.1', () => { console.log(s.address().port); s.close(); });")"
BASE="http://127.0.0.1:$PORT"
JWT_SECRET="fuzz-$(node -e "console.log(require('node:crypto').randomBytes(24).toString('hex'))")"

echo "== starting the API on $BASE (data in $WORK/data)"
# Not production: the platforms run in the API's own sandbox, on this machine. Webhooks would
# be delivered to whatever URLs the fuzzer sets, so their first tick is put an hour away, after
# the run. Connection attempts are not limited, so the fuzzer gets past the 429.
env NODE_ENV=development NO_COLOR=1 PORT="$PORT" PUBLIC_BASE_URL="$BASE" DATA_DIR="$WORK/data" \
  JWT_SECRET="$JWT_SECRET" CONNECTION_ATTEMPTS_PER_HOUR=1000000 WEBHOOK_EVERY_MS=3600000 \
  node dist/fuzz-api/apps/api/src/main.js >"$WORK/api.log" 2>&1 &
API_PID=$!

for _ in $(seq 1 120); do
  if curl -fsS "$BASE/health" >/dev/null 2>&1; then break; fi
  if ! kill -0 "$API_PID" 2>/dev/null; then
    echo "the API exited before it was healthy" >&2
    exit 1
  fi
  sleep 0.5
done
curl -fsS "$BASE/health" >/dev/null

TOKEN="$(JWT_SECRET="$JWT_SECRET" node -e "
  const { sign } = require('jsonwebtoken');
  const claims = { sub: 'fuzzer', workspaces: { '$WORKSPACE': 'owner', '$BREACH_WORKSPACE': 'owner' } };
  console.log(sign(claims, process.env.JWT_SECRET, { algorithm: 'HS256', expiresIn: '2h' }));
")"

echo "== connecting accounts and opening a selection through the sandbox"
SEEDED="$(node scripts/fuzz-api-seed.mjs "$BASE" "$WORKSPACE" "$BREACH_WORKSPACE" "$TOKEN")"
while IFS='=' read -r name value; do
  if [[ "$name" == FUZZ_* ]]; then export "$name=$value"; fi
done <<<"$SEEDED"
export FUZZ_TOKEN="$TOKEN" FUZZ_WORKSPACE="$WORKSPACE" FUZZ_BREACH_WORKSPACE="$BREACH_WORKSPACE"

SEED_ARGS=(--seed "$SEED")
if [ "$SEED" = random ]; then SEED_ARGS=(); fi

echo "== schemathesis $SCHEMATHESIS_VERSION: $MAX_EXAMPLES examples per operation, seed $SEED"
# One worker: the operations share one workspace, so a fixed seed replays the same run.
"$VENV/bin/schemathesis" --config-file scripts/fuzz-api.toml run "$BASE/docs-json" \
  --checks "$CHECKS" \
  --max-examples "$MAX_EXAMPLES" \
  "${SEED_ARGS[@]}" \
  --workers 1 \
  --generation-database none \
  --request-timeout 20 \
  --no-color \
  "$@"
