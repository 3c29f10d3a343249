"""Every blueprint, registered in one place so the access policy reads as one list.

- citizen: public pages (QR landing, commune search, tracking) and the
  signed-in citizen's wizard and dossiers (guarded by citizen_required).
- helping (/x/<commune>/giup): public; a helper turns on the "giúp người dân"
  mode on the citizen's phone (a cookie with a role only, CSRF-checked POST).
- vneid (/dang-nhap/vneid): sign-in with the national e-ID over OpenID Connect
  (off until VNEID_ISSUER and the client are set); starts rate limited per IP;
  linking is a POST with a CSRF token from a signed-in phone account.
- auth: phone sign-in; rate limited per phone and per IP. The passkey
  sign-in is JSON under api (rate limited per IP, failed answers counted).
- account (/tai-khoan): the signed-in citizen's passkeys (citizen_required);
  every change is a POST with a CSRF token.
- papers: the signed-in citizen's filled declarations (PDF) of their own
  drafts only (citizen_required, looked up through the owner); no-store.
- pwa: manifest, service worker, the offline app shell and offline page;
  nothing personal, so they may be cached.
- api: JSON under /api/v1; every state change needs the CSRF header, every
  draft, upload and dossier is looked up through its owner.
- office (/can-bo): officers only (officer_required; session key officer_id,
  never the citizen's citizen_id). Sign-in by username and argon2 password,
  rate limited per IP and per username, failed attempts only. Every dossier,
  photo and action is looked up through services.desk.office.officer_dossier: an
  officer of another commune, or of an agency the dossier has not reached,
  gets 404; an action the role may not do gets 403 (domain.workflow). The
  commune admin (quan-tri) has settings, posters and statistics, no dossiers.
  Every state change is a POST with a CSRF token.
- counter (/ma-qr/<commune>): public full-screen QR for the office counter;
  shows only the commune's public /x/<code> link.
"""

from flask import Flask


def register_blueprints(app: Flask) -> None:
    from blueprints import account, auth, citizen, helping, papers, pwa, vneid
    from blueprints.api import bp as api_bp

    app.register_blueprint(citizen.bp)
    app.register_blueprint(helping.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(vneid.bp)
    app.register_blueprint(account.bp)
    app.register_blueprint(papers.bp)
    app.register_blueprint(pwa.bp)
    app.register_blueprint(api_bp)

    from blueprints.office import bp as office_bp
    from blueprints.office.counter import bp as counter_bp

    app.register_blueprint(office_bp)
    app.register_blueprint(counter_bp)
