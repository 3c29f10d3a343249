"""The whole stack at once (`make test-stack`, started by scripts/test-stack.sh):
citizens file dossiers over https through nginx, which spreads them over two
app instances on one PostgreSQL, one Redis and one S3 server; Redis and
PostgreSQL are restarted mid-run. Then the counts: every acknowledged dossier
is stored, none twice, each SMS reached the gateway once, and a rate limit
held across both instances.

Run by the script (the environment names the parts); exits non-zero on a
failed count. Every request retries on 503 and on a broken connection with the
same idempotency key, as the phone's outbox does.
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import requests
from PIL import Image
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

BASE = os.environ["STACK_URL"]  # https://127.0.0.1:PORT (nginx)
CA = os.environ["STACK_CA"]
DATABASE_URL = os.environ["DATABASE_URL"]
CITIZENS = int(os.environ.get("STACK_CITIZENS", "8"))


class Gateway:
    """The SMS gateway, honouring references and counting deliveries per reference."""

    def __init__(self, port: int) -> None:
        self.deliveries: Counter[str] = Counter()
        self.requests = 0
        self.codes: dict[str, str] = {}
        self.lock = threading.Lock()
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with gateway.lock:
                    gateway.requests += 1
                    reference = body.get("reference") or f"none-{gateway.requests}"
                    if reference not in gateway.deliveries:
                        found = re.search(r"\b(\d{6})\b", body["message"])
                        if found and "Ma " in body["message"]:
                            gateway.codes[body["to"]] = found.group(1)
                    gateway.deliveries[reference] += 1
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, format, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def code_for(self, phone: str, after: str | None = None) -> str:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with self.lock:
                code = self.codes.get(phone)
            if code and code != after:
                return code
            time.sleep(0.1)
        raise RuntimeError(f"no code reached the gateway for {phone[:5]}…")


def jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (800, 600), (200, 180, 160)).save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


def retrying(call, attempts: int = 40):
    """The phone's outbox: again on 503 or a broken connection, same request."""
    last = None
    for _ in range(attempts):
        try:
            response = call()
        except requests.RequestException as error:
            last = type(error).__name__
            time.sleep(0.5)
            continue
        if response.status_code in (502, 503, 504):
            last = f"{response.status_code} {response.request.method} {response.request.path_url}"
            time.sleep(min(float(response.headers.get("Retry-After") or 1), 2))
            continue
        return response
    raise RuntimeError(f"no answer after {attempts} tries (last: {last})")


class Citizen:
    def __init__(self, n: int, gateway: Gateway) -> None:
        self.phone = f"+8491{n:07d}"
        self.local = "0" + self.phone[3:]
        self.gateway = gateway
        self.http = requests.Session()
        self.http.trust_env = False  # REQUESTS_CA_BUNDLE would override `verify`; no proxy
        self.http.verify = CA
        # As a browser does: Flask-WTF checks the Referer of every https POST.
        self.http.headers["Referer"] = f"{BASE}/"
        self.token = ""

    def _csrf(self, html: str) -> str:
        return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)

    def sign_in(self) -> None:
        page = retrying(lambda: self.http.get(f"{BASE}/dang-nhap/so-dien-thoai"))
        form = {"phone": self.local, "csrf_token": self._csrf(page.text)}
        retrying(lambda: self.http.post(f"{BASE}/dang-nhap/so-dien-thoai", data=form))
        code = self.gateway.code_for(self.phone)
        page = retrying(lambda: self.http.get(f"{BASE}/dang-nhap/nhap-ma"))
        form = {"code": code, "csrf_token": self._csrf(page.text)}
        retrying(lambda: self.http.post(f"{BASE}/dang-nhap/nhap-ma", data=form))
        self.token = retrying(lambda: self.http.get(f"{BASE}/api/v1/csrf-token")).json()["token"]

    def api(self, method: str, path: str, **kw):
        headers = {"X-CSRFToken": self.token}
        url = f"{BASE}/api/v1{path}"
        return retrying(lambda: self.http.request(method, url, headers=headers, **kw))

    def file_dossier(self) -> dict:
        from domain import validation
        from domain.catalog import CATALOG
        from tests.domain.sample_answers import valid_birth_answers

        group = next(g for g in CATALOG["groups"] if g["id"] == "khai-sinh")
        procedures = group["procedures"][: group["max"]]
        answers = validation.clean_answers("khai-sinh", procedures, valid_birth_answers())
        draft_id = str(uuid.uuid4())
        body = {"commune_code": "05665", "group_id": "khai-sinh", "procedure_ids": procedures,
                "answers": answers}  # fmt: skip
        answer = self.api("PUT", f"/drafts/{draft_id}", json=body)
        assert answer.status_code in (200, 201), answer.text
        photo = jpeg()
        for attachment in validation.attachments_for("khai-sinh", procedures, answers):
            if attachment.get("required"):
                client_id = uuid.uuid4().hex
                answer = self.api(
                    "POST", f"/drafts/{draft_id}/uploads",
                    data={"attachment_id": attachment["id"], "client_id": client_id},
                    files={"file": ("trang.jpg", photo, "image/jpeg")},
                )  # fmt: skip
                assert answer.status_code in (200, 201), answer.text
        before = self.gateway.codes.get(self.phone)
        answer = self.api("POST", f"/drafts/{draft_id}/confirmation-code")
        assert answer.status_code == 200, answer.text
        code = self.gateway.code_for(self.phone, after=before)
        key = uuid.uuid4().hex
        answer = self.api(
            "POST", "/dossiers",
            json={"draft_id": draft_id, "idempotency_key": key, "confirmation_code": code},
        )  # fmt: skip
        assert answer.status_code in (200, 201), answer.text
        return {"key": key, "code": answer.json()["code"]}


