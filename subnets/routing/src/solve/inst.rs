//! The solvers' view of a problem: node 0 is the depot, node `i + 1` is stop `i`; distances
//! are the exact cost function, computed on the fly (a 2,001² matrix would be 32 MB and no
//! faster than recomputing); neighbour lists hold each stop's nearest stops.

use crate::geometry::{Point, distance, squared_distance};
use crate::problem::Problem;

/// Node-indexed instance data.
pub(crate) struct Inst {
    /// Coordinates, depot first.
    pub(crate) pts: Vec<Point>,
    /// Demands, depot (0) first; all zero for a TSP.
    pub(crate) demand: Vec<u64>,
    /// Vehicle capacity (`u64::MAX` for a TSP).
    pub(crate) capacity: u64,
    /// A TSP: exactly one route, no new routes.
    pub(crate) single: bool,
    /// Number of stops (nodes are `0..=n`).
    pub(crate) n: usize,
}

impl Inst {
    pub(crate) fn new(problem: &Problem) -> Self {
        let mut pts = Vec::with_capacity(problem.stops.len() + 1);
        pts.push(problem.depot);
        pts.extend(problem.stops.iter().map(|s| s.point()));
        let mut demand = Vec::with_capacity(pts.len());
        demand.push(0);
        demand.extend(problem.stops.iter().map(|s| match problem.capacity {
            Some(_) => u64::from(s.demand),
            None => 0,
        }));
        Self {
            pts,
            demand,
            capacity: problem.capacity.unwrap_or(u64::MAX),
            single: problem.capacity.is_none(),
            n: problem.stops.len(),
        }
    }

    /// Edge cost between nodes, as `i64` for delta arithmetic (costs are below 2^32).
    #[inline]
    pub(crate) fn d(&self, a: u32, b: u32) -> i64 {
        #[expect(clippy::cast_possible_wrap, reason = "edge costs are below 2^32")]
        let c = distance(self.pts[a as usize], self.pts[b as usize]) as i64;
        c
    }

    #[inline]
    fn d2(&self, a: usize, b: usize) -> u64 {
        squared_distance(self.pts[a], self.pts[b])
    }
}

/// For each node, its `k` nearest *stops* (never the depot, never itself), nearest first,
/// ties broken by node index. Row 0 is the depot's list. Uses a uniform grid so building the
/// lists is near linear for spread-out points; exact for any input.
pub(crate) struct Neighbours {
    k: usize,
    flat: Vec<u32>,
    /// With quadrant neighbours, row `a` is `flat[start[a]..start[a + 1]]`.
    start: Option<Vec<usize>>,
}

impl Neighbours {
    /// The `k` nearest stops of every node.
    pub(crate) fn new(inst: &Inst, k: usize) -> Self {
        Self::build(inst, k, false)
    }

    /// The `k` nearest stops plus the nearest stop in each of the four quadrants around the
    /// node (if not already among them), nearest first. Quadrant neighbours give clustered
    /// instances the links between clusters that pure nearest lists miss (as LKH's
    /// quadrant candidates do).
    pub(crate) fn with_quadrants(inst: &Inst, k: usize) -> Self {
        Self::build(inst, k, true)
    }

