//! Provider-defined functions (Terraform >= 1.8, OpenTofu >= 1.7): GetFunctions, CallFunction,
//! and the `functions` GetMetadata and GetProviderSchema declare.
//!
//! Terraform reads the signatures from GetProviderSchema; OpenTofu also calls GetFunctions.
//! Both call functions on a provider they have not configured, so nothing here needs the
//! client. Terraform checks each call against the signature before sending it (argument
//! count, types, null and unknown arguments); the engine checks again, so that a client that
//! does not still gets an answer naming the argument rather than a confused function.
//!
//! The function RPCs' request and response types live here rather than in `messages.rs`, so
//! that everything about functions is in one file.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::messages::{DynamicValue, decode, encode};
use super::{Engine, guard::run};
use crate::diag::Diagnostics;
use crate::provider::{Function, FunctionError, Provider, Signature};
use crate::value::Value;

/// A function with its signature, built once.
pub(super) struct FunctionEntry {
    imp: Arc<dyn Function>,
    signature: Signature,
}

/// Every function the provider serves, by name.
pub(super) type Functions = BTreeMap<&'static str, FunctionEntry>;

/// GetFunctions's answer.
#[derive(Clone, Debug, Default)]
pub struct FunctionsResponse {
    /// Each function's signature, by name.
    pub functions: BTreeMap<String, Signature>,
    /// Errors and warnings.
    pub diagnostics: Diagnostics,
}

/// CallFunction: the function's name and its arguments, as Terraform encoded them against
/// the parameter types (msgpack).
#[derive(Clone, Debug, Default)]
pub struct CallFunctionRequest {
    /// The name after `provider::<provider>::`.
    pub name: String,
    /// One value per argument, variadic ones included.
    pub arguments: Vec<DynamicValue>,
}

/// CallFunction's answer: a result, or an error.
#[derive(Clone, Debug, Default)]
pub struct CallFunctionResponse {
    /// The result, encoded against the return type; `None` after an error.
    pub result: Option<DynamicValue>,
    /// Why the call failed, and the argument at fault when one is.
    pub error: Option<FunctionError>,
}

impl CallFunctionResponse {
    fn error(e: FunctionError) -> Self {
        CallFunctionResponse { result: None, error: Some(e) }
    }
}

/// Diagnostics as one line of text, for an error that is not a function's own.
fn text(d: &Diagnostics) -> String {
    let parts: Vec<String> =
        d.iter().map(|d| if d.detail.is_empty() { d.summary.clone() } else { format!("{}: {}", d.summary, d.detail) }).collect();
    if parts.is_empty() { "The function call failed.".to_string() } else { parts.join("; ") }
}

impl<P: Provider> Engine<P> {
    /// The functions, built on first use.
    pub(super) fn function_table(&self) -> &Functions {
        self.functions.get_or_init(|| {
            self.provider
                .functions()
                .into_iter()
                .map(|f| {
                    let signature = f.signature();
                    (f.name(), FunctionEntry { imp: f, signature })
                })
                .collect()
        })
    }

    /// Each function's signature, by name (GetProviderSchema and GetFunctions).
    pub(super) fn function_signatures(&self) -> BTreeMap<String, Signature> {
        self.function_table().iter().map(|(k, e)| (k.to_string(), e.signature.clone())).collect()
    }

    /// The function names, sorted (GetMetadata).
    pub(super) fn function_names(&self) -> Vec<String> {
        self.function_table().keys().map(|k| k.to_string()).collect()
    }

    /// GetFunctions: every function's signature.
    pub async fn functions(&self) -> FunctionsResponse {
        run(
            "GetFunctions",
            "",
            async move { Ok(FunctionsResponse { functions: self.function_signatures(), diagnostics: Diagnostics::new() }) },
            |d| FunctionsResponse { diagnostics: d, ..Default::default() },
        )
        .await
    }

    /// CallFunction: each argument decoded against its parameter's type and checked against
    /// what the parameter allows, then the function called and its result encoded against
    /// the return type. An argument that is unknown where the parameter does not allow it
    /// gives an unknown result without a call, as Terraform itself does.
    /// Terraform shows an error as `Invalid value for "<parameter>" parameter: <text>.` or
    /// `Call to function "<name>" failed: <text>.`: a text's own final full stop is dropped.
    pub async fn call_function(&self, req: CallFunctionRequest) -> CallFunctionResponse {
        let name = req.name.clone();
        let mut r =
            run("CallFunction", &name, async move { Ok(self.call(&req)) }, |d| CallFunctionResponse::error(FunctionError::new(text(&d))))
                .await;
        if let Some(e) = &mut r.error {
            let trimmed = e.text.trim_end().trim_end_matches('.').len();
            e.text.truncate(trimmed);
        }
        r
    }

