"""Network pictures as self-contained HTML, drawn by pyvis: the only module that imports pyvis.

pyvis's own page template pulls Bootstrap from a CDN even with ``cdn_resources="in_line"``, and its
filter menu hides every node; so pyvis renders our template (``viz/templates/network.html``)
through :meth:`pyvis.network.Network.generate_html`, with vis-network's script and stylesheet
inlined from the files pyvis ships, and our own control panel (``viz/static/pk-network.js``).
The template keeps pyvis's global ``network``, ``nodes`` and ``edges`` objects.

Nothing from the graph is rendered as markup: node labels are drawn on the canvas as text, no
node or edge gets a ``title`` (vis-network would render a title string as HTML), and tooltips
are built from the JSON payload with text nodes.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import networkx as nx

from kg.errors import KGError
from viz.pages import asset, esc, header_html, json_for_script, title_html

TEMPLATES = Path(__file__).resolve().parent / "templates"
VIS_VERSION = "vis-9.1.2"
MAX_NODES = 1000  # past this a browser stalls on physics: views aggregate or focus instead
SEED = 7
FONT = '"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", "WenQuanYi Micro Hei", sans-serif'
# Fields vis-network reads; anything else on a node or edge is ours (pk_*) and vis ignores it.
_NEVER = ("title",)  # vis-network renders a string title as HTML: tooltips are built in the page


class GraphTooLarge(KGError, ValueError):
    """A picture with more nodes than a browser can lay out; aggregate or focus first."""


@lru_cache(maxsize=1)
def vis_assets() -> tuple[str, str]:
    """Return vis-network's script and stylesheet from the copy pyvis ships (nothing is downloaded)."""
    import pyvis

    lib = Path(pyvis.__file__).resolve().parent / "templates" / "lib" / VIS_VERSION
    js = (lib / "vis-network.min.js").read_text(encoding="utf-8")
    css = (lib / "vis-network.css").read_text(encoding="utf-8")
    if "</script" in js.lower() or "</style" in css.lower():
        raise ValueError(f"{lib}: vis-network files cannot be inlined safely")
    return js, css


def edge_width(shared: int) -> float:
    """Line width for an edge standing for ``shared`` tasks (the page's script uses the same rule).

    Example:
        >>> edge_width(1), edge_width(5), edge_width(17)
        (1.0, 3.6, 6.2)
    """
    return round(1 + 1.3 * math.sqrt(max(shared, 1) - 1), 2)


def seeded_positions(G: nx.Graph, *, seed: int = SEED, weight: str | None = "weight") -> dict[Any, tuple[float, float]]:
    """Return starting positions from a seeded spring layout, in canvas pixels.

    The same graph gives the same picture on every run and in every browser: vis-network then
    only settles the layout from here (its own seed fixed too) and freezes it.
    """
    if G.number_of_nodes() == 0:
        return {}
    scale = 260 * math.sqrt(max(G.number_of_nodes(), 4))
    # Sort so that positions do not depend on the order nodes were added in.
    H = nx.Graph()
    H.add_nodes_from(sorted(G.nodes, key=str))
    H.add_edges_from(sorted(((u, v, {"weight": (d or {}).get(weight, 1) if weight else 1})
                             for u, v, d in G.edges(data=True)), key=lambda e: (str(e[0]), str(e[1]))))
    pos = nx.spring_layout(H, seed=seed, weight="weight", iterations=80, scale=scale)
    return {n: (round(float(x), 1), round(float(y), 1)) for n, (x, y) in pos.items()}


def default_options(n_nodes: int, *, seed: int = SEED, directed: bool = False) -> dict[str, Any]:
    """Return vis-network options: seeded layout, short stabilisation, hover events, no HTML titles."""
    return {
        "autoResize": True,
        "layout": {"randomSeed": seed, "improvedLayout": False},
        "physics": {
            "enabled": n_nodes > 1,
            "solver": "forceAtlas2Based",
            "forceAtlas2Based": {"gravitationalConstant": -120, "centralGravity": 0.01, "springLength": 150,
                                 "springConstant": 0.03, "damping": 0.6, "avoidOverlap": 0.9},
            "stabilization": {"enabled": True, "iterations": 200 if n_nodes <= 300 else 100,
                              "updateInterval": 50, "fit": True},
            "minVelocity": 1.0,
        },
        "interaction": {"hover": True, "tooltipDelay": 3_600_000, "hideEdgesOnDrag": n_nodes > 300,
                        "navigationButtons": False, "keyboard": False, "multiselect": False},
        "nodes": {"font": {"size": 18, "face": FONT, "strokeWidth": 3, "strokeColor": "#ffffff"},
                  "borderWidth": 1, "borderWidthSelected": 3, "shape": "dot"},
        "edges": {"smooth": False, "selectionWidth": 2, "hoverWidth": 1.5,
                  "color": {"inherit": False, "color": "#a7b1bd", "highlight": "#1f5fa8", "hover": "#1f5fa8"},
                  "arrows": {"to": {"enabled": directed, "scaleFactor": 0.5}},
                  "font": {"size": 11, "face": FONT, "strokeWidth": 3, "align": "middle"}},
    }


