"""The racing parameters of `solve`, in one frozen object."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RaceConfig:
    """How `solve` shares its time between the engines and picks warm starts."""

    pyvrp_share: float = 0.96  # PyVRP runs until this share of the budget; then OR-Tools
    construct_above: int = 150  # stops: above this, our constructive is a warm start too
    strict_first_above: float = 0.8  # greedy share above which PyVRP tries strict first
    vroom_share: float = 0.92  # pyvroom searches this share of the budget
    # PyVRP beside pyvroom: "always", "never" (PyVRP starts from VROOM's plan), or "auto":
    # beside it when the load average leaves a core idle (else both would get half a core)
    beside: str = "auto"
    # without an idle core, VROOM searches alone this share of the budget (then PyVRP
    # joins in); on days where some stops are barred from some trucks, the second share
    vroom_alone_share: float = 0.3
    vroom_alone_share_barred: float = 1.0
    vroom_exploration: int = 5  # pyvroom's deepest exploration level (0 fastest .. 5)
    # (seconds per stop, level): after level 0, the deepest level whose least time per
    # stop the budget affords (VROOM's deep levels overrun short timeouts on big days)
    vroom_levels: tuple = ((0.06, 5), (0.035, 3), (0.0, 1))
    # a level that ends with this share of VROOM's time left hands it to the next deeper one
    vroom_escalate_share: float = 0.2
    vroom_quick_below_s: float = 2.0  # budgets under this: pyvroom at its fastest level ...
    vroom_exploration_quick: int = 0
    vroom_quick_share: float = 0.9  # ... with this share (nothing else does better so fast)
    vroom_threads_quick: int = 2  # ... on this many threads (at most the machine's cores)
    # beside: once VROOM's levels end with this share of its time left (and a second),
    # PyVRP searches on its core, from scratch, every stop optional, another seed
    spare_core_pyvrp: bool = True
    spare_core_share: float = 0.2
    # Two ways (an idle core, at most `two_ways_max_stops` stops): PyVRP from scratch here,
    # never starting again from another engine's plan (as PyVRP alone searches), and on
    # VROOM's core, after its fastest level, PyVRP from VROOM's plan: two basins searched
    # side by side. A start from VROOM's plan alone kept some days in its basin, 5-7 % above
    # PyVRP alone (README, the two-ways row); from scratch alone lost big days to it.
    # Only where no truck has a fixed cost: where one has, a plan's cost turns on how many
    # trucks go out, which VROOM's deep levels search well (two ways there: cost x0.998 in
    # an A/B, but worst days 1.6 % above the cheapest peer where one way was 0.05 %).
    two_ways: bool = True
    two_ways_max_stops: int = 450  # above: VROOM's deep levels (measured up to 400 stops)
    two_ways_with_fixed_costs: bool = False
    # Only where some truck pays per km: where time on the road is the only cost, one way
    # (VROOM's deep levels kept) did better: cost x0.9966, x0.9944 and x0.9965 in A/Bs on
    # 72 new days, and the three days two ways lost by over 2 % were VROOM's deep levels'.
    two_ways_time_only: bool = False
    vroom_grace: float = 0.03  # share of the budget the solve waits past it for VROOM
    # several windows: PyVRP gets one client per window, one of them served ("groups"),
    # their hull ("hull") or the longest ("longest")
    pyvrp_windows: str = "groups"
    pyvrp_from_vroom: bool = True  # PyVRP starts from VROOM's plan when that is the best
    pyvrp_from_construct: bool = True  # else from our constructive plan
    vroom_multi_trip: bool = False  # True: VROOM sees capacity x trips, cut into trips after

    def __post_init__(self):
        shares = ("pyvrp_share", "vroom_share", "vroom_quick_share", "vroom_grace")
        shares += ("vroom_alone_share", "vroom_alone_share_barred", "vroom_escalate_share")
        shares += ("spare_core_share",)
        for name in (*shares, "strict_first_above"):
            if not 0 <= getattr(self, name) <= 1:
                raise ValueError(f"{name}: must be between 0 and 1")
        if self.beside not in ("auto", "always", "never"):
            raise ValueError("beside: auto, always or never")
        if self.pyvrp_windows not in ("groups", "hull", "longest"):
            raise ValueError("pyvrp_windows: groups, hull or longest")
        if self.two_ways_max_stops < 0:
            raise ValueError("two_ways_max_stops: at least 0")
        if self.vroom_threads_quick < 1:
            raise ValueError("vroom_threads_quick: at least 1")
        if not 0 <= self.vroom_exploration <= 5 or not 0 <= self.vroom_exploration_quick <= 5:
            raise ValueError("vroom exploration levels: must be between 0 and 5")


DEFAULT = RaceConfig()
