/// Builds namespaced cache keys: `{prefix}:{kind}:{appid}:{rest...}`.
///
/// ```
/// use weixin_core::cache::CacheKey;
/// let keys = CacheKey::new("weixin");
/// assert_eq!(keys.build("token", "wx123", &["access"]), "weixin:token:wx123:access");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CacheKey {
    prefix: String,
}

impl Default for CacheKey {
    fn default() -> Self {
        Self::new("weixin")
    }
}

impl CacheKey {
    /// A key builder with the given prefix (default `weixin`).
    pub fn new(prefix: impl Into<String>) -> Self {
        Self {
            prefix: prefix.into(),
        }
    }

    /// The prefix.
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// `{prefix}:{kind}:{appid}` followed by `:{part}` for each extra part.
    pub fn build(&self, kind: &str, appid: &str, rest: &[&str]) -> String {
        let mut key = String::with_capacity(
            self.prefix.len()
                + kind.len()
                + appid.len()
                + 2
                + rest.iter().map(|p| p.len() + 1).sum::<usize>(),
        );
        key.push_str(&self.prefix);
        key.push(':');
        key.push_str(kind);
        key.push(':');
        key.push_str(appid);
        for part in rest {
            key.push(':');
            key.push_str(part);
        }
        key
    }
}
