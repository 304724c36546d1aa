//! Backend conformance suite (filled in by the cache work).
