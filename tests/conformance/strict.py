"""Strict validation of raw JSON against the Telnyx SDK's own pydantic models.

The SDK's models (Stainless-generated, pydantic v2) accept extra keys and coerce loosely, so
`Model.model_validate` alone proves little. This walker reads each model's `model_fields` and
their annotations recursively and reports, with a JSON path:
  - a field the model declares required that is absent;
  - a key the model does not declare (unless listed in TOLERATED_EXTRAS, each entry citing
    the shared API reference, which wins over the SDK where the two disagree);
  - a value whose JSON type does not match the annotation (no int<->str, no bool-as-int,
    no float-as-int, Literal values matched exactly, datetimes must be ISO 8601 strings);
  - optionally (`ref`), a field the shared reference documents for the object that is absent.
"""

from __future__ import annotations

import datetime as _dt
import enum
import types
import typing
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

import pydantic
from pydantic import BaseModel

# Keys the SDK model does not declare but the shared API reference documents. The reference
# wins (brief: "the reference wins over the SDK where they disagree"); each entry says where.
TOLERATED_EXTRAS: Dict[tuple, str] = {
    # shared/telnyx-api/README.md §2 (Envelopes): list `meta` = {"page_number", "page_size",
    # "total_pages", "total_results"}, the same four fields for every list (objects.json
    # conventions.pagination.meta_fields). The SDK's DefaultFlatPaginationMeta declares only
    # page_number and total_pages (the two its paginator reads).
    ("DefaultFlatPaginationMeta", "page_size"): "README §2: list meta carries page_size",
    ("DefaultFlatPaginationMeta", "total_results"): "README §2: list meta carries total_results",
}

_DATETIME = pydantic.TypeAdapter(_dt.datetime)
_DATE = pydantic.TypeAdapter(_dt.date)


@dataclass
class Report:
    """What one validation found."""

    errors: List[str] = field(default_factory=list)
    tolerated: List[str] = field(default_factory=list)
    checked_values: int = 0

    def add(self, path: str, expected: str, got: Any) -> None:
        self.errors.append(f"{path}: expected {expected}, got {describe(got)}")


def describe(v: Any) -> str:
    if v is _ABSENT:
        return "nothing (field absent)"
    text = repr(v)
    if len(text) > 80:
        text = text[:77] + "..."
    return f"{json_type(v)} {text}"


def json_type(v: Any) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "boolean"
    if isinstance(v, int):
        return "integer"
    if isinstance(v, float):
        return "number"
    if isinstance(v, str):
        return "string"
    if isinstance(v, list):
        return "array"
    if isinstance(v, dict):
        return "object"
    return type(v).__name__


class _Absent:
    def __repr__(self) -> str:
        return "<absent>"


_ABSENT = _Absent()


def type_name(a: Any) -> str:
    origin = typing.get_origin(a)
    if origin is typing.Literal:
        return "one of " + ", ".join(repr(x) for x in typing.get_args(a))
    if origin in (typing.Union, types.UnionType):
        return " | ".join(type_name(x) for x in typing.get_args(a))
    if origin in (list, typing.List):
        (inner,) = typing.get_args(a) or (Any,)
        return f"array of {type_name(inner)}"
    if origin in (dict, typing.Dict):
        return "object"
    if a is type(None):
        return "null"
    if isinstance(a, type) and issubclass(a, BaseModel):
        return f"object {a.__name__}"
    return {str: "string", int: "integer", float: "number", bool: "boolean", _dt.datetime: "ISO 8601 date-time string"}.get(
        a, getattr(a, "__name__", repr(a))
    )


def validate(data: Any, annotation: Any, ref: Any = None, path: str = "$") -> Report:
    """Validates `data` (decoded JSON) against `annotation` (usually a BaseModel subclass).
    `ref` is the reference's documented-field tree for the same position (dict name -> subtree
    or None), or None for no completeness check."""
    rep = Report()
    _check(data, annotation, ref, path, rep)
    return rep


