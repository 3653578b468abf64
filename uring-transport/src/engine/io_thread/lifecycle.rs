//! A connection's life: connecting and reconnecting, the session, its
//! pipe (attach on handshake, kept by a connecter across reconnects), and
//! its loss.

use super::*;

impl<B: Backend> IoThread<B> {
    pub(super) fn start_connect(&mut self, ck: Key) {
        let Some(c) = self.connecters.get(ck) else {
            return;
        };
        let Some(entry) = self.sockets.get(&c.sock_id) else {
            return;
        };
        let sock = entry.sock.clone();
        let (domain, addr) = match &c.remote {
            Remote::Tcp(a) => (
                socket2::Domain::for_address(*a),
                socket2::SockAddr::from(*a),
            ),
            Remote::Ipc(p) => match socket2::SockAddr::unix(p) {
                Ok(a) => (socket2::Domain::UNIX, a),
                Err(e) => return self.schedule_reconnect(ck, &e.to_string()),
            },
        };
        let peer_addr = match &c.remote {
            Remote::Tcp(a) => a.to_string(),
            Remote::Ipc(p) => p.display().to_string(),
        };
        let endpoint = c.endpoint.clone();
        let s = match socket2::Socket::new(domain, socket2::Type::STREAM, None) {
            Ok(s) => s,
            Err(e) => return self.schedule_reconnect(ck, &e.to_string()),
        };
        if domain != socket2::Domain::UNIX {
            // Small messages must not wait for Nagle: ringmq coalesces itself.
            let _ = s.set_tcp_nodelay(true);
        }
        let fd = OwnedFd::from(s);
        let raw = fd.as_raw_fd();
        let k = self.conns.insert(Conn::new(
            sock.clone(),
            fd,
            Origin::Connecter(ck),
            endpoint,
            peer_addr,
        ));
        self.connecters.get_mut(ck).expect("checked").conn = Some(k);
        self.entry(&sock).conns.push(k);
        self.driver.connect(raw, addr, Token::Conn(k).encode());
    }

    /// `why`: what failed, for the inspector's event.
    pub(super) fn schedule_reconnect(&mut self, ck: Key, why: &str) {
        let Some(c) = self.connecters.get_mut(ck) else {
            return;
        };
        c.conn = None;
        if let Some(e) = self.sockets.get(&c.sock_id) {
            e.sock.push_event(
                ConnEventKind::ConnectRetried,
                c.endpoint.clone(),
                format!("{why}, next in {} ms", c.backoff.as_millis()),
            );
        }
        let at = Instant::now() + c.backoff;
        if let Some(max) = c.opts.reconnect_ivl_max {
            if max > c.opts.reconnect_ivl {
                c.backoff = (c.backoff * 2).min(max);
            }
        }
        self.timers.push(Reverse((at, Timer::Reconnect(ck))));
    }

    /// `cfg`: the listener's or connecter's, taken at bind/connect.
    pub(super) fn open_session(&mut self, k: Key, cfg: SessionConfig) {
        let now = self.now();
        let Some(conn) = self.conns.get_mut(k) else {
            return;
        };
        let role = match conn.origin {
            Origin::Accepted => Role::Accepted,
            Origin::Connecter(_) => Role::Connecter,
        };
        let mut link = Link::new(Session::new(cfg, now), role);
        if self
            .sockets
            .get(&conn.sock.id())
            .is_some_and(|e| e.closing.is_some())
        {
            // A lingering socket's reconnection: it only flushes.
            link.close();
        }
        conn.link = Some(link);
        self.arm_recv(k);
        self.try_send(k);
        self.refresh_timer(k);
    }

    pub(super) fn arm_recv(&mut self, k: Key) {
        let Some(conn) = self.conns.get_mut(k) else {
            return;
        };
        let wants = conn.link.as_ref().is_some_and(Link::wants_input);
        let reads = conn.link.as_ref().is_some_and(Link::may_read);
        match conn.recv {
            Recv::Off if reads && wants => {
                conn.recv = Recv::Armed(
                    self.driver
                        .recv_multishot(conn.fd.as_raw_fd(), Token::Conn(k).encode()),
                );
            }
            Recv::Armed(op) if !wants => {
                // Backpressure: the session holds as much undecoded input as
                // it may; stop the kernel from reading more until it has
                // room. (Or the socket is closing, or the peer is gone.)
                conn.recv = Recv::Cancelling(op);
                self.driver.cancel(op);
            }
            _ => {}
        }
    }

