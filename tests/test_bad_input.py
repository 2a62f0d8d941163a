"""Bad input, everywhere: every page that accepts a POST and every API endpoint that accepts POST/PATCH gets a
battery of bad values, field by field, as a user who may use it (the world and the route table come from
tests/test_access_matrix.py).

For each case: never a 500; an API answers 400/404/409 with a JSON body naming the fields (or a ``detail``),
2xx only where the input is actually acceptable; a page re-renders (200/400/409) or redirects; and when the input
had to be refused, nothing changed in the database. Another cluster's records never change, whatever is sent.

Each test covers one (route, bad value) pair and tries it on every field of the route in turn, each try inside a
savepoint that is rolled back, so that the tries do not see each other; a failure lists the fields that failed.
"""

from __future__ import annotations

import copy
import datetime
import functools
import traceback
from dataclasses import dataclass, field
from dataclasses import fields as dataclass_fields
from urllib.parse import quote

import pytest
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from appeals.models import Appeal, AppealFile, Question
from areas.models import ImprovementArea
from audit.models import AuditEvent
from clusters.models import Cluster, FinancingYear, Member, TeamYear
from committee import models as committee_models
from expertise.models import CategoryFindings, Findings, PrerequisiteExemption, Visit, VisitSlot
from improvement.models import Action, ActionEvidence, ImprovementPlan
from labelling.models import Answer, Assessment, Decision, Evidence, Label, Report, Review
from programmes.models import Contract, ReportProof, ReportValue, SharedReport, Target, YearlyReport
from tests import factories
from tests.areas.helpers import world_with_areas
from tests.test_access_matrix import API, PAGES

# --- the bad values ------------------------------------------------------------------------------------------

LONG = "x" * 100_000
BAD: dict[str, object] = {
    "abc": "abc",
    "negative": "-1",
    "float_1e308": "1e308",
    "int_10e30": str(10**30),
    "nan": "NaN",
    "infinity": "Infinity",
    "minus_zero": "-0",
    "feb_30": "2025-02-30",
    "dmy_31_02": "31/02/2025",
    "overlong": LONG,
    "nul_char": "a\x00b",
    "rtl_emoji": "\u202eabc\u200f \U0001f600",
    "unknown_choice": "bogus",
}
# JSON-only values: wrong types.
JSON_BAD: dict[str, object] = {
    "list": [1],
    "dict": {"a": 1},
    "true": True,
    "number_2": 2,
    "json_1e308": 1e308,
    "json_10e30": 10**30,
    "null": None,
}

NO_SUCH_ID = 2**31 - 1  # a valid integer key that no row has

# Field kinds, and for each the bad values that MAY be accepted (valid input, or input the field ignores).
# Every other bad value must be refused (and then nothing may change).
TEXT_OK = {
    "abc",
    "negative",
    "float_1e308",
    "int_10e30",
    "nan",
    "infinity",
    "minus_zero",
    "feb_30",
    "dmy_31_02",
    "rtl_emoji",
    "unknown_choice",
    "number_2",
    "json_1e308",
    "json_10e30",
}
MAY_PASS: dict[str, set[str]] = {
    "int": {"minus_zero", "null", "number_2"},
    "dec": {"minus_zero", "null", "number_2"},
    "answer": {"minus_zero", "null", "number_2"},  # an indicator's value: a number in range (S1, a percentage)
    "date": {"null"},
    "bool_form": set(BAD),  # an HTML checkbox: any text is "ticked"
    "bool": {"null", "true"},  # JSON: only true/false/0/1 (and their strings)
    "choice": {"null"},
    "fk": {"null"},
    "version": {"minus_zero", "null"},  # 0 is stale (versions start at 1): refused, but as a conflict
    "text": TEXT_OK | {"null"},  # bounded text: the 100,000 characters are refused
    "longtext": TEXT_OK | {"overlong", "null"},  # unbounded text
    "strlist": {"list"},  # JSON list of short texts
    "ignored": set(BAD) | set(JSON_BAD),  # not stored (e.g. where to go next): anything goes, nothing breaks
}
# The "null" JSON value is accepted by optional fields; required ones refuse it. Either is fine here.


def may_pass(kind: str, bad: str) -> bool:
    return bad in MAY_PASS[kind]


# --- the database state --------------------------------------------------------------------------------------

SNAPSHOT_MODELS = (
    Cluster,
    Member,
    TeamYear,
    FinancingYear,
    Assessment,
    Answer,
    Evidence,
    Review,
    Decision,
    Label,
    Report,
    AuditEvent,
    committee_models.CommitteeSession,
    committee_models.Case,
    committee_models.ConflictDeclaration,
    Appeal,
    Question,
    AppealFile,
    ImprovementArea,
    PrerequisiteExemption,
    Visit,
    Findings,
    YearlyReport,
    Contract,
    ReportProof,
    SharedReport,
    ImprovementPlan,
    Action,
    ActionEvidence,
)
# Rows without a version: every column is compared (a value, a target, a slot, a category's findings).
SNAPSHOT_WHOLE_ROWS = (VisitSlot, CategoryFindings, ReportValue, Target)


def _one_query(querysets: dict) -> tuple[tuple[str, ...], str, list]:
    """The rows of several querysets in one round trip (each try takes four snapshots; one query each instead of
    one per model keeps the thousands of tries fast): the names, the SQL and its parameters, for ``_rows``."""
    columns, params = [], []
    for queryset in querysets.values():
        sql, qs_params = queryset.query.sql_with_params()
        # the SQL is what the ORM compiled from our own querysets; the values travel as parameters
        columns.append(f"(SELECT coalesce(array_agg(t::text ORDER BY t::text), '{{}}') FROM ({sql}) AS t)")  # noqa: S608
        params.extend(qs_params)
    return tuple(querysets), f"SELECT {', '.join(columns)}", params


def _rows(query: tuple[tuple[str, ...], str, list]) -> dict:
    """{name: sorted rows as text} of a ``_one_query``."""
    names, sql, params = query
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return dict(zip(names, cursor.fetchone(), strict=True))


@functools.cache
def _snapshot_query() -> tuple[tuple[str, ...], str, list]:
    """Compiled once: the ORM's compiling cost as much as running it, thousands of times."""
    querysets = {}
    for model in SNAPSHOT_MODELS:
        names = [f.name for f in model._meta.concrete_fields if f.name in ("version", "status", "updated_at")]
        querysets[model.__name__] = model.objects.order_by().values_list("pk", *names)
    for model in SNAPSHOT_WHOLE_ROWS:
        names = [f.attname for f in model._meta.concrete_fields]
        querysets[model.__name__] = model.objects.order_by().values_list(*names)
    querysets["assessors"] = Assessment.objects.order_by().values_list("pk", "assessor_id")
    return _one_query(querysets)


def snapshot() -> dict:
    """Every row of the models that input can change, with what moves when it is saved."""
    return _rows(_snapshot_query())


def _foreign_querysets(other_pk: int) -> dict:
    return {
        "cluster": Cluster.objects.filter(pk=other_pk).order_by().values_list("version", "updated_at"),
        "members": Member.objects.filter(cluster=other_pk).order_by().values_list("pk", "version"),
        "assessments": Assessment.objects.filter(cluster=other_pk).order_by().values_list("pk", "version", "status"),
        "team": TeamYear.objects.filter(cluster=other_pk).order_by().values_list("pk", "version"),
        "financing": FinancingYear.objects.filter(cluster=other_pk).order_by().values_list("pk", "version"),
    }


@dataclass(frozen=True)
class Rows:
    """The rows input can change (``snapshot``) and, apart, those of another cluster (never changed by anybody
    here), read in one round trip."""

    other_cluster: int
    own: dict
    foreign: dict


@functools.cache
def _rows_query(other_pk: int) -> tuple[tuple[str, ...], str, list]:
    names, sql, params = _snapshot_query()
    foreign_names, foreign_sql, foreign_params = _one_query(_foreign_querysets(other_pk))
    foreign_columns = foreign_sql.removeprefix("SELECT ")
    return (*names, *(f"foreign:{n}" for n in foreign_names)), f"{sql}, {foreign_columns}", [*params, *foreign_params]


def rows_now(other_pk: int) -> Rows:
    rows = _rows(_rows_query(other_pk))
    own = {k: v for k, v in rows.items() if not k.startswith("foreign:")}
    foreign = {k: v for k, v in rows.items() if k.startswith("foreign:")}
    return Rows(other_pk, own, foreign)


def rows_before_the_tries(w) -> Rows:
    """The rows as the world left them, read once per test: every try is rolled back, so each starts from them."""
    return rows_now(w.other_cluster.pk)


# --- the routes under test -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """A route that takes input: who posts, a valid body, and the kind of each field."""

    role: str
    kwargs: object  # World -> url kwargs
    valid: object  # World -> a valid body (whose fields are replaced one at a time)
    fields: dict = field(default_factory=dict)  # name -> kind
    # the valid body is accepted (False: the route refuses it in the world's state, e.g. an incomplete submission)
    valid_passes: bool = True
    method: str = "post"
    foreign: object = None  # World -> {field: an id of another cluster's object (or another role's user)}
    files: tuple = ()  # file fields
    ok: int = 302  # the status of an accepted page POST (the autosave answers JSON: 200)
    reads_body: bool = True  # False: the route takes no input (a malformed body is not even read)
    empty_ok: bool = False  # True: every field is optional, an empty body is valid


# --- the rows, one factory for each kind of route -------------------------------------------------------------
#
# A row names the fields tried in turn as keywords: ``name=(kind, valid value)``, or ``name=kind`` for a field the
# valid body leaves out; a valid value may be a function of the world. ``body``: values of the valid body that are
# not tried. A route whose valid body comes whole from a function gives ``valid=`` and ``fields=`` instead. The
# other keywords are the ``Case``'s own (``valid_passes``, ``foreign``, ``files``, ``ok``…).

CASE_OPTIONS = {f.name for f in dataclass_fields(Case)} - {"role", "kwargs", "valid", "fields"}


def _value(w, value):
    return value(w) if callable(value) else copy.deepcopy(value)


