"""Governance of the cooperative: bodies, representatives, general assemblies, polls (issue 22)."""
