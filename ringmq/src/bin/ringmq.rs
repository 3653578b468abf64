//! `ringmq` — a zmqcat-like command-line tool.
//!
//! ```text
//! ringmq TYPE [--bind EP]... [--connect EP]... [options]
//! ```
//! Sends the lines of standard input as messages and prints the messages it
//! receives, one per line. Frames of a multipart message are separated by
//! the separator (default: a tab). A frame that is not printable UTF-8 is
//! printed as `0x` + hex, and an input frame written `0x…` is sent as those
//! bytes — so a ROUTER's binary peer identities can be copied back.
//!
//! By type: PUB, PUSH, XPUB send (XPUB also prints subscriptions); SUB,
//! PULL, XSUB receive; REQ sends a line and prints the reply; REP prints a
//! request and answers it with the next line (or the request itself with
//! `--echo`); DEALER, ROUTER and PAIR do both as messages come.

use ringmq as zmq;
use std::io::{BufRead, Write};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const USAGE: &str = "usage: ringmq TYPE [--bind EP]... [--connect EP]... [options]

TYPE: PAIR PUB SUB REQ REP DEALER ROUTER PULL PUSH XPUB XSUB
options:
  --bind EP          bind to an endpoint (repeatable): tcp://*:5555, ipc:///tmp/x, …
  --connect EP       connect to an endpoint (repeatable)
  --subscribe TOPIC  SUB: subscribe to a prefix (repeatable; none = everything)
  --identity ID      routing identity announced to peers
  --sndhwm N         send high-water mark (messages)
  --rcvhwm N         receive high-water mark (messages)
  --count N          stop after N messages received (send-only types: sent)
  --separator SEP    frame separator in input and output (default: tab)
  --echo             REP: answer each request with itself
  --delay-ms N       wait N ms after connecting before the first send
  --timeout-ms N     give up if nothing is received for N ms
";

struct Args {
    ty: zmq::SocketType,
    bind: Vec<String>,
    connect: Vec<String>,
    subscribe: Vec<String>,
    identity: Option<String>,
    sndhwm: Option<i32>,
    rcvhwm: Option<i32>,
    count: Option<u64>,
    separator: String,
    echo: bool,
    delay: Duration,
    timeout: Option<Duration>,
}

fn parse_type(s: &str) -> Option<zmq::SocketType> {
    Some(match s.to_ascii_uppercase().as_str() {
        "PAIR" => zmq::PAIR,
        "PUB" => zmq::PUB,
        "SUB" => zmq::SUB,
        "REQ" => zmq::REQ,
        "REP" => zmq::REP,
        "DEALER" => zmq::DEALER,
        "ROUTER" => zmq::ROUTER,
        "PULL" => zmq::PULL,
        "PUSH" => zmq::PUSH,
        "XPUB" => zmq::XPUB,
        "XSUB" => zmq::XSUB,
        _ => return None,
    })
}

fn parse_args() -> Result<Args, String> {
    let mut it = std::env::args().skip(1);
    let ty = it.next().ok_or("missing socket TYPE")?;
    if ty == "-h" || ty == "--help" {
        print!("{USAGE}");
        std::process::exit(0);
    }
    let ty = parse_type(&ty).ok_or_else(|| format!("unknown socket type {ty:?}"))?;
    let mut a = Args {
        ty,
        bind: vec![],
        connect: vec![],
        subscribe: vec![],
        identity: None,
        sndhwm: None,
        rcvhwm: None,
        count: None,
        separator: "\t".into(),
        echo: false,
        delay: Duration::ZERO,
        timeout: None,
    };
    while let Some(flag) = it.next() {
        let mut value = |name: &str| it.next().ok_or_else(|| format!("{name} needs a value"));
        let num = |v: String, name: &str| {
            v.parse::<u64>()
                .map_err(|_| format!("{name} needs a number, got {v:?}"))
        };
        match flag.as_str() {
            "--bind" => a.bind.push(value("--bind")?),
            "--connect" => a.connect.push(value("--connect")?),
            "--subscribe" => a.subscribe.push(value("--subscribe")?),
            "--identity" => a.identity = Some(value("--identity")?),
            "--sndhwm" => a.sndhwm = Some(num(value("--sndhwm")?, "--sndhwm")? as i32),
            "--rcvhwm" => a.rcvhwm = Some(num(value("--rcvhwm")?, "--rcvhwm")? as i32),
            "--count" => a.count = Some(num(value("--count")?, "--count")?),
            "--separator" => a.separator = value("--separator")?,
            "--echo" => a.echo = true,
            "--delay-ms" => {
                a.delay = Duration::from_millis(num(value("--delay-ms")?, "--delay-ms")?)
            }
            "--timeout-ms" => {
                a.timeout = Some(Duration::from_millis(num(
                    value("--timeout-ms")?,
                    "--timeout-ms",
                )?))
            }
            "-h" | "--help" => {
                print!("{USAGE}");
                std::process::exit(0);
            }
            other => return Err(format!("unknown option {other:?}")),
        }
    }
    if a.bind.is_empty() && a.connect.is_empty() {
        return Err("give at least one --bind or --connect".into());
    }
    if a.separator.is_empty() {
        return Err("--separator must not be empty".into());
    }
    Ok(a)
}

/// A frame as text: printable UTF-8 as is, anything else (or text that
/// would be misread: a `0x` prefix, the separator) as `0x` + hex.
fn show(frame: &[u8], sep: &str) -> String {
    match std::str::from_utf8(frame) {
        Ok(s) if !s.starts_with("0x") && !s.contains(sep) && !s.chars().any(char::is_control) => {
            s.to_string()
        }
        _ => {
            let mut out = String::from("0x");
            for b in frame {
                out.push_str(&format!("{b:02x}"));
            }
            out
        }
    }
}

