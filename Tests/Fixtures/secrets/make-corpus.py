#!/usr/bin/env python3
"""Writes naner's secret corpus (this folder) and non-secret corpus (../not-secrets).

    python3 Tests/Fixtures/secrets/make-corpus.py           # rewrite both corpora and manifests
    python3 Tests/Fixtures/secrets/make-corpus.py --fresh   # also remake what the tools made

Each case is one file, in its tool's real format, at its real path below a home:
secrets/CASE/PATH and not-secrets/CASE/PATH. secrets/MANIFEST.tsv lists
`case<TAB>path<TAB>rule-id<TAB>needle`, the needle being the exact secret bytes
(`hex:` for a binary file); not-secrets/MANIFEST.tsv lists `case<TAB>path`.

Every token is random but has its provider's real shape (prefix, length,
alphabet, and the CRC-32 checksum where GitHub and npm have one). Each case draws
from its own random.Random seeded with its name, so the output is the same on
every run and adding a case changes no other. Keys are made in Python too
(corpuskit.py). What needs a cipher (encrypted keys, PKCS#12, PGP) or a CA's
signature (certificates) is made by openssl, ssh-keygen and gpg, once: such a
file is kept as it is on later runs unless --fresh is given.

One secret a file, as far as the format allows. Where a format holds two (an AWS
access key id and its secret key), the manifest names the first. A provider's
token written where a generic rule would also see it (`password = pypi-…`,
`https://u:ghp_…@github.com`) names the provider's rule: see README.md.
"""
import base64
import hashlib
import hmac
import json
import os
import random
import re
import shutil
import string
import subprocess
import sys
import tempfile
import textwrap

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import corpuskit as kit  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
NOT_SECRETS = os.path.join(os.path.dirname(HERE), "not-secrets")
FRESH = "--fresh" in sys.argv

ALNUM = string.ascii_letters + string.digits
UPPER_ALNUM = string.ascii_uppercase + string.digits
LOWER_ALNUM = string.ascii_lowercase + string.digits
HEX = "0123456789abcdef"
B64 = ALNUM + "+/"
B64URL = ALNUM + "-_"
# What a placeholder looks like (naner must let those through): no generated value may hold one.
PLACEHOLDER_MARKS = ["example", "placeholder", "dummy", "redacted", "changeme", "your-", "xxxx", "****",
                     "<token>", "${", "$(", "{{", "sample", "fake", "test"]


def T(text):
    return textwrap.dedent(text).lstrip("\n")


class Case:
    def __init__(self, root, name, path):
        self.name, self.path = name, path
        self.rng = random.Random("naner-corpus/" + name)
        self.file = os.path.join(root, name, path)
        self.existing = None
        if not FRESH and os.path.exists(self.file):
            with open(self.file, "rb") as f:
                self.existing = f.read()

    # Random values in a provider's alphabet, never holding a placeholder's mark.
    def rand(self, alphabet, n):
        while True:
            value = "".join(self.rng.choice(alphabet) for _ in range(n))
            low = value.lower()
            if not any(m in low for m in PLACEHOLDER_MARKS) and not re.search(r"(.)\1\1\1", value):
                return value

    def alnum(self, n):
        return self.rand(ALNUM, n)

    def hex(self, n):
        return self.rand(HEX, n)

    def digits(self, n):
        return self.rand("123456789", 1) + self.rand(string.digits, n - 1)

    def bytes(self, n):
        return bytes(self.rng.getrandbits(8) for _ in range(n))

    def uuid(self):
        h = self.hex(32)
        return "%s-%s-4%s-%s%s-%s" % (h[:8], h[8:12], h[13:16], self.rng.choice("89ab"), h[17:20], h[20:32])

    def password(self, n=24):
        return self.rand(ALNUM + "-_.", n)

    # Provider shapes.
    def github(self, prefix):
        body = self.alnum(30)
        return prefix + body + kit.base62_crc32(body)

    def github_pat(self):
        return "github_pat_" + self.alnum(22) + "_" + self.alnum(59)

    def npm(self):
        body = self.alnum(30)
        return "npm_" + body + kit.base62_crc32(body)

    def aws_key_id(self):
        return "AKIA" + self.rand(string.ascii_uppercase + "234567", 16)

    def aws_secret(self):
        return self.rand(B64, 40)

    def openai_project(self, kind="proj"):
        return "sk-%s-%s%sT3BlbkFJ%s%s" % (kind, self.rand(B64URL, 54), self.alnum(20), self.alnum(20),
                                           self.rand(B64URL, 54))

    def ed25519(self):
        return kit.Ed25519Key(self.rng)

    def rsa(self, bits=2048):
        return kit.RSAKey(self.rng, bits)

    def ec(self, curve="nistp256"):
        return kit.ECKey(self.rng, curve)

    def check(self):
        return self.rng.getrandbits(32)

    def tool(self, make):
        """Bytes a tool made: the file as it is, or made now (first run, --fresh)."""
        if self.existing is not None:
            return self.existing
        out = make()
        return out.encode() if isinstance(out, str) else out


SECRET_CASES = []
NOT_SECRET_CASES = []


def secret(name, path, rule):
    def register(fn):
        SECRET_CASES.append((name, path, rule, fn))
        return fn
    return register


def not_secret(name, path):
    def register(fn):
        NOT_SECRET_CASES.append((name, path, fn))
        return fn
    return register

# ------------------------------------------------------------------ tools (openssl, ssh-keygen, gpg)


def run(args, data=None, env=None, cwd=None):
    result = subprocess.run(args, input=data, capture_output=True, env=env, cwd=cwd)
    if result.returncode:
        sys.exit("%s failed: %s" % (" ".join(args), result.stderr.decode(errors="replace")))
    return result.stdout


def first_body_line(text, label):
    """The first line of base64 below `-----BEGIN label-----` (after any header lines)."""
    lines = text.split("\n")
    start = lines.index("-----BEGIN %s-----" % label) + 1
    for line in lines[start:]:
        if line and ":" not in line and not line.startswith(" "):
            return line
    raise ValueError("no body under " + label)


def self_signed_ca(common_name, days=3650):
    with tempfile.TemporaryDirectory() as tmp:
        key, cert = os.path.join(tmp, "ca.key"), os.path.join(tmp, "ca.crt")
        run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
             "-keyout", key, "-out", cert, "-days", str(days), "-subj", "/CN=" + common_name,
             "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"])
        return open(key).read(), open(cert).read()


def issue_cert(ca_key, ca_cert, key_pem, subject, days=365, extensions=""):
    with tempfile.TemporaryDirectory() as tmp:
        paths = {n: os.path.join(tmp, n) for n in ("ca.key", "ca.crt", "leaf.key", "leaf.csr", "leaf.crt", "ext")}
        for name, content in (("ca.key", ca_key), ("ca.crt", ca_cert), ("leaf.key", key_pem), ("ext", extensions)):
            open(paths[name], "w").write(content)
        run(["openssl", "req", "-new", "-key", paths["leaf.key"], "-subj", subject, "-out", paths["leaf.csr"]])
        args = ["openssl", "x509", "-req", "-in", paths["leaf.csr"], "-CA", paths["ca.crt"], "-CAkey",
                paths["ca.key"], "-CAcreateserial", "-days", str(days), "-out", paths["leaf.crt"]]
        if extensions:
            args += ["-extfile", paths["ext"]]
        run(args)
        return open(paths["leaf.crt"]).read()


def openssl_key(args):
    return run(["openssl"] + args).decode()


def gpg_export(name_email, secret_keys, passphrase="horse battery staple 2019"):
    home = tempfile.mkdtemp(prefix="corpus-gnupg.")
    try:
        env = dict(os.environ, GNUPGHOME=home)
        base = ["gpg", "--batch", "--quiet", "--pinentry-mode", "loopback", "--passphrase", passphrase]
        run(base + ["--quick-gen-key", name_email, "ed25519", "sign,cert", "2y"], env=env)
        fingerprint = re.search(rb"fpr:+([0-9A-F]{40}):", run(["gpg", "--with-colons", "--list-keys"], env=env)).group(1)
        run(base + ["--quick-add-key", fingerprint.decode(), "cv25519", "encr", "2y"], env=env)
        what = "--export-secret-keys" if secret_keys else "--export"
        return run(base + ["--armor", what, name_email], env=env).decode()
    finally:
        shutil.rmtree(home, ignore_errors=True)


def ssh_keygen_encrypted(comment, passphrase):
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "key")
        run(["ssh-keygen", "-q", "-t", "ed25519", "-a", "100", "-N", passphrase, "-C", comment, "-f", path])
        return open(path).read()


def pkcs12(common_name, passphrase, name):
    with tempfile.TemporaryDirectory() as tmp:
        key, cert, out = (os.path.join(tmp, n) for n in ("k.pem", "c.pem", "out.p12"))
        run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
             "-days", "730", "-subj", "/CN=" + common_name])
        run(["openssl", "pkcs12", "-export", "-inkey", key, "-in", cert, "-name", name, "-out", out,
             "-passout", "pass:" + passphrase])
        return open(out, "rb").read()


def p12_needle(content):
    middle = len(content) // 2
    return "hex:" + content[middle:middle + 32].hex()

# ================================================================== the secret corpus
# ---------------------------------------------------------------- private keys


@secret("ssh-ed25519", ".ssh/id_ed25519", "openssh-private-key")
def _(c):
    key = c.ed25519().openssh("alice@thinkpad", c.check())
    return key, first_body_line(key, "OPENSSH PRIVATE KEY")


@secret("ssh-ed25519-passphrase", ".ssh/id_ed25519_work", "openssh-private-key")
def _(c):
    key = c.tool(lambda: ssh_keygen_encrypted("alice@corp-laptop", "Gl4cier-Tr41l-Morning")).decode()
    return key, first_body_line(key, "OPENSSH PRIVATE KEY")


@secret("ssh-rsa-openssh", ".ssh/id_rsa", "openssh-private-key")
def _(c):
    key = c.rsa(3072).openssh("alice@desktop", c.check())
    return key, first_body_line(key, "OPENSSH PRIVATE KEY")


@secret("ssh-ecdsa-openssh", ".ssh/id_ecdsa", "openssh-private-key")
def _(c):
    key = c.ec("nistp256").openssh("alice@nas", c.check())
    return key, first_body_line(key, "OPENSSH PRIVATE KEY")


@secret("ssh-rsa-pem", ".ssh/deploy_rsa", "pem-private-key")
def _(c):
    key = kit.pem("RSA PRIVATE KEY", c.rsa().pkcs1())
    return key, first_body_line(key, "RSA PRIVATE KEY")


@secret("aws-ec2-keypair", ".ssh/aws-eu-west-1.pem", "pem-private-key")
def _(c):
    # What the EC2 console hands out: a PKCS#1 RSA key, CRLF-free, no comment.
    key = kit.pem("RSA PRIVATE KEY", c.rsa().pkcs1())
    return key, key.split("\n")[5]


@secret("ssh-ecdsa-pem", ".ssh/id_ecdsa_legacy", "pem-private-key")
def _(c):
    key = kit.pem("EC PRIVATE KEY", c.ec("nistp256").sec1())
    return key, first_body_line(key, "EC PRIVATE KEY")


