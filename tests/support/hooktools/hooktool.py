#!/usr/bin/env python3
"""Test double for Juju's hook tools (is-leader, config-get, pod-spec-set, relation-get, ...).

One script, symlinked under every tool name; it acts on ``basename(argv[0])``.  Standard library
only, Python 3.8+, so it runs under whatever ``python3`` is first on ``PATH``.

State lives in the directory named by ``HOOKTOOL_STATE`` (JSON files, written atomically):

``model.json`` (written by the test, read here)
    ``leader`` (bool), ``config`` (option -> value; ``None`` = unset), ``network`` (address),
    ``action`` (``{"name", "params"}``), ``storage`` (``{"data/0": {"kind", "location"}}``),
    ``goal_units`` (extra unit names), ``fail`` (tool -> stderr text, or
    ``{"stderr", "returncode", "times"}``) to make a tool fail like Juju would.
``relations.json``
    ``{"next_id": N, "relations": {"<id>": {"endpoint", "remote_app", "units": [...],
    "data": {member: {key: value}}}}}``; a member is a unit or application name.
``resources/<name>/content.yaml``
    what ``resource-get <name>`` points at (written by the test).
Written here: ``calls.jsonl`` (one ``{"tool", "argv", "stdin", "returncode"}`` per call),
``status.json``, ``pod-spec-<n>.yaml`` / ``k8s-resources-<n>.yaml`` (copies: ops deletes the
originals right after the call) plus ``pod-spec.yaml`` / ``k8s-resources.yaml`` (latest) and
``pod-specs.json`` (count), ``juju-state.json`` (state-set), ``action-out.json``,
``juju-log.txt``, ``app-version``, ``ports.json``, ``leader-settings.json``.

Behaviour follows Juju 2.9 as described in docs/juju-podspec-reference.md section 8; error
messages are Juju-like, not byte-exact.
"""

import json
import os
import re
import sys
import time

TOOLS = (
    "is-leader", "config-get", "resource-get", "pod-spec-set", "k8s-spec-set", "status-set",
    "status-get", "juju-log", "application-version-set", "relation-ids", "relation-list",
    "relation-get", "relation-set", "relation-model-get", "network-get", "action-get",
    "action-set", "action-log", "action-fail", "storage-list", "storage-get", "storage-add",
    "goal-state", "state-get", "state-set", "state-delete", "opened-ports", "open-port",
    "close-port", "leader-get", "leader-set", "credential-get",
)

SETTABLE_STATUSES = ("maintenance", "blocked", "waiting", "active")


class ToolError(Exception):
    """Ends the tool: ``message`` goes to stderr, the exit code is ``code``."""

    def __init__(self, message, code=1):
        super().__init__(message)
        self.message = message if message.startswith("ERROR") else "ERROR " + message
        self.code = code


# --------------------------------------------------------------------------------------------
# A small YAML reader (block and flow collections, plain / quoted / block scalars, anchors).
# Enough for config.yaml, metadata.yaml and what ops' yaml.safe_dump / yaml.dump produce.
# --------------------------------------------------------------------------------------------


class YamlError(ValueError):
    pass


_NULLS = ("", "~", "null", "Null", "NULL")
_TRUES = ("yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON")
_FALSES = ("no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF")
_INT = re.compile(r"[-+]?(0|[1-9][0-9_]*)$")
_INT_OCT = re.compile(r"[-+]?0[0-7_]+$")
_INT_HEX = re.compile(r"[-+]?0x[0-9a-fA-F_]+$")
_INT_BIN = re.compile(r"[-+]?0b[01_]+$")
_FLOAT = re.compile(r"[-+]?([0-9][0-9_]*)?\.[0-9_]*([eE][-+][0-9]+)?$")
_ESCAPES = {
    "0": "\0", "a": "\x07", "b": "\x08", "t": "\t", "\t": "\t", "n": "\n", "v": "\x0b",
    "f": "\x0c", "r": "\r", "e": "\x1b", " ": " ", '"': '"', "/": "/", "\\": "\\",
    "N": "\x85", "_": "\xa0", "L": "\u2028", "P": "\u2029",
}
_HEX_ESCAPES = {"x": 2, "u": 4, "U": 8}


def _resolve_plain(text, resolve=True):
    """YAML 1.1 implicit types, as PyYAML's SafeLoader (and, mostly, Go yaml.v2) resolve them.

    With ``resolve=False`` only null is resolved and everything else stays text: that is how
    Juju's Go code decodes ``relation-set --file`` into ``map[string]string``.
    """
    if text in _NULLS:
        return None
    if not resolve:
        return text
    if text in _TRUES:
        return True
    if text in _FALSES:
        return False
    try:
        if _INT.match(text):
            return int(text.replace("_", ""))
        if _INT_HEX.match(text):
            return int(text.replace("_", ""), 16)
        if _INT_BIN.match(text):
            return int(text.replace("_", "").replace("0b", ""), 2)
        if _INT_OCT.match(text):
            return int(text.replace("_", ""), 8)
        if text.lower().lstrip("+-") == ".inf":
            return float("-inf") if text.startswith("-") else float("inf")
        if text.lower() == ".nan":
            return float("nan")
        if _FLOAT.match(text) and text.strip("+-.") != "":
            return float(text.replace("_", ""))
    except ValueError:
        pass
    return text


def _scan_quoted(s, pos):
    """Parse a quoted scalar starting at ``s[pos]`` (a quote); return (value, end position).

    ``s`` may span lines: a line break folds to a space, each empty line to a newline, and
    whitespace around line breaks is dropped (YAML flow scalar folding).
    """
    quote = s[pos]
    out = []
    pending_ws = []
    i = pos + 1
    n = len(s)
    while True:
        if i >= n:
            raise YamlError("unterminated quoted scalar")
        c = s[i]
        if quote == "'" and c == "'":
            if i + 1 < n and s[i + 1] == "'":
                out.extend(pending_ws)
                pending_ws = []
                out.append("'")
                i += 2
                continue
            out.extend(pending_ws)
            return "".join(out), i + 1
        if quote == '"' and c == '"':
            out.extend(pending_ws)
            return "".join(out), i + 1
        if quote == '"' and c == "\\":
            out.extend(pending_ws)
            pending_ws = []
            if i + 1 >= n:
                raise YamlError("unterminated escape")
            e = s[i + 1]
            if e == "\n":
                i += 2
                i, breaks = _skip_fold(s, i)
                out.append("\n" * breaks)
                continue
            if e in _ESCAPES:
                out.append(_ESCAPES[e])
                i += 2
                continue
            if e in _HEX_ESCAPES:
                width = _HEX_ESCAPES[e]
                digits = s[i + 2:i + 2 + width]
                if len(digits) != width or not re.match(r"[0-9a-fA-F]+$", digits):
                    raise YamlError(f"bad escape \\{e}{digits}")
                out.append(chr(int(digits, 16)))
                i += 2 + width
                continue
            raise YamlError(f"unknown escape \\{e}")
        if c == "\n":
            pending_ws = []
            i, breaks = _skip_fold(s, i + 1)
            out.append("\n" * breaks if breaks else " ")
            continue
        if c in " \t":
            pending_ws.append(c)
            i += 1
            continue
        out.extend(pending_ws)
        pending_ws = []
        out.append(c)
        i += 1


