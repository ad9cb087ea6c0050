//! One hotkey's parent/child relations on one subnet, validated and persisted as the
//! reference's `PCRelations` does (`ST/staking/set_children.rs:6-450`).
//!
//! A [`Relations`] value is built around a pivot hotkey from storage (or from a pending set),
//! can only hold relations that satisfy the invariants of [`super`] (no self-loop, bounded
//! proportion sum, no hotkey both a parent and a child), and is written back with [`persist`],
//! which rewrites the pivot's two lists and patches each neighbour's mirror list, so
//! `ChildKeys` and `ParentKeys` stay consistent.

use std::collections::{BTreeMap, BTreeSet};

use agora_primitives::AccountId;

use crate::ctx::ensure;
use crate::error::{DispatchResult, Error};
use crate::state::Overlay;
use crate::storage::NetUid;

use super::{CHILD_KEYS, Edges, MAX_CHILDREN, PARENT_KEYS, PENDING_CHILD_KEYS};

/// Edges keyed by the other hotkey (the reference's `BTreeMap<AccountId, u64>`).
pub type EdgeMap = BTreeMap<AccountId, u64>;

/// A pivot hotkey's children and parents on one subnet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Relations {
    pivot: AccountId,
    children: EdgeMap,
    parents: EdgeMap,
}

/// `ProportionOverflow` if the proportions sum past `u64::MAX` (`ensure_total_proportions`).
fn ensure_total_proportions(children: &EdgeMap) -> DispatchResult {
    let total = children
        .values()
        .fold(0u128, |acc, &w| acc.saturating_add(u128::from(w)));
    ensure(total <= u128::from(u64::MAX), Error::ProportionOverflow)
}

/// `InvalidChild` if `set` contains the pivot (`ensure_no_self_loop`).
fn ensure_no_self_loop(pivot: &AccountId, set: &EdgeMap) -> DispatchResult {
    ensure(!set.contains_key(pivot), Error::InvalidChild)
}

/// `ChildParentInconsistency` if a hotkey is both a child and a parent
/// (`ensure_bipartite_separation`).
fn ensure_bipartite_separation(children: &EdgeMap, parents: &EdgeMap) -> DispatchResult {
    ensure(
        !children.keys().any(|c| parents.contains_key(c)),
        Error::ChildParentInconsistency,
    )
}

/// The edges as a map, skipping the pivot; a later duplicate wins, as in the reference.
fn to_map(pivot: &AccountId, edges: &[(u64, AccountId)]) -> EdgeMap {
    edges
        .iter()
        .filter(|(_, who)| who != pivot)
        .map(|(p, who)| (*who, *p))
        .collect()
}

/// Updates `id`'s proportion in place, or appends it (`upsert_edge`).
fn upsert_edge(list: &mut Edges, proportion: u64, id: &AccountId) {
    match list.iter_mut().find(|(_, who)| who == id) {
        Some(entry) => entry.0 = proportion,
        None => list.push((proportion, *id)),
    }
}

/// Removes `id`'s edges (`remove_edge`).
fn remove_edge(list: &mut Edges, id: &AccountId) {
    list.retain(|(_, who)| who != id);
}

/// Stores a children list, removing the entry when empty (`set_childkeys`).
fn set_childkeys(st: &mut Overlay<'_>, parent: &AccountId, netuid: NetUid, list: &Edges) {
    if list.is_empty() {
        CHILD_KEYS.remove(st, &(netuid, *parent));
    } else {
        CHILD_KEYS.insert(st, &(netuid, *parent), list);
    }
}

/// Stores a parents list, removing the entry when empty (`set_parentkeys`).
fn set_parentkeys(st: &mut Overlay<'_>, child: &AccountId, netuid: NetUid, list: &Edges) {
    if list.is_empty() {
        PARENT_KEYS.remove(st, &(netuid, *child));
    } else {
        PARENT_KEYS.insert(st, &(netuid, *child), list);
    }
}

