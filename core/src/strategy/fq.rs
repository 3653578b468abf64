use super::rotation::Rotation;
use crate::pipe::Pipes;
use crate::{Multipart, PipeId};

/// Round robin over the pipes that have a message waiting.
///
/// Each receive takes one whole message from the next pipe that has one,
/// after the pipe the previous message came from, so a busy peer cannot
/// starve the others.
#[derive(Debug, Default)]
pub struct FairQueue {
    rotation: Rotation,
}

impl FairQueue {
    /// Adds a pipe to the rotation.
    pub fn attach(&mut self, id: PipeId) {
        self.rotation.attach(id);
    }

    /// Removes a pipe from the rotation.
    pub fn detach(&mut self, id: PipeId) {
        self.rotation.detach(id);
    }

    fn readable(&self, pipes: &Pipes) -> Option<usize> {
        self.rotation
            .find(|id| pipes.get(id).is_some_and(|p| p.has_inbound()))
    }

    /// Takes the next message in fair order into `out` (its old value is
    /// dropped); returns the pipe it came from. Reading is the test: one
    /// look at each queue, not a look and then a read.
    #[inline(always)]
    pub fn recv_into(&mut self, pipes: &mut Pipes, out: &mut Multipart) -> Option<PipeId> {
        self.rotation
            .pick(|id| pipes.get_mut(id).is_some_and(|p| p.read_into(out)))
    }

    /// True if some pipe has a message waiting.
    pub fn has_in(&self, pipes: &Pipes) -> bool {
        self.readable(pipes).is_some()
    }
}
