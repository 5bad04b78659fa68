"""The demo shop: products, customers, stores on every channel, and orders over the last 60 days.

Orders go in through the real import service, exactly as a shop's order feed would.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from aftersale.catalog.models import (
    Channel,
    Customer,
    MembershipTier,
    PaymentMethod,
    Product,
    ProductCategory,
)
from aftersale.catalog.services import orders_upsert
from aftersale.common.models import User

from .script import Purchase

TOTAL_ORDERS = 120
HISTORY_DAYS = 60
FREE_SHIPPING_FROM = Decimal("99.00")
COLD_CHAIN_FREE_FROM = Decimal("299.00")
GIFT_PROMOTION_SHARE = 0.4  # share of orders placed while a gift promotion ran
Times = tuple[datetime, datetime | None, datetime | None]  # paid, shipped, signed for


@dataclass(frozen=True)
class ProductSpec:
    sku: str
    name: str
    category: ProductCategory
    price: str
    warranty_months: int = 0
    serial_prefix: str = ""  # electronics and appliances carry a serial number per unit
    is_custom_made: bool = False
    is_perishable: bool = False
    is_periodical: bool = False
    confirm_at_checkout: bool = False


C = ProductCategory
PRODUCTS: tuple[ProductSpec, ...] = (
    ProductSpec("APL-RC-401", "IH 电饭煲 4L 智能预约款", C.APPLIANCE, "399.00", 12, "RC401"),
    ProductSpec("APL-AF-550", "可视空气炸锅 5.5L", C.APPLIANCE, "299.00", 12, "AF550"),
    ProductSpec("APL-RV-T30", "扫地机器人 T30 扫拖一体", C.APPLIANCE, "3299.00", 24, "RVT30"),
    ProductSpec("APL-FR-635", "法式多门冰箱 635L 一级能效", C.APPLIANCE, "8999.00", 36, "FR635"),
    ProductSpec("APL-DW-13", "嵌入式洗碗机 13 套 热风烘干", C.APPLIANCE, "5999.00", 24, "DW13"),
    ProductSpec("APL-HD-110", "高速负离子吹风机", C.APPLIANCE, "1299.00", 12, "HD110"),
    ProductSpec("ELE-EB-PRO", "主动降噪蓝牙耳机 Pro", C.ELECTRONICS, "899.00", 12, "EB"),
    ProductSpec("ELE-TB-11", "平板电脑 11 英寸 8+256G", C.ELECTRONICS, "2999.00", 12, "TB"),
    ProductSpec("ELE-SW-GT", "智能手表 GT 运动版", C.ELECTRONICS, "1299.00", 12, "SW"),
    ProductSpec("ELE-PB-20K", "充电宝 20000mAh 快充版", C.ELECTRONICS, "149.00", 12, "PB"),
    ProductSpec("ELE-CB-C1", "Type-C 快充数据线 1m", C.ELECTRONICS, "29.90", 12),
    ProductSpec("CLO-DJ-W01", "女款轻薄白鸭绒羽绒服", C.CLOTHING, "699.00"),
    ProductSpec("CLO-RS-M42", "男款缓震跑步鞋", C.CLOTHING, "459.00"),
    ProductSpec("COS-FC-50", "修护保湿面霜 50ml", C.COSMETICS, "329.00"),
    ProductSpec("COS-SS-50", "清爽防晒乳 SPF50+ 50ml", C.COSMETICS, "159.00"),
    ProductSpec("FRS-CH-25", "智利车厘子 JJ 级 2.5kg 礼盒", C.FRESH, "269.00", is_perishable=True),
    ProductSpec("FRS-CB-8", "阳澄湖大闸蟹礼盒 4 对", C.FRESH, "598.00", is_perishable=True),
    ProductSpec("FOD-NT-30", "每日坚果礼盒 30 袋", C.FOOD, "139.00"),
    ProductSpec(
        "HOM-CUP-ENG", "定制刻字保温杯 500ml", C.HOME, "129.00", is_custom_made=True, confirm_at_checkout=True
    ),
    ProductSpec("HOM-FT-3", "一次性洗脸巾 3 包装", C.HOME, "39.90"),
    ProductSpec("HOM-PL-2", "天然乳胶枕 2 只装", C.HOME, "259.00"),
    ProductSpec("TOY-BK-1200", "积木城堡套装 1200 粒", C.TOYS, "399.00"),
    ProductSpec("BOK-MAG-26", "《生活周刊》2026 年全年订阅", C.BOOKS, "480.00", is_periodical=True),
)
PRODUCT_BY_SKU = {p.sku: p for p in PRODUCTS}
# Gifts (name, value) sent with the product while a promotion runs.
GIFTS: dict[str, tuple[tuple[str, str], ...]] = {
    "APL-RC-401": (("不锈钢蒸笼", "19.00"),),
    "APL-RV-T30": (("替换边刷 2 只装", "29.00"), ("一次性尘袋 3 只", "36.00")),
    "APL-FR-635": (("冰箱除味盒", "39.00"),),
    "ELE-TB-11": (("磁吸保护套", "99.00"),),
    "COS-FC-50": (("面霜旅行装 5ml×3", "45.00"),),
}
# Goods a few customers buy more than once in the same order.
MULTIPLES = {C.FOOD, C.COSMETICS, C.FRESH, C.HOME}

T = MembershipTier
CUSTOMER_NAMES: tuple[str, ...] = tuple(
    "林晓雨 周子轩 张伟 王芳 李强 刘洋 陈思琪 杨帆 黄丽娟 赵磊 吴婷婷 徐明 孙浩然 胡静 "
    "朱建军 高雅 林海峰 何欣怡 郭子豪 马晓燕 罗志勇 梁雪 宋佳怡 郑凯 谢雨桐 韩梅 唐俊杰 "
    "冯晓东 于海洋 董雪梅 程浩 曹颖 袁立新 许诺 沈佳宁 吕文博 苏晴 蒋一鸣 蔡雯 丁一凡".split()
)
MEMBER_TIERS: dict[str, MembershipTier] = {  # everyone else is a regular member
    "林晓雨": T.GOLD,
    "刘洋": T.GOLD,
    "吴婷婷": T.GOLD,
    "马晓燕": T.GOLD,
    "谢雨桐": T.GOLD,
    "程浩": T.GOLD,
    "陈思琪": T.PLATINUM,
    "高雅": T.PLATINUM,
    "苏晴": T.PLATINUM,
    "王芳": T.SILVER,
    "黄丽娟": T.SILVER,
    "胡静": T.SILVER,
    "何欣怡": T.SILVER,
    "宋佳怡": T.SILVER,
    "冯晓东": T.SILVER,
    "许诺": T.SILVER,
    "蔡雯": T.SILVER,
}
# Customers who shop with their own demo login.
CUSTOMER_LOGINS = {"林晓雨": "customer1", "周子轩": "customer2"}
MOBILE_PREFIXES = tuple("130 135 136 137 138 139 150 151 158 159 176 177 180 186 187 188 189 191 199".split())


@dataclass(frozen=True)
class Store:
    channel: Channel
    name: str
    order_prefix: str
    payment_methods: tuple[PaymentMethod, ...]
    weight: int  # how much of the shop's business goes through it


P = PaymentMethod
STORES: tuple[Store, ...] = (
    Store(Channel.PLATFORM, "天猫旗舰店", "TM", (P.ALIPAY,), 6),
    Store(Channel.PLATFORM, "京东自营", "JD", (P.WECHAT, P.CARD), 5),
    Store(Channel.PLATFORM, "拼多多官方旗舰店", "PDD", (P.WECHAT, P.ALIPAY), 2),
    Store(Channel.OWN_STORE, "微信小程序商城", "MP", (P.WECHAT, P.BALANCE), 3),
    Store(Channel.OWN_STORE, "官网商城", "WEB", (P.ALIPAY, P.WECHAT, P.CARD), 1),
    Store(Channel.SOCIAL, "抖音小店", "DY", (P.WECHAT, P.ALIPAY), 3),
    Store(Channel.SOCIAL, "小红书店铺", "XHS", (P.ALIPAY, P.WECHAT), 2),
    Store(Channel.OFFLINE, "北京朝阳门店", "BJCY", (P.CASH, P.CARD, P.WECHAT, P.ALIPAY), 1),
    Store(Channel.OFFLINE, "上海静安门店", "SHJA", (P.CARD, P.WECHAT, P.ALIPAY), 1),
)
STORE_BY_NAME = {s.name: s for s in STORES}
ONLINE_STORES = tuple(s for s in STORES if s.channel != Channel.OFFLINE)


def products_create() -> None:
    """The catalogue, with the flags the return rules look at (before any order names it)."""
    for spec in PRODUCTS:
        Product.objects.update_or_create(
            sku=spec.sku,
            defaults={
                "name": spec.name,
                "category": spec.category,
                "warranty_months": spec.warranty_months,
                "is_custom_made": spec.is_custom_made,
                "is_perishable": spec.is_perishable,
                "is_periodical": spec.is_periodical,
                "confirm_at_checkout": spec.confirm_at_checkout,
            },
        )


def orders_load(*, book: OrderBook, purchases: list[tuple[Purchase, str]], actor: User) -> list[str]:
    """Import the orders the stories need, given as (purchase, channel the buyer contacts us on),
    plus everyday orders up to TOTAL_ORDERS. Returns the order no. of each purchase, in order."""
    story_orders = [book.story_order(purchase, channel) for purchase, channel in purchases]
    everyday = [book.everyday_order() for _ in range(max(TOTAL_ORDERS - len(story_orders), 0))]
    report = orders_upsert(orders=story_orders + everyday, actor=actor)
    if report.errors:
        raise RuntimeError(f"demo orders refused: {report.errors[:3]}")
    return [order["order_no"] for order in story_orders]


def accounts_link(book: OrderBook, users: dict[str, User]) -> None:
    """Attach the customers who shop with their own login to their accounts."""
    for name, login in CUSTOMER_LOGINS.items():
        phone = book.customers[name]["phone"]
        Customer.objects.filter(phone=phone, user__isnull=True).update(user=users[login])


class OrderBook:
    """Builds order records (the import's JSON shape) from the seeded random."""

    def __init__(self, rng: random.Random, now: datetime) -> None:
        self.rng = rng
        self.now = now
        self.customers = self._customers()
        self.used_numbers: set[str] = set()
        self.queue: list[str] = []

    def _customers(self) -> dict[str, dict[str, Any]]:
        phones: set[str] = set()
        customers = {}
        for name in CUSTOMER_NAMES:
            tier = MEMBER_TIERS.get(name, T.REGULAR)
            phone = ""
            while not phone or phone in phones:
                phone = self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"
            phones.add(phone)
            customers[name] = {"name": name, "phone": phone, "tier": tier, "is_vip": tier == T.PLATINUM}
        return customers

    def story_order(self, purchase: Purchase, channel: str) -> dict[str, Any]:
        """The order of a story; bought where the buyer later gets in touch, when that is a store."""
        same_channel = tuple(s for s in ONLINE_STORES if s.channel == channel)
        store = (
            STORE_BY_NAME[purchase.store] if purchase.store else self._store(same_channel or ONLINE_STORES)
        )
        name = next((n for n, login in CUSTOMER_LOGINS.items() if login == purchase.account), None)
        buyer = self.customers[name] if name else self._any_customer()
        paid, shipped, signed = self._story_times(purchase, store)
        lines = [self._line(PRODUCT_BY_SKU[purchase.sku], purchase.quantity)]
        return self._order(store, buyer, lines, paid, shipped, signed)

    def everyday_order(self) -> dict[str, Any]:
        store = self._store(STORES)
        products = self.rng.sample(PRODUCTS, k=self.rng.choice((1, 1, 1, 2, 2, 3)))
        lines = [self._line(p, self._quantity(p)) for p in products]
        paid, shipped, signed = self._everyday_times(store)
        return self._order(store, self._any_customer(), lines, paid, shipped, signed)

    def _store(self, stores: tuple[Store, ...]) -> Store:
        return self.rng.choices(stores, weights=[s.weight for s in stores])[0]

    def _any_customer(self) -> dict[str, Any]:
        """The customers without a login take turns in a shuffled round, so that every one shops."""
        if not self.queue:
            self.queue = [n for n in CUSTOMER_NAMES if n not in CUSTOMER_LOGINS]
            self.rng.shuffle(self.queue)
        return self.customers[self.queue.pop()]

    def _quantity(self, product: ProductSpec) -> int:
        return self.rng.choice((1, 1, 2)) if product.category in MULTIPLES else 1

    def _line(self, product: ProductSpec, quantity: int) -> dict[str, Any]:
        line: dict[str, Any] = {
            "sku": product.sku,
            "product_name": product.name,
            "category": product.category,
            "quantity": quantity,
            "unit_price": Decimal(product.price),
            "batch_no": self._batch_no(),
            "no_return_confirmed": product.confirm_at_checkout,
        }
        if product.serial_prefix and quantity == 1:
            line["serial_no"] = self._serial_no(product.serial_prefix)
        return line

    def _batch_no(self) -> str:
        """Production date and line: B20260314A."""
        year, month, day = (
            self.rng.randrange(2025, 2027),
            self.rng.randrange(1, 13),
            self.rng.randrange(1, 29),
        )
        return f"B{year}{month:02d}{day:02d}{self.rng.choice('ABC')}"

    def _serial_no(self, prefix: str) -> str:
        return f"{prefix}{self.rng.randrange(10**4):04d}-{self.rng.randrange(10**6):06d}"

    def _story_times(self, purchase: Purchase, store: Store) -> Times:
        rng, now = self.rng, self.now
        if store.channel == Channel.OFFLINE:  # the goods change hands at the till
            paid = now - timedelta(days=purchase.signed_days_ago or 1)
            return paid, None, paid
        if purchase.signed_days_ago is not None:
            signed = now - timedelta(days=purchase.signed_days_ago)
            shipped = signed - timedelta(hours=rng.uniform(20, 70))
            return shipped - timedelta(hours=rng.uniform(2, 30)), shipped, signed
        if purchase.shipped:
            shipped = now - timedelta(hours=rng.uniform(50, 80))
            return shipped - timedelta(hours=rng.uniform(2, 30)), shipped, None
        return now - timedelta(hours=rng.uniform(30, 50)), None, None

    def _everyday_times(self, store: Store) -> Times:
        rng, now = self.rng, self.now
        paid = now - timedelta(days=rng.uniform(0.2, HISTORY_DAYS))
        if store.channel == Channel.OFFLINE:
            return paid, None, paid
        shipped = paid + timedelta(hours=rng.uniform(2, 36))
        if shipped > now - timedelta(hours=1):
            return paid, None, None
        signed = shipped + timedelta(hours=rng.uniform(24, 96))
        return paid, shipped, (signed if signed < now - timedelta(hours=1) else None)

    def _order(
        self,
        store: Store,
        buyer: dict[str, Any],
        lines: list[dict[str, Any]],
        paid: datetime,
        shipped: datetime | None,
        signed: datetime | None,
    ) -> dict[str, Any]:
        for number, line in enumerate(lines, start=1):
            line["line_no"] = number
        goods = sum((line["unit_price"] * line["quantity"] for line in lines), Decimal("0.00"))
        discount = self._discount(goods)
        shipping = self._shipping_fee(store, goods, lines)
        method = self.rng.choice(store.payment_methods)
        gifts = self._gifts(lines) if self.rng.random() < GIFT_PROMOTION_SHARE else []
        return {
            "order_no": self._order_no(store),
            "channel": store.channel,
            "store": store.name,
            "customer": buyer,
            "paid_at": paid,
            "shipped_at": shipped,
            "signed_at": signed,
            "payment_method": method,
            "payment_ref": self._payment_ref(method, store, paid),
            "discount_amount": discount,
            "shipping_fee": shipping,
            "paid_amount": goods - discount + shipping,
            "gifts": gifts,
            "lines": lines,
        }

    @staticmethod
    def _gifts(lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [
            {"name": gift, "value": Decimal(value)}
            for line in lines
            for gift, value in GIFTS.get(line["sku"], ())
        ]

    def _order_no(self, store: Store) -> str:
        number = ""
        while not number or number in self.used_numbers:
            number = f"{store.order_prefix}{self.rng.randrange(10**15, 10**16)}"
        self.used_numbers.add(number)
        return number

    def _discount(self, goods: Decimal) -> Decimal:
        """Store coupons: 满3000减300, 满1000减100, 满300减30 — not every buyer has one."""
        for threshold, off in (("3000", "300.00"), ("1000", "100.00"), ("300", "30.00")):
            if goods >= Decimal(threshold):
                return Decimal(off) if self.rng.random() < 0.4 else Decimal("0.00")
        return Decimal("0.00")

    @staticmethod
    def _shipping_fee(store: Store, goods: Decimal, lines: list[dict[str, Any]]) -> Decimal:
        if store.channel == Channel.OFFLINE:
            return Decimal("0.00")
        if any(PRODUCT_BY_SKU[line["sku"]].is_perishable for line in lines):  # cold chain
            return Decimal("0.00") if goods >= COLD_CHAIN_FREE_FROM else Decimal("15.00")
        return Decimal("0.00") if goods >= FREE_SHIPPING_FROM else Decimal("8.00")

    def _payment_ref(self, method: str, store: Store, paid: datetime) -> str:
        """A reference shaped like the payment provider's."""
        digits = f"{self.rng.randrange(10**13, 10**14)}"
        local = timezone.localtime(paid)
        references = {
            P.ALIPAY: f"{local:%Y%m%d}2200{digits}",
            P.WECHAT: f"42000{local:%Y%m%d}{digits}",
            P.CARD: f"UP{local:%Y%m%d%H%M}{digits[:8]}",
            P.CASH: f"POS-{store.order_prefix}-{local:%m%d}-{digits[:4]}",
            P.BALANCE: f"BAL{local:%Y%m%d}{digits[:8]}",
        }
        return references.get(method, digits)
