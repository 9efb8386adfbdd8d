"""Source text -> FrontMatter: the YAML header with a line for every value.

Pure. YAML is parsed once (libyaml when available) into nodes, so every field,
list entry and nested key keeps the line it was written on. Dates stay text
(the `when` grammar reads them), and documents that could exhaust memory
(aliases, deep nesting, huge mappings) are refused before they are built.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import yaml

from generator.errors import SiteError

SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

PLAIN_TAGS = frozenset(f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null", "seq", "map"))
"""What plain YAML text resolves to; anything else was asked for with an explicit tag."""
MAX_DEPTH = 8
MAX_NODES = 2000


class _Loader(SafeLoader):
    """Safe YAML without timestamp typing: `when: 2024-09-19` stays '2024-09-19'."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass(frozen=True, slots=True)
class FrontMatter:
    fields: dict[str, Any]
    """The YAML mapping as plain Python values."""
    lines: dict[str, int]
    """'title' -> 2, 'details[0].label' -> 9: file line of every value."""
    body: str
    """The Markdown after the closing '---'."""
    body_line: int
    """File line where the body starts."""

    def line(self, key: str) -> int:
        """The line of a field, or of the front matter's start when absent."""
        return self.lines.get(key, 1)


def parse_front_matter(text: str, display: str) -> tuple[FrontMatter | None, list[SiteError]]:
    """Split and parse; on failure return None with the errors, each with its line."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return None, [SiteError(display, 1, None, "the file must start with front matter",
                                allowed="a first line '---', the fields, then a line '---'")]
    close = next((i for i in range(1, len(lines)) if lines[i].strip() in ("---", "...")), None)
    if close is None:
        return None, [SiteError(display, 1, None, "the front matter is not closed",
                                allowed="a line '---' after the last field")]
    header = "\n".join(lines[1:close])
    line_of = _lines_of(header, first_line=2)
    try:
        data, value_lines = _load_yaml(header, line_of)
    except yaml.MarkedYAMLError as exc:
        # An unclosed [list] or {mapping} is noticed lines later: point at where it opened.
        opened = exc.context and "flow" in exc.context and exc.context_mark
        mark = exc.context_mark if opened else (exc.problem_mark or exc.context_mark)
        line = line_of(mark) if mark else 1
        tab = _tab_indented(header, line - 2)
        if tab is not None:
            return None, [SiteError(display, tab + 2, None, "the front matter is not valid YAML: tabs are not "
                                    "allowed for indentation; use spaces",
                                    allowed="indent with spaces, e.g. two per level")]
        return None, [SiteError(display, line, None, f"the front matter is not valid YAML: {exc.problem}",
                                allowed="'field: value' lines; quote values that contain ': ' or start with a symbol")]
    except yaml.reader.ReaderError as exc:  # a character YAML refuses to read: no mark, a position
        line = header.count("\n", 0, exc.position) + 2
        return None, [SiteError(display, line, None, f"the front matter contains the control character "
                                f"U+{exc.character:04X}, which YAML does not allow",
                                allowed="delete it; most editors do not show it")]
    except _Refused as exc:
        return None, [SiteError(display, exc.line, None, str(exc))]
    if data is None:
        data = {}
    if not isinstance(data, dict):
        return None, [SiteError(display, 2, None, "the front matter must be 'field: value' lines")]
    body = "\n".join(lines[close + 1:])
    return FrontMatter(data, value_lines, body, close + 2), []


def _tab_indented(header: str, upto: int) -> int | None:
    """Index of the first header line, up to the failing one, indented with a tab. YAML forbids
    tabs there, but PyYAML words it as a stray character, or fails lines later when a tab
    made a nested line look like a new field."""
    for index, text in enumerate(header.split("\n")[:upto + 1]):
        if "\t" in text[:len(text) - len(text.lstrip(" \t"))]:
            return index
    return None


class _Refused(ValueError):
    def __init__(self, message: str, line: int):
        super().__init__(message)
        self.line = line


def _lines_of(header: str, first_line: int) -> Callable[[yaml.Mark], int]:
    """File line of a YAML mark, counted from its offset: YAML also starts a line at U+0085,
    U+2028, U+2029 and a lone CR, which editors (and this file's numbering) do not."""
    return lambda mark: header.count("\n", 0, mark.index) + first_line


def _load_yaml(text: str, line_of: Callable[[yaml.Mark], int]) -> tuple[Any, dict[str, int]]:
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, {}
        value_lines: dict[str, int] = {}
        _index(node, "", 0, line_of, value_lines, set())
        try:
            return loader.construct_document(node), value_lines
        except Exception:  # only PyYAML's constructors run here: '!!int x', '!!bool maybe', '!!float'
            raise _Refused("this value cannot be read as the type its YAML tag asks for; "
                           "remove the tag (!!...)", _unreadable_line(node, line_of)) from None
    finally:
        loader.dispose()


def _unreadable_line(node: yaml.Node, line_of: Callable[[yaml.Mark], int]) -> int:
    """The line of the first value that YAML cannot construct, each tried on its own."""
    probe, todo = _Loader(""), [node]
    try:
        while todo:
            current = todo.pop(0)
            if isinstance(current, yaml.ScalarNode):
                try:
                    probe.construct_object(current)
                except Exception:
                    return line_of(current.start_mark)
            elif isinstance(current, yaml.MappingNode):
                todo += [n for pair in current.value for n in pair]
            else:
                todo += current.value
        return line_of(node.start_mark)
    finally:
        probe.dispose()


def _index(node: yaml.Node, path: str, depth: int, line_of: Callable[[yaml.Mark], int],
           out: dict[str, int], seen: set[int]) -> None:
    """Record each value's line; refuse aliases, depth and size beyond limits."""
    line = line_of(node.start_mark)
    if id(node) in seen:
        raise _Refused("anchors and aliases (& and *) are not allowed; write the value out", line)
    seen.add(id(node))
    if depth > MAX_DEPTH or len(seen) > MAX_NODES:
        raise _Refused(f"the front matter is too deeply nested or too large "
                       f"(at most {MAX_DEPTH} levels and {MAX_NODES} values)", line)
    if node.tag not in PLAIN_TAGS:
        # Explicit tags (!!timestamp, !!binary, !!set...) ask YAML for types no field takes.
        raise _Refused(f"YAML tags such as {node.tag.replace('tag:yaml.org,2002:', '!!')} are not allowed; "
                       f"write the value plainly", line)
    if path:
        out.setdefault(path, line)
    if isinstance(node, yaml.MappingNode):
        given: dict[str, int] = {}
        for key, value in node.value:
            name = key.value if isinstance(key, yaml.ScalarNode) else "?"
            child = f"{path}.{name}" if path else str(name)
            if name in given:  # YAML would keep the last silently: the editor's first value lost
                raise _Refused(f"'{child}' is given twice (line {given[name]} and line {line_of(key.start_mark)}); "
                               f"keep one", line_of(key.start_mark))
            given[name] = line_of(key.start_mark)
            out.setdefault(child, line_of(key.start_mark))  # errors point at the key
            _index(value, child, depth + 1, line_of, out, seen)
    elif isinstance(node, yaml.SequenceNode):
        for i, value in enumerate(node.value):
            _index(value, f"{path}[{i}]", depth + 1, line_of, out, seen)
