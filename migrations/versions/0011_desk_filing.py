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
    op.create_table(
        "officer_audit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("commune_code", sa.String(length=5), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("admin_id", sa.Integer(), nullable=False),
        sa.Column("officer_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=24), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(["admin_id"], ["officers.id"]),
        sa.ForeignKeyConstraint(["officer_id"], ["officers.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("officer_audit", schema=None) as batch_op:
        batch_op.create_index("ix_officer_audit_commune_code", ["commune_code"], unique=False)
        batch_op.create_index("ix_officer_audit_officer_id", ["officer_id"], unique=False)


def downgrade():
    with op.batch_alter_table("officer_audit", schema=None) as batch_op:
        batch_op.drop_index("ix_officer_audit_officer_id")
        batch_op.drop_index("ix_officer_audit_commune_code")
    op.drop_table("officer_audit")
    with op.batch_alter_table("procedure_progress", schema=None) as batch_op:
        batch_op.drop_column("version")
