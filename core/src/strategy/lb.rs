use crate::pipe::Pipes;
use crate::{Multipart, PipeId};

/// Round robin over the pipes that can take a message.
///
/// Each message goes to the next writable pipe after the one that took the
/// previous message; mute pipes are skipped, and when every pipe is mute (or
/// there is none) the message is handed back so the socket can block.
#[derive(Debug, Default)]
pub struct LoadBalance {
    pipes: Vec<PipeId>,
    /// Where the search for the next writable pipe starts.
    /// Invariant: `next < pipes.len()` or `pipes` is empty.
    next: usize,
}

impl LoadBalance {
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

    /// The writable pipe the next message would go to.
    pub fn peek(&self, pipes: &Pipes) -> Option<PipeId> {
        let n = self.pipes.len();
        (0..n)
            .map(|k| self.pipes[(self.next + k) % n])
            .find(|id| pipes.get(*id).is_some_and(|p| p.is_writable()))
    }

    /// Queues `msg` on the next writable pipe and returns that pipe, or hands
    /// the message back if every pipe is mute.
    pub fn send(&mut self, pipes: &mut Pipes, msg: Multipart) -> Result<PipeId, Multipart> {
        let Some(id) = self.peek(pipes) else {
            return Err(msg);
        };
        pipes.get_mut(id).expect("peeked").write(msg);
        let pos = self.pipes.iter().position(|p| *p == id).expect("peeked");
        self.next = (pos + 1) % self.pipes.len();
        debug_assert!(self.next < self.pipes.len());
        Ok(id)
    }

    /// True if some pipe can take a message.
    pub fn has_out(&self, pipes: &Pipes) -> bool {
        self.peek(pipes).is_some()
    }
}