def _skip_fold(s, i):
    """Skip leading whitespace of continuation lines; return (position, number of empty lines)."""
    breaks = 0
    n = len(s)
    while True:
        while i < n and s[i] in " \t":
            i += 1
        if i < n and s[i] == "\n":
            breaks += 1
            i += 1
            continue
        return i, breaks


class _FlowParser:
    """Flow collections (``[a, b]``, ``{k: v}``), possibly over several lines."""

    def __init__(self, s, anchors, resolve=True):
        self.s = s
        self.i = 0
        self.anchors = anchors
        self.resolve = resolve

    def skip(self):
        s = self.s
        while self.i < len(s):
            c = s[self.i]
            if c in " \t\n":
                self.i += 1
            elif c == "#" and (self.i == 0 or s[self.i - 1] in " \t\n"):
                while self.i < len(s) and s[self.i] != "\n":
                    self.i += 1
            else:
                return

    def value(self):
        self.skip()
        if self.i >= len(self.s):
            raise YamlError("unexpected end of flow collection")
        c = self.s[self.i]
        anchor = None
        if c == "&":
            m = re.compile(r"&([^\s,\[\]{}]+)").match(self.s, self.i)
            anchor = m.group(1)
            self.i = m.end()
            self.skip()
            c = self.s[self.i]
        if c == "*":
            m = re.compile(r"\*([^\s,\[\]{}]+)").match(self.s, self.i)
            self.i = m.end()
            if m.group(1) not in self.anchors:
                raise YamlError(f"unknown alias *{m.group(1)}")
            return self.anchors[m.group(1)]
        if c == "[":
            value = self.seq()
        elif c == "{":
            value = self.map()
        elif c in "'\"":
            value, self.i = _scan_quoted(self.s, self.i)
        else:
            value = _resolve_plain(self.plain(), self.resolve)
        if anchor:
            self.anchors[anchor] = value
        return value

    def plain(self):
        s = self.s
        start = self.i
        while self.i < len(s):
            c = s[self.i]
            if c in ",[]{}":
                break
            if c == ":" and (self.i + 1 >= len(s) or s[self.i + 1] in " \t\n,[]{}"):
                break
            if c == "#" and s[self.i - 1] in " \t\n":
                break
            self.i += 1
        lines = [part.strip() for part in s[start:self.i].split("\n")]
        return " ".join(part for part in lines if part)

    def seq(self):
        self.i += 1
        out = []
        while True:
            self.skip()
            if self.s[self.i:self.i + 1] == "]":
                self.i += 1
                return out
            out.append(self.value())
            self.skip()
            c = self.s[self.i:self.i + 1]
            if c == ",":
                self.i += 1
            elif c != "]":
                raise YamlError(f"expected ',' or ']' in flow sequence, got {c!r}")

    def map(self):
        self.i += 1
        out = {}
        while True:
            self.skip()
            if self.s[self.i:self.i + 1] == "}":
                self.i += 1
                return out
            if self.s[self.i:self.i + 2] in ("? ", "?\t", "?\n"):
                self.i += 2
                self.skip()
            key = self.value()
            self.skip()
            value = None
            if self.s[self.i:self.i + 1] == ":":
                self.i += 1
                self.skip()
                if self.s[self.i:self.i + 1] not in (",", "}"):
                    value = self.value()
            out[key] = value
            self.skip()
            c = self.s[self.i:self.i + 1]
            if c == ",":
                self.i += 1
            elif c != "}":
                raise YamlError(f"expected ',' or '}}' in flow mapping, got {c!r}")


_BLOCK_HEADER = re.compile(r"([|>])([+-]?)([1-9]?)([+-]?)[ \t]*(#.*)?$")


