"""Properties of reply-script templates: any text is either refused with a field error or filled
without error, and a filled script is exactly its literals with the values put in."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aftersale.common.errors import DomainError
from aftersale.knowledge import variables

NAMES = sorted(variables.VARIABLES)
VALUES = {name: f"<{name}>" for name in NAMES}


@given(st.text(max_size=200))
def test_any_text_is_refused_with_a_field_error_or_filled(text):
    try:
        variables.check(text, field="body")
    except DomainError as error:
        assert error.errors[0].field == "body"
        return
    filled, missing = variables.fill(text, VALUES)
    assert missing == []
    assert isinstance(filled, str)


literal = st.text(max_size=20)
piece = st.one_of(literal.map(lambda t: ("text", t)), st.sampled_from(NAMES).map(lambda n: ("var", n)))


@given(st.lists(piece, max_size=12))
def test_a_filled_script_is_its_literals_and_values(pieces):
    template = "".join(
        t.replace("{", "{{").replace("}", "}}") if kind == "text" else "{" + t + "}" for kind, t in pieces
    )
    expected = "".join(t if kind == "text" else VALUES[t] for kind, t in pieces)
    filled, missing = variables.fill(template, VALUES)
    assert (filled, missing) == (expected, [])
    assert variables.check(template, field="body") == [t for kind, t in pieces if kind == "var"]


@pytest.mark.parametrize("name", ["__class__", "0", "customer_name[0]", "order_no.upper", "x"])
def test_nothing_but_the_listed_names(name):
    with pytest.raises(DomainError):
        variables.check("{" + name + "}", field="body")
