#!/usr/bin/env bash
# make test-stack: nginx (TLS, a throwaway certificate) in front of two app
# instances on one PostgreSQL, one Redis and moto's S3 server, all on loopback,
# started here and stopped on exit; scripts/stack_check.py files dossiers
# through nginx, restarts Redis and PostgreSQL mid-run, and prints the counts.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BIN=$ROOT/.venv/bin
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
for need in "$PGBIN/initdb" /usr/sbin/nginx "$(command -v redis-server)" /usr/bin/openssl; do
    [ -x "$need" ] || { echo "missing $need: make postgresql redis nginx" >&2; exit 1; }
done
DIR=$(mktemp -d /tmp/lienthong-stack.XXXXXX)
free_port() { "$BIN/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
PG_PORT=$(free_port); REDIS_PORT=$(free_port); S3_PORT=$(free_port); GW_PORT=$(free_port)
APP1=$(free_port); APP2=$(free_port); TLS_PORT=$(free_port)
PIDS=()
RUN=()
if [ "$(id -u)" = 0 ]; then chown postgres "$DIR"; RUN=(runuser -u postgres --); fi
stop() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    [ -f "$DIR/nginx.pid" ] && kill "$(cat "$DIR/nginx.pid")" 2>/dev/null || true
    "${RUN[@]}" "$PGBIN/pg_ctl" -D "$DIR/pg" -m immediate stop >/dev/null 2>&1 || true
    [ -f "$DIR/redis.pid" ] && kill "$(cat "$DIR/redis.pid")" 2>/dev/null || true
    wait 2>/dev/null || true
    rm -rf "$DIR"
}
trap stop EXIT
START=$(date +%s)

# PostgreSQL
"${RUN[@]}" "$PGBIN/initdb" -D "$DIR/pg" -U test -A trust -E UTF8 --locale=C.UTF-8 --no-sync >/dev/null
PG_START=("${RUN[@]}" "$PGBIN/pg_ctl" -D "$DIR/pg" -l "$DIR/pg.log" -w -s)
PG_OPTS="-h 127.0.0.1 -p $PG_PORT -k $DIR -c max_connections=100"
"${PG_START[@]}" start -o "$PG_OPTS"
export DATABASE_URL="postgresql+psycopg://test@127.0.0.1:$PG_PORT/postgres"

# Redis
REDIS=(redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no \
       --dir "$DIR" --daemonize yes --pidfile "$DIR/redis.pid")
"${REDIS[@]}"

# S3 (moto's server) and its bucket
"$BIN/python" -m moto.server -H 127.0.0.1 -p "$S3_PORT" >"$DIR/s3.log" 2>&1 & PIDS+=($!)
export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$S3_PORT/moto-api/" >/dev/null && break; sleep 0.2; done
"$BIN/python" -c "import boto3; boto3.client('s3', endpoint_url='http://127.0.0.1:$S3_PORT').create_bucket(Bucket='stack')"

# The app: migrate and seed once, then two instances
export SECRET_KEY=stack-secret RATELIMIT_STORAGE_URI="redis://127.0.0.1:$REDIS_PORT/0" \
    PHOTO_STORAGE=s3 S3_BUCKET=stack S3_ENDPOINT_URL="http://127.0.0.1:$S3_PORT" \
    SMS_BACKEND=http SMS_HTTP_URL="http://127.0.0.1:$GW_PORT/sms" SMS_HTTP_API_KEY=stack \
    SMS_HTTP_TIMEOUT=5 TRUST_PROXY=1 PUBLIC_BASE_URL="https://127.0.0.1:$TLS_PORT" \
    SIGN_IN_ADDRESS_LIMIT=1000/hour TRACKING_ADDRESS_GUESS_LIMIT=5/hour \
    SMS_BUDGET_PER_HOUR=100000 UPLOAD_DIR="$DIR/uploads"
"$BIN/flask" --app app db upgrade >/dev/null 2>&1
"$BIN/flask" --app app enable-commune 05665 --officer-name "Cán bộ" --officer-phone "0123 456 789" >/dev/null
for port in "$APP1" "$APP2"; do
    "$BIN/gunicorn" --bind "127.0.0.1:$port" --workers 2 --threads 4 'app:create_app()' \
        >"$DIR/app-$port.log" 2>&1 & PIDS+=($!)
done
for port in "$APP1" "$APP2"; do
    for _ in $(seq 150); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done
done

# nginx with a throwaway certificate
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=127.0.0.1" \
    -addext "subjectAltName=IP:127.0.0.1" -keyout "$DIR/key.pem" -out "$DIR/cert.pem" 2>/dev/null
cat >"$DIR/nginx.conf" <<CONF
worker_processes 1;
pid $DIR/nginx.pid;
error_log $DIR/nginx-error.log;
events { worker_connections 256; }
http {
    access_log off;
    client_body_temp_path $DIR/nginx-body;
    proxy_temp_path $DIR/nginx-proxy;
    fastcgi_temp_path $DIR/nginx-fcgi;
    uwsgi_temp_path $DIR/nginx-uwsgi;
    scgi_temp_path $DIR/nginx-scgi;
    upstream lienthong { server 127.0.0.1:$APP1 max_fails=0; server 127.0.0.1:$APP2 max_fails=0; }
    server {
        listen 127.0.0.1:$TLS_PORT ssl;
        ssl_certificate $DIR/cert.pem;
        ssl_certificate_key $DIR/key.pem;
        client_max_body_size 12m;
        location / {
            proxy_pass http://lienthong;
            proxy_set_header Host \$host:\$server_port;
            proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto \$scheme;
            proxy_set_header X-Forwarded-Host \$host:\$server_port;
            proxy_next_upstream error timeout;
        }
    }
}
CONF
/usr/sbin/nginx -c "$DIR/nginx.conf" -e "$DIR/nginx-error.log"

export STACK_URL="https://127.0.0.1:$TLS_PORT" STACK_CA="$DIR/cert.pem" STACK_GATEWAY_PORT=$GW_PORT
export STACK_RESTART_REDIS="kill \$(cat $DIR/redis.pid); sleep 1; redis-server --port $REDIS_PORT \
    --bind 127.0.0.1 --save '' --appendonly no --dir $DIR --daemonize yes --pidfile $DIR/redis.pid"
export STACK_RESTART_PG="${PG_START[*]} restart -m fast -o '$PG_OPTS'"
set +e
"$BIN/python" scripts/stack_check.py
STATUS=$?
set -e
echo "test-stack took $(( $(date +%s) - START )) s"
if [ $STATUS -ne 0 ]; then
    mkdir -p /tmp/lienthong-stack-logs && cp "$DIR"/*.log /tmp/lienthong-stack-logs/
    echo "the parts' logs: /tmp/lienthong-stack-logs" >&2
fi
exit $STATUS
