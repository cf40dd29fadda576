"""Clinician records: patients, visits, prints and results.

One SQLite file in the user's data folder by default, with zero configuration;
any SQLAlchemy URL (e.g. ``postgresql+psycopg://...``) by a setting. The schema
is versioned with Alembic (``footprint/migrations``) and migrated to the newest
revision whenever a store is opened.

Where things live
-----------------
* Data folder: the ``data_dir`` argument, else ``$FOOTPRINT_DATA_DIR``, else
  ``platformdirs.user_data_dir("footprint")``.
* Database: the ``url`` argument, else ``$FOOTPRINT_DB_URL``, else
  ``sqlite:///<data folder>/footprint.sqlite3``. A plain file path is taken as
  an SQLite file.
* Images: ``<data folder>/images/<aa>/<sha256>.jpg|.png``. File names derive
  only from the SHA-256 of the stored (metadata-free) bytes, never from a
  patient code or an upload name, so nothing a user types can place a file
  outside the data folder. Identical images are stored once.

Safety
------
* Photos are re-encoded without EXIF/GPS (:func:`footprint.io.strip_metadata`)
  before they are hashed and written.
* Results are JSON text columns and plain numbers; nothing is pickled.
* Every query goes through the SQLAlchemy ORM/Core with bound parameters.
* SQLite runs in WAL mode with ``foreign_keys=ON`` and a busy timeout, and every
  transaction starts with ``BEGIN IMMEDIATE`` so concurrent writers (the app and
  a batch job) wait for each other instead of failing.
* Deleting a patient removes their visits, prints and results (``ON DELETE
  CASCADE`` in the database and in the ORM) and every image file no other
  record uses.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import math
import os
import re
import sqlite3
import tempfile
import threading
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

import platformdirs
from sqlalchemy import (
    Date,
    DateTime,
    Engine,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Text,
    create_engine,
    event,
    func,
    or_,
    select,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import (
    DeclarativeBase,
    Mapped,
    Session,
    mapped_column,
    relationship,
    selectinload,
    sessionmaker,
)

from footprint.errors import FootprintError
from footprint.result import REGIONS

if TYPE_CHECKING:  # pragma: no cover - typing only
    from footprint.result import FootprintResult

log = logging.getLogger(__name__)

#: Environment variable with the database URL (or SQLite file path).
ENV_DB_URL = "FOOTPRINT_DB_URL"
#: Environment variable with the data folder (database file and images).
ENV_DATA_DIR = "FOOTPRINT_DATA_DIR"
#: File name of the default SQLite database inside the data folder.
DEFAULT_DB_FILE = "footprint.sqlite3"
#: How long an SQLite writer waits for another one before giving up [ms].
SQLITE_BUSY_TIMEOUT_MS = 30_000
#: Longest patient code [characters].
MAX_CODE_LENGTH = 64
#: Foot sides a print may be labelled with.
PRINT_SIDES: tuple[str, ...] = ("left", "right", "both", "unknown")

_MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
_SHA256_RE = re.compile(r"^[0-9a-f]{64}$")
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")
_UNSET: Any = object()


# --------------------------------------------------------------------------- #
# errors
# --------------------------------------------------------------------------- #
class StoreError(FootprintError):
    """The records database could not do what was asked."""

    code = "store"


class RecordNotFoundError(StoreError):
    """A patient, visit, print or result does not exist (any more)."""

    code = "not_found"


class DuplicateRecordError(StoreError):
    """A patient with that code already exists."""

    code = "duplicate"


# --------------------------------------------------------------------------- #
# models
# --------------------------------------------------------------------------- #
_NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def _now() -> datetime:
    return datetime.now(timezone.utc)


class Base(DeclarativeBase):
    """Declarative base of the records schema (named constraints for batch migrations)."""

    metadata = MetaData(naming_convention=_NAMING)


class Patient(Base):
    """A patient, known by a pseudonymous code; the name is optional."""

    __tablename__ = "patient"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(MAX_CODE_LENGTH), unique=True)
    name: Mapped[str | None] = mapped_column(String(200))
    birth_year: Mapped[int | None] = mapped_column(Integer)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)

    visits: Mapped[list[Visit]] = relationship(
        back_populates="patient",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="(Visit.visit_date, Visit.id)",
    )


class Visit(Base):
    """One appointment: a date, a note and the prints taken."""

    __tablename__ = "visit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[int] = mapped_column(
        ForeignKey("patient.id", ondelete="CASCADE"), index=True
    )
    visit_date: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)

    patient: Mapped[Patient] = relationship(back_populates="visits")
    prints: Mapped[list[Print]] = relationship(
        back_populates="visit",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="Print.id",
    )


class Print(Base):
    """A stored photo of one or two prints (metadata-free, content-addressed file)."""

    __tablename__ = "print"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visit.id", ondelete="CASCADE"), index=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    file_name: Mapped[str] = mapped_column(String(80))
    foot_side: Mapped[str] = mapped_column(String(8), default="unknown")
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    capture_json: Mapped[str] = mapped_column(Text, default="{}")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)

    visit: Mapped[Visit] = relationship(back_populates="prints")
    results: Mapped[list[Result]] = relationship(
        back_populates="print_",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="Result.foot_index",
    )


class Result(Base):
    """The measurements of one foot on one print, with parameters and provenance."""

    __tablename__ = "result"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    print_id: Mapped[int] = mapped_column(ForeignKey("print.id", ondelete="CASCADE"), index=True)
    foot_index: Mapped[int] = mapped_column(Integer, default=0)
    side: Mapped[str] = mapped_column(String(8))
    arch_index: Mapped[float | None] = mapped_column(Float)
    arch_type: Mapped[str | None] = mapped_column(String(16))
    chippaux_smirak: Mapped[float | None] = mapped_column(Float)
    csi_type: Mapped[str | None] = mapped_column(String(16))
    staheli: Mapped[float | None] = mapped_column(Float)
    staheli_type: Mapped[str | None] = mapped_column(String(16))
    clarke_angle_deg: Mapped[float | None] = mapped_column(Float)
    clarke_type: Mapped[str | None] = mapped_column(String(16))
    foot_length_mm: Mapped[float | None] = mapped_column(Float)
    foot_width_mm: Mapped[float | None] = mapped_column(Float)
    foot_length_px: Mapped[float | None] = mapped_column(Float)
    foot_width_px: Mapped[float | None] = mapped_column(Float)
    quality: Mapped[float | None] = mapped_column(Float)
    scale_source: Mapped[str | None] = mapped_column(String(16))
    region_shares_json: Mapped[str] = mapped_column(Text, default="{}")
    measures_json: Mapped[str] = mapped_column(Text, default="{}")
    foot_json: Mapped[str | None] = mapped_column(Text)
    params_json: Mapped[str] = mapped_column(Text, default="{}")
    provenance_json: Mapped[str] = mapped_column(Text, default="{}")
    package_version: Mapped[str] = mapped_column(String(32))
    input_sha256: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)

    print_: Mapped[Print] = relationship(back_populates="results")


#: Index columns of :class:`Result`, in display order.
INDEX_COLUMNS: tuple[str, ...] = (
    "arch_index",
    "chippaux_smirak",
    "staheli",
    "clarke_angle_deg",
    "foot_length_mm",
    "foot_width_mm",
)


# --------------------------------------------------------------------------- #
# plain snapshots handed to callers (no lazy loading after the session ends)
# --------------------------------------------------------------------------- #
@dataclass(frozen=True)
class ResultInfo:
    """One stored foot result."""

    id: int
    print_id: int
    foot_index: int
    side: str
    arch_index: float | None
    arch_type: str | None
    chippaux_smirak: float | None
    csi_type: str | None
    staheli: float | None
    staheli_type: str | None
    clarke_angle_deg: float | None
    clarke_type: str | None
    foot_length_mm: float | None
    foot_width_mm: float | None
    quality: float | None
    scale_source: str | None
    region_shares: dict[str, float | None]
    measures: dict[str, Any]
    foot: dict[str, Any] | None
    params: dict[str, Any]
    provenance: dict[str, Any]
    package_version: str
    created_at: datetime


@dataclass(frozen=True)
class PrintInfo:
    """One stored photo and its results."""

    id: int
    visit_id: int
    sha256: str
    file_name: str
    foot_side: str
    width: int
    height: int
    capture: dict[str, Any]
    results: tuple[ResultInfo, ...]


@dataclass(frozen=True)
class VisitInfo:
    """One visit with its prints."""

    id: int
    patient_code: str
    visit_date: date
    note: str
    prints: tuple[PrintInfo, ...]


@dataclass(frozen=True)
class PatientInfo:
    """One patient (without their visits; see :meth:`Store.visits`)."""

    id: int
    code: str
    name: str | None
    birth_year: int | None
    notes: str
    created_at: datetime
    updated_at: datetime
    n_visits: int = 0


@dataclass(frozen=True)
class TrendPoint:
    """One result on a patient's timeline."""

    visit_id: int
    visit_date: date
    print_id: int
    result_id: int
    side: str
    values: dict[str, float | None]


