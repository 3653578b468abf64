//! When a thread with nothing to do spins before it sleeps, and for how
//! long: a fixed budget (every time), or an adaptive one that spins only
//! while spinning pays.
//!
//! The adaptive rule: spin up to the budget; after [`MISS_LIMIT`] spins in
//! a row that found nothing, stop spinning for a while — the next 16
//! sleeps, then twice as many after each further miss, up to
//! [`MAX_SKIP`] — and look again. A spin that finds work, or a sleep that
//! ended within the budget (a spin would have found it), starts over. A
//! ping-pong keeps its threads spinning; a stream with gaps longer than
//! the budget, or an idle process, soon spins about once every thousand
//! sleeps.

use std::time::{Duration, Instant};

/// Spins in a row that find nothing before the adaptive policy backs off.
pub(crate) const MISS_LIMIT: u32 = 8;
/// The first back-off, in sleeps without a spin.
const FIRST_SKIP: u32 = 16;
/// The longest back-off, in sleeps without a spin.
pub(crate) const MAX_SKIP: u32 = 1024;

/// One thread's spin state.
#[derive(Debug)]
pub(crate) struct Spinner {
    budget: Duration,
    adaptive: bool,
    misses_in_row: u32,
    /// Sleeps left to take without spinning.
    skip: u32,
    /// The back-off that the next miss past the limit doubles.
    backoff: u32,
    /// When the current sleep began, while backing off (to see whether a
    /// spin would have found its work).
    sleep_began: Option<Instant>,
}

impl Spinner {
    pub(crate) fn new(budget: Duration, adaptive: bool) -> Self {
        Spinner {
            budget,
            adaptive,
            misses_in_row: 0,
            skip: 0,
            backoff: 0,
            sleep_began: None,
        }
    }

    /// The budget for this wait (zero: sleep at once).
    pub(crate) fn budget(&mut self) -> Duration {
        if self.adaptive && self.skip > 0 {
            self.skip -= 1;
            self.sleep_began = Some(Instant::now());
            return Duration::ZERO;
        }
        self.budget
    }

    /// The spin found work.
    pub(crate) fn hit(&mut self) {
        self.misses_in_row = 0;
        self.backoff = 0;
    }

    /// The spin found nothing; the thread goes to sleep.
    pub(crate) fn miss(&mut self) {
        if !self.adaptive {
            return;
        }
        self.misses_in_row = self.misses_in_row.saturating_add(1);
        if self.misses_in_row >= MISS_LIMIT {
            self.backoff = (self.backoff * 2).clamp(FIRST_SKIP, MAX_SKIP);
            self.skip = self.backoff;
        }
    }

    /// The sleep after a skipped spin ended.
    pub(crate) fn woke(&mut self) {
        if let Some(began) = self.sleep_began.take() {
            if began.elapsed() <= self.budget {
                // A spin would have found it: spin again from now on.
                self.skip = 0;
                self.hit();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const B: Duration = Duration::from_secs(3600);

    #[test]
    fn fixed_spins_every_time() {
        let mut s = Spinner::new(Duration::from_micros(20), false);
        for _ in 0..100 {
            assert_eq!(s.budget(), Duration::from_micros(20));
            s.miss();
        }
    }

    #[test]
    fn adaptive_backs_off_after_misses_and_doubles() {
        // A budget short enough that no sleep ends within it.
        let mut s = Spinner::new(Duration::ZERO, true);
        for _ in 0..MISS_LIMIT {
            assert_eq!(s.budget(), Duration::ZERO);
            s.miss();
        }
        let skipped = |s: &mut Spinner| {
            let mut n = 0;
            // (No `woke`: with a zero budget an unmeasurably short sleep
            // would count as a hit and make the count depend on the clock.)
            while s.skip > 0 {
                s.budget();
                n += 1;
            }
            n
        };
        assert_eq!(skipped(&mut s), FIRST_SKIP);
        s.budget();
        s.miss();
        assert_eq!(skipped(&mut s), FIRST_SKIP * 2);
        for _ in 0..20 {
            s.budget();
            s.miss();
            skipped(&mut s);
        }
        s.budget();
        s.miss();
        assert_eq!(skipped(&mut s), MAX_SKIP);
    }

    #[test]
    fn a_hit_or_a_short_sleep_starts_over() {
        let mut s = Spinner::new(B, true);
        for _ in 0..MISS_LIMIT {
            s.budget();
            s.miss();
        }
        assert!(s.skip > 0);
        assert_eq!(s.budget(), Duration::ZERO);
        // That sleep ended well within the (hour-long) budget.
        s.woke();
        assert_eq!(s.skip, 0);
        assert_eq!(s.budget(), B);
        // And a run of misses below the limit never backs off.
        for _ in 0..MISS_LIMIT - 1 {
            s.miss();
            s.budget();
        }
        s.hit();
        for _ in 0..MISS_LIMIT - 1 {
            s.miss();
            assert_eq!(s.budget(), B);
        }
    }
}
