#!/usr/bin/env python3
"""Back up and restore Grappe: the PostgreSQL database and the files (private evidence/reports, public logos).

    bin/backup.py backup  [--output var/backups]          # → var/backups/grappe-YYYYmmdd-HHMMSS/
    bin/backup.py restore BACKUP --database-url URL [--private-root DIR] [--media-root DIR] [--create]
    bin/backup.py restore BACKUP --database-url URL --to-storage     # the files into the settings' bucket
    bin/backup.py check   [--output DIR]                  # backup, restore into a fresh database, compare

A backup is a folder with ``database.dump`` (``pg_dump --format=custom``), ``private.tar.gz`` and
``media.tar.gz`` (the contents of ``PRIVATE_MEDIA_ROOT`` and ``MEDIA_ROOT``, or of the bucket's ``private/`` and
``media/`` when the settings keep the files in one: ``STORAGE_URL``) and ``manifest.json`` (the row
count of every table and the number and size of the files, taken at the same time). ``restore`` loads it into
an empty database (``--create`` creates it) and unpacks the files; ``check`` does a backup, restores it into a
new database and a temporary folder, compares every count with the manifest and with the live database, prints
the comparison, drops the scratch database and exits 1 on any difference.

The database and the folders come from the Django settings (``DJANGO_SETTINGS_MODULE``, ``DATABASE_URL``…),
like ``manage.py``. pg_dump and pg_restore must be on the PATH (Debian's postgresql-client; the Docker image
has it). The password goes to them through the environment (``PGPASSWORD``), never on the command line.
"""

from __future__ import annotations

import argparse
import datetime
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import uuid
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))


def _django_settings():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    import django

    django.setup()
    from django.conf import settings

    return settings


def _database_from_settings(settings) -> dict:
    db = settings.DATABASES["default"]
    if "postgresql" not in db["ENGINE"]:
        sys.exit(f"backup.py handles PostgreSQL only; the database is {db['ENGINE']} ({db['NAME']}).")
    return {
        "name": db["NAME"],
        "user": db.get("USER") or "",
        "password": db.get("PASSWORD") or "",
        "host": db.get("HOST") or "127.0.0.1",
        "port": str(db.get("PORT") or 5432),
    }


def _database_from_url(url: str) -> dict:
    parts = urlsplit(url)
    return {
        "name": unquote(parts.path.lstrip("/")),
        "user": unquote(parts.username or ""),
        "password": unquote(parts.password or ""),
        "host": parts.hostname or "127.0.0.1",
        "port": str(parts.port or 5432),
    }


def _pg_env(db: dict) -> dict:
    env = {**os.environ, "PGHOST": db["host"], "PGPORT": db["port"], "PGDATABASE": db["name"]}
    if db["user"]:
        env["PGUSER"] = db["user"]
    if db["password"]:
        env["PGPASSWORD"] = db["password"]
    return env


def _conninfo(db: dict, name: str | None = None) -> str:
    credentials = quote(db["user"], safe="") + (":" + quote(db["password"], safe="") if db["password"] else "")
    at = f"{credentials}@" if credentials else ""
    return f"postgresql://{at}{db['host']}:{db['port']}/{quote(name or db['name'], safe='')}"


def _run(command: list[str], db: dict) -> None:
    result = subprocess.run(command, env=_pg_env(db), capture_output=True, text=True)  # noqa: S603
    if result.returncode != 0:
        sys.exit(f"{command[0]} failed ({result.returncode}):\n{result.stderr.strip()}")


def table_counts(db: dict, name: str | None = None) -> dict[str, int]:
    """Exact row counts of every table of the public schema."""
    import psycopg
    from psycopg import sql

    with psycopg.connect(_conninfo(db, name)) as connection:
        tables = [
            row[0]
            for row in connection.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            )
        ]
        return {
            table: connection.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))).fetchone()[0]
            for table in tables
        }


def file_summary(root: Path) -> dict[str, int]:
    files = [path for path in root.rglob("*") if path.is_file()] if root.exists() else []
    return {"files": len(files), "bytes": sum(path.stat().st_size for path in files)}


def _pack(root: Path, target: Path) -> None:
    with tarfile.open(target, "w:gz") as archive:
        if root.exists():
            for path in sorted(root.iterdir()):
                archive.add(path, arcname=path.name)


def _unpack(source: Path, root: Path) -> None:
    root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(source, "r:gz") as archive:
        archive.extractall(root, filter="data")  # no absolute paths, no "..", no device files


def _storages(settings) -> dict:
    """The files' two stores, when they are not local folders (a bucket: STORAGE_URL); {} otherwise."""
    from django.core.files.storage import FileSystemStorage, storages

    stores = {"private": storages["private"], "media": storages["default"]}
    return {} if all(isinstance(store, FileSystemStorage) for store in stores.values()) else stores


def _walk(storage, prefix: str = ""):
    directories, files = storage.listdir(prefix)
    for name in files:
        yield f"{prefix}{name}"
    for directory in directories:
        yield from _walk(storage, f"{prefix}{directory}/")


def _pack_storage(storage, target: Path) -> dict[str, int]:
    """Every object of the store into a tar.gz, as _pack does for a folder; the number and size of the files."""
    count = size = 0
    with tarfile.open(target, "w:gz") as archive:
        for name in sorted(_walk(storage)):
            with storage.open(name, "rb") as handle:
                data = handle.read()  # one file at a time (evidence is at most EVIDENCE_MAX_BYTES)
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
            count, size = count + 1, size + len(data)
    return {"files": count, "bytes": size}


