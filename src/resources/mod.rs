//! Every resource and data source type of the provider. Adding an object family: one file
//! that declares it, and one line in `families!` below.

use std::sync::Arc;

use crate::telnyx::client::Client;
use tfplug::{DataSource, Resource};

pub mod access_ip_range;
pub mod any_connection;
pub mod billing_group;
pub mod common;
pub mod connection;
pub mod connections;
pub mod credential_connection;
pub mod diagnostics;
pub mod fqdn;
pub mod fqdn_connection;
pub mod ip;
pub mod ip_connection;
pub mod list;
pub mod mapping;
pub mod normalize;
pub mod outbound_voice_profile;
pub mod phone_number;
pub mod phone_numbers_routing;
pub mod registration_status;
pub mod rest;

use list::{Find, List};
use rest::Rest;

/// One line per object family: its resource, the data source of the same name (one object by
/// `id` or natural key), and the plural list data source. The resource is the generic
/// [`Rest`] one unless the line names its own (`Family => Resource`).
macro_rules! families {
    ($r:ident, $d:ident; $($t:ty $(=> $res:ty)?),* $(,)?) => {
        $(
            $r.push(Arc::new(<families!(@resource $t $(, $res)?)>::default()));
            $d.push(Arc::new(Find::<$t>::default()));
            $d.push(Arc::new(List::<$t>::default()));
        )*
    };
    (@resource $t:ty) => { Rest::<$t> };
    (@resource $t:ty, $res:ty) => { $res };
}

pub type Resources = Vec<Arc<dyn Resource<Client>>>;
pub type DataSources = Vec<Arc<dyn DataSource<Client>>>;

/// (resources, data sources)
pub fn registry() -> (Resources, DataSources) {
    let mut r: Resources = Vec::new();
    let mut d: DataSources = Vec::new();
    families!(r, d;
        outbound_voice_profile::OutboundVoiceProfile,
        credential_connection::CredentialConnection,
        fqdn_connection::FqdnConnection,
        ip_connection::IpConnection,
        fqdn::Fqdn,
        ip::Ip,
        access_ip_range::AccessIpRange,
        billing_group::BillingGroup,
        phone_number::PhoneNumber => phone_number::PhoneNumberResource,
    );
    // Data sources that are not one family's: any connection, all connections, registration status.
    r.push(Arc::new(phone_numbers_routing::PhoneNumbersRouting::default()));
    d.push(Arc::new(phone_numbers_routing::RoutingData));
    d.push(Arc::new(phone_numbers_routing::RoutingsData));
    d.push(Arc::new(any_connection::AnyConnection::default()));
    d.push(Arc::new(connections::Connections::default()));
    d.push(Arc::new(registration_status::RegistrationStatus::default()));
    (r, d)
}
