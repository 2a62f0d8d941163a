"""Writes to a cluster's records. Every service is atomic, locks the row it changes (``select_for_update``),
compares the version the user loaded (optimistic locking: ``ConflictError`` when it moved, the version is
mandatory) and appends to the audit trail. Refused values raise ``InvalidFields`` (the model's own validation
is turned into it in one place, ``_validate``)."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, connections, router, transaction
from django.db.models import Model
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.services import audit_log
from clusters.models import Cluster, FinancingYear, Member, TeamYear
from core import caching
from core.exceptions import ConflictError, DomainError, InvalidFields
from core.locking import version_check

CLUSTER_FIELDS = (
    "name",
    "acronym",
    "kind",
    "legal_form",
    "legal_entity",
    "public_profile",
    "country",
    "region",
    "city",
    "website",
    "eccp_url",
    "year_founded",
    "sectors",
    "s3_domains",
    "description_fr",
    "description_en",
)
MEMBER_FIELDS = ("name", "member_type", "size_class", "region", "member_since", "fee_paying", "active")
TEAM_FIELDS = (
    "staff_fte",
    "staff_headcount",
    "staff_with_degree",
    "board_seats",
    "board_company_seats",
    "strategy_document",
    "strategy_adopted_on",
    "action_plan",
    "performance_contract",
)
FINANCING_FIELDS = FinancingYear.SOURCES


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if hasattr(value, "name") and hasattr(value, "storage"):  # a FieldFile
        return value.name or ""
    return value


def _unknown_fields(data: Mapping[str, Any], allowed: Sequence[str]) -> None:
    unknown = sorted(set(data) - set(allowed))
    if unknown:
        raise ValueError(f"Unknown fields: {', '.join(unknown)}")


def _locked(instance: Model, expected_version: int | None) -> Model:
    """The row as stored, locked until the transaction ends; ``ConflictError`` unless it still has the version
    the user loaded. The version is mandatory: a write without it is refused, never saved unchecked.

    Callers may hand in an instance that a form has already modified: the "before" of the audit trail comes
    from this fresh copy."""
    locked = type(instance).objects.select_for_update().filter(pk=instance.pk).first()
    version_check(locked, expected_version)
    return locked


def _validate(row: Model, *, exclude: Sequence[str] = ()) -> None:
    """Check the row by our rules, then by the model's validators: the one place where a model's
    ``ValidationError`` becomes the domain error."""
    _check_rules(row)
    try:
        row.full_clean(exclude=list(exclude), validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        raise InvalidFields(exc.message_dict) from exc


def _check_rules(row: Model) -> None:
    """The rules the database constraints enforce, with messages a person can act on."""
    errors: dict[str, list] = {}
    if isinstance(row, TeamYear):
        if row.staff_headcount is not None and row.staff_with_degree is not None:
            if row.staff_with_degree > row.staff_headcount:
                errors["staff_with_degree"] = [
                    _("Cannot be more than the headcount (%(n)s).") % {"n": row.staff_headcount}
                ]
        if row.board_seats is not None and row.board_company_seats is not None:
            if row.board_company_seats > row.board_seats:
                errors["board_company_seats"] = [
                    _("Cannot be more than the board seats (%(n)s).") % {"n": row.board_seats}
                ]
    if errors:
        raise InvalidFields(errors)


def _diff(instance: Model, changes: Mapping[str, Any]) -> tuple[dict, dict]:
    before, after = {}, {}
    for name, value in changes.items():
        old = getattr(instance, name)
        if old != value:
            before[name] = _jsonable(old)
            after[name] = _jsonable(value)
    return before, after


def _apply(locked: Model, changes: Mapping[str, Any], *, exclude: Sequence[str] = ()) -> None:
    """Set ``changes`` on the locked row and check it (nothing is saved when a value is refused)."""
    for name, value in changes.items():
        setattr(locked, name, value)
    _validate(locked, exclude=exclude)


def _save(locked: Model, fields: Sequence[str], *, caller: Model) -> None:
    """Save ``fields`` of the locked row with the next version, and keep the caller's instance in step."""
    locked.version += 1
    saved = [*fields, "version", "updated_at"]
    locked.save(update_fields=saved)
    for name in saved:
        value = getattr(locked, name)
        setattr(caller, name, value.name if isinstance(value, FieldFile) else value)


# --- the cluster's profile ------------------------------------------------------------------------


def delete_replaced_logo(old: str, new: str) -> None:
    """A logo cleared or replaced leaves the storage once the change commits: its public URL then answers 404
    (a cache in front may keep it ``core.media.MEDIA_MAX_AGE`` more seconds). Nothing is deleted when the logo is
    unchanged, nor when the transaction rolls back (the profile still shows the old one)."""
    if old and old != new:
        storage = Cluster._meta.get_field("logo").storage
        # robust: a bucket that is down leaves an unused file behind, never fails the saved change.
        transaction.on_commit(lambda: storage.delete(old), robust=True)


