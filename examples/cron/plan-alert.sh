#!/usr/bin/env bash
# Alert when the year's plan is behind a steady pace: `report --fail-if-behind` exits 3 then.
# The alert runs $TRAINLOG_ALERT (a command that reads the message on stdin, e.g. `mail -s trainlog ops@…`);
# without it the message goes to stderr, which cron mails.
# Exit: 0 on pace, 3 behind (alert sent), anything else is an error.
set -euo pipefail
: "${TRAINLOG_DB:?set TRAINLOG_DB}"
export TRAINLOG_DB
out=$(mktemp)
errors=$(mktemp)
trap 'rm -f "$out" "$errors"' EXIT
# The pace is measured up to today (TRAINLOG_TODAY may name another day), not to the month's end.
today="${TRAINLOG_TODAY:-$(date +%F)}"
rc=0
# trainlog's own "behind the plan" line is kept back: the alert below is said once
trainlog report --as-of "$today" --fail-if-behind --format json > "$out" 2> "$errors" || rc=$?
if [ "$rc" -ne 0 ] && [ "$rc" -ne 3 ]; then
    cat "$errors" >&2
    exit "$rc"
fi
if [ "$rc" -eq 3 ]; then
    message=$(python3 - "$out" <<'PY'
import json, sys
plan = json.load(open(sys.argv[1]))["plan"]
print(f"trainlog: {plan['year']} plan behind pace: {plan['to_date']} of {plan['target']} person-times "
      f"({plan['progress']:.1%} done, {plan['expected']:.1%} expected); "
      f"{plan['needed_per_month']} needed per month until {plan['deadline']}")
PY
)
    if [ -n "${TRAINLOG_ALERT:-}" ]; then
        echo "$message" | sh -c "$TRAINLOG_ALERT"
    else
        echo "$message" >&2
    fi
fi
exit "$rc"
