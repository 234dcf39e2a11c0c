"""Reading HTML forms ourselves, so that a bad form re-renders instead of FastAPI's JSON 422."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from app.errors import InvalidInput

MAX_FIELDS = 2000  # a bulk assignment posts one checkbox per coworker on the page


@dataclass(frozen=True)
class ParsedForm:
    single: dict[str, str]  # the last value of each field
    multi: dict[str, list[str]]  # every value (checkbox groups)


async def parse_form(request: Request) -> ParsedForm:
    form = await request.form(max_files=0, max_fields=MAX_FIELDS)
    multi: dict[str, list[str]] = {}
    for key, value in form.multi_items():
        if isinstance(value, str):
            if "\0" in value:
                # No database text column can store a NUL (PostgreSQL refuses it outright).
                raise InvalidInput(f"{key} must not contain a NUL character", field=key)
            multi.setdefault(key, []).append(value)
    return ParsedForm(single={key: values[-1] for key, values in multi.items()}, multi=multi)


FormData = Annotated[ParsedForm, Depends(parse_form)]
