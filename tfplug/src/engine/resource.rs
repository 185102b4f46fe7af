//! Managed resources: validation, upgrades, read, plan, apply, import, generated configuration.

use super::messages::*;
use super::upgrade::{check_state_version, upgrade_identity_json, upgrade_json_state};
use super::{Engine, guard::run};
use crate::diag::{AttrPath, Diagnostic, Diagnostics, Failure};
use crate::plan::{self, Planned};
use crate::provider::{Ctx, PlanRequest, Provider};
use crate::validate::validate_config;
use crate::value::Value;

/// Splits a failure into its diagnostics and the state to record.
fn split(f: Failure) -> (Diagnostics, Option<Value>) {
    (f.diags, f.partial_state)
}

impl<P: Provider> Engine<P> {
    /// ValidateResourceConfig: attribute validators, write-only attributes refused to a client
    /// that does not know them, then the resource's own checks (when the rest passed).
    pub async fn validate_resource_config(&self, req: ValidateResourceConfigRequest) -> ValidateResponse {
        let tn = req.type_name.clone();
        run(
            "ValidateResourceConfig",
            &tn,
            async move {
                let e = self.resource(&req.type_name)?;
                let config = decode(req.config.as_ref(), &e.ty, "configuration")?;
                let mut d = Diagnostics::new();
                validate_config(&e.schema.attributes, &config, &AttrPath::root(), &mut d);
                // A client that does not know write-only attributes (Terraform < 1.11, OpenTofu
                // < 1.11: no client capability) would plan and store the value like any other.
                if !req.write_only_allowed {
                    d.extend(plan::write_only_refused(&e.schema.attributes, &config, &AttrPath::root()));
                }
                if !d.has_errors() {
                    d.extend(e.imp.validate(&config));
                }
                Ok(ValidateResponse { diagnostics: d })
            },
            |d| ValidateResponse { diagnostics: d },
        )
        .await
    }

    /// UpgradeResourceState: JSON state of this or an older schema version, in the current one.
    pub async fn upgrade_resource_state(&self, req: UpgradeResourceStateRequest) -> UpgradeResourceStateResponse {
        let tn = req.type_name.clone();
        run(
            "UpgradeResourceState",
            &tn,
            async move {
                let e = self.resource(&req.type_name)?;
                check_state_version(&*e.imp, &e.schema, req.version)?;
                if req.json.is_empty() {
                    if !req.flatmap.is_empty() {
                        return Err(Diagnostic::error(
                            "Unsupported state format",
                            "This state uses the flatmap format of Terraform 0.11 and earlier, which this provider never wrote.",
                        )
                        .into());
                    }
                    let upgraded_state = Some(encode(&Value::Null, &e.ty, "state")?);
                    return Ok(UpgradeResourceStateResponse { upgraded_state, diagnostics: Diagnostics::new() });
                }
                let v = upgrade_json_state(&*e.imp, &e.schema, &e.ty, req.version, &req.json)?;
                let upgraded_state = Some(encode(&v, &e.ty, "state")?);
                Ok(UpgradeResourceStateResponse { upgraded_state, diagnostics: Diagnostics::new() })
            },
            |d| UpgradeResourceStateResponse { diagnostics: d, ..Default::default() },
        )
        .await
    }

    /// UpgradeResourceIdentity: a stored identity in the current identity schema.
    pub async fn upgrade_resource_identity(&self, req: UpgradeResourceIdentityRequest) -> UpgradeResourceIdentityResponse {
        let tn = req.type_name.clone();
        run(
            "UpgradeResourceIdentity",
            &tn,
            async move {
                let e = self.resource(&req.type_name)?;
                let Some((ident, ty)) = &e.identity else {
                    return Err(Diagnostic::error("No resource identity", format!("{} has no resource identity.", req.type_name)).into());
                };
                let v = upgrade_identity_json(ident, ty, req.version, &req.json)?;
                Ok(UpgradeResourceIdentityResponse {
                    upgraded_identity: Some(encode(&v, ty, "identity")?),
                    diagnostics: Diagnostics::new(),
                })
            },
            |d| UpgradeResourceIdentityResponse { diagnostics: d, ..Default::default() },
        )
        .await
    }

