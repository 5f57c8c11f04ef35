#!/usr/bin/env bash
# A partner app server in any language, in miniature: get a user's Boosted token from the silo's HTTP token API,
# create a Boosted thread with it, and list the user's threads. On a 401 from Boosted it reports the token's
# SHA-256 (the cluster renews it once for all reporters) and retries once with the renewed token.
#
#   SILO_URL=http://127.0.0.1:5000 API_KEY=dev-api-key BOOSTED_URL=http://127.0.0.1:PORT/ ./threads.sh alice "My thread"
#
# Needs bash, curl, sed and sha256sum. User IDs are sent as given: URL-encode any that need it.
set -euo pipefail

user="${1:?usage: threads.sh USER_ID THREAD_NAME}"
name="${2:?usage: threads.sh USER_ID THREAD_NAME}"
silo="${SILO_URL:-http://127.0.0.1:5000}"
key="${API_KEY:-dev-api-key}"
boosted="${BOOSTED_URL:?set BOOSTED_URL to the Boosted API base URL}"
boosted="${boosted%/}"

json_field() { sed -n "s/.*\"$1\":\"\([^\"]*\)\".*/\1/p"; }

get_token() {
  curl -sS --fail-with-body -X POST "$silo/v1/users/$user/token" -H "Authorization: Bearer $key" | json_field access_token
}

# Calls Boosted with the user's token; on 401 reports it and retries once. Prints the body; fails on any other error.
boosted_call() {
  local method="$1" path="$2" body="${3:-}" attempt response status
  for attempt in 1 2; do
    response=$(curl -sS -w '\n%{http_code}' -X "$method" "$boosted$path" -H "Authorization: Bearer $token" \
                    ${body:+-H 'Content-Type: application/json' -d "$body"})
    status="${response##*$'\n'}"
    if [[ "$status" == 401 && "$attempt" == 1 ]]; then
      hash=$(printf %s "$token" | sha256sum | cut -d' ' -f1)
      curl -sS --fail-with-body -X POST "$silo/v1/users/$user/token/rejected" -H "Authorization: Bearer $key" \
           -H 'Content-Type: application/json' -d "{\"access_token_sha256\":\"$hash\"}" >/dev/null
      token=$(get_token)
      continue
    fi
    [[ "$status" =~ ^2 ]] || { echo "Boosted answered HTTP $status to $method $path" >&2; return 1; }
    printf '%s\n' "${response%$'\n'*}"
    return 0
  done
}

token=$(get_token)
[[ -n "$token" ]] || { echo "the token API gave no access_token" >&2; exit 1; }

escaped=$(printf %s "$name" | sed 's/\\/\\\\/g; s/"/\\"/g')
thread_id=$(boosted_call POST /v2/threads "{\"thread_name\":\"$escaped\"}" | json_field thread_id)
echo "created thread $thread_id"

echo "threads of $user:"
boosted_call GET /v2/threads | sed 's/},{/}\n{/g' | sed -n 's/.*"thread_id":"\([^"]*\)","thread_name":"\([^"]*\)".*/  \1 \2/p'
