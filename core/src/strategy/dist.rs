use crate::pipe::Pipes;
use crate::{Multipart, PipeId};

/// Fan out: a copy of each message to every chosen pipe.
///
/// Copies share the payload (`Bytes` clones). A pipe at its high-water mark
/// does not get its copy — it is dropped and counted on that pipe — and the
/// send never blocks.
#[derive(Debug, Default)]
pub struct Dist {
    pipes: Vec<PipeId>,
}

/// What one fan-out did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DistOutcome {
    /// Pipes that got a copy.
    pub delivered: usize,
    /// Pipes that were mute and dropped their copy.
    pub dropped: usize,
}

impl Dist {
    /// Adds a pipe.
    pub fn attach(&mut self, id: PipeId) {
        self.pipes.push(id);
    }

    /// Removes a pipe.
    pub fn detach(&mut self, id: PipeId) {
        self.pipes.retain(|p| *p != id);
    }

    /// The pipes fanned out to.
    pub fn pipes(&self) -> &[PipeId] {
        &self.pipes
    }

    /// Sends a copy to every pipe.
    pub fn send_to_all(&self, pipes: &mut Pipes, msg: &Multipart) -> DistOutcome {
        Self::send_to(pipes, &self.pipes, msg)
    }

    /// Sends a copy to each pipe of `targets`.
    pub fn send_to(pipes: &mut Pipes, targets: &[PipeId], msg: &Multipart) -> DistOutcome {
        let mut out = DistOutcome::default();
        for id in targets {
            let Some(p) = pipes.get_mut(*id) else {
                continue;
            };
            if p.is_writable() {
                p.write(msg.clone());
                out.delivered += 1;
            } else {
                p.count_hwm_drop();
                out.dropped += 1;
            }
        }
        out
    }
}
