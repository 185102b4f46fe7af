//! go-plugin transport: magic cookie, protocol negotiation, the listener, the handshake line,
//! AutoMTLS, serving gRPC until `GRPCController/Shutdown` (or SIGTERM), and the debug (reattach) mode.

use std::io::Write as _;
use std::path::PathBuf;
use std::pin::Pin;
use std::process::ExitCode;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use base64::Engine as _;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream, UnixListener, UnixStream};
use tokio::sync::{Notify, mpsc};
use tokio_stream::wrappers::ReceiverStream;
use tonic::transport::server::Connected;

use super::proto::plugin::Empty;
use super::proto::plugin::grpc_controller_server::{GrpcController, GrpcControllerServer};
use super::proto::tfplugin6::provider_server::ProviderServer;
use super::provider::Provider;
use super::server::ProviderService;
use super::tls::AutoMtls;

/// The environment variable go-plugin clients set to show that they launched the binary.
pub const MAGIC_COOKIE_KEY: &str = "TF_PLUGIN_MAGIC_COOKIE";
/// Its value for Terraform providers.
pub const MAGIC_COOKIE_VALUE: &str = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";
const CORE_PROTOCOL_VERSION: u32 = 1;
const APP_PROTOCOL_VERSION: u32 = 6;
/// terraform-plugin-go's limit, both ways (Terraform's own client allows far more).
const MAX_MESSAGE_SIZE: usize = 256 << 20;

/// How a provider binary identifies itself.
#[derive(Clone, Debug)]
pub struct ServeOpts {
    /// Full provider address for debug mode, e.g. `registry.terraform.io/telnyx/telnyx`.
    pub address: &'static str,
    /// Logger module name, e.g. `provider.terraform-provider-telnyx`.
    pub log_module: &'static str,
    /// The provider's version, logged at start-up.
    pub version: &'static str,
}

/// Runs the plugin: normally as launched by Terraform; with `--debug`, in reattach mode.
/// Returns the process exit code.
pub fn serve<P: Provider>(provider: P, opts: ServeOpts) -> ExitCode {
    #[cfg(unix)]
    let _ = PARENT.set(std::os::unix::process::parent_id());
    super::log::init(opts.log_module);
    super::tls::install_default_provider();
    let debug = std::env::args().skip(1).any(|a| a == "--debug" || a == "-debug");
    if !debug && std::env::var(MAGIC_COOKIE_KEY).ok().as_deref() != Some(MAGIC_COOKIE_VALUE) {
        let _ = writeln!(
            std::io::stderr(),
            "This binary is a plugin. It is not meant to be executed directly.\n\
             Terraform or OpenTofu start it: install it as the provider {} and run `terraform`.\n\
             To debug it, start it with --debug and follow the instructions it prints.",
            opts.address
        );
        return ExitCode::from(1);
    }
    if !debug && !negotiates_v6() {
        let _ = writeln!(
            std::io::stderr(),
            "This provider speaks Terraform plugin protocol 6 only; the client offered {:?}. Terraform 1.0 or newer (or OpenTofu) is needed.",
            std::env::var("PLUGIN_PROTOCOL_VERSIONS").unwrap_or_default()
        );
        return ExitCode::from(1);
    }
    let rt = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "could not start the runtime: {e}");
            return ExitCode::from(1);
        }
    };
    let result = rt.block_on(run(provider, opts, debug));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "[ERROR] plugin: {e}");
            ExitCode::from(1)
        }
    }
}

fn negotiates_v6() -> bool {
    match std::env::var("PLUGIN_PROTOCOL_VERSIONS") {
        // Like go-plugin servers, answer our version when the client says nothing.
        Err(_) => true,
        Ok(s) if s.trim().is_empty() => true,
        Ok(s) => s.split(',').any(|v| v.trim() == "6"),
    }
}

enum Listener {
    Unix(UnixListener, PathBuf),
    Tcp(TcpListener),
}

impl Listener {
    fn network(&self) -> &'static str {
        match self {
            Listener::Unix(..) => "unix",
            Listener::Tcp(_) => "tcp",
        }
    }
    fn address(&self) -> String {
        match self {
            Listener::Unix(_, p) => p.display().to_string(),
            Listener::Tcp(l) => l.local_addr().map(|a| a.to_string()).unwrap_or_default(),
        }
    }
}

