"""How the tests and the benchmarks launch Debian's Chromium (one place for the flags)."""

CHROMIUM = "/usr/bin/chromium"
# No sandbox (containers without user namespaces), no GPU, and nothing that
# would make Chromium call a Google service on its own.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
