//! Local search over neighbour lists with a work queue ("don't-look bits"): a stop is
//! examined when it or an endpoint of a changed edge is in the queue; the best improving move
//! around it is applied and the endpoints are queued again. It stops at a local optimum for
//! the enabled neighbourhoods, or when the budget says so.
//!
//! Neighbourhoods (each move makes `u` adjacent to one of its neighbours `v`):
//! * **2-opt** within a route (segment reversal), both orientations;
//! * **2-opt\*** between routes (exchange of route ends, four variants), CVRP only;
//! * **Or-opt**: move a chain of 1–3 stops starting or ending at `u` next to `v`, in the
//!   orientation that puts `u` beside `v`, within or between routes;
//! * **swap**: exchange `u` with the stop before or after `v`.
//!
//! Deltas are exact integer costs, so a move is applied only if it strictly lowers the cost,
//! and the search terminates.

use std::collections::VecDeque;

use super::inst::{Inst, Neighbours};
use super::routes::Routes;

/// Which neighbourhoods a search uses.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Moves {
    pub(crate) two_opt: bool,
    pub(crate) or_opt: bool,
    pub(crate) swap: bool,
}

#[derive(Clone, Copy, Debug)]
enum Move {
    /// Reverse positions a..=b of a route.
    Reverse { r: usize, a: usize, b: usize },
    /// 2-opt* variant `kind` between `u`'s and `v`'s routes.
    Star { u: u32, v: u32, kind: u8 },
    /// Move positions a..=b of route `from` (reversed if `rev`) to before position `at` of
    /// route `to` (positions as before the move).
    Relocate {
        from: usize,
        a: usize,
        b: usize,
        to: usize,
        at: usize,
        rev: bool,
    },
    /// Exchange two stops.
    Swap { u: u32, w: u32 },
}

/// A FIFO of stops with membership flags.
pub(crate) struct Queue {
    q: VecDeque<u32>,
    queued: Vec<bool>,
}

impl Queue {
    pub(crate) fn new(n: usize) -> Self {
        Self {
            q: VecDeque::with_capacity(n),
            queued: vec![false; n + 1],
        }
    }

    pub(crate) fn push(&mut self, v: u32) {
        if v != 0 && !self.queued[v as usize] {
            self.queued[v as usize] = true;
            self.q.push_back(v);
        }
    }

    fn pop(&mut self) -> Option<u32> {
        let v = self.q.pop_front()?;
        self.queued[v as usize] = false;
        Some(v)
    }

    pub(crate) fn clear(&mut self) {
        while self.pop().is_some() {}
    }
}

/// Runs the search until the queue is empty or `stop()` returns true (checked every 64
/// examined stops). Returns false if it was stopped.
pub(crate) fn search(
    inst: &Inst,
    nb: &Neighbours,
    st: &mut Routes,
    moves: Moves,
    queue: &mut Queue,
    stop: &mut dyn FnMut() -> bool,
) -> bool {
    let mut examined = 0u32;
    while let Some(u) = queue.pop() {
        examined = examined.wrapping_add(1);
        if examined.is_multiple_of(64) && stop() {
            return false;
        }
        if let Some((delta, m)) = best_move(inst, nb, st, moves, u) {
            let touched = apply(inst, st, m);
            st.cost += delta;
            queue.push(u);
            for v in touched.into_iter().flatten() {
                queue.push(v);
            }
        }
    }
    true
}

fn consider(best: &mut Option<(i64, Move)>, delta: i64, m: Move) {
    if delta < 0 && best.is_none_or(|b| delta < b.0) {
        *best = Some((delta, m));
    }
}

