//! Messages: a [`Msg`] is one frame, a [`Multipart`] is the whole message the
//! application sends or receives atomically.
//!
//! A frame of at most [`INLINE_CAP`] bytes is stored inside the [`Msg`]
//! itself: making, moving and dropping it never touches the heap, and cloning
//! it copies those few bytes. A larger frame is a [`bytes::Bytes`], so cloning
//! it (fan-out to many subscribers) and slicing it (a frame decoded out of a
//! receive buffer) never copy payload. See docs/messages.md for the
//! measurements behind the threshold.

mod parts;

use bytes::Bytes;
pub use parts::IntoIter;
use parts::Parts;
use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::num::NonZeroU64;
use std::ops::Deref;

/// Frames of at most this many bytes are stored inline in a [`Msg`], with no
/// heap allocation; larger frames live in a shared [`Bytes`].
///
/// `size_of::<Msg>()` is `INLINE_CAP + 2` rounded up to 8 (a tag byte and a
/// length byte), and never less than 40 (a `Bytes` and its tag). 70 fills a
/// 72-byte `Msg` and covers a 64-byte body plus a few bytes of envelope.
/// Chosen with callgrind instructions per message (docs/messages.md): the
/// inline store saves an allocation and a free per frame, but a message is
/// moved a dozen times or more between `send` and `recv`, so every byte of
/// `Msg` is paid for on each move; 126 costs more than it saves.
pub const INLINE_CAP: usize = 70;

/// Frames a [`Multipart`] holds without a heap allocation for its list.
///
/// One, by the same measurements: two inline 72-byte frames make a
/// `Multipart` too large to move cheaply (each move becomes a `memcpy`
/// call), which costs single-frame messages more than the list allocation
/// costs two-frame ones (docs/messages.md).
pub const INLINE_FRAMES: usize = 1;

/// One frame of a message.
#[derive(Clone)]
pub struct Msg(Repr);

#[derive(Clone)]
enum Repr {
    /// `buf[..len]` is the frame; `len <= INLINE_CAP`.
    Inline { len: u8, buf: [u8; INLINE_CAP] },
    /// Any size (small frames end up here only from `Bytes`/static data
    /// handed over as such, where sharing is free).
    Shared(Bytes),
}

// The length byte must be able to hold INLINE_CAP.
const _: () = assert!(INLINE_CAP <= u8::MAX as usize);

impl Msg {
    /// An empty frame (used as the REQ/REP delimiter).
    #[inline]
    pub const fn new() -> Self {
        Msg(Repr::Inline {
            len: 0,
            buf: [0; INLINE_CAP],
        })
    }

    /// A frame of `len` zero bytes stored inline, if it fits.
    #[inline]
    pub const fn zeroed_inline(len: usize) -> Option<Self> {
        if len > INLINE_CAP {
            return None;
        }
        Some(Msg(Repr::Inline {
            len: len as u8,
            buf: [0; INLINE_CAP],
        }))
    }

    /// Copies `data` into a new frame: inline if it fits, else into one new
    /// shared buffer.
    #[inline]
    pub fn copy_from_slice(data: &[u8]) -> Self {
        Self::try_inline(data).unwrap_or_else(|| Msg(Repr::Shared(Bytes::copy_from_slice(data))))
    }

    /// `data` copied inline, or `None` if it is longer than [`INLINE_CAP`].
    #[inline]
    pub fn try_inline(data: &[u8]) -> Option<Self> {
        if data.len() > INLINE_CAP {
            return None;
        }
        let mut buf = [0; INLINE_CAP];
        buf[..data.len()].copy_from_slice(data);
        Some(Msg(Repr::Inline {
            len: data.len() as u8,
            buf,
        }))
    }

    /// True if the frame is stored inline (no heap buffer behind it).
    #[inline]
    pub fn is_inline(&self) -> bool {
        matches!(self.0, Repr::Inline { .. })
    }

    /// The frame's bytes as a [`Bytes`]: shared without a copy when the frame
    /// is in a shared buffer, copied into a new one when it is inline.
    #[inline]
    pub fn to_bytes(&self) -> Bytes {
        match &self.0 {
            Repr::Inline { .. } => Bytes::copy_from_slice(self),
            Repr::Shared(b) => b.clone(),
        }
    }

