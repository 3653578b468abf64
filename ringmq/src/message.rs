//! [`Message`]: one frame, on the core's [`Msg`] so it moves into the core
//! (and, for tcp/ipc, to the wire) without a copy, and a small one never
//! touches the heap.

use bytes::{Bytes, BytesMut};
use ringmq_core::{Msg, Multipart};
use std::fmt;
use std::ops::{Deref, DerefMut};
use std::str;

/// One frame of a message, as in the `zmq` crate. A multipart message is
/// sent as several `Message`s with [`SNDMORE`](crate::SNDMORE) and received
/// frame by frame while [`get_more`](Message::get_more) is true.
///
/// A message built from a `Vec<u8>`, a `Box<[u8]>`, a `String` or a
/// [`Bytes`] takes over the buffer without copying; one built from a
/// borrowed slice copies it once. A frame of at most
/// [`INLINE_CAP`](ringmq_core::msg::INLINE_CAP) bytes is instead copied into
/// the message itself, with no heap allocation (a buffer handed over is then
/// freed). Received messages share the buffer they were decoded into, or
/// hold a small frame inline.
///
/// ```
/// use ringmq as zmq;
/// let m = zmq::Message::from("hello");
/// assert_eq!(&m[..], b"hello");
/// assert_eq!(m.as_str(), Some("hello"));
/// assert!(!m.get_more());
/// ```
pub struct Message {
    data: Repr,
    more: bool,
}

/// A core frame (as received, or handed over: inline or shared) until
/// someone asks to mutate a shared one. The frame is kept as a one-frame
/// core `Multipart`, the form sockets queue: a send hands it over and a
/// receive writes the next message into it, each without a copy of its own.
enum Repr {
    /// Exactly one frame (and the transport's stamp, if it had one).
    Frame(Multipart),
    Unique(BytesMut),
}

/// The frame of a one-frame message.
fn only(mp: &Multipart) -> &Msg {
    static EMPTY: Msg = Msg::new();
    mp.first().unwrap_or(&EMPTY)
}

fn into_only(mp: Multipart) -> Msg {
    mp.into_only()
        .unwrap_or_else(|mp| mp.into_iter().next().unwrap_or_default())
}

impl Message {
    /// An empty message.
    pub fn new() -> Message {
        Message::from(Bytes::new())
    }

    /// A message of `len` zero bytes.
    #[inline]
    pub fn with_size(len: usize) -> Message {
        let data = match Msg::zeroed_inline(len) {
            Some(m) => Repr::Frame(Multipart::single(m)),
            None => Repr::Unique(BytesMut::zeroed(len)),
        };
        Message { data, more: false }
    }

