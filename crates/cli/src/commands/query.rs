use std::io::Read;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use linkdex_query::{Backend, Engine};
use serde_json::Value;

#[derive(clap::Args)]
pub struct Args {
    /// A file with the request body (an array of tasks, or one task object), or - for stdin.
    file: String,
}

pub fn run(data: &Path, args: Args) -> anyhow::Result<ExitCode> {
    let mut body = String::new();
    if args.file == "-" {
        std::io::stdin().read_to_string(&mut body)?;
    } else {
        body = std::fs::read_to_string(&args.file).with_context(|| args.file.clone())?;
    }
    let engine = Engine::open(data)?;
    let parsed: Value = serde_json::from_str(&body).context("request is not JSON")?;
    let task = match &parsed {
        Value::Array(tasks) => tasks.first().cloned().unwrap_or(Value::Null),
        other => other.clone(),
    };
    let task = task.as_object().cloned().context("the request holds no task object")?;
    let out = match engine.domain_intersection(&task) {
        Ok(result) => result,
        Err(e) => serde_json::json!({"status_code": e.code.code(), "status_message": e.message}),
    };
    println!("{}", serde_json::to_string_pretty(&out)?);
    Ok(ExitCode::SUCCESS)
}
