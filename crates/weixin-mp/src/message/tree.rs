//! The borrowed element tree both wire formats are read into before the typed message is built.
//!
//! XML `<a><b>x</b></a>` and JSON `{"a":{"b":"x"}}` give the same tree. Repeated XML elements
//! and JSON arrays both become several nodes with the same name, in order.

use std::borrow::Cow;

/// Deepest element nesting accepted: the rule both platforms share.
pub(crate) const MAX_DEPTH: usize = weixin_push::MAX_NESTING;

/// One element: its name and either its text or its child elements.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Node<'a> {
    pub(crate) name: Cow<'a, str>,
    pub(crate) value: NodeValue<'a>,
}

/// The content of an element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum NodeValue<'a> {
    /// Text (CDATA or escaped text, already decoded); numbers in JSON are kept as their digits.
    Text(Cow<'a, str>),
    /// Child elements.
    Children(Vec<Node<'a>>),
    /// Already moved into the typed message.
    Taken,
}
