//! Counting subscription trie: the message filter of SUB and XSUB.
//!
//! A SUB socket keeps the prefixes it subscribed to in a [`Trie`] and drops
//! every incoming message that none of them starts. As in libzmq each prefix
//! is reference counted: subscribing to `"a"` twice takes two unsubscribes
//! before `"a"` stops matching, and only the first subscribe and the last
//! unsubscribe change what the socket asks of its publishers.
//!
//! ```
//! use ringmq_core::trie::Trie;
//!
//! let mut subs = Trie::new();
//! assert!(subs.add(b"weather."));       // new: send SUBSCRIBE upstream
//! assert!(!subs.add(b"weather."));      // counted, nothing to send
//! assert!(subs.check(b"weather.london"));
//! assert!(!subs.check(b"news"));
//! assert!(!subs.rm(b"weather."));       // still counted once
//! assert!(subs.rm(b"weather."));        // gone: send CANCEL upstream
//! assert!(subs.is_empty());
//! ```
//!
//! The node arena underneath, `Tree`, is shared with [`crate::mtrie`], which
//! stores a set of pipes where this module stores a count.

use std::fmt;

/// Index of a node in [`Tree::nodes`].
type NodeId = u32;

/// The root is always `nodes[0]`.
const ROOT: NodeId = 0;

/// "No child" in a child table: the root is nobody's child, so its index is
/// free to mean nothing.
const NONE: NodeId = 0;

/// What a trie stores at each node.
pub(crate) trait Value: Default {
    /// True when the node holds no subscription, so it only lives as long as
    /// some subscription lies below it.
    fn is_vacant(&self) -> bool;
}

/// A subscription count.
impl Value for u32 {
    fn is_vacant(&self) -> bool {
        *self == 0
    }
}

/// One byte of depth in the trie.
#[derive(Clone, Debug)]
struct Node<V> {
    value: V,
    /// Meaningless for the root and for free nodes.
    parent: NodeId,
    /// The byte on the edge from `parent` to this node.
    byte: u8,
    /// The byte of `next[0]`.
    min: u8,
    /// `next[i]` is the child for byte `min + i`, or [`NONE`]. Dense, as
    /// libzmq's table, so that matching costs one subtraction and one index
    /// per byte of the message.
    ///
    /// Invariant: empty, or its first and last entries are children; so a
    /// node is a leaf exactly when `next` is empty, and `min + next.len()`
    /// never passes 256.
    next: Vec<NodeId>,
}

impl<V: Value> Node<V> {
    fn new(parent: NodeId, byte: u8) -> Self {
        Node {
            value: V::default(),
            parent,
            byte,
            min: 0,
            next: Vec::new(),
        }
    }

    /// A node worth keeping holds a subscription or leads to one.
    fn is_dead(&self) -> bool {
        self.value.is_vacant() && self.next.is_empty()
    }
}

/// A byte trie in an arena, pruned as values become vacant.
///
/// Nodes live in one `Vec` and name each other by index, so that every walk
/// — insertion, pruning, traversal and drop — is a loop rather than a
/// recursion, and a hostile one-megabyte subscription cannot overflow the
/// stack. A prefix still costs one node per byte, as in libzmq.
#[derive(Clone, Debug)]
pub(crate) struct Tree<V> {
    /// `nodes[ROOT]` always exists.
    ///
    /// Invariant: every other node is either in `free`, or reachable from the
    /// root and not dead (pruning removes vacant leaves up to the first node
    /// worth keeping).
    nodes: Vec<Node<V>>,
    /// Pruned nodes, reused by the next insertions so that subscribe /
    /// unsubscribe churn does not grow `nodes`. Invariant: each is dead.
    free: Vec<NodeId>,
}

impl<V: Value> Tree<V> {
    /// An empty tree: just the root.
    pub(crate) fn new() -> Self {
        Tree {
            nodes: vec![Node::new(ROOT, 0)],
            free: Vec::new(),
        }
    }

    /// True when no value is set: the root is vacant and has no children.
    pub(crate) fn is_empty(&self) -> bool {
        self.nodes[ROOT as usize].is_dead()
    }

    fn node(&self, id: NodeId) -> &Node<V> {
        &self.nodes[id as usize]
    }

    fn node_mut(&mut self, id: NodeId) -> &mut Node<V> {
        &mut self.nodes[id as usize]
    }

