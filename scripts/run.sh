#!/usr/bin/env bash
# `make run`: the app under gunicorn on loopback. With VNEID_DEV_PROVIDER=1 a
# TEST identity provider (tests/oidc_provider, never VNeID) runs beside it on
# VNEID_DEV_PORT, with the app registered as its client, so the whole VNeID
# path can be tried locally (accounts muc2 / me: level 2, muc1: level 1; the
# password is the account's name). It stops with the app.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${PORT:-5000}
BIN=.venv/bin

if [ "${VNEID_DEV_PROVIDER:-0}" = 1 ]; then
    DEV_PORT=${VNEID_DEV_PORT:-5001}
    SECRET=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
    CLIENTS=$(printf '[{"client_id":"dev-lienthong","client_secret":"%s","token_endpoint_auth_method":"client_secret_basic","require_auth_time":true,"redirect_uris":["http://127.0.0.1:%s/dang-nhap/vneid/ve","http://localhost:%s/dang-nhap/vneid/ve"],"post_logout_redirect_uris":["http://127.0.0.1:%s/dang-nhap/vneid/da-dang-xuat","http://localhost:%s/dang-nhap/vneid/da-dang-xuat"]}]' \
        "$SECRET" "$PORT" "$PORT" "$PORT" "$PORT")
    NODE=$(bash scripts/node-for-provider.sh)
    PORT=$DEV_PORT CLIENTS_JSON=$CLIENTS "$NODE" tests/oidc_provider/provider.mjs &
    PROVIDER=$!
    trap 'kill $PROVIDER 2>/dev/null || true' EXIT
    export VNEID_ISSUER="http://127.0.0.1:$DEV_PORT" VNEID_CLIENT_ID=dev-lienthong \
        VNEID_CLIENT_SECRET=$SECRET VNEID_DEV_PROVIDER=1
    echo "Nhà cung cấp định danh THỬ NGHIỆM (không phải VNeID): $VNEID_ISSUER - tài khoản muc2, me (mức 2), muc1 (mức 1); mật khẩu = tên tài khoản"
fi

SMS_BACKEND=${SMS_BACKEND:-file} "$BIN/gunicorn" --bind "127.0.0.1:$PORT" \
    --workers 1 --threads 8 --access-logfile - 'app:create_app()'
