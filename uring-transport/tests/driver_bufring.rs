//! A buffer ring that runs dry: the multishot recv ends with NoBuffers, the
//! caller re-arms, and no byte is lost or reordered.

mod driver_common;

use std::io::Write;
use std::os::fd::AsRawFd;
use std::os::unix::net::UnixStream;
use std::thread;
use std::time::Duration;

use driver_common::{pattern, turn, Deadline, Event, Kind};
use ringmq_uring::driver::{Driver, DriverConfig};

const RECV: u64 = 1;
const TOTAL: usize = 4 << 20;

#[test]
fn exhausted_buffer_ring_reports_no_buffers_and_loses_nothing() {
    let (reader, mut writer) = UnixStream::pair().unwrap();
    let expected = pattern(TOTAL, 3);
    let to_send = expected.clone();
    // The peer writes as fast as the socket takes it, in odd-sized pieces.
    let peer = thread::spawn(move || {
        for piece in to_send.chunks(12_345) {
            writer.write_all(piece).unwrap();
        }
        // Dropping the writer gives the reader EOF.
    });

    let cfg = DriverConfig {
        entries: 32,
        buf_count: 2,
        buf_size: 4096,
    };
    let mut d = Driver::new(&cfg).unwrap();
    d.recv_multishot(reader.as_raw_fd(), RECV);

    // Let the kernel run the receive without reaping: with two buffers it
    // must run dry and end the multishot.
    let mut pending: Vec<Event> = Vec::new();
    for _ in 0..5 {
        thread::sleep(Duration::from_millis(10));
        d.submit_and_wait(0, None).unwrap();
    }

    let (mut received, mut no_buffers, mut rearms) = (Vec::with_capacity(TOTAL), 0, 0);
    let mut eof = false;
    let deadline = Deadline::after(60);
    while !eof {
        deadline.check("all bytes to arrive");
        d.drain(|c| pending.push(Event::from(c)));
        pending.extend(turn(&mut d));
        for e in pending.drain(..) {
            assert_eq!(e.user, RECV);
            match e.kind {
                Kind::Data(data) => {
                    received.extend_from_slice(&data);
                    if !e.more {
                        rearms += 1;
                        d.recv_multishot(reader.as_raw_fd(), RECV);
                    }
                }
                Kind::NoBuffers => {
                    assert!(!e.more, "ENOBUFS ends the multishot");
                    no_buffers += 1;
                    rearms += 1;
                    d.recv_multishot(reader.as_raw_fd(), RECV);
                }
                Kind::Eof => eof = true,
                kind => panic!("unexpected completion {kind:?}"),
            }
        }
    }
    peer.join().unwrap();
    assert_eq!(received.len(), TOTAL);
    assert!(received == expected, "bytes reordered or corrupted");
    assert!(no_buffers > 0, "two buffers never ran out");
    assert_eq!(d.stats().enobufs, no_buffers);
    assert_eq!(d.in_flight(), 0, "EOF was the recv's final completion");
    eprintln!(
        "buffer ring of 2: {no_buffers} NoBuffers, {rearms} re-arms, {:?}",
        d.stats()
    );
}
