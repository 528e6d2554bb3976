#!/usr/bin/env python3
"""Calls a running linkdex server with the official DataForSEO Python client
(`dataforseo-client`, BacklinksApi.domain_intersection_live) and checks that the client accepts
every response and sees exactly what the server sent.

Usage: python_client_test.py [URL]   (URL also from LINKDEX_URL, default http://127.0.0.1:8080)
Credentials: LINKDEX_LOGIN / LINKDEX_PASSWORD (default alice / secret).
Targets: LINKDEX_TARGETS, comma-separated (default moz.com,ahrefs.com).
Optional expectations on the index being served:
  LINKDEX_EXPECT_TOTAL      exact total_count of the request over LINKDEX_TARGETS
  LINKDEX_EXPECT_MIN_ITEMS  minimum items_count (default 0)
Run it through python_client_test.sh, which makes the venv.
"""

import base64
import json
import os
import sys
import traceback
import urllib.request

from pydantic import BaseModel

from dataforseo_client import api_client as dfs_api_provider
from dataforseo_client import configuration as dfs_config
from dataforseo_client.api.backlinks_api import BacklinksApi
from dataforseo_client.exceptions import ApiException
from dataforseo_client.models.backlinks_domain_intersection_live_request_info import (
    BacklinksDomainIntersectionLiveRequestInfo as Request,
)

PATH = ["v3", "backlinks", "domain_intersection", "live"]
URL = (sys.argv[1] if len(sys.argv) > 1 else os.environ.get("LINKDEX_URL", "http://127.0.0.1:8080")).rstrip("/")
LOGIN = os.environ.get("LINKDEX_LOGIN", "alice")
PASSWORD = os.environ.get("LINKDEX_PASSWORD", "secret")
TARGETS = {str(i + 1): t for i, t in enumerate(os.environ.get("LINKDEX_TARGETS", "moz.com,ahrefs.com").split(","))}


def client(password=PASSWORD):
    config = dfs_config.Configuration(host=URL, username=LOGIN, password=password)
    return dfs_api_provider.ApiClient(config)


def raw_post(tasks, headers=None):
    """The same request without the client: the JSON exactly as the server sent it."""
    token = base64.b64encode(f"{LOGIN}:{PASSWORD}".encode()).decode()
    req = urllib.request.Request(
        URL + "/" + "/".join(PATH),
        data=json.dumps(tasks).encode(),
        headers={"Authorization": "Basic " + token, **(headers or {})},
        method="POST",
    )
    with urllib.request.urlopen(req, timeout=60) as resp:
        return json.loads(resp.read())


def same(model, raw, where="response"):
    """Every value of `raw` is what the client model holds, recursively (types included)."""
    if isinstance(model, BaseModel):
        assert isinstance(raw, dict), f"{where}: object expected, got {raw!r}"
        for key, value in raw.items():
            held = getattr(model, key) if key in type(model).model_fields else model.additional_properties.get(key)
            same(held, value, f"{where}.{key}")
    elif isinstance(raw, dict):
        assert isinstance(model, dict) and model.keys() == raw.keys(), f"{where}: {model!r} != {raw!r}"
        for key in raw:
            same(model[key], raw[key], f"{where}.{key}")
    elif isinstance(raw, list):
        assert isinstance(model, list) and len(model) == len(raw), f"{where}: {model!r} != {raw!r}"
        for i, (m, r) in enumerate(zip(model, raw)):
            same(m, r, f"{where}[{i}]")
    else:
        assert model == raw and type(model) in (type(raw), float), f"{where}: {model!r} != {raw!r}"