@secret("syncthing-key", ".config/syncthing/key.pem", "pem-private-key")
def _(c):
    key = kit.pem("EC PRIVATE KEY", c.ec("nistp384").sec1())
    return key, first_body_line(key, "EC PRIVATE KEY")


@secret("mkcert-root", ".local/share/mkcert/rootCA-key.pem", "pem-private-key")
def _(c):
    key = kit.pem("PRIVATE KEY", c.rsa(3072).pkcs8())
    return key, first_body_line(key, "PRIVATE KEY")


@secret("pem-encrypted-legacy", ".ssh/legacy_rsa", "pem-private-key")
def _(c):
    key = c.tool(lambda: openssl_key(["genrsa", "-traditional", "-aes256", "-passout", "pass:Wint3r-Lake-Road", "2048"])).decode()
    return key, first_body_line(key, "RSA PRIVATE KEY")


@secret("pem-encrypted-pkcs8", ".ssh/bastion.key", "pem-private-key")
def _(c):
    key = c.tool(lambda: openssl_key(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256",
                                      "-aes-256-cbc", "-pass", "pass:Harbour-Light-77"])).decode()
    return key, first_body_line(key, "ENCRYPTED PRIVATE KEY")


@secret("openvpn-inline", ".config/openvpn/home.ovpn", "pem-private-key")
def _(c):
    key = kit.pem("PRIVATE KEY", c.ec("nistp256").pkcs8())
    if c.existing:
        text = c.existing.decode()
        ca = re.search(r"<ca>\n(.*?)</ca>", text, re.S).group(1)
        cert = re.search(r"<cert>\n(.*?)</cert>", text, re.S).group(1)
    else:
        ca_key, ca = self_signed_ca("Home VPN CA")
        cert = issue_cert(ca_key, ca, key, "/CN=alice-laptop", 825, "extendedKeyUsage=clientAuth\n")
    text = T("""
        client
        dev tun
        proto udp
        remote vpn.home.arpa 1194
        resolv-retry infinite
        nobind
        persist-key
        persist-tun
        remote-cert-tls server
        cipher AES-256-GCM
        auth SHA256
        verb 3
        """) + "<ca>\n" + ca + "</ca>\n<cert>\n" + cert + "</cert>\n<key>\n" + key + "</key>\n"
    return text, first_body_line(key, "PRIVATE KEY")


@secret("pgp-secret-export", "Documents/keys/alice-secret-subkeys.asc", "pgp-private-key")
def _(c):
    key = c.tool(lambda: gpg_export("Alice Lindqvist <alice@lindqvist.home.arpa>", True)).decode()
    return key, first_body_line(key, "PGP PRIVATE KEY BLOCK")


@secret("pgp-sops-key", ".config/sops/pgp/ci-signing.asc", "pgp-private-key")
def _(c):
    key = c.tool(lambda: gpg_export("Infra CI <ci@corp.internal>", True, "")).decode()
    return key, first_body_line(key, "PGP PRIVATE KEY BLOCK")


@secret("putty", ".ssh/work.ppk", "putty-private-key")
def _(c):
    text = c.ed25519().ppk("eddsa-key-20240311")
    return text, re.search(r"Private-Lines: 1\n(.*)\n", text).group(1)


@secret("putty-v2", ".putty/keys/router.ppk", "putty-private-key")
def _(c):
    text = c.ed25519().ppk("eddsa-key-20190523", version=2)
    return text, re.search(r"Private-Lines: 1\r\n(.*)\r\n", text).group(1)


def kube_certs(c, key_pem, subject):
    if c.existing:
        text = c.existing.decode()
        return (re.search(r"certificate-authority-data: (\S+)", text).group(1),
                re.search(r"client-certificate-data: (\S+)", text).group(1))
    ca_key, ca = self_signed_ca("kubernetes")
    cert = issue_cert(ca_key, ca, key_pem, subject, 365, "extendedKeyUsage=clientAuth\n")
    return base64.b64encode(ca.encode()).decode(), base64.b64encode(cert.encode()).decode()


@secret("kubeconfig", ".kube/config", "base64-private-key")
def _(c):
    key = kit.pem("EC PRIVATE KEY", c.ec("nistp256").sec1())
    ca, cert = kube_certs(c, key, "/O=system:masters/CN=kubernetes-admin")
    key_data = base64.b64encode(key.encode()).decode()
    text = T("""
        apiVersion: v1
        clusters:
        - cluster:
            certificate-authority-data: %s
            server: https://127.0.0.1:6443
          name: default
        contexts:
        - context:
            cluster: default
            user: default
          name: default
        current-context: default
        kind: Config
        preferences: {}
        users:
        - name: default
          user:
            client-certificate-data: %s
            client-key-data: %s
        """) % (ca, cert, key_data)
    return text, key_data


@secret("talosconfig", ".talos/config", "base64-private-key")
def _(c):
    ed = c.ed25519()
    key = kit.pem("ED25519 PRIVATE KEY", ed.pkcs8())
    if c.existing:
        text = c.existing.decode()
        ca = re.search(r"ca: (\S+)", text).group(1)
        crt = re.search(r"crt: (\S+)", text).group(1)
    else:
        ca_key, ca_pem = self_signed_ca("talos")
        crt_pem = issue_cert(ca_key, ca_pem, kit.pem("PRIVATE KEY", ed.pkcs8()), "/O=os:admin", 365,
                             "extendedKeyUsage=clientAuth\n")
        ca, crt = (base64.b64encode(x.encode()).decode() for x in (ca_pem, crt_pem))
    key_data = base64.b64encode(key.encode()).decode()
    text = T("""
        context: homelab
        contexts:
            homelab:
                endpoints:
                    - 10.0.40.11
                    - 10.0.40.12
                nodes:
                    - 10.0.40.11
                ca: %s
                crt: %s
                key: %s
        """) % (ca, crt, key_data)
    return text, key_data


@secret("pkcs12-vpn", ".config/vpn/alice.p12", "pkcs12")
def _(c):
    data = c.tool(lambda: pkcs12("alice@corp.internal", "Tr4mline-Autumn", "alice"))
    return data, p12_needle(data)


@secret("pkcs12-codesign", "Documents/PowerShell/codesigning.pfx", "pkcs12")
def _(c):
    data = c.tool(lambda: pkcs12("Alice Lindqvist Code Signing", "Orchard-92-Lantern", "codesigning"))
    return data, p12_needle(data)


def age_identity(c, created):
    secret_bytes = c.bytes(32)
    identity = kit.bech32("age-secret-key-", secret_bytes).upper()
    public = kit.bech32("age", kit.x25519_public(secret_bytes))
    return "# created: %s\n# public key: %s\n%s\n" % (created, public, identity), identity


@secret("age-sops", ".config/sops/age/keys.txt", "age-secret-key")
def _(c):
    return age_identity(c, "2024-02-18T21:04:37+01:00")


@secret("age-chezmoi", ".config/chezmoi/key.txt", "age-secret-key")
def _(c):
    return age_identity(c, "2023-09-02T08:15:52Z")

# ---------------------------------------------------------------- cloud providers


@secret("aws-credentials", ".aws/credentials", "aws-access-key-id")
def _(c):
    key_id, secret_key = c.aws_key_id(), c.aws_secret()
    return T("""
        [default]
        aws_access_key_id = %s
        aws_secret_access_key = %s

        [work]
        sso_session = corp
        sso_account_id = 418290351764
        sso_role_name = PowerUserAccess
        """) % (key_id, secret_key), key_id


@secret("aws-fish", ".config/fish/conf.d/aws.fish", "aws-access-key-id")
def _(c):
    key_id, secret_key = c.aws_key_id(), c.aws_secret()
    return T("""
        # personal account, for the backup bucket
        set -gx AWS_DEFAULT_REGION eu-north-1
        set -gx AWS_ACCESS_KEY_ID %s
        set -gx AWS_SECRET_ACCESS_KEY %s
        """) % (key_id, secret_key), key_id


@secret("s3cmd", ".s3cfg", "aws-access-key-id")
def _(c):
    key_id, secret_key = c.aws_key_id(), c.aws_secret()
    return T("""
        [default]
        access_key = %s
        access_token =
        bucket_location = eu-north-1
        check_ssl_certificate = True
        default_mime_type = binary/octet-stream
        encrypt = False
        host_base = s3.amazonaws.com
        host_bucket = %%(bucket)s.s3.amazonaws.com
        human_readable_sizes = True
        multipart_chunk_size_mb = 15
        secret_key = %s
        signature_v2 = False
        use_https = True
        """) % (key_id, secret_key), key_id


@secret("rclone", ".config/rclone/rclone.conf", "aws-secret-access-key")
def _(c):
    # A MinIO user on the NAS: its access key is a plain user name, the secret is the secret.
    secret_key = c.aws_secret()
    return T("""
        [nas]
        type = s3
        provider = Minio
        env_auth = false
        access_key_id = laptop
        secret_access_key = %s
        region = us-east-1
        endpoint = https://minio.home.arpa:9000
        acl = private

        [photos]
        type = alias
        remote = nas:photos
        """) % secret_key, secret_key


@secret("restic-env", ".config/restic/env", "aws-secret-access-key")
def _(c):
    secret_key = c.aws_secret()
    return T("""
        export RESTIC_REPOSITORY=s3:https://minio.home.arpa:9000/restic
        export RESTIC_PASSWORD_FILE="$HOME/.config/restic/password"
        export AWS_ACCESS_KEY_ID=restic
        export AWS_SECRET_ACCESS_KEY=%s
        """) % secret_key, secret_key


@secret("gcloud-service-account", ".config/gcloud/keys/terraform-deployer.json", "gcp-service-account")
def _(c):
    key_id = c.hex(40)
    client_id = c.digits(21)
    account = {
        "type": "service_account",
        "project_id": "lindqvist-infra",
        "private_key_id": key_id,
        "private_key": kit.pem("PRIVATE KEY", c.rsa().pkcs8()),
        "client_email": "terraform-deployer@lindqvist-infra.iam.gserviceaccount.com",
        "client_id": client_id,
        "auth_uri": "https://accounts.google.com/o/oauth2/auth",
        "token_uri": "https://oauth2.googleapis.com/token",
        "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
        "client_x509_cert_url": "https://www.googleapis.com/robot/v1/metadata/x509/"
                                "terraform-deployer%40lindqvist-infra.iam.gserviceaccount.com",
        "universe_domain": "googleapis.com",
    }
    return json.dumps(account, indent=2) + "\n", key_id


@secret("gemini-env", ".gemini/.env", "google-api-key")
def _(c):
    key = "AIza" + c.rand(B64URL, 35)
    return "GEMINI_API_KEY=%s\n" % key, key


@secret("google-maps-zshenv", ".zshenv", "google-api-key")
def _(c):
    key = "AIza" + c.rand(B64URL, 35)
    return T("""
        export EDITOR=nvim
        export PAGER=less
        # geocoding for the photo tagger
        export GOOGLE_MAPS_API_KEY="%s"
        """) % key, key


@secret("gmailctl-client", ".gmailctl/credentials.json", "google-oauth-client-secret")
def _(c):
    secret_value = "GOCSPX-" + c.rand(B64URL, 28)
    client = {"installed": {
        "client_id": "%s-%s.apps.googleusercontent.com" % (c.digits(12), c.rand(LOWER_ALNUM, 32)),
        "project_id": "gmailctl-%s" % c.digits(6),
        "auth_uri": "https://accounts.google.com/o/oauth2/auth",
        "token_uri": "https://oauth2.googleapis.com/token",
        "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
        "client_secret": secret_value,
        "redirect_uris": ["http://localhost"],
    }}
    return json.dumps(client, separators=(",", ":")), secret_value


