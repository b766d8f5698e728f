"""The catalog: products, plans, terms and add-ons, as the operator's file describes them."""
from dataclasses import dataclass, field

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

    def plan(self, plan_id):
        return next((plan for plan in self.plans if plan.id == plan_id), None)


@dataclass(frozen=True)
class Catalog:
    currency: str
    trial_days: int
    terms: dict  # years -> discount percent
    products: tuple
    addons: tuple = field(default=())

    def product(self, product_id):
        return next((product for product in self.products if product.id == product_id), None)

    def plan(self, product_id, plan_id):
        product = self.product(product_id)
        return product.plan(plan_id) if product else None

    def addon(self, addon_id):
        return next((addon for addon in self.addons if addon.id == addon_id), None)

    def price(self, priced, years):
        """`term_price` of a plan or add-on for a term of `years` the catalog offers."""
        return term_price(priced.annual_price_cents, years, self.terms[years])
