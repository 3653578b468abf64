//! Messages: a [`Msg`] is one frame, a [`Multipart`] is the whole message the
//! application sends or receives atomically.
//!
//! Both are built on [`bytes::Bytes`], so cloning (fan-out to many subscribers)
//! and slicing (frames decoded out of a receive buffer) never copy payload.

use bytes::Bytes;
use smallvec::SmallVec;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::num::NonZeroU64;
use std::ops::Deref;

/// One frame of a message.
#[derive(Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Msg(Bytes);

impl Msg {
    /// An empty frame (used as the REQ/REP delimiter).
    pub const fn new() -> Self {
        Msg(Bytes::new())
    }

    /// Copies `data` into a new frame.
    pub fn copy_from_slice(data: &[u8]) -> Self {
        Msg(Bytes::copy_from_slice(data))
    }

    /// The frame's bytes, shared (no copy).
    pub fn bytes(&self) -> &Bytes {
        &self.0
    }

    /// Gives up the frame's bytes.
    pub fn into_bytes(self) -> Bytes {
        self.0
    }
}

impl Deref for Msg {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        &self.0
    }
}

impl AsRef<[u8]> for Msg {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

impl From<Bytes> for Msg {
    fn from(b: Bytes) -> Self {
        Msg(b)
    }
}

impl From<Vec<u8>> for Msg {
    fn from(v: Vec<u8>) -> Self {
        Msg(Bytes::from(v))
    }
}

impl From<&'static [u8]> for Msg {
    fn from(v: &'static [u8]) -> Self {
        Msg(Bytes::from_static(v))
    }
}

impl<const N: usize> From<&'static [u8; N]> for Msg {
    fn from(v: &'static [u8; N]) -> Self {
        Msg(Bytes::from_static(v))
    }
}

impl From<&'static str> for Msg {
    fn from(v: &'static str) -> Self {
        Msg(Bytes::from_static(v.as_bytes()))
    }
}

impl From<String> for Msg {
    fn from(v: String) -> Self {
        Msg(Bytes::from(v))
    }
}

impl fmt::Debug for Msg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Msg(\"{}\")", self.0.escape_ascii())
    }
}

/// A whole message: one or more frames, delivered all together or not at all.
///
/// Routing envelopes (ROUTER identities, the REQ/REP empty delimiter) are
/// ordinary leading frames. Two frames are stored inline, which covers the
/// common `[delimiter, body]` and `[identity, body]` shapes without a heap
/// allocation for the frame list.
///
/// A message may carry a *stamp*: an opaque non-zero number (the I/O layer
/// puts a monotonic clock reading in it, for the latency histograms of the
/// messages it samples). The core never reads a clock and never looks at the
/// stamp; it travels with the message through the queues, is kept by
/// `clone` (each fan-out copy has it) and is ignored by `==` and `hash`.
#[derive(Clone, Default)]
pub struct Multipart {
    parts: SmallVec<[Msg; 2]>,
    stamp: Option<NonZeroU64>,
}

impl PartialEq for Multipart {
    fn eq(&self, other: &Self) -> bool {
        self.parts == other.parts
    }
}

impl Eq for Multipart {}

impl Hash for Multipart {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.parts.hash(state);
    }
}

impl Multipart {
    /// A message with no frames yet. A message handed to a socket must have at
    /// least one frame.
    pub fn new() -> Self {
        Self::default()
    }

    /// A one-frame message.
    pub fn single(part: impl Into<Msg>) -> Self {
        let mut parts = SmallVec::new();
        parts.push(part.into());
        Multipart { parts, stamp: None }
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
    pub fn push_back(&mut self, part: impl Into<Msg>) {
        self.parts.push(part.into());
    }

    /// Prepends a frame (an envelope part).
    pub fn push_front(&mut self, part: impl Into<Msg>) {
        self.parts.insert(0, part.into());
    }

    /// Removes and returns the first frame.
    pub fn pop_front(&mut self) -> Option<Msg> {
        if self.parts.is_empty() {
            None
        } else {
            Some(self.parts.remove(0))
        }
    }

    /// Removes the first `n` frames and returns them as their own message.
    pub fn split_front(&mut self, n: usize) -> Multipart {
        let n = n.min(self.parts.len());
        let head = self.parts.drain(..n).collect();
        Multipart {
            parts: head,
            stamp: None,
        }
    }

    /// Puts `head`'s frames in front of this message's.
    pub fn prepend(&mut self, head: &Multipart) {
        self.parts.insert_many(0, head.parts.iter().cloned());
    }

    /// Number of frames.
    pub fn len(&self) -> usize {
        self.parts.len()
    }

    /// True if there is no frame.
    pub fn is_empty(&self) -> bool {
        self.parts.is_empty()
    }

    /// The first frame.
    pub fn first(&self) -> Option<&Msg> {
        self.parts.first()
    }

    /// The frames, first to last.
    pub fn iter(&self) -> std::slice::Iter<'_, Msg> {
        self.parts.iter()
    }

    /// The frame at `i`.
    pub fn get(&self, i: usize) -> Option<&Msg> {
        self.parts.get(i)
    }

    /// Total payload bytes over all frames.
    pub fn byte_len(&self) -> usize {
        self.parts.iter().map(|p| p.len()).sum()
    }

    /// The frames as owned byte vectors (what the `zmq` crate's
    /// `recv_multipart` returns).
    pub fn to_vecs(&self) -> Vec<Vec<u8>> {
        self.parts.iter().map(|p| p.to_vec()).collect()
    }
}

impl fmt::Debug for Multipart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.parts.iter()).finish()
    }
}

impl IntoIterator for Multipart {
    type Item = Msg;
    type IntoIter = smallvec::IntoIter<[Msg; 2]>;
    fn into_iter(self) -> Self::IntoIter {
        self.parts.into_iter()
    }
}

impl<'a> IntoIterator for &'a Multipart {
    type Item = &'a Msg;
    type IntoIter = std::slice::Iter<'a, Msg>;
    fn into_iter(self) -> Self::IntoIter {
        self.parts.iter()
    }
}

impl<M: Into<Msg>> FromIterator<M> for Multipart {
    fn from_iter<I: IntoIterator<Item = M>>(iter: I) -> Self {
        Multipart {
            parts: iter.into_iter().map(Into::into).collect(),
            stamp: None,
        }
    }
}

impl From<Msg> for Multipart {
    fn from(m: Msg) -> Self {
        Multipart::single(m)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
