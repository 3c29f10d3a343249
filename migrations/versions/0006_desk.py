"""the desk: the appointment given at receipt, kept as the promise

Revision ID: 0006_desk
Revises: 0005_sign_in_limits
Create Date: 2026-12-02 09:00:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0006_desk"
down_revision = "0005_sign_in_limits"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("dossiers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("promised_date", sa.Date(), nullable=True))
    # Accepted dossiers: the due date they have is the best record of the promise.
    op.execute("UPDATE dossiers SET promised_date = due_date WHERE accepted_at IS NOT NULL")


def downgrade():
    with op.batch_alter_table("dossiers", schema=None) as batch_op:
        batch_op.drop_column("promised_date")
