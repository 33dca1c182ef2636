//! `Registry`: weak handles to the participants of one exit stage.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError, Weak};
use std::time::Instant;

use super::{AtExit, lock_within};

/// Weak handles to the live participants of one stage, in the order they registered; a
/// participant is forgotten once it is dropped.
pub(super) struct Registry(Mutex<Vec<Weak<dyn AtExit>>>);

impl Registry {
    pub(super) const fn new() -> Registry {
        Registry(Mutex::new(Vec::new()))
    }

    /// Adds `participant`, forgetting those dropped since the last call.
    pub(super) fn add(&self, participant: Weak<dyn AtExit>) {
        let mut participants = self.lock();
        participants.retain(|weak| weak.strong_count() > 0);
        participants.push(participant);
    }

    /// The participants still alive.
    pub(super) fn live(&self) -> Vec<Arc<dyn AtExit>> {
        self.lock().iter().filter_map(Weak::upgrade).collect()
    }

    /// The handles, locked by `deadline` at most: for a fatal-signal handler, which may
    /// neither block nor allocate.
    pub(super) fn lock_by(
        &self,
        deadline: Instant,
    ) -> Option<MutexGuard<'_, Vec<Weak<dyn AtExit>>>> {
        lock_within(&self.0, deadline)
    }

    fn lock(&self) -> MutexGuard<'_, Vec<Weak<dyn AtExit>>> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
