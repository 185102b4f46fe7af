//! Diagnostics: errors and warnings shown to the user, optionally pointing at an attribute.

use std::fmt;

/// A step in an attribute path. Set elements cannot be addressed, so paths stop at a set.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Step {
    /// An attribute of an object, by name.
    Attr(String),
    /// An element of a map, by key.
    Key(String),
    /// An element of a list, from 0.
    Index(i64),
}

/// A path to an attribute: `inbound.channel_limit`, `codecs[0]`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AttrPath(pub Vec<Step>);

impl AttrPath {
    /// The empty path: the whole object.
    pub fn root() -> Self {
        AttrPath(Vec::new())
    }
    /// A top-level attribute.
    pub fn attr(name: &str) -> Self {
        AttrPath(vec![Step::Attr(name.to_string())])
    }
    /// Whether this is the empty path.
    pub fn is_root(&self) -> bool {
        self.0.is_empty()
    }
    /// This path, then the attribute `name`.
    pub fn join(&self, name: &str) -> Self {
        let mut p = self.clone();
        p.0.push(Step::Attr(name.to_string()));
        p
    }
    /// This path, then the list element `i`.
    pub fn index(&self, i: usize) -> Self {
        let mut p = self.clone();
        p.0.push(Step::Index(i as i64));
        p
    }
    /// This path, then the map element `k`.
    pub fn key(&self, k: &str) -> Self {
        let mut p = self.clone();
        p.0.push(Step::Key(k.to_string()));
        p
    }
    /// The attribute names only, e.g. `["inbound", "channel_limit"]`.
    pub fn attr_names(&self) -> Vec<&str> {
        self.0
            .iter()
            .filter_map(|s| match s {
                Step::Attr(a) => Some(a.as_str()),
                _ => None,
            })
            .collect()
    }
}

impl fmt::Display for AttrPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, s) in self.0.iter().enumerate() {
            match s {
                Step::Attr(a) if i == 0 => write!(f, "{a}")?,
                Step::Attr(a) => write!(f, ".{a}")?,
                Step::Key(k) => write!(f, "[{k:?}]")?,
                Step::Index(n) => write!(f, "[{n}]")?,
            }
        }
        Ok(())
    }
}

/// How bad a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Severity {
    /// Fails the operation.
    Error,
    /// Shown; the operation goes on.
    Warning,
}

/// One error or warning for the user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// One line, such as "Could not create telnyx_fqdn".
    pub summary: String,
    /// What happened and what to do next.
    pub detail: String,
    /// The attribute it is about, `None` for the whole block.
    pub path: Option<AttrPath>,
}

impl Diagnostic {
    /// An error without an attribute path.
    pub fn error(summary: impl Into<String>, detail: impl Into<String>) -> Self {
        Diagnostic { severity: Severity::Error, summary: summary.into(), detail: detail.into(), path: None }
    }
    /// A warning without an attribute path.
    pub fn warning(summary: impl Into<String>, detail: impl Into<String>) -> Self {
        Diagnostic { severity: Severity::Warning, summary: summary.into(), detail: detail.into(), path: None }
    }
    /// The same diagnostic about the attribute at `path` (the root path: the whole block).
    pub fn at(mut self, path: AttrPath) -> Self {
        self.path = (!path.is_root()).then_some(path);
        self
    }
    /// Whether it fails the operation.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The detail and path as sent to clients. Terraform before 1.15 and OpenTofu find a path's
    /// line in the configuration only through nested blocks; a path that goes into a nested
    /// attribute's value (`inbound.codecs`) falls back to the resource's first line. So the path
    /// sent stops at the top-level attribute (and its element, `numbers[2]`, which they do
    /// find): every client shows the `inbound = {` line, Terraform 1.15 the same. The full path
    /// is named in the detail when it is not there already.
    pub fn for_clients(&self) -> (String, Option<AttrPath>) {
        let Some(path) = &self.path else { return (self.detail.clone(), None) };
        let keep = match path.0.get(1) {
            Some(Step::Index(_) | Step::Key(_)) => 2,
            _ => 1,
        };
        if path.0.len() <= keep {
            return (self.detail.clone(), Some(path.clone()));
        }
        let full = path.to_string();
        let detail = if self.detail.contains(&full) {
            self.detail.clone()
        } else if self.detail.is_empty() {
            format!("At `{full}`.")
        } else {
            format!("{}\n\nAt `{full}`.", self.detail)
        };
        (detail, Some(AttrPath(path.0[..keep].to_vec())))
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{sev}: {}", self.summary)?;
        if let Some(p) = &self.path {
            write!(f, " (at {p})")?;
        }
        if !self.detail.is_empty() {
            write!(f, ": {}", self.detail)?;
        }
        Ok(())
    }
}

/// A list of diagnostics; any error in it fails the operation.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Diagnostics(Vec<Diagnostic>);

