//! `proxy` and `proxy_steerable` between REQ clients and REP workers.

mod common;

use common::{socket, within};
use ringmq as zmq;

#[test]
fn steerable_proxy_brokers_requests_and_terminates() {
    within(20, || {
        let ctx = zmq::Context::new();
        let mut frontend = socket(&ctx, zmq::ROUTER);
        frontend.bind("inproc://proxy-front").unwrap();
        let mut backend = socket(&ctx, zmq::DEALER);
        backend.bind("inproc://proxy-back").unwrap();
        let mut control = socket(&ctx, zmq::PAIR);
        control.bind("inproc://proxy-control").unwrap();
        let mut capture = socket(&ctx, zmq::PUSH);
        capture.bind("inproc://proxy-capture").unwrap();
        let captured = socket(&ctx, zmq::PULL);
        captured.connect("inproc://proxy-capture").unwrap();
        let broker = std::thread::spawn(move || {
            zmq::proxy_steerable_with_capture(
                &mut frontend,
                &mut backend,
                &mut capture,
                &mut control,
            )
        });

        let worker = socket(&ctx, zmq::REP);
        worker.connect("inproc://proxy-back").unwrap();
        let client = socket(&ctx, zmq::REQ);
        client.connect("inproc://proxy-front").unwrap();
        let steer = socket(&ctx, zmq::PAIR);
        steer.connect("inproc://proxy-control").unwrap();

        for i in 0..5 {
            client.send(format!("request {i}").as_str(), 0).unwrap();
            let req = worker.recv_string(0).unwrap().unwrap();
            worker.send(format!("reply to {req}").as_str(), 0).unwrap();
            assert_eq!(
                client.recv_string(0).unwrap().unwrap(),
                format!("reply to request {i}")
            );
        }
        // The capture socket saw each message whole: request (identity,
        // delimiter, body) and reply.
        let first = captured.recv_multipart(0).unwrap();
        assert_eq!(first.len(), 3);
        assert_eq!(first[2], b"request 0");

        steer.send("TERMINATE", 0).unwrap();
        assert_eq!(broker.join().unwrap(), Ok(()));
    });
}

#[test]
fn proxy_returns_eterm_when_the_context_ends() {
    within(20, || {
        let mut ctx = zmq::Context::new();
        let c = ctx.clone();
        let (tx, rx) = std::sync::mpsc::channel();
        let broker = std::thread::spawn(move || {
            let xsub = c.socket(zmq::XSUB).unwrap();
            xsub.bind("inproc://fwd-in").unwrap();
            let xpub = c.socket(zmq::XPUB).unwrap();
            xpub.bind("inproc://fwd-out").unwrap();
            tx.send(()).unwrap();
            zmq::proxy(&xsub, &xpub)
        });
        rx.recv().unwrap();
        {
            let publisher = socket(&ctx, zmq::PUB);
            publisher.connect("inproc://fwd-in").unwrap();
            let subscriber = socket(&ctx, zmq::SUB);
            subscriber.set_subscribe(b"").unwrap();
            subscriber.connect("inproc://fwd-out").unwrap();
            // The subscription travels through the proxy to the publisher.
            let start = std::time::Instant::now();
            loop {
                publisher.send("tick", 0).unwrap();
                if subscriber.poll(zmq::POLLIN, 10).unwrap() > 0 {
                    break;
                }
                assert!(start.elapsed().as_secs() < 5);
            }
            assert_eq!(subscriber.recv_string(0).unwrap().unwrap(), "tick");
        }
        ctx.destroy().unwrap();
        assert_eq!(broker.join().unwrap(), Err(zmq::Error::ETERM));
    });
}
