//! The mutable solution the local search works on: routes of node ids (stops only; every
//! route starts and ends at the depot), with each node's route and position, route loads,
//! the running cost, and an undo log so a rejected perturbation is rolled back in time
//! proportional to what it touched.
//!
//! Invariants: `route_of`/`pos` agree with `routes` for every stop; `load[r]` is the demand
//! sum of `routes[r]`; `cost` is the total cost. Routes may become empty during a search
//! (they cost nothing) and are dropped by [`Routes::into_solution`].

use super::inst::Inst;
use crate::solution::Solution;

pub(crate) struct Routes {
    pub(crate) routes: Vec<Vec<u32>>,
    pub(crate) route_of: Vec<u32>,
    pub(crate) pos: Vec<u32>,
    pub(crate) load: Vec<u64>,
    pub(crate) cost: i64,
    undo: Option<Undo>,
}

struct Undo {
    saved: Vec<(u32, Vec<u32>, u64)>,
    marked: Vec<bool>,
    route_count: usize,
    cost: i64,
}

#[expect(
    clippy::cast_possible_truncation,
    reason = "node and route counts fit u32"
)]
fn u(i: usize) -> u32 {
    i as u32
}

impl Routes {
    pub(crate) fn new(inst: &Inst, routes: Vec<Vec<u32>>) -> Self {
        let mut s = Self {
            route_of: vec![u32::MAX; inst.n + 1],
            pos: vec![u32::MAX; inst.n + 1],
            load: Vec::new(),
            cost: 0,
            routes,
            undo: None,
        };
        for r in 0..s.routes.len() {
            s.reindex(r, 0);
        }
        s.load = s
            .routes
            .iter()
            .map(|r| r.iter().map(|&v| inst.demand[v as usize]).sum())
            .collect();
        s.cost = (0..s.routes.len()).map(|r| s.route_cost(inst, r)).sum();
        s
    }

    pub(crate) fn route_cost(&self, inst: &Inst, r: usize) -> i64 {
        let route = &self.routes[r];
        let Some((&first, &last)) = route.first().zip(route.last()) else {
            return 0;
        };
        inst.d(0, first)
            + route.windows(2).map(|w| inst.d(w[0], w[1])).sum::<i64>()
            + inst.d(last, 0)
    }

    /// Recomputes `route_of`/`pos` for route `r` from position `from` on.
    pub(crate) fn reindex(&mut self, r: usize, from: usize) {
        for (i, &v) in self.routes[r].iter().enumerate().skip(from) {
            self.route_of[v as usize] = u(r);
            self.pos[v as usize] = u(i);
        }
    }

    #[inline]
    pub(crate) fn pred(&self, v: u32) -> u32 {
        let p = self.pos[v as usize] as usize;
        if p == 0 {
            0
        } else {
            self.routes[self.route_of[v as usize] as usize][p - 1]
        }
    }

    #[inline]
    pub(crate) fn succ(&self, v: u32) -> u32 {
        let r = &self.routes[self.route_of[v as usize] as usize];
        r.get(self.pos[v as usize] as usize + 1)
            .copied()
            .unwrap_or(0)
    }

    #[inline]
    pub(crate) fn r(&self, v: u32) -> usize {
        self.route_of[v as usize] as usize
    }

    #[inline]
    pub(crate) fn p(&self, v: u32) -> usize {
        self.pos[v as usize] as usize
    }

    /// Starts recording changes so that [`Routes::rollback`] can restore the current state.
    pub(crate) fn begin(&mut self) {
        let marked = match self.undo.take() {
            Some(mut u) => {
                u.marked.iter_mut().for_each(|m| *m = false);
                u.marked.resize(self.routes.len(), false);
                u.marked
            }
            None => vec![false; self.routes.len()],
        };
        self.undo = Some(Undo {
            saved: Vec::new(),
            marked,
            route_count: self.routes.len(),
            cost: self.cost,
        });
    }

    /// Keeps the changes made since [`Routes::begin`].
    pub(crate) fn commit(&mut self) {
        if let Some(u) = &mut self.undo {
            u.saved.clear();
            u.marked.iter_mut().for_each(|m| *m = false);
            u.marked.resize(self.routes.len(), false);
            u.route_count = self.routes.len();
            u.cost = self.cost;
        }
    }

    /// Restores the state of the last [`Routes::begin`] / [`Routes::commit`].
    pub(crate) fn rollback(&mut self) {
        let Some(mut undo) = self.undo.take() else {
            return;
        };
        self.routes.truncate(undo.route_count);
        self.load.truncate(undo.route_count);
        for (r, route, load) in undo.saved.drain(..) {
            let r = r as usize;
            self.routes[r] = route;
            self.load[r] = load;
            self.reindex(r, 0);
        }
        self.cost = undo.cost;
        undo.marked.iter_mut().for_each(|m| *m = false);
        self.undo = Some(undo);
    }

    /// Records route `r` before its first change since the last begin/commit.
    pub(crate) fn touch(&mut self, r: usize) {
        if let Some(undo) = &mut self.undo
            && r < undo.route_count
            && !undo.marked[r]
        {
            undo.marked[r] = true;
            undo.saved
                .push((u(r), self.routes[r].clone(), self.load[r]));
        }
    }

    /// Appends an empty route and returns its index.
    pub(crate) fn new_route(&mut self) -> usize {
        self.routes.push(Vec::new());
        self.load.push(0);
        self.routes.len() - 1
    }