    fn call(&self, req: &CallFunctionRequest) -> CallFunctionResponse {
        let Some(e) = self.function_table().get(req.name.as_str()) else {
            return CallFunctionResponse::error(FunctionError::new(format!("This provider has no function named {:?}.", req.name)));
        };
        let sig = &e.signature;
        let (got, want) = (req.arguments.len(), sig.parameters.len());
        if got < want {
            return CallFunctionResponse::error(FunctionError::new(format!(
                "Not enough arguments for function {:?}: it takes {want}, {got} given.",
                req.name
            )));
        }
        if sig.variadic.is_none() && got > want {
            return CallFunctionResponse::error(FunctionError::argument(
                want,
                format!("Too many arguments for function {:?}: it takes {want}, {got} given.", req.name),
            ));
        }
        let mut args = Vec::with_capacity(got);
        let mut unknown = false;
        for (i, dv) in req.arguments.iter().enumerate() {
            let Some(p) = sig.parameter(i) else {
                return CallFunctionResponse::error(FunctionError::argument(i, "No parameter takes this argument."));
            };
            let v = match decode(Some(dv), &p.ty, &format!("argument {:?}", p.name)) {
                Ok(v) => v,
                Err(d) => return CallFunctionResponse::error(FunctionError::argument(i, text(&d))),
            };
            if v.is_null() && !p.allow_null {
                return CallFunctionResponse::error(FunctionError::argument(i, format!("The argument {:?} must not be null.", p.name)));
            }
            unknown |= !p.allow_unknown && !v.is_wholly_known();
            args.push(v);
        }
        let result = if unknown {
            Value::unknown()
        } else {
            match e.imp.call(&args) {
                Ok(v) => v,
                Err(err) => return CallFunctionResponse::error(err),
            }
        };
        match encode(&result, &sig.return_type, &format!("result of function {:?}", req.name)) {
            Ok(dv) => CallFunctionResponse { result: Some(dv), error: None },
            Err(d) => CallFunctionResponse::error(FunctionError::new(text(&d))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::Parameter;
    use crate::schema::Schema;
    use crate::types::Type;

    struct P;

    #[async_trait::async_trait]
    impl Provider for P {
        type Client = ();
        fn schema(&self) -> Schema {
            Schema::new("p")
        }
        fn functions(&self) -> Vec<Arc<dyn Function>> {
            vec![Arc::new(Join), Arc::new(Half), Arc::new(Broken)]
        }
        async fn configure(&self, _: &Value, _: &str) -> Result<(), Diagnostics> {
            Ok(())
        }
    }

    /// `join(sep, parts...)`: `sep` may be null (no separator); parts may not.
    struct Join;
    impl Function for Join {
        fn name(&self) -> &'static str {
            "join"
        }
        fn signature(&self) -> Signature {
            Signature::new("Joins strings.", Type::String)
                .param(Parameter::new("sep", Type::String).allow_null())
                .variadic(Parameter::new("parts", Type::String))
        }
        fn call(&self, args: &[Value]) -> Result<Value, FunctionError> {
            let sep = args[0].as_str().unwrap_or("");
            let parts: Vec<&str> = args[1..].iter().map(|v| v.as_str().unwrap_or("")).collect();
            Ok(Value::string(parts.join(sep)))
        }
    }

    /// `half(n)`: fails on an odd number, naming argument 0.
    struct Half;
    impl Function for Half {
        fn name(&self) -> &'static str {
            "half"
        }
        fn signature(&self) -> Signature {
            Signature::new("Halves an even number.", Type::Number).param(Parameter::new("n", Type::Number))
        }
        fn call(&self, args: &[Value]) -> Result<Value, FunctionError> {
            match args[0].as_i64() {
                Some(n) if n % 2 == 0 => Ok(Value::int(n / 2)),
                _ => Err(FunctionError::argument(0, "n must be even.")),
            }
        }
    }

    /// `broken(s)`: panics on "panic", else returns a value of the wrong type.
    struct Broken;
    impl Function for Broken {
        fn name(&self) -> &'static str {
            "broken"
        }
        fn signature(&self) -> Signature {
            Signature::new("Misbehaves.", Type::Bool).param(Parameter::new("s", Type::String))
        }
        fn call(&self, args: &[Value]) -> Result<Value, FunctionError> {
            assert_ne!(args[0].as_str(), Some("panic"), "asked to panic");
            Ok(Value::string("not a bool"))
        }
    }

