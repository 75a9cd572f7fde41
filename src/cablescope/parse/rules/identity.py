"""Who and when, for cables whose publication gave no metadata (raw text, flattened JSON).

Runs after the routing header and banner: the year comes from the date-time group, the id
from the banner's post and serial (``SECTION 01 OF 02 LONDON 003062``) or the ``DE`` line.
Later rules (references) need `state.year`, so this runs before them.
"""

from __future__ import annotations

from cablescope.parse.state import ParseState


def _year_of(iso: str | None) -> int | None:
    if iso and len(iso) >= 4 and iso[:4].isdigit():
        return int(iso[:4])
    return None


def apply(state: ParseState) -> None:
    cable = state.cable
    if cable.date is None and cable.dtg:
        cable.date = cable.dtg[:10]
    if state.year is None:
        state.year = _year_of(cable.date) or _year_of(cable.dtg)
    if cable.id is not None:
        return
    from cablescope.ids import make_id, station_from_post

    banner_id = state.scratch.get("banner_id")
    if state.year is None:
        state.problem("id", "no id: the publication gives none and the cable has no date")
        return
    if banner_id:
        post, serial = banner_id
        station = station_from_post(post)
        if station and str(serial).strip("0").isdigit():
            cable.id = make_id(state.year, station, serial)
            return
    state.problem("id", "no id: the publication gives none and the banner names no post/serial")