    fn build(inst: &Inst, k: usize, quadrants: bool) -> Self {
        let n = inst.n;
        let k = k.min(n.saturating_sub(1));
        let mut flat = vec![0u32; (n + 1) * k];
        if n == 0 || k == 0 {
            return Self {
                k,
                flat,
                start: None,
            };
        }
        // Grid over the stops' bounding box, about two stops per cell.
        let (mut minx, mut miny, mut maxx, mut maxy) = (i64::MAX, i64::MAX, i64::MIN, i64::MIN);
        for p in &inst.pts[1..] {
            minx = minx.min(p.x);
            miny = miny.min(p.y);
            maxx = maxx.max(p.x);
            maxy = maxy.max(p.y);
        }
        let side = (n / 2).max(1).isqrt().max(1);
        let span = (maxx - minx).max(maxy - miny).max(1);
        #[expect(clippy::cast_possible_wrap, reason = "side is at most ~32")]
        let cell = (span / side as i64) + 1;
        let cell_of = |p: Point| -> (usize, usize) {
            #[expect(
                clippy::cast_possible_truncation,
                clippy::cast_sign_loss,
                reason = "clamped into 0..side"
            )]
            let f = |v: i64, lo: i64| (((v - lo) / cell).clamp(0, side as i64 - 1)) as usize;
            (f(p.x, minx), f(p.y, miny))
        };
        let mut buckets: Vec<Vec<u32>> = vec![Vec::new(); side * side];
        for (i, p) in inst.pts.iter().enumerate().skip(1) {
            let (cx, cy) = cell_of(*p);
            #[expect(clippy::cast_possible_truncation, reason = "node ids fit u32")]
            buckets[cy * side + cx].push(i as u32);
        }
        let mut best: Vec<(u64, u32)> = Vec::with_capacity(k + 1);
        let mut starts = quadrants.then(|| Vec::with_capacity(n + 2));
        let mut rows: Vec<u32> = Vec::with_capacity(if quadrants { (n + 1) * (k + 4) } else { 0 });
        for a in 0..=n {
            best.clear();
            let mut quad: [Option<(u64, u32)>; 4] = [None; 4];
            let pa = inst.pts[a];
            let (cx, cy) = cell_of(pa);
            // Points outside the box (the depot) are clamped to an edge cell; the ring bound
            // below is a lower bound only for points inside the box, so the depot falls back
            // to scanning every ring.
            let inside = a != 0 || (pa.x >= minx && pa.x <= maxx && pa.y >= miny && pa.y <= maxy);
            let mut ring = 0usize;
            loop {
                let (x0, x1) = (cx.saturating_sub(ring), (cx + ring).min(side - 1));
                let (y0, y1) = (cy.saturating_sub(ring), (cy + ring).min(side - 1));
                for y in y0..=y1 {
                    for x in x0..=x1 {
                        let on_ring = x.abs_diff(cx) == ring || y.abs_diff(cy) == ring;
                        if !on_ring {
                            continue;
                        }
                        for &b in &buckets[y * side + x] {
                            if b as usize == a {
                                continue;
                            }
                            let cand = (inst.d2(a, b as usize), b);
                            if best.len() < k || cand < best[best.len() - 1] {
                                let at = best.partition_point(|e| *e < cand);
                                best.insert(at, cand);
                                best.truncate(k);
                            }
                            if quadrants
                                && let Some(q) = quadrant(pa, inst.pts[b as usize])
                                && quad[q].is_none_or(|c| cand < c)
                            {
                                quad[q] = Some(cand);
                            }
                        }
                    }
                }
                let covered = x0 == 0 && y0 == 0 && x1 == side - 1 && y1 == side - 1;
                if covered {
                    break;
                }
                if inside && best.len() == k {
                    #[expect(clippy::cast_sign_loss, reason = "cell is positive")]
                    let reach = ring as u64 * cell as u64;
                    let bound = reach.saturating_mul(reach);
                    let quads_done =
                        !quadrants || quad.iter().all(|q| q.is_some_and(|c| c.0 <= bound));
                    if best[k - 1].0 <= bound && quads_done {
                        break;
                    }
                }
                ring += 1;
            }
            match &mut starts {
                None => {
                    for (slot, (_, b)) in flat[a * k..(a + 1) * k].iter_mut().zip(&best) {
                        *slot = *b;
                    }
                }
                Some(starts) => {
                    starts.push(rows.len());
                    best.extend(quad.iter().flatten().copied());
                    best.sort_unstable();
                    best.dedup();
                    rows.extend(best.iter().map(|e| e.1));
                }
            }
        }
        if let Some(starts) = &mut starts {
            starts.push(rows.len());
            flat = rows;
        }
        Self {
            k,
            flat,
            start: starts,
        }
    }

    /// The neighbour list of node `a`.
    #[inline]
    pub(crate) fn of(&self, a: u32) -> &[u32] {
        let a = a as usize;
        match &self.start {
            Some(start) => &self.flat[start[a]..start[a + 1]],
            None => &self.flat[a * self.k..(a + 1) * self.k],
        }
    }
}

/// The quadrant of `b` around `a` (0: east/north-east … 3), `None` if they coincide.
fn quadrant(a: Point, b: Point) -> Option<usize> {
    let (dx, dy) = (b.x - a.x, b.y - a.y);
    match (dx, dy) {
        (0, 0) => None,
        _ if dx > 0 && dy >= 0 => Some(0),
        _ if dx <= 0 && dy > 0 => Some(1),
        _ if dx < 0 && dy <= 0 => Some(2),
        _ => Some(3),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generate::{Distribution, InstanceSpec, generate};
    use crate::problem::Kind;

    #[test]
    fn grid_lists_equal_brute_force() {
        for (n, d) in [
            (1, Distribution::Uniform),
            (2, Distribution::Uniform),
            (37, Distribution::Clustered),
            (300, Distribution::Mixed),
            (300, Distribution::Uniform),
        ] {
            let p = generate(
                &InstanceSpec {
                    kind: Kind::Cvrp,
                    stops: n,
                    distribution: d,
                },
                &[n as u8; 32],
            );
            let inst = Inst::new(&p);
            let nb = Neighbours::new(&inst, 10);
            let q = Neighbours::with_quadrants(&inst, 10);
            for a in 0..=inst.n {
                let mut all: Vec<(u64, u32)> = (1..=inst.n)
                    .filter(|&b| b != a)
                    .map(|b| (inst.d2(a, b), b as u32))
                    .collect();
                all.sort_unstable();
                let want: Vec<u32> = all.iter().take(nb.k).map(|e| e.1).collect();
                assert_eq!(nb.of(a as u32), &want[..], "n={n} node={a}");
                // Quadrant rows: the k nearest plus each quadrant's nearest, sorted.
                let mut with_q: Vec<(u64, u32)> = all.iter().take(nb.k).copied().collect();
                for quad in 0..4 {
                    if let Some(e) = all
                        .iter()
                        .find(|e| quadrant(inst.pts[a], inst.pts[e.1 as usize]) == Some(quad))
                    {
                        with_q.push(*e);
                    }
                }
                with_q.sort_unstable();
                with_q.dedup();
                let want_q: Vec<u32> = with_q.iter().map(|e| e.1).collect();
                if nb.k > 0 {
                    assert_eq!(q.of(a as u32), &want_q[..], "quadrants n={n} node={a}");
                }
            }
        }
    }
}
