//! Arbitrary bytes as the peer's side of a connection: greeting, handshake
//! and traffic, into a `Session`, with time advancing between chunks.
//!
//! Properties: no panic; memory stays bounded (MAXMSGSIZE is set, output is
//! drained every turn and cannot outgrow the input that provoked it).
//!
//! The first byte picks our socket type, the chunk size, heartbeats, and
//! whether a valid greeting (and READY) is put in front of the fuzzed bytes,
//! so that the fuzzer spends its time past the stage it would otherwise have
//! to guess its way through.

#![no_main]

use libfuzzer_sys::fuzz_target;
use ringmq_core::zmtp::{Event, Session, SessionConfig};
use ringmq_core::{Multipart, SocketType};
use std::time::Duration;

const MAX_MSG: u64 = 64 * 1024;

fn greeting() -> Vec<u8> {
    let mut g = vec![0xff, 0, 0, 0, 0, 0, 0, 0, 1, 0x7f, 3, 1];
    g.extend_from_slice(b"NULL");
    g.resize(64, 0);
    g
}

fn ready(peer: SocketType) -> Vec<u8> {
    let name = peer.name().as_bytes();
    let size = 1 + 5 + 1 + 11 + 4 + name.len();
    let mut r = vec![0x04, size as u8, 5];
    r.extend_from_slice(b"READY\x0bSocket-Type");
    r.extend_from_slice(&(name.len() as u32).to_be_bytes());
    r.extend_from_slice(name);
    r
}

fuzz_target!(|data: &[u8]| {
    let Some((&sel, rest)) = data.split_first() else {
        return;
    };
    let local = SocketType::ALL[usize::from(sel & 0x0f) % SocketType::ALL.len()];
    let mut cfg = SessionConfig::new(local);
    cfg.max_msg_size = Some(MAX_MSG);
    cfg.handshake_timeout = Some(Duration::from_secs(5));
    if sel & 0x10 != 0 {
        cfg.heartbeat_ivl = Some(Duration::from_millis(300));
        cfg.heartbeat_ttl = Some(Duration::from_secs(1));
    }
    let chunk = [1usize, 7, 64, 4096][usize::from(sel >> 5) & 3];

    let mut input = Vec::new();
    if sel & 0x80 != 0 {
        input.extend_from_slice(&greeting());
        if sel & 0x40 != 0 {
            input.extend_from_slice(&ready(local.compatible_peers()[0]));
        }
    }
    input.extend_from_slice(rest);

    let mut now = Duration::ZERO;
    let mut s = Session::new(cfg, now);
    let mut pending = &input[..];
    let mut out_total = 0usize;
    loop {
        if s.wants_input() && !pending.is_empty() {
            let n = chunk.min(pending.len());
            s.handle_input(&pending[..n]);
            pending = &pending[n..];
        }
        let mut progressed = false;
        while let Some(ev) = s.poll_event() {
            progressed = true;
            match ev {
                Ok(Event::Ready(_)) => s.send(&Multipart::single("hello")),
                // Echo, so that sending runs on what the peer made up too.
                Ok(Event::Message(m)) => s.send(&m),
                Err(_) => return,
            }
        }
        now += Duration::from_millis(100);
        if s.handle_timeout(now).is_err() {
            return;
        }
        while let Some(out) = s.take_output() {
            out_total += out.len();
        }
        // Output that grows with input: echoes (about 1x), PONGs (smaller than
        // the PINGs they answer) and our PINGs (9 bytes per 3 turns, at most one turn
        // per input byte). Anything beyond that would be a leak.
        assert!(
            out_total <= 8 * input.len() + 64 * 1024,
            "output outgrew input"
        );
        if pending.is_empty() && !progressed {
            break;
        }
        if !s.wants_input() && !progressed {
            // Would spin: buffered input that does not decode while we refuse more.
            panic!("stuck: wants no input and makes no progress");
        }
    }
});
