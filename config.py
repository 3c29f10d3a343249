"""Configuration read from the environment, with safe defaults for a bare machine."""

import os
import secrets
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = BASE_DIR / "instance"


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def _secret_key() -> str:
    """Keep one random key per install so sessions survive a restart.

    A key set in the environment always wins; otherwise the first start
    writes one under instance/ (never committed).
    """
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    key_file = INSTANCE_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


class Config:
    def __init__(self) -> None:
        self.SECRET_KEY = _secret_key()
        self.SQLALCHEMY_DATABASE_URI = os.environ.get(
            "DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'lienthong.sqlite3'}"
        )
        self.UPLOAD_DIR = os.environ.get("UPLOAD_DIR", str(INSTANCE_DIR / "uploads"))
        # Where photos live (services/photos/storage.py): "local" (UPLOAD_DIR)
        # or "s3" (an S3-compatible store: S3_BUCKET, S3_ENDPOINT_URL, S3_REGION,
        # S3_PREFIX; credentials from AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY).
        self.PHOTO_STORAGE = os.environ.get("PHOTO_STORAGE", "local")
        self.S3_BUCKET = os.environ.get("S3_BUCKET", "")
        self.S3_ENDPOINT_URL = os.environ.get("S3_ENDPOINT_URL", "")
        self.S3_REGION = os.environ.get("S3_REGION", "us-east-1")
        self.S3_PREFIX = os.environ.get("S3_PREFIX", "uploads/")
        self.S3_TIMEOUT_SECONDS = _env_int("S3_TIMEOUT_SECONDS", 5)
        self.MAX_UPLOAD_BYTES = _env_int("MAX_UPLOAD_BYTES", 10 * 1024 * 1024)
        self.MAX_IMAGE_PIXELS = _env_int("MAX_IMAGE_PIXELS", 40_000_000)
        # Photos decoded at once per process, each in a child process of low
        # priority (it may hold a few hundred MB of pixels for seconds); how
        # many more may wait for a turn, and for how long, before an upload
        # answers 503 with Retry-After (services/photos/uploads.py). Every
        # decoding or waiting photo holds a request thread: keep the sum well
        # under the server's threads per process (gunicorn --threads, 4).
        self.IMAGE_DECODE_CONCURRENCY = _env_int("IMAGE_DECODE_CONCURRENCY", 1)
        self.IMAGE_DECODE_QUEUE = _env_int("IMAGE_DECODE_QUEUE", 1)
        self.IMAGE_DECODE_WAIT_SECONDS = _env_int("IMAGE_DECODE_WAIT_SECONDS", 5)
        # Files under UPLOAD_DIR that no row names (a process killed between the
        # file and its row, a half-written .tmp) go once older than
        # UPLOAD_ORPHAN_SECONDS, swept every UPLOAD_SWEEP_SECONDS: within 45 min.
        self.UPLOAD_ORPHAN_SECONDS = _env_int("UPLOAD_ORPHAN_SECONDS", 1800)
        self.UPLOAD_SWEEP_SECONDS = _env_int("UPLOAD_SWEEP_SECONDS", 900)
        # Whole request bodies: one photo plus the multipart envelope.
        self.MAX_CONTENT_LENGTH = self.MAX_UPLOAD_BYTES + 256 * 1024
        self.MAX_JSON_BYTES = _env_int("MAX_JSON_BYTES", 256 * 1024)
        # Arrays/objects inside one another: our bodies nest 4 deep at most;
        # 2,000 levels overflowed the parser's and the validator's recursion.
        self.MAX_JSON_DEPTH = _env_int("MAX_JSON_DEPTH", 32)
        # `flask purge` deletes unsubmitted drafts untouched this long, with
        # their photos, and photos linked to nothing (services/dossiers/retention.py).
        self.DRAFT_RETENTION_DAYS = _env_int("DRAFT_RETENTION_DAYS", 30)
        # Drafts one citizen may hold unsubmitted at once, and may start (Flask-Limiter syntax).
        self.MAX_OPEN_DRAFTS = _env_int("MAX_OPEN_DRAFTS", 20)
        self.DRAFT_CREATE_LIMIT = os.environ.get("DRAFT_CREATE_LIMIT", "30 per hour")

        self.SMS_BACKEND = os.environ.get("SMS_BACKEND", "console")
        self.SMS_OUTBOX_FILE = os.environ.get(
            "SMS_OUTBOX_FILE", str(INSTANCE_DIR / "sms-outbox.jsonl")
        )
        self.SMS_HTTP_URL = os.environ.get("SMS_HTTP_URL", "")
        self.SMS_HTTP_API_KEY = os.environ.get("SMS_HTTP_API_KEY", "")
        self.SMS_HTTP_TIMEOUT = _env_int("SMS_HTTP_TIMEOUT", 10)
        self.SMS_CONSOLE_REVEAL = os.environ.get("SMS_CONSOLE_REVEAL", "0") == "1"
        # Codes are outbox rows (priority 0) sent by threads of their own
        # (services/messages/code_sender.py): this many per process, at most
        # SMS_CODE_QUEUE more waiting for one (past it the background worker
        # takes them). The request waits SMS_CODE_WAIT_SECONDS (0: not at all)
        # for the gateway; the code page says "Đang gửi mã…" until it is sent.
        self.SMS_CODE_SENDERS = _env_int("SMS_CODE_SENDERS", 16)
        self.SMS_CODE_QUEUE = _env_int("SMS_CODE_QUEUE", 200)
        self.SMS_CODE_WAIT_SECONDS = float(os.environ.get("SMS_CODE_WAIT_SECONDS") or 0)
        # A code not handed to the gateway within this is given up (the page
        # says so, "Gửi lại mã" works at once); a failed attempt is tried again
        # after SMS_CODE_RETRY_SECONDS with the same reference; a sender that
        # died holds a code no longer than SMS_CODE_LEASE_SECONDS.
        self.SMS_CODE_DEADLINE_SECONDS = _env_int("SMS_CODE_DEADLINE_SECONDS", 120)
        self.SMS_CODE_RETRY_SECONDS = _env_int("SMS_CODE_RETRY_SECONDS", 5)
        self.SMS_CODE_LEASE_SECONDS = _env_int("SMS_CODE_LEASE_SECONDS", 30)
        # The background worker, woken by a commit that added messages, waits
        # this long for more before its pass (services.background): a receipt
        # SMS leaves a fifth of a second later, and a busy hour's receipts
        # cost the database one write per pass instead of two per message.
        self.NOTIFY_GATHER_SECONDS = float(os.environ.get("NOTIFY_GATHER_SECONDS") or 0.2)
        # The gateway's delivery receipts (POST /sms/bao-nhan) carry this as
        # "Authorization: Bearer ..."; empty: receipts are refused.
        self.SMS_RECEIPT_TOKEN = os.environ.get("SMS_RECEIPT_TOKEN", "")

        self.OTP_TTL_SECONDS = _env_int("OTP_TTL_SECONDS", 300)
        self.OTP_MAX_ATTEMPTS = _env_int("OTP_MAX_ATTEMPTS", 5)
        self.OTP_RESEND_SECONDS = _env_int("OTP_RESEND_SECONDS", 60)
        self.OTP_PER_PHONE_PER_HOUR = _env_int("OTP_PER_PHONE_PER_HOUR", 5)  # codes sent
        # Wrong codes in a row per phone, across its codes, before its codes
        # are locked for OTP_LOCK_SECONDS (NIST SP 800-63B 5.2.2: at most 100).
        self.OTP_MAX_FAILURES = _env_int("OTP_MAX_FAILURES", 100)
        self.OTP_LOCK_SECONDS = _env_int("OTP_LOCK_SECONDS", 86400)
        # SMS of every kind in any hour; past it new codes wait, and the log
        # says so (level ERROR).
        self.SMS_BUDGET_PER_HOUR = _env_int("SMS_BUDGET_PER_HOUR", 1000)
        # Per address (Flask-Limiter syntax): codes sent, and wrong codes
        # entered. High enough for a commune office's Wi-Fi or a carrier's
        # shared address on a busy morning; the office's own addresses
        # (OFFICE_NETWORKS, CIDR, comma-separated) have no per-address limit.
        self.SIGN_IN_ADDRESS_LIMIT = os.environ.get("SIGN_IN_ADDRESS_LIMIT", "200/hour")
        self.SIGN_IN_GUESS_ADDRESS_LIMIT = os.environ.get("SIGN_IN_GUESS_ADDRESS_LIMIT", "300/hour")
        self.OFFICE_NETWORKS = os.environ.get("OFFICE_NETWORKS", "")

        # Passkeys (WebAuthn). The RP ID is the bare domain the passkeys belong to
        # (no scheme, no port; an IP address is not allowed by browsers). Left
        # empty, it and the allowed origin follow the address the page was opened
        # with, which suits development on http://localhost:<port>; a deployment
        # sets WEBAUTHN_RP_ID (and WEBAUTHN_ORIGINS when the site has more than
        # https://<RP ID>), so a forged Host header can never choose them.
        self.WEBAUTHN_RP_ID = os.environ.get("WEBAUTHN_RP_ID", "").strip().lower()
        self.WEBAUTHN_ORIGINS = [
            o.strip().rstrip("/")
            for o in os.environ.get("WEBAUTHN_ORIGINS", "").split(",")
            if o.strip()
        ]
        self.WEBAUTHN_RP_NAME = os.environ.get("WEBAUTHN_RP_NAME", "Dịch vụ công liên thông")
        self.WEBAUTHN_CHALLENGE_SECONDS = _env_int("WEBAUTHN_CHALLENGE_SECONDS", 300)
        # Refused passkey sign-ins allowed per IP (Flask-Limiter syntax).
        self.PASSKEY_SIGN_IN_LIMIT = os.environ.get("PASSKEY_SIGN_IN_LIMIT", "30/hour")
        # Officers need a passkey after their password. Not read from the
        # environment on purpose: only a test's create_app(config) can lift it.
        self.OFFICER_PASSKEY_REQUIRED = True

        # Wrong code-and-digits guesses at the status lookup (API and page
        # together): per address, and per dossier code from all addresses.
        self.TRACKING_ADDRESS_GUESS_LIMIT = os.environ.get(
            "TRACKING_ADDRESS_GUESS_LIMIT", "30/hour"
        )
        self.TRACKING_CODE_GUESS_LIMIT = os.environ.get("TRACKING_CODE_GUESS_LIMIT", "10/day")
        # A lookup whose answer is already kept is sent below Flask's request
        # machinery (blueprints/api/status_fast_path.py); 0 sends every lookup
        # through Flask, as the tests that compare the two do.
        self.STATUS_FAST_PATH = os.environ.get("STATUS_FAST_PATH", "1") == "1"

        # memory:// counts per process: several workers or hosts each add their
        # own allowance. redis://host:6379/0 shares the counts (the redis
        # client is pinned). Redis unreachable: each process falls back to its
        # own in-memory counts, with a log line, and checks Redis again.
        self.RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
        self.RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
        # A route's limit whose storage fails after another thread already
        # switched to the fallback is logged and let through (once), not a
        # 500: Flask-Limiter falls back only on the first failure it sees.
        self.RATELIMIT_SWALLOW_ERRORS = True
        if self.RATELIMIT_STORAGE_URI.startswith(("redis://", "rediss://", "redis+")):
            # A Redis that is down answers in half a second, not the TCP timeout.
            wait = float(os.environ.get("RATELIMIT_REDIS_TIMEOUT_SECONDS") or 0.5)
            self.RATELIMIT_STORAGE_OPTIONS = {
                "socket_connect_timeout": wait,
                "socket_timeout": wait,
            }
        self.RATELIMIT_ENABLED = os.environ.get("RATELIMIT_ENABLED", "1") == "1"
        self.RATELIMIT_HEADERS_ENABLED = True

        # services/operations.py: a database that cannot be reached answers
        # 503 with this Retry-After; /metrics answers only these networks.
        # "json": one JSON object a line on stderr (services/logs.py); "text": as before.
        self.LOG_FORMAT = os.environ.get("LOG_FORMAT", "text")
        self.DATABASE_RETRY_AFTER_SECONDS = _env_int("DATABASE_RETRY_AFTER_SECONDS", 5)
        self.METRICS_NETWORKS = os.environ.get("METRICS_NETWORKS", "127.0.0.1/32,::1/128")

        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        # Also Secure, whatever this says, on every request that came over https.
        self.SESSION_COOKIE_SECURE = os.environ.get("SESSION_COOKIE_SECURE", "0") == "1"
        # Number of reverse proxies in front (0: none). Set it only behind one
        # that overwrites X-Forwarded-For/-Proto/-Host: they are trusted then.
        self.TRUST_PROXY = _env_int("TRUST_PROXY", 0)
        self.PERMANENT_SESSION_LIFETIME = _env_int("SESSION_DAYS", 30) * 86400
        # The cookie is sent again only when the session changed (or its
        # server row was touched, so the 30 days still slide: sessions._check).
        # Re-sent on every answer, a late one (a static file the page left
        # behind had asked for) put back the older cookie it came with, and
        # the next form's CSRF secret with it was gone.
        self.SESSION_REFRESH_EACH_REQUEST = False
        self.WTF_CSRF_TIME_LIMIT = None  # tied to the session; long forms on slow phones

        # Sign-in with the national e-ID (VNeID) over OpenID Connect
        # (services/identity/vneid). Off, and the choice shown as unavailable,
        # until the issuer and the client are set.
        self.VNEID_ISSUER = os.environ.get("VNEID_ISSUER", "").strip().rstrip("/")
        self.VNEID_CLIENT_ID = os.environ.get("VNEID_CLIENT_ID", "").strip()
        # client_secret_basic (VNEID_CLIENT_SECRET) or private_key_jwt
        # (VNEID_PRIVATE_KEY_FILE: a PEM or JWK private key registered with the provider).
        self.VNEID_CLIENT_AUTH = os.environ.get("VNEID_CLIENT_AUTH", "client_secret_basic")
        self.VNEID_CLIENT_SECRET = os.environ.get("VNEID_CLIENT_SECRET", "")
        self.VNEID_PRIVATE_KEY_FILE = os.environ.get("VNEID_PRIVATE_KEY_FILE", "")
        self.VNEID_SCOPES = os.environ.get("VNEID_SCOPES", "openid profile phone address vneid")
        # Claims: the assurance level, and the values of it that may file a dossier.
        self.VNEID_LEVEL_CLAIM = os.environ.get("VNEID_LEVEL_CLAIM", "acr")
        self.VNEID_FILING_LEVELS = [
            v.strip() for v in os.environ.get("VNEID_FILING_LEVELS", "2").split(",") if v.strip()
        ]
        self.VNEID_ID_CLAIM = os.environ.get("VNEID_ID_CLAIM", "personal_id")
        # Seconds the app waits for the provider (discovery, token, keys).
        self.VNEID_TIMEOUT_SECONDS = float(os.environ.get("VNEID_TIMEOUT_SECONDS", "8"))
        # Set by `make run VNEID_DEV_PROVIDER=1` (scripts/run.sh): the issuer is the
        # test identity provider, and the pages say so.
        self.VNEID_DEV_PROVIDER = os.environ.get("VNEID_DEV_PROVIDER", "0") == "1"
        # Starts and stops at the provider per address (Flask-Limiter syntax).
        self.VNEID_START_LIMIT = os.environ.get("VNEID_START_LIMIT", "60/hour")
        # Procedures whose declaration the citizen may confirm at submit (SMS code
        # or passkey) instead of photographing a signed paper, per province:
        # "<province code>:<procedure id>, ..." with * for any (domain/declarations.py).
        # Empty: the signed paper is always asked for, as the commune guide says.
        self.ELECTRONIC_DECLARATION = os.environ.get("ELECTRONIC_DECLARATION", "")

        # The demo commune's justice officer: configuration, never a real person.
        self.DEMO_OFFICER_NAME = os.environ.get(
            "DEMO_OFFICER_NAME", "Công chức Tư pháp - Hộ tịch (số minh họa)"
        )
        self.DEMO_OFFICER_PHONE = os.environ.get("DEMO_OFFICER_PHONE", "0123 456 789")
        self.DEMO_OFFICE_HOURS = os.environ.get(
            "DEMO_OFFICE_HOURS", "Thứ Hai - Thứ Sáu, 7:30 - 11:30 và 13:30 - 17:00"
        )