@transaction.atomic
def cluster_update(
    *,
    user,
    cluster: Cluster,
    data: Mapping[str, Any],
    expected_version: int,
    logo: UploadedFile | None = None,
    remove_logo: bool = False,
) -> Cluster:
    """Change the profile. ``logo`` must already be checked (clusters.forms.validate_logo)."""
    _unknown_fields(data, CLUSTER_FIELDS)
    locked = _locked(cluster, expected_version)
    changes = dict(data)
    before, after = _diff(locked, changes)
    old_logo = locked.logo.name if locked.logo else ""
    _apply(locked, changes, exclude=["logo"])
    if "name" in changes and Cluster.objects.filter(name__iexact=changes["name"]).exclude(pk=cluster.pk).exists():
        raise InvalidFields({"name": [_("Another cluster already has this name.")]})
    if logo is not None:
        storage = locked.logo.storage
        # The object's key is random: it names no cluster (the file's own name may).
        extension = Path(logo.name or "").suffix.lower()[:10]
        key = locked.logo.field.generate_filename(locked, f"{uuid.uuid4().hex}{extension}")
        changes["logo"] = storage.save(key, logo)
        # A rollback after this point would leave an unused file behind, never a broken link.
    elif remove_logo and old_logo:
        changes["logo"] = ""
    if "logo" in changes:
        locked.logo = changes["logo"]
        before["logo"], after["logo"] = old_logo, changes["logo"]
        delete_replaced_logo(old_logo, changes["logo"])
    _save(locked, list(changes), caller=cluster)
    # The registry's filters and the peer groups (kind, region, sector) read the profile.
    caching.bump(caching.REGISTRY, caching.POPULATION)
    audit_log(actor=user, action="cluster.update", cluster=cluster, target=cluster.name, before=before, after=after)
    return cluster


# --- members ---------------------------------------------------------------------------------------


def _check_member_name_free(*, cluster: Cluster, name: str, exclude_pk: int | None = None) -> None:
    qs = Member.objects.filter(cluster=cluster, name__iexact=name.strip())
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    if qs.exists():
        raise InvalidFields({"name": [_("A member with this name already exists in this cluster.")]})


@transaction.atomic
def member_create(*, user, cluster: Cluster, data: Mapping[str, Any]) -> Member:
    _unknown_fields(data, MEMBER_FIELDS)
    member = Member(cluster=cluster, **data)
    member.name = " ".join(member.name.split())
    _validate(member)
    _check_member_name_free(cluster=cluster, name=member.name)
    try:
        with transaction.atomic():
            member.save()
    except IntegrityError as exc:  # the same name was added by someone else meanwhile
        raise InvalidFields({"name": [_("A member with this name already exists in this cluster.")]}) from exc
    audit_log(
        actor=user,
        action="member.create",
        cluster=cluster,
        target=member.name,
        after={name: _jsonable(getattr(member, name)) for name in MEMBER_FIELDS},
    )
    return member


@transaction.atomic
def member_update(*, user, member: Member, data: Mapping[str, Any], expected_version: int) -> Member:
    _unknown_fields(data, MEMBER_FIELDS)
    locked = _locked(member, expected_version)
    changes = dict(data)
    if "name" in changes:
        changes["name"] = " ".join(str(changes["name"]).split())
    before, after = _diff(locked, changes)
    _apply(locked, changes)
    if "name" in changes:
        _check_member_name_free(cluster=locked.cluster, name=changes["name"], exclude_pk=member.pk)
    _save(locked, list(changes), caller=member)
    audit_log(
        actor=user, action="member.update", cluster=locked.cluster, target=member.name, before=before, after=after
    )
    return member


@transaction.atomic
def member_set_active(*, user, member: Member, active: bool, expected_version: int) -> Member:
    """Deactivate or reactivate a member; members are never deleted, so their history stays."""
    locked = _locked(member, expected_version)
    before = {"active": locked.active}
    locked.active = bool(active)
    _save(locked, ["active"], caller=member)
    audit_log(
        actor=user,
        action="member.activate" if active else "member.deactivate",
        cluster=locked.cluster,
        target=member.name,
        before=before,
        after={"active": locked.active},
    )
    return member


# --- yearly facts ----------------------------------------------------------------------------------


