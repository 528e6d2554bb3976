//! The one table of API status codes: each code's number and message. Every layer reports
//! errors through it; nothing matches on message strings.

use std::fmt;

/// A DataForSEO status code that linkdex can answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    /// 40000: a task beyond the first of a request.
    OneTaskAtATime,
    /// 40100: missing or wrong credentials (HTTP 401).
    Unauthorized,
    /// 40202: more requests per minute than the login may send.
    RateLimited,
    /// 40209: more requests in flight than the login may have.
    TooManyInFlight,
    /// 40400: unknown path (HTTP 404).
    NotFound,
    /// 40501: a field with a wrong value or type; the message names it.
    InvalidField,
    /// 40502: empty body or empty task list.
    EmptyPostData,
    /// 40503: body that is not JSON tasks, or too large.
    InvalidPostData,
    /// 40506: a top-level task key the endpoint does not know.
    UnknownFields,
    /// 50000: a bug; details go to the log only (HTTP 500).
    Internal,
    /// 50401: the query ran past its deadline.
    Timeout,
}

impl ErrorCode {
    pub fn code(self) -> u32 {
        match self {
            ErrorCode::OneTaskAtATime => 40000,
            ErrorCode::Unauthorized => 40100,
            ErrorCode::RateLimited => 40202,
            ErrorCode::TooManyInFlight => 40209,
            ErrorCode::NotFound => 40400,
            ErrorCode::InvalidField => 40501,
            ErrorCode::EmptyPostData => 40502,
            ErrorCode::InvalidPostData => 40503,
            ErrorCode::UnknownFields => 40506,
            ErrorCode::Internal => 50000,
            ErrorCode::Timeout => 50401,
        }
    }

    /// The fixed message; `InvalidField` and `UnknownFields` get details through [`ApiError`].
    pub fn message(self) -> &'static str {
        match self {
            ErrorCode::OneTaskAtATime => "You can set only one task at a time.",
            ErrorCode::Unauthorized => "You are not authorized to access this resource.",
            ErrorCode::RateLimited => "Too many requests per minute.",
            ErrorCode::TooManyInFlight => "Too many simultaneous requests.",
            ErrorCode::NotFound => "Not Found.",
            ErrorCode::InvalidField => "Invalid Field.",
            ErrorCode::EmptyPostData => "POST Data Is Empty.",
            ErrorCode::InvalidPostData => "POST Data Is Invalid.",
            ErrorCode::UnknownFields => "Unknown Fields in POST Data.",
            ErrorCode::Internal => "Internal Error.",
            ErrorCode::Timeout => "Timeout.",
        }
    }

    /// The HTTP status the response carries: 200 for everything that reached a handler.
    pub fn http_status(self) -> u16 {
        match self {
            ErrorCode::Unauthorized => 401,
            ErrorCode::NotFound => 404,
            ErrorCode::Internal => 500,
            _ => 200,
        }
    }
}

/// An error answered to a client: a code and the message it is shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
}

impl ApiError {
    pub fn new(code: ErrorCode) -> ApiError {
        ApiError {
            code,
            message: code.message().to_string(),
        }
    }

    /// `Invalid Field: '<field>'.`, optionally followed by what is wrong.
    pub fn invalid_field(field: &str, detail: Option<&str>) -> ApiError {
        let mut message = format!("Invalid Field: '{field}'.");
        if let Some(d) = detail {
            message.push(' ');
            message.push_str(d);
        }
        ApiError {
            code: ErrorCode::InvalidField,
            message,
        }
    }

    /// `Unknown Fields in POST Data: '<field>'.`
    pub fn unknown_field(field: &str) -> ApiError {
        ApiError {
            code: ErrorCode::UnknownFields,
            message: format!("Unknown Fields in POST Data: '{field}'."),
        }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.code.code(), self.message)
    }
}

impl std::error::Error for ApiError {}
