//! The crate's one error type.

/// Everything this crate can refuse. Ranking runs over ids handed in by the caller, so the only
/// failures are inputs that break a documented precondition.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RankError {
    /// An argument breaks a precondition; `field` names the argument.
    #[error("invalid {field}: {reason}")]
    InvalidInput { field: &'static str, reason: String },
}

impl RankError {
    pub(crate) fn invalid(field: &'static str, reason: impl Into<String>) -> RankError {
        RankError::InvalidInput {
            field,
            reason: reason.into(),
        }
    }
}
