"""Key material and token shapes for make-corpus.py, in plain Python.

Everything here is derived from a seeded random.Random, so the corpus comes out
byte for byte the same on every run: RSA (PKCS#1, PKCS#8 and OpenSSH), ECDSA
P-256/P-384 (SEC1 and OpenSSH), Ed25519 (OpenSSH and PuTTY), X25519 for age
identities, HS256/RS256 JWTs. Only what needs a cipher (encrypted keys, PKCS#12,
PGP) is left to openssl, ssh-keygen and gpg (see make-corpus.py).
"""
import base64
import hashlib
import hmac
import math
import struct
import zlib

# ---------------------------------------------------------------- DER

def der_len(n):
    if n < 0x80:
        return bytes([n])
    body = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(body)]) + body


def der(tag, body):
    return bytes([tag]) + der_len(len(body)) + body


def der_int(x):
    return der(0x02, x.to_bytes((x.bit_length() + 8) // 8, "big"))


def der_seq(*items):
    return der(0x30, b"".join(items))


def der_oid(dotted):
    parts = [int(p) for p in dotted.split(".")]
    body = bytes([40 * parts[0] + parts[1]])
    for p in parts[2:]:
        chunk = [p & 0x7F]
        p >>= 7
        while p:
            chunk.append(0x80 | (p & 0x7F))
            p >>= 7
        body += bytes(reversed(chunk))
    return der(0x06, body)


def pem(label, data, width=64):
    b64 = base64.b64encode(data).decode()
    lines = [b64[i:i + width] for i in range(0, len(b64), width)]
    return "-----BEGIN %s-----\n%s\n-----END %s-----\n" % (label, "\n".join(lines), label)

# ---------------------------------------------------------------- SSH wire format

def ssh_string(b):
    if isinstance(b, str):
        b = b.encode()
    return struct.pack(">I", len(b)) + b


def ssh_mpint(x):
    return ssh_string(x.to_bytes((x.bit_length() + 8) // 8, "big") if x else b"")


def openssh_private_key(keytype, public_blob, private_fields, comment, check):
    """An unencrypted openssh-key-v1 file, as `ssh-keygen -N ''` writes it."""
    section = struct.pack(">II", check, check) + ssh_string(keytype) + private_fields + ssh_string(comment)
    pad = 1
    while len(section) % 8:
        section += bytes([pad])
        pad += 1
    blob = (b"openssh-key-v1\0" + ssh_string("none") + ssh_string("none") + ssh_string(b"")
            + struct.pack(">I", 1) + ssh_string(public_blob) + ssh_string(section))
    return pem("OPENSSH PRIVATE KEY", blob, width=70)


def openssh_public_line(public_blob, keytype, comment):
    return "%s %s %s\n" % (keytype, base64.b64encode(public_blob).decode(), comment)

# ---------------------------------------------------------------- RSA

_SMALL_PRIMES = [p for p in range(3, 2000) if all(p % d for d in range(2, int(p ** 0.5) + 1))]


def _probable_prime(n, rng):
    if any(n % p == 0 for p in _SMALL_PRIMES):
        return False
    d, s = n - 1, 0
    while d % 2 == 0:
        d, s = d // 2, s + 1
    for _ in range(40):
        x = pow(rng.randrange(2, n - 2), d, n)
        if x in (1, n - 1):
            continue
        for _ in range(s - 1):
            x = pow(x, 2, n)
            if x == n - 1:
                break
        else:
            return False
    return True


def _prime(rng, bits):
    while True:
        n = rng.getrandbits(bits) | (3 << (bits - 2)) | 1
        if _probable_prime(n, rng):
            return n


class RSAKey:
    def __init__(self, rng, bits=2048):
        e = 65537
        while True:
            p, q = _prime(rng, bits // 2), _prime(rng, bits // 2)
            if p == q or math.gcd(e, (p - 1) * (q - 1)) != 1:
                continue
            if p < q:
                p, q = q, p
            n = p * q
            if n.bit_length() == bits:
                break
        lam = (p - 1) * (q - 1) // math.gcd(p - 1, q - 1)
        self.n, self.e, self.p, self.q = n, e, p, q
        self.d = pow(e, -1, lam)
        self.dp, self.dq, self.qi = self.d % (p - 1), self.d % (q - 1), pow(q, -1, p)
        self.size = (bits + 7) // 8

    def pkcs1(self):
        return der_seq(*[der_int(x) for x in (0, self.n, self.e, self.d, self.p, self.q, self.dp, self.dq, self.qi)])

    def pkcs8(self):
        algorithm = der_seq(der_oid("1.2.840.113549.1.1.1"), b"\x05\x00")
        return der_seq(der_int(0), algorithm, der(0x04, self.pkcs1()))

    def ssh_public_blob(self):
        return ssh_string("ssh-rsa") + ssh_mpint(self.e) + ssh_mpint(self.n)

    def openssh(self, comment, check):
        fields = (ssh_mpint(self.n) + ssh_mpint(self.e) + ssh_mpint(self.d) + ssh_mpint(self.qi)
                  + ssh_mpint(self.p) + ssh_mpint(self.q))
        return openssh_private_key("ssh-rsa", self.ssh_public_blob(), fields, comment, check)

    def sign_sha256(self, message):
        """RSASSA-PKCS1-v1_5 with SHA-256 (JWT RS256)."""
        digest_info = bytes.fromhex("3031300d060960864801650304020105000420") + hashlib.sha256(message).digest()
        em = b"\x00\x01" + b"\xff" * (self.size - len(digest_info) - 3) + b"\x00" + digest_info
        return pow(int.from_bytes(em, "big"), self.d, self.n).to_bytes(self.size, "big")

# ---------------------------------------------------------------- ECDSA (short Weierstrass, a = -3)

CURVES = {
    "nistp256": dict(
        p=2 ** 256 - 2 ** 224 + 2 ** 192 + 2 ** 96 - 1,
        b=0x5AC635D8AA3A93E7B3EBBD55769886BC651D06B0CC53B0F63BCE3C3E27D2604B,
        gx=0x6B17D1F2E12C4247F8BCE6E563A440F277037D812DEB33A0F4A13945D898C296,
        gy=0x4FE342E2FE1A7F9B8EE7EB4A7C0F9E162BCE33576B315ECECBB6406837BF51F5,
        n=0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551,
        oid="1.2.840.10045.3.1.7", size=32),
    "nistp384": dict(
        p=2 ** 384 - 2 ** 128 - 2 ** 96 + 2 ** 32 - 1,
        b=0xB3312FA7E23EE7E4988E056BE3F82D19181D9C6EFE8141120314088F5013875AC656398D8A2ED19D2A85C8EDD3EC2AEF,
        gx=0xAA87CA22BE8B05378EB1C71EF320AD746E1D3B628BA79B9859F741E082542A385502F25DBF55296C3A545E3872760AB7,
        gy=0x3617DE4A96262C6F5D9E98BF9292DC29F8F41DBD289A147CE9DA3113B5F0B8C00A60B1CE1D7E819D7A431D7C90EA0E5F,
        n=0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFC7634D81F4372DDF581A0DB248B0A77AECEC196ACCC52973,
        oid="1.3.132.0.34", size=48),
}


def _ec_add(c, P, Q):
    p = c["p"]
    if P is None:
        return Q
    if Q is None:
        return P
    if P[0] == Q[0] and (P[1] + Q[1]) % p == 0:
        return None
    if P == Q:
        m = (3 * P[0] * P[0] - 3) * pow(2 * P[1], -1, p) % p
    else:
        m = (Q[1] - P[1]) * pow(Q[0] - P[0], -1, p) % p
    x = (m * m - P[0] - Q[0]) % p
    return (x, (m * (P[0] - x) - P[1]) % p)


def _ec_mul(c, k, P):
    R = None
    while k:
        if k & 1:
            R = _ec_add(c, R, P)
        P = _ec_add(c, P, P)
        k >>= 1
    return R


class ECKey:
    def __init__(self, rng, curve="nistp256"):
        self.curve = curve
        c = self.c = CURVES[curve]
        assert (c["gy"] ** 2 - c["gx"] ** 3 + 3 * c["gx"] - c["b"]) % c["p"] == 0, "curve constants"
        self.d = rng.randrange(1, c["n"])
        x, y = _ec_mul(c, self.d, (c["gx"], c["gy"]))
        self.point = b"\x04" + x.to_bytes(c["size"], "big") + y.to_bytes(c["size"], "big")

    def sec1(self):
        """`EC PRIVATE KEY` (RFC 5915), as openssl and Go's x509.MarshalECPrivateKey write it."""
        return der_seq(der_int(1), der(0x04, self.d.to_bytes(self.c["size"], "big")),
                       der(0xA0, der_oid(self.c["oid"])), der(0xA1, der(0x03, b"\x00" + self.point)))

    def pkcs8(self):
        inner = der_seq(der_int(1), der(0x04, self.d.to_bytes(self.c["size"], "big")),
                        der(0xA1, der(0x03, b"\x00" + self.point)))
        algorithm = der_seq(der_oid("1.2.840.10045.2.1"), der_oid(self.c["oid"]))
        return der_seq(der_int(0), algorithm, der(0x04, inner))

    def keytype(self):
        return "ecdsa-sha2-" + self.curve

    def ssh_public_blob(self):
        return ssh_string(self.keytype()) + ssh_string(self.curve) + ssh_string(self.point)

    def openssh(self, comment, check):
        fields = ssh_string(self.curve) + ssh_string(self.point) + ssh_mpint(self.d)
        return openssh_private_key(self.keytype(), self.ssh_public_blob(), fields, comment, check)

# ---------------------------------------------------------------- Ed25519 and X25519

P25519 = 2 ** 255 - 19
_ED_D = -121665 * pow(121666, -1, P25519) % P25519


def _ed_add(P, Q):
    p = P25519
    x1, y1, z1, t1 = P
    x2, y2, z2, t2 = Q
    a, b = (y1 - x1) * (y2 - x2) % p, (y1 + x1) * (y2 + x2) % p
    c, d = 2 * t1 * t2 * _ED_D % p, 2 * z1 * z2 % p
    e, f, g, h = b - a, d - c, d + c, b + a
    return (e * f % p, g * h % p, f * g % p, e * h % p)


def _ed_base():
    p = P25519
    y = 4 * pow(5, -1, p) % p
    x2 = (y * y - 1) * pow(_ED_D * y * y + 1, -1, p) % p
    x = pow(x2, (p + 3) // 8, p)
    if (x * x - x2) % p:
        x = x * pow(2, (p - 1) // 4, p) % p
    if x & 1:
        x = p - x
    return (x, y, 1, x * y % p)


def ed25519_public(seed):
    h = hashlib.sha512(seed).digest()
    a = int.from_bytes(h[:32], "little") & ((1 << 254) - 8) | (1 << 254)
    R, P = (0, 1, 1, 0), _ed_base()
    while a:
        if a & 1:
            R = _ed_add(R, P)
        P = _ed_add(P, P)
        a >>= 1
    zi = pow(R[2], -1, P25519)
    x, y = R[0] * zi % P25519, R[1] * zi % P25519
    return (y | ((x & 1) << 255)).to_bytes(32, "little")


class Ed25519Key:
    def __init__(self, rng):
        self.seed = bytes(rng.getrandbits(8) for _ in range(32))
        self.public = ed25519_public(self.seed)

    def ssh_public_blob(self):
        return ssh_string("ssh-ed25519") + ssh_string(self.public)

    def openssh(self, comment, check):
        fields = ssh_string(self.public) + ssh_string(self.seed + self.public)
        return openssh_private_key("ssh-ed25519", self.ssh_public_blob(), fields, comment, check)

    def pkcs8(self):
        return der_seq(der_int(0), der_seq(der_oid("1.3.101.112")), der(0x04, der(0x04, self.seed)))

    def ppk(self, comment, version=3):
        """A PuTTY private key file, unencrypted, with its MAC as puttygen computes it."""
        public = self.ssh_public_blob()
        private = ssh_string(self.seed)
        if version == 3:
            mac_key, algorithm = b"", hashlib.sha256
        else:
            mac_key, algorithm = hashlib.sha1(b"putty-private-key-file-mac-key").digest(), hashlib.sha1
        mac_data = (ssh_string("ssh-ed25519") + ssh_string("none") + ssh_string(comment)
                    + ssh_string(public) + ssh_string(private))
        mac = hmac.new(mac_key, mac_data, algorithm).hexdigest()

        def lines(blob):
            b64 = base64.b64encode(blob).decode()
            return [b64[i:i + 64] for i in range(0, len(b64), 64)]
        pub, priv = lines(public), lines(private)
        out = ["PuTTY-User-Key-File-%d: ssh-ed25519" % version, "Encryption: none", "Comment: " + comment,
               "Public-Lines: %d" % len(pub), *pub, "Private-Lines: %d" % len(priv), *priv,
               "Private-MAC: " + mac]
        return "\r\n".join(out) + "\r\n" if version == 2 else "\n".join(out) + "\n"


def x25519_public(secret):
    p = P25519
    k = bytearray(secret)
    k[0] &= 248
    k[31] &= 127
    k[31] |= 64
    k = int.from_bytes(k, "little")
    x1, x2, z2, x3, z3, swap = 9, 1, 0, 9, 1, 0
    for t in reversed(range(255)):
        bit = (k >> t) & 1
        if swap ^ bit:
            x2, x3, z2, z3 = x3, x2, z3, z2
        swap = bit
        a, b = x2 + z2, x2 - z2
        aa, bb = a * a % p, b * b % p
        e = aa - bb
        c, d = x3 + z3, x3 - z3
        da, cb = d * a % p, c * b % p
        x3, z3 = (da + cb) ** 2 % p, x1 * (da - cb) ** 2 % p
        x2, z2 = aa * bb % p, e * (aa + 121665 * e) % p
    if swap:
        x2, z2 = x3, z3
    return (x2 * pow(z2, p - 2, p) % p).to_bytes(32, "little")

# ---------------------------------------------------------------- bech32 (BIP 173), as age uses it

_BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"


def _polymod(values):
    gen = [0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3]
    chk = 1
    for v in values:
        top = chk >> 25
        chk = (chk & 0x1FFFFFF) << 5 ^ v
        for i in range(5):
            chk ^= gen[i] if (top >> i) & 1 else 0
    return chk


def bech32(hrp, data):
    acc, bits, five = 0, 0, []
    for byte in data:
        acc, bits = (acc << 8) | byte, bits + 8
        while bits >= 5:
            bits -= 5
            five.append((acc >> bits) & 31)
    if bits:
        five.append((acc << (5 - bits)) & 31)
    expanded = [ord(x) >> 5 for x in hrp] + [0] + [ord(x) & 31 for x in hrp]
    poly = _polymod(expanded + five + [0] * 6) ^ 1
    checksum = [(poly >> 5 * (5 - i)) & 31 for i in range(6)]
    return hrp + "1" + "".join(_BECH32[d] for d in five + checksum)

# ---------------------------------------------------------------- tokens

BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def base62_crc32(text, width=6):
    """GitHub and npm end a token with the CRC-32 of its random part in base 62."""
    n = zlib.crc32(text.encode())
    out = ""
    while n:
        n, r = divmod(n, 62)
        out = BASE62[r] + out
    return out.rjust(width, "0")


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def jwt(header, claims, sign):
    head = b64url(header.encode()) + "." + b64url(claims.encode())
    return head + "." + b64url(sign(head.encode()))