    /// Gives a connection whose handshake completed its pipe: the
    /// connecter's existing one (kept across reconnects) or a new one.
    pub(super) fn attach(&mut self, k: Key, meta: PeerMeta) -> bool {
        let conn = self.conns.get(k).expect("caller checked");
        let sock = conn.sock.clone();
        let origin = conn.origin;
        let kept = match origin {
            Origin::Connecter(ck) => self
                .connecters
                .get_mut(ck)
                .and_then(|c| Some((c.pipe?, c.end.take()?))),
            Origin::Accepted => None,
        };
        let target = match origin {
            Origin::Connecter(ck) => PumpTarget::Connecter(ck),
            Origin::Accepted => PumpTarget::Conn(k),
        };
        let peer_type = meta.socket_type;
        let attached: Result<(PipeId, End), String> = {
            let mut core = sock.lock();
            let attached = attach_pipe(&mut core, kept, meta).map_err(|_| {
                if core.socket_type().is_compatible(peer_type) {
                    format!(
                        "refused by {}: peer already attached or identity in use",
                        core.socket_type().name()
                    )
                } else {
                    format!(
                        "peer socket type {} is not compatible with {}",
                        peer_type.name(),
                        core.socket_type().name()
                    )
                }
            });
            if let Ok((p, end)) = &attached {
                // Once per end (a kept end has its notifier already).
                end.set_notify(Arc::new(ConnNotify {
                    io: self.shared.clone(),
                    target,
                }));
                sock.set_peer_addr(&core, *p, conn.peer_addr.clone());
            }
            attached
        };
        match attached {
            Ok((p, end)) => {
                let conn = self.conns.get_mut(k).expect("caller checked");
                if let Some(link) = conn.link.as_mut() {
                    // What the socket queued before (a kept pipe's backlog,
                    // the subscriptions replayed at attach) is read at once.
                    link.attach(p, end);
                }
                if let Origin::Connecter(ck) = conn.origin {
                    if let Some(c) = self.connecters.get_mut(ck) {
                        c.pipe = Some(p);
                        c.backoff = c.opts.reconnect_ivl;
                    }
                }
                sock.wake_waiters();
                true
            }
            Err(why) => {
                self.lose_conn(k, &why);
                false
            }
        }
    }

    /// The peer is gone or misbehaved: close, and reconnect if we connected.
    ///
    /// A connection whose input is waiting for room in the socket's queue is
    /// kept instead, reading and writing nothing, until `pump_in` has
    /// delivered that input (see `Link::lose`).
    ///
    /// `why` says what happened, for the inspector's event.
    pub(super) fn lose_conn(&mut self, k: Key, why: &str) {
        self.report_loss(k, why);
        if self.keep_for_input(k) {
            return;
        }
        let origin = self.conns.get(k).map(|c| c.origin);
        self.close_conn(k);
        if let Some(Origin::Connecter(ck)) = origin {
            let Some(sock_id) = self.connecters.get(ck).map(|c| c.sock_id) else {
                return;
            };
            if self
                .sockets
                .get(&sock_id)
                .is_none_or(|e| e.closing.is_some())
            {
                // A lingering socket reconnects only while something waits
                // to be sent (check_linger drops the connecter otherwise).
                self.check_linger(sock_id, false);
            }
            if self.connecters.get(ck).is_some() && self.sockets.contains_key(&sock_id) {
                self.schedule_reconnect(ck, why);
            }
        }
    }

    /// Records the loss of a connection as an event, once: `disconnected`
    /// if it carried messages, `handshake_failed` if it never got that far.
    /// A connect that never completed is reported by `schedule_reconnect`.
    pub(super) fn report_loss(&mut self, k: Key, why: &str) {
        let Some(conn) = self.conns.get_mut(k) else {
            return;
        };
        let Some(link) = conn.link.as_ref() else {
            return;
        };
        if conn.reported {
            return;
        }
        let kind = if link.pipe().is_some() {
            ConnEventKind::Disconnected
        } else {
            ConnEventKind::HandshakeFailed
        };
        conn.reported = true;
        let endpoint = match conn.origin {
            Origin::Accepted => conn.peer_addr.clone(),
            Origin::Connecter(_) => conn.endpoint.clone(),
        };
        conn.sock.push_event(kind, endpoint, why);
    }

    /// Marks `k` gone if it still holds input for the application (see
    /// `lose_conn`); true if it was kept.
    pub(super) fn keep_for_input(&mut self, k: Key) -> bool {
        let Some(conn) = self.conns.get_mut(k) else {
            return false;
        };
        if !conn.link.as_mut().is_some_and(Link::lose) {
            return false;
        }
        // No heartbeat can fail a peer that is already gone.
        conn.timer_at = None;
        if let Recv::Armed(op) = conn.recv {
            conn.recv = Recv::Cancelling(op);
            self.driver.cancel(op);
        }
        true
    }

    pub(super) fn close_conn(&mut self, k: Key) {
        let Some(conn) = self.conns.remove(k) else {
            return;
        };
        if let Some(op) = conn.recv.op() {
            self.driver.cancel(op);
        }
        if !conn.reported && conn.link.is_some() {
            // Closed by this side: disconnect, unbind or close.
            let endpoint = match conn.origin {
                Origin::Accepted => conn.peer_addr.clone(),
                Origin::Connecter(_) => conn.endpoint.clone(),
            };
            conn.sock.push_event(ConnEventKind::Closed, endpoint, "");
        }
        let sock_id = conn.sock.id();
        if let Some(e) = self.sockets.get_mut(&sock_id) {
            e.conns.retain(|c| *c != k);
        }
        if let Origin::Connecter(ck) = conn.origin {
            if let Some(c) = self.connecters.get_mut(ck) {
                c.conn = None;
            }
        }
        let detach = match conn.link.map(Link::finish) {
            None | Some(Leftover::Nothing) => None,
            Some(Leftover::Detach(p)) => Some(p),
            Some(Leftover::Keep(p, end)) => match conn.origin {
                // The connecter hands it to its next connection.
                Origin::Connecter(ck) if self.connecters.get(ck).is_some() => {
                    if let Some(c) = self.connecters.get_mut(ck) {
                        c.end = Some(end);
                    }
                    None
                }
                // Its connecter was removed (disconnect, close).
                _ => Some(p),
            },
        };
        if let Some(p) = detach {
            conn.sock.lock().detach(p);
            conn.sock.clear_peer_addr(p);
        }
        conn.sock.wake_waiters();
        self.driver.retire(conn.fd);
    }
}
