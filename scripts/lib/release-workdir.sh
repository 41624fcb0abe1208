# Shared setup of the benchmark and soak scripts (sourced): builds the release binaries, sets BIN to their
# folder, makes a throwaway WORK folder with a self-signed certificate (cert.pem, key.pem), and kills
# every process whose pid is added to PIDS, then removes WORK, when the script exits.
#
#   source scripts/lib/release-workdir.sh NAME     (WORK is /tmp/NAME.XXXXXX)
swift build -c release 2>&1 | tail -n 1
BIN=$(swift build -c release --show-bin-path)
WORK=$(mktemp -d "/tmp/$1.XXXXXX")
export DATA_DIR="$WORK/data"
PIDS=()
cleanup() { for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj '/CN=localhost' -keyout "$WORK/key.pem" -out "$WORK/cert.pem" 2>/dev/null
