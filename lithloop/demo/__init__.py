"""The demo region: a deterministic park, dealers, bus companies, fleet and users."""

from lithloop.demo.seed import DEMO_USERS, seed_demo

__all__ = ["DEMO_USERS", "seed_demo"]
