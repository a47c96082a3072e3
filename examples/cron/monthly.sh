#!/usr/bin/env bash
# On the 1st of a month: import last month's online-academy export, then write last month's plan
# report and compliance list as dated JSON files, and alert when anyone is short of study hours.
# The export is expected as $TRAINLOG_INBOX/academy-YYYY-MM.csv (or .xlsx).
# Prints nothing when all went well. Exit: 0 done, 1 bad data (nothing imported), 3 someone is short
# of hours, 5 no academy export for the month (the reports are still written, from what is recorded).
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
missing=0
if [ -n "$export_file" ]; then
    trainlog study import --quiet "$export_file" --month "$month" --platform academy
else
    echo "no academy export for $month in $TRAINLOG_INBOX (academy-$month.csv or .xlsx); reporting on what is recorded" >&2
    missing=1
fi
trainlog report --month "$month" --format json > "$TRAINLOG_REPORTS/report-$month.json"
rc=0
errors=$(mktemp)
trap 'rm -f "$errors"' EXIT
# trainlog's own line for exit 3 is kept back: the ALERT below says it once, with the file
trainlog compliance --month "$month" --fail-if-any --format json \
    > "$TRAINLOG_REPORTS/compliance-$month.json" 2> "$errors" || rc=$?
if [ "$rc" -ne 0 ] && [ "$rc" -ne 3 ]; then
    cat "$errors" >&2
    exit "$rc"
fi
if [ "$rc" -eq 3 ]; then
    short=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["short_count"])' \
        "$TRAINLOG_REPORTS/compliance-$month.json")
    echo "ALERT: $short cadre(s) short of online study hours in $month; see $TRAINLOG_REPORTS/compliance-$month.json" >&2
fi
if [ "$missing" -eq 1 ]; then
    exit 5   # nothing arrived: its own code, whether or not someone is short
fi
exit "$rc"
