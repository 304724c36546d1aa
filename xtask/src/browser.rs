//! Headless Chromium and chromedriver for the simulator console's browser test
//! (`examples/wxopen-sample/tests/console_browser.rs`), found or installed like the servers.

use crate::install::{self, Needed};

/// The chromedriver binary the test starts; empty when it could not be had (the test then
/// fails and says so, instead of skipping as it does when the variable is unset).
const DRIVER_VAR: &str = "WEIXIN_TEST_CHROMEDRIVER";
/// The browser chromedriver should start.
const BROWSER_VAR: &str = "WEIXIN_TEST_CHROMIUM";

const NEEDED: [Needed; 2] = [
    Needed {
        binary: "chromedriver",
        package: "chromium-driver",
    },
    Needed {
        binary: "chromium",
        package: "chromium",
    },
];

/// The variables for the test run, installing the browser first when missing and possible.
/// A browser that cannot be had is reported here and left for the test to fail on.
pub(crate) fn env() -> Vec<(&'static str, String)> {
    match install::ensure(&NEEDED) {
        Ok(paths) => {
            println!(
                "xtask: browser test uses {} and {}",
                paths[0].display(),
                paths[1].display()
            );
            vec![
                (DRIVER_VAR, paths[0].display().to_string()),
                (BROWSER_VAR, paths[1].display().to_string()),
            ]
        }
        Err(why) => {
            println!("xtask: no browser for the console test, which will fail: {why}");
            vec![(DRIVER_VAR, String::new())]
        }
    }
}
