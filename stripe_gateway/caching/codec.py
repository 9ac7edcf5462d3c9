"""Records to compact JSON and back, driven by the records' own type hints.

Decoding builds only the type the caller names (the cache key decides it), never a type named in the data,
so an entry that was tampered with or written by another version can fail to decode, and nothing more.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import types
from collections.abc import Mapping
from enum import Enum
from typing import Any, TypeVar, Union, get_args, get_origin, get_type_hints

T = TypeVar("T")

# Part of every cache key: bump it when a record changes shape, so old entries are never read as new ones.
FORMAT_VERSION = 6


class CodecError(ValueError):
    """Cached data that does not fit the record type asked for."""


def encode(record: object) -> bytes:
    return json.dumps(to_document(record), separators=(",", ":"), ensure_ascii=False).encode()


def decode(data: bytes, kind: type[T]) -> T:
    try:
        document = json.loads(data)
    except ValueError as error:
        raise CodecError(f"cached data is not JSON: {error}") from error
    return from_document(document, kind)


def to_document(record: object) -> Any:
    """The record as plain JSON values (dicts, lists, strings, numbers), e.g. for a JSON column."""
    return _to_json(record)


def from_document(document: Any, kind: type[T]) -> T:
    try:
        value: T = _from_json(document, kind, {})
    except (ValueError, TypeError, KeyError) as error:
        raise CodecError(f"data is not a {kind}: {error}") from error
    return value


def _to_json(value: object) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {field.name: _to_json(getattr(value, field.name)) for field in dataclasses.fields(value)}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, tuple | list):
        return [_to_json(item) for item in value]
    if isinstance(value, Mapping):
        return {str(key): _to_json(item) for key, item in value.items()}
    if value is None or isinstance(value, str | int | float):
        return value
    raise TypeError(f"cannot encode a {type(value).__name__}")


@functools.cache
def _field_hints(cls: type) -> dict[str, Any]:
    return get_type_hints(cls)


def _from_json(value: Any, hint: Any, bindings: Mapping[Any, Any]) -> Any:
    if isinstance(hint, TypeVar):
        hint = bindings[hint]
    if hint is Any or hint is object:
        return value
    origin = get_origin(hint)
    if origin is Union or origin is types.UnionType:
        options = [option for option in get_args(hint) if option is not type(None)]
        if value is None and len(options) < len(get_args(hint)):
            return None
        if len(options) != 1:
            raise TypeError(f"cannot decode the union {hint}")
        return _from_json(value, options[0], bindings)
    if origin is tuple:
        item_hint = get_args(hint)[0]
        return tuple(_from_json(item, item_hint, bindings) for item in _expect(value, list))
    if origin is Mapping or origin is dict:
        value_hint = get_args(hint)[1]
        items = _expect(value, dict).items()
        return types.MappingProxyType(
            {_expect(k, str): _from_json(v, value_hint, bindings) for k, v in items}
        )
    return _instance(value, hint, origin)


def _instance(value: Any, hint: Any, origin: Any) -> Any:
    """A record (a dataclass, possibly generic like `Page[Customer]`), an enum member or a scalar."""
    cls = origin or hint
    if isinstance(cls, type) and dataclasses.is_dataclass(cls):
        fields = _expect(value, dict)
        bindings = (
            dict(zip(getattr(cls, "__parameters__", ()), get_args(hint), strict=False)) if origin else {}
        )
        hints = _field_hints(cls)
        return cls(
            **{
                field.name: _from_json(fields[field.name], hints[field.name], bindings)
                for field in dataclasses.fields(cls)
                if field.init
            }
        )
    if isinstance(cls, type) and issubclass(cls, Enum):
        return cls(value)
    if cls is float and isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if cls in (str, int, bool) and type(value) is cls:
        return value
    raise TypeError(f"expected {hint}, found {type(value).__name__}")


def _expect(value: Any, kind: type[T]) -> T:
    if not isinstance(value, kind):
        raise TypeError(f"expected {kind.__name__}, found {type(value).__name__}")
    return value
