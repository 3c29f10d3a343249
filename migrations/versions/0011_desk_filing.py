"""desk: a version per step (agencies in parallel), officer audit log

Revision ID: 0011_desk_filing
Revises: 0010_forms
Create Date: 2026-12-02 05:00:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0011_desk_filing"
down_revision = "0010_forms"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("procedure_progress", schema=None) as batch_op:
        batch_op.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))


def downgrade():
    with op.batch_alter_table("procedure_progress", schema=None) as batch_op:
        batch_op.drop_column("version")
