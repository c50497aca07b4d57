"""Authentication, users and TLS against the real pymilvus.

Auth off: no credentials needed. Auth on (`--auth` or the YAML key
common.security.authorizationEnabled): calls without or with wrong credentials are refused with
gRPC UNAUTHENTICATED (Milvus's reasons); root/Milvus, the token form and created users work;
deleted users are refused; passwords change; users survive a restart. TLS one-way and mutual
with certificates made here by the `openssl` CLI.
"""

import base64
import subprocess

import grpc
import pytest
from pymilvus import MilvusClient
from pymilvus.exceptions import MilvusException

from conftest import BIN, Server

DIM = 4


def rejected(fn):
    """Runs fn, expects a refusal; returns the gRPC error underneath pymilvus's exception."""
    # pymilvus wraps failures of its Connect handshake in MilvusException; other RPCs refused
    # with a gRPC status (UNAUTHENTICATED, PERMISSION_DENIED) surface as grpc.RpcError.
    with pytest.raises((MilvusException, grpc.RpcError)) as e:
        fn()
    if isinstance(e.value, grpc.RpcError):
        return e.value, e.value
    err = e.value.__cause__ if isinstance(e.value.__cause__, grpc.RpcError) else None
    return e.value, err


def probe(srv, token=None, channel_creds=None, host="127.0.0.1"):
    """One Connect call on a fresh channel (pymilvus caches connections per address and user,
    so refusals are checked here without it). Returns (gRPC code, details)."""
    from pymilvus.grpc_gen import milvus_pb2, milvus_pb2_grpc
    target = f"{host}:{srv.port}"
    ch = (grpc.secure_channel(target, channel_creds,
                              options=[("grpc.ssl_target_name_override", "localhost")])
          if channel_creds else grpc.insecure_channel(target))
    md = [("authorization", base64.b64encode(token.encode()).decode())] if token else []
    try:
        milvus_pb2_grpc.MilvusServiceStub(ch).Connect(milvus_pb2.ConnectRequest(), metadata=md,
                                                      timeout=10)
        return grpc.StatusCode.OK, ""
    except grpc.RpcError as e:
        return e.code(), e.details()
    finally:
        ch.close()


@pytest.fixture
def auth_server(tmp_path):
    srv = Server(tmp_path / "data", ["--auth"]).start()
    yield srv
    srv.stop()


def test_auth_off_needs_no_credentials(client):
    assert isinstance(client.list_collections(), list)
    # Users can still be managed with auth off, like Milvus.
    assert "root" in client.list_users()


def test_no_or_wrong_credentials_are_rejected(auth_server):
    exc, err = rejected(lambda: MilvusClient(auth_server.uri))
    assert err is not None and err.code() == grpc.StatusCode.UNAUTHENTICATED
    assert "missing authorization" in err.details()
    for kwargs in ({"token": "root:wrong"}, {"user": "root", "password": "nope"},
                   {"token": "ghost:Milvus"}, {"token": "no-colon"}):
        exc, err = rejected(lambda: MilvusClient(auth_server.uri, **kwargs))
        assert err is not None and err.code() == grpc.StatusCode.UNAUTHENTICATED, kwargs
        assert "auth check failure" in err.details(), kwargs


def test_root_default_password_user_and_token_forms(auth_server, name):
    by_user = MilvusClient(auth_server.uri, user="root", password="Milvus")
    by_token = MilvusClient(auth_server.uri, token="root:Milvus")
    by_user.create_collection(name, dimension=DIM)
    by_user.insert(name, [{"id": i, "vector": [float(i)] * DIM} for i in range(5)])
    rows = by_token.query(name, filter="id >= 0", output_fields=["count(*)"],
                          consistency_level="Strong")
    assert rows[0]["count(*)"] == 5
    assert sorted(by_token.list_users()) == ["root"]
    by_user.close()
    by_token.close()


