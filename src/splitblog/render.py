"""One Jinja2 environment per site; template errors become messages naming file and line."""

from __future__ import annotations

import traceback
from datetime import datetime
from pathlib import Path
from typing import Any

import jinja2

from .errors import ContentError, Problem
from .model import Config, SiteConfig
from .theming import missing_templates, template_dirs


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
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(d) for d in template_dirs(config.root, site.theme)]),
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
    """Render, turning syntax errors and undefined names into a ContentError."""
    try:
        return env.get_template(name).render(context)
    except jinja2.TemplateSyntaxError as exc:
        raise ContentError(
            Problem(
                f"template syntax error: {exc.message}",
                path=_template_path(exc.filename, config, exc.name or name),
                line=exc.lineno,
            )
        ) from None
    except jinja2.TemplateNotFound as exc:
        raise ContentError(
            Problem(f"template '{exc.name}' not found", path=name, hint="add it to the theme")
        ) from None
    except jinja2.UndefinedError as exc:
        path, line = _template_frame(exc, config, name)
        raise ContentError(
            Problem(
                f"template error: {exc.message}",
                path=path,
                line=line,
                hint="templates may only use the variables splitblog passes (see README)",
            )
        ) from None
    except (TypeError, ValueError, AttributeError, KeyError, jinja2.TemplateError) as exc:
        path, line = _template_frame(exc, config, name)
        raise ContentError(Problem(f"template error: {exc}", path=path, line=line)) from None


def site_fragments(env: jinja2.Environment, site: Any, config: Config) -> Any:
    """_site.html evaluated once for a site: its `{% set %}` blocks (head, header,
    footer) become attributes every page can show without rendering them again."""
    try:
        return env.get_template("_site.html").make_module({"site": site})
    except jinja2.TemplateSyntaxError as exc:
        raise ContentError(
            Problem(
                f"template syntax error: {exc.message}",
                path=_template_path(exc.filename, config, exc.name or "_site.html"),
                line=exc.lineno,
            )
        ) from None
    except jinja2.TemplateError as exc:
        path, line = _template_frame(exc, config, "_site.html")
        raise ContentError(Problem(f"template error: {exc}", path=path, line=line)) from None


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
    path = Path(filename)
    try:
        return path.relative_to(config.root).as_posix()
    except ValueError:
        parts = path.parts
        if "themes" in parts:  # a shipped theme: show it from its theme folder down
            return "/".join(parts[len(parts) - parts[::-1].index("themes") - 1 :])
        return str(path)
