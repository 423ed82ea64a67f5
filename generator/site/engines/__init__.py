"""Engines: one small module per site generator, turning a version's Markdown tree,
navigation and settings into its built folder; nothing else imports an engine.
"""
