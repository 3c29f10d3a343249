from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from extensions import db


class Commune(db.Model):
    """A commune that receives dossiers here: its settings, not its geography.

    Names and provinces come from the vietnam-provinces data by code; this
    table holds only what the commune configures.
    """

    __tablename__ = "communes"

    code: Mapped[str] = mapped_column(String(5), primary_key=True)
    # Receiving agency's electronic code (Circular 10/2016/TT-BTTTT), the
    # prefix of every dossier code (Circular 01/2018/TT-VPCP art. 19).
    agency_code: Mapped[str] = mapped_column(String(32), unique=True)
    officer_name: Mapped[str] = mapped_column(String(120))
    officer_phone: Mapped[str] = mapped_column(String(20))
    office_hours: Mapped[str] = mapped_column(String(200))
