"""Stripe's wire format: bracket-notation form bodies, typed parameters, the error envelope, list objects."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping

Params = dict[str, Any]
StripeObject = dict[str, Any]


class StripeError(Exception):
    """An error the way Stripe reports it: an HTTP status and the `error` envelope."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        type_: str = "invalid_request_error",
        code: str | None = None,
        param: str | None = None,
        headers: Mapping[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.type = type_
        self.code = code
        self.param = param
        self.headers = dict(headers or {})
        self.extra = extra

    def body(self, request_id: str) -> StripeObject:
        error: StripeObject = {"message": self.message, "type": self.type, "request_log_url": None}
        if self.code is not None:
            error["code"] = self.code
            error["doc_url"] = f"https://stripe.com/docs/error-codes/{self.code.replace('_', '-')}"
        if self.param is not None:
            error["param"] = self.param
        error.update(self.extra)
        error["request_log_url"] = f"https://dashboard.stripe.com/test/logs/{request_id}"
        return {"error": error}


def invalid(message: str, *, param: str | None = None, code: str | None = None) -> StripeError:
    return StripeError(400, message, param=param, code=code)


def missing(object_type: str, object_id: str, *, param: str = "id") -> StripeError:
    return StripeError(404, f"No such {object_type}: '{object_id}'", code="resource_missing", param=param)


def parse_form(raw: str) -> Params:
    """Decode `a[b][0][c]=x` style pairs into nested dicts, turning all-numeric keys into lists."""
    root: Params = {}
    for key, value in parse_qsl(raw, keep_blank_values=True):
        *parents, last = _split_key(key)
        node = root
        for part in parents:
            child = node.get(part)
            if not isinstance(child, dict):
                child = node[part] = {}
            node = child
        node[last or str(len(node))] = value  # `expand[]=a` appends
    params: Params = _listify(root)
    return params


def _split_key(key: str) -> list[str]:
    head, _, rest = key.partition("[")
    parts = [head]
    while rest:
        part, _, rest = rest.partition("]")
        parts.append(part)
        rest = rest.removeprefix("[")
    return parts


def _listify(node: Any) -> Any:
    if not isinstance(node, dict):
        return node
    converted = {k: _listify(v) for k, v in node.items()}
    if converted and all(k.isdigit() for k in converted):
        return [converted[k] for k in sorted(converted, key=int)]
    return converted


# -- typed access to parameters, failing the way Stripe fails -------------------------------------------


# `param` names a nested parameter in errors the way Stripe does (`features[subscription_cancel][mode]`).


def get_str(
    params: Params,
    name: str,
    *,
    required: bool = False,
    choices: Iterable[str] | None = None,
    param: str | None = None,
) -> str | None:
    param = param or name
    value = params.get(name)
    if value is None:
        if required:
            raise missing_param(param)
        return None
    if not isinstance(value, str):
        raise invalid(f"Invalid string: {param}", param=param)
    allowed = list(choices) if choices is not None else None
    if allowed is not None and value not in allowed:
        raise invalid(f"Invalid {param}: must be one of {_one_of(allowed)}", param=param)
    return value


def get_int(
    params: Params, name: str, *, required: bool = False, minimum: int | None = None, param: str | None = None
) -> int | None:
    param = param or name
    value = params.get(name)
    if value is None or value == "":
        if required:
            raise missing_param(param)
        return None
    if isinstance(value, bool):
        raise invalid(f"Invalid integer: {value}", param=param, code="parameter_invalid_integer")
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise invalid(f"Invalid integer: {value}", param=param, code="parameter_invalid_integer") from None
    if minimum is not None and number < minimum:
        raise invalid(
            f"This value must be greater than or equal to {minimum}.",
            param=param,
            code="parameter_invalid_integer",
        )
    return number


def get_bool(params: Params, name: str, *, required: bool = False, param: str | None = None) -> bool | None:
    param = param or name
    value = params.get(name)
    if value is None:
        if required:
            raise missing_param(param)
        return None
    if value in ("true", True):
        return True
    if value in ("false", False):
        return False
    raise invalid(f"Invalid boolean: {value}", param=param)


def get_dict(params: Params, name: str, *, required: bool = False, param: str | None = None) -> Params | None:
    param = param or name
    value = params.get(name)
    if value is None:
        if required:
            raise missing_param(param)
        return None
    if value == "":  # an empty string unsets a hash
        return {}
    if not isinstance(value, dict):
        raise invalid(f"Invalid object: {param}", param=param)
    return value


def get_list(params: Params, name: str, *, param: str | None = None) -> list[Any] | None:
    param = param or name
    value = params.get(name)
    if value is None:
        return None
    if value == "":
        return []
    if isinstance(value, dict) and not value:
        return []
    if not isinstance(value, list):
        raise invalid(f"Invalid array: {param}", param=param)
    return value


def require_str(
    params: Params, name: str, *, choices: Iterable[str] | None = None, param: str | None = None
) -> str:
    value = get_str(params, name, required=True, choices=choices, param=param)
    assert value is not None  # `required` raised otherwise
    return value


def require_int(params: Params, name: str, *, minimum: int | None = None, param: str | None = None) -> int:
    value = get_int(params, name, required=True, minimum=minimum, param=param)
    assert value is not None  # `required` raised otherwise
    return value


def require_dict(params: Params, name: str, *, param: str | None = None) -> Params:
    value = get_dict(params, name, required=True, param=param)
    assert value is not None  # `required` raised otherwise
    return value


def get_enum_list(
    params: Params, name: str, choices: Iterable[str], *, param: str | None = None
) -> list[str] | None:
    """A list whose every entry must be one of `choices`."""
    param = param or name
    values = get_list(params, name, param=param)
    if values is None:
        return None
    allowed = list(choices)
    for index, value in enumerate(values):
        if value not in allowed:
            raise invalid(
                f"Invalid {param}[{index}]: must be one of {_one_of(allowed)}", param=f"{param}[{index}]"
            )
    return [str(value) for value in values]


def get_range(params: Params, name: str) -> Callable[[int], bool] | None:
    """A `created`-style filter: an exact timestamp or a hash of `gt`/`gte`/`lt`/`lte` bounds."""
    value = params.get(name)
    if value is None:
        return None
    if not isinstance(value, dict):
        exact = get_int(params, name)
        return lambda ts: ts == exact
    reject_unknown(value, ("gt", "gte", "lt", "lte"), prefix=name)
    bounds = {op: get_int(value, op, param=f"{name}[{op}]") for op in ("gt", "gte", "lt", "lte")}

    def within(ts: int) -> bool:
        return (
            (bounds["gt"] is None or ts > bounds["gt"])
            and (bounds["gte"] is None or ts >= bounds["gte"])
            and (bounds["lt"] is None or ts < bounds["lt"])
            and (bounds["lte"] is None or ts <= bounds["lte"])
        )

    return within


def missing_param(param: str) -> StripeError:
    return invalid(f"Missing required param: {param}.", param=param, code="parameter_missing")


def _one_of(allowed: list[str]) -> str:
    if len(allowed) <= 2:
        return " or ".join(allowed)
    return f"{', '.join(allowed[:-1])}, or {allowed[-1]}"


def reject_unknown(params: Params, allowed: Iterable[str], *, prefix: str | None = None) -> None:
    """Stripe refuses parameters it does not know; so do we, so a typo never passes silently.
    `prefix` names the hash being checked (`features[subscription_cancel]`)."""
    known = {*allowed} if prefix else {*allowed, "expand"}
    for name in params:
        if name not in known:
            param = f"{prefix}[{name}]" if prefix else name
            raise invalid(f"Received unknown parameter: {param}", param=param, code="parameter_unknown")


def updated_metadata(current: Mapping[str, str], params: Params) -> dict[str, str]:
    """Merge a metadata hash: an empty string deletes a key, an empty hash clears everything."""
    changes = get_dict(params, "metadata")
    if changes is None:
        return dict(current)
    if not changes:
        return {}
    merged = dict(current)
    for key, value in changes.items():
        if value == "":
            merged.pop(key, None)
        else:
            merged[key] = str(value)
    return merged


# -- list objects ---------------------------------------------------------------------------------------


def list_object(
    objects: list[StripeObject],
    params: Params,
    url: str,
    *,
    where: Callable[[StripeObject], bool] | None = None,
) -> StripeObject:
    """Page newest-first through `objects` with Stripe's limit/starting_after/ending_before rules."""
    limit = get_int(params, "limit", minimum=1)
    if limit is None:
        limit = 10
    if limit > 100:
        raise invalid(
            "This value must be less than or equal to 100.", param="limit", code="parameter_invalid_integer"
        )
    starting_after = get_str(params, "starting_after")
    ending_before = get_str(params, "ending_before")
    if starting_after and ending_before:
        raise invalid("You may only specify one of these parameters: ending_before, starting_after.")
    ordered = [obj for obj in reversed(objects) if where is None or where(obj)]
    ids = [obj["id"] for obj in ordered]
    if starting_after:
        position = _cursor_position(ids, starting_after, "starting_after")
        page = ordered[position + 1 : position + 1 + limit]
        has_more = position + 1 + limit < len(ordered)
    elif ending_before:
        position = _cursor_position(ids, ending_before, "ending_before")
        start = max(0, position - limit)
        page = ordered[start:position]
        has_more = start > 0
    else:
        page = ordered[:limit]
        has_more = limit < len(ordered)
    return {"object": "list", "data": page, "has_more": has_more, "url": url}


def _cursor_position(ids: list[str], cursor: str, param: str) -> int:
    try:
        return ids.index(cursor)
    except ValueError:
        raise missing("object", cursor, param=param) from None
