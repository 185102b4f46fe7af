//! Actions (Terraform >= 1.14): ValidateActionConfig, PlanAction and InvokeAction, with their
//! request and response types.
//!
//! Terraform 1.14 (`internal/terraform/node_action_validate.go`,
//! `node_action_trigger_instance_plan.go`, `node_action_trigger_instance_apply.go`) validates
//! an `action` block's `config` in the validate walk (unknown values possible), plans each
//! triggered invocation with the configuration known so far (PlanAction; deferrals are never
//! allowed), and invokes it during apply with a wholly known configuration, printing each
//! progress event of the stream and ending the action with the diagnostics of the completed
//! event: warnings are shown, errors fail the apply.

use std::collections::BTreeMap;

use super::messages::{DynamicValue, ValidateResponse, decode};
use super::{Engine, Entry, guard::run};
use crate::diag::{AttrPath, Diagnostic, Diagnostics};
use crate::provider::{Action, Progress, Provider};
use crate::validate::validate_config;
use crate::value::Value;

/// ValidateActionConfig's request.
#[derive(Clone, Debug, Default)]
pub struct ValidateActionConfigRequest {
    /// The action type.
    pub type_name: String,
    /// The `config` block; may hold unknown values.
    pub config: Option<DynamicValue>,
}

/// PlanAction's request.
#[derive(Clone, Debug, Default)]
pub struct PlanActionRequest {
    /// The action type.
    pub action_type: String,
    /// The `config` block as known at plan; may hold unknown values.
    pub config: Option<DynamicValue>,
}

/// PlanAction's answer.
#[derive(Clone, Debug, Default)]
pub struct PlanActionResponse {
    /// Errors (the plan fails) and warnings.
    pub diagnostics: Diagnostics,
}

/// InvokeAction's request.
#[derive(Clone, Debug, Default)]
pub struct InvokeActionRequest {
    /// The action type.
    pub action_type: String,
    /// The `config` block, wholly known.
    pub config: Option<DynamicValue>,
}

/// InvokeAction's completion (its progress went to the [`Progress`] given).
#[derive(Clone, Debug, Default)]
pub struct InvokeActionResponse {
    /// Errors (the apply fails) and warnings.
    pub diagnostics: Diagnostics,
}

/// The provider's action types by name, each with its `config` schema and type.
pub(super) fn catalog<P: Provider>(provider: &P) -> BTreeMap<&'static str, Entry<dyn Action<P::Client>>> {
    provider
        .actions()
        .into_iter()
        .map(|a| {
            let schema = a.schema();
            let ty = schema.ty();
            (a.type_name(), Entry { imp: a, schema, ty, identity: None, list: None })
        })
        .collect()
}

impl<P: Provider> Engine<P> {
    fn action(&self, name: &str) -> Result<&Entry<dyn Action<P::Client>>, Diagnostics> {
        self.catalog()
            .actions
            .get(name)
            .ok_or_else(|| Diagnostic::error("Unknown action type", format!("This provider has no action type {name:?}.")).into())
    }

    /// The object type of an action type's `config` block, `None` for a type the provider lacks.
    pub fn action_type(&self, name: &str) -> Option<&crate::types::Type> {
        self.catalog().actions.get(name).map(|e| &e.ty)
    }

    /// The configuration decoded and checked: attribute validators, then the type's own
    /// checks (when the rest passed). Unknown values pass. No API call.
    fn checked_action_config(&self, name: &str, config: Option<&DynamicValue>) -> Result<(Value, Diagnostics), Diagnostics> {
        let e = self.action(name)?;
        let config = decode(config, &e.ty, "action configuration")?;
        if config.is_null() {
            return Err(Diagnostic::error("Malformed request", "The action configuration is missing.").into());
        }
        let mut d = Diagnostics::new();
        validate_config(&e.schema.attributes, &config, &AttrPath::root(), &mut d);
        if !d.has_errors() {
            d.extend(e.imp.validate(&config));
        }
        Ok((config, d))
    }

    /// ValidateActionConfig: the configuration checked, unknown values allowed.
    pub async fn validate_action_config(&self, req: ValidateActionConfigRequest) -> ValidateResponse {
        let tn = req.type_name.clone();
        run(
            "ValidateActionConfig",
            &tn,
            async move {
                let (_, diagnostics) = self.checked_action_config(&req.type_name, req.config.as_ref())?;
                Ok(ValidateResponse { diagnostics })
            },
            |d| ValidateResponse { diagnostics: d },
        )
        .await
    }

    /// PlanAction: the configuration checked again with what is known at plan (values from
    /// resources still to be created stay unknown). Nothing is called.
    pub async fn plan_action(&self, req: PlanActionRequest) -> PlanActionResponse {
        let tn = req.action_type.clone();
        run(
            "PlanAction",
            &tn,
            async move {
                let (_, diagnostics) = self.checked_action_config(&req.action_type, req.config.as_ref())?;
                Ok(PlanActionResponse { diagnostics })
            },
            |d| PlanActionResponse { diagnostics: d },
        )
        .await
    }

