//! Multi-pipe subscription trie: who subscribed to what, for PUB and XPUB.
//!
//! A publisher keeps, for each subscribed prefix, the set of pipes that asked
//! for it (libzmq's `mtrie_t`). A message goes to every pipe subscribed to
//! some prefix of it. Subscriptions are a set, not a count: a pipe that
//! subscribes twice to the same prefix holds one entry, removed by one
//! unsubscribe.
//!
//! ```
//! use ringmq_core::mtrie::MTrie;
//!
//! let mut subs: MTrie<u32> = MTrie::new();
//! assert!(subs.add(b"weather.", 1));   // first subscriber: XPUB passes it on
//! assert!(!subs.add(b"weather.", 2));
//! let mut to = Vec::new();
//! subs.for_each_match(b"weather.london", |pipe| to.push(pipe));
//! assert_eq!(to, [1, 2]);
//! assert!(!subs.rm(b"weather.", 1));
//! let mut emptied = Vec::new();
//! subs.rm_pipe(2, |prefix| emptied.push(prefix.to_vec()));
//! assert_eq!(emptied, [b"weather.".to_vec()]);
//! assert!(subs.is_empty());
//! ```

use std::fmt;

use smallvec::SmallVec;

use crate::trie::{Prefix, Tree, Value};

/// The pipes subscribed to one prefix.
///
/// A sorted small vector rather than a tree set: most prefixes have one or a
/// few subscribers, which then cost no allocation, and matching walks a
/// slice.
#[derive(Clone, Debug)]
struct Pipes<P>(
    /// Invariant: strictly increasing, so each pipe appears once.
    SmallVec<[P; 1]>,
);

impl<P> Default for Pipes<P> {
    fn default() -> Self {
        Pipes(SmallVec::new())
    }
}

impl<P> Value for Pipes<P> {
    fn is_vacant(&self) -> bool {
        self.0.is_empty()
    }
}

impl<P: Copy + Ord> Pipes<P> {
    /// Adds `pipe`; false if it was already there.
    fn insert(&mut self, pipe: P) -> bool {
        let Err(i) = self.0.binary_search(&pipe) else {
            return false;
        };
        self.0.insert(i, pipe);
        debug_assert!(self.0.windows(2).all(|w| w[0] < w[1]));
        true
    }

    /// Removes `pipe`; false if it was not there.
    fn remove(&mut self, pipe: P) -> bool {
        let Ok(i) = self.0.binary_search(&pipe) else {
            return false;
        };
        self.0.remove(i);
        true
    }
}

/// Prefix subscriptions of many pipes, as a PUB or XPUB socket keeps them.
///
/// `P` names a pipe (e.g. [`crate::PipeId`]). Each prefix maps to the set of
/// pipes subscribed to it; [`MTrie::add`], [`MTrie::rm`] and
/// [`MTrie::rm_pipe`] report when a prefix gains its first or loses its last
/// pipe, which is what an XPUB forwards upstream. Nodes that no longer lead
/// to a subscription are pruned as soon as they are removed.
#[derive(Clone)]
pub struct MTrie<P> {
    /// The pipes of each prefix; empty on nodes that only lead to longer
    /// prefixes.
    tree: Tree<Pipes<P>>,
}

impl<P> MTrie<P> {
    /// An empty trie: no pipe is subscribed to anything.
    pub fn new() -> Self {
        MTrie { tree: Tree::new() }
    }

    /// True if no pipe is subscribed to any prefix.
    pub fn is_empty(&self) -> bool {
        self.tree.is_empty()
    }
}

impl<P: Copy + Ord> MTrie<P> {
    /// Subscribes `pipe` to `prefix`; subscribing it again changes nothing.
    ///
    /// Returns true if `prefix` had no pipe before, i.e. `pipe` is its first
    /// subscriber.
    pub fn add(&mut self, prefix: &[u8], pipe: P) -> bool {
        self.tree.upsert(prefix, |pipes| {
            let first = pipes.is_vacant();
            pipes.insert(pipe);
            first
        })
    }

