"""One Jinja2 environment per site; template errors become messages naming file and line.

Themes run in Jinja's immutable sandbox: a template sees the data splitblog passes it (its
own site's views) and nothing else — no Python internals, no file system (the loader
reads only files inside the theme's own folders) — so a theme cannot reach past routing
to another site's posts.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

from splitblog.config import Config, SiteConfig
from splitblog.errors import ContentError, Problem, SplitblogError
from splitblog.theming import missing_templates, template_dirs


def environment(config: Config, site: SiteConfig, cache_dir: Path | None) -> jinja2.Environment:
    """Strict (an undefined name is an error, not a blank), autoescaping HTML and XML."""
    missing = missing_templates(config.root, site.theme)
    if missing:
        raise ContentError(
            Problem(
                f"theme '{site.theme}' has no template {name}",
                path=f"themes/{site.theme}/templates/{name}",
                hint="add the template, or remove the theme folder to use the shipped one",
            )
            for name in missing
        )
    env = ImmutableSandboxedEnvironment(
        loader=ThemeLoader([str(d) for d in template_dirs(config.root, site.theme)], config.root),
        autoescape=jinja2.select_autoescape(["html", "xml"], default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        bytecode_cache=jinja2.FileSystemBytecodeCache(str(cache_dir)) if cache_dir else None,
        auto_reload=False,
    )
    env.filters["datefmt"] = _datefmt
    env.filters["isodate"] = lambda d: d.isoformat() if d else ""
    return env


def _datefmt(value: datetime | None, fmt: str = "%B %-d, %Y") -> str:
    return value.strftime(fmt) if value else ""


def render_template(
    env: jinja2.Environment, name: str, context: dict[str, Any], config: Config
) -> str:
    """Render, turning every mistake in a template into a ContentError naming its file
    and line (a syntax error, an undefined name, a missing include, a loop, 1/0 …)."""
    try:
        return env.get_template(name).render(context)
    except SplitblogError:
        raise
    except Exception as exc:
        raise ContentError(_template_problem(exc, config, name)) from None


def site_fragments(env: jinja2.Environment, site: Any, config: Config) -> Any:
    """_site.html evaluated once for a site: its `{% set %}` blocks (head, header,
    footer) become attributes every page can show without rendering them again."""
    try:
        try:
            return env.get_template("_site.html").make_module({"site": site})
        except jinja2.TemplateSyntaxError:
            raise
        except Exception:
            # make_module, unlike render, leaves the traceback in the compiled Python's
            # lines: Jinja's own rewrite maps it back to the template's.
            env.handle_exception()
    except SplitblogError:
        raise
    except Exception as exc:
        raise ContentError(_template_problem(exc, config, "_site.html")) from None


def _template_problem(exc: Exception, config: Config, name: str) -> Problem:
    """What went wrong in which template file and line; re-raises what is not a
    template's fault (an error raised outside any template: a bug of splitblog's)."""
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return Problem(
            f"template syntax error: {exc.message}",
            path=_template_path(exc.filename, config, exc.name or name),
            line=exc.lineno,
        )
    path, line = _template_frame(exc, config, name)
    if isinstance(exc, jinja2.TemplateNotFound):
        return Problem(
            f"template '{exc.name}' not found",
            path=path,
            line=line,
            hint="add it to the theme, or fix the name",
        )
    if isinstance(exc, jinja2.UndefinedError):
        return Problem(
            f"template error: {exc.message}",
            path=path,
            line=line,
            hint="templates may only use the variables splitblog passes (see README)",
        )
    if isinstance(exc, SecurityError):
        return Problem(
            f"template error: the sandbox refused it ({exc})",
            path=path,
            line=line,
            hint="templates may only use the data splitblog passes them, not Python's "
            "internals or the file system (see README, Themes)",
        )
    if isinstance(exc, RecursionError):
        return Problem(
            "template error: it calls itself without end",
            path=path,
            line=line,
            hint="an include, extends or macro here leads back to itself",
        )
    if line is None and not isinstance(exc, TypeError | ValueError | LookupError | AttributeError):
        raise exc  # not raised by a template: a bug, and its traceback is wanted
    return Problem(f"template error: {exc}", path=path, line=line)


class ThemeLoader(jinja2.FileSystemLoader):
    """A FileSystemLoader that reads only files inside the theme's folders (a symbolic
    link out of them — to a post, to ~/.ssh — is refused) and names the file and line of a
    template that is not UTF-8."""

    def __init__(self, searchpath: list[str], root: Path):
        super().__init__(searchpath)
        self.root = root
        self.folders = [Path(folder).resolve() for folder in searchpath]

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        try:
            source, filename, uptodate = super().get_source(environment, template)
        except UnicodeDecodeError as exc:
            for folder in self.searchpath:
                path = Path(folder, *template.split("/"))
                if path.is_file():
                    line = path.read_bytes()[: exc.start].count(b"\n") + 1
                    raise ContentError(
                        Problem(
                            f"template is not UTF-8 text (byte 0x{exc.object[exc.start]:02x})",
                            path=_shown_path(path, self.root),
                            line=line,
                            hint="save the file as UTF-8",
                        )
                    ) from None
            raise
        real = Path(filename).resolve()
        if not any(real.is_relative_to(folder) for folder in self.folders):
            raise ContentError(
                Problem(
                    f"template '{template}' leads outside the theme (to {real})",
                    path=_shown_path(Path(filename), self.root),
                    hint="a theme's templates must be files inside its templates/ folder, "
                    "not links to files elsewhere",
                )
            )
        return source, filename, uptodate


def _template_frame(exc: BaseException, config: Config, name: str) -> tuple[str, int | None]:
    """The innermost template file and line of a rendering error (Jinja rewrites
    tracebacks so template frames carry the template's own file and line)."""
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename.endswith((".html", ".xml", ".j2", ".jinja")):
            return _template_path(frame.filename, config, name), frame.lineno
    return name, None


def _template_path(filename: str | None, config: Config, name: str) -> str:
    if not filename:
        return name
    return _shown_path(Path(filename), config.root)


def _shown_path(path: Path, root: Path) -> str:
    """A template file as messages show it: from the project, or from `themes/` down."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        parts = path.parts
        if "themes" in parts:  # a shipped theme: show it from its theme folder down
            return "/".join(parts[len(parts) - parts[::-1].index("themes") - 1 :])
        return str(path)