def pk_of(attr: str):
    """The pk of the world's ``attr`` (a url kwarg or a valid value)."""
    return lambda w: getattr(w, attr).pk


def on(attr: str = "", /, **more):
    """The url's kwargs: ``pk``, the world's ``attr``'s (none without ``attr``), and ``more`` (values, or
    functions of the world)."""
    return lambda w: ({"pk": getattr(w, attr).pk} if attr else {}) | {k: _value(w, v) for k, v in more.items()}


def version_of(model, attr: str):
    """The version of the world's ``attr`` as it is now (a number, as JSON sends it)."""
    return lambda w: model.objects.get(pk=getattr(w, attr).pk).version


def text_version(model, attr: str):
    """The version of the world's ``attr`` as it is now, as a form's hidden field sends it."""
    return lambda w: _version(model, pk=getattr(w, attr).pk)


def _row(role: str, url, *, valid=None, fields=None, body=None, **given) -> Case:
    options = {k: v for k, v in given.items() if k in CASE_OPTIONS}
    tried = {k: v for k, v in given.items() if k not in CASE_OPTIONS}
    kinds = {name: spec if isinstance(spec, str) else spec[0] for name, spec in tried.items()}
    values = {**(body or {}), **{name: spec[1] for name, spec in tried.items() if not isinstance(spec, str)}}
    assert valid is None or not values, "a valid body from a function, or values by field: not both"

    def from_values(w):
        return {name: _value(w, value) for name, value in values.items()}

    return Case(role, url, valid or from_values, {**(fields or {}), **kinds}, **options)


def page(role: str, url, **given) -> Case:
    """A page's form, posted: it re-renders (the form refused) or redirects (``ok``, else 302)."""
    return _row(role, url, **given)


def upload(role: str, url, file: str = "file", **given) -> Case:
    """A page that takes a file (an import, a proof, evidence): the valid body has no file, so it is refused; the
    bad uploads go in ``file``."""
    return _row(role, url, files=(file,), valid_passes=False, **given)


def button(role: str, url, **given) -> Case:
    """A page's button that sends nothing: the body is not read, an empty one is valid."""
    return _row(role, url, reads_body=False, empty_ok=True, **given)


def api(role: str, url, method: str = "post", **given) -> Case:
    """An API write with a JSON body (``method``: post, or put)."""
    return _row(role, url, method=method, **given)


def patch(role: str, url, **given) -> Case:
    """An API PATCH with a JSON body (a record's fields, each optional)."""
    return api(role, url, "patch", **given)


def _answer(w, assessment="draft", code="S1"):
    return getattr(w, assessment).answers.get(indicator__code=code)


def _s_category_body(w):
    body = {}
    for answer in w.draft.answers.select_related("indicator").filter(indicator__category__code="S"):
        code = answer.indicator.code
        body[f"{code}-value"] = ""
        body[f"{code}-comment"] = ""
        body[f"{code}-version"] = str(answer.version)
    body["S1-value"] = "80"
    body["S1-comment"] = "as counted"
    return body


def _s_category_fields():
    fields = {}
    for code in ("S1", "S2", "S3", "S4"):
        fields[f"{code}-value"] = "answer" if code != "S3" else "int"
        fields[f"{code}-comment"] = "text"
        # the version only matters for the answer that changes (S1 in the valid body)
        fields[f"{code}-version"] = "version" if code == "S1" else "ignored"
    return fields


def _other_assessment(w):
    return Assessment.objects.filter(cluster=w.other_cluster).first()


CLUSTER_FORM_FIELDS = {
    "name": "text",
    "acronym": "text",
    "kind": "choice",
    "legal_form": "text",
    "legal_entity": "bool_form",
    "public_profile": "bool_form",
    "country": "text",
    "region": "text",
    "city": "text",
    "website": "text",
    "year_founded": "int",
    "sectors": "text",
    "s3_domains": "text",
    "description_fr": "longtext",
    "description_en": "longtext",
    "version": "version",
}


def _cluster_form_body(w):
    c = w.cluster
    c.refresh_from_db()
    return {
        "name": c.name,
        "acronym": c.acronym,
        "kind": c.kind,
        "legal_form": c.legal_form or "association",
        "legal_entity": "on",
        "public_profile": "on",
        "country": c.country or "FR",
        "region": "24",
        "city": "Chartres",
        "website": "https://example.org",
        "year_founded": "2005",
        "sectors": "cosmetics, perfume",
        "s3_domains": "",
        "description_fr": "Un pôle.",
        "description_en": "A cluster.",
        "version": str(c.version),
    }


MEMBER_FORM_FIELDS = {
    "name": "text",
    "member_type": "choice",
    "size_class": "choice",
    "region": "text",
    "member_since": "date",
    "fee_paying": "bool_form",
}
TEAM_FORM_FIELDS = {
    "staff_fte": "dec",
    "staff_headcount": "int",
    "staff_with_degree": "int",
    "board_seats": "int",
    "board_company_seats": "int",
    "strategy_document": "bool_form",
    "strategy_adopted_on": "date",
    "action_plan": "choice",
    "performance_contract": "bool_form",
}
FINANCING_FIELDS = {source: "dec" for source in FinancingYear.SOURCES}


def _member_body(w, **extra):
    return {
        "name": "Nouvelle PME",
        "member_type": "sme",
        "size_class": "small",
        "region": "24",
        "member_since": "2020-05-04",
        "fee_paying": "on",
        **extra,
    }


def _team_body(w, **extra):
    return {
        "staff_fte": "3.5",
        "staff_headcount": "4",
        "staff_with_degree": "3",
        "board_seats": "12",
        "board_company_seats": "7",
        "strategy_document": "on",
        "strategy_adopted_on": "2023-01-15",
        "action_plan": "partial",
        **extra,
    }


def _financing_body(w, **extra):
    return {
        "state": "100000",
        "regional": "50000",
        "eu": "0",
        "member_fees": "80000",
        "paid_services": "20000",
        "other_private": "1000.50",
        **extra,
    }


def _version(model, **lookup):
    return str(model.objects.get(**lookup).version)


ACTION_FORM_FIELDS = {
    "indicator": "fk",
    "description": "text",
    "owner": "text",
    "due_on": "date",
    "status": "choice",
    "progress_note": "text",
    "version": "version",
}


def _action_body(w, version):
    return {
        "indicator": str(w.action.indicator_id),
        "description": "Write the roadmap with the board.",
        "owner": "Claire Martin",
        "due_on": (timezone.localdate() + datetime.timedelta(days=90)).isoformat(),
        "status": "in_progress",
        "progress_note": "Draft sent.",
        "version": version,
    }


def _area_body(w, *, code="G3", version=None):
    """A valid area on `draft`: a new indicator, the world's action (ids as the pages send them)."""
    action = w.area.actions.get()
    indicator = w.draft.framework.indicators.get(code=code)
    return {
        "title": "Export markets",
        "indicator": str(indicator.pk),
        "actions": [str(action.pk)],
        "achievements": "Two trade missions.",
        "version": version or _version(Assessment, pk=w.draft.pk),
    }


def _other_plan_action(w):
    from improvement.models import Action, ImprovementPlan

    plan, _created = ImprovementPlan.objects.get_or_create(cluster=w.other_cluster)
    return Action.objects.create(plan=plan, description="Another cluster's action").pk


AREA_FORM_FIELDS = {
    "title": "text",
    "indicator": "fk",
    "actions": "strlist",
    "achievements": "text",
    "version": "version",
}
AREA_API_FIELDS = {**AREA_FORM_FIELDS, "indicator": "text"}


def _area_api_body(w, **extra):
    body = _area_body(w, **extra)
    return {**body, "indicator": "G3", "actions": [int(body["actions"][0])], "version": int(body["version"])}


