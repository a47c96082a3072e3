#!/usr/bin/env bash
# On the 1st of a month: import last month's online-academy export, then write last month's plan
# report and compliance list as dated JSON files, and alert when anyone is short of study hours.
# The export is expected as $TRAINLOG_INBOX/academy-YYYY-MM.csv (or .xlsx).
# Exit: 0 done, 1 bad data (nothing written), 3 someone is short of hours (files still written).
set -euo pipefail
: "${TRAINLOG_DB:?set TRAINLOG_DB}" "${TRAINLOG_INBOX:?set TRAINLOG_INBOX}" "${TRAINLOG_REPORTS:?set TRAINLOG_REPORTS}"
export TRAINLOG_DB
# LAST_MONTH may be given (e.g. to re-run a past month); else the month before today.
month="${LAST_MONTH:-$(date -d "$(date +%Y-%m-01) -1 day" +%Y-%m)}"
mkdir -p "$TRAINLOG_REPORTS"
export_file=""
for candidate in "$TRAINLOG_INBOX/academy-$month.csv" "$TRAINLOG_INBOX/academy-$month.xlsx"; do
    if [ -f "$candidate" ]; then export_file="$candidate"; fi
done
if [ -n "$export_file" ]; then
    trainlog study import "$export_file" --month "$month" --platform academy
else
    echo "no academy export for $month in $TRAINLOG_INBOX; reporting on what is recorded" >&2
fi
trainlog report --month "$month" --format json > "$TRAINLOG_REPORTS/report-$month.json"
rc=0
trainlog compliance --month "$month" --fail-if-any --format json \
    > "$TRAINLOG_REPORTS/compliance-$month.json" || rc=$?
if [ "$rc" -eq 3 ]; then
    short=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["short_count"])' \
        "$TRAINLOG_REPORTS/compliance-$month.json")
    echo "ALERT: $short cadre(s) short of online study hours in $month; see $TRAINLOG_REPORTS/compliance-$month.json" >&2
fi
exit "$rc"
