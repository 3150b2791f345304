//! Who is on the other end: the client address of a request (the socket peer, or the address a
//! trusted reverse proxy reports) and the keyed hashes under which addresses and e-mails are
//! stored (failed-login counters, audit log). The raw address is never stored.

use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::sync::Arc;

/// Name of the secret (in `app_secrets`, shared by every app server) that keys the hashes.
pub const SECRET_NAME: &str = "client_address";

/// Keyed hashes (HMAC-SHA256, hex) of client addresses and e-mails. Cheap to clone.
#[derive(Clone)]
pub struct ClientKeys {
    key: Arc<[u8]>,
}

impl std::fmt::Debug for ClientKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ClientKeys(…)")
    }
}

impl ClientKeys {
    /// Hashes keyed with `key` (the [`SECRET_NAME`] secret: 32 random bytes).
    pub fn new(key: &[u8]) -> Self {
        Self { key: Arc::from(key) }
    }

    fn hash(&self, purpose: &str, value: &str) -> String {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.key).unwrap_or_else(|_| unreachable!("HMAC takes any key length"));
        mac.update(purpose.as_bytes());
        mac.update(b"\n");
        mac.update(value.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }

    /// The hash of a client address, after [`normalise_ip`] (64 hex characters).
    pub fn address(&self, ip: IpAddr) -> String {
        self.hash("address", &normalise_ip(ip).to_string())
    }

    /// The hash of an e-mail as typed at login, after [`normalise_email`] (64 hex characters).
    pub fn account(&self, email: &str) -> String {
        self.hash("account", &normalise_email(email))
    }
}

/// An e-mail as accounts are looked up: trimmed, lower-case.
pub fn normalise_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// The address a client is counted under: an IPv4-mapped IPv6 address as its IPv4 address, any
/// other IPv6 address as its /64 network (one subscriber line usually holds a whole /64, so
/// changing the last 64 bits must not reset a counter).
pub fn normalise_ip(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let s = v6.segments();
                IpAddr::V6(Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
            }
        },
    }
}

/// The client address of a request: the socket peer (`ConnectInfo`), or, when `trust_proxy`
/// (`TRUST_PROXY`) says the server sits behind one trusted reverse proxy, the **last** address of
/// `X-Forwarded-For` (the one that proxy appended; earlier ones are whatever the client sent),
/// falling back to the socket peer when that header is missing or its last entry does not parse.
/// `None` when unknown (no peer recorded).
pub fn client_ip(parts: &http::request::Parts, trust_proxy: bool) -> Option<IpAddr> {
    if trust_proxy {
        let forwarded = parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .last()
            .and_then(|v| v.parse::<IpAddr>().ok().or_else(|| v.parse::<SocketAddr>().ok().map(|s| s.ip())));
        if forwarded.is_some() {
            return forwarded;
        }
    }
    parts.extensions.get::<axum::extract::ConnectInfo<SocketAddr>>().map(|c| c.0.ip())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(xff: &[&str], peer: Option<&str>) -> http::request::Parts {
        let mut b = http::Request::builder();
        for v in xff {
            b = b.header("x-forwarded-for", *v);
        }
        let (mut parts, _) = b.body(()).unwrap().into_parts();
        if let Some(p) = peer {
            parts.extensions.insert(axum::extract::ConnectInfo(p.parse::<SocketAddr>().unwrap()));
        }
        parts
    }

    #[test]
    fn forwarded_for_is_read_only_behind_a_trusted_proxy() {
        let p = parts(&["1.2.3.4, 10.0.0.7", "192.0.2.9"], Some("127.0.0.1:5000"));
        assert_eq!(client_ip(&p, false), Some("127.0.0.1".parse().unwrap()));
        assert_eq!(client_ip(&p, true), Some("192.0.2.9".parse().unwrap()));
        let garbage = parts(&["n'importe quoi"], Some("127.0.0.1:5000"));
        // An unreadable last entry (a misconfigured proxy): the peer, i.e. the proxy itself.
        assert_eq!(client_ip(&garbage, true), Some("127.0.0.1".parse().unwrap()));
        assert_eq!(client_ip(&parts(&[], Some("[2001:db8::1]:443")), true), Some("2001:db8::1".parse().unwrap()));
        assert_eq!(client_ip(&parts(&[], None), false), None);
    }

    #[test]
    fn addresses_are_grouped_and_hashed_with_the_key() {
        let keys = ClientKeys::new(b"k1");
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        assert_eq!(keys.address(ip("2001:db8:1:2:aaaa::1")), keys.address(ip("2001:db8:1:2:bbbb::2")));
        assert_ne!(keys.address(ip("2001:db8:1:3::1")), keys.address(ip("2001:db8:1:2::1")));
        assert_eq!(keys.address(ip("::ffff:192.0.2.1")), keys.address(ip("192.0.2.1")));
        assert_ne!(keys.address(ip("192.0.2.1")), ClientKeys::new(b"k2").address(ip("192.0.2.1")));
        let h = keys.address(ip("192.0.2.1"));
        assert_eq!(h.len(), 64);
        assert_eq!(keys.account(" Agent@Essonne.GOUV.fr "), keys.account("agent@essonne.gouv.fr"));
        assert_ne!(keys.account("a@b.fr"), keys.address(ip("192.0.2.1")));
    }
}