PAGE_CASES: dict[str, Case] = {
    # Silver's areas of improvement (world.draft applies for Silver)
    "areas:list": page(
        "manager",
        on("draft"),
        valid=_area_body,
        fields=AREA_FORM_FIELDS,
        foreign=lambda w: {"actions": [str(_other_plan_action(w))]},
    ),
    "areas:edit": page(
        "manager",
        on("area"),
        valid=lambda w: _area_body(w, code="S2", version=_version(ImprovementArea, pk=w.area.pk)),
        fields=AREA_FORM_FIELDS,
        foreign=lambda w: {"actions": [str(_other_plan_action(w))]},
    ),
    "areas:delete": page("manager", on("area"), version=("version", text_version(ImprovementArea, "area"))),
    "areas:verdict": page(
        "assessor",
        on("review_area"),
        verdict=("choice", "demonstrated"),
        comment=("text", "Seen."),
        version=("version", text_version(ImprovementArea, "review_area")),
    ),
    # the improvement plan (world.plan, world.action with one evidence file)
    "improvement:action_add": page(
        "manager",
        on("cluster"),
        valid=lambda w: _action_body(w, _version(ImprovementPlan, pk=w.plan.pk)),
        fields=ACTION_FORM_FIELDS,
    ),
    "improvement:action": page(
        "manager",
        on("cluster", action_pk=pk_of("action")),
        valid=lambda w: _action_body(w, _version(Action, pk=w.action.pk)),
        fields=ACTION_FORM_FIELDS,
    ),
    "improvement:evidence_add": upload(
        "manager", on("cluster", action_pk=pk_of("action")), version=("version", text_version(Action, "action"))
    ),
    "improvement:evidence_delete": page(
        "manager",
        on("cluster", action_pk=pk_of("action"), evidence_pk=pk_of("action_evidence")),
        version=("version", text_version(Action, "action")),
    ),
    "committee:case_decide": page(
        "administrator",
        on("case"),
        outcome=("choice", "deferred"),
        conditions=("text", ""),
        review_on=("date", ""),
        reason=("text", "Later."),
        version=("version", "1"),
    ),
    "committee:case_conflict": page("committee_member", on("case"), reason=("text", "I sit on its board.")),
    "committee:create": page(
        "administrator",
        on(),
        held_on=("date", "2027-02-01"),
        place=("text", "Paris"),
        video_link=("text", "https://visio.example.org/c"),
        chair=("fk", lambda w: str(w.users["administrator"].pk)),
        members=("fk", lambda w: str(w.users["committee_member"].pk)),
        foreign=lambda w: {"chair": str(w.users["other_manager"].pk), "members": str(w.users["other_manager"].pk)},
    ),
    "committee:case_add": page(  # the world's assessments are not validated: refused on `assessment`
        "administrator",
        on("committee_session"),
        assessment=("fk", lambda w: str(w.draft.pk)),
        proposed_level=("choice", "silver"),
        version=("version", "1"),
        valid_passes=False,
        foreign=lambda w: {"assessment": str(_other_assessment(w).pk)},
    ),
    "committee:attendance": page(
        "administrator",
        on("committee_session"),
        present=("fk", lambda w: str(w.users["committee_member"].pk)),
        version=("version", "1"),
        foreign=lambda w: {"present": str(w.users["other_manager"].pk)},
    ),
    "committee:close": page(  # the world's case is not decided yet: refused
        "administrator", on("committee_session"), version=("version", "1"), valid_passes=False
    ),
    # the world's case is undecided: no conditions to follow up (409 on valid input)
    "committee:case_conditions_met": page("administrator", on("case"), version=("version", "1"), valid_passes=False),
    "committee:case_revoke": page(
        "administrator", on("case"), reason=("text", "Not met."), version=("version", "1"), valid_passes=False
    ),
    # appeals (world.refused may be appealed by the manager; world.appeal is lodged, no question waiting)
    "appeals:lodge": page(
        "manager",
        on(assessment_pk=pk_of("refused"), ground="refused"),
        reasons=("text", "Our statutes were filed."),
        files=("files",),
    ),
    "appeals:ask": page(
        "administrator", on("appeal"), question=("text", "Send the minutes."), version=("version", "1")
    ),
    "appeals:answer": page(  # no question is waiting in the world: the valid answer is refused too
        "manager",
        on("appeal"),
        answer=("text", "Attached."),
        version=("version", "1"),
        valid_passes=False,
        files=("files",),
    ),
    "appeals:decide": page(
        "administrator",
        on("appeal"),
        outcome=("choice", "upheld"),
        level=("choice", ""),
        reason=("text", "No new fact."),
        version=("version", "1"),
    ),
    "clusters:profile_edit": page(
        "manager", on("cluster"), valid=_cluster_form_body, fields=CLUSTER_FORM_FIELDS, files=("logo",)
    ),
    "clusters:member_add": page("manager", on("cluster"), valid=_member_body, fields=MEMBER_FORM_FIELDS),
    "clusters:member_edit": page(
        "manager",
        on("cluster", member_pk=pk_of("member")),
        valid=lambda w: _member_body(w, version=_version(Member, pk=w.member.pk)),
        fields={**MEMBER_FORM_FIELDS, "version": "version"},
    ),
    "clusters:member_set_active": page(
        "manager",
        on("cluster", member_pk=pk_of("member")),
        body={"active": "0"},
        version=("version", text_version(Member, "member")),
        next=("ignored", ""),
    ),
    "clusters:member_import": upload("manager", on("cluster"), ok=200),  # the import's report is a 200 page
    "clusters:team_add": page(
        "manager",
        on("cluster"),
        valid=lambda w: _team_body(w, year="2024"),
        fields={"year": "int", **TEAM_FORM_FIELDS},
    ),
    "clusters:team_edit": page(
        "manager",
        on("cluster", year=2025),
        valid=lambda w: _team_body(w, version=_version(TeamYear, cluster=w.cluster, year=2025)),
        fields={**TEAM_FORM_FIELDS, "version": "version"},
    ),
    "clusters:financing_add": page(
        "manager",
        on("cluster"),
        valid=lambda w: _financing_body(w, year="2024"),
        fields={"year": "int", **FINANCING_FIELDS},
    ),
    "clusters:financing_edit": page(
        "manager",
        on("cluster", year=2025),
        valid=lambda w: _financing_body(w, version=_version(FinancingYear, cluster=w.cluster, year=2025)),
        fields={**FINANCING_FIELDS, "version": "version"},
    ),
    "labelling:cluster_assessments": page(
        "manager",
        on(cluster_pk=pk_of("cluster")),
        reference_year=("int", "2022"),
        legal_entity=("bool_form", "on"),
        public_profile=("bool_form", "on"),
        previous=("fk", ""),
        foreign=lambda w: {"previous": _other_assessment(w).pk},
    ),
    "labelling:assessment_fill": page(
        "manager", on("draft", category_code="S"), valid=_s_category_body, fields=_s_category_fields()
    ),
    "labelling:assessment_autosave": page(
        "manager",
        on("draft"),
        code=("choice", "S1"),
        value=("answer", "80"),
        comment=("text", "as counted"),
        version=("version", lambda w: str(_answer(w).version)),
        ok=200,
    ),
    "labelling:assessment_eligibility": page(
        "manager",
        on("draft"),
        legal_entity=("bool_form", "on"),
        public_profile="bool_form",
        version=("version", text_version(Assessment, "draft")),
    ),
    "labelling:assessment_submit": page(  # the draft is incomplete: refused whatever is sent
        "manager", on("draft"), version=("version", text_version(Assessment, "draft")), valid_passes=False
    ),
    "labelling:evidence_upload": upload(
        "manager", on(answer_pk=lambda w: w.evidence.answer_id), document_date=("date", "2025-03-01")
    ),
    "labelling:evidence_delete": page("manager", on("evidence")),
    "labelling:assessment_offline": upload("manager", on("draft")),
    "labelling:assessment_offline_confirm": page(  # no upload pending: refused
        "manager", on("draft"), token=("text", "x"), valid_passes=False
    ),
    "labelling:assessment_assign": page(  # reassignment of the assessment in review
        "administrator",
        on("in_review"),
        assessor=("fk", lambda w: str(w.users["other_assessor"].pk)),
        foreign=lambda w: {"assessor": w.users["other_manager"].pk},
    ),
    "labelling:assessment_declare_no_conflict": page(  # already declared in the world: refused
        "assessor", on("in_review"), valid_passes=False
    ),
    "labelling:assessment_declare_conflict": page(
        "assessor", on("in_review"), reason=("longtext", "I sat on its board.")
    ),
    "labelling:assessment_assign_second": page(
        "administrator",
        on("in_review"),
        assessor=("fk", lambda w: str(w.users["other_assessor"].pk)),
        foreign=lambda w: {"assessor": w.users["other_manager"].pk},
    ),
    "labelling:answers_accept_category": button(  # the world's answers are unanswered: nothing to accept
        "assessor", on("in_review", category_code="S"), valid_passes=False
    ),
    "labelling:assessment_withdraw": button("manager", on("draft")),
    "labelling:answer_review": page(
        "assessor",
        on("in_review", code="S1"),
        decision=("choice", "correct"),
        value=("answer", "50"),
        justification=("longtext", "counted again"),
        comment=("longtext", ""),
        version=("version", lambda w: str(_answer(w, "in_review").version)),
    ),
    "labelling:assessment_request_changes": page("assessor", on("in_review"), comment=("text", "Attach the strategy.")),
    "labelling:assessment_validate": page(  # nothing reviewed yet: refused
        "assessor", on("in_review"), recommended_level=("choice", "silver"), valid_passes=False
    ),
    "labelling:assessment_decide": page(  # not validated: refused
        "administrator", on("in_review"), level=("choice", "silver"), reason=("longtext", "r"), valid_passes=False
    ),
    "labelling:label_revoke": page("administrator", on("label"), reason=("longtext", "Fraud.")),
    "labelling:report_request": page(
        "manager", on("decided"), kind=("choice", "assessment"), language=("choice", "en")
    ),
    # Produces the report again with its own kind and language: the body is not read.
    "labelling:report_regenerate": button("manager", on("report")),
}


# The expert's process (issue 20): world.in_review is assigned to `assessor`, world.visit is its accepted interview.
def _findings_version(w):
    findings = Findings.objects.filter(assessment=w.in_review).first()
    return str(findings.version if findings else 0)


def _when(days, hour):
    start = timezone.localtime() + datetime.timedelta(days=days)
    return start.replace(hour=hour, minute=0, second=0, microsecond=0).strftime("%Y-%m-%dT%H:%M")


EXPERTISE_PAGE_CASES: dict[str, Case] = {
    "expertise:prerequisites": page(
        "administrator", on("in_review"), reason=("text", "The cluster belongs to the State's pôles programme.")
    ),
    "expertise:exemption_withdraw": button(  # no exemption recorded in the world: nothing to withdraw
        "administrator", on("in_review"), valid_passes=False
    ),
    "expertise:visit": page(  # an accepted visit stands: a new proposal is refused
        "assessor",
        on("in_review"),
        mode=("choice", "video"),
        meeting_url=("text", "https://visio.example.org/new"),
        address=("text", ""),
        slot_1_starts_at=("date", lambda w: _when(40, 9)),
        slot_1_ends_at=("date", lambda w: _when(40, 12)),
        slot_2_starts_at="date",
        valid_passes=False,
    ),
    "expertise:visit_accept": page(  # already accepted: refused
        "manager",
        on("visit"),
        slot=("fk", lambda w: str(w.visit.slots.get().pk)),
        version=("version", text_version(Visit, "visit")),
        valid_passes=False,
    ),
    "expertise:visit_decline": page(  # already accepted: refused
        "manager",
        on("visit"),
        comment=("text", "Any Tuesday."),
        version=("version", text_version(Visit, "visit")),
        valid_passes=False,
    ),
    "expertise:visit_move": page(
        "assessor",
        on("visit"),
        starts_at=("date", lambda w: _when(35, 9)),
        ends_at=("date", lambda w: _when(35, 12)),
        reason=("text", "The director is away."),
        version=("version", text_version(Visit, "visit")),
    ),
    "expertise:visit_cancel": page(
        "assessor",
        on("visit"),
        reason=("text", "The cluster withdrew."),
        version=("version", text_version(Visit, "visit")),
    ),
    "expertise:findings": page(
        "assessor",
        on("in_review"),
        visited_on=("date", "2026-01-15"),
        people_met=("text", "The director, two board members."),
        S_strengths=("text", "A clear strategy."),
        S_recommendations="text",
        version=("version", _findings_version),
    ),
}


