"""region: ESIA protocol, the diary's certificate and key, the token issuer

Revision ID: 5b1e0c9a7d42
Revises: 0fbc07ebd828
Create Date: 2026-12-01 22:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5b1e0c9a7d42'
down_revision = '0fbc07ebd828'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('region', schema=None) as batch_op:
        batch_op.add_column(sa.Column('protocol', sa.String(length=8), server_default='oidc', nullable=False))
        batch_op.add_column(sa.Column('esia_certificate', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('esia_key', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('esia_token_issuer', sa.String(length=255), nullable=True))


def downgrade():
    with op.batch_alter_table('region', schema=None) as batch_op:
        batch_op.drop_column('esia_token_issuer')
        batch_op.drop_column('esia_key')
        batch_op.drop_column('esia_certificate')
        batch_op.drop_column('protocol')