    fn child(&self, id: NodeId, byte: u8) -> Option<NodeId> {
        let node = self.node(id);
        let i = byte.checked_sub(node.min)?;
        node.next
            .get(usize::from(i))
            .copied()
            .filter(|&c| c != NONE)
    }

    /// The first child of `id` whose byte is at least `from` (0..=256).
    fn next_child(&self, id: NodeId, from: u16) -> Option<(u8, NodeId)> {
        let node = self.node(id);
        let start = usize::from(from).saturating_sub(usize::from(node.min));
        node.next
            .iter()
            .enumerate()
            .skip(start)
            .find(|&(_, &c)| c != NONE)
            // `min + i` fits a byte by the invariant on `next`.
            .map(|(i, &c)| (node.min + i as u8, c))
    }

    /// The values at the root and at each node along `data`, shortest
    /// prefix first, until the trie has no node for the next byte.
    pub(crate) fn path<'a>(&'a self, data: &'a [u8]) -> Path<'a, V> {
        Path {
            tree: self,
            at: Some(ROOT),
            rest: data,
        }
    }

    /// Applies `f` to the value at `key`, creating the nodes on the way,
    /// then prunes them again if `f` left the value vacant.
    pub(crate) fn upsert<R>(&mut self, key: &[u8], f: impl FnOnce(&mut V) -> R) -> R {
        let mut id = ROOT;
        for &byte in key {
            id = match self.child(id, byte) {
                Some(c) => c,
                None => {
                    let c = self.alloc(id, byte);
                    self.link(id, byte, c);
                    c
                }
            };
        }
        let r = f(&mut self.node_mut(id).value);
        self.prune(id);
        r
    }

    /// Applies `f` to the value at `key` if the trie has a node there, then
    /// prunes if `f` left the value vacant. `None` if there is no node.
    pub(crate) fn modify<R>(&mut self, key: &[u8], f: impl FnOnce(&mut V) -> R) -> Option<R> {
        let id = key.iter().try_fold(ROOT, |id, &b| self.child(id, b))?;
        let r = f(&mut self.node_mut(id).value);
        self.prune(id);
        Some(r)
    }

    /// Calls `f` with the key and value of every node, in key order
    /// (parents before children, siblings by byte).
    pub(crate) fn for_each(&self, mut f: impl FnMut(&[u8], &V)) {
        let mut key = Vec::new();
        // Each entry is a node and the byte from which to look for its next
        // unvisited child (256 when done); `key` holds one byte per entry
        // below the root.
        let mut stack: Vec<(NodeId, u16)> = vec![(ROOT, 0)];
        f(&key, &self.node(ROOT).value);
        while let Some(top) = stack.last_mut() {
            match self.next_child(top.0, top.1) {
                Some((byte, c)) => {
                    top.1 = u16::from(byte) + 1;
                    key.push(byte);
                    f(&key, &self.node(c).value);
                    stack.push((c, 0));
                }
                None => {
                    stack.pop();
                    key.pop();
                }
            }
        }
    }

    /// As [`Tree::for_each`] with a mutable value; then prunes every value
    /// that `f` left vacant.
    pub(crate) fn for_each_mut(&mut self, mut f: impl FnMut(&[u8], &mut V)) {
        let mut key = Vec::new();
        let mut stack: Vec<(NodeId, u16)> = vec![(ROOT, 0)];
        f(&key, &mut self.node_mut(ROOT).value);
        while let Some(&(id, from)) = stack.last() {
            match self.next_child(id, from) {
                Some((byte, c)) => {
                    // The cursor is a byte, not a table index, so it stays
                    // right when pruning `c` below shrinks this table.
                    if let Some(top) = stack.last_mut() {
                        top.1 = u16::from(byte) + 1;
                    }
                    key.push(byte);
                    f(&key, &mut self.node_mut(c).value);
                    stack.push((c, 0));
                }
                None => {
                    // Post-order: the children of `id` are already pruned,
                    // so it is dead exactly when it has to go.
                    stack.pop();
                    key.pop();
                    if id != ROOT && self.node(id).is_dead() {
                        let Node { parent, byte, .. } = *self.node(id);
                        self.unlink(parent, byte);
                        self.release(id);
                    }
                }
            }
        }
        self.reclaim_if_empty();
    }

