"""Cable text to HTML: escaped first, then our own marks."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st
from markupsafe import escape

from cablescope.web.text import highlight, redacted

_REDACTION_TAGS = re.compile(r'<span class="redaction" title="redacted by the publisher">|</span>')


def test_highlight_marks_matches_and_escapes_markup() -> None:
    html = highlight('<b>x</b> «iran» & «"nuclear"» program')
    assert html == (
        "&lt;b&gt;x&lt;/b&gt; <mark>iran</mark> &amp; <mark>&#34;nuclear&#34;</mark> program"
    )


def test_unpaired_marks_stay_text() -> None:
    assert highlight("a » b « c") == "a » b « c"
    assert highlight(None) == ""


def test_redactions_wrapped_and_the_rest_escaped() -> None:
    html = redacted("<i>met</i> XXXXXXXXXXXX and xxxxx but not XXV or EXXON or XXXXXL")
    assert html.count('<span class="redaction"') == 2
    assert "&lt;i&gt;met&lt;/i&gt;" in html
    assert "XXV" in html and "EXXON" in html


@given(st.text(max_size=60))
def test_redacted_is_the_escaped_text_plus_spans(text: str) -> None:
    html = str(redacted(text))
    assert _REDACTION_TAGS.sub("", html) == str(escape(text))


@given(st.text(alphabet=st.sampled_from("ab<>&\"'«» "), max_size=40))
def test_highlight_adds_nothing_but_marks(text: str) -> None:
    html = str(highlight(text))
    stripped = re.sub("</?mark>", "", html)
    assert "<" not in stripped and ">" not in stripped
    assert stripped.replace("«", "").replace("»", "") == str(escape(text)).replace("«", "").replace(
        "»", ""
    )
