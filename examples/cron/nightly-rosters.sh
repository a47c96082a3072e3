#!/usr/bin/env bash
# Import every roster (CSV/xlsx, long format) in $TRAINLOG_INBOX/rosters. Safe to re-run: a roster's
# sessions are keyed by their ref (培训编号), so importing the same file twice counts nobody twice.
# A file with bad rows is moved to rejected/ beside its error report; the others still import.
# Prints nothing when every file imported (so cron mails nothing); a rejected file's errors on stderr.
# Exit: 0 all imported (or nothing to import), 1 some file was rejected.
set -euo pipefail
: "${TRAINLOG_DB:?set TRAINLOG_DB}" "${TRAINLOG_INBOX:?set TRAINLOG_INBOX}"
export TRAINLOG_DB
dir="$TRAINLOG_INBOX/rosters"
mkdir -p "$dir/done" "$dir/rejected"
status=0
shopt -s nullglob
for file in "$dir"/*.csv "$dir"/*.xlsx; do
    name=$(basename "$file")
    if trainlog session import --quiet "$file" 2> "$dir/rejected/$name.errors.txt"; then
        rm -f "$dir/rejected/$name.errors.txt"
        mv -f "$file" "$dir/done/$name"
    else
        rc=$?
        if [ "$rc" -ne 1 ]; then exit "$rc"; fi   # not a data problem: stop and let cron mail it
        echo "rejected $name:" >&2
        cat "$dir/rejected/$name.errors.txt" >&2
        mv -f "$file" "$dir/rejected/$name"
        status=1
    fi
done
exit "$status"