def test_user_lifecycle(auth_server, name):
    root = MilvusClient(auth_server.uri, token="root:Milvus")
    root.create_user("alice", "password1")
    assert sorted(root.list_users()) == ["alice", "root"]
    with pytest.raises(MilvusException) as e:
        root.create_user("alice", "password2")
    assert e.value.code == 1100 and "alice" in e.value.message
    with pytest.raises(MilvusException) as e:
        root.create_user("1bad", "password2")
    assert e.value.code == 1100 and "first character" in e.value.message
    with pytest.raises(MilvusException) as e:
        root.create_user("bob", "short")
    assert e.value.code == 1100 and "password" in e.value.message

    alice = MilvusClient(auth_server.uri, token="alice:password1")
    alice.create_collection(name, dimension=DIM)
    alice.insert(name, [{"id": 1, "vector": [1.0] * DIM}])
    assert alice.query(name, filter="id == 1", consistency_level="Strong")[0]["id"] == 1
    # Only root manages users until RBAC exists.
    exc, err = rejected(lambda: alice.create_user("mallory", "password1"))
    assert err is not None and err.code() == grpc.StatusCode.PERMISSION_DENIED

    # Password update: the old password must match (unless root does it).
    with pytest.raises(MilvusException) as e:
        alice.update_password("alice", "wrong-old", "password2")
    assert e.value.code == 1100 and "old password" in e.value.message
    alice.update_password("alice", "password1", "password2")
    assert probe(auth_server, "alice:password1")[0] == grpc.StatusCode.UNAUTHENTICATED
    assert probe(auth_server, "alice:password2")[0] == grpc.StatusCode.OK
    root.update_password("alice", "", "password3")
    assert probe(auth_server, "alice:password2")[0] == grpc.StatusCode.UNAUTHENTICATED
    assert probe(auth_server, "alice:password3")[0] == grpc.StatusCode.OK

    # root cannot be deleted; a deleted user is refused, even on an open connection.
    with pytest.raises(MilvusException) as e:
        root.drop_user("root")
    assert e.value.code == 1100 and "root" in e.value.message
    alice.close()
    alice3 = MilvusClient(auth_server.uri, token="alice:password3")
    assert name in alice3.list_collections()
    root.drop_user("alice")
    assert root.list_users() == ["root"]
    exc, err = rejected(lambda: alice3.list_collections())  # the open connection too
    assert err is not None and err.code() == grpc.StatusCode.UNAUTHENTICATED
    assert probe(auth_server, "alice:password3")[0] == grpc.StatusCode.UNAUTHENTICATED
    root.close()
    alice3.close()


def test_users_survive_restart(auth_server):
    root = MilvusClient(auth_server.uri, token="root:Milvus")
    root.create_user("carol", "password1")
    root.update_password("root", "Milvus", "NewRoot123")
    root.close()
    auth_server.restart()
    assert probe(auth_server, "root:Milvus")[0] == grpc.StatusCode.UNAUTHENTICATED
    root = MilvusClient(auth_server.uri, token="root:NewRoot123")
    assert sorted(root.list_users()) == ["carol", "root"]
    carol = MilvusClient(auth_server.uri, token="carol:password1")
    assert isinstance(carol.list_collections(), list)
    root.close()
    carol.close()


def test_yaml_config_enables_auth(tmp_path):
    cfg = tmp_path / "elanus.yaml"
    cfg.write_text("common:\n  security:\n    authorizationEnabled: true\n"
                   "    defaultRootPassword: FirstRoot1\n")
    srv = Server(tmp_path / "data", ["--config", str(cfg)]).start()
    try:
        assert probe(srv)[0] == grpc.StatusCode.UNAUTHENTICATED
        assert probe(srv, "root:Milvus")[0] == grpc.StatusCode.UNAUTHENTICATED
        assert probe(srv, "root:FirstRoot1")[0] == grpc.StatusCode.OK
        c = MilvusClient(srv.uri, token="root:FirstRoot1")
        assert c.list_users() == ["root"]
        c.close()
    finally:
        srv.stop()


def test_bad_config_is_a_clear_startup_error(tmp_path):
    cfg = tmp_path / "elanus.yaml"
    cfg.write_text("common:\n  security:\n    authorizationEnabld: true\n")
    r = subprocess.run([str(BIN), "serve", "--config", str(cfg), "--data-dir",
                        str(tmp_path / "d")], capture_output=True, text=True, timeout=60)
    assert r.returncode == 2
    assert "common.security.authorizationEnabld" in r.stderr


# ---- TLS ----------------------------------------------------------------------------------


def openssl(*args, cwd):
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


@pytest.fixture(scope="module")
def certs(tmp_path_factory):
    d = tmp_path_factory.mktemp("certs")
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out",
            "ca.pem", "-days", "2", "-subj", "/CN=elanus-test-ca", cwd=d)
    (d / "server.ext").write_text("subjectAltName=DNS:localhost,IP:127.0.0.1\n")
    for who in ("server", "client", "stranger"):
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", f"{who}.key", "-out",
                f"{who}.csr", "-subj", f"/CN={who if who != 'server' else 'localhost'}", cwd=d)
    for who in ("server", "client"):
        extra = ["-extfile", "server.ext"] if who == "server" else []
        openssl("x509", "-req", "-in", f"{who}.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
                "-CAcreateserial", "-out", f"{who}.pem", "-days", "2", *extra, cwd=d)
    # A client certificate the server's CA did not sign.
    openssl("x509", "-req", "-in", "stranger.csr", "-signkey", "stranger.key", "-out",
            "stranger.pem", "-days", "2", cwd=d)
    return d


