"""The catalog: products, plans, terms and add-ons, as the operator's file describes them."""

from dataclasses import dataclass, field
from typing import Any

from billing.domain.money import term_price


@dataclass(frozen=True)
class Plan:
    id: str
    name: str
    annual_price_cents: int
    computers_included: int
    servers_included: int


@dataclass(frozen=True)
class Product:
    id: str
    name: str
    plans: tuple

    def plan(self, plan_id: str) -> Plan | None:
        return next((plan for plan in self.plans if plan.id == plan_id), None)


@dataclass(frozen=True)
class Catalog:
    currency: str
    trial_days: int
    terms: dict  # years -> discount percent
    products: tuple
    addons: tuple = field(default=())

    def product(self, product_id: str) -> Product | None:
        return next((product for product in self.products if product.id == product_id), None)

    def plan(self, product_id: str, plan_id: str) -> Plan | None:
        product = self.product(product_id)
        return product.plan(plan_id) if product else None

    def addon(self, addon_id: str) -> Any:
        return next((addon for addon in self.addons if addon.id == addon_id), None)

    def price(self, priced: Any, years: int) -> int:
        """`term_price` of a plan or add-on for a term of `years` the catalog offers."""
        return term_price(priced.annual_price_cents, years, self.terms[years])
