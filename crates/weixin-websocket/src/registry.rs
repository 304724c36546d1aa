//! The local connections, by id, by openid and by session id.

use std::collections::HashMap;
use std::sync::{Arc, RwLock, RwLockReadGuard, RwLockWriteGuard};

use crate::connection::{ConnShared, ConnectionId};

/// Whom a frame is for.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "redis", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "redis", serde(rename_all = "snake_case"))]
pub(crate) enum Target {
    User(String),
    Session(String),
    All,
}

#[derive(Default)]
struct Maps {
    by_id: HashMap<ConnectionId, Arc<ConnShared>>,
    by_openid: HashMap<String, Vec<Arc<ConnShared>>>,
    by_session: HashMap<String, Vec<Arc<ConnShared>>>,
}

/// All local connections. Never held across an await.
#[derive(Default)]
pub(crate) struct Registry {
    maps: RwLock<Maps>,
}

impl Registry {
    fn read(&self) -> RwLockReadGuard<'_, Maps> {
        self.maps
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn write(&self) -> RwLockWriteGuard<'_, Maps> {
        self.maps
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub(crate) fn insert(&self, conn: Arc<ConnShared>) {
        let mut maps = self.write();
        maps.by_openid
            .entry(conn.user.openid().to_owned())
            .or_default()
            .push(conn.clone());
        maps.by_session
            .entry(conn.user.session_id().to_owned())
            .or_default()
            .push(conn.clone());
        maps.by_id.insert(conn.id, conn);
    }

    pub(crate) fn remove(&self, id: ConnectionId) {
        let mut maps = self.write();
        let Some(conn) = maps.by_id.remove(&id) else {
            return;
        };
        remove_from(&mut maps.by_openid, conn.user.openid(), id);
        remove_from(&mut maps.by_session, conn.user.session_id(), id);
    }

    /// Calls `each` for every connection the target names, under the read lock.
    pub(crate) fn for_each(&self, target: &Target, mut each: impl FnMut(&ConnShared)) {
        let maps = self.read();
        match target {
            Target::User(openid) => maps
                .by_openid
                .get(openid)
                .into_iter()
                .flatten()
                .for_each(|c| each(c)),
            Target::Session(session) => maps
                .by_session
                .get(session)
                .into_iter()
                .flatten()
                .for_each(|c| each(c)),
            Target::All => maps.by_id.values().for_each(|c| each(c)),
        }
    }

    pub(crate) fn connections(&self) -> usize {
        self.read().by_id.len()
    }

    pub(crate) fn users(&self) -> usize {
        self.read().by_openid.len()
    }

    pub(crate) fn user_connections(&self, openid: &str) -> usize {
        self.read().by_openid.get(openid).map_or(0, Vec::len)
    }
}

fn remove_from(map: &mut HashMap<String, Vec<Arc<ConnShared>>>, key: &str, id: ConnectionId) {
    if let Some(list) = map.get_mut(key) {
        list.retain(|c| c.id != id);
        if list.is_empty() {
            map.remove(key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::User;

    fn conn(id: u64, openid: &str, session: &str) -> Arc<ConnShared> {
        ConnShared::new(ConnectionId(id), User::new(openid, session), 4).0
    }

    fn ids(reg: &Registry, target: &Target) -> Vec<u64> {
        let mut out = Vec::new();
        reg.for_each(target, |c| out.push(c.id.0));
        out.sort_unstable();
        out
    }

    #[test]
    fn indexes_by_openid_and_session_and_cleans_up() {
        let reg = Registry::default();
        reg.insert(conn(1, "a", "s1"));
        reg.insert(conn(2, "a", "s2"));
        reg.insert(conn(3, "b", "s3"));
        assert_eq!(ids(&reg, &Target::User("a".into())), vec![1, 2]);
        assert_eq!(ids(&reg, &Target::Session("s3".into())), vec![3]);
        assert_eq!(ids(&reg, &Target::All), vec![1, 2, 3]);
        assert_eq!((reg.connections(), reg.users()), (3, 2));

        reg.remove(ConnectionId(1));
        reg.remove(ConnectionId(1));
        assert_eq!(ids(&reg, &Target::User("a".into())), vec![2]);
        assert!(ids(&reg, &Target::Session("s1".into())).is_empty());
        reg.remove(ConnectionId(2));
        assert_eq!(reg.user_connections("a"), 0);
        assert_eq!((reg.connections(), reg.users()), (1, 1));
    }
}
