"""splitblog.toml: the options declared once (schema.py), read and checked (read.py),
and the reference table the README shows (reference.py)."""

from splitblog.config.read import CONFIG_NAME, find_config, load_config
from splitblog.config.schema import (
    FEED_FILES,
    FEED_KINDS,
    POLICIES,
    Author,
    Config,
    DeployConfig,
    SiteConfig,
)

__all__ = [
    "CONFIG_NAME",
    "FEED_FILES",
    "FEED_KINDS",
    "POLICIES",
    "Author",
    "Config",
    "DeployConfig",
    "SiteConfig",
    "find_config",
    "load_config",
]
