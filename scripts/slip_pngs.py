"""One page of each slip as PNG in docs/slips/ (pdftoppm -png -r 60 -f 1 -l 1).

Builds a throwaway database with the demo commune and the dossiers of
tests/office/test_slips.py (one story: filed and accepted on 2/3/2026, late,
an apology on 6/3 with a new date 12/3), renders each slip as on 6/3/2026
with the app's clock set to that day, and converts its first page:
    .venv/bin/python scripts/slip_pngs.py
"""

import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    import flask_migrate

    from app import create_app
    from commands import enable_commune
    from domain import clock
    from services.desk import slips
    from tests.conftest import test_config
    from tests.office import test_slips
    from tests.office.helpers import dossier

    out = ROOT / "docs" / "slips"
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        app = create_app(test_config(tmp, tmp / "slips.sqlite"))
        app.config["PUBLIC_BASE_URL"] = test_slips.BASE
        with app.app_context():
            flask_migrate.upgrade(directory=str(ROOT / "migrations"))
            enable_commune("05665", "Cán bộ thử nghiệm", "0123 456 789", "Giờ hành chính")
            code, refused = test_slips.make_dossiers()
            pdfs = {kind: slips.render(kind, dossier(code)) for kind in slips.DOSSIER_SLIPS
                    if kind != "tu-choi"}  # fmt: skip
            pdfs["tu-choi"] = slips.render("tu-choi", dossier(refused))
            d = dossier(code)
            day = date(2026, 3, 2)  # the day both dossiers were filed
            with clock.frozen(test_slips.vn(2026, 3, 6, 10, 0)):
                pdfs["so-theo-doi"] = slips.render_logbook(
                    "05665", day, day, [d, dossier(refused)], clock.today_vn()
                )
        for kind, data in pdfs.items():
            pdf = tmp / f"{kind}.pdf"
            pdf.write_bytes(data)
            args = ["-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile"]
            args += [str(pdf), str(out / kind)]
            subprocess.run(["pdftoppm", *args], check=True)  # noqa: S603, S607
            print(out / f"{kind}.png")


if __name__ == "__main__":
    main()
