//! What application threads ask: listen, connect, unbind, disconnect,
//! close (with linger), and the bookkeeping of each socket's endpoints.

use super::*;

impl<B: Backend> IoThread<B> {
    pub(super) fn entry(&mut self, sock: &Arc<SharedSocket>) -> &mut SockEntry {
        self.sockets.entry(sock.id()).or_insert_with(|| SockEntry {
            sock: sock.clone(),
            listeners: Vec::new(),
            conns: Vec::new(),
            connecters: Vec::new(),
            closing: None,
        })
    }

    pub(super) fn run_commands(&mut self) {
        let mut cmds = std::mem::take(&mut self.cmds);
        self.shared.take(&mut cmds);
        for cmd in cmds.drain(..) {
            match cmd {
                Cmd::Listen {
                    sock,
                    fd,
                    endpoint,
                    ipc_path,
                    session,
                } => {
                    let raw = fd.as_raw_fd();
                    let k = self.listeners.insert(Listener {
                        sock_id: sock.id(),
                        fd,
                        endpoint,
                        ipc_path,
                        session,
                        accept_op: None,
                        closing: false,
                        on_closed: None,
                    });
                    let op = self
                        .driver
                        .accept_multishot(raw, Token::Listener(k).encode());
                    self.listeners.get_mut(k).expect("inserted").accept_op = Some(op);
                    self.entry(&sock).listeners.push(k);
                }
                Cmd::Connect {
                    sock,
                    remote,
                    endpoint,
                    opts,
                    session,
                } => {
                    let k = self.connecters.insert(Connecter {
                        sock_id: sock.id(),
                        remote,
                        backoff: opts.reconnect_ivl,
                        endpoint,
                        opts,
                        session,
                        conn: None,
                        pipe: None,
                        end: None,
                    });
                    self.entry(&sock).connecters.push(k);
                    self.start_connect(k);
                }
                Cmd::Unbind {
                    sock,
                    endpoint,
                    reply,
                } => {
                    // Answered once the port is free (see close_listener).
                    self.unbind(&sock, &endpoint, reply);
                }
                Cmd::Disconnect {
                    sock,
                    endpoint,
                    reply,
                } => {
                    let r = self.disconnect(&sock, &endpoint);
                    let _ = reply.send(r);
                }
                Cmd::Pump(target) => self.pump_target(target),
                Cmd::Close { sock, linger } => self.close_socket(&sock, linger),
                Cmd::Shutdown => {
                    self.shutting_down = true;
                    let open: Vec<Arc<SharedSocket>> = self
                        .sockets
                        .values()
                        .filter(|e| e.closing.is_none())
                        .map(|e| e.sock.clone())
                        .collect();
                    for s in open {
                        self.close_socket(&s, Some(Duration::ZERO));
                    }
                }
            }
        }
        self.cmds = cmds;
    }

    pub(super) fn unbind(
        &mut self,
        sock: &Arc<SharedSocket>,
        endpoint: &str,
        reply: SyncSender<Result<(), Error>>,
    ) {
        let listeners = &self.listeners;
        let pos = self.sockets.get(&sock.id()).and_then(|entry| {
            entry
                .listeners
                .iter()
                .position(|k| listeners.get(*k).is_some_and(|l| l.endpoint == endpoint))
        });
        let Some(pos) = pos else {
            let _ = reply.send(Err(Error::NoEntry));
            return;
        };
        let entry = self.sockets.get_mut(&sock.id()).expect("found above");
        let k = entry.listeners.swap_remove(pos);
        self.close_listener(k, Some(reply));
    }

    pub(super) fn disconnect(
        &mut self,
        sock: &Arc<SharedSocket>,
        endpoint: &str,
    ) -> Result<(), Error> {
        let entry = self.sockets.get_mut(&sock.id()).ok_or(Error::NoEntry)?;
        let connecters = &self.connecters;
        let pos = entry
            .connecters
            .iter()
            .position(|k| connecters.get(*k).is_some_and(|c| c.endpoint == endpoint))
            .ok_or(Error::NoEntry)?;
        let ck = entry.connecters.swap_remove(pos);
        self.remove_connecter(ck);
        Ok(())
    }

    pub(super) fn remove_connecter(&mut self, ck: Key) {
        let Some(c) = self.connecters.remove(ck) else {
            return;
        };
        if let Some(k) = c.conn {
            self.close_conn(k);
        }
        drop(c.end);
        if let Some(p) = c.pipe {
            if let Some(e) = self.sockets.get(&c.sock_id) {
                e.sock.lock().detach(p);
                e.sock.clear_peer_addr(p);
                e.sock.wake_waiters();
            }
        }
    }

