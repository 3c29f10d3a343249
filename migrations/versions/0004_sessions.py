"""sessions: signed-in sessions kept on the server, so they can be ended

Revision ID: 0004_sessions
Revises: 0003
Create Date: 2026-12-01 09:00:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0004_sessions"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("citizen_id", sa.Integer(), nullable=True),
        sa.Column("officer_id", sa.Integer(), nullable=True),
        sa.Column("device", sa.String(length=60), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(), nullable=False),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        sa.Column("end_reason", sa.String(length=16), nullable=True),
        sa.CheckConstraint(
            "(citizen_id IS NULL) <> (officer_id IS NULL)", name="ck_sessions_one_owner"
        ),
        sa.ForeignKeyConstraint(["citizen_id"], ["citizens.id"]),
        sa.ForeignKeyConstraint(["officer_id"], ["officers.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sessions_citizen_id"), ["citizen_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_sessions_officer_id"), ["officer_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_sessions_ended_at"), ["ended_at"], unique=False)


def downgrade():
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sessions_ended_at"))
        batch_op.drop_index(batch_op.f("ix_sessions_officer_id"))
        batch_op.drop_index(batch_op.f("ix_sessions_citizen_id"))

    op.drop_table("sessions")