def tls_args(certs, mode):
    args = ["--tls-mode", str(mode), "--tls-server-pem", str(certs / "server.pem"),
            "--tls-server-key", str(certs / "server.key")]
    if mode == 2:
        args += ["--tls-ca-pem", str(certs / "ca.pem")]
    return args


def test_tls_one_way(tmp_path, certs, name):
    srv = Server(tmp_path / "data", tls_args(certs, 1)).start()
    try:
        uri = f"https://localhost:{srv.port}"
        c = MilvusClient(uri, secure=True, server_pem_path=str(certs / "ca.pem"),
                         server_name="localhost")
        c.create_collection(name, dimension=DIM)
        c.insert(name, [{"id": 7, "vector": [1.0] * DIM}])
        assert c.query(name, filter="id == 7", consistency_level="Strong")[0]["id"] == 7
        c.close()
        # A plaintext client cannot talk to the TLS port.
        assert probe(srv)[0] == grpc.StatusCode.UNAVAILABLE
    finally:
        srv.stop()


def test_tls_mutual_with_auth(tmp_path, certs, name):
    srv = Server(tmp_path / "data", tls_args(certs, 2) + ["--auth"]).start()
    try:
        uri = f"https://localhost:{srv.port}"
        good = dict(secure=True, client_pem_path=str(certs / "client.pem"),
                    client_key_path=str(certs / "client.key"), ca_pem_path=str(certs / "ca.pem"),
                    server_name="localhost")
        c = MilvusClient(uri, token="root:Milvus", **good)
        c.create_collection(name, dimension=DIM)
        assert name in c.list_collections()
        c.close()
        # Right certificate, wrong password: still refused by authentication.
        read = lambda f: (certs / f).read_bytes()  # noqa: E731
        mtls = grpc.ssl_channel_credentials(read("ca.pem"), read("client.key"), read("client.pem"))
        assert probe(srv, "root:bad", mtls, "localhost")[0] == grpc.StatusCode.UNAUTHENTICATED
        assert probe(srv, "root:Milvus", mtls, "localhost")[0] == grpc.StatusCode.OK
        # No client certificate: the TLS handshake fails (gRPC reports UNAVAILABLE).
        no_cert = grpc.ssl_channel_credentials(read("ca.pem"))
        assert probe(srv, "root:Milvus", no_cert, "localhost")[0] == grpc.StatusCode.UNAVAILABLE
        # A client certificate the CA did not sign: the handshake fails too.
        stranger = grpc.ssl_channel_credentials(read("ca.pem"), read("stranger.key"),
                                                read("stranger.pem"))
        assert probe(srv, "root:Milvus", stranger, "localhost")[0] == grpc.StatusCode.UNAVAILABLE
    finally:
        srv.stop()


@pytest.mark.parametrize("bad,needle", [
    (["--tls-server-pem", "/nonexistent/server.pem"], "tls.serverPemPath '/nonexistent/server.pem'"),
    (["--tls-server-key", "/nonexistent/server.key"], "tls.serverKeyPath '/nonexistent/server.key'"),
    (["--tls-server-key", "CLIENT_KEY"], "does not match"),
])
def test_tls_startup_errors_name_the_file(tmp_path, certs, bad, needle):
    args = tls_args(certs, 1)
    bad = [str(certs / "client.key") if b == "CLIENT_KEY" else b for b in bad]
    args[args.index(bad[0]) + 1] = bad[1]
    r = subprocess.run([str(BIN), "serve", "--data-dir", str(tmp_path / "d"), "--port", "0",
                        "--health-port", "0", *args], capture_output=True, text=True, timeout=60)
    assert r.returncode == 1, r.stderr
    assert needle in r.stderr, r.stderr


def test_rest_api_uses_the_same_authentication(auth_server):
    from test_rest import Rest

    r = Rest(auth_server.port)
    try:
        out = r.call("collections/list", expect_ok=False)
        assert out["code"] == 1400 and "authorization" in out["message"], out
        out = r.call("collections/list", expect_ok=False,
                     headers={"Authorization": "Bearer root:wrong"})
        assert out["code"] == 1400 and "auth check failure" in out["message"], out
        out = r.call("collections/list", headers={"Authorization": "Bearer root:Milvus"})
        assert isinstance(out["data"], list)
    finally:
        r.close()
