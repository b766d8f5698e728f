"""What billing's audit entries say: money in whole cents, terms in years."""

import types

from billing.usecases.activity import amount, order_placed, years


def test_amounts_are_written_from_cents_without_floats():
    assert amount(0, "EUR") == "0.00 EUR"
    assert amount(123456789, "USD") == "1,234,567.89 USD"
    assert amount(-5, "EUR") == "-0.05 EUR"


def test_years():
    assert (years(1), years(3)) == ("1 year", "3 years")


class Recorder:
    producer = "billing"

    def __init__(self):
        self.emitted = []

    def emit(self, event_type, entity_id, version, now, as_actor=None, **data):
        self.emitted.append(data)


def test_an_order_is_summed_up_by_its_first_line_and_its_total():
    uow = Recorder()
    order = types.SimpleNamespace(id="o1", partner_id="p1", kind="purchase", total_cents=29970, currency="EUR")
    line = types.SimpleNamespace(quantity=3, product="safe-pro", plan="core", addon=None, term_years=2)
    order_placed(uow, None, order, [line, line, line])
    assert uow.emitted[0]["summary"] == "Purchase order: 3 × safe-pro core, 2 years and 2 more lines; total 299.70 EUR"
    assert uow.emitted[0]["type"] == "order.placed" and uow.emitted[0]["target_kind"] == "order"
