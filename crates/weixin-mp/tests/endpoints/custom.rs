//! The custom area.

use weixin_testkit::endpoints::Case;

pub(crate) fn cases() -> Vec<Case> {
    vec![]
}