    /// Unsubscribes `pipe` from `prefix`.
    ///
    /// Returns true if `pipe` was subscribed and was the last pipe on
    /// `prefix`; false if it was not subscribed, or other pipes remain.
    pub fn rm(&mut self, prefix: &[u8], pipe: P) -> bool {
        self.tree
            .modify(prefix, |pipes| pipes.remove(pipe) && pipes.is_vacant())
            == Some(true)
    }

    /// Removes every subscription of `pipe`, e.g. when it is closed.
    ///
    /// Calls `f` with each prefix that `pipe` was the last subscriber of, in
    /// lexicographic order, and with no other. Visits the whole trie.
    pub fn rm_pipe(&mut self, pipe: P, mut f: impl FnMut(&[u8])) {
        self.tree.for_each_mut(|prefix, pipes| {
            if pipes.remove(pipe) && pipes.is_vacant() {
                f(prefix);
            }
        });
    }

    /// Calls `f` with each pipe subscribed to some prefix of `data`.
    ///
    /// A pipe is reported once per matching prefix it is subscribed to: one
    /// subscribed to both `"a"` and `"ab"` is reported twice for `"abc"`.
    /// Callers that must send a message once per pipe (XPUB's dist) mark the
    /// pipes and send afterwards, as libzmq does. Pipes come from the
    /// shortest prefix to the longest, each prefix's in ascending order.
    ///
    /// Walks `data` down the trie once; allocates nothing.
    pub fn for_each_match(&self, data: &[u8], mut f: impl FnMut(P)) {
        for pipes in self.tree.path(data) {
            pipes.0.iter().copied().for_each(&mut f);
        }
    }
}

impl<P> Default for MTrie<P> {
    fn default() -> Self {
        MTrie::new()
    }
}

