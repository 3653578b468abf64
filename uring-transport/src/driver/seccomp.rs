//! A seccomp filter that blocks io_uring the way container runtimes do,
//! to reproduce their environment (tests, `RINGMQ_BACKEND=auto` checks)
//! without a container.

use std::io;

/// `AUDIT_ARCH_*` of the native system call ABI (linux/audit.h).
#[cfg(target_arch = "x86_64")]
const AUDIT_ARCH: u32 = 0xC000_003E;
#[cfg(target_arch = "aarch64")]
const AUDIT_ARCH: u32 = 0xC000_00B7;

/// io_uring_setup, io_uring_enter, io_uring_register: 425..=427 on every
/// architecture that has them (the unified system call table).
const FIRST: u32 = libc::SYS_io_uring_setup as u32;
const LAST: u32 = libc::SYS_io_uring_register as u32;

const BPF_LD_W_ABS: u16 = (libc::BPF_LD | libc::BPF_W | libc::BPF_ABS) as u16;
const BPF_JEQ_K: u16 = (libc::BPF_JMP | libc::BPF_JEQ | libc::BPF_K) as u16;
const BPF_JGE_K: u16 = (libc::BPF_JMP | libc::BPF_JGE | libc::BPF_K) as u16;
const BPF_JGT_K: u16 = (libc::BPF_JMP | libc::BPF_JGT | libc::BPF_K) as u16;
const BPF_RET_K: u16 = (libc::BPF_RET | libc::BPF_K) as u16;

fn op(code: u16, jt: u8, jf: u8, k: u32) -> libc::sock_filter {
    libc::sock_filter { code, jt, jf, k }
}

/// Makes every later io_uring system call of the calling thread, and of
/// the threads it starts from now on, fail with `EPERM` — what Docker's
/// default seccomp profile does. Irreversible for those threads; other
/// threads of the process are untouched. Sets `no_new_privs` on the
/// thread, which seccomp requires of an unprivileged caller.
///
/// # Errors
/// The `prctl` error (`EINVAL` where the kernel has no seccomp filters).
#[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
pub fn block_io_uring_in_this_thread() -> io::Result<()> {
    // Offsets in struct seccomp_data: nr at 0, arch at 4.
    let mut prog = [
        op(BPF_LD_W_ABS, 0, 0, 4),
        // Another ABI (x32, compat): allow.
        op(BPF_JEQ_K, 0, 4, AUDIT_ARCH),
        op(BPF_LD_W_ABS, 0, 0, 0),
        op(BPF_JGE_K, 0, 2, FIRST),
        op(BPF_JGT_K, 1, 0, LAST),
        op(
            BPF_RET_K,
            0,
            0,
            libc::SECCOMP_RET_ERRNO | libc::EPERM as u32,
        ),
        op(BPF_RET_K, 0, 0, libc::SECCOMP_RET_ALLOW),
    ];
    let fprog = libc::sock_fprog {
        len: prog.len() as u16,
        filter: prog.as_mut_ptr(),
    };
    // Safety: PR_SET_NO_NEW_PRIVS takes plain integers.
    if unsafe { libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) } != 0 {
        return Err(io::Error::last_os_error());
    }
    // Safety: `fprog` points at `prog`, both alive for the call; the kernel
    // copies the program before returning.
    let r = unsafe {
        libc::prctl(
            libc::PR_SET_SECCOMP,
            libc::SECCOMP_MODE_FILTER,
            &fprog as *const libc::sock_fprog,
        )
    };
    if r != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}
