"""Large RPC answers packed by the service and unpacked by the gateway, text for text."""
import json

from hypothesis import given
from hypothesis import strategies as st

from portal_common.packed_text import pack, unpack


@given(st.text())
def test_any_text_comes_back_as_it_went(text):
    packed = pack(text)
    assert packed.isascii()
    assert unpack(packed) == text


def test_a_page_of_the_list_travels_at_a_fraction_of_its_size():
    page = json.dumps({"items": [{"id": f"01jd{number:022d}", "name": f"Customer {number:05d} Ltd – Zürich",
                                  "status": "active", "computers": number % 7} for number in range(50)],
                       "next_cursor": None})
    packed = pack(page)
    assert len(packed) * 4 < len(page)
    assert json.loads(unpack(packed)) == json.loads(page)

