//! Which resource manages each phone number, within one configured provider: a number that
//! both a `telnyx_phone_number` and a `telnyx_phone_numbers_routing` plan to manage — or two
//! routings to different connections — is a configuration mistake: each apply would undo the
//! other, and destroying either would give the number back under the other's feet.
//!
//! Terraform gives a provider no view of the whole configuration, but it plans every resource
//! of one provider configuration through the same provider process, so the plans' claims meet
//! here: whichever of the two plans comes second fails, naming the number and both managers.
//! Not detectable: the two in different provider configurations (aliases, separate root
//! modules or workspaces), and two `telnyx_phone_number` for one number (Terraform re-plans a
//! resource during apply, and the two plans of one resource cannot be told apart).

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};

use tfplug::{AttrPath, Diagnostic, Diagnostics};

/// What manages a number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Manager {
    /// A `telnyx_phone_number`.
    Single,
    /// A `telnyx_phone_numbers_routing` to this connection (`None` while unknown at plan).
    Routing(Option<String>),
}

impl Manager {
    fn describe(&self) -> String {
        match self {
            Manager::Single => "a `telnyx_phone_number`".to_string(),
            Manager::Routing(Some(c)) => format!("a `telnyx_phone_numbers_routing` (connection {c})"),
            Manager::Routing(None) => "a `telnyx_phone_numbers_routing`".to_string(),
        }
    }

    /// Two claims that cannot come from one resource planned twice.
    fn clashes(&self, other: &Manager) -> bool {
        match (self, other) {
            (Manager::Single, Manager::Single) => false,
            (Manager::Routing(Some(a)), Manager::Routing(Some(b))) => a != b,
            (Manager::Routing(_), Manager::Routing(_)) => false,
            _ => true,
        }
    }
}

/// Claims by (client instance, E.164 number).
static CLAIMS: LazyLock<Mutex<HashMap<(u64, String), Manager>>> = LazyLock::new(|| Mutex::new(HashMap::new()));

/// Records that `by` plans to manage `numbers` for the provider whose client is `instance`;
/// errors (at `path`) for each number another manager claimed first.
pub fn claim<'a>(instance: u64, numbers: impl IntoIterator<Item = &'a str>, by: &Manager, path: &AttrPath) -> Diagnostics {
    let mut d = Diagnostics::new();
    let Ok(mut claims) = CLAIMS.lock() else { return d };
    for n in numbers {
        match claims.get(&(instance, n.to_string())) {
            Some(first) if first.clashes(by) => d.push(
                Diagnostic::error(
                    "Phone number managed twice",
                    format!(
                        "{n} is planned by {} and by {} of this configuration. Each apply would undo the other, and destroying \
                         either would give the number back under the other. Manage it in one place: remove it from one of them \
                         (when moving numbers to `telnyx_phone_numbers_routing`, `terraform state rm` the `telnyx_phone_number` \
                         first, so that its destroy does not unroute them).",
                        by.describe(),
                        first.describe()
                    ),
                )
                .at(path.clone()),
            ),
            // A routing whose connection was unknown at plan becomes known at apply.
            Some(Manager::Routing(None)) if matches!(by, Manager::Routing(Some(_))) => {
                claims.insert((instance, n.to_string()), by.clone());
            }
            Some(_) => {}
            None => {
                claims.insert((instance, n.to_string()), by.clone());
            }
        }
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_number_has_one_manager_per_provider() {
        let at = AttrPath::attr("phone_numbers");
        let routing = |c: &str| Manager::Routing(Some(c.to_string()));
        assert!(claim(1, ["+13125550100", "+13125550101"], &routing("c1"), &at).is_empty());
        assert!(claim(1, ["+13125550100"], &routing("c1"), &at).is_empty(), "the same routing planned again");
        let d = claim(1, ["+13125550101"], &Manager::Single, &AttrPath::attr("phone_number"));
        assert_eq!(d.len(), 1);
        assert!(d[0].detail.contains("+13125550101") && d[0].detail.contains("connection c1"), "{}", d[0].detail);
        assert_eq!(claim(1, ["+13125550100"], &routing("c2"), &at).len(), 1, "two routings to different connections");
        assert!(claim(2, ["+13125550100"], &Manager::Single, &at).is_empty(), "another provider configuration");
        assert!(claim(3, ["+13125550102"], &Manager::Routing(None), &at).is_empty());
        assert!(claim(3, ["+13125550102"], &routing("c3"), &at).is_empty(), "unknown at plan, known at apply");
        assert_eq!(claim(3, ["+13125550102"], &routing("c4"), &at).len(), 1);
        assert!(claim(4, ["+13125550103"], &Manager::Single, &at).is_empty());
        assert!(claim(4, ["+13125550103"], &Manager::Single, &at).is_empty(), "one resource planned twice");
    }
}
