"""Chinese text for the pricing engine's line, explanation and formula keys.

The pure engine speaks English and names every line by a stable key; pages show this
Chinese text when the page is in Chinese and the engine's English otherwise.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from lithloop.i18n import current_language

ZH = {
    "metal.li": "锂（按碳酸锂当量回收）",
    "metal.ni": "镍（回收）",
    "metal.co": "钴（回收）",
    "metal.mn": "锰（回收）",
    "metal.cu": "铜（回收）",
    "metal.al": "铝（回收）",
    "adj.payable": "该化学体系的计价系数（回收金属价值中实际支付的比例）",
    "cost.processing": "处理费（放电、拆解、破碎、分选）",
    "cost.hazard.intact": "完好电池的处理（检测、P909 包装）",
    "cost.hazard.damaged": "危险处理：破损或有缺陷（ADR SP376，P908/LP904）",
    "cost.hazard.swollen_leaking": "危险处理：鼓包、漏液或热失控后（P911/LP906）",
    "cost.logistics.distance": "运至产业园的运费（按距离和重量）",
    "cost.logistics.plan": "运至产业园的运费（路线计划的边际成本）",
    "cost.minimum_charge": "补足每批最低收费",
    "metal.li_point": "按锂点计价的锂（每吨每 1% 锂的价格）",
    "sl.energy": "剩余电量（额定 kWh × SOH）按新电池包价格",
    "sl.grade.a": "容量等级 A 调整",
    "sl.grade.b": "容量等级 B 调整",
    "sl.grade.c": "容量等级 C 调整",
    "sl.cycles": "循环次数调整",
    "sl.warranty": "质保调整",
    "sl.volume": "大批量订单折扣",
    "sl.scrap_floor": "提高至该电池包的回收价值（否则我们宁可回收）",
    "sl.new_cap": "降至新电池包价格以下",
    "decision.second_life_price": "梯次利用售价",
    "cost.refurbish": "翻新（维修、均衡、更换 BMS/外壳部件）",
    "cost.aging_test": "老化仓中的老化与检测",
    "decision.scrap_value": "放弃的回收价值（回收可得的金额）",
    "quote.owner_paid": "产业园为这批电池向货主支付 {total}。",
    "quote.zero": "这批电池的价值正好抵消产业园的成本，无需支付。",
    "quote.owner_pays_fee": "货主需支付 {fee} 的处理费：回收材料按计价系数折算后价值 {materials}，"
    "低于产业园的成本 {costs}（最大一项：{main_cost}）。",
    "decision.refurbish": "翻新：梯次利用净收益比回收价值高 {margin}。",
    "decision.recycle": "回收：回收价值比梯次利用净收益高 {margin}。",
    "decision.tie": "回收：梯次利用并不比回收多赚。",
    "formula.scrap.materials": "对每种可回收材料（锂按碳酸锂计，以及镍、钴、锰、铜、铝），"
    "取这批电池的质量 × 该化学体系和形态下该材料的占比 × 回收率"
    "（不低于 2024 年国家最低要求：锂 90%，镍、钴、锰 98%）× 指数价格。",
    "formula.scrap.payable": "合计乘以该化学体系的计价系数，即市场实际支付的金属价值比例。",
    "formula.scrap.costs": "再减去每吨处理费、每千克危险处理费（破损电池更高，鼓包、漏液或烧毁的最高）"
    "和运费（距离 × 重量，或路线计划的成本），每批有最低收费。",
    "formula.scrap.negative": "如果结果为负，货主支付该金额作为处理费，报价会说明是哪项成本超过了材料价值。",
    "formula.scrap.lithium_point": "磷酸铁锂还按市场的锂点惯例显示：每吨每 1% 锂的价格（元）。",
    "formula.second_life.price": "梯次利用电池包的价格 = 剩余电量（额定 kWh × 健康度）× 新电池包价格，"
    "再按容量等级、循环次数、质保和订单量调整。",
    "formula.second_life.bounds": "价格绝不低于该电池包的回收价值，且总是低于新电池包。",
    "formula.rounding": "每一行只四舍五入到分一次（逢半进位）；总额等于各行之和。每份报价都注明所用的价格指数版本。",
}

CHEMISTRY_ZH = {
    "LFP": "磷酸铁锂 LFP",
    "NCM523": "三元 NCM523",
    "NCM622": "三元 NCM622",
    "NCM811": "三元 NCM811",
    "NCA": "镍钴铝 NCA",
    "LMO": "锰酸锂 LMO",
    "LCO": "钴酸锂 LCO",
}
CONDITION_ZH = {
    "intact": "完好",
    "damaged": "破损/缺陷（SP376）",
    "swollen_leaking": "鼓包/漏液/热失控",
}
CONDITION_EN = {
    "intact": "Intact",
    "damaged": "Damaged / defective (SP376)",
    "swollen_leaking": "Swollen, leaking or after a thermal event",
}
PRICE_ZH = {
    "li2co3": "电池级碳酸锂",
    "ni": "镍",
    "co": "钴",
    "mn": "电解锰",
    "cu": "铜",
    "al": "铝",
    "lfp_point": "磷酸铁锂锂点价",
}
PRICE_EN = {
    "li2co3": "Lithium carbonate (battery grade)",
    "ni": "Nickel",
    "co": "Cobalt",
    "mn": "Manganese (electrolytic)",
    "cu": "Copper",
    "al": "Aluminium",
    "lfp_point": "LFP lithium point",
}


def text_for(key: str, english: str) -> str:
    """The key's text in the page's language (English from the engine otherwise)."""
    return ZH.get(key, english) if current_language() == "zh_CN" else english


def chemistry_name(value: str) -> str:
    """A chemistry's display name."""
    return CHEMISTRY_ZH.get(value, value) if current_language() == "zh_CN" else value


def condition_name(value: str) -> str:
    """A condition's display name."""
    table = CONDITION_ZH if current_language() == "zh_CN" else CONDITION_EN
    return table.get(value, value)


def price_name(key: str) -> str:
    """An index price's display name (new-pack prices by chemistry included)."""
    if key.startswith("new_pack."):
        chem = key.split(".", 1)[1]
        return (
            f"新电池包 {chem}（元/kWh）"
            if current_language() == "zh_CN"
            else f"New pack {chem} (CNY/kWh)"
        )
    table = PRICE_ZH if current_language() == "zh_CN" else PRICE_EN
    return table.get(key, key)


def explanation_text(explanation) -> str:
    """A quote's explanation sentence in the page's language."""
    if current_language() != "zh_CN" or explanation.key not in ZH:
        return explanation.text
    params = dict(explanation.params)
    for name, value in params.items():
        if name == "main_cost":
            params[name] = ZH.get(value, value)
        elif value.endswith(" CNY"):
            amount = value[:-4]
            params[name] = f"-¥{amount[1:]}" if amount.startswith("-") else f"¥{amount}"
    return ZH[explanation.key].format(**params)


UNITS = {"t": _l("tonne"), "kg": _l("kg"), "kWh": _l("kWh"), "point": _l("lithium point")}


def unit_name(unit: str) -> str:
    """An index price's unit in words ("t" -> tonne)."""
    return str(UNITS.get(unit, unit))


def init_templates(app) -> None:
    """Expose the pricing names to templates."""
    app.jinja_env.globals.update(
        price_text=text_for,
        chemistry_name=chemistry_name,
        condition_name=condition_name,
        price_name=price_name,
        explanation_text=explanation_text,
        unit_name=unit_name,
    )
