"""splitblog: one folder of Markdown, several separate sites, and nothing leaks between them."""

__version__ = "0.1.0"
