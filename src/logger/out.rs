//! A logger's out: where its formatted records go, one `write_all` each, never
//! interleaved.

use std::any::Any;
use std::fmt;
use std::io::{self, Write};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Instant;

use crate::formatter::Destination;
use crate::lifecycle::lock_within;
use crate::out::MemoryOut;

/// A logger's out and the [`Destination`] its records are formatted for.
///
/// Most outs are written under a lock of the logger's, so records from several threads
/// never interleave. Those that take a whole `write_all` from several threads at once by
/// themselves (stderr and stdout, which lock for the whole call; a `MemoryOut`, which
/// takes each write whole under its own lock; `io::sink()`) are written without it: a
/// second lock would only make threads logging in parallel wait on each other.
pub(crate) struct Out {
    writer: Writer,
    destination: Destination,
}

enum Writer {
    Locked(Mutex<Box<dyn Write + Send>>),
    SelfLocked(Box<dyn SelfLocked>),
}

/// An out that takes a whole record from several threads at once without interleaving.
trait SelfLocked: Send + Sync {
    fn write_all(&self, record: &[u8]) -> io::Result<()>;
    fn flush(&self) -> io::Result<()>;
}

/// `SelfLocked` for types whose `&T` is a `Write` that locks for a whole call.
macro_rules! self_locked {
    ($($t:ty),*) => {$(
        impl SelfLocked for $t {
            fn write_all(&self, record: &[u8]) -> io::Result<()> {
                Write::write_all(&mut &*self, record)
            }

            fn flush(&self) -> io::Result<()> {
                Write::flush(&mut &*self)
            }
        }
    )*};
}

self_locked!(io::Stderr, io::Stdout, MemoryOut);

impl SelfLocked for io::Sink {
    fn write_all(&self, _: &[u8]) -> io::Result<()> {
        Ok(())
    }

    fn flush(&self) -> io::Result<()> {
        Ok(())
    }
}

impl Out {
    /// `out`, written without the logger's lock if it locks by itself.
    pub(crate) fn new<W: Write + Send + 'static>(out: W) -> Out {
        let destination = Destination::of(&out);
        let mut out = Some(out);
        let writer = self_locked::<io::Stderr>(&mut out)
            .or_else(|| self_locked::<io::Stdout>(&mut out))
            .or_else(|| self_locked::<MemoryOut>(&mut out))
            .or_else(|| self_locked::<io::Sink>(&mut out))
            .map(Writer::SelfLocked)
            .unwrap_or_else(|| {
                let out = out.take().expect("not taken: no type matched");
                Writer::Locked(Mutex::new(Box::new(out)))
            });
        Out {
            writer,
            destination,
        }
    }

    /// What records are formatted for.
    pub(crate) fn destination(&self) -> Destination {
        self.destination
    }

    /// Writes one record with one `write_all`.
    pub(crate) fn write_record(&self, record: &[u8]) -> io::Result<()> {
        match &self.writer {
            Writer::Locked(out) => lock(out).write_all(record),
            Writer::SelfLocked(out) => out.write_all(record),
        }
    }

    /// Flushes the out.
    pub(crate) fn flush(&self) -> io::Result<()> {
        match &self.writer {
            Writer::Locked(out) => lock(out).flush(),
            Writer::SelfLocked(out) => out.flush(),
        }
    }

    /// Flushes the out, waiting until `deadline` at most for a thread that holds its lock;
    /// `None` if it stayed locked.
    pub(crate) fn flush_by(&self, deadline: Instant) -> Option<io::Result<()>> {
        match &self.writer {
            Writer::Locked(out) => lock_within(out, deadline).map(|mut out| out.flush()),
            Writer::SelfLocked(out) => Some(out.flush()),
        }
    }
}

/// The out in `out` as a self-locked one, taken from it, if it is a `T`.
fn self_locked<T: SelfLocked + 'static>(out: &mut dyn Any) -> Option<Box<dyn SelfLocked>> {
    let out = out.downcast_mut::<Option<T>>()?.take()?;
    Some(Box::new(out))
}

impl fmt::Debug for Out {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let locked = matches!(self.writer, Writer::Locked(_));
        f.debug_struct("Out")
            .field("locked", &locked)
            .field("destination", &self.destination)
            .finish()
    }
}

fn lock<T: ?Sized>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}
