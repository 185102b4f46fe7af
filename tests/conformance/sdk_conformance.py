#!/usr/bin/env python3
"""Conformance of a Telnyx API (normally the project's emulator) with the official Telnyx
Python SDK (telnyx==4.189.0).

    PYTHONPATH=.tools/python python3 tests/conformance/sdk_conformance.py \
        --base-url http://127.0.0.1:PORT/v2 --api-key KEY [--require outbound_voice_profiles,...]

(or TELNYX_BASE_URL / TELNYX_API_KEY in the environment). Starts nothing itself.

For every object family the server serves (found by probing `GET /<family>`), it drives every
documented endpoint through the SDK client (create, retrieve, update, list with pagination,
filters and sort, delete, and family-specific actions) and checks:
  - every raw HTTP response the SDK received validates STRICTLY against the SDK's own response
    model (tests/conformance/strict.py: no missing required field, no extra field, no mistyped
    field), and holds every field the shared API reference documents (reference.json);
  - statuses, envelopes and record_type constants as documented;
  - semantics: echoes of what was sent, retrieve == create, updates stick, pagination returns
    every object exactly once, filters select exactly the expected objects, deletes stick;
  - error envelopes: 404, 422 (with source.pointer), 401 (wrong key) raise the SDK's documented
    exception classes and their bodies validate against the SDK's shared APIError model.
It also checks that every documented endpoint of every served family was exercised and that no
response went unvalidated. Prints a summary; exits 1 on any mismatch, naming family, endpoint,
JSON path, expected and got; exits 2 when it cannot run (SDK missing, bad arguments).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import secrets
import sys
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional

HERE = Path(__file__).resolve().parent
sys.dont_write_bytecode = True  # keep the source tree clean of __pycache__
sys.path.insert(0, str(HERE))

try:
    import httpx
    import telnyx
    from pydantic import BaseModel
    from telnyx.pagination import SyncDefaultFlatPagination
    from telnyx.types import shared as sdk_shared
    from telnyx.types.connection import Connection
except ImportError as e:  # pragma: no cover - environment problem, not a conformance result
    print(
        f"sdk_conformance: the Telnyx Python SDK is not importable ({e}). Run scripts/install-tools.sh "
        "and put .tools/python on PYTHONPATH.",
        file=sys.stderr,
    )
    sys.exit(2)

import strict  # noqa: E402  (tests/conformance/strict.py)

SDK_VERSION = "4.189.0"
REFERENCE = json.loads((HERE / "reference.json").read_text())
FAMILY_REF: Dict[str, Any] = REFERENCE["families"]
META_REF = {k: None for k in REFERENCE["list_meta_fields"]}


class ErrorEnvelope(BaseModel):
    """The documented error body (README §4): {"errors": [Error]}; the element is the SDK's
    own shared APIError model (code and title required)."""

    errors: List[sdk_shared.APIError]


# ---------------------------------------------------------------------------------------------
# Recording every HTTP exchange, so no response escapes validation.


@dataclass
class Exchange:
    method: str
    url: httpx.URL
    status: int
    body: bytes
    content_type: str = ""
    family: str = ""
    validated: bool = False

    @property
    def endpoint(self) -> str:
        return f"{self.method} {template(self.url.path)}"


# Second path segments that name a sub-collection or a collection action, not an object
# (`GET /phone_numbers/voice`, `POST /addresses/actions/validate`).
SUB_COLLECTIONS = {"voice", "jobs", "actions"}
# Third segments under /phone_numbers/jobs that name an action, not a job.
JOB_ACTIONS = {"update_phone_numbers", "delete_phone_numbers", "update_emergency_settings"}


def template(path: str) -> str:
    """`/v2/fqdns/123` -> `/fqdns/{id}`; `/v2/phone_numbers/voice` stays as it is."""
    segs = [s for s in path.split("/") if s][1:]  # drop the version segment
    out = []
    for i, s in enumerate(segs):
        is_id = (i == 1 and s not in SUB_COLLECTIONS) or (i == 2 and segs[1] == "jobs" and s not in JOB_ACTIONS)
        out.append("{id}" if is_id else s)
    return "/" + "/".join(out)


class Recorder(httpx.BaseTransport):
    def __init__(self) -> None:
        self.inner = httpx.HTTPTransport()
        self.log: List[Exchange] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        resp = self.inner.handle_request(request)
        body = resp.read()
        self.log.append(Exchange(request.method, request.url, resp.status_code, body, resp.headers.get("content-type", "")))
        return resp

    def close(self) -> None:
        self.inner.close()


# ---------------------------------------------------------------------------------------------
# The run context.


class Mismatch(Exception):
    pass


@dataclass
class Ctx:
    client: telnyx.Telnyx
    bad_client: telnyx.Telnyx
    recorder: Recorder
    prefix: str
    served: set  # families the server answers
    net: str  # three octets of a private /16-style prefix unique to this run, for CIDR blocks
    root: str = ""  # the server root (base URL without /v2), where /_emulator/seed is
    digits: str = ""  # six digits unique to this run, in every phone number it seeds
    family: str = ""
    failures: List[str] = field(default_factory=list)
    tolerated: Dict[str, int] = field(default_factory=dict)
    validated: Dict[str, int] = field(default_factory=dict)
    cleanup: List[tuple] = field(default_factory=list)  # (family, id) of objects still to delete

    # -- reporting
    def fail(self, endpoint: str, msg: str) -> None:
        self.failures.append(f"[{self.family}] {endpoint}: {msg}")

    def expect(self, cond: bool, endpoint: str, msg: str) -> None:
        if not cond:
            self.fail(endpoint, msg)

    # -- validation of recorded responses
    def _validate(self, ex: Exchange, model: Any, ref: Any, status: Optional[int]) -> Any:
        ex.family = self.family
        ex.validated = True
        self.validated[self.family] = self.validated.get(self.family, 0) + 1
        if status is not None and ex.status != status:
            self.fail(ex.endpoint, f"HTTP status: expected {status}, got {ex.status} (body {ex.body[:200]!r})")
        if ex.content_type.split(";")[0].strip() != "application/json":  # README §1 / §4: JSON bodies
            self.fail(ex.endpoint, f"Content-Type: expected application/json, got {ex.content_type!r}")
        try:
            data = json.loads(ex.body)
        except ValueError:
            self.fail(ex.endpoint, f"$: expected a JSON body, got {ex.body[:120]!r}")
            return None
        rep = strict.validate(data, model, ref)
        for e in rep.errors:
            self.fail(ex.endpoint, e)
        for t in rep.tolerated:
            key = re.sub(r"\[\d+\]", "[]", t)
            self.tolerated[key] = self.tolerated.get(key, 0) + 1
        return data

    def since(self, mark: int) -> List[Exchange]:
        return self.recorder.log[mark:]

    def call(self, operation: str, fn: Callable[[], Any], ref: Any, status: Optional[int] = None) -> Any:
        """Runs one `.with_raw_response` SDK call; validates its raw JSON strictly against the
        model the SDK parses it into. Returns the decoded JSON (or raises Mismatch)."""
        mark = len(self.recorder.log)
        try:
            raw = fn()
        except telnyx.APIStatusError as e:
            for ex in self.since(mark):
                self._validate(ex, ErrorEnvelope, None, None)  # even an unexpected error has the documented shape
            where = " ".join(ex.endpoint for ex in self.since(mark)) or operation
            raise Mismatch(f"{where} ({operation}): SDK raised {type(e).__name__} ({e.status_code}): {e.body}") from None
        exchanges = self.since(mark)
        if len(exchanges) != 1:
            raise Mismatch(f"{operation}: expected exactly one HTTP exchange, saw {len(exchanges)}")
        ex = exchanges[0]
        try:
            parsed = raw.parse()
        except Exception as e:  # the SDK itself could not parse it
            ex.validated = True
            raise Mismatch(f"{ex.endpoint}: the SDK failed to parse the response: {e!r}") from None
        data = self._validate(ex, type(parsed), ref, status)
        if data is None:
            raise Mismatch(f"{ex.endpoint}: unusable response")
        return data

    def expect_error(self, operation: str, exc: type, fn: Callable[[], Any], status: int, pointer: Optional[str] = None) -> None:
        """Runs an SDK call that must fail with `exc` and a documented error envelope."""
        mark = len(self.recorder.log)
        try:
            fn()
        except exc as e:
            exchanges = self.since(mark)
            ex = exchanges[-1] if exchanges else None
            endpoint = ex.endpoint if ex else operation
            if ex is None:
                self.fail(operation, "no HTTP exchange recorded")
                return
            for other in exchanges:
                self._validate(other, ErrorEnvelope, None, status)
            body = e.body
            if not isinstance(body, dict):
                self.fail(endpoint, f"SDK exception body: expected the decoded JSON object, got {body!r}")
                return
            errs = body.get("errors") or []
            if pointer is not None:
                got = [x.get("source", {}).get("pointer") for x in errs if isinstance(x, dict)]
                self.expect(pointer in got, endpoint, f"$.errors[*].source.pointer: expected {pointer!r}, got {got!r}")
            return
        except telnyx.APIStatusError as e:
            for ex in self.since(mark):
                self._validate(ex, ErrorEnvelope, None, None)
            where = " ".join(ex.endpoint for ex in self.since(mark)) or operation
            self.fail(where, f"{operation}: expected {exc.__name__} ({status}), SDK raised {type(e).__name__} ({e.status_code}): {e.body}")
            return
        for ex in self.since(mark):
            ex.validated = True  # a success body where an error was due: reported just below
            ex.family = self.family
        where = " ".join(ex.endpoint for ex in self.since(mark)) or operation
        self.fail(where, f"{operation}: expected {exc.__name__} ({status}), the call succeeded")

    def paginate(self, operation: str, fn: Callable[[], Any], item_model: type, ref: Any) -> List[Any]:
        """Runs an auto-paginating SDK list and validates every page's raw JSON."""
        mark = len(self.recorder.log)
        try:
            items = list(fn())
        except telnyx.APIStatusError as e:
            for ex in self.since(mark):
                if ex.status >= 400:
                    self._validate(ex, ErrorEnvelope, None, None)
                else:
                    self._validate(ex, SyncDefaultFlatPagination[item_model], ref, 200)
            raise Mismatch(f"{operation}: SDK raised {type(e).__name__} ({e.status_code}): {e.body}") from None
        for ex in self.since(mark):
            self._validate(ex, SyncDefaultFlatPagination[item_model], ref, 200)
        return items


def single_ref(fam: str) -> Any:
    fields = FAMILY_REF[fam]["fields"]
    return fields if FAMILY_REF[fam]["bare"] else {"data": fields}


def list_ref(fam: str) -> Any:
    return {"data": FAMILY_REF[fam]["fields"], "meta": META_REF}


def delete_ref(fam: str) -> Any:
    """A delete answers the object, or another documented representation (a released number)."""
    fields = FAMILY_REF[fam]["extra_responses"].get("delete")
    return single_ref(fam) if fields is None else {"data": fields}


def documented_errors(fam: str, operation: str) -> List[int]:
    for e in FAMILY_REF[fam]["endpoints"]:
        if e["operation"] == operation:
            return [int(s) for s in e.get("error_statuses", [])]
    return []


def status_of(fam: str, operation: str) -> int:
    for e in FAMILY_REF[fam]["endpoints"]:
        if e["operation"] == operation:
            return int(e["success_status"])
    raise KeyError(f"{fam}.{operation} is not a documented endpoint")


def without_masked(v: Any, masked: tuple, prefix: str = "") -> Any:
    """`v` without the members `masked` names (dotted for nested ones: `external_uac_settings.password`)."""
    if not isinstance(v, dict):
        return v
    return {k: without_masked(x, masked, f"{prefix}{k}.") for k, x in v.items() if f"{prefix}{k}" not in masked}


def unwrap(fam: str, body: Any) -> Dict[str, Any]:
    return body if FAMILY_REF[fam]["bare"] else body["data"]


def subset_mismatches(sent: Any, got: Any, path: str = "$") -> List[str]:
    """Where `got` does not echo `sent` (objects compared on the sent keys only)."""
    if isinstance(sent, dict):
        if not isinstance(got, dict):
            return [f"{path}: expected an object echoing {sent!r}, got {got!r}"]
        out: List[str] = []
        for k, v in sent.items():
            out += subset_mismatches(v, got.get(k, strict._ABSENT), f"{path}.{k}")
        return out
    if sent != got or type(sent) is not type(got):
        return [f"{path}: expected {sent!r} (as sent), got {strict.describe(got)}"]
    return []


# ---------------------------------------------------------------------------------------------
# Families. Each is a small table: how to reach it in the SDK, what to send, what filters select.


@dataclass
class Family:
    name: str
    resource: Callable[[telnyx.Telnyx], Any]
    item_model: type
    make: Callable[["Ctx", int, Dict[str, Any]], Dict[str, Any]]  # create payload for object i
    change: Optional[Callable[["Ctx", Dict[str, Any]], Dict[str, Any]]]  # update payload for an object
    invalid: Callable[["Ctx", Dict[str, Any]], tuple]  # (create payload, expected source.pointer)
    filters: Callable[["Ctx", List[Dict[str, Any]]], List[tuple]]  # [(filter kwarg, expected ids)]
    scope: Callable[["Ctx"], Dict[str, Any]]  # list filter selecting exactly this run's objects
    sort: Optional[tuple] = None  # (sort value, key of the sort field)
    count: int = 3  # objects created (> page size 2, so lists span pages)
    needs: tuple = ()  # families that must be served for prerequisites
    masked_on_read: tuple = ()  # fields a read may return masked (README §6)
    extra: Optional[Callable[["Ctx", List[Dict[str, Any]]], None]] = None  # other endpoints
    invalid_update: Optional[tuple] = None  # (PATCH payload, expected source.pointer)
    full_update: Optional[Callable[["Ctx", Dict[str, Any]], Dict[str, Any]]] = None  # PATCH with every update field
    unscoped: bool = False  # the list has no filter: pages are checked against everything listed before the creates
    not_returned: tuple = ()  # request fields the object never holds (a telephony credential's connection_id and tag)