fn bind() -> std::io::Result<Listener> {
    if cfg!(unix) && std::env::var_os("PLUGIN_TRANSPORT_TCP").is_none() {
        let dir = std::env::var_os("PLUGIN_UNIX_SOCKET_DIR").map(PathBuf::from).unwrap_or_else(std::env::temp_dir);
        for _ in 0..16 {
            let path = dir.join(format!("plugin{}", fastrand::u64(1_000_000_000..10_000_000_000)));
            match UnixListener::bind(&path) {
                Ok(l) => {
                    if let Ok(group) = std::env::var("PLUGIN_UNIX_SOCKET_GROUP") {
                        set_socket_group(&path, &group)?;
                    }
                    return Ok(Listener::Unix(l, path));
                }
                Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => continue,
                Err(e) => return Err(e),
            }
        }
        return Err(std::io::Error::other("no free socket name"));
    }
    let min: u16 = std::env::var("PLUGIN_MIN_PORT").ok().and_then(|s| s.parse().ok()).unwrap_or(0);
    let max: u16 = std::env::var("PLUGIN_MAX_PORT").ok().and_then(|s| s.parse().ok()).unwrap_or(min);
    let mut last = std::io::Error::other("empty port range");
    for port in min..=max.max(min) {
        match std::net::TcpListener::bind(("127.0.0.1", port)) {
            Ok(l) => {
                l.set_nonblocking(true)?;
                return Ok(Listener::Tcp(TcpListener::from_std(l)?));
            }
            Err(e) => last = e,
        }
    }
    Err(last)
}

fn set_socket_group(path: &std::path::Path, group: &str) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let gid = match group.parse::<u32>() {
        Ok(g) => g,
        Err(_) => std::fs::read_to_string("/etc/group")?
            .lines()
            .find_map(|l| {
                let mut f = l.split(':');
                (f.next() == Some(group)).then(|| f.nth(1).and_then(|g| g.parse().ok())).flatten()
            })
            .ok_or_else(|| std::io::Error::other(format!("unknown group {group}")))?,
    };
    std::os::unix::fs::chown(path, None, Some(gid))?;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o660))
}

async fn run<P: Provider>(provider: P, opts: ServeOpts, debug: bool) -> Result<(), String> {
    let listener = bind().map_err(|e| format!("could not listen: {e}"))?;
    let tls = match std::env::var("PLUGIN_CLIENT_CERT") {
        Ok(pem) if !debug && !pem.trim().is_empty() => Some(AutoMtls::new(&pem).map_err(|e| e.to_string())?),
        _ => None,
    };
    let shutdown = Arc::new(Notify::new());
    let service = ProviderService::new(provider);
    let network = listener.network();
    let address = listener.address();
    let socket_path = match &listener {
        Listener::Unix(_, p) => Some(p.clone()),
        Listener::Tcp(_) => None,
    };

    // Accept connections (and run TLS handshakes) before telling the client where we are.
    let (tx, rx) = mpsc::channel::<std::io::Result<Conn>>(16);
    let acceptor = tls.as_ref().map(|t| tokio_rustls::TlsAcceptor::from(t.config.clone()));
    tokio::spawn(accept_loop(listener, acceptor, tx));
    // Signal handlers are in place before anyone learns where we are.
    let signals = Signals::install();

    if debug {
        print_reattach(opts.address, network, &address);
        tokio::spawn(signals.stop_on(shutdown.clone(), true));
    } else {
        let cert = tls.as_ref().map(|t| base64::engine::general_purpose::STANDARD_NO_PAD.encode(&t.server_cert_der)).unwrap_or_default();
        let line = format!("{CORE_PROTOCOL_VERSION}|{APP_PROTOCOL_VERSION}|{network}|{address}|grpc|{cert}\n");
        let mut out = std::io::stdout().lock();
        out.write_all(line.as_bytes()).and_then(|()| out.flush()).map_err(|e| format!("could not write the handshake: {e}"))?;
        drop(out);
        tokio::spawn(signals.stop_on(shutdown.clone(), false));
        tokio::spawn(exit_when_orphaned(shutdown.clone()));
    }
    tracing::info!(version = opts.version, network, address = %address, tls = tls.is_some(), "provider started");

    let controller = Controller { shutdown: shutdown.clone() };
    let stop = shutdown.clone();
    let server = tonic::transport::Server::builder()
        .add_service(ProviderServer::new(service).max_decoding_message_size(MAX_MESSAGE_SIZE).max_encoding_message_size(MAX_MESSAGE_SIZE))
        .add_service(GrpcControllerServer::new(controller))
        .serve_with_incoming_shutdown(ReceiverStream::new(rx), async move { stop.notified().await });
    tokio::pin!(server);
    // After the shutdown signal, give the graceful stop a moment, then leave regardless:
    // Terraform waits 2 s for us before it kills us.
    let result = tokio::select! {
        r = &mut server => r.map_err(|e| e.to_string()),
        () = async {
            shutdown.notified().await;
            tokio::time::sleep(Duration::from_millis(250)).await;
        } => Ok(()),
    };
    if let Some(p) = socket_path {
        let _ = std::fs::remove_file(p);
    }
    tracing::debug!("provider stopped");
    result
}

