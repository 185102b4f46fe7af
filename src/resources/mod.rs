//! Every resource and data source type of the provider: the one list of object families that
//! the provider, its data sources and list resources, GenerateResourceConfig and `export` all
//! read. Adding an object family: one file that declares it, and one line in `families!` below.

use std::sync::Arc;

use serde_json::Value as Json;

use crate::telnyx::client::Client;
use tfplug::{DataSource, Diagnostics, Resource, Schema, Value};

pub mod access_ip_range;
pub mod any_connection;
pub mod billing_group;
pub mod call_control_application;
pub mod check_registration;
pub mod claims;
pub mod common;
pub mod configuration;
pub mod connection;
pub mod connections;
pub mod credential_connection;
pub mod diagnostics;
pub mod dynamic_emergency_address;
pub mod dynamic_emergency_endpoint;
pub mod emergency_address;
pub mod fqdn;
pub mod fqdn_connection;
pub mod ip;
pub mod ip_connection;
pub mod journal;
pub mod list;
pub mod mapping;
pub mod migrate;
pub mod normalize;
pub mod outbound_voice_profile;
pub mod phone_number;
pub mod phone_numbers_routing;
pub mod registration_status;
pub mod rest;
pub mod telephony_credential;
pub mod texml_application;
pub mod uac_connection;

use list::{Find, List, Listed, SubView};
use rest::Rest;

/// What a family declares beyond its resource and data sources: how its configuration is
/// written (GenerateResourceConfig, `export`). The registry requires it of every family, so a
/// family cannot be registered without saying how, or whether, it is exported.
pub trait Exported: Listed {
    /// What an exported resource label starts with where the object's name cannot be one
    /// (empty, or not starting with a letter): `number` gives `number_13125550100`.
    const LABEL_PREFIX: &'static str;
    /// Why `export` leaves the family out; `None`: it is exported.
    const NOT_EXPORTED: Option<&'static str> = None;

    /// Telnyx's documented defaults of the family's optional+computed attributes, shaped like
    /// the API's JSON: a generated configuration leaves out a value equal to its default
    /// (left out, it keeps what Telnyx holds).
    fn defaults() -> Json {
        Json::Object(serde_json::Map::new())
    }

    /// Whether a listed object belongs in an export (a number being released does not).
    fn exports(_obj: &Json) -> bool {
        true
    }

    /// What names the object in an export label: its [`Listed::KEY`]'s first field.
    fn export_name(obj: &Json) -> String {
        Self::KEY.first().map(|(field, _)| text_of(obj, field)).unwrap_or_default()
    }
}

/// A string or number field of a listed object as text; empty when absent.
pub fn text_of(obj: &Json, field: &str) -> String {
    match obj.get(field) {
        Some(Json::String(s)) => s.clone(),
        Some(Json::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

/// One exported family, as `export` reads it: its listing and how its objects are written.
#[derive(Clone, Copy)]
pub struct Exporter {
    pub type_name: &'static str,
    /// The list endpoint.
    pub path: &'static str,
    pub schema: fn() -> Schema,
    /// The family's own configuration checks (beyond each attribute's validators).
    pub validate: fn(&Value) -> Diagnostics,
    pub defaults: fn() -> Json,
    pub sub_view: Option<SubView>,
    pub combine: fn(Json, Option<&Json>) -> Json,
    pub label_prefix: &'static str,
    pub keep: fn(&Json) -> bool,
    pub name: fn(&Json) -> String,
}

impl std::fmt::Debug for Exporter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.type_name)
    }
}

impl Exporter {
    fn of<T: Exported>() -> Exporter {
        Exporter {
            type_name: T::TYPE_NAME,
            path: T::PATH,
            schema: T::schema,
            validate: T::validate,
            defaults: T::defaults,
            sub_view: T::SUB_VIEW,
            combine: T::combine,
            label_prefix: T::LABEL_PREFIX,
            keep: T::exports,
            name: T::export_name,
        }
    }
}

