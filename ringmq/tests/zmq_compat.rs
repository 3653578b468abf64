//! Programs written for the `zmq` crate compile and run unchanged with
//! `use ringmq as zmq;`.
//!
//! `zmq_compat` holds zguide examples as the `zmq` crate ships them
//! (examples/zguide), changed only where a standalone program had to
//! become a bounded function: `main` takes the context and endpoint, the
//! endless loops count, `rand` is a tiny generator, and sleeps are gone.

mod zmq_compat {
    #![allow(dead_code, clippy::all)]

    use ringmq as zmq;

    /// hwserver: REP, "Hello" -> "World".
    pub fn hwserver(context: zmq::Context, endpoint: &str, requests: usize) {
        let responder = context.socket(zmq::REP).unwrap();

        assert!(responder.bind(endpoint).is_ok());

        let mut msg = zmq::Message::new();
        for _ in 0..requests {
            responder.recv(&mut msg, 0).unwrap();
            println!("Received {}", msg.as_str().unwrap());
            responder.send("World", 0).unwrap();
        }
    }

    /// hwclient.
    pub fn hwclient(context: zmq::Context, endpoint: &str) -> usize {
        println!("Connecting to hello world server...\n");

        let requester = context.socket(zmq::REQ).unwrap();

        assert!(requester.connect(endpoint).is_ok());

        let mut msg = zmq::Message::new();

        let mut replies = 0;
        for request_nbr in 0..10 {
            println!("Sending Hello {}...", request_nbr);
            requester.send("Hello", 0).unwrap();

            requester.recv(&mut msg, 0).unwrap();
            println!("Received World {}: {}", msg.as_str().unwrap(), request_nbr);
            replies += 1;
        }
        replies
    }

    struct Rng(u64);
    impl Rng {
        fn gen_range(&mut self, r: std::ops::Range<i64>) -> i64 {
            self.0 = self
                .0
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            r.start + ((self.0 >> 33) as i64).rem_euclid(r.end - r.start)
        }
    }

    /// wuserver: PUB of random weather updates (zip codes 0..10 here, so
    /// that a subscriber's zip code comes up often).
    pub fn wuserver(context: zmq::Context, endpoint: &str, stop: &std::sync::atomic::AtomicBool) {
        let publisher = context.socket(zmq::PUB).unwrap();

        assert!(publisher.bind(endpoint).is_ok());

        let mut rng = Rng(7);

        while !stop.load(std::sync::atomic::Ordering::Relaxed) {
            let zipcode = rng.gen_range(0..10);
            let temperature = rng.gen_range(-80..135);
            let relhumidity = rng.gen_range(10..60);

            let update = format!("{:05} {} {}", zipcode, temperature, relhumidity);
            publisher.send(&update, 0).unwrap();
        }
    }

    fn atoi(s: &str) -> i64 {
        s.parse().unwrap()
    }

    /// wuclient: SUB for one zip code, averages 100 updates.
    pub fn wuclient(context: zmq::Context, endpoint: &str, filter: &str) -> i64 {
        println!("Collecting updates from weather server...");

        let subscriber = context.socket(zmq::SUB).unwrap();
        assert!(subscriber.connect(endpoint).is_ok());

        assert!(subscriber.set_subscribe(filter.as_bytes()).is_ok());

        let mut total_temp = 0;

        for _ in 0..100 {
            let string = subscriber.recv_string(0).unwrap().unwrap();
            assert!(string.starts_with(filter));
            let chks: Vec<i64> = string.split(' ').map(atoi).collect();
            let (_zipcode, temperature, _relhumidity) = (chks[0], chks[1], chks[2]);
            total_temp += temperature;
        }

        println!(
            "Average temperature for zipcode '{}' was {}F",
            filter,
            (total_temp / 100)
        );
        total_temp / 100
    }

