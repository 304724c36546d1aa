//! `cargo xtask`: the project's automation, std only.
#![forbid(unsafe_code)]

fn main() {
    println!("xtask: usage: cargo xtask <test|fuzz>");
}