/// One object family: its resource, the data source of the same name (one object by `id` or
/// natural key), the plural list data source, and how `export` writes it.
pub struct Family {
    pub resource: Arc<dyn Resource<Client>>,
    pub data_sources: [Arc<dyn DataSource<Client>>; 2],
    /// `Err`: why `export` leaves the family out ([`Exported::NOT_EXPORTED`]).
    pub export: Result<Exporter, &'static str>,
}

impl std::fmt::Debug for Family {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.resource.type_name())
    }
}

impl Family {
    fn of<T: Exported, R: Resource<Client> + Default + 'static>() -> Family {
        Family {
            resource: Arc::new(R::default()),
            data_sources: [Arc::new(Find::<T>::default()), Arc::new(List::<T>::default())],
            export: T::NOT_EXPORTED.map_or_else(|| Ok(Exporter::of::<T>()), Err),
        }
    }
}

/// One line per object family; the resource is the generic [`Rest`] one unless the line
/// names its own (`Family => Resource`).
macro_rules! families {
    ($($t:ty $(=> $res:ty)?),* $(,)?) => {
        vec![$(Family::of::<$t, families!(@resource $t $(, $res)?)>()),*]
    };
    (@resource $t:ty) => { Rest::<$t> };
    (@resource $t:ty, $res:ty) => { $res };
}

/// Every object family, a family after those whose ids it references (`export` writes them,
/// and so references them, in this order).
pub fn families() -> Vec<Family> {
    families!(
        billing_group::BillingGroup,
        outbound_voice_profile::OutboundVoiceProfile,
        call_control_application::CallControlApplication,
        texml_application::TexmlApplication,
        credential_connection::CredentialConnection,
        fqdn_connection::FqdnConnection,
        ip_connection::IpConnection,
        uac_connection::UacConnection,
        telephony_credential::TelephonyCredential,
        fqdn::Fqdn,
        ip::Ip,
        access_ip_range::AccessIpRange,
        dynamic_emergency_address::DynamicEmergencyAddress => dynamic_emergency_address::Activated<dynamic_emergency_address::DynamicEmergencyAddress>,
        dynamic_emergency_endpoint::DynamicEmergencyEndpoint => dynamic_emergency_address::Activated<dynamic_emergency_endpoint::DynamicEmergencyEndpoint>,
        emergency_address::EmergencyAddress,
        phone_number::PhoneNumber => phone_number::PhoneNumberResource,
    )
    .into_iter()
    // Families that are not one REST object each declare their own [`Family`].
    .chain([phone_numbers_routing::family()])
    .collect()
}

/// Every ephemeral resource type (Terraform >= 1.10, OpenTofu >= 1.11).
pub fn ephemeral_resources() -> Vec<Arc<dyn tfplug::EphemeralResource<Client>>> {
    vec![Arc::new(telephony_credential::CredentialToken)]
}

/// Every action type (Terraform >= 1.14).
pub fn actions() -> Vec<Arc<dyn tfplug::Action<Client>>> {
    vec![Arc::new(check_registration::CheckRegistration)]
}

pub type Resources = Vec<Arc<dyn Resource<Client>>>;
pub type DataSources = Vec<Arc<dyn DataSource<Client>>>;