@dataclass(frozen=True)
class DeleteReport:
    """What deleting a patient removed."""

    visits: int
    prints: int
    results: int
    files: int
    file_names: tuple[str, ...] = field(default=(), repr=False)


# --------------------------------------------------------------------------- #
# locations and engines
# --------------------------------------------------------------------------- #
def default_data_dir() -> Path:
    """The data folder: ``$FOOTPRINT_DATA_DIR`` or the platform's user data folder."""
    env = os.environ.get(ENV_DATA_DIR, "").strip()
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_data_dir("footprint", appauthor=False))


def resolve_url(url: str | os.PathLike[str] | None, data_dir: Path) -> str:
    """The database URL from an argument, ``$FOOTPRINT_DB_URL`` or the default file.

    A value without ``://`` is an SQLite file path.
    """
    value = os.fspath(url) if url is not None else os.environ.get(ENV_DB_URL, "").strip()
    if not value:
        return f"sqlite:///{(data_dir / DEFAULT_DB_FILE).resolve()}"
    if "://" not in value:
        return f"sqlite:///{Path(value).expanduser().resolve()}"
    return value


def _sqlite_file(url: str) -> Path | None:
    u = make_url(url)
    if u.get_backend_name() != "sqlite" or not u.database or u.database == ":memory:":
        return None
    if u.database.startswith("file:"):
        return None
    return Path(u.database)