    /// InvokeAction: the type's `invoke` on a wholly known, valid configuration, its progress
    /// messages handed to `progress` as they come; the answer completes the invocation.
    pub async fn invoke_action(&self, req: InvokeActionRequest, progress: Progress) -> InvokeActionResponse {
        let tn = req.action_type.clone();
        run(
            "InvokeAction",
            &tn,
            async move {
                let (config, mut d) = self.checked_action_config(&req.action_type, req.config.as_ref())?;
                if !config.is_wholly_known() {
                    d.error(
                        "Action configuration unknown",
                        format!(
                            "{} was invoked with values not known yet; Terraform invokes actions only with known values.",
                            req.action_type
                        ),
                    );
                }
                if d.has_errors() {
                    return Err(d);
                }
                let e = self.action(&req.action_type)?;
                let client = self.client()?;
                let done = e.imp.invoke(client, &self.ctx(), &config, &progress).await.map_err(|f| f.diags)?;
                d.extend(done);
                Ok(InvokeActionResponse { diagnostics: d })
            },
            |d| InvokeActionResponse { diagnostics: d },
        )
        .await
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::*;
    use crate::diag::{Failure, Step};
    use crate::provider::Ctx;
    use crate::schema::{Schema, string};
    use crate::types::Type;

    use super::super::Calls;

    struct P;
    struct Ping;

    #[async_trait::async_trait]
    impl Provider for P {
        type Client = Calls;
        fn schema(&self) -> Schema {
            Schema::new("p")
        }
        async fn configure(&self, _: &Value, _: &str) -> Result<Calls, Diagnostics> {
            Ok(Calls::default())
        }
        fn actions(&self) -> Vec<Arc<dyn Action<Calls>>> {
            vec![Arc::new(Ping)]
        }
    }

    /// `test_ping`: `host` (1 to 10 characters, not `nobody`); `mode` `ok`, `warn`, `fail` or
    /// `panic`.
    #[async_trait::async_trait]
    impl Action<Calls> for Ping {
        fn type_name(&self) -> &'static str {
            "test_ping"
        }
        fn schema(&self) -> Schema {
            Schema::new("ping").attr(string("host").required().length(1, 10).desc("h")).attr(string("mode").optional().desc("m"))
        }
        fn validate(&self, config: &Value) -> Diagnostics {
            let mut d = Diagnostics::new();
            if config.get("host").as_str() == Some("nobody") {
                d.push(Diagnostic::error("No host", "nobody").at(AttrPath::attr("host")));
            }
            d
        }
        async fn invoke(&self, c: &Calls, _: &Ctx, config: &Value, progress: &Progress) -> Result<Diagnostics, Failure> {
            let host = config.get("host").as_str().unwrap_or_default();
            c.push(format!("invoke {host}"));
            progress.report(format!("pinging {host}"));
            match config.get("mode").as_str() {
                Some("warn") => Ok(Diagnostic::warning("Slow", host).into()),
                Some("fail") => Err(Diagnostic::error("Unreachable", host).into()),
                Some("panic") => panic!("boom"),
                _ => {
                    progress.report("pong");
                    Ok(Diagnostics::new())
                }
            }
        }
    }

    fn ty() -> Type {
        Ping.schema().ty()
    }

    fn config(host: Value, mode: &str) -> Option<DynamicValue> {
        let mut v = Value::null_object(&ty());
        v.set("host", host);
        v.set("mode", Value::string(mode));
        Some(DynamicValue::from_value(&v, &ty()).unwrap_or_default())
    }

    async fn configured() -> Engine<P> {
        let e = Engine::new(P);
        let r = e.configure(crate::engine::ConfigureProviderRequest { config: None, terraform_version: "1.14.0".into() }).await;
        assert!(r.diagnostics.is_empty(), "{}", r.diagnostics);
        e
    }

    fn calls(e: &Engine<P>) -> Vec<String> {
        e.client().map(Calls::all).unwrap_or_default()
    }