fn best_move(
    inst: &Inst,
    nb: &Neighbours,
    st: &Routes,
    moves: Moves,
    u: u32,
) -> Option<(i64, Move)> {
    let mut best = None;
    let (ru, iu) = (st.r(u), st.p(u));
    let (pu, su) = (st.pred(u), st.succ(u));
    let d = |a, b| inst.d(a, b);
    let (d_pu, d_su) = (d(pu, u), d(u, su));
    for &v in nb.of(u) {
        let d_uv = d(u, v);
        if d_uv >= d_pu.max(d_su) && !moves.or_opt && !moves.swap {
            // No 2-opt or 2-opt* move can gain when the new edge is longer than both edges
            // it would replace at `u`.
            break;
        }
        let (rv, iv) = (st.r(v), st.p(v));
        let (pv, sv) = (st.pred(v), st.succ(v));
        if moves.two_opt {
            if ru == rv {
                // (u, su), (v, sv) -> (u, v), (su, sv)
                if su != v && sv != u {
                    let delta = d_uv + d(su, sv) - d_su - d(v, sv);
                    let (a, b) = if iu < iv { (iu + 1, iv) } else { (iv + 1, iu) };
                    consider(&mut best, delta, Move::Reverse { r: ru, a, b });
                }
                // (pu, u), (pv, v) -> (u, v), (pu, pv)
                if pu != v && pv != u {
                    let delta = d_uv + d(pu, pv) - d_pu - d(pv, v);
                    let (a, b) = if iu < iv { (iu, iv - 1) } else { (iv, iu - 1) };
                    consider(&mut best, delta, Move::Reverse { r: ru, a, b });
                }
            } else {
                let cap = inst.capacity;
                let (la, lb) = (st.load[ru], st.load[rv]);
                let head_a = |i: Option<usize>| st.head_load(inst, ru, i);
                let head_b = |j: Option<usize>| st.head_load(inst, rv, j);
                // kind 0: (u,su),(v,sv) -> (u,v),(su,sv): A[..=iu] + rev B[..=iv]
                let delta = d_uv + d(su, sv) - d_su - d(v, sv);
                if delta < 0 {
                    let (ha, hb) = (head_a(Some(iu)), head_b(Some(iv)));
                    if ha + hb <= cap && (la - ha) + (lb - hb) <= cap {
                        consider(&mut best, delta, Move::Star { u, v, kind: 0 });
                    }
                }
                // kind 1: (pu,u),(pv,v) -> (u,v),(pu,pv): A[..iu] + rev B[..iv]
                let delta = d_uv + d(pu, pv) - d_pu - d(pv, v);
                if delta < 0 {
                    let (ha, hb) = (head_a(iu.checked_sub(1)), head_b(iv.checked_sub(1)));
                    if ha + hb <= cap && (la - ha) + (lb - hb) <= cap {
                        consider(&mut best, delta, Move::Star { u, v, kind: 1 });
                    }
                }
                // kind 2: (u,su),(pv,v) -> (u,v),(pv,su): A[..=iu] + B[iv..]
                let delta = d_uv + d(pv, su) - d_su - d(pv, v);
                if delta < 0 {
                    let (ha, hb) = (head_a(Some(iu)), head_b(iv.checked_sub(1)));
                    if ha + (lb - hb) <= cap && hb + (la - ha) <= cap {
                        consider(&mut best, delta, Move::Star { u, v, kind: 2 });
                    }
                }
                // kind 3: (pu,u),(v,sv) -> (v,u),(pu,sv): B[..=iv] + A[iu..]
                let delta = d_uv + d(pu, sv) - d_pu - d(v, sv);
                if delta < 0 {
                    let (ha, hb) = (head_a(iu.checked_sub(1)), head_b(Some(iv)));
                    if hb + (la - ha) <= cap && ha + (lb - hb) <= cap {
                        consider(&mut best, delta, Move::Star { u, v, kind: 3 });
                    }
                }
            }
        }
        if moves.or_opt {
            let route = &st.routes[ru];
            for len in 1..=3usize {
                // Chains with `u` at one end: forward (u first) and backward (u last).
                for u_first in [true, false] {
                    let (a, b) = if u_first {
                        if iu + len > route.len() {
                            continue;
                        }
                        (iu, iu + len - 1)
                    } else {
                        if iu + 1 < len {
                            continue;
                        }
                        (iu + 1 - len, iu)
                    };
                    if len == 1 && !u_first {
                        continue;
                    }
                    if ru == rv && (a..=b).contains(&iv) {
                        continue;
                    }
                    let (first, last) = (route[a], route[b]);
                    let prev = if a == 0 { 0 } else { route[a - 1] };
                    let next = route.get(b + 1).copied().unwrap_or(0);
                    let seg_load = if ru == rv || inst.single {
                        0
                    } else {
                        route[a..=b].iter().map(|&x| inst.demand[x as usize]).sum()
                    };
                    if ru != rv && st.load[rv] + seg_load > inst.capacity {
                        continue;
                    }
                    let removal = d(prev, next) - d(prev, first) - d(last, next);
                    // The other end of the chain, which meets the far side of the gap.
                    let far = if u_first { last } else { first };
                    // Insert between v and sv with u next to v: v, u .. far, sv.
                    if !(ru == rv && sv == first) {
                        let delta = removal + d_uv + d(far, sv) - d(v, sv);
                        consider(
                            &mut best,
                            delta,
                            Move::Relocate {
                                from: ru,
                                a,
                                b,
                                to: rv,
                                at: iv + 1,
                                rev: !u_first,
                            },
                        );
                    }
                    // Insert between pv and v with u next to v: pv, far .. u, v.
                    if !(ru == rv && pv == last) {
                        let delta = removal + d(pv, far) + d_uv - d(pv, v);
                        consider(
                            &mut best,
                            delta,
                            Move::Relocate {
                                from: ru,
                                a,
                                b,
                                to: rv,
                                at: iv,
                                rev: u_first,
                            },
                        );
                    }
                }
            }
        }
        if moves.swap {
            for w in [pv, sv] {
                if w == 0 || w == u || w == pu || w == su {
                    continue;
                }
                let (rw, pw, sw) = (st.r(w), st.pred(w), st.succ(w));
                if rw != ru {
                    let (du, dw) = (inst.demand[u as usize], inst.demand[w as usize]);
                    if st.load[ru] - du + dw > inst.capacity
                        || st.load[rw] - dw + du > inst.capacity
                    {
                        continue;
                    }
                }
                let delta =
                    d(pu, w) + d(w, su) + d(pw, u) + d(u, sw) - d_pu - d_su - d(pw, w) - d(w, sw);
                consider(&mut best, delta, Move::Swap { u, w });
            }
        }
    }
    best
}