@secret("gmailctl-token", ".gmailctl/token.json", "google-oauth-token")
def _(c):
    access = "ya29.a0" + c.rand(B64URL, 210)
    token = {"access_token": access, "token_type": "Bearer", "refresh_token": "1//09" + c.rand(B64URL, 97),
             "expiry": "2024-05-02T14:37:09.481522318+02:00"}
    return json.dumps(token) + "\n", access


@secret("azure-storage-conn", ".config/environment.d/60-azure.conf", "azure-storage-key")
def _(c):
    key = base64.b64encode(c.bytes(64)).decode()
    return T("""
        AZURE_STORAGE_ACCOUNT=lindqvistbackup
        AZURE_STORAGE_CONNECTION_STRING=DefaultEndpointsProtocol=https;AccountName=lindqvistbackup;AccountKey=%s;EndpointSuffix=core.windows.net
        """) % key, "AccountKey=" + key


@secret("azure-sas-script", ".local/bin/push-photos", "azure-sas-token")
def _(c):
    sig = base64.b64encode(c.bytes(32)).decode().replace("+", "%2B").replace("/", "%2F").replace("=", "%3D")
    return T("""
        #!/bin/sh
        # Mirror the photo library to the storage account (SAS valid until the end of 2025).
        set -eu
        azcopy sync "$HOME/Pictures/Library" \\
          "https://lindqvistbackup.blob.core.windows.net/photos?sv=2022-11-02&ss=b&srt=co&sp=rwdlacup&se=2025-12-31T22:59:59Z&st=2024-01-07T09:12:44Z&spr=https&sig=%s" \\
          --delete-destination=true --recursive
        """) % sig, "sig=" + sig


@secret("azure-sp-env", ".config/terraform/azure.env", "azure-client-secret")
def _(c):
    value = c.rand(ALNUM, 3) + c.rand(string.digits, 1) + "Q~" + c.rand(ALNUM + "_~.-", 34)
    return T("""
        export ARM_CLIENT_ID=%s
        export ARM_CLIENT_SECRET=%s
        export ARM_TENANT_ID=%s
        export ARM_SUBSCRIPTION_ID=%s
        """) % (c.uuid(), value, c.uuid(), c.uuid()), value

# ---------------------------------------------------------------- code hosting


@secret("gh-hosts", ".config/gh/hosts.yml", "github-token")
def _(c):
    token = c.github("gho_")
    return T("""
        github.com:
            users:
                alice-lindqvist:
                    oauth_token: %s
            git_protocol: https
            oauth_token: %s
            user: alice-lindqvist
        """) % (token, token), token


@secret("hub-config", ".config/hub", "github-token")
def _(c):
    token = c.github("ghp_")
    return T("""
        github.com:
        - user: alice-lindqvist
          oauth_token: %s
          protocol: https
        """) % token, token


@secret("git-credentials-github", ".git-credentials", "github-token")
def _(c):
    token = c.github("ghp_")
    return "https://alice-lindqvist:%s@github.com\n" % token, token


@secret("nuget-github-packages", ".nuget/NuGet/NuGet.Config", "github-token")
def _(c):
    token = c.github("ghp_")
    return T("""
        <?xml version="1.0" encoding="utf-8"?>
        <configuration>
          <packageSources>
            <add key="nuget.org" value="https://api.nuget.org/v3/index.json" protocolVersion="3" />
            <add key="github" value="https://nuget.pkg.github.com/lindqvist-labs/index.json" />
          </packageSources>
          <packageSourceCredentials>
            <github>
              <add key="Username" value="alice-lindqvist" />
              <add key="ClearTextPassword" value="%s" />
            </github>
          </packageSourceCredentials>
        </configuration>
        """) % token, token


@secret("github-actions-runner-env", ".config/act/actrc", "github-token")
def _(c):
    token = c.github("ghs_")
    return T("""
        -P ubuntu-latest=catthehacker/ubuntu:act-latest
        -P ubuntu-22.04=catthehacker/ubuntu:act-22.04
        --container-architecture linux/amd64
        -s GITHUB_TOKEN=%s
        """) % token, token


@secret("github-pat-bashrc", ".bashrc", "github-fine-grained-token")
def _(c):
    token = c.github_pat()
    return T("""
        # ~/.bashrc: executed by bash(1) for non-login shells.
        case $- in
            *i*) ;;
              *) return;;
        esac

        HISTCONTROL=ignoreboth
        shopt -s histappend
        HISTSIZE=10000
        HISTFILESIZE=20000

        alias ll='ls -alF'
        alias gs='git status -sb'

        # renovate on the homelab repos
        export GITHUB_TOKEN=%s
        export PATH="$HOME/.local/bin:$PATH"
        """) % token, token


@secret("gitlab-bash-profile", ".bash_profile", "gitlab-token")
def _(c):
    token = "glpat-" + c.rand(B64URL, 20)
    return T("""
        # ~/.bash_profile
        [ -f ~/.bashrc ] && . ~/.bashrc

        export GITLAB_HOST=gitlab.com
        export GITLAB_TOKEN=%s
        """) % token, token


@secret("glab-config", ".config/glab-cli/config.yml", "gitlab-token")
def _(c):
    token = "glpat-" + c.rand(B64URL, 20)
    return T("""
        git_protocol: ssh
        editor: nvim
        browser:
        glamour_style: dark
        check_update: true
        display_hyperlinks: false
        host: gitlab.com
        no_prompt: false
        hosts:
            gitlab.com:
                token: %s
                api_host: gitlab.com
                git_protocol: ssh
                api_protocol: https
                user: alice.lindqvist
        """) % token, token


@secret("gitlab-deploy-netrc", ".netrc", "gitlab-token")
def _(c):
    token = "gldt-" + c.rand(B64URL, 20)
    return "machine gitlab.com\n  login gitlab+deploy-token-4718203\n  password %s\n" % token, token


@secret("gitlab-runner-config", ".gitlab-runner/config.toml", "gitlab-token")
def _(c):
    token = "glrt-" + c.rand(B64URL, 20)
    return T("""
        concurrent = 2
        check_interval = 0
        shutdown_timeout = 0

        [session_server]
          session_timeout = 1800

        [[runners]]
          name = "alice-desktop"
          url = "https://gitlab.com"
          id = 31870562
          token = "%s"
          token_obtained_at = 2024-03-04T19:21:07Z
          token_expires_at = 0001-01-01T00:00:00Z
          executor = "docker"
          [runners.docker]
            image = "alpine:3.19"
            privileged = false
            volumes = ["/cache"]
        """) % token, token


@secret("gitlab-runner-register", ".local/bin/register-runner", "gitlab-runner-token")
def _(c):
    token = "GR1348941" + c.rand(B64URL, 20)
    return T("""
        #!/bin/sh
        # Registers this machine's runner with the group (old registration-token flow).
        exec gitlab-runner register --non-interactive \\
          --url https://gitlab.com/ \\
          --registration-token %s \\
          --executor docker --docker-image alpine:3.19 \\
          --description "$(hostname)" --tag-list docker,linux
        """) % token, token


@secret("bitbucket-git-credentials", ".config/git/credentials", "bitbucket-app-password")
def _(c):
    token = "ATBB" + c.alnum(24) + c.rand("0123456789ABCDEF", 8)
    return "https://alice_lindqvist:%s@bitbucket.org\n" % token, token

# ---------------------------------------------------------------- chat and notifications


@secret("slack-env", ".config/slack/env", "slack-token")
def _(c):
    bot = "xoxb-%s-%s-%s" % (c.digits(12), c.digits(13), c.alnum(24))
    app = "xapp-1-A%s-%s-%s" % (c.rand(UPPER_ALNUM, 10), c.digits(13), c.hex(64))
    return "SLACK_BOT_TOKEN=%s\nSLACK_APP_TOKEN=%s\nSLACK_CHANNEL=#deploys\n" % (bot, app), bot


@secret("slack-term", ".slack-term", "slack-token")
def _(c):
    token = "xoxp-%s-%s-%s-%s" % (c.digits(11), c.digits(12), c.digits(13), c.hex(32))
    return json.dumps({"slack_token": token, "theme": {"view": {"fg": "white", "bg": "default"}}}, indent=4) + "\n", token


@secret("notify-slack-webhook", ".config/notify/provider-config.yaml", "slack-webhook")
def _(c):
    url = "https://hooks.slack.com/services/T%s/B%s/%s" % (c.rand(UPPER_ALNUM, 8), c.rand(UPPER_ALNUM, 10), c.alnum(24))
    return T("""
        slack:
          - id: "recon"
            slack_channel: "recon"
            slack_username: "notify"
            slack_format: "{{data}}"
            slack_webhook_url: "%s"
        """) % url, url


@secret("musicbot-discord", ".config/musicbot/options.ini", "discord-bot-token")
def _(c):
    user_id = "1" + c.rand(string.digits, 18)
    token = "%s.%s.%s" % (kit.b64url(user_id.encode()), c.rand(B64URL, 6), c.rand(B64URL, 38))
    return T("""
        ; MusicBot options. Lines starting with ; are comments.
        [Credentials]
        Token = %s

        [Permissions]
        OwnerID = auto
        DevIDs =

        [Chat]
        CommandPrefix = !
        BindToChannels =
        AutojoinChannels = 1101448721907134534

        [MusicBot]
        DefaultVolume = 0.15
        SkipsRequired = 4
        SaveVideos = yes
        """) % token, token


@secret("discord-webhook-script", ".local/bin/notify-backup", "discord-webhook")
def _(c):
    url = "https://discord.com/api/webhooks/%s/%s" % ("1" + c.rand(string.digits, 18), c.rand(B64URL, 68))
    return T("""
        #!/bin/sh
        # Posts the nightly backup summary to #homelab.
        summary=$(journalctl --user -u restic-backup --since today -o cat | tail -n 5)
        curl -fsS -H 'Content-Type: application/json' \\
          -d "$(jq -n --arg c "$summary" '{content: $c}')" \\
          '%s'
        """) % url, url


@secret("telegram-send", ".config/telegram-send.conf", "telegram-bot-token")
def _(c):
    token = "%s:AA%s" % (c.digits(10), c.rand(B64URL, 33))
    return "[telegram]\ntoken = %s\nchat_id = %s\n" % (token, c.digits(9)), token

# ---------------------------------------------------------------- package registries


@secret("npmrc", ".npmrc", "npm-token")
def _(c):
    token = c.npm()
    return "registry=https://registry.npmjs.org/\n//registry.npmjs.org/:_authToken=%s\nsave-exact=true\n" % token, token


@secret("yarnrc", ".yarnrc.yml", "npm-token")
def _(c):
    token = c.npm()
    return T("""
        enableTelemetry: false
        npmRegistries:
          "https://registry.npmjs.org":
            npmAlwaysAuth: true
            npmAuthToken: %s
        """) % token, token


def pypi_token(c):
    return "pypi-AgEIcHlwaS5vcmc" + "CJ" + kit.b64url(c.bytes(118))


