"""What makes the site an installable app: manifest, service worker, shells."""

import hashlib
import json
from functools import cache
from pathlib import Path

from flask import Blueprint, Response, current_app, render_template

bp = Blueprint("pwa", __name__)
ROOT = Path(__file__).resolve().parent.parent
# Files the citizen's app needs with no network; office pages stay online-only.
SHELL_PAGES = ["/ung-dung", "/ngoai-tuyen"]


def _shell_assets() -> list[str]:
    static = ROOT / "static"
    files = sorted(static.glob("js/*.js")) + [static / "css/app.css"]
    files += sorted(static.glob("icons/*.png"))
    return [
        "/static/" + str(f.relative_to(static)) for f in files if not f.name.startswith("office")
    ]


@cache
def _worker(salt: str) -> tuple[str, str]:
    """The service worker's source with its version and precache list.

    The version is a hash of everything it caches, so any change to the app
    installs a new worker, and nothing else does.
    """
    source = (ROOT / "service-worker.js").read_text()
    assets = _shell_assets()
    digest = hashlib.sha256(salt.encode() + source.encode())
    for url in assets:
        digest.update((ROOT / url.lstrip("/")).read_bytes())
    for name in ("citizen/app_shell.html", "citizen/offline.html", "base.html"):
        digest.update((ROOT / "templates" / name).read_bytes())
    version = digest.hexdigest()[:12]
    precache = [*SHELL_PAGES, "/manifest.json", *assets]
    body = source.replace("'__VERSION__'", json.dumps(version)).replace(
        "__PRECACHE__", json.dumps(precache)
    )
    return body, version


@bp.get("/service-worker.js")
def service_worker():
    body, version = _worker(current_app.config.get("PWA_VERSION_SALT", ""))
    response = Response(body, mimetype="text/javascript")
    # Browsers check for a new worker on every visit; it must not be cached.
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Service-Worker-Allowed"] = "/"
    response.headers["X-App-Version"] = version
    return response


@bp.get("/manifest.json")
def manifest():
    response = Response((ROOT / "manifest.json").read_bytes(), mimetype="application/manifest+json")
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/ung-dung")
def app_shell():
    """The wizard's page with nothing personal in it, cached for offline use."""
    response = Response(render_template("citizen/app_shell.html"))
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/ngoai-tuyen")
def offline():
    response = Response(render_template("citizen/offline.html"))
    response.headers["Cache-Control"] = "no-cache"
    return response
