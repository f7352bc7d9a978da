"""policykg CLI commands for the pictures (registered into api.cli.app): ``policykg viz VIEW``.

Writes the same self-contained pages the API serves under ``/viz`` — open them from disk, mail
them, put them on an intranet share; they fetch nothing from anywhere.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from api.cli.common import write_output


class View(StrEnum):
    """What ``policykg viz`` draws."""

    collaboration = "collaboration"
    tasks = "tasks"
    dependencies = "dependencies"
    calendar = "calendar"
    all = "all"


app = typer.Typer()  # its commands join the top level of `policykg` (api.cli.app)


@app.command("viz")
def viz(
    view: Annotated[View, typer.Argument(help="collaboration, tasks, dependencies, calendar, or all "
                                         "(every view and a start page into the --out directory).")],
    out: Annotated[Path, typer.Option("--out", "-o", help="The HTML file to write (a directory for 'all'); "
                                      "for the calendar a .png or .svg name writes an image.")],
    graph: Annotated[list[Path] | None, typer.Option("--graph", "-g", help="Graph file(s) to read. "
                                                     "Default: build/kg.ttl, built from the bundled plan if missing.")] = None,
    focus: Annotated[str | None, typer.Option(help="collaboration: start focused on this organisation "
                                              "(name, alias or IRI).")] = None,
    hops: Annotated[int, typer.Option(min=1, max=2, help="How far the focus reaches (1 or 2).")] = 1,
    doc: Annotated[str | None, typer.Option(help="Only this document (its IRI).")] = None,
    png: Annotated[bool, typer.Option("--png", help="calendar: write a PNG image for reports.")] = False,
    svg: Annotated[bool, typer.Option("--svg", help="calendar: write an SVG image for reports.")] = False,
) -> None:
    """Write an interactive picture as a self-contained HTML file (no network needed to open it)."""
    from api.cli.common import fail, open_source
    from viz.data import load_view_data

    image = "png" if png or out.suffix.lower() == ".png" else "svg" if svg or out.suffix.lower() == ".svg" else None
    if png and svg:
        raise fail("give --png or --svg, not both", 2)
    if image and view is not View.calendar:
        raise fail("--png/--svg (or a .png/.svg file) are for the calendar view only", 2)
    source = open_source(graph)
    data = load_view_data(source, doc=doc)
    if image:
        from viz.calendar import calendar_image

        write_output(out.with_suffix(f".{image}") if out.suffix.lower() != f".{image}" else out, calendar_image(data, image))
        return
    if view is View.all:
        from viz.pages import FILE_LINKS, landing_page

        links = {"home": "index.html", **FILE_LINKS}
        out.mkdir(parents=True, exist_ok=True)
        for v in (View.collaboration, View.tasks, View.dependencies, View.calendar):
            write_output(out / f"{v.value}.html", _page(v, source, data, links, focus, hops, doc))
        write_output(out / "index.html", landing_page(source, links=links))
        return
    write_output(out, _page(view, source, data, {}, focus, hops, doc))


def _page(view: View, source, data, links, focus: str | None, hops: int, doc: str | None) -> str:
    from api.cli.common import fail

    if view is View.collaboration:
        from viz.collaboration import collaboration_page

        try:
            return collaboration_page(source, links=links, focus=focus, hops=hops, doc=doc, data=data)
        except LookupError as e:
            raise fail(str(e).strip("'\"")) from None
    if view is View.tasks:
        from viz.taskmap import tasks_page

        return tasks_page(source, links=links, data=data)
    if view is View.dependencies:
        from viz.taskmap import dependencies_page

        return dependencies_page(source, links=links, data=data)
    from viz.calendar import calendar_page

    return calendar_page(source, links=links, data=data)


