//! The pipe's unit tests.

use super::end::FIRST_RING;
use super::*;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

fn peer() -> PeerMeta {
    PeerMeta {
        socket_type: SocketType::Pull,
        identity: Bytes::new(),
    }
}

#[derive(Default)]
struct Counts {
    input: AtomicUsize,
    room: AtomicUsize,
}

impl Notify for Counts {
    fn input(&self) {
        self.input.fetch_add(1, Ordering::Relaxed);
    }
    fn room(&self) {
        self.room.fetch_add(1, Ordering::Relaxed);
    }
}

#[test]
fn low_water_mark_matches_libzmq_shape() {
    assert_eq!(low_water_mark(0), 0);
    assert_eq!(low_water_mark(1), 1);
    assert_eq!(low_water_mark(10), 5);
    assert_eq!(low_water_mark(1000), 500);
    assert_eq!(low_water_mark(2048), 1024);
    assert_eq!(low_water_mark(10_000), 10_000 - 1024);
}

#[test]
fn mute_until_low_water_mark() {
    let mut pipes = Pipes::default();
    let (a, mut b) = pair(4, 0);
    let id = pipes.insert(peer(), a);
    let p = pipes.get_mut(id).unwrap();
    for _ in 0..4 {
        assert!(p.is_writable());
        p.write(Multipart::single("m"));
    }
    assert!(p.is_muted());
    b.read().unwrap();
    b.release();
    assert!(p.is_muted(), "one free slot is not enough: hysteresis");
    b.read().unwrap();
    b.release();
    assert!(!p.is_muted(), "drained to the low-water mark (2)");
}

#[test]
fn hwm_zero_is_unbounded() {
    let (mut a, b) = pair(0, 0);
    for _ in 0..10_000 {
        a.write(Multipart::single("m"));
    }
    assert!(a.has_room());
    assert!(b.has_room());
    assert_eq!(b.in_len(), 10_000);
}

#[test]
fn the_reader_is_told_only_when_idle() {
    let (mut a, mut b) = pair(0, 0);
    let counts = Arc::new(Counts::default());
    b.set_notify(counts.clone());
    a.write(Multipart::single("1"));
    a.flush();
    a.write(Multipart::single("2"));
    a.flush();
    assert_eq!(counts.input.load(Ordering::Relaxed), 1, "told once: awake");
    assert!(b.read().is_some() && b.read().is_some() && b.read().is_none());
    assert!(!b.idle(), "nothing arrived meanwhile");
    a.write(Multipart::single("3"));
    a.flush();
    assert_eq!(counts.input.load(Ordering::Relaxed), 2, "idle: told again");
}

#[test]
fn a_waiting_writer_is_told_at_the_low_water_mark() {
    let (mut a, mut b) = pair(4, 0);
    let counts = Arc::new(Counts::default());
    a.set_notify(counts.clone());
    for _ in 0..4 {
        a.write(Multipart::single("m"));
    }
    assert!(!a.has_room());
    assert!(!a.wait_for_room());
    b.read();
    b.release();
    assert_eq!(counts.room.load(Ordering::Relaxed), 0, "3 queued > lwm 2");
    b.read();
    b.release();
    assert_eq!(counts.room.load(Ordering::Relaxed), 1);
    assert!(a.wait_for_room(), "room now");
}

#[test]
fn linger_zero_leaves_the_reader_its_own_share() {
    let (mut a, mut b) = pair(0, 0);
    for i in 0..10 {
        a.write(Multipart::single(Msg::from(format!("{i}"))));
    }
    b.set_reader_share(2);
    a.close(Keep::ReaderShare);
    assert!(b.peer_closed());
    assert_eq!(b.read().unwrap(), Multipart::single("0"));
    assert_eq!(b.read().unwrap(), Multipart::single("1"));
    assert!(b.read().is_none());
    assert!(!b.has_input(), "the rest was dropped");
}

#[test]
fn across_threads_every_message_arrives_in_order() {
    let (mut a, mut b) = pair(64, 0);
    let writer = std::thread::spawn(move || {
        for i in 0..100_000u32 {
            while !a.has_room() {
                std::hint::spin_loop();
            }
            a.write(Multipart::single(Msg::from(i.to_le_bytes().to_vec())));
            a.flush();
        }
    });
    let mut next = 0u32;
    while next < 100_000 {
        if let Some(m) = b.read() {
            assert_eq!(m.first().unwrap()[..], next.to_le_bytes());
            next += 1;
            b.release();
        } else {
            std::hint::spin_loop();
        }
    }
    writer.join().unwrap();
}

#[test]
fn rings_grow_under_a_reader_without_reordering() {
    // No HWM: the writer never waits, so its ring is replaced many
    // times (32 slots, then 64, …) while the reader drains the old ones.
    let (mut a, mut b) = pair(0, 0);
    let writer = std::thread::spawn(move || {
        for i in 0..200_000u32 {
            a.write(Multipart::single(Msg::from(i.to_le_bytes().to_vec())));
            if i % 7 == 0 {
                a.flush();
            }
        }
        a.flush();
        a
    });
    let mut next = 0u32;
    while next < 200_000 {
        match b.read() {
            Some(m) => {
                assert_eq!(m.first().unwrap()[..], next.to_le_bytes());
                next += 1;
            }
            None => std::hint::spin_loop(),
        }
    }
    let a = writer.join().unwrap();
    assert!(b.read().is_none() && !b.has_input());
    assert!(a.out_ring_capacity() > FIRST_RING, "the ring grew");
}

#[test]
fn stale_ids_miss() {
    let mut pipes = Pipes::default();
    let a = pipes.insert(peer(), pair(1, 1).0);
    assert!(pipes.remove(a).is_some());
    let b = pipes.insert(peer(), pair(1, 1).0);
    assert_ne!(a, b);
    assert!(pipes.get(a).is_none());
    assert!(pipes.get(b).is_some());
    assert_eq!(pipes.len(), 1);
}

use crate::Msg;
