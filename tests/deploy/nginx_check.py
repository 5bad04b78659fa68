"""Check deploy/nginx/aftersale.conf for real: nginx (with a throw-away self-signed certificate, on
ports 8080/8443) in front of two gunicorn web processes on loopback. Needs the nginx binary
(`apt-get install nginx`), so it is a script, not part of `make test`:

    .venv/bin/python -m tests.deploy.nginx_check

Prints one line per check and exits 1 if any fails.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from .layout import ROOT, Layout

HOST = "aftersale.example.com"
SITE = ROOT / "deploy" / "nginx" / "aftersale.conf"


def site_for(layout: Layout, work: Path) -> str:
    """The committed site file with this run's ports, paths and certificate."""
    text = SITE.read_text()
    for default, port in zip(("127.0.0.1:8001", "127.0.0.1:8002"), layout.ports, strict=True):
        text = text.replace(default, f"127.0.0.1:{port}")
    return (
        text.replace("listen 443 ssl http2;", "listen 127.0.0.1:8443 ssl http2;")
        .replace("listen [::]:443 ssl http2;", "")
        .replace("listen 80;", "listen 127.0.0.1:8080;")
        .replace("listen [::]:80;", "")
        .replace("/var/lib/aftersale/static/", f"{layout.data_dir / 'static'}/")
        .replace("/etc/ssl/aftersale/", f"{work}/")
        .replace("/var/log/nginx/", f"{work}/")
        .replace("https://$host$request_uri", "https://$host:8443$request_uri")
    )


def nginx_conf(layout: Layout, work: Path) -> Path:
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", f"/CN={HOST}"]
        + ["-keyout", str(work / "privkey.pem"), "-out", str(work / "fullchain.pem")],
        check=True,
        capture_output=True,
    )
    (work / "site.conf").write_text(site_for(layout, work))
    main = work / "nginx.conf"
    main.write_text(
        f"pid {work}/nginx.pid;\nerror_log {work}/error.log;\nevents {{}}\n"
        f"http {{\n include /etc/nginx/mime.types;\n client_body_temp_path {work}/body;\n"
        f" proxy_temp_path {work}/proxy;\n access_log off;\n include {work}/site.conf;\n}}\n"
    )
    return main


def checks(layout: Layout, people: dict) -> list[tuple[str, bool, str]]:
    https = httpx.Client(base_url="https://127.0.0.1:8443", verify=False, headers={"Host": HOST}, timeout=20)
    results = []

    def check(name: str, ok: bool, detail: str = "") -> None:
        results.append((name, ok, detail))

    plain = httpx.get("http://127.0.0.1:8080/console/", headers={"Host": HOST})
    check("http redirects to https", plain.status_code == 301, plain.headers.get("location", ""))
    health = https.get("/healthz", headers={"X-Request-ID": "nginx-check-1"})
    check("/healthz through nginx", health.status_code == 200, str(health.status_code))
    request_id = health.headers.get("x-request-id", "")
    check(
        "nginx's request id passed on and echoed",
        len(request_id) == 32 and request_id != "nginx-check-1",
        request_id,
    )
    check(
        "X-Forwarded-Proto trusted (HSTS sent only on https)",
        "strict-transport-security" in health.headers,
        str(dict(health.headers)),
    )
    static = https.get("/static/nginx-check.txt")
    served = static.status_code == 200 and static.text == "static ok"
    check("static files from STATIC_ROOT", served, static.text)
    secret = https.get("/media/evidence/secret.txt")
    check("media never served from disk", secret.status_code == 404 and "secret" not in secret.text)
    check("/metrics not routed", https.get("/metrics").status_code == 404)
    customer = people["customers"][0]
    created = https.post(
        "/api/v1/cases",
        headers={"Authorization": f"Bearer {customer['token']}"},
        json={
            "order_no": customer["orders"][0],
            "case_type": "inquiry",
            "category": "invoice",
            "resolution": "information",
            "description": "请问发票怎么开",
            "channel": "api",
        },
    )
    check("API write through nginx", created.status_code == 201, created.text[:300])
    if created.status_code == 201:
        number = created.json()["number"]
        auth = {"Authorization": f"Bearer {customer['token']}"}
        uploaded = https.post(
            f"/api/v1/cases/{number}/evidence",
            headers=auth,
            data={"kind": "item_photo"},
            files={"file": _png()},
        )
        url = uploaded.json().get("url", "") if uploaded.status_code == 201 else ""
        check("evidence upload through nginx", bool(url), uploaded.text[:300])
        if url:
            own = https.get(url, headers=auth)
            is_png = own.status_code == 200 and own.content[:4] == b"\x89PNG"
            check("evidence to its customer, via the app", is_png, f"{own.status_code} {own.content[:80]!r}")
            check("evidence to nobody else", https.get(url).status_code == 404)
    login = https.get("/console/login/")
    cookie = login.headers.get("set-cookie", "")
    check("console page, cookies Secure", login.status_code == 200 and "Secure" in cookie, cookie)
    return results


def _png() -> tuple[str, bytes, str]:
    from io import BytesIO

    from PIL import Image

    out = BytesIO()
    Image.new("RGB", (8, 8), "red").save(out, "PNG")
    return ("photo.png", out.getvalue(), "image/png")


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="aftersale-nginx-") as tmp:
        work = Path(tmp)
        work.chmod(0o755)  # nginx's workers (another user) read the static files under it
        layout = Layout(
            database="aftersale_deploy_nginx",
            redis_url="redis://127.0.0.1:6379/10",
            data_dir=work / "data",
            workers=0,
            env={
                "ALLOWED_HOSTS": f"{HOST},127.0.0.1",  # 127.0.0.1: the readiness probe
                "CSRF_TRUSTED_ORIGINS": f"https://{HOST}:8443",
                "SECURE_PROXY_SSL_HEADER": "1",
                "SECURE_COOKIES": "1",
                "SECURE_HSTS_SECONDS": "60",
            },
        )
        with layout:
            layout.prepare()
            people = layout.seed(agents=1, customers=1, orders_per_customer=1)
            (layout.data_dir / "static" / "nginx-check.txt").write_text("static ok")
            (layout.data_dir / "media" / "evidence").mkdir(parents=True)
            (layout.data_dir / "media" / "evidence" / "secret.txt").write_text("secret evidence")
            layout.start(beat=False)
            conf = nginx_conf(layout, work)
            test = subprocess.run(["nginx", "-t", "-c", str(conf)], capture_output=True, text=True)
            print(test.stderr.strip())
            if test.returncode != 0:
                return 1
            nginx = subprocess.Popen(["nginx", "-c", str(conf), "-g", "daemon off;"])
            try:
                time.sleep(1)
                results = checks(layout, people)
            finally:
                nginx.terminate()
                nginx.wait(timeout=10)
    for name, ok, detail in results:
        print(f"{'ok  ' if ok else 'FAIL'} {name}" + ("" if ok else f": {detail}"))
    return 0 if all(ok for _, ok, _ in results) else 1


if __name__ == "__main__":
    sys.exit(main())