_ENGINES: dict[str, Engine] = {}
_MIGRATED: set[str] = set()
_LOCK = threading.Lock()


def _make_engine(url: str) -> Engine:
    u = make_url(url)
    if u.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True)
    path = _sqlite_file(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # We emit BEGIN ourselves (below), so DDL is transactional too.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA busy_timeout = %d" % int(SQLITE_BUSY_TIMEOUT_MS))  # noqa: UP031
        cur.execute("PRAGMA foreign_keys = ON")
        if path is not None:
            cur.execute("PRAGMA journal_mode = WAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # Take the write lock up front: two writers then queue on busy_timeout
        # instead of one failing with SQLITE_BUSY when it upgrades a read lock.
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def get_engine(url: str) -> Engine:
    """A shared engine per URL (created on first use)."""
    with _LOCK:
        engine = _ENGINES.get(url)
        if engine is None:
            engine = _ENGINES[url] = _make_engine(url)
        return engine


def alembic_config(connection: Any | None = None) -> Any:
    """A programmatic Alembic config whose scripts live inside the package."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(_MIGRATIONS_DIR))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str:
    """The newest migration revision shipped with this version."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:  # pragma: no cover - the package ships migrations
        raise StoreError("No database migrations were found; reinstall footprint.")
    return head


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (None for an empty database)."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Migrate the database to ``revision`` (newest by default).

    On SQLite, foreign keys are switched off for the migration (batch migrations
    rebuild tables, and dropping a referenced table would otherwise cascade) and
    checked afterwards; the whole migration is one transaction holding the write
    lock, so a second process opening the same file waits and then finds it done.
    """
    from alembic import command

    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as conn:
        if sqlite:
            raw = conn.connection.driver_connection
            raw.execute("PRAGMA foreign_keys = OFF")
        try:
            with conn.begin():
                command.upgrade(alembic_config(conn), revision)
                if sqlite:
                    bad = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if bad:
                        raise StoreError(
                            f"The database migration left {len(bad)} broken references; "
                            "restore the database from a backup."
                        )
        finally:
            if sqlite:
                raw.execute("PRAGMA foreign_keys = ON")


def _ensure_migrated(engine: Engine) -> None:
    key = str(engine.url)
    if key in _MIGRATED:
        return
    with _LOCK:
        if key in _MIGRATED:
            return
        head = head_revision()
        current = current_revision(engine)
        if current != head:
            log.info("Migrating %s from %s to %s", engine.url, current, head)
            upgrade(engine)
        _MIGRATED.add(key)


def _loads(text: str | None) -> Any:
    return None if text is None else json.loads(text)


def _dumps(obj: Any) -> str:
    return json.dumps(_finite(obj), allow_nan=False, sort_keys=True, default=str)


def _finite(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {str(k): _finite(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_finite(v) for v in obj]
    if isinstance(obj, float) and not math.isfinite(obj):
        log.warning("A stored value was %s; it is stored as null.", obj)
        return None
    if hasattr(obj, "item") and callable(obj.item):  # numpy scalar
        return _finite(obj.item())
    return obj


def _num(value: Any) -> float | None:
    if value is None or value == "":
        return None
    try:
        v = float(value)
    except (TypeError, ValueError):
        return None
    if not math.isfinite(v):
        log.warning("A stored measurement was %s; it is stored as null.", v)
        return None
    return v


def _text(value: Any) -> str | None:
    if value is None or value == "":
        return None
    return str(value)


# --------------------------------------------------------------------------- #
# the store
# --------------------------------------------------------------------------- #
class Store:
    """Records of patients, visits, prints and results.

    Parameters
    ----------
    url : str or path, optional
        SQLAlchemy URL or SQLite file path; default ``$FOOTPRINT_DB_URL`` or
        ``<data_dir>/footprint.sqlite3``.
    data_dir : path, optional
        Folder for the database file and images; default ``$FOOTPRINT_DATA_DIR``
        or ``platformdirs.user_data_dir("footprint")``.
    migrate : bool
        Bring the schema to the newest revision on open (default).

    Examples
    --------
    >>> store = Store(data_dir=tmp)                                  # doctest: +SKIP
    >>> store.create_patient("P-0001", birth_year=2015)             # doctest: +SKIP
    """

    def __init__(
        self,
        url: str | os.PathLike[str] | None = None,
        data_dir: str | os.PathLike[str] | None = None,
        *,
        migrate: bool = True,
    ) -> None:
        self.data_dir = Path(data_dir).expanduser() if data_dir is not None else default_data_dir()
        self.url = resolve_url(url, self.data_dir)
        self.image_dir = self.data_dir / "images"
        self.engine = get_engine(self.url)
        if migrate:
            _ensure_migrated(self.engine)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    def __repr__(self) -> str:
        return f"Store(url={self.engine.url!r}, data_dir={str(self.data_dir)!r})"

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session in one transaction: committed on success, rolled back on error."""
        with self._sessions() as s, s.begin():
            yield s

    # -- patients ---------------------------------------------------------
    @staticmethod
    def clean_code(code: str) -> str:
        """Validate a patient code: 1-64 printable characters, trimmed."""
        code = str(code).strip()
        if not code:
            raise StoreError("Give the patient a code (e.g. P-0001); it may not be empty.")
        if len(code) > MAX_CODE_LENGTH:
            raise StoreError(f"A patient code has at most {MAX_CODE_LENGTH} characters.")
        if _CONTROL_RE.search(code):
            raise StoreError("A patient code may not contain control characters or line breaks.")
        return code

    @staticmethod
    def _check_birth_year(year: int | None) -> int | None:
        if year is None:
            return None
        year = int(year)
        if not 1900 <= year <= date.today().year:
            raise StoreError(f"Birth year {year} is not plausible; give a year 1900-today.")
        return year

    def _patient(self, s: Session, code: str) -> Patient:
        p = s.scalars(select(Patient).where(Patient.code == self.clean_code(code))).first()
        if p is None:
            raise RecordNotFoundError(f"There is no patient with code {code!r}.")
        return p

    def create_patient(
        self,
        code: str,
        *,
        name: str | None = None,
        birth_year: int | None = None,
        notes: str = "",
    ) -> PatientInfo:
        """Add a patient; raises :class:`DuplicateRecordError` if the code exists."""
        code = self.clean_code(code)
        birth_year = self._check_birth_year(birth_year)
        try:
            with self.session() as s:
                p = Patient(code=code, name=_text(name), birth_year=birth_year, notes=notes or "")
                s.add(p)
                s.flush()
                return _patient_info(p, 0)
        except IntegrityError as exc:
            raise DuplicateRecordError(
                f"A patient with code {code!r} already exists; choose another code."
            ) from exc

    def update_patient(
        self,
        code: str,
        *,
        new_code: str | None = None,
        name: Any = _UNSET,
        birth_year: Any = _UNSET,
        notes: str | None = None,
    ) -> PatientInfo:
        """Change the code, name, birth year or notes of a patient.

        Arguments left out keep their value; ``name=None`` or ``birth_year=None``
        clear them.
        """
        try:
            with self.session() as s:
                p = self._patient(s, code)
                if new_code is not None:
                    p.code = self.clean_code(new_code)
                if name is not _UNSET:
                    p.name = _text(name)
                if birth_year is not _UNSET:
                    p.birth_year = self._check_birth_year(birth_year)
                if notes is not None:
                    p.notes = notes
                p.updated_at = _now()
                s.flush()
                n = s.scalar(select(func.count(Visit.id)).where(Visit.patient_id == p.id)) or 0
                return _patient_info(p, n)
        except IntegrityError as exc:
            raise DuplicateRecordError(
                f"A patient with code {new_code!r} already exists; choose another code."
            ) from exc

    def get_patient(self, code: str) -> PatientInfo:
        """One patient by code; raises :class:`RecordNotFoundError`."""
        with self.session() as s:
            p = self._patient(s, code)
            n = s.scalar(select(func.count(Visit.id)).where(Visit.patient_id == p.id)) or 0
            return _patient_info(p, n)

    def search_patients(self, query: str = "", *, limit: int = 200) -> list[PatientInfo]:
        """Patients whose code, name or notes contain ``query`` (case-insensitive)."""
        stmt = (
            select(Patient, func.count(Visit.id))
            .outerjoin(Visit, Visit.patient_id == Patient.id)
            .group_by(Patient.id)
            .order_by(Patient.code)
            .limit(int(limit))
        )
        q = str(query or "").strip()
        if q:
            like = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            stmt = stmt.where(
                or_(
                    Patient.code.ilike(like, escape="\\"),
                    Patient.name.ilike(like, escape="\\"),
                    Patient.notes.ilike(like, escape="\\"),
                )
            )
        with self.session() as s:
            return [_patient_info(p, n) for p, n in s.execute(stmt).all()]

    def delete_patient(self, code: str) -> DeleteReport:
        """Delete a patient with every visit, print, result and image file of theirs.

        Image files shared with another patient's print (the same photo stored
        twice) are kept for that record.
        """
        with self.session() as s:
            p = self._patient(s, code)
            prints = s.execute(
                select(Print.id, Print.file_name)
                .join(Visit, Print.visit_id == Visit.id)
                .where(Visit.patient_id == p.id)
            ).all()
            print_ids = [r[0] for r in prints]
            n_results = (
                s.scalar(select(func.count(Result.id)).where(Result.print_id.in_(print_ids)))
                if print_ids
                else 0
            ) or 0
            n_visits = s.scalar(select(func.count(Visit.id)).where(Visit.patient_id == p.id)) or 0
            names = sorted({r[1] for r in prints})
            s.delete(p)
            s.flush()
            still_used = (
                set(s.scalars(select(Print.file_name).where(Print.file_name.in_(names))).all())
                if names
                else set()
            )
        removed = 0
        for name in names:
            if name in still_used:
                continue
            path = self._image_path(name)
            try:
                path.unlink()
                removed += 1
            except FileNotFoundError:
                log.warning("Image %s of a deleted patient was already gone", name)
            _remove_empty_parent(path, self.image_dir)
        log.info(
            "Deleted a patient: %d visits, %d prints, %d files", n_visits, len(prints), removed
        )
        return DeleteReport(n_visits, len(prints), int(n_results), removed, tuple(names))

    # -- visits -----------------------------------------------------------
    def add_visit(self, code: str, visit_date: date | None = None, note: str = "") -> VisitInfo:
        """Add a visit (today unless ``visit_date`` is given) to a patient."""
        with self.session() as s:
            p = self._patient(s, code)
            v = Visit(patient_id=p.id, visit_date=visit_date or date.today(), note=note or "")
            s.add(v)
            s.flush()
            return VisitInfo(v.id, p.code, v.visit_date, v.note, ())

    def update_visit(
        self, visit_id: int, *, visit_date: date | None = None, note: str | None = None
    ) -> None:
        """Change the date or note of a visit."""
        with self.session() as s:
            v = s.get(Visit, int(visit_id))
            if v is None:
                raise RecordNotFoundError(f"Visit {visit_id} does not exist.")
            if visit_date is not None:
                v.visit_date = visit_date
            if note is not None:
                v.note = note

    def visits(self, code: str) -> list[VisitInfo]:
        """A patient's visits, oldest first, with prints and results."""
        with self.session() as s:
            p = self._patient(s, code)
            rows = s.scalars(
                select(Visit)
                .where(Visit.patient_id == p.id)
                .order_by(Visit.visit_date, Visit.id)
                .options(selectinload(Visit.prints).selectinload(Print.results))
            ).all()
            return [_visit_info(v, p.code) for v in rows]

    def get_visit(self, visit_id: int) -> VisitInfo:
        """One visit with its prints and results."""
        with self.session() as s:
            v = s.get(
                Visit,
                int(visit_id),
                options=[selectinload(Visit.prints).selectinload(Print.results)],
            )
            if v is None:
                raise RecordNotFoundError(f"Visit {visit_id} does not exist.")
            return _visit_info(v, v.patient.code)

    def delete_visit(self, visit_id: int) -> int:
        """Delete one visit with its prints, results and unused image files."""
        with self.session() as s:
            v = s.get(Visit, int(visit_id))
            if v is None:
                raise RecordNotFoundError(f"Visit {visit_id} does not exist.")
            names = sorted({pr.file_name for pr in v.prints})
            s.delete(v)
            s.flush()
            used = (
                set(s.scalars(select(Print.file_name).where(Print.file_name.in_(names))).all())
                if names
                else set()
            )
        return self._remove_files([n for n in names if n not in used])

    # -- prints -----------------------------------------------------------
    def add_print(
        self,
        visit_id: int,
        data: bytes,
        *,
        foot_side: str = "unknown",
        capture: dict[str, Any] | None = None,
        strip: bool = True,
    ) -> PrintInfo:
        """Store a photo for a visit.

        The photo is re-encoded without metadata (``strip=True``; pass False only
        for bytes that already came from :func:`footprint.io.strip_metadata`),
        hashed, and written as ``images/<aa>/<sha256>.<ext>``.
        """
        from footprint.io import load_image, strip_metadata

        if foot_side not in PRINT_SIDES:
            raise StoreError(f"foot_side must be one of {', '.join(PRINT_SIDES)}.")
        clean, suffix = strip_metadata(data) if strip else (bytes(data), _suffix_of(data))
        img = load_image(clean, full_resolution=True)
        width, height = img.full_size
        name = self._write_image(clean, suffix)
        digest = name.split(".")[0]
        with self.session() as s:
            if s.get(Visit, int(visit_id)) is None:
                raise RecordNotFoundError(f"Visit {visit_id} does not exist.")
            pr = Print(
                visit_id=int(visit_id),
                sha256=digest,
                file_name=name,
                foot_side=foot_side,
                width=int(width),
                height=int(height),
                capture_json=_dumps(capture or {}),
            )
            s.add(pr)
            s.flush()
            return _print_info(pr)

    def get_print(self, print_id: int) -> PrintInfo:
        with self.session() as s:
            pr = s.get(Print, int(print_id), options=[selectinload(Print.results)])
            if pr is None:
                raise RecordNotFoundError(f"Print {print_id} does not exist.")
            return _print_info(pr)

    def print_patient_code(self, print_id: int) -> str:
        """Code of the patient a print belongs to."""
        with self.session() as s:
            code = s.scalar(
                select(Patient.code)
                .join(Visit, Visit.patient_id == Patient.id)
                .join(Print, Print.visit_id == Visit.id)
                .where(Print.id == int(print_id))
            )
            if code is None:
                raise RecordNotFoundError(f"Print {print_id} does not exist.")
            return code

    def image_path(self, print_: PrintInfo | str) -> Path:
        """Path of a stored image (from a :class:`PrintInfo` or its file name)."""
        name = print_.file_name if isinstance(print_, PrintInfo) else str(print_)
        return self._image_path(name)

    def read_image(self, print_: PrintInfo | str) -> bytes:
        """Bytes of a stored image."""
        path = self.image_path(print_)
        try:
            return path.read_bytes()
        except FileNotFoundError as exc:
            raise RecordNotFoundError(
                "The image file of this print is missing from the data folder; restore it "
                "from a backup or delete the print."
            ) from exc

    def _image_path(self, name: str) -> Path:
        stem, _, ext = name.partition(".")
        if not _SHA256_RE.match(stem) or ext not in ("jpg", "png"):
            raise StoreError(f"{name!r} is not a stored image name.")
        path = (self.image_dir / stem[:2] / name).resolve()
        root = self.image_dir.resolve()
        if root not in path.parents:  # pragma: no cover - guaranteed by the name check
            raise StoreError("Refusing an image path outside the data folder.")
        return path

    def _write_image(self, data: bytes, suffix: str) -> str:
        import hashlib

        digest = hashlib.sha256(data).hexdigest()
        name = digest + (".png" if suffix == ".png" else ".jpg")
        path = self._image_path(name)
        if path.exists() and path.stat().st_size == len(data):
            return name
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return name

    def _remove_files(self, names: Iterable[str]) -> int:
        n = 0
        for name in names:
            path = self._image_path(name)
            try:
                path.unlink()
                n += 1
            except FileNotFoundError:
                pass
            _remove_empty_parent(path, self.image_dir)
        return n

    # -- results ----------------------------------------------------------
    def add_result(self, print_id: int, result: FootprintResult, foot: int = 0) -> ResultInfo:
        """Store foot ``foot`` (position in ``result.feet``) of an analysis."""
        f = result.feet[foot]
        row = result.to_records()[foot]
        foot_dict = result.to_dict()["feet"][foot]
        prov = result.to_dict()["provenance"]
        return self._add_result(
            print_id,
            row,
            foot_dict=foot_dict,
            params=prov.get("params", {}),
            provenance=prov,
            foot_index=f.index,
        )

    def add_results(self, print_id: int, result: FootprintResult) -> list[ResultInfo]:
        """Store every foot of an analysis."""
        return [self.add_result(print_id, result, i) for i in range(len(result.feet))]

    def add_record(self, print_id: int, row: dict[str, Any]) -> ResultInfo:
        """Store one batch row (:data:`footprint.result.RECORD_COLUMNS`) of status ``ok``."""
        if row.get("status") not in (None, "ok"):
            raise StoreError("Only rows with status 'ok' can be stored as results.")
        params = {"cutoffs": row.get("cutoffs")}
        prov = {
            "package_version": row.get("package_version"),
            "input_sha256": row.get("sha256"),
            "params": params,
            "source": "batch",
        }
        return self._add_result(
            print_id,
            row,
            foot_dict=None,
            params=params,
            provenance=prov,
            foot_index=int(_num(row.get("foot")) or 0),
        )

    def _add_result(
        self,
        print_id: int,
        row: dict[str, Any],
        *,
        foot_dict: dict[str, Any] | None,
        params: dict[str, Any],
        provenance: dict[str, Any],
        foot_index: int,
    ) -> ResultInfo:
        side = str(row.get("side") or "unknown")
        shares = {r: _num(row.get(f"share_{r}")) for r in REGIONS}
        measures = {k: v for k, v in row.items() if k not in ("file", "error", "status")}
        with self.session() as s:
            if s.get(Print, int(print_id)) is None:
                raise RecordNotFoundError(f"Print {print_id} does not exist.")
            r = Result(
                print_id=int(print_id),
                foot_index=int(foot_index),
                side=side,
                arch_index=_num(row.get("arch_index")),
                arch_type=_text(row.get("arch_type")),
                chippaux_smirak=_num(row.get("chippaux_smirak")),
                csi_type=_text(row.get("csi_type")),
                staheli=_num(row.get("staheli")),
                staheli_type=_text(row.get("staheli_type")),
                clarke_angle_deg=_num(row.get("clarke_angle_deg")),
                clarke_type=_text(row.get("clarke_type")),
                foot_length_mm=_num(row.get("foot_length_mm")),
                foot_width_mm=_num(row.get("foot_width_mm")),
                foot_length_px=_num(row.get("foot_length_px")),
                foot_width_px=_num(row.get("foot_width_px")),
                quality=_num(row.get("quality")),
                scale_source=_text(row.get("scale_source")),
                region_shares_json=_dumps(shares),
                measures_json=_dumps(measures),
                foot_json=None if foot_dict is None else _dumps(foot_dict),
                params_json=_dumps(params or {}),
                provenance_json=_dumps(provenance or {}),
                package_version=str(
                    row.get("package_version") or provenance.get("package_version") or "unknown"
                ),
                input_sha256=_text(row.get("sha256") or provenance.get("input_sha256")),
            )
            s.add(r)
            s.flush()
            return _result_info(r)

    def count_results(self) -> int:
        """Number of stored results (all patients)."""
        with self.session() as s:
            return int(s.scalar(select(func.count(Result.id))) or 0)

    def trend(self, code: str) -> list[TrendPoint]:
        """Every result of a patient with its visit date, oldest first."""
        out = []
        for v in self.visits(code):
            for pr in v.prints:
                for r in pr.results:
                    out.append(
                        TrendPoint(
                            v.id,
                            v.visit_date,
                            pr.id,
                            r.id,
                            r.side,
                            {k: getattr(r, k) for k in INDEX_COLUMNS},
                        )
                    )
        return out

    # -- data rights -------------------------------------------------------
    def export_patient(self, code: str) -> bytes:
        """One patient's full record as a zip: ``patient.json``, ``results.csv``, ``images/``.

        CSV cells that a spreadsheet would run as a formula (starting with ``=``,
        ``+``, ``-``, ``@``) are prefixed with an apostrophe.
        """
        from footprint import __version__

        patient = self.get_patient(code)
        visits = self.visits(code)
        record = {
            "format": "footprint-patient-record",
            "format_version": 1,
            "package_version": __version__,
            "exported_at": _now().isoformat(timespec="seconds"),
            "patient": _jsonable_dc(patient),
            "visits": [
                {
                    "id": v.id,
                    "date": v.visit_date.isoformat(),
                    "note": v.note,
                    "prints": [
                        {
                            "id": pr.id,
                            "image": f"images/{pr.file_name}",
                            "sha256": pr.sha256,
                            "foot_side": pr.foot_side,
                            "width": pr.width,
                            "height": pr.height,
                            "capture": pr.capture,
                            "results": [_jsonable_dc(r) for r in pr.results],
                        }
                        for pr in v.prints
                    ],
                }
                for v in visits
            ],
        }
        columns = [
            "patient_code",
            "visit_date",
            "visit_id",
            "visit_note",
            "print_id",
            "image",
            "foot_index",
            "side",
            *INDEX_COLUMNS,
            "arch_type",
            "csi_type",
            "staheli_type",
            "clarke_type",
            "quality",
            "scale_source",
            *(f"share_{r}" for r in REGIONS),
            "package_version",
        ]
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        for v in visits:
            for pr in v.prints:
                for r in pr.results:
                    row: dict[str, Any] = {
                        "patient_code": patient.code,
                        "visit_date": v.visit_date.isoformat(),
                        "visit_id": v.id,
                        "visit_note": v.note,
                        "print_id": pr.id,
                        "image": f"images/{pr.file_name}",
                        "foot_index": r.foot_index,
                        "side": r.side,
                        "arch_type": r.arch_type,
                        "csi_type": r.csi_type,
                        "staheli_type": r.staheli_type,
                        "clarke_type": r.clarke_type,
                        "quality": r.quality,
                        "scale_source": r.scale_source,
                        "package_version": r.package_version,
                    }
                    row.update({k: getattr(r, k) for k in INDEX_COLUMNS})
                    row.update({f"share_{k}": r.region_shares.get(k) for k in REGIONS})
                    writer.writerow({k: _csv_safe(val) for k, val in row.items()})
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.writestr("patient.json", json.dumps(record, indent=2, allow_nan=False))
            zf.writestr("results.csv", buf.getvalue())
            seen: set[str] = set()
            for v in visits:
                for pr in v.prints:
                    if pr.file_name in seen:
                        continue
                    seen.add(pr.file_name)
                    zf.writestr(f"images/{pr.file_name}", self.read_image(pr))
        return out.getvalue()

    def backup(self, dest: str | os.PathLike[str], *, images: bool = True) -> Path:
        """A consistent copy of the SQLite database (SQLite online backup API).

        The copy is written to a temporary file next to ``dest`` and renamed, so
        ``dest`` is never half-written. With ``images``, the image files are
        copied to ``<dest>.images/`` (they are immutable and content-addressed,
        so copying them after the database is consistent).
        """
        if not self.is_sqlite:
            raise StoreError(
                "footprint db backup copies SQLite files only; back up other databases with "
                "their own tools (e.g. pg_dump)."
            )
        dest = Path(dest).expanduser().resolve()
        src_file = _sqlite_file(self.url)
        if src_file is not None and dest == src_file.resolve():
            raise StoreError(
                "The backup must not overwrite the database itself; choose another path."
            )
        dest.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".backup-", suffix=".sqlite3", dir=dest.parent)
        os.close(fd)
        try:
            raw_conn = self.engine.raw_connection()
            try:
                target = sqlite3.connect(tmp)
                try:
                    raw_conn.driver_connection.backup(target)
                finally:
                    target.close()
            finally:
                raw_conn.close()
            os.replace(tmp, dest)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        if images and self.image_dir.is_dir():
            import shutil

            target_dir = dest.with_name(dest.name + ".images")
            for src in self.image_dir.rglob("*"):
                if src.is_file() and not src.name.startswith("."):
                    out = target_dir / src.relative_to(self.image_dir)
                    if not out.exists():
                        out.parent.mkdir(parents=True, exist_ok=True)
                        shutil.copy2(src, out)
        log.info("Backed up %s to %s", self.url, dest)
        return dest


# --------------------------------------------------------------------------- #
# helpers
# --------------------------------------------------------------------------- #
def _suffix_of(data: bytes) -> str:
    return ".png" if data[:8] == b"\x89PNG\r\n\x1a\n" else ".jpg"


def _remove_empty_parent(path: Path, root: Path) -> None:
    parent = path.parent
    if parent != root and root in parent.parents:
        try:
            parent.rmdir()
        except OSError:
            pass


def _csv_safe(value: Any) -> Any:
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _jsonable_dc(obj: Any) -> dict[str, Any]:
    from dataclasses import asdict

    def conv(v: Any) -> Any:
        if isinstance(v, (date, datetime)):
            return v.isoformat()
        if isinstance(v, dict):
            return {k: conv(x) for k, x in v.items()}
        if isinstance(v, (list, tuple)):
            return [conv(x) for x in v]
        return v

    return conv(asdict(obj))


def _patient_info(p: Patient, n_visits: int) -> PatientInfo:
    return PatientInfo(
        p.id,
        p.code,
        p.name,
        p.birth_year,
        p.notes or "",
        p.created_at,
        p.updated_at,
        int(n_visits),
    )


def _result_info(r: Result) -> ResultInfo:
    return ResultInfo(
        id=r.id,
        print_id=r.print_id,
        foot_index=r.foot_index,
        side=r.side,
        arch_index=r.arch_index,
        arch_type=r.arch_type,
        chippaux_smirak=r.chippaux_smirak,
        csi_type=r.csi_type,
        staheli=r.staheli,
        staheli_type=r.staheli_type,
        clarke_angle_deg=r.clarke_angle_deg,
        clarke_type=r.clarke_type,
        foot_length_mm=r.foot_length_mm,
        foot_width_mm=r.foot_width_mm,
        quality=r.quality,
        scale_source=r.scale_source,
        region_shares=_loads(r.region_shares_json) or {},
        measures=_loads(r.measures_json) or {},
        foot=_loads(r.foot_json),
        params=_loads(r.params_json) or {},
        provenance=_loads(r.provenance_json) or {},
        package_version=r.package_version,
        created_at=r.created_at,
    )


def _print_info(pr: Print) -> PrintInfo:
    return PrintInfo(
        id=pr.id,
        visit_id=pr.visit_id,
        sha256=pr.sha256,
        file_name=pr.file_name,
        foot_side=pr.foot_side,
        width=pr.width,
        height=pr.height,
        capture=_loads(pr.capture_json) or {},
        results=tuple(_result_info(r) for r in pr.results),
    )


def _visit_info(v: Visit, code: str) -> VisitInfo:
    prints = tuple(_print_info(p) for p in v.prints)
    return VisitInfo(v.id, code, v.visit_date, v.note or "", prints)


# --------------------------------------------------------------------------- #
# batch scoring hook (footprint score --db URL --patient CODE)
# --------------------------------------------------------------------------- #
def attach_batch_results(
    db_url: str,
    patient_code: str,
    rows: Sequence[dict[str, Any]],
    root: Path,
    *,
    data_dir: str | os.PathLike[str] | None = None,
    visit_date: date | None = None,
) -> int:
    """Attach batch rows to a patient: one new visit (today), one print per file.

    Parameters
    ----------
    db_url : str
        SQLAlchemy URL or SQLite file path.
    patient_code : str
        The patient; created (code only) when it does not exist yet.
    rows : sequence of dict
        Rows of the batch result contract; rows with ``status != 'ok'`` are skipped.
    root : Path
        The scored folder; ``row['file']`` is relative to it.

    Returns
    -------
    int
        Number of results stored.
    """
    store = Store(db_url, data_dir)
    try:
        store.get_patient(patient_code)
    except RecordNotFoundError:
        store.create_patient(patient_code)
        log.info("Created patient %r for the batch results", patient_code)
    ok = [r for r in rows if r.get("status") == "ok" and r.get("file")]
    if not ok:
        return 0
    root = Path(root).resolve()
    by_file: dict[str, list[dict[str, Any]]] = {}
    for r in ok:
        by_file.setdefault(str(r["file"]), []).append(r)
    visit = store.add_visit(
        patient_code, visit_date, note=f"Batch scoring: {len(by_file)} photo(s)"
    )
    stored = 0
    for rel, file_rows in by_file.items():
        path = (root / rel).resolve()
        if root not in path.parents:
            log.warning("Skipping %s: it is outside the scored folder", rel)
            continue
        try:
            data = path.read_bytes()
        except OSError as exc:
            log.warning("Skipping %s: %s", rel, exc)
            continue
        sides = {str(r.get("side")) for r in file_rows}
        side = sides.pop() if len(sides) == 1 and len(file_rows) == 1 else "both"
        if side not in PRINT_SIDES:
            side = "unknown"
        first = file_rows[0]
        pr = store.add_print(
            visit.id,
            data,
            foot_side=side,
            capture={
                "source": "batch",
                "scene": first.get("scene"),
                "scale_source": first.get("scale_source"),
                "cutoffs": first.get("cutoffs"),
            },
        )
        for r in file_rows:
            store.add_record(pr.id, r)
            stored += 1
    return stored
