//! `remote_lat <connect-to> <message-size> <roundtrip-count>`: libzmq's
//! latency client (a REQ that connects), on ringmq. Same arguments, same
//! output, same exit codes as libzmq 4.3.5's.

use ringmq as zmq;
use ringmq_perf::tools::{
    atoi, check_alloc, check_size, fail, init, size_arg, term, usage, Stopwatch,
};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 4 {
        usage("usage: remote_lat <connect-to> <message-size> <roundtrip-count>");
    }
    let connect_to = &args[1];
    let message_size = size_arg(&args[2]);
    let roundtrip_count = atoi(&args[3]);

    let ctx = init();
    let s = ctx
        .socket(zmq::REQ)
        .unwrap_or_else(|e| fail("zmq_socket", e, -1));
    s.connect(connect_to)
        .unwrap_or_else(|e| fail("zmq_connect", e, -1));

    check_alloc(message_size, -1);
    let mut msg = zmq::Message::with_size(message_size);

    let watch = Stopwatch::start();
    for _ in 0..roundtrip_count.max(0) {
        s.send(std::mem::take(&mut msg), 0)
            .unwrap_or_else(|e| fail("zmq_sendmsg", e, -1));
        s.recv(&mut msg, 0)
            .unwrap_or_else(|e| fail("zmq_recvmsg", e, -1));
        check_size(msg.len(), message_size, -1);
    }
    let elapsed = watch.stop();
    drop(msg);

    let latency = elapsed as f64 / (f64::from(roundtrip_count) * 2.0);
    println!("message size: {} [B]", message_size as i32);
    println!("roundtrip count: {roundtrip_count}");
    println!("average latency: {latency:.3} [us]");

    drop(s);
    term(ctx);
}