class _BlockParser:
    def __init__(self, text, resolve=True):
        self.resolve = resolve
        text = text.replace("\r\n", "\n").lstrip("\ufeff")
        self.last_has_break = text.endswith("\n")
        self.lines = text.split("\n")
        if self.last_has_break:
            self.lines.pop()
        self.i = 0
        self.anchors = {}
        self.end = len(self.lines)

    # -- line helpers ------------------------------------------------------------------------
    @staticmethod
    def indent(line):
        n = len(line) - len(line.lstrip(" "))
        return n

    def skip_blank(self):
        while self.i < self.end:
            s = self.lines[self.i].strip()
            if s == "" or s.startswith("#"):
                self.i += 1
            else:
                return

    def eof(self):
        self.skip_blank()
        return self.i >= self.end

    def rest_text(self, col):
        """The document from line ``self.i`` column ``col`` to its end, as one string."""
        return "\n".join([self.lines[self.i][col:], *self.lines[self.i + 1:self.end]])

    def scan(self, col, scanner):
        """Run ``scanner(text) -> (value, end)`` on the text from line i, column col.

        Tries the current line alone first (the usual case), then the rest of the document.
        Moves past the value's last line and returns (value, rest of that last line).
        """
        line = self.lines[self.i][col:]
        try:
            value, end = scanner(line)
            crossed = 0
            text = line
        except (YamlError, IndexError):
            text = self.rest_text(col)
            value, end = scanner(text)
            crossed = text[:end].count("\n")
        rest = text[end:].split("\n", 1)[0]
        self.i += crossed + 1
        return value, rest

    @staticmethod
    def check_trailing(rest):
        r = rest.strip()
        if r and not r.startswith("#"):
            raise YamlError(f"unexpected text after value: {rest!r}")

    # -- document ----------------------------------------------------------------------------
    def document(self):
        self.skip_blank()
        while self.i < self.end and self.lines[self.i].startswith("%"):
            self.i += 1
            self.skip_blank()
        for j in range(self.i, len(self.lines)):
            if j > self.i and (self.lines[j] in ("---", "...") or self.lines[j].startswith("--- ")):
                self.end = j
                break
        if self.i < self.end and (self.lines[self.i] == "---" or self.lines[self.i].startswith("--- ")):
            inline = self.lines[self.i][3:].strip()
            if inline and not inline.startswith("#"):
                self.lines[self.i] = "    " + self.lines[self.i][4:]
            else:
                self.i += 1
        value = self.block_node(-1)
        if not self.eof():
            raise YamlError(f"unexpected content at line {self.i + 1}: {self.lines[self.i]!r}")
        for line in self.lines[self.end + 1:]:
            if line.strip() and not line.strip().startswith("#") and line.strip() != "...":
                raise YamlError("more than one YAML document")
        return value

    def block_node(self, parent_indent):
        """The node on the following lines, indented more than ``parent_indent`` (or None)."""
        if self.eof():
            return None
        n = self.indent(self.lines[self.i])
        if n <= parent_indent:
            return None
        return self.node_at(n, parent_indent)

    def node_at(self, n, parent_indent):
        line = self.lines[self.i]
        content = line[n:]
        if content == "-" or content.startswith(("- ", "-\t")):
            return self.seq(n)
        if self.key_split(content) is not None or _is_indicator(content, "?"):
            return self.map(n)
        return self.inline(n, parent_indent)

    # -- collections -------------------------------------------------------------------------
    def seq(self, n):
        items = []
        while not self.eof():
            line = self.lines[self.i]
            ind = self.indent(line)
            content = line[n:]
            if ind != n or not (content == "-" or content.startswith(("- ", "-\t"))):
                if ind > n:
                    raise YamlError(f"bad indentation at line {self.i + 1}")
                break
            rest = content[1:]
            stripped = rest.lstrip(" \t")
            if stripped == "" or stripped.startswith("#"):
                self.i += 1
                items.append(self.block_node(n))
                continue
            col = n + 1 + len(rest) - len(stripped)
            self.lines[self.i] = " " * col + stripped
            items.append(self.node_at(col, n))
        return items

    def key_split(self, content):
        """(key, rest) when ``content`` is a ``key: value`` line, else None."""
        if content.startswith(("'", '"')):
            try:
                key, end = _scan_quoted(content, 0)
            except YamlError:
                return None
            after = content[end:].lstrip(" \t")
            if after == ":" or after.startswith((": ", ":\t")):
                return key, after[1:]
            return None
        if content[:1] in "[{!&*|>%@`#" or _is_indicator(content, "?"):
            return None
        for m in re.finditer(r":(?=[ \t]|$)", content):
            key = content[:m.start()]
            if re.search(r"[ \t]#", key):
                return None
            return key.rstrip(" \t"), content[m.end():]
        return None

    def map(self, n):
        out = {}
        while not self.eof():
            line = self.lines[self.i]
            ind = self.indent(line)
            if ind != n:
                if ind > n:
                    raise YamlError(f"bad indentation at line {self.i + 1}: {line!r}")
                break
            content = line[n:]
            if content == "-" or content.startswith(("- ", "-\t")):
                break
            if _is_indicator(content, "?"):
                key = self.explicit_entry(n)
                if isinstance(key, (list, dict)):
                    raise YamlError("collection keys are not supported")
                value = None
                if not self.eof() and self.indent(self.lines[self.i]) == n and \
                        _is_indicator(self.lines[self.i][n:], ":"):
                    value = self.explicit_entry(n)
                out[key] = value
                continue
            split = self.key_split(content)
            if split is None:
                raise YamlError(f"expected 'key: value' at line {self.i + 1}: {line!r}")
            key, rest = split
            if self.resolve and not content.startswith(("'", '"')):
                key = _resolve_key(key)
            out[key] = self.value_after_key(rest, n)
        return out

    def explicit_entry(self, n):
        """The node after a '? ' or ': ' indicator at column n of the current line."""
        rest = self.lines[self.i][n + 1:]
        stripped = rest.lstrip(" \t")
        if stripped == "" or stripped.startswith("#"):
            return self.value_after_key("", n)
        col = n + 1 + len(rest) - len(stripped)
        self.lines[self.i] = " " * col + stripped
        return self.node_at(col, n)

    def value_after_key(self, rest, n):
        stripped = rest.lstrip(" \t")
        anchor = None
        m = re.match(r"&(\S+)[ \t]*", stripped)
        if m:
            anchor, stripped = m.group(1), stripped[m.end():]
        if stripped == "" or stripped.startswith("#"):
            self.i += 1
            if self.eof():
                value = None
            else:
                line = self.lines[self.i]
                ind = self.indent(line)
                content = line[ind:]
                if ind > n:
                    value = self.node_at(ind, n)
                elif ind == n and (content == "-" or content.startswith(("- ", "-\t"))):
                    value = self.seq(n)
                else:
                    value = None
        else:
            col = len(self.lines[self.i]) - len(stripped)
            value = self.inline(col, n)
        if anchor:
            self.anchors[anchor] = value
        return value

    # -- scalars and flow collections on the current line -----------------------------------
    def inline(self, col, parent_indent):
        """The value starting at column ``col`` of the current line."""
        line = self.lines[self.i]
        text = line[col:]
        m = re.match(r"&(\S+)[ \t]*", text)
        if m:
            self.lines[self.i] = line[:col] + " " * m.end() + text[m.end():]
            if text[m.end():].strip() == "":
                self.i += 1
                value = self.block_node(parent_indent)
            else:
                value = self.inline(col + m.end(), parent_indent)
            self.anchors[m.group(1)] = value
            return value
        if text.startswith("*"):
            m = re.match(r"\*(\S+)", text)
            self.check_trailing(text[m.end():])
            self.i += 1
            if m.group(1) not in self.anchors:
                raise YamlError(f"unknown alias *{m.group(1)}")
            return self.anchors[m.group(1)]
        if text.startswith("!!str ") or text.startswith("!!str\t"):
            self.lines[self.i] = line[:col] + "      " + text[6:]
            value = self.inline(col + 6 + len(text[6:]) - len(text[6:].lstrip()), parent_indent)
            return value if isinstance(value, str) or value is None else _plain_text(value)
        if text.startswith("!"):
            raise YamlError(f"tags are not supported: {text!r}")
        if text[:1] in "|>":
            return self.block_scalar(text, parent_indent)
        if text[:1] in "'\"":
            value, rest = self.scan(col, lambda t: _scan_quoted(t, 0))
            self.check_trailing(rest)
            return value
        if text[:1] in "[{":
            def flow(t):
                parser = _FlowParser(t, self.anchors, self.resolve)
                return parser.value(), parser.i
            value, rest = self.scan(col, flow)
            self.check_trailing(rest)
            return value
        return self.plain(text, parent_indent)

    def plain(self, text, parent_indent):
        m = re.search(r"[ \t]#", text)
        first = (text[:m.start()] if m else text).strip()
        parts = [first]
        self.i += 1
        if m is None:
            blanks = 0
            while self.i < self.end:
                line = self.lines[self.i]
                s = line.strip()
                if s == "":
                    blanks += 1
                    self.i += 1
                    continue
                if self.indent(line) <= parent_indent or s.startswith("#"):
                    break
                if parent_indent < 0 and self.key_split(s) is not None:
                    break
                cm = re.search(r"[ \t]#", s)
                parts.append("\n" * blanks if blanks else " ")
                parts.append(s[:cm.start()].rstrip() if cm else s)
                blanks = 0
                self.i += 1
                if cm:
                    break
        return _resolve_plain("".join(parts), self.resolve)

    def block_scalar(self, header, parent_indent):
        m = _BLOCK_HEADER.match(header)
        if not m:
            raise YamlError(f"bad block scalar header {header!r}")
        folded = m.group(1) == ">"
        chomp = m.group(2) or m.group(4)
        min_indent = max(parent_indent + 1, 1)
        self.i += 1
        start = self.i
        j = start
        if m.group(3):
            indent = min_indent + int(m.group(3)) - 1
        else:
            max_blank = 0
            indent = None
            while j < self.end:
                line = self.lines[j]
                if line.strip(" ") == "":
                    max_blank = max(max_blank, len(line))
                    j += 1
                    continue
                indent = max(min_indent, self.indent(line), max_blank)
                break
            if indent is None:
                indent = max(min_indent, max_blank)
        # (is_content, text) for every line of the scalar
        rows = []
        j = start
        while j < self.end:
            line = self.lines[j]
            if line.strip(" ") == "" and len(line) <= indent:
                rows.append((False, ""))
            elif self.indent(line) >= indent:
                rows.append((True, line[indent:]))
            else:
                break
            j += 1
        self.i = j
        chunks = []
        k = 0
        leading = 0
        while k < len(rows) and not rows[k][0]:
            leading += 1
            k += 1
        line_break = ""
        trailing = leading
        if k < len(rows):
            chunks.append("\n" * leading)
            trailing = 0
            while k < len(rows):
                content = rows[k][1]
                leading_non_space = content[:1] not in (" ", "\t")
                chunks.append(content)
                src_index = start + k
                line_break = "\n" if (src_index < len(self.lines) - 1 or self.last_has_break) else ""
                k += 1
                breaks = 0
                while k < len(rows) and not rows[k][0]:
                    breaks += 1
                    k += 1
                if k < len(rows):
                    nxt = rows[k][1]
                    if folded and line_break == "\n" and leading_non_space and nxt[:1] not in (" ", "\t"):
                        if not breaks:
                            chunks.append(" ")
                    else:
                        chunks.append(line_break)
                    chunks.append("\n" * breaks)
                else:
                    trailing = breaks
        if chomp != "-":
            chunks.append(line_break)
        if chomp == "+":
            chunks.append("\n" * trailing)
        return "".join(chunks)


