//! ZMTP frames: encoding, and a decoder that takes input split anywhere.
//!
//! ```text
//! frame = flags size body
//! flags = bit 0 MORE, bit 1 LONG, bit 2 COMMAND, bits 3-7 zero
//! size  = 1 byte, or 8 bytes big-endian if LONG
//! ```

use super::error::Error;
use crate::msg::{Msg, Multipart};
use bytes::{Buf, BufMut, Bytes, BytesMut};

/// Frame flag: more frames of the same message follow.
pub const FLAG_MORE: u8 = 0x01;
/// Frame flag: the size is 8 bytes, big-endian.
pub const FLAG_LONG: u8 = 0x02;
/// Frame flag: the frame is a command, not message data.
pub const FLAG_COMMAND: u8 = 0x04;
const FLAGS_KNOWN: u8 = FLAG_MORE | FLAG_LONG | FLAG_COMMAND;

/// Largest body that fits the short (1-byte) size form.
pub const SHORT_MAX: usize = 255;

/// Commands may always be this large even under a smaller MAXMSGSIZE, so that
/// a small MAXMSGSIZE does not make READY (or a CURVE handshake command)
/// unreadable. libzmq applies MAXMSGSIZE to commands too and so fails the
/// handshake with e.g. MAXMSGSIZE=16; ringmq does not.
pub const COMMAND_SIZE_FLOOR: u64 = 4096;

/// Extra frames allowed per message on top of MAXMSGSIZE: room for empty
/// envelope delimiters, which carry no payload but still cost memory.
pub const FRAME_COUNT_SLACK: u64 = 64;

/// One decoded frame.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Frame {
    /// A frame of an application message.
    Message {
        /// Payload, split out of the receive buffer without copying.
        data: Bytes,
        /// More frames of the same message follow.
        more: bool,
    },
    /// A command frame: name length, name, body.
    Command(Bytes),
}

/// Size of the header (flags + size field) for a body of `len` bytes.
pub fn header_len(len: usize) -> usize {
    if len > SHORT_MAX {
        9
    } else {
        2
    }
}

/// Writes a frame header for a body of `len` bytes; the short size form is
/// used whenever it fits, as the spec requires.
pub fn encode_header(out: &mut BytesMut, flags: u8, len: usize) {
    debug_assert_eq!(flags & !(FLAG_MORE | FLAG_COMMAND), 0);
    if len > SHORT_MAX {
        out.put_u8(flags | FLAG_LONG);
        out.put_u64(len as u64);
    } else {
        out.put_u8(flags);
        out.put_u8(len as u8);
    }
}

/// Appends one message frame.
pub fn encode_message_frame(out: &mut BytesMut, data: &[u8], more: bool) {
    out.reserve(header_len(data.len()) + data.len());
    encode_header(out, if more { FLAG_MORE } else { 0 }, data.len());
    out.put_slice(data);
}

/// Appends a frame as decoded (used to re-encode in tests and fuzzing).
pub fn encode_frame(out: &mut BytesMut, frame: &Frame) {
    match frame {
        Frame::Message { data, more } => encode_message_frame(out, data, *more),
        Frame::Command(body) => {
            out.reserve(header_len(body.len()) + body.len());
            encode_header(out, FLAG_COMMAND, body.len());
            out.put_slice(body);
        }
    }
}

/// Appends every frame of `msg`, MORE on all but the last.
pub fn encode_message(out: &mut BytesMut, msg: &Multipart) {
    let n = msg.len();
    for (i, part) in msg.iter().enumerate() {
        encode_message_frame(out, part, i + 1 < n);
    }
}

/// A parsed frame header.
#[derive(Clone, Copy, Debug)]
struct Header {
    flags: u8,
    /// Declared body size.
    size: u64,
    /// Bytes taken by flags + size field.
    len: usize,
}

/// What [`Decoder::decode`] yields: a whole message or one command.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decoded {
    /// All frames of one message.
    Message(Multipart),
    /// One command frame's body (name length, name, command data).
    Command(Bytes),
}

