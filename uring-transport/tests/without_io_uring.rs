//! The `without-io-uring` launcher that `scripts/test` runs the fallback
//! suite under: it must really block io_uring (EPERM, as Docker does) for
//! the command and its children, and say clearly when it cannot run.

use std::process::Command;

use ringmq_uring::driver::{Driver, DriverConfig, SetupErrorKind};

const LAUNCHER: &str = env!("CARGO_BIN_EXE_without-io-uring");

/// Re-entered by the test below, in a child process under the launcher.
const CHILD: &str = "RINGMQ_TEST_UNDER_LAUNCHER";

#[test]
fn without_a_command_it_prints_its_usage_and_exits_2() {
    let out = Command::new(LAUNCHER).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("usage: without-io-uring COMMAND"), "{err}");
}

#[test]
fn a_command_that_does_not_exist_is_127_with_its_name() {
    let out = Command::new(LAUNCHER)
        .arg("/nonexistent/ringmq-no-such-program")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(127));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("cannot run /nonexistent/ringmq-no-such-program"),
        "{err}"
    );
}

#[test]
fn the_command_it_runs_gets_eperm_from_io_uring_setup() {
    if std::env::var_os(CHILD).is_some() {
        let err = Driver::new(&DriverConfig::default())
            .err()
            .expect("io_uring_setup must be refused under the launcher");
        assert_eq!(err.kind(), SetupErrorKind::Blocked, "{err}");
        assert_eq!(err.raw_os_error(), Some(libc::EPERM), "{err}");
        return;
    }
    let me = std::env::current_exe().unwrap();
    let out = Command::new(LAUNCHER)
        .arg(me)
        .args([
            "--exact",
            "the_command_it_runs_gets_eperm_from_io_uring_setup",
            "--nocapture",
        ])
        .env(CHILD, "1")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "child under the launcher failed:\n{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The child really ran the one test (not zero tests by a bad filter).
    assert!(text.contains("1 passed"), "{text}");
}