# The funders' programmes: world.programme enrols world.cluster; world.yearly_report (2024) is being filled by
# `manager`; world.contract is the officer's; world.report is shared with the programme.
_report_version = text_version(YearlyReport, "yearly_report")
_contract_version = text_version(Contract, "contract")


def _enrolment_pk(w):
    return w.programme.enrolments.get().pk


PROGRAMME_PAGE_CASES: dict[str, Case] = {
    "programmes:enrolment": page("manager", on(pk=_enrolment_pk), year=("int", "2025")),
    "programmes:report": page(
        "manager",
        on("yearly_report"),
        value_eu_projects=("int", "3"),
        value_rd_funding="dec",
        comment_eu_projects=("text", ""),
        value_members="dec",
        version=("version", _report_version),
    ),
    "programmes:report_submit": page(  # declared figures missing: refused
        "manager", on("yearly_report"), version=("version", _report_version), valid_passes=False
    ),
    "programmes:report_approve": page(  # not submitted: refused
        "officer", on("yearly_report"), version=("version", _report_version), valid_passes=False
    ),
    "programmes:report_return": page(  # not submitted: refused
        "officer",
        on("yearly_report"),
        comment_eu_projects=("text", "Which projects?"),
        version=("version", _report_version),
        valid_passes=False,
    ),
    "programmes:proof_upload": upload("manager", on("yearly_report")),
    "programmes:report_share": page(  # the world's report is shared: `withdraw` takes it back
        "manager", on(pk=_enrolment_pk, report_pk=pk_of("report")), withdraw=("ignored", "1")
    ),
    "programmes:contract": page(
        "officer",
        on("programme", cluster_pk=pk_of("cluster")),
        signed_on=("date", "2022-12-15"),
        starts_on=("date", "2023-01-01"),
        ends_on=("date", "2026-12-31"),
        midterm_review_on=("date", "2024-12-31"),
        version=("version", _contract_version),
        files=("document",),
    ),
    "programmes:targets": page(
        "officer",
        on("contract"),
        target_eu_projects_2024=("int", "3"),
        target_rd_funding_2025=("dec", "12 000,50"),
        version=("version", _contract_version),
    ),
    "programmes:targets_import": upload("officer", on("contract"), version=("version", _contract_version)),
}

PAGE_CASES |= EXPERTISE_PAGE_CASES | PROGRAMME_PAGE_CASES

# API: JSON bodies.
CLUSTER_API_FIELDS = {
    "name": "text",
    "acronym": "text",
    "kind": "choice",
    "legal_form": "text",
    "legal_entity": "bool",
    "public_profile": "bool",
    "country": "text",
    "region": "text",
    "city": "text",
    "website": "text",
    "year_founded": "int",
    "sectors": "strlist",
    "s3_domains": "strlist",
    "description_fr": "longtext",
    "description_en": "longtext",
    "version": "version",
}
MEMBER_API_FIELDS = {
    "name": "text",
    "member_type": "choice",
    "size_class": "choice",
    "region": "text",
    "member_since": "date",
    "fee_paying": "bool",
    "active": "bool",
}
TEAM_API_FIELDS = {
    "staff_fte": "dec",
    "staff_headcount": "int",
    "staff_with_degree": "int",
    "board_seats": "int",
    "board_company_seats": "int",
    "strategy_document": "bool",
    "strategy_adopted_on": "date",
    "action_plan": "choice",
    "performance_contract": "bool",
}


def _json_member(w, **extra):
    return {
        "name": "Nouvelle PME",
        "member_type": "sme",
        "size_class": "small",
        "region": "24",
        "member_since": "2020-05-04",
        "fee_paying": True,
        **extra,
    }


def _json_team(w, **extra):
    return {
        "staff_fte": "3.5",
        "staff_headcount": 4,
        "staff_with_degree": 3,
        "board_seats": 12,
        "board_company_seats": 7,
        "strategy_document": True,
        "strategy_adopted_on": "2023-01-15",
        "action_plan": "partial",
        **extra,
    }


def _json_financing(w, **extra):
    return {
        "state": "100000",
        "regional": 50000,
        "eu": 0,
        "member_fees": "80000",
        "paid_services": "20000",
        "other_private": "1000.50",
        **extra,
    }


ACTION_API_FIELDS = {
    "indicator": "text",
    "description": "text",
    "owner": "text",
    "due_on": "date",
    "status": "choice",
    "progress_note": "text",
    "version": "version",
}


def _second_action(w):
    return Action.objects.filter(plan=w.plan).exclude(pk=w.action.pk).order_by("pk").first()


def _json_action(w, version):
    return {
        "indicator": "V3",
        "description": "Write the roadmap with the board.",
        "owner": "Claire Martin",
        "due_on": (timezone.localdate() + datetime.timedelta(days=90)).isoformat(),
        "status": "in_progress",
        "progress_note": "Draft sent.",
        "version": version,
    }


def _another_level(w):
    """Another level than the draft's own (the areas' world applies for Silver): the valid body changes it."""
    return "gold" if Assessment.objects.get(pk=w.draft.pk).applied_level == "silver" else "silver"


API_CASES: dict[str, Case] = {
    # the improvement plan
    "api-improvement-actions": api(
        "manager",
        on("cluster"),
        valid=lambda w: _json_action(w, ImprovementPlan.objects.get(pk=w.plan.pk).version),
        fields=ACTION_API_FIELDS,
    ),
    "api-improvement-action": patch(  # the plan's second action (version 1: world.action's is 2)
        "manager",
        on("cluster", action_pk=lambda w: _second_action(w).pk),
        valid=lambda w: _json_action(w, _second_action(w).version),
        fields=ACTION_API_FIELDS,
    ),
    "api-cluster-detail": patch(
        "manager",
        on("cluster"),
        valid=lambda w: {
            "city": "Chartres",
            "sectors": ["cosmetics"],
            "year_founded": 2005,
            "version": Cluster.objects.get(pk=w.cluster.pk).version,
        },
        fields=CLUSTER_API_FIELDS,
    ),
    "api-member-list": api("manager", on(cluster_pk=pk_of("cluster")), valid=_json_member, fields=MEMBER_API_FIELDS),
    "api-member-detail": patch(
        "manager",
        on(cluster_pk=pk_of("cluster"), pk=pk_of("member")),
        valid=lambda w: _json_member(w, version=Member.objects.get(pk=w.member.pk).version),
        fields={**MEMBER_API_FIELDS, "version": "version"},
    ),
    "api-team-year-list": api(
        "manager",
        on(cluster_pk=pk_of("cluster")),
        valid=lambda w: _json_team(w, year=2024),
        fields={"year": "int", **TEAM_API_FIELDS},
    ),
    "api-team-year-detail": patch(
        "manager",
        on(cluster_pk=pk_of("cluster"), year=2025),
        valid=lambda w: _json_team(w, version=TeamYear.objects.get(cluster=w.cluster, year=2025).version),
        fields={**TEAM_API_FIELDS, "version": "version", "year": "int"},
    ),
    "api-financing-year-list": api(
        "manager",
        on(cluster_pk=pk_of("cluster")),
        valid=lambda w: _json_financing(w, year=2024),
        fields={"year": "int", **FINANCING_FIELDS},
    ),
    "api-financing-year-detail": patch(
        "manager",
        on(cluster_pk=pk_of("cluster"), year=2025),
        valid=lambda w: _json_financing(w, version=FinancingYear.objects.get(cluster=w.cluster, year=2025).version),
        fields={**FINANCING_FIELDS, "version": "version", "year": "int"},
    ),
    "api-assessment-list": api(
        "manager",
        on(),
        cluster=("fk", pk_of("cluster")),
        reference_year=("int", 2022),
        previous="fk",
        legal_entity=("bool", True),
        public_profile=("bool", True),
        applied_level="choice",
        foreign=lambda w: {"cluster": w.other_cluster.pk, "previous": _other_assessment(w).pk},
    ),
    "api-assessment-detail": patch(
        "manager",
        on("draft"),
        applied_level=("choice", _another_level),
        legal_entity=("bool", True),
        public_profile=("bool", True),
        version=("version", version_of(Assessment, "draft")),
    ),
    "api-answer-detail": patch(
        "manager",
        on("draft", code="S1"),
        value=("answer", 80),
        comment=("text", "as counted"),
        version=("version", lambda w: _answer(w).version),
    ),
    "api-assessment-submit": api(  # incomplete draft: refused whatever is sent
        "manager", on("draft"), version=("version", version_of(Assessment, "draft")), valid_passes=False
    ),
    "api-assessment-assign": api(
        "administrator",
        on("in_review"),
        assessor=("fk", lambda w: w.users["other_assessor"].pk),
        foreign=lambda w: {"assessor": w.users["other_manager"].pk},
    ),
    "api-assessment-declare-no-conflict": api(  # declared already in the world: answers the same review again
        "assessor", on("in_review"), valid_passes=False, reads_body=False
    ),
    "api-assessment-declare-conflict": api("assessor", on("in_review"), reason=("longtext", "I sat on its board.")),
    "api-assessment-assign-second": api(
        "administrator",
        on("in_review"),
        assessor=("fk", lambda w: w.users["other_assessor"].pk),
        foreign=lambda w: {"assessor": w.users["other_manager"].pk},
    ),
    "api-assessment-accept-remaining": api(  # the world's answers are unanswered: nothing to accept
        "assessor", on("in_review"), category=("text", "S"), valid_passes=False
    ),
    "api-answer-review": api(
        "assessor",
        on("in_review", code="S1"),
        accept=("bool", False),
        value=("answer", 50),
        justification=("text", "counted again"),
        comment=("text", ""),
        expected_version=("version", lambda w: _answer(w, "in_review").version),
    ),
    "api-assessment-request-changes": api("assessor", on("in_review"), comment=("text", "Attach the strategy.")),
    "api-assessment-validate": api(
        "assessor", on("in_review"), recommended_level=("choice", "silver"), valid_passes=False
    ),
    "api-assessment-decide": api(
        "administrator", on("in_review"), level=("choice", "silver"), reason=("text", "r"), valid_passes=False
    ),
    "api-assessment-reports": api(
        "manager", on("decided"), kind=("choice", "assessment"), language=("choice", "en"), empty_ok=True
    ),
    "api-label-revoke": api("administrator", on("label"), reason=("text", "Fraud.")),
    # Silver's areas of improvement (world.draft applies for Silver)
    "api-assessment-areas": api(
        "manager",
        on("draft"),
        valid=_area_api_body,
        fields=AREA_API_FIELDS,
        foreign=lambda w: {"actions": [_other_plan_action(w)]},
    ),
    "api-area-detail": api(
        "manager",
        on("area"),
        "put",
        valid=lambda w: {
            **_area_api_body(w),
            "indicator": "S2",
            "version": int(_version(ImprovementArea, pk=w.area.pk)),
        },
        fields=AREA_API_FIELDS,
        foreign=lambda w: {"actions": [_other_plan_action(w)]},
    ),
    "api-area-verdict": api(
        "assessor",
        on("review_area"),
        verdict=("choice", "demonstrated"),
        comment=("text", "Seen."),
        version=("version", version_of(ImprovementArea, "review_area")),
    ),
    # the awarding committee (issue 18)
    "api-committee-session-list": api(
        "administrator",
        on(),
        held_on=("date", "2027-02-01"),
        place=("text", "Paris"),
        video_link=("text", "https://visio.example.org/c"),
        chair=("fk", lambda w: w.users["administrator"].pk),
        members=("strlist", lambda w: [w.users["committee_member"].pk]),
        foreign=lambda w: {"chair": w.users["other_manager"].pk, "members": [w.users["other_manager"].pk]},
    ),
    "api-committee-session-cases": api(  # the world's assessments are not validated: refused on `assessment`
        "administrator",
        on("committee_session"),
        assessment=("fk", pk_of("draft")),
        proposed_level=("choice", "silver"),
        version=("version", 1),
        valid_passes=False,
        foreign=lambda w: {"assessment": _other_assessment(w).pk},
    ),
    "api-committee-session-attendance": api(
        "administrator",
        on("committee_session"),
        present=("strlist", lambda w: [w.users["committee_member"].pk]),
        version=("version", 1),
        foreign=lambda w: {"present": [w.users["other_manager"].pk]},
    ),
    "api-committee-session-close": api(  # the world's case is not decided yet: 409
        "administrator", on("committee_session"), version=("version", 1), valid_passes=False
    ),
    "api-committee-case-decide": api(
        "administrator",
        on("case"),
        outcome=("choice", "deferred"),
        conditions=("text", ""),
        review_on=("date", None),
        reason=("text", "Later."),
        version=("version", 1),
    ),
    "api-committee-case-conflict": api(
        "committee_member", on("case"), reason=("text", "I sit on its board."), empty_ok=True
    ),
    "api-committee-case-conditions-met": api(  # the world's case is undecided: 409 on valid input
        "administrator", on("case"), version=("version", 1), valid_passes=False
    ),
    "api-committee-case-revoke": api(
        "administrator", on("case"), reason=("text", "Not met."), version=("version", 1), valid_passes=False
    ),
    # appeals
    "api-appeal-list": api(
        "manager",
        on(),
        assessment=("fk", pk_of("refused")),
        ground=("choice", "refused"),
        reasons=("text", "Our statutes were filed."),
        foreign=lambda w: {"assessment": _other_assessment(w).pk},
    ),
    "api-appeal-question": api(
        "administrator", on("appeal"), question=("text", "Send the minutes."), version=("version", 1)
    ),
    "api-appeal-answer": api(  # no question is waiting in the world: 409
        "manager", on("appeal"), answer=("text", "Attached."), version=("version", 1), valid_passes=False
    ),
    "api-appeal-decide": api(
        "administrator",
        on("appeal"),
        outcome=("choice", "upheld"),
        level=("choice", ""),
        reason=("text", "No new fact."),
        version=("version", 1),
    ),
}


