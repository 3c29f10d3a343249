"""VNeID sign-in: what the e-ID vouched for, and citizens without a phone account

Revision ID: 0008_vneid
Revises: 0006_desk
Create Date: 2026-12-02 02:00:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0008_vneid"
down_revision = "0006_desk"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "vneid_identities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("personal_id", sa.String(length=12), nullable=False),
        sa.Column("citizen_id", sa.Integer(), nullable=False),
        sa.Column("full_name", sa.String(length=100), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=True),
        sa.Column("sex", sa.String(length=3), nullable=True),
        sa.Column("phone", sa.String(length=16), nullable=True),
        sa.Column("residence", sa.String(length=200), nullable=True),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("vouched_at", sa.DateTime(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["citizen_id"], ["citizens.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("citizen_id"),
        sa.UniqueConstraint("personal_id"),
    )
    # A citizen who signed in only with VNeID has no phone account.
    with op.batch_alter_table("citizens", schema=None) as batch_op:
        batch_op.alter_column("phone", existing_type=sa.String(length=16), nullable=True)
    # Which answers of a dossier came from the e-ID, and when it vouched for them.
    with op.batch_alter_table("dossiers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("vouched", sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table("dossiers", schema=None) as batch_op:
        batch_op.drop_column("vouched")
    with op.batch_alter_table("citizens", schema=None) as batch_op:
        batch_op.alter_column("phone", existing_type=sa.String(length=16), nullable=False)
    op.drop_table("vneid_identities")
