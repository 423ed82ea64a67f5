"""Imported by the fork server of tests/kbfork.py: what `kb` commands import on first use."""

import gc
import importlib

from generator.cli import command_modules

command_modules()
for name in ("generator.site.build", "generator.site.engines.mkdocs", "markdown",
             "mkdocs.commands.build", "pymdownx.superfences"):
    importlib.import_module(name)

# What is imported stays: the collector leaves it alone, so forked processes do not copy
# the memory pages that hold it.
gc.collect()
gc.freeze()
