"""messages once: a stable gateway reference per message, its delivery status,
and sign-in codes in the outbox (priority, deadline, no dossier)

Revision ID: 0012_messages_once
Revises: 0011_desk_filing
Create Date: 2026-12-02 05:00:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0012_messages_once"
down_revision = "0011_desk_filing"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reference", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("delivery_status", sa.String(length=12), nullable=True))
        batch_op.add_column(sa.Column("delivery_at", sa.DateTime(), nullable=True))
        batch_op.add_column(
            sa.Column("priority", sa.Integer(), nullable=False, server_default="1")
        )
        batch_op.add_column(sa.Column("deadline_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("challenge_id", sa.Integer(), nullable=True))
        batch_op.alter_column("dossier_id", existing_type=sa.Integer(), nullable=True)
    # Rows already waiting get a reference of their own too (unique: from the id).
    op.execute(
        "UPDATE notifications SET reference = 'n' || CAST(id AS VARCHAR(20)) "
        "WHERE reference IS NULL"
    )
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.create_index("ix_notifications_reference", ["reference"], unique=True)
        batch_op.create_index("ix_notifications_challenge", ["challenge_id"], unique=False)


def downgrade():
    op.execute("DELETE FROM notifications WHERE dossier_id IS NULL")
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_index("ix_notifications_challenge")
        batch_op.drop_index("ix_notifications_reference")
        batch_op.alter_column("dossier_id", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column("challenge_id")
        batch_op.drop_column("deadline_at")
        batch_op.drop_column("priority")
        batch_op.drop_column("delivery_at")
        batch_op.drop_column("delivery_status")
        batch_op.drop_column("reference")