def restart(command: str) -> None:
    subprocess.run(["/bin/bash", "-c", command], check=True)  # noqa: S603 - the script's own


def main() -> int:
    gateway = Gateway(int(os.environ["STACK_GATEWAY_PORT"]))
    acknowledged: list[dict] = []
    errors: list[str] = []
    lock = threading.Lock()

    def citizen_files(n: int) -> None:
        try:
            citizen = Citizen(n, gateway)
            citizen.sign_in()
            for _ in range(2):
                filed = citizen.file_dossier()
                with lock:
                    acknowledged.append(filed)
        except Exception as error:  # noqa: BLE001 - counted below
            with lock:
                errors.append(f"{type(error).__name__}: {error}"[:300])

    started = time.monotonic()
    threads = [threading.Thread(target=citizen_files, args=(n,)) for n in range(CITIZENS)]
    for thread in threads:
        thread.start()
    time.sleep(3)
    print("restarting Redis mid-run", flush=True)
    restart(os.environ["STACK_RESTART_REDIS"])
    time.sleep(2)
    print("restarting PostgreSQL mid-run", flush=True)
    restart(os.environ["STACK_RESTART_PG"])
    for thread in threads:
        thread.join(300)

    # A limit across both instances: nginx alternates them, the count is Redis's.
    lookups = requests.Session()
    lookups.trust_env = False
    lookups.verify = CA
    statuses = [
        retrying(lambda: lookups.post(
            f"{BASE}/api/v1/status", json={"code": "X05665-261202-9999", "phone_last4": "0000"}
        )).status_code
        for _ in range(7)
    ]  # fmt: skip
    time.sleep(3)  # the receipts' SMS leave the outbox

    engine = create_engine(DATABASE_URL)
    with engine.connect() as connection:
        stored = connection.execute(text("SELECT code FROM dossiers")).scalars().all()
        receipts = (
            connection.execute(
                text(
                    "SELECT reference FROM notifications "
                    "WHERE channel = 'sms' AND sent_at IS NOT NULL"
                )
            )
            .scalars()
            .all()
        )
        per_dossier = (
            connection.execute(
                text(
                    "SELECT count(*) FROM notifications WHERE channel = 'sms' "
                    "AND dossier_id IS NOT NULL GROUP BY dossier_id"
                )
            )
            .scalars()
            .all()
        )
    engine.dispose()
    codes = [a["code"] for a in acknowledged]
    counts = {
        "citizens": CITIZENS,
        "acknowledged": len(codes),
        "stored": len(stored),
        "acknowledged_not_stored": len(set(codes) - set(stored)),
        "duplicates": len(stored) - len(set(stored)),
        "sms_references": len(gateway.deliveries),
        "sms_sent_rows": len(receipts),
        # One receipt SMS per dossier, each one message at the gateway: a
        # reference sent again (a retry) is counted here, not delivered twice.
        "receipt_sms_per_dossier": sorted(Counter(per_dossier).items()),
        "sms_sent_not_at_gateway": len(set(receipts) - set(gateway.deliveries)),
        "references_sent_again": sum(1 for n in gateway.deliveries.values() if n > 1),
        "gateway_requests": gateway.requests,
        "wrong_lookups": statuses,
        "errors": errors,
        "seconds": round(time.monotonic() - started, 1),
    }
    print(json.dumps(counts, indent=1, ensure_ascii=False), flush=True)
    ok = (
        not errors
        and counts["acknowledged"] == 2 * CITIZENS
        and counts["acknowledged_not_stored"] == 0
        and counts["duplicates"] == 0
        and counts["stored"] == counts["acknowledged"]
        and counts["sms_sent_not_at_gateway"] == 0
        and per_dossier == [1] * len(stored)
        and statuses[-1] == 429  # TRACKING_ADDRESS_GUESS_LIMIT 5/hour, across both
    )
    print("test-stack:", "OK" if ok else "FAILED", flush=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
