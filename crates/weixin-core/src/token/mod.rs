//! Access tokens and JS-SDK tickets without a token war: [`TokenBroker`] and its two uses,
//! [`AccessTokenContainer`] and [`JsApiTicketContainer`].

mod broker;
mod budget;
mod fetcher;
mod refresher;
mod stored;

pub use broker::{AccessTokenContainer, JsApiTicketContainer, TokenBroker, TokenSettings};
pub use fetcher::{AccessTokenFetcher, FetchedToken, JsApiTicketFetcher, TokenFetcher, TokenMode};
pub use refresher::RefresherHandle;
pub use stored::StoredToken;
