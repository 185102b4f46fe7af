//! telnyx-emulator: a stateful, strict emulator of the Telnyx SIP configuration REST API
//! (v2), bound to 127.0.0.1, with fault injection and a request log. See README.md.

mod api;
mod families;
mod server;
mod spec;
mod store;

use std::ffi::OsString;
use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str =
    "usage: telnyx-emulator [--port N] [--api-key KEY] [--latency-ms N] [--jitter-ms N] [--page-size-cap N] [--fault JSON]... [--seed FILE]...
       telnyx-emulator --version | --help

A value follows its option after a space or an equals sign (--port 8080, --port=8080).

  --port N           port on 127.0.0.1 (default 0: a free one); prints `listening on http://127.0.0.1:PORT`
  --api-key KEY      the bearer token the API accepts (default $TELNYX_EMULATOR_API_KEY, else test-key)
  --latency-ms N     every /v2 request waits N ms before the work is done
  --jitter-ms N      plus a random 0..=N ms
  --page-size-cap N  list pages hold at most N objects (at least 1) whatever page[size] asks, and report
                     their page counts accordingly: small pages test pagination with few objects
  --fault JSON       queue a fault rule, as POST /_emulator/faults takes it, e.g.
                     '{\"kind\":\"rate_limit\",\"count\":5,\"retry_after\":\"1\"}'
                     kinds: rate_limit, error_before, error_after, drop, drop_after, latency, latency_after
  --seed FILE        load objects before serving, as POST /_emulator/seed takes them, e.g.
                     '{\"phone_numbers\": [{\"phone_number\": \"+13125550100\"}]}'
                     (phone numbers exist only this way: the API cannot create them)";

/// What the command line asks for.
enum Cli {
    Serve(Args),
    Help,
    Version,
}

struct Args {
    port: u16,
    config: server::Config,
    faults: Vec<server::Fault>,
    seeds: Vec<PathBuf>,
}

/// Reads the command line (`args`: after the program's name); `api_key`: the key when
/// `--api-key` is not given.
fn parse_args(args: impl IntoIterator<Item = impl Into<OsString>>, api_key: String) -> Result<Cli, lexopt::Error> {
    use lexopt::prelude::*;
    let mut port = 0u16;
    let mut cfg = server::Config { api_key, latency_ms: 0, jitter_ms: 0, page_size_cap: None };
    let mut faults = Vec::new();
    let mut seeds = Vec::new();
    let mut p = lexopt::Parser::from_args(args);
    while let Some(arg) = p.next()? {
        match arg {
            Long("port") => port = u16::try_from(number(&mut p, "--port")?).map_err(|_| "--port out of range")?,
            Long("api-key") => cfg.api_key = p.value()?.string()?,
            Long("latency-ms") => cfg.latency_ms = number(&mut p, "--latency-ms")?,
            Long("jitter-ms") => cfg.jitter_ms = number(&mut p, "--jitter-ms")?,
            Long("page-size-cap") => {
                cfg.page_size_cap = Some(usize::try_from(number(&mut p, "--page-size-cap")?.max(1)).unwrap_or(usize::MAX));
            }
            Long("fault") => {
                let rule = p.value()?.string()?;
                faults.push(server::Fault::parse(rule.as_bytes()).map_err(|e| format!("--fault: {e}"))?);
            }
            Long("seed") => seeds.push(PathBuf::from(p.value()?)),
            Short('h') | Long("help") => return Ok(Cli::Help),
            Short('V') | Long("version") => return Ok(Cli::Version),
            _ => return Err(arg.unexpected()),
        }
    }
    Ok(Cli::Serve(Args { port, config: cfg, faults, seeds }))
}

/// The value of option `name` as a whole number.
fn number(p: &mut lexopt::Parser, name: &str) -> Result<u64, lexopt::Error> {
    use lexopt::ValueExt as _;
    let s = p.value()?.string()?;
    s.parse::<u64>().map_err(|_| format!("{name} needs a whole number, got {s:?}").into())
}

#[allow(clippy::print_stdout)]
fn print(text: &str) -> ExitCode {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{text}");
    ExitCode::SUCCESS
}

#[allow(clippy::print_stdout)]
fn announce(addr: std::net::SocketAddr) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "listening on http://{addr}");
    let _ = out.flush();
}

