#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests: a fresh cluster in a temporary directory, listening
# on 127.0.0.1 at a random free port (and a unix socket in that directory), no fsync (unless
# --durable).
#
#   .ci/pg.sh start DIR [--durable]
#                          initdb into DIR, start the server, print its URL on stdout
#                          (postgresql+psycopg://trainlog:PASSWORD@127.0.0.1:PORT/trainlog);
#                          installs PostgreSQL with apt-get when no initdb is found.
#                          --durable keeps fsync and synchronous commits on, as a production
#                          server has them (for benchmarks; the tests do without)
#   .ci/pg.sh stop DIR     stop the server and remove DIR (safe to call twice, or on a dead one)
#   .ci/pg.sh url DIR      print the URL of the server started in DIR
#
# The role `trainlog` is a superuser (the tests create and drop a database per test) with a random
# password, checked (scram-sha-256) on TCP so the password path is the one a province uses.
# PostgreSQL refuses to run as root: as root the server runs as the `postgres` system user
# (created when missing); as anyone else, as that user.
set -euo pipefail

log() { printf 'pg.sh: %s\n' "$*" >&2; }
die() { printf 'pg.sh: %s\n' "$*" >&2; exit 1; }

bindir() {
    local initdb
    initdb="$(ls -1d /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -n 1 || true)"
    if [[ -z "$initdb" ]] && command -v initdb >/dev/null; then
        initdb="$(command -v initdb)"
    fi
    [[ -n "$initdb" ]] && dirname "$initdb"
}

install_postgres() {
    [[ "$(id -u)" == 0 ]] || die "PostgreSQL is not installed; install it (apt-get install postgresql) and retry"
    command -v apt-get >/dev/null || die "PostgreSQL is not installed and there is no apt-get to install it"
    log "PostgreSQL is not installed: apt-get install postgresql"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >&2
}

# Run a command as the user the server runs as.
as_owner() {
    if [[ "$(id -u)" == 0 ]]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

start() {
    local dir="$1" durable="${2:-}" bin port password speed
    speed="-c fsync=off -c full_page_writes=off -c synchronous_commit=off"
    [[ "$durable" == --durable ]] && speed=""
    bin="$(bindir || true)"
    if [[ -z "$bin" ]]; then
        install_postgres
        bin="$(bindir || true)"
        [[ -n "$bin" ]] || die "apt-get installed postgresql, but no initdb was found"
    fi
    mkdir -p "$dir"
    dir="$(cd "$dir" && pwd)"
    [[ -e "$dir/data" ]] && die "$dir/data exists: stop that server first (.ci/pg.sh stop $dir)"
    if [[ "$(id -u)" == 0 ]]; then
        id postgres >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin postgres
        chown postgres "$dir"
        chmod 0755 "$dir"
        # the server's user must reach DIR: every folder above it needs search permission
        local up="$dir"
        while [[ "$up" != / ]]; do
            up="$(dirname "$up")"
            runuser -u postgres -- test -x "$up" || chmod o+x "$up"
        done
    fi
    password="$(python3 -c 'import secrets; print(secrets.token_hex(16))')"
    umask 077
    printf '%s\n' "$password" >"$dir/password"
    [[ "$(id -u)" == 0 ]] && chown postgres "$dir/password"
    as_owner "$bin/initdb" --pgdata="$dir/data" --username=trainlog --pwfile="$dir/password" \
        --auth-local=trust --auth-host=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 \
        --no-sync >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; die "initdb failed"; }
    for attempt in 1 2 3; do
        port="$(free_port)"
        # A test server: durability off (fsync, full pages, synchronous commit) for speed; room
        # for the connections that 8 concurrent writers and a suite's engines open.
        if as_owner "$bin/pg_ctl" --pgdata="$dir/data" --log="$dir/server.log" --wait --timeout=60 \
            -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=300 \
                $speed -c shared_buffers=128MB -c log_min_messages=warning" start >&2; then
            break
        fi
        ((attempt < 3)) || { tail -n 20 "$dir/server.log" >&2; die "the server did not start"; }
        log "port $port was taken; trying another"
    done
    printf '%s\n' "$port" >"$dir/port"
    as_owner "$bin/psql" -h "$dir" -p "$port" -U trainlog -d postgres -q -X \
        -c "CREATE DATABASE trainlog" >&2
    url "$dir"
}

url() {
    local dir="$1"
    [[ -f "$dir/port" && -f "$dir/password" ]] || die "no server was started in $dir"
    printf 'postgresql+psycopg://trainlog:%s@127.0.0.1:%s/trainlog\n' \
        "$(cat "$dir/password")" "$(cat "$dir/port")"
}

stop() {
    local dir="$1" bin
    [[ -d "$dir" ]] || return 0
    bin="$(bindir || true)"
    if [[ -n "$bin" && -f "$dir/data/postmaster.pid" ]]; then
        as_owner "$bin/pg_ctl" --pgdata="$dir/data" --mode=immediate --wait stop >&2 || true
    fi
    rm -rf "$dir"
}

case "${1:-}" in
    start) [[ $# == 2 || ( $# == 3 && "$3" == --durable ) ]] \
               || die "usage: $0 start DIR [--durable]"; start "$2" "${3:-}" ;;
    stop|url) [[ $# == 2 ]] || die "usage: $0 stop|url DIR"; "$1" "$2" ;;
    *) sed -n '2,18p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
