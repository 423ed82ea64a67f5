"""Lookup: find the catalogue entry for a pasted error message or log.

Input: the validated catalogue (or an exported per-version index); output: ranked
matches, the per-version index the site's "paste your error" page reads, and checks.
"""