def _unpack_to_storage(source: Path, storage) -> None:
    from django.core.files import File

    with tarfile.open(source, "r:gz") as archive:
        for member in archive.getmembers():
            name = member.name
            if not member.isfile() or name.startswith("/") or ".." in Path(name).parts:
                continue  # as extractall(filter="data"): no absolute path, no "..", only files
            if storage.exists(name):
                storage.delete(name)
            storage.save(name, File(archive.extractfile(member), name=name))


def backup(output: Path) -> Path:
    settings = _django_settings()
    db = _database_from_settings(settings)
    folder = output / f"grappe-{datetime.datetime.now(datetime.UTC):%Y%m%d-%H%M%S}"
    folder.mkdir(parents=True, exist_ok=False)
    # The counts first, the dump right after: on a busy site a few rows may land in between (the dump is
    # a consistent snapshot of its own); `check` compares the restored copy with the dump's own manifest.
    counts = table_counts(db)
    _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={folder / 'database.dump'}"], db)
    files: dict[str, dict[str, int]] = {}
    stores = _storages(settings)
    for kind, root in (("private", Path(settings.PRIVATE_MEDIA_ROOT)), ("media", Path(settings.MEDIA_ROOT))):
        if stores:
            files[kind] = _pack_storage(stores[kind], folder / f"{kind}.tar.gz")
        else:
            _pack(root, folder / f"{kind}.tar.gz")
            files[kind] = file_summary(root)
    manifest = {
        "created": datetime.datetime.now(datetime.UTC).isoformat(),
        "database": db["name"],
        "tables": counts,
        **files,
    }
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True))
    return folder


def _create_database(db: dict, name: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(_conninfo(db, "postgres"), autocommit=True) as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def _drop_database(db: dict, name: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(_conninfo(db, "postgres"), autocommit=True) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def restore(
    folder: Path,
    *,
    db: dict,
    private_root: Path | None,
    media_root: Path | None,
    create: bool,
    to_storage: bool = False,
) -> None:
    if create:
        _create_database(db, db["name"])
    _run(["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", f"--dbname={db['name']}",
          str(folder / "database.dump")], db)  # fmt: skip
    if private_root is not None:
        _unpack(folder / "private.tar.gz", private_root)
    if media_root is not None:
        _unpack(folder / "media.tar.gz", media_root)
    if to_storage:
        stores = _storages(_django_settings())
        if not stores:
            sys.exit("--to-storage: the settings keep the files in local folders; give --private-root/--media-root.")
        for kind, store in stores.items():
            _unpack_to_storage(folder / f"{kind}.tar.gz", store)


def check(output: Path) -> bool:
    """Back up, restore into a fresh database and folders, compare the counts; True when all agree."""
    folder = backup(output)
    manifest = json.loads((folder / "manifest.json").read_text())
    settings = _django_settings()
    live_db = _database_from_settings(settings)
    scratch = f"{live_db['name'][:40]}_restore_{uuid.uuid4().hex[:8]}"
    files = Path(tempfile.mkdtemp(prefix="grappe-restore-"))
    ok = True
    try:
        restore(folder, db={**live_db, "name": scratch}, private_root=files / "private", media_root=files / "media",
                create=True)  # fmt: skip
        restored = table_counts(live_db, scratch)
        live = table_counts(live_db)
        print(f"Backup {folder}\nRestored into the fresh database {scratch}\n")
        print(f"{'table':<40} {'backup':>8} {'restored':>9} {'live':>8}")
        for table in sorted(set(manifest["tables"]) | set(restored)):
            expected, got, now = manifest["tables"].get(table), restored.get(table), live.get(table)
            same = expected == got
            ok &= same
            print(f"{table:<40} {expected!s:>8} {got!s:>9} {now!s:>8}{'' if same else '   <-- differs'}")
        for kind in ("private", "media"):
            got = file_summary(files / kind)
            same = got == manifest[kind]
            ok &= same
            print(f"{kind + ' files':<40} {manifest[kind]['files']:>8} {got['files']:>9}"
                  f"   ({got['bytes']} bytes){'' if same else '   <-- differs'}")  # fmt: skip
        print("\nOK: the restored copy matches the backup." if ok else "\nFAILED: the restored copy differs.")
    finally:
        _drop_database(live_db, scratch)
        shutil.rmtree(files, ignore_errors=True)
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    make = commands.add_parser("backup", help="dump the database and pack the files")
    make.add_argument("--output", type=Path, default=BASE_DIR / "var" / "backups")
    load = commands.add_parser("restore", help="load a backup into an (empty) database and folders")
    load.add_argument("backup", type=Path)
    load.add_argument("--database-url", required=True, help="postgres://user:password@host:port/name")
    load.add_argument("--private-root", type=Path, help="where to unpack the private files")
    load.add_argument("--media-root", type=Path, help="where to unpack the public media")
    load.add_argument("--create", action="store_true", help="create the database first")
    load.add_argument("--to-storage", action="store_true", help="put the files back into the settings' bucket")
    verify = commands.add_parser("check", help="backup, restore into a fresh database, compare the counts")
    verify.add_argument("--output", type=Path, default=Path(tempfile.gettempdir()) / "grappe-backup-check")
    args = parser.parse_args(argv)
    if args.command == "backup":
        print(backup(args.output))
        return 0
    if args.command == "restore":
        restore(
            args.backup,
            db=_database_from_url(args.database_url),
            private_root=args.private_root,
            media_root=args.media_root,
            create=args.create,
            to_storage=args.to_storage,
        )
        print(f"Restored {args.backup} into {_database_from_url(args.database_url)['name']}.")
        return 0
    return 0 if check(args.output) else 1


if __name__ == "__main__":
    sys.exit(main())
