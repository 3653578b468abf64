//! The `ringmq` command-line tool, run as a user would: as a process, with
//! its standard input and output, against itself and against the library.

use ringmq as zmq;
use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_ringmq");

fn free_tcp_endpoint() -> String {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    format!("tcp://{}", l.local_addr().unwrap())
}

/// Runs the tool with `args`, feeding `input`, and returns its stdout;
/// fails the test if it does not finish within `secs`.
fn run(args: &[&str], input: &str, secs: u64) -> String {
    let mut child = Command::new(BIN)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start ringmq");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if Instant::now() > deadline {
            child.kill().unwrap();
            let out = child.wait_with_output().unwrap();
            panic!(
                "ringmq {args:?} did not finish; stderr: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "ringmq {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn req_rep_between_two_processes() {
    let ep = free_tcp_endpoint();
    let server = {
        let ep = ep.clone();
        std::thread::spawn(move || run(&["REP", "--bind", &ep, "--echo", "--count", "2"], "", 20))
    };
    std::thread::sleep(Duration::from_millis(200));
    let replies = run(&["REQ", "--connect", &ep], "hello\nworld\n", 20);
    assert_eq!(replies, "hello\nworld\n");
    assert_eq!(server.join().unwrap(), "hello\nworld\n");
}

#[test]
fn pub_sub_between_two_processes_filters_by_topic() {
    let ep = free_tcp_endpoint();
    let sub = {
        let ep = ep.clone();
        std::thread::spawn(move || {
            run(
                &["SUB", "--bind", &ep, "--subscribe", "EUR", "--count", "2"],
                "",
                20,
            )
        })
    };
    std::thread::sleep(Duration::from_millis(200));
    // The publisher connects, waits for the subscription to arrive (slow
    // joiner), then publishes.
    run(
        &["PUB", "--connect", &ep, "--delay-ms", "500"],
        "EURUSD 1.0842\nUSDJPY 151.20\nEURJPY 163.10\n",
        20,
    );
    assert_eq!(sub.join().unwrap(), "EURUSD 1.0842\nEURJPY 163.10\n");
}

#[test]
fn the_tool_talks_to_the_library() {
    let ctx = zmq::Context::new();
    let rep = ctx.socket(zmq::REP).unwrap();
    rep.set_rcvtimeo(10_000).unwrap();
    rep.bind("tcp://127.0.0.1:*").unwrap();
    let ep = rep.get_last_endpoint().unwrap().unwrap();
    let server = std::thread::spawn(move || {
        let req = rep.recv_multipart(0).unwrap();
        rep.send_multipart([b"got".to_vec(), req[1].clone()], 0)
            .unwrap();
        req
    });
    let out = run(&["REQ", "--connect", &ep, "--separator", "|"], "a|b\n", 20);
    assert_eq!(server.join().unwrap(), vec![b"a".to_vec(), b"b".to_vec()]);
    assert_eq!(out, "got|b\n");
}

#[test]
fn binary_frames_print_as_hex_and_round_trip() {
    // A ROUTER prints a peer's generated identity in hex; feeding the line
    // back routes the reply to that peer.
    let ctx = zmq::Context::new();
    let dealer = ctx.socket(zmq::DEALER).unwrap();
    dealer.set_rcvtimeo(10_000).unwrap();
    let ep = free_tcp_endpoint();
    let router = {
        let ep = ep.clone();
        std::thread::spawn(move || run(&["ROUTER", "--bind", &ep, "--count", "1"], "", 20))
    };
    std::thread::sleep(Duration::from_millis(200));
    dealer.connect(&ep).unwrap();
    dealer.send("ping", 0).unwrap();
    let line = router.join().unwrap();
    let (id, body) = line.trim_end().split_once('\t').unwrap();
    assert!(id.starts_with("0x00"), "generated identity in hex: {id}");
    assert_eq!(id.len(), 2 + 10, "5 bytes");
    assert_eq!(body, "ping");
}

#[test]
fn bad_arguments_are_refused_with_usage() {
    let out = Command::new(BIN).args(["NOPE"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("unknown socket type"), "{err}");
    assert!(err.contains("usage: ringmq TYPE"), "{err}");
    let out = Command::new(BIN)
        .args(["PUB", "--bind", "pgm://eth0;239.0.0.1:1"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("bind pgm://"));
}