def _check(v: Any, a: Any, ref: Any, path: str, rep: Report) -> None:
    rep.checked_values += 1
    origin = typing.get_origin(a)
    args = typing.get_args(a)
    if origin is typing.Annotated:
        return _check(v, args[0], ref, path, rep)
    if a is Any or a is object:
        return None
    if origin in (typing.Union, types.UnionType):
        alts = [x for x in args if x is not type(None)]
        if v is None:
            if len(alts) < len(args):
                return None
            return rep.add(path, type_name(a), v)
        if len(alts) == 1:
            return _check(v, alts[0], ref, path, rep)
        trials = []
        for alt in alts:
            sub = Report()
            _check(v, alt, ref, path, sub)
            if not sub.errors:
                rep.tolerated.extend(sub.tolerated)
                rep.checked_values += sub.checked_values
                return None
            trials.append(sub)
        best = min(trials, key=lambda r: len(r.errors))
        rep.errors.append(f"{path}: matches no alternative of {type_name(a)}; closest: " + "; ".join(best.errors))
        return None
    if origin is typing.Literal:
        if any(type(v) is type(x) and v == x for x in args):
            return None
        return rep.add(path, type_name(a), v)
    if origin in (list, typing.List, typing.Sequence, tuple):
        if not isinstance(v, list):
            return rep.add(path, type_name(a), v)
        inner = args[0] if args else Any
        for i, item in enumerate(v):
            _check(item, inner, ref, f"{path}[{i}]", rep)
        return None
    if origin in (dict, typing.Dict, typing.Mapping):
        if not isinstance(v, dict):
            return rep.add(path, "object", v)
        inner = args[1] if len(args) == 2 else Any
        for k, item in v.items():
            _check(item, inner, None, f"{path}.{k}", rep)
        return None
    if isinstance(a, type) and issubclass(a, BaseModel):
        if not isinstance(v, dict):
            return rep.add(path, type_name(a), v)
        return _check_model(v, a, ref, path, rep)
    if isinstance(a, type) and issubclass(a, enum.Enum):
        if any(type(v) is type(m.value) and v == m.value for m in a):
            return None
        return rep.add(path, "one of " + ", ".join(repr(m.value) for m in a), v)
    if a is bool:
        if isinstance(v, bool):
            return None
        return rep.add(path, "boolean", v)
    if a is int:
        if isinstance(v, int) and not isinstance(v, bool):
            return None
        return rep.add(path, "integer", v)
    if a is float:
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            return None
        return rep.add(path, "number", v)
    if a is str:
        if isinstance(v, str):
            return None
        return rep.add(path, "string", v)
    if a is _dt.datetime or a is _dt.date:
        if not isinstance(v, str):
            return rep.add(path, type_name(a), v)
        try:
            (_DATETIME if a is _dt.datetime else _DATE).validate_python(v)
        except pydantic.ValidationError:
            return rep.add(path, type_name(a), v)
        return None
    if a is type(None):
        if v is None:
            return None
        return rep.add(path, "null", v)
    rep.errors.append(f"{path}: the validator does not know the annotation {a!r} (extend strict.py)")
    return None


def _check_model(v: Dict[str, Any], model: type, ref: Optional[Dict[str, Any]], path: str, rep: Report) -> None:
    fields = {(f.alias or name): f for name, f in model.model_fields.items()}
    for key, value in v.items():
        sub = f"{path}.{key}"
        f = fields.get(key)
        if f is None:
            why = TOLERATED_EXTRAS.get((model.__name__, key))
            if why is not None:
                rep.tolerated.append(f"{sub} ({model.__name__} lacks it; {why})")
                continue
            hint = " (the shared reference documents it: add a TOLERATED_EXTRAS entry citing it)" if ref and key in ref else ""
            rep.errors.append(f"{sub}: extra field unknown to SDK model {model.__name__}{hint}")
            continue
        _check(value, f.annotation, ref.get(key) if isinstance(ref, dict) else None, sub, rep)
    for key, f in fields.items():
        if key not in v and f.is_required():
            rep.errors.append(f"{path}.{key}: missing; SDK model {model.__name__} declares it required ({type_name(f.annotation)})")
    if isinstance(ref, dict):
        for key in ref:
            if key not in v and not (key in fields and fields[key].is_required()):
                rep.errors.append(f"{path}.{key}: missing; the shared reference documents it on this object")
