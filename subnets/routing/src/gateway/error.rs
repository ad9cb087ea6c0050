//! The gateway's error responses: a status code and `{"error": {"code", "message"}}`.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// Every error code the gateway emits (the OpenAPI document's `Error.code` enum; a test
/// checks the two agree, and [`ApiError::new`] checks every code it is given in debug builds).
pub const ERROR_CODES: [&str; 14] = [
    "unauthorized",
    "btauth_unavailable",
    "body_too_large",
    "bad_body",
    "invalid_json",
    "invalid_problem",
    "too_many_stops",
    "invalid_time_limit",
    "quota_exceeded",
    "no_miners",
    "no_valid_solution",
    "metering_unavailable",
    "not_found",
    "method_not_allowed",
];

/// An error response.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// Stable machine-readable code.
    pub code: &'static str,
    /// Human-readable explanation.
    pub message: String,
}

impl ApiError {
    /// An error.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        debug_assert!(
            ERROR_CODES.contains(&code),
            "undocumented error code {code}"
        );
        Self {
            status,
            code,
            message: message.into(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = json!({ "error": { "code": self.code, "message": self.message } });
        (self.status, Json(body)).into_response()
    }
}
