//! `without-io-uring COMMAND [ARGS...]` runs COMMAND with io_uring blocked
//! by a seccomp filter, as Docker's default profile blocks it: every
//! `io_uring_setup`, `io_uring_enter` and `io_uring_register` of the
//! command and of everything it starts fails with `EPERM`. `scripts/test`
//! runs the engine, interop and CLI tests under it to prove that
//! `RINGMQ_BACKEND=auto` falls back to epoll end to end.

use std::os::unix::process::CommandExt;
use std::process::{Command, ExitCode};

fn main() -> ExitCode {
    let mut args = std::env::args_os().skip(1);
    let Some(program) = args.next() else {
        eprintln!("usage: without-io-uring COMMAND [ARGS...]");
        return ExitCode::from(2);
    };
    if let Err(e) = ringmq_uring::driver::block_io_uring_in_this_thread() {
        eprintln!("without-io-uring: cannot install the seccomp filter: {e}");
        return ExitCode::from(125);
    }
    // The filter survives exec (no_new_privs is set), so the command and
    // its children inherit it. exec returns only on failure.
    let e = Command::new(&program).args(args).exec();
    eprintln!(
        "without-io-uring: cannot run {}: {e}",
        program.to_string_lossy()
    );
    ExitCode::from(if e.kind() == std::io::ErrorKind::NotFound {
        127
    } else {
        126
    })
}