def ovp_family() -> Family:
    def make(ctx: Ctx, i: int, deps: Dict[str, Any]) -> Dict[str, Any]:
        body: Dict[str, Any] = {"name": f"{ctx.prefix}-ovp-{i}"}
        if i == 0:
            body.update(
                {
                    "billing_group_id": "6a09cdc3-8948-47f0-aa62-74ac943d6c58",
                    "call_recording": {
                        "call_recording_type": "by_caller_phone_number",
                        "call_recording_caller_phone_numbers": ["+13125550100"],
                        "call_recording_channels": "dual",
                        "call_recording_format": "mp3",
                    },
                    "calling_window": {"start_time": "08:00:00.00Z", "end_time": "20:00:00.00Z", "calls_per_cld": 5},
                    "concurrent_call_limit": 10,
                    "daily_spend_limit": "100.00",
                    "daily_spend_limit_enabled": True,
                    "enabled": True,
                    "max_destination_rate": 0.5,
                    "service_plan": "global",
                    "tags": ["conformance", "sdk"],
                    "traffic_type": "conversational",
                    "usage_payment_method": "rate-deck",
                    "whitelisted_destinations": ["US", "CA", "GB"],
                }
            )
        return body

    def change(ctx: Ctx, obj: Dict[str, Any]) -> Dict[str, Any]:
        # PATCH requires name (README §6, "Required on update").
        return {"name": obj["name"] + "-renamed", "enabled": False, "tags": ["updated"], "max_destination_rate": 1.25}

    def filters(ctx: Ctx, objs: List[Dict[str, Any]]) -> List[tuple]:
        return [
            ({"name": {"contains": f"{ctx.prefix}-ovp-1"}}, {objs[1]["id"]}),
            ({"name": {"contains": f"{ctx.prefix.upper()}-OVP"}}, {o["id"] for o in objs}),  # case-insensitive
        ]

    return Family(
        name="outbound_voice_profiles",
        resource=lambda c: c.outbound_voice_profiles,
        item_model=telnyx.types.OutboundVoiceProfile,
        make=make,
        change=change,
        invalid=lambda ctx, deps: ({"name": "ab"}, "/name"),  # minLength 3
        filters=filters,
        scope=lambda ctx: {"filter": {"name": {"contains": f"{ctx.prefix}-ovp"}}},
        sort=("-name", "name"),
        full_update=full_update_from_make(make, (), {}),
        invalid_update=({"name": "x"}, "/name"),
    )


def connection_filters(kind: str) -> Callable[[Ctx, List[Dict[str, Any]]], List[tuple]]:
    def filters(ctx: Ctx, objs: List[Dict[str, Any]]) -> List[tuple]:
        return [
            ({"connection_name": {"contains": f"{ctx.prefix}-{kind}-1"}}, {objs[1]["id"]}),
            ({"connection_name": {"contains": f"{ctx.prefix.upper()}-{kind.upper()}"}}, {o["id"] for o in objs}),
            ({"outbound_voice_profile_id": objs[0]["outbound"]["outbound_voice_profile_id"]}, {objs[0]["id"]}),
        ]

    return filters


def with_profile(body: Dict[str, Any], i: int, deps: Dict[str, Any]) -> Dict[str, Any]:
    if i == 0 and deps.get("ovp"):
        body.setdefault("outbound", {})["outbound_voice_profile_id"] = deps["ovp"]
    return body


SHARED_CONNECTION_FIELDS: Dict[str, Any] = {
    "active": True,
    "anchorsite_override": "Chicago, IL",
    "dtmf_type": "Inband",
    "encode_contact_header_enabled": True,
    "onnet_t38_passthrough_enabled": True,
    "tags": ["conformance"],
    "webhook_event_url": "https://example.com/hooks",
    "webhook_event_failover_url": "https://example.com/failover",
    "webhook_api_version": "2",
    "webhook_timeout_secs": 25,
    "rtcp_settings": {"capture_enabled": True, "port": "rtcp-mux", "report_frequency_secs": 10},
    "jitter_buffer": {"enable_jitter_buffer": True, "jitterbuffer_msec_max": 300, "jitterbuffer_msec_min": 60},
    "noise_suppression": "both",
    "noise_suppression_details": {"attenuation_limit": 80, "engine": "deep_filter_net"},
    "bridge_generate_comfort_noise_on_cn": True,
    "android_push_credential_id": "android-push-credential-1",
    "ios_push_credential_id": "ios-push-credential-1",
    "call_cost_in_webhooks": True,
    "default_on_hold_comfort_noise_enabled": True,
}
# inbound/outbound fields with the same name and values on the three kinds (README §8)
SHARED_INBOUND: Dict[str, Any] = {
    "channel_limit": 10,
    "generate_ringback_tone": True,
    "isup_headers_enabled": True,
    "prack_enabled": True,
    "shaken_stir_enabled": True,
    "sip_compact_headers_enabled": False,
}
SHARED_OUTBOUND: Dict[str, Any] = {
    "ani_override": "+13125550100",
    "channel_limit": 5,
    "generate_ringback_tone": True,
}


def full_update_from_make(make: Callable[..., Dict[str, Any]], create_only: tuple, update_only: Dict[str, Any]) -> Callable[["Ctx", Dict[str, Any]], Dict[str, Any]]:
    """A PATCH carrying every field the update schema accepts: object 0's create body (which
    sends every create field), keeping the target's own name(s), minus create-only fields."""

    def full(ctx: Ctx, obj: Dict[str, Any]) -> Dict[str, Any]:
        body = make(ctx, 0, {})
        for k in ("name", "connection_name", "user_name"):
            if k in body:
                body[k] = obj[k]
        for k in create_only:
            body.pop(k, None)
        body.update(update_only)
        return body

    return full


def credential_family() -> Family:
    def make(ctx: Ctx, i: int, deps: Dict[str, Any]) -> Dict[str, Any]:
        body: Dict[str, Any] = {
            "connection_name": f"{ctx.prefix}-cred-{i}",
            "user_name": f"conf{ctx.prefix[-6:]}{i}",
            "password": f"secret-pass-{i}-{ctx.prefix}",
        }
        if i == 0:
            body.update(SHARED_CONNECTION_FIELDS)
            body.update(
                {
                    "sip_uri_calling_preference": "internal",
                    "encrypted_media": "SRTP",
                    "inbound": {
                        **SHARED_INBOUND,
                        "ani_number_format": "+E.164",
                        "codecs": ["G711U", "OPUS"],
                        "default_routing_method": "round-robin",
                        "dnis_number_format": "+e164",
                        "simultaneous_ringing": "enabled",
                        "timeout_1xx_secs": 5,
                        "timeout_2xx_secs": 120,
                    },
                    "outbound": {
                        **SHARED_OUTBOUND,
                        "ani_override_type": "normal",
                        "call_parking_enabled": True,
                        "instant_ringback_enabled": False,
                        "localization": "GB",
                        "t38_reinvite_source": "customer",
                    },
                }
            )
        return with_profile(body, i, deps)

    def extra(ctx: Ctx, objs: List[Dict[str, Any]]) -> None:
        res = ctx.client.credential_connections.actions
        fam = "credential_connections"
        ref = {"data": FAMILY_REF[fam]["extra_responses"]["check_registration_status"]}
        body = ctx.call(
            "check_registration_status",
            lambda: res.with_raw_response.check_registration_status(objs[0]["id"]),
            ref,
            status_of(fam, "check_registration_status"),
        )
        ctx.expect(isinstance(body.get("data"), dict), "POST /credential_connections/{id}/actions/check_registration_status", "$.data: expected an object")
        ctx.expect_error(
            "check_registration_status (unknown id)",
            telnyx.NotFoundError,
            lambda: res.with_raw_response.check_registration_status("1000000000000000001"),
            404,
        )

    return Family(
        name="credential_connections",
        resource=lambda c: c.credential_connections,
        item_model=telnyx.types.CredentialConnection,
        make=make,
        change=lambda ctx, o: {"connection_name": o["connection_name"] + "-renamed", "active": False, "tags": ["updated"], "inbound": {"channel_limit": 7}},
        invalid=lambda ctx, deps: ({"connection_name": f"{ctx.prefix}-bad", "user_name": f"bad{ctx.prefix[-6:]}", "password": telnyx.omit}, "/password"),
        filters=connection_filters("cred"),
        scope=lambda ctx: {"filter": {"connection_name": {"contains": f"{ctx.prefix}-cred"}}},
        sort=("connection_name", "connection_name"),
        needs=("outbound_voice_profiles",),
        masked_on_read=("password",),
        extra=extra,
        # conversation_persistence: update and object only (README §10)
        full_update=full_update_from_make(make, (), {"conversation_persistence": True}),
        invalid_update=({"inbound": {"timeout_1xx_secs": 500}}, "/inbound/timeout_1xx_secs"),  # 1..120
    )


def uac_connection_family() -> Family:
    """voice-apps-and-e911.md §8: only connection_name required; both passwords masked on reads."""

    def make(ctx: Ctx, i: int, deps: Dict[str, Any]) -> Dict[str, Any]:
        body: Dict[str, Any] = {"connection_name": f"{ctx.prefix}-uac-{i}"}
        if i == 0:
            body.update(SHARED_CONNECTION_FIELDS)
            body.update(
                {
                    "user_name": f"uac{ctx.prefix[-6:]}{i}",
                    "password": f"uac-secret-{i}-{ctx.prefix}",
                    "sip_uri_calling_preference": "unrestricted",
                    "encrypted_media": "SRTP",
                    "external_uac_settings": {
                        "username": f"pbx_{ctx.prefix[-6:]}",
                        "password": f"pbx-secret-{ctx.prefix}",
                        "auth_username": "pbx-auth",
                        "proxy": "sip-pbx.example.com",
                        "outbound_proxy": "outbound.sip-pbx.example.com:5061",
                        "transport": "TLS",
                        "expiration_sec": 600,
                        "from_user": "branch",
                        "user_agent": "ConformancePBX/1.0",
                    },
                    "internal_uac_settings": {"destination_uri": "branch_1@acme.sip.telnyx.com"},
                    "inbound": {
                        **SHARED_INBOUND,
                        "ani_number_format": "+E.164",
                        "codecs": ["OPUS"],
                        "default_routing_method": "round-robin",
                        "dnis_number_format": "national",
                        "simultaneous_ringing": "enabled",
                        "sip_region": "Australia",
                        "timeout_1xx_secs": 5,
                        "timeout_2xx_secs": 100,
                    },
                    "outbound": {
                        **SHARED_OUTBOUND,
                        "ani_override_type": "emergency",
                        "call_parking_enabled": True,
                        "instant_ringback_enabled": False,
                        "localization": "DE",
                        "t38_reinvite_source": "customer",
                    },
                }
            )
        return with_profile(body, i, deps)

    def filters(ctx: Ctx, objs: List[Dict[str, Any]]) -> List[tuple]:
        return connection_filters("uac")(ctx, objs) + [({"fqdn": objs[2]["fqdn"]}, {objs[2]["id"]})]

    def extra(ctx: Ctx, objs: List[Dict[str, Any]]) -> None:
        res = ctx.client.uac_connections.actions
        fam = "uac_connections"
        op = "POST /uac_connections/{id}/actions/check_registration_status"
        ref = {"data": FAMILY_REF[fam]["extra_responses"]["check_registration_status"]}
        body = ctx.call(
            "check_registration_status",
            lambda: res.with_raw_response.check_registration_status(objs[0]["id"]),
            ref,
            status_of(fam, "check_registration_status"),
        )
        ctx.expect(isinstance(body.get("data"), dict), op, "$.data: expected an object")
        ctx.expect(body["data"].get("record_type") == "registration_status", op, f"$.data.record_type: got {body['data'].get('record_type')!r}")
        ctx.expect_error(
            "check_registration_status (unknown id)",
            telnyx.NotFoundError,
            lambda: res.with_raw_response.check_registration_status("1000000000000000001"),
            404,
        )
        # Generated by Telnyx: a request may not carry them.
        ctx.expect_error(
            "create (generated sip_subdomain)",
            telnyx.UnprocessableEntityError,
            lambda: ctx.client.uac_connections.with_raw_response.create(connection_name=f"{ctx.prefix}-uac-sub", extra_body={"inbound": {"sip_subdomain": "mine"}}),
            422,
            "/inbound/sip_subdomain",
        )

    return Family(
        name="uac_connections",
        resource=lambda c: c.uac_connections,
        item_model=telnyx.types.UacConnection,
        make=make,
        change=lambda ctx, o: {"connection_name": o["connection_name"] + "-renamed", "active": False, "tags": ["updated"], "inbound": {"channel_limit": 7}},
        invalid=lambda ctx, deps: ({"connection_name": f"{ctx.prefix}-bad", "internal_uac_settings": {"destination_uri": "sip:a@sip.telnyx.com"}}, "/internal_uac_settings/destination_uri"),
        filters=filters,
        scope=lambda ctx: {"filter": {"connection_name": {"contains": f"{ctx.prefix}-uac"}}},
        sort=("-connection_name", "connection_name"),
        needs=("outbound_voice_profiles",),
        masked_on_read=("password", "external_uac_settings.password"),
        extra=extra,
        # user_name is not unique on UAC connections (Unknown 19): object 0's body as it is, with the target's name
        full_update=lambda ctx, o: {**make(ctx, 0, {}), "connection_name": o["connection_name"]},
        invalid_update=({"external_uac_settings": {"username": "ab"}}, "/external_uac_settings/username"),
    )


def fqdn_connection_family() -> Family:
    def make(ctx: Ctx, i: int, deps: Dict[str, Any]) -> Dict[str, Any]:
        body: Dict[str, Any] = {"connection_name": f"{ctx.prefix}-fqdnc-{i}"}
        if i == 0:
            body.update(SHARED_CONNECTION_FIELDS)
            body.update(
                {
                    "transport_protocol": "TCP",
                    "microsoft_teams_sbc": False,
                    "encrypted_media": "SRTP",
                    "inbound": {
                        **SHARED_INBOUND,
                        "ani_number_format": "+E.164",
                        "codecs": ["G722"],
                        # must name /fqdns records of this connection; it has none yet
                        "default_primary_fqdn_id": None,
                        "default_secondary_fqdn_id": None,
                        "default_tertiary_fqdn_id": None,
                        "default_routing_method": "round-robin",
                        "dnis_number_format": "national",
                        "sip_region": "Europe",
                        "sip_subdomain": f"{ctx.prefix}-fqdn",
                        "sip_subdomain_receive_settings": "only_my_connections",
                        "timeout_1xx_secs": 5,
                        "timeout_2xx_secs": 60,
                    },
                    "outbound": {
                        **SHARED_OUTBOUND,
                        "ani_override_type": "emergency",
                        "call_parking_enabled": True,
                        "encrypted_media": "SRTP",
                        "instant_ringback_enabled": True,
                        "ip_authentication_method": "credential-authentication",
                        "ip_authentication_token": "token-fqdn-1",
                        "localization": "GB",
                        "t38_reinvite_source": "passthru",
                        "tech_prefix": "1234",
                        "timeout_1xx_secs": 4,
                        "timeout_2xx_secs": 100,
                    },
                }
            )
        return with_profile(body, i, deps)

    return Family(
        name="fqdn_connections",
        resource=lambda c: c.fqdn_connections,
        item_model=telnyx.types.FqdnConnection,
        make=make,
        change=lambda ctx, o: {"connection_name": o["connection_name"] + "-renamed", "transport_protocol": "UDP", "tags": ["updated"]},
        invalid=lambda ctx, deps: ({"connection_name": telnyx.omit, "transport_protocol": "TCP"}, "/connection_name"),
        filters=connection_filters("fqdnc"),
        scope=lambda ctx: {"filter": {"connection_name": {"contains": f"{ctx.prefix}-fqdnc"}}},
        sort=("-connection_name", "connection_name"),
        needs=("outbound_voice_profiles",),
        masked_on_read=("password",),
        # microsoft_teams_sbc: create only; conversation_persistence: update and object only (README §6, §10)
        full_update=full_update_from_make(make, ("microsoft_teams_sbc",), {"conversation_persistence": True}),
        invalid_update=({"jitter_buffer": {"jitterbuffer_msec_max": 1000}}, "/jitter_buffer/jitterbuffer_msec_max"),  # 40..400
    )


