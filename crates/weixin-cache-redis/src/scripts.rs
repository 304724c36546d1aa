//! The Lua scripts behind the conditional operations. Each touches exactly one key (`KEYS[1]`),
//! so they are atomic on a single server and route to one slot on a cluster.

use redis::Script;

/// Deletes `KEYS[1]` if its value is `ARGV[1]`; returns 1 or 0.
const COMPARE_AND_DELETE: &str = r#"
if redis.call("GET", KEYS[1]) == ARGV[1] then
    return redis.call("DEL", KEYS[1])
end
return 0
"#;

/// Sets `KEYS[1]` to `ARGV[2]` if its value is `ARGV[1]`, with a TTL of `ARGV[3]` milliseconds
/// (`"0"`: no TTL, which also clears a previous one); returns 1 or 0.
const COMPARE_AND_SWAP: &str = r#"
if redis.call("GET", KEYS[1]) == ARGV[1] then
    if ARGV[3] == "0" then
        redis.call("SET", KEYS[1], ARGV[2])
    else
        redis.call("SET", KEYS[1], ARGV[2], "PX", ARGV[3])
    end
    return 1
end
return 0
"#;

/// The compiled scripts (their SHA-1 is computed once; `EVALSHA` falls back to `EVAL` after a
/// server restart flushed the script cache).
pub(crate) struct Scripts {
    pub(crate) compare_and_delete: Script,
    pub(crate) compare_and_swap: Script,
}

impl Scripts {
    pub(crate) fn new() -> Self {
        Self {
            compare_and_delete: Script::new(COMPARE_AND_DELETE),
            compare_and_swap: Script::new(COMPARE_AND_SWAP),
        }
    }
}
