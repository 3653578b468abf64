//! `remote_thr <connect-to> <message-size> <message-count>`: libzmq's
//! throughput sender (a PUSH that connects), on ringmq. Same arguments,
//! same output (none), same exit codes as libzmq 4.3.5's.

use ringmq as zmq;
use ringmq_perf::tools::{atoi, check_alloc, fail, init, term, usage};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 4 && args.len() != 5 {
        usage("usage: remote_thr <connect-to> <message-size> <message-count> [<enable_curve>]");
    }
    let connect_to = &args[1];
    let message_size = atoi(&args[2]);
    let message_count = atoi(&args[3]);
    let curve = args.len() == 5 && atoi(&args[4]) != 0;

    let ctx = init();
    let s = ctx
        .socket(zmq::PUSH)
        .unwrap_or_else(|e| fail("zmq_socket", e, -1));
    if curve {
        // ringmq has no CURVE: this fails as libzmq built without it does.
        s.set_curve_secretkey(&[0x2a; 32])
            .unwrap_or_else(|e| fail("zmq_setsockoopt", e, -1));
    }
    s.connect(connect_to)
        .unwrap_or_else(|e| fail("zmq_connect", e, -1));

    let size = usize::try_from(message_size)
        .unwrap_or_else(|_| fail("zmq_msg_init_size", zmq::Error::ENOMEM, -1));
    check_alloc(size, -1);
    for _ in 0..message_count.max(0) {
        s.send(zmq::Message::with_size(size), 0)
            .unwrap_or_else(|e| fail("zmq_sendmsg", e, -1));
    }

    // Closing with the default LINGER (-1) and terminating waits until
    // every message is on its way, as zmq_close + zmq_ctx_term do.
    drop(s);
    term(ctx);
}
