"""gunicorn settings shared by `aftersale serve` and the systemd unit (`--config
python:aftersale.gunicorn_conf`); command-line options given with it take precedence."""

from __future__ import annotations

import gc


def post_worker_init(worker) -> None:
    # Everything loaded so far (Django, the apps, the compiled playbook) lives as long as the
    # worker: keep it out of the collector's full sweeps, which otherwise walk it all and show up
    # as latency spikes on whichever request triggers them.
    gc.freeze()
