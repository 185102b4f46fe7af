//! Every resource and data source type of the provider. Adding an object family: one file
//! that declares it, and one `register!` line below.

use std::sync::Arc;

use crate::telnyx::client::Client;
use crate::tfplug::{DataSource, Resource};

pub mod access_ip_range;
pub mod any_connection;
pub mod common;
pub mod connection;
pub mod connections;
pub mod credential_connection;
pub mod fqdn;
pub mod fqdn_connection;
pub mod ip;
pub mod ip_connection;
pub mod list;
pub mod normalize;
pub mod outbound_voice_profile;
pub mod registration_status;
pub mod rest;

use rest::{Lookup, Rest};

/// Registers a [`rest::RestObject`] as a resource and as the data source of the same name.
macro_rules! register {
    ($res:ident, $ds:ident; $($t:ty),* $(,)?) => {
        $(
            $res.push(Arc::new(Rest::<$t>::default()));
            $ds.push(Arc::new(Lookup::<$t>::default()));
        )*
    };
}

pub type Resources = Vec<Arc<dyn Resource<Client>>>;
pub type DataSources = Vec<Arc<dyn DataSource<Client>>>;

/// (resources, data sources)
pub fn registry() -> (Resources, DataSources) {
    let mut r: Resources = Vec::new();
    let mut d: DataSources = Vec::new();
    register!(r, d;
        outbound_voice_profile::OutboundVoiceProfile,
        credential_connection::CredentialConnection,
        fqdn_connection::FqdnConnection,
        ip_connection::IpConnection,
    );
    d.push(Arc::new(any_connection::AnyConnection));
    d.push(Arc::new(connections::Connections));
    d.push(Arc::new(registration_status::RegistrationStatus));
    // Addresses: the resources, and data sources that find one object by id or natural key.
    r.push(Arc::new(Rest::<fqdn::Fqdn>::default()));
    d.push(Arc::new(list::Find::<fqdn::Fqdn>::default()));
    r.push(Arc::new(Rest::<ip::Ip>::default()));
    d.push(Arc::new(list::Find::<ip::Ip>::default()));
    r.push(Arc::new(access_ip_range::AccessIpRangeResource));
    d.push(Arc::new(list::Find::<access_ip_range::AccessIpRange>::default()));
    // List data sources (`telnyx_fqdns`, …): one line per family.
    d.push(Arc::new(list::List::<fqdn::Fqdn>::default()));
    d.push(Arc::new(list::List::<ip::Ip>::default()));
    d.push(Arc::new(list::List::<access_ip_range::AccessIpRange>::default()));
    d.push(Arc::new(list::List::<outbound_voice_profile::OutboundVoiceProfile>::default()));
    d.push(Arc::new(list::List::<credential_connection::CredentialConnection>::default()));
    d.push(Arc::new(list::List::<fqdn_connection::FqdnConnection>::default()));
    d.push(Arc::new(list::List::<ip_connection::IpConnection>::default()));
    (r, d)
}
