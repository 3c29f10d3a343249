"""One page of each slip as PNG in docs/slips/ (pdftoppm -png -r 60 -f 1 -l 1).

Builds a throwaway database with the demo commune and the dossiers of
tests/office/test_slips.py, renders each slip and converts its first page:
    .venv/bin/python scripts/slip_pngs.py
"""

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    import flask_migrate

    from app import create_app
    from commands import enable_commune
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
            day = d.received_at.date()
            pdfs["so-theo-doi"] = slips.render_logbook("05665", day, day, [d, dossier(refused)])
        for kind, data in pdfs.items():
            pdf = tmp / f"{kind}.pdf"
            pdf.write_bytes(data)
            args = ["-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile"]
            args += [str(pdf), str(out / kind)]
            subprocess.run(["pdftoppm", *args], check=True)  # noqa: S603, S607
            print(out / f"{kind}.png")


if __name__ == "__main__":
    main()
