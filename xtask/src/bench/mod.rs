//! The parts of `cargo xtask bench`; [`crate::bench_cmd`] runs them in order.

pub(crate) mod date;
pub(crate) mod docs;
pub(crate) mod machine;
pub(crate) mod measured;
pub(crate) mod peers;
pub(crate) mod server;
pub(crate) mod settings;
pub(crate) mod table;
pub(crate) mod wrk;
