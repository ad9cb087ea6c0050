//! Construction heuristics: nearest neighbour and Clarke–Wright savings.

use super::inst::{Inst, Neighbours};

#[expect(clippy::cast_possible_truncation, reason = "node ids fit u32")]
fn node(i: usize) -> u32 {
    i as u32
}

/// Nearest neighbour: from the depot, repeatedly go to the nearest unvisited stop that still
/// fits in the vehicle (ties: lowest index); when none fits, return to the depot and start a
/// new route. Exact nearest (the neighbour list answers most look-ups; a full scan the rest).
pub(crate) fn nearest_neighbour(inst: &Inst, nb: &Neighbours) -> Vec<Vec<u32>> {
    let n = inst.n;
    let mut visited = vec![false; n + 1];
    visited[0] = true;
    let mut left = n;
    let mut routes = Vec::new();
    let mut route: Vec<u32> = Vec::new();
    let mut load = 0u64;
    let mut at = 0u32;
    while left > 0 {
        let room = inst.capacity - load;
        let fits = |v: u32| !visited[v as usize] && inst.demand[v as usize] <= room;
        // The lists are sorted by (squared distance, index), which orders rounded distances
        // the same way up to ties; the scan below applies the same tie rule.
        let from_list = if at == 0 {
            None
        } else {
            nb.of(at).iter().copied().find(|&v| fits(v))
        };
        let next = from_list.or_else(|| {
            let a = inst.pts[at as usize];
            (1..=n).map(node).filter(|&v| fits(v)).min_by_key(|&v| {
                (
                    crate::geometry::squared_distance(a, inst.pts[v as usize]),
                    v,
                )
            })
        });
        match next {
            Some(v) => {
                visited[v as usize] = true;
                left -= 1;
                load += inst.demand[v as usize];
                route.push(v);
                at = v;
            }
            None => {
                // Nothing fits: close this route (it is non-empty, as every demand fits an
                // empty vehicle).
                routes.push(std::mem::take(&mut route));
                load = 0;
                at = 0;
            }
        }
    }
    if !route.is_empty() {
        routes.push(route);
    }
    routes
}

/// Clarke–Wright parallel savings on the neighbour-list pairs: merge the two routes that
/// `(i, j)` end, in decreasing order of `d(0,i) + d(0,j) − d(i,j)`, while the load fits. A TSP
/// (unbounded capacity, one route) then joins the remaining paths by the best saving among
/// their endpoints until one is left.
pub(crate) fn savings(inst: &Inst, nb: &Neighbours) -> Vec<Vec<u32>> {
    let n = inst.n;
    // Paths as adjacency: each stop has up to two path neighbours (0 = none).
    let mut adj = vec![[0u32; 2]; n + 1];
    let mut root: Vec<u32> = (0..=n).map(node).collect();
    let mut load: Vec<u64> = inst.demand.clone();
    fn find(root: &mut [u32], mut v: u32) -> u32 {
        while root[v as usize] != v {
            let up = root[root[v as usize] as usize];
            root[v as usize] = up;
            v = up;
        }
        v
    }
    let degree = |adj: &[[u32; 2]], v: u32| adj[v as usize].iter().filter(|&&x| x != 0).count();
    let link = |adj: &mut [[u32; 2]], a: u32, b: u32| {
        for (x, y) in [(a, b), (b, a)] {
            let slot = &mut adj[x as usize];
            if slot[0] == 0 {
                slot[0] = y;
            } else {
                slot[1] = y;
            }
        }
    };
    let mut pairs: Vec<(i64, u32, u32)> = Vec::with_capacity(n * 8);
    for i in 1..=n {
        let i = node(i);
        for &j in nb.of(i) {
            if i < j || !nb.of(j).contains(&i) {
                let (a, b) = (i.min(j), i.max(j));
                pairs.push((inst.d(0, a) + inst.d(0, b) - inst.d(a, b), a, b));
            }
        }
    }
    pairs.sort_unstable_by(|x, y| y.0.cmp(&x.0).then((x.1, x.2).cmp(&(y.1, y.2))));
    pairs.dedup();
    for &(s, a, b) in &pairs {
        if s <= 0 && !inst.single {
            break;
        }
        if degree(&adj, a) >= 2 || degree(&adj, b) >= 2 {
            continue;
        }
        let (ra, rb) = (find(&mut root, a), find(&mut root, b));
        if ra == rb {
            continue;
        }
        let total = load[ra as usize] + load[rb as usize];
        if total > inst.capacity {
            continue;
        }
        link(&mut adj, a, b);
        root[rb as usize] = ra;
        load[ra as usize] = total;
    }
    // Collect the paths.
    let mut seen = vec![false; n + 1];
    let mut paths: Vec<Vec<u32>> = Vec::new();
    for start in 1..=n {
        let start = node(start);
        if seen[start as usize] || degree(&adj, start) == 2 {
            continue;
        }
        let mut path = vec![start];
        seen[start as usize] = true;
        let (mut prev, mut cur) = (0u32, start);
        loop {
            let next = adj[cur as usize]
                .iter()
                .copied()
                .find(|&x| x != 0 && x != prev);
            match next {
                Some(x) if !seen[x as usize] => {
                    seen[x as usize] = true;
                    path.push(x);
                    prev = cur;
                    cur = x;
                }
                _ => break,
            }
        }
        paths.push(path);
    }
    if inst.single {
        while paths.len() > 1 {
            // Best saving among endpoint pairs of different paths (with orientation).
            let mut best: Option<(i64, usize, bool, usize, bool)> = None;
            for i in 0..paths.len() {
                for j in i + 1..paths.len() {
                    for ei in [false, true] {
                        for ej in [false, true] {
                            let a = if ei {
                                paths[i][paths[i].len() - 1]
                            } else {
                                paths[i][0]
                            };
                            let b = if ej {
                                paths[j][paths[j].len() - 1]
                            } else {
                                paths[j][0]
                            };
                            let s = inst.d(0, a) + inst.d(0, b) - inst.d(a, b);
                            if best.is_none_or(|x| s > x.0) {
                                best = Some((s, i, ei, j, ej));
                            }
                        }
                    }
                }
            }
            let Some((_, i, ei, j, ej)) = best else { break };
            let mut b = paths.swap_remove(j);
            let a = &mut paths[i];
            // Make `a` end at its chosen endpoint and `b` start at its one.
            if !ei {
                a.reverse();
            }
            if ej {
                b.reverse();
            }
            a.extend(b);
        }
    }
    paths
}