def _iso(days, hour):
    start = timezone.localtime() + datetime.timedelta(days=days)
    return start.replace(hour=hour, minute=0, second=0, microsecond=0).isoformat()


_visit_version = version_of(Visit, "visit")
_yearly_version = version_of(YearlyReport, "yearly_report")


def _declared_values(w):
    """The report's values as read, with 3 EU projects declared."""
    values = [
        {"indicator": row.indicator, "value": row.value, "comment": row.comment}
        for row in ReportValue.objects.filter(report=w.yearly_report).order_by("indicator")
    ]
    return [{**entry, "value": 3} if entry["indicator"] == "eu_projects" else entry for entry in values]


# The expert's process and the programmes in the API (the same world as their pages above).
API_CASES |= {
    "api-assessment-visits": api(  # an accepted visit stands: a new proposal is refused
        "assessor",
        on("in_review"),
        mode=("choice", "video"),
        meeting_url=("text", "https://visio.example.org/new"),
        address="text",
        slots=("strlist", lambda w: [{"starts_at": _iso(40, 9), "ends_at": _iso(40, 12)}]),
        valid_passes=False,
    ),
    "api-visit-accept": api(  # already accepted: refused
        "manager",
        on("visit"),
        slot=("fk", lambda w: w.visit.slots.get().pk),
        version=("version", _visit_version),
        valid_passes=False,
    ),
    "api-visit-decline": api(  # already accepted: refused
        "manager",
        on("visit"),
        comment=("text", "Any Tuesday."),
        version=("version", _visit_version),
        valid_passes=False,
    ),
    "api-visit-move": api(
        "assessor",
        on("visit"),
        starts_at=("date", lambda w: _iso(35, 9)),
        ends_at=("date", lambda w: _iso(35, 12)),
        reason=("text", "The director is away."),
        version=("version", _visit_version),
    ),
    "api-visit-cancel": api(
        "assessor", on("visit"), reason=("text", "The cluster withdrew."), version=("version", _visit_version)
    ),
    "api-assessment-findings": api(
        "assessor",
        on("in_review"),
        "put",
        visited_on=("date", "2026-01-15"),
        people_met=("text", "The director, two board members."),
        categories=("strlist", {"S": {"strengths": "A clear strategy."}}),
        version=("version", lambda w: int(_findings_version(w))),
    ),
    "api-contract-targets": api(
        "officer",
        on("contract"),
        version=("version", version_of(Contract, "contract")),
        targets=("strlist", [{"indicator": "eu_projects", "year": 2024, "value": 3}]),
    ),
    "api-cluster-yearly-reports": api(
        "manager", on("cluster"), programme=("fk", pk_of("programme")), year=("int", 2025)
    ),
    "api-yearly-report-detail": patch(
        "manager", on("yearly_report"), version=("version", _yearly_version), values=("strlist", _declared_values)
    ),
    "api-yearly-report-submit": api(  # declared figures missing: refused
        "manager", on("yearly_report"), version=("version", _yearly_version), valid_passes=False
    ),
    "api-yearly-report-approve": api(  # not submitted: refused
        "officer", on("yearly_report"), version=("version", _yearly_version), valid_passes=False
    ),
    "api-yearly-report-return": api(  # not submitted: refused
        "officer",
        on("yearly_report"),
        version=("version", _yearly_version),
        comments=("strlist", [{"indicator": "eu_projects", "comment": "Which?"}]),
        valid_passes=False,
    ),
}


def test_every_route_that_takes_input_is_covered():
    """Every page that accepts a POST and every API route that accepts writes is in the tables above."""
    # the direct decision takes input only with the committee off (DIRECT_DECISION): its row is NOBODY in the matrix
    pages = {name for name, route in PAGES.items() if route.post} | (DIRECT_DECISION & set(PAGES))
    apis = {name for name, route in API.items() if route.post} | (DIRECT_DECISION & set(API))
    apis |= {
        "api-cluster-detail",
        "api-member-detail",
        "api-team-year-detail",
        "api-financing-year-detail",
        "api-assessment-detail",
        "api-answer-detail",
        "api-yearly-report-detail",
        "api-assessment-findings",  # PUT
        "api-area-detail",  # PUT
        "api-improvement-action",
    }  # PATCH
    assert pages == set(PAGE_CASES)
    assert apis == set(API_CASES)


# --- clients and the checks ----------------------------------------------------------------------------------


def _api_client(user) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture(scope="module")
def world_once(world_once, django_db_blocker):
    """The shared world, with Silver's areas of improvement (``tests.areas.helpers.world_with_areas``)."""
    with django_db_blocker.unblock():
        world_with_areas(world_once)
    return world_once


@pytest.fixture(scope="module")
def bad_world_once(world_once, django_db_blocker):
    """The module's world, plus another cluster's assessment and member (ids to smuggle into bodies)."""
    with django_db_blocker.unblock():
        factories.AssessmentFactory(cluster=world_once.other_cluster, reference_year=2024)
        factories.MemberFactory(cluster=world_once.other_cluster)
        # the committee member attends the world's session, so that its chair may decide the case
        world_once.committee_session.present.add(world_once.users["committee_member"])
    return world_once


# The direct decision exists only for a labelling body without an awarding committee (LABELLING_COMMITTEE off).
DIRECT_DECISION = {"labelling:assessment_decide", "api-assessment-decide"}


@pytest.fixture
def bad_world(bad_world_once, world, request, settings):
    """The bad-input world of this test (a savepoint and a fresh copy of the objects, as ``world``); the committee
    switched off for the routes of the direct decision."""
    callspec = getattr(request.node, "callspec", None)
    if callspec is not None and callspec.params.get("name") in DIRECT_DECISION:
        settings.LABELLING_COMMITTEE = False
    return world


@pytest.fixture
def client_for(world_client_for):
    """The world's users are logged in once per module (tests/conftest.py, ``world_client_for``)."""
    return world_client_for


def _has_errors(body) -> bool:
    if isinstance(body, dict):
        return bool(body) and all(isinstance(k, str) for k in body)
    return isinstance(body, list) and bool(body)


