"""CSV order import, by the service, the CLI and the API: idempotent on order no.; a bad row is
reported with its line number and reason and nothing of it is stored; the rest goes in."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from aftersale import cli
from aftersale.catalog.models import Customer, Order, OrderLine, Product
from aftersale.catalog.services import orders_import_csv
from aftersale.common.errors import PermissionDenied
from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db

HEADER = (
    "order_no,channel,store,customer_name,customer_phone,tier,is_vip,paid_at,payment_method,"
    "paid_amount,line_no,sku,product_name,category,quantity,unit_price,serial_no"
)
GOOD_ROWS = [
    # line 2-3: one order with two lines; line 4: a second order of another buyer
    "TB1001,platform,旗舰店,张三,13800000001,gold,是,2026-11-20 10:00:00,alipay,598.00,"
    "1,SKU-A,空气炸锅,appliance,1,399.00,SN1",
    "TB1001,platform,旗舰店,张三,13800000001,gold,是,2026-11-20 10:00:00,alipay,598.00,"
    "2,SKU-B,滤网,home,1,199.00,",
    "TB1002,own_store,,李四,13800000002,,否,2026-11-21T09:30:00+08:00,wechat,59.90,1,SKU-B,,,1,59.90,",
]


def _csv(*rows: str, header: str = HEADER) -> str:
    return "\n".join([header, *rows]) + "\n"


def _import(text: str, actor) -> object:
    return orders_import_csv(stream=io.StringIO(text), actor=actor)


def test_an_order_is_never_split_between_chunks(people, monkeypatch):
    monkeypatch.setattr("aftersale.catalog.services.CHUNK_ROWS", 1)
    report = _import(_csv(*GOOD_ROWS), people.team_lead)
    assert (report.created, report.updated, report.lines, report.errors) == (2, 0, 3, [])


def test_good_rows_go_in(people):
    report = _import(_csv(*GOOD_ROWS), people.team_lead)

    assert (report.created, report.updated, report.lines, report.errors) == (2, 0, 3, [])
    first = Order.objects.get(order_no="TB1001")
    assert first.channel == "platform" and first.store == "旗舰店" and first.payment_method == "alipay"
    assert first.goods_amount == Decimal("598.00") and first.paid_amount == Decimal("598.00")
    assert first.customer.name == "张三" and first.customer.tier == "gold" and first.customer.is_vip
    assert [(line.line_no, line.product.sku, line.serial_no) for line in first.lines.order_by("line_no")] == [
        (1, "SKU-A", "SN1"),
        (2, "SKU-B", ""),
    ]
    assert Product.objects.get(sku="SKU-A").category == "appliance"
    second = Order.objects.get(order_no="TB1002")
    assert second.customer.tier == "regular" and not second.customer.is_vip
    # A time without an offset is local time (Asia/Shanghai): 10:00 there is 02:00 UTC.
    assert first.paid_at.isoformat() == "2026-11-20T02:00:00+00:00"
    assert second.paid_at.isoformat() == "2026-11-21T01:30:00+00:00"


def test_importing_the_same_file_twice_changes_nothing(people):
    text = _csv(*GOOD_ROWS)
    _import(text, people.team_lead)
    counts = (
        Order.objects.count(),
        OrderLine.objects.count(),
        Customer.objects.count(),
        Product.objects.count(),
    )

    report = _import(text, people.team_lead)

    assert (report.created, report.updated, report.lines, report.errors) == (0, 2, 3, [])
    assert counts == (
        Order.objects.count(),
        OrderLine.objects.count(),
        Customer.objects.count(),
        Product.objects.count(),
    )


def test_a_second_import_updates_what_changed(people):
    _import(_csv(*GOOD_ROWS), people.team_lead)
    changed = GOOD_ROWS[0].replace(",1,399.00,SN1", ",2,399.00,SN1").replace("598.00", "997.00")
    report = _import(_csv(changed), people.team_lead)
    assert (report.created, report.updated) == (0, 1)
    order = Order.objects.get(order_no="TB1001")
    assert order.lines.get(line_no=1).quantity == 2
    assert order.goods_amount == Decimal("997.00") and order.paid_amount == Decimal("997.00")


BAD_ROWS = [
    ("TB2001,platform,,王五,13800000003,,,,alipay,abc,1,SKU-A,,,1,10.00,", "paid_amount", "必须是数字"),
    (
        "TB2002,fax,,王五,13800000003,,,,alipay,10.00,1,SKU-A,,,1,10.00,",
        "channel",
        "必须是以下之一：'platform', 'own_store', 'social' or 'offline'",
    ),
    ("TB2003,platform,,王五,not-a-phone,,,,alipay,10.00,1,SKU-A,,,1,10.00,", "customer_phone", None),
    (
        "TB2004,platform,,王五,13800000003,,,2026-02-30 10:00,alipay,10.00,1,SKU-A,,,1,10.00,",
        "paid_at",
        "不是有效的日期时间（示例：2026-11-22 14:30:00）",
    ),
    (
        "TB2005,platform,,王五,13800000003,,,,alipay,10.00,1,SKU-NEW,,,1,10.00,",
        "sku",
        "未知的 SKU：SKU-NEW（新商品需填写 product_name）",
    ),
    ("TB2006,platform,,王五,13800000003,,,,alipay,10.00,0,SKU-A,,,1,10.00,", "line_no", "必须大于或等于 1"),
    (
        "TB2007,platform,,王五,13800000003,,,,alipay,10.001,1,SKU-A,,,1,10.00,",
        "paid_amount",
        "最多保留 2 位小数",
    ),
    ("TB 2008,platform,,王五,13800000003,,,,alipay,10.00,1,SKU-A,,,1,10.00,", "order_no", None),
    (",platform,,王五,13800000003,,,,alipay,10.00,1,SKU-A,,,1,10.00,", "order_no", "此字段为必填项"),
    ("TB2010,platform,,王五,13800000003,,,,alipay,10.00,1,SKU-A,,,-1,10.00,", "quantity", "必须大于或等于 1"),
    ("TB2011,platform,,王五,13800000003,,,,alipay,10.00,1,SKU-A,,,1,1e20,", "unit_price", "数值过大"),
    ("TB2012,platform,,王五,13800000003,,,,alipay,10.00,1,SKU-A,,,1,10.00,,extra", "row", "列数多于表头"),
    (
        "TB2013,platform,,王五,13800000003,,,0001-01-01 00:00:00,alipay,10.00,1,SKU-A,,,1,10.00,",
        "paid_at",
        "不是有效的日期时间（示例：2026-11-22 14:30:00）",
    ),
    (
        "TB2014,platform,店\x00铺,王五,13800000003,,,,alipay,10.00,1,SKU-A,,,1,10.00,",
        "store",
        "包含不允许的控制字符",
    ),
    (
        "TB2015,platform,,王五,13800000003,,maybe,,alipay,10.00,1,SKU-A,,,1,10.00,",
        "is_vip",
        "必须是 true 或 false",
    ),
]


@pytest.mark.parametrize(
    ("row", "field", "message"), BAD_ROWS, ids=[b[0].split(",")[0] or "empty" for b in BAD_ROWS]
)
def test_a_bad_row_is_reported_with_its_line_and_reason_and_the_rest_goes_in(people, row, field, message):
    ProductFactory(sku="SKU-A")
    ProductFactory(sku="SKU-B")
    customers = Customer.objects.count()

    report = _import(_csv(GOOD_ROWS[0], row, GOOD_ROWS[2]), people.team_lead)

    assert [(e.line, e.field) for e in report.errors] == [(3, field)]
    if message is not None:
        assert report.errors[0].message == message
    assert report.errors[0].message
    assert (report.created, report.lines) == (2, 2)
    assert set(Order.objects.values_list("order_no", flat=True)) == {"TB1001", "TB1002"}
    assert not Customer.objects.filter(name="王五").exists()
    assert Customer.objects.count() == customers + 2
    assert not Product.objects.filter(sku="SKU-NEW").exists()


def test_a_line_whose_amount_does_not_fit_is_refused(people):
    ProductFactory(sku="SKU-B")
    # Quantity and unit price are each valid, but their product is more than an amount can hold.
    row = "TB3001,platform,,王五,13800000003,,,,alipay,10.00,1,SKU-A,空气炸锅,,1000000,999999999999.99,"
    report = _import(_csv(row, GOOD_ROWS[2]), people.team_lead)
    assert [(e.line, e.field, e.message) for e in report.errors] == [(2, "unit_price", "数量与单价之积过大")]
    assert list(Order.objects.values_list("order_no", flat=True)) == ["TB1002"]
    assert not Customer.objects.filter(name="王五").exists()


def test_a_row_that_takes_its_order_over_the_largest_amount_is_refused(people):
    ProductFactory(sku="SKU-B")
    first = "TB3002,platform,,王五,13800000003,,,,alipay,10.00,1,SKU-A,空气炸锅,,1,600000000000.00,"
    second = "TB3002,platform,,王五,13800000003,,,,alipay,10.00,2,SKU-A,空气炸锅,,1,600000000000.00,"
    report = _import(_csv(first, second, GOOD_ROWS[2]), people.team_lead)
    assert [(e.line, e.field, e.message) for e in report.errors] == [(3, "lines", "订单商品金额合计过大")]
    order = Order.objects.get(order_no="TB3002")
    assert list(order.lines.values_list("line_no", flat=True)) == [1]
    assert order.goods_amount == Decimal("600000000000.00")
    assert Order.objects.filter(order_no="TB1002").exists()


def test_every_bad_row_is_reported_in_file_order(people):
    ProductFactory(sku="SKU-B")
    rows = [BAD_ROWS[0][0], GOOD_ROWS[2], BAD_ROWS[1][0], BAD_ROWS[4][0]]
    report = _import(_csv(*rows), people.team_lead)
    assert [(e.line, e.field) for e in report.errors] == [(2, "paid_amount"), (4, "channel"), (5, "sku")]
    assert report.created == 1


def test_a_missing_required_column_stops_the_import_naming_it(people):
    header = HEADER.replace("paid_amount,", "").replace(",unit_price", "")
    report = _import(_csv("TB1,platform", header=header), people.team_lead)
    assert [(e.line, e.field, e.message) for e in report.errors] == [
        (1, "paid_amount,unit_price", "缺少必需的列：paid_amount, unit_price")
    ]
    assert Order.objects.count() == 0


def test_unknown_columns_are_reported_and_ignored(people):
    ProductFactory(sku="SKU-B")
    report = _import(_csv(GOOD_ROWS[2] + ",备注", header=HEADER + ",remark"), people.team_lead)
    assert report.ignored_columns == ["remark"] and report.errors == []
    assert Order.objects.filter(order_no="TB1002").exists()


def test_a_byte_order_mark_and_windows_line_ends_are_fine(people):
    text = "\ufeff" + _csv(*GOOD_ROWS).replace("\n", "\r\n")
    report = _import(text, people.team_lead)
    assert (report.created, report.errors) == (2, [])


def test_an_empty_file_reports_the_missing_columns(people):
    report = _import("", people.team_lead)
    assert report.errors and report.errors[0].line == 1 and "order_no" in report.errors[0].field


@pytest.mark.parametrize("who", ["agent", "optimizer", "customer_user"])
def test_only_leads_directors_and_admins_may_import(people, who):
    with pytest.raises(PermissionDenied):
        _import(_csv(*GOOD_ROWS), getattr(people, who))
    assert Order.objects.count() == 0


# ---- the command line ------------------------------------------------------------------------


@pytest.fixture
def csv_file(tmp_path):
    def write(text: str, encoding: str = "utf-8"):
        path = tmp_path / "orders.csv"
        path.write_bytes(text.encode(encoding))
        return str(path)

    return write


def test_cli_imports_and_prints_a_summary(people, csv_file, capsys):
    code = cli.main(["import-orders", csv_file(_csv(*GOOD_ROWS)), "--user", "lead"])
    out, err = capsys.readouterr()
    assert code == 0
    assert out.strip() == "created 2 orders, updated 0, 3 lines"
    assert err == ""
    assert Order.objects.count() == 2


def test_cli_reports_bad_rows_on_stderr_and_exits_1(people, csv_file, capsys):
    ProductFactory(sku="SKU-B")
    code = cli.main(["import-orders", csv_file(_csv(GOOD_ROWS[2], BAD_ROWS[0][0])), "--user", "admin"])
    out, err = capsys.readouterr()
    assert code == 1
    assert out.strip() == "created 1 orders, updated 0, 1 lines"
    assert err.strip() == "line 3: paid_amount: 必须是数字"


def test_cli_refuses_an_unknown_user(people, csv_file, capsys):
    assert cli.main(["import-orders", csv_file(_csv(*GOOD_ROWS)), "--user", "nobody"]) == 2
    assert "nobody" in capsys.readouterr().err
    assert Order.objects.count() == 0


def test_cli_refuses_a_user_who_may_not_import(people, csv_file, capsys):
    assert cli.main(["import-orders", csv_file(_csv(*GOOD_ROWS)), "--user", "agent"]) == 2
    assert "您的角色无权执行此操作：导入订单" in capsys.readouterr().err
    assert Order.objects.count() == 0


def test_cli_refuses_a_missing_or_undecodable_file(people, csv_file, tmp_path, capsys):
    assert cli.main(["import-orders", str(tmp_path / "missing.csv"), "--user", "lead"]) == 2
    assert "missing.csv" in capsys.readouterr().err
    assert cli.main(["import-orders", csv_file(_csv(*GOOD_ROWS), encoding="gbk"), "--user", "lead"]) == 2
    assert "orders.csv" in capsys.readouterr().err
    assert Order.objects.count() == 0


# ---- the API ---------------------------------------------------------------------------------


def _upload(api, user, content: bytes):
    file = SimpleUploadedFile("orders.csv", content, content_type="text/csv")
    return api(user).upload("/orders/import", {"file": file})


def test_api_import_returns_the_report(api, people):
    ProductFactory(sku="SKU-B")
    response = _upload(api, people.director, _csv(GOOD_ROWS[0], BAD_ROWS[0][0], GOOD_ROWS[2]).encode())
    assert response.status_code == 200, response.content
    assert response.json() == {
        "created": 2,
        "updated": 0,
        "lines": 2,
        "ignored_columns": [],
        "errors": [{"line": 3, "field": "paid_amount", "message": "必须是数字"}],
    }


def test_api_import_is_idempotent(api, people):
    content = _csv(*GOOD_ROWS).encode()
    _upload(api, people.director, content)
    again = _upload(api, people.director, content).json()
    assert (again["created"], again["updated"], again["lines"]) == (0, 2, 3)
    assert Order.objects.count() == 2 and OrderLine.objects.count() == 3


def test_api_refuses_a_file_that_is_not_utf8(api, people):
    response = _upload(api, people.director, _csv(*GOOD_ROWS).encode("gbk"))
    assert response.status_code == 400
    assert response.json() == {
        "errors": [{"field": "file", "message": "文件不是 UTF-8 编码的 CSV", "code": "invalid"}]
    }
    assert Order.objects.count() == 0


def test_api_refuses_an_agent(api, people):
    response = _upload(api, people.agent, _csv(*GOOD_ROWS).encode())
    assert response.status_code == 403
    assert response.json()["errors"][0]["field"] == "role"
    assert Order.objects.count() == 0


def test_api_needs_the_file(api, people):
    response = api(people.director).upload("/orders/import", {})
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "file", "message": "此字段为必填项", "code": "missing"}]


def test_api_import_of_binary_garbage_is_a_clear_error(api, people):
    response = _upload(api, people.director, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "file"
    assert Order.objects.count() == 0


def test_api_import_of_a_text_file_that_is_not_a_csv_of_orders(api, people):
    response = _upload(api, people.director, "订单\n没有表头\n".encode())
    assert response.status_code == 200
    body = response.json()
    assert body["created"] == 0 and body["errors"][0]["line"] == 1
    assert body["errors"][0]["message"].startswith("缺少必需的列：order_no, channel")
