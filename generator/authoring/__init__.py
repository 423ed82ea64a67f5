"""Authoring: tools that edit or describe the catalogue (fmt, rename, new, import, schema).
May import every layer below it: `core`, `markdown`, `catalogue`, `site`, `features`.
"""