    /// ReadResource: the object as it is now, null when gone. The state stays as it is when
    /// there is nothing to read or no client yet (configuration unknown during plan); after a
    /// failed read, the failure's partial state or the current one.
    pub async fn read_resource(&self, req: ReadResourceRequest) -> ReadResourceResponse {
        let tn = req.type_name.clone();
        let private = req.private.clone();
        run(
            "ReadResource",
            &tn,
            async move {
                let e = self.resource(&req.type_name)?;
                let current = decode(req.current_state.as_ref(), &e.ty, "current state")?;
                let held = e.decode_identity(req.current_identity.as_ref())?;
                if current.is_null() || self.config_is_unknown() {
                    return Ok(ReadResourceResponse {
                        new_identity: e.identity_of(&current)?,
                        new_state: req.current_state,
                        private: req.private,
                        diagnostics: Diagnostics::new(),
                    });
                }
                let client = self.client()?;
                let (new_state, mut d) = match e.imp.read(client, &self.ctx(), &current).await {
                    Ok(Some(v)) => (plan::as_stored(&e.schema.attributes, &v), Diagnostics::new()),
                    Ok(None) => (Value::Null, Diagnostics::new()),
                    Err(f) => {
                        let (d, partial) = split(f);
                        (partial.unwrap_or(current), d)
                    }
                };
                d.extend(e.check_state_identity(&held, &new_state));
                Ok(ReadResourceResponse {
                    new_state: Some(encode(&new_state, &e.ty, "new state")?),
                    new_identity: e.identity_of(&new_state)?,
                    private: req.private,
                    diagnostics: d,
                })
            },
            |d| ReadResourceResponse { diagnostics: d, private, ..Default::default() },
        )
        .await
    }

    /// PlanResourceChange: the generic planner, the resource's hook, Terraform's rules checked
    /// on the result, replace paths sorted, and an update's identity kept.
    pub async fn plan_resource_change(&self, req: PlanResourceChangeRequest) -> PlanResourceChangeResponse {
        let tn = req.type_name.clone();
        run(
            "PlanResourceChange",
            &tn,
            async move {
                let e = self.resource(&req.type_name)?;
                let prior = decode(req.prior_state.as_ref(), &e.ty, "prior state")?;
                let proposed = decode(req.proposed_new_state.as_ref(), &e.ty, "proposed new state")?;
                let config = decode(req.config.as_ref(), &e.ty, "configuration")?;
                let held = e.decode_identity(req.prior_identity.as_ref())?;
                let mut planned: Planned = plan::plan(&e.schema.attributes, &prior, &config, &proposed);
                let mut d = Diagnostics::new();
                if !planned.state.is_null() {
                    d.extend(e.imp.modify_plan(&PlanRequest { prior: &prior, config: &config }, &mut planned));
                    let errs = plan::check_plan(&e.schema.attributes, &prior, &config, &planned.state);
                    if !errs.is_empty() {
                        d.error(
                            "Internal error: invalid plan",
                            format!(
                                "The provider built a plan Terraform would reject ({}). This is a bug in the provider.",
                                errs.join("; ")
                            ),
                        );
                    }
                }
                if !d.has_errors() && !planned.state.is_null() && !self.config_is_unknown() {
                    if let Ok(client) = self.client() {
                        let ctx = Ctx { config: config.clone(), ..self.ctx() };
                        d.extend(e.imp.check_planned(client, &ctx, &prior, &planned.state).await);
                    }
                }
                if d.has_errors() {
                    return Err(d);
                }
                planned.requires_replace.sort();
                planned.requires_replace.dedup();
                // An update keeps the object's identity (known: Terraform requires it); a
                // create or replacement plans it with what is unknown until apply.
                let planned_identity = e.identity_of(&planned.state)?;
                if !prior.is_null() && planned.requires_replace.is_empty() {
                    let kept = e.check_state_identity(&held, &planned.state);
                    if kept.has_errors() {
                        return Err(kept);
                    }
                }
                Ok(PlanResourceChangeResponse {
                    planned_state: Some(encode(&planned.state, &e.ty, "planned state")?),
                    requires_replace: planned.requires_replace,
                    planned_private: req.prior_private,
                    planned_identity,
                    diagnostics: d,
                })
            },
            |d| PlanResourceChangeResponse { diagnostics: d, ..Default::default() },
        )
        .await
    }