impl Diagnostics {
    /// No diagnostics.
    pub fn new() -> Self {
        Diagnostics(Vec::new())
    }
    /// Adds one diagnostic.
    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }
    /// Adds an error without an attribute path.
    pub fn error(&mut self, summary: impl Into<String>, detail: impl Into<String>) {
        self.push(Diagnostic::error(summary, detail));
    }
    /// Adds a warning without an attribute path.
    pub fn warning(&mut self, summary: impl Into<String>, detail: impl Into<String>) {
        self.push(Diagnostic::warning(summary, detail));
    }
    /// Appends other diagnostics (another `Diagnostics`, a `Vec`, any iterator), in order.
    pub fn extend(&mut self, other: impl IntoIterator<Item = Diagnostic>) {
        self.0.extend(other);
    }
    /// Whether any of them is an error.
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(Diagnostic::is_error)
    }
    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    /// How many there are.
    pub fn len(&self) -> usize {
        self.0.len()
    }
    /// The diagnostics in the order they were added.
    pub fn iter(&self) -> std::slice::Iter<'_, Diagnostic> {
        self.0.iter()
    }
    /// The first one added.
    pub fn first(&self) -> Option<&Diagnostic> {
        self.0.first()
    }
    /// The `i`-th one added (from 0).
    pub fn get(&self, i: usize) -> Option<&Diagnostic> {
        self.0.get(i)
    }
    /// The diagnostics as a `Vec`, in order.
    pub fn into_vec(self) -> Vec<Diagnostic> {
        self.0
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(d: Diagnostic) -> Self {
        Diagnostics(vec![d])
    }
}

impl std::ops::Index<usize> for Diagnostics {
    type Output = Diagnostic;
    /// The `i`-th diagnostic; panics when there are not that many (see [`Diagnostics::get`]).
    fn index(&self, i: usize) -> &Diagnostic {
        &self.0[i]
    }
}

impl From<Vec<Diagnostic>> for Diagnostics {
    fn from(v: Vec<Diagnostic>) -> Self {
        Diagnostics(v)
    }
}

impl FromIterator<Diagnostic> for Diagnostics {
    fn from_iter<I: IntoIterator<Item = Diagnostic>>(iter: I) -> Self {
        Diagnostics(iter.into_iter().collect())
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'a> IntoIterator for &'a Diagnostics {
    type Item = &'a Diagnostic;
    type IntoIter = std::slice::Iter<'a, Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

/// The failure of a resource operation: diagnostics, plus whatever state must still be
/// recorded (an object that exists remotely must never be lost from state).
#[derive(Clone, Debug, Default)]
pub struct Failure {
    /// What went wrong.
    pub diags: Diagnostics,
    /// The state to record anyway: what exists remotely after a partly done operation.
    pub partial_state: Option<super::value::Value>,
}

impl Failure {
    /// A failure that leaves no state to record.
    pub fn new(diags: impl Into<Diagnostics>) -> Self {
        Failure { diags: diags.into(), partial_state: None }
    }
    /// The same failure, recording `state`.
    pub fn with_state(mut self, state: super::value::Value) -> Self {
        self.partial_state = Some(state);
        self
    }
}

impl From<Diagnostics> for Failure {
    fn from(d: Diagnostics) -> Self {
        Failure::new(d)
    }
}
impl From<Diagnostic> for Failure {
    fn from(d: Diagnostic) -> Self {
        Failure::new(d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_display() {
        let p = AttrPath::attr("inbound").join("codecs").index(2);
        assert_eq!(p.to_string(), "inbound.codecs[2]");
        assert_eq!(AttrPath::attr("m").key("k").to_string(), "m[\"k\"]");
        assert_eq!(p.attr_names(), vec!["inbound", "codecs"]);
    }

    #[test]
    fn clients_get_paths_they_can_locate() {
        let d = |path: AttrPath, detail: &str| Diagnostic::error("Invalid attribute value", detail).at(path).for_clients();
        let nested = d(AttrPath::attr("inbound").join("ani_number_format"), "`inbound.ani_number_format` must be one of …");
        assert_eq!(nested, ("`inbound.ani_number_format` must be one of …".into(), Some(AttrPath::attr("inbound"))));
        let (detail, path) = d(AttrPath::attr("inbound").join("codecs").index(2), "Unknown codec.");
        assert_eq!((detail.as_str(), path), ("Unknown codec.\n\nAt `inbound.codecs[2]`.", Some(AttrPath::attr("inbound"))));
        let element = AttrPath::attr("numbers").index(2);
        assert_eq!(d(element.clone(), "x"), ("x".into(), Some(element.clone())), "a top-level element is located as it is");
        assert_eq!(d(element.join("y"), ""), ("At `numbers[2].y`.".into(), Some(element)));
        assert_eq!(d(AttrPath::attr("name"), "x"), ("x".into(), Some(AttrPath::attr("name"))));
        assert_eq!(Diagnostic::error("s", "x").for_clients(), ("x".into(), None));
    }
}
