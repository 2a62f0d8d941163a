"""The house rules that no tool checks and a reader would otherwise re-check by hand (see ARCHITECTURE.md). The
layers of the apps and "selectors never import their app's services" are import-linter's contracts
(``pyproject.toml``, ``lint-imports`` in ``make lint``).

- Roles are compared only in ``accounts/``: everything else asks ``can()`` or a selector that takes the user.
- The role predicates of ``accounts.permissions`` are used only by the apps' ``rules.py`` and selectors.
- No module imports another module's private names (``from x import _helper``).
- Selectors and services raise the domain ``NotFound``, never Django's ``Http404`` (HTTP belongs to the views).
- Services raise domain errors, never Django's ``ValidationError``, and lock with ``select_for_update``, never with
  a conditional ``.filter(version=…).update(…)``; their ``expected_version`` has no default (the version check is
  mandatory: a caller cannot forget it and skip the check).
- An import inside a function says why (``# deferred: …``), and the web process does not load the heavy
  libraries that only the workers need.
- Presenters shape what selectors read and query nothing; templates never compare a status.
"""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

from django.conf import settings

BASE = Path(settings.BASE_DIR)
APPS = (
    "accounts",
    "audit",
    "clusters",
    "core",
    "demo",
    "expertise",
    "indicators",
    "labelling",
    "programmes",
    "committee",
    "improvement",
    "areas",
    "config",
)
ROLE_PREDICATES = {
    "is_administrator",
    "is_manager",
    "is_assessor",
    "is_officer",
    "manages",
    "follows",
    "officer_programme_ids",
    "is_committee_member",
    "committee_session_ids",
    "sits_on",
    "sits_on_a_case_of",
    "assesses_next_assessment_of",
    "is_assigned_assessor",
}
# A role compared or filtered on, a role property read, a superuser flag read (giving a user a role or setting the
# flag, as the demo loader does, is not a decision).
ROLE_COMPARISON = re.compile(
    r"\.role\s*(==|!=|\bin\b|\bnot in\b)"
    r"|(==|!=|\bin\b)\s*Role\."
    r"|\bRole\.\w+\s*(==|!=)"
    r"|\b(filter|exclude|get)\([^)]*\brole(__\w+)?\s*="
    r"|\.is_(administrator|manager|assessor)\b"
    r"|\.is_superuser\b(?!\s*=[^=])"
)
# The comment that justifies an import inside a function: on the import's lines or on the line just above the
# run of consecutive imports it belongs to.
DEFERRED = re.compile(r"#.*\bdeferred:")
# Libraries that only the report worker and the spreadsheet views need: the URLconf must not load them.
HEAVY_FOR_WEB = ("weasyprint", "pyhanko", "openpyxl")
TEMPLATE_ROLE = re.compile(r"\bRole\b|\.role\b|is_superuser|is_administrator|nav_role")


