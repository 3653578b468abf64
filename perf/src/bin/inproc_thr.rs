//! `inproc_thr <message-size> <message-count>`: libzmq's in-process
//! throughput test (PULL bound, a thread's PUSH connected), on ringmq. Same
//! arguments, same output, same exit codes as libzmq 4.3.5's.

use ringmq as zmq;
use ringmq_perf::tools::{
    atoi, check_alloc, check_size, fail, init, size_arg, term, usage, Stopwatch,
};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 3 {
        usage("usage: inproc_thr <message-size> <message-count>");
    }
    let message_size = size_arg(&args[1]);
    let message_count = atoi(&args[2]);

    let ctx = init();
    let s = ctx
        .socket(zmq::PULL)
        .unwrap_or_else(|e| fail("zmq_socket", e, -1));
    s.bind("inproc://thr_test")
        .unwrap_or_else(|e| fail("zmq_bind", e, -1));

    let worker_ctx = ctx.clone();
    let worker = std::thread::spawn(move || {
        let s = worker_ctx
            .socket(zmq::PUSH)
            .unwrap_or_else(|e| fail("zmq_socket", e, 1));
        s.connect("inproc://thr_test")
            .unwrap_or_else(|e| fail("zmq_connect", e, 1));
        check_alloc(message_size, 1);
        for _ in 0..message_count.max(0) {
            s.send(zmq::Message::with_size(message_size), 0)
                .unwrap_or_else(|e| fail("zmq_sendmsg", e, 1));
        }
    });

    println!("message size: {} [B]", message_size as i32);
    println!("message count: {message_count}");

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

    if worker.join().is_err() {
        fail("pthread_join", "worker panicked", -1);
    }
    drop(s);
    term(ctx);

    // As in libzmq's inproc_thr: the rate is truncated to whole messages
    // per second before the megabits are computed from it.
    let throughput = (f64::from(message_count) / elapsed as f64 * 1_000_000.0) as u64;
    let megabits =
        throughput.wrapping_mul(message_size as u64).wrapping_mul(8) as f64 / 1_000_000.0;
    println!("mean throughput: {} [msg/s]", throughput as i32);
    println!("mean throughput: {megabits:.3} [Mb/s]");
}
