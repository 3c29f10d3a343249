"""sign-in limits: wrong codes in a row per phone, and an index for the SMS budget

Revision ID: 0005_sign_in_limits
Revises: 0004_sessions
Create Date: 2026-11-26 09:00:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0005_sign_in_limits"
down_revision = "0004_sessions"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "phone_code_failures",
        sa.Column("phone", sa.String(length=16), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("phone"),
    )
    with op.batch_alter_table("otp_challenges", schema=None) as batch_op:
        batch_op.create_index("ix_otp_created", ["created_at"], unique=False)


def downgrade():
    with op.batch_alter_table("otp_challenges", schema=None) as batch_op:
        batch_op.drop_index("ix_otp_created")

    op.drop_table("phone_code_failures")
