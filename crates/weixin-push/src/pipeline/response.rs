//! [`PushResponse`]: what to send back, without any web framework.

use http::StatusCode;

/// `Content-Type` of plain-text bodies (`success`, echostr, error reasons).
pub const TEXT_PLAIN: &str = "text/plain; charset=utf-8";
/// `Content-Type` of XML replies.
pub const TEXT_XML: &str = "text/xml; charset=utf-8";
/// `Content-Type` of JSON replies.
pub const APPLICATION_JSON: &str = "application/json";

/// The answer to a [`PushRequest`](crate::pipeline::PushRequest): status, content type, body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushResponse {
    status: StatusCode,
    content_type: &'static str,
    body: String,
}

impl PushResponse {
    /// A response with every part given.
    pub fn new(status: StatusCode, content_type: &'static str, body: impl Into<String>) -> Self {
        Self {
            status,
            content_type,
            body: body.into(),
        }
    }

    /// `200` with a plain-text body.
    pub fn text(body: impl Into<String>) -> Self {
        Self::new(StatusCode::OK, TEXT_PLAIN, body)
    }

    /// `200` with the body `success`.
    pub fn success() -> Self {
        Self::text("success")
    }

    /// An error status with a short plain-text reason.
    pub fn error(status: StatusCode, reason: impl Into<String>) -> Self {
        Self::new(status, TEXT_PLAIN, reason)
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The `Content-Type` header value.
    pub fn content_type(&self) -> &'static str {
        self.content_type
    }

    /// The body.
    pub fn body(&self) -> &str {
        &self.body
    }

    /// Takes the body out.
    pub fn into_body(self) -> String {
        self.body
    }

    /// Converts into an `http::Response`.
    pub fn into_http(self) -> http::Response<String> {
        let mut response = http::Response::new(self.body);
        *response.status_mut() = self.status;
        response.headers_mut().insert(
            http::header::CONTENT_TYPE,
            http::HeaderValue::from_static(self.content_type),
        );
        response
    }
}
