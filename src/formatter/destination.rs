//! `Destination`: what a formatter writes for, as the writer of the bytes knows it.

use std::any::Any;
use std::fs::File;
use std::io::{self, IsTerminal, Write};
use std::sync::LazyLock;

/// What a record is formatted for: a terminal, or not (a file, a socket, memory).
///
/// Whatever writes the formatted bytes says which: the logger for its out (decided when
/// the out is set), a hook for its file or socket. The text formatter colours only when
/// the destination [wants colours](Destination::wants_colors), so a formatter shared by a
/// logger writing to a terminal and a hook writing to a file colours the terminal only.
///
/// ```
/// use hooklog::Destination;
///
/// assert!(!Destination::of(&std::io::sink()).is_terminal());
/// assert!(Destination::TERMINAL.is_terminal());
/// assert!(!Destination::PLAIN.wants_colors() || std::env::var_os("CLICOLOR_FORCE").is_some());
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Destination {
    terminal: bool,
}

/// What the environment says about colours (colored's rules): `Some(true)` when
/// `CLICOLOR_FORCE` is set and not `0`, `Some(false)` when `NO_COLOR` is set or
/// `CLICOLOR=0`, `None` to leave it to the destination.
static ENV_COLORS: LazyLock<Option<bool>> = LazyLock::new(|| {
    let var = |name| std::env::var_os(name).filter(|v| !v.is_empty());
    if var("CLICOLOR_FORCE").is_some_and(|v| v != "0") {
        Some(true)
    } else if var("NO_COLOR").is_some() || var("CLICOLOR").is_some_and(|v| v == "0") {
        Some(false)
    } else {
        None
    }
});

impl Destination {
    /// Not a terminal: a file, a socket, memory.
    pub const PLAIN: Destination = Destination { terminal: false };

    /// A terminal.
    pub const TERMINAL: Destination = Destination { terminal: true };

    /// What `writer` is: stdout, stderr and files are asked whether they are terminals;
    /// any other writer is taken not to be one.
    pub fn of<W: Write + 'static>(writer: &W) -> Destination {
        let writer = writer as &dyn Any;
        let terminal = if let Some(stderr) = writer.downcast_ref::<io::Stderr>() {
            stderr.is_terminal()
        } else if let Some(stdout) = writer.downcast_ref::<io::Stdout>() {
            stdout.is_terminal()
        } else if let Some(file) = writer.downcast_ref::<File>() {
            file.is_terminal()
        } else {
            false
        };
        Destination { terminal }
    }

    /// Whether it is a terminal.
    pub fn is_terminal(self) -> bool {
        self.terminal
    }

    /// Whether colours are wanted: always when `CLICOLOR_FORCE` is set (and not `0`),
    /// never when `NO_COLOR` is set or `CLICOLOR=0`, else on a terminal.
    pub fn wants_colors(self) -> bool {
        ENV_COLORS.unwrap_or(self.terminal)
    }
}
