"""The operator's catalog file, validated at start-up: a bad file stops the service, loudly."""

import json
import pathlib

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from billing.domain.catalog import Catalog, Plan, Product

DEFAULT_CATALOG = pathlib.Path(__file__).resolve().parent.parent / "catalog.json"
ID = validate.Regexp(r"^[a-z0-9][a-z0-9-]{0,63}$")
TERM_YEARS = (1, 2, 3)


class PricedSchema(Schema):
    id = fields.String(required=True, validate=ID)
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    annual_price_cents = fields.Integer(strict=True, required=True, validate=validate.Range(min=0))
    computers_included = fields.Integer(strict=True, required=True, validate=validate.Range(min=0))
    servers_included = fields.Integer(strict=True, required=True, validate=validate.Range(min=0))


def _unique_ids(items, what):
    ids = [item["id"] for item in items]
    if len(ids) != len(set(ids)):
        raise ValidationError(f"{what} ids must be unique.")


class ProductSchema(Schema):
    id = fields.String(required=True, validate=ID)
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    plans = fields.List(fields.Nested(PricedSchema), required=True, validate=validate.Length(min=1))

    @validates_schema
    def unique_plans(self, data, **kwargs):
        _unique_ids(data["plans"], "plan")


class TermSchema(Schema):
    years = fields.Integer(strict=True, required=True, validate=validate.OneOf(TERM_YEARS))
    discount_percent = fields.Integer(strict=True, required=True, validate=validate.Range(min=0, max=99))


class CatalogSchema(Schema):
    currency = fields.String(required=True, validate=validate.Regexp(r"^[A-Z]{3}$"))
    trial_days = fields.Integer(strict=True, required=True, validate=validate.Range(min=1, max=365))
    terms = fields.List(fields.Nested(TermSchema), required=True, validate=validate.Length(min=1))
    products = fields.List(fields.Nested(ProductSchema), required=True, validate=validate.Length(min=1))
    addons = fields.List(fields.Nested(PricedSchema), load_default=list)

    @validates_schema
    def unique(self, data, **kwargs):
        _unique_ids(data["products"], "product")
        _unique_ids(data.get("addons", []), "add-on")
        years = [term["years"] for term in data["terms"]]
        if len(years) != len(set(years)):
            raise ValidationError("Each term appears once.")


def parse(document):
    data = CatalogSchema().load(document)
    return Catalog(
        currency=data["currency"],
        trial_days=data["trial_days"],
        terms={term["years"]: term["discount_percent"] for term in sorted(data["terms"], key=lambda t: t["years"])},
        products=tuple(
            Product(id=p["id"], name=p["name"], plans=tuple(Plan(**plan) for plan in p["plans"]))
            for p in data["products"]
        ),
        addons=tuple(Plan(**addon) for addon in data["addons"]),
    )


def load(path=None):
    with open(path or DEFAULT_CATALOG, encoding="utf-8") as file:
        return parse(json.load(file))


def as_document(catalog):
    """The catalog as `GET /v1/catalog` answers it."""

    def priced(item):
        return {
            "id": item.id,
            "name": item.name,
            "annual_price_cents": item.annual_price_cents,
            "computers_included": item.computers_included,
            "servers_included": item.servers_included,
        }

    return {
        "currency": catalog.currency,
        "terms": [{"years": years, "discount_percent": discount} for years, discount in catalog.terms.items()],
        "trial_days": catalog.trial_days,
        "products": [
            {"id": p.id, "name": p.name, "plans": [priced(plan) for plan in p.plans]} for p in catalog.products
        ],
        "addons": [priced(addon) for addon in catalog.addons],
    }
