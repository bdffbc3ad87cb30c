"""linking_record: the history of outcomes (the original decision is kept when a later step changes it)

Revision ID: d4a8e2f61c3b
Revises: c8e2f4a6b1d3
Create Date: 2026-12-02 15:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd4a8e2f61c3b'
down_revision = 'c8e2f4a6b1d3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('linking_record', schema=None) as batch_op:
        batch_op.add_column(sa.Column('history', sa.JSON(), server_default=sa.text("'[]'"), nullable=False))


def downgrade():
    with op.batch_alter_table('linking_record', schema=None) as batch_op:
        batch_op.drop_column('history')
