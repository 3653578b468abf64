//! The engine over real loopback sockets, driven through `SharedSocket` the
//! way the public API drives it.

use ringmq_core::{Error, Multipart, Socket, SocketType};
use ringmq_uring::endpoint::Endpoint;
use ringmq_uring::engine::{Engine, EngineConfig, EngineMode, Spin, TransportOptions};
use ringmq_uring::shared::{SharedSocket, Wait};
use std::sync::Arc;
use std::time::{Duration, Instant};

fn sock(t: SocketType) -> Arc<SharedSocket> {
    SharedSocket::new(Socket::new(t))
}

fn send(s: &Arc<SharedSocket>, parts: &[&str]) {
    let mut msg: Option<Multipart> = Some(parts.iter().map(|p| p.as_bytes().to_vec()).collect());
    let deadline = Instant::now() + Duration::from_secs(5);
    s.block_on(Wait::Send, Some(deadline), |core| {
        match core.send(msg.take().unwrap()) {
            Ok(()) => Some(()),
            Err(e) => {
                assert_eq!(e.error, Error::Again);
                msg = Some(e.msg);
                None
            }
        }
    })
    .expect("sent within 5 s");
}

fn recv(s: &Arc<SharedSocket>) -> Vec<String> {
    let deadline = Instant::now() + Duration::from_secs(5);
    let m = s
        .block_on(Wait::Recv, Some(deadline), |core| core.recv().ok())
        .expect("received within 5 s");
    m.iter()
        .map(|f| String::from_utf8_lossy(f).into_owned())
        .collect()
}

#[test]
fn push_pull_over_tcp() {
    let engine = Engine::start(&EngineConfig::default()).expect("engine");
    let pull = sock(SocketType::Pull);
    let push = sock(SocketType::Push);
    let opts = TransportOptions::default();
    let ep = engine
        .bind(&pull, &Endpoint::parse("tcp://127.0.0.1:*").unwrap())
        .unwrap();
    assert!(ep.starts_with("tcp://127.0.0.1:"), "{ep}");
    engine
        .connect(&push, &Endpoint::parse(&ep).unwrap(), &opts)
        .unwrap();
    for i in 0..1000 {
        send(&push, &["hello", &i.to_string()]);
    }
    for i in 0..1000 {
        assert_eq!(recv(&pull), ["hello", &i.to_string()]);
    }
    engine.close_socket(&push, Some(Duration::ZERO));
    engine.close_socket(&pull, Some(Duration::ZERO));
    engine.shutdown();
}

#[test]
fn req_rep_over_ipc() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rr.sock");
    let engine = Engine::start(&EngineConfig::default()).expect("engine");
    let rep = sock(SocketType::Rep);
    let req = sock(SocketType::Req);
    let opts = TransportOptions::default();
    let ep = Endpoint::Ipc(path);
    engine.bind(&rep, &ep).unwrap();
    engine.connect(&req, &ep, &opts).unwrap();
    for i in 0..100 {
        send(&req, &[&format!("q{i}")]);
        assert_eq!(recv(&rep), [format!("q{i}")]);
        send(&rep, &[&format!("a{i}")]);
        assert_eq!(recv(&req), [format!("a{i}")]);
    }
    engine.shutdown();
}

#[test]
fn bind_twice_is_eaddrinuse() {
    let engine = Engine::start(&EngineConfig::default()).expect("engine");
    let a = sock(SocketType::Pull);
    let b = sock(SocketType::Pull);
    let ep = engine
        .bind(&a, &Endpoint::parse("tcp://127.0.0.1:*").unwrap())
        .unwrap();
    assert_eq!(
        engine.bind(&b, &Endpoint::parse(&ep).unwrap()),
        Err(Error::AddrInUse)
    );
    engine.shutdown();
}

#[test]
fn large_messages_go_out_by_sendmsg_and_arrive_whole() {
    // Frames of at least ZERO_COPY_MIN leave from their own buffers, next to
    // small frames copied into the coalescing buffer: mix both.
    let engine = Engine::start(&EngineConfig::default()).expect("engine");
    let pull = sock(SocketType::Pull);
    let push = sock(SocketType::Push);
    let opts = TransportOptions::default();
    let ep = engine
        .bind(&pull, &Endpoint::parse("tcp://127.0.0.1:*").unwrap())
        .unwrap();
    engine
        .connect(&push, &Endpoint::parse(&ep).unwrap(), &opts)
        .unwrap();
    let sizes = [1usize, 16 * 1024, 100_000, 1 << 20, 3];
    for round in 0..20u8 {
        let mut m = Multipart::new();
        for (i, n) in sizes.iter().enumerate() {
            m.push_back(vec![round.wrapping_add(i as u8); *n]);
        }
        let mut msg = Some(m);
        push.block_on(
            Wait::Send,
            Some(Instant::now() + Duration::from_secs(10)),
            |core| match core.send(msg.take().unwrap()) {
                Ok(()) => Some(()),
                Err(e) => {
                    msg = Some(e.msg);
                    None
                }
            },
        )
        .unwrap();
    }
    for round in 0..20u8 {
        let m = pull
            .block_on(
                Wait::Recv,
                Some(Instant::now() + Duration::from_secs(10)),
                |core| core.recv().ok(),
            )
            .unwrap();
        assert_eq!(m.len(), sizes.len());
        for (i, (f, n)) in m.iter().zip(sizes).enumerate() {
            assert_eq!(f.len(), n);
            assert!(f.iter().all(|b| *b == round.wrapping_add(i as u8)));
        }
    }
    engine.shutdown();
}

