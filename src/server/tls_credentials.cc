#include "server/tls_credentials.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <fstream>
#include <sstream>

namespace elanus::server {
namespace {

Result<std::string> ReadPem(const char* key, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IOError(std::string(key) + " '" + path + "': cannot read the file");
  std::ostringstream ss;
  ss << in.rdbuf();
  if (ss.str().empty()) return Status::InvalidArgument(std::string(key) + " '" + path + "': empty");
  return ss.str();
}

struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
struct KeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};

std::unique_ptr<BIO, BioFree> MemBio(const std::string& pem) {
  return std::unique_ptr<BIO, BioFree>(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
}

Result<std::unique_ptr<X509, X509Free>> ParseCert(const char* key, const std::string& path,
                                                  const std::string& pem) {
  auto bio = MemBio(pem);
  std::unique_ptr<X509, X509Free> cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  ERR_clear_error();
  if (!cert) {
    return Status::InvalidArgument(std::string(key) + " '" + path + "': not a PEM certificate");
  }
  return cert;
}

}  // namespace

Result<std::shared_ptr<grpc::ServerCredentials>> MakeServerCredentials(const ServeOptions& o) {
  if (o.tls_mode == 0) return grpc::InsecureServerCredentials();
  if (o.tls_mode != 1 && o.tls_mode != 2) {
    return Status::InvalidArgument("common.security.tlsMode = " + std::to_string(o.tls_mode) +
                                   ": expected 0, 1 or 2");
  }
  ELANUS_ASSIGN_OR_RETURN(std::string cert_pem, ReadPem("tls.serverPemPath", o.tls_server_pem));
  ELANUS_ASSIGN_OR_RETURN(std::string key_pem, ReadPem("tls.serverKeyPath", o.tls_server_key));
  ELANUS_ASSIGN_OR_RETURN(auto cert, ParseCert("tls.serverPemPath", o.tls_server_pem, cert_pem));
  auto kbio = MemBio(key_pem);
  std::unique_ptr<EVP_PKEY, KeyFree> pkey(
      PEM_read_bio_PrivateKey(kbio.get(), nullptr, nullptr, nullptr));
  ERR_clear_error();
  if (!pkey) {
    return Status::InvalidArgument("tls.serverKeyPath '" + o.tls_server_key +
                                   "': not an unencrypted PEM private key");
  }
  if (X509_check_private_key(cert.get(), pkey.get()) != 1) {
    ERR_clear_error();
    return Status::InvalidArgument("tls.serverKeyPath '" + o.tls_server_key +
                                   "' does not match the certificate in tls.serverPemPath '" +
                                   o.tls_server_pem + "'");
  }
  grpc::SslServerCredentialsOptions ssl;
  ssl.pem_key_cert_pairs.push_back({key_pem, cert_pem});
  if (o.tls_mode == 2) {
    ELANUS_ASSIGN_OR_RETURN(std::string ca_pem, ReadPem("tls.caPemPath", o.tls_ca_pem));
    ELANUS_RETURN_IF_ERROR(ParseCert("tls.caPemPath", o.tls_ca_pem, ca_pem).status());
    ssl.pem_root_certs = ca_pem;
    ssl.client_certificate_request = GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY;
  } else {
    ssl.client_certificate_request = GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE;
  }
  return grpc::SslServerCredentials(ssl);
}

}  // namespace elanus::server