fn print_reattach(address: &str, network: &str, addr: &str) {
    let json = serde_json::json!({
        address: {
            "Protocol": "grpc",
            "ProtocolVersion": APP_PROTOCOL_VERSION,
            "Pid": std::process::id(),
            "Test": true,
            "Addr": {"Network": network, "String": addr},
        }
    })
    .to_string();
    let quoted = json.replace('\'', "'\"'\"'");
    let mut out = std::io::stdout().lock();
    let _ = write!(
        out,
        "Provider started. To attach Terraform CLI, set the TF_REATTACH_PROVIDERS environment variable with the following:\n\n\tTF_REATTACH_PROVIDERS='{quoted}'\n\n"
    );
    let _ = out.flush();
}

/// The process that launched us, read first thing at start-up.
static PARENT: std::sync::OnceLock<u32> = std::sync::OnceLock::new();

/// If Terraform dies without calling Shutdown (SIGKILL, a crash), we are re-parented: stop
/// then instead of lingering with an open socket. Checked once a second.
async fn exit_when_orphaned(shutdown: Arc<Notify>) {
    #[cfg(unix)]
    {
        let Some(&parent) = PARENT.get() else { return };
        let mut tick = tokio::time::interval(Duration::from_secs(1));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if std::os::unix::process::parent_id() != parent {
                tracing::warn!(parent, "Terraform went away without shutting us down; exiting");
                stop(&shutdown);
                return;
            }
        }
    }
    #[cfg(not(unix))]
    std::future::pending::<()>().await
}

/// Starts the shutdown: wakes both waiters, the server's graceful stop and the exit timer.
fn stop(shutdown: &Notify) {
    shutdown.notify_waiters();
    shutdown.notify_one();
}

/// The signals that end the plugin, listened to from start-up on.
struct Signals {
    #[cfg(unix)]
    terminate: Option<tokio::signal::unix::Signal>,
    #[cfg(unix)]
    interrupt: Option<tokio::signal::unix::Signal>,
}

impl Signals {
    fn install() -> Signals {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            Signals { terminate: signal(SignalKind::terminate()).ok(), interrupt: signal(SignalKind::interrupt()).ok() }
        }
        #[cfg(not(unix))]
        Signals {}
    }

    /// SIGTERM stops the plugin as Shutdown does (the socket is removed on the way out). SIGINT
    /// stops it only when `interrupt_stops` (debug mode, run by a person): under Terraform, Ctrl-C
    /// reaches the whole process group and Terraform itself stops us through StopProvider and
    /// Shutdown, so the plugin must keep serving until then.
    async fn stop_on(self, shutdown: Arc<Notify>, interrupt_stops: bool) {
        #[cfg(unix)]
        {
            let Signals { terminate, interrupt } = self;
            let term = async {
                match terminate {
                    Some(mut s) => s.recv().await.map(|_| "SIGTERM"),
                    None => std::future::pending().await,
                }
            };
            let int = async {
                let Some(mut s) = interrupt else { return std::future::pending().await };
                loop {
                    if s.recv().await.is_none() {
                        return std::future::pending().await;
                    }
                    if interrupt_stops {
                        return Some("SIGINT");
                    }
                    tracing::debug!("ignoring SIGINT: Terraform stops providers through StopProvider");
                }
            };
            let signal = tokio::select! { s = term => s, s = int => s };
            tracing::debug!(signal = signal.unwrap_or("signal"), "stopping");
            stop(&shutdown);
        }
        #[cfg(not(unix))]
        {
            let _ = self;
            if interrupt_stops {
                let _ = tokio::signal::ctrl_c().await;
                stop(&shutdown);
            }
        }
    }
}

