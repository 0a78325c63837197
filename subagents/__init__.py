"""Committees of subagents."""
