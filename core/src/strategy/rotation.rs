use crate::PipeId;

/// The round-robin order shared by [`LoadBalance`](super::LoadBalance) and
/// [`FairQueue`](super::FairQueue): a list of pipes and where the next search
/// starts, so that each use moves on past the pipe used last.
#[derive(Debug, Default)]
pub(crate) struct Rotation {
    pipes: Vec<PipeId>,
    /// Where the next search starts.
    /// Invariant: `next < pipes.len()` or `pipes` is empty.
    next: usize,
}

impl Rotation {
    pub(crate) fn attach(&mut self, id: PipeId) {
        self.pipes.push(id);
    }

    pub(crate) fn detach(&mut self, id: PipeId) {
        if let Some(i) = self.pipes.iter().position(|p| *p == id) {
            self.pipes.remove(i);
            if i < self.next {
                self.next -= 1;
            }
            if self.next >= self.pipes.len() {
                self.next = 0;
            }
        }
        debug_assert!(self.next < self.pipes.len() || self.pipes.is_empty());
    }

    /// The position of the first pipe, in round-robin order from `next`,
    /// that satisfies `ok`.
    #[inline]
    pub(crate) fn find(&self, mut ok: impl FnMut(PipeId) -> bool) -> Option<usize> {
        // A plain loop that wraps once: the chained ranges of `order`
        // cost a dozen instructions more per send.
        let n = self.pipes.len();
        let mut i = self.next;
        for _ in 0..n {
            if ok(*self.pipes.get(i)?) {
                return Some(i);
            }
            i += 1;
            if i == n {
                i = 0;
            }
        }
        None
    }

    /// The pipe at a position [`find`](Self::find) returned.
    /// [`find`](Self::find), then [`used`](Self::used), returning the
    /// pipe: the next one from the rotation for which `ok` is true. With one
    /// pipe (the common case: one peer) there is no rotation to keep.
    #[inline]
    pub(crate) fn pick(&mut self, mut ok: impl FnMut(PipeId) -> bool) -> Option<PipeId> {
        if let [only] = self.pipes[..] {
            return ok(only).then_some(only);
        }
        let i = self.find(ok)?;
        self.used(i);
        Some(self.pipes[i])
    }

    pub(crate) fn get(&self, i: usize) -> PipeId {
        self.pipes[i]
    }

    /// The pipe at `i` was used: the next search starts after it.
    fn used(&mut self, i: usize) {
        self.next = if i + 1 >= self.pipes.len() { 0 } else { i + 1 };
    }
}
