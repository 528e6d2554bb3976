//! What every test of the real binary needs: run it over an index directory, read its output.
#![allow(dead_code)] // each test file uses its own subset

use std::path::Path;
use std::process::{Command, Output};

/// Runs `linkdex --data <data> <args>` to completion.
pub fn linkdex(data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_linkdex"))
        .arg("--data")
        .arg(data)
        .args(args)
        .output()
        .expect("runs")
}

/// (stdout, stderr) as text.
pub fn text(o: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}