def _is_indicator(content, char):
    return content == char or content.startswith((char + " ", char + "\t"))


def _resolve_key(key):
    value = _resolve_plain(key)
    return value if isinstance(value, (str, int)) and not isinstance(value, bool) else key


def _plain_text(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def yaml_load(text, resolve=True):
    """Parse one YAML document (the subset described above) into Python values."""
    return _BlockParser(text, resolve).document()


def load_mapping(text, what):
    """JSON or YAML mapping from ``text``, as Juju accepts for ``--file``."""
    stripped = text.strip()
    if stripped == "":
        return {}
    data = None
    if stripped.startswith("{"):
        try:
            data = json.loads(stripped)
        except ValueError:
            data = None
    if data is None:
        try:
            data = yaml_load(text, resolve=False)
        except YamlError as err:
            raise ToolError(f"cannot parse {what}: yaml: {err}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ToolError(f"cannot parse {what}: expected a mapping, got {type(data).__name__}")
    return data


# --------------------------------------------------------------------------------------------
# State files
# --------------------------------------------------------------------------------------------


class State:
    def __init__(self, directory):
        self.dir = directory

    def path(self, name):
        return os.path.join(self.dir, name)

    def read(self, name, default):
        try:
            with open(self.path(name), encoding="utf-8") as f:
                return json.load(f)
        except FileNotFoundError:
            return default

    def write(self, name, data):
        write_atomic(self.path(name), json.dumps(data, indent=1, sort_keys=True) + "\n")

    def model(self):
        return self.read("model.json", {})


def write_atomic(path, text):
    tmp = f"{path}.tmp-{os.getpid()}"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)


def now():
    t = time.time()
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t)) + f".{int((t % 1) * 1e6):06d}Z"


def unit_name():
    name = os.environ.get("JUJU_UNIT_NAME", "")
    if "/" not in name:
        raise ToolError("JUJU_UNIT_NAME is not set (not running in a hook context)")
    return name


def app_name():
    return unit_name().split("/")[0]


def is_leader(state):
    return bool(state.model().get("leader", False))


# --------------------------------------------------------------------------------------------
# Argument parsing, gnuflag style: flags may come anywhere, "--" ends them.
# --------------------------------------------------------------------------------------------

_FLAG_ALIASES = {"r": "relation", "l": "log-level", "s": "storage", "o": "output", "a": "all"}