    /// mspoller: reading from two sockets with `zmq::poll` (compiled only).
    pub fn mspoller() {
        let context = zmq::Context::new();

        // Connect to task ventilator
        let receiver = context.socket(zmq::PULL).unwrap();
        assert!(receiver.connect("tcp://localhost:5557").is_ok());

        // Connect to weather server
        let subscriber = context.socket(zmq::SUB).unwrap();
        assert!(subscriber.connect("tcp://localhost:5556").is_ok());
        let filter = b"10001";
        assert!(subscriber.set_subscribe(filter).is_ok());

        // Process messages from both sockets
        let mut msg = zmq::Message::new();
        loop {
            let mut items = [
                receiver.as_poll_item(zmq::POLLIN),
                subscriber.as_poll_item(zmq::POLLIN),
            ];
            zmq::poll(&mut items, -1).unwrap();
            if items[0].is_readable() && receiver.recv(&mut msg, 0).is_ok() {
                //  Process task
            }
            if items[1].is_readable() && subscriber.recv(&mut msg, 0).is_ok() {
                // Process weather update
            }
        }
    }

    use zmq::SNDMORE;

    /// lbbroker's worker (compiled only).
    fn worker_task(worker_nbr: i32) {
        let context = zmq::Context::new();
        let worker = context.socket(zmq::REQ).unwrap();
        let identity = format!("Worker{}", worker_nbr);
        worker.set_identity(identity.as_bytes()).unwrap();
        assert!(worker.connect("ipc://backend.ipc").is_ok());

        // Tell the broker we're ready for work
        worker.send("READY", 0).unwrap();

        loop {
            let identity = worker
                .recv_string(0)
                .expect("worker failed receiving id")
                .unwrap();
            let empty = worker
                .recv_string(0)
                .expect("worker failed receving empty")
                .unwrap();
            assert!(empty.is_empty());
            let request = worker.recv_string(0).unwrap().unwrap();
            println!("Worker: {}", request);
            worker
                .send(&identity, SNDMORE)
                .expect("worker failed sending identity");
            worker
                .send("", SNDMORE)
                .expect("worker failed sending empty frame");
            worker.send("OK", 0).expect("worker failed sending OK");
        }
    }

    /// lbbroker's main loop (compiled only).
    fn lbbroker() {
        let worker_pool_size = 3;
        let client_pool_size = 10;
        let context = zmq::Context::new();
        let frontend = context.socket(zmq::ROUTER).unwrap();
        let backend = context.socket(zmq::ROUTER).unwrap();
        frontend
            .bind("ipc://frontend.ipc")
            .expect("failed binding frontend");
        backend
            .bind("ipc://backend.ipc")
            .expect("failed binding backend");
        let mut client_nbr = client_pool_size;
        let mut worker_queue = Vec::new();
        loop {
            let mut items = [
                backend.as_poll_item(zmq::POLLIN),
                frontend.as_poll_item(zmq::POLLIN),
            ];
            let rc = zmq::poll(
                &mut items[0..if worker_queue.is_empty() { 1 } else { 2 }],
                -1,
            )
            .unwrap();

            if rc == -1 {
                break;
            }

            if items[0].is_readable() {
                let worker_id = backend
                    .recv_string(0)
                    .expect("backend failed receiving worker id")
                    .unwrap();
                assert!(
                    backend
                        .recv_string(0)
                        .expect("backend failed receiving empty")
                        .unwrap()
                        == ""
                );
                assert!(worker_queue.len() < (worker_pool_size as usize));
                worker_queue.push(worker_id);
                let client_id = backend
                    .recv_string(0)
                    .expect("backend failed receiving client id")
                    .unwrap();

                if client_id != "READY" {
                    assert!(
                        backend
                            .recv_string(0)
                            .expect("backend failed receiving second empty")
                            .unwrap()
                            == ""
                    );
                    let reply = backend
                        .recv_string(0)
                        .expect("backend failed receiving client reply")
                        .unwrap();
                    frontend
                        .send(&client_id, SNDMORE)
                        .expect("frontend failed sending client id");
                    frontend
                        .send("", SNDMORE)
                        .expect("frontend failed sending empty");
                    frontend
                        .send(&reply, 0)
                        .expect("frontend failed sending reply");
                    client_nbr -= 1;
                    if client_nbr == 0 {
                        break;
                    }
                }
            }

            if items[1].is_readable() {
                let client_id = frontend
                    .recv_string(0)
                    .expect("frontend failed receiving client id")
                    .unwrap();
                assert!(
                    frontend
                        .recv_string(0)
                        .expect("frontend failed receiving empty")
                        .unwrap()
                        == ""
                );
                let request = frontend
                    .recv_string(0)
                    .expect("frontend failed receiving request")
                    .unwrap();

                let worker = worker_queue.pop().unwrap();
                backend
                    .send(&worker, SNDMORE)
                    .expect("backend failed sending worker_id");
                backend
                    .send("", SNDMORE)
                    .expect("backend failed sending empty");
                backend
                    .send(client_id.as_bytes(), SNDMORE)
                    .expect("backend failed sending client_id");
                backend
                    .send("", SNDMORE)
                    .expect("backend faield sending second empty");
                backend
                    .send(&request, 0)
                    .expect("backend failed sending request");
            }
        }
    }