    /// ApplyResourceChange: create, update or delete, then the returned state reconciled with
    /// the plan. An object that exists remotely is never lost: a failure records the partial
    /// state it carries, else the prior state; a request that fails before any state was
    /// produced (a panic, a malformed value) hands the prior state back verbatim.
    pub async fn apply_resource_change(&self, req: ApplyResourceChangeRequest) -> ApplyResourceChangeResponse {
        let tn = req.type_name.clone();
        // A missing new_state reads as null, and Terraform would forget an object that still exists.
        let prior_raw = req.prior_state.clone();
        let private_raw = req.planned_private.clone();
        run(
            "ApplyResourceChange",
            &tn,
            async move {
                let e = self.resource(&req.type_name)?;
                let prior = decode(req.prior_state.as_ref(), &e.ty, "prior state")?;
                let planned = decode(req.planned_state.as_ref(), &e.ty, "planned state")?;
                let client = self.client()?;
                // The configuration reaches create and update through the context: write-only
                // values are in it alone (planned and prior states hold them as null).
                let config = decode(req.config.as_ref(), &e.ty, "configuration")?;
                let ctx = Ctx { config, ..self.ctx() };
                let attrs = &e.schema.attributes;
                let mut d = Diagnostics::new();
                let new_state = if planned.is_null() {
                    match e.imp.delete(client, &ctx, &prior).await {
                        Ok(()) => Value::Null,
                        Err(f) => {
                            let (fd, partial) = split(f);
                            d.extend(fd);
                            partial.unwrap_or(prior)
                        }
                    }
                } else {
                    let result = if prior.is_null() {
                        e.imp.create(client, &ctx, &planned).await
                    } else {
                        e.imp.update(client, &ctx, &prior, &planned).await
                    };
                    match result {
                        Ok(v) => {
                            d.extend(ctx.warnings.take());
                            plan::reconcile(attrs, &planned, &v, &mut d)
                        }
                        Err(f) => {
                            let (fd, partial) = split(f);
                            d.extend(fd);
                            match partial {
                                // What the API holds, not the plan: Terraform checks no plan
                                // consistency when an apply fails (a failed create is tainted).
                                Some(v) => plan::strip_unknowns(&v),
                                // Nothing created: no state. A failed update keeps the prior state.
                                None => prior,
                            }
                        }
                    }
                };
                Ok(ApplyResourceChangeResponse {
                    new_state: Some(encode(&new_state, &e.ty, "new state")?),
                    private: req.planned_private,
                    new_identity: e.identity_of(&new_state)?,
                    diagnostics: d,
                })
            },
            |d| ApplyResourceChangeResponse {
                // The prior object's identity (none for a create): planned identities may hold
                // unknowns, which Terraform refuses after apply.
                new_identity: self.resource(&tn).ok().and_then(|e| {
                    let prior = decode(prior_raw.as_ref(), &e.ty, "prior state").ok()?;
                    e.identity_of(&prior).ok().flatten()
                }),
                new_state: prior_raw,
                private: private_raw,
                diagnostics: d,
            },
        )
        .await
    }

    /// ImportResourceState: by id, or by identity (Terraform >= 1.12 `import { identity = {...} }`,
    /// checked for every attribute required for import first).
    pub async fn import_resource_state(&self, req: ImportResourceStateRequest) -> ImportResourceStateResponse {
        let tn = req.type_name.clone();
        run(
            "ImportResourceState",
            &tn,
            async move {
                let e = self.resource(&req.type_name)?;
                let identity = e.decode_identity(req.identity.as_ref())?;
                let client = self.client()?;
                let state = if req.identity.is_some() {
                    let d = e.check_import_identity(&identity);
                    if d.has_errors() {
                        return Err(d);
                    }
                    e.imp.import_identity(client, &self.ctx(), &identity).await.map_err(|f| f.diags)?
                } else {
                    e.imp.import(client, &self.ctx(), &req.id).await.map_err(|f| f.diags)?
                };
                let state = plan::as_stored(&e.schema.attributes, &state);
                Ok(ImportResourceStateResponse {
                    imported: vec![ImportedResource {
                        type_name: req.type_name.clone(),
                        state: Some(encode(&state, &e.ty, "imported state")?),
                        identity: e.identity_of(&state)?,
                    }],
                    diagnostics: Diagnostics::new(),
                })
            },
            |d| ImportResourceStateResponse { diagnostics: d, ..Default::default() },
        )
        .await
    }

    /// GenerateResourceConfig: the resource's configuration for a known state.
    pub async fn generate_resource_config(&self, req: GenerateResourceConfigRequest) -> GenerateResourceConfigResponse {
        let tn = req.type_name.clone();
        run(
            "GenerateResourceConfig",
            &tn,
            async move {
                let e = self.resource(&req.type_name)?;
                let state = decode(req.state.as_ref(), &e.ty, "state")?;
                if state.is_null() || !state.is_wholly_known() {
                    return Err(Diagnostic::error(
                        "Cannot generate configuration",
                        "GenerateResourceConfig needs the known state of an existing object, and none came with the request. \
                         Terraform 1.14.0 sends this call without the imported state (fixed in 1.14.1): upgrade Terraform to use \
                         -generate-config-out with this provider.",
                    )
                    .into());
                }
                let config = e.imp.generate_config(&state);
                Ok(GenerateResourceConfigResponse {
                    config: Some(encode(&config, &e.ty, "configuration")?),
                    diagnostics: Diagnostics::new(),
                })
            },
            |d| GenerateResourceConfigResponse { diagnostics: d, ..Default::default() },
        )
        .await
    }
}