/// The inverse of [`show`] for one input frame.
fn frame_of(text: &str) -> Vec<u8> {
    if let Some(h) = text.strip_prefix("0x") {
        let bytes: Option<Vec<u8>> = (0..h.len())
            .step_by(2)
            .map(|i| h.get(i..i + 2).and_then(|p| u8::from_str_radix(p, 16).ok()))
            .collect();
        if let Some(b) = bytes {
            return b;
        }
    }
    text.as_bytes().to_vec()
}

fn print_msg(parts: &[Vec<u8>], sep: &str) {
    let line: Vec<String> = parts.iter().map(|p| show(p, sep)).collect();
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{}", line.join(sep));
    let _ = out.flush();
}

fn stdin_lines() -> mpsc::Receiver<String> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::stdin().lock().lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}

fn run(a: Args) -> Result<(), String> {
    let ctx = zmq::Context::new();
    let sock = ctx.socket(a.ty).map_err(|e| format!("socket: {e}"))?;
    let fail = |what: &str, e: zmq::Error| format!("{what}: {e}");
    if let Some(h) = a.sndhwm {
        sock.set_sndhwm(h).map_err(|e| fail("--sndhwm", e))?;
    }
    if let Some(h) = a.rcvhwm {
        sock.set_rcvhwm(h).map_err(|e| fail("--rcvhwm", e))?;
    }
    if let Some(id) = &a.identity {
        sock.set_identity(id.as_bytes())
            .map_err(|e| fail("--identity", e))?;
    }
    if a.ty == zmq::SUB {
        if a.subscribe.is_empty() {
            sock.set_subscribe(b"").map_err(|e| fail("subscribe", e))?;
        }
        for t in &a.subscribe {
            sock.set_subscribe(t.as_bytes())
                .map_err(|e| fail("--subscribe", e))?;
        }
    } else if !a.subscribe.is_empty() {
        return Err("--subscribe applies to SUB sockets only".into());
    }
    for ep in &a.bind {
        sock.bind(ep).map_err(|e| fail(&format!("bind {ep}"), e))?;
        if let Ok(Ok(last)) = sock.get_last_endpoint() {
            eprintln!("ringmq: bound {last}");
        }
    }
    for ep in &a.connect {
        sock.connect(ep)
            .map_err(|e| fail(&format!("connect {ep}"), e))?;
    }
    std::thread::sleep(a.delay);

    let sends = !matches!(a.ty, zmq::SUB | zmq::PULL);
    let recvs = !matches!(a.ty, zmq::PUB | zmq::PUSH);
    let send_only = sends && !recvs;
    let lines = stdin_lines();
    let mut stdin_open = sends;
    let mut received = 0u64;
    let mut sent = 0u64;
    let mut last_activity = Instant::now();
    let sep = a.separator.clone();
    let send_line = |line: &str| -> Result<(), String> {
        let frames: Vec<Vec<u8>> = line.split(sep.as_str()).map(frame_of).collect();
        sock.send_multipart(frames, 0).map_err(|e| fail("send", e))
    };
    // REQ and REP alternate; the others send and receive as they come.
    let mut awaiting_reply = false;
    loop {
        if let Some(n) = a.count {
            if (send_only && sent >= n) || (!send_only && received >= n) {
                break;
            }
        }
        if let Some(t) = a.timeout {
            if last_activity.elapsed() > t {
                return Err(format!("nothing received for {} ms", t.as_millis()));
            }
        }
        if !stdin_open && send_only {
            break;
        }
        let may_send = stdin_open && !(a.ty == zmq::REQ && awaiting_reply) && a.ty != zmq::REP;
        if may_send {
            match lines.recv_timeout(Duration::from_millis(if recvs { 1 } else { 100 })) {
                Ok(line) => {
                    send_line(&line)?;
                    sent += 1;
                    awaiting_reply = a.ty == zmq::REQ;
                    last_activity = Instant::now();
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    stdin_open = false;
                    if a.ty == zmq::REQ && !awaiting_reply && a.count.is_none() {
                        break;
                    }
                }
                Err(mpsc::RecvTimeoutError::Timeout) => {}
            }
        }
        if !recvs {
            continue;
        }
        if sock.poll(zmq::POLLIN, 10).map_err(|e| fail("poll", e))? == 0 {
            continue;
        }
        let parts = sock.recv_multipart(0).map_err(|e| fail("recv", e))?;
        received += 1;
        last_activity = Instant::now();
        print_msg(&parts, &a.separator);
        awaiting_reply = false;
        if a.ty == zmq::REP {
            if a.echo {
                sock.send_multipart(parts, 0).map_err(|e| fail("send", e))?;
            } else {
                match lines.recv() {
                    Ok(line) => send_line(&line)?,
                    Err(_) => return Err("stdin closed before the reply to a request".into()),
                }
            }
            sent += 1;
        }
        if a.ty == zmq::REQ && !stdin_open && a.count.is_none() {
            break;
        }
    }
    Ok(())
}

fn main() {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("ringmq: {e}\n\n{USAGE}");
            std::process::exit(2);
        }
    };
    if let Err(e) = run(args) {
        eprintln!("ringmq: {e}");
        std::process::exit(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_round_trip_through_text() {
        for f in [
            &b"hello"[..],
            b"",
            b"\x00\x01\x02",
            b"0xnot hex",
            b"tab\there",
        ] {
            assert_eq!(frame_of(&show(f, "\t")), f, "{f:?}");
        }
        assert_eq!(show(b"\x00\x00\x00\x00\x01", "\t"), "0x0000000001");
        assert_eq!(show(b"a|b", "|"), "0x617c62");
    }
}
