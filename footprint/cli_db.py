"""``footprint db``: maintain the clinician records from the command line.

Added to the main command by :mod:`footprint.cli` (``app.add_typer(db_app,
name="db")``). Every command takes ``--db URL`` (or an SQLite file path) and
``--data-dir``; both default to ``$FOOTPRINT_DB_URL`` / ``$FOOTPRINT_DATA_DIR``
and then the user's data folder (see :mod:`footprint.store`).

Exit codes: 0 done, 1 the records database refused (e.g. unknown patient),
3 usage error.
"""

from __future__ import annotations

import logging
from pathlib import Path

import typer
from rich.console import Console

from footprint.errors import FootprintError

log = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 3

db_app = typer.Typer(
    help="Clinician records: back up, migrate, export or delete.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

_out = Console()
_err = Console(stderr=True)

DbOpt = typer.Option(
    None, "--db", help="Records database: SQLAlchemy URL or SQLite file (default: data folder)."
)
DataDirOpt = typer.Option(
    None, "--data-dir", help="Folder of the database file and images (default: user data folder)."
)


def _open(db: str | None, data_dir: Path | None):  # noqa: ANN202 - footprint.store.Store
    from footprint.store import Store

    try:
        return Store(db, data_dir)
    except FootprintError as exc:
        _err.print(f"[bold red]Error:[/] {exc}", highlight=False)
        raise typer.Exit(EXIT_FAILED) from None
    except Exception as exc:  # noqa: BLE001 - e.g. an unreachable server: say so, no traceback
        _err.print(f"[bold red]Could not open the records database:[/] {exc}", highlight=False)
        raise typer.Exit(EXIT_FAILED) from None


def _fail(exc: Exception) -> typer.Exit:
    _err.print(f"[bold red]Error:[/] {exc}", highlight=False)
    return typer.Exit(EXIT_FAILED)


@db_app.command("backup")
def backup(
    path: Path = typer.Argument(..., help="File to write the copy to (e.g. backup.sqlite3)."),
    db: str | None = DbOpt,
    data_dir: Path | None = DataDirOpt,
    images: bool = typer.Option(
        True, "--images/--no-images", help="Also copy the images to PATH.images/."
    ),
    overwrite: bool = typer.Option(False, "--overwrite", help="Replace an existing PATH."),
) -> None:
    """Make a consistent copy of the SQLite database (safe while the app runs)."""
    if path.exists() and not overwrite:
        _err.print(f"{path} exists; choose a new file or add --overwrite.")
        raise typer.Exit(EXIT_USAGE)
    store = _open(db, data_dir)
    try:
        dest = store.backup(path, images=images)
    except FootprintError as exc:
        raise _fail(exc) from None
    _out.print(f"Backed up to {dest}", highlight=False)


@db_app.command("upgrade")
def upgrade(db: str | None = DbOpt, data_dir: Path | None = DataDirOpt) -> None:
    """Create the database or migrate it to this version's schema."""
    from footprint.store import current_revision

    store = _open(db, data_dir)
    _out.print(f"{store.url}: schema revision {current_revision(store.engine)}", highlight=False)


@db_app.command("export")
def export(
    code: str = typer.Argument(..., help="Patient code."),
    output: Path = typer.Option(..., "--output", "-o", help="Zip file to write."),
    db: str | None = DbOpt,
    data_dir: Path | None = DataDirOpt,
) -> None:
    """Export one patient's full record as a zip (CSV, JSON and images)."""
    store = _open(db, data_dir)
    try:
        data = store.export_patient(code)
    except FootprintError as exc:
        raise _fail(exc) from None
    output.write_bytes(data)
    _out.print(f"Wrote {output} ({len(data) / 1e6:.1f} MB)", highlight=False)


@db_app.command("delete")
def delete(
    code: str = typer.Argument(..., help="Patient code."),
    yes: bool = typer.Option(False, "--yes", help="Do not ask for confirmation."),
    db: str | None = DbOpt,
    data_dir: Path | None = DataDirOpt,
) -> None:
    """Delete a patient with every visit, print, result and image of theirs."""
    store = _open(db, data_dir)
    try:
        store.get_patient(code)
    except FootprintError as exc:
        raise _fail(exc) from None
    if not yes and not typer.confirm(f"Delete patient {code!r} and all their records?"):
        raise typer.Exit(EXIT_USAGE)
    report = store.delete_patient(code)
    _out.print(
        f"Deleted {report.visits} visits, {report.prints} prints, {report.results} results "
        f"and {report.files} image files.",
        highlight=False,
    )


@db_app.command("hash-password")
def hash_password_cmd() -> None:
    """Make a value for FOOTPRINT_CLINIC_PASSWORD_HASH (the clinic pages' password)."""
    from footprint.ui.clinic.access import ENV_PASSWORD_HASH, hash_password

    password = typer.prompt("Clinic password", hide_input=True, confirmation_prompt=True)
    try:
        value = hash_password(password)
    except ValueError as exc:
        _err.print(str(exc))
        raise typer.Exit(EXIT_USAGE) from None
    _out.print(f"{ENV_PASSWORD_HASH}='{value}'", highlight=False, soft_wrap=True)
