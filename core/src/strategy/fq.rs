use crate::pipe::Pipes;
use crate::{Multipart, PipeId};

/// Round robin over the pipes that have a message waiting.
///
/// Each receive takes one whole message from the next pipe that has one,
/// after the pipe the previous message came from, so a busy peer cannot
/// starve the others.
#[derive(Debug, Default)]
pub struct FairQueue {
    pipes: Vec<PipeId>,
    /// Where the search for the next readable pipe starts.
    /// Invariant: `next < pipes.len()` or `pipes` is empty.
    next: usize,
}

impl FairQueue {
    /// Adds a pipe to the rotation.
    pub fn attach(&mut self, id: PipeId) {
        self.pipes.push(id);
    }

    /// Removes a pipe from the rotation.
    pub fn detach(&mut self, id: PipeId) {
        if let Some(i) = self.pipes.iter().position(|p| *p == id) {
            self.pipes.remove(i);
            if i < self.next {
                self.next -= 1;
            }
            if self.next >= self.pipes.len() {
                self.next = 0;
            }
        }
    }

    fn peek(&self, pipes: &Pipes) -> Option<usize> {
        let n = self.pipes.len();
        (0..n)
            .map(|k| (self.next + k) % n)
            .find(|i| pipes.get(self.pipes[*i]).is_some_and(|p| p.has_inbound()))
    }

    /// Takes the next message in fair order, with the pipe it came from.
    pub fn recv(&mut self, pipes: &mut Pipes) -> Option<(PipeId, Multipart)> {
        let i = self.peek(pipes)?;
        let id = self.pipes[i];
        let msg = pipes.get_mut(id).and_then(|p| p.read())?;
        self.next = (i + 1) % self.pipes.len();
        Some((id, msg))
    }

    /// True if some pipe has a message waiting.
    pub fn has_in(&self, pipes: &Pipes) -> bool {
        self.peek(pipes).is_some()
    }
}
