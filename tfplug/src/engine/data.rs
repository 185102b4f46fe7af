//! Data sources and list resources.

use super::messages::*;
use super::{Engine, Listing, guard::run};
use crate::diag::{AttrPath, Diagnostic, Diagnostics};
use crate::plan;
use crate::provider::Provider;
use crate::types::Type;
use crate::validate::validate_config;
use crate::value::Value;

impl<P: Provider> Engine<P> {
    /// ValidateDataResourceConfig: attribute validators, then the data source's own checks.
    pub async fn validate_data_resource_config(&self, req: ValidateDataResourceConfigRequest) -> ValidateResponse {
        let tn = req.type_name.clone();
        run(
            "ValidateDataResourceConfig",
            &tn,
            async move {
                let e = self.data_source(&req.type_name)?;
                let config = decode(req.config.as_ref(), &e.ty, "configuration")?;
                let mut d = Diagnostics::new();
                validate_config(&e.schema.attributes, &config, &AttrPath::root(), &mut d);
                if !d.has_errors() {
                    d.extend(e.imp.validate(&config));
                }
                Ok(ValidateResponse { diagnostics: d })
            },
            |d| ValidateResponse { diagnostics: d },
        )
        .await
    }

    /// ReadDataSource: configured values echoed, computed ones from the data source's read.
    pub async fn read_data_source(&self, req: ReadDataSourceRequest) -> ReadDataSourceResponse {
        let tn = req.type_name.clone();
        run(
            "ReadDataSource",
            &tn,
            async move {
                let e = self.data_source(&req.type_name)?;
                let config = decode(req.config.as_ref(), &e.ty, "configuration")?;
                let client = self.client()?;
                let returned = e.imp.read(client, &self.ctx(), &config).await.map_err(|f| f.diags)?;
                // Configured values are echoed; computed ones come from the read.
                let expected = plan::plan(&e.schema.attributes, &Value::Null, &config, &config).state;
                let mut d = Diagnostics::new();
                let state = plan::reconcile(&e.schema.attributes, &expected, &returned, &mut d);
                Ok(ReadDataSourceResponse { state: Some(encode(&state, &e.ty, "data source result")?), diagnostics: d })
            },
            |d| ReadDataSourceResponse { diagnostics: d, ..Default::default() },
        )
        .await
    }

    /// ValidateListResourceConfig: the `config` block's validators, and a limit not negative.
    pub async fn validate_list_resource_config(&self, req: ValidateListResourceConfigRequest) -> ValidateResponse {
        let tn = req.type_name.clone();
        run(
            "ValidateListResourceConfig",
            &tn,
            async move {
                let Listing { e, schema, ty } = self.listing(&req.type_name)?;
                let config = decode(req.config.as_ref(), ty, "list configuration")?;
                let mut d = Diagnostics::new();
                validate_config(&schema.attributes, &config, &AttrPath::root(), &mut d);
                // Terraform (1.14) sends neither today; check them if it ever does.
                let limit = decode(req.limit.as_ref(), &Type::Number, "limit")?;
                if limit.as_number().is_some_and(|n| n.as_f64() < 0.0) {
                    d.error("Invalid limit", format!("The limit of a {} list must not be negative.", e.imp.type_name()));
                }
                decode(req.include_resource_object.as_ref(), &Type::Bool, "include_resource_object")?;
                Ok(ValidateResponse { diagnostics: d })
            },
            |d| ValidateResponse { diagnostics: d },
        )
        .await
    }

    /// ListResource: one event per object found, at most `limit`; a failure is one event
    /// carrying the diagnostics (Terraform stops at an error).
    pub async fn list_resource(&self, req: ListResourceRequest) -> Vec<ListEvent> {
        let tn = req.type_name.clone();
        run(
            "ListResource",
            &tn,
            async move {
                let Listing { e, ty, .. } = self.listing(&req.type_name)?;
                // No `config` block: null, every object.
                let config = decode(req.config.as_ref(), ty, "list configuration")?;
                let client = self.client()?;
                let limit = usize::try_from(req.limit.max(0)).unwrap_or(usize::MAX);
                let mut found =
                    if limit == 0 { Vec::new() } else { e.imp.list(client, &self.ctx(), &config, limit).await.map_err(|f| f.diags)? };
                found.truncate(limit);
                let mut events = Vec::with_capacity(found.len());
                for o in found {
                    let state = plan::as_stored(&e.schema.attributes, &o.state);
                    let identity = e.identity_of(&state)?.ok_or_else(|| {
                        Diagnostics::from(Diagnostic::error(
                            "Internal error: no identity",
                            format!("A listed {} has no identity. This is a bug in the provider.", e.imp.type_name()),
                        ))
                    })?;
                    events.push(ListEvent {
                        identity: Some(identity),
                        display_name: o.display_name,
                        resource_object: if req.include_resource_object { Some(encode(&state, &e.ty, "listed object")?) } else { None },
                        diagnostics: Diagnostics::new(),
                    });
                }
                Ok(events)
            },
            |d| vec![ListEvent { diagnostics: d, ..Default::default() }],
        )
        .await
    }
}
