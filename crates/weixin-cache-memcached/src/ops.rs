//! The memcached operations behind the cache and the lock, over meta commands:
//! `mg` (get, with CAS), `ms` (set, add mode `ME`, compare-and-set `C<cas>`), and
//! `md` (delete, compare-and-delete `C<cas>`).
//!
//! Conditional operations compare values, not CAS tokens: read the value with its CAS, compare
//! the bytes, then write or delete only if the CAS still matches. A CAS mismatch means another
//! client wrote in between, so the comparison is repeated on the fresh value (within the
//! operation timeout).

use memcache::exp::{GetStatus, Meta, MutationStatus, Ttl};
use weixin_core::cache::CacheError;

use crate::client::Client;
use crate::error::{from_client, unexpected};
use crate::keys::wire_key;

impl Client {
    /// `mg <key> v`: the value, or `None` on a miss.
    pub(crate) async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, CacheError> {
        let key = wire_key(key);
        let result = self
            .bounded("get", self.meta.get(key.as_bytes()).send())
            .await?;
        match result.status {
            GetStatus::Hit => Ok(Some(result.value.unwrap_or_default())),
            GetStatus::Miss => Ok(None),
            other => Err(unexpected("get", other)),
        }
    }

    /// `mg <key> v c`: the value and its CAS, or `None` on a miss.
    async fn get_with_cas(
        &self,
        op: &'static str,
        key: &str,
    ) -> Result<Option<(Vec<u8>, u64)>, CacheError> {
        let result = self
            .meta
            .get(key.as_bytes())
            .meta(Meta::NONE.cas())
            .send()
            .await
            .map_err(|e| from_client(op, e))?;
        match (result.status, result.item.cas) {
            (GetStatus::Hit, Some(cas)) => Ok(Some((result.value.unwrap_or_default(), cas))),
            (GetStatus::Miss, _) => Ok(None),
            (other, cas) => Err(unexpected(op, (other, cas))),
        }
    }

    /// `ms <key> T<ttl>`: an unconditional store.
    pub(crate) async fn set(&self, key: &str, value: &[u8], ttl: Ttl) -> Result<(), CacheError> {
        let key = wire_key(key);
        let result = self
            .bounded("set", self.meta.set(key.as_bytes(), value).ttl(ttl).send())
            .await?;
        match result.status {
            MutationStatus::Applied => Ok(()),
            other => Err(unexpected("set", other)),
        }
    }

    /// `ms <key> ME T<ttl>`: stores only if absent; whether it stored.
    pub(crate) async fn add(
        &self,
        op: &'static str,
        key: &str,
        value: &[u8],
        ttl: Ttl,
    ) -> Result<bool, CacheError> {
        let key = wire_key(key);
        let result = self
            .bounded(
                op,
                self.meta.set(key.as_bytes(), value).ttl(ttl).add().send(),
            )
            .await?;
        match result.status {
            MutationStatus::Applied => Ok(true),
            MutationStatus::AlreadyExists => Ok(false),
            other => Err(unexpected(op, other)),
        }
    }

    /// `md <key>`: whether a live item was deleted.
    pub(crate) async fn delete(&self, key: &str) -> Result<bool, CacheError> {
        let key = wire_key(key);
        let result = self
            .bounded("delete", self.meta.delete(key.as_bytes()).send())
            .await?;
        match result.status {
            MutationStatus::Applied => Ok(true),
            MutationStatus::NotFound => Ok(false),
            other => Err(unexpected("delete", other)),
        }
    }

    /// Replaces the value with `new` (TTL `ttl`) only while it equals `expected`.
    pub(crate) async fn swap_if_equal(
        &self,
        op: &'static str,
        key: &str,
        expected: &[u8],
        new: &[u8],
        ttl: Ttl,
    ) -> Result<bool, CacheError> {
        let key = wire_key(key);
        self.bounded_steps(op, async {
            loop {
                let Some((current, cas)) = self.get_with_cas(op, &key).await? else {
                    return Ok(false);
                };
                if current != expected {
                    return Ok(false);
                }
                let result = self
                    .meta
                    .set(key.as_bytes(), new)
                    .ttl(ttl)
                    .compare_cas(cas)
                    .send()
                    .await
                    .map_err(|e| from_client(op, e))?;
                match result.status {
                    MutationStatus::Applied => return Ok(true),
                    // Written or deleted by another client since our read: compare again.
                    MutationStatus::CasMismatch | MutationStatus::NotFound => continue,
                    other => return Err(unexpected(op, other)),
                }
            }
        })
        .await
    }

    /// Deletes the key only while its value equals `expected`.
    pub(crate) async fn delete_if_equal(
        &self,
        op: &'static str,
        key: &str,
        expected: &[u8],
    ) -> Result<bool, CacheError> {
        let key = wire_key(key);
        self.bounded_steps(op, async {
            loop {
                let Some((current, cas)) = self.get_with_cas(op, &key).await? else {
                    return Ok(false);
                };
                if current != expected {
                    return Ok(false);
                }
                let result = self
                    .meta
                    .delete(key.as_bytes())
                    .compare_cas(cas)
                    .send()
                    .await
                    .map_err(|e| from_client(op, e))?;
                match result.status {
                    MutationStatus::Applied => return Ok(true),
                    MutationStatus::CasMismatch | MutationStatus::NotFound => continue,
                    other => return Err(unexpected(op, other)),
                }
            }
        })
        .await
    }
}
