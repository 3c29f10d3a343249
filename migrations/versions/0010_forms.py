"""forms: the random token printed in the QR of a draft's filled declarations

Revision ID: 0010_forms
Revises: 0009_profile
Create Date: 2026-12-02 02:00:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0010_forms"
down_revision = "0009_profile"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("drafts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("paper_token", sa.String(length=16), nullable=True))
        batch_op.create_index("ix_drafts_paper_token", ["paper_token"], unique=True)


def downgrade():
    with op.batch_alter_table("drafts", schema=None) as batch_op:
        batch_op.drop_index("ix_drafts_paper_token")
        batch_op.drop_column("paper_token")