def render_network_html(
    G: nx.Graph,
    *,
    view: str,
    title: tuple[str, str],
    payload: Mapping[str, Any],
    links: Mapping[str, str],
    subtitle: tuple[str, str] | None = None,
    banner: tuple[str, str] | None = None,
    options: Mapping[str, Any] | None = None,
    seed: int = SEED,
    max_nodes: int = MAX_NODES,
    scripts: tuple[str, ...] = ("pk-page.js", "pk-network.js"),
    current: str | None = None,
) -> str:
    """Return a self-contained HTML page drawing ``G`` with pyvis, with controls and details panels.

    Args:
        G: the picture: each node's attributes are vis-network node options (``label``, ``shape``,
            ``size``, ``color`` …) plus ``pk_*`` fields for the page's script; each edge's likewise.
            Nodes without ``x``/``y`` get seeded positions. A ``title`` attribute is refused.
        view: which view this is (``collaboration``, ``tasks``, ``dependencies``): the script's mode.
        title: page title in Chinese and English.
        payload: JSON-able facts the controls, tooltips and details read (see ``viz.data``).
        links: NAV key → href for the header (see ``viz.pages``).
        subtitle: a line under the title.
        banner: a notice above the picture (e.g. that the graph was aggregated).
        options: vis-network options; default :func:`default_options`.
        seed: the layout seed.
        max_nodes: refuse pictures larger than this.
        scripts: the page's scripts from ``viz/static``, inlined in this order.
        current: the header's current entry (default ``view``).

    Returns:
        The page as a string; the caller decides where it goes (pyvis's ``show()`` is never used).

    Raises:
        GraphTooLarge: ``G`` has more than ``max_nodes`` nodes.
        ValueError: a node or edge carries a ``title``.
    """
    from jinja2 import Environment, FileSystemLoader, select_autoescape
    from markupsafe import Markup
    from pyvis.network import Network

    if G.number_of_nodes() > max_nodes:
        raise GraphTooLarge(f"{G.number_of_nodes()} nodes is more than a browser lays out smoothly "
                            f"({max_nodes}); aggregate the graph or focus on one organisation")
    directed = G.is_directed()
    net = Network(height="100%", width="100%", directed=directed, cdn_resources="in_line")
    _fill(net, G, seeded_positions(G.to_undirected(as_view=True) if directed else G, seed=seed))
    net.options = dict(options) if options is not None else default_options(G.number_of_nodes(), seed=seed,
                                                                            directed=directed)
    vis_js, vis_css = vis_assets()
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(["html"]))
    env.globals["pk"] = {
        "title_text": f"{title[0]} · {title[1]}",
        "vis_js": Markup(vis_js),
        "vis_css": Markup(vis_css),
        "css": Markup(asset("pk.css")),
        "header": Markup(header_html(current or view, links)),
        "title": Markup(title_html(title, subtitle)),
        "banner": banner,
        "view": view,
        # A page served by the API can reload itself with other parameters; a written file cannot.
        "data": Markup(json_for_script({"view": view, "server": str(links.get("home", "")).startswith("/"), **payload})),
        "scripts": [Markup(asset(s)) for s in scripts],
    }
    net.templateEnv = env
    net.path = "network.html"
    return net.generate_html()



def _fill(net: Any, G: nx.Graph, pos: Mapping[Any, tuple[float, float]]) -> None:
    """Put ``G``'s nodes (at ``pos`` where they have no ``x``/``y``) and edges into pyvis's ``net``.

    Straight into pyvis's lists: add_node/add_edge check for duplicates with linear scans
    (quadratic on big graphs, as from_nx is); networkx has already made them unique.
    """
    for n, attrs in G.nodes(data=True):
        if any(k in attrs for k in _NEVER):
            raise ValueError(f"node {n!r}: 'title' is rendered as HTML by vis-network; put text in pk_* fields")
        node = {"id": str(n), "label": str(attrs.get("label", n)), "shape": attrs.get("shape", "dot")}
        node.update({k: v for k, v in attrs.items() if k not in ("label", "shape")})
        if "x" not in node and n in pos:
            node["x"], node["y"] = pos[n]
        net.nodes.append(node)
        net.node_ids.append(node["id"])
        net.node_map[node["id"]] = node
    for i, (u, v, attrs) in enumerate(G.edges(data=True)):
        if any(k in attrs for k in _NEVER):
            raise ValueError(f"edge {u!r}–{v!r}: 'title' is rendered as HTML by vis-network")
        edge = {"id": attrs.get("id", f"e{i}"), "from": str(u), "to": str(v)}
        edge.update({k: val for k, val in attrs.items() if k != "id"})
        net.edges.append(edge)


__all__ = ["GraphTooLarge", "MAX_NODES", "default_options", "edge_width", "esc", "render_network_html",
           "seeded_positions", "vis_assets"]