/// Frame decoder with multipart assembly and size limits.
///
/// The caller owns the receive buffer and appends input to it as it arrives,
/// split anywhere; each call takes at most one frame off its front, so a
/// decoder never holds more than the message it is assembling. Large frame
/// bodies are split out of that buffer (`BytesMut::split_to`), never copied;
/// small ones are copied once, into an inline [`Msg`]
/// ([`decode_borrowed`](Decoder::decode_borrowed) does so straight from a
/// buffer the caller only lends).
///
/// Limits, with `max_msg_size` set (MAXMSGSIZE):
/// - a message frame declaring more than `max_msg_size` bytes is refused as
///   soon as its header is read, before any of its body is buffered (the
///   declared size is never reserved, so a lying header costs nothing);
/// - the frames of one multipart message may total at most `max_msg_size`
///   payload bytes (stricter than libzmq, which limits each frame alone) and
///   number at most `max_msg_size + 64` frames (so a flood of empty frames
///   cannot grow memory without bound either);
/// - a command frame may hold `max(max_msg_size, 4096)` bytes
///   ([`COMMAND_SIZE_FLOOR`]).
///
/// Without `max_msg_size`, as in libzmq, nothing bounds a message but the
/// platform's address space.
#[derive(Debug, Default)]
pub struct Decoder {
    max_msg_size: Option<u64>,
    /// Frames of the message being assembled. Invariant: empty unless the
    /// last message frame decoded had MORE set.
    pending: Multipart,
    /// Sum of `pending`'s frame sizes (kept to check MAXMSGSIZE at header time).
    pending_bytes: u64,
}

impl Decoder {
    /// A decoder enforcing `max_msg_size` (MAXMSGSIZE; `None` = unlimited).
    pub fn new(max_msg_size: Option<u64>) -> Self {
        Decoder {
            max_msg_size,
            pending: Multipart::new(),
            pending_bytes: 0,
        }
    }

    /// Reads a header off the front of `buf` without consuming it. `Ok(None)`
    /// if the header is not complete yet.
    fn peek_header(&self, buf: &[u8]) -> Result<Option<Header>, Error> {
        let Some(&flags) = buf.first() else {
            return Ok(None);
        };
        if flags & !FLAGS_KNOWN != 0 {
            return Err(Error::ReservedFlags { flags });
        }
        if flags & FLAG_COMMAND != 0 && flags & FLAG_MORE != 0 {
            return Err(Error::CommandWithMore);
        }
        let header = if flags & FLAG_LONG != 0 {
            let Some(size) = buf.get(1..9) else {
                return Ok(None);
            };
            let size = u64::from_be_bytes(size.try_into().expect("8 bytes"));
            Header {
                flags,
                size,
                len: 9,
            }
        } else {
            let Some(&size) = buf.get(1) else {
                return Ok(None);
            };
            Header {
                flags,
                size: u64::from(size),
                len: 2,
            }
        };
        self.check_size(&header)?;
        Ok(Some(header))
    }

    /// Applies the limits to a header, before its body is buffered.
    fn check_size(&self, h: &Header) -> Result<(), Error> {
        // Whatever the configuration, a frame must fit in memory (this is what
        // matters on 32-bit targets such as wasm32).
        let platform_max = isize::MAX as u64;
        if h.flags & FLAG_COMMAND != 0 {
            let max = self.max_msg_size.map_or(platform_max, |m| {
                m.max(COMMAND_SIZE_FLOOR).min(platform_max)
            });
            if h.size > max {
                return Err(Error::FrameTooLarge { size: h.size, max });
            }
            return Ok(());
        }
        let max = self.max_msg_size.unwrap_or(platform_max).min(platform_max);
        if h.size > max {
            return Err(Error::FrameTooLarge { size: h.size, max });
        }
        if let Some(max) = self.max_msg_size {
            let total = self.pending_bytes.saturating_add(h.size);
            if total > max {
                return Err(Error::MessageTooLarge { size: total, max });
            }
            let max_frames = max.saturating_add(FRAME_COUNT_SLACK);
            if self.pending.len() as u64 >= max_frames {
                return Err(Error::TooManyFrames { max: max_frames });
            }
        }
        Ok(())
    }