def _year_save(
    *,
    user,
    model: type[Model],
    fields: Sequence[str],
    action: str,
    cluster: Cluster,
    year: int,
    data: Mapping[str, Any],
    expected_version: int | None,
) -> Model:
    _unknown_fields(data, fields)
    existing = model.objects.filter(cluster=cluster, year=year).first()
    if existing is None:
        if expected_version is not None:
            # It was loaded for editing, so someone removed it in between.
            raise ConflictError()
        row = model(cluster=cluster, year=year, **data)
        _validate(row)
        try:
            with transaction.atomic():
                row.save()
        except IntegrityError as exc:  # the same year was created by someone else meanwhile
            raise ConflictError() from exc
        audit_log(
            actor=user,
            action=f"{action}.create",
            cluster=cluster,
            target=str(year),
            after={name: _jsonable(getattr(row, name)) for name in fields},
        )
        return row
    if expected_version is None:
        raise InvalidFields(
            {"year": [_("Facts for %(year)s are already recorded: edit them instead.") % {"year": year}]}
        )
    locked = _locked(existing, expected_version)
    changes = dict(data)
    before, after = _diff(locked, changes)
    _apply(locked, changes)
    _save(locked, list(changes), caller=existing)
    audit_log(actor=user, action=f"{action}.update", cluster=cluster, target=str(year), before=before, after=after)
    return existing


@transaction.atomic
def team_year_save(
    *, user, cluster: Cluster, year: int, data: Mapping[str, Any], expected_version: int | None
) -> TeamYear:
    """Create the team and governance facts of ``year`` (``expected_version=None``, said explicitly) or change them
    (the version the user loaded)."""
    return _year_save(
        user=user,
        model=TeamYear,
        fields=TEAM_FIELDS,
        action="team_year",
        cluster=cluster,
        year=year,
        data=data,
        expected_version=expected_version,
    )


@transaction.atomic
def financing_year_save(
    *, user, cluster: Cluster, year: int, data: Mapping[str, Any], expected_version: int | None
) -> FinancingYear:
    """Create the financing of ``year`` by source (``expected_version=None``, said explicitly) or change it (the
    version the user loaded)."""
    return _year_save(
        user=user,
        model=FinancingYear,
        fields=FINANCING_FIELDS,
        action="financing_year",
        cluster=cluster,
        year=year,
        data=data,
        expected_version=expected_version,
    )


# --- import ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int  # existing members whose data changed
    unchanged: int = 0  # existing members found in the file with the same data


def _update_many(objs: Sequence[Model], field_names: Sequence[str]) -> None:
    """One parameterised UPDATE sent for every row with executemany (pipelined by psycopg 3).

    Django's bulk_update builds one CASE WHEN per column and row, which takes seconds for a few thousand
    rows; this takes a fraction of that. The rows must be locked by the caller."""
    model = type(objs[0])
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    fields = [model._meta.get_field(name) for name in field_names]
    assignments = ", ".join(f"{quote(f.column)} = %s" for f in fields)
    table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
    # Identifiers come from the model, values are parameters.
    sql = f"UPDATE {table} SET {assignments} WHERE {pk} = %s"  # noqa: S608
    params = [[f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields] + [obj.pk] for obj in objs]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


@transaction.atomic
def members_import(*, user, cluster: Cluster, rows: Sequence[Mapping[str, Any]], source: str = "") -> ImportResult:
    """Create or update members from already validated rows (clusters.importers.read_members).

    A member is matched by name, whatever the case: a re-import updates it rather than duplicating it.
    One query loads the existing members (locked, so that two imports do not interleave), then
    bulk_create writes the new ones and one executemany UPDATE the changed ones.
    """
    # Two imports into the same cluster run one after the other.
    Cluster.objects.select_for_update().filter(pk=cluster.pk).first()
    existing = {m.name.lower(): m for m in Member.objects.select_for_update().filter(cluster=cluster)}
    to_create: list[Member] = []
    to_update: list[Member] = []
    changed_fields: set[str] = set()
    seen: set[str] = set()
    now = timezone.now()
    for row in rows:
        _unknown_fields(row, MEMBER_FIELDS)
        key = row["name"].strip().lower()
        if key in seen:
            raise DomainError(_("The name %(name)s appears twice.") % {"name": row["name"]})
        seen.add(key)
        member = existing.get(key)
        if member is None:
            to_create.append(Member(cluster=cluster, **row))
            continue
        changed = False
        for name, value in row.items():
            if name == "name":
                continue  # keep the stored spelling of the name
            if getattr(member, name) != value:
                setattr(member, name, value)
                changed_fields.add(name)
                changed = True
        if changed:
            member.version += 1  # safe: the rows are locked
            member.updated_at = now
            to_update.append(member)
    try:
        with transaction.atomic():
            Member.objects.bulk_create(to_create, batch_size=1000)
    except IntegrityError as exc:  # a member of the same name was added meanwhile through the form or the API
        raise ConflictError() from exc
    if to_update:
        _update_many(to_update, sorted(changed_fields) + ["version", "updated_at"])
    matched = sum(1 for row in rows if row["name"].strip().lower() in existing)
    audit_log(
        actor=user,
        action="members.import",
        cluster=cluster,
        target=source[:255],
        after={"created": len(to_create), "updated": len(to_update), "unchanged": matched - len(to_update)},
    )
    return ImportResult(created=len(to_create), updated=len(to_update), unchanged=matched - len(to_update))
