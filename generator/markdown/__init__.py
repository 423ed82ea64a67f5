"""Markdown: DocFX (Microsoft Learn) Markdown translated, per version, to what the engine reads
(and its code blocks highlighted at less cost, `highlight`).

May import `generator.core` only.
"""