    /// Gives up the frame's bytes (a copy only for an inline frame).
    #[inline]
    pub fn into_bytes(self) -> Bytes {
        match self.0 {
            Repr::Inline { .. } => Bytes::copy_from_slice(&self),
            Repr::Shared(b) => b,
        }
    }

    /// The frame as a `Vec`: one allocation for an inline frame, none for a
    /// shared buffer that nothing else references and that began as a `Vec`.
    #[inline]
    pub fn into_vec(self) -> Vec<u8> {
        match self.0 {
            Repr::Inline { .. } => self.to_vec(),
            Repr::Shared(b) => Vec::from(b),
        }
    }

    /// Writable access to an inline frame; `None` for a shared buffer (which
    /// may have other owners).
    #[inline]
    pub fn inline_mut(&mut self) -> Option<&mut [u8]> {
        match &mut self.0 {
            Repr::Inline { len, buf } => Some(&mut buf[..usize::from(*len)]),
            Repr::Shared(_) => None,
        }
    }
}

impl Default for Msg {
    #[inline]
    fn default() -> Self {
        Msg::new()
    }
}

impl Deref for Msg {
    type Target = [u8];
    #[inline]
    fn deref(&self) -> &[u8] {
        match &self.0 {
            Repr::Inline { len, buf } => &buf[..usize::from(*len)],
            Repr::Shared(b) => b,
        }
    }
}

impl AsRef<[u8]> for Msg {
    #[inline]
    fn as_ref(&self) -> &[u8] {
        self
    }
}

impl std::borrow::Borrow<[u8]> for Msg {
    #[inline]
    fn borrow(&self) -> &[u8] {
        self
    }
}

// Comparisons and hashing are by content, whatever the storage, and agree
// with `[u8]`'s (so `Borrow<[u8]>` lookups work).
impl PartialEq for Msg {
    #[inline]
    fn eq(&self, other: &Self) -> bool {
        **self == **other
    }
}

impl Eq for Msg {}

impl PartialOrd for Msg {
    #[inline]
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Msg {
    #[inline]
    fn cmp(&self, other: &Self) -> Ordering {
        (**self).cmp(&**other)
    }
}

impl Hash for Msg {
    #[inline]
    fn hash<H: Hasher>(&self, state: &mut H) {
        (**self).hash(state);
    }
}

impl From<Bytes> for Msg {
    /// Takes the buffer over. A small one is copied inline and released, so
    /// that a small frame never keeps a large buffer alive and clones of it
    /// stay off the heap.
    #[inline]
    fn from(b: Bytes) -> Self {
        Self::try_inline(&b).unwrap_or(Msg(Repr::Shared(b)))
    }
}

impl From<Vec<u8>> for Msg {
    /// Takes the vector over (copied inline and freed if it is small).
    #[inline]
    fn from(v: Vec<u8>) -> Self {
        Self::try_inline(&v).unwrap_or_else(|| Msg(Repr::Shared(Bytes::from(v))))
    }
}

impl From<&'static [u8]> for Msg {
    #[inline]
    fn from(v: &'static [u8]) -> Self {
        Msg(Repr::Shared(Bytes::from_static(v)))
    }
}

impl<const N: usize> From<&'static [u8; N]> for Msg {
    #[inline]
    fn from(v: &'static [u8; N]) -> Self {
        Msg(Repr::Shared(Bytes::from_static(v)))
    }
}

impl From<&'static str> for Msg {
    #[inline]
    fn from(v: &'static str) -> Self {
        Msg(Repr::Shared(Bytes::from_static(v.as_bytes())))
    }
}

impl From<String> for Msg {
    #[inline]
    fn from(v: String) -> Self {
        Msg::from(v.into_bytes())
    }
}

impl fmt::Debug for Msg {
    #[inline]
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Msg(\"{}\")", self.escape_ascii())
    }
}

/// A whole message: one or more frames, delivered all together or not at all.
///
/// Routing envelopes (ROUTER identities, the REQ/REP empty delimiter) are
/// ordinary leading frames. The first [`INLINE_FRAMES`] frames are stored
/// inline; a longer message (`[delimiter, body]`, `[identity, body]`) has its
/// frame list on the heap (one allocation, its frames themselves still
/// inline when small).
///
/// A message may carry a *stamp*: an opaque non-zero number (the I/O layer
/// puts a monotonic clock reading in it, for the latency histograms of the
/// messages it samples). The core never reads a clock and never looks at the
/// stamp; it travels with the message through the queues, is kept by
/// `clone` (each fan-out copy has it) and is ignored by `==` and `hash`.
#[derive(Clone, Default)]
pub struct Multipart {
    parts: Parts,
    stamp: Option<NonZeroU64>,
}

