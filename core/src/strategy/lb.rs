use super::rotation::Rotation;
use crate::pipe::Pipes;
use crate::{Multipart, PipeId};

/// Round robin over the pipes that can take a message.
///
/// Each message goes to the next writable pipe after the one that took the
/// previous message; mute pipes are skipped, and when every pipe is mute (or
/// there is none) the message is handed back so the socket can block.
#[derive(Debug, Default)]
pub struct LoadBalance {
    rotation: Rotation,
}

impl LoadBalance {
    /// Adds a pipe to the rotation.
    pub fn attach(&mut self, id: PipeId) {
        self.rotation.attach(id);
    }

    /// Removes a pipe from the rotation.
    pub fn detach(&mut self, id: PipeId) {
        self.rotation.detach(id);
    }

    fn writable(&self, pipes: &Pipes) -> Option<usize> {
        self.rotation
            .find(|id| pipes.get(id).is_some_and(|p| p.is_writable()))
    }

    /// The writable pipe the next message would go to.
    pub fn peek(&self, pipes: &Pipes) -> Option<PipeId> {
        self.writable(pipes).map(|i| self.rotation.get(i))
    }

    /// Queues the message on the next writable pipe and returns that pipe;
    /// the message is taken (left empty). `None`, the message left as it
    /// was, if every pipe is mute.
    #[inline]
    pub fn send_from(&mut self, pipes: &mut Pipes, msg: &mut Multipart) -> Option<PipeId> {
        // One lookup per pipe tried: the search and the write share it.
        self.rotation.pick(|id| match pipes.get_mut(id) {
            Some(p) if p.is_writable() => {
                p.write_from(msg);
                true
            }
            _ => false,
        })
    }

    /// True if some pipe can take a message.
    pub fn has_out(&self, pipes: &Pipes) -> bool {
        self.writable(pipes).is_some()
    }
}
