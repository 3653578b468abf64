//! `local_lat <bind-to> <message-size> <roundtrip-count>`: libzmq's latency
//! echo server (a REP that binds), on ringmq. Same arguments, same output
//! (none), same exit codes as libzmq 4.3.5's.

use ringmq as zmq;
use ringmq_perf::tools::{atoi, check_size, fail, init, size_arg, term, usage};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 4 {
        usage("usage: local_lat <bind-to> <message-size> <roundtrip-count>");
    }
    let bind_to = &args[1];
    let message_size = size_arg(&args[2]);
    let roundtrip_count = atoi(&args[3]);

    let ctx = init();
    let s = ctx
        .socket(zmq::REP)
        .unwrap_or_else(|e| fail("zmq_socket", e, -1));
    s.bind(bind_to).unwrap_or_else(|e| fail("zmq_bind", e, -1));

    let mut msg = zmq::Message::new();
    for _ in 0..roundtrip_count.max(0) {
        s.recv(&mut msg, 0)
            .unwrap_or_else(|e| fail("zmq_recvmsg", e, -1));
        check_size(msg.len(), message_size, -1);
        s.send(std::mem::take(&mut msg), 0)
            .unwrap_or_else(|e| fail("zmq_sendmsg", e, -1));
    }

    // As libzmq's tool: a second for the last reply to leave.
    std::thread::sleep(std::time::Duration::from_secs(1));
    drop(s);
    term(ctx);
}
