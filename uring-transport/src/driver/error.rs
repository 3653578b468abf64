//! Why a ring could not be set up, named so an operator can fix it.

use std::fmt;
use std::io;

/// What went wrong in [`Driver::new`](super::Driver::new).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SetupErrorKind {
    /// `io_uring_setup` returned `EPERM`: the `kernel.io_uring_disabled`
    /// sysctl or a seccomp profile (Docker's default, containerd 2.0's
    /// RuntimeDefault) forbids io_uring for this process.
    Blocked,
    /// `io_uring_setup` returned `ENOSYS`: the kernel has no io_uring.
    Unsupported,
    /// `io_uring_setup` returned `EINVAL` for the ring flags: the kernel
    /// predates `IORING_SETUP_DEFER_TASKRUN` (Linux 6.1).
    KernelTooOld,
    /// `io_uring_setup` returned `ENOMEM`: the ring does not fit in the
    /// locked-memory limit (`RLIMIT_MEMLOCK`, charged by kernels before 5.12).
    MemlockLimit,
    /// Mapping or registering the provided-buffer ring failed.
    BufferRing,
    /// The [`DriverConfig`](super::DriverConfig) is out of range; nothing was
    /// asked of the kernel.
    InvalidConfig,
    /// The ring was set up but its first operation failed
    /// ([`Driver::probe`](super::Driver::probe)).
    ProbeFailed,
    /// Any other failure of `io_uring_setup`.
    Other,
}

/// A ring could not be set up. [`Display`](fmt::Display) names the cause and
/// the fix; [`raw_os_error`](Self::raw_os_error) keeps the kernel's errno.
#[derive(Debug)]
pub struct SetupError {
    kind: SetupErrorKind,
    errno: Option<i32>,
    /// For `Blocked`: the contents of /proc/sys/kernel/io_uring_disabled (or
    /// why it could not be read). For `InvalidConfig`: what is wrong.
    detail: String,
}

/// Where the sysctl that can switch io_uring off lives (Linux 6.6+).
const IO_URING_DISABLED: &str = "/proc/sys/kernel/io_uring_disabled";

impl SetupError {
    /// Classifies an `io_uring_setup` failure. Reads the sysctl for `EPERM`.
    pub(super) fn from_setup(err: io::Error) -> Self {
        let detail = if err.raw_os_error() == Some(libc::EPERM) {
            read_io_uring_disabled()
        } else {
            String::new()
        };
        Self::from_setup_errno(err.raw_os_error().unwrap_or(0), detail)
    }

    /// Classifies an `io_uring_setup` errno; `io_uring_disabled` is what the
    /// sysctl read (only shown for `EPERM`). Split out so tests can fabricate
    /// an errno.
    pub(super) fn from_setup_errno(errno: i32, io_uring_disabled: String) -> Self {
        let kind = match errno {
            libc::EPERM => SetupErrorKind::Blocked,
            libc::ENOSYS => SetupErrorKind::Unsupported,
            libc::EINVAL => SetupErrorKind::KernelTooOld,
            libc::ENOMEM => SetupErrorKind::MemlockLimit,
            _ => SetupErrorKind::Other,
        };
        Self {
            kind,
            errno: Some(errno),
            detail: io_uring_disabled,
        }
    }

    /// Classifies a failure of the probe operation: `EPERM` from
    /// `io_uring_enter` is io_uring being blocked, as from `io_uring_setup`.
    pub(super) fn probe(err: io::Error) -> Self {
        if err.raw_os_error() == Some(libc::EPERM) {
            return Self::from_setup(err);
        }
        Self {
            kind: SetupErrorKind::ProbeFailed,
            errno: err.raw_os_error(),
            detail: err.to_string(),
        }
    }

    pub(super) fn buffer_ring(err: io::Error) -> Self {
        Self {
            kind: SetupErrorKind::BufferRing,
            errno: err.raw_os_error(),
            detail: err.to_string(),
        }
    }

    pub(super) fn invalid_config(what: impl Into<String>) -> Self {
        Self {
            kind: SetupErrorKind::InvalidConfig,
            errno: None,
            detail: what.into(),
        }
    }

    /// The kind of failure.
    pub fn kind(&self) -> SetupErrorKind {
        self.kind
    }

    /// The errno the kernel returned, if the kernel was asked.
    pub fn raw_os_error(&self) -> Option<i32> {
        self.errno
    }
}

