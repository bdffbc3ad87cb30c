"""``fedlab idp client ...`` and ``fedlab idp keys ...`` commands."""

from __future__ import annotations

import json

import click

from idp.db import db
from labkit.cliutil import emit
from labkit.cliutil import fail
from labkit.cliutil import in_app_of

in_app = in_app_of("idp:create_app")


@click.group("client")
def client_group() -> None:
    """OpenID Connect clients."""


@client_group.command("create")
@click.option("--client-id", required=True)
@click.option("--secret", help="Client secret (not for --auth-method none or private_key_jwt).")
@click.option("--redirect-uri", "redirect_uris", multiple=True, required=True, help="Repeatable; matched exactly.")
@click.option(
    "--auth-method",
    type=click.Choice(["client_secret_basic", "client_secret_post", "private_key_jwt", "none"]),
    default="client_secret_basic",
)
@click.option("--scope", help="Allowed scopes (space-separated); default: all.")
@click.option("--min-level", type=click.IntRange(1, 3), default=1, help="Lowest account level allowed.")
@click.option("--post-logout-redirect-uri", "post_logout", multiple=True, help="Repeatable.")
@click.option("--name", help="Name shown on the consent screen.")
@click.option("--jwks-uri", help="Where the client publishes its keys (private_key_jwt).")
@click.option("--jwks", "jwks_text", help="The client's public JWKS as JSON (private_key_jwt).")
@click.option(
    "--id-token-alg",
    type=click.Choice(["RS256", "ES256"]),
    default=None,
    help="id_token_signed_response_alg: how this client's ID tokens are signed (default RS256).",
)
@click.option(
    "--esia-certificate",
    "esia_certificates",
    multiple=True,
    type=click.File("r"),
    help="ESIA protocol: a PEM certificate file of the client (RSA or GOST R 34.10-2012); repeatable.",
)
@click.option(
    "--esia-access-token-alg",
    type=click.Choice(["RS256", "GOST3410_2012_256"]),
    default="RS256",
    help="ESIA protocol: how this client's access tokens are signed.",
)
@click.option(
    "--esia-signature-mode",
    type=click.Choice(["lab", "strict"]),
    default="lab",
    help="ESIA protocol: strict takes only what real ESIA takes; lab also the variants real clients send.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the client as JSON.")
@in_app
def client_create(
    client_id,
    secret,
    redirect_uris,
    auth_method,
    scope,
    min_level,
    post_logout,
    name,
    jwks_uri,
    jwks_text,
    id_token_alg,
    esia_certificates,
    esia_access_token_alg,
    esia_signature_mode,
    as_json,
) -> None:
    """Register a client."""
    from idp.domain.clients import ClientInvalid
    from idp.domain.clients import client_json
    from idp.domain.clients import create_client

    try:
        jwks = json.loads(jwks_text) if jwks_text else None
    except ValueError:
        fail("--jwks is not valid JSON", None, as_json)
    try:
        client = create_client(
            db.session,
            client_id,
            secret,
            list(redirect_uris),
            auth_method=auth_method,
            scope=scope,
            min_level=min_level,
            post_logout_redirect_uris=list(post_logout),
            name=name,
            jwks=jwks,
            jwks_uri=jwks_uri,
            id_token_signed_response_alg=id_token_alg,
            esia_certificates=[f.read() for f in esia_certificates],
            esia_access_token_alg=esia_access_token_alg,
            esia_signature_mode=esia_signature_mode,
        )
        db.session.commit()
    except ClientInvalid as exc:
        db.session.rollback()
        fail("invalid client", {"fields": exc.errors}, as_json)
    emit(client_json(client), as_json, f"created client {client.client_id}")


@client_group.command("list")
@click.option("--json", "as_json", is_flag=True)
@in_app
def client_list(as_json: bool) -> None:
    """List registered clients."""
    from idp.domain.clients import client_json
    from idp.domain.clients import list_clients

    rows = [client_json(c) for c in list_clients(db.session)]
    text = "\n".join(
        f"{r['client_id']}\t{r['token_endpoint_auth_method']}\t{' '.join(r['redirect_uris'])}" for r in rows
    )
    emit(rows, as_json, text or "no clients")


@client_group.command("remove")
@click.argument("client_id")
@click.option("--json", "as_json", is_flag=True)
@in_app
def client_remove(client_id: str, as_json: bool) -> None:
    """Remove a client with its codes, tokens and consents."""
    from idp.domain.clients import remove_client

    if not remove_client(db.session, client_id):
        fail(f"no client {client_id}", {"client_id": client_id}, as_json)
    db.session.commit()
    emit({"removed": client_id}, as_json, f"removed client {client_id}")


@click.group("keys")
def keys_group() -> None:
    """ID token signing keys."""


def _key_json(row) -> dict:
    return {
        "kid": row.kid,
        "alg": row.alg,
        "active": row.active,
        "created_at": row.created_at.isoformat(),
        "retired_at": row.retired_at.isoformat() if row.retired_at else None,
    }


@keys_group.command("rotate")
@click.option("--alg", type=click.Choice(["RS256", "ES256"]), default="RS256")
@click.option("--json", "as_json", is_flag=True)
@in_app
def keys_rotate(alg: str, as_json: bool) -> None:
    """Add a new active key of ``--alg``, retiring the older keys of that algorithm only.

    Retired keys stay published until their tokens have expired; clients sign with their registered algorithm.
    """
    from idp.oidc import keys

    row = keys.rotate(db.session, alg)
    db.session.commit()
    emit(_key_json(row), as_json, f"new active key {row.kid} ({row.alg})")


@keys_group.command("list")
@click.option("--json", "as_json", is_flag=True)
@in_app
def keys_list(as_json: bool) -> None:
    """List signing keys and whether each is active or published."""
    from sqlalchemy import select

    from idp.models.oauth import SigningKey

    rows = [_key_json(r) for r in db.session.scalars(select(SigningKey).order_by(SigningKey.id))]
    text = "\n".join(
        f"{r['kid']}\t{r['alg']}\t{'active' if r['active'] else 'retired ' + str(r['retired_at'])}" for r in rows
    )
    emit(rows, as_json, text or "no keys yet (one is generated on first use)")


@client_group.command("registration-token")
@in_app
def client_registration_token() -> None:
    """Print the initial access token that dynamic registration (/register) requires."""
    from flask import current_app

    from idp.oidc.registration_policy import initial_access_token

    click.echo(initial_access_token(current_app.config))
