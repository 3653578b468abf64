//! `local_thr <bind-to> <message-size> <message-count>`: libzmq's
//! throughput receiver (a PULL that binds), on ringmq. Same arguments, same
//! output, same exit codes as libzmq 4.3.5's.

use ringmq as zmq;
use ringmq_perf::tools::{atoi, check_size, fail, init, size_arg, term, usage, Stopwatch};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 4 && args.len() != 5 {
        usage("usage: local_thr <bind-to> <message-size> <message-count> [<enable_curve>]");
    }
    let bind_to = &args[1];
    let message_size = size_arg(&args[2]);
    let message_count = atoi(&args[3]);
    let curve = args.len() == 5 && atoi(&args[4]) != 0;

    let ctx = init();
    let s = ctx
        .socket(zmq::PULL)
        .unwrap_or_else(|e| fail("zmq_socket", e, -1));
    if curve {
        // ringmq has no CURVE: this fails as libzmq built without it does.
        s.set_curve_secretkey(&[0x2a; 32])
            .and_then(|()| s.set_curve_server(true))
            .unwrap_or_else(|e| fail("zmq_setsockoopt", e, -1));
    }
    s.bind(bind_to).unwrap_or_else(|e| fail("zmq_bind", e, -1));

    let mut msg = zmq::Message::new();
    s.recv(&mut msg, 0)
        .unwrap_or_else(|e| fail("zmq_recvmsg", e, -1));
    check_size(msg.len(), message_size, -1);

    let watch = Stopwatch::start();
    for _ in 1..message_count {
        s.recv(&mut msg, 0)
            .unwrap_or_else(|e| fail("zmq_recvmsg", e, -1));
        check_size(msg.len(), message_size, -1);
    }
    let elapsed = watch.stop().max(1);
    drop(msg);

    let throughput = f64::from(message_count) / elapsed as f64 * 1_000_000.0;
    let megabits = throughput * message_size as f64 * 8.0 / 1_000_000.0;
    println!("message size: {} [B]", message_size as i32);
    println!("message count: {message_count}");
    println!("mean throughput: {} [msg/s]", throughput as i32);
    println!("mean throughput: {megabits:.3} [Mb/s]");

    drop(s);
    term(ctx);
}
