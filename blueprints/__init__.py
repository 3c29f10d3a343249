"""Every blueprint, registered in one place so the access policy reads as one list.

- citizen: public pages (QR landing, commune search, tracking) and the
  signed-in citizen's wizard and dossiers (guarded by citizen_required).
- auth: phone sign-in; rate limited per phone and per IP.
- pwa: manifest, service worker, the offline app shell and offline page;
  nothing personal, so they may be cached.
- api: JSON under /api/v1; every state change needs the CSRF header, every
  draft, upload and dossier is looked up through its owner.
"""

from flask import Flask


def register_blueprints(app: Flask) -> None:
    from blueprints import auth, citizen, pwa
    from blueprints.api import bp as api_bp

    app.register_blueprint(citizen.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(pwa.bp)
    app.register_blueprint(api_bp)
