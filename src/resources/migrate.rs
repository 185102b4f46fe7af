//! State written by the community Telnyx providers (`petsinc/telnyx`, and its fork
//! `edbo/telnyx`), read by this provider after `terraform state replace-provider`: the same
//! type names (`telnyx_fqdn_connection`, …), schema version 0 like ours, but other attribute
//! names (`username`, `call_recording.type`), zero values where the API has none (`""`, `0`,
//! `[]`), members the API does not have, and Go-formatted timestamps.
//!
//! Such state is recognised by what this provider never writes, and is then read like an
//! import: only the id (and secret arguments such as a credential connection's password,
//! which Telnyx never returns) is kept, and the refresh that follows reads everything else from Telnyx. This provider's own
//! state passes through unchanged. See `docs/guides/migrate.md`.

use serde_json::Value as Json;
use tfplug::schema::Attribute;

/// Whether `state` (one object's stored attributes) was written by a community provider.
pub fn is_foreign(state: &Json) -> bool {
    let Json::Object(m) = state else { return false };
    // Attribute names only they use.
    let renamed = m.contains_key("username")
        || m.get("call_recording").is_some_and(|c| c.get("type").is_some())
        || ["inbound", "outbound"].iter().any(|k| m.get(*k).is_some_and(|o| o.get("privacy_zone_enabled").is_some()));
    // Go's time.Time.String(): "2025-09-24 14:03:11.123456 +0000 UTC" (ours: ISO 8601).
    let go_time = ["created_at", "updated_at"]
        .iter()
        .any(|k| m.get(*k).and_then(Json::as_str).is_some_and(|t| t.ends_with(" UTC") && t.contains(' ')));
    renamed || go_time
}

/// `state` as this provider reads it (`attrs`: the resource's schema): foreign state reduced to
/// what an import holds — the id, and every secret argument, which Telnyx never returns (the
/// refresh cannot read it back, and the configuration still holds it).
pub fn adapt(attrs: &[Attribute], state: Json) -> Json {
    if !is_foreign(&state) {
        return state;
    }
    let kept = |a: &&Attribute| a.name == "id" || (a.sensitive && a.presence.is_configurable() && !a.write_only);
    let mut out = serde_json::Map::new();
    for a in attrs.iter().filter(kept) {
        if let Some(v) = state.get(&a.name).filter(|v| !v.is_null()) {
            out.insert(a.name.clone(), v.clone());
        }
    }
    Json::Object(out)
}

/// Whether a `moved` block may bring `source` into `target_type`: the same type, from another
/// provider named `telnyx` (`registry.terraform.io/petsinc/telnyx`, `…/edbo/telnyx`, OpenTofu's
/// `registry.opentofu.org/…`, or the bare local name `telnyx` older OpenTofu sends), at the
/// schema version they all write (0).
pub fn accepts(source: &tfplug::MoveSource<'_>, target_type: &str) -> bool {
    let address = source.provider_address;
    let named_telnyx = address == "telnyx" || address.rsplit('/').next() == Some("telnyx");
    let ours = address.ends_with("/telnyx/telnyx") || address == "telnyx/telnyx";
    source.type_name == target_type && named_telnyx && !ours && source.schema_version == 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resources::rest::RestObject;
    use serde_json::json;

    use crate::resources::call_control_application::CallControlApplication;
    use crate::resources::credential_connection::CredentialConnection;
    use crate::resources::fqdn::Fqdn;
    use crate::resources::outbound_voice_profile::OutboundVoiceProfile;

    fn attrs<T: RestObject>() -> Vec<Attribute> {
        T::schema().attributes
    }

    /// State as petsinc v2.2.3 writes it (research: their `set*State` functions).
    fn petsinc_credential_connection() -> Json {
        json!({
            "id": "1684641123236054244", "connection_name": "office-sip", "username": "officesip01", "password": "s3cret-Pass",
            "active": true, "webhook_timeout_secs": 25, "microsoft_teams_sbc": false,
            "inbound": {"channel_limit": 0, "privacy_zone_enabled": false, "codecs": ["G722"]},
            "outbound": {"ani_override": "+12345678901", "outbound_voice_profile_id": "1293384261075731499"}
        })
    }

    #[test]
    fn community_state_is_read_like_an_import() {
        assert_eq!(
            adapt(&attrs::<CredentialConnection>(), petsinc_credential_connection()),
            json!({"id": "1684641123236054244", "password": "s3cret-Pass"})
        );
        let ovp = json!({"id": "1", "name": "p", "tags": [], "daily_spend_limit": "",
                         "call_recording": {"type": "none", "caller_phone_numbers": [], "channels": "single", "format": "wav"}});
        assert_eq!(adapt(&attrs::<OutboundVoiceProfile>(), ovp), json!({"id": "1"}));
        let fqdn = json!({"id": "7", "connection_id": 1684641123236054245_i64, "fqdn": "pbx.example.com", "port": 5060,
                          "dns_record_type": "a", "created_at": "2025-09-24 14:03:11.123456 +0000 UTC"});
        assert_eq!(adapt(&attrs::<Fqdn>(), fqdn), json!({"id": "7"}));
        let app = json!({"id": "9", "application_name": "ivr", "created_at": "2025-05-14 10:00:00 +0000 UTC"});
        assert_eq!(adapt(&attrs::<CallControlApplication>(), app), json!({"id": "9"}));
    }

    #[test]
    fn moves_come_from_the_community_providers_of_the_same_type() {
        let src = |provider_address, type_name| tfplug::MoveSource { provider_address, type_name, schema_version: 0 };
        for p in ["registry.terraform.io/petsinc/telnyx", "registry.opentofu.org/edbo/telnyx", "telnyx"] {
            assert!(accepts(&src(p, "telnyx_fqdn"), "telnyx_fqdn"), "{p}");
        }
        assert!(!accepts(&src("registry.terraform.io/petsinc/telnyx", "telnyx_fqdn"), "telnyx_ip"), "another type");
        assert!(!accepts(&src("registry.terraform.io/hashicorp/null", "telnyx_fqdn"), "telnyx_fqdn"), "another provider");
        assert!(!accepts(&src("registry.terraform.io/telnyx/telnyx", "telnyx_fqdn"), "telnyx_fqdn"), "ourselves");
        let v1 =
            tfplug::MoveSource { provider_address: "registry.terraform.io/petsinc/telnyx", type_name: "telnyx_fqdn", schema_version: 1 };
        assert!(!accepts(&v1, "telnyx_fqdn"), "a schema version they never wrote");
    }

    #[test]
    fn own_state_passes_unchanged() {
        for own in [
            json!({"id": "1", "user_name": "officesip01", "password": "x", "inbound": {"channel_limit": null},
                   "created_at": "2026-01-02T03:04:05.000Z"}),
            json!({"id": "1", "call_recording": {"call_recording_type": "none"}}),
            json!({"id": "b", "name": "Main billing"}),
            json!(null),
        ] {
            assert!(!is_foreign(&own), "{own}");
            assert_eq!(adapt(&attrs::<CredentialConnection>(), own.clone()), own);
        }
    }
}