/// (resources, data sources): the families' and the data sources that are not one family's.
pub fn registry() -> (Resources, DataSources) {
    let mut r: Resources = Vec::new();
    let mut d: DataSources = Vec::new();
    for f in families() {
        r.push(f.resource);
        d.extend(f.data_sources);
    }
    // Any connection, all connections, registration status.
    d.push(Arc::new(any_connection::AnyConnection::default()));
    d.push(Arc::new(connections::Connections::default()));
    d.push(Arc::new(registration_status::RegistrationStatus::default()));
    d.push(Arc::new(registration_status::RegistrationStatus::uac()));
    d.push(Arc::new(emergency_address::AddressValidation));
    (r, d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;
    use tfplug::schema::{Attribute, Kind, Nesting, Presence};

    /// Every resource is a family's, and `export` writes every family or says why not.
    #[test]
    fn every_resource_type_is_exported_or_says_why_not() {
        let families = families();
        let (resources, data_sources) = registry();
        let family_types: Vec<&str> = families.iter().map(|f| f.resource.type_name()).collect();
        let resource_types: Vec<&str> = resources.iter().map(|r| r.type_name()).collect();
        assert_eq!(family_types, resource_types, "a resource registered outside `families!`");
        for f in &families {
            match &f.export {
                Ok(e) => assert_eq!(e.type_name, f.resource.type_name(), "{f:?} exports another type"),
                Err(why) => assert!(!why.trim().is_empty(), "{f:?} is not exported and does not say why"),
            }
        }
        let names: Vec<&str> = data_sources.iter().map(|d| d.type_name()).collect();
        assert_eq!(names.iter().collect::<BTreeSet<_>>().len(), names.len(), "a data source registered twice: {names:?}");
        assert_eq!(resource_types.iter().collect::<BTreeSet<_>>().len(), resource_types.len(), "a resource registered twice");
    }

    /// Each family's export defaults name attributes of its schema that a default can leave
    /// out: optional+computed ones (nested objects: their members).
    #[test]
    fn export_defaults_name_only_optional_computed_attributes() {
        fn check(type_name: &str, attrs: &[Attribute], defaults: &Json, at: &str, wrong: &mut Vec<String>) {
            let Json::Object(fields) = defaults else { return wrong.push(format!("{type_name}: `{at}`: not an object: {defaults}")) };
            for (name, value) in fields {
                let path = if at.is_empty() { name.clone() } else { format!("{at}.{name}") };
                match attrs.iter().find(|a| a.name == *name) {
                    None => wrong.push(format!("{type_name}: `{path}` is no attribute")),
                    Some(a) => match (&a.kind, value) {
                        (Kind::Nested(Nesting::Single, children), Json::Object(_)) => check(type_name, children, value, &path, wrong),
                        _ if a.presence != Presence::OptionalComputed => {
                            wrong.push(format!("{type_name}: `{path}` is {:?}: its default is never used", a.presence));
                        }
                        _ => {}
                    },
                }
            }
        }
        let mut wrong = Vec::new();
        for f in families() {
            let Ok(e) = f.export else { continue };
            check(e.type_name, &(e.schema)().attributes, &(e.defaults)(), "", &mut wrong);
        }
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }

    /// `export` writes families in registry order and refers to an object by reference only
    /// when its type came first: a `<type>_id` attribute's families (`connection_id`: every
    /// `*_connection`) must come before the family that holds it.
    #[test]
    fn families_come_after_the_families_they_reference() {
        fn ids(attrs: &[Attribute], out: &mut Vec<String>) {
            for a in attrs {
                if let Some(stem) = a.name.strip_suffix("_id") {
                    out.push(stem.to_string());
                }
                ids(a.children(), out);
            }
        }
        let types: Vec<&str> = families().iter().map(|f| f.resource.type_name()).collect();
        let mut checked = 0;
        for (i, f) in families().iter().enumerate() {
            let mut stems = Vec::new();
            ids(&f.resource.schema().attributes, &mut stems);
            for stem in stems {
                let (exact, kind) = (format!("telnyx_{stem}"), format!("_{stem}"));
                for (j, t) in types.iter().enumerate().filter(|(_, t)| **t == exact || t.ends_with(&kind)) {
                    assert!(j < i, "{} references {t} (`{stem}_id`) but comes before it", types[i]);
                    checked += 1;
                }
            }
        }
        assert!(checked >= 5, "billing groups, profiles and connections are referenced: {checked}");
    }
}
