"""Plant: intake, grading, warehouses, dismantling, assembly lines, settlement and certificates.

__all__ lists the modules the web layer and other domains may import; the others are
this domain's own. Within a public module, names without a leading underscore are public.
"""

__all__ = [
    "assembly",
    "assembly_once",
    "certificates",
    "dismantling",
    "grading",
    "intake",
    "measurements",
    "park_serials",
    "parent_candidates",
    "settlement",
    "truck_arrivals",
    "warehouse_stock",
    "warehouses",
    "errors",
]
