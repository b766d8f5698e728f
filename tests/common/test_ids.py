"""Ids sort in the order they were made, even many in one millisecond; derived ids are stable."""

from portal_common.ids import derived_id, new_id


def test_ids_made_in_a_burst_sort_in_the_order_they_were_made():
    ids = [new_id() for _ in range(5000)]  # thousands in each millisecond
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    assert all(len(made) == 26 for made in ids)


def test_a_derived_id_is_the_same_for_the_same_parts_only():
    assert derived_id("computer-1", "key") == derived_id("computer-1", "key")
    assert derived_id("computer-1", "key") != derived_id("computer-2", "key")
    assert derived_id("computer-1", "key") != derived_id("computer-1key", "")
    assert len(derived_id("c", "k")) == 26