def _check_api(response, *, must_refuse: bool) -> str | None:
    code = response.status_code
    if code >= 500:
        return f"status {code}"
    if code not in (200, 201, 202, 400, 404, 409, 415):
        return f"unexpected status {code}"
    if code >= 400:
        try:
            body = response.json()
        except ValueError:
            return f"{code} without a JSON body: {response.content[:200]!r}"
        if not _has_errors(body):
            return f"{code} without field errors nor detail: {body!r}"
    elif must_refuse:
        return f"accepted ({code}) input that must be refused"
    return None


def _check_page(response, *, must_refuse: bool) -> str | None:
    code = response.status_code
    if code >= 500:
        return f"status {code}"
    if code not in (200, 302, 400, 404, 409):
        return f"unexpected status {code}"
    return None


def _try(what: str, failures: list, call, *, must_refuse: bool, check, before: Rows, ok: int = 302):
    """Send one request inside a savepoint that is rolled back; record what went wrong. ``before``: the rows every
    try starts from (``rows_before_the_tries``), compared with the rows after the request in one query."""
    try:
        with transaction.atomic():
            try:
                response = call()
            except Exception as exc:  # noqa: BLE001 - a crash is the failure we report
                tail = "".join(traceback.format_exception(exc)[-4:])
                failures.append(f"{what}: raised {type(exc).__name__}: {str(exc)[:300]}\n{tail}")
                transaction.set_rollback(True)  # whatever the crash left undone is not kept for the next try
                return None
            problem = check(response, must_refuse=must_refuse)
            if check is _check_page:
                refused = response.status_code in (200, 400, 404, 409) and response.status_code != ok
            else:
                refused = response.status_code >= 400
            if problem is None:
                after = rows_now(before.other_cluster)
                if (must_refuse or refused) and after.own != before.own:
                    problem = f"refused ({response.status_code}) but the database changed"
                elif after.foreign != before.foreign:
                    problem = "another cluster's records changed"
            if problem:
                failures.append(f"{what}: {problem}")
            transaction.set_rollback(True)
            return response
    except Exception as exc:  # noqa: BLE001
        failures.append(f"{what}: raised {type(exc).__name__} after the request: {exc}")
    return None


def test_the_checks_see_a_refused_try_that_changed_a_row_and_a_change_to_another_cluster(bad_world):
    """The harness itself: the rows are read once per test, so a try that changes them must still be caught, and
    each try is rolled back whatever it did, a crash included."""
    w = bad_world
    before = rows_before_the_tries(w)
    refused = type("Refused", (), {"status_code": 400, "json": lambda self: {"name": ["no"]}})()
    accepted = type("Accepted", (), {"status_code": 200})()

    def changes(model, answer, **lookup):
        def call():
            model.objects.filter(**lookup).update(version=99)
            return answer

        return call

    def crashes():
        Member.objects.filter(pk=w.member.pk).update(version=98)
        raise RuntimeError("boom")

    failures: list[str] = []
    _try("own", failures, changes(Member, refused, pk=w.member.pk), must_refuse=True, check=_check_api, before=before)
    _try(
        "foreign",
        failures,
        changes(Cluster, accepted, pk=w.other_cluster.pk),
        must_refuse=False,
        check=_check_api,
        before=before,
    )
    _try("crash", failures, crashes, must_refuse=True, check=_check_api, before=before)
    assert [f.split(":")[0] for f in failures] == ["own", "foreign", "crash"]
    assert "the database changed" in failures[0] and "another cluster" in failures[1] and "boom" in failures[2]
    assert rows_now(w.other_cluster.pk) == before  # every try was rolled back


def _url(name, case, w):
    return reverse(name, kwargs=case.kwargs(w))


def _page_post(client, url, body):
    return lambda: client.post(url, body)


def _api_send(client, method, url, body, **extra):
    return lambda: getattr(client, method)(url, body, format="json", **extra)


# --- pages -----------------------------------------------------------------------------------------------------


def _page_client(client_for, w, case):
    return client_for(w.users[case.role])


@pytest.mark.parametrize("name", sorted(PAGE_CASES))
def test_page_accepts_its_valid_body(bad_world, client_for, name):
    """The valid body reaches the service (else the bad values below would only test the form)."""
    w, case = bad_world, PAGE_CASES[name]
    if not case.valid_passes:
        pytest.skip("the route refuses any body in the world's state")
    before = snapshot()
    response = _page_client(client_for, w, case).post(_url(name, case, w), case.valid(w))
    form = response.context.get("form") if response.context else None
    assert response.status_code == case.ok, (response.status_code, form.errors if form else response.content[:300])
    assert snapshot() != before


ECHOED = {"rtl_emoji", "dmy_31_02", "feb_30"}
TYPED_KINDS = {"text", "longtext", "int", "dec", "date", "answer"}  # what a user types (not hidden versions)


@pytest.mark.parametrize("bad", sorted(BAD))
@pytest.mark.parametrize("name", sorted(PAGE_CASES))
def test_page_refuses_a_bad_value_in_each_field(bad_world, client_for, name, bad):
    w, case = bad_world, PAGE_CASES[name]
    before = rows_before_the_tries(w)
    valid = case.valid(w)  # the same for every try: each one is rolled back
    client = _page_client(client_for, w, case)
    url = _url(name, case, w)
    failures: list[str] = []
    for field_name, kind in case.fields.items():
        body = {**valid, field_name: BAD[bad]}
        what = f"POST {name} {field_name}={bad}"
        response = _try(
            what,
            failures,
            _page_post(client, url, body),
            must_refuse=not may_pass(kind, bad),
            check=_check_page,
            before=before,
            ok=case.ok,
        )
        # a page that re-renders its form shows what was typed, so that nothing is lost
        if (
            case.valid_passes
            and response is not None
            and response.status_code in (200, 400, 409)
            and response.status_code != case.ok
            and "text/html" in response["Content-Type"]
            and bad in ECHOED
            and kind in TYPED_KINDS
            and escape(BAD[bad]) not in response.content.decode()
        ):
            failures.append(f"{what}: the page re-rendered without what was typed")
    assert not failures, "\n".join(failures)


BODIES = {
    "empty": lambda w, case: {},
    "extra_fields": lambda w, case: {
        **case.valid(w),
        "unexpected": "x",
        "id": "999999",
        "cluster": str(w.other_cluster.pk),
        "created_at": "2000-01-01",
        "status": "decided",
        "assessor": str(w.users["other_manager"].pk),
    },
    "only_garbage_keys": lambda w, case: {"\x00": "\x00", LONG[:1000]: "1", "a[b]": ["1", "2"]},
}


@pytest.mark.parametrize("body", sorted(BODIES))
@pytest.mark.parametrize("name", sorted(PAGE_CASES))
def test_page_survives_empty_and_odd_bodies(bad_world, client_for, name, body):
    w, case = bad_world, PAGE_CASES[name]
    before = rows_before_the_tries(w)
    client = _page_client(client_for, w, case)
    failures: list[str] = []
    data = BODIES[body](w, case)
    # an empty body is refused wherever a field is required (every route with fields but the checkboxes-only ones)
    must_refuse = body in ("empty", "only_garbage_keys") and any(
        kind not in ("bool_form", "longtext", "text", "choice") for kind in case.fields.values()
    )
    _try(
        f"POST {name} {body}",
        failures,
        _page_post(client, _url(name, case, w), data),
        must_refuse=must_refuse,
        check=_check_page,
        before=before,
        ok=case.ok,
    )
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("name", sorted(n for n, c in PAGE_CASES.items() if c.foreign))
def test_page_refuses_another_clusters_ids(bad_world, client_for, name):
    w, case = bad_world, PAGE_CASES[name]
    foreign = case.foreign(w)  # rows it creates (another cluster's) exist before the snapshot
    before = rows_before_the_tries(w)
    valid = case.valid(w)  # the same for every try: each one is rolled back
    client = _page_client(client_for, w, case)
    failures: list[str] = []
    for field_name, value in foreign.items():
        body = {**valid, field_name: str(value)}
        _try(
            f"POST {name} {field_name}=<foreign id>",
            failures,
            _page_post(client, _url(name, case, w), body),
            must_refuse=True,
            check=_check_page,
            before=before,
            ok=case.ok,
        )
        body = {**valid, field_name: "999999"}
        _try(
            f"POST {name} {field_name}=<no such id>",
            failures,
            _page_post(client, _url(name, case, w), body),
            must_refuse=True,
            check=_check_page,
            before=before,
            ok=case.ok,
        )
    assert not failures, "\n".join(failures)


# Buttons whose refusal goes back to their page with the message (nothing saved: checked above), not a form.
REDIRECTED_WITH_A_MESSAGE = {"clusters:member_set_active", "programmes:report_submit", "programmes:report_approve"}


@pytest.mark.parametrize("stale", ["0", "-1", "abc", "", "1e308", str(10**30), "99999"])
@pytest.mark.parametrize("name", sorted(n for n, c in PAGE_CASES.items() if "version" in c.fields.values()))
def test_page_refuses_a_stale_or_broken_version(bad_world, client_for, name, stale):
    w, case = bad_world, PAGE_CASES[name]
    before = rows_before_the_tries(w)
    valid = case.valid(w)  # the same for every try: each one is rolled back
    client = _page_client(client_for, w, case)
    failures: list[str] = []
    for field_name in [f for f, kind in case.fields.items() if kind == "version"]:
        if stale == str(valid[field_name]):  # the record's version (0: the findings not written yet) is not stale
            continue
        body = {**valid, field_name: stale}
        # the version is mandatory: left empty, nothing is saved
        response = _try(
            f"POST {name} {field_name}={stale!r}",
            failures,
            _page_post(client, _url(name, case, w), body),
            must_refuse=True,
            check=_check_page,
            before=before,
            ok=case.ok,
        )
        if response is not None and response.status_code == 302 and name not in REDIRECTED_WITH_A_MESSAGE:
            failures.append(f"POST {name} {field_name}={stale!r}: redirected as if saved")
    assert not failures, "\n".join(failures)


# --- uploads ---------------------------------------------------------------------------------------------------

EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200 + b"This program cannot be run"
RANDOM = bytes((i * 7919 + 13) % 256 for i in range(4096))
UTF16_CSV = (
    "Nom;Type;Taille;Région;Membre depuis;Cotisant;Actif\r\nÉcole Supérieure;university;;24;2020-01-01;oui;oui\r\n"
)
UPLOADS = {
    "empty_file": ("members.csv", b""),
    "exe_as_pdf": ("proof.pdf", EXE),
    "exe_as_xlsx": ("members.xlsx", EXE),
    "random_xlsx": ("data.xlsx", RANDOM),
    "random_csv": ("data.csv", RANDOM),
    "random_json": ("data.json", RANDOM),
    "random_pdf": ("data.pdf", RANDOM),
    "random_png": ("logo.png", RANDOM),
    "utf16_csv": ("members.csv", UTF16_CSV.encode("utf-16")),
    "json_not_an_object": ("data.json", b"[1, 2, 3]"),
    "json_truncated": ("data.json", b'{"format": "grappe-questionnaire/1", "answers": {'),
    "nul_name": ("a\x00b.pdf", b"%PDF-1.7 proof"),
    "long_name": ("x" * 300 + ".pdf", b"%PDF-1.7 proof"),
}
# The UTF-16 CSV is a legitimate member list if the importer reads UTF-16; everything else must be refused.
UPLOAD_MAY_PASS = {"utf16_csv"}


@pytest.mark.parametrize("upload", sorted(UPLOADS))
@pytest.mark.parametrize("name", sorted(n for n, c in PAGE_CASES.items() if c.files))
def test_page_refuses_bad_uploads(bad_world, client_for, name, upload, tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path)
    w, case = bad_world, PAGE_CASES[name]
    before = rows_before_the_tries(w)
    valid = case.valid(w)  # the same for every try: each one is rolled back
    client = _page_client(client_for, w, case)
    filename, content = UPLOADS[upload]
    failures: list[str] = []
    for field_name in case.files:
        from django.core.files.uploadedfile import SimpleUploadedFile

        body = {**valid, field_name: SimpleUploadedFile(filename, content)}
        must_refuse = upload not in UPLOAD_MAY_PASS and not (name == "clusters:member_import" and upload == "x")
        if name in ("labelling:evidence_upload", "improvement:evidence_add") and upload in ("long_name", "nul_name"):
            must_refuse = False  # a real PDF: the name is cleaned, the file accepted
        response = _try(
            f"POST {name} {field_name}={upload}",
            failures,
            _page_post(client, _url(name, case, w), body),
            must_refuse=must_refuse,
            check=_check_page,
            before=before,
            ok=case.ok,
        )
        if response is not None and must_refuse and response.status_code == 302:
            failures.append(f"POST {name} {field_name}={upload}: redirected as if accepted")
    assert not failures, "\n".join(failures)


# --- API -------------------------------------------------------------------------------------------------------


def _api_call(w, name, case):
    return _api_client(w.users[case.role]), _url(name, case, w)


@pytest.mark.parametrize("name", sorted(API_CASES))
def test_api_accepts_its_valid_body(bad_world, name):
    w, case = bad_world, API_CASES[name]
    if not case.valid_passes:
        pytest.skip("the route refuses any body in the world's state")
    client, url = _api_call(w, name, case)
    before = snapshot()
    response = getattr(client, case.method)(url, case.valid(w), format="json")
    assert response.status_code in (200, 201, 202), response.content[:500]
    assert snapshot() != before


@pytest.mark.parametrize("bad", sorted([*BAD, *JSON_BAD]))
@pytest.mark.parametrize("name", sorted(API_CASES))
def test_api_refuses_a_bad_value_in_each_field(bad_world, name, bad):
    w, case = bad_world, API_CASES[name]
    before = rows_before_the_tries(w)
    valid = case.valid(w)  # the same for every try: each one is rolled back
    client, url = _api_call(w, name, case)
    value = BAD[bad] if bad in BAD else JSON_BAD[bad]
    failures: list[str] = []
    for field_name, kind in case.fields.items():
        # A bare number in a foreign key must name no row: the world's ids are small (it is built once per
        # module), so 2 could be one of its own assessments, a valid choice.
        sent = NO_SUCH_ID if kind == "fk" and bad == "number_2" else value
        body = {**valid, field_name: sent}
        _try(
            f"{case.method.upper()} {name} {field_name}={bad}",
            failures,
            _api_send(client, case.method, url, body),
            must_refuse=not may_pass(kind, bad),
            check=_check_api,
            before=before,
        )
    assert not failures, "\n".join(failures)


RAW_BODIES = {
    "malformed_json": (b'{"value": 80, "version":', "application/json"),
    "json_array": (b"[1, 2]", "application/json"),
    "json_string": (b'"hello"', "application/json"),
    "json_nan": (b'{"value": NaN, "version": 1}', "application/json"),
    "not_utf8": (b'{"value": "\xff\xfe"}', "application/json"),
    "empty_json": (b"", "application/json"),
    "form_encoded_garbage": (b"%%%=%%%&\x00=1", "application/x-www-form-urlencoded"),
    "unknown_content_type": (b"<xml/>", "application/xml"),
    "deep_nesting": (b"[" * 5000 + b"]" * 5000, "application/json"),
}


@pytest.mark.parametrize("raw", sorted(RAW_BODIES))
@pytest.mark.parametrize("name", sorted(API_CASES))
def test_api_refuses_malformed_bodies(bad_world, name, raw):
    w, case = bad_world, API_CASES[name]
    before = rows_before_the_tries(w)
    client, url = _api_call(w, name, case)
    content, content_type = RAW_BODIES[raw]
    failures: list[str] = []
    if raw in ("empty_json", "form_encoded_garbage"):  # read as an empty body
        must_refuse = not case.empty_ok and bool(case.fields)
    else:
        must_refuse = case.reads_body
    _try(
        f"{case.method.upper()} {name} {raw}",
        failures,
        lambda: getattr(client, case.method)(url, content, content_type=content_type),
        must_refuse=must_refuse,
        check=_check_api,
        before=before,
    )
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("body", ["empty", "extra_fields"])
@pytest.mark.parametrize("name", sorted(API_CASES))
def test_api_survives_empty_and_extra_fields(bad_world, name, body):
    w, case = bad_world, API_CASES[name]
    before = rows_before_the_tries(w)
    client, url = _api_call(w, name, case)
    failures: list[str] = []
    if body == "empty":
        data = {}
        # required fields: everything but the PATCHes of records (partial) and the routes without required input
        must_refuse = name in (
            "api-member-list",
            "api-team-year-list",
            "api-financing-year-list",
            "api-assessment-list",
            "api-answer-detail",
            "api-assessment-assign",
            "api-answer-review",
            "api-assessment-request-changes",
            "api-assessment-declare-conflict",
            "api-assessment-assign-second",
            "api-assessment-accept-remaining",
            "api-label-revoke",
            "api-committee-session-list",
            "api-committee-session-cases",
            "api-committee-session-attendance",
            "api-committee-session-close",
            "api-committee-case-decide",
            "api-committee-case-conditions-met",
            "api-committee-case-revoke",
            "api-appeal-list",
            "api-appeal-question",
            "api-appeal-answer",
            "api-appeal-decide",
            "api-cluster-detail",
            "api-member-detail",
            "api-team-year-detail",
            "api-financing-year-detail",
        )
    else:
        data = {
            **case.valid(w),
            "unexpected": "x",
            "id": 999999,
            "cluster_id": w.other_cluster.pk,
            "created_at": "2000-01-01T00:00:00Z",
            "status": "decided",
            "assessor_id": w.users["manager"].pk,
            "validated": 100,
            "reviewed": True,
        }
        if "cluster" not in case.fields:
            data["cluster"] = w.other_cluster.pk
        must_refuse = not case.valid_passes and case.reads_body
    response = _try(
        f"{case.method.upper()} {name} {body}",
        failures,
        _api_send(client, case.method, url, data),
        must_refuse=must_refuse,
        check=_check_api,
        before=before,
    )
    if response is not None and body == "extra_fields" and 200 <= response.status_code < 300:
        payload = response.json()
        for key in ("status", "id", "created_at"):
            if isinstance(payload, dict) and payload.get(key) == data[key]:
                failures.append(f"{name}: the read-only field {key!r} took the value sent")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("name", sorted(n for n, c in API_CASES.items() if c.foreign))
