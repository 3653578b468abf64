//! What the ring's completions mean for the listeners and connections.

use super::pump::submit_send;
use super::*;

impl<B: Backend> IoThread<B> {
    pub(super) fn reap(&mut self) {
        let mut done = std::mem::take(&mut self.done);
        {
            let conns = &mut self.conns;
            self.driver.drain(|c: Completion<'_>| {
                classify(c, conns, &mut done);
            });
        }
        for d in done.drain(..) {
            self.handle(d);
        }
        self.done = done;
    }

    pub(super) fn handle(&mut self, d: Done) {
        match d {
            Done::Wake => self.arm_wake(),
            Done::Accepted(lk, fd) => {
                // A listener being closed accepts nobody (`fd` closes here).
                let Some(l) = self.listeners.get(lk).filter(|l| !l.closing) else {
                    return;
                };
                let session = l.session.clone();
                let Some(entry) = self.sockets.get(&l.sock_id) else {
                    return;
                };
                let sock = entry.sock.clone();
                let endpoint = l.endpoint.clone();
                let sref = socket2::SockRef::from(&fd);
                let _ = sref.set_tcp_nodelay(true);
                let peer_addr = match sref.peer_addr() {
                    Ok(a) => match (a.as_socket(), a.as_pathname()) {
                        (Some(ip), _) => ip.to_string(),
                        (None, Some(path)) => path.display().to_string(),
                        (None, None) => "ipc".to_string(),
                    },
                    Err(_) => String::new(),
                };
                sock.push_event(
                    ConnEventKind::Accepted,
                    peer_addr.clone(),
                    format!("on {endpoint}"),
                );
                let k = self.conns.insert(Conn::new(
                    sock.clone(),
                    fd,
                    Origin::Accepted,
                    endpoint,
                    peer_addr,
                ));
                self.entry(&sock).conns.push(k);
                self.open_session(k, session);
            }
            Done::AcceptEnded(lk) => {
                // The multishot accept stopped (cancelled, or an error such
                // as EMFILE): re-arm while the listener lives.
                if self.listeners.get(lk).is_some_and(|l| l.closing) {
                    self.listener_closed(lk);
                } else if let Some(l) = self.listeners.get_mut(lk) {
                    let raw = l.fd.as_raw_fd();
                    l.accept_op = Some(
                        self.driver
                            .accept_multishot(raw, Token::Listener(lk).encode()),
                    );
                }
            }
            Done::Connected(k) => {
                if let Some(c) = self.conns.get(k) {
                    c.sock.push_event(
                        ConnEventKind::Connected,
                        c.endpoint.clone(),
                        c.peer_addr.clone(),
                    );
                }
                let session = match self.conns.get(k).map(|c| c.origin) {
                    Some(Origin::Connecter(ck)) => {
                        self.connecters.get(ck).map(|c| c.session.clone())
                    }
                    _ => None,
                };
                if let Some(session) = session {
                    self.open_session(k, session);
                }
            }
            Done::ConnectFailed(k, why) => self.lose_conn(k, &why),
            Done::Input(k) => self.pump_in(k),
            Done::RecvEnded(k, eof) => {
                if eof {
                    // Everything the peer sent before closing is decoded and
                    // delivered first (the session already holds it).
                    self.pump_in(k);
                    self.lose_conn(k, "peer closed");
                } else {
                    self.pump_in(k);
                    self.arm_recv(k);
                }
            }
            Done::Sent(k, n) => {
                let Some(conn) = self.conns.get_mut(k) else {
                    return;
                };
                let fd = conn.fd.as_raw_fd();
                let Some(link) = conn.link.as_mut() else {
                    return;
                };
                if let Some(rest) = link.sent(n) {
                    // A short write: the rest goes now.
                    submit_send(&mut self.driver, fd, rest, k);
                } else {
                    let closing = link.is_closing();
                    let sock_id = conn.sock.id();
                    self.pump_out(k);
                    if closing {
                        self.check_linger(sock_id, false);
                    }
                }
            }
            Done::Closed(k, why) => self.lose_conn(k, &why),
        }
    }

    pub(super) fn finish(&mut self) {
        // Dropping the driver cancels every operation still armed (accepts,
        // recvs, the eventfd read) and waits for the kernel's last
        // completions before any buffer or descriptor goes (retired
        // descriptors included).
    }
}

/// Turns one completion into work for after the drain. Received bytes are
/// handed to the session here, while the driver's buffer is still valid.
fn classify(c: Completion<'_>, conns: &mut Slab<Conn>, done: &mut Vec<Done>) {
    let Some(token) = Token::decode(c.user) else {
        return;
    };
    match token {
        Token::Wake => {
            if !c.more {
                done.push(Done::Wake);
            }
        }
        Token::Listener(lk) => match c.result {
            CompletionResult::Accepted(fd) => {
                done.push(Done::Accepted(lk, fd));
                if !c.more {
                    done.push(Done::AcceptEnded(lk));
                }
            }
            _ => {
                if !c.more {
                    done.push(Done::AcceptEnded(lk));
                }
            }
        },
        Token::Conn(k) => {
            let Some(conn) = conns.get_mut(k) else {
                return; // a completion for a connection already closed
            };
            let is_recv = conn.recv.op() == Some(c.op);
            match c.result {
                CompletionResult::Connected => done.push(Done::Connected(k)),
                CompletionResult::Received(data) => {
                    if let Some(link) = conn.link.as_mut() {
                        link.handle_input(data);
                    }
                    done.push(Done::Input(k));
                    if !c.more {
                        conn.recv = Recv::Off;
                        done.push(Done::RecvEnded(k, false));
                    }
                }
                CompletionResult::Eof => {
                    conn.recv = Recv::Off;
                    done.push(Done::RecvEnded(k, true));
                }
                CompletionResult::NoBuffers | CompletionResult::Canceled if is_recv => {
                    conn.recv = Recv::Off;
                    done.push(Done::RecvEnded(k, false));
                }
                CompletionResult::Sent(n) => done.push(Done::Sent(k, n)),
                CompletionResult::Error(e) if is_recv || conn.link.is_some() => {
                    if is_recv {
                        conn.recv = Recv::Off;
                    }
                    done.push(Done::Closed(k, e.to_string()));
                }
                CompletionResult::Error(e) => done.push(Done::ConnectFailed(k, e.to_string())),
                _ => {}
            }
        }
    }
}
