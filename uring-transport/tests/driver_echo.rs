//! Echo through the driver over loopback TCP and a unix socket: multishot
//! accept, connect, multishot recv, send and sendmsg, with the data checked
//! byte for byte.

mod driver_common;

use std::net::TcpListener;
use std::os::fd::{AsRawFd, OwnedFd, RawFd};
use std::os::unix::net::UnixListener;

use bytes::Bytes;
use driver_common::{epoll, pattern, turn, uring, Deadline, Event, Kind, Outbox};
use ringmq_uring::driver::{Backend, DriverStats, OpId};
use socket2::{Domain, Protocol, SockAddr, Socket, Type};

const ACCEPT: u64 = 1;
const CONNECT: u64 = 2;
const SRV_RECV: u64 = 3;
const CLI_RECV: u64 = 4;
const SRV_SEND: u64 = 5;
const CLI_SEND: u64 = 6;
const CLOSE: u64 = 7;

/// What the client sends, as (sends, the concatenated bytes).
fn script() -> (Vec<Vec<Bytes>>, Vec<u8>) {
    let mut sends = vec![
        vec![Bytes::from_static(b"hello")],
        // Several buffers in one sendmsg.
        vec![
            Bytes::from_static(b"one "),
            Bytes::from_static(b"two "),
            Bytes::from_static(b""),
            Bytes::from_static(b"three"),
        ],
    ];
    // 1 MiB in 64 KiB pieces, alternately as single sends and 4-piece sendmsgs,
    // all slices of one buffer (no copies).
    let big = Bytes::from(pattern(1 << 20, 7));
    let pieces: Vec<Bytes> = (0..16)
        .map(|i| big.slice(i * 65536..(i + 1) * 65536))
        .collect();
    for (i, group) in pieces.chunks(4).enumerate() {
        if i % 2 == 0 {
            sends.extend(group.iter().map(|p| vec![p.clone()]));
        } else {
            sends.push(group.to_vec());
        }
    }
    // And 1 MiB as one send, to see whether the kernel splits it.
    sends.push(vec![Bytes::from(pattern(1 << 20, 9))]);
    let expected = sends.iter().flatten().flat_map(|b| b.to_vec()).collect();
    (sends, expected)
}

fn assert_same(received: &[u8], expected: &[u8]) {
    if received != expected {
        let at = received
            .iter()
            .zip(expected)
            .position(|(a, b)| a != b)
            .unwrap_or(received.len().min(expected.len()));
        panic!(
            "received {} bytes, expected {}; first difference at {at}",
            received.len(),
            expected.len()
        );
    }
}