    /// Where the frame whose header is at the front of `buf` ends (header
    /// and body), if that header is whole and within the limits.
    pub fn frame_end(&self, buf: &[u8]) -> Option<u64> {
        let h = self.peek_header(buf).ok()??;
        Some((h.len as u64).saturating_add(h.size))
    }

    /// True when `buf` does not yet hold a whole frame at its front, i.e. more
    /// input is needed before [`decode_frame`](Self::decode_frame) can make
    /// progress. False when a frame is ready or the header is bad (the next
    /// decode reports the error).
    pub fn needs_input(&self, buf: &[u8]) -> bool {
        match self.peek_header(buf) {
            Ok(None) => true,
            Ok(Some(h)) => ((buf.len() - h.len) as u64) < h.size,
            Err(_) => false,
        }
    }

    /// Takes one frame off the front of `buf`, if it is all there. Does not
    /// assemble messages (the handshake uses this: it takes commands only).
    pub fn decode_frame(&mut self, buf: &mut BytesMut) -> Result<Option<Frame>, Error> {
        let Some(h) = self.peek_header(buf)? else {
            return Ok(None);
        };
        // check_size bounded h.size by isize::MAX, so it fits a usize.
        let size = h.size as usize;
        if buf.len() - h.len < size {
            return Ok(None);
        }
        buf.advance(h.len);
        let data = buf.split_to(size).freeze();
        Ok(Some(if h.flags & FLAG_COMMAND != 0 {
            Frame::Command(data)
        } else {
            Frame::Message {
                data,
                more: h.flags & FLAG_MORE != 0,
            }
        }))
    }

    /// Takes frames off the front of `buf` until a message is complete or a
    /// command arrives, and returns that; `Ok(None)` when `buf` runs out
    /// first (the frames decoded so far are kept for the next call).
    ///
    /// Commands may arrive between the frames of a message (a PING does not
    /// wait for the sender's message to finish); they are returned at once and
    /// the message goes on assembling.
    ///
    /// A message frame of at most [`INLINE_CAP`](crate::msg::INLINE_CAP)
    /// bytes is copied out of `buf` into an inline [`Msg`] (cheaper than
    /// sharing `buf`'s allocation, and it does not keep that allocation
    /// alive); a larger one is split off `buf` without copying.
    pub fn decode(&mut self, buf: &mut BytesMut) -> Result<Option<Decoded>, Error> {
        loop {
            let Some(h) = self.peek_header(buf)? else {
                return Ok(None);
            };
            // check_size bounded h.size by isize::MAX, so it fits a usize.
            let size = h.size as usize;
            if buf.len() - h.len < size {
                return Ok(None);
            }
            if h.flags & FLAG_COMMAND != 0 {
                buf.advance(h.len);
                return Ok(Some(Decoded::Command(buf.split_to(size).freeze())));
            }
            let frame = match Msg::try_inline(&buf[h.len..h.len + size]) {
                Some(frame) => {
                    buf.advance(h.len + size);
                    frame
                }
                None => {
                    buf.advance(h.len);
                    Msg::from(buf.split_to(size).freeze())
                }
            };
            if let Some(msg) = self.push_frame(frame, h.flags & FLAG_MORE != 0) {
                return Ok(Some(Decoded::Message(msg)));
            }
        }
    }