    /// Invokes, collecting the progress messages.
    async fn invoke(e: &Engine<P>, type_name: &str, config: Option<DynamicValue>) -> (Vec<String>, Diagnostics) {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&seen);
        let progress = Progress::new(move |m| sink.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(m));
        let r = e.invoke_action(InvokeActionRequest { action_type: type_name.into(), config }, progress).await;
        let seen = seen.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone();
        (seen, r.diagnostics)
    }

    fn summaries(d: &Diagnostics) -> Vec<String> {
        d.iter().map(|d| d.summary.clone()).collect()
    }

    #[tokio::test]
    async fn metadata_and_schema_list_the_type() {
        let e = Engine::new(P);
        assert_eq!(e.metadata().await.actions, vec!["test_ping".to_string()]);
        let s = e.provider_schema().await;
        assert!(s.actions.contains_key("test_ping"));
        assert!(s.resources.is_empty() && s.data_sources.is_empty());
        assert_eq!(e.action_type("test_ping"), Some(&ty()));
        assert_eq!(e.action_type("test_nope"), None);
    }

    #[tokio::test]
    async fn validation_and_plan_name_the_attribute_and_call_nothing() {
        let e = configured().await;
        for (host, summary) in [("far-too-long-a-host", None), ("nobody", Some("No host"))] {
            let v = e
                .validate_action_config(ValidateActionConfigRequest {
                    type_name: "test_ping".into(),
                    config: config(Value::string(host), "ok"),
                })
                .await;
            let p = e.plan_action(PlanActionRequest { action_type: "test_ping".into(), config: config(Value::string(host), "ok") }).await;
            for d in [v.diagnostics, p.diagnostics] {
                assert!(d.has_errors(), "{host}");
                let first = d.iter().next().map(|d| (d.summary.clone(), d.path.clone())).unwrap_or_default();
                if let Some(s) = summary {
                    assert_eq!(first.0, s);
                }
                assert_eq!(first.1.map(|p| p.0), Some(vec![Step::Attr("host".into())]));
            }
        }
        // Unknown values pass at validation and plan.
        let v = e
            .validate_action_config(ValidateActionConfigRequest { type_name: "test_ping".into(), config: config(Value::unknown(), "ok") })
            .await;
        assert!(v.diagnostics.is_empty(), "{}", v.diagnostics);
        let p = e.plan_action(PlanActionRequest { action_type: "test_ping".into(), config: config(Value::unknown(), "ok") }).await;
        assert!(p.diagnostics.is_empty(), "{}", p.diagnostics);
        assert!(calls(&e).is_empty());
    }

    #[tokio::test]
    async fn invoke_reports_progress_then_completes() {
        let e = configured().await;
        let (progress, d) = invoke(&e, "test_ping", config(Value::string("a"), "ok")).await;
        assert!(d.is_empty(), "{d}");
        assert_eq!(progress, ["pinging a", "pong"]);
        let (progress, d) = invoke(&e, "test_ping", config(Value::string("b"), "warn")).await;
        assert_eq!((progress, summaries(&d), d.has_errors()), (vec!["pinging b".to_string()], vec!["Slow".to_string()], false));
        let (_, d) = invoke(&e, "test_ping", config(Value::string("c"), "fail")).await;
        assert_eq!((summaries(&d), d.has_errors()), (vec!["Unreachable".to_string()], true));
        let (_, d) = invoke(&e, "test_ping", config(Value::string("d"), "panic")).await;
        assert_eq!(summaries(&d), ["Internal error in the provider"]);
        assert_eq!(calls(&e), ["invoke a", "invoke b", "invoke c", "invoke d"]);
    }

    #[tokio::test]
    async fn malformed_or_invalid_requests_are_diagnostics_and_never_invoke() {
        let e = configured().await;
        let garbage = Some(DynamicValue { msgpack: vec![0xc1, 0xff, 0x00], json: Vec::new() });
        let wrong_shape = Some(DynamicValue::from_value(&Value::string("x"), &Type::String).unwrap_or_default());
        for (type_name, cfg, want) in [
            ("test_nope", config(Value::string("a"), "ok"), "Unknown action type"),
            ("test_ping", garbage, "Malformed request"),
            ("test_ping", wrong_shape, "Malformed request"),
            ("test_ping", None, "Malformed request"),
            ("test_ping", config(Value::unknown(), "ok"), "Action configuration unknown"),
            ("test_ping", config(Value::string("nobody"), "ok"), "No host"),
        ] {
            let (progress, d) = invoke(&e, type_name, cfg.clone()).await;
            assert_eq!(summaries(&d), [want], "{type_name}");
            assert!(progress.is_empty());
            if want != "Action configuration unknown" && want != "No host" {
                let v = e.validate_action_config(ValidateActionConfigRequest { type_name: type_name.into(), config: cfg.clone() }).await;
                assert_eq!(summaries(&v.diagnostics), [want]);
                let p = e.plan_action(PlanActionRequest { action_type: type_name.into(), config: cfg }).await;
                assert_eq!(summaries(&p.diagnostics), [want]);
            }
        }
        assert!(calls(&e).is_empty());
        // Not configured: no client, no call.
        let e = Engine::new(P);
        let (_, d) = invoke(&e, "test_ping", config(Value::string("a"), "ok")).await;
        assert_eq!(summaries(&d), ["Provider not configured"]);
    }
}