#[test]
fn each_io_thread_runs_on_the_backend_asked_for() {
    use ringmq_uring::driver::{BackendKind, Driver, DriverConfig};
    use ringmq_uring::engine::BackendChoice;
    let start = |backend| {
        Engine::start(&EngineConfig {
            io_threads: 2,
            backend: Some(backend),
            spin: None,
            mode: Some(EngineMode::IoThreads),
        })
    };
    let epoll = start(BackendChoice::Epoll).expect("epoll");
    assert_eq!(epoll.backends(), [BackendKind::Epoll, BackendKind::Epoll]);
    let auto = start(BackendChoice::Auto).expect("auto always starts");
    let uring_works = Driver::probe(&DriverConfig::default()).is_ok();
    let expected = if uring_works {
        BackendKind::IoUring
    } else {
        BackendKind::Epoll
    };
    assert_eq!(auto.backends(), [expected, expected]);
    match start(BackendChoice::Uring) {
        Ok(e) => assert_eq!(e.backends(), [BackendKind::IoUring; 2]),
        Err(e) => assert!(!uring_works, "forced io_uring failed: {e}"),
    }
    assert_eq!(BackendChoice::parse("EPOLL"), Some(BackendChoice::Epoll));
    assert_eq!(BackendChoice::parse("io_uring"), Some(BackendChoice::Uring));
    assert_eq!(BackendChoice::parse(""), Some(BackendChoice::Auto));
    assert_eq!(BackendChoice::parse("select"), None);
}

/// Round trips over tcp on an engine with the spin setting `spin`;
/// returns its one I/O thread's counters after them.
fn spinning_round_trips(
    backend: ringmq_uring::engine::BackendChoice,
    spin: Spin,
) -> ringmq_core::snapshot::IoThreadSnapshot {
    let engine = Engine::start(&EngineConfig {
        io_threads: 1,
        backend: Some(backend),
        spin: Some(spin),
        mode: None,
    })
    .expect("engine");
    assert_eq!(engine.spin(), spin);
    let rep = sock(SocketType::Rep);
    let req = sock(SocketType::Req);
    let ep = engine
        .bind(&rep, &Endpoint::parse("tcp://127.0.0.1:*").unwrap())
        .unwrap();
    engine
        .connect(
            &req,
            &Endpoint::parse(&ep).unwrap(),
            &TransportOptions::default(),
        )
        .unwrap();
    for i in 0..200 {
        send(&req, &[&format!("q{i}")]);
        assert_eq!(recv(&rep), [format!("q{i}")]);
        send(&rep, &[&format!("a{i}")]);
        assert_eq!(recv(&req), [format!("a{i}")]);
    }
    let stats = engine.io_thread_stats().remove(0);
    engine.shutdown();
    stats
}

#[test]
fn a_spinning_io_thread_serves_every_message_and_counts_its_spins() {
    use ringmq_uring::engine::BackendChoice;
    for backend in [BackendChoice::Auto, BackendChoice::Epoll] {
        // A budget far above a loopback round trip: the spins that follow
        // a send see the reply come, and are counted as hits.
        let s = spinning_round_trips(backend, Spin::fixed(Duration::from_millis(50)));
        assert_eq!((s.spin_us, s.spin_adaptive), (50_000, false), "{backend:?}");
        assert!(s.spin_hits > 0, "{backend:?}: {s:?}");
        // The adaptive default reports itself, with its budget.
        let s = spinning_round_trips(backend, Spin::AUTO);
        assert_eq!((s.spin_us, s.spin_adaptive), (20, true), "{backend:?}");
        // Without a budget the thread never spins.
        let s = spinning_round_trips(backend, Spin::OFF);
        assert_eq!(
            (s.spin_us, s.spin_hits, s.spin_misses),
            (0, 0, 0),
            "{backend:?}"
        );
    }
}

#[test]
fn a_spin_setting_is_whole_microseconds_up_to_one_second_or_auto() {
    use ringmq_uring::engine::parse_spin_us;
    assert_eq!(parse_spin_us("0"), Ok(Spin::OFF));
    assert_eq!(
        parse_spin_us(" 50 "),
        Ok(Spin::fixed(Duration::from_micros(50)))
    );
    assert_eq!(
        parse_spin_us("1000000"),
        Ok(Spin::fixed(Duration::from_secs(1)))
    );
    assert_eq!(parse_spin_us("auto"), Ok(Spin::AUTO));
    assert_eq!(parse_spin_us("-1"), Ok(Spin::AUTO));
    assert!(Spin::AUTO.adaptive && Spin::AUTO.budget == Duration::from_micros(20));
    for bad in ["", "-2", "2.5", "50us", "1000001", "automatic"] {
        let e = parse_spin_us(bad).expect_err(bad);
        assert!(e.contains("RINGMQ_SPIN_US"), "{bad}: {e}");
    }
}

#[test]
fn a_spinning_engine_still_fires_its_timers() {
    // Reconnection is a timer: with a budget longer than the reconnect
    // interval, the spinning thread still reconnects to a peer that binds
    // late (and shuts down when asked while it spins).
    let engine = Engine::start(&EngineConfig {
        io_threads: 1,
        backend: None,
        spin: Some(Spin::fixed(Duration::from_millis(500))),
        mode: None,
    })
    .expect("engine");
    let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = probe.local_addr().unwrap();
    drop(probe);
    let push = sock(SocketType::Push);
    let opts = TransportOptions {
        reconnect_ivl: Duration::from_millis(20),
        reconnect_ivl_max: None,
    };
    let ep = Endpoint::parse(&format!("tcp://{addr}")).unwrap();
    engine.connect(&push, &ep, &opts).unwrap();
    std::thread::sleep(Duration::from_millis(100));
    let pull = sock(SocketType::Pull);
    engine.bind(&pull, &ep).unwrap();
    send(&push, &["late"]);
    assert_eq!(recv(&pull), ["late"]);
    engine.shutdown();
}
