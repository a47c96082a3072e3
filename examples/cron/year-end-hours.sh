#!/usr/bin/env bash
# In January: last year's training hours (学时) against the rules of each rank, the figure the
# year-end assessment (年度考核) uses. Writes $TRAINLOG_REPORTS/hours-YYYY.json (everyone checked)
# and alerts when anyone is short: a cadre within a year of a promotion to county level is not
# short (status grace), and `hours --fail-if-any` does not count him.
# Prints nothing when all went well. Exit: 0 nobody short, 3 someone short, anything else an error.
set -euo pipefail
: "${TRAINLOG_DB:?set TRAINLOG_DB}" "${TRAINLOG_REPORTS:?set TRAINLOG_REPORTS}"
export TRAINLOG_DB
# LAST_YEAR may be given (e.g. to re-run a past year); else the year before today's.
year="${LAST_YEAR:-$(( $(date +%Y) - 1 ))}"
mkdir -p "$TRAINLOG_REPORTS"
report="$TRAINLOG_REPORTS/hours-$year.json"
rc=0
errors=$(mktemp)
trap 'rm -f "$errors"' EXIT
# trainlog's own line for exit 3 is kept back: the ALERT below says it once, with the file
trainlog hours --year "$year" --fail-if-any --format json > "$report" 2> "$errors" || rc=$?
if [ "$rc" -ne 0 ] && [ "$rc" -ne 3 ]; then
    cat "$errors" >&2
    exit "$rc"
fi
if [ "$rc" -eq 3 ]; then
    python3 - "$report" "$year" >&2 <<'PY'
import json, sys
data = json.load(open(sys.argv[1]))
ranks = ", ".join(f"{r['rank']} {r['met']}/{r['checked']}" for r in data["by_rank"])
print(f"ALERT: {data['short_count']} of {data['checked']} cadre(s) short of the training hours "
      f"of their rank in {sys.argv[2]} ({data['grace']} within a year of a promotion; met by "
      f"rank: {ranks}); see {sys.argv[1]}")
PY
fi
exit "$rc"
