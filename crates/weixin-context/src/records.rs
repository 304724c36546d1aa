//! [`Records`]: a context's bounded list of requests or responses, decoded on demand.

use std::collections::VecDeque;
use std::fmt;

use bytes::Bytes;
use serde::de::DeserializeOwned;

use crate::lazy::LazyRecord;

/// The recorded requests (or responses) of a [`MessageContext`](crate::MessageContext),
/// oldest first.
///
/// Records stay in their stored form until read: loading a context with 40 records and
/// appending one decodes none of them and encodes only the new one. Each record is decoded
/// the first time an accessor reaches it. A stored record that no longer decodes as `T`
/// (the app changed its record types) is skipped by [`iter`](Self::iter) and
/// [`last`](Self::last), logged once, and dropped in its turn when newer records push it out.
///
/// ```
/// use weixin_context::MessageContext;
/// let mut ctx: MessageContext<u32, String> = MessageContext::new("wx1", "user1", 0, 3);
/// (1..=5).for_each(|n| ctx.push_request(n));
/// assert_eq!(ctx.requests().len(), 3);
/// assert_eq!(ctx.requests().iter().copied().collect::<Vec<_>>(), [3, 4, 5]);
/// assert_eq!(ctx.requests().last(), Some(&5));
/// ```
pub struct Records<T> {
    items: VecDeque<LazyRecord<T>>,
}

impl<T> Records<T> {
    pub(crate) fn new() -> Self {
        Self {
            items: VecDeque::new(),
        }
    }

    pub(crate) fn with_capacity(capacity: usize) -> Self {
        Self {
            items: VecDeque::with_capacity(capacity),
        }
    }

    /// How many records are stored (including any that no longer decode).
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether nothing is recorded.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Appends a record in its stored form (loading).
    pub(crate) fn push_encoded(&mut self, raw: Bytes) {
        self.items.push_back(LazyRecord::encoded(raw));
    }

    /// Appends a new record, dropping the oldest beyond `max`.
    pub(crate) fn push(&mut self, record: T, max: usize) {
        self.items.push_back(LazyRecord::new(record));
        self.trim(max);
    }

    /// Drops the oldest records beyond `max`.
    pub(crate) fn trim(&mut self, max: usize) {
        if self.items.len() > max {
            let excess = self.items.len() - max;
            self.items.drain(..excess);
        }
    }

    pub(crate) fn clear(&mut self) {
        self.items.clear();
    }

    /// The records in their stored order, for encoding.
    pub(crate) fn stored(&self) -> impl ExactSizeIterator<Item = &LazyRecord<T>> {
        self.items.iter()
    }
}

impl<T: DeserializeOwned> Records<T> {
    /// The records, oldest first, each decoded when the iterator reaches it.
    pub fn iter(&self) -> Iter<'_, T> {
        Iter {
            inner: self.items.iter(),
        }
    }

    /// The newest record (decoding only it).
    pub fn last(&self) -> Option<&T> {
        self.iter().next_back()
    }

    /// The oldest record.
    pub fn first(&self) -> Option<&T> {
        self.iter().next()
    }

    /// The record at `index` (0 is the oldest), if it exists and decodes.
    pub fn get(&self, index: usize) -> Option<&T> {
        self.items.get(index).and_then(LazyRecord::get)
    }
}

impl<T: Clone> Clone for Records<T> {
    fn clone(&self) -> Self {
        Self {
            items: self.items.clone(),
        }
    }
}

impl<T: fmt::Debug> fmt::Debug for Records<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.items.iter()).finish()
    }
}

impl<T: DeserializeOwned + PartialEq> PartialEq for Records<T> {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

impl<'a, T: DeserializeOwned> IntoIterator for &'a Records<T> {
    type Item = &'a T;
    type IntoIter = Iter<'a, T>;

    fn into_iter(self) -> Iter<'a, T> {
        self.iter()
    }
}

/// The iterator of [`Records::iter`]: the records that decode, oldest first.
pub struct Iter<'a, T> {
    inner: std::collections::vec_deque::Iter<'a, LazyRecord<T>>,
}

impl<'a, T: DeserializeOwned> Iterator for Iter<'a, T> {
    type Item = &'a T;

    fn next(&mut self) -> Option<&'a T> {
        self.inner.by_ref().find_map(LazyRecord::get)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (0, Some(self.inner.len()))
    }
}

impl<T: DeserializeOwned> DoubleEndedIterator for Iter<'_, T> {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.inner.by_ref().rev().find_map(LazyRecord::get)
    }
}

impl<T> fmt::Debug for Iter<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Iter")
            .field("left", &self.inner.len())
            .finish()
    }
}
