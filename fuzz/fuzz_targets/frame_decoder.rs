//! Arbitrary bytes into the ZMTP frame decoder, delivered in two pieces.
//!
//! Properties: the decoder never panics; every frame it yields, re-encoded,
//! decodes to the same frame (the re-encoding is canonical: short size form
//! whenever it fits, so non-canonical input is covered too); and assembling
//! messages (`Decoder::decode`) yields exactly the frames `decode_frame` does,
//! grouped by their MORE flags.

#![no_main]

use bytes::BytesMut;
use libfuzzer_sys::fuzz_target;
use ringmq_core::zmtp::frame::{encode_frame, Decoded, Decoder, Frame};

fuzz_target!(|data: &[u8]| {
    let Some((&cfg, data)) = data.split_first() else {
        return;
    };
    let max = match cfg & 3 {
        0 => None,
        1 => Some(0),
        2 => Some(300),
        _ => Some(1 << 16),
    };
    let split = usize::from(cfg >> 2) % (data.len() + 1);

    // Frame by frame.
    let mut dec = Decoder::new(max);
    let mut buf = BytesMut::new();
    let mut frames = Vec::new();
    'feed: for piece in [&data[..split], &data[split..]] {
        buf.extend_from_slice(piece);
        loop {
            match dec.decode_frame(&mut buf) {
                Ok(Some(f)) => frames.push(f),
                Ok(None) => break,
                Err(_) => break 'feed,
            }
        }
    }

    let mut encoded = BytesMut::new();
    for f in &frames {
        encode_frame(&mut encoded, f);
    }
    let mut again = Vec::new();
    let mut dec2 = Decoder::new(max);
    while let Some(f) = dec2
        .decode_frame(&mut encoded)
        .expect("a re-encoded frame decodes")
    {
        again.push(f);
    }
    assert!(encoded.is_empty(), "re-encoding left bytes over");
    assert_eq!(frames, again);

    // Whole messages. Only without a limit: MAXMSGSIZE also bounds the sum
    // of a message's frames, which decode_frame alone does not check.
    if max.is_none() {
        let mut dec = Decoder::new(None);
        let mut buf = BytesMut::from(data);
        let mut flat = Vec::new();
        while let Ok(Some(d)) = dec.decode(&mut buf) {
            match d {
                Decoded::Command(body) => flat.push(Frame::Command(body)),
                Decoded::Message(m) => {
                    let n = m.len();
                    for (i, part) in m.into_iter().enumerate() {
                        flat.push(Frame::Message {
                            data: part.into_bytes(),
                            more: i + 1 < n,
                        });
                    }
                }
            }
        }
        // decode_frame also yields the frames of an unfinished last message.
        let complete = frames.len() - dec.pending_frames();
        let mut expected: Vec<Frame> = frames.clone();
        // A command can follow unfinished message frames; move those frames
        // behind it, as decode() holds them until their message completes.
        reorder_pending(&mut expected);
        assert_eq!(flat.len(), complete);
        assert_eq!(&flat[..], &expected[..complete]);
    }
});

/// Puts each run of message frames after the commands interleaved with it,
/// the order in which `Decoder::decode` returns them.
fn reorder_pending(frames: &mut Vec<Frame>) {
    let mut out = Vec::with_capacity(frames.len());
    let mut run = Vec::new();
    for f in frames.drain(..) {
        match f {
            Frame::Command(_) => out.push(f),
            Frame::Message { more, .. } => {
                run.push(f);
                if !more {
                    out.append(&mut run);
                }
            }
        }
    }
    out.append(&mut run);
    *frames = out;
}
