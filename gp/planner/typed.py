"""Reading JSON with each field's type checked, so a hand-edited or damaged plan file is
named field by field (``changes[0].address must be a string, not a number``) instead of
failing later, deep inside rendering or apply."""

from __future__ import annotations

from typing import Any, Literal, overload

from gp.errors import PlanError

_WORDS = {
    str: "a string",
    bool: "true or false",
    int: "a whole number",
    dict: "an object",
    list: "a list",
}


def _word(value: Any) -> str:
    if value is None:
        return "null"
    for typ in (bool, int, float, str, dict, list):
        if isinstance(value, typ):
            return {float: "a number", int: "a number"}.get(typ, _WORDS.get(typ, typ.__name__))
    return type(value).__name__


class Fields:
    """One JSON object of the plan file, at ``where`` (``changes[2].ref``)."""

    def __init__(self, data: Any, where: str):
        if not isinstance(data, dict):
            raise PlanError(
                f"plan file is damaged: {where or 'the top level'} must be an object, not {_word(data)}"
            )
        self.data = data
        self.where = where

    def _at(self, key: str) -> str:
        return f"{self.where}.{key}" if self.where else key

    def get(self, key: str, typ: type, *, optional: bool = False) -> Any:
        if key not in self.data:
            if optional:
                return None
            raise PlanError(f"plan file is damaged: {self._at(key)} is missing")
        value = self.data[key]
        if value is None and optional:
            return None
        ok = isinstance(value, typ) and not (typ is int and isinstance(value, bool))
        if not ok:
            raise PlanError(
                f"plan file is damaged: {self._at(key)} must be {_WORDS.get(typ, typ.__name__)}, "
                f"not {_word(value)}"
            )
        return value

    def any(self, key: str) -> Any:
        """Free JSON (a manifest, a field's value): any type, but present."""
        if key not in self.data:
            raise PlanError(f"plan file is damaged: {self._at(key)} is missing")
        return self.data[key]

    def manifest(self, key: str) -> dict | None:
        return self.get(key, dict, optional=True)

    @overload
    def sub(self, key: str, *, optional: Literal[False] = False) -> Fields: ...
    @overload
    def sub(self, key: str, *, optional: bool) -> Fields | None: ...
    def sub(self, key: str, *, optional: bool = False) -> Fields | None:
        value = self.get(key, dict, optional=optional)
        return None if value is None else Fields(value, self._at(key))

    def items(self, key: str, *, optional: bool = False) -> list[Fields]:
        values = self.get(key, list, optional=optional) or []
        return [Fields(v, f"{self._at(key)}[{i}]") for i, v in enumerate(values)]

    def strings(self, key: str, *, optional: bool = False) -> tuple[str, ...]:
        values = self.get(key, list, optional=optional) or []
        for i, v in enumerate(values):
            if not isinstance(v, str):
                raise PlanError(
                    f"plan file is damaged: {self._at(key)}[{i}] must be a string, not {_word(v)}"
                )
        return tuple(values)