    /// Decodes message frames straight out of `input`, a buffer the caller
    /// only lends: each whole small message frame (see [`decode`](Self::decode))
    /// at its front is copied into an inline [`Msg`] and taken, up to the
    /// end of the first message it completes. Returns the bytes taken and
    /// that message, if any.
    ///
    /// Stops, taking nothing more, at anything else: an incomplete or large
    /// frame, a command, a bad header. The caller keeps `input[taken..]` for
    /// [`decode`](Self::decode), which goes on from there (and reports the
    /// bad header), so the two may be mixed freely.
    pub fn decode_borrowed(&mut self, input: &[u8]) -> (usize, Option<Multipart>) {
        let mut taken = 0;
        loop {
            let rest = &input[taken..];
            let Ok(Some(h)) = self.peek_header(rest) else {
                return (taken, None);
            };
            if h.flags & FLAG_COMMAND != 0 {
                return (taken, None);
            }
            // Bounded by check_size; a size too large for a usize is
            // certainly not inline.
            let end = usize::try_from(h.size)
                .ok()
                .and_then(|size| h.len.checked_add(size));
            let Some(frame) = end
                .and_then(|end| rest.get(h.len..end))
                .and_then(Msg::try_inline)
            else {
                return (taken, None);
            };
            taken += h.len + frame.len();
            if let Some(msg) = self.push_frame(frame, h.flags & FLAG_MORE != 0) {
                return (taken, Some(msg));
            }
        }
    }

    /// Adds a decoded frame to the message being assembled; the message, if
    /// that was its last frame.
    #[inline]
    fn push_frame(&mut self, frame: Msg, more: bool) -> Option<Multipart> {
        if !more && self.pending.is_empty() {
            // A one-frame message, nearly all of them: no assembling.
            return Some(Multipart::single(frame));
        }
        self.pending_bytes += frame.len() as u64;
        self.pending.push_back(frame);
        if more {
            return None;
        }
        debug_assert_eq!(self.pending_bytes, self.pending.byte_len() as u64);
        self.pending_bytes = 0;
        Some(std::mem::take(&mut self.pending))
    }

