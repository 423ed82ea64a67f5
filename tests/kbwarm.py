"""Imported by the fork server of tests/kbfork.py: what `kb` commands import on first use.

Every module of the generator (its commands import most of them only when they run), and
the packages those modules, MkDocs and the project's Markdown extensions import inside
functions. Importing is all that is done here: a forked command starts with nothing in
memory that a `kb` process would not have, only with its modules loaded.
"""

import gc
import importlib
import pkgutil

import generator

for info in pkgutil.walk_packages(generator.__path__, f"{generator.__name__}."):
    if info.name != f"{generator.__name__}.__main__":  # that one runs the command line
        importlib.import_module(info.name)
for name in (
    # The generator's own imports on first use.
    "markdown", "mkdocs.commands.build", "pagefind.service", "rapidfuzz.process",
    "rapidfuzz.distance", "rapidfuzz.fuzz",
    # MkDocs loading its configuration, theme and plugins, and rendering pages.
    "mkdocs.config.defaults", "mkdocs.contrib.search", "mkdocs.localization", "mkdocs.theme",
    "material.plugins.search", "babel.dates", "babel.numbers", "babel.support", "colorama",
    "jinja2.ext", "pygments.formatters.html",
    # The Markdown extensions of mkdocs.yml and the fixtures' settings.
    "markdown.extensions.admonition", "markdown.extensions.attr_list",
    "markdown.extensions.codehilite", "markdown.extensions.def_list",
    "markdown.extensions.fenced_code", "markdown.extensions.md_in_html",
    "markdown.extensions.tables", "markdown.extensions.toc", "pymdownx.details",
    "pymdownx.highlight", "pymdownx.saneheaders", "pymdownx.superfences", "backrefs.bre",
):
    importlib.import_module(name)

# What is imported stays: the collector leaves it alone, so forked processes do not copy
# the memory pages that hold it.
gc.collect()
gc.freeze()
