//! Library side of the `weixin` command-line tool (command definitions and their logic).
#![forbid(unsafe_code)]