@secret("pypirc", ".pypirc", "pypi-token")
def _(c):
    token = pypi_token(c)
    return T("""
        [distutils]
        index-servers =
            pypi

        [pypi]
        username = __token__
        password = %s
        """) % token, token


@secret("poetry-auth", ".config/pypoetry/auth.toml", "pypi-token")
def _(c):
    token = pypi_token(c)
    return '[http-basic.pypi]\nusername = "__token__"\npassword = "%s"\n' % token, token


@secret("gem-credentials", ".gem/credentials", "rubygems-key")
def _(c):
    key = "rubygems_" + c.hex(48)
    return "---\n:rubygems_api_key: %s\n" % key, key


@secret("nuget-zshrc", ".zshrc", "nuget-key")
def _(c):
    key = "oy2" + c.rand(LOWER_ALNUM, 43)
    return T("""
        # Path to your oh-my-zsh installation.
        export ZSH="$HOME/.oh-my-zsh"
        ZSH_THEME="robbyrussell"
        plugins=(git dotnet fzf)
        source $ZSH/oh-my-zsh.sh

        export DOTNET_CLI_TELEMETRY_OPTOUT=1
        export NUGET_API_KEY=%s
        alias pushpkg='dotnet nuget push bin/Release/*.nupkg --source https://api.nuget.org/v3/index.json --api-key $NUGET_API_KEY'
        """) % key, key


@secret("actrc-dockerhub", ".actrc", "docker-hub-token")
def _(c):
    token = "dckr_pat_" + c.rand(B64URL, 27)
    return T("""
        -P ubuntu-latest=catthehacker/ubuntu:act-latest
        --secret DOCKERHUB_USERNAME=alicelindqvist
        --secret DOCKERHUB_TOKEN=%s
        """) % token, token


def registry_auth(c, user):
    return base64.b64encode(("%s:%s" % (user, c.password(28))).encode()).decode()


@secret("docker-config", ".docker/config.json", "docker-registry-auth")
def _(c):
    auth = registry_auth(c, "alicelindqvist")
    config = {"auths": {"https://index.docker.io/v1/": {"auth": auth}, "ghcr.io": {}},
              "credHelpers": {"418290351764.dkr.ecr.eu-north-1.amazonaws.com": "ecr-login"}}
    return json.dumps(config, indent="\t"), auth


@secret("podman-auth", ".config/containers/auth.json", "docker-registry-auth")
def _(c):
    auth = registry_auth(c, "alice")
    return json.dumps({"auths": {"registry.corp.internal:5000": {"auth": auth}}}, indent="\t") + "\n", auth


@secret("cargo-credentials", ".cargo/credentials.toml", "crates-io-token")
def _(c):
    token = "cio" + c.alnum(32)
    return '[registry]\ntoken = "%s"\n' % token, token

# ---------------------------------------------------------------- APIs


@secret("stripe-cli", ".config/stripe/config.toml", "stripe-key")
def _(c):
    account = "acct_1" + c.alnum(15)
    live = "rk_live_51" + c.alnum(97)
    return T("""
        color = ''

        [default]
          account_id = '%s'
          device_name = 'thinkpad'
          display_name = 'Lindqvist Ceramics'
          live_mode_api_key = '%s'
          live_mode_key_expires_at = '2024-07-29'
          live_mode_pub_key = 'pk_live_51%s'
        """) % (account, live, c.alnum(97)), live


@secret("openai-bashrc", ".bashrc", "openai-api-key")
def _(c):
    key = c.openai_project()
    return T("""
        # ~/.bashrc
        [ -z "$PS1" ] && return
        PS1='\\u@\\h:\\w\\$ '
        alias ..='cd ..'
        export OPENAI_API_KEY=%s
        """) % key, key


@secret("shell-gpt", ".config/shell_gpt/.sgptrc", "openai-api-key")
def _(c):
    key = "sk-" + c.alnum(20) + "T3BlbkFJ" + c.alnum(20)
    return T("""
        CHAT_CACHE_PATH=/tmp/chat_cache
        CACHE_PATH=/tmp/cache
        CHAT_CACHE_LENGTH=100
        CACHE_LENGTH=100
        REQUEST_TIMEOUT=60
        DEFAULT_MODEL=gpt-4o
        DEFAULT_COLOR=magenta
        ROLE_STORAGE_PATH=/home/alice/.config/shell_gpt/roles
        DEFAULT_EXECUTE_SHELL_CMD=false
        DISABLE_STREAMING=false
        CODE_THEME=dracula
        OPENAI_API_KEY=%s
        """) % key, key


@secret("aichat", ".config/aichat/config.yaml", "openai-api-key")
def _(c):
    key = c.openai_project("svcacct")
    return T("""
        model: openai:gpt-4o-mini
        save: true
        keybindings: emacs
        clients:
        - type: openai
          api_key: %s
        """) % key, key


@secret("aider", ".aider.conf.yml", "anthropic-api-key")
def _(c):
    key = "sk-ant-api03-" + c.rand(B64URL, 93) + "AA"
    return T("""
        model: sonnet
        anthropic-api-key: %s
        auto-commits: false
        dark-mode: true
        """) % key, key


@secret("huggingface", ".cache/huggingface/token", "huggingface-token")
def _(c):
    token = "hf_" + c.rand(string.ascii_letters, 34)
    return token, token


@secret("twilio-cli", ".twilio-cli/config.json", "twilio-api-key")
def _(c):
    key = "SK" + c.hex(32)
    config = {"profiles": {"lindqvist": {"accountSid": "AC" + c.hex(32), "apiKey": key, "apiSecret": c.alnum(32),
                                         "region": None, "edge": None}},
              "activeProject": "lindqvist"}
    return json.dumps(config, indent=2), key


@secret("msmtp-sendgrid", ".config/msmtp/config", "sendgrid-api-key")
def _(c):
    key = "SG.%s.%s" % (c.rand(B64URL, 22), c.rand(B64URL, 43))
    return T("""
        defaults
        auth           on
        tls            on
        tls_trust_file /etc/ssl/certs/ca-certificates.crt
        logfile        ~/.local/state/msmtp.log

        account        sendgrid
        host           smtp.sendgrid.net
        port           587
        from           alerts@lindqvist.home.arpa
        user           apikey
        password       %s

        account default : sendgrid
        """) % key, key


@secret("mailgun-script", ".local/bin/send-report", "mailgun-api-key")
def _(c):
    key = "key-" + c.hex(32)
    return T("""
        #!/bin/sh
        # Mails the weekly disk report.
        curl -s --user 'api:%s' \\
          https://api.eu.mailgun.net/v3/mg.lindqvist.home.arpa/messages \\
          -F from='Homelab <homelab@mg.lindqvist.home.arpa>' \\
          -F to=alice@lindqvist.home.arpa \\
          -F subject="Disk report $(date +%%F)" \\
          -F text="$(df -h)"
        """) % key, key


@secret("heroku-netrc", ".netrc", "heroku-api-key")
def _(c):
    key = "HRKU-AA" + c.rand(B64URL, 58)
    return T("""
        machine api.heroku.com
          login alice@lindqvist.home.arpa
          password %s
        machine git.heroku.com
          login alice@lindqvist.home.arpa
          password %s
        """) % (key, key), key


@secret("doctl", ".config/doctl/config.yaml", "digitalocean-token")
def _(c):
    token = "dop_v1_" + c.hex(64)
    return T("""
        access-token: %s
        context: default
        output: text
        auth-contexts: {}
        """) % token, token


@secret("themekit", ".config/Shopify/Themekit/config.yml", "shopify-token")
def _(c):
    token = "shppa_" + c.hex(32)
    return T("""
        development:
          password: %s
          theme_id: "132470849611"
          store: lindqvist-ceramics.myshopify.com
          ignore_files:
            - config/settings_data.json
        """) % token, token


@secret("jira-fish", ".config/fish/conf.d/jira.fish", "atlassian-api-token")
def _(c):
    token = "ATATT3xFfGF0" + c.rand(B64URL, 170) + "=" + c.rand("0123456789ABCDEF", 8)
    return T("""
        set -gx JIRA_SERVER https://lindqvist.atlassian.net
        set -gx JIRA_LOGIN alice@lindqvist.home.arpa
        set -gx JIRA_API_TOKEN %s
        """) % token, token


@secret("linear-env", ".config/environment.d/70-linear.conf", "linear-api-key")
def _(c):
    key = "lin_api_" + c.alnum(40)
    return "LINEAR_API_KEY=%s\n" % key, key


@secret("notion-env", ".config/environment.d/80-notion.conf", "notion-token")
def _(c):
    token = "ntn_" + c.alnum(46)
    return "NOTION_TOKEN=%s\nNOTION_JOURNAL_DB=%s\n" % (token, c.hex(32)), token


@secret("notion-legacy", ".config/notion-backup/config.json", "notion-token")
def _(c):
    token = "secret_" + c.alnum(43)
    return json.dumps({"notion_token": token, "space_id": c.uuid(), "export_type": "markdown",
                       "output_dir": "~/Documents/notion"}, indent=2) + "\n", token


@secret("vault-token", ".vault-token", "vault-token")
def _(c):
    token = "hvs.CAESI" + c.rand(B64URL, 86)
    return token, token


@secret("doppler-cli", ".doppler/.doppler.yaml", "doppler-token")
def _(c):
    token = "dp.ct." + c.alnum(43)
    return T("""
        scoped:
            /:
                token: %s
                api-host: https://api.doppler.com
                dashboard-host: https://dashboard.doppler.com
            /home/alice/src/shop:
                enclave.project: shop
                enclave.config: dev
        """) % token, token


@secret("onepassword-sa", ".config/environment.d/90-op.conf", "onepassword-service-account")
def _(c):
    payload = {"signInAddress": "my.1password.eu",
               "userAuth": {"method": "SRPg-4096", "alg": "PBES2g-HS256", "iterations": 650000,
                            "salt": kit.b64url(c.bytes(16))},
               "email": "%s@1passwordserviceaccounts.eu" % c.rand(LOWER_ALNUM, 13),
               "srpX": c.hex(64),
               "muk": {"alg": "A256GCM", "ext": True, "k": kit.b64url(c.bytes(32)),
                       "key_ops": ["encrypt", "decrypt"], "kty": "oct", "kid": "mp"},
               "secretKey": "A3-%s-%s-%s-%s-%s-%s" % (c.rand(UPPER_ALNUM, 6), c.rand(UPPER_ALNUM, 6),
                                                    c.rand(UPPER_ALNUM, 5), c.rand(UPPER_ALNUM, 5),
                                                    c.rand(UPPER_ALNUM, 5), c.rand(UPPER_ALNUM, 5)),
               "throttleSecret": {"seed": c.hex(64), "uuid": c.rand(UPPER_ALNUM, 26)},
               "deviceUuid": c.rand(LOWER_ALNUM, 26)}
    token = "ops_" + kit.b64url(json.dumps(payload, separators=(",", ":")).encode())
    return "OP_SERVICE_ACCOUNT_TOKEN=%s\n" % token, token


@secret("home-assistant-jwt", ".config/environment.d/50-hass.conf", "jwt")
def _(c):
    key = c.bytes(32)
    token = kit.jwt('{"alg":"HS256","typ":"JWT"}', '{"iss":"%s","iat":1709301245,"exp":2024661245}' % c.hex(32),
                    lambda m: hmac.new(key, m, hashlib.sha256).digest())
    return "HASS_SERVER=http://homeassistant.home.arpa:8123\nHASS_TOKEN=%s\n" % token, token


