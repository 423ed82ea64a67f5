"""Features: lookup, decision tree, links and anchors, each contributing pages, files or
checks through `site.feature.Feature`. May import `core`, `markdown`, `catalogue`, `site`.
"""
