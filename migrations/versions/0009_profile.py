"""profile: the citizen's own details and recent communes, kept with consent

Revision ID: 0009_profile
Revises: 0008_vneid
Create Date: 2026-12-02 02:00:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0009_profile"
down_revision = "0008_vneid"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("citizens", schema=None) as batch_op:
        batch_op.add_column(sa.Column("profile", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("profile_consent_at", sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table("citizens", schema=None) as batch_op:
        batch_op.drop_column("profile_consent_at")
        batch_op.drop_column("profile")
