//! The force-refresh budget of stable tokens (20 a day, 30 s apart), shared by all servers
//! through the cache.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::cache::{Cache, CacheError};

/// WeChat's day for quotas starts at midnight Beijing time (UTC+8).
const BEIJING_OFFSET_MS: i64 = 8 * 3600 * 1000;
const DAY_MS: i64 = 24 * 3600 * 1000;

#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize)]
struct Record {
    day: i64,
    count: u32,
    last_ms: i64,
}

/// Takes one force refresh from the budget stored at `key`; `Ok(false)` when the day's budget is
/// spent or the last force refresh was less than `min_interval` ago.
pub(crate) async fn try_consume(
    cache: &dyn Cache,
    key: &str,
    now_ms: i64,
    per_day: u32,
    min_interval: Duration,
) -> Result<bool, CacheError> {
    let day = (now_ms + BEIJING_OFFSET_MS).div_euclid(DAY_MS);
    let interval_ms = i64::try_from(min_interval.as_millis()).unwrap_or(i64::MAX);
    for _ in 0..8 {
        let raw = cache.get(key).await?;
        let record: Record = raw
            .as_deref()
            .and_then(|b| serde_json::from_slice(b).ok())
            .unwrap_or_default();
        let count = if record.day == day { record.count } else { 0 };
        if count >= per_day || (record.last_ms != 0 && now_ms - record.last_ms < interval_ms) {
            return Ok(false);
        }
        let next = Record {
            day,
            count: count + 1,
            last_ms: now_ms,
        };
        let bytes = serde_json::to_vec(&next).unwrap_or_default();
        if cache
            .compare_and_swap(
                key,
                raw.as_deref(),
                &bytes,
                Some(Duration::from_secs(2 * 86_400)),
            )
            .await?
        {
            return Ok(true);
        }
    }
    Ok(false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cache::MemoryCache;

    #[tokio::test]
    async fn twenty_a_day_thirty_seconds_apart() {
        let cache = MemoryCache::new();
        let gap = Duration::from_secs(30);
        let day0 = 1_800_000_000_000 - (1_800_000_000_000 + BEIJING_OFFSET_MS) % DAY_MS;
        let mut now = day0;
        for _ in 0..20 {
            assert!(try_consume(&cache, "k", now, 20, gap).await.unwrap());
            assert!(
                !try_consume(&cache, "k", now + 29_999, 20, gap)
                    .await
                    .unwrap()
            );
            now += 30_000;
        }
        assert!(
            !try_consume(&cache, "k", now, 20, gap).await.unwrap(),
            "21st of the day"
        );
        assert!(
            try_consume(&cache, "k", day0 + DAY_MS, 20, gap)
                .await
                .unwrap(),
            "next day"
        );
    }
}