def parse_args(args, value_flags=(), bool_flags=()):
    """Return (options, positionals); unknown flags fail as gnuflag does."""
    value_flags = set(value_flags) | {"format", "output"}
    opts = {}
    pos = []
    i = 0
    dashdash = False
    while i < len(args):
        a = args[i]
        i += 1
        if dashdash or a == "-" or not a.startswith("-"):
            pos.append(a)
            continue
        if a == "--":
            dashdash = True
            continue
        name, eq, val = a.lstrip("-").partition("=")
        name = _FLAG_ALIASES.get(name, name)
        if name in value_flags:
            if not eq:
                if i >= len(args):
                    raise ToolError(f"flag needs an argument: {a}", 2)
                val = args[i]
                i += 1
            opts[name] = val
        elif name in bool_flags:
            if eq:
                if val.lower() not in ("true", "false", "1", "0", "t", "f"):
                    raise ToolError(f'invalid boolean value "{val}" for flag {a}', 2)
                opts[name] = val.lower() in ("true", "1", "t")
            else:
                opts[name] = True
        else:
            raise ToolError("flag provided but not defined: {}".format(a.split("=")[0]), 2)
    return opts, pos


def render(value, opts):
    """Format output as Juju does: JSON with --format=json, else 'smart' (plain strings)."""
    fmt = opts.get("format", "smart")
    if fmt not in ("json", "yaml", "smart"):
        raise ToolError(f'invalid value "{fmt}" for flag --format: unknown format', 2)
    if fmt == "json":
        text = json.dumps(value) + "\n"
    elif isinstance(value, str):
        text = value if value.endswith("\n") or value == "" else value + "\n"
    elif isinstance(value, bool):
        text = ("True" if value else "False") + "\n"
    elif value is None:
        text = ""
    else:
        text = json.dumps(value, indent=2) + "\n"
    if opts.get("output"):
        with open(opts["output"], "w", encoding="utf-8") as f:
            f.write(text)
        return ""
    return text


# --------------------------------------------------------------------------------------------
# Tools
# --------------------------------------------------------------------------------------------


def charm_file(name):
    charm_dir = os.environ.get("JUJU_CHARM_DIR") or os.environ.get("CHARM_DIR") or "."
    return os.path.join(charm_dir, name)


def read_charm_yaml(name):
    try:
        with open(charm_file(name), encoding="utf-8") as f:
            text = f.read()
    except FileNotFoundError:
        return {}
    try:
        return yaml_load(text) or {}
    except YamlError as err:
        raise ToolError(f"cannot parse {name}: {err}") from None


def current_config(state, include_unset=False):
    options = (read_charm_yaml("config.yaml").get("options") or {})
    values = {}
    for name, option in options.items():
        values[name] = (option or {}).get("default")
    for name, value in (state.model().get("config") or {}).items():
        values[name] = value
    if include_unset:
        return values
    return {k: v for k, v in values.items() if v is not None}


def tool_is_leader(state, args, stdin):
    opts, _ = parse_args(args)
    return render(is_leader(state), opts)


def tool_config_get(state, args, stdin):
    opts, pos = parse_args(args, bool_flags=("all",))
    config = current_config(state, include_unset=bool(opts.get("all")))
    if pos:
        return render(config.get(pos[0]), opts)
    return render(config, opts)


def tool_resource_get(state, args, stdin):
    _, pos = parse_args(args)
    if len(pos) != 1:
        raise ToolError("resource-get expects exactly one resource name", 2)
    name = pos[0]
    try:
        declared = read_charm_yaml("metadata.yaml").get("resources") or {}
    except ToolError:
        declared = {}
    path = state.path(os.path.join("resources", name, "content.yaml"))
    if declared and name not in declared:
        raise ToolError(f'could not download resource: resource "{name}" not found')
    if not os.path.exists(path):
        raise ToolError(
            "could not download resource: HTTP request failed: Get "
            "https://10.0.0.1:17070/model/{}/units/unit-{}/resources/{}: resource#{}/{} not found".format(
                os.environ.get("JUJU_MODEL_UUID", ""), unit_name().replace("/", "-"), name, app_name(), name))
    return path + "\n"


_TOP_KEY = re.compile(r"^([^\s#'\"-][^:]*?|'[^']*'|\"[^\"]*\"):(\s|$)", re.MULTILINE)


def tool_pod_spec_set(state, args, stdin):
    opts, pos = parse_args(args, value_flags=("file", "k8s-resources"))
    if pos:
        raise ToolError(f"unrecognized args: {pos}", 2)
    if not is_leader(state):
        raise ToolError("this unit is not the leader")
    spec_file = opts.get("file")
    if not spec_file:
        raise ToolError("no pod spec specified: use --file", 2)
    try:
        with open(spec_file, encoding="utf-8") as f:
            spec_text = f.read()
        k8s_text = None
        if opts.get("k8s-resources"):
            with open(opts["k8s-resources"], encoding="utf-8") as f:
                k8s_text = f.read()
    except OSError as err:
        raise ToolError(f"cannot read spec: {err}") from None
    # Juju joins the two files as text and parses the result strictly (reference section 1.1).
    merged = spec_text + (k8s_text or "")
    if k8s_text:
        spec_keys = {m.group(1) for m in _TOP_KEY.finditer(spec_text)}
        dup = sorted({m.group(1) for m in _TOP_KEY.finditer(k8s_text)} & spec_keys)
        if dup:
            # Stricter than Juju may be (Go yaml may keep the last key silently), but it is a
            # charm bug either way: one of the two sections is lost.
            raise ToolError(f"cannot parse pod spec: top-level key {', '.join(dup)} appears in both --file "
                            "and --k8s-resources (Juju concatenates the files; test-double check)")
    try:
        parsed = yaml_load(merged)
    except YamlError as err:
        raise ToolError(f"cannot parse pod spec: yaml: {err}") from None
    if not isinstance(parsed, dict):
        raise ToolError("cannot parse pod spec: not a mapping")
    if parsed.get("version", 0) not in (0, 2, 3):
        raise ToolError("latest supported version 3, but got {}".format(parsed.get("version")))
    index = state.read("pod-specs.json", {"count": 0})
    n = index["count"] + 1
    write_atomic(state.path(f"pod-spec-{n}.yaml"), spec_text)
    write_atomic(state.path("pod-spec.yaml"), spec_text)
    if k8s_text is not None:
        write_atomic(state.path(f"k8s-resources-{n}.yaml"), k8s_text)
        write_atomic(state.path("k8s-resources.yaml"), k8s_text)
    elif os.path.exists(state.path("k8s-resources.yaml")):
        os.unlink(state.path("k8s-resources.yaml"))
    state.write("pod-specs.json", {"count": n})
    return ""


