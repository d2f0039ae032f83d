"""enterprise map summary: worst open state, watched due dates, open actions on the site row

Revision ID: site21a0b1c2
Revises: desk17b1b2c3
Create Date: 2026-11-30 09:30:00

"""
from alembic import op
import sqlalchemy as sa

revision = 'site21a0b1c2'
down_revision = 'desk17b1b2c3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('enterprise') as batch:
        batch.add_column(sa.Column('map_state', sa.String(length=40), nullable=True))
        batch.add_column(sa.Column('map_severity', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('map_due_on', sa.Date(), nullable=True))
        batch.add_column(sa.Column('map_dues', sa.Text(), nullable=False, server_default=''))
        batch.add_column(sa.Column('map_actions', sa.String(length=60), nullable=False,
                                   server_default=''))
    with op.batch_alter_table('enterprise') as batch:
        # The model sets these in Python; the server default only filled the existing rows.
        batch.alter_column('map_dues', server_default=None)
        batch.alter_column('map_actions', server_default=None)
    _backfill()


def _backfill():
    """Summaries of the existing sites from their stored cases, by the engine's own rule
    (workflow.site: pure, so safe to import here)."""
    from enforcement.workflow import site, state_info

    conn = op.get_bind()
    by_site = {}
    for eid, cid, action, state, due_on in conn.execute(sa.text(
            "SELECT enterprise_id, id, action, state, watched_due_on FROM enforcement_case")):
        if isinstance(due_on, str):  # SQLite hands back the stored text
            from datetime import date
            due_on = date.fromisoformat(due_on)
        if not state_info(action, state).terminal:
            by_site.setdefault(eid, []).append((cid, action, state, due_on))
    params = []
    for eid, cases in by_site.items():
        s = site.summarise(cases)
        params.append({"eid": eid, "state": s.state, "severity": s.severity, "due": s.due_on,
                       "dues": s.dues_text, "actions": ",".join(s.actions)})
    if params:
        conn.execute(sa.text(
            "UPDATE enterprise SET map_state = :state, map_severity = :severity, "
            "map_due_on = :due, map_dues = :dues, map_actions = :actions WHERE id = :eid"), params)


def downgrade():
    with op.batch_alter_table('enterprise') as batch:
        for column in ('map_actions', 'map_dues', 'map_due_on', 'map_severity', 'map_state'):
            batch.drop_column(column)
