use std::path::Path;
use std::process::ExitCode;

use linkdex_api::{answer_body, Pricing};
use linkdex_query::{Backend, Engine};

use super::clickhouse::{backend, read_body, Connection};

#[derive(clap::Args)]
pub struct Args {
    /// A file with the request body (as POSTed to the API), or - for stdin.
    file: String,
}

/// Prints exactly the envelope the API would answer for this body.
pub fn run(data: &Path, ch: Option<&Connection>, args: Args) -> anyhow::Result<ExitCode> {
    let body = read_body(&args.file)?;
    let backend: Box<dyn Backend> = match ch {
        Some(conn) => Box::new(backend(conn)?),
        None => Box::new(Engine::open(data)?),
    };
    let envelope = answer_body(backend.as_ref(), &body, &Pricing::default());
    println!("{}", serde_json::to_string_pretty(&envelope)?);
    Ok(ExitCode::SUCCESS)
}
