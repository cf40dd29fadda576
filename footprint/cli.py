"""The ``footprint`` command: analyse one photo or score a folder.

Exit codes (see ``docs/cli.md``):

==== ==========================================================
0    every file was scored
1    some files failed (each has an error row); others were scored
2    nothing was scored (all failed, or no images found)
3    usage error (bad option, missing folder, output exists, ...)
130  interrupted (Ctrl-C); the output is safe, continue with ``--resume``
==== ==========================================================
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.table import Table
from typer.core import TyperGroup

EXIT_OK = 0
EXIT_SOME_FAILED = 1
EXIT_NOTHING_SCORED = 2
EXIT_USAGE = 3
EXIT_INTERRUPTED = 130

log = logging.getLogger("footprint.cli")


def _click_exception_classes() -> tuple[type[Exception], ...]:
    """ClickException of the click Typer uses (recent Typer vendors its own copy)."""
    classes = [c for c in typer.BadParameter.__mro__ if c.__name__ == "ClickException"]
    try:
        import click

        classes.append(click.ClickException)
    except ImportError:  # pragma: no cover
        pass
    return tuple(dict.fromkeys(classes))


_CLICK_EXCEPTIONS = _click_exception_classes()


class _Group(TyperGroup):
    """Typer group whose usage errors exit with :data:`EXIT_USAGE` (3), not 2."""

    def main(self, *args: Any, standalone_mode: bool = True, **kwargs: Any) -> Any:
        try:
            rv = super().main(*args, standalone_mode=False, **kwargs)
        except _CLICK_EXCEPTIONS as exc:
            exc.exit_code = EXIT_USAGE  # type: ignore[attr-defined]
            if not standalone_mode:
                raise
            try:
                from typer import rich_utils

                rich_utils.rich_format_error(exc)
            except Exception:  # noqa: BLE001 - fall back to click's plain format
                exc.show()  # type: ignore[attr-defined]
            sys.exit(EXIT_USAGE)
        except typer.Abort:
            if not standalone_mode:
                raise
            err.print("Aborted.")
            sys.exit(EXIT_INTERRUPTED)
        if standalone_mode:
            sys.exit(rv if isinstance(rv, int) else EXIT_OK)
        return rv


app = typer.Typer(
    cls=_Group,
    name="footprint",
    help="Arch index, width indices and a contact-intensity map from footprint photos.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

try:  # clinician records, added by footprint.cli_db when present
    from footprint.cli_db import db_app

    app.add_typer(db_app, name="db")
except ImportError:
    pass

out = Console()
err = Console(stderr=True)


def _check_cutoffs(value: str | None) -> str | None:
    if value is None:
        return None
    from footprint.params import CUTOFF_PRESETS

    if value not in CUTOFF_PRESETS:
        raise typer.BadParameter(
            f"{value!r} is not a preset; choose one of {', '.join(CUTOFF_PRESETS)}."
        )
    return value


CutoffsOpt = typer.Option(
    None,
    "--cutoffs",
    callback=_check_cutoffs,
    help="Arch-type cut-off preset: adult (default), child_3_6, child_6_9, child_9_16.",
)
SensitivityOpt = typer.Option(
    None,
    "--sensitivity",
    min=-1.0,
    max=1.0,
    help="-1..1: positive accepts fainter contact as print, negative demands stronger contact.",
)

MinQualityOpt = typer.Option(
    None,
    "--min-quality",
    min=0.0,
    max=1.0,
    help="0..1 (default 0.4): feet measured below this quality are refused as too faint "
    "or unclear (error code unclear_print); 0 measures everything found.",
)

ContactLevelOpt = typer.Option(
    None,
    "--contact-level",
    min=0.0,
    max=50.0,
    help="Percentile (e.g. 0.5) of a wet or ink print's darkness taken as its contact level "
    "and removed from the pressure map; default off (see docs/pressure.md).",
)

SecondLookOpt = typer.Option(
    False,
    "--second-look",
    help="On a floor whose prints are all too unclear to measure, look once more for a print "
    "partly lighter than the floor (the water's sheen) and measure it when its toes and side "
    "are clear; off by default, as such prints are measured less precisely "
    "(see docs/accuracy.md).",
)


def _setup_logging(verbose: bool) -> None:
    from rich.logging import RichHandler

    level = logging.DEBUG if verbose else logging.WARNING
    logger = logging.getLogger("footprint")
    logger.setLevel(level)
    if not any(isinstance(h, RichHandler) for h in logger.handlers):
        handler = RichHandler(console=err, show_path=False, show_time=False)
        logger.addHandler(handler)
        logger.propagate = False


def _fmt(value: Any, ndigits: int = 3, unit: str = "") -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.{ndigits}f}{unit}"
    return f"{value}{unit}"


def _result_table(result: Any) -> Table:
    scale = result.scale_source
    if result.paper_corners is not None:  # without a reference, or a card's tilt
        scale += ", perspective from a rectangle's corners"
    elif result.floor_lines is not None:
        scale += ", perspective from the floor's lines"
    table = Table(title=f"{result.source}  (scene: {result.scene}, scale: {scale})")
    table.add_column("measure")
    for foot in result.feet:
        table.add_column(f"foot {foot.index}: {foot.side}", justify="right")

    def row(label: str, fn: Any) -> None:
        table.add_row(label, *(fn(f) for f in result.feet))

    row("arch index", lambda f: f"{_fmt(f.arch_index)} ({f.arch_type or '-'})")
    row("Chippaux-Smirak %", lambda f: f"{_fmt(f.chippaux_smirak, 1)} ({f.csi_type or '-'})")
    row("Staheli", lambda f: f"{_fmt(f.staheli, 2)} ({f.staheli_type or '-'})")
    row("Clarke angle", lambda f: f"{_fmt(f.clarke_angle_deg, 1, ' deg')} ({f.clarke_type or '-'})")
    if result.scale_source != "none":
        row("length", lambda f: _fmt(f.foot_length_mm, 1, " mm"))
        row("width", lambda f: _fmt(f.foot_width_mm, 1, " mm"))
    else:
        row("length", lambda f: _fmt(f.foot_length_px, 0, " px"))
        row("width", lambda f: _fmt(f.foot_width_px, 0, " px"))
    row("side from", lambda f: f"{f.side_source} ({f.side_confidence:.2f})")
    row("quality", lambda f: _fmt(f.quality, 2))
    return table


FloorLinesOpt = typer.Option(
    True,
    "--floor-lines/--no-floor-lines",
    help="Without a sheet, take the perspective from two sets of straight floor "
    "lines at right angles, such as tile joints (indices true on a tilted photo; lengths "
    "in pixels, or in mm from a bank card; see docs/accuracy.md).",
)
PaperPerspectiveOpt = typer.Option(
    True,
    "--paper-perspective/--no-paper-perspective",
    help="Without an A4/Letter sheet, take the perspective from the corners of the "
    "paper the print lies on, whatever its size (indices true on a tilted photo; lengths "
    "in pixels, or in mm from a bank card; see docs/accuracy.md).",
)


@app.command()
def analyse(
    image: Path = typer.Argument(..., help="Photo of a footprint (JPEG, PNG, HEIC, ...)."),
    json_out: bool = typer.Option(False, "--json", help="Print the full result as JSON."),
    cutoffs: str | None = CutoffsOpt,
    sensitivity: float | None = SensitivityOpt,
    min_quality: float | None = MinQualityOpt,
    contact_level: float | None = ContactLevelOpt,
    second_look: bool = SecondLookOpt,
    paper_perspective: bool = PaperPerspectiveOpt,
    floor_lines: bool = FloorLinesOpt,
    overlay: Path | None = typer.Option(
        None, "--overlay", help="Write a PNG with outline, toes, axis, thirds and numbers."
    ),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Log details to stderr."),
) -> None:
    """Analyse one photo and print its measurements."""
    _setup_logging(verbose)
    from footprint.errors import FootprintError
    from footprint.pipeline import analyse_detailed

    options: dict[str, Any] = {}
    if cutoffs:
        options["cutoffs"] = cutoffs
    if sensitivity is not None:
        options["sensitivity"] = sensitivity
    if min_quality is not None:
        options["min_quality"] = min_quality
    if contact_level is not None:
        options["contact_level_percentile"] = contact_level
    if second_look:
        options["second_look"] = True
    if not paper_perspective:
        options["paper_perspective"] = False
    if not floor_lines:
        options["floor_lines_perspective"] = False
    if overlay is not None and overlay.suffix.lower() != ".png":
        raise typer.BadParameter(
            "the overlay is written as PNG; end its name with .png.", param_hint="--overlay"
        )
    if not image.is_file():
        raise typer.BadParameter(f"{image} is not a file.", param_hint="IMAGE")
    if overlay is not None:
        try:
            import footprint.render  # noqa: F401
        except ImportError:
            err.print("[red]--overlay needs footprint.render, which this installation lacks.[/]")
            raise typer.Exit(EXIT_USAGE) from None
    try:
        analysis = analyse_detailed(image, **options)
    except FootprintError as exc:
        err.print(f"[bold red]Could not analyse {image.name}:[/] {exc}", highlight=False)
        raise typer.Exit(EXIT_NOTHING_SCORED) from None
    result = analysis.result
    if overlay is not None:
        from footprint.batch import write_overlay

        write_overlay(analysis, overlay)
    if json_out:
        sys.stdout.write(result.to_json(indent=2) + "\n")
        raise typer.Exit(EXIT_OK)
    out.print(_result_table(result))
    for w in result.warnings + tuple(w for f in result.feet for w in f.warnings):
        out.print(f"[yellow]warning:[/] {w}", highlight=False)
    if overlay is not None:
        out.print(f"Overlay written to {overlay}")
    raise typer.Exit(EXIT_OK)


def _progress(quiet: bool) -> Any:
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        ProgressColumn,
        TaskProgressColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )
    from rich.text import Text

    class RateColumn(ProgressColumn):
        def render(self, task: Any) -> Text:
            speed = task.finished_speed or task.speed
            return Text("-- files/s" if speed is None else f"{speed:.2f} files/s")

    return Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TaskProgressColumn(),
        RateColumn(),
        TimeElapsedColumn(),
        TextColumn("elapsed,"),
        TimeRemainingColumn(),
        TextColumn("left"),
        console=err,
        disable=quiet or not err.is_terminal,
        transient=False,
    )


def _print_summary(summary: Any, quiet: bool) -> None:
    console = err
    if quiet:
        return
    t = Table(title="Batch summary", show_header=False)
    t.add_column("item")
    t.add_column("value", justify="right")
    t.add_row("files found", str(summary.total))
    t.add_row("scored", str(summary.scored))
    t.add_row("failed", str(summary.failed))
    t.add_row("skipped (already in output)", str(summary.skipped))
    if summary.skipped_failed:
        t.add_row("  of which failed earlier", str(summary.skipped_failed))
    t.add_row("ignored (not images / filtered)", str(summary.ignored))
    t.add_row("rows written", str(summary.rows))
    t.add_row("time", f"{summary.elapsed_s:.1f} s ({summary.rate:.2f} files/s)")
    if summary.peak_rss_mb:
        t.add_row("peak memory per worker", f"{max(summary.peak_rss_mb.values()):.0f} MB")
    t.add_row("output", summary.output)
    console.print(t)
    if summary.arch_counts:
        a = Table(title="Arch type per side")
        types = sorted({k for c in summary.arch_counts.values() for k in c})
        a.add_column("side")
        for k in types:
            a.add_column(k, justify="right")
        for side in sorted(summary.arch_counts):
            a.add_row(side, *(str(summary.arch_counts[side].get(k, 0)) for k in types))
        console.print(a)
    if summary.errors:
        e = Table(title=f"Failed files ({summary.failed}; first 20, all are in the output)")
        e.add_column("file")
        e.add_column("code")
        e.add_column("reason", overflow="fold")
        for rel, code, msg in summary.errors[:20]:
            e.add_row(rel, code, msg)
        console.print(e)


@app.command()
def score(
    directory: Path = typer.Argument(..., help="Folder of photos (searched recursively)."),
    output: Path = typer.Option(
        ..., "--output", "-o", help="results.csv, results.jsonl or results.parquet."
    ),
    include: list[str] = typer.Option(
        [], "--include", help="Glob of files to take (repeatable); default: image suffixes."
    ),
    exclude: list[str] = typer.Option([], "--exclude", help="Glob of files to leave out."),
    recursive: bool = typer.Option(
        True, "--recursive/--no-recursive", help="Descend into sub-folders."
    ),
    jobs: int = typer.Option(1, "--jobs", "-j", min=0, help="Worker processes (0 = one per CPU)."),
    scheduler: str | None = typer.Option(
        None, "--scheduler", help="Dask scheduler address, e.g. tcp://10.0.0.5:8786."
    ),
    chunk: int = typer.Option(8, "--chunk", min=1, help="Files per Dask task."),
    resume: bool = typer.Option(
        False, "--resume", help="Continue an existing output; skip files already in it."
    ),
    overwrite: bool = typer.Option(False, "--overwrite", help="Replace an existing output."),
    overlays: Path | None = typer.Option(
        None, "--overlays", help="Folder for one overlay PNG per photo."
    ),
    cutoffs: str | None = CutoffsOpt,
    sensitivity: float | None = SensitivityOpt,
    min_quality: float | None = MinQualityOpt,
    contact_level: float | None = ContactLevelOpt,
    second_look: bool = SecondLookOpt,
    paper_perspective: bool = PaperPerspectiveOpt,
    floor_lines: bool = FloorLinesOpt,
    db: str | None = typer.Option(
        None, "--db", help="Also attach the results to this records database (URL or file)."
    ),
    patient: str | None = typer.Option(None, "--patient", help="Patient code for --db."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar or summary."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Log details to stderr."),
) -> None:
    """Score every photo in a folder; one row per foot, written as each file finishes."""
    _setup_logging(verbose)
    from footprint.batch import BatchUsageError, run_batch

    if resume and overwrite:
        raise typer.BadParameter("use either --resume or --overwrite, not both.")
    if (db is None) != (patient is None):
        raise typer.BadParameter("--db and --patient go together; give both or neither.")
    if scheduler is not None and not scheduler.strip():
        raise typer.BadParameter("give the scheduler address, e.g. tcp://host:8786.")
    attach = None
    if db is not None:
        try:
            from footprint.store import attach_batch_results as attach
        except ImportError:
            err.print("[red]--db needs footprint.store, which this installation lacks.[/]")
            raise typer.Exit(EXIT_USAGE) from None
    if overlays is not None:
        try:
            import footprint.render  # noqa: F401
        except ImportError:
            err.print("[red]--overlays needs footprint.render, which this installation lacks.[/]")
            raise typer.Exit(EXIT_USAGE) from None

    options: dict[str, Any] = {
        "cutoffs": cutoffs,
        "sensitivity": sensitivity,
        "min_quality": min_quality,
        "contact_level_percentile": contact_level,
        "second_look": second_look,
        "paper_perspective": paper_perspective,
        "floor_lines_perspective": floor_lines,
        "overlays_dir": str(overlays) if overlays is not None else None,
    }
    progress = _progress(quiet)
    task_id = None

    def on_start(n: int) -> None:
        nonlocal task_id
        task_id = progress.add_task("scoring", total=n)

    def on_file(rel: str, rows: list[dict[str, Any]]) -> None:
        progress.advance(task_id)

    try:
        with progress:
            summary = run_batch(
                directory,
                output,
                options=options,
                jobs=jobs,
                scheduler=scheduler,
                resume=resume,
                overwrite=overwrite,
                include=include,
                exclude=exclude,
                recursive=recursive,
                chunk_files=chunk,
                on_start=on_start,
                on_file=on_file,
            )
    except BatchUsageError as exc:
        err.print(f"[bold red]Error:[/] {exc}", highlight=False)
        raise typer.Exit(EXIT_USAGE) from None
    except KeyboardInterrupt:
        err.print("Interrupted. Rows written so far are safe; continue with --resume.")
        raise typer.Exit(EXIT_INTERRUPTED) from None
    _print_summary(summary, quiet)
    if summary.total == 0:
        err.print(f"No images found in {directory}.")
    if attach is not None and summary.files_ok:
        from footprint.outputs import read_rows

        rows = read_rows(output)
        try:
            n = attach(db, patient, rows, directory)
        except Exception as exc:  # noqa: BLE001 - results are safe in the output file
            err.print(f"[bold red]Could not attach the results to {db}:[/] {exc}", highlight=False)
            raise typer.Exit(EXIT_USAGE) from None
        if not quiet:
            err.print(f"Attached {n} results to patient {patient} in {db}.", highlight=False)
    raise typer.Exit(summary.exit_code)


def main() -> None:
    """Console-script entry point."""
    app()


if __name__ == "__main__":
    main()
