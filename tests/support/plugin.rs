//! The provider binary launched as Terraform's go-plugin client launches it: the environment,
//! the handshake line on stdout, AutoMTLS with a pinned client certificate, gRPC over the unix
//! socket with ALPN h2, and the go-plugin side services. Used by the protocol tests and
//! one end-to-end test (`support::plugin`).
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::Engine as _;
use hyper_util::rt::TokioIo;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName};
use tfplug::proto::tfplugin6::provider_client::ProviderClient;
use tfplug::transport::MAGIC_COOKIE_VALUE;
use tokio::net::UnixStream;

pub const BIN: &str = env!("CARGO_BIN_EXE_terraform-provider-telnyx");

/// A client certificate: (PEM for `PLUGIN_CLIENT_CERT`, DER, PKCS#8 key).
pub type ClientIdentity = (String, Vec<u8>, Vec<u8>);

fn self_signed(alg: &'static rcgen::SignatureAlgorithm) -> ClientIdentity {
    let key = rcgen::KeyPair::generate_for(alg).unwrap();
    let mut params = rcgen::CertificateParams::new(vec!["localhost".into()]).unwrap();
    params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    let cert = params.self_signed(&key).unwrap();
    (cert.pem(), cert.der().to_vec(), key.serialize_der())
}

/// A client certificate like Terraform's (self-signed, CA:TRUE, SAN localhost).
pub fn client_identity() -> ClientIdentity {
    self_signed(&rcgen::PKCS_ECDSA_P384_SHA384)
}

/// The certificate go-plugin's AutoMTLS really makes (`mtls.go` generateCert): ECDSA P-521
/// signed with SHA-512, CA:TRUE, SAN localhost.
pub fn go_plugin_identity() -> ClientIdentity {
    self_signed(&rcgen::PKCS_ECDSA_P521_SHA512)
}

pub struct Plugin {
    pub child: std::process::Child,
    pub network: String,
    pub address: String,
    pub server_cert: Vec<u8>,
    /// The plugin's socket directory (PLUGIN_UNIX_SOCKET_DIR), empty again once it stopped.
    pub sockets: tempfile::TempDir,
    /// Its working directory, as Terraform's would be (the create journal goes under it).
    pub work: tempfile::TempDir,
}

impl Plugin {
    /// Stops the plugin as a signal from outside Terraform would (SIGTERM), then as Terraform
    /// does when a plugin ignores Shutdown for 2 s (SIGKILL). Returns whether it stopped in time.
    pub fn terminate(&mut self) -> bool {
        if self.child.try_wait().unwrap().is_some() {
            return true;
        }
        let _ = Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status();
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(2) {
            if self.child.try_wait().unwrap().is_some() {
                return true;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        false
    }

    /// Files left in the socket directory.
    pub fn leftovers(&self) -> Vec<String> {
        std::fs::read_dir(self.sockets.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect()
    }
}

impl Drop for Plugin {
    fn drop(&mut self) {
        let stopped = self.terminate();
        if !std::thread::panicking() {
            assert!(stopped, "the plugin ignored SIGTERM");
            assert_eq!(self.leftovers(), Vec::<String>::new(), "the plugin left its socket behind");
        }
    }
}

/// Starts the plugin with go-plugin's environment (cookie, protocol versions, port range,
/// client certificate) and reads and checks its handshake line.
pub fn launch(client_pem: &str) -> Plugin {
    launch_with(client_pem, &[])
}

/// [`launch`] with more environment variables (what Terraform's own environment carries).
pub fn launch_with(client_pem: &str, env: &[(&str, &str)]) -> Plugin {
    let sockets = tempfile::tempdir().unwrap();
    let work = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(BIN);
    cmd.current_dir(work.path())
        .env("TF_PLUGIN_MAGIC_COOKIE", MAGIC_COOKIE_VALUE)
        .env("PLUGIN_UNIX_SOCKET_DIR", sockets.path())
        .env("PLUGIN_PROTOCOL_VERSIONS", "5,6")
        .env("PLUGIN_MIN_PORT", "10000")
        .env("PLUGIN_MAX_PORT", "25000")
        .env("PLUGIN_CLIENT_CERT", client_pem)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let fields: Vec<&str> = line.trim_end_matches('\n').split('|').collect();
    assert_eq!(fields.len(), 6, "handshake line {line:?}");
    assert_eq!(&fields[..3], &["1", "6", "unix"], "{line:?}");
    assert_eq!(fields[4], "grpc");
    assert!(!fields[5].contains('='), "server cert must be unpadded base64");
    let server_cert = base64::engine::general_purpose::STANDARD_NO_PAD.decode(fields[5]).unwrap();
    assert!(fields[3].starts_with(sockets.path().to_str().unwrap()), "socket outside PLUGIN_UNIX_SOCKET_DIR: {line:?}");
    Plugin { child, network: fields[2].into(), address: fields[3].into(), server_cert, sockets, work }
}

/// Connects like Terraform: TLS to `localhost`, trusting only the handshake's cert,
/// presenting (or not) the client certificate, ALPN h2.
pub async fn connect(p: &Plugin, identity: Option<(&[u8], &[u8])>) -> Result<tonic::transport::Channel, tonic::transport::Error> {
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let mut roots = rustls::RootCertStore::empty();
    roots.add(CertificateDer::from(p.server_cert.clone())).unwrap();
    let builder =
        rustls::ClientConfig::builder_with_provider(provider).with_safe_default_protocol_versions().unwrap().with_root_certificates(roots);
    let mut cfg = match identity {
        Some((cert, key)) => builder
            .with_client_auth_cert(vec![CertificateDer::from(cert.to_vec())], PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.to_vec())))
            .unwrap(),
        None => builder.with_no_client_auth(),
    };
    cfg.alpn_protocols = vec![b"h2".to_vec()];
    let connector = tokio_rustls::TlsConnector::from(Arc::new(cfg));
    let path = p.address.clone();
    assert_eq!(p.network, "unix");
    tonic::transport::Endpoint::try_from("http://localhost")
        .unwrap()
        .connect_with_connector(tower::service_fn(move |_| {
            let connector = connector.clone();
            let path = path.clone();
            async move {
                let s = UnixStream::connect(path).await?;
                let tls = connector.connect(ServerName::try_from("localhost").unwrap(), s).await?;
                Ok::<_, std::io::Error>(TokioIo::new(tls))
            }
        }))
        .await
}

/// A launched plugin and a client connected to it as Terraform connects.
pub async fn serving() -> (Plugin, ProviderClient<tonic::transport::Channel>) {
    let (pem, der, key) = client_identity();
    let p = launch(&pem);
    let ch = connect(&p, Some((&der, &key))).await.expect("mTLS connection");
    (p, ProviderClient::new(ch))
}