fn main() -> ExitCode {
    let api_key = std::env::var("TELNYX_EMULATOR_API_KEY").unwrap_or_else(|_| "test-key".into());
    let Args { port, config: cfg, faults, seeds } = match parse_args(std::env::args_os().skip(1), api_key) {
        Ok(Cli::Serve(x)) => x,
        Ok(Cli::Help) => return print(USAGE),
        Ok(Cli::Version) => {
            return print(&format!(
                "telnyx-emulator {}
commit: {}",
                env!("CARGO_PKG_VERSION"),
                env!("BUILD_COMMIT")
            ));
        }
        Err(e) => {
            eprintln!("telnyx-emulator: {e}");
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    let rt = match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("telnyx-emulator: {e}");
            return ExitCode::FAILURE;
        }
    };
    rt.block_on(async move {
        let listener = match tokio::net::TcpListener::bind(("127.0.0.1", port)).await {
            Ok(l) => l,
            Err(e) => {
                eprintln!("telnyx-emulator: cannot listen on 127.0.0.1:{port}: {e}");
                return ExitCode::FAILURE;
            }
        };
        let Ok(addr) = listener.local_addr() else { return ExitCode::FAILURE };
        announce(addr);
        let shared = server::Shared::new(cfg);
        shared.add_faults(faults);
        for path in &seeds {
            let loaded = std::fs::read(path)
                .map_err(|e| e.to_string())
                .and_then(|b| serde_json::from_slice(&b).map_err(|e| e.to_string()))
                .and_then(|j| shared.seed(&j));
            if let Err(e) = loaded {
                eprintln!("telnyx-emulator: --seed {}: {e}", path.display());
                return ExitCode::from(2);
            }
        }
        tokio::select! {
            () = server::serve(listener, shared) => {}
            _ = tokio::signal::ctrl_c() => {}
        }
        ExitCode::SUCCESS
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn serve(args: &[&str]) -> Args {
        match parse_args(args, "k".into()) {
            Ok(Cli::Serve(a)) => a,
            Ok(_) => panic!("{args:?}: not a serve"),
            Err(e) => panic!("{args:?}: {e}"),
        }
    }

    fn error(args: &[&str]) -> String {
        parse_args(args, "k".into()).err().map(|e| e.to_string()).unwrap_or_default()
    }

    #[test]
    fn values_follow_a_space_or_an_equals_sign() {
        let a = serve(&["--port=8080", "--api-key", "secret", "--latency-ms=5", "--jitter-ms", "2", "--page-size-cap=3"]);
        assert_eq!((a.port, a.config.api_key.as_str(), a.config.latency_ms, a.config.jitter_ms), (8080, "secret", 5, 2));
        assert_eq!(a.config.page_size_cap, Some(3));
        let a = serve(&["--page-size-cap", "0", "--seed=a.json", "--seed", "b.json"]);
        assert_eq!(a.config.page_size_cap, Some(1), "a page holds at least one object");
        assert_eq!(a.seeds, [PathBuf::from("a.json"), PathBuf::from("b.json")]);
        let a = serve(&[]);
        assert_eq!((a.port, a.config.api_key.as_str(), a.config.page_size_cap), (0, "k", None));
    }

    #[test]
    fn help_and_version() {
        assert!(matches!(parse_args(["--help"], String::new()), Ok(Cli::Help)));
        assert!(matches!(parse_args(["-h"], String::new()), Ok(Cli::Help)));
        assert!(matches!(parse_args(["--version"], String::new()), Ok(Cli::Version)));
        assert!(matches!(parse_args(["-V"], String::new()), Ok(Cli::Version)));
        assert!(USAGE.contains("--page-size-cap N  list pages hold at most N objects"));
    }

    #[test]
    fn wrong_command_lines_say_what_is_wrong() {
        assert_eq!(error(&["--port", "x"]), "--port needs a whole number, got \"x\"");
        assert_eq!(error(&["--port=70000"]), "--port out of range");
        assert!(error(&["--page-size-cap"]).contains("missing argument for option '--page-size-cap'"), "{}", error(&["--page-size-cap"]));
        assert!(error(&["--nope"]).contains("'--nope'"), "{}", error(&["--nope"]));
        assert!(error(&["stray"]).contains("stray"), "{}", error(&["stray"]));
        assert!(error(&["--fault", "{"]).starts_with("--fault: "), "{}", error(&["--fault", "{"]));
    }
}