    /// Stops listening. The armed multishot accept holds a reference to the
    /// listening socket, so closing our descriptor alone would leave the port
    /// bound (and a `bind` right after `unbind` failing with `EADDRINUSE`)
    /// until the kernel has processed the cancel: the listener is kept until
    /// the accept's final completion, then its descriptor is closed and
    /// `reply` answered.
    pub(super) fn close_listener(&mut self, k: Key, reply: Option<SyncSender<Result<(), Error>>>) {
        let Some(l) = self.listeners.get_mut(k) else {
            if let Some(r) = reply {
                let _ = r.send(Ok(()));
            }
            return;
        };
        if let Some(p) = l.ipc_path.take() {
            let _ = std::fs::remove_file(p);
        }
        if let Some(e) = self.sockets.get(&l.sock_id) {
            e.sock
                .push_event(ConnEventKind::Closed, l.endpoint.clone(), "");
        }
        l.closing = true;
        l.on_closed = reply;
        match l.accept_op {
            Some(op) => self.driver.cancel(op),
            None => self.listener_closed(k),
        }
    }

    /// The listener's accept has had its final completion: no operation
    /// refers to its descriptor any more, so it is closed at once.
    pub(super) fn listener_closed(&mut self, k: Key) {
        if let Some(l) = self.listeners.remove(k) {
            drop(l.fd);
            if let Some(r) = l.on_closed {
                let _ = r.send(Ok(()));
            }
        }
    }

    pub(super) fn close_socket(&mut self, sock: &Arc<SharedSocket>, linger: Option<Duration>) {
        let Some(entry) = self.sockets.get_mut(&sock.id()) else {
            return;
        };
        let deadline = linger.map(|d| Instant::now() + d);
        entry.closing = Some(deadline);
        let listeners = std::mem::take(&mut entry.listeners);
        let conns = entry.conns.clone();
        for k in listeners {
            self.close_listener(k, None);
        }
        // Connecters stay while something waits to be sent through them:
        // like libzmq, a lingering socket keeps reconnecting to deliver what
        // it queued while its peer was away. `check_linger` drops each once
        // nothing is left for it (or at the deadline).
        for k in conns {
            if let Some(link) = self.conns.get_mut(k).and_then(|c| c.link.as_mut()) {
                link.close();
            }
            // Stops reading (except to finish a handshake, see arm_recv).
            self.arm_recv(k);
            self.pump_out(k);
        }
        if let Some(d) = deadline {
            self.timers.push(Reverse((d, Timer::Linger(sock.id()))));
        }
        self.check_linger(sock.id(), false);
    }

    /// Closes a closing socket's connections that have written everything
    /// and drops its connecters that have nothing left to send (or all of
    /// them when `force`), and forgets the socket once none is left.
    pub(super) fn check_linger(&mut self, sock_id: u64, force: bool) {
        let Some(entry) = self.sockets.get(&sock_id) else {
            return;
        };
        if entry.closing.is_none() {
            return;
        }
        let conns = entry.conns.clone();
        let connecters = entry.connecters.clone();
        for k in conns {
            let flushed = self.conns.get(k).is_none_or(|c| {
                let queued = match c.origin {
                    Origin::Connecter(ck) => self.connecter_has_queued(ck),
                    Origin::Accepted => false,
                };
                // Still connecting (no link yet): nothing was sent either.
                c.link
                    .as_ref()
                    .map_or(!queued, |link| link.may_close(queued))
            });
            if force || flushed {
                self.close_conn(k);
            }
        }
        for ck in connecters {
            let done = self
                .connecters
                .get(ck)
                .is_none_or(|c| c.conn.is_none() && !self.connecter_has_queued(ck));
            if force || done {
                if let Some(e) = self.sockets.get_mut(&sock_id) {
                    e.connecters.retain(|c| *c != ck);
                }
                self.remove_connecter(ck);
            }
        }
        if let Some(entry) = self.sockets.get(&sock_id) {
            if entry.conns.is_empty() && entry.listeners.is_empty() && entry.connecters.is_empty() {
                self.sockets.remove(&sock_id);
            }
        }
    }

    /// Messages wait in the pipe a connecter keeps across reconnects. A
    /// SUB's or XSUB's queue holds only subscriptions, which mean nothing
    /// once the socket is closed: those never keep a closed socket waiting.
    pub(super) fn connecter_has_queued(&self, ck: Key) -> bool {
        let Some(c) = self.connecters.get(ck) else {
            return false;
        };
        let Some(e) = self.sockets.get(&c.sock_id) else {
            return false;
        };
        let queued = match c.end.as_ref() {
            Some(end) => end.in_len() > 0,
            None => c
                .conn
                .and_then(|k| self.conns.get(k)?.link.as_ref())
                .is_some_and(Link::has_queued),
        };
        !matches!(e.sock.socket_type(), SocketType::Sub | SocketType::XSub) && queued
    }
}