def _python_files(*apps: str):
    for app in apps:
        for path in sorted((BASE / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def _imports(path: Path):
    """Every imported module name of the file, with its line, at any depth (function-level imports too)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name, []
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.lineno, node.module, [alias.name for alias in node.names]


def unexplained_function_imports(source: str) -> list[int]:
    """The lines of the imports inside a function or method that no ``# deferred: <why>`` comment explains."""
    lines = source.splitlines()
    found: list[int] = []

    def explained(run: list[ast.stmt]) -> bool:
        first, last = run[0].lineno, run[-1].end_lineno or run[-1].lineno
        return any(DEFERRED.search(line) for line in lines[max(first - 2, 0) : last])

    def statements(stmts: list[ast.stmt], in_function: bool) -> None:
        run: list[ast.stmt] = []
        for stmt in [*stmts, None]:
            if isinstance(stmt, ast.Import | ast.ImportFrom):
                run.append(stmt)
                continue
            if run and in_function and not explained(run):
                found.extend(node.lineno for node in run)
            run = []
            if stmt is not None:
                blocks(stmt, in_function or isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef))

    def blocks(node: ast.AST, in_function: bool) -> None:
        for name in ("body", "orelse", "finalbody"):
            if isinstance(getattr(node, name, None), list):
                statements(getattr(node, name), in_function)
        for child in (*getattr(node, "handlers", ()), *getattr(node, "cases", ())):
            blocks(child, in_function)

    statements(ast.parse(source).body, False)
    return found


def test_roles_are_compared_only_in_accounts():
    found = []
    for path in _python_files(*(app for app in APPS if app != "accounts")):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if ROLE_COMPARISON.search(line.split("#", 1)[0]):
                found.append(f"{path.relative_to(BASE)}:{number}: {line.strip()}")
    for path in sorted((BASE / "templates").rglob("*.html")):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if TEMPLATE_ROLE.search(line):
                found.append(f"{path.relative_to(BASE)}:{number}: {line.strip()}")
    assert not found, "ask can() or a selector that takes the user instead:\n" + "\n".join(found)


def test_only_rules_and_selectors_use_the_role_predicates():
    found = []
    for path in _python_files(*(app for app in APPS if app != "accounts")):
        if path.name in ("rules.py", "selectors.py") or path.parent.name == "selectors":  # a selectors package
            continue
        for number, module, names in _imports(path):
            if module == "accounts.permissions" and ROLE_PREDICATES & set(names):
                found.append(f"{path.relative_to(BASE)}:{number}: {sorted(ROLE_PREDICATES & set(names))}")
    assert not found, "decisions go through can(): declare a capability in the app's rules.py\n" + "\n".join(found)


def test_no_module_imports_the_private_names_of_another():
    found = [
        f"{path.relative_to(BASE)}:{number}: from {module} import {name}"
        for path in _python_files(*APPS)
        for number, module, names in _imports(path)
        for name in names
        if name.startswith("_") and name != "_" and not module.startswith(("django", "__future__"))
    ]
    assert not found, "make the name public (and documented) or move the code:\n" + "\n".join(found)


def _service_files():
    for path in _python_files(*APPS):
        if path.name == "services.py" or path.parent.name == "services":
            yield path


# What raises Django's Http404: HTTP, which selectors and services leave to the views (core.pages, core.api).
HTTP_NOT_FOUND = {
    "django.http": {"Http404"},
    "django.shortcuts": {"get_object_or_404", "get_list_or_404"},
    "accounts.permissions": {"require"},
}


def _selector_and_service_files():
    for path in _python_files(*APPS):
        if path.name in ("selectors.py", "services.py") or path.parent.name in ("selectors", "services"):
            yield path


def http_not_found_imports(path: Path) -> list[str]:
    """The names the file imports that raise ``Http404``, with their line."""
    return [
        f"{number}: {module}.{name}"
        for number, module, names in _imports(path)
        for name in names
        if name in HTTP_NOT_FOUND.get(module, ())
    ]


def test_selectors_and_services_raise_the_domain_not_found():
    """A selector or a service refuses what the user may not see with ``core.exceptions.NotFound`` (a step's
    capability included: ``can``, then ``NotFound``): the 404 page through ``core.pages``, 404 in the API through
    ``core.api``. Django's ``Http404`` (and ``get_object_or_404``, ``accounts.permissions.require``, which raise it)
    is HTTP: a ``submit`` or a service's caller could not tell it from a refusal."""
    files = list(_selector_and_service_files())
    assert BASE / "programmes" / "selectors.py" in files and BASE / "programmes" / "services" / "reports.py" in files
    found = [f"{path.relative_to(BASE)}:{line}" for path in files for line in http_not_found_imports(path)]
    assert not found, "raise core.exceptions.NotFound instead:\n" + "\n".join(found)


def test_the_http_check_finds_what_raises_http404(tmp_path):
    selector = tmp_path / "selectors.py"
    selector.write_text(
        "from django.http import Http404, HttpResponse\n"
        "from accounts.permissions import can, require\n"
        "from django.shortcuts import get_object_or_404 as fetch\n"
        "from core.exceptions import NotFound\n"
    )
    assert http_not_found_imports(selector) == [
        "1: django.http.Http404",
        "2: accounts.permissions.require",
        "3: django.shortcuts.get_object_or_404",
    ]


def _django_validation_error_names(tree: ast.AST) -> tuple[set[str], set[str]]:
    """The names bound to ``django.core.exceptions.ValidationError``, and those bound to its module."""
    names, modules = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "django.core.exceptions":
            names |= {a.asname or a.name for a in node.names if a.name == "ValidationError"}
        elif isinstance(node, ast.ImportFrom) and node.module == "django.core":
            modules |= {a.asname or a.name for a in node.names if a.name == "exceptions"}
        elif isinstance(node, ast.Import):
            modules |= {a.asname for a in node.names if a.name == "django.core.exceptions" and a.asname}
            if any(a.name == "django.core.exceptions" and not a.asname for a in node.names):
                modules.add("django.core.exceptions")
    return names, modules


def _chain_filters_on_version(node: ast.expr) -> bool:
    """Whether a call chain (``Model.objects.filter(…).exclude(…)``) filters on ``version`` somewhere."""
    while isinstance(node, ast.Call | ast.Attribute):
        if isinstance(node, ast.Call):
            if isinstance(node.func, ast.Attribute) and node.func.attr in ("filter", "exclude", "get"):
                keywords = [k.arg for k in node.keywords if k.arg] + [
                    k.arg for a in node.args if isinstance(a, ast.Call) for k in a.keywords if k.arg
                ]  # Q(version=…) too
                if any(k == "version" or k.startswith("version__") for k in keywords):
                    return True
            node = node.func
        else:
            node = node.value
    return False


def _locking_and_error_style(source: str, filename: str = "<service>") -> list[tuple[int, str]]:
    tree = ast.parse(source, filename=filename)
    names, modules = _django_validation_error_names(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Raise) and node.exc is not None:
            raised = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
            if (isinstance(raised, ast.Name) and raised.id in names) or (
                isinstance(raised, ast.Attribute)
                and raised.attr == "ValidationError"
                and ast.unparse(raised.value) in modules
            ):
                found.append((node.lineno, "raises Django's ValidationError: raise a domain error (InvalidFields)"))
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "update"
            and _chain_filters_on_version(node.func.value)
        ):
            found.append((node.lineno, "conditional UPDATE on version: select_for_update, compare, then save"))
    return found