    /// Assorted signatures code relies on.
    fn signatures(socket: &zmq::Socket) -> zmq::Result<()> {
        let _: zmq::Result<Vec<Vec<u8>>> = socket.recv_multipart(0);
        let _: zmq::Result<Result<String, Vec<u8>>> = socket.recv_string(zmq::DONTWAIT);
        let _: zmq::Result<Result<String, Vec<u8>>> = socket.get_last_endpoint();
        let _: zmq::Result<usize> = socket.recv_into(&mut [0u8; 8], 0);
        let _: zmq::Result<zmq::PollEvents> = socket.get_events();
        let _: zmq::Result<zmq::SocketType> = socket.get_socket_type();
        socket.send_multipart(vec![vec![1u8], vec![2u8]], 0)?;
        socket.send_multipart(&["a", "b"], 0)?;
        socket.send(vec![1u8, 2, 3], zmq::SNDMORE | zmq::DONTWAIT)?;
        socket.send(&[1u8, 2, 3][..], 0)?;
        socket.send(String::from("owned"), 0)?;
        let e: std::io::Error = zmq::Error::EAGAIN.into();
        drop(e);
        let _ = zmq::version();
        let _ = zmq::has("ipc");
        let ctx: zmq::Context = Default::default();
        let _ = ctx.clone().get_io_threads()?;
        Ok(())
    }
}

mod common;

use ringmq as zmq;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

#[test]
fn hello_world_client_and_server() {
    common::within(30, || {
        let context = zmq::Context::new();
        let ctx = context.clone();
        let server = std::thread::spawn(move || zmq_compat::hwserver(ctx, "inproc://hello", 10));
        assert_eq!(zmq_compat::hwclient(context, "inproc://hello"), 10);
        server.join().unwrap();
    });
}

#[test]
fn weather_update_client_and_server() {
    common::within(30, || {
        let context = zmq::Context::new();
        let stop = Arc::new(AtomicBool::new(false));
        let (ctx, s) = (context.clone(), stop.clone());
        let server = std::thread::spawn(move || zmq_compat::wuserver(ctx, "inproc://weather", &s));
        std::thread::sleep(std::time::Duration::from_millis(10));
        let avg = zmq_compat::wuclient(context, "inproc://weather", "00003");
        assert!((-80..135).contains(&avg));
        stop.store(true, Ordering::Relaxed);
        server.join().unwrap();
    });
}

#[test]
fn hello_world_over_ipc() {
    common::within(30, || {
        let context = zmq::Context::new();
        let probe = context.socket(zmq::PAIR).unwrap();
        let path = std::env::temp_dir().join(format!("ringmq-hello-{}.ipc", std::process::id()));
        let endpoint = format!("ipc://{}", path.display());
        if probe.connect(&endpoint) == Err(zmq::Error::EMTHREAD)
            && std::env::var_os("RINGMQ_SKIP_IO_TESTS").is_some()
        {
            eprintln!("skipped: ipc unavailable here (RINGMQ_SKIP_IO_TESTS is set)");
            return;
        }
        drop(probe);
        let ctx = context.clone();
        let ep = endpoint.clone();
        let server = std::thread::spawn(move || zmq_compat::hwserver(ctx, &ep, 10));
        assert_eq!(zmq_compat::hwclient(context, &endpoint), 10);
        server.join().unwrap();
        let _ = std::fs::remove_file(path);
    });
}
