"""site-gen: a static site generator for catalogues of research papers."""

__version__ = "0.1.0"
