"""ESIA protocol: client certificates and options, ESIA codes and tokens

Revision ID: e4f9beb35167
Revises: c3a6e5612470
Create Date: 2026-12-01 22:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e4f9beb35167'
down_revision = 'c3a6e5612470'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('oauth2_client', schema=None) as batch_op:
        batch_op.add_column(sa.Column('esia_certificates_json', sa.Text(), nullable=False, server_default='[]'))
        batch_op.add_column(sa.Column('esia_access_token_alg', sa.String(length=20), nullable=False, server_default='RS256'))
        batch_op.add_column(sa.Column('esia_signature_mode', sa.String(length=10), nullable=False, server_default='lab'))

    op.create_table('esia_code',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code_sha256', sa.String(length=64), nullable=False),
    sa.Column('client_id', sa.String(length=100), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('redirect_uri', sa.Text(), nullable=False),
    sa.Column('scope', sa.Text(), nullable=False),
    sa.Column('protocol', sa.String(length=10), nullable=False),
    sa.Column('sid', sa.String(length=64), nullable=False),
    sa.Column('auth_time', sa.BigInteger(), nullable=False),
    sa.Column('amr', sa.String(length=20), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('used_at', sa.DateTime(), nullable=True),
    sa.Column('trace_id', sa.String(length=40), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code_sha256')
    )
    with op.batch_alter_table('esia_code', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_esia_code_client_id'), ['client_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_esia_code_trace_id'), ['trace_id'], unique=False)

    op.create_table('esia_token',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('access_sha256', sa.String(length=64), nullable=False),
    sa.Column('refresh_sha256', sa.String(length=64), nullable=False),
    sa.Column('client_id', sa.String(length=100), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('scope', sa.Text(), nullable=False),
    sa.Column('redirect_uri', sa.Text(), nullable=False),
    sa.Column('sid', sa.String(length=64), nullable=False),
    sa.Column('auth_time', sa.BigInteger(), nullable=False),
    sa.Column('amr', sa.String(length=20), nullable=False),
    sa.Column('issued_at', sa.BigInteger(), nullable=False),
    sa.Column('expires_in', sa.Integer(), nullable=False),
    sa.Column('refresh_expires_in', sa.Integer(), nullable=False),
    sa.Column('access_revoked', sa.Boolean(), nullable=False),
    sa.Column('refresh_revoked', sa.Boolean(), nullable=False),
    sa.Column('code_id', sa.Integer(), nullable=True),
    sa.Column('trace_id', sa.String(length=40), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('access_sha256'),
    sa.UniqueConstraint('refresh_sha256')
    )
    with op.batch_alter_table('esia_token', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_esia_token_client_id'), ['client_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_esia_token_code_id'), ['code_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_esia_token_trace_id'), ['trace_id'], unique=False)


def downgrade():
    with op.batch_alter_table('esia_token', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_esia_token_trace_id'))
        batch_op.drop_index(batch_op.f('ix_esia_token_code_id'))
        batch_op.drop_index(batch_op.f('ix_esia_token_client_id'))
    op.drop_table('esia_token')
    with op.batch_alter_table('esia_code', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_esia_code_trace_id'))
        batch_op.drop_index(batch_op.f('ix_esia_code_client_id'))
    op.drop_table('esia_code')
    with op.batch_alter_table('oauth2_client', schema=None) as batch_op:
        batch_op.drop_column('esia_signature_mode')
        batch_op.drop_column('esia_access_token_alg')
        batch_op.drop_column('esia_certificates_json')