/// Runs the echo; returns the driver's counters and the client's short writes.
fn echo(
    mut d: impl Backend,
    listener: RawFd,
    client: Socket,
    addr: SockAddr,
) -> (DriverStats, usize) {
    let accept = d.accept_multishot(listener, ACCEPT);
    d.connect(client.as_raw_fd(), addr, CONNECT);

    let (sends, expected) = script();
    let mut cli = Outbox::new(client.as_raw_fd(), CLI_SEND);
    for s in sends {
        cli.push(s);
    }

    let mut server: Option<(OwnedFd, Outbox)> = None;
    let mut connected = false;
    let mut srv_recv: Option<OpId> = None;
    let mut cli_recv: Option<OpId> = None;
    let mut received = Vec::with_capacity(expected.len());
    let deadline = Deadline::after(30);
    while received.len() < expected.len() {
        deadline.check("echo to complete");
        for Event {
            op,
            user,
            more,
            kind,
        } in turn(&mut d)
        {
            match (user, kind) {
                (ACCEPT, Kind::Accepted(fd)) => {
                    assert!(more, "multishot accept stays armed");
                    assert!(server.is_none(), "one client, one accept");
                    srv_recv = Some(d.recv_multishot(fd.as_raw_fd(), SRV_RECV));
                    let out = Outbox::new(fd.as_raw_fd(), SRV_SEND);
                    server = Some((fd, out));
                }
                (CONNECT, Kind::Connected) => {
                    connected = true;
                    cli_recv = Some(d.recv_multishot(client.as_raw_fd(), CLI_RECV));
                }
                (SRV_RECV, Kind::Data(data)) => {
                    let (fd, out) = server.as_mut().unwrap();
                    out.push(vec![Bytes::from(data)]);
                    if !more {
                        srv_recv = Some(d.recv_multishot(fd.as_raw_fd(), SRV_RECV));
                    }
                }
                (CLI_RECV, Kind::Data(data)) => {
                    received.extend_from_slice(&data);
                    if !more {
                        cli_recv = Some(d.recv_multishot(client.as_raw_fd(), CLI_RECV));
                    }
                }
                (SRV_RECV, Kind::NoBuffers) => {
                    let fd = server.as_ref().unwrap().0.as_raw_fd();
                    srv_recv = Some(d.recv_multishot(fd, SRV_RECV));
                }
                (CLI_RECV, Kind::NoBuffers) => {
                    cli_recv = Some(d.recv_multishot(client.as_raw_fd(), CLI_RECV));
                }
                (SRV_SEND, Kind::Sent(n)) => server.as_mut().unwrap().1.on_sent(op, n),
                (CLI_SEND, Kind::Sent(n)) => cli.on_sent(op, n),
                (user, kind) => panic!("unexpected completion {user}: {kind:?}"),
            }
        }
        if connected {
            cli.pump(&mut d);
        }
        if let Some((_, out)) = server.as_mut() {
            out.pump(&mut d);
        }
    }
    assert_same(&received, &expected);
    assert!(cli.idle());
    assert_eq!(cli.sent, expected.len());

    // Tear down through the driver: cancel the multishots, close the server
    // side, and see every operation finish.
    d.cancel(accept);
    d.cancel(srv_recv.unwrap());
    d.cancel(cli_recv.unwrap());
    let (server_fd, _) = server.unwrap();
    d.close(server_fd, CLOSE);
    let mut finals = Vec::new();
    let deadline = Deadline::after(10);
    while d.in_flight() > 0 {
        deadline.check("teardown");
        for e in turn(&mut d) {
            assert!(!e.more, "only final completions after cancel: {e:?}");
            finals.push((e.user, e.kind));
        }
    }
    assert!(
        finals
            .iter()
            .any(|(u, k)| *u == ACCEPT && matches!(k, Kind::Canceled)),
        "{finals:?}"
    );
    assert!(
        finals
            .iter()
            .any(|(u, k)| *u == CLOSE && matches!(k, Kind::Closed)),
        "{finals:?}"
    );
    // The client's recv ends either cancelled or by the server's close.
    assert!(
        finals
            .iter()
            .any(|(u, k)| *u == CLI_RECV && matches!(k, Kind::Canceled | Kind::Eof)),
        "{finals:?}"
    );
    (d.stats(), cli.short_writes)
}

fn echo_over_tcp(d: impl Backend) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = SockAddr::from(listener.local_addr().unwrap());
    let client = Socket::new(Domain::IPV4, Type::STREAM, Some(Protocol::TCP)).unwrap();
    client.set_nonblocking(true).unwrap();
    client.set_tcp_nodelay(true).unwrap();
    let (stats, short) = echo(d, listener.as_raw_fd(), client, addr);
    eprintln!("tcp echo: {stats:?}, client short writes: {short}");
    assert!(stats.sqes_submitted > 0 && stats.cqes_reaped > 0);
}

fn echo_over_unix_socket(d: impl Backend) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("echo.sock");
    let listener = UnixListener::bind(&path).unwrap();
    let client = Socket::new(Domain::UNIX, Type::STREAM, None).unwrap();
    client.set_nonblocking(true).unwrap();
    let addr = SockAddr::unix(&path).unwrap();
    let (stats, short) = echo(d, listener.as_raw_fd(), client, addr);
    eprintln!("ipc echo: {stats:?}, client short writes: {short}");
}

#[test]
fn echo_over_tcp_arrives_intact_and_in_order() {
    echo_over_tcp(uring());
}

#[test]
fn echo_over_unix_socket_arrives_intact_and_in_order() {
    echo_over_unix_socket(uring());
}

#[test]
fn epoll_echo_over_tcp_arrives_intact_and_in_order() {
    echo_over_tcp(epoll());
}

#[test]
fn epoll_echo_over_unix_socket_arrives_intact_and_in_order() {
    echo_over_unix_socket(epoll());
}
