"""The OpenAPI document describes each endpoint's answer with that endpoint's own schema: no
two response schemas share a component name (one would silently replace the other)."""

from __future__ import annotations

from django.test import Client
from ninja.openapi.schema import REF_TEMPLATE
from ninja.schema import NinjaGenerateJsonSchema

from tianmu.api import api


def _operations():
    for _prefix, router in api._routers:
        for path, view in router.path_operations.items():
            for op in view.operations:
                for status, model in op.response_models.items():
                    if model is not None:
                        yield path, op.methods, status, model


def _document() -> dict:
    """The OpenAPI document, as a signed-in user reads it (with DEBUG=0 it needs one)."""
    from django.test import override_settings

    with override_settings(DEBUG=True):
        return Client().get("/api/v1/openapi.json").json()


def test_every_response_schema_in_the_document_is_the_endpoints_own():
    document = _document()
    components = document["components"]["schemas"]
    checked = 0
    for path, methods, status, model in _operations():
        schema = model.model_json_schema(
            by_alias=False, ref_template=REF_TEMPLATE, schema_generator=NinjaGenerateJsonSchema
        )
        for name, definition in schema.get("$defs", {}).items():
            if "properties" not in definition:
                continue
            assert name in components, (path, name)
            got = set(components[name].get("properties", {}))
            assert got == set(definition["properties"]), (path, methods, status, name)
            checked += 1
    assert checked > 50  # every app's endpoints were looked at


def test_products_and_loan_products_have_their_own_schemas():
    document = _document()

    def answer(path):
        content = document["paths"][path]["get"]["responses"]["200"]["content"]
        ref = content["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
        return document["components"]["schemas"][ref]

    products = set(answer("/api/v1/products/{product_id}")["properties"])
    loan_products = set(answer("/api/v1/loan-products/{pk}")["properties"])
    assert {"village", "category", "price"} <= products
    assert {"bank", "annual_rate", "term_months"} <= loan_products