def ip_connection_family() -> Family:
    def make(ctx: Ctx, i: int, deps: Dict[str, Any]) -> Dict[str, Any]:
        body: Dict[str, Any] = {"connection_name": f"{ctx.prefix}-ipc-{i}"}
        if i == 0:
            body.update(SHARED_CONNECTION_FIELDS)
            body.update(
                {
                    "transport_protocol": "TLS",
                    "encrypted_media": None,  # SRTP cannot be set with TLS (README §6)
                    "inbound": {
                        **SHARED_INBOUND,
                        "ani_number_format": "E.164",
                        "codecs": ["G729", "G711A"],
                        "default_routing_method": "round-robin",
                        "dnis_number_format": "sip_username",
                        "sip_region": "Australia",
                        "sip_subdomain": f"{ctx.prefix}-ip",
                        "sip_subdomain_receive_settings": "only_my_connections",
                        "timeout_1xx_secs": 4,
                        "timeout_2xx_secs": 200,
                    },
                    "outbound": {
                        **SHARED_OUTBOUND,
                        "ani_override_type": "normal",
                        "call_parking_enabled": True,
                        "instant_ringback_enabled": False,
                        "ip_authentication_method": "token",
                        "ip_authentication_token": "tok123",
                        "localization": "GB",
                        "t38_reinvite_source": "disabled",
                        "tech_prefix": "0042",
                    },
                }
            )
        return with_profile(body, i, deps)

    return Family(
        name="ip_connections",
        resource=lambda c: c.ip_connections,
        item_model=telnyx.types.IPConnection,
        make=make,
        change=lambda ctx, o: {"connection_name": o["connection_name"] + "-renamed", "dtmf_type": "SIP INFO", "tags": ["updated"]},
        invalid=lambda ctx, deps: ({"connection_name": f"{ctx.prefix}-bad", "webhook_timeout_secs": 99}, "/webhook_timeout_secs"),  # 0..30
        filters=connection_filters("ipc"),
        scope=lambda ctx: {"filter": {"connection_name": {"contains": f"{ctx.prefix}-ipc"}}},
        sort=("connection_name", "connection_name"),
        needs=("outbound_voice_profiles",),
        # conversation_persistence: update and object only (README §10). inbound.default_*_ip_id
        # (update only) must name /ips records on the connection: sent by the ips family.
        full_update=full_update_from_make(make, (), {"conversation_persistence": True}),
        invalid_update=({"outbound": {"t38_reinvite_source": "nobody"}}, "/outbound/t38_reinvite_source"),
    )


def default_records(conn_family: str, kind: str) -> Callable[[Ctx, List[Dict[str, Any]]], None]:
    """PATCHes the connection of records 0 and 1 so that inbound.default_primary_<kind>_id and
    default_secondary_<kind>_id name them (README §6: ids of records on the same connection)."""

    def run(ctx: Ctx, objs: List[Dict[str, Any]]) -> None:
        conn = objs[0]["connection_id"]
        inbound = {f"default_primary_{kind}_id": objs[0]["id"], f"default_secondary_{kind}_id": objs[1]["id"]}
        raw = getattr(ctx.client, conn_family).with_raw_response
        body = ctx.call(f"{conn_family} update inbound defaults", lambda: raw.update(conn, inbound=inbound), single_ref(conn_family), status_of(conn_family, "update"))
        for m in subset_mismatches({"inbound": inbound}, body["data"]):
            ctx.fail(f"PATCH /{conn_family}/{{id}}", m)

    return run


def fqdn_family() -> Family:
    def make(ctx: Ctx, i: int, deps: Dict[str, Any]) -> Dict[str, Any]:
        conn = deps["fqdn_connection"] if i < 2 else deps["fqdn_connection_2"]
        return {"connection_id": conn, "fqdn": f"sip{i}.{ctx.prefix}.example.com", "dns_record_type": "a", "port": 5060 + i}

    def filters(ctx: Ctx, objs: List[Dict[str, Any]]) -> List[tuple]:
        return [
            ({"connection_id": objs[0]["connection_id"]}, {objs[0]["id"], objs[1]["id"]}),
            ({"fqdn": objs[2]["fqdn"]}, {objs[2]["id"]}),
            ({"connection_id": objs[0]["connection_id"], "port": objs[1]["port"]}, {objs[1]["id"]}),
            ({"connection_id": objs[0]["connection_id"], "dns_record_type": "a"}, {objs[0]["id"], objs[1]["id"]}),
        ]

    def extra(ctx: Ctx, objs: List[Dict[str, Any]]) -> None:
        # filter[fqdn] on the connection lists selects the connection holding that FQDN record
        # (README §3: /fqdn_connections and /connections take filter[fqdn], exact, case-sensitive).
        default_records("fqdn_connections", "fqdn")(ctx, objs)
        host, owner = objs[2]["fqdn"], objs[2]["connection_id"]
        body = ctx.call(
            "fqdn_connections list filter[fqdn]",
            lambda: ctx.client.fqdn_connections.with_raw_response.list(filter={"fqdn": host}),
            list_ref("fqdn_connections"),
            200,
        )
        got = sorted(o.get("id") for o in body["data"])
        ctx.expect(got == [owner], "GET /fqdn_connections", f"filter[fqdn]={host}: expected [{owner}], got {got}")
        if "connections" in ctx.served:
            body = ctx.call(
                "connections list filter[fqdn]",
                lambda: ctx.client.connections.with_raw_response.list(filter={"fqdn": host}),
                {"data": FAMILY_REF["connections"]["fields"], "meta": META_REF},
                200,
            )
            got = sorted(o.get("id") for o in body["data"])
            ctx.expect(got == [owner], "GET /connections", f"filter[fqdn]={host}: expected [{owner}], got {got}")

    return Family(
        name="fqdns",
        resource=lambda c: c.fqdns,
        item_model=telnyx.types.Fqdn,
        make=make,
        change=lambda ctx, o: {"port": 5080, "fqdn": "renamed." + o["fqdn"], "dns_record_type": "a", "connection_id": o["connection_id"]},
        invalid=lambda ctx, deps: ({"connection_id": deps["fqdn_connection"], "dns_record_type": "a", "fqdn": telnyx.omit}, "/fqdn"),
        filters=filters,
        scope=lambda ctx: {},  # narrowed per connection in the list checks below
        needs=("fqdn_connections",),
        extra=extra,
    )


def ip_family() -> Family:
    def make(ctx: Ctx, i: int, deps: Dict[str, Any]) -> Dict[str, Any]:
        conn = deps["ip_connection"] if i < 2 else deps["ip_connection_2"]
        return {"connection_id": conn, "ip_address": f"192.0.2.{10 + i}", "port": 5060 + i}

    def filters(ctx: Ctx, objs: List[Dict[str, Any]]) -> List[tuple]:
        return [
            ({"connection_id": objs[0]["connection_id"]}, {objs[0]["id"], objs[1]["id"]}),
            ({"connection_id": objs[2]["connection_id"], "ip_address": objs[2]["ip_address"]}, {objs[2]["id"]}),
            ({"connection_id": objs[0]["connection_id"], "port": objs[1]["port"]}, {objs[1]["id"]}),
        ]

    return Family(
        name="ips",
        resource=lambda c: c.ips,
        item_model=telnyx.types.IP,
        make=make,
        change=lambda ctx, o: {"ip_address": "198.51.100.7", "port": 5070, "connection_id": o["connection_id"]},  # PATCH requires ip_address
        invalid=lambda ctx, deps: ({"connection_id": deps["ip_connection"], "port": 5060, "ip_address": telnyx.omit}, "/ip_address"),
        filters=filters,
        scope=lambda ctx: {},
        needs=("ip_connections",),
        extra=default_records("ip_connections", "ip"),
    )


def access_ip_range_family() -> Family:
    def make(ctx: Ctx, i: int, deps: Dict[str, Any]) -> Dict[str, Any]:
        body = {"cidr_block": f"{ctx.net}.{16 * i}/28"}
        if i == 0:
            body["description"] = f"{ctx.prefix} office"
        return body

    def filters(ctx: Ctx, objs: List[Dict[str, Any]]) -> List[tuple]:
        return [
            ({"cidr_block": objs[1]["cidr_block"]}, {objs[1]["id"]}),
            ({"cidr_block": {"startswith": ctx.net + "."}}, {o["id"] for o in objs}),
            ({"cidr_block": {"startswith": ctx.net + "."}, "created_at": {"gte": objs[0]["created_at"]}}, {o["id"] for o in objs}),
            ({"cidr_block": {"startswith": ctx.net + "."}, "created_at": {"lt": "2000-01-01T00:00:00Z"}}, set()),
            ({"cidr_block": {"endswith": ".32/28"}}, {objs[2]["id"]}),
            ({"cidr_block": {"contains": ctx.net + ".16"}}, {objs[1]["id"]}),
        ]

    return Family(
        name="access_ip_ranges",
        resource=lambda c: c.access_ip_ranges,
        item_model=telnyx.types.AccessIPRange,
        make=make,
        change=None,  # no PATCH (README §6)
        invalid=lambda ctx, deps: ({"description": "no cidr", "cidr_block": telnyx.omit}, "/cidr_block"),
        filters=filters,
        scope=lambda ctx: {"filter": {"cidr_block": {"startswith": ctx.net + "."}}},
    )


def billing_group_family() -> Family:
    def extra(ctx: Ctx, objs: List[Dict[str, Any]]) -> None:
        # A group a phone number uses cannot be deleted (the documented 409 of DELETE; the
        # emulator's decision of unknown 9 in numbers-and-billing.md). Numbers exist only seeded.
        if "phone_numbers" not in ctx.served:
            return
        (number,) = seed(ctx, {"phone_numbers": [{"phone_number": f"+1872{ctx.digits}9", "billing_group_id": objs[2]["id"]}]})["phone_numbers"]
        ctx.cleanup.append(("phone_numbers", number))
        ctx.expect_error("delete (used by a phone number)", telnyx.ConflictError, lambda: ctx.client.billing_groups.with_raw_response.delete(objs[2]["id"]), 409)
        body = ctx.call("phone_numbers delete (release)", lambda: ctx.client.phone_numbers.with_raw_response.delete(number), delete_ref("phone_numbers"), status_of("phone_numbers", "delete"))
        ctx.expect(body["data"].get("billing_group_id") == objs[2]["id"], "DELETE /phone_numbers/{id}", "$.data.billing_group_id: expected the group it used")
        ctx.cleanup = [(f, i) for f, i in ctx.cleanup if i != number]

    return Family(
        name="billing_groups",
        resource=lambda c: c.billing_groups,
        item_model=telnyx.types.BillingGroup,
        make=lambda ctx, i, deps: {"name": f"{ctx.prefix}-bg-{i}"},
        change=lambda ctx, o: {"name": o["name"] + "-renamed"},
        invalid=lambda ctx, deps: ({"name": 5}, "/name"),  # a string (NewBillingGroup.name)
        filters=lambda ctx, objs: [],  # GET /billing_groups takes page[number] and page[size] only
        scope=lambda ctx: {},
        unscoped=True,
        extra=extra,
        invalid_update=({"name": ["not", "a", "string"]}, "/name"),
    )


def address_family() -> Family:
    """voice-apps-and-e911.md §3: create answers 200; no PATCH; emergency validation on create
    and through `POST /addresses/actions/validate`; an address a number uses for emergency
    services is not deleted (Unknown 1, the emulator's decision)."""

    def make(ctx: Ctx, i: int, deps: Dict[str, Any]) -> Dict[str, Any]:
        body: Dict[str, Any] = {"street_address": f"{100 + i} {ctx.prefix} Street", "locality": "Austin", "administrative_area": "TX",
                                "postal_code": "78701", "country_code": "US", "customer_reference": f"{ctx.prefix}-addr-{i}",
                                "first_name": "", "last_name": "", "business_name": f"{ctx.prefix} {i}"}
        if i == 1:
            body.update(first_name="Ann", last_name="Lee", business_name="", extended_address="Suite 5", phone_number="+13125550000", address_book=False)
        return body

    def filters(ctx: Ctx, objs: List[Dict[str, Any]]) -> List[tuple]:
        return [
            ({"customer_reference": {"eq": objs[0]["customer_reference"]}}, {objs[0]["id"]}),
            ({"customer_reference": {"contains": ctx.prefix.upper()}}, {o["id"] for o in objs}),
            ({"street_address": {"contains": f"101 {ctx.prefix}"}}, {objs[1]["id"]}),
            ({"customer_reference": {"contains": ctx.prefix}, "address_book": {"eq": "false"}}, {objs[1]["id"]}),
            ({"customer_reference": {"contains": ctx.prefix}, "used_as_emergency": "true"}, set()),
        ]

    def extra(ctx: Ctx, objs: List[Dict[str, Any]]) -> None:
        araw = ctx.client.addresses.actions.with_raw_response
        body = ctx.call("validate", lambda: araw.validate(country_code="US", postal_code="78701", street_address="600 Congress Ave", locality="Austin", administrative_area="TX"), None, 200)
        ctx.expect(body["data"].get("result") == "valid" and body["data"].get("suggested", {}).get("street_address") == "600 Congress Ave",
                   "POST /addresses/actions/validate", f"$.data: expected a valid result with the address suggested, got {body['data']!r}")
        body = ctx.call("validate (invalid)", lambda: araw.validate(country_code="US", postal_code="787", street_address="600 Congress Ave", administrative_area="TX"), None, 200)
        pointers = [e.get("source", {}).get("pointer") for e in body["data"].get("errors") or []]
        ctx.expect(body["data"].get("result") == "invalid" and "/postal_code" in pointers, "POST /addresses/actions/validate",
                   f"$.data: expected an invalid result with an error at /postal_code, got {body['data']!r}")
        ctx.expect_error("validate (no postal_code)", telnyx.UnprocessableEntityError,
                         lambda: araw.validate(country_code="US", street_address="600 Congress Ave", postal_code=telnyx.omit), 422, "/postal_code")
        raw = ctx.client.addresses.with_raw_response
        ctx.expect_error("create (not valid for emergency use)", telnyx.UnprocessableEntityError,
                         lambda: raw.create(**{**make(ctx, 0, {}), "postal_code": "1"}), 422, "/postal_code")
        if "phone_numbers" not in ctx.served:
            return
        (number,) = seed(ctx, {"phone_numbers": [{"phone_number": f"+1872{ctx.digits}8", "emergency_enabled": True,
                                                  "emergency_address_id": objs[2]["id"], "emergency_status": "active"}]})["phone_numbers"]
        ctx.cleanup.append(("phone_numbers", number))
        ctx.expect_error("delete (used by a phone number)", telnyx.UnprocessableEntityError, lambda: raw.delete(objs[2]["id"]), 422)
        body = ctx.call("list (used as emergency)", lambda: raw.list(filter={"customer_reference": {"contains": ctx.prefix}, "used_as_emergency": "true"}, page_size=250), list_ref("addresses"), 200)
        ctx.expect([o.get("id") for o in body["data"]] == [objs[2]["id"]], "GET /addresses", "filter used_as_emergency=true: expected the address the number uses")
        ctx.call("phone_numbers delete (release)", lambda: ctx.client.phone_numbers.with_raw_response.delete(number), delete_ref("phone_numbers"), status_of("phone_numbers", "delete"))
        ctx.cleanup = [(f, i) for f, i in ctx.cleanup if i != number]

    return Family(
        name="addresses",
        resource=lambda c: c.addresses,
        item_model=telnyx.types.Address,
        make=make,
        change=None,  # no PATCH: addresses are immutable (§1)
        invalid=lambda ctx, deps: ({**make(ctx, 0, deps), "locality": telnyx.omit}, "/locality"),
        filters=filters,
        scope=lambda ctx: {"filter": {"customer_reference": {"contains": ctx.prefix}}},
        sort=("street_address", "street_address"),
        extra=extra,
    )