    /// A message of `len` zero bytes.
    #[deprecated(
        since = "0.9.1",
        note = "This method has a name which does not match its semantics. Use `with_size` instead"
    )]
    pub fn with_capacity(len: usize) -> Message {
        Self::with_size(len)
    }

    /// Copies `data` into a new message.
    #[deprecated(since = "0.9.1", note = "Use the `From` trait instead.")]
    pub fn from_slice(data: &[u8]) -> Message {
        Self::from(data)
    }

    /// The content as a string slice, if it is valid UTF-8.
    pub fn as_str(&self) -> Option<&str> {
        str::from_utf8(self).ok()
    }

    /// `ZMQ_MORE`: true if this frame was received with more frames of the
    /// same message following it.
    pub fn get_more(&self) -> bool {
        self.more
    }

    /// A message metadata property (`zmq_msg_gets`).
    ///
    /// ringmq does not attach metadata to messages yet, so this is always
    /// `None` (what libzmq returns for an unknown property).
    pub fn gets<'a>(&'a mut self, _property: &str) -> Option<&'a str> {
        None
    }

    /// The frame's bytes, without a copy (a ringmq extension).
    pub fn into_bytes(self) -> Bytes {
        match self.data {
            Repr::Frame(m) => into_only(m).into_bytes(),
            Repr::Unique(b) => b.freeze(),
        }
    }

    #[inline]
    pub(crate) fn into_msg(self) -> Msg {
        match self.data {
            Repr::Frame(m) => into_only(m),
            Repr::Unique(b) => Msg::from(b.freeze()),
        }
    }

    /// The frame as a one-frame message for a socket, where it is (a
    /// buffer being written to becomes a frame first).
    #[inline]
    pub(crate) fn send_slot(&mut self) -> &mut Multipart {
        if let Repr::Unique(b) = &mut self.data {
            let frame = Msg::from(std::mem::take(b).freeze());
            self.data = Repr::Frame(Multipart::single(frame));
        }
        match &mut self.data {
            Repr::Frame(m) => m,
            Repr::Unique(_) => unreachable!("made a frame above"),
        }
    }

    /// Where a receive may write the next message in place: the frame's
    /// own one-frame `Multipart` (its old content is dropped only once the
    /// new one is there). `None` for a message being written to.
    #[inline]
    pub(crate) fn recv_slot(&mut self) -> Option<&mut Multipart> {
        match &mut self.data {
            Repr::Frame(m) => Some(m),
            Repr::Unique(_) => None,
        }
    }

    #[inline]
    pub(crate) fn set_more(&mut self, more: bool) {
        self.more = more;
    }

    /// Replaces this message with a received frame, in place.
    #[inline]
    pub(crate) fn set_received(&mut self, frame: Msg, more: bool) {
        self.data = Repr::Frame(Multipart::single(frame));
        self.more = more;
    }

    #[inline]
    pub(crate) fn received(frame: Msg, more: bool) -> Message {
        Message {
            data: Repr::Frame(Multipart::single(frame)),
            more,
        }
    }

    /// The content as a `Vec`: one allocation for an inline frame, none for
    /// a buffer nothing else shares.
    pub(crate) fn into_vec(self) -> Vec<u8> {
        match self.data {
            Repr::Frame(m) => into_only(m).into_vec(),
            Repr::Unique(b) => Vec::from(b),
        }
    }
}

impl Default for Message {
    fn default() -> Self {
        Message::new()
    }
}

impl Clone for Message {
    /// Shares the buffer when it is shared already; copies a buffer that was
    /// being written to.
    fn clone(&self) -> Self {
        let data = match &self.data {
            Repr::Frame(m) => Repr::Frame(Multipart::single(only(m).clone())),
            Repr::Unique(b) => Repr::Frame(Multipart::single(Msg::copy_from_slice(b))),
        };
        Message {
            data,
            more: self.more,
        }
    }
}

impl Deref for Message {
    type Target = [u8];

    #[inline]
    fn deref(&self) -> &[u8] {
        match &self.data {
            Repr::Frame(m) => only(m),
            Repr::Unique(b) => b,
        }
    }
}

impl DerefMut for Message {
    /// Writable access. An inline frame is written in place; a buffer
    /// shared with another owner (a fanned-out copy, say) is copied once
    /// first.
    fn deref_mut(&mut self) -> &mut [u8] {
        if let Repr::Frame(m) = &mut self.data {
            if !only(m).is_inline() {
                let b = into_only(std::mem::take(m)).into_bytes();
                let unique = b
                    .try_into_mut()
                    .unwrap_or_else(|shared| BytesMut::from(&shared[..]));
                self.data = Repr::Unique(unique);
            }
        }
        match &mut self.data {
            Repr::Frame(m) => m.first_mut().and_then(Msg::inline_mut).unwrap_or_default(),
            Repr::Unique(b) => b,
        }
    }
}

impl PartialEq for Message {
    fn eq(&self, other: &Message) -> bool {
        self[..] == other[..]
    }
}

impl Eq for Message {}

impl fmt::Debug for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.deref())
    }
}

impl From<Bytes> for Message {
    /// Takes the buffer over; no copy (a ringmq extension).
    fn from(data: Bytes) -> Self {
        Message::from(Msg::from(data))
    }
}