    /// Reverses positions `a..=b` of route `r`.
    pub(crate) fn reverse(&mut self, r: usize, a: usize, b: usize) {
        self.touch(r);
        self.routes[r][a..=b].reverse();
        for i in a..=b {
            let v = self.routes[r][i];
            self.pos[v as usize] = u(i);
        }
    }

    /// Replaces routes `ra` and `rb` by new contents (loads recomputed).
    pub(crate) fn replace_two(
        &mut self,
        inst: &Inst,
        ra: usize,
        a: Vec<u32>,
        rb: usize,
        b: Vec<u32>,
    ) {
        self.touch(ra);
        self.touch(rb);
        self.load[ra] = a.iter().map(|&v| inst.demand[v as usize]).sum();
        self.load[rb] = b.iter().map(|&v| inst.demand[v as usize]).sum();
        self.routes[ra] = a;
        self.routes[rb] = b;
        self.reindex(ra, 0);
        self.reindex(rb, 0);
    }

    /// Replaces route `r` by `route` (load and cost updated).
    pub(crate) fn replace(&mut self, inst: &Inst, r: usize, route: Vec<u32>) {
        self.touch(r);
        let before = self.route_cost(inst, r);
        self.routes[r] = route;
        self.load[r] = self.routes[r]
            .iter()
            .map(|&v| inst.demand[v as usize])
            .sum();
        self.reindex(r, 0);
        self.cost += self.route_cost(inst, r) - before;
    }

    /// Removes node `v` from its route.
    pub(crate) fn remove(&mut self, inst: &Inst, v: u32) {
        let (r, p) = (self.r(v), self.p(v));
        self.touch(r);
        self.routes[r].remove(p);
        self.load[r] -= inst.demand[v as usize];
        self.reindex(r, p);
        self.route_of[v as usize] = u32::MAX;
        self.pos[v as usize] = u32::MAX;
    }

    /// Inserts the nodes `seg` (in order) into route `r` before position `at`.
    pub(crate) fn insert(&mut self, inst: &Inst, r: usize, at: usize, seg: &[u32]) {
        self.touch(r);
        self.routes[r].splice(at..at, seg.iter().copied());
        self.load[r] += seg.iter().map(|&v| inst.demand[v as usize]).sum::<u64>();
        self.reindex(r, at);
    }

    /// Removes positions `a..=b` of route `r` and returns them.
    pub(crate) fn cut(&mut self, inst: &Inst, r: usize, a: usize, b: usize) -> Vec<u32> {
        self.touch(r);
        let seg: Vec<u32> = self.routes[r].drain(a..=b).collect();
        self.load[r] -= seg.iter().map(|&v| inst.demand[v as usize]).sum::<u64>();
        self.reindex(r, a);
        seg
    }

    /// Exchanges nodes `a` and `b` (anywhere).
    pub(crate) fn swap(&mut self, inst: &Inst, a: u32, b: u32) {
        let (ra, pa, rb, pb) = (self.r(a), self.p(a), self.r(b), self.p(b));
        self.touch(ra);
        self.touch(rb);
        self.routes[ra][pa] = b;
        self.routes[rb][pb] = a;
        let (da, db) = (inst.demand[a as usize], inst.demand[b as usize]);
        self.load[ra] = self.load[ra] - da + db;
        self.load[rb] = self.load[rb] - db + da;
        self.route_of[a as usize] = u(rb);
        self.pos[a as usize] = u(pb);
        self.route_of[b as usize] = u(ra);
        self.pos[b as usize] = u(pa);
    }

    /// Sum of demands of positions `..=i` of route `r` (`i` may be `usize::MAX` for none).
    pub(crate) fn head_load(&self, inst: &Inst, r: usize, end_inclusive: Option<usize>) -> u64 {
        match end_inclusive {
            None => 0,
            Some(i) => self.routes[r][..=i]
                .iter()
                .map(|&v| inst.demand[v as usize])
                .sum(),
        }
    }

    pub(crate) fn into_solution(self) -> Solution {
        Solution {
            routes: self
                .routes
                .into_iter()
                .filter(|r| !r.is_empty())
                .map(|r| r.into_iter().map(|v| v - 1).collect())
                .collect(),
        }
    }
}

impl Routes {
    /// Drops empty routes (renumbering routes). Only between undo sections.
    pub(crate) fn compact(&mut self) {
        if self.routes.iter().all(|r| !r.is_empty()) {
            return;
        }
        let mut keep = 0;
        for r in 0..self.routes.len() {
            if !self.routes[r].is_empty() {
                self.routes.swap(keep, r);
                self.load.swap(keep, r);
                keep += 1;
            }
        }
        self.routes.truncate(keep.max(1));
        self.load.truncate(keep.max(1));
        for r in 0..self.routes.len() {
            self.reindex(r, 0);
        }
        self.undo = None;
    }
}

impl Routes {
    /// Recomputes everything the invariants promise (debug checks only).
    pub(crate) fn consistent(&self, inst: &Inst) -> bool {
        let cost: i64 = (0..self.routes.len())
            .map(|r| self.route_cost(inst, r))
            .sum();
        let mut seen = vec![false; inst.n + 1];
        for (r, route) in self.routes.iter().enumerate() {
            let load: u64 = route.iter().map(|&v| inst.demand[v as usize]).sum();
            if load != self.load[r] || load > inst.capacity {
                return false;
            }
            for (i, &v) in route.iter().enumerate() {
                if seen[v as usize] || self.r(v) != r || self.p(v) != i {
                    return false;
                }
                seen[v as usize] = true;
            }
        }
        cost == self.cost && seen.iter().skip(1).all(|&s| s)
    }
}