def call_control_application_family() -> Family:
    """voice-apps-and-e911.md §5: application_name and webhook_event_url required on create and
    on every update; tags only on update (Unknown 15: the create schema has none)."""

    def make(ctx: Ctx, i: int, deps: Dict[str, Any]) -> Dict[str, Any]:
        body: Dict[str, Any] = {"application_name": f"{ctx.prefix}-cca-{i}", "webhook_event_url": f"https://example.com/cc/{i}"}
        if i == 0:
            body.update(
                {
                    "active": False,
                    "anchorsite_override": "Chennai, IN",
                    "call_cost_in_webhooks": True,
                    "dtmf_type": "Inband",
                    "first_command_timeout": True,
                    "first_command_timeout_secs": 10,
                    "redact_dtmf_debug_logging": True,
                    "webhook_api_version": "2",
                    "webhook_event_failover_url": "https://failover.example.com/cc",
                    "webhook_timeout_secs": 25,
                    "inbound": {
                        "channel_limit": 10,
                        "shaken_stir_enabled": True,
                        "sip_subdomain": f"{ctx.prefix}-cca",
                        "sip_subdomain_receive_settings": "only_my_connections",
                    },
                    "outbound": {"channel_limit": 5},
                }
            )
        return with_profile(body, i, deps)

    def change(ctx: Ctx, obj: Dict[str, Any]) -> Dict[str, Any]:
        # PATCH requires application_name and webhook_event_url (§5.2).
        return {"application_name": obj["application_name"] + "-renamed", "webhook_event_url": obj["webhook_event_url"], "dtmf_type": "SIP INFO", "tags": ["updated"]}

    def filters(ctx: Ctx, objs: List[Dict[str, Any]]) -> List[tuple]:
        return [
            ({"application_name": {"contains": f"{ctx.prefix}-cca-1"}}, {objs[1]["id"]}),
            ({"application_name": {"contains": f"{ctx.prefix.upper()}-CCA"}}, {o["id"] for o in objs}),
            ({"outbound_outbound_voice_profile_id": objs[0]["outbound"]["outbound_voice_profile_id"]}, {objs[0]["id"]}),
        ]

    return Family(
        name="call_control_applications",
        resource=lambda c: c.call_control_applications,
        item_model=telnyx.types.CallControlApplication,
        make=make,
        change=change,
        invalid=lambda ctx, deps: ({"application_name": f"{ctx.prefix}-bad", "webhook_event_url": "https://example.com/cc", "anchorsite_override": "Frankfurt, Germany"}, "/anchorsite_override"),
        filters=filters,
        scope=lambda ctx: {"filter": {"application_name": {"contains": f"{ctx.prefix}-cca"}}},
        needs=("outbound_voice_profiles",),
        full_update=lambda ctx, o: {**make(ctx, 0, {}), "application_name": o["application_name"], "tags": ["every-field"]},
        # The SDK itself refuses an update without the required fields (emulator unit tests cover that 422).
        invalid_update=({"application_name": "renamed", "webhook_event_url": "example.com/no-scheme"}, "/webhook_event_url"),
    )


def texml_application_family() -> Family:
    """voice-apps-and-e911.md §6: friendly_name and voice_url required on create and on every update."""

    def make(ctx: Ctx, i: int, deps: Dict[str, Any]) -> Dict[str, Any]:
        body: Dict[str, Any] = {"friendly_name": f"{ctx.prefix}-texml-{i}", "voice_url": f"https://example.com/texml/{i}"}
        if i == 0:
            body.update(
                {
                    "active": False,
                    "anchorsite_override": "Frankfurt, Germany",
                    "call_cost_in_webhooks": True,
                    "dtmf_type": "SIP INFO",
                    "first_command_timeout": True,
                    "first_command_timeout_secs": 15,
                    "status_callback": "https://example.com/status",
                    "status_callback_method": "get",
                    "tags": ["conformance"],
                    "voice_fallback_url": "https://example.com/fallback",
                    "voice_method": "get",
                    "inbound": {
                        "channel_limit": 10,
                        "shaken_stir_enabled": True,
                        "sip_subdomain": f"{ctx.prefix}-texml",
                        "sip_subdomain_receive_settings": "only_my_connections",
                    },
                    "outbound": {"channel_limit": 5},
                }
            )
        return with_profile(body, i, deps)

    def change(ctx: Ctx, obj: Dict[str, Any]) -> Dict[str, Any]:
        # PATCH requires friendly_name and voice_url (§6).
        return {"friendly_name": obj["friendly_name"] + "-renamed", "voice_url": obj["voice_url"], "voice_method": "post", "tags": ["updated"]}

    def filters(ctx: Ctx, objs: List[Dict[str, Any]]) -> List[tuple]:
        return [
            ({"friendly_name": f"{ctx.prefix}-texml-1"}, {objs[1]["id"]}),
            ({"friendly_name": f"{ctx.prefix.upper()}-TEXML"}, {o["id"] for o in objs}),  # contains, ignoring case
            ({"outbound_voice_profile_id": objs[0]["outbound"]["outbound_voice_profile_id"]}, {objs[0]["id"]}),
        ]

    def full(ctx: Ctx, obj: Dict[str, Any]) -> Dict[str, Any]:
        body = make(ctx, 0, {})
        body["friendly_name"] = obj["friendly_name"]
        return body

    return Family(
        name="texml_applications",
        resource=lambda c: c.texml_applications,
        item_model=telnyx.types.TexmlApplication,
        make=make,
        change=change,
        invalid=lambda ctx, deps: ({"friendly_name": f"{ctx.prefix}-bad", "voice_url": "https://example.com/texml", "anchorsite_override": "Chennai, IN"}, "/anchorsite_override"),
        filters=filters,
        scope=lambda ctx: {"filter": {"friendly_name": f"{ctx.prefix}-texml"}},
        sort=("-friendly_name", "friendly_name"),
        needs=("outbound_voice_profiles",),
        full_update=full,
        invalid_update=({"friendly_name": "renamed", "voice_url": "https://example.com/texml", "voice_method": "PUT"}, "/voice_method"),
    )