@secret("kube-serviceaccount-jwt", ".kube/ci.yaml", "jwt")
def _(c):
    rsa = c.rsa()
    kid = kit.b64url(c.bytes(32))
    claims = ('{"aud":["https://kubernetes.default.svc.cluster.local"],"exp":1741392718,"iat":1709856718,'
              '"iss":"https://kubernetes.default.svc.cluster.local","kubernetes.io":{"namespace":"ci",'
              '"serviceaccount":{"name":"deployer","uid":"%s"}},"nbf":1709856718,'
              '"sub":"system:serviceaccount:ci:deployer"}' % c.uuid())
    token = kit.jwt('{"alg":"RS256","kid":"%s"}' % kid, claims, rsa.sign_sha256)
    return T("""
        apiVersion: v1
        kind: Config
        clusters:
        - name: homelab
          cluster:
            server: https://k8s.home.arpa:6443
            insecure-skip-tls-verify: true
        users:
        - name: deployer
          user:
            token: %s
        contexts:
        - name: ci
          context:
            cluster: homelab
            namespace: ci
            user: deployer
        current-context: ci
        """) % token, token

# ---------------------------------------------------------------- passwords where no provider says so


@secret("git-credentials-gitea", ".git-credentials", "url-password")
def _(c):
    password = c.password(20)
    return "https://alice:%s@git.home.arpa\n" % password, password


@secret("pip-conf", ".config/pip/pip.conf", "url-password")
def _(c):
    password = c.password(24)
    return T("""
        [global]
        index-url = https://alice:%s@nexus.corp.internal/repository/pypi-all/simple
        timeout = 60
        """) % password, password


@secret("aerc-accounts", ".config/aerc/accounts.conf", "url-password")
def _(c):
    password = c.rand(LOWER_ALNUM, 16)
    return T("""
        [Fastmail]
        source        = imaps://alice%%40fastmail.com:%s@imap.fastmail.com
        outgoing      = smtps://alice%%40fastmail.com@smtp.fastmail.com
        outgoing-cred-cmd = pass show mail/fastmail-smtp
        default       = INBOX
        from          = Alice Lindqvist <alice@fastmail.com>
        copy-to       = Sent
        """) % password, password


@secret("database-url", ".config/environment.d/40-database.conf", "url-password")
def _(c):
    password = c.password(22)
    return "DATABASE_URL=postgres://app:%s@db.corp.internal:5432/app?sslmode=require\n" % password, password


@secret("proxy-env", ".config/environment.d/10-proxy.conf", "url-password")
def _(c):
    password = c.password(18)
    return T("""
        http_proxy=http://alice:%s@proxy.corp.internal:3128
        https_proxy=${http_proxy}
        no_proxy=localhost,127.0.0.1,.corp.internal
        """) % password, password


@secret("netrc", ".netrc", "netrc-password")
def _(c):
    password = c.password(22)
    return "machine nas.home.arpa login alice password %s\n" % password, password


@secret("authinfo", ".authinfo", "netrc-password")
def _(c):
    password = c.rand(LOWER_ALNUM, 16)
    return ("machine imap.fastmail.com login alice@fastmail.com port 993 password %s\n"
            "machine smtp.fastmail.com login alice@fastmail.com port 465 password %s\n") % (password, password), password


@secret("pgpass", ".pgpass", "pgpass-entry")
def _(c):
    password = c.password(26)
    return "db.corp.internal:5432:app:app:%s\n" % password, password


@secret("app-credentials", ".config/app/credentials.json", "generic-secret")
def _(c):
    password = c.password(24)
    return json.dumps({"username": "alice", "password": password, "server": "https://app.corp.internal"},
                      indent=2) + "\n", password


@secret("mysql-client", ".my.cnf", "generic-secret")
def _(c):
    password = c.password(22)
    return "[client]\nuser = alice\npassword = %s\nhost = db.corp.internal\n" % password, password


@secret("app-env", ".env", "generic-secret")
def _(c):
    secret_value = c.hex(64)
    return T("""
        APP_ENV=production
        APP_URL=https://shop.lindqvist.home.arpa
        SECRET_KEY_BASE=%s
        LOG_LEVEL=info
        """) % secret_value, secret_value


@secret("restic-bash-aliases", ".bash_aliases", "generic-secret")
def _(c):
    password = c.password(28)
    return T("""
        alias backup='restic -r sftp:nas.home.arpa:/srv/restic backup ~/Documents ~/Pictures'
        export RESTIC_PASSWORD='%s'
        """) % password, password


@secret("spotify-tui", ".config/spotify-tui/client.yml", "generic-secret")
def _(c):
    secret_value = c.hex(32)
    return "client_id: %s\nclient_secret: %s\nport: 8888\n" % (c.hex(32), secret_value), secret_value


@secret("spotifyd", ".config/spotifyd/spotifyd.conf", "generic-secret")
def _(c):
    password = c.password(20)
    return T("""
        [global]
        username = "alice.lindqvist"
        password = "%s"
        backend = "pulseaudio"
        device_name = "thinkpad"
        bitrate = 320
        """) % password, password


@secret("borgmatic", ".config/borgmatic/config.yaml", "generic-secret")
def _(c):
    passphrase = c.password(32)
    return T("""
        source_directories:
            - /home/alice/Documents
            - /home/alice/Pictures
        repositories:
            - path: ssh://borg@nas.home.arpa/./laptop
              label: nas
        encryption_passphrase: "%s"
        keep_daily: 7
        keep_weekly: 4
        """) % passphrase, passphrase


@secret("todoist", ".config/todoist/config.json", "generic-secret")
def _(c):
    token = c.hex(40)
    return json.dumps({"token": token, "color": True}, indent=2) + "\n", token


@secret("ntfy-client", ".config/ntfy/client.yml", "generic-secret")
def _(c):
    token = "tk_" + c.rand(LOWER_ALNUM, 29)
    return T("""
        default-host: https://ntfy.home.arpa
        default-token: %s
        subscribe:
          - topic: backups
            command: 'notify-send "$m"'
        """) % token, token


@secret("jupyter", ".jupyter/jupyter_server_config.py", "generic-secret")
def _(c):
    token = c.hex(48)
    return T("""
        # Configuration file for jupyter-server.
        c = get_config()  # noqa
        c.ServerApp.ip = "0.0.0.0"
        c.ServerApp.open_browser = False
        c.ServerApp.port = 8888
        c.ServerApp.token = "%s"
        """) % token, token


@secret("wireguard", ".config/wireguard/wg0.conf", "generic-secret")
def _(c):
    private = base64.b64encode(c.bytes(32)).decode()
    return T("""
        [Interface]
        PrivateKey = %s
        Address = 10.8.0.3/24
        DNS = 10.8.0.1

        [Peer]
        PublicKey = %s
        Endpoint = vpn.home.arpa:51820
        AllowedIPs = 10.8.0.0/24, 192.168.40.0/24
        PersistentKeepalive = 25
        """) % (private, base64.b64encode(c.bytes(32)).decode()), private


@secret("terraformrc", ".terraformrc", "generic-secret")
def _(c):
    token = "%s.atlasv1.%s" % (c.alnum(14), c.alnum(67))
    return T("""
        plugin_cache_dir = "$HOME/.terraform.d/plugin-cache"

        credentials "app.terraform.io" {
          token = "%s"
        }
        """) % token, token


@secret("terraform-login", ".terraform.d/credentials.tfrc.json", "generic-secret")
def _(c):
    token = "%s.atlasv1.%s" % (c.alnum(14), c.alnum(67))
    return json.dumps({"credentials": {"app.terraform.io": {"token": token}}}, indent=2) + "\n", token


# ================================================================== the non-secret corpus


@not_secret("ssh-public-key", ".ssh/id_ed25519.pub")
def _(c):
    return kit.openssh_public_line(c.ed25519().ssh_public_blob(), "ssh-ed25519", "alice@thinkpad")


@not_secret("authorized-keys", ".ssh/authorized_keys")
def _(c):
    ed, rsa, ec = c.ed25519(), c.rsa(), c.ec()
    return ("# laptop\n" + kit.openssh_public_line(ed.ssh_public_blob(), "ssh-ed25519", "alice@thinkpad")
            + 'from="10.0.40.0/24",command="/usr/local/bin/borg serve --restrict-to-path /srv/borg",restrict '
            + kit.openssh_public_line(rsa.ssh_public_blob(), "ssh-rsa", "borg@nas")
            + kit.openssh_public_line(ec.ssh_public_blob(), "ecdsa-sha2-nistp256", "alice@phone"))


def hashed_host(c, host):
    salt = c.bytes(20)
    return "|1|%s|%s" % (base64.b64encode(salt).decode(),
                         base64.b64encode(hmac.new(salt, host.encode(), hashlib.sha1).digest()).decode())


@not_secret("known-hosts-hashed", ".ssh/known_hosts")
def _(c):
    lines = []
    for host in ("github.com", "gitlab.com", "nas.home.arpa", "[git.home.arpa]:2222"):
        ed = c.ed25519()
        lines.append(hashed_host(c, host) + " ssh-ed25519 " + base64.b64encode(ed.ssh_public_blob()).decode())
        ec = c.ec()
        lines.append(hashed_host(c, host) + " ecdsa-sha2-nistp256 " + base64.b64encode(ec.ssh_public_blob()).decode())
    ca = c.ed25519()
    lines.append("@cert-authority *.corp.internal ssh-ed25519 " + base64.b64encode(ca.ssh_public_blob()).decode())
    return "\n".join(lines) + "\n"


@not_secret("known-hosts-plain", ".ssh/known_hosts.old")
def _(c):
    out = ""
    for host in ("github.com", "bitbucket.org", "192.168.40.2", "[vps.lindqvist.home.arpa]:2201"):
        rsa = c.rsa()
        out += "%s ssh-rsa %s\n" % (host, base64.b64encode(rsa.ssh_public_blob()).decode())
    return out


@not_secret("ssh-config", ".ssh/config")
def _(c):
    return T("""
        Include ~/.ssh/config.d/*

        Host github.com gitlab.com
            User git
            IdentityFile ~/.ssh/id_ed25519
            IdentitiesOnly yes

        Host nas
            HostName nas.home.arpa
            User alice
            Port 22
            ForwardAgent no

        Host *.corp.internal
            User alice.lindqvist
            ProxyJump bastion.corp.internal
            IdentityFile ~/.ssh/id_ed25519_work
            CertificateFile ~/.ssh/id_ed25519_work-cert.pub

        Host *
            AddKeysToAgent yes
            ServerAliveInterval 60
            ControlMaster auto
            ControlPath ~/.ssh/sockets/%r@%h-%p
            ControlPersist 600
            HashKnownHosts yes
        """)


@not_secret("ssh-certificate", ".ssh/id_ed25519_work-cert.pub")
def _(c):
    def make():
        with tempfile.TemporaryDirectory() as tmp:
            run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "user-ca", "-f", tmp + "/ca"])
            run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "alice@corp-laptop", "-f", tmp + "/id"])
            run(["ssh-keygen", "-q", "-s", tmp + "/ca", "-I", "alice.lindqvist", "-n", "alice.lindqvist,deploy",
                 "-V", "+52w", tmp + "/id.pub"])
            return open(tmp + "/id-cert.pub").read()
    return c.tool(make)


