"""Dossier pages are served at the size the office page needs: thumbnails and a
screen-size page, the original on demand; a size nobody asks for is refused."""

import io

from PIL import Image

from extensions import db
from models import Upload
from services.photos import storage
from tests.helpers import jpeg_bytes
from tests.office.helpers import create_submitted_dossier, dossier, officer_client


def test_a_thumbnail_a_screen_page_and_the_original(app):
    with app.app_context():
        code = create_submitted_dossier()
        upload = db.session.scalars(
            db.select(Upload).where(Upload.dossier_id == dossier(code).id)
        ).first()
        # A big scan, as a desk scanner makes them.
        upload.storage_key = storage.save(jpeg_bytes(2400, 3400))
        db.session.commit()
        url = f"/can-bo/ho-so/{code}/anh/{upload.id}"
    desk = officer_client(app, "tu-phap")
    widths = {}
    for query in ("?w=480", "?w=1600", ""):
        response = desk.get(url + query)
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "private, no-store"
        widths[query] = Image.open(io.BytesIO(response.data)).size
    assert widths == {"?w=480": (480, 680), "?w=1600": (1600, 2267), "": (2400, 3400)}
    page = desk.get(f"/can-bo/ho-so/{code}").text
    assert f'src="{url}?w=480"' in page and f'data-original="{url}"' in page
    refused = desk.get(url + "?w=5000")
    assert refused.status_code == 400
    assert "Không có cỡ ảnh này" in refused.text
