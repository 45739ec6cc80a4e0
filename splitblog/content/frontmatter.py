"""The two front-matter formats, as python-frontmatter handlers: YAML between `---` lines
(PyYAML's safe loader, stricter where YAML is lax) and TOML between `+++` lines."""

from __future__ import annotations

import re
import tomllib
from typing import Any

import yaml
from frontmatter.default_handlers import BaseHandler, SafeLoader, YAMLHandler

# Front matter is a few keys. Values counted as many times as they are used (a YAML alias
# counts its whole anchor again, so a "billion laughs" of nested aliases is refused before
# anything walks it) and nesting are bounded, so no file can make a build hang or crash.
MAX_VALUES = 10_000
MAX_DEPTH = 50


class TooLarge(yaml.YAMLError):
    """Front matter past the bounds above (raised for YAML and TOML alike)."""

    def __init__(self, problem: str, mark: yaml.Mark | None = None):
        super().__init__(problem)
        self.problem = problem
        self.problem_mark = mark


class TOMLHandler(BaseHandler):
    """`+++` front matter, read with the standard library's tomllib."""

    FM_BOUNDARY = re.compile(r"^\+{3,}[ \t]*$", re.MULTILINE)
    START_DELIMITER = END_DELIMITER = "+++"

    def load(self, fm: str, **kwargs: object) -> Any:
        try:
            meta = tomllib.loads(fm)
        except RecursionError:  # tomllib reads nested arrays and tables by recursion
            raise TooLarge(f"values nested more than {MAX_DEPTH} deep") from None
        _check_values(meta)
        return meta


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
        loader = _Loader(fm)
        try:
            node = loader.get_single_node()
            if node is None:
                return None
            _check_nodes(node)
            return loader.construct_document(node)
        finally:
            loader.dispose()


def _check_nodes(root: yaml.Node) -> None:
    """Refuse a YAML document whose values, with every alias expanded, are too many or
    nested too deep — counted over the node graph once per node, so the check itself is
    cheap however large the expansion would be."""
    sizes: dict[int, tuple[int, int]] = {}  # id(node) → (values, depth) once known
    busy: set[int] = set()  # nodes being counted: meeting one again is a cycle

    def measure(node: yaml.Node) -> tuple[int, int]:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in busy:
            raise TooLarge("a value that contains itself (a recursive alias)", node.start_mark)
        if isinstance(node, yaml.ScalarNode):
            return 1, 1
        busy.add(key)
        children = (
            node.value
            if isinstance(node, yaml.SequenceNode)
            else [part for pair in node.value for part in pair]
        )
        count, depth = 1, 0
        for child in children:
            child_count, child_depth = measure(child)
            count, depth = count + child_count, max(depth, child_depth)
            if count > MAX_VALUES:
                raise TooLarge(
                    f"more than {MAX_VALUES:,} values (aliases counted each time they are used)",
                    node.start_mark,
                )
        busy.discard(key)
        if depth + 1 > MAX_DEPTH:
            raise TooLarge(f"values nested more than {MAX_DEPTH} deep", node.start_mark)
        sizes[key] = (count, depth + 1)
        return sizes[key]

    measure(root)


def _check_values(value: Any, depth: int = 1) -> int:
    """The same bounds for TOML values (which have no aliases): returns the count."""
    if depth > MAX_DEPTH:
        raise TooLarge(f"values nested more than {MAX_DEPTH} deep")
    if isinstance(value, dict):
        children: Any = value.values()
    elif isinstance(value, list):
        children = value
    else:
        return 1
    count = 1
    for child in children:
        count += _check_values(child, depth + 1)
        if count > MAX_VALUES:
            raise TooLarge(f"more than {MAX_VALUES:,} values")
    return count


HANDLERS = (_YAML(), TOMLHandler())