    fn arg(v: &Value, ty: &Type) -> DynamicValue {
        DynamicValue::from_value(v, ty).unwrap()
    }

    fn call(name: &str, args: Vec<DynamicValue>) -> CallFunctionResponse {
        let e = Engine::new(P);
        block_on(e.call_function(CallFunctionRequest { name: name.into(), arguments: args }))
    }

    fn block_on<F: std::future::Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(f)
    }

    fn result(r: &CallFunctionResponse, ty: &Type) -> Value {
        assert_eq!(r.error, None);
        r.result.as_ref().unwrap().to_value(ty).unwrap()
    }

    fn s(x: &str) -> DynamicValue {
        arg(&Value::string(x), &Type::String)
    }

    #[test]
    fn signatures_are_declared_everywhere_terraform_and_opentofu_read_them() {
        let e = Engine::new(P);
        let schema = block_on(e.provider_schema());
        let listed = block_on(e.functions());
        let meta = block_on(e.metadata());
        assert_eq!(meta.functions, ["broken", "half", "join"]);
        assert_eq!(schema.functions, listed.functions);
        let join = &listed.functions["join"];
        assert_eq!(join.parameters.len(), 1);
        assert!(join.parameters[0].allow_null && !join.parameters[0].allow_unknown);
        assert_eq!(join.variadic.as_ref().map(|p| p.name.as_str()), Some("parts"));
        assert_eq!(join.return_type, Type::String);
    }

    #[test]
    fn a_call_decodes_each_argument_against_its_parameter_variadic_ones_included() {
        let r = call("join", vec![s("-"), s("a"), s("b"), s("c")]);
        assert_eq!(result(&r, &Type::String).as_str(), Some("a-b-c"));
        let r = call("join", vec![s(",")]);
        assert_eq!(result(&r, &Type::String).as_str(), Some(""));
        let r = call("half", vec![arg(&Value::int(42), &Type::Number)]);
        assert_eq!(result(&r, &Type::Number).as_i64(), Some(21));
    }

    #[test]
    fn the_function_s_error_names_its_argument() {
        let r = call("half", vec![arg(&Value::int(3), &Type::Number)]);
        assert_eq!(r.result, None);
        assert_eq!(r.error, Some(FunctionError::argument(0, "n must be even")));
    }

    #[test]
    fn texts_end_without_the_full_stop_terraform_adds() {
        for r in [call("half", vec![arg(&Value::int(3), &Type::Number)]), call("nope", vec![]), call("half", vec![])] {
            let e = r.error.unwrap();
            assert!(!e.text.ends_with('.'), "{}", e.text);
        }
    }

    #[test]
    fn null_is_passed_only_where_the_parameter_allows_it() {
        let null = DynamicValue::from_value(&Value::Null, &Type::String).unwrap();
        let r = call("join", vec![null.clone(), s("a"), s("b")]);
        assert_eq!(result(&r, &Type::String).as_str(), Some("ab"));
        let r = call("join", vec![s("-"), s("a"), null]);
        let e = r.error.unwrap();
        assert_eq!(e.argument, Some(2));
        assert!(e.text.contains("\"parts\" must not be null"), "{}", e.text);
    }

    #[test]
    fn an_unknown_argument_gives_an_unknown_result_without_a_call() {
        let unknown = arg(&Value::unknown(), &Type::Number);
        let r = call("half", vec![unknown]);
        assert!(result(&r, &Type::Number).is_unknown());
    }

    #[test]
    fn argument_count_type_and_name_are_checked() {
        let r = call("half", vec![]);
        let e = r.error.unwrap();
        assert_eq!(e.argument, None);
        assert!(e.text.contains("Not enough arguments"), "{}", e.text);
        let n = || arg(&Value::int(2), &Type::Number);
        let e = call("half", vec![n(), n()]).error.unwrap();
        assert_eq!(e.argument, Some(1));
        assert!(e.text.contains("Too many arguments"), "{}", e.text);
        // A string where a number is declared: the bytes do not decode.
        let e = call("half", vec![s("two")]).error.unwrap();
        assert_eq!(e.argument, Some(0));
        let e = call("nope", vec![]).error.unwrap();
        assert!(e.text.contains("no function named \"nope\""), "{}", e.text);
    }

    #[test]
    fn a_panic_or_a_result_of_the_wrong_type_is_an_error_not_a_crash() {
        let e = call("broken", vec![s("panic")]).error.unwrap();
        assert!(e.text.contains("asked to panic"), "{}", e.text);
        let e = call("broken", vec![s("x")]).error.unwrap();
        assert!(e.text.contains("bug in the provider"), "{}", e.text);
    }
}