def defaulted_versions(source: str) -> list[int]:
    """The lines of the functions whose ``expected_version`` parameter has a default value."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            args = node.args
            positional = [*args.posonlyargs, *args.args]
            defaulted = positional[len(positional) - len(args.defaults) :]
            defaulted += [arg for arg, default in zip(args.kwonlyargs, args.kw_defaults, strict=True) if default]
            if any(arg.arg == "expected_version" for arg in defaulted):
                found.append(node.lineno)
    return found


def test_the_version_of_a_service_has_no_default():
    found = [
        f"{path.relative_to(BASE)}:{number}"
        for path in _service_files()
        for number in defaulted_versions(path.read_text())
    ]
    assert not found, "make expected_version a required keyword (None is refused, never skips):\n" + "\n".join(found)


def test_services_raise_domain_errors_and_lock_with_select_for_update():
    found = [
        f"{path.relative_to(BASE)}:{number}: {problem}"
        for path in _service_files()
        for number, problem in _locking_and_error_style(path.read_text(), str(path))
    ]
    assert not found, "one error style and one locking style (ARCHITECTURE.md):\n" + "\n".join(found)


def test_imports_inside_functions_say_why():
    found = [
        f"{path.relative_to(BASE)}:{number}: {path.read_text().splitlines()[number - 1].strip()}"
        for path in _python_files(*APPS)
        for number in unexplained_function_imports(path.read_text())
    ]
    assert not found, (
        "import at the top of the module, or say why not on the line above (# deferred: a cycle a -> b, "
        "a heavy library the web process must not load, AppConfig.ready()):\n" + "\n".join(found)
    )


def test_the_web_process_does_not_load_the_workers_heavy_libraries():
    """The WSGI application, the whole URLconf (every view and API module) and the error views load without
    WeasyPrint, pyHanko or openpyxl: the report worker and the spreadsheet views import them when they need them.
    (pandas is loaded: the benchmark pages' modules import it, so it is no reason to defer an import.)"""
    script = (
        "import sys; import config.wsgi; from django.urls import get_resolver; resolver = get_resolver(); "
        "resolver.url_patterns; [resolver.resolve_error_handler(code) for code in (400, 403, 404, 500)]; "
        f"print(' '.join(sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY_FOR_WEB!r}))))"
    )
    loaded = subprocess.run(  # a fresh interpreter: this one has imported everything by now
        [sys.executable, "-c", script], cwd=BASE, env=os.environ, capture_output=True, text=True, check=True
    ).stdout.split()
    assert loaded == [], f"the web process loads {loaded}: defer the import to the function that needs it"


def test_the_checks_above_do_find_what_they_look_for():
    """The patterns are not vacuous: each catches its example."""
    for bad in (
        'if user.role == "manager":',
        "user.role != Role.ASSESSOR",
        "User.objects.filter(role=Role.ASSESSOR)",
        "if request.user.is_administrator:",
        "user.is_superuser or x",
    ):
        assert ROLE_COMPARISON.search(bad), bad
    for fine in (
        "user.is_superuser = account.superuser",
        "can(user, 'assessment.view', a)",
        "user.role = role",
        "User(username='a', role=Role.MANAGER)",
    ):
        assert not ROLE_COMPARISON.search(fine), fine
    assert TEMPLATE_ROLE.search("{% if nav_role == Role.MANAGER %}")
    assert list(_service_files()), "no service module found"
    for bad in (
        "from django.core.exceptions import ValidationError\nraise ValidationError({'a': ['b']})",
        "from django.core.exceptions import ValidationError as VE\ndef f():\n    raise VE('x') from None",
        "from django.core import exceptions\nraise exceptions.ValidationError('x')",
        "import django.core.exceptions\nraise django.core.exceptions.ValidationError('x')",
        "n = Answer.objects.filter(pk=1, version=v).update(version=F('version') + 1)",
        "Member.objects.select_for_update().filter(Q(version=v), pk=1).update(active=False)",
        "M.objects.exclude(pk=2).filter(pk=1, version__exact=v).update(a=1)",
    ):
        assert _locking_and_error_style(bad), bad
    for fine in (
        "from rest_framework.serializers import ValidationError\nraise ValidationError('x')",
        "from django.core.exceptions import ValidationError\ntry:\n    f()\n"
        "except ValidationError as e:\n    raise InvalidFields(e.message_dict) from e",
        "locked.answers.filter(pk__in=ids).update(version=F('version') + 1)",
        "locked = M.objects.select_for_update().get(pk=1)\nif locked.version != v:\n    raise ConflictError()",
    ):
        assert not _locking_and_error_style(fine), fine


def test_the_version_check_finds_a_defaulted_version():
    source = """
def a(*, user, expected_version: int | None = None): ...
def b(user, expected_version=3): ...
async def c(*, expected_version=None, note=""): ...
def fine(*, user, expected_version: int, comment: str = ""): ...
def fine_too(*, expected_version: int | None, year: int = 2025): ...
def other(user, version=None): ...
"""
    assert defaulted_versions(source) == [2, 3, 4]


def test_the_function_import_check_finds_an_unexplained_import():
    source = """
import os  # a module's own imports need no reason


def f():
    from a import b
    return b


class C:
    def method(self):
        if os.name:
            import json
        try:
            pass
        except ImportError:
            import csv
        return json, csv


def explained():
    # deferred: a cycle x -> y
    from x import y
    from x import z
    from q import r  # deferred: pandas is heavy
    text = "deferred: in a string is no comment"
    from s import t
    return y, z, r, text, t


def g():
    # deferred: only for the next import, not for one further down
    value = 1
    import zlib
    return value, zlib
"""
    numbers = unexplained_function_imports(source)
    lines = source.splitlines()
    assert [lines[n - 1].strip() for n in numbers] == [
        "from a import b",
        "import json",
        "import csv",
        "from s import t",
        "import zlib",
    ]


# A manager, a queryset built or evaluated on a relation: what a presenter must not do.
QUERYING = re.compile(
    r"\.objects\b|\.filter\(|\.exclude\(|\.order_by\(|\.all\(\)\.(filter|get|order_by)|select_related"
    r"|prefetch_related|\.(first|last|exists|count)\(\)"
)


def _presenter_files():
    for app in APPS:
        files = [BASE / app / "presenters.py", *sorted((BASE / app / "presenters").glob("*.py"))]
        yield from (path for path in files if path.exists())


def test_presenters_query_nothing():
    """A presenter shapes data a selector read: no manager or queryset of its own, no service but the steps table
    (a presenters package: each of its modules)."""
    assert BASE / "labelling" / "presenters" / "report.py" in list(_presenter_files())
    found = []
    for path in _presenter_files():
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if re.search(QUERYING, line):
                found.append(f"{path.relative_to(BASE)}:{number}: {line.strip()}")
        for number, module, _names in _imports(path):
            if ".services" in module and module != "labelling.services.steps":
                found.append(f"{path.relative_to(BASE)}:{number}: {module}")
    assert not found, "read in a selector and pass the result to the presenter:\n" + "\n".join(found)


# A status compared in a template: ``assessment.status == "draft"`` (the presenters give ``flags.draft``).
TEMPLATE_STATUS_COMPARISON = re.compile(r"""\.status\s*(==|!=|\bin\b)|(==|!=)\s*\w+\.status\b""")


def test_templates_never_compare_a_status():
    """A template tests the flags the presenters give (``status.changes_requested``, ``report.flags.ready``): the
    labelling's, the expert's process's, the programmes' and the committee's templates, and the PDF documents'."""
    assert TEMPLATE_STATUS_COMPARISON.search('{% if assessment.status == "draft" %}')
    assert not TEMPLATE_STATUS_COMPARISON.search("{% if report.flags.ready %}")
    found = [
        f"{path.relative_to(BASE)}:{number}: {line.strip()}"
        for folder in ("labelling", "reports", "expertise", "programmes", "committee")
        for path in sorted((BASE / "templates" / folder).rglob("*.html"))
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if TEMPLATE_STATUS_COMPARISON.search(line)
    ]
    assert not found, "give the template a flag from the presenters (status_flags):\n" + "\n".join(found)