def tool_status_set(state, args, stdin):
    opts, pos = parse_args(args, bool_flags=("application",))
    if not pos:
        raise ToolError("invalid args, require <status> [message] [data]", 2)
    if len(pos) > 2:
        raise ToolError(f"unrecognized args: {pos[2:]}", 2)
    status = pos[0]
    message = pos[1] if len(pos) > 1 else ""
    if status not in SETTABLE_STATUSES:
        choices = " ".join(SETTABLE_STATUSES)
        raise ToolError(f'invalid status "{status}", expected one of [{choices}]')
    is_app = bool(opts.get("application"))
    if is_app and not is_leader(state):
        raise ToolError("setting application status: this unit is not the leader")
    data = state.read("status.json", {"history": []})
    who = "app" if is_app else "unit"
    data[who] = {"status": status, "message": message, "since": now()}
    data["history"].append({"who": who, "status": status, "message": message})
    state.write("status.json", data)
    return ""


def _status_of(data, who):
    entry = data.get(who) or {"status": "unknown", "message": ""}
    return {"status": entry["status"], "message": entry["message"], "status-data": {}}


def tool_status_get(state, args, stdin):
    opts, pos = parse_args(args, bool_flags=("application", "include-data"))
    data = state.read("status.json", {"history": []})
    if opts.get("application"):
        if not is_leader(state):
            raise ToolError("finding application status: this unit is not the leader")
        app = _status_of(data, "app")
        app["units"] = {unit_name(): _status_of(data, "unit")}
        value = {"application-status": app}
    else:
        value = _status_of(data, "unit")
        if not opts.get("include-data"):
            value.pop("status-data")
    if pos and pos[0] in ("status", "message"):
        value = value[pos[0]] if not opts.get("application") else value["application-status"][pos[0]]
    return render(value, opts)


def tool_juju_log(state, args, stdin):
    opts, pos = parse_args(args, value_flags=("log-level",), bool_flags=("debug",))
    level = opts.get("log-level", "DEBUG" if opts.get("debug") else "INFO")
    message = " ".join(pos)
    with open(state.path("juju-log.txt"), "a", encoding="utf-8") as f:
        f.write(f"{unit_name()} {level}: {message}\n")
    return ""


def tool_application_version_set(state, args, stdin):
    _, pos = parse_args(args)
    if len(pos) != 1:
        raise ToolError("application-version-set expects one version", 2)
    write_atomic(state.path("app-version"), pos[0])
    return ""


# -- relations --------------------------------------------------------------------------------


def relations(state):
    return state.read("relations.json", {"next_id": 0, "relations": {}})


def find_relation(store, ref):
    """The relation for ``-r`` (``endpoint:N`` or ``N``; default JUJU_RELATION_ID)."""
    ref = ref or os.environ.get("JUJU_RELATION_ID", "")
    if not ref:
        raise ToolError("no relation id specified", 2)
    endpoint, _, number = ref.rpartition(":")
    rel = store["relations"].get(number)
    if rel is None or (endpoint and endpoint != rel["endpoint"]):
        raise ToolError(f'invalid value "{ref}" for option -r: relation not found', 2)
    return number, rel


def tool_relation_ids(state, args, stdin):
    opts, pos = parse_args(args)
    endpoint = pos[0] if pos else os.environ.get("JUJU_RELATION", "")
    if not endpoint:
        raise ToolError("no endpoint name specified", 2)
    store = relations(state)
    ids = [f"{endpoint}:{n}" for n, rel in sorted(store["relations"].items(), key=lambda kv: int(kv[0]))
           if rel["endpoint"] == endpoint]
    return render(ids, opts) if opts.get("format") == "json" else "".join(i + "\n" for i in ids)


def tool_relation_list(state, args, stdin):
    opts, _ = parse_args(args, value_flags=("relation",), bool_flags=("app",))
    _, rel = find_relation(relations(state), opts.get("relation"))
    if opts.get("app"):
        return render(rel["remote_app"], opts)
    units = list(rel["units"])
    return render(units, opts) if opts.get("format") == "json" else "".join(u + "\n" for u in units)


def tool_relation_get(state, args, stdin):
    opts, pos = parse_args(args, value_flags=("relation",), bool_flags=("app",))
    _, rel = find_relation(relations(state), opts.get("relation"))
    key = pos[0] if pos else "-"
    member = pos[1] if len(pos) > 1 else os.environ.get("JUJU_REMOTE_UNIT", "")
    if len(pos) > 2:
        raise ToolError(f"unrecognized args: {pos[2:]}", 2)
    if not member:
        raise ToolError("no unit or application specified", 2)
    if opts.get("app"):
        if member not in (app_name(), rel["remote_app"]):
            raise ToolError(f'invalid application "{member}" for relation')
        peer = rel["remote_app"] == app_name()
        if member == app_name() and not peer and not is_leader(state):
            raise ToolError("permission denied")
    elif member != unit_name() and member not in rel["units"]:
        raise ToolError(f'cannot read settings for unit "{member}" in relation "{rel["endpoint"]}": '
                        f'unit "{member}": settings not found')
    bag = dict(rel["data"].get(member, {}))
    if key != "-":
        return render(bag.get(key), opts) if opts.get("format") == "json" else (bag.get(key, "") + "\n")
    return render(bag, opts)


def read_settings(opts, pos, stdin, what):
    """Settings of relation-set/state-set: a YAML or JSON mapping from --file (- is stdin), then key=value."""
    settings = {}
    if opts.get("file"):
        if opts["file"] == "-":
            text = stdin or ""
        else:
            with open(opts["file"], encoding="utf-8") as f:
                text = f.read()
        settings.update(load_mapping(text, what))
    for kv in pos:
        k, eq, v = kv.partition("=")
        if not eq:
            raise ToolError(f'expected "key=value", got "{kv}"', 2)
        settings[k] = v
    return settings


def tool_relation_set(state, args, stdin):
    opts, pos = parse_args(args, value_flags=("relation", "file"), bool_flags=("app",))
    store = relations(state)
    number, rel = find_relation(store, opts.get("relation"))
    settings = read_settings(opts, pos, stdin, "relation settings")
    member = app_name() if opts.get("app") else unit_name()
    if opts.get("app") and not is_leader(state):
        raise ToolError("cannot write relation settings: this unit is not the leader")
    bag = rel["data"].setdefault(member, {})
    for k, v in settings.items():
        if v is None or v == "":
            bag.pop(str(k), None)
        else:
            bag[str(k)] = v if isinstance(v, str) else _plain_text(v)
    store["relations"][number] = rel
    state.write("relations.json", store)
    return ""


