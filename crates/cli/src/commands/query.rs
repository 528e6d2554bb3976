use std::io::Read;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use linkdex_api::{answer_body, Pricing};
use linkdex_query::Engine;

#[derive(clap::Args)]
pub struct Args {
    /// A file with the request body (as POSTed to the API), or - for stdin.
    file: String,
}

/// Prints exactly the envelope the API would answer for this body.
pub fn run(data: &Path, args: Args) -> anyhow::Result<ExitCode> {
    let mut body = Vec::new();
    if args.file == "-" {
        std::io::stdin().read_to_end(&mut body)?;
    } else {
        body = std::fs::read(&args.file).with_context(|| args.file.clone())?;
    }
    let engine = Engine::open(data)?;
    let envelope = answer_body(&engine, &body, &Pricing::default());
    println!("{}", serde_json::to_string_pretty(&envelope)?);
    Ok(ExitCode::SUCCESS)
}
