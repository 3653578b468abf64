//! Endpoint strings: `tcp://host:port`, `ipc://path`, `inproc://name`.

use ringmq_core::Error;
use std::fmt;
use std::net::{SocketAddr, ToSocketAddrs};
use std::path::PathBuf;

/// A parsed endpoint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Endpoint {
    /// `tcp://host:port`. For bind, host `*` is every interface and port `*`
    /// (or 0) lets the kernel choose.
    Tcp {
        /// The host part as written.
        host: String,
        /// The port; 0 for `*`.
        port: u16,
    },
    /// `ipc://path`: a unix-domain stream socket.
    Ipc(PathBuf),
    /// `inproc://name`: within the process, no I/O thread.
    Inproc(String),
}

impl Endpoint {
    /// Parses an endpoint string.
    ///
    /// # Errors
    /// `Invalid` for a malformed string; `ProtocolNotSupported` for a
    /// transport ringmq does not implement (pgm, epgm, tipc, vmci, udp …).
    pub fn parse(s: &str) -> Result<Endpoint, Error> {
        let (scheme, rest) = s.split_once("://").ok_or(Error::Invalid)?;
        match scheme {
            "tcp" => {
                let (host, port) = rest.rsplit_once(':').ok_or(Error::Invalid)?;
                let host = host.trim_start_matches('[').trim_end_matches(']');
                if host.is_empty() {
                    return Err(Error::Invalid);
                }
                let port = match port {
                    "*" | "0" => 0,
                    p => p.parse::<u16>().map_err(|_| Error::Invalid)?,
                };
                Ok(Endpoint::Tcp {
                    host: host.to_string(),
                    port,
                })
            }
            "ipc" if !rest.is_empty() => Ok(Endpoint::Ipc(PathBuf::from(rest))),
            "inproc" if !rest.is_empty() => Ok(Endpoint::Inproc(rest.to_string())),
            "ipc" | "inproc" => Err(Error::Invalid),
            "pgm" | "epgm" | "tipc" | "vmci" | "udp" | "norm" | "ws" | "wss" => {
                Err(Error::ProtocolNotSupported)
            }
            _ => Err(Error::ProtocolNotSupported),
        }
    }

    /// The address to bind a tcp endpoint to (`*` is every IPv4 interface).
    ///
    /// # Errors
    /// `Invalid` if the host does not resolve (libzmq: ENODEV for an unknown
    /// interface; EINVAL is what most callers check).
    pub fn tcp_bind_addr(host: &str, port: u16) -> Result<SocketAddr, Error> {
        if host == "*" {
            return Ok(SocketAddr::from(([0, 0, 0, 0], port)));
        }
        Self::resolve(host, port)
    }

    /// Resolves a tcp host for connect (names are looked up once, here).
    ///
    /// # Errors
    /// `Invalid` if the host does not resolve or the port is `*`.
    pub fn resolve(host: &str, port: u16) -> Result<SocketAddr, Error> {
        (host, port)
            .to_socket_addrs()
            .map_err(|_| Error::Invalid)?
            .next()
            .ok_or(Error::Invalid)
    }
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Endpoint::Tcp { host, port } if host.contains(':') => {
                write!(f, "tcp://[{host}]:{port}")
            }
            Endpoint::Tcp { host, port } => write!(f, "tcp://{host}:{port}"),
            Endpoint::Ipc(p) => write!(f, "ipc://{}", p.display()),
            Endpoint::Inproc(n) => write!(f, "inproc://{n}"),
        }
    }
}

/// The `last_endpoint` string for a bound tcp address, as libzmq writes it.
pub fn tcp_last_endpoint(addr: SocketAddr) -> String {
    match addr {
        SocketAddr::V4(a) => format!("tcp://{}:{}", a.ip(), a.port()),
        SocketAddr::V6(a) => format!("tcp://[{}]:{}", a.ip(), a.port()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_three_transports() {
        assert_eq!(
            Endpoint::parse("tcp://127.0.0.1:5555").unwrap(),
            Endpoint::Tcp {
                host: "127.0.0.1".into(),
                port: 5555
            }
        );
        assert_eq!(
            Endpoint::parse("tcp://*:*").unwrap(),
            Endpoint::Tcp {
                host: "*".into(),
                port: 0
            }
        );
        assert_eq!(
            Endpoint::parse("tcp://[::1]:7").unwrap(),
            Endpoint::Tcp {
                host: "::1".into(),
                port: 7
            }
        );
        assert_eq!(
            Endpoint::parse("ipc:///tmp/x.sock").unwrap(),
            Endpoint::Ipc("/tmp/x.sock".into())
        );
        assert_eq!(
            Endpoint::parse("inproc://feed").unwrap(),
            Endpoint::Inproc("feed".into())
        );
    }

    #[test]
    fn refuses_malformed_and_unknown() {
        for bad in [
            "",
            "tcp:/x:1",
            "tcp://nohost",
            "tcp://:5",
            "tcp://h:port",
            "ipc://",
            "inproc://",
        ] {
            assert_eq!(Endpoint::parse(bad), Err(Error::Invalid), "{bad}");
        }
        assert_eq!(
            Endpoint::parse("pgm://eth0;239.1.1.1:5555"),
            Err(Error::ProtocolNotSupported)
        );
    }

    #[test]
    fn last_endpoint_format() {
        assert_eq!(
            tcp_last_endpoint("127.0.0.1:80".parse().unwrap()),
            "tcp://127.0.0.1:80"
        );
        assert_eq!(
            tcp_last_endpoint("[::1]:80".parse().unwrap()),
            "tcp://[::1]:80"
        );
    }
}