impl PartialEq for Multipart {
    #[inline]
    fn eq(&self, other: &Self) -> bool {
        self.parts.as_slice() == other.parts.as_slice()
    }
}

impl Eq for Multipart {}

impl Hash for Multipart {
    #[inline]
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.parts.as_slice().hash(state);
    }
}

impl Multipart {
    /// A message with no frames yet. A message handed to a socket must have at
    /// least one frame.
    #[inline]
    pub fn new() -> Self {
        Self::default()
    }

    /// A one-frame message.
    #[inline]
    pub fn single(part: impl Into<Msg>) -> Self {
        Multipart {
            parts: Parts::One(part.into()),
            stamp: None,
        }
    }

    /// The message's stamp, if it has one (see the type's docs).
    #[inline]
    pub fn stamp(&self) -> Option<u64> {
        self.stamp.map(NonZeroU64::get)
    }

    /// Stamps the message; 0 removes the stamp.
    #[inline]
    pub fn set_stamp(&mut self, stamp: u64) {
        self.stamp = NonZeroU64::new(stamp);
    }

    /// Removes the stamp and returns it.
    #[inline]
    pub fn take_stamp(&mut self) -> Option<u64> {
        self.stamp.take().map(NonZeroU64::get)
    }

    /// Appends a frame.
    #[inline]
    pub fn push_back(&mut self, part: impl Into<Msg>) {
        self.parts.push(part.into());
    }

    /// Prepends a frame (an envelope part).
    #[inline]
    pub fn push_front(&mut self, part: impl Into<Msg>) {
        self.parts.insert(0, part.into());
    }

    /// Removes and returns the first frame.
    #[inline]
    pub fn pop_front(&mut self) -> Option<Msg> {
        self.parts.remove_first()
    }

    /// The frame of a one-frame message, taken without an iterator; any
    /// other message is handed back.
    ///
    /// # Errors
    /// The message itself if it has no frame or more than one.
    #[inline]
    pub fn into_only(self) -> Result<Msg, Multipart> {
        let stamp = self.stamp;
        self.parts
            .into_only()
            .map_err(|parts| Multipart { parts, stamp })
    }

    /// Removes the first `n` frames and returns them as their own message.
    #[inline]
    pub fn split_front(&mut self, n: usize) -> Multipart {
        Multipart {
            parts: self.parts.split_front(n),
            stamp: None,
        }
    }

    /// Puts `head`'s frames in front of this message's.
    #[inline]
    pub fn prepend(&mut self, head: &Multipart) {
        self.parts
            .insert_many(0, head.parts.as_slice().iter().cloned());
    }

    /// Number of frames.
    #[inline]
    pub fn len(&self) -> usize {
        self.parts.len()
    }

    /// True if there is no frame.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.parts.len() == 0
    }

    /// The first frame.
    #[inline]
    pub fn first(&self) -> Option<&Msg> {
        self.parts.as_slice().first()
    }

    /// The first frame, writable.
    #[inline]
    pub fn first_mut(&mut self) -> Option<&mut Msg> {
        self.parts.first_mut()
    }

    /// The frames, first to last.
    #[inline]
    pub fn iter(&self) -> std::slice::Iter<'_, Msg> {
        self.parts.as_slice().iter()
    }

    /// The frame at `i`.
    #[inline]
    pub fn get(&self, i: usize) -> Option<&Msg> {
        self.parts.as_slice().get(i)
    }

    /// Total payload bytes over all frames.
    #[inline]
    pub fn byte_len(&self) -> usize {
        self.parts.byte_len()
    }

    /// The frames as owned byte vectors (what the `zmq` crate's
    /// `recv_multipart` returns).
    #[inline]
    pub fn to_vecs(&self) -> Vec<Vec<u8>> {
        self.parts.as_slice().iter().map(|p| p.to_vec()).collect()
    }
}

impl fmt::Debug for Multipart {
    #[inline]
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.parts.as_slice().iter())
            .finish()
    }
}

