//! The frame list of a [`Multipart`](super::Multipart): a message of one
//! frame (nearly every message on the throughput path) holds it in place; a
//! longer one keeps its frames in a vector.
//!
//! An enum of our own rather than a `SmallVec<[Msg; 1]>`: it is a `Msg` in
//! size (the vector fits beside the frame's tag, so the list costs no word
//! of its own), dropping or unwrapping a one-frame list is a match instead
//! of an out-of-line call, and a one-frame message is always `One` — every
//! operation that leaves one frame puts it back there.

use super::Msg;

#[derive(Clone)]
pub(super) enum Parts {
    One(Msg),
    /// No frame, or two and more.
    Many(Vec<Msg>),
}

impl Default for Parts {
    #[inline]
    fn default() -> Self {
        Parts::new()
    }
}

impl Parts {
    #[inline]
    pub(super) const fn new() -> Self {
        Parts::Many(Vec::new())
    }

    /// The list in its canonical form (one frame is `One`).
    #[inline]
    fn from_vec(mut v: Vec<Msg>) -> Self {
        if v.len() == 1 {
            if let Some(m) = v.pop() {
                return Parts::One(m);
            }
        }
        Parts::Many(v)
    }

    #[inline]
    fn into_vec(self) -> Vec<Msg> {
        match self {
            Parts::One(m) => vec![m],
            Parts::Many(v) => v,
        }
    }

    /// Applies `f` to the frames as a vector, then puts the list back in
    /// canonical form (the paths that change a message's shape: envelopes).
    fn edit<T>(&mut self, f: impl FnOnce(&mut Vec<Msg>) -> T) -> T {
        let mut v = std::mem::take(self).into_vec();
        let out = f(&mut v);
        *self = Parts::from_vec(v);
        out
    }

    #[inline]
    pub(super) fn as_slice(&self) -> &[Msg] {
        match self {
            Parts::One(m) => std::slice::from_ref(m),
            Parts::Many(v) => v,
        }
    }

    #[inline]
    pub(super) fn first_mut(&mut self) -> Option<&mut Msg> {
        match self {
            Parts::One(m) => Some(m),
            Parts::Many(v) => v.first_mut(),
        }
    }

    #[inline]
    pub(super) fn len(&self) -> usize {
        match self {
            Parts::One(_) => 1,
            Parts::Many(v) => v.len(),
        }
    }

    /// Payload bytes over all frames (counted for every message queued).
    #[inline]
    pub(super) fn byte_len(&self) -> usize {
        match self {
            Parts::One(m) => m.len(),
            Parts::Many(v) => v.iter().map(|m| m.len()).sum(),
        }
    }

    #[inline]
    pub(super) fn push(&mut self, m: Msg) {
        match self {
            Parts::Many(v) if v.is_empty() => *self = Parts::One(m),
            Parts::Many(v) => v.push(m),
            Parts::One(_) => self.edit(|v| v.push(m)),
        }
    }

    pub(super) fn insert(&mut self, i: usize, m: Msg) {
        match self {
            Parts::Many(v) if v.is_empty() => *self = Parts::One(m),
            _ => self.edit(|v| v.insert(i, m)),
        }
    }

    pub(super) fn insert_many(&mut self, i: usize, ms: impl IntoIterator<Item = Msg>) {
        self.edit(|v| {
            let tail = v.split_off(i);
            v.extend(ms);
            v.extend(tail);
        });
    }

    pub(super) fn remove_first(&mut self) -> Option<Msg> {
        match self {
            Parts::One(_) => match std::mem::take(self) {
                Parts::One(m) => Some(m),
                Parts::Many(_) => None,
            },
            Parts::Many(v) if v.is_empty() => None,
            Parts::Many(_) => self.edit(|v| Some(v.remove(0))),
        }
    }

    /// The only frame, if there is exactly one.
    #[inline]
    pub(super) fn into_only(self) -> Result<Msg, Parts> {
        match self {
            Parts::One(m) => Ok(m),
            many => Err(many),
        }
    }

    pub(super) fn split_front(&mut self, n: usize) -> Parts {
        self.edit(|v| {
            let n = n.min(v.len());
            Parts::from_vec(v.drain(..n).collect())
        })
    }

    pub(super) fn into_iter(self) -> IntoIter {
        IntoIter(match self {
            Parts::One(m) => Inner::One(Some(m)),
            Parts::Many(v) => Inner::Many(v.into_iter()),
        })
    }

    pub(super) fn from_iter(iter: impl IntoIterator<Item = Msg>) -> Parts {
        Parts::from_vec(iter.into_iter().collect())
    }
}

/// The frames of a [`Multipart`](super::Multipart), by value.
pub struct IntoIter(Inner);

enum Inner {
    One(Option<Msg>),
    Many(std::vec::IntoIter<Msg>),
}

impl Iterator for IntoIter {
    type Item = Msg;

    #[inline]
    fn next(&mut self) -> Option<Msg> {
        match &mut self.0 {
            Inner::One(m) => m.take(),
            Inner::Many(it) => it.next(),
        }
    }

    #[inline]
    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = match &self.0 {
            Inner::One(m) => usize::from(m.is_some()),
            Inner::Many(it) => it.len(),
        };
        (n, Some(n))
    }
}

impl ExactSizeIterator for IntoIter {}

impl DoubleEndedIterator for IntoIter {
    #[inline]
    fn next_back(&mut self) -> Option<Msg> {
        match &mut self.0 {
            Inner::One(m) => m.take(),
            Inner::Many(it) => it.next_back(),
        }
    }
}

impl std::fmt::Debug for IntoIter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IntoIter")
            .field("remaining", &self.len())
            .finish()
    }
}
