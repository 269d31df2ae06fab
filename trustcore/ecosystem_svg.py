"""The data ecosystem map (``trustcore.ecosystem``) drawn as a static SVG, for a projector and for download.

A deterministic layout: the organisation in the centre, every other actor on one circle in the order they
were added (the first at the top, then clockwise). Large type. Each actor's shape and fill say its kind
(organisation: rounded box; group of people: ellipse; technology: hexagon); each flow is an arrow labelled by
its kind (and label), whose colour AND dash say the kind too, so the map does not rely on colour alone; a
legend explains both. Several flows between the same two actors bend apart. An optional annotation per
partner organisation (keyed by its name, lower-cased: the latest agreement and open next steps of that
relationship) is written under it. ``<title>`` and ``<desc>`` say what the map shows in words.

The geometry is computed here and written out through ``templates/charts/ecosystem.svg.j2`` (autoescaped:
every name and label is text, never markup). No Streamlit here.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from markupsafe import Markup

from . import charts, templating
from .ecosystem import FLOW_KINDS, KINDS, ORGANISATION, PEOPLE, ROLES, TECHNOLOGY, Actor, EcosystemMap
from .i18n import ENGLISH, Translator
from .text import name_key

FONT = 24  # an actor's name: readable from the back of a room
SMALL = 19  # roles, flow labels, annotations, the legend
LINE = 28
NODE_W = 220
WRAP = 14  # characters on a line of an actor's name
MARGIN = 170  # around the circle: room for the nodes and their annotations
LEGEND_W = 270
# (colour, dash) per flow kind: colours from the Okabe-Ito palette (distinguishable with colour blindness),
# and a dash pattern of its own for each, so a black-and-white print or a washed-out projector still tells them apart
FLOW_STYLE = {
    "data": ("#0072B2", ""),
    "insights": ("#CC79A7", "14 7"),
    "services": ("#009E73", "3 7"),
    "products": ("#D55E00", "20 6 4 6"),
    "money": ("#6B5B00", "8 4"),
}
KIND_FILL = {ORGANISATION: "#E8F1FA", PEOPLE: "#FDF3E1", TECHNOLOGY: "#EEEEEE"}
INK = "#111111"


@dataclass(frozen=True)
class Node:
    actor: Actor
    x: float
    y: float
    w: float
    h: float
    lines: tuple[str, ...]  # the name, wrapped
    role: str  # in words, "" for none
    fill: str
    centre: bool  # the organisation itself
    note: tuple[str, ...]  # the annotation, wrapped
    points: str  # a hexagon's points (technology)
    note_y: float = 0  # the annotation's first line: outside the circle (above a node in its upper half)


@dataclass(frozen=True)
class Arrow:
    path: str
    colour: str
    dash: str
    marker: str
    text: str
    x: float
    y: float

    @property
    def text_width(self) -> float:
        """About how wide the label is written (for the white box behind it)."""
        return len(self.text) * SMALL * 0.6 + 14


def _node(
    actor: Actor, x: float, y: float, *, centre: bool, note: str, ring_centre: float, t: Translator = ENGLISH
) -> Node:
    lines = tuple(charts._wrap_lines(actor.name, WRAP))
    role = t.gettext(ROLES[actor.role]) if actor.role else ""
    h = LINE * len(lines) + (LINE if role else 0) + 24
    # wide enough for its longest line (a long word, in any language), plus the corners a hexagon cuts off
    longest = max(max(len(line) for line in lines) * FONT * 0.56, len(role) * SMALL * 0.56) + 28
    w = max(NODE_W, longest + (44 if actor.kind == TECHNOLOGY else 0)) + (30 if actor.kind == PEOPLE else 0)
    hw, hh = w / 2, h / 2
    hexagon = (
        f"{x - hw:.1f},{y:.1f} {x - hw + 22:.1f},{y - hh:.1f} {x + hw - 22:.1f},{y - hh:.1f} "
        f"{x + hw:.1f},{y:.1f} {x + hw - 22:.1f},{y + hh:.1f} {x - hw + 22:.1f},{y + hh:.1f}"
    )
    note_lines = tuple(charts._wrap_lines(note, 26)) if note else ()
    above = not centre and y < ring_centre - 1
    note_y = y - hh - 14 - (len(note_lines) - 1) * (SMALL + 4) if above else y + hh + 28
    return Node(
        actor,
        x,
        y,
        w,
        h,
        lines,
        role,
        KIND_FILL.get(actor.kind, "#FFFFFF"),
        centre,
        note_lines,
        hexagon if actor.kind == TECHNOLOGY else "",
        note_y,
    )


def _clip(node: Node, towards: tuple[float, float]) -> tuple[float, float]:
    """Where the line from the node's centre towards ``towards`` leaves its box (plus a gap for the arrowhead)."""
    dx, dy = towards[0] - node.x, towards[1] - node.y
    t = min((node.w / 2 + 6) / abs(dx) if dx else math.inf, (node.h / 2 + 6) / abs(dy) if dy else math.inf, 1.0)
    return node.x + dx * t, node.y + dy * t


