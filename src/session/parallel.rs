//! Work spread over the cores: a fixed pool of scoped threads takes the next index from a
//! shared counter, so a slow dossier never holds the others back; results keep input order.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Applies `f` to every element of `items` on `threads` threads; calls `progress(done, total)`
/// after each. Results come back in the order of `items`.
pub fn map<T: Sync, R: Send>(
    items: &[T],
    threads: usize,
    f: impl Fn(&T) -> R + Sync,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Vec<R> {
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<R>>> = Mutex::new((0..items.len()).map(|_| None).collect());
    std::thread::scope(|scope| {
        for _ in 0..threads.clamp(1, items.len().max(1)) {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(item) = items.get(i) else { break };
                    let r = f(item);
                    results.lock().unwrap_or_else(std::sync::PoisonError::into_inner)[i] = Some(r);
                    progress(done.fetch_add(1, Ordering::Relaxed) + 1, items.len());
                }
            });
        }
    });
    results
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .into_iter()
        .map(|r| r.expect("every index is processed"))
        .collect()
}

/// Applies `f` to every element of `items` on `threads` threads and hands each result to
/// `consume` in the order of `items` as soon as those before it are done, so that results need
/// not all be held (only those finished ahead of a slower one); calls `progress(done, total)`
/// after each.
pub fn for_each_ordered<T: Sync, R: Send>(
    items: &[T],
    threads: usize,
    f: impl Fn(&T) -> R + Sync,
    consume: impl FnMut(usize, R) + Send,
    progress: &(dyn Fn(usize, usize) + Sync),
) {
    /// Results finished ahead of their turn, and the index whose turn it is.
    struct Order<R, C> {
        next: usize,
        ready: std::collections::BTreeMap<usize, R>,
        consume: C,
    }
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let order = Mutex::new(Order { next: 0, ready: std::collections::BTreeMap::new(), consume });
    std::thread::scope(|scope| {
        for _ in 0..threads.clamp(1, items.len().max(1)) {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(item) = items.get(i) else { break };
                    let r = f(item);
                    {
                        let mut o = order.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                        o.ready.insert(i, r);
                        loop {
                            let at = o.next;
                            let Some(r) = o.ready.remove(&at) else { break };
                            (o.consume)(at, r);
                            o.next += 1;
                        }
                    }
                    progress(done.fetch_add(1, Ordering::Relaxed) + 1, items.len());
                }
            });
        }
    });
}

/// The number of threads to use: the cores available.
pub fn threads() -> usize {
    std::thread::available_parallelism().map_or(1, std::num::NonZero::get)
}

#[cfg(test)]
mod tests {
    #[test]
    fn results_keep_the_input_order() {
        let items: Vec<u32> = (0..1000).collect();
        let out = super::map(&items, 4, |x| x * 2, &|_, _| {});
        assert_eq!(out, items.iter().map(|x| x * 2).collect::<Vec<_>>());
    }

    #[test]
    fn results_are_consumed_in_the_input_order() {
        let items: Vec<u32> = (0..1000).collect();
        let mut out = Vec::new();
        super::for_each_ordered(&items, 4, |x| x * 2, |i, r| out.push((i, r)), &|_, _| {});
        assert_eq!(out, items.iter().map(|x| (*x as usize, x * 2)).collect::<Vec<_>>());
    }
}
