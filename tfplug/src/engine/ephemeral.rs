//! Ephemeral resources (Terraform >= 1.10, OpenTofu >= 1.11): ValidateEphemeralResourceConfig,
//! OpenEphemeralResource, RenewEphemeralResource and CloseEphemeralResource, with their
//! request and response types. A result is a secret: it is encoded for Terraform and never
//! logged, printed or kept here.

use std::collections::BTreeMap;
use std::time::SystemTime;

use super::messages::{DynamicValue, ValidateResponse, decode, encode};
use super::{Engine, Entry, guard::run};
use crate::diag::{AttrPath, Diagnostic, Diagnostics};
use crate::plan;
use crate::provider::{EphemeralResource, Provider};
use crate::validate::validate_config;
use crate::value::Value;

/// ValidateEphemeralResourceConfig's request.
#[derive(Clone, Debug, Default)]
pub struct ValidateEphemeralResourceConfigRequest {
    /// The ephemeral resource type.
    pub type_name: String,
    /// The block's configuration; may hold unknown values.
    pub config: Option<DynamicValue>,
}

/// OpenEphemeralResource's request.
#[derive(Clone, Debug, Default)]
pub struct OpenEphemeralResourceRequest {
    /// The ephemeral resource type.
    pub type_name: String,
    /// The block's configuration, wholly known (Terraform does not open one that is not).
    pub config: Option<DynamicValue>,
}

/// OpenEphemeralResource's answer.
#[derive(Clone, Default)]
pub struct OpenEphemeralResourceResponse {
    /// The result, encoded against the schema; `None` after an error.
    pub result: Option<DynamicValue>,
    /// When Terraform should renew it; `None`: never.
    pub renew_at: Option<SystemTime>,
    /// Bytes Terraform hands back to renew and close.
    pub private: Option<Vec<u8>>,
    /// Errors and warnings.
    pub diagnostics: Diagnostics,
}

impl std::fmt::Debug for OpenEphemeralResourceResponse {
    /// The result and private bytes are secrets: never printed.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OpenEphemeralResourceResponse")
            .field("renew_at", &self.renew_at)
            .field("diagnostics", &self.diagnostics)
            .finish_non_exhaustive()
    }
}

/// RenewEphemeralResource's and CloseEphemeralResource's request.
#[derive(Clone, Default)]
pub struct EphemeralPrivateRequest {
    /// The ephemeral resource type.
    pub type_name: String,
    /// The private bytes of the last open or renew.
    pub private: Option<Vec<u8>>,
}

impl std::fmt::Debug for EphemeralPrivateRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EphemeralPrivateRequest").field("type_name", &self.type_name).finish_non_exhaustive()
    }
}

/// RenewEphemeralResource's answer.
#[derive(Clone, Default)]
pub struct RenewEphemeralResourceResponse {
    /// The next renewal; `None`: no more.
    pub renew_at: Option<SystemTime>,
    /// The private bytes from now on.
    pub private: Option<Vec<u8>>,
    /// Errors and warnings.
    pub diagnostics: Diagnostics,
}

impl std::fmt::Debug for RenewEphemeralResourceResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RenewEphemeralResourceResponse")
            .field("renew_at", &self.renew_at)
            .field("diagnostics", &self.diagnostics)
            .finish_non_exhaustive()
    }
}

/// CloseEphemeralResource's answer.
#[derive(Clone, Debug, Default)]
pub struct CloseEphemeralResourceResponse {
    /// Errors and warnings.
    pub diagnostics: Diagnostics,
}

/// The provider's ephemeral resource types by name, each with its schema and type.
pub(super) fn catalog<P: Provider>(provider: &P) -> BTreeMap<&'static str, Entry<dyn EphemeralResource<P::Client>>> {
    provider
        .ephemeral_resources()
        .into_iter()
        .map(|r| {
            let schema = r.schema();
            let ty = schema.ty();
            (r.type_name(), Entry { imp: r, schema, ty, identity: None, list: None })
        })
        .collect()
}

impl<P: Provider> Engine<P> {
    fn ephemeral(&self, name: &str) -> Result<&Entry<dyn EphemeralResource<P::Client>>, Diagnostics> {
        self.catalog().ephemerals.get(name).ok_or_else(|| {
            Diagnostic::error("Unknown ephemeral resource type", format!("This provider has no ephemeral resource type {name:?}.")).into()
        })
    }

