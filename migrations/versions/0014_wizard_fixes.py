"""wizard fixes: a passkey's first sign-in, so its notice is shown once

Revision ID: 0014_wizard_fixes
Revises: 0012_messages_once
Create Date: 2026-12-02 05:30:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0014_wizard_fixes"
down_revision = "0012_messages_once"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("passkeys", schema=None) as batch_op:
        batch_op.add_column(sa.Column("first_sign_in_at", sa.DateTime(), nullable=True))
    # A passkey already used has been met: its citizen is not told again.
    op.execute("UPDATE passkeys SET first_sign_in_at = last_used_at WHERE last_used_at IS NOT NULL")


def downgrade():
    with op.batch_alter_table("passkeys", schema=None) as batch_op:
        batch_op.drop_column("first_sign_in_at")
