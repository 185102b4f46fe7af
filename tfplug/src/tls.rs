//! AutoMTLS as go-plugin does it: Terraform passes its throw-away client certificate in
//! `PLUGIN_CLIENT_CERT`; we make a fresh self-signed server certificate per launch, put it in
//! the handshake line, require a client certificate and accept exactly Terraform's.
//!
//! Two facts shape this code (protocol notes §2.3): Terraform's certificate is P-521/SHA-512
//! (so the aws-lc-rs provider, which verifies it), and it is a CA certificate, which
//! rustls' stock WebPKI client verifier rejects as an end entity — hence the pinning verifier.

use std::sync::Arc;

use rustls::client::danger::HandshakeSignatureValid;
use rustls::crypto::{CryptoProvider, WebPkiSupportedAlgorithms};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, UnixTime};
use rustls::server::danger::{ClientCertVerified, ClientCertVerifier};
use rustls::{CertificateError, DigitallySignedStruct, DistinguishedName, ServerConfig, SignatureScheme};

/// The server side of AutoMTLS: the rustls config and the certificate for the handshake line.
#[derive(Debug)]
pub struct AutoMtls {
    /// Server config that accepts only the client's certificate.
    pub config: Arc<ServerConfig>,
    /// The server's self-signed certificate (DER), sent to the client in the handshake line.
    pub server_cert_der: Vec<u8>,
}

/// Why AutoMTLS could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    /// The client's certificate could not be read.
    #[error("PLUGIN_CLIENT_CERT does not hold a PEM certificate: {0}")]
    ClientCert(String),
    /// The server's certificate could not be generated.
    #[error("could not create the server certificate: {0}")]
    ServerCert(String),
    /// rustls refused the configuration.
    #[error("TLS configuration: {0}")]
    Config(#[from] rustls::Error),
}

impl AutoMtls {
    /// Builds the TLS config for a client certificate given as PEM.
    pub fn new(client_cert_pem: &str) -> Result<AutoMtls, TlsError> {
        let client =
            CertificateDer::from_pem_slice(client_cert_pem.as_bytes()).map_err(|e| TlsError::ClientCert(e.to_string()))?.into_owned();

        let key = rcgen::KeyPair::generate().map_err(|e| TlsError::ServerCert(e.to_string()))?;
        let mut params = rcgen::CertificateParams::new(vec!["localhost".to_string()]).map_err(|e| TlsError::ServerCert(e.to_string()))?;
        let now = std::time::SystemTime::now();
        params.not_before = (now - std::time::Duration::from_secs(30)).into();
        params.not_after = (now + std::time::Duration::from_secs(30 * 24 * 3600)).into();
        params.distinguished_name.push(rcgen::DnType::OrganizationName, "HashiCorp");
        params.distinguished_name.push(rcgen::DnType::CommonName, "localhost");
        params.extended_key_usages = vec![rcgen::ExtendedKeyUsagePurpose::ServerAuth, rcgen::ExtendedKeyUsagePurpose::ClientAuth];
        let cert = params.self_signed(&key).map_err(|e| TlsError::ServerCert(e.to_string()))?;
        let server_cert_der = cert.der().to_vec();

        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let verifier = PinnedClientCert { expected: client, algs: provider.signature_verification_algorithms };
        let mut config = ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()?
            .with_client_cert_verifier(Arc::new(verifier))
            .with_single_cert(
                vec![CertificateDer::from(server_cert_der.clone())],
                PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
            )?;
        config.alpn_protocols = vec![b"h2".to_vec()];
        Ok(AutoMtls { config: Arc::new(config), server_cert_der })
    }
}

/// Accepts exactly one client certificate, byte for byte, and checks the handshake signature
/// with it.
#[derive(Debug)]
struct PinnedClientCert {
    expected: CertificateDer<'static>,
    algs: WebPkiSupportedAlgorithms,
}

impl ClientCertVerifier for PinnedClientCert {
    fn offer_client_auth(&self) -> bool {
        true
    }
    fn client_auth_mandatory(&self) -> bool {
        true
    }
    fn root_hint_subjects(&self) -> &[DistinguishedName] {
        &[]
    }
    fn verify_client_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _now: UnixTime,
    ) -> Result<ClientCertVerified, rustls::Error> {
        if end_entity.as_ref() == self.expected.as_ref() {
            Ok(ClientCertVerified::assertion())
        } else {
            Err(rustls::Error::InvalidCertificate(CertificateError::ApplicationVerificationFailure))
        }
    }
    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algs)
    }
    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algs)
    }
    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algs.supported_schemes()
    }
}

/// The crypto provider every TLS user in the process shares (server and REST client).
pub fn install_default_provider() {
    let _ = CryptoProvider::install_default(rustls::crypto::aws_lc_rs::default_provider());
}