@not_secret("ssh-user-ca", ".ssh/ca/user_ca.pub")
def _(c):
    return kit.openssh_public_line(c.ed25519().ssh_public_blob(), "ssh-ed25519", "corp-user-ca-2024")


@not_secret("git-allowed-signers", ".config/git/allowed_signers")
def _(c):
    return ("alice@lindqvist.home.arpa namespaces=\"git\" "
            + kit.openssh_public_line(c.ed25519().ssh_public_blob(), "ssh-ed25519", "")[:-2] + "\n"
            + "bob@corp.internal " + kit.openssh_public_line(c.ed25519().ssh_public_blob(), "ssh-ed25519", "")[:-2] + "\n")


@not_secret("gpg-public-key", ".local/share/keys/alice-public.asc")
def _(c):
    return c.tool(lambda: gpg_export("Alice Lindqvist <alice@lindqvist.home.arpa>", False))


@not_secret("gpg-conf", ".gnupg/gpg.conf")
def _(c):
    return T("""
        default-key 0x%s
        keyid-format 0xlong
        with-fingerprint
        personal-cipher-preferences AES256 AES192 AES
        personal-digest-preferences SHA512 SHA384 SHA256
        keyserver hkps://keys.openpgp.org
        trusted-key 0x%s
        """) % (c.hex(40).upper(), c.hex(16).upper())


@not_secret("pass-gpg-id", ".password-store/.gpg-id")
def _(c):
    return c.hex(40).upper() + "\n"


@not_secret("gitconfig", ".gitconfig")
def _(c):
    return T("""
        [user]
        \tname = Alice Lindqvist
        \temail = alice@lindqvist.home.arpa
        \tsigningkey = 0x%s
        [tag]
        \tforceSignAnnotated = false
        [init]
        \tdefaultBranch = main
        [pull]
        \trebase = true
        [credential]
        \thelper = cache --timeout=3600
        [credential "https://github.com"]
        \thelper = !/usr/bin/gh auth git-credential
        [url "git@github.com:"]
        \tpushInsteadOf = https://github.com/
        [blame]
        \tignoreRevsFile = .git-blame-ignore-revs
        [alias]
        \tlg = log --graph --pretty=format:'%%C(auto)%%h%%d %%s %%C(dim)%%an, %%ar'
        \tfixup = !git commit --fixup=$(git rev-parse HEAD)
        [includeIf "gitdir:~/work/"]
        \tpath = ~/.config/git/work
        """) % c.hex(16).upper()


@not_secret("git-ignore-revs", ".config/git/blame-ignore-revs")
def _(c):
    return "".join("# %s\n%s\n" % (m, c.hex(40)) for m in
                   ("black formatting", "prettier 3 upgrade", "tabs to spaces", "rename src/ to lib/"))


@not_secret("systemd-mount-uuid", ".config/systemd/user/media-backup.mount")
def _(c):
    return T("""
        [Unit]
        Description=Backup disk

        [Mount]
        What=/dev/disk/by-uuid/%s
        Where=/media/backup
        Type=ext4
        Options=noatime,nofail

        [Install]
        WantedBy=default.target
        """) % c.uuid()


@not_secret("vscode-argv", ".vscode/argv.json")
def _(c):
    return T("""
        // This configuration file allows you to pass permanent command line arguments to VS Code.
        {
        \t"enable-crash-reporter": true,
        \t"crash-reporter-id": "%s",
        \t"password-store": "gnome-libsecret"
        }
        """) % c.uuid()


@not_secret("vscode-settings", ".config/Code/User/settings.json")
def _(c):
    settings = {
        "editor.fontFamily": "'JetBrains Mono', monospace",
        "editor.formatOnSave": True,
        "workbench.colorTheme": "Catppuccin Mocha",
        "password-store": "gnome-libsecret",
        "terminal.integrated.defaultProfile.linux": "zsh",
        "git.autofetch": True,
        "sync.gist": c.hex(32),
        "remote.SSH.remotePlatform": {"nas": "linux", "devbox.corp.internal": "linux"},
        "github.copilot.enable": {"*": True, "markdown": False, "plaintext": False},
        "http.proxyAuthorization": None,
        "workbench.experimental.cloudChanges.partialMatches.enabled": True,
        "rest-client.environmentVariables": {"$shared": {"token": "{{$dotenv API_TOKEN}}"},
                                             "staging": {"host": "https://staging.corp.internal"}},
        "telemetry.telemetryLevel": "off",
        "extensions.ignoreRecommendations": True,
        "redhat.telemetry.enabled": False,
        "[python]": {"editor.defaultFormatter": "charliermarsh.ruff"},
        "workbench.settings.applyToAllProfiles": [],
        "chat.editing.confirmEditRequestRemoval": False,
        "editor.accessibilitySupport": "off",
        "settingsSync.keybindingsPerPlatform": False,
        "vscode-pets.petType": "crab",
    }
    return json.dumps(settings, indent=4) + "\n"


@not_secret("vscode-keybindings", ".config/Code/User/keybindings.json")
def _(c):
    return json.dumps([{"key": "ctrl+alt+t", "command": "workbench.action.terminal.toggleTerminal"},
                       {"key": "ctrl+shift+k", "command": "-editor.action.deleteLines",
                        "when": "textInputFocus && !editorReadonly"}], indent=4) + "\n"


def tiny_png(c):
    import zlib
    width = height = 16
    rows = b"".join(b"\x00" + bytes(c.rng.getrandbits(8) for _ in range(width * 4)) for _ in range(height))

    def chunk(kind, data):
        return (len(data).to_bytes(4, "big") + kind + data
                + zlib.crc32(kind + data).to_bytes(4, "big"))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", width.to_bytes(4, "big") + height.to_bytes(4, "big") + b"\x08\x06\0\0\0")
            + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b""))


@not_secret("firefox-userchrome", ".mozilla/firefox/k8x2fqa1.default-release/chrome/userChrome.css")
def _(c):
    data = base64.b64encode(tiny_png(c)).decode()
    return T("""
        /* compact tabs, custom new-tab icon */
        :root { --tab-min-height: 28px !important; }
        #tabs-newtab-button .toolbarbutton-icon {
          list-style-image: url("data:image/png;base64,%s") !important;
        }
        #urlbar-background { border-radius: 6px !important; }
        """) % data


@not_secret("icon-svg", ".local/share/icons/hicolor/scalable/apps/homelab.svg")
def _(c):
    data = base64.b64encode(tiny_png(c)).decode()
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="64" height="64"'
            ' viewBox="0 0 64 64">\n  <rect width="64" height="64" rx="12" fill="#1e1e2e"/>\n'
            '  <image x="8" y="8" width="48" height="48" xlink:href="data:image/png;base64,%s"/>\n</svg>\n' % data)


@not_secret("startpage-html", ".local/share/startpage/index.html")
def _(c):
    links = "".join('      <li><a href="https://%s"><img alt="" src="data:image/png;base64,%s"> %s</a></li>\n'
                    % (host, base64.b64encode(tiny_png(c)).decode(), host)
                    for host in ("github.com", "news.ycombinator.com", "lwn.net"))
    return ("<!doctype html>\n<html lang=\"en\">\n  <head><meta charset=\"utf-8\"><title>start</title></head>\n"
            "  <body>\n    <ul>\n" + links + "    </ul>\n  </body>\n</html>\n")


def sri(c):
    return "sha512-" + base64.b64encode(c.bytes(64)).decode()


@not_secret("package-lock", ".config/coc/extensions/package-lock.json")
def _(c):
    packages = {"": {"dependencies": {"coc-json": ">= 0.0.0", "coc-pyright": ">= 0.0.0", "coc-tsserver": ">= 0.0.0"}}}
    for name, version in (("coc-json", "1.9.2"), ("coc-pyright", "1.1.362"), ("coc-tsserver", "2.1.4")):
        packages["node_modules/" + name] = {"version": version,
                                            "resolved": "https://registry.npmjs.org/%s/-/%s-%s.tgz" % (name, name, version),
                                            "integrity": sri(c), "engines": {"coc": "^0.0.80"}}
    lock = {"name": "extensions", "lockfileVersion": 3, "requires": True, "packages": packages}
    return json.dumps(lock, indent=2) + "\n"


@not_secret("cargo-lock", ".local/src/wallpaper-rotate/Cargo.lock")
def _(c):
    out = "# This file is automatically @generated by Cargo.\n# It is not intended for manual editing.\nversion = 3\n"
    for name, version in (("anyhow", "1.0.81"), ("clap", "4.5.3"), ("rand", "0.8.5"), ("serde", "1.0.197")):
        out += ('\n[[package]]\nname = "%s"\nversion = "%s"\nsource = "registry+https://github.com/rust-lang/crates.io-index"\n'
                'checksum = "%s"\n' % (name, version, c.hex(64)))
    return out + '\n[[package]]\nname = "wallpaper-rotate"\nversion = "0.1.0"\ndependencies = [\n "anyhow",\n "clap",\n "rand",\n "serde",\n]\n'


@not_secret("lazy-lock", ".config/nvim/lazy-lock.json")
def _(c):
    plugins = ["LuaSnip", "blink.cmp", "conform.nvim", "gitsigns.nvim", "lazy.nvim", "mason.nvim",
               "nvim-lspconfig", "nvim-treesitter", "telescope.nvim", "which-key.nvim"]
    body = ",\n".join('  "%s": { "branch": "main", "commit": "%s" }' % (p, c.hex(40)) for p in plugins)
    return "{\n" + body + "\n}\n"


@not_secret("yarn-lock", ".config/yarn/global/yarn.lock")
def _(c):
    out = "# THIS IS AN AUTOGENERATED FILE. DO NOT EDIT THIS FILE DIRECTLY.\n# yarn lockfile v1\n\n"
    for name, version in (("prettier", "3.2.5"), ("typescript", "5.4.3"), ("npm-check-updates", "16.14.18")):
        out += ('\n%s@^%s:\n  version "%s"\n  resolved "https://registry.yarnpkg.com/%s/-/%s-%s.tgz#%s"\n'
                '  integrity %s\n' % (name, version, version, name, name, version, c.hex(40), sri(c)))
    return out


@not_secret("sha256sums", "Documents/isos/SHA256SUMS")
def _(c):
    return "".join("%s *%s\n" % (c.hex(64), name) for name in
                   ("debian-12.5.0-amd64-netinst.iso", "debian-12.5.0-arm64-netinst.iso", "ubuntu-24.04-live-server-amd64.iso"))


@not_secret("gh-config", ".config/gh/config.yml")
def _(c):
    return T("""
        # The current version of the config schema
        version: 1
        # What protocol to use when performing git operations. Supported values: ssh, https
        git_protocol: ssh
        # What editor gh should run when creating issues, pull requests, etc. If blank, will refer to environment.
        editor: nvim
        # When to interactively prompt. This is a global config that cannot be overridden by hostname. Supported values: enabled, disabled
        prompt: enabled
        # A pager program to send command output to, e.g. "less". If blank, will refer to environment. Set the value to "cat" to disable the pager.
        pager:
        # Aliases allow you to create nicknames for gh commands
        aliases:
            co: pr checkout
            prs: pr list --author "@me"
        # The path to a unix socket through which send HTTP connections. If blank, HTTP traffic will be handled by net/http.DefaultTransport.
        http_unix_socket:
        # What web browser gh should use when opening URLs. If blank, will refer to environment.
        browser:
        """)


