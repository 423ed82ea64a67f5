"""Core: what every layer shares: diagnostics, project paths, version ranges, parallel work.

Imports nothing of the project outside `generator.core`.
"""