def layout(m: EcosystemMap, annotations: Mapping[str, str] | None = None, t: Translator = ENGLISH) -> dict:
    """The diagram's geometry and its words in ``t``'s language (what the template writes out)."""
    notes = {name_key(k): v for k, v in (annotations or {}).items()}
    us = m.organisation
    ring = [a for a in m.actors if us is None or a.id != us.id]
    radius = max(340.0, len(ring) * (NODE_W + 40) / (2 * math.pi))
    cx = cy = radius + MARGIN
    nodes: dict[int, Node] = {}
    if us is not None:
        nodes[us.id] = _node(us, cx, cy, centre=True, note="", ring_centre=cy, t=t)
    for i, actor in enumerate(ring):
        angle = -math.pi / 2 + 2 * math.pi * i / max(1, len(ring))
        if len(ring) == 1 and us is None:
            angle = 0.0
        x, y = cx + radius * math.cos(angle), cy + radius * math.sin(angle)
        note = notes.get(name_key(actor.name), "")
        nodes[actor.id] = _node(actor, x, y, centre=False, note=note, ring_centre=cy, t=t)

    arrows = []
    pairs: dict[frozenset[int], list] = {}
    for f in m.flows:
        if f.source_id in nodes and f.target_id in nodes:
            pairs.setdefault(frozenset((f.source_id, f.target_id)), []).append(f)
    for group in pairs.values():
        low, high = sorted({group[0].source_id, group[0].target_id})
        a, b = nodes[low], nodes[high]
        dx, dy = b.x - a.x, b.y - a.y
        length = math.hypot(dx, dy) or 1.0
        nx, ny = -dy / length, dx / length  # one normal for the pair, whichever way each flow goes
        for i, f in enumerate(group):
            bend = (i - (len(group) - 1) / 2) * 110
            mx, my = (a.x + b.x) / 2 + nx * bend, (a.y + b.y) / 2 + ny * bend
            source, target = nodes[f.source_id], nodes[f.target_id]
            sx, sy = _clip(source, (mx, my))
            tx, ty = _clip(target, (mx, my))
            # the label sits on the curve (a quadratic Bézier), the labels of one pair spread along it
            u = (i + 1) / (len(group) + 1)  # from the pair's first actor, whichever way the flow goes
            if f.source_id != low:
                u = 1 - u
            lx = (1 - u) ** 2 * sx + 2 * u * (1 - u) * mx + u**2 * tx
            ly = (1 - u) ** 2 * sy + 2 * u * (1 - u) * my + u**2 * ty
            colour, dash = FLOW_STYLE[f.kind]
            kind = t.gettext(FLOW_KINDS[f.kind])
            text = t.gettext("{kind}: {label}", kind=kind, label=f.label) if f.label else kind
            arrows.append(
                Arrow(f"M{sx:.1f} {sy:.1f} Q{mx:.1f} {my:.1f} {tx:.1f} {ty:.1f}", colour, dash, f.kind, text, lx, ly)
            )
    # the drawing is cropped to what is drawn (the title above it, the legend to its right), so the map fills
    # the screen it is shown on instead of an empty corner of the circle's square
    xs = [v for n in nodes.values() for v in (n.x - n.w / 2, n.x + n.w / 2)]
    xs += [v for n in nodes.values() if n.note for v in (n.x - 130, n.x + 130)]
    xs += [v for a in arrows for v in (a.x - a.text_width / 2, a.x + a.text_width / 2)]
    ys = [v for n in nodes.values() for v in (n.y - n.h / 2 - 8, n.y + n.h / 2 + 8)]
    ys += [v for n in nodes.values() if n.note for v in (n.note_y - SMALL, n.note_y + len(n.note) * (SMALL + 4))]
    left, right = (min(xs), max(xs)) if xs else (0.0, 600.0)
    top, bottom = (min(ys), max(ys)) if ys else (0.0, 400.0)
    left, top = left - 30, top - 90  # room for the title
    legend_x = right + 50
    height = max(bottom + 30 - top, 140 + 40 * len(FLOW_KINDS) + 30 + 46 * len(KINDS) + 90)
    names = [t.gettext(FLOW_KINDS[k]) for k in FLOW_KINDS] + [t.gettext(KINDS[k]) for k in KINDS]
    legend_w = max(LEGEND_W, 100 + max(len(n) for n in names) * SMALL * 0.6 + 20)  # a longer word in a language
    return {
        "left": left,
        "top": top,
        "width": legend_x + legend_w - left,
        "height": height,
        "nodes": list(nodes.values()),
        "arrows": arrows,
        "legend_x": legend_x,
        "flow_kinds": [(k, t.gettext(FLOW_KINDS[k]), *FLOW_STYLE[k]) for k in FLOW_KINDS],
        "actor_kinds": [(k, t.gettext(KINDS[k]), KIND_FILL[k]) for k in KINDS],
        "words": {  # the legend's headings and the empty map's line
            # Translators: the heading of the ecosystem map's legend of arrows
            "flows": t.gettext("Flows"),
            # Translators: the heading of the ecosystem map's legend of shapes
            "actors": t.gettext("Actors"),
            # Translators: the map's legend, written on lines of about 20 characters
            "thick": tuple(charts._wrap_lines(t.gettext("Thick border: the organisation itself"), 20)),
            "empty": t.gettext("Nothing on the map yet: add actors, then the flows between them."),
        },
    }


