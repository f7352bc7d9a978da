"""The plan, read, on an excerpt the reader could not wholly place: every review note is in the queue,
and the ones with a place in the text are marked there (an excerpt that starts mid-task, a task
cut off at the end)."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest

from queries.runner import run_text

EXCERPT = Path(__file__).resolve().parents[1] / "data" / "layouts" / "mid-task.txt"


class _Marks(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.review: list[dict[str, str]] = []
        self.queue: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict((k, v or "") for k, v in attrs)
        if a.get("data-fact") == "review":
            self.review.append(a)
        if tag == "li" and a.get("id", "").startswith("review-"):
            self.queue.append(a["id"])


@pytest.fixture(scope="module")
def excerpt_graph():
    from loaders.build import build_graph

    return build_graph([EXCERPT]).graph


def test_every_review_note_is_queued_and_the_placed_ones_are_marked(excerpt_graph):
    from viz.thing import thing_page

    notes, _ = run_text(excerpt_graph, """SELECT ?doc ?note ?start WHERE { ?note a pk:ReviewNote ; pk:inDocument ?doc .
        OPTIONAL { ?note pk:evidence/pk:startOffset ?start } }""")
    assert any(n["start"] is None for n in notes), "the header's missing fields have no passage"
    assert any(n["start"] == 0 for n in notes), "the excerpt's opening text could not be placed"
    page = _Marks()
    page.feed(thing_page(excerpt_graph, notes[0]["doc"]))
    assert len(page.queue) == len(notes)
    placed = {n["note"] for n in notes if n["start"] is not None}
    assert len({m.get("data-mark") for m in page.review}) == len(placed)
    assert all(m["href"].lstrip("#") in page.queue for m in page.review if "href" in m)
