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
    pub(crate) fn new(inst: &Inst, k: usize) -> Self {
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
        for a in 0..=n {
            best.clear();
            let (cx, cy) = cell_of(inst.pts[a]);
            // Points outside the box (the depot) are clamped to an edge cell; the ring bound
            // below then uses the distance from the clamped cell, which is still a lower bound
            // only for points inside the box, so the depot falls back to scanning every ring.
            let inside = a != 0 || {
                let p = inst.pts[0];
                p.x >= minx && p.x <= maxx && p.y >= miny && p.y <= maxy
            };
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
                    if best[k - 1].0 <= reach.saturating_mul(reach) {
                        break;
                    }
                }
                ring += 1;
            }
            for (slot, (_, b)) in flat[a * k..(a + 1) * k].iter_mut().zip(&best) {
                *slot = *b;
            }
        }
        Self {
            k,
            flat,
            start: None,
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

    /// The `k` nearest stops plus the nearest stop in each of the four quadrants around the
    /// node (if not already among them), nearest first. Quadrant neighbours give clustered
    /// instances the links between clusters that pure nearest lists miss (as LKH's
    /// quadrant candidates do). `O(n²)`.
    pub(crate) fn with_quadrants(inst: &Inst, k: usize) -> Self {
        let base = Self::new(inst, k);
        let n = inst.n;
        let mut flat = Vec::with_capacity((n + 1) * (base.k + 4));
        let mut start = Vec::with_capacity(n + 2);
        let mut row: Vec<(u64, u32)> = Vec::with_capacity(base.k + 4);
        for a in 0..=n {
            start.push(flat.len());
            let pa = inst.pts[a];
            let mut quad: [Option<(u64, u32)>; 4] = [None; 4];
            for b in 1..=n {
                if b == a {
                    continue;
                }
                let pb = inst.pts[b];
                let (dx, dy) = (pb.x - pa.x, pb.y - pa.y);
                let q = match (dx, dy) {
                    (0, 0) => continue,
                    _ if dx > 0 && dy >= 0 => 0,
                    _ if dx <= 0 && dy > 0 => 1,
                    _ if dx < 0 && dy <= 0 => 2,
                    _ => 3,
                };
                #[expect(clippy::cast_possible_truncation, reason = "node ids fit u32")]
                let cand = (inst.d2(a, b), b as u32);
                if quad[q].is_none_or(|c| cand < c) {
                    quad[q] = Some(cand);
                }
            }
            #[expect(clippy::cast_possible_truncation, reason = "node ids fit u32")]
            let a32 = a as u32;
            row.clear();
            row.extend(base.of(a32).iter().map(|&b| (inst.d2(a, b as usize), b)));
            row.extend(quad.iter().flatten().copied());
            row.sort_unstable();
            row.dedup();
            flat.extend(row.iter().map(|e| e.1));
        }
        start.push(flat.len());
        Self {
            k: base.k,
            flat,
            start: Some(start),
        }
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
                let row = q.of(a as u32);
                assert!(row.starts_with(&want) || row.len() >= want.len());
                assert!(want.iter().all(|w| row.contains(w)));
                assert!(row.len() <= want.len() + 4);
                assert!(!row.contains(&(a as u32)) && !row.contains(&0));
            }
        }
    }
}