def test_api_refuses_another_clusters_ids(bad_world, name):
    w, case = bad_world, API_CASES[name]
    foreign = case.foreign(w)  # rows it creates (another cluster's) exist before the snapshot
    before = rows_before_the_tries(w)
    valid = case.valid(w)  # the same for every try: each one is rolled back
    client, url = _api_call(w, name, case)
    failures: list[str] = []
    for field_name, value in foreign.items():
        for label, sent in (("<foreign id>", value), ("<no such id>", 999999), ("<id as text>", str(value))):
            body = {**valid, field_name: sent}
            response = _try(
                f"{name} {field_name}={label}",
                failures,
                _api_send(client, case.method, url, body),
                must_refuse=True,
                check=_check_api,
                before=before,
            )
            if response is not None and response.status_code == 400 and field_name not in response.json():
                failures.append(f"{name} {field_name}={label}: the 400 does not name {field_name}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("stale", [0, -1, "abc", "", 1e308, 10**30, 99999, None, [1], True])
@pytest.mark.parametrize(
    "name", sorted(n for n, c in API_CASES.items() if {"version", "expected_version"} & set(c.fields))
)
def test_api_refuses_a_stale_or_broken_version(bad_world, name, stale):
    w, case = bad_world, API_CASES[name]
    before = rows_before_the_tries(w)
    client, url = _api_call(w, name, case)
    failures: list[str] = []
    field_name = "version" if "version" in case.fields else "expected_version"
    valid = case.valid(w)
    if type(stale) is int and stale == valid[field_name]:
        pytest.skip("the record's own version (0 before the findings exist) is not stale")
    body = {**valid, field_name: stale}
    must_refuse = not (stale is None and name == "api-member-list")  # a creation has no version to check
    _try(
        f"{name} {field_name}={stale!r}",
        failures,
        _api_send(client, case.method, url, body),
        must_refuse=must_refuse,
        check=_check_api,
        before=before,
    )
    assert not failures, "\n".join(failures)


# --- GET with bad query strings ----------------------------------------------------------------------------------

SCRIPT = "<script>alert(1)</script>"
PAGE_QUERIES = {
    "clusters:members": (
        lambda w: {"pk": w.cluster.pk},
        "manager",
        [
            "page=abc",
            "page=99999",
            "page=-1",
            "member_type=bogus",
            "size_class=bogus",
            "active=maybe",
            "q=%00",
            f"q={SCRIPT}",
            f"region={SCRIPT}",
            "q=" + "x" * 5000,
        ],
    ),
    "labelling:registry": (
        lambda w: {},
        "visitor",
        [
            "page=abc",
            "page=99999",
            "level=bogus",
            "kind=bogus",
            "country=ZZ",
            f"q={SCRIPT}",
            f"sector={SCRIPT}",
            "q=%00",
            "q=" + "x" * 5000,
            "year=abc",
        ],
    ),
    "labelling:admin_dashboard": (
        lambda w: {},
        "administrator",
        ["page=abc", "page=99999", "status=bogus", f"q={SCRIPT}", "q=%00"],
    ),
    "labelling:registry_export": (
        lambda w: {},
        "administrator",
        ["level=bogus", "status=bogus", f"q={SCRIPT}", "q=%00", "country=" + "x" * 500],
    ),
    "labelling:verify": (lambda w: {}, "visitor", [f"number={SCRIPT}", "number=%00", "number=" + "x" * 5000]),
    "labelling:report_status": (lambda w: {"pk": w.report.pk}, "manager", ["fragment=abc", f"fragment={SCRIPT}"]),
    "clusters:dashboard": (lambda w: {}, "manager", ["page=abc", f"q={SCRIPT}"]),
    "labelling:cluster_assessments": (lambda w: {"cluster_pk": w.cluster.pk}, "manager", ["year=abc", f"q={SCRIPT}"]),
    "labelling:statistics": (
        lambda w: {},
        "administrator",
        ["framework=bogus", "framework=%00", f"framework={SCRIPT}", "framework=" + "x" * 3000],
    ),
    "labelling:assessor_dashboard": (lambda w: {}, "assessor", ["page=abc", f"q={SCRIPT}"]),
}
PAGE_QUERY_CASES = [(name, q) for name, (_k, _r, queries) in PAGE_QUERIES.items() for q in queries]


@pytest.mark.parametrize(("name", "query"), PAGE_QUERY_CASES, ids=[f"{n}?{q[:40]}" for n, q in PAGE_QUERY_CASES])
def test_list_pages_survive_bad_query_strings(bad_world, client_for, name, query):
    kwargs, role, _queries = PAGE_QUERIES[name]
    w = bad_world
    response = client_for(w.users[role]).get(
        reverse(name, kwargs=kwargs(w))
        + "?"
        + query.replace("<", "%3C").replace(">", "%3E").replace("(", "%28").replace(")", "%29")
    )
    assert response.status_code in (200, 302, 400, 404), response.status_code
    content = b"".join(response.streaming_content) if response.streaming else response.content
    assert SCRIPT.encode() not in content, "a query value is rendered raw"


API_QUERIES = {
    "api-member-list": (
        lambda w: {"cluster_pk": w.cluster.pk},
        "manager",
        ["page=abc", "page=99999", "member_type=bogus", "active=maybe", "size_class=bogus", f"q={SCRIPT}", "q=%00"],
    ),
    "api-assessment-list": (
        lambda w: {},
        "manager",
        [
            "cluster=abc",
            "reference_year=abc",
            f"reference_year={10**30}",
            "status=bogus",
            "page=abc",
            "page=99999",
            "cluster=%00",
        ],
    ),
    "api-label-list": (lambda w: {}, "manager", ["level=bogus", "status=bogus", "page=abc"]),
    "api-cluster-list": (lambda w: {}, "manager", ["kind=bogus", "country=%00", "page=99999"]),
    "api-registry": (
        lambda w: {},
        "visitor",
        ["level=bogus", "kind=bogus", "q=" + "x" * 500, "page=abc", "page=99999", "q=%00", f"q={SCRIPT}"],
    ),
    "api-team-year-list": (lambda w: {"cluster_pk": w.cluster.pk}, "manager", ["page=abc", "year=abc"]),
    "api-financing-year-list": (lambda w: {"cluster_pk": w.cluster.pk}, "manager", ["page=abc", "year=abc"]),
    "framework-list": (lambda w: {}, "visitor", ["page=abc", "page=99999"]),
}
API_QUERY_CASES = [(name, q) for name, (_k, _r, queries) in API_QUERIES.items() for q in queries]


@pytest.mark.parametrize(("name", "query"), API_QUERY_CASES, ids=[f"{n}?{q[:40]}" for n, q in API_QUERY_CASES])
def test_api_lists_answer_bad_query_strings_with_400_or_404(bad_world, name, query):
    kwargs, role, _queries = API_QUERIES[name]
    w = bad_world
    client = APIClient() if role == "visitor" else _api_client(w.users[role])
    response = client.get(reverse(name, kwargs=kwargs(w)) + "?" + query.replace("<", "%3C").replace(">", "%3E"))
    assert response.status_code in (200, 400, 404), response.status_code
    body = response.json()
    if response.status_code != 200:
        assert _has_errors(body), body


# --- odd values in the url itself, and the offline questionnaire's confirmation token -----------------------------

PATH_CASES = {
    "labelling:assessment_fill": ("manager", lambda w, v: {"pk": w.draft.pk, "category_code": v}),
    "labelling:answer_review": ("assessor", lambda w, v: {"pk": w.in_review.pk, "code": v}),
    "labelling:certificate": ("visitor", lambda w, v: {"number": v}),
    "clusters:member_import_template": ("manager", lambda w, v: {"pk": w.cluster.pk, "fmt": v}),
    "api-answer-detail": ("manager", lambda w, v: {"pk": w.draft.pk, "code": v}),
    "api-answer-review": ("assessor", lambda w, v: {"pk": w.in_review.pk, "code": v}),
    "api-certificate": ("visitor", lambda w, v: {"number": v}),
    "framework-detail": ("visitor", lambda w, v: {"code": v}),
}
PATH_VALUES = {"nul": "a\x00b", "script": SCRIPT, "long": "x" * 3000, "rtl_emoji": BAD["rtl_emoji"], "dots": ".."}


@pytest.mark.parametrize("value", sorted(PATH_VALUES))
@pytest.mark.parametrize("name", sorted(PATH_CASES))
def test_odd_values_in_the_url_answer_404(bad_world, client_for, name, value):
    role, kwargs = PATH_CASES[name]
    w = bad_world
    # built by hand: reverse() refuses what the url pattern does not match, and a client may still send it
    url = reverse(name, kwargs=kwargs(w, "PLACEHOLDER")).replace("PLACEHOLDER", quote(PATH_VALUES[value], safe=""))
    user = w.users[role]
    api = name.startswith("api-") or name == "framework-detail"
    client = (_api_client(user) if user else APIClient()) if api else client_for(user)
    before = snapshot()
    responses = [client.get(url)]
    if name not in ("labelling:certificate", "api-certificate", "framework-detail", "clusters:member_import_template"):
        if name == "api-answer-detail":
            responses.append(client.patch(url, {"value": 1, "version": 1}, format="json"))
        elif api:
            responses.append(client.post(url, {"accept": True}, format="json"))
        else:
            responses.append(client.post(url, {"decision": "accept"}))
    for response in responses:
        assert response.status_code in (404, 405), (response.request["REQUEST_METHOD"], response.status_code)
        assert SCRIPT.encode() not in response.content
    assert snapshot() == before


TOKENS = {"empty": "", "nul": "a\x00b", "rtl_emoji": BAD["rtl_emoji"], "long": LONG, "latin1": "é" * 22}


@pytest.mark.parametrize("token", sorted(TOKENS))
def test_offline_confirmation_with_a_bad_token_changes_nothing(bad_world, client_for, token):
    w = bad_world
    client = client_for(w.users["manager"])
    exported = client.get(reverse("labelling:assessment_offline_json", kwargs={"pk": w.draft.pk})).content
    import json

    data = json.loads(exported)
    data["answers"]["S1"] = 42
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("q.json", json.dumps(data).encode(), content_type="application/json")
    preview = client.post(reverse("labelling:assessment_offline", kwargs={"pk": w.draft.pk}), {"file": upload})
    assert preview.status_code == 200 and "token" in preview.context, preview.content[:500]
    before = snapshot()
    response = client.post(
        reverse("labelling:assessment_offline_confirm", kwargs={"pk": w.draft.pk}), {"token": TOKENS[token]}
    )
    assert response.status_code == 302
    assert snapshot() == before


def test_a_member_list_in_utf16_is_imported(bad_world, client_for):
    """Excel's "Unicode text" export is UTF-16 with a byte-order mark: read, not refused as binary."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    w = bad_world
    upload = SimpleUploadedFile("membres.csv", UTF16_CSV.encode("utf-16"))
    response = client_for(w.users["manager"]).post(
        reverse("clusters:member_import", kwargs={"pk": w.cluster.pk}), {"file": upload}
    )
    assert response.status_code == 200, response.context["problems"]
    assert w.cluster.members.filter(name="École Supérieure", member_type="university").exists()


@pytest.mark.parametrize(
    ("name", "role", "data"),
    [
        ("labelling:assessment_decide", "administrator", {"level": "silver", "reason": ""}),
        ("labelling:assessment_assign", "administrator", None),
    ],
)
def test_a_step_refused_in_the_current_state_says_why(bad_world, client_for, name, role, data):
    """The step's form is not on the page in this state: the refusal must still be explained."""
    w = bad_world
    if name == "labelling:assessment_assign":
        target, data = w.decided, {"assessor": str(w.users["assessor"].pk)}
    else:
        target = w.in_review
    before = snapshot()
    response = client_for(w.users[role]).post(reverse(name, kwargs={"pk": target.pk}), data)
    assert response.status_code == 400
    shown = [str(m) for m in response.context["messages"]]
    assert shown, "the page says nothing about the refusal"
    assert snapshot() == before
