"""Believable names, addresses and plates for the demo region (all fictional)."""

from __future__ import annotations

import math
import random

BRANDS = [
    "比亚迪",
    "宇通",
    "吉利",
    "长安",
    "五菱",
    "奇瑞",
    "广汽埃安",
    "一汽",
    "北汽新能源",
    "中通客车",
    "金龙",
    "东风",
    "江淮",
    "上汽大通",
]
KINDS = [
    "新能源汽车服务店",
    "授权售后服务站",
    "动力电池回收服务网点",
    "新能源经销网点",
    "电池维修中心",
]
ROADS = [
    "太平路",
    "东一条路",
    "光华街",
    "江滨大道",
    "长安街",
    "西三条路",
    "兴隆路",
    "建设路",
    "人民路",
    "新华路",
    "和平路",
    "中山路",
    "友谊路",
    "胜利路",
    "繁荣路",
    "东新荣街",
]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗"
GIVEN = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛", "明"]
CITY_PREFIX = {"Heilongjiang": "黑", "Jilin": "吉"}

BUS_COMPANIES = [
    # (name, city place name_en, depots)
    ("牡丹江市公共交通集团有限公司", "Aimin District", 2),
    ("鸡西市公共交通有限公司", "Jixi", 2),
    ("佳木斯市公交集团有限公司", "Jiamusi", 2),
    ("哈尔滨交通集团公交车辆运营公司", "Harbin", 3),
    ("延吉市公共交通有限公司", "Yanji", 2),
]

BUYERS = [
    ("北疆储能系统集成有限公司", "Harbin"),
    ("龙江通信基站能源服务有限公司", "Aimin District"),
    ("雪城低速电动车制造有限公司", "Jiamusi"),
    ("镜泊湖光储充科技有限公司", "Ning'an"),
]


#: The city a district of region_places.csv belongs to (its other rows are cities and
#: counties themselves); the park's development zone is in Mudanjiang.
DISTRICT_CITY = {
    "东安区": "牡丹江市",
    "阳明区": "牡丹江市",
    "爱民区": "牡丹江市",
    "西安区": "牡丹江市",
    "牡丹江经济技术开发区": "牡丹江市",
    "呼兰区": "哈尔滨市",
    "阿城区": "哈尔滨市",
    "双城区": "哈尔滨市",
}


def person(rng: random.Random, used: set[str] | None = None) -> str:
    """A Chinese personal name (one not in `used`, when given; it is added)."""
    while True:
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
        if used is None:
            return name
        if name not in used:
            used.add(name)
            return name


def city_and_district(place_zh: str) -> tuple[str, str]:
    """A place's city and district for a site: a district under its city, a city or county
    as the city with no district (not '牡丹江市 牡丹江市')."""
    if place_zh in DISTRICT_CITY:
        return DISTRICT_CITY[place_zh], place_zh
    return place_zh, ""


def phone(rng: random.Random) -> str:
    """A mobile number of the 13x/15x/18x kind."""
    return f"1{rng.choice('358')}{rng.randrange(10)}{rng.randrange(10**8):08d}"


def address(rng: random.Random) -> str:
    """A street address (the city and district are the site's own fields)."""
    return f"{rng.choice(ROADS)}{rng.randrange(1, 400)}号"


def jitter(rng: random.Random, lat: float, lon: float, radius_km: float) -> tuple[float, float]:
    """A point uniformly within radius_km of (lat, lon), rounded to about 1 m."""
    r = radius_km * math.sqrt(rng.random())
    angle = rng.random() * 2 * math.pi
    dlat = r * math.cos(angle) / 111.32
    dlon = r * math.sin(angle) / (111.32 * math.cos(math.radians(lat)))
    return round(lat + dlat, 5), round(lon + dlon, 5)


def plate(rng: random.Random, used: set[str]) -> str:
    """A Mudanjiang (黑C) lorry plate not in used."""
    while True:
        candidate = f"黑C·{rng.choice('DFLX')}{rng.randrange(10000):04d}"
        if candidate not in used:
            used.add(candidate)
            return candidate


def allocate(weights: list[int], total: int, minimum: int = 1) -> list[int]:
    """Split total into integer counts proportional to weights (largest remainder)."""
    base = [minimum] * len(weights)
    rest = total - minimum * len(weights)
    whole = sum(weights)
    shares = [w * rest / whole for w in weights]
    counts = [int(s) for s in shares]
    order = sorted(range(len(weights)), key=lambda i: (-(shares[i] - counts[i]), i))
    for i in order[: rest - sum(counts)]:
        counts[i] += 1
    return [b + c for b, c in zip(base, counts, strict=True)]
