//! Per-thread scratch buffers that stay usable while a thread is being torn down.

use std::cell::RefCell;
use std::thread::LocalKey;

/// Runs `f` with this thread's `T` from `key`; if that is unavailable (the thread is
/// exiting and its locals are gone, or the scratch is already in use further up the
/// stack), with a fresh `T` instead. For a formatter's per-thread scratch space.
///
/// ```
/// use std::cell::RefCell;
///
/// thread_local! {
///     static SCRATCH: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
/// }
/// let len = hooklog::encode::with_scratch(&SCRATCH, |scratch| {
///     scratch.clear();
///     scratch.extend_from_slice(b"reused");
///     scratch.len()
/// });
/// assert_eq!(len, 6);
/// ```
pub fn with<T: Default + 'static, R>(
    key: &'static LocalKey<RefCell<T>>,
    f: impl FnOnce(&mut T) -> R,
) -> R {
    let mut f = Some(f);
    let result = key.try_with(|cell| {
        cell.try_borrow_mut()
            .ok()
            .map(|mut scratch| (f.take().expect("called once"))(&mut scratch))
    });
    match result {
        Ok(Some(result)) => result,
        _ => (f.take().expect("not called yet"))(&mut T::default()),
    }
}