def check_live_request():
    request = Request(targets=TARGETS, limit=10, tag="pyclient")
    with client() as api:
        resp = BacklinksApi(api).domain_intersection_live([request])
    assert resp.status_code == 20000, resp.status_message
    assert resp.version.startswith("0.1.") and len(resp.version) == 12, resp.version
    assert resp.time.endswith(" sec."), resp.time
    assert isinstance(resp.cost, float)
    assert (resp.tasks_count, resp.tasks_error) == (1, 0)
    task = resp.tasks[0]
    assert task.status_code == 20000, f"{task.status_code} {task.status_message}"
    assert len(task.id) == 36 and task.id.count("-") == 4, task.id
    assert task.path == PATH
    assert task.data["api"] == "backlinks" and task.data["function"] == "domain_intersection"
    assert task.data["targets"] == TARGETS and task.data["tag"] == "pyclient" and task.data["limit"] == 10
    assert "offset" not in task.data, "null fields are not echoed"
    assert task.result_count == 1
    result = task.result[0]
    assert result.targets == TARGETS
    assert result.items_count == len(result.items) == min(10, result.total_count)
    expect_total = os.environ.get("LINKDEX_EXPECT_TOTAL")
    if expect_total is not None:
        assert result.total_count == int(expect_total), f"total_count {result.total_count} != {expect_total}"
    assert result.items_count >= int(os.environ.get("LINKDEX_EXPECT_MIN_ITEMS", "0")), result.items_count
    for item in result.items:
        keys = set(item.domain_intersection)
        assert keys <= set(TARGETS), keys
        assert item.summary.intersections_count == len(keys)
        for key, metrics in item.domain_intersection.items():
            assert metrics.type == "backlinks_domain_intersection"
            assert isinstance(metrics.rank, int) and 0 <= metrics.rank <= 1000

    raw = raw_post([request.to_dict()])
    same(resp.tasks[0].result, raw["tasks"][0]["result"], "tasks[0].result")
    print(f"  total_count={result.total_count} items_count={result.items_count}")


def check_paging_agrees():
    with client() as api:
        whole = BacklinksApi(api).domain_intersection_live([Request(targets=TARGETS, limit=4)]).tasks[0].result[0]
        first = BacklinksApi(api).domain_intersection_live([Request(targets=TARGETS, limit=2)]).tasks[0].result[0]
        rest = BacklinksApi(api).domain_intersection_live([Request(targets=TARGETS, limit=2, offset=2)]).tasks[0].result[0]
    assert first.total_count == rest.total_count == whole.total_count
    names = lambda r: [next(iter(i.domain_intersection.values())).target for i in r.items]
    assert names(first) + names(rest) == names(whole)


def check_invalid_field_is_a_task_error():
    with client() as api:
        resp = BacklinksApi(api).domain_intersection_live([Request(targets=TARGETS, limit=1001)])
    assert resp.status_code == 20000 and resp.tasks_error == 1
    task = resp.tasks[0]
    assert task.status_code == 40501, task.status_code
    assert task.status_message == "Invalid Field: 'limit'.", task.status_message
    assert task.result is None and task.result_count == 0 and task.cost == 0


def check_false_gzip_header_of_example_clients():
    raw = raw_post([{"targets": TARGETS, "limit": 1}], {"Content-Encoding": "gzip", "Content-Type": "application/json"})
    assert raw["tasks"][0]["status_code"] == 20000, raw["tasks"][0]["status_message"]


def check_wrong_password_is_401():
    try:
        with client("not-the-password") as api:
            BacklinksApi(api).domain_intersection_live([Request(targets=TARGETS)])
    except ApiException as e:
        assert e.status == 401, e.status
        assert json.loads(e.body)["status_code"] == 40100
        return
    raise AssertionError("no exception for a wrong password")


def main():
    checks = [
        check_live_request,
        check_paging_agrees,
        check_invalid_field_is_a_task_error,
        check_false_gzip_header_of_example_clients,
        check_wrong_password_is_401,
    ]
    print(f"python client against {URL}, targets {TARGETS}")
    failed = 0
    for check in checks:
        try:
            check()
            print(f"ok   {check.__name__}")
        except Exception:
            failed += 1
            print(f"FAIL {check.__name__}")
            traceback.print_exc()
    print(f"pyclient: {len(checks) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
