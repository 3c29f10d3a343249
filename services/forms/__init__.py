"""The filled declarations of a draft or dossier, and what their QR says.

A draft gets a random ``paper_token`` the first time one of its forms is
printed; the QR of each paper opens ``/can-bo/to-khai/<token>?to=<attachment>
&in=<print id>``, where the print id is a keyed hash of what that paper says
(domain.forms.fingerprint). The office recomputes it from today's answers: a
different id means the paper was printed before the answers changed.
Once the draft is filed, the dossier's answers (corrected by supplements)
are the ones that count.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select

from domain import declarations, forms, validation
from domain.communes import get_commune
from extensions import db
from models import Dossier
from models.draft import Draft
from services.forms import pdf
from services.messages.notify import public_url

# No 0/O, 1/I/L: the token is printed under the QR for officers to type.
_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
TOKEN_LENGTH = 12  # about 59 bits


@dataclass(frozen=True)
class Paper:
    attachment_id: str
    title: str
    template: dict


@dataclass(frozen=True)
class Source:
    """What a paper is filled from: a draft, or the dossier it became."""

    draft: Draft
    dossier: Dossier | None

    @property
    def answers(self) -> dict:
        return (self.dossier.answers if self.dossier else self.draft.answers) or {}

    @property
    def procedure_ids(self) -> list:
        return (self.dossier.procedure_ids if self.dossier else self.draft.procedure_ids) or []

    @property
    def group_id(self) -> str | None:
        return self.dossier.group_id if self.dossier else self.draft.group_id

    @property
    def commune_code(self) -> str:
        return self.dossier.commune_code if self.dossier else self.draft.commune_code


def source_of(draft: Draft) -> Source:
    dossier = db.session.get(Dossier, draft.dossier_id) if draft.dossier_id else None
    return Source(draft, dossier)


def source_of_dossier(dossier: Dossier) -> Source | None:
    draft = db.session.scalars(select(Draft).where(Draft.dossier_id == dossier.id)).first()
    return Source(draft, dossier) if draft else None


def electronic_for(commune_code: str, procedure_ids) -> list[str]:
    """Procedures among these whose declaration is confirmed at submit instead of
    signed on paper, by the setting of this commune's province."""
    commune = get_commune(commune_code) if commune_code else None
    pairs = declarations.parse(current_app.config.get("ELECTRONIC_DECLARATION", ""))
    return declarations.electronic(
        pairs, commune.province_code if commune else None, procedure_ids or []
    )


def asked_attachments(group_id, procedure_ids, answers, commune_code) -> list[dict]:
    """The papers to upload, the province's electronic declarations left out."""
    return validation.attachments_for(
        group_id,
        procedure_ids or [],
        answers or {},
        electronic=electronic_for(commune_code, procedure_ids),
    )


def papers(source: Source) -> list[Paper]:
    """The forms this draft or dossier asks the citizen to sign, in catalog order."""
    if not source.group_id:
        return []
    wanted = asked_attachments(
        source.group_id, source.procedure_ids, source.answers, source.commune_code
    )
    return [
        Paper(a["id"], a["title"], forms.form_of(a)) for a in wanted if forms.form_of(a) is not None
    ]


def paper(source: Source, attachment_id: str) -> Paper | None:
    return next((p for p in papers(source) if p.attachment_id == attachment_id), None)


def ensure_token(draft: Draft) -> str:
    """The draft's paper token, made on first use (the caller commits)."""
    if not draft.paper_token:
        draft.paper_token = "".join(secrets.choice(_ALPHABET) for _ in range(TOKEN_LENGTH))
    return draft.paper_token


def normalize_token(text: str) -> str:
    """What an officer typed ("abcd-efgh-jkmn", spaces) as a stored token."""
    return "".join(ch for ch in (text or "").upper() if ch in _ALPHABET)[:TOKEN_LENGTH]


def show_token(token: str) -> str:
    return "-".join(token[i : i + 4] for i in range(0, len(token), 4))


def draft_by_token(token: str) -> Draft | None:
    token = normalize_token(token)
    if len(token) != TOKEN_LENGTH:
        return None
    return db.session.scalars(select(Draft).where(Draft.paper_token == token)).first()


def laid_out(source: Source, item: Paper) -> tuple[list[dict], str]:
    """The paper's items and its print id for today's answers."""
    items = forms.layout(item.template, source.answers, forms.context_for(source.commune_code))
    return items, forms.fingerprint(item.template, items, current_app.config["SECRET_KEY"])


def scan_url(token: str, attachment_id: str, print_id: str) -> str:
    return public_url(f"/can-bo/to-khai/{token}?to={attachment_id}&in={print_id}")


def render(source: Source, item: Paper) -> bytes:
    """The filled form as PDF. Raises services.desk.posters.PosterError when
    the fonts are missing."""
    token = ensure_token(source.draft)
    items, print_id = laid_out(source, item)
    return pdf.render(
        items,
        title=item.template["title"],
        font_dir=current_app.config["POSTER_FONT_DIR"],
        qr_url=scan_url(token, item.attachment_id, print_id),
        token=show_token(token),
        print_id=print_id,
    )


def is_current(source: Source, attachment_id: str, print_id: str) -> bool | None:
    """True when a paper with this print id says what today's answers say;
    False when it is stale; None when this draft no longer asks for that paper."""
    item = paper(source, attachment_id)
    if item is None:
        return None
    _items, current = laid_out(source, item)
    # Bytes: compare_digest refuses a str with non-ASCII letters (a mangled QR).
    return secrets.compare_digest(current.encode(), (print_id or "")[:32].encode())


def file_name(item: Paper) -> str:
    return f"{item.attachment_id}.pdf"
