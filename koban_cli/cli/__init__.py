"""Typer sub-apps, one per noun. Commands parse, call one service, print."""
