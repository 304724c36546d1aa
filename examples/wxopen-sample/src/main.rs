//! Sample mini-program backend. The app itself arrives with the simulator and `cargo xtask demo`;
//! until then this binary only says so.
#![forbid(unsafe_code)]

fn main() {
    eprintln!(
        "wxopen-sample: the sample app is not built yet; see the README for what exists today."
    );
    std::process::exit(2);
}
