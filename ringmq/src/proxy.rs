//! `zmq_proxy` and its variants, built on [`poll`](crate::poll).

use crate::error::Result;
use crate::{poll, Socket, POLLIN, SNDMORE};

/// Starts a proxy in the current thread: every message arriving on one
/// socket is sent on the other, both ways (a broker between a ROUTER
/// frontend and a DEALER backend, a forwarder between XSUB and XPUB, …).
///
/// # Errors
/// Returns only with an error: `ETERM` once the context is destroyed, or
/// the error of a failed send or receive.
pub fn proxy(frontend: &Socket, backend: &Socket) -> Result<()> {
    run(frontend, backend, None, None)
}

/// [`proxy`], also sending a copy of every message to `capture`.
///
/// # Errors
/// As [`proxy`].
pub fn proxy_with_capture(
    frontend: &mut Socket,
    backend: &mut Socket,
    capture: &mut Socket,
) -> Result<()> {
    run(frontend, backend, Some(capture), None)
}

/// [`proxy`], steered by messages on `control`: `PAUSE` stops forwarding,
/// `RESUME` resumes it, `TERMINATE` makes the call return `Ok(())`.
///
/// # Errors
/// As [`proxy`].
pub fn proxy_steerable(
    frontend: &mut Socket,
    backend: &mut Socket,
    control: &mut Socket,
) -> Result<()> {
    run(frontend, backend, None, Some(control))
}

/// [`proxy_steerable`] with a capture socket.
///
/// # Errors
/// As [`proxy`].
pub fn proxy_steerable_with_capture(
    frontend: &mut Socket,
    backend: &mut Socket,
    capture: &mut Socket,
    control: &mut Socket,
) -> Result<()> {
    run(frontend, backend, Some(capture), Some(control))
}

fn run(
    frontend: &Socket,
    backend: &Socket,
    capture: Option<&Socket>,
    control: Option<&Socket>,
) -> Result<()> {
    let mut paused = false;
    loop {
        // While paused only the control socket is served.
        let mut items = Vec::with_capacity(3);
        if let Some(c) = control {
            items.push(c.as_poll_item(POLLIN));
        }
        let first_data = items.len();
        if !paused {
            items.push(frontend.as_poll_item(POLLIN));
            items.push(backend.as_poll_item(POLLIN));
        }
        poll(&mut items, -1)?;
        let control_in = first_data == 1 && items[0].is_readable();
        let front_in = !paused && items[first_data].is_readable();
        let back_in = !paused && items[first_data + 1].is_readable();
        drop(items);
        if let (Some(c), true) = (control, control_in) {
            match c.recv_multipart(0)?.first().map(Vec::as_slice) {
                Some(b"PAUSE") => paused = true,
                Some(b"RESUME") => paused = false,
                Some(b"TERMINATE") => return Ok(()),
                _ => {}
            }
        }
        if front_in {
            forward(frontend, backend, capture)?;
        }
        if back_in {
            forward(backend, frontend, capture)?;
        }
    }
}

/// Moves one whole message.
fn forward(from: &Socket, to: &Socket, capture: Option<&Socket>) -> Result<()> {
    loop {
        let msg = from.recv_msg(0)?;
        let flags = if msg.get_more() { SNDMORE } else { 0 };
        if let Some(c) = capture {
            c.send(msg.clone(), flags)?;
        }
        to.send(msg, flags)?;
        if flags == 0 {
            return Ok(());
        }
    }
}
