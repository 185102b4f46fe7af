//! Every resource and data source type of the provider. Adding an object family: one file
//! that declares it, and one `register!` line below.

use std::sync::Arc;

use crate::telnyx::client::Client;
use crate::tfplug::{DataSource, Resource};

pub mod common;
pub mod outbound_voice_profile;
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
    );
    (r, d)
}