def telephony_credential_family() -> Family:
    """voice-apps-and-e911.md §9: credentials under a credential connection; `connection_id`
    and `tag` are sent but never returned; the token is the bare JWT as text/plain."""
    held: Dict[str, str] = {}

    def make(ctx: Ctx, i: int, deps: Dict[str, Any]) -> Dict[str, Any]:
        held["conn"] = deps["credential_connection"]
        body: Dict[str, Any] = {"connection_id": deps["credential_connection"], "name": f"{ctx.prefix}-tc-{i}"}
        if i == 0:
            body["tag"] = f"{ctx.prefix}-tag"
        if i == 1:
            body["expires_at"] = "2001-01-01T00:00:00Z"  # already expired
        return body

    def filters(ctx: Ctx, objs: List[Dict[str, Any]]) -> List[tuple]:
        rid = f"connection:{held['conn']}"
        return [
            ({"tag": f"{ctx.prefix}-tag"}, {objs[0]["id"]}),
            ({"name": objs[2]["name"]}, {objs[2]["id"]}),
            ({"resource_id": rid, "status": "expired"}, {objs[1]["id"]}),
            ({"resource_id": rid, "status": "active"}, {objs[0]["id"], objs[2]["id"]}),
            ({"sip_username": objs[2]["sip_username"]}, {objs[2]["id"]}),
        ]

    def extra(ctx: Ctx, objs: List[Dict[str, Any]]) -> None:
        res = ctx.client.telephony_credentials
        ep = "POST /telephony_credentials/{id}/token"
        mark = len(ctx.recorder.log)
        try:
            token = res.create_token(objs[0]["id"])
        except telnyx.APIStatusError as e:
            for ex in ctx.since(mark):
                ctx._validate(ex, ErrorEnvelope, None, None)
            raise Mismatch(f"{ep}: SDK raised {type(e).__name__} ({e.status_code}): {e.body}") from None
        exchanges = ctx.since(mark)
        if len(exchanges) != 1:
            raise Mismatch(f"create_token: expected exactly one HTTP exchange, saw {len(exchanges)}")
        ex = exchanges[0]
        ex.family, ex.validated = ctx.family, True  # not JSON: checked here, not by the model validator
        ctx.validated[ctx.family] = ctx.validated.get(ctx.family, 0) + 1
        ctx.expect(ex.status == status_of("telephony_credentials", "create_token"), ep, f"HTTP status: expected 201, got {ex.status}")
        ctx.expect(ex.content_type.split(";")[0].strip() == "text/plain", ep, f"Content-Type: expected text/plain, got {ex.content_type!r}")
        ctx.expect(isinstance(token, str) and token == ex.body.decode(), ep, f"the SDK's str {token!r} is not the body {ex.body[:80]!r}")
        ctx.expect(re.fullmatch(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+", str(token)) is not None, ep, f"$: expected a JWT, got {str(token)[:80]!r}")
        ctx.expect_error("create_token (unknown id)", telnyx.NotFoundError, lambda: res.with_raw_response.create_token("1000000000000000001"), 404)

    return Family(
        name="telephony_credentials",
        resource=lambda c: c.telephony_credentials,
        item_model=telnyx.types.TelephonyCredential,
        make=make,
        change=lambda ctx, o: {"name": o["name"] + "-renamed", "expires_at": "2099-01-01T00:00:00Z"},
        invalid=lambda ctx, deps: ({"connection_id": "1000000000000000001"}, "/connection_id"),  # not a credential connection
        filters=filters,
        scope=lambda ctx: {"filter": {"resource_id": f"connection:{held['conn']}"}},
        needs=("credential_connections",),
        extra=extra,
        invalid_update=({"expires_at": "not a date"}, "/expires_at"),
        not_returned=("connection_id", "tag"),
    )


def dynamic_emergency_address_family() -> Family:
    """voice-apps-and-e911.md §3.6: no update; `pending` on create, settling at a later read."""

    def make(ctx: Ctx, i: int, deps: Dict[str, Any]) -> Dict[str, Any]:
        body: Dict[str, Any] = {"house_number": f"{600 + i}", "street_name": f"{ctx.prefix} Congress", "locality": "Austin",
                                "administrative_area": "TX", "postal_code": "78701", "country_code": ["US", "CA", "PR"][i]}
        if i == 0:
            body.update({"house_suffix": "A", "street_pre_directional": "W", "street_suffix": "Ave", "street_post_directional": "NW", "extended_address": "Floor 3"})
        return body

    return Family(
        name="dynamic_emergency_addresses",
        resource=lambda c: c.dynamic_emergency_addresses,
        item_model=telnyx.types.DynamicEmergencyAddress,
        make=make,
        change=None,  # no PATCH (§1)
        invalid=lambda ctx, deps: ({**make(ctx, 1, deps), "country_code": "GB"}, "/country_code"),
        filters=lambda ctx, objs: [({"country_code": "CA"}, {objs[1]["id"]}), ({"country_code": "PR", "status": "activated"}, {objs[2]["id"]}), ({"status": "rejected"}, set())],
        scope=lambda ctx: {},
        unscoped=True,
    )


def dynamic_emergency_endpoint_family() -> Family:
    """voice-apps-and-e911.md §3.7: under an activated address; no update."""

    def make(ctx: Ctx, i: int, deps: Dict[str, Any]) -> Dict[str, Any]:
        return {"dynamic_emergency_address_id": deps["dynamic_emergency_address"], "callback_number": f"+1312555{ctx.digits[-3:]}{i}", "caller_name": f"{ctx.prefix} desk {i}"}

    def extra(ctx: Ctx, objs: List[Dict[str, Any]]) -> None:
        # An address that endpoints use cannot be deleted (the emulator's decision of Unknown 9).
        res = ctx.client.dynamic_emergency_addresses.with_raw_response
        ctx.expect_error("dynamic_emergency_addresses delete (in use)", telnyx.UnprocessableEntityError, lambda: res.delete(objs[0]["dynamic_emergency_address_id"]), 422)

    return Family(
        name="dynamic_emergency_endpoints",
        resource=lambda c: c.dynamic_emergency_endpoints,
        item_model=telnyx.types.DynamicEmergencyEndpoint,
        make=make,
        change=None,  # no PATCH (§1)
        invalid=lambda ctx, deps: ({**make(ctx, 0, deps), "dynamic_emergency_address_id": "0ccc7b54-4df3-4bca-a65a-3da1ecc777f0"}, "/dynamic_emergency_address_id"),
        filters=lambda ctx, objs: [({"country_code": "US"}, {o["id"] for o in objs}), ({"country_code": "CA"}, set())],
        scope=lambda ctx: {},
        unscoped=True,
        needs=("dynamic_emergency_addresses",),
        extra=extra,
    )


FAMILIES: List[Family] = [
    ovp_family(),
    credential_family(),
    fqdn_connection_family(),
    ip_connection_family(),
    fqdn_family(),
    ip_family(),
    access_ip_range_family(),
    billing_group_family(),
    address_family(),
    call_control_application_family(),
    texml_application_family(),
    uac_connection_family(),
    telephony_credential_family(),
    dynamic_emergency_address_family(),
    dynamic_emergency_endpoint_family(),
]


# ---------------------------------------------------------------------------------------------
# The generic exercise of one CRUD family.


def create_prerequisites(ctx: Ctx, fam: Family, served: set) -> Dict[str, Any]:
    try:
        return _create_prerequisites(ctx, fam, served)
    except telnyx.APIStatusError as e:
        raise Mismatch(f"creating a prerequisite: SDK raised {type(e).__name__} ({e.status_code}): {e.body}") from None


def _create_prerequisites(ctx: Ctx, fam: Family, served: set) -> Dict[str, Any]:
    deps: Dict[str, Any] = {}
    for need in fam.needs:
        if need not in served:
            raise Mismatch(f"needs {need} to create prerequisites, but the server does not serve it")
    c = ctx.client
    if "outbound_voice_profiles" in fam.needs:
        r = c.outbound_voice_profiles.create(name=f"{ctx.prefix}-{fam.name}-profile")
        deps["ovp"] = r.data.id
        ctx.cleanup.append(("outbound_voice_profiles", r.data.id))
    if "fqdn_connections" in fam.needs:
        for key in ("fqdn_connection", "fqdn_connection_2"):
            r = c.fqdn_connections.create(connection_name=f"{ctx.prefix}-{key}")
            deps[key] = r.data.id
            ctx.cleanup.append(("fqdn_connections", r.data.id))
    if "ip_connections" in fam.needs:
        for key in ("ip_connection", "ip_connection_2"):
            r = c.ip_connections.create(connection_name=f"{ctx.prefix}-{key}")
            deps[key] = r.data.id
            ctx.cleanup.append(("ip_connections", r.data.id))
    if "credential_connections" in fam.needs:
        r = c.credential_connections.create(
            connection_name=f"{ctx.prefix}-{fam.name}-conn", user_name=f"tc{ctx.prefix[-6:]}x", password=f"secret-pass-{ctx.prefix}"
        )
        deps["credential_connection"] = r.data.id
        ctx.cleanup.append(("credential_connections", r.data.id))
    if "dynamic_emergency_addresses" in fam.needs:
        r = c.dynamic_emergency_addresses.create(
            house_number="600", street_name=f"{ctx.prefix} Main", locality="Austin", administrative_area="TX", postal_code="78701", country_code="US"
        )
        deps["dynamic_emergency_address"] = r.data.id
        ctx.cleanup.append(("dynamic_emergency_addresses", r.data.id))
        for _ in range(10):  # Telnyx activates it after validation: read until it is
            if c.dynamic_emergency_addresses.retrieve(r.data.id).data.status == "activated":
                break
            time.sleep(0.1)
    # Prerequisite calls are not what this family checks, but their responses are validated too.
    return deps


def exercise(ctx: Ctx, fam: Family, served: set) -> None:
    name = fam.name
    ref = FAMILY_REF[name]
    res = fam.resource(ctx.client)
    raw = res.with_raw_response
    coll = f"/{name}"
    item = f"/{name}/{{id}}"

    mark = len(ctx.recorder.log)
    deps = create_prerequisites(ctx, fam, served)
    for ex in ctx.since(mark):
        validate_side_exchange(ctx, ex)
    baseline: List[str] = []
    if fam.unscoped:  # what the server holds already; the lists below must add this run's objects
        before = ctx.paginate("list (before creating)", lambda: res.list(page_size=250), fam.item_model, list_ref(name))
        baseline = [x.id for x in before]

    # create
    objs: List[Dict[str, Any]] = []
    sent: List[Dict[str, Any]] = []
    for i in range(fam.count):
        payload = fam.make(ctx, i, deps)
        body = ctx.call("create", lambda p=payload: raw.create(**p), single_ref(name), status_of(name, "create"))
        obj = unwrap(name, body)
        objs.append(obj)
        sent.append(payload)
        ctx.cleanup.append((name, obj["id"]))
        for m in subset_mismatches({k: v for k, v in payload.items() if k not in fam.not_returned}, obj):
            ctx.fail(f"POST {coll}", m)
        check_identity(ctx, f"POST {coll}", obj)

    # retrieve
    has_retrieve = any(e["operation"] == "retrieve" for e in ref["endpoints"])
    if has_retrieve:
        for obj in objs:
            body = ctx.call("retrieve", lambda i=obj["id"]: raw.retrieve(i), single_ref(name), status_of(name, "retrieve"))
            got = unwrap(name, body)
            for k in set(obj) | set(got):
                if k in fam.masked_on_read and got.get(k) == "********":
                    continue
                if any(m.startswith(f"{k}.") for m in fam.masked_on_read):  # a nested secret is masked on reads
                    got, obj = ({**x, k: without_masked(x.get(k), fam.masked_on_read, f"{k}.")} for x in (got, obj))
                ctx.expect(got.get(k, strict._ABSENT) == obj.get(k, strict._ABSENT), f"GET {item}", f"$.data.{k}: expected {obj.get(k)!r} (as created), got {got.get(k, strict._ABSENT)!r}")
        ctx.expect_error("retrieve (unknown id)", telnyx.NotFoundError, lambda: raw.retrieve("1000000000000000001"), 404)

    # update
    if fam.change is not None:
        patch = fam.change(ctx, objs[0])
        body = ctx.call("update", lambda: raw.update(objs[0]["id"], **patch), single_ref(name), status_of(name, "update"))
        upd = unwrap(name, body)
        for m in subset_mismatches(patch, upd):
            ctx.fail(f"PATCH {item}", m)
        ctx.expect(upd.get("id") == objs[0]["id"], f"PATCH {item}", f"$.data.id: expected {objs[0]['id']!r}, got {upd.get('id')!r}")
        ctx.expect(str(upd.get("updated_at")) >= str(objs[0].get("updated_at")), f"PATCH {item}", "$.data.updated_at: did not advance")
        untouched = [k for k in sent[0] if k not in patch and not isinstance(sent[0][k], dict) and k not in fam.masked_on_read]
        for k in untouched:
            ctx.expect(upd.get(k) == objs[0].get(k), f"PATCH {item}", f"$.data.{k}: a field the update did not send changed: {objs[0].get(k)!r} -> {upd.get(k)!r}")
        if has_retrieve:
            body = ctx.call("retrieve after update", lambda: raw.retrieve(objs[0]["id"]), single_ref(name), 200)
            for m in subset_mismatches(patch, unwrap(name, body)):
                ctx.fail(f"GET {item} (after update)", m)
        objs[0] = upd
        ctx.expect_error("update (unknown id)", telnyx.NotFoundError, lambda: raw.update("1000000000000000001", **patch), 404)
        if fam.full_update is not None:
            full = fam.full_update(ctx, objs[1])
            body = ctx.call("update (every field)", lambda: raw.update(objs[1]["id"], **full), single_ref(name), status_of(name, "update"))
            objs[1] = unwrap(name, body)
            for m in subset_mismatches(full, objs[1]):
                ctx.fail(f"PATCH {item} (every field)", m)
            if has_retrieve:
                body = ctx.call("retrieve after update", lambda: raw.retrieve(objs[1]["id"]), single_ref(name), 200)
                got = unwrap(name, body)
                for m in subset_mismatches(without_masked(full, fam.masked_on_read), got):
                    ctx.fail(f"GET {item} (after the every-field update)", m)
        if fam.invalid_update is not None:
            bad_patch, bad_pointer = fam.invalid_update
            ctx.expect_error("update (invalid)", telnyx.UnprocessableEntityError, lambda: raw.update(objs[0]["id"], **bad_patch), 422, bad_pointer)
            if has_retrieve:
                body = ctx.call("retrieve after a refused update", lambda: raw.retrieve(objs[0]["id"]), single_ref(name), 200)
                after = unwrap(name, body)
                ctx.expect(after.get("updated_at") == upd.get("updated_at"), f"GET {item}", "a refused (422) update changed the object")

    # 422 with source.pointer
    bad, pointer = fam.invalid(ctx, deps)
    ctx.expect_error("create (invalid)", telnyx.UnprocessableEntityError, lambda: raw.create(**bad), 422, pointer)

    # list: pages of 2 walked by hand, then the SDK's own auto-pagination
    ids = {o["id"] for o in objs}
    scopes = scoped_lists(fam, ctx, objs, baseline)
    for scope, expected in scopes:
        seen: List[str] = []
        total_pages = math.ceil(len(expected) / 2)
        for page in range(1, total_pages + 2):
            body = ctx.call("list", lambda p=page, s=scope: raw.list(page_size=2, page_number=p, **s), list_ref(name), status_of(name, "list"))
            meta = body.get("meta") or {}
            ctx.expect(meta.get("page_number") == page, f"GET {coll}", f"$.meta.page_number: expected {page}, got {meta.get('page_number')!r}")
            ctx.expect(meta.get("page_size") == 2, f"GET {coll}", f"$.meta.page_size: expected 2, got {meta.get('page_size')!r}")
            ctx.expect(meta.get("total_results") == len(expected), f"GET {coll}", f"$.meta.total_results: expected {len(expected)} for {scope}, got {meta.get('total_results')!r}")
            ctx.expect(meta.get("total_pages") == total_pages, f"GET {coll}", f"$.meta.total_pages: expected {total_pages}, got {meta.get('total_pages')!r}")
            want = min(2, max(0, len(expected) - 2 * (page - 1)))
            ctx.expect(len(body["data"]) == want, f"GET {coll}", f"$.data: expected {want} items on page {page}, got {len(body['data'])}")
            seen += [o.get("id") for o in body["data"]]
        ctx.expect(sorted(seen) == sorted(expected), f"GET {coll}", f"pages of {scope}: expected each of {sorted(expected)} once, got {sorted(seen)}")
        items = ctx.paginate("list (auto-paginated)", lambda s=scope: res.list(page_size=2, **s), fam.item_model, list_ref(name))
        got_ids = sorted(x.id for x in items)
        ctx.expect(got_ids == sorted(expected), f"GET {coll}", f"SDK auto-pagination of {scope}: expected {sorted(expected)}, got {got_ids}")
    for flt, expected in fam.filters(ctx, objs):
        body = ctx.call("list (filtered)", lambda f=flt: raw.list(filter=f, page_size=250), list_ref(name), 200)
        got = {o.get("id") for o in body["data"]}
        ctx.expect(got == expected, f"GET {coll}", f"filter {flt}: expected ids {sorted(expected)}, got {sorted(got)}")
    if fam.sort is not None:
        value, key = fam.sort
        scope = fam.scope(ctx)
        body = ctx.call("list (sorted)", lambda: raw.list(sort=value, page_size=250, **scope), list_ref(name), 200)
        keys = [o.get(key) for o in body["data"]]
        want = sorted(keys, reverse=value.startswith("-"))
        ctx.expect(keys == want, f"GET {coll}", f"sort={value}: expected {key} order {want}, got {keys}")
    if any(s == 422 for s in documented_errors(name, "list")):
        # page[size] maximum 250 (README §3); the list documents 422 for invalid parameters.
        ctx.expect_error("list (page size over 250)", telnyx.UnprocessableEntityError, lambda: raw.list(page_size=251), 422)

    # family-specific endpoints
    if fam.extra is not None:
        fam.extra(ctx, objs)

    # 401 with a wrong key
    bad_res = fam.resource(ctx.bad_client).with_raw_response
    ctx.expect_error("list (wrong API key)", telnyx.AuthenticationError, lambda: bad_res.list(), 401)

    # delete
    for obj in objs:
        body = ctx.call("delete", lambda i=obj["id"]: raw.delete(i), single_ref(name), status_of(name, "delete"))
        gone = unwrap(name, body)
        ctx.expect(gone.get("id") == obj["id"], f"DELETE {item}", f"$.id: expected {obj['id']!r} (the deleted object), got {gone.get('id')!r}")
    ctx.cleanup = [(f, i) for f, i in ctx.cleanup if i not in ids]
    ctx.expect_error("delete (unknown id)", telnyx.NotFoundError, lambda: raw.delete(objs[0]["id"]), 404)
    if has_retrieve:
        ctx.expect_error("retrieve (deleted)", telnyx.NotFoundError, lambda: raw.retrieve(objs[0]["id"]), 404)
    after_scope = scopes[0][0]
    left = ctx.call("list (after delete)", lambda: raw.list(page_size=250, **after_scope), list_ref(name), 200)
    ctx.expect(not ({o.get("id") for o in left["data"]} & ids), f"GET {coll}", "deleted objects are still listed")


def scoped_lists(fam: Family, ctx: Ctx, objs: List[Dict[str, Any]], baseline: List[str]) -> List[tuple]:
    """List queries whose exact result is known: this run's objects (3, over two pages)."""
    if fam.unscoped:  # no filter: everything, i.e. what was there before and this run's objects
        return [({}, baseline + [o["id"] for o in objs])]
    scope = fam.scope(ctx)
    if scope:
        return [(scope, [o["id"] for o in objs])]
    # fqdns / ips: objects 0 and 1 share a connection; list everything and compare this run's.
    return [({"filter": {"connection_id": objs[0]["connection_id"]}}, [objs[0]["id"], objs[1]["id"]])]


def check_identity(ctx: Ctx, endpoint: str, obj: Dict[str, Any]) -> None:
    rt = FAMILY_REF[ctx.family]["record_type"]
    ctx.expect(isinstance(obj.get("id"), str) and obj["id"] != "", endpoint, f"$.id: expected a non-empty string, got {obj.get('id')!r}")
    if rt is not None:
        ctx.expect(obj.get("record_type") == rt, endpoint, f"$.record_type: expected {rt!r}, got {obj.get('record_type')!r}")
    for k in ("created_at", "updated_at"):  # README §1: timestamps are ISO 8601 strings
        if k in obj:
            try:
                strict._DATETIME.validate_python(obj[k])
                ok = isinstance(obj[k], str)
            except Exception:
                ok = False
            ctx.expect(ok, endpoint, f"$.{k}: expected an ISO 8601 date-time string, got {strict.describe(obj[k])}")


SIDE_MODELS = {
    ("POST", "/outbound_voice_profiles"): (telnyx.types.OutboundVoiceProfileCreateResponse, "outbound_voice_profiles"),
    ("POST", "/fqdn_connections"): (telnyx.types.FqdnConnectionCreateResponse, "fqdn_connections"),
    ("POST", "/ip_connections"): (telnyx.types.IPConnectionCreateResponse, "ip_connections"),
    ("POST", "/credential_connections"): (telnyx.types.CredentialConnectionCreateResponse, "credential_connections"),
    ("POST", "/billing_groups"): (telnyx.types.BillingGroupCreateResponse, "billing_groups"),
    ("POST", "/dynamic_emergency_addresses"): (telnyx.types.DynamicEmergencyAddressCreateResponse, "dynamic_emergency_addresses"),
    ("GET", "/dynamic_emergency_addresses/{id}"): (telnyx.types.DynamicEmergencyAddressRetrieveResponse, "dynamic_emergency_addresses"),
}


def validate_side_exchange(ctx: Ctx, ex: Exchange) -> None:
    key = (ex.method, template(ex.url.path))
    model, fam = SIDE_MODELS[key]
    ctx._validate(ex, model, single_ref(fam), status_of(fam, "create" if ex.method == "POST" else "retrieve"))


# ---------------------------------------------------------------------------------------------
# /connections: read-only view over the three connection kinds.


def cleanup(ctx: Ctx) -> None:
    """Deletes what the run created and still exists (prerequisites, or objects left by an
    aborted family), newest first; these responses are validated like any other."""
    for fam, oid in reversed(ctx.cleanup):
        raw = getattr(ctx.client, fam).with_raw_response
        try:
            ctx.call(f"cleanup delete of {fam}", lambda: raw.delete(oid), delete_ref(fam), status_of(fam, "delete"))
        except Mismatch as e:
            ctx.fail("cleanup", str(e))
    ctx.cleanup.clear()


def exercise_connections(ctx: Ctx, served: set) -> None:
    kinds = [k for k in ("credential_connections", "fqdn_connections", "ip_connections") if k in served]
    if not kinds:
        raise Mismatch("serves /connections but none of credential/fqdn/ip connections to populate it")
    c = ctx.client
    created: Dict[str, str] = {}
    mark = len(ctx.recorder.log)
    for k in kinds:
        params: Dict[str, Any] = {"connection_name": f"{ctx.prefix}-conn-{k}"}
        if k == "credential_connections":
            params.update(user_name=f"conn{ctx.prefix[-6:]}", password="secret-pass-conn")
        try:
            r = getattr(c, k).create(**params)
        except telnyx.APIStatusError as e:
            raise Mismatch(f"creating a {k} to list: SDK raised {type(e).__name__} ({e.status_code}): {e.body}") from None
        created[r.data.id] = FAMILY_REF[k]["record_type"]
        ctx.cleanup.append((k, r.data.id))
    for ex in ctx.since(mark):
        validate_side_exchange(ctx, ex)
    raw = c.connections.with_raw_response
    fields_ref = FAMILY_REF["connections"]["fields"]
    scope = {"filter": {"connection_name": {"contains": f"{ctx.prefix}-conn-"}}}
    seen = []
    pages = math.ceil(len(created) / 2)
    for page in range(1, pages + 1):
        body = ctx.call("list", lambda p=page: raw.list(page_size=2, page_number=p, **scope), {"data": fields_ref, "meta": META_REF}, status_of("connections", "list"))
        seen += body["data"]
    ctx.expect(sorted(o.get("id") for o in seen) == sorted(created), "GET /connections", f"expected ids {sorted(created)}, got {sorted(o.get('id') for o in seen)}")
    for o in seen:
        want = created.get(o.get("id"))
        ctx.expect(o.get("record_type") == want, "GET /connections", f"$.data[id={o.get('id')}].record_type: expected {want!r} (the underlying kind), got {o.get('record_type')!r}")
    items = ctx.paginate("list (auto-paginated)", lambda: c.connections.list(page_size=2, **scope), Connection, {"data": fields_ref, "meta": META_REF})
    ctx.expect(sorted(x.id for x in items) == sorted(created), "GET /connections", "SDK auto-pagination did not return every connection once")
    for cid, rt in created.items():
        body = ctx.call("retrieve", lambda i=cid: raw.retrieve(i), {"data": fields_ref}, status_of("connections", "retrieve"))
        ctx.expect(body["data"].get("id") == cid and body["data"].get("record_type") == rt, "GET /connections/{id}", f"$.data: expected id {cid} with record_type {rt!r}, got {body['data'].get('id')!r}/{body['data'].get('record_type')!r}")
    ctx.expect_error("retrieve (unknown id)", telnyx.NotFoundError, lambda: raw.retrieve("1000000000000000001"), 404)
    bad = ctx.bad_client.connections.with_raw_response
    ctx.expect_error("list (wrong API key)", telnyx.AuthenticationError, lambda: bad.list(), 401)


# ---------------------------------------------------------------------------------------------
# Phone numbers: no create (numbers are bought through orders), so this run seeds them through
# the emulator's control endpoint, then drives retrieve, update, list, the voice settings and
# the release (DELETE) through the SDK.


def seed(ctx: Ctx, body: Dict[str, Any]) -> Dict[str, List[str]]:
    """`POST /_emulator/seed` at the server root (not an SDK endpoint, not recorded)."""
    r = httpx.post(f"{ctx.root}/_emulator/seed", json=body, timeout=15)
    if r.status_code != 200:
        raise Mismatch(f"POST /_emulator/seed answered {r.status_code}: {r.text[:300]} (a server without the emulator's seed endpoint cannot hold phone numbers to check)")
    return r.json()["data"]


EMERGENCY_ADDRESS = "1315261609962112019"


def exercise_phone_numbers(ctx: Ctx, served: set) -> None:
    fam = "phone_numbers"
    for need in ("credential_connections", "fqdn_connections", "billing_groups"):
        if need not in served:
            raise Mismatch(f"needs {need} for the numbers' references, but the server does not serve it")
    c = ctx.client
    raw = c.phone_numbers.with_raw_response
    vraw = c.phone_numbers.voice.with_raw_response
    item, coll = "/phone_numbers/{id}", "/phone_numbers"
    voice_item, voice_coll = "/phone_numbers/{id}/voice", "/phone_numbers/voice"
    Number = telnyx.types.NumbersPhoneNumberDetailed
    Voice = telnyx.types.phone_numbers.PhoneNumberWithVoiceSettings
    number_ref, number_list_ref = single_ref(fam), list_ref(fam)
    voice_fields = FAMILY_REF[fam]["extra_responses"]["voice_retrieve"]
    voice_ref, voice_list_ref = {"data": voice_fields}, {"data": voice_fields, "meta": META_REF}

    # prerequisites: two connections of different kinds and two billing groups
    mark = len(ctx.recorder.log)
    try:
        cred = c.credential_connections.create(connection_name=f"{ctx.prefix}-pn-cred", user_name=f"pn{ctx.prefix[-6:]}x", password="secret-pass-pn").data
        ctx.cleanup.append(("credential_connections", cred.id))
        fqdn = c.fqdn_connections.create(connection_name=f"{ctx.prefix}-pn-fqdn").data
        ctx.cleanup.append(("fqdn_connections", fqdn.id))
        groups = []
        for i in range(2):
            g = c.billing_groups.create(name=f"{ctx.prefix}-pn-bg-{i}").data
            ctx.cleanup.append(("billing_groups", g.id))
            groups.append(g.id)
    except telnyx.APIStatusError as e:
        raise Mismatch(f"creating a prerequisite: SDK raised {type(e).__name__} ({e.status_code}): {e.body}") from None
    for ex in ctx.since(mark):
        validate_side_exchange(ctx, ex)

    # five numbers, over three pages of two; every one holds this run's six digits
    d, tag = ctx.digits, f"{ctx.prefix}-tag"
    seeds = [
        {"phone_number": f"+1312{d}0", "tags": [tag, "first"], "connection_id": cred.id, "billing_group_id": groups[0], "customer_reference": f"{ctx.prefix}-ref-0",
         "emergency_enabled": True, "emergency_address_id": EMERGENCY_ADDRESS, "emergency_status": "active"},
        {"phone_number": f"+1312{d}1", "connection_id": fqdn.id, "phone_number_type": "toll_free", "voice": {"usage_payment_method": "channel"}},
        {"phone_number": f"+4420{d}2", "tags": [tag], "billing_group_id": groups[1]},
        {"phone_number": f"+1312{d}3", "status": "purchase-pending", "phone_number_type": "mobile"},
        {"phone_number": f"+612{d}4", "phone_number_type": "national", "source_type": "port_request"},
    ]
    ids = seed(ctx, {fam: seeds})[fam]
    for i in ids:
        ctx.cleanup.append((fam, i))
    scope = {"filter": {"phone_number": d}}

    def listed(operation: str, flt: Dict[str, Any], fn: Any = None, ref: Any = None) -> List[str]:
        body = ctx.call(operation, lambda: (fn or raw.list)(filter=flt, page_size=250), ref or number_list_ref, 200)
        return [o.get("id") for o in body["data"]]

    # retrieve: each number as seeded, with the name of its connection
    nums: List[Dict[str, Any]] = []
    for i, (oid, sent) in enumerate(zip(ids, seeds)):
        got = ctx.call("retrieve", lambda o=oid: raw.retrieve(o), number_ref, status_of(fam, "retrieve"))["data"]
        nums.append(got)
        check_identity(ctx, f"GET {item}", got)
        for m in subset_mismatches({k: v for k, v in sent.items() if k != "voice"}, got):
            ctx.fail(f"GET {item}", m)
        want_name = {cred.id: cred.connection_name, fqdn.id: fqdn.connection_name}.get(sent.get("connection_id"))
        ctx.expect(got.get("connection_name") == want_name, f"GET {item}", f"$.data.connection_name: expected {want_name!r} (its connection's), got {got.get('connection_name')!r}")
    ctx.expect([n.get("country_iso_alpha2") for n in nums] == ["US", "US", "GB", "US", "AU"], f"GET {item}", f"$.data.country_iso_alpha2: expected US, US, GB, US, AU, got {[n.get('country_iso_alpha2') for n in nums]}")
    ctx.expect_error("retrieve (unknown id)", telnyx.NotFoundError, lambda: raw.retrieve("1000000000000000001"), 404)

    # pages of two walked by hand, then the SDK's auto-pagination, over /phone_numbers and /phone_numbers/voice
    for label, lister, model, ref, path in (("list", raw.list, Number, number_list_ref, coll), ("voice list", vraw.list, Voice, voice_list_ref, voice_coll)):
        seen: List[str] = []
        for page in range(1, 5):
            body = ctx.call(label, lambda p=page: lister(page_size=2, page_number=p, **scope), ref, 200)
            meta = body.get("meta") or {}
            want = (page, 2, 5, 3)
            got = (meta.get("page_number"), meta.get("page_size"), meta.get("total_results"), meta.get("total_pages"))
            ctx.expect(got == want, f"GET {path}", f"$.meta (page_number, page_size, total_results, total_pages): expected {want}, got {got}")
            ctx.expect(len(body["data"]) == [2, 2, 1, 0][page - 1], f"GET {path}", f"$.data: expected {[2, 2, 1, 0][page - 1]} items on page {page}, got {len(body['data'])}")
            seen += [o.get("id") for o in body["data"]]
        ctx.expect(sorted(seen) == sorted(ids), f"GET {path}", f"pages of {scope}: expected each of {sorted(ids)} once, got {sorted(seen)}")
        sdk_list = c.phone_numbers.list if lister is raw.list else c.phone_numbers.voice.list
        items = ctx.paginate(f"{label} (auto-paginated)", lambda: sdk_list(page_size=2, **scope), model, ref)
        ctx.expect(sorted(x.id for x in items) == sorted(ids), f"GET {path}", f"SDK auto-pagination of {scope}: expected {sorted(ids)}, got {sorted(x.id for x in items)}")
        body = ctx.call(f"{label} (default page size)", lambda: lister(**scope), ref, 200)
        ctx.expect((body.get("meta") or {}).get("page_size") == 20, f"GET {path}", f"$.meta.page_size: expected the documented default 20, got {(body.get('meta') or {}).get('page_size')!r}")
        ctx.expect_error(f"{label} (page size over 250)", telnyx.UnprocessableEntityError, lambda: lister(page_size=251), 422)
    # a list item is the object a retrieve answers
    body = ctx.call("list", lambda: raw.list(filter={"phone_number": seeds[0]["phone_number"][1:]}), number_list_ref, 200)
    ctx.expect(body["data"] == [nums[0]], f"GET {coll}", f"a list item differs from the retrieve of {ids[0]}: {body['data']!r} vs {nums[0]!r}")

    # filters, each with the run's digits so other numbers on the server never match
    n = ids
    filters = [
        ({"tag": tag}, {n[0], n[2]}),
        ({"phone_number": seeds[1]["phone_number"][1:]}, {n[1]}),
        ({"phone_number": seeds[1]["phone_number"]}, set()),  # a non-digit (the +): no results
        ({"status": "purchase-pending"}, {n[3]}),
        ({"status": "active"}, {n[0], n[1], n[2], n[4]}),
        ({"country_iso_alpha2": "GB"}, {n[2]}),
        ({"country_iso_alpha2": ["GB", "AU"]}, {n[2], n[4]}),  # the SDK sends GB,AU
        ({"connection_id": cred.id}, {n[0]}),
        ({"voice_connection_name": {"contains": "PN-CRED"}}, {n[0]}),
        ({"voice_connection_name": {"starts_with": ctx.prefix}}, {n[0], n[1]}),
        ({"voice_connection_name": {"ends_with": "-pn-fqdn"}}, {n[1]}),
        ({"voice_connection_name": {"eq": fqdn.connection_name}}, {n[1]}),
        ({"voice_usage_payment_method": "channel"}, {n[1]}),
        ({"voice_usage_payment_method": "pay-per-minute"}, {n[0], n[2], n[3], n[4]}),
        ({"billing_group_id": groups[1]}, {n[2]}),
        ({"billing_group_id": "null"}, {n[1], n[3], n[4]}),
        ({"emergency_address_id": EMERGENCY_ADDRESS}, {n[0]}),
        ({"emergency_address_id": "null"}, {n[1], n[2], n[3], n[4]}),
        ({"customer_reference": f"{ctx.prefix}-ref-0"}, {n[0]}),
        ({"number_type": {"eq": "toll_free"}}, {n[1]}),
        ({"number_type": {"eq": "local"}}, {n[0], n[2]}),
        ({"number_type": {"eq": "national"}}, {n[4]}),
        ({"source": "ported"}, {n[4]}),
        ({"source": "purchased"}, {n[0], n[1], n[2], n[3]}),
        ({"without_tags": "true"}, {n[1], n[3], n[4]}),
        ({"without_tags": "false"}, set(n)),  # values other than "true" are ignored
    ]
    for flt, expected in filters:
        got = listed("list (filtered)", {**scope["filter"], **flt})
        ctx.expect(set(got) == expected and len(got) == len(expected), f"GET {coll}", f"filter {flt}: expected ids {sorted(expected)}, got {sorted(got)}")
    ctx.expect_error("list (filter[source] neither ported nor purchased)", telnyx.UnprocessableEntityError, lambda: raw.list(filter={"source": "gifted"}), 422)
    ctx.expect_error("list (filter[phone_number] under three digits)", telnyx.UnprocessableEntityError, lambda: raw.list(filter={"phone_number": "31"}), 422)
    ctx.expect_error("list (filter[voice.connection_name][contains] under three characters)", telnyx.UnprocessableEntityError, lambda: raw.list(filter={"voice_connection_name": {"contains": "pn"}}), 422)
    for key, field_of in (("phone_number", lambda o: o.get("phone_number")), ("purchased_at", lambda o: o.get("purchased_at"))):
        body = ctx.call("list (sorted)", lambda k=key: raw.list(sort=k, page_size=250, **scope), number_list_ref, 200)
        keys = [field_of(o) for o in body["data"]]
        ctx.expect(keys == sorted(keys) and len(keys) == 5, f"GET {coll}", f"sort={key}: expected the five numbers in ascending {key} order, got {keys}")
    for key in ("connection_name", "usage_payment_method"):
        got = [o.get("id") for o in ctx.call("list (sorted)", lambda k=key: raw.list(sort=k, page_size=250, **scope), number_list_ref, 200)["data"]]
        ctx.expect(sorted(got) == sorted(ids), f"GET {coll}", f"sort={key}: expected the five numbers, got {got}")

    # update: every field PATCH /phone_numbers/{id} takes, then each cleared with ""
    target = ids[2]
    patch = {"connection_id": cred.id, "billing_group_id": groups[0], "customer_reference": f"{ctx.prefix}-ref-2", "external_pin": "4321", "tags": [tag, "updated"], "hd_voice_enabled": True}
    body = ctx.call("update", lambda: raw.update(target, **patch, address_id="1315261609962112020"), number_ref, status_of(fam, "update"))
    upd = body["data"]
    for m in subset_mismatches(patch, upd):
        ctx.fail(f"PATCH {item}", m)
    ctx.expect(upd.get("connection_name") == cred.connection_name, f"PATCH {item}", f"$.data.connection_name: expected {cred.connection_name!r}, got {upd.get('connection_name')!r}")
    for k in ("phone_number", "status", "country_iso_alpha2", "phone_number_type", "purchased_at", "created_at"):
        ctx.expect(upd.get(k) == nums[2].get(k), f"PATCH {item}", f"$.data.{k}: a field the update did not send changed: {nums[2].get(k)!r} -> {upd.get(k)!r}")
    ctx.expect(str(upd.get("updated_at")) >= str(nums[2].get("updated_at")), f"PATCH {item}", "$.data.updated_at: did not advance")
    got = ctx.call("retrieve after update", lambda: raw.retrieve(target), number_ref, 200)["data"]
    ctx.expect(got == upd, f"GET {item}", f"after the update: expected the update's answer {upd!r}, got {got!r}")
    v = ctx.call("voice retrieve", lambda: vraw.retrieve(target), voice_ref, status_of(fam, "voice_retrieve"))["data"]
    for k in ("connection_id", "customer_reference", "phone_number", "id"):  # one stored value, two views (unknown 2)
        ctx.expect(v.get(k) == upd.get(k), f"GET {voice_item}", f"$.data.{k}: expected the number's {upd.get(k)!r}, got {v.get(k)!r}")
    got = listed("list (filtered)", {**scope["filter"], "billing_group_id": groups[0]})
    ctx.expect(sorted(got) == sorted([ids[0], target]), f"GET {coll}", f"filter[billing_group_id] after the update: expected {sorted([ids[0], target])}, got {sorted(got)}")
    clear = {"connection_id": "", "billing_group_id": "", "customer_reference": "", "external_pin": ""}
    body = ctx.call("update (clear with \"\")", lambda: raw.update(target, **clear), number_ref, status_of(fam, "update"))
    cleared = body["data"]
    for k in (*clear, "connection_name"):
        ctx.expect(cleared.get(k, strict._ABSENT) is None, f"PATCH {item}", f"$.data.{k}: expected null after sending \"\", got {strict.describe(cleared.get(k, strict._ABSENT))}")
    ctx.expect(cleared.get("tags") == patch["tags"] and cleared.get("hd_voice_enabled") is True, f"PATCH {item}", "fields the clearing update did not send changed")
    got = ctx.call("retrieve after update", lambda: raw.retrieve(target), number_ref, 200)["data"]
    ctx.expect(got == cleared, f"GET {item}", f"after clearing: expected {cleared!r}, got {got!r}")
    v = ctx.call("voice retrieve", lambda: vraw.retrieve(target), voice_ref, 200)["data"]
    ctx.expect(v.get("connection_id") is None and v.get("customer_reference") is None, f"GET {voice_item}", f"after clearing: expected connection_id and customer_reference null, got {v.get('connection_id')!r}, {v.get('customer_reference')!r}")
    body = ctx.call("update (empty tags)", lambda: raw.update(target, tags=[]), number_ref, 200)
    ctx.expect(body["data"].get("tags") == [], f"PATCH {item}", f"$.data.tags: expected [] as sent, got {body['data'].get('tags')!r}")
    last = body["data"]
    for bad, pointer in (({"connection_id": None}, "/connection_id"), ({"billing_group_id": None}, "/billing_group_id"),
                         ({"connection_id": "1000000000000000001"}, "/connection_id"), ({"billing_group_id": "not-a-uuid"}, "/billing_group_id"),
                         ({"billing_group_id": "6a09cdc3-8948-47f0-aa62-74ac943d6c58"}, "/billing_group_id"), ({"tags": "solo"}, "/tags")):
        ctx.expect_error(f"update (invalid {bad})", telnyx.UnprocessableEntityError, lambda b=bad: raw.update(target, **b), 422, pointer)
    got = ctx.call("retrieve after refused updates", lambda: raw.retrieve(target), number_ref, 200)["data"]
    ctx.expect(got == last, f"GET {item}", "a refused (422) update changed the number")
    ctx.expect_error("update (unknown id)", telnyx.NotFoundError, lambda: raw.update("1000000000000000001", tags=["x"]), 404)
    # a connection a number uses cannot be deleted (the emulator's decision of unknown 10)
    ctx.expect_error("credential_connections delete (used by a number)", telnyx.UnprocessableEntityError, lambda: c.credential_connections.with_raw_response.delete(cred.id), 422)

    # voice settings: defaults, a PATCH of every field, then nested objects replaced whole
    target = ids[0]
    v0 = ctx.call("voice retrieve", lambda: vraw.retrieve(target), voice_ref, status_of(fam, "voice_retrieve"))["data"]
    defaults = {"record_type": "voice_settings", "tech_prefix_enabled": False, "translated_number": "", "usage_payment_method": "pay-per-minute", "inbound_call_screening": "disabled",
                "call_forwarding": {"call_forwarding_enabled": True}, "cnam_listing": {"cnam_listing_enabled": False},
                "media_features": {"rtp_auto_adjust_enabled": True, "accept_any_rtp_packets_enabled": False, "t38_fax_gateway_enabled": False},
                "call_recording": {"inbound_call_recording_enabled": False, "inbound_call_recording_format": "wav", "inbound_call_recording_channels": "single"},
                "emergency": {"emergency_enabled": True, "emergency_address_id": EMERGENCY_ADDRESS, "emergency_status": "active"},
                "id": target, "phone_number": seeds[0]["phone_number"], "connection_id": cred.id, "customer_reference": f"{ctx.prefix}-ref-0"}
    for m in subset_mismatches(defaults, v0):
        ctx.fail(f"GET {voice_item} (defaults)", m)
    full = {
        "tech_prefix_enabled": True,
        "translated_number": "+13035559999",
        "call_forwarding": {"call_forwarding_enabled": True, "forwards_to": "+13035559123", "forwarding_type": "on-failure"},
        "cnam_listing": {"cnam_listing_enabled": True, "cnam_listing_details": "ACME 1"},
        "usage_payment_method": "channel",
        "media_features": {"rtp_auto_adjust_enabled": False, "accept_any_rtp_packets_enabled": True, "t38_fax_gateway_enabled": True},
        "call_recording": {"inbound_call_recording_enabled": True, "inbound_call_recording_format": "mp3", "inbound_call_recording_channels": "dual"},
        "inbound_call_screening": "flag_calls",
    }
    v1 = ctx.call("voice update (every field)", lambda: vraw.update(target, **full, caller_id_name_enabled=True), voice_ref, status_of(fam, "voice_update"))["data"]
    for m in subset_mismatches(full, v1):
        ctx.fail(f"PATCH {voice_item}", m)
    got = ctx.call("voice retrieve after update", lambda: vraw.retrieve(target), voice_ref, 200)["data"]
    ctx.expect(got == v1, f"GET {voice_item}", f"after the update: expected the update's answer {v1!r}, got {got!r}")

    def mirrors(label: str, want: Dict[str, Any]) -> None:
        num = ctx.call(f"retrieve ({label})", lambda: raw.retrieve(target), number_ref, 200)["data"]
        for m in subset_mismatches(want, num):
            ctx.fail(f"GET {item} ({label})", m)

    mirrors("mirrors the voice settings", {"call_forwarding_enabled": True, "cnam_listing_enabled": True, "caller_id_name_enabled": True, "call_recording_enabled": True, "t38_fax_gateway_enabled": True, "inbound_call_screening": "flag_calls"})
    replace = {"call_forwarding": {"call_forwarding_enabled": False}, "cnam_listing": {"cnam_listing_enabled": False}, "media_features": {"t38_fax_gateway_enabled": False}, "call_recording": {"inbound_call_recording_format": "wav"}}
    v2 = ctx.call("voice update (nested objects)", lambda: vraw.update(target, **replace), voice_ref, 200)["data"]
    want = {
        **{k: full[k] for k in ("tech_prefix_enabled", "translated_number", "usage_payment_method", "inbound_call_screening")},
        "call_forwarding": {"call_forwarding_enabled": False, "forwards_to": None, "forwarding_type": None},
        "cnam_listing": {"cnam_listing_enabled": False, "cnam_listing_details": None},
        "media_features": {"rtp_auto_adjust_enabled": True, "accept_any_rtp_packets_enabled": False, "t38_fax_gateway_enabled": False},
        "call_recording": {"inbound_call_recording_enabled": False, "inbound_call_recording_format": "wav", "inbound_call_recording_channels": "single"},
    }
    for k, w in want.items():  # a nested object sent replaces the stored one: members left out go back to their defaults
        ctx.expect(v2.get(k) == w, f"PATCH {voice_item}", f"$.data.{k}: expected {w!r} (nested objects replaced whole, top-level fields not sent kept), got {v2.get(k)!r}")
    mirrors("mirrors the replaced settings", {"call_forwarding_enabled": False, "cnam_listing_enabled": False, "caller_id_name_enabled": True, "call_recording_enabled": False, "t38_fax_gateway_enabled": False, "inbound_call_screening": "flag_calls"})
    for bad, pointer in (({"cnam_listing": {"cnam_listing_enabled": True}}, "/cnam_listing/cnam_listing_enabled"),
                         ({"call_forwarding": {"forwarding_type": "sometimes"}}, "/call_forwarding/forwarding_type"),
                         ({"usage_payment_method": "rate-deck"}, "/usage_payment_method"),
                         ({"inbound_call_screening": True}, "/inbound_call_screening")):
        ctx.expect_error(f"voice update (invalid {bad})", telnyx.UnprocessableEntityError, lambda b=bad: vraw.update(target, **b), 422, pointer)
    got = ctx.call("voice retrieve after refused updates", lambda: vraw.retrieve(target), voice_ref, 200)["data"]
    ctx.expect(got == v2, f"GET {voice_item}", "a refused (422) voice update changed the settings")
    ctx.expect_error("voice retrieve (unknown id)", telnyx.NotFoundError, lambda: vraw.retrieve("1000000000000000001"), 404)
    ctx.expect_error("voice update (unknown id)", telnyx.NotFoundError, lambda: vraw.update("1000000000000000001", tech_prefix_enabled=True), 404)

    # the voice list: its filters, and items equal to what GET .../voice answers
    voice_filters = [
        ({"phone_number": seeds[1]["phone_number"][1:]}, {n[1]}),
        ({"connection_name": {"contains": "pn-fqdn"}}, {n[1]}),
        ({"customer_reference": f"{ctx.prefix}-ref-0"}, {n[0]}),
        ({"voice_usage_payment_method": "channel"}, {n[0], n[1]}),
        ({"voice_usage_payment_method": "pay-per-minute"}, {n[2], n[3], n[4]}),
    ]
    for flt, expected in voice_filters:
        got = listed("voice list (filtered)", {**scope["filter"], **flt}, vraw.list, voice_list_ref)
        ctx.expect(set(got) == expected and len(got) == len(expected), f"GET {voice_coll}", f"filter {flt}: expected ids {sorted(expected)}, got {sorted(got)}")
    got = listed("list (filtered)", {**scope["filter"], "voice_usage_payment_method": "channel"})
    ctx.expect(set(got) == {n[0], n[1]}, f"GET {coll}", f"filter[voice.usage_payment_method]=channel after the voice update: expected {sorted([n[0], n[1]])}, got {sorted(got)}")
    body = ctx.call("voice list", lambda: vraw.list(filter={"phone_number": seeds[0]["phone_number"][1:]}), voice_list_ref, 200)
    ctx.expect(body["data"] == [v2], f"GET {voice_coll}", f"the item of {target} differs from GET {voice_item}: {body['data']!r} vs {v2!r}")
    body = ctx.call("voice list (sorted)", lambda: vraw.list(sort="phone_number", page_size=250, **scope), voice_list_ref, 200)
    keys = [o.get("phone_number") for o in body["data"]]
    ctx.expect(keys == sorted(keys) and len(keys) == 5, f"GET {voice_coll}", f"sort=phone_number: expected ascending order of the five, got {keys}")
    ctx.expect_error("voice list (filter[connection_name][contains] under three characters)", telnyx.UnprocessableEntityError, lambda: vraw.list(filter={"connection_name": {"contains": "pn"}}), 422)

    # no POST /phone_numbers: numbers are ordered or ported, never created here
    ctx.expect_error("create (no such endpoint)", telnyx.APIStatusError, lambda: c.post(coll, body={"phone_number": f"+1312{d}9"}, cast_to=object), 405)
    # 401 with a wrong key
    bad = ctx.bad_client.phone_numbers
    ctx.expect_error("list (wrong API key)", telnyx.AuthenticationError, lambda: bad.with_raw_response.list(), 401)
    ctx.expect_error("voice list (wrong API key)", telnyx.AuthenticationError, lambda: bad.voice.with_raw_response.list(), 401)

    # bulk jobs (voice-apps-and-e911.md §4): an update job over two numbers, polled to its end
    jraw = c.phone_numbers.jobs.with_raw_response
    pair = [seeds[1]["phone_number"], seeds[2]["phone_number"]]
    body = ctx.call("jobs update_batch", lambda: jraw.update_batch(phone_numbers=pair, connection_id=cred.id, tags=[tag, "job"]), None, 202)
    job = body["data"]
    ctx.expect((job.get("status"), job.get("type"), job.get("record_type")) == ("pending", "update_phone_numbers", "phone_numbers_job"),
               "POST /phone_numbers/jobs/update_phone_numbers", f"$.data: expected a pending update_phone_numbers job, got {job!r}")
    for _ in range(50):
        job = ctx.call("jobs retrieve", lambda: jraw.retrieve(job["id"]), None, 200)["data"]
        if job.get("status") in ("completed", "failed", "expired"):
            break
    done = sorted(o.get("phone_number") for o in job.get("successful_operations") or [])
    ctx.expect((job.get("status"), done, job.get("pending_operations")) == ("completed", sorted(pair), []), "GET /phone_numbers/jobs/{id}",
               f"expected a completed job with both numbers successful, got {job!r}")
    for oid in ids[1:3]:
        got = ctx.call("retrieve (after a job)", lambda o=oid: raw.retrieve(o), number_ref, 200)["data"]
        ctx.expect((got.get("connection_id"), got.get("tags")) == (cred.id, [tag, "job"]), f"GET {item}", f"the job's settings did not stick: {got!r}")
    body = ctx.call("jobs list", lambda: jraw.list(filter={"type": "update_phone_numbers"}, page_size=250), None, 200)
    ctx.expect(any(j.get("id") == job["id"] for j in body["data"]), "GET /phone_numbers/jobs", "the job is not listed under its type")
    ctx.expect_error("jobs update_batch (a number not owned)", telnyx.UnprocessableEntityError,
                     lambda: jraw.update_batch(phone_numbers=[f"+1312{d}8"], tags=["x"]), 422, "/phone_numbers")
    ctx.expect_error("jobs update_batch (no updateable field)", telnyx.UnprocessableEntityError,
                     lambda: jraw.update_batch(phone_numbers=pair), 422, "/updateable_fields")
    ctx.expect_error("jobs retrieve (unknown)", telnyx.NotFoundError, lambda: jraw.retrieve("42587e44-0000-4000-8000-000000000000"), 404)

    # E911 (voice-apps-and-e911.md §3.5): enable_emergency answers 202 while provisioning, the
    # number reads active after; the emergency job disables it.
    if "addresses" in served:
        addr = ctx.call("addresses create (for enable_emergency)", lambda: c.addresses.with_raw_response.create(
            street_address="600 Congress Ave", locality="Austin", administrative_area="TX", postal_code="78701", country_code="US",
            first_name="", last_name="", business_name=f"{ctx.prefix} E911"), None, 200)["data"]
        ctx.cleanup.append(("addresses", addr["id"]))
        araw = c.phone_numbers.actions.with_raw_response
        body = ctx.call("enable_emergency", lambda: araw.enable_emergency(ids[1], emergency_enabled=True, emergency_address_id=addr["id"]), None, 202)
        ctx.expect(body["data"].get("emergency", {}).get("emergency_status") == "provisioning", "POST /phone_numbers/{id}/actions/enable_emergency",
                   f"$.data.emergency: expected provisioning, got {body['data'].get('emergency')!r}")
        for _ in range(10):
            got = ctx.call("retrieve (provisioning)", lambda: raw.retrieve(ids[1]), number_ref, 200)["data"]
            if got.get("emergency_status") != "provisioning":
                break
        ctx.expect((got.get("emergency_enabled"), got.get("emergency_address_id"), got.get("emergency_status")) == (True, addr["id"], "active"),
                   f"GET {item}", f"expected emergency active at the address, got {got!r}")
        ctx.expect_error("enable_emergency (unknown address)", telnyx.UnprocessableEntityError,
                         lambda: araw.enable_emergency(ids[1], emergency_enabled=True, emergency_address_id="1"), 422, "/emergency_address_id")
        body = ctx.call("jobs update_emergency_settings_batch", lambda: jraw.update_emergency_settings_batch(phone_numbers=[seeds[1]["phone_number"]], emergency_enabled=False), None, 202)
        job = body["data"]
        for _ in range(50):
            job = ctx.call("jobs retrieve", lambda: jraw.retrieve(job["id"]), None, 200)["data"]
            if job.get("status") in ("completed", "failed", "expired"):
                break
        ctx.expect((job.get("type"), job.get("status")) == ("update_emergency_settings", "completed"), "GET /phone_numbers/jobs/{id}", f"expected a completed emergency job, got {job!r}")
        got = ctx.call("retrieve (after the emergency job)", lambda: raw.retrieve(ids[1]), number_ref, 200)["data"]
        ctx.expect((got.get("emergency_enabled"), got.get("emergency_status")) == (False, "disabled"), f"GET {item}", f"expected emergency disabled, got {got!r}")
        ctx.expect_error("jobs update_emergency_settings_batch (no address to enable)", telnyx.UnprocessableEntityError,
                         lambda: jraw.update_emergency_settings_batch(phone_numbers=pair, emergency_enabled=True), 422, "/emergency_address_id")

    # DELETE releases: the answer is the number's final form (status "deleted"), then it is gone
    final = {ids[0]: v2}
    for oid, sent in zip(ids, seeds):
        body = ctx.call("delete (release)", lambda o=oid: raw.delete(o), delete_ref(fam), status_of(fam, "delete"))
        gone = body["data"]
        ctx.expect((gone.get("id"), gone.get("phone_number"), gone.get("status")) == (oid, sent["phone_number"], "deleted"), f"DELETE {item}",
                   f"$.data: expected id {oid}, phone_number {sent['phone_number']} and status 'deleted', got {gone.get('id')!r}, {gone.get('phone_number')!r}, {gone.get('status')!r}")
        if oid in final:
            ctx.expect(gone.get("caller_id_name_enabled") is True and gone.get("connection_id") == cred.id, f"DELETE {item}", "$.data: expected the number's last settings")
    ctx.cleanup = [(f, i) for f, i in ctx.cleanup if i not in ids]
    ctx.expect_error("delete (released already)", telnyx.NotFoundError, lambda: raw.delete(ids[0]), 404)
    ctx.expect_error("retrieve (released)", telnyx.NotFoundError, lambda: raw.retrieve(ids[0]), 404)
    ctx.expect_error("voice retrieve (released)", telnyx.NotFoundError, lambda: vraw.retrieve(ids[0]), 404)
    ctx.expect(listed("list (after release)", scope["filter"]) == [], f"GET {coll}", "released numbers are still listed")
    ctx.expect(listed("voice list (after release)", scope["filter"], vraw.list, voice_list_ref) == [], f"GET {voice_coll}", "released numbers are still listed")


# ---------------------------------------------------------------------------------------------
# Self-test: the validator must catch each kind of mismatch (a check that cannot fail is none).


def self_test() -> int:
    from telnyx.types import OutboundVoiceProfileRetrieveResponse as Single

    good = {
        "data": {
            "id": "1293384261075731499",
            "record_type": "outbound_voice_profile",
            "name": "office",
            "billing_group_id": None,
            "call_recording": {"call_recording_caller_phone_numbers": [], "call_recording_channels": "single", "call_recording_format": "wav", "call_recording_type": "none"},
            "calling_window": {"calls_per_cld": None, "end_time": None, "start_time": None},
            "concurrent_call_limit": None,
            "connections_count": 0,
            "created_at": "2026-01-01T00:00:00.000Z",
            "daily_spend_limit": "100.00",
            "daily_spend_limit_enabled": False,
            "enabled": True,
            "max_destination_rate": 1,
            "service_plan": "global",
            "tags": [],
            "traffic_type": "conversational",
            "updated_at": "2026-01-01T00:00:00.000Z",
            "usage_payment_method": "rate-deck",
            "whitelisted_destinations": ["US"],
        }
    }
    ref = single_ref("outbound_voice_profiles")

    def mutate(fn: Callable[[Dict[str, Any]], None]) -> Dict[str, Any]:
        d = json.loads(json.dumps(good))
        fn(d["data"])
        return d

    cases = [
        ("extra top-level field", mutate(lambda d: d.update(surprise=1)), "$.data.surprise: extra field unknown to SDK model OutboundVoiceProfile"),
        ("extra nested field", mutate(lambda d: d["call_recording"].update(x=True)), "$.data.call_recording.x: extra field"),
        ("missing required", mutate(lambda d: d.pop("name")), "$.data.name: missing; SDK model OutboundVoiceProfile declares it required"),
        ("missing documented", mutate(lambda d: d.pop("tags")), "$.data.tags: missing; the shared reference documents it"),
        ("int as string", mutate(lambda d: d.update(connections_count="0")), "$.data.connections_count: expected integer, got string '0'"),
        ("bool as int", mutate(lambda d: d.update(concurrent_call_limit=True)), "$.data.concurrent_call_limit: expected integer, got boolean True"),
        ("string as number", mutate(lambda d: d.update(max_destination_rate="1.5")), "$.data.max_destination_rate: expected number, got string '1.5'"),
        ("unknown enum value", mutate(lambda d: d.update(service_plan="local")), "$.data.service_plan: expected one of 'global', got string 'local'"),
        ("list item type", mutate(lambda d: d.update(tags=["a", 2])), "$.data.tags[1]: expected string, got integer 2"),
        ("object as list", mutate(lambda d: d.update(calling_window=[])), "$.data.calling_window: expected object CallingWindow, got array []"),
        ("null for required", mutate(lambda d: d.update(name=None)), "$.data.name: expected string, got null None"),
    ]
    failures = 0
    rep = strict.validate(good, Single, ref)
    if rep.errors:
        print(f"self-test: the good document was rejected: {rep.errors}", file=sys.stderr)
        failures += 1
    for label, doc, want in cases:
        errs = strict.validate(doc, Single, ref).errors
        if not any(e.startswith(want) for e in errs):
            print(f"self-test: {label}: expected an error starting {want!r}, got {errs}", file=sys.stderr)
            failures += 1
    from telnyx.types import AccessIPRange

    aipr = {"id": "x", "cidr_block": "10.0.0.0/24", "status": "pending", "user_id": "u", "created_at": "yesterday", "description": None, "updated_at": None}
    errs = strict.validate(aipr, AccessIPRange, FAMILY_REF["access_ip_ranges"]["fields"]).errors
    if not any(e.startswith("$.created_at: expected ISO 8601 date-time string") for e in errs):
        print(f"self-test: datetime: expected a created_at error, got {errs}", file=sys.stderr)
        failures += 1
    page = {"data": [good["data"]], "meta": {"page_number": 1, "page_size": 20, "total_pages": 1, "total_results": 1}}
    rep = strict.validate(page, SyncDefaultFlatPagination[telnyx.types.OutboundVoiceProfile], list_ref("outbound_voice_profiles"))
    if rep.errors or len(rep.tolerated) != 2:
        print(f"self-test: documented list meta: expected 2 tolerated fields and no error, got {rep.errors} / {rep.tolerated}", file=sys.stderr)
        failures += 1
    page["meta"]["surprise"] = 1
    if not any(e.startswith("$.meta.surprise: extra field") for e in strict.validate(page, SyncDefaultFlatPagination[telnyx.types.OutboundVoiceProfile], None).errors):
        print("self-test: an undocumented meta field was not reported", file=sys.stderr)
        failures += 1
    bad_err = {"errors": [{"code": 10015, "title": "x"}]}
    if not any(e.startswith("$.errors[0].code: expected string, got integer") for e in strict.validate(bad_err, ErrorEnvelope).errors):
        print("self-test: a numeric error code was not reported", file=sys.stderr)
        failures += 1
    total = len(cases) + 5
    if failures:
        print(f"self-test FAILED: {failures} of {total} checks", file=sys.stderr)
        return 1
    print(f"self-test: {total} validator checks passed")
    return 0


# Families driven by their own function rather than the generic CRUD exercise.
SPECIAL: Dict[str, Callable[[Ctx, set], None]] = {"connections": exercise_connections, "phone_numbers": exercise_phone_numbers}


def probe(base_url: str, api_key: str, family: str) -> bool:
    r = httpx.get(f"{base_url}/{family}", params={"page[size]": 1}, headers={"Authorization": f"Bearer {api_key}"}, timeout=10)
    if r.status_code == 200:
        return True
    if r.status_code == 404:
        return False
    raise SystemExit(f"sdk_conformance: probing GET /{family} answered {r.status_code}: {r.text[:200]}")


def main(argv: List[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--base-url", default=os.environ.get("TELNYX_BASE_URL"), help="API base URL including /v2")
    ap.add_argument("--api-key", default=os.environ.get("TELNYX_API_KEY"))
    ap.add_argument("--require", default="", help="comma-separated families that must be served")
    ap.add_argument("--only", default="", help="comma-separated families to exercise (default: every served family)")
    ap.add_argument("--self-test", action="store_true", help="check the strict validator on crafted documents, then exit")
    args = ap.parse_args(argv)
    if args.self_test:
        return self_test()
    # The validator proves itself first: an OK from a validator that cannot fail means nothing.
    if self_test() != 0:
        return 1
    if not args.base_url or not args.api_key:
        ap.error("--base-url and --api-key (or TELNYX_BASE_URL / TELNYX_API_KEY) are required")
    base = args.base_url.rstrip("/")
    if telnyx.__version__ != SDK_VERSION:
        print(f"sdk_conformance: expected telnyx {SDK_VERSION}, found {telnyx.__version__}; run scripts/install-tools.sh", file=sys.stderr)
        return 2

    recorder = Recorder()
    http = httpx.Client(transport=recorder, timeout=15)
    client = telnyx.Telnyx(api_key=args.api_key, base_url=base, max_retries=0, http_client=http)
    bad_client = telnyx.Telnyx(api_key=args.api_key + "-wrong", base_url=base, max_retries=0, http_client=http)
    token = secrets.token_hex(4)
    root = base[: -len("/v2")] if base.endswith("/v2") else base
    ctx = Ctx(client=client, bad_client=bad_client, recorder=recorder, prefix=f"sdkconf-{token}", served=set(), net=f"10.{int(token[:2], 16)}.{int(token[2:4], 16)}",
              root=root, digits=f"{int(token, 16) % 10**6:06d}")

    all_names = [f.name for f in FAMILIES] + list(SPECIAL)
    served = {n for n in all_names if probe(base, args.api_key, n)}
    ctx.served = served
    required = {r for r in args.require.split(",") if r}
    for r in sorted(required - set(all_names)):
        ctx.failures.append(f"[{r}] --require names an unknown family (known: {', '.join(all_names)})")
    for r in sorted(required & set(all_names) - served):
        ctx.failures.append(f"[{r}] required but not served: GET /{r} answered 404")
    if ctx.failures:
        print("FAILED before exercising anything:", file=sys.stderr)
        for f in ctx.failures:
            print(f"  {f}", file=sys.stderr)
        return 1
    only = {o for o in args.only.split(",") if o}
    if only - set(all_names):
        ap.error(f"--only names unknown families: {', '.join(sorted(only - set(all_names)))}")

    ran: List[str] = []
    for fam in FAMILIES + list(SPECIAL):
        name = fam.name if isinstance(fam, Family) else fam
        if name not in served or (only and name not in only):
            continue
        ctx.family = name
        ran.append(name)
        try:
            if isinstance(fam, Family):
                exercise(ctx, fam, served)
            else:
                SPECIAL[name](ctx, served)
        except Mismatch as e:
            ctx.fail("aborted", str(e))
        except Exception:  # a bug in a response shape the script relied on
            ctx.fail("aborted", "unexpected exception:\n" + traceback.format_exc())
        finally:
            cleanup(ctx)

    # coverage: every documented endpoint of every served family was exercised
    exercised: Dict[str, Dict[str, set]] = {}
    for ex in recorder.log:
        exercised.setdefault(ex.family, {}).setdefault(ex.endpoint, set()).add(ex.status)
    for name in ran:
        for e in FAMILY_REF[name]["endpoints"]:
            ep = f"{e['method']} " + re.sub(r"\{[^}]+\}", "{id}", e["path"])
            if ep not in exercised.get(name, {}):
                ctx.failures.append(f"[{name}] {ep}: documented endpoint never exercised")
    unvalidated = [ex for ex in recorder.log if not ex.validated]
    for ex in unvalidated:
        ctx.failures.append(f"[{ex.family or '?'}] {ex.endpoint}: response ({ex.status}) was not validated")

    print(f"SDK conformance: telnyx {telnyx.__version__} (Python SDK) against {base}")
    for name in all_names:
        if name not in served:
            print(f"  {name:<24} not served (GET /{name} -> 404)")
            continue
        if name not in ran:
            print(f"  {name:<24} served, not selected (--only)")
            continue
        eps = exercised.get(name, {})
        n = ctx.validated.get(name, 0)
        own = {f"{e['method']} " + re.sub(r"\{[^}]+\}", "{id}", e["path"]) for e in FAMILY_REF[name]["endpoints"]}
        print(f"  {name:<24} {len(own & set(eps))}/{len(own)} documented endpoints exercised ({len(eps)} called in all), {n} responses validated")
        for ep in sorted(eps):
            print(f"      {ep:<66} {','.join(str(s) for s in sorted(eps[ep]))}")
    for t, n in sorted(ctx.tolerated.items()):
        print(f"  tolerated x{n}: {t}")
    total_eps = sum(len(v) for v in exercised.values())
    total_val = sum(ctx.validated.values())
    print(f"families: {len(ran)} exercised, {len(served)} served, {len(all_names)} known; endpoint+status combinations: {total_eps}; HTTP responses: {len(recorder.log)}, strictly validated: {total_val}")
    if ctx.failures:
        print(f"\nFAILED: {len(ctx.failures)} mismatch(es)", file=sys.stderr)
        for f in ctx.failures:
            print(f"  {f}", file=sys.stderr)
        return 1
    print("OK: every response matched the SDK models")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