impl IntoIterator for Multipart {
    type Item = Msg;
    type IntoIter = IntoIter;
    #[inline]
    fn into_iter(self) -> Self::IntoIter {
        self.parts.into_iter()
    }
}

impl<'a> IntoIterator for &'a Multipart {
    type Item = &'a Msg;
    type IntoIter = std::slice::Iter<'a, Msg>;
    #[inline]
    fn into_iter(self) -> Self::IntoIter {
        self.parts.as_slice().iter()
    }
}

impl<M: Into<Msg>> FromIterator<M> for Multipart {
    #[inline]
    fn from_iter<I: IntoIterator<Item = M>>(iter: I) -> Self {
        Multipart {
            parts: Parts::from_iter(iter.into_iter().map(Into::into)),
            stamp: None,
        }
    }
}

impl From<Msg> for Multipart {
    #[inline]
    fn from(m: Msg) -> Self {
        Multipart::single(m)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_frames_are_inline_large_ones_shared() {
        let small = Msg::copy_from_slice(&[7; INLINE_CAP]);
        assert!(small.is_inline());
        assert_eq!(&*small, &[7; INLINE_CAP][..]);
        let large = Msg::copy_from_slice(&[7; INLINE_CAP + 1]);
        assert!(!large.is_inline());
        let copy = large.clone();
        assert_eq!(copy.as_ptr(), large.as_ptr(), "large clones share");
        assert!(Msg::from(vec![1, 2, 3]).is_inline());
        assert!(Msg::from(Bytes::from(vec![1, 2, 3])).is_inline());
        assert!(!Msg::from(vec![0; 1000]).is_inline());
        // Equality and hashing ignore the storage.
        let a = Msg::from("abc");
        let b = Msg::copy_from_slice(b"abc");
        assert!(!a.is_inline() && b.is_inline());
        assert_eq!(a, b);
        let mut set = std::collections::HashSet::new();
        set.insert(a);
        assert!(set.contains(&b[..]));
        assert_eq!(b.to_bytes(), Bytes::from_static(b"abc"));
        assert_eq!(b.into_vec(), b"abc".to_vec());
    }

    #[test]
    fn sizes() {
        // What INLINE_CAP's and INLINE_FRAMES's docs (and docs/messages.md)
        // rely on: a Msg is its inline buffer plus two bytes, rounded up.
        let msg = std::mem::size_of::<Msg>();
        assert_eq!(msg, (INLINE_CAP + 2).next_multiple_of(8).max(40));
        // The frame list (one frame in place, or a vector beside the frame's
        // tag: no word of its own) and the stamp; small enough that moving
        // a Multipart stays a few vector moves rather than a memcpy call
        // (x86-64 inlines copies up to 128 bytes).
        let multipart = std::mem::size_of::<Multipart>();
        assert_eq!(multipart, INLINE_FRAMES * msg + 8);
        assert!(multipart <= 128, "Multipart is {multipart} bytes");
    }

    #[test]
    fn envelope_round_trip() {
        let mut m: Multipart = ["a", "b"].into_iter().collect();
        m.push_front(Msg::new());
        m.push_front("id");
        assert_eq!(m.len(), 4);
        let env = m.split_front(2);
        assert_eq!(env.to_vecs(), vec![b"id".to_vec(), vec![]]);
        assert_eq!(m.to_vecs(), vec![b"a".to_vec(), b"b".to_vec()]);
        m.prepend(&env);
        assert_eq!(m.len(), 4);
        assert_eq!(m.byte_len(), 4);
        assert_eq!(&*m.pop_front().unwrap(), b"id");
    }

    #[test]
    fn stamp_travels_with_clones_and_is_ignored_by_eq() {
        let mut m = Multipart::single("body");
        assert_eq!(m.stamp(), None);
        m.set_stamp(42);
        m.push_front("id");
        let copy = m.clone();
        assert_eq!(copy.stamp(), Some(42));
        assert_eq!(copy, Multipart::from_iter(["id", "body"]));
        let head = m.split_front(1);
        assert_eq!((head.stamp(), m.stamp()), (None, Some(42)));
        assert_eq!(m.take_stamp(), Some(42));
        assert_eq!(m.stamp(), None);
        m.set_stamp(7);
        m.set_stamp(0);
        assert_eq!(m.stamp(), None);
    }
}