    /// A fresh node for `byte` below `parent`, reusing a pruned one if any.
    fn alloc(&mut self, parent: NodeId, byte: u8) -> NodeId {
        let node = Node::new(parent, byte);
        if let Some(id) = self.free.pop() {
            *self.node_mut(id) = node;
            return id;
        }
        // Four billion nodes would take well over a hundred gigabytes, so
        // memory runs out long before the index does.
        let id = NodeId::try_from(self.nodes.len()).expect("trie node index overflows u32");
        self.nodes.push(node);
        id
    }

    /// Returns a dead, unlinked node to the free list.
    fn release(&mut self, id: NodeId) {
        debug_assert!(id != ROOT && self.node(id).is_dead());
        // Dropping the table's storage keeps memory bounded by what is live.
        self.node_mut(id).next = Vec::new();
        self.free.push(id);
    }

    fn link(&mut self, parent: NodeId, byte: u8, child: NodeId) {
        let node = self.node_mut(parent);
        if node.next.is_empty() {
            node.min = byte;
        } else if byte < node.min {
            let grow = usize::from(node.min - byte);
            node.next.splice(0..0, std::iter::repeat_n(NONE, grow));
            node.min = byte;
        }
        let i = usize::from(byte - node.min);
        if i >= node.next.len() {
            node.next.resize(i + 1, NONE);
        }
        debug_assert_eq!(node.next[i], NONE);
        node.next[i] = child;
    }

    fn unlink(&mut self, parent: NodeId, byte: u8) {
        let node = self.node_mut(parent);
        let i = usize::from(byte - node.min);
        node.next[i] = NONE;
        while node.next.last() == Some(&NONE) {
            node.next.pop();
        }
        // Some child remains past any leading gap (or the table is empty and
        // there is no gap), so `min + lead` stays a byte.
        let lead = node.next.iter().take_while(|&&c| c == NONE).count();
        if lead > 0 {
            node.next.drain(..lead);
            node.min += lead as u8;
        }
    }

    /// Removes `id` and then its ancestors for as long as they are dead.
    fn prune(&mut self, mut id: NodeId) {
        while id != ROOT {
            let node = self.node(id);
            if !node.is_dead() {
                return;
            }
            let (parent, byte) = (node.parent, node.byte);
            self.unlink(parent, byte);
            self.release(id);
            id = parent;
        }
        self.reclaim_if_empty();
    }

    /// Once nothing is subscribed, gives back the free list too.
    fn reclaim_if_empty(&mut self) {
        if self.is_empty() {
            self.nodes.truncate(1);
            self.free.clear();
        }
    }

    /// Nodes in use, not counting the root.
    #[cfg(test)]
    pub(crate) fn node_count(&self) -> usize {
        self.nodes.len() - self.free.len() - 1
    }

    /// Every node slot ever allocated and not reclaimed, root included.
    #[cfg(test)]
    pub(crate) fn capacity(&self) -> usize {
        self.nodes.len()
    }

    /// Checks every invariant written on [`Node`] and [`Tree`].
    #[cfg(test)]
    pub(crate) fn assert_invariants(&self) {
        let mut seen = vec![false; self.nodes.len()];
        for &id in &self.free {
            assert!(id != ROOT, "root on the free list");
            assert!(!seen[id as usize], "node {id} freed twice");
            seen[id as usize] = true;
            assert!(self.node(id).is_dead(), "free node {id} is not dead");
        }
        let mut reached = 0;
        let mut todo = vec![ROOT];
        while let Some(id) = todo.pop() {
            let node = self.node(id);
            if let (Some(&first), Some(&last)) = (node.next.first(), node.next.last()) {
                assert!(first != NONE && last != NONE, "loose table at {id}");
                assert!(usize::from(node.min) + node.next.len() <= 256);
            }
            if id != ROOT {
                assert!(!node.is_dead(), "dead node {id} not pruned");
            }
            for (i, &c) in node.next.iter().enumerate() {
                if c == NONE {
                    continue;
                }
                assert!(!seen[c as usize], "node {c} reached twice or also free");
                seen[c as usize] = true;
                reached += 1;
                let child = self.node(c);
                assert_eq!(child.parent, id);
                assert_eq!(usize::from(child.byte), usize::from(node.min) + i);
                todo.push(c);
            }
        }
        assert_eq!(reached, self.node_count(), "unreachable live nodes");
        if self.is_empty() {
            assert_eq!(self.nodes.len(), 1, "empty tree keeps nodes");
        }
    }
}