def tool_relation_model_get(state, args, stdin):
    opts, _ = parse_args(args, value_flags=("relation",))
    find_relation(relations(state), opts.get("relation"))
    return render({"uuid": os.environ.get("JUJU_MODEL_UUID", "")}, opts)


def tool_network_get(state, args, stdin):
    flags = ("ingress-address", "bind-address", "egress-subnets", "primary-address")
    opts, pos = parse_args(args, value_flags=("relation",), bool_flags=flags)
    if len(pos) != 1:
        raise ToolError("no arguments specified" if not pos else f"unrecognized args: {pos[1:]}", 2)
    if opts.get("relation"):
        find_relation(relations(state), opts["relation"])
    address = state.model().get("network", "127.0.0.1")
    info = {
        "bind-addresses": [{
            "mac-address": "", "interface-name": "eth0",
            "addresses": [{"hostname": "", "value": address, "cidr": address + "/32"}],
            "macaddress": "", "interfacename": "eth0",
        }],
        "egress-subnets": [address + "/32"],
        "ingress-addresses": [address],
    }
    if opts.get("ingress-address") or opts.get("primary-address") or opts.get("bind-address"):
        return render(address, opts)
    if opts.get("egress-subnets"):
        return render(info["egress-subnets"], opts)
    return render(info, opts)


# -- actions ----------------------------------------------------------------------------------


def current_action(state):
    action = state.model().get("action")
    if not action or not os.environ.get("JUJU_ACTION_NAME"):
        raise ToolError("not running an action")
    return action


def tool_action_get(state, args, stdin):
    opts, pos = parse_args(args)
    value = current_action(state).get("params", {})
    for key in pos[:1]:
        for part in key.split("."):
            value = value.get(part) if isinstance(value, dict) else None
    return render(value, opts)


