//! The strong solver's perturbations: ruin and recreate, and (TSP) the double bridge.
//!
//! A ruin-and-recreate iteration removes a compact group of stops (a breadth-first walk over neighbour lists
//! from a random stop, 2–15 stops), reinserts them one by one at their cheapest feasible
//! position next to a neighbour (or on a new route; a TSP falls back to a scan of its route),
//! re-optimises the touched region with the full local search, and keeps the result if it is
//! no worse, otherwise rolls back through the undo log. Equal-cost results are kept so the
//! search can drift across plateaus. A TSP iteration is, one time in four, a random double
//! bridge instead ([`double_bridge`]), followed by the same local search.

use super::inst::{Inst, Neighbours};
use super::local::{Moves, Queue, search};
use super::routes::Routes;
use crate::rng::Rng;

const MAX_RUIN: usize = 15;

/// A TSP iteration is a double bridge with probability 1/4 (measured against LKH on 200 and
/// 1,000 stops: without it the search stays in a basin up to 3% above the optimum on
/// clustered instances; 1/4 did better than 1/2 and 1/10).
const DOUBLE_BRIDGE_ONE_IN: u64 = 4;

/// One ruin-and-recreate iteration; keeps the result if it costs at most `allowance` more
/// than before, and returns whether it did.
pub(crate) fn iterate(
    inst: &Inst,
    nb: &Neighbours,
    st: &mut Routes,
    rng: &mut Rng,
    queue: &mut Queue,
    allowance: i64,
    stop: &mut dyn FnMut() -> bool,
) -> bool {
    let n = inst.n;
    if n < 2 {
        return false;
    }
    let before = st.cost;
    st.begin();
    if inst.single && st.routes[0].len() >= 8 && rng.below(DOUBLE_BRIDGE_ONE_IN) == 0 {
        double_bridge(inst, st, rng, queue);
    } else {
        ruin_recreate(inst, nb, st, rng, queue);
    }
    let full = Moves {
        two_opt: true,
        or_opt: true,
        swap: true,
    };
    search(inst, nb, st, full, queue, stop);
    queue.clear();
    if st.cost <= before + allowance {
        st.commit();
        true
    } else {
        st.rollback();
        false
    }
}

/// The classic double bridge on a TSP tour: cut it into `A B C D` at three random points and
/// reconnect as `A C B D` — the move that reorders whole stretches (e.g. the order in which
/// clusters are visited), which no sequence of small improving moves can do.
fn double_bridge(inst: &Inst, st: &mut Routes, rng: &mut Rng, queue: &mut Queue) {
    let route = &st.routes[0];
    let m = route.len();
    let mut cuts = [0usize; 3];
    loop {
        for c in &mut cuts {
            *c = 1 + rng.index(m - 1);
        }
        cuts.sort_unstable();
        if cuts[0] < cuts[1] && cuts[1] < cuts[2] {
            break;
        }
    }
    let [a, b, c] = cuts;
    let new: Vec<u32> = [&route[..a], &route[b..c], &route[a..b], &route[c..]].concat();
    for &i in &[a - 1, a, b - 1, b, c - 1, c] {
        if let Some(&v) = route.get(i) {
            queue.push(v);
        }
    }
    st.replace(inst, 0, new);
}

/// Removes a compact group of stops and reinserts them greedily.
fn ruin_recreate(inst: &Inst, nb: &Neighbours, st: &mut Routes, rng: &mut Rng, queue: &mut Queue) {
    let n = inst.n;
    // Ruin.
    let size = 2 + rng.index(MAX_RUIN.min(n) - 1);
    #[expect(clippy::cast_possible_truncation, reason = "node ids fit u32")]
    let start = 1 + rng.index(n) as u32;
    let mut removed: Vec<u32> = vec![start];
    let is_removed = |v: u32, removed: &[u32]| removed.contains(&v);
    let mut frontier = 0;
    while removed.len() < size && frontier < removed.len() {
        let from = removed[frontier];
        frontier += 1;
        for &w in nb.of(from) {
            if removed.len() >= size {
                break;
            }
            if !is_removed(w, &removed) {
                removed.push(w);
            }
        }
    }
    for &v in &removed {
        let (p, s) = (st.pred(v), st.succ(v));
        st.cost += inst.d(p, s) - inst.d(p, v) - inst.d(v, s);
        st.remove(inst, v);
    }
    // Recreate.
    rng.shuffle(&mut removed);
    for &v in &removed {
        insert_cheapest(inst, nb, st, v);
        queue.push(v);
        queue.push(st.pred(v));
        queue.push(st.succ(v));
    }
}

/// Inserts stop `v` (currently unrouted) where it adds least.
fn insert_cheapest(inst: &Inst, nb: &Neighbours, st: &mut Routes, v: u32) {
    let dem = inst.demand[v as usize];
    let d = |a, b| inst.d(a, b);
    // (delta, route, position)
    let mut best: Option<(i64, usize, usize)> = None;
    let offer = |best: &mut Option<(i64, usize, usize)>, delta: i64, r: usize, at: usize| {
        if best.is_none_or(|b| (delta, r, at) < b) {
            *best = Some((delta, r, at));
        }
    };
    for &w in nb.of(v) {
        if st.route_of[w as usize] == u32::MAX {
            continue;
        }
        let (r, i) = (st.r(w), st.p(w));
        if st.load[r] + dem > inst.capacity {
            continue;
        }
        let (p, s) = (st.pred(w), st.succ(w));
        offer(&mut best, d(p, v) + d(v, w) - d(p, w), r, i);
        offer(&mut best, d(w, v) + d(v, s) - d(w, s), r, i + 1);
    }
    if !inst.single {
        offer(&mut best, 2 * d(0, v), usize::MAX, 0);
    } else if best.is_none() {
        // A TSP whose neighbours of `v` are all unrouted: scan the one route.
        let route = &st.routes[0];
        if route.is_empty() {
            offer(&mut best, 2 * d(0, v), 0, 0);
        }
        for i in 0..=route.len() {
            let p = if i == 0 { 0 } else { route[i - 1] };
            let s = route.get(i).copied().unwrap_or(0);
            offer(&mut best, d(p, v) + d(v, s) - d(p, s), 0, i);
        }
    }
    let Some((delta, r, at)) = best else {
        return;
    };
    let r = if r == usize::MAX { st.new_route() } else { r };
    st.insert(inst, r, at, &[v]);
    st.cost += delta;
}
