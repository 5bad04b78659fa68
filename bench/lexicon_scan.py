"""Sensitive-word scanning throughput: MB/s of Chinese text (UTF-8 bytes) on one core.

    .venv/bin/python bench/lexicon_scan.py [--megabytes 50]

A 1,000-word lexicon (the playbook's defaults plus generated phrases) over generated after-sales
messages, a few of which carry a lexicon word, some written with evasions (traditional
characters, full-width digits, spaces or punctuation inside the word). Scanned message by message,
as inbound texts arrive, and once more as a single text. Target: ≥ 20 MB/s on one core (CPU
time; the wall-clock figure also shows what other processes on the machine took).
"""

from __future__ import annotations

import argparse
import random
import time
from pathlib import Path

import yaml

from aftersale.sla.lexicon import Lexicon, normalise

PLAYBOOK = Path(__file__).resolve().parent.parent / "aftersale" / "policy" / "default_playbook.yaml"

ACTIONS = """找 去找 联系 告诉 发给 报给 投到 告到 上 求助 举报到 反映给 曝光到 发到 打给
    约了 咨询 委托 请了 通知 提交给 转给 寄给 私信 转发到 艾特 爆料给 申诉到 求证 致电
    留言给 写信给 找来 叫来 喊来 联络 对接 约谈 找上 登上""".split()
PARTIES = """媒体 记者 电视台 报社 微博 抖音 工商局 消协 法院 律师 市场监管局 12315 黑猫投诉
    315晚会 经侦 派出所 质监局 网信办 人民网 新闻频道 头条号 小红书 论坛 朋友圈 法务部""".split()
FILLER = [
    *"""你好 我上周买的 电饭煲 吹风机 蓝牙耳机 床上四件套 收到的时候 外包装破了
    里面的配件少了一个 颜色和图片不一样 用了两天就不能开机了 请问可以换货吗 麻烦尽快处理
    快递一直没有更新 物流显示已签收但我没收到 发票怎么开 运费谁来出 能不能上门取件
    我已经拍了照片 订单号在下面 客服说要等审核 谢谢 希望给个说法 商品有划痕 尺码偏小 想退掉
    退款什么时候到账 安装师傅还没来 说明书看不懂 赠品没有发 充电很慢 声音有杂音
    包装有点曝晒的痕迹 我想投保运费险 请问怎么开发票 ， 。 ！ ？ 、""".split(),
    " ",
]
EVASIONS = [
    lambda w: w,
    lambda w: " ".join(w),
    lambda w: "-".join(w),
    lambda w: "。".join(w),
    lambda w: w.translate(str.maketrans("0123456789", "０１２３４５６７８９")),
    lambda w: w.replace("记", "記").replace("诉", "訴").replace("诈", "詐").replace("协", "協"),
]


def lexicon_words() -> list[str]:
    defaults = yaml.safe_load(PLAYBOOK.read_text(encoding="utf-8"))["lexicon"]["words"]
    phrases = [action + party for action in ACTIONS for party in PARTIES]
    return [*defaults, *phrases[: 1000 - len(defaults)]]


def messages(megabytes: float, words: list[str], seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    budget = int(megabytes * 1_000_000)
    result = []
    while budget > 0:
        parts = rng.choices(FILLER, k=rng.randint(5, 300))
        if rng.random() < 0.02:
            parts.insert(rng.randrange(len(parts) + 1), rng.choice(EVASIONS)(rng.choice(words)))
        text = "".join(parts)
        result.append(text)
        budget -= len(text.encode())
    return result


def timed(label: str, texts: list[str], lexicon: Lexicon) -> None:
    size = sum(len(text.encode()) for text in texts) / 1_000_000
    wall, cpu = time.perf_counter(), time.process_time()
    found = [lexicon.scan(text) for text in texts]
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    matches = sum(map(len, found))
    with_hits = sum(1 for f in found if f)
    print(
        f"{label}: {size:.1f} MB, {size / cpu:.1f} MB/s of CPU time ({cpu:.2f} s), "
        f"{size / wall:.1f} MB/s wall clock; {matches} matches in {with_hits} of {len(texts)} texts"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--megabytes", type=float, default=50.0)
    args = parser.parse_args()

    started = time.perf_counter()
    normalise("")
    words = lexicon_words()
    lexicon = Lexicon(words)
    print(f"folding table and {len(words)}-word lexicon built in {time.perf_counter() - started:.2f} s")

    texts = messages(args.megabytes, words)
    timed("message by message", texts, lexicon)
    timed("as one text       ", ["".join(texts)], lexicon)
    print("target: ≥ 20 MB/s")


if __name__ == "__main__":
    main()
