//! `SharedStr`: the string of field keys and string values.

#![allow(
    unsafe_code,
    reason = "reading inline text that only ever holds whole str slices"
)]

use std::borrow::{Borrow, Cow};
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Deref;
use std::sync::Arc;

use super::pooled::PooledString;

/// A string held the cheapest way its source allows: a `&'static str` is borrowed, an
/// `Arc<str>` is shared, and any other text (a borrowed `&str`, a `String`, the output of
/// `Display`) is copied: into the value itself up to 22 bytes, else into storage pooled
/// per thread. None of these allocates once the pool is warm, and neither does cloning.
///
/// Field keys ([`Key`](crate::Key)) and string values use it.
#[derive(Clone)]
pub struct SharedStr(Repr);

#[derive(Clone)]
enum Repr {
    Static(&'static str),
    Inline(InlineStr),
    Shared(Arc<str>),
    Pooled(PooledString),
}

/// The most bytes kept inside a `SharedStr`: what fits beside its tag in the space of a
/// wide pointer and a word.
const INLINE: usize = 22;

/// Text of at most [`INLINE`] bytes, kept in place.
#[derive(Clone, Copy)]
pub(crate) struct InlineStr {
    len: u8,
    bytes: [u8; INLINE],
}

impl InlineStr {
    const EMPTY: InlineStr = InlineStr {
        len: 0,
        bytes: [0; INLINE],
    };

    /// `s` in place, if it fits.
    #[inline]
    fn new(s: &str) -> Option<InlineStr> {
        let mut inline = InlineStr::EMPTY;
        inline.push(s).then_some(inline)
    }

    /// Appends `s` if it fits; returns whether it did.
    #[inline]
    fn push(&mut self, s: &str) -> bool {
        let start = usize::from(self.len);
        let Some(room) = self.bytes.get_mut(start..start + s.len()) else {
            return false;
        };
        room.copy_from_slice(s.as_bytes());
        self.len += s.len() as u8;
        true
    }

    #[inline]
    fn as_str(&self) -> &str {
        // SAFETY: `bytes[..len]` only ever receives whole `&str`s, one after another, so
        // it is valid UTF-8.
        unsafe { std::str::from_utf8_unchecked(&self.bytes[..usize::from(self.len)]) }
    }
}

/// Appends text to a string in place: kept in the string while it fits, then pooled. What
/// `Display` and `Debug` output is written through.
pub(crate) struct Append<'a>(pub(crate) &'a mut SharedStr);

impl fmt::Write for Append<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        match &mut self.0.0 {
            Repr::Inline(inline) => {
                if inline.push(s) {
                    return Ok(());
                }
            }
            Repr::Pooled(pooled) => {
                pooled.push_str(s);
                return Ok(());
            }
            Repr::Static(_) | Repr::Shared(_) => {}
        }
        let mut pooled = PooledString::copy_of(self.0.as_str());
        pooled.push_str(s);
        self.0.0 = Repr::Pooled(pooled);
        Ok(())
    }
}

impl SharedStr {
    /// A `SharedStr` borrowing a static string; no copy.
    pub const fn from_static(s: &'static str) -> SharedStr {
        SharedStr(Repr::Static(s))
    }

    /// A copy of `s`, of any lifetime: in place up to 22 bytes, else pooled.
    #[inline]
    pub fn copy_of(s: &str) -> SharedStr {
        SharedStr(match InlineStr::new(s) {
            Some(inline) => Repr::Inline(inline),
            None => Repr::Pooled(PooledString::copy_of(s)),
        })
    }

    /// An empty string kept in place, for [`push_inline`](SharedStr::push_inline).
    pub(crate) const EMPTY_INLINE: SharedStr = SharedStr(Repr::Inline(InlineStr::EMPTY));

    /// The most bytes a string keeps in place.
    pub(crate) const INLINE: usize = INLINE;

    /// Appends `s` to a string kept in place, if it fits; returns whether it did.
    #[inline]
    pub(crate) fn push_inline(&mut self, s: &str) -> bool {
        match &mut self.0 {
            Repr::Inline(inline) => inline.push(s),
            _ => false,
        }
    }

    /// The string.
    #[inline]
    pub fn as_str(&self) -> &str {
        match &self.0 {
            Repr::Static(s) => s,
            Repr::Inline(s) => s.as_str(),
            Repr::Shared(s) => s,
            Repr::Pooled(s) => s.as_str(),
        }
    }

    /// Whether dropping this string frees or releases heap memory.
    #[inline]
    pub(crate) fn owns_heap(&self) -> bool {
        matches!(self.0, Repr::Shared(_) | Repr::Pooled(_))
    }
}

impl Deref for SharedStr {
    type Target = str;

    #[inline]
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl Borrow<str> for SharedStr {
    #[inline]
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for SharedStr {
    #[inline]
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl PartialEq for SharedStr {
    fn eq(&self, other: &SharedStr) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for SharedStr {}

impl PartialEq<str> for SharedStr {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for SharedStr {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialOrd for SharedStr {
    fn partial_cmp(&self, other: &SharedStr) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for SharedStr {
    fn cmp(&self, other: &SharedStr) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl Hash for SharedStr {
    /// Hashes as the `str` does, so maps keyed by `SharedStr` can be queried with `&str`.
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state)
    }
}

impl fmt::Debug for SharedStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for SharedStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

impl From<&'static str> for SharedStr {
    fn from(s: &'static str) -> SharedStr {
        SharedStr::from_static(s)
    }
}

impl From<String> for SharedStr {
    /// Copies the text (no allocation once warm).
    fn from(s: String) -> SharedStr {
        SharedStr::copy_of(&s)
    }
}

impl From<Arc<str>> for SharedStr {
    fn from(s: Arc<str>) -> SharedStr {
        SharedStr(Repr::Shared(s))
    }
}

impl From<Cow<'static, str>> for SharedStr {
    fn from(s: Cow<'static, str>) -> SharedStr {
        match s {
            Cow::Borrowed(s) => SharedStr::from_static(s),
            Cow::Owned(s) => SharedStr::from(s),
        }
    }
}
