//! Rendering for people: run events on stderr (a progress bar on a terminal), results on
//! stdout, errors with their hints.

use std::io::IsTerminal;

use aludel::Error;
use aludel::runtime::Event;
use indicatif::{ProgressBar, ProgressStyle};

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
            Event::Warning(text) => self.say(&format!("warning: {text}")),
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

/// Prints an error paragraph to stderr, with the details a failed migration needs.
pub fn report_error(err: &anyhow::Error, _quiet: bool) {
    eprintln!("error: {err}");
    if let Some(Error::StatementFailed {
        applied_before,
        rolled_back,
        revision,
        ..
    }) = err.downcast_ref::<Error>()
    {
        if *rolled_back {
            eprintln!(
                "the migration was rolled back: the database and the version table are as before revision {revision}"
            );
        } else {
            eprintln!(
                "revision {revision} is not recorded as applied; its statements ran outside a transaction"
            );
            if applied_before.is_empty() {
                eprintln!("no statement of it had run before the failing one");
            } else {
                eprintln!("these statements of it had already run and stay applied:");
                for line in applied_before {
                    eprintln!("  {line}");
                }
            }
            eprintln!(
                "hint: undo or complete those statements by hand, then run the command again"
            );
        }
    }
}