    /// Frames of an unfinished message held so far.
    pub fn pending_frames(&self) -> usize {
        self.pending.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn buf(bytes: &[u8]) -> BytesMut {
        BytesMut::from(bytes)
    }

    #[test]
    fn short_and_long_forms() {
        let mut out = BytesMut::new();
        encode_message_frame(&mut out, &[7u8; 255], true);
        assert_eq!(&out[..2], &[0x01, 255]);
        out.clear();
        encode_message_frame(&mut out, &[7u8; 256], false);
        assert_eq!(&out[..9], &[0x02, 0, 0, 0, 0, 0, 0, 1, 0]);
    }

    #[test]
    fn decodes_long_form_with_small_size() {
        // Not canonical, but nothing in the spec makes it invalid: accept it.
        let mut b = buf(&[0x02, 0, 0, 0, 0, 0, 0, 0, 2, b'h', b'i']);
        let mut d = Decoder::new(None);
        assert_eq!(
            d.decode(&mut b).unwrap(),
            Some(Decoded::Message(Multipart::single("hi")))
        );
        assert!(b.is_empty());
    }

    #[test]
    fn assembles_multipart() {
        let mut b = buf(b"\x01\x01a\x01\x00\x00\x01b");
        let mut d = Decoder::new(None);
        let want: Multipart = ["a", "", "b"].into_iter().collect();
        assert_eq!(d.decode(&mut b).unwrap(), Some(Decoded::Message(want)));
    }

    #[test]
    fn borrowed_decoding_stops_where_decode_goes_on() {
        use crate::msg::INLINE_CAP;
        // [a, b] | [c] | a PING | a large frame | a bad header.
        let mut wire = BytesMut::new();
        encode_message(&mut wire, &["a", "b"].into_iter().collect());
        encode_message(&mut wire, &Multipart::single("c"));
        encode_frame(&mut wire, &Frame::Command(Bytes::from_static(b"\x04PING")));
        let large = vec![9u8; INLINE_CAP + 1];
        encode_message_frame(&mut wire, &large, false);
        wire.put_u8(0x80);
        let mut d = Decoder::new(None);
        let (n1, m1) = d.decode_borrowed(&wire);
        assert_eq!(m1, Some(["a", "b"].into_iter().collect()));
        assert!(m1.unwrap().iter().all(|f| f.is_inline()));
        let (n2, m2) = d.decode_borrowed(&wire[n1..]);
        assert_eq!(m2, Some(Multipart::single("c")));
        // The command stops it, with nothing taken.
        assert_eq!(d.decode_borrowed(&wire[n1 + n2..]), (0, None));
        let mut rest = BytesMut::from(&wire[n1 + n2..]);
        assert!(matches!(d.decode(&mut rest), Ok(Some(Decoded::Command(_)))));
        // So does the large frame, which decode splits off instead.
        assert_eq!(d.decode_borrowed(&rest), (0, None));
        match d.decode(&mut rest) {
            Ok(Some(Decoded::Message(m))) => {
                assert_eq!(&m.first().unwrap()[..], &large[..]);
                assert!(!m.first().unwrap().is_inline());
            }
            other => panic!("{other:?}"),
        }
        // And the bad header, left for decode to report.
        assert_eq!(d.decode_borrowed(&rest), (0, None));
        assert!(d.decode(&mut rest).is_err());
        // A frame split across reads: its first part is not taken.
        let mut d = Decoder::new(None);
        let whole = b"\x01\x01a\x00\x03bcd";
        assert_eq!(d.decode_borrowed(&whole[..5]), (3, None));
        assert_eq!(d.pending_frames(), 1);
        let mut rest = BytesMut::from(&whole[3..]);
        let want: Multipart = ["a", "bcd"].into_iter().collect();
        assert_eq!(d.decode(&mut rest).unwrap(), Some(Decoded::Message(want)));
    }

    #[test]
    fn command_between_frames() {
        let mut b = buf(b"\x01\x01a\x04\x05\x04PONG\x00\x01b");
        let mut d = Decoder::new(None);
        assert_eq!(
            d.decode(&mut b).unwrap(),
            Some(Decoded::Command(Bytes::from_static(b"\x04PONG")))
        );
        assert_eq!(d.pending_frames(), 1);
        let want: Multipart = ["a", "b"].into_iter().collect();
        assert_eq!(d.decode(&mut b).unwrap(), Some(Decoded::Message(want)));
    }

    #[test]
    fn refuses_bad_flags() {
        for flags in [0x08u8, 0x10, 0x80, 0xFF] {
            let mut d = Decoder::new(None);
            assert_eq!(
                d.decode(&mut buf(&[flags, 0])),
                Err(Error::ReservedFlags { flags })
            );
        }
        let mut d = Decoder::new(None);
        assert_eq!(d.decode(&mut buf(&[0x05, 0])), Err(Error::CommandWithMore));
    }

    #[test]
    fn refuses_oversized_frame_from_header_alone() {
        let mut d = Decoder::new(Some(1024));
        let mut b = buf(&[0x02, 0, 0, 0, 0, 0x40, 0, 0, 0]);
        assert_eq!(
            d.decode(&mut b),
            Err(Error::FrameTooLarge {
                size: 1 << 30,
                max: 1024
            })
        );
    }

    #[test]
    fn bounds_multipart_total() {
        let mut d = Decoder::new(Some(10));
        let mut b = buf(b"\x01\x06abcdef\x00\x05ghijk");
        assert_eq!(
            d.decode(&mut b),
            Err(Error::MessageTooLarge { size: 11, max: 10 })
        );
    }

    #[test]
    fn bounds_empty_frame_count() {
        let mut d = Decoder::new(Some(0));
        let mut b = BytesMut::new();
        for _ in 0..100 {
            b.extend_from_slice(&[0x01, 0]);
        }
        assert_eq!(
            d.decode(&mut b),
            Err(Error::TooManyFrames {
                max: FRAME_COUNT_SLACK
            })
        );
    }

    #[test]
    fn commands_get_a_floor() {
        let mut d = Decoder::new(Some(16));
        let mut b = BytesMut::new();
        encode_frame(&mut b, &Frame::Command(Bytes::from(vec![0u8; 100])));
        assert!(matches!(d.decode(&mut b), Ok(Some(Decoded::Command(_)))));
    }

    #[test]
    fn needs_input_tracks_frame_completeness() {
        let d = Decoder::new(None);
        assert!(d.needs_input(b""));
        assert!(d.needs_input(b"\x00"));
        assert!(d.needs_input(b"\x00\x02a"));
        assert!(!d.needs_input(b"\x00\x02ab"));
        assert!(!d.needs_input(b"\xff"));
    }
}