fn read_io_uring_disabled() -> String {
    match std::fs::read_to_string(IO_URING_DISABLED) {
        Ok(value) => value.trim().to_owned(),
        // The sysctl appeared in 6.6; its absence means only seccomp can be
        // the cause, which the message already names.
        Err(e) => format!("<unreadable: {e}>"),
    }
}

impl fmt::Display for SetupError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let errno = self.errno.unwrap_or(0);
        match self.kind {
            SetupErrorKind::Blocked => write!(
                f,
                "io_uring is blocked: kernel.io_uring_disabled = {} (or a container seccomp \
                 profile such as Docker's default blocks io_uring_setup)",
                self.detail
            ),
            SetupErrorKind::Unsupported => f.write_str(
                "io_uring is not available: this kernel was built without io_uring \
                 (io_uring_setup returned ENOSYS)",
            ),
            SetupErrorKind::KernelTooOld => f.write_str(
                "io_uring_setup rejected SINGLE_ISSUER | DEFER_TASKRUN | COOP_TASKRUN (EINVAL): \
                 the kernel is too old for DEFER_TASKRUN, which needs Linux 6.1 or later",
            ),
            SetupErrorKind::MemlockLimit => f.write_str(
                "io_uring_setup could not lock memory for the ring (ENOMEM): raise the \
                 locked-memory limit (ulimit -l, RLIMIT_MEMLOCK) or lower DriverConfig::entries",
            ),
            SetupErrorKind::BufferRing => write!(
                f,
                "setting up the provided-buffer ring for receives failed: {}",
                self.detail
            ),
            SetupErrorKind::InvalidConfig => write!(f, "invalid DriverConfig: {}", self.detail),
            SetupErrorKind::ProbeFailed => write!(
                f,
                "io_uring was set up but its first operation failed: {}",
                self.detail
            ),
            SetupErrorKind::Other => write!(
                f,
                "io_uring_setup failed: {}",
                io::Error::from_raw_os_error(errno)
            ),
        }
    }
}

impl std::error::Error for SetupError {}

impl From<SetupError> for io::Error {
    fn from(e: SetupError) -> Self {
        match e.errno {
            Some(errno) if e.kind != SetupErrorKind::InvalidConfig => {
                io::Error::new(io::Error::from_raw_os_error(errno).kind(), e)
            }
            _ => io::Error::new(io::ErrorKind::InvalidInput, e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eperm_names_the_sysctl_and_its_value() {
        let e = SetupError::from_setup_errno(libc::EPERM, "2".into());
        assert_eq!(e.kind(), SetupErrorKind::Blocked);
        assert_eq!(e.raw_os_error(), Some(libc::EPERM));
        let msg = e.to_string();
        assert!(msg.contains("io_uring_disabled = 2"), "{msg}");
        assert!(msg.contains("seccomp"), "{msg}");
    }

    #[test]
    fn eperm_reads_the_real_sysctl() {
        let e = SetupError::from_setup(io::Error::from_raw_os_error(libc::EPERM));
        let msg = e.to_string();
        assert!(msg.contains("io_uring_disabled = "), "{msg}");
        if let Ok(v) = std::fs::read_to_string(IO_URING_DISABLED) {
            assert!(msg.contains(&format!("= {} ", v.trim())), "{msg}");
        }
    }

    #[test]
    fn other_errnos_name_their_cause() {
        let cases = [
            (
                libc::ENOSYS,
                SetupErrorKind::Unsupported,
                "without io_uring",
            ),
            (libc::EINVAL, SetupErrorKind::KernelTooOld, "6.1"),
            (libc::ENOMEM, SetupErrorKind::MemlockLimit, "RLIMIT_MEMLOCK"),
            (libc::EMFILE, SetupErrorKind::Other, "io_uring_setup failed"),
        ];
        for (errno, kind, needle) in cases {
            let e = SetupError::from_setup_errno(errno, String::new());
            assert_eq!(e.kind(), kind);
            assert_eq!(e.raw_os_error(), Some(errno));
            assert!(e.to_string().contains(needle), "{e}");
        }
    }

    #[test]
    fn converts_to_io_error_keeping_the_message() {
        let io: io::Error = SetupError::from_setup_errno(libc::EPERM, "1".into()).into();
        assert_eq!(io.kind(), io::ErrorKind::PermissionDenied);
        assert!(io.to_string().contains("io_uring_disabled = 1"));
    }
}