/// Applies a move; returns the stops whose edges changed (0 entries are ignored).
fn apply(inst: &Inst, st: &mut Routes, m: Move) -> [Option<u32>; 8] {
    let mut out = [None; 8];
    match m {
        Move::Reverse { r, a, b } => {
            let route = &st.routes[r];
            out[0] = Some(route[a]);
            out[1] = Some(route[b]);
            out[2] = (a > 0).then(|| route[a - 1]);
            out[3] = route.get(b + 1).copied();
            st.reverse(r, a, b);
        }
        Move::Star { u, v, kind } => {
            let (ra, iu, rb, iv) = (st.r(u), st.p(u), st.r(v), st.p(v));
            out[0] = Some(u);
            out[1] = Some(v);
            out[2] = Some(st.pred(u));
            out[3] = Some(st.succ(u));
            out[4] = Some(st.pred(v));
            out[5] = Some(st.succ(v));
            let (ar, br) = (&st.routes[ra], &st.routes[rb]);
            let rev = |s: &[u32]| s.iter().rev().copied().collect::<Vec<u32>>();
            let (na, nb): (Vec<u32>, Vec<u32>) = match kind {
                0 => (
                    [&ar[..=iu], &rev(&br[..=iv])[..]].concat(),
                    [&rev(&ar[iu + 1..])[..], &br[iv + 1..]].concat(),
                ),
                1 => (
                    [&ar[..iu], &rev(&br[..iv])[..]].concat(),
                    [&rev(&ar[iu..])[..], &br[iv..]].concat(),
                ),
                2 => (
                    [&ar[..=iu], &br[iv..]].concat(),
                    [&br[..iv], &ar[iu + 1..]].concat(),
                ),
                _ => (
                    [&br[..=iv], &ar[iu..]].concat(),
                    [&ar[..iu], &br[iv + 1..]].concat(),
                ),
            };
            st.replace_two(inst, ra, na, rb, nb);
        }
        Move::Relocate {
            from,
            a,
            b,
            to,
            at,
            rev,
        } => {
            let route = &st.routes[from];
            out[0] = Some(route[a]);
            out[1] = Some(route[b]);
            out[2] = (a > 0).then(|| route[a - 1]);
            out[3] = route.get(b + 1).copied();
            let target = &st.routes[to];
            out[4] = (at > 0).then(|| target[at - 1]);
            out[5] = target.get(at).copied();
            let mut seg = st.cut(inst, from, a, b);
            if rev {
                seg.reverse();
            }
            let at = if from == to && at > b {
                at - (b - a + 1)
            } else {
                at
            };
            st.insert(inst, to, at, &seg);
        }
        Move::Swap { u, w } => {
            out[0] = Some(u);
            out[1] = Some(w);
            out[2] = Some(st.pred(u));
            out[3] = Some(st.succ(u));
            out[4] = Some(st.pred(w));
            out[5] = Some(st.succ(w));
            st.swap(inst, u, w);
        }
    }
    out
}