impl Relations {
    /// Empty relations around `pivot`.
    pub fn new(pivot: AccountId) -> Self {
        Self {
            pivot,
            children: EdgeMap::new(),
            parents: EdgeMap::new(),
        }
    }

    /// The pivot hotkey.
    pub fn pivot(&self) -> &AccountId {
        &self.pivot
    }

    /// The pivot's children: child → proportion.
    pub fn children(&self) -> &EdgeMap {
        &self.children
    }

    /// The pivot's parents: parent → proportion.
    pub fn parents(&self) -> &EdgeMap {
        &self.parents
    }

    /// Replaces the children after checking self-loop, sum and separation (`link_children`).
    pub fn link_children(&mut self, children: EdgeMap) -> DispatchResult {
        ensure_no_self_loop(&self.pivot, &children)?;
        ensure_total_proportions(&children)?;
        ensure_bipartite_separation(&children, &self.parents)?;
        self.children = children;
        Ok(())
    }

    /// Replaces the parents after checking self-loop and separation (`link_parents`).
    pub fn link_parents(&mut self, parents: EdgeMap) -> DispatchResult {
        ensure_no_self_loop(&self.pivot, &parents)?;
        ensure_bipartite_separation(&self.children, &parents)?;
        self.parents = parents;
        Ok(())
    }

    /// Moves the relations to a new pivot, which must be neither a child nor a parent
    /// (`rebind_pivot`).
    pub fn rebind_pivot(&mut self, new_pivot: AccountId) -> DispatchResult {
        ensure_no_self_loop(&new_pivot, &self.children)?;
        ensure_no_self_loop(&new_pivot, &self.parents)?;
        self.pivot = new_pivot;
        Ok(())
    }

    /// The stored relations of `hotkey` on `netuid` (`load_child_parent_relations`); stored
    /// self-loops are ignored.
    pub fn load(st: &Overlay<'_>, hotkey: &AccountId, netuid: NetUid) -> Result<Self, Error> {
        let mut rel = Self::new(*hotkey);
        rel.link_children(to_map(hotkey, &super::children(st, hotkey, netuid)))?;
        rel.link_parents(to_map(hotkey, &super::parents(st, hotkey, netuid)))?;
        Ok(rel)
    }

    /// Relations with `pending` as the pivot's children and its stored parents
    /// (`load_relations_from_pending`).
    pub fn from_pending(
        st: &Overlay<'_>,
        pivot: &AccountId,
        pending: &[(u64, AccountId)],
        netuid: NetUid,
    ) -> Result<Self, Error> {
        let mut rel = Self::new(*pivot);
        rel.link_children(to_map(pivot, pending))?;
        rel.link_parents(to_map(pivot, &super::parents(st, pivot, netuid)))?;
        Ok(rel)
    }

    /// Checks that `pending` could become the pivot's children: no self-loop
    /// (`InvalidChild`), at most five (`TooManyChildren`), proportions fit (`ProportionOverflow`),
    /// none is a parent (`ChildParentInconsistency`) — in that order
    /// (`ensure_pending_consistency`).
    pub fn ensure_pending_consistency(&self, pending: &[(u64, AccountId)]) -> DispatchResult {
        let new_children: EdgeMap = pending.iter().map(|(p, who)| (*who, *p)).collect();
        ensure_no_self_loop(&self.pivot, &new_children)?;
        ensure(new_children.len() <= MAX_CHILDREN, Error::TooManyChildren)?;
        ensure_total_proportions(&new_children)?;
        ensure_bipartite_separation(&new_children, &self.parents)
    }
}