/// Iterator returned by [`Tree::path`]; allocates nothing.
pub(crate) struct Path<'a, V> {
    tree: &'a Tree<V>,
    /// The next node to yield, `None` once the trie ran out.
    at: Option<NodeId>,
    /// The bytes below `at`.
    rest: &'a [u8],
}

impl<'a, V: Value> Iterator for Path<'a, V> {
    type Item = &'a V;

    fn next(&mut self) -> Option<&'a V> {
        let id = self.at?;
        self.at = match self.rest.split_first() {
            Some((&byte, rest)) => {
                self.rest = rest;
                self.tree.child(id, byte)
            }
            None => None,
        };
        Some(&self.tree.node(id).value)
    }
}

/// Shows a prefix as a byte-string literal.
pub(crate) struct Prefix<'a>(pub(crate) &'a [u8]);

impl fmt::Debug for Prefix<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "b\"{}\"", self.0.escape_ascii())
    }
}

/// Reference-counted prefix subscriptions, as a SUB or XSUB socket keeps
/// them (libzmq's `trie_t`).
///
/// Each distinct prefix is counted: [`Trie::add`] and [`Trie::rm`] report
/// only the 0 → 1 and 1 → 0 transitions, which are the ones a subscriber
/// forwards upstream. Nodes that no longer lead to a subscription are pruned
/// as soon as they are removed.
#[derive(Clone)]
pub struct Trie {
    /// The subscription count of each prefix; 0 on nodes that only lead to
    /// longer prefixes. A count stops at `u32::MAX`: further adds are not
    /// counted.
    tree: Tree<u32>,
    /// Number of prefixes with a non-zero count.
    len: usize,
}

impl Trie {
    /// An empty trie, which matches nothing.
    pub fn new() -> Self {
        Trie {
            tree: Tree::new(),
            len: 0,
        }
    }

    /// Subscribes to `prefix` once more.
    ///
    /// Returns true if `prefix` was not subscribed before (its count went
    /// from 0 to 1), i.e. when a subscriber has to tell its publishers.
    pub fn add(&mut self, prefix: &[u8]) -> bool {
        let new = self.tree.upsert(prefix, |count| {
            let new = *count == 0;
            *count = count.saturating_add(1);
            new
        });
        self.len += usize::from(new);
        new
    }

    /// Unsubscribes from `prefix` once.
    ///
    /// Returns true if this removed the last count of `prefix` (it went from
    /// 1 to 0); false if `prefix` was not subscribed, or still is because it
    /// was added more often than removed.
    pub fn rm(&mut self, prefix: &[u8]) -> bool {
        let removed = self.tree.modify(prefix, |count| match *count {
            0 => false,
            n => {
                *count = n - 1;
                n == 1
            }
        }) == Some(true);
        self.len -= usize::from(removed);
        removed
    }

    /// True if some subscribed prefix is a prefix of `data`. The empty
    /// prefix matches every message, the empty one included.
    ///
    /// Walks `data` down the trie once and stops at the first subscribed
    /// node; allocates nothing.
    pub fn check(&self, data: &[u8]) -> bool {
        self.tree.path(data).any(|&count| count > 0)
    }

    /// Calls `f` once with each subscribed prefix, however many times it was
    /// added, in lexicographic order — e.g. to send all subscriptions to a
    /// newly connected publisher.
    pub fn for_each(&self, mut f: impl FnMut(&[u8])) {
        self.tree.for_each(|prefix, &count| {
            if count > 0 {
                f(prefix);
            }
        });
    }

    /// True if no prefix is subscribed.
    pub fn is_empty(&self) -> bool {
        debug_assert_eq!(self.len == 0, self.tree.is_empty());
        self.len == 0
    }

    /// The number of distinct subscribed prefixes.
    pub fn len(&self) -> usize {
        self.len
    }
}

impl Default for Trie {
    fn default() -> Self {
        Trie::new()
    }
}

/// Shows each subscribed prefix with its count.
impl fmt::Debug for Trie {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut map = f.debug_map();
        self.tree.for_each(|prefix, count| {
            if *count > 0 {
                map.entry(&Prefix(prefix), count);
            }
        });
        map.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::{BTreeSet, HashMap};

    fn prefixes(trie: &Trie) -> Vec<Vec<u8>> {
        let mut out = Vec::new();
        trie.for_each(|p| out.push(p.to_vec()));
        out
    }

