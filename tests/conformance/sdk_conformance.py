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


def template(path: str) -> str:
    """`/v2/fqdns/123` -> `/fqdns/{id}`."""
    segs = [s for s in path.split("/") if s][1:]  # drop the version segment
    out = []
    for i, s in enumerate(segs):
        out.append("{id}" if i == 1 else s)
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


FAMILIES: List[Family] = [
    ovp_family(),
    credential_family(),
    fqdn_connection_family(),
    ip_connection_family(),
    fqdn_family(),
    ip_family(),
    access_ip_range_family(),
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
        for m in subset_mismatches(payload, obj):
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
                for m in subset_mismatches({k: v for k, v in full.items() if k not in fam.masked_on_read}, got):
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
    scopes = scoped_lists(fam, ctx, objs)
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


def scoped_lists(fam: Family, ctx: Ctx, objs: List[Dict[str, Any]]) -> List[tuple]:
    """List queries whose exact result is known: this run's objects (3, over two pages)."""
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
}


def validate_side_exchange(ctx: Ctx, ex: Exchange) -> None:
    key = (ex.method, template(ex.url.path))
    model, fam = SIDE_MODELS[key]
    ctx._validate(ex, model, single_ref(fam), status_of(fam, "create"))


# ---------------------------------------------------------------------------------------------
# /connections: read-only view over the three connection kinds.


def cleanup(ctx: Ctx) -> None:
    """Deletes what the run created and still exists (prerequisites, or objects left by an
    aborted family), newest first; these responses are validated like any other."""
    for fam, oid in reversed(ctx.cleanup):
        raw = getattr(ctx.client, fam).with_raw_response
        try:
            ctx.call(f"cleanup delete of {fam}", lambda: raw.delete(oid), single_ref(fam), status_of(fam, "delete"))
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
    ctx = Ctx(client=client, bad_client=bad_client, recorder=recorder, prefix=f"sdkconf-{token}", served=set(), net=f"10.{int(token[:2], 16)}.{int(token[2:4], 16)}")

    all_names = [f.name for f in FAMILIES] + ["connections"]
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
    for fam in FAMILIES + [None]:
        name = fam.name if fam else "connections"
        if name not in served or (only and name not in only):
            continue
        ctx.family = name
        ran.append(name)
        try:
            if fam is None:
                exercise_connections(ctx, served)
            else:
                exercise(ctx, fam, served)
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