@not_secret("gh-hosts-keyring", ".config/gh/hosts.yml")
def _(c):
    return T("""
        github.com:
            users:
                alice-lindqvist:
            git_protocol: ssh
            user: alice-lindqvist
        """)


@not_secret("newsboat-urls", ".config/newsboat/urls")
def _(c):
    return T("""
        https://lwn.net/headlines/rss "linux"
        https://github.com/neovim/neovim/releases.atom "releases"
        https://www.openssh.com/releasenotes.html
        https://alice@rss.home.arpa/i/?a=rss&user=alice&token=&hours=168 "~home"
        https://blog.rust-lang.org/feed.xml "rust"
        """)


@not_secret("vimrc", ".vimrc")
def _(c):
    return T("""
        set nocompatible
        syntax on
        filetype plugin indent on
        set number relativenumber
        set expandtab shiftwidth=4 tabstop=4
        set undofile undodir=~/.vim/undo
        let mapleader = " "
        nnoremap <leader>w :w<CR>
        " keep secrets out of swap files
        autocmd BufRead,BufNewFile ~/.password-store/* setlocal noswapfile nobackup noundofile
        let g:fzf_layout = { 'down': '40%' }
        """)


@not_secret("zshrc-commands", ".zshrc")
def _(c):
    return T("""
        export ZSH="$HOME/.oh-my-zsh"
        ZSH_THEME="agnoster"
        plugins=(git kubectl fzf)
        source $ZSH/oh-my-zsh.sh

        # Secrets come from pass and 1Password, never from this file.
        export GITHUB_TOKEN="$(pass show github/token)"
        export OPENAI_API_KEY=$(op read op://Private/OpenAI/credential)
        export NPM_TOKEN=${NPM_TOKEN:-}
        export VAULT_ADDR=https://vault.corp.internal:8200
        export PASSWORD_STORE_ENABLE_EXTENSIONS=true
        alias k=kubectl
        """)


@not_secret("bashrc", ".bashrc")
def _(c):
    return T("""
        # ~/.bashrc
        [ -z "$PS1" ] && return
        HISTCONTROL=ignoreboth
        HISTSIZE=10000
        shopt -s histappend checkwinsize
        export GPG_TTY=$(tty)
        export SSH_AUTH_SOCK="$XDG_RUNTIME_DIR/ssh-agent.socket"
        export PASSWORD_STORE_DIR="$HOME/.password-store"
        export AWS_PROFILE=work
        alias ll='ls -alF'
        alias token='gh auth token | wl-copy'
        [ -f ~/.bash_aliases ] && . ~/.bash_aliases
        eval "$(starship init bash)"
        """)


@not_secret("fish-config", ".config/fish/config.fish")
def _(c):
    return T("""
        if status is-interactive
            set -gx EDITOR nvim
            set -gx GITHUB_TOKEN (gh auth token)
            fish_add_path ~/.local/bin ~/.cargo/bin
            starship init fish | source
        end
        """)


@not_secret("ini-env-placeholder", ".config/app/config.ini")
def _(c):
    return T("""
        [server]
        host = 0.0.0.0
        port = 8080

        [database]
        host = db.corp.internal
        user = app
        password = ${DB_PASSWORD}
        pool_size = 10

        [mail]
        password =
        api_key = changeme
        """)


@not_secret("yaml-token-template", ".config/app/config.yml")
def _(c):
    return T("""
        # Copy to config.yml and fill in.
        api:
          url: https://api.corp.internal/v2
          token: <your-token-here>
          timeout: 30s
        sentry:
          dsn: "{{ .sentry_dsn }}"
        """)


@not_secret("oauth-client-config", ".config/app/oauth.yml")
def _(c):
    return T("""
        provider: keycloak
        token_type: Bearer
        token_url: https://sso.corp.internal/realms/corp/protocol/openid-connect/token
        auth_url: https://sso.corp.internal/realms/corp/protocol/openid-connect/auth
        client_id: cli-tools
        client_secret: $KEYCLOAK_CLIENT_SECRET
        scopes: [openid, profile, offline_access]
        """)


@not_secret("database-url-placeholder", ".config/environment.d/40-database.conf")
def _(c):
    return "DATABASE_URL=postgres://app:${PGPASSWORD}@db/app\nPGSSLMODE=require\n"


@not_secret("npmrc-env", ".npmrc")
def _(c):
    return "registry=https://registry.npmjs.org/\nalways-auth=true\n//registry.npmjs.org/:_authToken=${NPM_TOKEN}\n"


@not_secret("llm-config", ".config/mods/mods.yml")
def _(c):
    return T("""
        default-model: gpt-4o
        max-tokens: 4096
        temp: 0.2
        apis:
          openai:
            base-url: https://api.openai.com/v1
            api-key-env: OPENAI_API_KEY
            models:
              gpt-4o:
                max-input-chars: 392000
        """)


@not_secret("codex-config", ".codex/config.toml")
def _(c):
    return T("""
        model = "o4-mini"
        approval_policy = "on-request"
        max_tokens = 4096

        [model_providers.ollama]
        name = "Ollama"
        base_url = "http://localhost:11434/v1"
        env_key = "OLLAMA_API_KEY"
        """)


@not_secret("himalaya", ".config/himalaya/config.toml")
def _(c):
    return T("""
        [accounts.fastmail]
        default = true
        email = "alice@fastmail.com"
        display-name = "Alice Lindqvist"
        backend.type = "imap"
        backend.host = "imap.fastmail.com"
        backend.port = 993
        backend.login = "alice@fastmail.com"
        backend.auth.type = "password"
        backend.auth.cmd = "pass show mail/fastmail"
        message.send.backend.auth = true
        """)


@not_secret("msmtp-passwordeval", ".msmtprc")
def _(c):
    return T("""
        defaults
        auth on
        tls on
        tls_trust_file /etc/ssl/certs/ca-certificates.crt

        account fastmail
        host smtp.fastmail.com
        port 465
        tls_starttls off
        from alice@fastmail.com
        user alice@fastmail.com
        passwordeval "pass show mail/fastmail"

        account default : fastmail
        """)


@not_secret("kitty", ".config/kitty/kitty.conf")
def _(c):
    return T("""
        font_family      JetBrains Mono
        font_size        11.0
        cursor_shape     beam
        scrollback_lines 10000
        enable_audio_bell no
        background_opacity 0.95
        map ctrl+shift+enter new_window_with_cwd
        include current-theme.conf
        """)


@not_secret("alacritty", ".config/alacritty/alacritty.toml")
def _(c):
    return T("""
        [window]
        padding = { x = 6, y = 6 }
        decorations = "None"
        opacity = 0.96

        [font]
        normal = { family = "JetBrains Mono", style = "Regular" }
        size = 11.0

        [colors.primary]
        background = "#1e1e2e"
        foreground = "#cdd6f4"
        """)


@not_secret("tmux", ".tmux.conf")
def _(c):
    return T("""
        set -g prefix C-a
        unbind C-b
        set -g mouse on
        set -g base-index 1
        set -g history-limit 50000
        set -g default-terminal "tmux-256color"
        bind r source-file ~/.tmux.conf \\; display "reloaded"
        set -g @plugin 'tmux-plugins/tpm'
        run '~/.tmux/plugins/tpm/tpm'
        """)


@not_secret("starship", ".config/starship.toml")
def _(c):
    return T("""
        "$schema" = 'https://starship.rs/config-schema.json'
        add_newline = false

        [character]
        success_symbol = '[➜](bold green)'
        error_symbol = '[➜](bold red)'

        [aws]
        format = 'on [$symbol($profile )(\\($region\\) )]($style)'

        [git_commit]
        commit_hash_length = 8
        """)


@not_secret("certificate", ".local/share/ca-certificates/corp-root.crt")
def _(c):
    return c.tool(lambda: self_signed_ca("Corp Internal Root CA 2024", 7300)[1])


@not_secret("kubeconfig-exec", ".kube/config")
def _(c):
    if c.existing:
        ca = re.search(r"certificate-authority-data: (\S+)", c.existing.decode()).group(1)
    else:
        ca = base64.b64encode(self_signed_ca("kubernetes")[1].encode()).decode()
    return T("""
        apiVersion: v1
        clusters:
        - cluster:
            certificate-authority-data: %s
            server: https://%s.gr7.eu-north-1.eks.amazonaws.com
          name: arn:aws:eks:eu-north-1:418290351764:cluster/prod
        contexts:
        - context:
            cluster: arn:aws:eks:eu-north-1:418290351764:cluster/prod
            user: arn:aws:eks:eu-north-1:418290351764:cluster/prod
          name: prod
        current-context: prod
        kind: Config
        preferences: {}
        users:
        - name: arn:aws:eks:eu-north-1:418290351764:cluster/prod
          user:
            exec:
              apiVersion: client.authentication.k8s.io/v1beta1
              args:
              - --region
              - eu-north-1
              - eks
              - get-token
              - --cluster-name
              - prod
              command: aws
              env:
              - name: AWS_PROFILE
                value: work
              interactiveMode: IfAvailable
              provideClusterInfo: false
        """) % (ca, c.hex(32).upper())


@not_secret("docker-credstore", ".docker/config.json")
def _(c):
    return json.dumps({"auths": {"https://index.docker.io/v1/": {}, "ghcr.io": {}}, "credsStore": "pass",
                       "credHelpers": {"418290351764.dkr.ecr.eu-north-1.amazonaws.com": "ecr-login"},
                       "currentContext": "desktop-linux"}, indent="\t")


@not_secret("aws-config", ".aws/config")
def _(c):
    return T("""
        [default]
        region = eu-north-1
        output = json

        [sso-session corp]
        sso_start_url = https://corp.awsapps.com/start
        sso_region = eu-west-1
        sso_registration_scopes = sso:account:access

        [profile work]
        sso_session = corp
        sso_account_id = 418290351764
        sso_role_name = PowerUserAccess

        [profile backup]
        credential_process = aws-vault export --format=json backup
        role_arn = arn:aws:iam::418290351764:role/BackupWriter
        source_profile = work
        """)


@not_secret("rclone-env-auth", ".config/rclone/rclone.conf")
def _(c):
    return T("""
        [s3]
        type = s3
        provider = AWS
        env_auth = true
        region = eu-north-1
        storage_class = STANDARD_IA

        [crypt]
        type = alias
        remote = s3:lindqvist-backup/laptop
        """)


@not_secret("pypirc-keyring", ".pypirc")
def _(c):
    return T("""
        [distutils]
        index-servers =
            pypi
            testpypi

        [pypi]
        username = __token__

        [testpypi]
        repository = https://test.pypi.org/legacy/
        username = __token__
        """)


@not_secret("pip-conf-user-only", ".config/pip/pip.conf")
def _(c):
    return T("""
        [global]
        index-url = https://pypi.org/simple
        extra-index-url = https://__token__@gitlab.com/api/v4/projects/48213/packages/pypi/simple
        require-virtualenv = true
        """)


