"""``fedlab rp region ...`` and ``fedlab rp linking-log``: regional entry points and linking decisions."""

from __future__ import annotations

import click
from flask import current_app

from labkit.cliutil import emit
from labkit.cliutil import fail
from labkit.cliutil import in_app_of

in_app = in_app_of("rp:create_app")


def _parse_claims(pairs: tuple[str, ...]) -> dict[str, str] | None:
    if not pairs:
        return None
    result = {}
    for pair in pairs:
        field, sep, claim = pair.partition("=")
        if not sep or not field.strip() or not claim.strip():
            raise click.BadParameter(f"expected FIELD=CLAIM, got {pair!r}", param_hint="--claim")
        result[field.strip()] = claim.strip()
    return result


@click.group("region")
def region_group() -> None:
    """Regions: which OpenID Provider and client each /login/esia/<region> entry point uses."""


@region_group.command("set")
@click.argument("name")
@click.option("--issuer", required=True, help="The provider's issuer URL (discovery is read from it).")
@click.option("--client-id", required=True)
@click.option("--client-secret", required=True)
@click.option(
    "--scope", default=None, help='Scopes to ask for (default: "openid fullname birthdate gender snils ...").'
)
@click.option("--title", default=None, help='Shown on the login page, e.g. "Архангельская область".')
@click.option(
    "--claim", "claims", multiple=True, metavar="FIELD=CLAIM", help="Claim name override, e.g. snils=x_snils."
)
@click.option("--json", "as_json", is_flag=True)
@in_app
def region_set(name, issuer, client_id, client_secret, scope, title, claims, as_json) -> None:
    """Create or update a region; prints the redirect URI to register at the provider."""
    from rp.domain.regions import RegionError
    from rp.domain.regions import region_as_dict
    from rp.domain.regions import set_region
    from rp.extensions import db

    try:
        region = set_region(
            db.session,
            name,
            issuer=issuer,
            client_id=client_id,
            client_secret=client_secret,
            scope=scope,
            title=title,
            claim_map=_parse_claims(claims),
        )
        db.session.commit()
    except RegionError as exc:
        db.session.rollback()
        fail(str(exc), as_json=as_json)
    redirect_uri = current_app.config["BASE_URL"].rstrip("/") + "/login/callback"
    data = {
        **region_as_dict(region),
        "redirect_uri": redirect_uri,
        "entry_point": current_app.config["BASE_URL"].rstrip("/") + f"/login/esia/{region.name}",
    }
    emit(data, as_json, f"region {region.name} saved\nredirect_uri: {redirect_uri}\nentry point: {data['entry_point']}")


@region_group.command("list")
@click.option("--json", "as_json", is_flag=True)
@in_app
def region_list(as_json) -> None:
    """List the configured regions."""
    from rp.domain.regions import list_regions
    from rp.domain.regions import region_as_dict
    from rp.extensions import db

    regions = [region_as_dict(r) for r in list_regions(db.session)]
    text = "\n".join(f"{r['name']}\t{r['issuer']}\t{r['client_id']}\t{r['title']}" for r in regions) or "no regions"
    emit(regions, as_json, text)


@click.command("linking-log")
@click.argument("record_id", required=False, type=int)
@click.option("--limit", default=20, show_default=True)
@click.option("--json", "as_json", is_flag=True)
@in_app
def linking_log(record_id, limit, as_json) -> None:
    """Show the latest Gosuslugi linking decisions, or one of them in full."""
    from sqlalchemy import select

    from rp.extensions import db
    from rp.models.linking import LinkingRecord

    if record_id is not None:
        record = db.session.get(LinkingRecord, record_id)
        if record is None:
            fail(f"no linking record {record_id}", as_json=as_json)
        data = record.to_dict()
        lines = [f"#{record.id} {record.outcome}: {record.detail}"]
        for c in record.candidates:
            lines.append(f"  candidate {c['full_name']} ({c['login']}): {'MATCH' if c['match'] else 'no match'}")
            for row in c["fields"]:
                mark = "=" if row["equal"] else "≠"
                lines.append(f"    {row['field']}: {row['received_normalized']!r} {mark} {row['diary_normalized']!r}")
        emit(data, as_json, "\n".join(lines))
        return
    records = db.session.scalars(select(LinkingRecord).order_by(LinkingRecord.id.desc()).limit(limit)).all()
    emit(
        [r.to_dict() for r in records],
        as_json,
        "\n".join(f"#{r.id} {r.created_at:%Y-%m-%d %H:%M:%S} {r.region} {r.subject} {r.outcome}" for r in records)
        or "no records",
    )
