"""The words the free-text parser looks for, in Chinese and English."""

from __future__ import annotations

import re


def words(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(patterns), re.I)


# What a clause around a number of days is about.
WINDOW_WORDS = {
    "exchange": words(r"exchang", r"replac", r"swap", r"换货", r"更换", r"换新", r"调换", r"包换", r"可换"),
    "repair": words(r"repair", r"fix(?:ed|ing)?\b", r"维修", r"修理", r"包修", r"返修"),
    "return": words(
        r"return",
        r"refund",
        r"money[-\s]back",
        r"send (?:it )?back",
        r"退货",
        r"退款",
        r"退换",
        r"包退",
        r"可退",
        r"退回",
        r"无理由",
        r"unused",
        r"unopened",
        r"no[-\s]questions",
        r"no[-\s]reason",
        r"change of mind",
        r"remorse",
    ),
}
QUALITY_WORDS = words(
    r"defect",
    r"faulty",
    r"fault",
    r"broken",
    r"quality",
    r"malfunction",
    r"damaged",
    r"doa\b",
    r"dead on arrival",
    r"not working",
    r"质量",
    r"故障",
    r"瑕疵",
    r"损坏",
    r"性能",
    r"坏",
)
ANY_REASON_WORDS = words(
    r"any reason",
    r"no[-\s]reason",
    r"size",
    r"colou?r",
    r"unused",
    r"unopened",
    r"change of mind",
    r"无理由",
    r"尺码",
    r"颜色",
    r"不合适",
    r"未使用",
)
TIME_WORDS = {
    "fcr": words(
        r"first[-\s]contact",
        r"first[-\s]call",
        r"one[-\s]touch",
        r"\bfcr\b",
        r"一次解决",
        r"首次解决",
        r"一次性解决",
    ),
    "csat": words(r"csat", r"satisf", r"满意", r"好评"),
    "attainment": words(
        r"\bsla\b",
        r"on[-\s]time",
        r"attainment",
        r"达成率",
        r"及时率",
        r"按时",
        r"达标率",
    ),
    "plan": words(r"investigat", r"diagnos", r"\bplan\b", r"proposal", r"调查", r"方案", r"核实", r"排查"),
    "first_response": words(
        r"respon",
        r"repl",
        r"acknowledg",
        r"answer",
        r"pick(?:ed)? up",
        r"get back",
        r"contact",
        r"回复",
        r"响应",
        r"首响",
        r"回应",
        r"应答",
        r"接起",
        r"受理",
        r"答复",
        r"接待",
        r"\bchat\b",
        r"\bcalls?\b",
        r"\bphone\b",
        r"\bemails?\b",
        r"在线",
        r"电话",
        r"邮件",
    ),
    "resolution": words(
        r"resol",
        r"solv",
        r"clos",
        r"fix",
        r"settl",
        r"complet",
        r"finish",
        r"handl",
        r"turnaround",
        r"解决",
        r"结案",
        r"办结",
        r"处理",
        r"完结",
        r"闭环",
        r"关单",
        r"完成",
    ),
}
TIER_ROLES = [
    (
        "manager",
        words(
            r"manager",
            r"director",
            r"head of",
            r"\bhead\b",
            r"\bvp\b",
            r"owner",
            r"founder",
            r"经理",
            r"总监",
            r"负责人",
            r"主任",
            r"老板",
            r"店主",
        ),
    ),
    ("team_lead", words(r"team[-\s]?lead", r"supervisor", r"\blead", r"组长", r"主管", r"班长", r"队长")),
    (
        "specialist",
        words(
            r"specialist",
            r"expert",
            r"senior",
            r"engineer",
            r"technician",
            r"tech support",
            r"二线",
            r"专家",
            r"技术支持",
            r"工程师",
            r"高级客服",
            r"资深",
        ),
    ),
    (
        "agent",
        words(
            r"agent",
            r"\breps?\b",
            r"representative",
            r"associate",
            r"advisor",
            r"operator",
            r"staff",
            r"一线",
            r"客服",
            r"专员",
            r"坐席",
            r"接待",
        ),
    ),
]
TIER_LEVEL_RE = re.compile(
    r"(?:tier|level|line|\bl)\s*[-:]?\s*(?P<n>[1-4]|one|two|three|four)\b|(?P<cn>[一二三])线"
    r"|(?P<ord>first|second|third)[-\s](?:line|tier|level)",
    re.I,
)
LEVEL_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "一": 1,
    "二": 2,
    "三": 3,
    "first": 1,
    "second": 2,
    "third": 3,
}
ROLE_LEVEL = {"agent": 1, "specialist": 2, "team_lead": 2, "manager": 3}
PEOPLE_RE = re.compile(
    r"people|persons?|staff|members?|agents?|reps?|specialists?|experts?|leads?|supervisors?|managers?|"
    r"engineers?|seats?|人|名|位|个",
    re.I,
)
ISSUE_CATEGORIES = [
    ("transit_damage", words(
        r"damaged in (?:transit|shipping|delivery)", r"shipping damage", r"arriv\w* damaged", r"crushed",
        r"transit", r"broken (?:in|during) (?:shipping|delivery)", r"破损", r"压坏", r"运输", r"摔坏",
        r"物流损坏",
    )),
    ("missing_or_wrong_item", words(
        r"wrong", r"missing", r"incorrect", r"shipping error", r"mis-?ship", r"short[-\s]ship", r"少发",
        r"漏发", r"错发", r"发错", r"缺件", r"少件", r"漏件",
    )),
    ("not_as_described", words(
        r"not as described", r"as pictured", r"as shown",
        r"different from", r"doesn'?t match", r"mismatch", r"misrepresent", r"描述不符",
        r"色差", r"图文不符", r"货不对板", r"与描述不", r"不一致",
    )),
    ("counterfeit", words(r"fake", r"counterfeit", r"假货", r"假冒", r"仿冒")),
    ("quality_fault", words(
        r"defect", r"faulty", r"fault", r"broken", r"malfunction", r"not working", r"doesn'?t work",
        r"stopped working", r"dead on arrival", r"\bdoa\b", r"quality", r"damaged", r"故障", r"质量", r"坏",
        r"不能用", r"无法使用", r"瑕疵", r"次品", r"失灵", r"死机", r"异响", r"开不了机",
    )),
    ("no_reason_return", words(
        r"remorse", r"change of mind", r"changed (?:their|his|her|my) mind", r"don'?t (?:like|want)",
        r"unwanted", r"no longer need", r"no[-\s]reason", r"size", r"doesn'?t fit", r"不想要", r"不喜欢",
        r"无理由", r"拍错", r"尺码", r"不合适",
    )),
    ("logistics_delay", words(
        r"late", r"delay", r"lost (?:parcel|package|shipment)", r"not (?:delivered|received)", r"slow",
        r"tracking", r"where is my", r"wismo", r"延迟", r"延误", r"配送", r"超时", r"慢", r"丢件",
        r"未收到", r"没收到",
        r"物流", r"快递",
    )),
    ("product_usage", words(
        r"how to", r"set ?up", r"install", r"usage", r"instructions", r"使用方法", r"安装", r"怎么用",
        r"操作", r"使用问题",
    )),
    ("invoice", words(r"invoice", r"receipt", r"发票", r"收据")),
    ("service_attitude", words(r"rude", r"attitude", r"态度")),
    ("false_advertising", words(r"false advertis", r"misleading", r"虚假宣传", r"夸大宣传")),
]  # fmt: skip
TRIGGERS = [
    ("legal", words(
        r"legal", r"lawyer", r"attorney", r"lawsuit", r"\bsue\b", r"suing", r"court", r"litigat", r"律师",
        r"起诉", r"法院", r"诉讼", r"法律", r"告你",
    )),
    ("media", words(
        r"media", r"press", r"journalist", r"reporter", r"viral", r"weibo", r"public(?:ity| exposure)",
        r"曝光", r"媒体", r"记者", r"微博", r"抖音", r"舆情", r"小红书",
    )),
    ("regulator", words(
        r"12315", r"consumer (?:association|council|protection)", r"regulator", r"authorit", r"government",
        r"消协", r"市场监管", r"工商", r"监管",
    )),
    ("repeat", words(
        r"repeat", r"second complaint", r"again", r"multiple complaints", r"more than once", r"recurr",
        r"重复", r"多次", r"再次", r"二次投诉", r"反复",
    )),
    ("safety", words(
        r"safety", r"injur", r"\bfire\b", r"hazard", r"burn", r"explo", r"安全", r"受伤", r"起火", r"爆炸",
        r"人身",
    )),
    ("fraud", words(r"fraud", r"fake", r"counterfeit", r"scam", r"欺诈", r"假货", r"诈骗")),
    ("vip", words(r"\bvip\b", r"key account", r"enterprise customer", r"大客户", r"重要客户", r"会员")),
    ("overdue", words(
        r"unresolved", r"not resolved", r"overdue", r"open (?:for|after|longer)", r"still open", r"beyond",
        r"超时", r"未解决", r"未处理", r"逾期", r"没解决",
    )),
]  # fmt: skip
TRIGGER_LEXICON = {
    "legal": ["起诉", "律师", "法院"],
    "media": ["曝光", "媒体", "记者"],
    "regulator": ["12315", "消协"],
    "fraud": ["假货", "欺诈"],
    "safety": ["起火", "爆炸", "受伤"],
}
OVER_RE = words(
    r">",
    r"＞",
    r"over",
    r"above",
    r"exceed",
    r"more than",
    r"greater than",
    r"higher than",
    r"beyond",
    r"超过",
    r"高于",
    r"大于",
    r"以上",
    r"超出",
    r"逾",
)
LIMIT_RE = words(
    r"up to",
    r"without approval",
    r"at their discretion",
    r"no approval",
    r"on the spot",
    r"以内",
    r"以下",
    r"不超过",
    r"无需审批",
    r"直接",
    r"自行",
    r"最多",
)
CREDIT_RE = words(
    r"credit",
    r"compensat",
    r"goodwill",
    r"coupon",
    r"voucher",
    r"gesture",
    r"refund",
    r"补偿",
    r"赔付",
    r"赔偿",
    r"优惠券",
    r"代金券",
    r"红包",
    r"余额",
)
TARGETS = [
    ("expert", words(r"expert group", r"senior expert", r"专家组")),
    ("manager", words(
        r"manager", r"director", r"head", r"management", r"owner", r"founder", r"经理", r"总监", r"负责人",
        r"管理层", r"老板", r"店主",
    )),
    ("tier_2", words(
        r"tier[-\s]?2", r"tier two", r"level[-\s]?2", r"\bl2\b", r"second[-\s](?:line|tier|level)",
        r"specialist", r"team[-\s]?lead", r"supervisor", r"二线", r"组长", r"主管", r"专家",
    )),
]  # fmt: skip
ESCALATE_WORDS = words(r"escalat", r"升级", r"转交", r"上报", r"转给", r"交由")
FILLER_AFTER_NUMBER = re.compile(
    r"\s*(?:内|以内|之内|内完成|内给出|内必须|within)?\s*[-–]?\s*(?:to\s+)?", re.I
)
BUSINESS_KINDS = [
    ("electronics", words(
        r"electronic", r"phone", r"laptop", r"computer", r"gadget", r"camera", r"headphone", r"数码", r"电子",
        r"手机", r"电脑", r"3c", r"耳机",
    )),
    ("appliance", words(r"appliance", r"kitchen", r"家电", r"电器", r"厨电")),
    ("clothing", words(
        r"cloth", r"apparel", r"fashion", r"shoe", r"garment", r"服装", r"服饰", r"鞋", r"衣",
    )),
    ("food", words(r"food", r"snack", r"grocer", r"beverage", r"食品", r"零食", r"生鲜", r"饮料")),
    ("cosmetics", words(r"cosmetic", r"beauty", r"skincare", r"makeup", r"化妆品", r"美妆", r"护肤")),
    ("toys", words(r"\btoy", r"玩具", r"母婴")),
    ("home", words(r"furniture", r"home", r"bedding", r"家居", r"家纺", r"家具")),
]  # fmt: skip

# A window stated as not offered ("生鲜不支持七天无理由退货", "no returns on sale items").
NO_RETURNS_RE = words(
    r"no returns", r"non-?returnable", r"not returnable", r"final sale", r"不退不换", r"概不退", r"不可退"
)
NOT_OFFERED_RE = words(r"不支持", r"不提供", r"不接受", r"不适用", r"not (?:offered|accepted|available)")
