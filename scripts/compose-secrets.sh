#!/usr/bin/env bash
# Writes the secrets compose.yaml mounts (deploy/secrets/, kept out of git), once: the Wire service credential,
# the Redis and PostgreSQL passwords and the URLs that carry them, the gateway's admin API key and JWT secret, and
# a self-signed TLS certificate for the gateway (replace gateway_tls_cert/key with a real one in production).
# Existing files are kept, so running it again never rotates anything by accident.
#
#   scripts/compose-secrets.sh [directory=deploy/secrets]
set -euo pipefail
cd "$(dirname "$0")/.."
DIR=${1:-deploy/secrets}
mkdir -p "$DIR"
chmod 700 "$DIR"
random() { openssl rand -hex "$1"; }
write() {  # write NAME VALUE: only when the file is missing; readable by the containers' user (uid 10001)
    [ -s "$DIR/$1" ] && return 0
    printf '%s\n' "$2" > "$DIR/$1"
    chmod 644 "$DIR/$1"
    echo "wrote $DIR/$1"
}
write wire_credential "$(random 32)"
write redis_password "$(random 24)"
write redis_url "redis://:$(tr -d '\n' < "$DIR/redis_password")@redis:6379/0"
write postgres_password "$(random 24)"
write database_url "postgresql://conversation:$(tr -d '\n' < "$DIR/postgres_password")@postgres:5432/conversation"
write admin_api_key "adm_$(random 24)"
write jwt_secret "$(random 32)"
if [ ! -s "$DIR/gateway_tls_cert" ] || [ ! -s "$DIR/gateway_tls_key" ]; then
    openssl req -x509 -newkey rsa:2048 -nodes -days 825 -subj '/CN=localhost' -addext 'subjectAltName=DNS:localhost,DNS:gateway,IP:127.0.0.1' \
        -keyout "$DIR/gateway_tls_key" -out "$DIR/gateway_tls_cert" 2>/dev/null
    chmod 644 "$DIR/gateway_tls_key" "$DIR/gateway_tls_cert"
    echo "wrote $DIR/gateway_tls_cert, $DIR/gateway_tls_key (self-signed)"
fi
echo "admin API key: $(cat "$DIR/admin_api_key")"