async fn accept_loop(listener: Listener, tls: Option<tokio_rustls::TlsAcceptor>, tx: mpsc::Sender<std::io::Result<Conn>>) {
    loop {
        let conn: std::io::Result<Plain> = match &listener {
            Listener::Unix(l, _) => l.accept().await.map(|(s, _)| Plain::Unix(s)),
            Listener::Tcp(l) => l.accept().await.map(|(s, _)| {
                let _ = s.set_nodelay(true);
                Plain::Tcp(s)
            }),
        };
        let plain = match conn {
            Ok(c) => c,
            Err(e) => {
                tracing::warn!(error = %e, "accept failed");
                tokio::time::sleep(Duration::from_millis(10)).await;
                continue;
            }
        };
        match &tls {
            None => {
                if tx.send(Ok(Conn::Plain(plain))).await.is_err() {
                    return;
                }
            }
            Some(acceptor) => {
                let acceptor = acceptor.clone();
                let tx = tx.clone();
                tokio::spawn(async move {
                    match tokio::time::timeout(Duration::from_secs(10), acceptor.accept(plain)).await {
                        Ok(Ok(s)) => {
                            let _ = tx.send(Ok(Conn::Tls(Box::new(s)))).await;
                        }
                        Ok(Err(e)) => tracing::warn!(error = %e, "TLS handshake refused"),
                        Err(_) => tracing::warn!("TLS handshake timed out"),
                    }
                });
            }
        }
    }
}

/// `plugin.GRPCController`: Terraform's way to end the process.
#[derive(Debug)]
struct Controller {
    shutdown: Arc<Notify>,
}

#[tonic::async_trait]
impl GrpcController for Controller {
    async fn shutdown(&self, _req: tonic::Request<Empty>) -> Result<tonic::Response<Empty>, tonic::Status> {
        tracing::debug!("shutdown requested");
        stop(&self.shutdown);
        Ok(tonic::Response::new(Empty {}))
    }
}

/// A plain stream from either listener.
#[derive(Debug)]
enum Plain {
    Unix(UnixStream),
    Tcp(TcpStream),
}

/// A connection as tonic serves it.
#[derive(Debug)]
enum Conn {
    Plain(Plain),
    Tls(Box<tokio_rustls::server::TlsStream<Plain>>),
}

impl Connected for Conn {
    type ConnectInfo = ();
    fn connect_info(&self) -> Self::ConnectInfo {}
}

macro_rules! delegate_io {
    ($ty:ty, $($variant:path),+) => {
        impl AsyncRead for $ty {
            fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<std::io::Result<()>> {
                match self.get_mut() { $($variant(s) => Pin::new(s).poll_read(cx, buf),)+ }
            }
        }
        impl AsyncWrite for $ty {
            fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<std::io::Result<usize>> {
                match self.get_mut() { $($variant(s) => Pin::new(s).poll_write(cx, buf),)+ }
            }
            fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
                match self.get_mut() { $($variant(s) => Pin::new(s).poll_flush(cx),)+ }
            }
            fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
                match self.get_mut() { $($variant(s) => Pin::new(s).poll_shutdown(cx),)+ }
            }
            fn poll_write_vectored(self: Pin<&mut Self>, cx: &mut Context<'_>, bufs: &[std::io::IoSlice<'_>]) -> Poll<std::io::Result<usize>> {
                match self.get_mut() { $($variant(s) => Pin::new(s).poll_write_vectored(cx, bufs),)+ }
            }
            fn is_write_vectored(&self) -> bool {
                match self { $($variant(s) => s.is_write_vectored(),)+ }
            }
        }
    };
}

delegate_io!(Plain, Plain::Unix, Plain::Tcp);
delegate_io!(Conn, Conn::Plain, Conn::Tls);
