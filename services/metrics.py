"""The app's Prometheus counters, in one module that imports nothing of ours,
so that any service may count (served at /metrics, services/operations.py)."""

from prometheus_client import Counter, Histogram, disable_created_metrics

# Each series would carry a *_created twin holding the wall-clock second it was
# first counted: it doubles a scrape and tells a watcher nothing a restart
# counter does not.
disable_created_metrics()

REQUESTS = Counter(
    "lienthong_http_requests_total", "Requests answered, by route and status", ["route", "status"]
)
LATENCY = Histogram(
    "lienthong_http_request_seconds",
    "Time to answer, by route",
    ["route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
SUBMITS = Counter("lienthong_submits_total", "Dossiers filed (new, not replays)")
SMS_SENT = Counter("lienthong_sms_sent_total", "SMS the gateway accepted", ["kind"])
SMS_FAILED = Counter(
    "lienthong_sms_failed_total",
    "SMS attempts that failed, by outcome (unknown: timed out; retry; gave_up)",
    ["kind", "outcome"],
)