@not_secret("sops-config", ".sops.yaml")
def _(c):
    recipients = ",".join(kit.bech32("age", kit.x25519_public(c.bytes(32))) for _ in range(2))
    return T("""
        creation_rules:
          - path_regex: secrets/.*\\.yaml$
            encrypted_regex: ^(data|stringData)$
            age: %s
          - path_regex: .*\\.env$
            pgp: %s
        """) % (recipients, c.hex(40).upper())


@not_secret("age-recipients", ".config/age/recipients.txt")
def _(c):
    return "".join("# %s\n%s\n" % (who, kit.bech32("age", kit.x25519_public(c.bytes(32))))
                   for who in ("laptop", "desktop", "yubikey backup"))


@not_secret("terraformrc-helper", ".terraform.d/terraformrc")
def _(c):
    return T("""
        plugin_cache_dir   = "$HOME/.terraform.d/plugin-cache"
        disable_checkpoint = true

        credentials_helper "pass" {
          args = ["terraform"]
        }
        """)


@not_secret("bash-aliases", ".bash_aliases")
def _(c):
    return T("""
        alias pw='pass -c'
        alias gpgkeys='gpg --list-secret-keys --keyid-format 0xlong'
        alias sshfp='ssh-keygen -lf ~/.ssh/id_ed25519.pub'
        alias wgup='sudo wg-quick up wg0'
        alias secrets='sops -d secrets/prod.yaml | less'
        """)


@not_secret("environment-d", ".config/environment.d/10-paths.conf")
def _(c):
    return T("""
        PATH=$HOME/.local/bin:$HOME/.cargo/bin:$PATH
        SSH_AUTH_SOCK=${XDG_RUNTIME_DIR}/gcr/ssh
        GNUPGHOME=$HOME/.gnupg
        MOZ_ENABLE_WAYLAND=1
        """)


@not_secret("nvim-init", ".config/nvim/init.lua")
def _(c):
    return T("""
        local lazypath = vim.fn.stdpath("data") .. "/lazy/lazy.nvim"
        if not vim.loop.fs_stat(lazypath) then
          vim.fn.system({ "git", "clone", "--filter=blob:none",
            "https://github.com/folke/lazy.nvim.git", "--branch=stable", lazypath })
        end
        vim.opt.rtp:prepend(lazypath)
        vim.g.mapleader = " "
        require("lazy").setup("plugins", { change_detection = { notify = false } })
        """)


@not_secret("htoprc", ".config/htop/htoprc")
def _(c):
    return T("""
        # Beware! This file is rewritten by htop when settings are changed in the interface.
        htop_version=3.2.2
        config_reader_min_version=3
        fields=0 48 17 18 38 39 40 2 46 47 49 1
        hide_kernel_threads=1
        hide_userland_threads=1
        show_program_path=0
        highlight_base_name=1
        tree_view=1
        color_scheme=6
        delay=15
        """)


@not_secret("user-dirs", ".config/user-dirs.dirs")
def _(c):
    return T("""
        XDG_DESKTOP_DIR="$HOME/Desktop"
        XDG_DOWNLOAD_DIR="$HOME/Downloads"
        XDG_TEMPLATES_DIR="$HOME/Templates"
        XDG_DOCUMENTS_DIR="$HOME/Documents"
        XDG_MUSIC_DIR="$HOME/Music"
        XDG_PICTURES_DIR="$HOME/Pictures"
        XDG_VIDEOS_DIR="$HOME/Videos"
        """)


@not_secret("mimeapps", ".config/mimeapps.list")
def _(c):
    return T("""
        [Default Applications]
        text/html=firefox.desktop
        x-scheme-handler/http=firefox.desktop
        x-scheme-handler/https=firefox.desktop
        application/pdf=org.pwmt.zathura.desktop
        image/png=imv.desktop
        """)


@not_secret("vdirsyncer", ".config/vdirsyncer/config")
def _(c):
    return T("""
        [general]
        status_path = "~/.local/share/vdirsyncer/status/"

        [pair contacts]
        a = "contacts_local"
        b = "contacts_remote"
        collections = ["from a", "from b"]

        [storage contacts_local]
        type = "filesystem"
        path = "~/.local/share/contacts/"
        fileext = ".vcf"

        [storage contacts_remote]
        type = "carddav"
        url = "https://carddav.fastmail.com/"
        username = "alice@fastmail.com"
        password.fetch = ["command", "pass", "show", "mail/fastmail-dav"]
        auth = "basic"
        """)


@not_secret("sshd-style-fingerprints", "Documents/keys/fingerprints.txt")
def _(c):
    out = ""
    for host, kind in (("nas.home.arpa", "ED25519"), ("vps.lindqvist.home.arpa", "ED25519"), ("router", "ECDSA")):
        digest = base64.b64encode(c.bytes(32)).decode().rstrip("=")
        out += "256 SHA256:%s %s (%s)\n" % (digest, host, kind)
    return out


@not_secret("inputrc", ".inputrc")
def _(c):
    return T("""
        $include /etc/inputrc
        set completion-ignore-case on
        set show-all-if-ambiguous on
        "\\e[A": history-search-backward
        "\\e[B": history-search-forward
        """)


# ================================================================== writing and checking

# The token shapes of the contract, to check that every needle has its rule's shape.
SHAPES = {
    "aws-access-key-id": r"AKIA[A-Z2-7]{16}",
    "aws-secret-access-key": r"[A-Za-z0-9/+]{40}",
    "gcp-service-account": r"[0-9a-f]{40}",
    "google-api-key": r"AIza[A-Za-z0-9_-]{35}",
    "google-oauth-client-secret": r"GOCSPX-[A-Za-z0-9_-]{28}",
    "google-oauth-token": r"ya29\.[A-Za-z0-9_-]{20,}",
    "azure-storage-key": r"AccountKey=[A-Za-z0-9+/]{86}==",
    "azure-sas-token": r"sig=[A-Za-z0-9%+/=]{40,}",
    "azure-client-secret": r"[A-Za-z0-9_~.-]{3}[0-9]Q~[A-Za-z0-9_~.-]{31,34}",
    "github-token": r"gh[pousr]_[A-Za-z0-9]{36}",
    "github-fine-grained-token": r"github_pat_[A-Za-z0-9_]{82}",
    "gitlab-token": r"gl(pat|dt|rt|ptt|cbt|oas)-[A-Za-z0-9_-]{20,}",
    "gitlab-runner-token": r"GR1348941[A-Za-z0-9_-]{20}",
    "bitbucket-app-password": r"ATBB[A-Za-z0-9]{32}",
    "slack-token": r"xox[bpars]-[0-9A-Za-z-]+",
    "slack-webhook": r"https://hooks\.slack\.com/services/T[A-Z0-9]+/B[A-Z0-9]+/[A-Za-z0-9]+",
    "discord-bot-token": r"(MT|Mj|Mz|ND|NT|Nj|Nz|OD|OT)[A-Za-z0-9_-]{22,24}\.[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]{27,38}",
    "discord-webhook": r"https://discord\.com/api/webhooks/[0-9]+/[A-Za-z0-9_-]+",
    "telegram-bot-token": r"[0-9]{8,10}:AA[A-Za-z0-9_-]{33}",
    "npm-token": r"npm_[A-Za-z0-9]{36}",
    "pypi-token": r"pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,}",
    "rubygems-key": r"rubygems_[0-9a-f]{48}",
    "nuget-key": r"oy2[a-z0-9]{43}",
    "docker-hub-token": r"dckr_pat_[A-Za-z0-9_-]{27}",
    "docker-registry-auth": r"[A-Za-z0-9+/]+=*",
    "crates-io-token": r"cio[A-Za-z0-9]{32}",
    "stripe-key": r"[rs]k_live_[A-Za-z0-9]{24,}",
    "openai-api-key": r"sk-(proj-|svcacct-|admin-)?[A-Za-z0-9_-]*T3BlbkFJ[A-Za-z0-9_-]+",
    "anthropic-api-key": r"sk-ant-api03-[A-Za-z0-9_-]{93}AA",
    "huggingface-token": r"hf_[A-Za-z]{34}",
    "twilio-api-key": r"SK[0-9a-f]{32}",
    "sendgrid-api-key": r"SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}",
    "mailgun-api-key": r"key-[0-9a-f]{32}",
    "heroku-api-key": r"HRKU-[A-Za-z0-9_-]{60}",
    "digitalocean-token": r"do[por]_v1_[0-9a-f]{64}",
    "shopify-token": r"shp(at|ca|pa|ss)_[0-9a-f]{32}",
    "atlassian-api-token": r"ATATT3[A-Za-z0-9_=-]{100,}",
    "linear-api-key": r"lin_api_[A-Za-z0-9]{40}",
    "notion-token": r"(ntn_[A-Za-z0-9]{46}|secret_[A-Za-z0-9]{43})",
    "vault-token": r"hv[sbr]\.[A-Za-z0-9_-]{24,}",
    "doppler-token": r"dp\.(pt|st|sa|ct)\.[A-Za-z0-9]{40,}",
    "onepassword-service-account": r"ops_eyJ[A-Za-z0-9_-]+",
    "jwt": r"eyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+",
    "age-secret-key": r"AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}",
}


def write(path, content):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    data = content.encode() if isinstance(content, str) else content
    with open(path, "wb") as f:
        f.write(data)
    return data


def main():
    problems = []
    rows, seen = [], set()
    for name, path, rule, fn in SECRET_CASES:
        assert name not in seen, "two cases named " + name
        seen.add(name)
        c = Case(HERE, name, path)
        content, needle = fn(c)
        data = write(c.file, content)
        raw = bytes.fromhex(needle[4:]) if needle.startswith("hex:") else needle.encode()
        if raw not in data:
            problems.append("%s: the needle is not in the file" % name)
        if rule in SHAPES and not re.fullmatch(SHAPES[rule], needle):
            problems.append("%s: %r does not have the shape of %s" % (name, needle[:40], rule))
        if not needle.startswith("hex:"):
            line = next(l for l in data.decode().splitlines() if needle[:60] in l)
            marks = [m for m in PLACEHOLDER_MARKS if m in line.lower()]
            if marks:
                problems.append("%s: the secret's line holds a placeholder mark %s" % (name, marks))
        rows.append("\t".join((name, path, rule, needle)))
    write(os.path.join(HERE, "MANIFEST.tsv"), "\n".join(rows) + "\n")

    rows = []
    for name, path, fn in NOT_SECRET_CASES:
        assert name not in seen, "two cases named " + name
        seen.add(name)
        c = Case(NOT_SECRETS, name, path)
        write(c.file, fn(c))
        rows.append("%s\t%s" % (name, path))
    write(os.path.join(NOT_SECRETS, "MANIFEST.tsv"), "\n".join(rows) + "\n")

    # Case folders no case makes any more.
    for root, cases in ((HERE, [c[0] for c in SECRET_CASES]), (NOT_SECRETS, [c[0] for c in NOT_SECRET_CASES])):
        for entry in os.listdir(root):
            full = os.path.join(root, entry)
            if os.path.isdir(full) and entry not in cases and entry != "__pycache__":
                shutil.rmtree(full)

    rules = sorted({c[2] for c in SECRET_CASES})
    print("%d secret cases covering %d rule ids, %d non-secret cases"
          % (len(SECRET_CASES), len(rules), len(NOT_SECRET_CASES)))
    if problems:
        sys.exit("\n".join(problems))


if __name__ == "__main__":
    main()
