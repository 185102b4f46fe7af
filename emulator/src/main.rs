//! telnyx-emulator: a stateful, strict emulator of the Telnyx SIP configuration REST API
//! (v2), bound to 127.0.0.1, with fault injection and a request log. See README.md.

mod api;
mod families;
mod server;
mod spec;
mod store;

use std::io::Write as _;
use std::process::ExitCode;

const USAGE: &str =
    "usage: telnyx-emulator [--port N] [--api-key KEY] [--latency-ms N] [--jitter-ms N] [--page-size-cap N] [--fault JSON]... [--seed FILE]...
       telnyx-emulator --version | --help

  --port N         port on 127.0.0.1 (default 0: a free one); prints `listening on http://127.0.0.1:PORT`
  --api-key KEY    the bearer token the API accepts (default $TELNYX_EMULATOR_API_KEY, else test-key)
  --latency-ms N   every /v2 request waits N ms before the work is done
  --jitter-ms N    plus a random 0..=N ms
  --fault JSON     queue a fault rule, as POST /_emulator/faults takes it, e.g.
                   '{\"kind\":\"rate_limit\",\"count\":5,\"retry_after\":\"1\"}'
                   kinds: rate_limit, error_before, error_after, drop, drop_after, latency, latency_after
  --seed FILE      load objects before serving, as POST /_emulator/seed takes them, e.g.
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
    seeds: Vec<String>,
}

fn parse_args() -> Result<Cli, String> {
    let mut port = 0u16;
    let mut cfg = server::Config {
        api_key: std::env::var("TELNYX_EMULATOR_API_KEY").unwrap_or_else(|_| "test-key".into()),
        latency_ms: 0,
        jitter_ms: 0,
        page_size_cap: None,
    };
    let mut faults = Vec::new();
    let mut seeds = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = |name: &str| args.next().ok_or_else(|| format!("{name} needs a value"));
        let num = |s: String, name: &str| s.parse::<u64>().map_err(|_| format!("{name} needs a whole number, got {s:?}"));
        match a.as_str() {
            "--port" => port = u16::try_from(num(value("--port")?, "--port")?).map_err(|_| "--port out of range".to_string())?,
            "--api-key" => cfg.api_key = value("--api-key")?,
            "--latency-ms" => cfg.latency_ms = num(value("--latency-ms")?, "--latency-ms")?,
            "--jitter-ms" => cfg.jitter_ms = num(value("--jitter-ms")?, "--jitter-ms")?,
            "--page-size-cap" => cfg.page_size_cap = Some(num(value("--page-size-cap")?, "--page-size-cap")?.max(1) as usize),
            "--fault" => faults.push(server::Fault::parse(value("--fault")?.as_bytes()).map_err(|e| format!("--fault: {e}"))?),
            "--seed" => seeds.push(value("--seed")?),
            "-h" | "--help" => return Ok(Cli::Help),
            "-V" | "--version" => return Ok(Cli::Version),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok(Cli::Serve(Args { port, config: cfg, faults, seeds }))
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
    let Args { port, config: cfg, faults, seeds } = match parse_args() {
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
                eprintln!("telnyx-emulator: --seed {path}: {e}");
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
