//! What libzmq's perf tools share: C's `atoi`, the stopwatch, and their way
//! of reporting a failed call.

use std::time::Instant;

/// C's `atoi`: leading white space, an optional sign, then digits up to the
/// first non-digit; 0 when there are none. Wraps like a 32-bit `int`.
pub fn atoi(s: &str) -> i32 {
    let s = s.trim_start_matches([' ', '\t', '\n', '\r', '\x0b', '\x0c']);
    let (neg, digits) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let mut n: i32 = 0;
    for b in digits.bytes().take_while(u8::is_ascii_digit) {
        n = n.wrapping_mul(10).wrapping_add(i32::from(b - b'0'));
    }
    if neg {
        n.wrapping_neg()
    } else {
        n
    }
}

/// `zmq_stopwatch_start`/`zmq_stopwatch_stop`: microseconds on the
/// monotonic clock.
pub struct Stopwatch(Instant);

impl Stopwatch {
    pub fn start() -> Stopwatch {
        Stopwatch(Instant::now())
    }

    pub fn stop(self) -> u64 {
        self.0.elapsed().as_micros() as u64
    }
}

/// Prints `error in <call>: <strerror>` on standard output and exits with
/// `code`, as the tools do (-1 from `main` is status 255; a worker thread
/// exits with 1).
pub fn fail(call: &str, err: impl std::fmt::Display, code: i32) -> ! {
    println!("error in {call}: {err}");
    std::process::exit(code)
}

/// Prints the usage line and exits with 1.
pub fn usage(line: &str) -> ! {
    println!("{line}");
    std::process::exit(1)
}

/// The tools' size check: `message of incorrect size received`, exit -1.
pub fn check_size(got: usize, want: usize, code: i32) {
    if got != want {
        println!("message of incorrect size received");
        std::process::exit(code);
    }
}

/// `zmq_msg_init_size`'s failure for a size that cannot be allocated
/// (ENOMEM), checked once before the messages are made.
pub fn check_alloc(size: usize, code: i32) {
    if Vec::<u8>::new().try_reserve_exact(size).is_err() {
        fail("zmq_msg_init_size", ringmq::Error::ENOMEM, code);
    }
}

/// `zmq_init (1)`: a context with one I/O thread.
pub fn init() -> ringmq::Context {
    let ctx = ringmq::Context::new();
    if let Err(e) = ctx.set_io_threads(1) {
        fail("zmq_init", e, -1);
    }
    ctx
}

/// `zmq_ctx_term`.
pub fn term(mut ctx: ringmq::Context) {
    if let Err(e) = ctx.destroy() {
        fail("zmq_ctx_term", e, -1);
    }
}

/// A message size argument: `size_t message_size = atoi (…)` in the tools.
pub fn size_arg(s: &str) -> usize {
    atoi(s) as isize as usize
}

#[cfg(test)]
mod tests {
    use super::atoi;

    #[test]
    fn atoi_is_cs() {
        assert_eq!(atoi("100"), 100);
        assert_eq!(atoi("  -42xyz"), -42);
        assert_eq!(atoi("+7"), 7);
        assert_eq!(atoi("abc"), 0);
        assert_eq!(atoi(""), 0);
        assert_eq!(atoi("1e6"), 1);
    }
}