_ACTION_KEY = re.compile(r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$")
_RESERVED_ACTION_KEYS = ("stdout", "stdout-encoding", "stderr", "stderr-encoding")


def _action_out(state):
    return state.read("action-out.json", {"results": {}, "logs": [], "failed": None})


def tool_action_set(state, args, stdin):
    current_action(state)
    _, pos = parse_args(args)
    out = _action_out(state)
    for kv in pos:
        k, eq, v = kv.partition("=")
        if not eq or not k:
            raise ToolError(f'argument "{kv}" must be of the form key...=value', 2)
        if not all(_ACTION_KEY.match(part) for part in k.split(".")):
            raise ToolError(f'key "{k}" must start and end with lowercase alphanumeric, and contain '
                            "only lowercase alphanumeric, hyphens and periods", 2)
        if k in _RESERVED_ACTION_KEYS:
            raise ToolError(f'cannot set reserved action key "{k}"', 2)
        node = out["results"]
        parts = k.split(".")
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = v
    state.write("action-out.json", out)
    return ""


def tool_action_log(state, args, stdin):
    current_action(state)
    _, pos = parse_args(args)
    out = _action_out(state)
    out["logs"].append(" ".join(pos))
    state.write("action-out.json", out)
    return ""


def tool_action_fail(state, args, stdin):
    current_action(state)
    _, pos = parse_args(args)
    out = _action_out(state)
    out["failed"] = " ".join(pos) or "action failed without reason given, check action for errors"
    state.write("action-out.json", out)
    return ""


# -- storage ----------------------------------------------------------------------------------


def tool_storage_list(state, args, stdin):
    opts, pos = parse_args(args)
    storage = state.model().get("storage") or {}
    ids = sorted((s for s in storage if not pos or s.split("/")[0] == pos[0]),
                 key=lambda s: (s.split("/")[0], int(s.split("/")[1])))
    return render(ids, opts) if opts.get("format") == "json" else "".join(s + "\n" for s in ids)


def tool_storage_get(state, args, stdin):
    if "--help" in args or "-h" in args:
        return (
            "Usage: storage-get [options] [<key>]\n\n"
            "Summary:\nprint information for storage instance with specified id\n\n"
            "Options:\n--format  (= smart)\n    Specify output format (json|smart|yaml)\n"
            "-o, --output (= \"\")\n    Specify an output file\n"
            "-s  (= {})\n    specify a storage instance by id\n".format(os.environ.get("JUJU_STORAGE_ID", ""))
        )
    opts, pos = parse_args(args, value_flags=("storage",))
    ident = opts.get("storage") or os.environ.get("JUJU_STORAGE_ID", "")
    storage = state.model().get("storage") or {}
    if ident not in storage:
        raise ToolError(f'invalid value "{ident}" for option -s: storage instance "{ident}" not found', 2)
    info = {"kind": storage[ident].get("kind", "filesystem"), "location": storage[ident]["location"]}
    return render(info[pos[0]] if pos else info, opts)


def tool_storage_add(state, args, stdin):
    _, pos = parse_args(args)
    if not pos:
        raise ToolError("storage add requires a storage directive", 2)
    return ""


def tool_goal_state(state, args, stdin):
    opts, _ = parse_args(args)
    since = now()
    units = {unit_name(): {"status": "active", "since": since}}
    for extra in state.model().get("goal_units") or []:
        units[extra] = {"status": "active", "since": since}
    rels = {}
    for rel in relations(state)["relations"].values():
        entry = rels.setdefault(rel["endpoint"], {})
        entry[rel["remote_app"]] = {"status": "joined", "since": since}
        for u in rel["units"]:
            entry[u] = {"status": "joined", "since": since}
    return render({"units": units, "relations": rels}, opts)


def tool_credential_get(state, args, stdin):
    raise ToolError("cannot access cloud credentials: not supported on Kubernetes models (test double)")


# -- charm state (ops use_juju_for_storage=True) ----------------------------------------------


def tool_state_get(state, args, stdin):
    opts, pos = parse_args(args, bool_flags=("strict",))
    data = state.read("juju-state.json", {})
    if not pos:
        return render(data, opts) if data else ""
    if pos[0] not in data:
        if opts.get("strict"):
            raise ToolError(f'"{pos[0]}" not found')
        return ""
    return data[pos[0]] if opts.get("format") != "json" else render(data[pos[0]], opts)


def tool_state_set(state, args, stdin):
    opts, pos = parse_args(args, value_flags=("file",))
    settings = read_settings(opts, pos, stdin, "state")
    data = state.read("juju-state.json", {})
    for k, v in settings.items():
        if v is None or v == "":
            data.pop(str(k), None)
        else:
            data[str(k)] = v if isinstance(v, str) else _plain_text(v)
    state.write("juju-state.json", data)
    return ""


def tool_state_delete(state, args, stdin):
    _, pos = parse_args(args)
    if len(pos) != 1:
        raise ToolError("state-delete expects exactly one key", 2)
    data = state.read("juju-state.json", {})
    data.pop(pos[0], None)
    state.write("juju-state.json", data)
    return ""


# -- ports and leader settings ----------------------------------------------------------------

_PORT = re.compile(r"^(icmp|\d+(-\d+)?(/(tcp|udp))?)$")


def _port_arg(args):
    _, pos = parse_args(args, value_flags=("endpoints",))
    if len(pos) != 1 or not _PORT.match(pos[0]):
        given = " ".join(pos)
        raise ToolError(f'invalid port "{given}": expected <port>[/<protocol>], '
                        '<from>-<to>[/<protocol>] or icmp', 2)
    p = pos[0]
    return p if "/" in p or p == "icmp" else p + "/tcp"


def tool_open_port(state, args, stdin):
    ports = state.read("ports.json", [])
    p = _port_arg(args)
    if p not in ports:
        ports.append(p)
    state.write("ports.json", ports)
    return ""


def tool_close_port(state, args, stdin):
    p = _port_arg(args)
    state.write("ports.json", [q for q in state.read("ports.json", []) if q != p])
    return ""


def tool_opened_ports(state, args, stdin):
    opts, _ = parse_args(args, bool_flags=("endpoints",))
    ports = state.read("ports.json", [])
    return render(ports, opts) if opts.get("format") == "json" else "".join(p + "\n" for p in ports)


def tool_leader_get(state, args, stdin):
    opts, pos = parse_args(args)
    data = state.read("leader-settings.json", {})
    return render(data.get(pos[0]) if pos else data, opts)


def tool_leader_set(state, args, stdin):
    _, pos = parse_args(args, value_flags=("file",))
    if not is_leader(state):
        raise ToolError("cannot write leadership settings: cannot write settings: not the leader")
    data = state.read("leader-settings.json", {})
    for kv in pos:
        k, eq, v = kv.partition("=")
        if not eq:
            raise ToolError(f'expected "key=value", got "{kv}"', 2)
        if v == "":
            data.pop(k, None)
        else:
            data[k] = v
    state.write("leader-settings.json", data)
    return ""


HANDLERS = {
    "is-leader": tool_is_leader,
    "config-get": tool_config_get,
    "resource-get": tool_resource_get,
    "pod-spec-set": tool_pod_spec_set,
    "k8s-spec-set": tool_pod_spec_set,
    "status-set": tool_status_set,
    "status-get": tool_status_get,
    "juju-log": tool_juju_log,
    "application-version-set": tool_application_version_set,
    "relation-ids": tool_relation_ids,
    "relation-list": tool_relation_list,
    "relation-get": tool_relation_get,
    "relation-set": tool_relation_set,
    "relation-model-get": tool_relation_model_get,
    "network-get": tool_network_get,
    "action-get": tool_action_get,
    "action-set": tool_action_set,
    "action-log": tool_action_log,
    "action-fail": tool_action_fail,
    "storage-list": tool_storage_list,
    "storage-get": tool_storage_get,
    "storage-add": tool_storage_add,
    "goal-state": tool_goal_state,
    "credential-get": tool_credential_get,
    "state-get": tool_state_get,
    "state-set": tool_state_set,
    "state-delete": tool_state_delete,
    "opened-ports": tool_opened_ports,
    "open-port": tool_open_port,
    "close-port": tool_close_port,
    "leader-get": tool_leader_get,
    "leader-set": tool_leader_set,
}


def injected_failure(state, tool):
    """A failure the test asked for (``fail`` in model.json), or None."""
    model = state.model()
    spec = (model.get("fail") or {}).get(tool)
    if spec is None:
        return None
    if isinstance(spec, str):
        spec = {"stderr": spec}
    times = spec.get("times")
    if times is not None:
        if times <= 0:
            return None
        spec = dict(spec, times=times - 1)
        model["fail"][tool] = spec
        state.write("model.json", model)
    return ToolError(spec.get("stderr", "ERROR injected failure"), int(spec.get("returncode", 1)))


def record_call(state, tool, args, stdin, returncode):
    line = json.dumps({"tool": tool, "argv": [tool, *args], "stdin": stdin, "returncode": returncode})
    fd = os.open(state.path("calls.jsonl"), os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, (line + "\n").encode("utf-8"))
    finally:
        os.close(fd)


def main(argv):
    tool = os.path.basename(argv[0])
    if tool.endswith(".py"):
        sys.stderr.write("usage: symlink this script under a hook tool name ({})\n".format(", ".join(TOOLS)))
        return 2
    state_dir = os.environ.get("HOOKTOOL_STATE")
    if not state_dir or not os.path.isdir(state_dir):
        sys.stderr.write(f"ERROR HOOKTOOL_STATE is not set to a directory (got {state_dir!r})\n")
        return 2
    state = State(state_dir)
    args = list(argv[1:])
    reads_stdin = "--file=-" in args or any(
        a == "--file" and b == "-" for a, b in zip(args, args[1:]))
    stdin = sys.stdin.read() if reads_stdin else None
    code = 0
    try:
        failure = injected_failure(state, tool)
        if failure is not None:
            raise failure
        handler = HANDLERS.get(tool)
        if handler is None:
            raise ToolError(f"unknown hook tool {tool!r} (not simulated by hooktool.py)", 127)
        out = handler(state, args, stdin)
        sys.stdout.write(out)
    except ToolError as err:
        sys.stderr.write(err.message.rstrip("\n") + "\n")
        code = err.code
    except Exception as err:
        sys.stderr.write(f"ERROR hooktool.py {tool} crashed: {type(err).__name__}: {err}\n")
        code = 70
    record_call(state, tool, args, stdin, code)
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv))
