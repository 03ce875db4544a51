"""A hypothesis strategy for every value a JSON Schema (2020-12) allows, for the keywords that
the published OpenAPI document's request schemas use.

Written here rather than taken from hypothesis-jsonschema, whose last release (0.23.1) fails
on current hypothesis internals. A schema with a keyword this module does not know is an
error, not a looser strategy: a new kind of rule in the document must be taught here first.

JSON Schema semantics are kept where clients differ from Python: `integer` is any number
whose fraction is zero, so 31.0 is drawn beside 31.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

# Keywords that only describe a value, never restrict it.
ANNOTATIONS = {"title", "description", "default", "examples", "deprecated"}
KNOWN = ANNOTATIONS | {
    "type", "enum", "const", "anyOf", "oneOf", "properties", "required",
    "additionalProperties", "minimum", "maximum", "minLength", "maxLength", "items",
    "minItems", "maxItems", "pattern",
}  # fmt: skip
# Sizes of what is drawn where the schema sets no maximum: enough to reach every rule.
MAX_STRING = 40
MAX_ITEMS = 8
LARGE = 2**40

_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-LARGE, LARGE), st.text(max_size=10),
    st.floats(allow_nan=False, allow_infinity=False),
)  # fmt: skip
ANY_JSON = st.recursive(
    _scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)


def from_schema(schema: dict[str, Any] | bool) -> st.SearchStrategy[Any]:
    """Values valid under the schema (references already inlined)."""
    if schema is True or schema == {}:
        return ANY_JSON
    if schema is False:
        return st.nothing()
    unknown = set(schema) - KNOWN
    if unknown:
        raise ValueError(f"schema keyword(s) {sorted(unknown)} are not supported: {schema}")
    if "const" in schema:
        return st.just(schema["const"])
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    for combinator in ("anyOf", "oneOf"):
        if combinator in schema:
            rest = {k: v for k, v in schema.items() if k != combinator}
            return st.one_of(*(from_schema({**rest, **option}) for option in schema[combinator]))
    kind = schema.get("type")
    if isinstance(kind, list):
        return st.one_of(*(from_schema({**schema, "type": one}) for one in kind))
    if kind is None:
        return ANY_JSON
    return _TYPES[kind](schema)


def _integer(schema: dict[str, Any]) -> st.SearchStrategy[Any]:
    low, high = schema.get("minimum", -LARGE), schema.get("maximum", LARGE)
    ints = st.integers(low, high)
    # The edges, where rules live, more often than chance would draw them.
    edges = st.sampled_from(sorted({low, high, low + 1 if low < high else low}))
    whole = st.one_of(ints, edges)
    # JSON Schema's integer is a number without a fraction: 31.0 is one.
    return st.one_of(whole, whole.filter(lambda n: abs(n) < 2**53).map(float))


def _number(schema: dict[str, Any]) -> st.SearchStrategy[Any]:
    low, high = schema.get("minimum"), schema.get("maximum")
    return st.one_of(
        st.integers(low if low is not None else -LARGE, high if high is not None else LARGE),
        st.floats(low, high, allow_nan=False, allow_infinity=False),
    )


def _string(schema: dict[str, Any]) -> st.SearchStrategy[str]:
    if "pattern" in schema:
        assert "minLength" not in schema and "maxLength" not in schema, schema
        return st.from_regex(schema["pattern"], fullmatch=True)
    low = schema.get("minLength", 0)
    high = min(schema.get("maxLength", MAX_STRING), max(low, MAX_STRING))
    return st.text(min_size=low, max_size=high)


def _array(schema: dict[str, Any]) -> st.SearchStrategy[list]:
    low = schema.get("minItems", 0)
    high = min(schema.get("maxItems", MAX_ITEMS), max(low, MAX_ITEMS))
    return st.lists(from_schema(schema.get("items", True)), min_size=low, max_size=high)


def _object(schema: dict[str, Any]) -> st.SearchStrategy[dict]:
    properties = schema.get("properties", {})
    required = set(schema.get("required", ()))
    fixed = {name: from_schema(properties[name]) for name in required}
    optional = {name: from_schema(sub) for name, sub in properties.items() if name not in required}
    drawn = st.fixed_dictionaries(fixed, optional=optional)
    if schema.get("additionalProperties", True) is False:
        return drawn
    extra = st.dictionaries(
        st.text(max_size=12).filter(lambda k: k not in properties), ANY_JSON, max_size=2
    )
    return st.tuples(drawn, extra).map(lambda both: {**both[1], **both[0]})


_TYPES = {
    "integer": _integer,
    "number": _number,
    "string": _string,
    "boolean": lambda schema: st.booleans(),
    "null": lambda schema: st.none(),
    "array": _array,
    "object": _object,
}
