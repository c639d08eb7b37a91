"""Themes: override by file name, extend by prefix, fall back to the built-ins."""

from __future__ import annotations

from collections.abc import Iterator, MutableMapping
from pathlib import Path
from typing import Any

import jinja2
import jinja2.bccache
import jinja2.compiler
from markupsafe import Markup, escape

from .cache import digest
from .config import BUNDLED_THEMES, CONFIG_FILE, SiteConfig, theme_folder
from .errors import BuildFailed, Diagnostic
from .schema import Field, check, text
from .textutil import escape_str
from .yamlio import YamlError, decode, load_yaml

MAX_DEPTH = 5
THEME_FIELDS = {  # the keys of a theme's theme.yaml
    "name": Field(text, "the theme's name, for people; the folder's name is the one site.yaml uses"),
    "extends": Field(text, "the theme this one builds on: a template or static file not in this theme comes from it"),
    "description": Field(text, "what the theme is, for people"),
}


def escape_output(value: object) -> str:
    """``escape(value)`` for what a template writes out (``{{ ... }}``): the same text, as a plain
    str when ``value`` is one, and a Markup itself rather than a copy. A page's pieces are joined
    into one str, so the Markup that ``escape`` makes of each (half of its time) is thrown away
    at once."""
    kind = type(value)
    if kind is str:
        return escape_str(value)  # type: ignore[arg-type]
    if kind is Markup:
        return value  # type: ignore[return-value]
    return escape(value)


_ESCAPE_OUTPUT = "site_gen_escape_output"  # Jinja names what it generates l_0_x, t_1 and the like


class _CodeGenerator(jinja2.compiler.CodeGenerator):
    """Jinja's compiler, with ``escape_output`` for the escaping of output (autoescaped
    templates); everything else compiles as Jinja compiles it."""

    def visit_Template(self, node: jinja2.nodes.Template, frame: jinja2.compiler.Frame | None = None) -> None:
        self.writeline(f"from {__name__} import escape_output as {_ESCAPE_OUTPUT}")
        super().visit_Template(node, frame)

    def _output_child_pre(self, node: jinja2.nodes.Expr, frame: jinja2.compiler.Frame,
                          finalize: jinja2.compiler.CodeGenerator._FinalizeInfo) -> None:
        if frame.eval_ctx.volatile or not frame.eval_ctx.autoescape:
            super()._output_child_pre(node, frame, finalize)
            return
        self.write(f"{_ESCAPE_OUTPUT}(")
        if finalize.src is not None:
            self.write(finalize.src)


class Environment(jinja2.Environment):
    """The environment of a build's templates. Two things cost less per render than in Jinja's
    own: a template's globals are a plain dict (Jinja's ``ChainMap`` is iterated to make each
    render's context, which costs more than a small template), so the globals must be set
    before the first template is loaded, as Jinja advises anyway; and output is escaped by
    ``escape_output``."""

    code_generator_class = _CodeGenerator

    def make_globals(self, d: MutableMapping[str, Any] | None) -> MutableMapping[str, Any]:
        return {**self.globals, **(d or {})}


class _CompiledTemplates(jinja2.BytecodeCache):
    """What a theme's templates compile to, kept in memory by name and source checksum: every
    environment the theme makes after the first (a renderer's, such as the preview's for each
    edit) loads them instead of parsing and compiling them again. A changed template's
    checksum differs, and it is compiled anew."""

    def __init__(self) -> None:
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self.compiled.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.compiled[bucket.key] = bucket.bytecode_to_string()


class Theme:
    """The folders a theme is made of, most specific first: theme_dir, the theme, its parents."""

    def __init__(self, config: SiteConfig, lenient: bool = False) -> None:
        """``lenient``: a theme that is missing or a theme.yaml that does not read ends the list of
        folders instead of failing (the preview watches them, to see the fix)."""
        self.root = config.root
        self.compiled = _CompiledTemplates()
        self.dirs: list[Path] = []
        if config.theme_dir:
            self.dirs.append(config.root / config.theme_dir)
        name: str | None = config.theme
        named_in, line = CONFIG_FILE, 0  # site.yaml's own theme is checked, at its line, as it is read
        while name and len(self.dirs) <= MAX_DEPTH:
            folder = theme_folder(self.root, name)
            if folder is None:
                if lenient:
                    break
                raise BuildFailed([Diagnostic(named_in, line, f"theme '{name}' not found in themes/")])
            self.dirs.append(folder)
            try:
                name, named_in, line = self._parent(folder)
            except BuildFailed:
                if lenient:
                    break
                raise

    def _parent(self, folder: Path) -> tuple[str | None, str, int]:
        """The theme that ``folder`` extends, with the file and line that say so."""
        meta = folder / "theme.yaml"
        display = self.display(str(meta))
        if not meta.exists():
            return None, display, 0
        try:
            doc = load_yaml(decode(meta.read_bytes(), display), display)
        except YamlError as exc:
            raise BuildFailed([exc.diagnostic]) from None
        data = {} if doc.data is None else doc.data  # an empty file, or only comments, as site.yaml
        values, problems = check(data, THEME_FIELDS, display, doc.key_lines)
        if problems:
            raise BuildFailed(problems)
        return values.get("extends"), display, doc.key_lines.get("extends", 0)

    @property
    def template_dirs(self) -> list[Path]:
        return [d / "templates" for d in self.dirs if (d / "templates").is_dir()]

    def environment(self) -> jinja2.Environment:
        dirs = [str(d) for d in self.template_dirs]
        loader = jinja2.ChoiceLoader([
            jinja2.FileSystemLoader(dirs),
            jinja2.PrefixLoader({"theme": jinja2.FileSystemLoader(dirs[1:])}),  # all but the most specific
        ])
        return Environment(
            loader=loader,
            autoescape=jinja2.select_autoescape(("html", "htm", "xml"), default_for_string=True),
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            auto_reload=False,
            cache_size=-1,
            bytecode_cache=self.compiled,
        )

    def static_file(self, rel: str) -> Path | None:
        for folder in self.dirs:
            candidate = folder / "static" / rel
            if candidate.is_file():
                return candidate
        return None

    def static_files(self) -> Iterator[tuple[str, Path]]:
        """(relative path, file) of every static file; the most specific folder wins."""
        seen: set[str] = set()
        for folder in self.dirs:
            static = folder / "static"
            for path in sorted(static.rglob("*")) if static.is_dir() else ():
                rel = path.relative_to(static).as_posix()
                if path.is_file() and rel not in seen and not path.is_symlink():
                    seen.add(rel)
                    yield rel, path

    def fingerprint(self) -> str:
        """A digest of every template and static file: any theme edit changes it."""
        files = [p for d in [*self.template_dirs, *(d / "static" for d in self.dirs)] if d.is_dir()
                 for p in sorted(d.rglob("*")) if p.is_file()]
        return digest([(str(p), p.read_bytes()) for p in files])

    def display(self, filename: str) -> str:
        path = Path(filename)
        for base in (self.root, BUNDLED_THEMES.parent):
            if path.is_absolute() and path.is_relative_to(base):
                return str(path.relative_to(base))
        return filename
