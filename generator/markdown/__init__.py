"""Markdown: DocFX (Microsoft Learn) Markdown translated, per version, to what the engine reads.

May import `generator.core` only.
"""