    #[test]
    fn add_is_true_only_for_a_new_prefix() {
        let mut trie = Trie::new();
        assert!(trie.add(b"abc"));
        assert!(!trie.add(b"abc"));
        assert!(trie.add(b"ab"), "a prefix of a subscribed prefix is new");
        assert!(
            trie.add(b"abcd"),
            "an extension of a subscribed prefix is new"
        );
        assert_eq!(trie.len(), 3);
    }

    #[test]
    fn double_subscribe_needs_two_unsubscribes() {
        let mut trie = Trie::new();
        assert!(trie.add(b"topic"));
        assert!(!trie.add(b"topic"));
        assert!(!trie.rm(b"topic"), "first rm leaves one count");
        assert!(trie.check(b"topic.x"));
        assert!(trie.rm(b"topic"), "second rm really removes");
        assert!(!trie.check(b"topic.x"));
        assert!(!trie.rm(b"topic"), "third rm has nothing to remove");
        assert!(trie.is_empty());
    }

    #[test]
    fn rm_of_unknown_prefix_is_false() {
        let mut trie = Trie::new();
        assert!(!trie.rm(b"x"));
        assert!(!trie.rm(b""));
        trie.add(b"abc");
        assert!(!trie.rm(b"ab"), "a path node is not a subscription");
        assert!(!trie.rm(b"abcd"));
        assert!(!trie.rm(b""));
        assert!(!trie.rm(b"abd"));
        assert_eq!(prefixes(&trie), [b"abc".to_vec()]);
        trie.tree.assert_invariants();
    }

    #[test]
    fn empty_prefix_matches_all() {
        let mut trie = Trie::new();
        assert!(!trie.check(b""));
        assert!(trie.add(b""));
        assert!(trie.check(b""));
        assert!(trie.check(b"anything"));
        assert!(trie.check(&[0xff, 0]));
        assert!(trie.rm(b""));
        assert!(!trie.check(b"anything"));
        assert!(trie.is_empty());
    }

    #[test]
    fn prefix_matches_longer_data_but_not_shorter() {
        let mut trie = Trie::new();
        trie.add(b"abc");
        assert!(trie.check(b"abc"));
        assert!(trie.check(b"abcdef"));
        assert!(!trie.check(b"ab"));
        assert!(!trie.check(b""));
        assert!(!trie.check(b"abx"));
        assert!(!trie.check(b"xabc"));
    }

    #[test]
    fn check_stops_at_the_shortest_subscribed_prefix() {
        let mut trie = Trie::new();
        trie.add(b"a");
        trie.add(b"abc");
        assert!(trie.check(b"ab"));
        assert!(trie.rm(b"a"));
        assert!(!trie.check(b"ab"));
        assert!(trie.check(b"abc"));
    }

    #[test]
    fn for_each_reports_each_prefix_once_in_order() {
        let mut trie = Trie::new();
        for p in [&b"b"[..], b"a", b"ab", b"", b"a", b"\xff", b"\x00"] {
            trie.add(p);
        }
        let expected: Vec<Vec<u8>> = [&b""[..], b"\x00", b"a", b"ab", b"b", b"\xff"]
            .iter()
            .map(|p| p.to_vec())
            .collect();
        assert_eq!(prefixes(&trie), expected);
        assert_eq!(trie.len(), 6);
    }

    #[test]
    fn children_at_both_ends_of_the_byte_range() {
        let mut trie = Trie::new();
        trie.add(&[0xff]);
        trie.add(&[0x00]);
        trie.add(&[0x80]);
        assert!(trie.check(&[0x00, 1]) && trie.check(&[0x80]) && trie.check(&[0xff]));
        assert!(!trie.check(&[0x7f]));
        trie.tree.assert_invariants();
        assert!(trie.rm(&[0x00]));
        assert!(trie.rm(&[0xff]));
        trie.tree.assert_invariants();
        assert!(!trie.check(&[0xff]) && trie.check(&[0x80]));
    }

    #[test]
    fn removing_everything_leaves_no_nodes() {
        let mut trie = Trie::new();
        for p in [&b"abc"[..], b"abd", b"ab", b"x", b"", b"abc"] {
            trie.add(p);
        }
        assert!(trie.tree.node_count() > 0);
        for p in [&b"abc"[..], b"abd", b"ab", b"x", b"", b"abc"] {
            trie.rm(p);
            trie.tree.assert_invariants();
        }
        assert!(trie.is_empty());
        assert_eq!(trie.len(), 0);
        assert_eq!(trie.tree.node_count(), 0);
        assert_eq!(trie.tree.capacity(), 1, "only the root is left");
    }