def summary(m: EcosystemMap, annotations: Mapping[str, str] | None = None, t: Translator = ENGLISH) -> str:
    """The map in words (the SVG's ``<desc>``, and the page's caption), in ``t``'s language."""
    if not m.actors:
        return t.gettext("Nothing on the map yet.")
    us = m.organisation
    actors = t.ngettext("{n} actor", "{n} actors", len(m.actors))
    flows = t.ngettext("{n} flow", "{n} flows", len(m.flows))
    parts = [t.gettext("{actors} and {flows}.", actors=actors, flows=flows)]
    if us is not None:
        parts.append(t.gettext("{name} is the organisation, in the centre.", name=us.name))
    parts.extend(t.gettext("{flow}.", flow=m.describe(f, t)) for f in m.flows)
    notes = {name_key(k): v for k, v in (annotations or {}).items()}
    parts.extend(
        t.gettext("{name}: {note}.", name=a.name, note=notes[name_key(a.name)])
        for a in m.actors
        if name_key(a.name) in notes
    )
    return " ".join(parts)


def svg(
    m: EcosystemMap,
    annotations: Mapping[str, str] | None = None,
    *,
    title: str | None = None,
    t: Translator = ENGLISH,
) -> Markup:
    """The map as one standalone SVG document in ``t``'s language (``annotations``: text under each partner,
    keyed by its name lower-cased, already in that language)."""
    heading = title or t.gettext("{organisation}: data ecosystem map", organisation=m.workspace)
    return Markup(
        templating.render(
            "charts/ecosystem.svg.j2",
            title=heading,
            desc=summary(m, annotations, t),
            empty=not m.actors,
            font=FONT,
            small=SMALL,
            line=LINE,
            ink=INK,
            lang=t.locale,
            **layout(m, annotations, t),
        )
    )
