//! Rendering: run events on stderr (a progress bar on a terminal), JSON results on stdout,
//! errors with their hints on stderr.

use std::io::{IsTerminal, Write};

use aludel::Error;
use aludel::revision::{Direction, GraphError};
use aludel::runtime::Event;
use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;
use serde_json::Value;

/// `print!` on stdout that ends the process quietly when stdout is a pipe closed early
/// (`aludel history | head`): the reader has what it wanted.
macro_rules! out {
    ($($arg:tt)*) => { $crate::output::write_stdout(format_args!($($arg)*)) };
}

/// `println!` on stdout, quiet on a closed pipe as [`out!`] is.
macro_rules! outln {
    () => { $crate::output::write_stdout(format_args!("\n")) };
    ($($arg:tt)*) => { $crate::output::write_stdout(format_args!("{}\n", format_args!($($arg)*))) };
}

/// Writes to stdout; a closed pipe exits with status 0 at once (nothing else is worth doing
/// for a reader that left), any other write error with status 1 and a message.
pub fn write_stdout(args: std::fmt::Arguments<'_>) {
    let mut stdout = std::io::stdout().lock();
    if let Err(e) = stdout.write_fmt(args).and_then(|()| stdout.flush()) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("error: cannot write to stdout: {e}");
        std::process::exit(1);
    }
}

/// Shows run events: one line per migration with its duration, a bar on a terminal.
pub struct Progress {
    quiet: bool,
    bar: Option<ProgressBar>,
}

impl Progress {
    pub fn new(quiet: bool) -> Progress {
        Progress { quiet, bar: None }
    }

    fn say(&self, line: &str) {
        match &self.bar {
            Some(bar) => bar.println(line),
            None => eprintln!("{line}"),
        }
    }

    pub fn event(&mut self, event: Event) {
        match event {
            Event::Warning { message, hints } => {
                self.say(&format!("warning: {message}"));
                for hint in hints {
                    self.say(&format!("hint: {hint}"));
                }
            }
            _ if self.quiet => {}
            Event::Notice(text) => self.say(&text),
            Event::Planned { steps } => {
                let terminal =
                    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
                if terminal && steps > 1 {
                    let bar = ProgressBar::new(steps as u64);
                    if let Ok(style) = ProgressStyle::with_template("{bar:40} {pos}/{len} {msg}") {
                        bar.set_style(style);
                    }
                    self.bar = Some(bar);
                }
            }
            Event::StepStarted { line, .. } => {
                if let Some(bar) = &self.bar {
                    bar.set_message(line);
                }
            }
            Event::StepFinished {
                line,
                elapsed,
                transactional,
                ..
            } => {
                let outside = if transactional {
                    ""
                } else {
                    ", outside a transaction"
                };
                self.say(&format!("{line} ({} ms{outside})", elapsed.as_millis()));
                if let Some(bar) = &self.bar {
                    bar.inc(1);
                }
            }
            Event::BatchProgress {
                revision,
                line,
                runs,
                rows,
            } => {
                self.say(&format!(
                    "  batch {revision} line {line}: run {runs}, {rows} rows so far"
                ));
            }
            Event::BackedUp { path } => {
                self.say(&format!("Backed up the database to {}", path.display()))
            }
            _ => {}
        }
    }

    pub fn finish(self) {
        if let Some(bar) = self.bar {
            bar.finish_and_clear();
        }
    }
}

/// Prints `value` as pretty JSON on stdout, the keys of every object in alphabetical order:
/// that order is the documented wire format, kept whatever order a struct declares its fields
/// in or serde_json's map preserves.
pub fn print_json(value: &impl Serialize) -> anyhow::Result<()> {
    let value = sorted(serde_json::to_value(value)?);
    outln!("{}", serde_json::to_string_pretty(&value)?);
    Ok(())
}

fn sorted(value: Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut fields: Vec<(String, Value)> = map.into_iter().collect();
            fields.sort_by(|a, b| a.0.cmp(&b.0));
            Value::Object(fields.into_iter().map(|(k, v)| (k, sorted(v))).collect())
        }
        Value::Array(items) => Value::Array(items.into_iter().map(sorted).collect()),
        other => other,
    }
}

/// Prints an error paragraph to stderr: the message, the details a failed migration needs,
/// then the error's hints, one `hint:` line each.
pub fn print_error(err: &anyhow::Error) {
    eprint!("error: ");
    print_error_body(err);
}

/// [`print_error`] without its `error: ` prefix, for a warning that carries an error's text.
pub fn print_error_body(err: &anyhow::Error) {
    eprintln!("{err}");
    if let Some(Error::StatementFailed {
        applied_before,
        rolled_back,
        revision,
        direction,
        ..
    }) = err.downcast_ref::<Error>()
    {
        statement_failed(revision, *direction, *rolled_back, applied_before);
    }
    for hint in hints(err) {
        eprintln!("hint: {hint}");
    }
}

/// What a failed migration left behind, as it is now: nothing when it was rolled back, else
/// the statements that stay applied. A failed downgrade leaves its revision applied.
fn statement_failed(
    revision: &str,
    direction: Direction,
    rolled_back: bool,
    applied_before: &[String],
) {
    let downgrade = direction == Direction::Downgrade;
    if rolled_back {
        if downgrade {
            eprintln!(
                "the downgrade was rolled back: the database and the version table are still at revision {revision}"
            );
        } else {
            eprintln!(
                "the migration was rolled back: the database and the version table are as before revision {revision}"
            );
        }
        return;
    }
    if downgrade {
        eprintln!(
            "revision {revision} is still recorded as applied; its downgrade statements ran outside a transaction"
        );
    } else {
        eprintln!(
            "revision {revision} is not recorded as applied; its statements ran outside a transaction"
        );
    }
    if applied_before.is_empty() {
        eprintln!("no statement of it had run before the failing one");
    } else {
        eprintln!("these statements of it had already run and stay applied:");
        for line in applied_before {
            eprintln!("  {line}");
        }
    }
}

/// The hints of a library error, whether it arrived as an [`Error`] or as the graph's own.
fn hints(err: &anyhow::Error) -> Vec<String> {
    if let Some(error) = err.downcast_ref::<Error>() {
        error.hints()
    } else if let Some(error) = err.downcast_ref::<GraphError>() {
        error.hint().into_iter().collect()
    } else {
        Vec::new()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::sorted;

    #[test]
    fn every_object_prints_its_keys_in_alphabetical_order() {
        let value = sorted(json!({ "b": [{ "z": 1, "a": 2 }], "a": { "y": 0, "x": 0 } }));
        assert_eq!(
            serde_json::to_string(&value).unwrap(),
            r#"{"a":{"x":0,"y":0},"b":[{"a":2,"z":1}]}"#
        );
    }
}