    #[test]
    fn rm_prunes_only_the_nodes_nothing_else_needs() {
        let mut trie = Trie::new();
        trie.add(b"ab");
        trie.add(b"abcd");
        assert_eq!(trie.tree.node_count(), 4);
        assert!(trie.rm(b"abcd"));
        assert_eq!(trie.tree.node_count(), 2, "a, b stay for ab");
        assert!(trie.check(b"abx"));
        trie.add(b"abcd");
        assert!(trie.rm(b"ab"));
        assert_eq!(trie.tree.node_count(), 4, "a, b stay on the way to abcd");
        trie.tree.assert_invariants();
    }

    #[test]
    fn churn_does_not_grow_memory() {
        let mut trie = Trie::new();
        trie.add(b"keep");
        let mut peak = 0;
        for round in 0..100u8 {
            trie.add(&[b'k', round % 5, b'x']);
            trie.add(b"other");
            trie.rm(&[b'k', round % 5, b'x']);
            trie.rm(b"other");
            peak = peak.max(trie.tree.capacity());
        }
        assert!(peak <= 1 + 4 + 2 + 5, "arena grew to {peak}");
        assert_eq!(prefixes(&trie), [b"keep".to_vec()]);
    }

    #[test]
    fn a_very_long_prefix_does_not_recurse() {
        let long = vec![b'z'; 1 << 20];
        let mut trie = Trie::new();
        assert!(trie.add(&long));
        assert!(trie.check(&long));
        assert!(!trie.check(&long[..long.len() - 1]));
        let mut n = 0;
        trie.for_each(|p| n += p.len());
        assert_eq!(n, long.len());
        let copy = trie.clone();
        assert!(trie.rm(&long));
        assert!(trie.is_empty());
        drop(copy);
    }

    #[test]
    fn debug_shows_prefixes_and_counts() {
        let mut trie = Trie::default();
        trie.add(b"a\n");
        trie.add(b"a\n");
        trie.add(b"");
        assert_eq!(format!("{trie:?}"), r#"{b"": 1, b"a\n": 2}"#);
    }

    #[derive(Clone, Debug)]
    enum Op {
        Add(Vec<u8>),
        Rm(Vec<u8>),
        Check(Vec<u8>),
        ForEach,
    }

    fn bytes(max: usize) -> impl Strategy<Value = Vec<u8>> {
        prop::collection::vec(prop::sample::select(vec![0u8, b'a', b'b', 0xff]), 0..=max)
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            3 => bytes(3).prop_map(Op::Add),
            3 => bytes(3).prop_map(Op::Rm),
            3 => bytes(5).prop_map(Op::Check),
            1 => Just(Op::ForEach),
        ]
    }

    proptest! {
        #[test]
        fn trie_agrees_with_a_counting_map(ops in prop::collection::vec(op(), 0..80)) {
            let mut trie = Trie::new();
            let mut model: HashMap<Vec<u8>, usize> = HashMap::new();
            for op in ops {
                match op {
                    Op::Add(p) => {
                        let count = model.entry(p.clone()).or_default();
                        *count += 1;
                        prop_assert_eq!(trie.add(&p), *count == 1);
                    }
                    Op::Rm(p) => {
                        let expected = match model.get_mut(&p) {
                            Some(count) => {
                                *count -= 1;
                                *count == 0
                            }
                            None => false,
                        };
                        if expected {
                            model.remove(&p);
                        }
                        prop_assert_eq!(trie.rm(&p), expected);
                    }
                    Op::Check(data) => {
                        let expected = model.keys().any(|p| data.starts_with(p));
                        prop_assert_eq!(trie.check(&data), expected);
                    }
                    Op::ForEach => {
                        let got = prefixes(&trie);
                        let expected: BTreeSet<Vec<u8>> = model.keys().cloned().collect();
                        prop_assert_eq!(got, expected.into_iter().collect::<Vec<_>>());
                    }
                }
                trie.tree.assert_invariants();
                prop_assert_eq!(trie.len(), model.len());
                prop_assert_eq!(trie.is_empty(), model.is_empty());
            }
            for (p, count) in model.drain() {
                for i in 1..=count {
                    prop_assert_eq!(trie.rm(&p), i == count);
                }
            }
            prop_assert!(trie.is_empty());
            prop_assert_eq!(trie.tree.capacity(), 1);
        }
    }
}