/// Writes `rel` to storage (`persist_child_parent_relations`): the pivot's children list
/// (sorted by child) and each added, kept or removed child's parent list; then the pivot's
/// parents list (sorted by parent) and each parent's children list.
pub fn persist(st: &mut Overlay<'_>, rel: &Relations, netuid: NetUid) {
    let pivot = rel.pivot;

    let new_children: Edges = rel.children.iter().map(|(c, p)| (*p, *c)).collect();
    let prev_children: BTreeSet<AccountId> = super::children(st, &pivot, netuid)
        .into_iter()
        .map(|(_, c)| c)
        .collect();
    set_childkeys(st, &pivot, netuid, &new_children);
    // Added and kept children (ascending): record or update the pivot as their parent.
    for (child, p) in &rel.children {
        let mut pk = super::parents(st, child, netuid);
        upsert_edge(&mut pk, *p, &pivot);
        set_parentkeys(st, child, netuid, &pk);
    }
    // Removed children.
    for child in prev_children
        .iter()
        .filter(|c| !rel.children.contains_key(*c))
    {
        let mut pk = super::parents(st, child, netuid);
        remove_edge(&mut pk, &pivot);
        set_parentkeys(st, child, netuid, &pk);
    }

    let new_parents: Edges = rel.parents.iter().map(|(q, p)| (*p, *q)).collect();
    let prev_parents: BTreeSet<AccountId> = super::parents(st, &pivot, netuid)
        .into_iter()
        .map(|(_, q)| q)
        .collect();
    set_parentkeys(st, &pivot, netuid, &new_parents);
    for (parent, p) in &rel.parents {
        let mut ck = super::children(st, parent, netuid);
        upsert_edge(&mut ck, *p, &pivot);
        set_childkeys(st, parent, netuid, &ck);
    }
    for parent in prev_parents
        .iter()
        .filter(|q| !rel.parents.contains_key(*q))
    {
        let mut ck = super::children(st, parent, netuid);
        remove_edge(&mut ck, &pivot);
        set_childkeys(st, parent, netuid, &ck);
    }
}

/// Moves `old`'s relations and pending set on `netuid` to `new` (`parent_child_swap_hotkey`).
///
/// Fails (and the hotkey swap with it) with `InvalidChild` if `new` is one of `old`'s children
/// or parents, or if `old`'s pending set cannot move to `new`. As in the reference, `old`'s
/// parents keep a (possibly empty) stored children list and `old` keeps an empty one.
pub fn swap_hotkey(
    st: &mut Overlay<'_>,
    old: &AccountId,
    new: &AccountId,
    netuid: NetUid,
) -> DispatchResult {
    let mut rel = Relations::load(st, old, netuid)?;
    for child in rel.children.keys() {
        let mut pk = super::parents(st, child, netuid);
        remove_edge(&mut pk, old);
        set_parentkeys(st, child, netuid, &pk);
    }
    for parent in rel.parents.keys() {
        let mut ck = super::children(st, parent, netuid);
        remove_edge(&mut ck, old);
        CHILD_KEYS.insert(st, &(netuid, *parent), &ck);
    }
    CHILD_KEYS.insert(st, &(netuid, *old), &Vec::new());
    set_parentkeys(st, old, netuid, &Vec::new());

    rel.rebind_pivot(*new)?;
    if let Some((pending, cooldown)) = PENDING_CHILD_KEYS.try_get(st, &(netuid, *old)) {
        rel.ensure_pending_consistency(&pending)?;
        PENDING_CHILD_KEYS.remove(st, &(netuid, *old));
        PENDING_CHILD_KEYS.insert(st, &(netuid, *new), &(pending, cooldown));
    }
    persist(st, &rel, netuid);

    // Other parents' pending sets naming `old` as a child name `new` instead, moved to the
    // end of the list with the same proportion.
    for (parent, (pending, cooldown)) in PENDING_CHILD_KEYS.iter_prefix(st, &netuid) {
        if let Some(at) = pending.iter().position(|(_, c)| c == old) {
            let mut pending = pending;
            let (p, _) = pending.remove(at);
            pending.push((p, *new));
            PENDING_CHILD_KEYS.insert(st, &(netuid, parent), &(pending, cooldown));
        }
    }
    Ok(())
}
