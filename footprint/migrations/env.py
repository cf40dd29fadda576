"""Alembic environment of the clinician records (:mod:`footprint.store`).

Run programmatically only: :func:`footprint.store.upgrade` passes an open
connection in ``config.attributes["connection"]``. SQLite gets batch mode
(``render_as_batch``) because it cannot ``ALTER`` most column properties.
"""

from __future__ import annotations

from alembic import context

from footprint.store import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    """Migrate through the connection given by :mod:`footprint.store`."""
    connection = config.attributes.get("connection")
    if connection is None:  # pragma: no cover - only run through footprint.store
        raise RuntimeError(
            "Run the footprint migrations with footprint.store.upgrade() or "
            "`footprint db upgrade`, not with the alembic command."
        )
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():  # pragma: no cover
    raise RuntimeError("Offline (SQL script) migrations are not supported.")
run_migrations_online()
