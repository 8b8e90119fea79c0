//! Spreading independent pieces of work (HTTP connections, bodies to export)
//! over the machine's cores, with the results in the order of the input.

/// Applies `f` to every item, on up to 8 threads; results come back in the
/// items' order. Each thread takes the next item not yet taken (a shared
/// counter), so the threads finish together however uneven the items are
/// (a big HTTP connection no longer leaves one core idle while the other
/// works through its share). A panic in `f` is propagated.
pub fn map_in_order<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .clamp(1, 8)
        .min(items.len());
    if threads <= 1 {
        return items.iter().map(f).collect();
    }
    let f = &f;
    let next = &AtomicUsize::new(0);
    let mut results: Vec<(usize, R)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(move || {
                    let mut out = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(item) = items.get(i) else {
                            break;
                        };
                        out.push((i, f(item)));
                    }
                    out
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    });
    results.sort_unstable_by_key(|(i, _)| *i);
    results.into_iter().map(|(_, r)| r).collect()
}

/// Applies `f` to every item on up to 8 threads, like [`map_in_order`],
/// but hands each result to `sink` (on the calling thread) as soon as those
/// of all earlier items have been: a thread does not start an item more
/// than `ahead` past the oldest result not yet handed over, so at most
/// about `ahead` results are held at once, however many items there are.
/// A panic in `f` is propagated once the threads have stopped.
pub fn for_each_in_order<T: Sync, R: Send>(
    items: &[T],
    ahead: usize,
    f: impl Fn(&T) -> R + Sync,
    mut sink: impl FnMut(R),
) {
    use std::collections::BTreeMap;
    use std::sync::{mpsc, Condvar, Mutex};
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .clamp(1, 8)
        .min(items.len());
    if threads <= 1 {
        items.iter().map(f).for_each(sink);
        return;
    }
    let ahead = ahead.max(threads);
    /// What the threads share: the next item to take, the first item
    /// whose result is not handed over yet, and whether to stop.
    struct Progress {
        next: usize,
        handed: usize,
        stop: bool,
    }
    let progress = &Mutex::new(Progress {
        next: 0,
        handed: 0,
        stop: false,
    });
    let moved = &Condvar::new();
    let f = &f;
    let (tx, rx) = mpsc::channel::<(usize, std::thread::Result<R>)>();
    std::thread::scope(|scope| {
        for _ in 0..threads {
            let tx = tx.clone();
            scope.spawn(move || loop {
                let i = {
                    let Ok(mut p) = progress.lock() else { return };
                    while !p.stop && p.next >= p.handed + ahead {
                        p = match moved.wait(p) {
                            Ok(p) => p,
                            Err(_) => return,
                        };
                    }
                    if p.stop {
                        return;
                    }
                    p.next += 1;
                    p.next - 1
                };
                let Some(item) = items.get(i) else { return };
                let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(item)));
                if tx.send((i, r)).is_err() {
                    return;
                }
            });
        }
        drop(tx);
        let mut waiting: BTreeMap<usize, R> = BTreeMap::new();
        let mut handed = 0usize;
        let mut panic = None;
        for (i, r) in rx.iter() {
            match r {
                Ok(r) => {
                    waiting.insert(i, r);
                }
                Err(payload) => {
                    panic = Some(payload);
                    break;
                }
            }
            let before = handed;
            while let Some(r) = waiting.remove(&handed) {
                sink(r);
                handed += 1;
            }
            if handed != before {
                if let Ok(mut p) = progress.lock() {
                    p.handed = handed;
                }
                moved.notify_all();
            }
        }
        if let Some(payload) = panic {
            if let Ok(mut p) = progress.lock() {
                p.stop = true;
            }
            moved.notify_all();
            std::panic::resume_unwind(payload);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_keep_the_input_order() {
        let items: Vec<u64> = (0..1000).collect();
        assert_eq!(
            map_in_order(&items, |x| x * 2),
            items.iter().map(|x| x * 2).collect::<Vec<_>>()
        );
        assert!(map_in_order(&[] as &[u8], |x| *x).is_empty());
    }

    /// Results reach the sink in the items' order, and no thread runs
    /// further ahead of the sink than the window, whatever the work takes.
    #[test]
    fn streamed_results_keep_the_order_within_the_window() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let items: Vec<u64> = (0..500).collect();
        let handed = AtomicUsize::new(0);
        let furthest = AtomicUsize::new(0);
        let mut got = Vec::new();
        for_each_in_order(
            &items,
            4,
            |&x| {
                let lead = (x as usize).saturating_sub(handed.load(Ordering::SeqCst));
                furthest.fetch_max(lead, Ordering::SeqCst);
                if x % 7 == 0 {
                    std::thread::sleep(std::time::Duration::from_micros(200));
                }
                x * 3
            },
            |r| {
                got.push(r);
                handed.fetch_add(1, Ordering::SeqCst);
            },
        );
        assert_eq!(got, items.iter().map(|x| x * 3).collect::<Vec<_>>());
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get().clamp(1, 8));
        assert!(furthest.load(Ordering::SeqCst) < 4.max(threads));
        let mut none = Vec::new();
        for_each_in_order(&[] as &[u8], 4, |x| *x, |r| none.push(r));
        assert!(none.is_empty());
    }

    #[test]
    fn a_panic_in_a_streamed_item_reaches_the_caller() {
        let items: Vec<u32> = (0..64).collect();
        let caught = std::panic::catch_unwind(|| {
            for_each_in_order(
                &items,
                2,
                |&x| {
                    assert!(x != 40, "item 40");
                    x
                },
                |_| {},
            );
        });
        assert!(caught.is_err());
    }
}