    /// The object type of an ephemeral resource type's result, `None` for a type the provider
    /// lacks.
    pub fn ephemeral_resource_type(&self, name: &str) -> Option<&crate::types::Type> {
        self.catalog().ephemerals.get(name).map(|e| &e.ty)
    }

    /// ValidateEphemeralResourceConfig: attribute validators, then the type's own checks (when
    /// the rest passed). No API call.
    pub async fn validate_ephemeral_resource_config(&self, req: ValidateEphemeralResourceConfigRequest) -> ValidateResponse {
        let tn = req.type_name.clone();
        run(
            "ValidateEphemeralResourceConfig",
            &tn,
            async move {
                let e = self.ephemeral(&req.type_name)?;
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

    /// OpenEphemeralResource: the type's `open`, its result with configured values echoed and
    /// checked against the schema (Terraform refuses a result that differs from the
    /// configuration). A configuration with unknown values is not opened: its result is the
    /// configuration with every computed value unknown, as Terraform itself plans one.
    pub async fn open_ephemeral_resource(&self, req: OpenEphemeralResourceRequest) -> OpenEphemeralResourceResponse {
        let tn = req.type_name.clone();
        run(
            "OpenEphemeralResource",
            &tn,
            async move {
                let e = self.ephemeral(&req.type_name)?;
                let config = decode(req.config.as_ref(), &e.ty, "configuration")?;
                let expected = plan::plan(&e.schema.attributes, &Value::Null, &config, &config).state;
                if !config.is_wholly_known() {
                    let result = Some(encode(&expected, &e.ty, "ephemeral result")?);
                    return Ok(OpenEphemeralResourceResponse { result, ..Default::default() });
                }
                let mut d = Diagnostics::new();
                validate_config(&e.schema.attributes, &config, &AttrPath::root(), &mut d);
                if d.has_errors() {
                    return Err(d);
                }
                let client = self.client()?;
                let opened = e.imp.open(client, &self.ctx(), &config).await.map_err(|f| f.diags)?;
                // Configured values stay as configured (Terraform refuses a result that changes
                // them); the warnings reconcile would give show values, so they are dropped.
                let result = plan::reconcile(&e.schema.attributes, &expected, &opened.result, &mut Diagnostics::new());
                if !result.is_wholly_known() {
                    d.error(
                        "Internal error: unknown ephemeral result",
                        format!("{} returned a result with unknown values. This is a bug in the provider.", req.type_name),
                    );
                    return Err(d);
                }
                let result = Some(encode(&result, &e.ty, "ephemeral result")?);
                Ok(OpenEphemeralResourceResponse { result, renew_at: opened.renew_at, private: opened.private, diagnostics: d })
            },
            |d| OpenEphemeralResourceResponse { diagnostics: d, ..Default::default() },
        )
        .await
    }

    /// RenewEphemeralResource: the type's `renew` with the private bytes of the last open or
    /// renew.
    pub async fn renew_ephemeral_resource(&self, req: EphemeralPrivateRequest) -> RenewEphemeralResourceResponse {
        let tn = req.type_name.clone();
        run(
            "RenewEphemeralResource",
            &tn,
            async move {
                let e = self.ephemeral(&req.type_name)?;
                let client = self.client()?;
                let r = e.imp.renew(client, &self.ctx(), req.private.as_deref()).await.map_err(|f| f.diags)?;
                Ok(RenewEphemeralResourceResponse { renew_at: r.renew_at, private: r.private, diagnostics: Diagnostics::new() })
            },
            |d| RenewEphemeralResourceResponse { diagnostics: d, ..Default::default() },
        )
        .await
    }

    /// CloseEphemeralResource: the type's `close` with the private bytes of the last open or
    /// renew.
    pub async fn close_ephemeral_resource(&self, req: EphemeralPrivateRequest) -> CloseEphemeralResourceResponse {
        let tn = req.type_name.clone();
        run(
            "CloseEphemeralResource",
            &tn,
            async move {
                let e = self.ephemeral(&req.type_name)?;
                let client = self.client()?;
                e.imp.close(client, &self.ctx(), req.private.as_deref()).await.map_err(|f| f.diags)?;
                Ok(CloseEphemeralResourceResponse::default())
            },
            |d| CloseEphemeralResourceResponse { diagnostics: d },
        )
        .await
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::time::{Duration, SystemTime};

    use super::*;
    use crate::diag::{Failure, Step};
    use crate::provider::{Ctx, Opened, Renewed};
    use crate::schema::{Schema, int, string};
    use crate::types::Type;

    use super::super::Calls;

    struct P;
    struct Token;

    #[async_trait::async_trait]
    impl Provider for P {
        type Client = Calls;
        fn schema(&self) -> Schema {
            Schema::new("p")
        }
        async fn configure(&self, _: &Value, _: &str) -> Result<Calls, Diagnostics> {
            Ok(Calls::default())
        }
        fn ephemeral_resources(&self) -> Vec<Arc<dyn EphemeralResource<Calls>>> {
            vec![Arc::new(Token)]
        }
    }

    const SECRET: &str = "s3cr3t-token";

    /// `test_token`: `subject` (1 to 10 characters) → `token` (sensitive), renewed every minute.
    #[async_trait::async_trait]
    impl EphemeralResource<Calls> for Token {
        fn type_name(&self) -> &'static str {
            "test_token"
        }
        fn schema(&self) -> Schema {
            Schema::new("t")
                .attr(string("subject").required().length(1, 10).desc("s"))
                .attr(int("ttl").optional().desc("t"))
                .attr(string("token").computed().sensitive().desc("k"))
        }
        fn validate(&self, config: &Value) -> Diagnostics {
            let mut d = Diagnostics::new();
            if config.get("subject").as_str() == Some("nobody") {
                d.push(Diagnostic::error("No subject", "nobody").at(AttrPath::attr("subject")));
            }
            d
        }
        async fn open(&self, c: &Calls, _: &Ctx, config: &Value) -> Result<Opened, Failure> {
            c.push(format!("open {}", config.get("subject").as_str().unwrap_or_default()));
            // A provider echoing a configured value wrongly: tfplug keeps the configured one.
            let mut result = config.clone();
            result.set("subject", Value::string("other"));
            result.set("token", Value::string(SECRET));
            Ok(Opened { result, renew_at: Some(SystemTime::now() + Duration::from_secs(60)), private: Some(b"lease-1".to_vec()) })
        }
        async fn renew(&self, c: &Calls, _: &Ctx, private: Option<&[u8]>) -> Result<Renewed, Failure> {
            c.push(format!("renew {}", String::from_utf8_lossy(private.unwrap_or_default())));
            Ok(Renewed { renew_at: None, private: Some(b"lease-2".to_vec()) })
        }
        async fn close(&self, c: &Calls, _: &Ctx, private: Option<&[u8]>) -> Result<(), Failure> {
            c.push(format!("close {}", String::from_utf8_lossy(private.unwrap_or_default())));
            Ok(())
        }
    }

    fn ty() -> Type {
        Token.schema().ty()
    }

    fn config(subject: Value) -> Option<DynamicValue> {
        let mut v = Value::null_object(&ty());
        v.set("subject", subject);
        Some(DynamicValue::from_value(&v, &ty()).unwrap_or_default())
    }

    async fn configured() -> Engine<P> {
        let e = Engine::new(P);
        let r = e.configure(crate::engine::ConfigureProviderRequest { config: None, terraform_version: "1.11.4".into() }).await;
        assert!(r.diagnostics.is_empty(), "{}", r.diagnostics);
        e
    }

    fn calls(e: &Engine<P>) -> Vec<String> {
        e.client().map(Calls::all).unwrap_or_default()
    }

    #[tokio::test]
    async fn metadata_and_schema_list_the_type() {
        let e = Engine::new(P);
        assert_eq!(e.metadata().await.ephemeral_resources, vec!["test_token".to_string()]);
        let s = e.provider_schema().await;
        assert!(s.ephemeral_resources.contains_key("test_token"));
        assert!(s.resources.is_empty());
        assert_eq!(e.ephemeral_resource_type("test_token"), Some(&ty()));
    }

    #[tokio::test]
    async fn validation_names_the_attribute_and_calls_nothing() {
        let e = configured().await;
        for (subject, summary) in [("far-too-long-a-subject", None), ("nobody", Some("No subject"))] {
            let r = e
                .validate_ephemeral_resource_config(ValidateEphemeralResourceConfigRequest {
                    type_name: "test_token".into(),
                    config: config(Value::string(subject)),
                })
                .await;
            assert!(r.diagnostics.has_errors(), "{subject}");
            let d = r.diagnostics.iter().next().map(|d| (d.summary.clone(), d.path.clone()));
            let (got, path) = d.unwrap_or_default();
            if let Some(s) = summary {
                assert_eq!(got, s);
            }
            assert_eq!(path.map(|p| p.0), Some(vec![Step::Attr("subject".into())]));
        }
        // Unknown values pass (terraform validate sends them).
        let r = e
            .validate_ephemeral_resource_config(ValidateEphemeralResourceConfigRequest {
                type_name: "test_token".into(),
                config: config(Value::unknown()),
            })
            .await;
        assert!(r.diagnostics.is_empty(), "{}", r.diagnostics);
        assert!(calls(&e).is_empty());
    }

    #[tokio::test]
    async fn open_renew_close() {
        let e = configured().await;
        let r = e
            .open_ephemeral_resource(OpenEphemeralResourceRequest {
                type_name: "test_token".into(),
                config: config(Value::string("alice")),
            })
            .await;
        assert!(r.diagnostics.is_empty(), "{}", r.diagnostics);
        let result = r.result.as_ref().map(|d| d.to_value(&ty())).transpose().ok().flatten().unwrap_or_default();
        // The configured value is kept; the computed one comes from open.
        assert_eq!(result.get("subject").as_str(), Some("alice"));
        assert_eq!(result.get("token").as_str(), Some(SECRET));
        assert!(result.get("ttl").is_null());
        assert!(r.renew_at.is_some_and(|t| t > SystemTime::now()));
        assert_eq!(r.private.as_deref(), Some(&b"lease-1"[..]));
        // Nothing prints the result.
        assert!(!format!("{r:?}").contains(SECRET));

        let r = e
            .renew_ephemeral_resource(EphemeralPrivateRequest { type_name: "test_token".into(), private: Some(b"lease-1".to_vec()) })
            .await;
        assert!(r.diagnostics.is_empty(), "{}", r.diagnostics);
        assert_eq!((r.renew_at, r.private.as_deref()), (None, Some(&b"lease-2"[..])));
        let r = e.close_ephemeral_resource(EphemeralPrivateRequest { type_name: "test_token".into(), private: r.private }).await;
        assert!(r.diagnostics.is_empty(), "{}", r.diagnostics);
        assert_eq!(calls(&e), ["open alice", "renew lease-1", "close lease-2"]);
    }

    #[tokio::test]
    async fn unknown_configuration_is_not_opened() {
        let e = configured().await;
        let r = e
            .open_ephemeral_resource(OpenEphemeralResourceRequest { type_name: "test_token".into(), config: config(Value::unknown()) })
            .await;
        assert!(r.diagnostics.is_empty(), "{}", r.diagnostics);
        let result = r.result.as_ref().map(|d| d.to_value(&ty())).transpose().ok().flatten().unwrap_or_default();
        assert!(matches!(result.get("token"), Value::Unknown(_)));
        assert!(r.private.is_none() && r.renew_at.is_none());
        assert!(calls(&e).is_empty());
    }

    #[tokio::test]
    async fn errors() {
        let e = Engine::new(P);
        let r = e
            .open_ephemeral_resource(OpenEphemeralResourceRequest {
                type_name: "test_token".into(),
                config: config(Value::string("alice")),
            })
            .await;
        assert_eq!(r.diagnostics.iter().map(|d| d.summary.as_str()).collect::<Vec<_>>(), ["Provider not configured"]);
        assert!(r.result.is_none());
        let e = configured().await;
        let r = e.open_ephemeral_resource(OpenEphemeralResourceRequest { type_name: "test_nope".into(), config: None }).await;
        assert_eq!(r.diagnostics.iter().map(|d| d.summary.as_str()).collect::<Vec<_>>(), ["Unknown ephemeral resource type"]);
        let r = e.close_ephemeral_resource(EphemeralPrivateRequest { type_name: "test_nope".into(), private: None }).await;
        assert!(r.diagnostics.has_errors());
        // Open validates too: an invalid configuration is never opened.
        let r = e
            .open_ephemeral_resource(OpenEphemeralResourceRequest {
                type_name: "test_token".into(),
                config: config(Value::string("far-too-long-a-subject")),
            })
            .await;
        assert!(r.diagnostics.has_errors() && r.result.is_none());
        assert!(calls(&e).is_empty());
    }
}
