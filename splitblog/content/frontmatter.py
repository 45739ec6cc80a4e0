"""The two front-matter formats, as python-frontmatter handlers: YAML between `---` lines
(PyYAML's safe loader, stricter where YAML is lax) and TOML between `+++` lines."""

from __future__ import annotations

import re
import tomllib
from typing import Any

import yaml
from frontmatter.default_handlers import BaseHandler, SafeLoader, YAMLHandler


class TOMLHandler(BaseHandler):
    """`+++` front matter, read with the standard library's tomllib."""

    FM_BOUNDARY = re.compile(r"^\+{3,}[ \t]*$", re.MULTILINE)
    START_DELIMITER = END_DELIMITER = "+++"

    def load(self, fm: str, **kwargs: object) -> Any:
        return tomllib.loads(fm)


class _Loader(SafeLoader):  # type: ignore[misc, valid-type]
    """The safe (C) loader, but an impossible date (2026-02-30) stays text, so it is
    reported as a bad date on its own line instead of failing the whole block, and a
    key written twice is an error (YAML forbids it; PyYAML would keep the last silently).
    """

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        seen: set[str] = set()
        for key_node, _value in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag.endswith(":merge"):
                continue
            if key_node.value in seen:
                raise yaml.constructor.ConstructorError(
                    "while constructing a mapping",
                    node.start_mark,
                    f"key '{key_node.value}' is written twice",
                    key_node.start_mark,
                )
            seen.add(key_node.value)
        return super().construct_mapping(node, deep=deep)


def _lenient_timestamp(loader: SafeLoader, node: yaml.Node) -> object:
    try:
        return loader.construct_yaml_timestamp(node)
    except ValueError:
        return loader.construct_scalar(node)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _lenient_timestamp)


class _YAML(YAMLHandler):
    # The stock pattern lets `\s*` run over following blank lines; keep to one line.
    FM_BOUNDARY = re.compile(r"^-{3,}[ \t]*$", re.MULTILINE)

    def load(self, fm: str, **kwargs: object) -> Any:
        return yaml.load(fm, Loader=_Loader)


HANDLERS = (_YAML(), TOMLHandler())