impl<'a> From<&'a [u8]> for Message {
    /// Copies the bytes.
    #[inline]
    fn from(data: &'a [u8]) -> Self {
        Message::from(Msg::copy_from_slice(data))
    }
}

impl From<Vec<u8>> for Message {
    /// Takes the vector over; no copy.
    fn from(data: Vec<u8>) -> Self {
        Message::from(Msg::from(data))
    }
}

impl From<Box<[u8]>> for Message {
    /// Takes the box over; no copy.
    fn from(data: Box<[u8]>) -> Self {
        Message::from(Bytes::from(data))
    }
}

impl<const N: usize> From<[u8; N]> for Message {
    /// Copies the array (a ringmq extension).
    fn from(data: [u8; N]) -> Self {
        Message::from(&data[..])
    }
}

impl<'a> From<&'a str> for Message {
    /// Copies the UTF-8 bytes.
    fn from(data: &'a str) -> Self {
        Message::from(data.as_bytes())
    }
}

impl From<String> for Message {
    /// Takes the string's buffer over; no copy (a ringmq extension; the
    /// `zmq` crate only has `From<&String>`, which this also provides
    /// through the impl for references below).
    fn from(data: String) -> Self {
        Message::from(Msg::from(data))
    }
}

impl<'a, T> From<&'a T> for Message
where
    T: Into<Message> + Clone,
{
    /// Clones the value and converts the clone (`&String`, `&Vec<u8>`,
    /// `&[u8; N]`, `&&str`, `&Message`, …).
    fn from(v: &'a T) -> Self {
        v.clone().into()
    }
}

impl From<Msg> for Message {
    /// Takes the core frame over (a ringmq extension).
    #[inline]
    fn from(frame: Msg) -> Self {
        Message::received(frame, false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ringmq_core::msg::INLINE_CAP;

    #[test]
    fn conversions() {
        let s = String::from("abc");
        for m in [
            Message::from("abc"),
            Message::from(&b"abc"[..]),
            Message::from(b"abc".to_vec()),
            Message::from(&s),
            Message::from(s.clone()),
            Message::from(*b"abc"),
            Message::from(b"abc"),
            Message::from(Box::<[u8]>::from(&b"abc"[..])),
            Message::from(&Message::from("abc")),
        ] {
            assert_eq!(m.as_str(), Some("abc"));
        }
        assert_eq!(Message::new().len(), 0);
        assert_eq!(&Message::with_size(3)[..], &[0, 0, 0]);
    }

    #[test]
    fn vec_is_taken_over_without_copy() {
        let v = vec![7u8; INLINE_CAP + 1];
        let ptr = v.as_ptr();
        let m = Message::from(v);
        assert_eq!(m.as_ptr(), ptr);
        assert_eq!(m.into_msg().as_ptr(), ptr);
    }

    #[test]
    fn small_frames_stay_inline() {
        let m = Message::from(&b"abc"[..]);
        let frame = m.clone().into_msg();
        assert!(frame.is_inline());
        let mut r = Message::received(frame, true);
        r[0] = b'x';
        assert_eq!(&r[..], b"xbc");
        assert!(r.get_more());
        assert!(r.into_msg().is_inline());
        assert_eq!(m.into_vec(), b"abc".to_vec());
        assert_eq!(&Message::with_size(INLINE_CAP)[..], &[0; INLINE_CAP][..]);
        assert_eq!(Message::with_size(INLINE_CAP + 1).len(), INLINE_CAP + 1);
    }

    #[test]
    fn writing_to_a_shared_message_copies_it_once() {
        let shared = Bytes::from_static(b"abc");
        let mut m = Message::from(shared.clone());
        m[0] = b'x';
        assert_eq!(&m[..], b"xbc");
        assert_eq!(&shared[..], b"abc");
        let mut unique = Message::from(b"abc".to_vec());
        let ptr = unique.as_ptr();
        unique[1] = b'y';
        assert_eq!(unique.as_ptr(), ptr, "sole owner: no copy");
    }
}
