"""linkindex: a self-hosted backlink index built from crawl files, served through the Moz APIs."""

__version__ = "0.1.0"
