"""Fault injection: each test fails when the protection it names is removed."""
