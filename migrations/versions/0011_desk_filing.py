"""desk (issue 15): step versions, counter filing, tracking and duplicate keys, officer audit

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
    with op.batch_alter_table("dossiers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("tracking_number", sa.String(length=30), nullable=True))
        batch_op.add_column(
            sa.Column("channel", sa.String(length=8), nullable=False, server_default="online")
        )
        batch_op.add_column(sa.Column("filed_by_officer_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("event_key", sa.String(length=80), nullable=True))
        batch_op.create_index("ix_dossiers_event_key", ["event_key"], unique=False)
        batch_op.create_foreign_key(
            "fk_dossiers_filed_by_officer_id", "officers", ["filed_by_officer_id"], ["id"]
        )
    with op.batch_alter_table("drafts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("counter_officer_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_drafts_counter_officer_id", "officers", ["counter_officer_id"], ["id"]
        )
    _backfill()
    op.create_table(
        "duplicate_dismissals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("first_id", sa.Integer(), nullable=False),
        sa.Column("second_id", sa.Integer(), nullable=False),
        sa.Column("officer_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["first_id"], ["dossiers.id"]),
        sa.ForeignKeyConstraint(["second_id"], ["dossiers.id"]),
        sa.ForeignKeyConstraint(["officer_id"], ["officers.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("first_id", "second_id"),
    )
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


def _backfill():
    """Tracking numbers and recorded results into the search text of the
    dossiers filed before this revision."""
    import json

    from domain.duplicates import event_key
    from domain.search import build_search_text, recorded_terms

    def load(value):
        return json.loads(value) if isinstance(value, str) else value

    bind = op.get_bind()
    tracking = {}
    for dossier_id, changes in bind.execute(
        sa.text("SELECT dossier_id, changes FROM dossier_events WHERE action = 'send_by_post'")
    ):
        tracking[dossier_id] = (load(changes) or {}).get("tracking")
    results = {}
    for dossier_id, pid, result in bind.execute(
        sa.text("SELECT dossier_id, procedure_id, result FROM procedure_progress")
    ):
        results.setdefault(dossier_id, []).append((pid, load(result)))
    rows = bind.execute(sa.text("SELECT id, group_id, answers FROM dossiers")).fetchall()
    for dossier_id, group_id, answers in rows:
        answers = load(answers) or {}
        recorded = recorded_terms(results.get(dossier_id, []), tracking.get(dossier_id))
        bind.execute(
            sa.text(
                "UPDATE dossiers SET search_text = :t, tracking_number = :n, event_key = :k "
                "WHERE id = :i"
            ),
            {
                "t": build_search_text(answers, recorded=recorded),
                "n": tracking.get(dossier_id),
                "k": event_key(group_id, answers),
                "i": dossier_id,
            },
        )


def downgrade():
    op.drop_table("duplicate_dismissals")
    with op.batch_alter_table("officer_audit", schema=None) as batch_op:
        batch_op.drop_index("ix_officer_audit_officer_id")
        batch_op.drop_index("ix_officer_audit_commune_code")
    op.drop_table("officer_audit")
    with op.batch_alter_table("drafts", schema=None) as batch_op:
        batch_op.drop_constraint("fk_drafts_counter_officer_id", type_="foreignkey")
        batch_op.drop_column("counter_officer_id")
    with op.batch_alter_table("dossiers", schema=None) as batch_op:
        batch_op.drop_constraint("fk_dossiers_filed_by_officer_id", type_="foreignkey")
        batch_op.drop_index("ix_dossiers_event_key")
        batch_op.drop_column("event_key")
        batch_op.drop_column("filed_by_officer_id")
        batch_op.drop_column("channel")
        batch_op.drop_column("tracking_number")
    with op.batch_alter_table("procedure_progress", schema=None) as batch_op:
        batch_op.drop_column("version")