/// Shows each subscribed prefix with its pipes.
impl<P: fmt::Debug> fmt::Debug for MTrie<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut map = f.debug_map();
        self.tree.for_each(|prefix, pipes| {
            if !pipes.is_vacant() {
                map.entry(&Prefix(prefix), &pipes.0.as_slice());
            }
        });
        map.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::{BTreeMap, BTreeSet};

    fn matches(trie: &MTrie<u8>, data: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        trie.for_each_match(data, |p| out.push(p));
        out
    }

    fn rm_pipe(trie: &mut MTrie<u8>, pipe: u8) -> Vec<Vec<u8>> {
        let mut out = Vec::new();
        trie.rm_pipe(pipe, |p| out.push(p.to_vec()));
        out
    }

    #[test]
    fn add_is_true_only_for_the_first_pipe_of_a_prefix() {
        let mut trie = MTrie::new();
        assert!(trie.add(b"a", 1));
        assert!(!trie.add(b"a", 2));
        assert!(!trie.add(b"a", 1));
        assert!(
            trie.add(b"ab", 1),
            "a longer prefix is its own subscription"
        );
        assert!(trie.add(b"", 2));
    }

    #[test]
    fn a_pipe_subscribing_twice_is_one_entry() {
        let mut trie = MTrie::new();
        assert!(trie.add(b"topic", 7));
        assert!(!trie.add(b"topic", 7));
        assert_eq!(matches(&trie, b"topic!"), [7]);
        assert!(trie.rm(b"topic", 7), "one rm removes the single entry");
        assert!(!trie.rm(b"topic", 7));
        assert!(trie.is_empty());
    }

    #[test]
    fn rm_is_true_only_when_the_last_pipe_leaves() {
        let mut trie = MTrie::new();
        trie.add(b"x", 1);
        trie.add(b"x", 2);
        assert!(!trie.rm(b"x", 1));
        assert_eq!(matches(&trie, b"x"), [2]);
        assert!(trie.rm(b"x", 2));
        assert!(matches(&trie, b"x").is_empty());
    }

    #[test]
    fn rm_of_unknown_subscription_is_false() {
        let mut trie = MTrie::new();
        assert!(!trie.rm(b"x", 1));
        trie.add(b"abc", 1);
        assert!(!trie.rm(b"abc", 2), "unknown pipe on a known prefix");
        assert!(!trie.rm(b"ab", 1), "a path node is not a subscription");
        assert!(!trie.rm(b"abcd", 1));
        assert!(!trie.rm(b"", 1));
        assert_eq!(matches(&trie, b"abc"), [1]);
        trie.tree.assert_invariants();
    }

    #[test]
    fn empty_prefix_matches_all() {
        let mut trie = MTrie::new();
        assert!(matches(&trie, b"").is_empty());
        trie.add(b"", 3);
        assert_eq!(matches(&trie, b""), [3]);
        assert_eq!(matches(&trie, b"anything"), [3]);
        assert_eq!(matches(&trie, &[0xff]), [3]);
    }

    #[test]
    fn prefix_matches_longer_data_but_not_shorter() {
        let mut trie = MTrie::new();
        trie.add(b"abc", 1);
        assert_eq!(matches(&trie, b"abc"), [1]);
        assert_eq!(matches(&trie, b"abcdef"), [1]);
        assert!(matches(&trie, b"ab").is_empty());
        assert!(matches(&trie, b"abx").is_empty());
        assert!(matches(&trie, b"").is_empty());
    }

    #[test]
    fn match_reports_a_pipe_once_per_matching_prefix() {
        let mut trie = MTrie::new();
        trie.add(b"", 2);
        trie.add(b"a", 1);
        trie.add(b"a", 3);
        trie.add(b"ab", 1);
        trie.add(b"abd", 4);
        assert_eq!(matches(&trie, b"abc"), [2, 1, 3, 1]);
        assert_eq!(matches(&trie, b"b"), [2]);
    }

    #[test]
    fn rm_pipe_reports_only_prefixes_left_empty() {
        let mut trie = MTrie::new();
        trie.add(b"a", 1);
        trie.add(b"a", 2);
        trie.add(b"ab", 1);
        trie.add(b"b", 1);
        trie.add(b"", 1);
        trie.add(b"c", 2);
        assert_eq!(
            rm_pipe(&mut trie, 1),
            [b"".to_vec(), b"ab".to_vec(), b"b".to_vec()],
            "not a: pipe 2 is still there; not c: pipe 1 never was"
        );
        trie.tree.assert_invariants();
        assert_eq!(matches(&trie, b"abc"), [2]);
        assert!(rm_pipe(&mut trie, 1).is_empty(), "nothing left of pipe 1");
        assert!(rm_pipe(&mut trie, 9).is_empty(), "unknown pipe");
        assert_eq!(rm_pipe(&mut trie, 2), [b"a".to_vec(), b"c".to_vec()]);
        assert!(trie.is_empty());
        assert_eq!(trie.tree.node_count(), 0);
        assert_eq!(trie.tree.capacity(), 1);
    }

    #[test]
    fn removing_everything_leaves_no_nodes() {
        let mut trie = MTrie::new();
        let subs = [
            (&b"abc"[..], 1),
            (b"abd", 2),
            (b"ab", 1),
            (b"", 3),
            (b"x\xff", 1),
        ];
        for (p, pipe) in subs {
            trie.add(p, pipe);
        }
        assert!(trie.tree.node_count() > 0);
        for (p, pipe) in subs {
            trie.rm(p, pipe);
            trie.tree.assert_invariants();
        }
        assert!(trie.is_empty());
        assert_eq!(trie.tree.node_count(), 0);
        assert_eq!(trie.tree.capacity(), 1, "only the root is left");
    }

    #[test]
    fn rm_pipe_prunes_the_branches_it_empties() {
        let mut trie = MTrie::new();
        trie.add(b"abc", 1);
        trie.add(b"abd", 1);
        trie.add(b"ab", 2);
        trie.add(b"zz", 1);
        rm_pipe(&mut trie, 1);
        trie.tree.assert_invariants();
        assert_eq!(trie.tree.node_count(), 2, "only a, b remain for pipe 2");
    }

    #[test]
    fn a_very_long_prefix_does_not_recurse() {
        let long = vec![b'q'; 1 << 20];
        let mut trie = MTrie::new();
        trie.add(&long, 1);
        trie.add(&long[..10], 2);
        assert_eq!(matches(&trie, &long), [2, 1]);
        let copy = trie.clone();
        assert_eq!(rm_pipe(&mut trie, 1).len(), 1);
        assert_eq!(trie.tree.node_count(), 10);
        drop(copy);
    }

    #[test]
    fn debug_shows_prefixes_and_pipes() {
        let mut trie = MTrie::default();
        trie.add(b"b", 2);
        trie.add(b"b", 1);
        trie.add(b"\x00", 1);
        assert_eq!(format!("{trie:?}"), r#"{b"\x00": [1], b"b": [1, 2]}"#);
    }

    #[derive(Clone, Debug)]
    enum Op {
        Add(Vec<u8>, u8),
        Rm(Vec<u8>, u8),
        RmPipe(u8),
        Match(Vec<u8>),
    }

    fn bytes(max: usize) -> impl Strategy<Value = Vec<u8>> {
        prop::collection::vec(prop::sample::select(vec![0u8, b'a', b'b', 0xff]), 0..=max)
    }

    fn op() -> impl Strategy<Value = Op> {
        let pipe = || 0u8..4;
        prop_oneof![
            4 => (bytes(3), pipe()).prop_map(|(p, pipe)| Op::Add(p, pipe)),
            3 => (bytes(3), pipe()).prop_map(|(p, pipe)| Op::Rm(p, pipe)),
            1 => pipe().prop_map(Op::RmPipe),
            3 => bytes(5).prop_map(Op::Match),
        ]
    }

    type Model = BTreeMap<Vec<u8>, BTreeSet<u8>>;

    proptest! {
        #[test]
        fn mtrie_agrees_with_a_map_of_sets(ops in prop::collection::vec(op(), 0..80)) {
            let mut trie = MTrie::new();
            let mut model = Model::new();
            for op in ops {
                match op {
                    Op::Add(p, pipe) => {
                        let pipes = model.entry(p.clone()).or_default();
                        let first = pipes.is_empty();
                        pipes.insert(pipe);
                        prop_assert_eq!(trie.add(&p, pipe), first);
                    }
                    Op::Rm(p, pipe) => {
                        let expected = match model.get_mut(&p) {
                            Some(pipes) => pipes.remove(&pipe) && pipes.is_empty(),
                            None => false,
                        };
                        if expected {
                            model.remove(&p);
                        }
                        prop_assert_eq!(trie.rm(&p, pipe), expected);
                    }
                    Op::RmPipe(pipe) => {
                        let mut emptied = Vec::new();
                        for (p, pipes) in model.iter_mut() {
                            if pipes.remove(&pipe) && pipes.is_empty() {
                                emptied.push(p.clone());
                            }
                        }
                        model.retain(|_, pipes| !pipes.is_empty());
                        prop_assert_eq!(rm_pipe(&mut trie, pipe), emptied);
                    }
                    Op::Match(data) => {
                        // A multiset: one entry per (matching prefix, pipe).
                        let mut expected: Vec<u8> = model
                            .iter()
                            .filter(|(p, _)| data.starts_with(p))
                            .flat_map(|(_, pipes)| pipes.iter().copied())
                            .collect();
                        let mut got = matches(&trie, &data);
                        expected.sort_unstable();
                        got.sort_unstable();
                        prop_assert_eq!(got, expected);
                    }
                }
                trie.tree.assert_invariants();
                prop_assert_eq!(trie.is_empty(), model.is_empty());
            }
            for pipe in 0..4 {
                rm_pipe(&mut trie, pipe);
            }
            prop_assert!(trie.is_empty());
            prop_assert_eq!(trie.tree.capacity(), 1);
        }
    }
}
